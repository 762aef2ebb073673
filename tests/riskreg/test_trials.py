"""What people outside the team found when they tried riskreg as users and as attackers,
each written as the test that would have caught it."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from commitments.exporters import export_plan
from commitments.models import Period, QuarterlyStatus
from commitments.periods import Quarter
from registers.models import Control, Issue, Risk
from reports.models import Paper
from riskreg.shared.models import PendingUpload
from tests.factories import (
    make_commitment,
    make_period,
    make_person,
    make_published_paper,
    make_risk,
    make_status,
    make_user,
)
from tests.riskreg.test_uploads import confirm, dry_run

pytestmark = pytest.mark.django_db


# Imports never undo a save the dry run did not see.


def test_a_confirmed_import_never_undoes_a_save_made_after_its_dry_run(login):
    status = make_status(make_commitment(ref="60"), make_period(), "green", update="Before")
    workbook = export_plan()  # says Green, "Before"
    client = login("Plan manager")
    assert "0 would be created, 0 would be changed" in dry_run(client, workbook)
    lead = make_user("SMT lead", first_name="Sam", last_name="Lead")
    status.rag, status.update, status._history_user = "red", "A lead's save", lead
    status.save()
    page = confirm(client, PendingUpload.objects.get()).content.decode()
    assert "was saved by someone else after your dry run, so nothing was imported" in page
    status.refresh_from_db()
    assert (status.rag, status.update) == ("red", "A lead's save")


def test_a_record_created_after_the_dry_run_is_not_written_over(login):
    period = make_period()
    commitment = make_commitment(ref="60")
    make_status(commitment, period, "green")
    workbook = export_plan()
    QuarterlyStatus.objects.all().delete()
    client = login("Plan manager")
    assert "1 would be created" in dry_run(client, workbook)
    make_status(commitment, period, "red", update="Saved meanwhile")
    page = confirm(client, PendingUpload.objects.get()).content.decode()
    assert "saved by someone else after your dry run" in page
    assert QuarterlyStatus.objects.get().update == "Saved meanwhile"


# An ended risk stays ended.


def test_an_ended_risk_is_never_reopened_from_any_door(login):
    risk = make_risk(ref="R1")
    risk.status, risk.date_closed = "Closed", datetime.date(2025, 12, 1)
    risk.save()
    form = login("Risk editor").get("/risks/R1/edit/").context["form"]
    assert [value for value, _ in form.fields["status"].choices] == ["Closed"]
    risk.status = "Open"
    with pytest.raises(ValidationError, match="is closed: it is not reopened"):
        risk.save()
    from registers.importers import import_risks
    from tests.registers.test_register import risk_workbook

    result = import_risks(risk_workbook([["R1", "A risk", risk.owner.name, "Open"]], []))
    assert "Sheet 'Risks', row 2, column 'Status'" in " ".join(result.problems)
    assert Risk.objects.get().status == "Closed"


def test_a_risk_crystallises_only_with_its_issue(login):
    risk = make_risk(ref="R1")
    risk.status, risk.date_closed = "Crystallised", datetime.date(2025, 12, 1)
    with pytest.raises(ValidationError, match="crystallises through its Close"):
        risk.save()
    client = login("Risk editor")
    end = {"outcome": "Crystallised", "date_closed": "2025-12-18", "closing_note": "It happened"}
    client.post("/risks/R1/end/", {**end, "lock_version": 1, "confirmed": "1"})
    assert Issue.objects.get(risk__ref="R1").description == "It happened"
    assert Risk.objects.get().status == "Crystallised"


# Long texts cannot stop the paper.


def test_a_status_update_is_at_most_5000_characters_from_every_door(login):
    period = make_period()
    client = login("SMT lead")
    make_commitment(ref="60", smt_lead=client.user.person)
    url = f"/commitments/60/status/{period.year}/Q{period.number}/"
    page = client.post(url, {"rag": "red", "update": "x" * 5001, "lock_version": 0})
    assert "Ensure this value has at most 5000 characters" in page.content.decode()
    assert not QuarterlyStatus.objects.exists()


# Two at once never answer 500.


def test_opening_a_period_twice_from_one_page_opens_one(login):
    make_period("2025/26 Q3")
    client = login("Plan manager")
    form = {"update_deadline": "2026-01-15", "quarter": "2025/26 Q4", "lock_version": 0}
    assert client.post("/commitments/periods/add/", form).status_code == 302
    again = client.post("/commitments/periods/add/", form, follow=True).content.decode()
    assert "2025/26 Q4 is already open" in again
    assert list(Period.objects.values_list("number", flat=True)) == [3, 4]


def test_starting_a_paper_that_someone_started_meanwhile_is_a_message(login, monkeypatch):
    period = make_period()
    client = login("Report author")
    original = Paper.start

    def late_start(period, **kw):
        paper = original(period, **kw)
        original(period).save()  # someone else's first, the same moment
        return paper

    monkeypatch.setattr(Paper, "start", late_start)
    response = client.post("/papers/new/", {"period": period.pk}, follow=True)
    assert response.status_code == 200 and Paper.objects.count() == 1


# Odd input is refused, never a 500.


@pytest.mark.parametrize(
    "url", ["/risks/a%2Fb/edit/", "/commitments/a.b!/", "/risks/x1234567890123456789012/"]
)
def test_a_ref_that_cannot_be_a_ref_is_not_found(login, url):
    assert login("Viewer").get(url).status_code == 404


@pytest.mark.parametrize("url", ["/risks/%00/", "/commitments/%00/"])
def test_a_null_byte_in_a_path_is_a_bad_request(login, url):
    assert login("Viewer").get(url).status_code == 400


def test_a_lock_version_out_of_range_is_refused_as_out_of_date(login):
    make_risk(ref="R1")
    data = {"description": "x", "lock_version": 2**31}
    page = login("Risk editor").post("/risks/R1/controls/add/", data).content.decode()
    assert "This form is out of date" in page and not Control.objects.exists()


def test_a_history_version_that_is_not_a_number_is_not_found():
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    risk = make_risk()
    assert client.get(f"/admin/registers/risk/{risk.pk}/history/abc/").status_code == 404


def test_a_year_past_2098_is_not_a_period():
    with pytest.raises(ValidationError, match="is not a year riskreg keeps"):
        Quarter.parse("9999/00 Q4")


def test_a_null_byte_anywhere_in_a_request_is_a_bad_request(login):
    client = login("Viewer")
    assert client.get("/risks/", {"q": "a\x00b"}).status_code == 400


# The security log cannot be forged.


def test_a_username_or_path_cannot_write_a_line_of_its_own_into_the_security_log(caplog):
    client = Client()
    forged = "nobody\n2026-11-26 09:00:00,000 INFO riskreg.security sign-in user=admin"
    with caplog.at_level(logging.INFO, logger="riskreg.security"):
        client.post("/login/", {"login": forged, "password": "wrong"})
    lines = [r.getMessage() for r in caplog.records if r.name == "riskreg.security"]
    assert lines and all("\n" not in line for line in lines)


# A published paper is only ever its stored bytes.


def test_the_preview_of_a_published_paper_is_its_published_page(login):
    client = login("Report author")
    paper = make_published_paper(client.user)
    page = client.get(f"/papers/{paper.pk}/preview/").content.decode()
    assert "is published" in page and "Download the published PDF" in page
    assert "Back to editing the paper" not in page


def test_the_paper_command_does_not_redate_a_published_paper(tmp_path):
    from django.core.management import CommandError, call_command

    period = make_published_paper(make_user()).period
    with pytest.raises(CommandError, match="is published"):
        call_command(
            "committee_report", quarter=str(period), output=tmp_path / "p.pdf", agenda_item="12"
        )


# The new-user trial.


def test_one_wrong_row_in_a_new_quarter_is_the_only_row_said_to_need_attention(login):
    period = make_period()
    client = login("SMT lead")
    rows = [make_commitment(ref=str(n), smt_lead=client.user.person) for n in range(1, 6)]
    data = {f"c{c.pk}-lock_version": 0 for c in rows}
    data.update({f"c{rows[0].pk}-rag": "amber", f"c{rows[0].pk}-red_for_resourcing": "on"})
    page = client.post("/commitments/mine/", data).content.decode()
    assert "Nothing was saved: 1 row needs attention" in page
    assert "This field is required" not in page
    assert period.pk


def test_an_html_email_shows_no_template_comment():
    from django.template.loader import render_to_string

    html = render_to_string("reminders/email.html", {"message": None})
    assert "{#" not in html and "#}" not in html


def test_the_papers_appendix_shows_each_risk_as_it_stood_at_the_end_of_the_quarter():
    from reports.compose import compose

    q3 = make_period("2025/26 Q3")
    risk = make_risk(ref="R1", title="Closed after the quarter")
    risk.status, risk.date_closed = "Closed", datetime.date(2026, 2, 1)
    risk.save()
    paper = Paper.start(q3)
    rows = compose(paper)["appendix"]["rows"]
    assert [(row["risk"].ref, row["status"]) for row in rows] == [("R1", "Open")]


def test_a_paper_is_published_with_missing_data_only_when_the_author_says_so(login):
    period = make_period()
    make_commitment(ref="60")
    make_status(make_commitment(ref="61"), period, "green")
    paper = Paper.start(period, meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    client = login("Report author")
    page = client.get(f"/papers/{paper.pk}/publish/").content.decode()
    assert "1 of 2 commitments has no 2025/26 Q3 status" in page
    data = {"lock_version": paper.lock_version}
    refused = client.post(f"/papers/{paper.pk}/publish/", data, follow=True).content.decode()
    assert "Tick the box to publish it all the same" in refused
    assert not Paper.objects.get().is_published
    client.post(f"/papers/{paper.pk}/publish/", {**data, "despite_gaps": "on"})
    assert Paper.objects.get().is_published
    assert make_person


@pytest.mark.parametrize(
    "row",
    [
        '<row r="²"><c r="A2" t="inlineStr"><is><t>1</t></is></c></row>',
        '<row r="' + "9" * 5000 + '"><c t="inlineStr"><is><t>1</t></is></c></row>',
        '<row r="2"><c r="A2" s="²" t="inlineStr"><is><t>1</t></is></c></row>',
        '<row r="2"><c r="A2" t="s"><v>²</v></c></row>',
        '<row r="2"><c r="A²" t="inlineStr"><is><t>1</t></is></c></row>',
    ],
)
def test_odd_digits_in_a_workbook_are_a_problem_not_a_server_error(login, row):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.xlsx import sheet_xml, workbook

    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Ref</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Policy Area</t></is></c></row>'
    )
    data = workbook({"Commitments": sheet_xml(header + row)})
    client = login("Plan manager")
    response = client.post("/commitments/import/", {"workbook": SimpleUploadedFile("p.xlsx", data)})
    assert response.status_code == 200
    assert "The workbook was not imported" in response.content.decode() or (
        "is not a readable Excel workbook" in response.content.decode()
    )
