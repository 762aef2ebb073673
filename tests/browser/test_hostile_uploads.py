"""Broken and oversized workbooks, uploaded as a person would, through Chromium."""

import pytest

from tests.browser.conftest import log_in
from tests.xlsx import rows_xml, workbook

pytestmark = pytest.mark.browser

RISK_HEADER = ["Ref", "Title", "Owner", "Status", "Date Identified", "Inherent Likelihood"]


def test_a_risk_officer_uploads_a_broken_workbook_and_sees_each_bad_cell(demo_site, page, tmp_path):
    from registers.models import Risk

    risks = [
        ["NEW-1", "A risk", "Jane Heppel", "Open", '<c r="E2" t="d"><v>2025-13-45</v></c>'],
        ["NEW-2", "Another", "Jane Heppel", "Open", None, '<c r="F3"><v>high</v></c>'],
    ]
    path = tmp_path / "risks.xlsx"
    path.write_bytes(workbook({"Risks": rows_xml([RISK_HEADER, *risks], "A1:B1")}))
    before = Risk.objects.count()
    log_in(page, demo_site, "risk.officer")
    page.goto(f"{demo_site}/risks/import/")
    page.get_by_label("Workbook").set_input_files(str(path))
    page.get_by_role("button", name="Check the workbook").click()
    problems = page.locator("#error-summary").inner_text()
    assert "The workbook was not imported: 2 problems" in problems
    assert "Sheet 'Risks', row 2, column 'Date Identified': '2025-13-45' is not a date" in problems
    assert (
        "Sheet 'Risks', row 3, column 'Inherent Likelihood': 'high' is marked as a number "
        "but is not one" in problems
    )
    assert Risk.objects.count() == before


def test_a_file_over_the_upload_limit_is_answered_with_a_short_plain_page(
    demo_site, page, tmp_path
):
    path = tmp_path / "huge.xlsx"
    path.write_bytes(b"PK" + b"\0" * (11 * 1024 * 1024))
    log_in(page, demo_site, "plan.manager")
    page.goto(f"{demo_site}/commitments/import/")
    page.get_by_label("Workbook").set_input_files(str(path))
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Check the workbook").click()
    assert navigation.value.status == 413
    assert "This request is too large: riskreg accepts at most 10 MB here." in page.inner_text(
        "body"
    )
