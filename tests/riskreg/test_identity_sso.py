"""Single sign-on against a real OpenID provider on 127.0.0.1, driven at the callback."""

import time
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def sign_in(provider, sub: str, client: Client | None = None, **claims):
    """Start SSO at riskreg, approve it at the provider, and return riskreg's answer."""
    client = client or Client()
    if claims:
        provider.set_user(sub, **claims)
    start = client.post("/account/oidc/sso/login/")
    assert start.status_code == 302 and start.url.startswith(provider.url), start
    approved = requests.post(start.url, data={"sub": sub}, allow_redirects=False, timeout=5)
    back = urlsplit(approved.headers["Location"])
    assert back.path == "/account/oidc/sso/login/callback/"
    response = client.get(f"{back.path}?{back.query}", follow=True)
    response.client = client
    return response


def signed_in_user(response) -> User | None:
    user = response.wsgi_request.user
    return user if user.is_authenticated else None


def test_the_login_page_offers_the_organisations_button_only_when_configured(client, settings):
    assert "Sign in with your organisation" not in client.get("/login/").content.decode()
    from riskreg.settings import sso_providers

    settings.SOCIALACCOUNT_PROVIDERS = sso_providers("https://idp.example", "id", "s", "Go")
    page = client.get("/login/").content.decode()
    assert '<button type="submit" class="btn btn-primary btn-lg w-100">Go</button>' in page


def test_a_first_sso_sign_in_creates_a_user_with_no_role_who_is_told_to_wait(oidc_provider):
    response = sign_in(
        oidc_provider, "alice", email="alice@opcc.example", name="Alice Smith", groups=["x"]
    )
    user = signed_in_user(response)
    assert user is not None and user.email == "alice@opcc.example"
    assert user.get_full_name() == "Alice Smith"
    assert list(user.groups.all()) == []
    assert not user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert "waiting for an administrator to give you a role" in response.content.decode()
    assert user.sign_ins.get().get_method_display() == "Single sign-on"


def test_roles_follow_the_mapped_claim_at_every_sign_in(oidc_provider):
    response = sign_in(oidc_provider, "sam", email="sam@opcc.example", groups=["riskreg-smt"])
    sam = signed_in_user(response)
    assert set(sam.groups.values_list("name", flat=True)) == {"SMT lead"}
    from django.contrib.auth.models import Group

    sam.groups.add(Group.objects.get(name="Viewer"))  # given by an administrator
    sign_in(oidc_provider, "sam", email="sam@opcc.example", groups=["riskreg-risk"])
    assert set(sam.groups.values_list("name", flat=True)) == {"Risk editor", "Viewer"}


def test_sso_never_makes_anyone_staff_or_superuser(oidc_provider):
    response = sign_in(
        oidc_provider,
        "eve",
        email="eve@opcc.example",
        is_staff=True,
        is_superuser=True,
        groups=["riskreg-smt", "admin", "Administrator"],
    )
    eve = signed_in_user(response)
    assert not eve.is_staff and not eve.is_superuser
    assert set(eve.groups.values_list("name", flat=True)) == {"SMT lead"}
    assert Client().get("/admin/").status_code == 302


def test_an_existing_user_is_not_linked_by_email_unless_the_setting_allows(oidc_provider, settings):
    local = make_user(username="rhea", email="rhea@opcc.example")
    claims = {"email": "rhea@opcc.example", "email_verified": True}
    refused = sign_in(oidc_provider, "rhea-sub", **claims)
    assert refused.status_code == 403 and signed_in_user(refused) is None
    assert "riskreg already has an account for rhea@opcc.example" in refused.content.decode()
    settings.SSO_LINK_BY_EMAIL = True
    unverified = sign_in(oidc_provider, "rhea-sub", email="rhea@opcc.example")
    assert signed_in_user(unverified) is None
    linked = sign_in(oidc_provider, "rhea-sub", **claims)
    assert signed_in_user(linked) == local
    assert User.objects.filter(email="rhea@opcc.example").count() == 1


