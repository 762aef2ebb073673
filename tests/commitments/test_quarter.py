"""The quarter as its users live it (issue 11), through the test client: what each page
says and does. The browser walks the same cycle in tests/browser/test_quarter.py."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from commitments.exporters import export_plan
from commitments.importers import import_plan
from commitments.models import Commitment, Period, QuarterlyStatus, movement
from registers.exporters import export_risks
from registers.importers import import_risks
from registers.models import Risk
from reports.models import Paper
from reports.render import html_to_pdf, paper_html
from riskreg import demo
from riskreg.shared.imports import ImportResult
from tests.commitments.test_plan import plan_workbook
from tests.factories import (
    lock,
    make_commitment,
    make_period,
    make_person,
    make_published_paper,
    make_review,
    make_risk,
    make_status,
)

pytestmark = pytest.mark.django_db


# Defect 4: a typo in a plan workbook is an error naming the nearest names.


def test_a_misspelt_lead_is_an_error_naming_the_nearest_known_people():
    make_person(name="Sam Lead")
    make_person(name="Olu Other")
    result = import_plan(
        plan_workbook([["1", "Partnerships", "Work with partners", "Sam Laed", None]], [])
    )
    assert result.problems == [
        "Sheet 'Commitments', row 2, column 'SMT Lead': 'Sam Laed' is not a known person "
        "(did you mean Sam Lead?). To add new people, tick “Add new people” "
        "(on the command line, --add-people)."
    ]
    assert not Commitment.objects.exists()


def test_adding_new_people_lists_them_and_each_change_field_by_field():
    sam = make_person(name="Sam Lead")
    make_status(make_commitment(ref="1", text="Work with partners", smt_lead=sam), make_period())
    changed = plan_workbook(
        [["1", "Partnerships", "Work with partners", "Sam Laed", None]],
        [["1", "2025/26 Q3", "Not started", "", "No"]],
    )
    result = import_plan(changed, dry_run=True, add_people=True)
    assert result.ok and result.new_people == ["Sam Laed"]
    assert "Commitment 1: policy area “Partnerships” → “Partnerships”" not in result.changes
    assert "Commitment 1: SMT lead “Sam Lead” → “Sam Laed”" in result.changes
    assert "Commitment 1 2025/26 Q3: RAG “Green” → “Not started”; update “—” → “—”" not in (
        result.changes
    )
    assert any(
        c.startswith("Commitment 1 2025/26 Q3: RAG “Green” → “Not started”") for c in result.changes
    )
    assert Commitment.objects.get().smt_lead == sam  # a dry run writes nothing


def test_a_first_import_into_an_empty_database_needs_add_people(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "plan.xlsx"
    path.write_bytes(
        plan_workbook([["1", "Partnerships", "Work with partners", "Sam Lead", None]], [])
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_plan", str(path))
    call_command("import_plan", str(path), "--add-people")
    assert Commitment.objects.get().smt_lead.name == "Sam Lead"


def test_the_browser_import_lists_new_people_and_what_would_change(login):
    sam = make_person(name="Sam Lead")
    make_commitment(ref="1", text="Work with partners", smt_lead=sam)
    client = login("Plan manager")
    workbook = plan_workbook([["1", "Partnerships", "Work with partners", "Sam Laed", None]], [])
    page = client.post(
        "/commitments/import/", {"workbook": SimpleUploadedFile("p.xlsx", workbook)}
    ).content.decode()
    assert "is not a known person (did you mean Sam Lead?)" in page
    page = client.post(
        "/commitments/import/",
        {"workbook": SimpleUploadedFile("p.xlsx", workbook), "add_people": "on"},
    ).content.decode()
    assert "1 new person would be added" in page and "<li>Sam Laed</li>" in page
    assert "SMT lead “Sam Lead” → “Sam Laed”" in page


# Defect 8: the smaller ones.


def test_an_import_summary_agrees_in_number():
    assert ImportResult(dry_run=False, created=1, changed=1, unchanged=1).summary() == (
        "1 was created, 1 was changed, 1 is left as it is."
    )
    assert ImportResult(dry_run=False, changed=2).summary() == (
        "0 were created, 2 were changed, 0 are left as they are."
    )


def test_a_locked_period_in_an_import_names_its_real_row():
    commitments = [["1", "P", "Text", "Sam", None], ["2", "P", "Other", "Sam", None]]
    import_plan(plan_workbook(commitments, [["1", "2025/26 Q3", "Red", "", ""]]), add_people=True)
    lock(Period.objects.get())
    statuses = [["1", "2025/26 Q3", "Red", "", ""], ["2", "2025/26 Q3", "Amber", "", ""]]
    result = import_plan(plan_workbook(commitments, statuses))
    assert result.problems == [
        "Sheet 'Quarterly Status', row 3, column 'Quarter': "
        "2025/26 Q3 is locked: its statuses and reviews can no longer change."
    ]


def test_a_move_from_green_to_not_started_is_not_no_change():
    assert movement("green", "not_started") == "Changed"
    assert movement("green", "green") == "No change"
    assert movement("red", "amber") == "Improving"


def test_the_contact_officer_stays_on_the_page_of_the_recommendation():
    demo.load("a-demo-password")
    paper = Paper.objects.get(period__number=3)
    pages = [
        page.extract_text() for page in PdfReader(io.BytesIO(html_to_pdf(paper_html(paper)))).pages
    ]
    page = next(text for text in pages if "CONTACT OFFICER" in text)
    assert "RECOMMENDATION" in page
    assert len(page.split()) > 40  # not a nearly blank page


def test_the_preview_links_back_to_the_papers_form(login):
    paper = Paper.start(make_period())
    paper.save()
    page = login("Report author").get(f"/papers/{paper.pk}/preview/").content.decode()
    assert f'<a href="/papers/{paper.pk}/">Back to editing the paper</a>' in page
    assert "Back to editing" not in paper_html(paper)  # never in the PDF


def test_the_review_form_says_its_commentary_is_printed_in_the_paper(login):
    make_period()
    risk = make_risk()
    page = login("Risk editor").get(f"/risks/{risk.ref}/review/").content.decode()
    assert "this commentary is printed in the committee paper" in page


def test_closing_a_risk_asks_for_confirmation_only_once_the_form_is_valid(login):
    risk = make_risk()
    client = login("Risk editor")
    page = client.post(f"/risks/{risk.ref}/end/", {"outcome": "Closed", "lock_version": 1})
    text = page.content.decode()
    assert "There is a problem" in text and "check before you confirm" not in text
    data = {"outcome": "Crystallised", "date_closed": "2025-12-18", "closing_note": "It happened"}
    text = client.post(f"/risks/{risk.ref}/end/", {**data, "lock_version": 1}).content.decode()
    assert "It has crystallised: manage it as an issue: check before you confirm" in text
    assert "an issue is opened for it" in text
    risk.refresh_from_db()
    assert risk.status == "Open"  # nothing yet


# What the cycle needs.


def test_opening_the_next_period_asks_for_its_deadline_suggesting_two_weeks_in(login):
    make_period("2025/26 Q3")
    client = login("Plan manager")
    page = client.get("/commitments/periods/add/").content.decode()
    assert "Open 2025/26 Q4" in page and 'value="2026-01-15"' in page
    data = {"update_deadline": "", "quarter": "2025/26 Q4", "lock_version": 0}
    refused = client.post("/commitments/periods/add/", data)
    assert "Give the date leads should update by." in refused.content.decode()
    assert Period.objects.count() == 1  # a period without a deadline is never late
    data["update_deadline"] = "2026-01-20"
    assert client.post("/commitments/periods/add/", data).status_code == 302
    assert Period.objects.last().update_deadline == datetime.date(2026, 1, 20)
    deadline = client.post(
        "/commitments/periods/2025/Q4/deadline/", {"update_deadline": "", "lock_version": 1}
    )
    assert "Give the date leads should update by." in deadline.content.decode()
    assert Period.objects.last().update_deadline == datetime.date(2026, 1, 20)


def test_a_risk_in_a_locked_current_period_says_why_it_cannot_be_reviewed(login):
    risk = make_risk(ref="OPCC-R05")
    lock(make_period("2025/26 Q4"))
    response = login("Risk editor").get("/risks/OPCC-R05/review/", follow=True)
    assert (
        "OPCC-R05 cannot be reviewed: 2025/26 Q4 is locked. Reviews go to the next period once "
        "the plan manager opens it." in response.content.decode()
    )
    assert not risk.reviews.exists()


def test_locking_shows_how_many_are_updated_and_who_has_not(login):
    period = make_period()
    lead = make_person(name="Dana Director")
    for n in range(3):
        commitment = make_commitment(ref=str(n + 1), smt_lead=lead)
        if n == 0:
            make_status(commitment, period)
    page = login("Plan manager").get("/commitments/periods/2025/Q3/lock/").content.decode()
    assert "1 of 3 commitments are updated for 2025/26 Q3" in page
    assert "Dana Director has updated 1 of 3" in page


def test_reopening_a_period_whose_paper_is_published_warns(login):
    client = login("Plan manager")
    make_published_paper(client.user)
    page = client.get("/commitments/periods/2025/Q3/open/").content.decode()
    assert "A committee paper for 2025/26 Q3 is published. It will not change" in page


def test_the_grid_shows_last_quarter_progress_and_who_saved_each_row(login):
    q2, q3 = make_period("2025/26 Q2", update_deadline=None), make_period("2025/26 Q3")
    q3.update_deadline = datetime.date(2025, 10, 15)
    q3.save()
    client = login("SMT lead", first_name="Sam", last_name="Lead")
    person = client.user.person
    saved, missing = (make_commitment(ref=r, smt_lead=person) for r in ("1", "2"))
    make_status(saved, q2, "amber", update="Slipping in Q2")
    make_status(missing, q2, "green", update="Fine in Q2")
    status = QuarterlyStatus(commitment=saved, period=q3, rag="red")
    status._history_user = client.user
    status.save()
    page = client.get("/commitments/mine/").content.decode()
    assert "1 of 2 of your commitments updated for 2025/26 Q3, due 15 Oct 2025." in page
    assert "Slipping in Q2" in page and "Start from last quarter" in page
    assert "by Sam Lead" in page and "Not updated yet for 2025/26 Q3." in page
    only = client.get("/commitments/mine/?missing=1").content.decode()
    assert "Fine in Q2" in only and "Slipping in Q2" not in only


def test_a_lead_sees_what_they_saved_in_a_locked_period_and_cannot_change_it(login):
    period = make_period()
    client = login("SMT lead")
    make_status(
        make_commitment(ref="1", smt_lead=client.user.person), period, "red", update="Saved"
    )
    lock(period)
    page = client.get("/commitments/mine/").content.decode()
    assert "is locked: this is what was saved" in page and "Saved" in page
    assert "<select" not in page
    response = client.post("/commitments/mine/", {})
    assert response.status_code == 200 and QuarterlyStatus.objects.get().update == "Saved"


def test_each_home_page_says_what_needs_that_person(login):
    period = make_period()
    period.update_deadline = datetime.date(2025, 10, 15)
    period.save()
    lead = login("SMT lead")
    mine = make_commitment(ref="1", smt_lead=lead.user.person)
    make_commitment(ref="2", smt_lead=lead.user.person)
    make_status(mine, period)
    page = lead.get("/").content.decode()
    assert "1 of 2 of your commitments updated for 2025/26 Q3, due 15 Oct 2025." in page
    assert "1 update is late" in page and "?missing=1" in page
    risk = make_risk(ref="OPCC-R01")
    risk.actions.create(description="Chase it", target_date=datetime.date(2020, 1, 1))
    editor = login("Risk editor").get("/").content.decode()
    assert "1 open risk not reviewed for 2025/26 Q3" in editor and "1 action overdue" in editor
    manager = login("Plan manager").get("/").content.decode()
    assert "1 of 2 commitments updated" in manager
    author = login("Report author").get("/").content.decode()
    assert "No paper is started for 2025/26 Q3" in author
    assert "1 commitment still without a 2025/26 Q3 status" in author


def test_a_lead_of_no_commitment_is_told_so_and_an_administrator_sees_no_such_card(login):
    make_period()
    lead = login("SMT lead").get("/").content.decode()
    assert "No commitment names you as its SMT lead yet." in lead
    assert "0 of 0" not in lead and "All done" not in lead
    admin = login(is_superuser=True, is_staff=True).get("/").content.decode()
    assert "Your commitments" not in admin and "The plan for 2025/26 Q3" in admin


def test_the_register_filters_risks_not_reviewed_this_period(login):
    q3 = make_period()
    reviewed, unreviewed = make_risk(title="Reviewed one"), make_risk(title="Unreviewed one")
    make_review(reviewed, q3)
    page = login("Viewer").get("/risks/", {"review": "missing"}).content.decode()
    assert "Unreviewed one" in page and "Reviewed one" not in page
    assert unreviewed.pk


def test_saving_a_review_says_its_score_and_band_and_can_walk_to_the_next_risk(login):
    make_period()
    first, second = make_risk(ref="R1"), make_risk(ref="R2")
    client = login("Risk editor")
    data = {"likelihood": 4, "impact": 4, "commentary": "", "lock_version": 0, "next": "1"}
    response = client.post("/risks/R1/review/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/risks/R2/review/"
    assert "2025/26 Q3 review of R1 saved: score 16, High." in response.content.decode()
    assert first.pk and second.pk


def test_exported_workbooks_have_frozen_headers_filters_and_drop_downs_and_import_unchanged():
    period = make_period()
    make_status(make_commitment(ref="1", smt_lead=make_person(name="Sam")), period, "red")
    make_review(make_risk(ref="R1"), period)
    for data, sheet, importer in (
        (export_plan(), "Quarterly Status", import_plan),
        (export_risks(), "Risks", import_risks),
    ):
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book[sheet].freeze_panes == "A2" and book[sheet].auto_filter.ref
        assert book[sheet].data_validations.dataValidation
        assert book[sheet].column_dimensions["B"].width > 8
        result = importer(data)
        assert result.ok and (result.created, result.changed) == (0, 0), result.problems


def test_a_first_review_that_keeps_last_periods_scores_is_saved(login):
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    risk = make_risk(ref="R1")
    make_review(risk, q2, 3, 4)
    lock(q2)
    client = login("Risk editor")
    form = client.get("/risks/R1/review/").context["form"]
    data = {"likelihood": 3, "impact": 4, "commentary": "", "lock_version": 0}
    assert form.initial["likelihood"] == 3 and form.initial["impact"] == 4
    response = client.post("/risks/R1/review/", data, follow=True)
    assert "2025/26 Q3 review of R1 saved: score 12, Medium." in response.content.decode()
    assert risk.reviews.filter(period=q3).exists()


def test_the_demos_proposed_risk_can_be_accepted_though_earlier_quarters_are_locked(login):
    demo.load("a-demo-password")
    page = login("Risk editor").get("/risks/OPCC-R04/").content.decode()
    version = Risk.objects.get(ref="OPCC-R04").lock_version
    login("Risk editor").post("/risks/OPCC-R04/accept/", {"lock_version": version})
    assert "Accept" in page and Risk.objects.get(ref="OPCC-R04").status == "Open"
