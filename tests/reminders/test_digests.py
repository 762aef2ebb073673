"""send_reminders' daily digests, against a real SMTP server, on frozen days."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from registers.models import Action
from riskreg.reminders.models import Email, EmailChoice
from tests.factories import make_commitment, make_period, make_risk, make_status, make_user
from tests.mail import on, send

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2025, 10, 15)  # a Wednesday; 20 October 2025 is a Monday


@pytest.fixture
def plan():
    period = make_period("2025/26 Q3", update_deadline=DEADLINE)
    sam = make_user("SMT lead", username="sam", email="sam@opcc.example")
    officer = make_user("SMT lead", username="olu", email="olu@opcc.example")
    mine = make_commitment(ref="60", smt_lead=sam.person, officer_lead=officer.person)
    done = make_commitment(ref="61", smt_lead=sam.person)
    make_status(done, period, "green")
    return {"period": period, "sam": sam, "olu": officer, "mine": mine, "done": done}


def test_a_lead_is_reminded_14_7_and_1_days_before_the_deadline_then_weekly_while_late(smtp, plan):
    sent_on = []
    for offset in range(-16, 16):
        day = DEADLINE + datetime.timedelta(days=offset)
        with on(day.isoformat()):
            assert send() is None
        if smtp.handler.to("sam@opcc.example")[len(sent_on) :]:
            sent_on.append(day)
    assert sent_on == [
        datetime.date(2025, 10, 1),  # 14 days before
        datetime.date(2025, 10, 8),  # 7 days before
        datetime.date(2025, 10, 14),  # the day before
        datetime.date(2025, 10, 20),  # the first Monday after: late
        datetime.date(2025, 10, 27),  # and each Monday while late
    ]
    first, late = smtp.handler.to("sam@opcc.example")[0], smtp.handler.to("sam@opcc.example")[3]
    assert "Commitment 60" in first.text and "Commitment 61" not in first.text
    assert "by 15 October 2025 (in 14 days)" in first.text
    assert "has passed: these updates are late" in late.text
    assert len(smtp.handler.to("olu@opcc.example")) == 5  # the officer lead too


def test_nothing_is_sent_once_every_commitment_has_its_status(smtp, plan):
    make_status(plan["mine"], plan["period"], "amber")
    with on("2025-10-01"):
        assert send() is None
    assert smtp.handler.messages == []


def test_each_owner_gets_their_own_risks_and_actions_and_nobody_elses(smtp, plan):
    rhea = make_user("Risk editor", username="rhea", email="rhea@opcc.example")
    risk = make_risk(ref="OPCC-R01", owner=plan["sam"].person)
    make_risk(ref="OPCC-R02", owner=rhea.person)
    Action.objects.create(
        risk=risk, description="Brief the board", owner=rhea.person,
        target_date=datetime.date(2025, 11, 1),  # 30 days after 2 October
    )  # fmt: skip
    with on("2025-10-02"):  # 13 days before the deadline: only the action falls due
        assert send() is None
    assert smtp.handler.to("sam@opcc.example") == []
    (mail,) = smtp.handler.to("rhea@opcc.example")
    assert "Action on OPCC-R01" in mail.text and "Brief the board" in mail.text
    assert "OPCC-R02" in mail.text  # her unreviewed risk is listed with what falls due
    with on("2025-10-08"):
        assert send() is None
    (sams,) = smtp.handler.to("sam@opcc.example")
    assert "OPCC-R01" in sams.text and "Commitment 60" in sams.text
    assert "Brief the board" not in sams.text


def test_an_overdue_action_is_repeated_weekly(smtp, plan):
    risk = make_risk(ref="OPCC-R05", owner=plan["olu"].person)
    make_status(plan["mine"], plan["period"], "green")
    from registers.models import RiskReview

    RiskReview.objects.create(risk=risk, period=plan["period"], likelihood=2, impact=2)
    Action.objects.create(
        risk=risk, description="Late one", owner=plan["olu"].person,
        target_date=datetime.date(2025, 10, 10),
    )  # fmt: skip
    for day in ("2025-10-13", "2025-10-14", "2025-10-19", "2025-10-20"):
        with on(day):
            send()
    mails = smtp.handler.to("olu@opcc.example")
    assert len(mails) == 2  # the Mondays
    assert "overdue: was due 10 October 2025" in mails[0].text


def test_running_twice_the_same_day_sends_nothing_new(smtp, plan):
    with on("2025-10-01", hour=8):
        assert send() is None
    with on("2025-10-01", hour=15):
        assert send() is None
    assert len(smtp.handler.to("sam@opcc.example")) == 1
    assert Email.objects.get(address="sam@opcc.example").status == Email.Status.SENT


def test_no_digest_goes_before_the_digest_hour(smtp, plan):
    with on("2025-10-01", hour=6):
        assert send() is None
    assert smtp.handler.messages == []
    with on("2025-10-01", hour=7):
        assert send() is None
    assert len(smtp.handler.messages) == 2


def test_a_failing_mail_server_leaves_the_digest_unsent_and_the_next_run_sends_it(
    smtp, plan, caplog
):
    smtp.stop()
    with on("2025-10-01", hour=8), caplog.at_level("WARNING", logger="riskreg.reminders"):
        error = send()
    assert error is not None and "could not be sent" in str(error)
    assert "not sent" in caplog.text
    waiting = Email.objects.filter(status=Email.Status.PENDING)
    assert waiting.count() == 2 and waiting.filter(attempts=1).exists()
    smtp.start()
    with on("2025-10-01", hour=9):
        assert send() is None
    assert len(smtp.handler.to("sam@opcc.example")) == 1
    assert not Email.objects.filter(status=Email.Status.PENDING).exists()


def test_a_digest_that_could_not_go_yesterday_goes_today_with_todays_items(smtp, plan):
    smtp.stop()
    with on("2025-10-01"):
        send()
    smtp.start()
    with on("2025-10-02"):  # not a reminder day, but the lead is owed one
        assert send() is None
    (mail,) = smtp.handler.to("sam@opcc.example")
    assert "(in 13 days)" in mail.text
    assert Email.objects.filter(status=Email.Status.SUPERSEDED).count() == 2


def test_one_refused_address_does_not_stop_the_others(smtp, plan):
    smtp.handler.refuse.add("sam@opcc.example")
    with on("2025-10-01"):
        error = send()
    assert error is not None
    assert len(smtp.handler.to("olu@opcc.example")) == 1
    refused = Email.objects.get(address="sam@opcc.example")
    assert refused.status == Email.Status.PENDING and "550" in refused.last_error


def test_a_crash_halfway_resumes_without_repeats(smtp, plan, monkeypatch):
    for n in range(5):
        lead = make_user("SMT lead", username=f"lead{n}", email=f"lead{n}@opcc.example")
        make_commitment(ref=f"7{n}", smt_lead=lead.person)
    from riskreg.reminders import outbox

    real, calls = outbox.message_of, []

    def crash_on_the_fourth(email):
        calls.append(email)
        if len(calls) == 4:
            raise SystemExit("killed")
        return real(email)

    monkeypatch.setattr(outbox, "message_of", crash_on_the_fourth)
    with on("2025-10-01"), pytest.raises(SystemExit):
        send()
    assert len(smtp.handler.messages) == 3
    monkeypatch.setattr(outbox, "message_of", real)
    with on("2025-10-01", hour=10):
        assert send() is None
    addresses = sorted(a for m in smtp.handler.messages for a in m.recipients)
    assert len(addresses) == 7 and len(set(addresses)) == 7


def test_every_link_of_a_digest_opens_for_its_recipient(smtp, plan):
    rhea = make_user("Risk editor", username="rhea", email="rhea@opcc.example")
    risk = make_risk(ref="OPCC-R01", owner=rhea.person)
    Action.objects.create(
        risk=risk, description="Act", owner=rhea.person, target_date=datetime.date(2025, 10, 8)
    )
    make_commitment(ref="62", smt_lead=plan["sam"].person)
    with on("2025-10-01"):
        assert send() is None
    for user, address in ((plan["sam"], "sam@opcc.example"), (rhea, "rhea@opcc.example")):
        (mail,) = smtp.handler.to(address)
        client = Client()
        client.force_login(user)
        links = [urlsplit(link) for link in mail.html_links()]
        assert len(links) >= 3
        for link in links:
            assert link.netloc == "riskreg.opcc.example"
            response = client.get(link.path, dict(re.findall(r"(\w+)=(\w*)", link.query)))
            assert response.status_code == 200, (address, link.path)


def test_the_html_and_text_parts_say_the_same(smtp, plan):
    make_risk(ref="OPCC-R01", owner=plan["sam"].person)
    with on("2025-10-01"):
        send()
    (mail,) = smtp.handler.to("sam@opcc.example")
    assert mail.html_links() == mail.text_links()
    for phrase in ("Commitment 60", "OPCC-R01", "Dear Sam Person,", "15 October 2025"):
        assert phrase in mail.text and phrase in mail.html
    assert "Office of the Police and Crime Commissioner" in mail.html
    assert "Office of the Police and Crime Commissioner" in mail.text


def test_a_hostile_commitment_text_is_escaped_in_the_html_part(smtp, plan):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'
    make_commitment(ref="63", text=hostile, smt_lead=plan["sam"].person)
    with on("2025-10-01"):
        send()
    (mail,) = smtp.handler.to("sam@opcc.example")
    assert "<script>" not in mail.html and "<img" not in mail.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in mail.html
    assert hostile in mail.text


def test_a_lead_without_a_login_gets_reminders_with_links_they_can_read(smtp, plan):
    from tests.factories import make_person

    wmp = make_person(name="Wendy Police", email="wendy@police.example")
    make_commitment(ref="64", smt_lead=wmp)
    with on("2025-10-01"):
        send()
    (mail,) = smtp.handler.to("wendy@police.example")
    assert "/commitments/64/" in mail.text and "/status/" not in mail.text
    assert "no riskreg login" in mail.text
    assert "Choose what riskreg e-mails you" not in mail.text


def test_a_user_who_turned_reminders_off_gets_none_unless_their_role_requires_them(
    smtp, plan, settings
):
    EmailChoice.objects.create(user=plan["sam"], digests=False)
    with on("2025-10-01"):
        send()
    assert smtp.handler.to("sam@opcc.example") == []
    settings.DIGEST_REQUIRED_ROLES = ["SMT lead"]
    with on("2025-10-08"):
        send()
    assert len(smtp.handler.to("sam@opcc.example")) == 1


def test_the_plan_manager_and_report_author_get_a_weekly_summary(smtp, plan):
    make_user("Plan manager", username="priya", email="priya@opcc.example")
    make_user("Report author", username="jane", email="jane@opcc.example")
    for day in ("2025-10-19", "2025-10-20", "2025-10-21"):
        with on(day):
            send()
    (mail,) = smtp.handler.to("priya@opcc.example")
    assert "Weekly summary: 2025/26 Q3" in mail.text
    assert "1 of 2 commitments updated" in mail.text and "are late" in mail.text
    assert "Sam Person" in mail.text and "1 of 2 updated" in mail.text
    assert len(smtp.handler.to("jane@opcc.example")) == 1


def test_send_reminders_reads_the_same_number_of_queries_for_3_people_and_for_30(
    plan, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_per_run(leads: int, day: str) -> int:
        for n in range(leads):
            lead = make_user("SMT lead", email=f"q{day}{n}@opcc.example")
            risk = make_risk(ref=f"Q{day[-2:]}-{n}", owner=lead.person)
            make_commitment(
                ref=f"{day[-2:]}{n:03d}", smt_lead=lead.person, officer_lead=lead.person
            )
            Action.objects.create(
                risk=risk, description="A", owner=lead.person,
                target_date=datetime.date.fromisoformat(day) + datetime.timedelta(days=7),
            )  # fmt: skip
        with on(day), CaptureQueriesContext(connection) as run:
            assert send() is None
        return len(run.captured_queries) - Email.objects.filter(day=day).count()

    few, many = queries_per_run(3, "2025-10-01"), queries_per_run(27, "2025-10-08")
    assert Email.objects.filter(day="2025-10-08").count() == 32
    assert few == many  # a fixed number of reads; one write per e-mail sent
    assert many <= 30
