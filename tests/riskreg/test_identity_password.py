"""Password reset by e-mail through a real SMTP server, and the settings that configure it."""

import datetime
import functools
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client

from tests.factories import make_user
from tests.riskreg.test_foundation import ROOT, run_settings

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver(/account/password/reset/key/[^\s]+/)")


def ask_for_a_reset(address: str):
    return Client().post("/account/password/reset/", {"email": address}, follow=True)


def test_a_reset_link_is_mailed_works_once_and_ends_other_sessions(smtp_server):
    user = make_user("Viewer", username="jane", email="jane@opcc.example")
    elsewhere = Client()
    elsewhere.force_login(user)  # signed in on another device
    page = ask_for_a_reset("Jane@opcc.example")
    assert "we have sent it a link" in page.content.decode()
    [mail] = smtp_server.wait(1)
    assert "To: jane@opcc.example" in mail
    link = LINK.search(mail.replace("=\n", "")).group(1)
    client = Client()
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    new = {"password1": "a-brand-new-password", "password2": "a-brand-new-password"}
    done = client.post(form.redirect_chain[-1][0], new, follow=True)
    assert "Your password is now changed." in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-brand-new-password")
    assert elsewhere.get("/").status_code == 302
    again = Client().get(link, follow=True).content.decode()
    assert "This link does not work" in again
    assert (
        Client().post("/login/", {"login": "jane", "password": "a-brand-new-password"}).url == "/"
    )


def test_a_reset_link_expires_after_an_hour(smtp_server, monkeypatch):
    make_user("Viewer", username="jane", email="jane@opcc.example")
    ask_for_a_reset("jane@opcc.example")
    link = LINK.search(smtp_server.wait(1)[0].replace("=\n", "")).group(1)
    later = datetime.datetime.now() + datetime.timedelta(minutes=61)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    page = Client().get(link, follow=True).content.decode()
    assert "This link does not work" in page and "password1" not in page


def test_an_unknown_address_gets_the_same_page_and_no_mail(smtp_server):
    make_user("Viewer", username="jane", email="jane@opcc.example")
    known = ask_for_a_reset("jane@opcc.example")
    unknown = ask_for_a_reset("nobody@opcc.example")
    assert known.redirect_chain == unknown.redirect_chain
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())
    assert len(smtp_server.wait(2, seconds=1)) == 1


def test_sso_only_mails_a_reset_link_to_the_break_glass_superuser_alone(smtp_server, settings):
    from riskreg.settings import sso_providers

    settings.SOCIALACCOUNT_PROVIDERS = sso_providers("https://idp.example", "id", "s", "Go")
    settings.SSO_ONLY = True
    make_user("Viewer", username="jane", email="jane@opcc.example")
    User.objects.create_superuser("root", "root@opcc.example", "a-long-root-password")
    ask_for_a_reset("jane@opcc.example")
    ask_for_a_reset("root@opcc.example")
    mails = smtp_server.wait(2, seconds=1)
    assert len(mails) == 1 and "To: root@opcc.example" in mails[0]


def test_changing_a_password_or_a_second_factor_mails_the_user_a_notice(smtp_server):
    user = make_user("Viewer", username="jane", email="jane@opcc.example")
    user.set_password("a-long-test-password")
    user.save()
    client = Client()
    client.post("/login/", {"login": "jane", "password": "a-long-test-password"})
    new = {"password1": "a-new-longer-password", "password2": "a-new-longer-password"}
    client.post("/account/password/change/", {"oldpassword": "a-long-test-password", **new})
    [mail] = smtp_server.wait(1)
    assert "To: jane@opcc.example" in mail and "Subject: riskreg: Password Changed" in mail


def test_a_reset_while_the_mail_server_is_down_gets_the_same_page_and_a_log_line(settings, caplog):
    from tests.identity_fixtures import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    make_user("Viewer", username="jane", email="jane@opcc.example")
    with caplog.at_level("ERROR", logger="riskreg.security"):
        page = ask_for_a_reset("jane@opcc.example")
    assert page.status_code == 200 and "we have sent it a link" in page.content.decode()
    assert (
        "mail failed template=account/email/password_reset_key to=jane@opcc.example" in caplog.text
    )


def settings_value(env: dict, expression: str) -> str:
    code = (
        f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    )
    import os

    full = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "RISKREG_"))}
    full.update(DJANGO_SETTINGS_MODULE="riskreg.settings", DJANGO_DEBUG="true", **env)
    out = subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, cwd=ROOT
    )
    return out.stdout.strip() or out.stderr


def test_email_url_sets_host_port_user_password_and_tls():
    value = settings_value(
        {"EMAIL_URL": "smtp+tls://mailer:p%40ss@smtp.opcc.example:587"},
        "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS",
    )
    assert value == "smtp.opcc.example 587 mailer p@ss True"
    assert settings_value({}, "s.EMAIL_BACKEND").endswith("console.EmailBackend")


@pytest.mark.parametrize(
    "env, message",
    [
        ({"EMAIL_URL": "http://mail.example"}, "EMAIL_URL='http://mail.example' is not smtp://"),
        ({"RISKREG_SSO_ROLE_MAP": "riskreg-smt=SMT boss"}, "is not `claim value=role`"),
        ({"RISKREG_MFA_ROLES": "Viewer,Admins"}, "RISKREG_MFA_ROLES: 'Admins' is not a role"),
        ({"RISKREG_OIDC_ISSUER": "https://idp.example"}, "RISKREG_OIDC_CLIENT_ID must be set"),
        ({"RISKREG_SSO_ONLY": "true"}, "RISKREG_SSO_ONLY needs RISKREG_OIDC_ISSUER"),
    ],
)
def test_a_bad_identity_setting_stops_start_up_with_a_clear_message(env, message):
    result = run_settings({"DJANGO_DEBUG": "true", **env})
    assert result.returncode != 0 and message in result.stderr, result.stderr


def test_the_deploy_check_warns_when_second_factors_are_not_enforced():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RISKREG_"))}
    env.update(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="riskreg.example")
    # Mail set up, so that only the second factors' check is in question.
    env.update(EMAIL_URL="smtp://127.0.0.1:25", RISKREG_SITE_URL="https://riskreg.example")
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    run = functools.partial(subprocess.run, command, cwd=ROOT, capture_output=True, text=True)
    assert run(env=env).returncode == 0
    off = run(env={**env, "RISKREG_MFA_ENFORCED": "false"})
    assert off.returncode != 0 and "riskreg.W001" in off.stderr
