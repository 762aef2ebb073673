"""Second factors: an authenticator app (codes from pyotp), recovery codes, enforcement,
throttling by django-axes, and the admin behind the same door."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import User
from django.test import Client

from riskreg.identity.models import SignIn
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def user_with_password(*roles, username="jane", **kw) -> User:
    user = make_user(*roles, username=username, **kw)
    user.set_password(PASSWORD)
    user.save()
    return user


def with_totp(user) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    return pyotp.TOTP(secret)


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/login/", {"login": username, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_user_enrols_an_authenticator_app_with_a_code_from_it():
    user = user_with_password("Viewer")
    client = Client()
    log_in(client, "jane")
    asked = client.get("/account/2fa/totp/activate/")
    assert asked.url.startswith("/account/reauthenticate/")  # the password again first
    client.post(asked.url, {"password": PASSWORD})
    form = client.get("/account/2fa/totp/activate/").context["form"]
    wrong = client.post("/account/2fa/totp/activate/", {"code": "000000"})
    assert "Incorrect code." in wrong.content.decode()
    done = client.post("/account/2fa/totp/activate/", {"code": pyotp.TOTP(form.secret).now()})
    assert done.url == "/account/2fa/recovery-codes/"
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    assert "10 of 10 unused" in client.get("/account/").content.decode()


def test_signing_in_asks_for_the_code_after_the_password_and_records_both():
    user = user_with_password("Viewer")
    totp = with_totp(user)
    client = Client()
    response = log_in(client, "jane")
    assert response.url == "/account/2fa/authenticate/" and not is_signed_in(client)
    assert client.get("/").status_code == 302
    response = client.post("/account/2fa/authenticate/", {"code": totp.now()})
    assert response.status_code == 302 and is_signed_in(client)
    assert SignIn.objects.get(user=user).method == SignIn.Method.PASSWORD_TOTP


def test_a_wrong_code_is_refused_and_logged_as_a_failed_login(caplog):
    with_totp(user_with_password("Viewer"))
    client = Client()
    log_in(client, "jane")
    with caplog.at_level("WARNING", logger="riskreg.security"):
        response = client.post("/account/2fa/authenticate/", {"code": "123456"})
    assert "Incorrect code." in response.content.decode() and not is_signed_in(client)
    assert "login failed user=jane" in caplog.text


def test_a_code_works_only_once():
    totp = with_totp(user_with_password("Viewer"))
    code = totp.now()
    first = Client()
    log_in(first, "jane")
    first.post("/account/2fa/authenticate/", {"code": code})
    assert is_signed_in(first)
    second = Client()
    log_in(second, "jane")
    response = second.post("/account/2fa/authenticate/", {"code": code})
    assert "Incorrect code." in response.content.decode() and not is_signed_in(second)


def test_a_recovery_code_signs_in_once():
    user = user_with_password("Viewer")
    with_totp(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    client = Client()
    log_in(client, "jane")
    client.post("/account/2fa/authenticate/", {"code": code})
    assert is_signed_in(client)
    assert SignIn.objects.get(user=user).method == SignIn.Method.PASSWORD_RECOVERY
    again = Client()
    log_in(again, "jane")
    again.post("/account/2fa/authenticate/", {"code": code})
    assert not is_signed_in(again)


def test_five_wrong_codes_lock_that_username_from_that_address_for_fifteen_minutes():
    totp = with_totp(user_with_password("Viewer"))
    client = Client(REMOTE_ADDR="10.1.2.3")
    log_in(client, "jane")
    for _ in range(4):
        client.post("/account/2fa/authenticate/", {"code": "000000"})
    locked = client.post("/account/2fa/authenticate/", {"code": "000000"})
    assert locked.status_code == 429
    assert "locked from your address for 15 minutes" in locked.content.decode()
    right = client.post("/account/2fa/authenticate/", {"code": totp.now()})
    assert right.status_code == 429 and not is_signed_in(client)
    assert log_in(Client(REMOTE_ADDR="10.1.2.3"), "jane").status_code == 429
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert log_in(other, "jane").url == "/account/2fa/authenticate/"


def test_axes_alone_counts_failures_allauths_own_limit_is_off(settings):
    settings.AXES_FAILURE_LIMIT = 8  # above allauth's default of five, to tell them apart
    user_with_password("Viewer")
    client = Client(REMOTE_ADDR="10.1.2.4")
    for _ in range(7):
        response = log_in(client, "jane", "wrong-password")
        assert "Too many failed login attempts" not in response.content.decode()
    assert log_in(client, "jane").status_code == 302


@pytest.fixture
def enforced(settings):
    settings.MFA_ENFORCED = True


def test_a_report_author_must_set_up_a_second_factor_before_anything_else(enforced):
    user = user_with_password("Report author")
    client = Client()
    log_in(client, "jane")
    response = client.get("/papers/", follow=True)
    assert response.redirect_chain[-1][0] == "/account/"
    page = response.content.decode()
    assert "needs a second factor before you go on" in page
    assert "Set up a second factor to go on" in page
    with_totp(user)
    assert client.get("/papers/").status_code == 200


def test_a_viewer_is_not_made_to_set_one_up(enforced):
    user_with_password("Viewer")
    client = Client()
    log_in(client, "jane")
    assert client.get("/papers/").status_code == 200


def test_removing_the_last_second_factor_asks_for_one_again(enforced):
    user = user_with_password("Plan manager")
    totp = with_totp(user)
    client = Client()
    log_in(client, "jane")
    client.post("/account/2fa/authenticate/", {"code": totp.now()})
    assert client.get("/commitments/periods/").status_code == 200
    client.post("/account/reauthenticate/", {"password": PASSWORD})
    client.post("/account/2fa/totp/deactivate/")
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    assert client.get("/commitments/periods/").url == "/account/"


def test_the_admin_has_no_login_of_its_own():
    root = User.objects.create_superuser("root", "root@opcc.example", PASSWORD)
    with_totp(root)
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert not is_signed_in(client)
    assert client.get("/admin/").url.startswith("/admin/login/")


def test_a_superuser_with_a_second_factor_cannot_reach_the_admin_with_the_password_alone():
    root = User.objects.create_superuser("root", "root@opcc.example", PASSWORD)
    totp = with_totp(root)
    client = Client()
    login_page = client.get("/admin/", follow=True).redirect_chain[-1][0]
    assert login_page == "/login/?next=%2Fadmin%2F"
    client.post(login_page, {"login": "root", "password": PASSWORD, "next": "/admin/"})
    admin = client.get("/admin/", follow=True)
    assert admin.redirect_chain[-1][0] == "/account/2fa/authenticate/"
    assert "Site administration" not in admin.content.decode()
    response = client.post("/account/2fa/authenticate/", {"code": totp.now()})
    assert response.url == "/admin/"
    assert "Site administration" in client.get("/admin/").content.decode()


def test_a_superuser_without_a_second_factor_sets_one_up_before_the_admin(enforced):
    User.objects.create_superuser("root", "root@opcc.example", PASSWORD)
    client = Client()
    log_in(client, "root")
    assert client.get("/admin/").url == "/account/"


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one():
    user_with_password("Viewer")
    here, elsewhere = Client(), Client()
    log_in(here, "jane")
    log_in(elsewhere, "jane")
    assert elsewhere.get("/").status_code == 200
    response = here.post(
        "/account/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-longer-password",
            "password2": "a-new-longer-password",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short-pw", "at least 12 characters"),
        ("password1234", "too common"),
        ("jane.heppel@opcc", "too similar to the email address"),
    ],
)
def test_a_new_password_must_pass_the_validators(password, problem):
    user_with_password("Viewer", email="jane.heppel@opcc.example")
    client = Client()
    log_in(client, "jane")
    page = client.post(
        "/account/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    ).content.decode()
    assert problem in page
