"""The journeys a person takes, in a real browser."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def heat_map_label(page, base: str, likelihood: str, impact: str) -> str:
    page.goto(f"{base}/risks/heat-map/")
    titles = page.locator("svg.heatmap title").all_text_contents()
    return next(t for t in titles if f"likelihood {likelihood} and impact {impact}:" in t)


def test_an_officer_raises_a_likelihood_and_sees_it_on_the_heat_map_and_in_history(demo_site, page):
    log_in(page, demo_site, "risk.officer")
    assert ": 1 risk with" in heat_map_label(page, demo_site, "Likely", "Moderate")
    page.goto(f"{demo_site}/risks/OPCC-R05/")
    page.get_by_role("link", name="Review for 2025/26 Q3").click()
    page.get_by_label("Likelihood").select_option(label="Likely")
    page.get_by_label("Commentary").fill("Funding is now less certain.")
    page.get_by_role("button", name="Save review").click()
    expect(
        page.get_by_text("2025/26 Q3 review of OPCC-R05 saved: score 12, Medium.")
    ).to_be_visible()
    page.get_by_role("link", name="See the change history of risk OPCC-R05").click()
    history = page.locator(".history-table").inner_text()
    # "from" and "to" are visually hidden, for screen readers; innerText puts them on lines.
    assert re.search(
        r"2025/26 Q3 review\s+Likelihood:\s+from\s+Possible\s+→\s+to\s+Likely", history
    )
    assert ": 2 risks with" in heat_map_label(page, demo_site, "Likely", "Moderate")


def test_an_smt_lead_updates_three_commitments_in_the_grid_but_not_anothers(demo_site, page):
    log_in(page, demo_site, "smt.lead")
    page.get_by_role("link", name="My commitments").first.click()
    green = [
        row
        for row in page.locator("fieldset.grid-row").all()
        if row.locator("select").input_value() == "green"
    ][:3]
    for index, row in enumerate(green):
        row.locator("select").select_option(label="Amber")
        row.locator("textarea").fill(f"Browser update {index}")
    page.get_by_role("button", name="Save all").first.click()
    expect(page.get_by_text("Saved 3 of your commitments for 2025/26 Q3.")).to_be_visible()
    from commitments.models import Commitment, QuarterlyStatus

    assert QuarterlyStatus.objects.filter(update__startswith="Browser update").count() == 3
    other = (
        Commitment.objects.exclude(smt_lead__user__username="smt.lead")
        .exclude(officer_lead__user__username="smt.lead")
        .first()
    )
    response = page.goto(f"{demo_site}/commitments/{other.ref}/status/2025/Q3/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You may not do that")).to_be_visible()


def test_the_cfo_drafts_previews_publishes_and_downloads_the_paper(demo_site, page):
    log_in(page, demo_site, "cfo")
    page.get_by_role("link", name="Committee papers").first.click()
    page.get_by_role("link", name="Edit 2025/26 Q3 version 1").click()
    page.get_by_label("Agenda item").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Paper saved.")).to_be_visible()
    page.get_by_role("link", name="Preview the paper").click()
    expect(page.get_by_role("heading", name="OPCC RISK MANAGEMENT UPDATE")).to_be_visible()
    expect(page.get_by_text("20 of the 356 individual deliverables")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Back to papers").click()
    page.get_by_role("link", name="Publish 2025/26 Q3 version 1").click()
    page.get_by_role("button", name="Publish 2025/26 Q3 version 1").click()
    expect(page.get_by_text("Published Risk Management Update 2025/26 Q3 v1")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF of 2025/26 Q3 version 1").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "OPCC RISK MANAGEMENT UPDATE" in text
