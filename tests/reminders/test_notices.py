"""Notices: recorded where the thing happens, e-mailed once by send_reminders."""

import datetime
import io

import pytest
from django.test import Client

from commitments.models import Period
from registers.models import Action, Risk
from reports.models import Paper
from reports.services import paper_publish
from riskreg.reminders.models import Email, EmailChoice
from riskreg.shared.models import Notice
from tests.factories import make_commitment, make_period, make_person, make_risk, make_user
from tests.mail import on, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    client = Client()
    user = make_user("Risk editor", username="rhea", email="rhea@opcc.example")
    client.force_login(user)
    client.user = user
    return client


def risk_form(risk: Risk, owner) -> dict:
    return {
        "ref": risk.ref, "title": risk.title, "owner": owner.pk, "treatment": "Treat",
        "status": "Open", "lock_version": risk.lock_version,
    }  # fmt: skip


def test_a_risk_given_to_someone_tells_them_once(smtp, editor):
    make_period("2025/26 Q3")
    risk = make_risk(ref="OPCC-R01", owner=editor.user.person)
    sam = make_user("SMT lead", username="sam", email="sam@opcc.example")
    assert editor.post("/risks/OPCC-R01/edit/", risk_form(risk, sam.person)).status_code == 302
    assert Notice.objects.get().kind == Notice.Kind.RISK_ASSIGNED
    with on("2025-10-02", hour=3):
        assert send() is None
        assert send() is None
    (mail,) = smtp.handler.to("sam@opcc.example")
    assert mail.subject == "riskreg: 1 risk now yours"
    assert "OPCC-R01" in mail.text and "https://riskreg.opcc.example/risks/OPCC-R01/" in mail.text
    assert smtp.handler.to("rhea@opcc.example") == []


def test_nobody_is_told_of_what_they_gave_themselves_or_of_a_save_that_changed_no_owner(
    smtp, editor
):
    risk = make_risk(ref="OPCC-R01", owner=make_person(email="x@opcc.example"))
    editor.post("/risks/OPCC-R01/edit/", risk_form(risk, editor.user.person))
    risk.refresh_from_db()
    form = risk_form(risk, editor.user.person) | {"title": "Only the title"}
    editor.post("/risks/OPCC-R01/edit/", form)
    assert Notice.objects.count() == 1  # the second save changed no owner
    with on("2025-10-02", hour=3):
        send()
    assert smtp.handler.messages == []


def test_an_import_giving_one_person_several_actions_sends_them_one_email(smtp, editor):
    from registers.importers import import_risks

    owner = make_person(name="Ola Owner", email="ola@opcc.example")
    make_risk(ref="OPCC-R01", owner=owner)
    data = workbook(
        {
            "Risks": [
                ["Ref", "Title", "Owner", "Status"],
                ["OPCC-R01", "Risk OPCC-R01", "Ola Owner", "Open"],
            ],
            "Actions": [
                ["Ref", "Action", "Owner", "Target Date", "Status"],
                ["OPCC-R01", "First", "Ola Owner", datetime.datetime(2026, 1, 31), "Not started"],
                ["OPCC-R01", "Second", "Ola Owner", datetime.datetime(2026, 2, 28), "Not started"],
            ],
        }
    )
    assert import_risks(data, user=editor.user, dry_run=True).ok
    assert not Notice.objects.exists()  # a dry run records nothing
    result = import_risks(data, user=editor.user)
    assert result.ok, result.problems
    assert Notice.objects.count() == 2
    with on("2025-10-02", hour=3):
        assert send() is None
    (mail,) = smtp.handler.to("ola@opcc.example")
    assert mail.subject == "riskreg: 2 actions now yours"
    assert "First" in mail.text and "Second" in mail.text and "due 31 January 2026" in mail.text


def workbook(sheets: dict) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_action_given_to_someone_in_the_browser_tells_them(smtp, editor):
    risk = make_risk(ref="OPCC-R01", owner=editor.user.person)
    ola = make_person(name="Ola Owner", email="ola@opcc.example")
    form = {"description": "Brief the board", "owner": ola.pk, "status": "Not started",
            "target_date": "2026-01-31", "lock_version": 0}  # fmt: skip
    assert editor.post("/risks/OPCC-R01/actions/add/", form).status_code == 302
    assert Action.objects.get(risk=risk).owner == ola
    with on("2025-10-02", hour=3):
        send()
    (mail,) = smtp.handler.to("ola@opcc.example")
    assert "Brief the board" in mail.html


