"""The quarter as its users live it, in Chromium (issue 11): from opening a period to the
published paper, back to back, with what a browser really sends. Every page the cycle
touches is checked with axe-core and for sideways scrolling at 320 px."""

import datetime
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


class Checked:
    """Pages seen in the cycle, checked at 1280 px as they are, and again at 320 px."""

    def __init__(self, browser, base: str):
        self.browser, self.base, self.seen = browser, base, {}
        self.violations: list[str] = []

    def look(self, page, username: str) -> None:
        url = page.url.removeprefix(self.base)
        self.seen.setdefault(username, set()).add(url)
        self.violations += axe_violations(page, f"{username} 1280px {url}")

    def at_320(self) -> None:
        for username, urls in self.seen.items():
            context = self.browser.new_context(viewport={"width": 320, "height": 800})
            page = context.new_page()
            log_in(page, self.base, username)
            for url in sorted(urls):
                page.goto(self.base + url)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 320:
                    self.violations.append(f"{username} 320px {url}: {width} px wide")
                self.violations += axe_violations(page, f"{username} 320px {url}")
            context.close()


def new_page(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, username)
    return page


def open_next_period(page, base: str, deadline: str) -> None:
    page.goto(f"{base}/commitments/periods/")
    page.get_by_role("link", name="Open the next period").click()
    page.get_by_label("Update deadline").fill(deadline)
    page.get_by_role("button", name=re.compile("^Open ")).click()


def fill_rows(page, count: int | None, rag: str, update: str) -> int:
    """Fill the first `count` rows of My commitments (all when None); return how many."""
    rows = page.locator("fieldset.grid-row").all()[:count]
    for row in rows:
        row.locator("select").select_option(label=rag)
        row.locator("textarea").fill(update)
    page.get_by_role("button", name="Save all").first.click()
    return len(rows)


