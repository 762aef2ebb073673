"""The sign-in and account pages: who may open which, and what they say.

IDENTITY_EXPECTED and IDENTITY_PUBLIC join the permission walk of test_permissions.
"""

import pytest
from django.test import Client

from riskreg.roles import ROLES
from tests.factories import make_user


def every(status: int) -> dict:
    return {role: status for role in ROLES}


# GET status for each role, signed in by password with no second factor yet.
IDENTITY_EXPECTED = {
    "account": every(200),
    "account_logout": every(405),
    "account_reauthenticate": every(200),
    "account_change_password": every(200),
    "account_set_password": every(200),
    "mfa_index": every(200),
    "mfa_authenticate": every(302),  # no sign-in waiting for its second factor
    "mfa_reauthenticate": every(302),  # no second factor to confirm with: the password
    "mfa_activate_totp": every(302),  # a session without allauth's record asks the password
    "mfa_deactivate_totp": every(404),  # nothing to turn off
    "mfa_view_recovery_codes": every(404),
    "mfa_generate_recovery_codes": every(302),
    "mfa_download_recovery_codes": every(404),
    "mfa_list_webauthn": every(200),
    "mfa_add_webauthn": every(302),
    "mfa_reauthenticate_webauthn": every(302),
    "socialaccount_login_error": every(401),
    "socialaccount_signup": every(302),  # no SSO sign-in pending
}
# Open to the anonymous user: GET status.
IDENTITY_PUBLIC = {
    "account_login": 200,
    "account_signup": 200,  # says sign-up is closed
    "account_inactive": 200,
    "account_reset_password": 200,
    "account_reset_password_done": 200,
    "account_reset_password_from_key_done": 200,
    "socialaccount_login_cancelled": 200,
}


@pytest.mark.django_db
def test_nobody_can_sign_themselves_up():
    page = Client().get("/account/signup/").content.decode()
    assert "Sign Up Closed" in page
    response = Client().post(
        "/account/signup/",
        {
            "username": "mallory",
            "password1": "a-long-new-password",
            "password2": "a-long-new-password",
        },
    )
    assert response.status_code == 200
    from django.contrib.auth.models import User

    assert not User.objects.filter(username="mallory").exists()


@pytest.mark.django_db
def test_the_account_page_shows_name_roles_and_how_to_add_a_second_factor(login):
    client = login("SMT lead", "Viewer", first_name="Sam", last_name="Lead")
    page = client.get("/account/").content.decode()
    assert "Sam Lead" in page
    assert "SMT lead, Viewer" in page
    assert "Set up an authenticator app" in page and "Add a security key" in page
    assert "With your riskreg password" in page


@pytest.mark.django_db
def test_a_user_with_no_role_is_told_their_account_waits_for_an_administrator(client):
    user = make_user(username="newcomer")
    user.set_password("a-long-test-password")
    user.save()
    response = client.post(
        "/login/", {"login": "newcomer", "password": "a-long-test-password"}, follow=True
    )
    assert "waiting for an administrator to give you a role" in response.content.decode()


@pytest.mark.django_db
def test_the_sso_button_carries_the_page_asked_for(client, settings):
    from riskreg.settings import sso_providers

    settings.SOCIALACCOUNT_PROVIDERS = sso_providers("https://idp.example", "id", "s", "Go")
    page = client.get("/risks/", follow=True).content.decode()
    assert 'action="/account/oidc/sso/login/?next=%2Frisks%2F"' in page
    assert 'name="next" value="/risks/"' in page


@pytest.mark.django_db
def test_load_demo_leaves_demo_users_with_their_password_and_no_second_factor(settings):
    import pyotp
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("load_demo", force=True, password="demo-password-1")
    TOTP.activate(User.objects.get(username="cfo"), pyotp.random_base32())
    call_command("load_demo", force=True, password="demo-password-1")
    assert not Authenticator.objects.exists()
    response = Client().post("/login/", {"login": "cfo", "password": "demo-password-1"})
    assert response.url == "/"


@pytest.mark.django_db
def test_adding_and_removing_a_second_factor_is_in_the_security_log(
    client, caplog, django_capture_on_commit_callbacks
):
    user = make_user("Viewer", username="jane")
    user.set_password("a-long-test-password")
    user.save()
    client.post("/login/", {"login": "jane", "password": "a-long-test-password"})
    client.post("/account/reauthenticate/", {"password": "a-long-test-password"})
    with (
        caplog.at_level("INFO", logger="riskreg.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        form = client.get("/account/2fa/totp/activate/").context["form"]
        import pyotp

        client.post("/account/2fa/totp/activate/", {"code": pyotp.TOTP(form.secret).now()})
        client.post("/account/2fa/totp/deactivate/")
    assert "second factor added user=jane type=totp" in caplog.text
    assert "second factor removed user=jane type=totp" in caplog.text


@pytest.mark.django_db
def test_sign_ins_are_in_the_admin_to_read_but_not_to_change(client):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "root@opcc.example", "x" * 20)
    client.force_login(root)
    page = client.get("/admin/identity/signin/").content.decode()
    assert "root" in page
    assert client.get("/admin/identity/signin/add/").status_code == 403