def test_an_administrators_account_never_signs_in_through_sso(oidc_provider, settings):
    settings.SSO_LINK_BY_EMAIL = True
    User.objects.create_superuser("root", "root@opcc.example", "x" * 20)
    response = sign_in(oidc_provider, "root-sub", email="root@opcc.example", email_verified=True)
    assert response.status_code == 403 and signed_in_user(response) is None


def test_an_sso_user_has_no_password_to_change_or_reset(oidc_provider, smtp_server):
    response = sign_in(oidc_provider, "ola", email="ola@opcc.example")
    page = response.client.get("/account/password/change/", follow=True).content.decode()
    assert "You have no riskreg password" in page
    Client().post("/account/password/reset/", {"email": "ola@opcc.example"})
    time.sleep(0.5)
    assert smtp_server.messages == []


def test_a_correctly_re_signed_token_is_accepted(oidc_provider):
    oidc_provider.forge = lambda claims: claims  # proves the forging gate itself works
    assert signed_in_user(sign_in(oidc_provider, "ivy", email="ivy@opcc.example")) is not None


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"exp": int(time.time()) - 60, "iat": int(time.time()) - 3700}, id="expired"),
        pytest.param({"aud": "someone-else"}, id="wrong-audience"),
        pytest.param({"iss": "http://127.0.0.1:1"}, id="wrong-issuer"),
    ],
)
def test_an_id_token_with_a_bad_claim_is_refused(oidc_provider, change, caplog):
    oidc_provider.forge = lambda claims: {**claims, **change}
    with caplog.at_level("WARNING", logger="riskreg.security"):
        response = sign_in(oidc_provider, "mallory", email="mallory@opcc.example")
    assert signed_in_user(response) is None
    assert "Signing in through your organisation failed" in response.content.decode()
    assert not User.objects.filter(email="mallory@opcc.example").exists()
    assert "sso failed provider=sso" in caplog.text


def test_a_tampered_id_token_is_refused(oidc_provider):
    oidc_provider.tamper = lambda claims: {**claims, "groups": ["riskreg-risk"]}
    response = sign_in(oidc_provider, "trudy", email="trudy@opcc.example")
    assert signed_in_user(response) is None
    assert "Signing in through your organisation failed" in response.content.decode()
    assert not User.objects.filter(groups__name="Risk editor").exists()


def test_sso_only_leaves_the_password_door_to_superusers(oidc_provider, settings):
    settings.SSO_ONLY = True
    victor = make_user("Viewer", username="victor")
    victor.set_password("a-long-test-password")
    victor.save()
    User.objects.create_superuser("root", "root@opcc.example", "a-long-root-password")
    page = Client().post("/login/", {"login": "victor", "password": "a-long-test-password"})
    assert page.status_code == 200
    assert "The username and/or password you specified are not correct." in page.content.decode()
    assert "Administrator's emergency log-in" in page.content.decode()
    root = Client().post("/login/", {"login": "root", "password": "a-long-root-password"})
    assert root.status_code == 302
    assert signed_in_user(sign_in(oidc_provider, "vic", email="vic@opcc.example")) is not None


def test_a_provider_that_cannot_be_reached_gets_a_message_not_a_server_error(settings, caplog):
    from riskreg.settings import sso_providers
    from tests.identity_fixtures import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers(closed, "id", "s", "Go")
    with caplog.at_level("WARNING", logger="riskreg.security"):
        response = Client().post("/account/oidc/sso/login/")
    assert response.status_code == 502
    assert "Signing in through your organisation failed" in response.content.decode()
    assert "sso failed provider=sso error=unreachable" in caplog.text


def test_two_users_with_the_same_address_are_never_guessed_between(oidc_provider, settings):
    settings.SSO_LINK_BY_EMAIL = True
    make_user(username="pat1", email="pat@opcc.example")
    make_user(username="pat2", email="PAT@opcc.example")
    response = sign_in(oidc_provider, "pat-sub", email="pat@opcc.example", email_verified=True)
    assert response.status_code == 403 and signed_in_user(response) is None