def test_a_quarter_from_opening_the_period_to_the_published_paper(demo_site, browser):
    from commitments.models import Commitment, Period, QuarterlyStatus
    from registers.models import Risk, RiskReview

    checked = Checked(browser, demo_site)
    manager = new_page(browser, demo_site, "plan.manager")
    open_next_period(manager, demo_site, "2026-01-15")
    expect(manager.get_by_text("2025/26 Q4 is open for updates, due 15 Jan 2026.")).to_be_visible()
    checked.look(manager, "plan.manager")
    q4 = Period.objects.get(year=2025, number=4)

    # Two leads save part of their rows, then the rest.
    for username in ("smt.lead", "smt.other"):
        lead = new_page(browser, demo_site, username)
        lead.goto(f"{demo_site}/")
        assert lead.get_by_text(
            re.compile(r"0 of \d+ of your commitments updated for 2025/26 Q4, due 15 Jan 2026")
        ).is_visible()
        checked.look(lead, username)
        lead.get_by_role("link", name=re.compile("^Update the \\d+ not yet updated")).click()
        assert fill_rows(lead, 2, "Red", "Needs support") == 2
        expect(lead.get_by_text("Saved 2 of your commitments for 2025/26 Q4.")).to_be_visible()
        checked.look(lead, username)
        total = Commitment.objects.led_by(lead_person(username)).count()
        assert fill_rows(lead, None, "Green", "On track") == total - 2
        expect(lead.get_by_text(f"Saved {total - 2} of your commitments")).to_be_visible()
        lead.goto(f"{demo_site}/")
        expect(lead.get_by_text(f"{total} of {total} of your commitments updated")).to_be_visible()

    # The risk editor walks the register for the period: every open risk, one of them up.
    officer = new_page(browser, demo_site, "risk.officer")
    officer.goto(f"{demo_site}/risks/?review=missing")
    checked.look(officer, "risk.officer")
    refs = list(Risk.objects.open().order_by("ref").values_list("ref", flat=True))
    officer.goto(f"{demo_site}/risks/{refs[0]}/review/")
    officer.get_by_label("Likelihood").select_option(label="Almost certain")
    officer.get_by_label("Commentary").fill("Rising: the committee should know.")
    checked.look(officer, "risk.officer")
    for ref in refs[1:]:
        officer.get_by_role("button", name="Save and review the next risk").click()
        officer.wait_for_url(f"{demo_site}/risks/{ref}/review/")
    officer.get_by_role("button", name="Save review").click()
    officer.wait_for_url(f"{demo_site}/risks/{refs[-1]}/")
    assert RiskReview.objects.filter(period=q4).count() == Risk.objects.open().count()

    # The report author starts the Q4 paper, dates it in the date boxes, previews, publishes.
    author = new_page(browser, demo_site, "cfo")
    author.goto(f"{demo_site}/papers/")
    author.get_by_label("Period").select_option(label="2025/26 Q4")
    author.get_by_role("button", name="Start a paper").click()
    author.get_by_label("Meeting date").fill("2026-06-25")
    author.get_by_label("Status date").fill("2026-05-01")
    author.get_by_role("button", name="Save").click()
    assert author.get_by_label("Meeting date").input_value() == "2026-06-25"
    checked.look(author, "cfo")
    author.get_by_role("link", name="Preview the paper").click()
    red = QuarterlyStatus.objects.filter(period=q4, rag="red").count()
    expect(author.get_by_text(f"{red} of the 356 individual deliverables")).to_be_visible()
    author.get_by_role("link", name="Back to editing the paper").click()
    author.goto(f"{demo_site}/papers/")
    author.get_by_role("link", name="Publish 2025/26 Q4 version 1").click()
    expect(author.get_by_text(re.compile("commitments have no 2025/26 Q4 status"))).to_be_visible()
    checked.look(author, "cfo")
    author.get_by_label("Publish it all the same, with these gaps").check()
    author.get_by_role("button", name="Publish 2025/26 Q4 version 1").click()
    expect(author.get_by_text("Published Risk Management Update 2025/26 Q4 v1")).to_be_visible()
    with author.expect_download() as download:
        author.get_by_role("link", name="Download PDF of 2025/26 Q4 version 1").click()
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    text = " ".join(text.split())
    assert "Draft" not in text and "25 JUNE 2026" in text
    assert (
        f"{red} of the 356 individual deliverables in the Plan were marked as being at Red "
        "status for deliverability in May 2026" in text
    )
    assert "There is one risk which has increased in risk rating since last quarter" in text
    assert Period.objects.get(pk=q4.pk).is_locked

    # 2026/27 Q1 opens, and each home page shows the new work.
    open_next_period(manager, demo_site, "2026-04-15")
    for username, expected in [
        ("smt.lead", re.compile(r"0 of \d+ of your commitments updated for 2026/27 Q1")),
        ("risk.officer", re.compile(r"\d+ open risks? not reviewed for 2026/27 Q1")),
        ("plan.manager", re.compile(r"0 of 356 commitments updated")),
        ("cfo", "No paper is started for 2026/27 Q1"),
        ("viewer", "Risk Management Update 2025/26 Q4 v1, published"),
    ]:
        page = new_page(browser, demo_site, username)
        expect(page.get_by_text(expected).first).to_be_visible()
        checked.look(page, username)
        page.context.close()
    checked.at_320()
    assert checked.violations == [], "\n".join(checked.violations)


def lead_person(username: str):
    from commitments.models import Person

    return Person.objects.get(user__username=username)


# The defects, each as a browser meets it.