def test_opening_a_period_tells_every_lead_the_deadline(smtp):
    make_period("2025/26 Q3", state=Period.State.LOCKED)
    sam = make_user("SMT lead", username="sam", email="sam@opcc.example")
    wendy = make_person(name="Wendy Police", email="wendy@police.example")
    make_commitment(smt_lead=sam.person, officer_lead=wendy)
    make_person(name="Not A Lead", email="nobody@opcc.example")
    manager = make_user("Plan manager", username="priya", email="priya@opcc.example")
    client = Client()
    client.force_login(manager)
    client.post(
        "/commitments/periods/add/",
        {"update_deadline": "2026-01-15", "quarter": "2025/26 Q4", "lock_version": 0},
    )
    with on("2026-01-02", hour=3):
        assert send() is None
    assert sorted(a for m in smtp.handler.messages for a in m.recipients) == [
        "sam@opcc.example",
        "wendy@police.example",
    ]
    (mail,) = smtp.handler.to("sam@opcc.example")
    assert mail.subject == "riskreg: 2025/26 Q4 is open for updates by 15 January 2026"
    assert "https://riskreg.opcc.example/commitments/mine/?missing=1" in mail.text
    assert "no riskreg login" in smtp.handler.to("wendy@police.example")[0].text


@pytest.fixture
def paper():
    period = make_period("2025/26 Q3")
    draft = Paper.start(period, meeting_date=datetime.date(2026, 3, 26))
    draft.save()
    return draft


def test_a_published_paper_goes_to_the_list_with_its_link_and_no_attachment(smtp, paper, settings):
    settings.PAPER_RECIPIENTS = ["committee@opcc.example", "audit@opcc.example"]
    author = make_user("Report author", username="jane")
    published = paper_publish(paper=paper, user=author, seen_version=paper.lock_version)
    with on("2026-03-20", hour=3):
        assert send() is None
    assert len(smtp.handler.messages) == 2
    mail = smtp.handler.to("committee@opcc.example")[0]
    assert mail.subject == f"riskreg: {published} is published"
    assert f"https://riskreg.opcc.example/papers/{published.pk}/pdf/" in mail.text
    assert not list(mail.message.iter_attachments())


def test_a_published_paper_goes_with_its_pdf_when_configured(smtp, paper, settings):
    settings.PAPER_RECIPIENTS = ["committee@opcc.example"]
    settings.PAPER_ATTACHED = True
    published = paper_publish(
        paper=paper, user=make_user("Report author"), seen_version=paper.lock_version
    )
    with on("2026-03-20", hour=3):
        send()
    (attachment,) = smtp.handler.messages[0].message.iter_attachments()
    assert attachment.get_filename() == published.filename
    assert attachment.get_content() == bytes(Paper.objects.get().pdf)


def test_a_user_who_turned_notices_off_is_not_told(smtp, editor):
    risk = make_risk(ref="OPCC-R01", owner=editor.user.person)
    sam = make_user("SMT lead", username="sam", email="sam@opcc.example")
    EmailChoice.objects.create(user=sam, notices=False)
    editor.post("/risks/OPCC-R01/edit/", risk_form(risk, sam.person))
    with on("2025-10-02", hour=3):
        send()
    assert smtp.handler.messages == []
    assert Notice.objects.get().handled is not None


def test_a_notice_the_server_refuses_is_tried_for_a_week_then_given_up(smtp, editor):
    risk = make_risk(ref="OPCC-R01", owner=editor.user.person)
    sam = make_user("SMT lead", username="sam", email="sam@opcc.example")
    editor.post("/risks/OPCC-R01/edit/", risk_form(risk, sam.person))
    smtp.handler.refuse.add("sam@opcc.example")
    with on("2025-10-02", hour=3):
        assert send() is not None
    with on("2025-10-05", hour=3):
        assert send() is not None
    with on("2025-10-10", hour=3):
        assert send() is None
    email = Email.objects.get()
    assert email.status == Email.Status.GIVEN_UP and email.attempts == 2
