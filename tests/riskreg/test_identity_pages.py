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