def test_every_date_box_shows_its_date_keeps_it_unchanged_and_saves_a_change(demo_site, browser):
    from registers.models import Action
    from reports.models import Paper

    officer = new_page(browser, demo_site, "risk.officer")
    action = Action.objects.filter(risk__ref="OPCC-R01").first()
    url = f"{demo_site}/risks/OPCC-R01/actions/{action.pk}/"
    officer.goto(url)
    assert officer.get_by_label("Target date").input_value() == "2026-03-26"
    officer.get_by_label("Status").select_option(label="Complete")
    officer.get_by_role("button", name="Save").click()
    action.refresh_from_db()
    assert action.status == "Complete" and action.target_date == datetime.date(2026, 3, 26)
    officer.goto(url)
    officer.get_by_label("Target date").fill("2026-04-30")
    officer.get_by_role("button", name="Save").click()
    action.refresh_from_db()
    assert action.target_date == datetime.date(2026, 4, 30)

    officer.goto(f"{demo_site}/risks/OPCC-R01/edit/")
    assert officer.get_by_label("Date identified").input_value() == "2025-04-01"
    officer.get_by_role("button", name="Save").click()
    from registers.models import Risk

    assert Risk.objects.get(ref="OPCC-R01").date_identified == datetime.date(2025, 4, 1)

    author = new_page(browser, demo_site, "cfo")
    paper = Paper.objects.get(period__number=3)
    author.goto(f"{demo_site}/papers/{paper.pk}/")
    assert author.get_by_label("Meeting date").input_value() == "2026-03-26"
    assert author.get_by_label("Status date").input_value() == "2026-02-01"
    author.get_by_label("Agenda item").fill("13")
    author.get_by_role("button", name="Save").click()
    paper.refresh_from_db()
    assert paper.meeting_date == datetime.date(2026, 3, 26)
    assert paper.status_date == datetime.date(2026, 2, 1) and paper.agenda_item == "13"

    officer.goto(f"{demo_site}/risks/OPCC-R09/end/")
    officer.get_by_label("De-escalate it to a team register").check()
    officer.get_by_label("Date").fill("2025-12-18")
    officer.get_by_role("textbox", name=re.compile(r"^Note\b")).fill("Moved to the team register.")
    officer.get_by_role("button", name="Continue").click()
    expect(
        officer.get_by_text("OPCC-R09 leaves the open register on 18 December 2025")
    ).to_be_visible()
    officer.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(officer.get_by_text("Risk OPCC-R09 is now de-escalated.")).to_be_visible()
    assert Risk.objects.get(ref="OPCC-R09").date_closed == datetime.date(2025, 12, 18)

    manager = new_page(browser, demo_site, "plan.manager")
    manager.goto(f"{demo_site}/commitments/periods/2025/Q3/deadline/")
    assert manager.get_by_label("Update deadline").input_value() == "2025-10-15"
    manager.get_by_label("Update deadline").fill("2025-11-01")
    manager.get_by_role("button", name="Save").click()
    from commitments.models import Period

    assert Period.objects.get(number=3).update_deadline == datetime.date(2025, 11, 1)


def test_a_lead_fills_one_row_of_a_new_quarter_and_only_that_row_is_saved(demo_site, browser):
    from commitments.models import Period, QuarterlyStatus

    open_next_period(new_page(browser, demo_site, "plan.manager"), demo_site, "2026-01-15")
    lead = new_page(browser, demo_site, "smt.lead")
    lead.goto(f"{demo_site}/commitments/mine/")
    assert fill_rows(lead, 1, "Amber", "Behind by a month") == 1
    expect(lead.get_by_text("Saved 1 of your commitments for 2025/26 Q4.")).to_be_visible()
    q4 = Period.objects.get(number=4)
    assert list(QuarterlyStatus.objects.filter(period=q4).values_list("rag", "update")) == [
        ("amber", "Behind by a month")
    ]
    # Starting from last quarter's text fills the box; saving it unchanged changes nothing.
    row = lead.locator("fieldset.grid-row").nth(1)
    start = row.get_by_role("button", name=re.compile("Start from last quarter"))
    last_quarter = row.locator(f"#{start.get_attribute('data-copy-from')}").inner_text()
    row.locator("textarea").fill("My own words")
    lead.once("dialog", lambda dialog: dialog.dismiss())  # asked first: words are kept
    start.click()
    assert row.locator("textarea").input_value() == "My own words"
    lead.once("dialog", lambda dialog: dialog.accept())
    start.click()
    assert row.locator("textarea").input_value().startswith(last_quarter.removesuffix("…"))
    row.locator("select").select_option(label="Green")
    lead.get_by_role("button", name="Save all").first.click()
    expect(lead.get_by_text("Saved 1 of your commitments for 2025/26 Q4.")).to_be_visible()
    lead.get_by_role("button", name="Save all").first.click()
    expect(lead.get_by_text("Nothing had changed, so nothing was saved.")).to_be_visible()


