"""The pages: each user's choices, the plan manager's list and preview; the settings."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from riskreg.reminders.models import Email, EmailChoice
from tests.factories import make_commitment, make_period, make_person, make_user
from tests.mail import on
from tests.riskreg.test_foundation import run_settings

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_user_turns_reminders_off_and_the_plan_manager_sees_who_did():
    sam = make_user("SMT lead", username="sam", email="sam@opcc.example")
    page = client_for(sam).get("/reminders/preferences/").content.decode()
    assert "sam@opcc.example" in page and 'name="digests"' in page
    response = client_for(sam).post("/reminders/preferences/", {"notices": "on"})
    assert response.status_code == 302
    choice = EmailChoice.objects.get(user=sam)
    assert not choice.digests and choice.notices
    manager = make_user("Plan manager", username="priya")
    page = client_for(manager).get("/reminders/").content.decode()
    opted_out = page.split('id="h-off"')[1].split("<h2")[0]
    assert "Sam Person" in opted_out and "Off" in opted_out


def test_what_a_role_requires_stays_on_whatever_is_posted(settings):
    settings.DIGEST_REQUIRED_ROLES = ["SMT lead"]
    sam = make_user("SMT lead", username="sam")
    page = client_for(sam).get("/reminders/preferences/").content.decode()
    assert "Your role requires these" in page
    client_for(sam).post("/reminders/preferences/", {})  # both boxes unticked
    choice = EmailChoice.objects.get(user=sam)
    assert choice.digests and not choice.notices


def test_only_the_plan_manager_sees_the_list_and_previews():
    for role in ("SMT lead", "Risk editor", "Viewer", "Report author"):
        client = client_for(make_user(role))
        assert client.get("/reminders/").status_code == 403
        assert client.get("/reminders/preview/").status_code == 403
        assert client.get("/reminders/preferences/").status_code == 200


def test_the_plan_manager_previews_a_leads_next_digest_as_the_email_renders_it(settings):
    settings.RISKREG_SITE_URL = "https://riskreg.opcc.example"
    make_period("2025/26 Q3", update_deadline=datetime.date(2025, 10, 15))
    sam = make_user("SMT lead", username="sam", email="sam@opcc.example")
    make_commitment(ref="60", text="Cut <b>knife</b> crime", smt_lead=sam.person)
    manager = client_for(make_user("Plan manager", username="priya"))
    with on("2025-09-29"):
        page = manager.get(f"/reminders/preview/?person={sam.person.pk}").content.decode()
        framed = manager.get(f"/reminders/preview/email/?person={sam.person.pk}")
    assert "Wednesday 1 October 2025" in page and "sam@opcc.example" in page
    assert "riskreg: 1 commitment to update" in page
    assert "Cut &lt;b&gt;knife&lt;/b&gt; crime" in page  # the text part, escaped in the page
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    with on("2025-10-01"):
        call_command("send_reminders", stdout=io.StringIO())
    assert framed.content.decode() == Email.objects.get().html  # what was sent that day


def test_the_preview_says_when_there_is_nothing_to_send():
    make_period("2025/26 Q3", update_deadline=datetime.date(2025, 10, 15))
    nobody = make_person(name="No Address")
    idle = make_person(name="Idle Person", email="idle@opcc.example")
    manager = client_for(make_user("Plan manager"))
    page = manager.get(f"/reminders/preview/?person={nobody.pk}").content.decode()
    assert "has no e-mail address" in page
    page = manager.get(f"/reminders/preview/?person={idle.pk}").content.decode()
    assert "Nothing of Idle Person" in page
    assert manager.get(f"/reminders/preview/email/?person={idle.pk}").status_code == 404


def test_send_reminders_refuses_while_email_is_off(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    with pytest.raises(CommandError, match="E-mail is off"):
        call_command("send_reminders")


def test_email_url_is_read_strictly():
    from django.core.exceptions import ImproperlyConfigured

    from riskreg.settings import email_from_url

    assert email_from_url("smtp+tls://me%40opcc:p%2Fw@smtp.office365.com:587") == {
        "host": "smtp.office365.com", "port": 587, "user": "me@opcc", "password": "p/w",
        "tls": True, "ssl": False,
    }  # fmt: skip
    assert email_from_url("smtp://127.0.0.1:1025")["port"] == 1025
    assert email_from_url("smtp+ssl://mail.example")["port"] == 465
    for bad in ("http://mail.example", "smtp://", "smtp://mail.example:port"):
        with pytest.raises(ImproperlyConfigured):
            email_from_url(bad)


def test_bad_reminder_settings_stop_start_up():
    base = {"DJANGO_DEBUG": "true"}
    for name, value in [
        ("RISKREG_REMINDER_DAYS", "14,a week"),
        ("RISKREG_PAPER_RECIPIENTS", "committee@opcc.example,not an address"),
        ("RISKREG_SITE_URL", "riskreg.opcc.example"),
        ("RISKREG_DIGEST_REQUIRED_ROLES", "SMT leads"),
        ("RISKREG_REMINDER_WEEKDAY", "8"),
    ]:
        result = run_settings({**base, name: value})
        assert result.returncode != 0 and name in result.stderr, name


def test_the_deploy_check_warns_when_email_is_not_set_up():
    import subprocess
    import sys

    from tests.riskreg.test_foundation import ROOT

    env = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "a"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**run_env(), **env},
        capture_output=True,
        text=True,
    )
    assert "reminders.W001" in result.stderr and "reminders.W002" in result.stderr


def run_env() -> dict:
    import os

    return {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "RISKREG_"))
    }


def test_docker_compose_runs_send_reminders_as_a_service_of_its_own():
    import yaml

    from tests.riskreg.test_foundation import ROOT

    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["reminders"]
    assert "profiles" not in service
    assert "python manage.py send_reminders" in service["command"]


def test_the_demo_gives_every_person_an_address():
    from django.core.management import call_command as run

    from commitments.models import Person

    run("load_demo", force=True, password="demo-password-long", stdout=io.StringIO())
    assert not Person.objects.filter(email="").exists()
    assert Person.objects.get(name="Sam Lead").email == "smt.lead@opcc.example"