def test_a_misspelt_name_in_a_plan_workbook_is_named_and_new_people_are_listed(
    demo_site, browser, tmp_path
):
    from commitments.exporters import export_plan
    from commitments.models import Person

    book = openpyxl.load_workbook(io.BytesIO(export_plan()))
    sheet = book["Commitments"]
    sheet["D2"] = "Sam Laed"  # first commitment's lead, Olu Other, becomes a typo of Sam Lead
    path = tmp_path / "plan.xlsx"
    book.save(path)
    manager = new_page(browser, demo_site, "plan.manager")
    manager.goto(f"{demo_site}/commitments/import/")
    manager.locator("input[type=file]").set_input_files(str(path))
    manager.get_by_role("button", name="Check the workbook").click()
    expect(manager.locator("#error-summary")).to_contain_text(
        "'Sam Laed' is not a known person (did you mean Sam Lead?)"
    )
    manager.locator("input[type=file]").set_input_files(str(path))
    manager.get_by_label("Add new people: anyone it names").check()
    manager.get_by_role("button", name="Check the workbook").click()
    expect(manager.get_by_text("1 new person would be added")).to_be_visible()
    expect(manager.get_by_text("SMT lead “Olu Other” → “Sam Laed”")).to_be_visible()
    expect(manager.get_by_text("0 would be created, 1 would be changed")).to_be_visible()
    assert not Person.objects.filter(name="Sam Laed").exists()


def test_a_failed_save_takes_the_user_to_what_needs_attention(demo_site, browser):
    lead = new_page(browser, demo_site, "smt.lead")
    lead.goto(f"{demo_site}/commitments/mine/")
    row = lead.locator("fieldset.grid-row").first
    row.locator("select").select_option(label="Green")
    row.get_by_role("checkbox").check()
    lead.get_by_role("button", name="Save all").first.click()
    assert lead.title().startswith("Error: ")
    assert lead.evaluate("document.activeElement.id") == "error-summary"
    box = row.get_by_role("checkbox")
    assert box.get_attribute("aria-invalid") == "true"
    described = box.get_attribute("aria-describedby")
    assert "is only for a commitment whose RAG is Red" in lead.locator(f"#{described}").inner_text()

    officer = new_page(browser, demo_site, "risk.officer")
    officer.goto(f"{demo_site}/risks/OPCC-R05/end/")
    officer.get_by_role("button", name="Continue").click()  # no confirmation yet: it is invalid
    assert officer.title().startswith("Error: ")
    link = officer.locator("#error-summary a").first
    target = link.get_attribute("href")
    assert target != "#" and officer.locator(target).count() == 1
    link.click()
    assert officer.evaluate("document.activeElement.name") == "outcome"


def test_form_fields_show_a_strong_focus_ring(demo_site, browser):
    lead = new_page(browser, demo_site, "smt.lead")
    lead.goto(f"{demo_site}/commitments/mine/")
    for field in ("select", "textarea", "input[type=checkbox]"):
        element = lead.locator(f"fieldset.grid-row {field}").first
        element.focus()
        lead.wait_for_timeout(400)  # Bootstrap's own focus glow fades in over 0.15 s
        style = element.evaluate(
            "e => { const s = getComputedStyle(e); "
            "return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
        )
        assert style[0] == "solid" and float(style[1].removesuffix("px")) >= 3, (field, style)
        assert "rgb(11, 12, 12)" in style[2], (field, style)


def test_after_publishing_the_edit_link_offers_version_2(demo_site, browser):
    from reports.models import Paper

    author = new_page(browser, demo_site, "cfo")
    paper = Paper.objects.get(period__number=3)
    author.goto(f"{demo_site}/papers/")
    author.get_by_role("link", name="Publish 2025/26 Q3 version 1").click()
    author.get_by_role("button", name="Publish 2025/26 Q3 version 1").click()
    response = author.goto(f"{demo_site}/papers/{paper.pk}/")
    assert response.status == 403
    author.get_by_role("button", name="Start version 2").click()
    expect(
        author.get_by_role("heading", name="Risk Management Update 2025/26 Q3 v2")
    ).to_be_visible()
