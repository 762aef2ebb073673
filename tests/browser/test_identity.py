"""Signing in as a person does: single sign-on, an authenticator app, a security key."""

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User

from tests.browser.conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser


def sso_sign_in(page, base: str, provider, sub: str, start: str = "/login/") -> None:
    page.goto(base + start)
    page.get_by_role("button", name="Sign in with your organisation").click()
    page.wait_for_url(f"{provider.url}/**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda url: url.startswith(base))


def test_a_new_sso_user_signs_in_at_their_provider_and_is_told_to_wait(
    demo_site, oidc_provider, page
):
    oidc_provider.set_user("ann", email="ann@opcc.example", name="Ann Other", groups=["staff"])
    sso_sign_in(page, demo_site, oidc_provider, "ann")
    assert page.url == f"{demo_site}/"
    assert page.get_by_text("waiting for an administrator to give you a role").first.is_visible()
    assert page.get_by_role("heading", name="Welcome, Ann Other").is_visible()
    assert page.get_by_role("link", name="Risk register").count() == 0
    assert list(User.objects.get(email="ann@opcc.example").groups.all()) == []


def test_an_smt_lead_whose_claim_maps_lands_on_their_grid(demo_site, oidc_provider, page, settings):
    settings.SSO_LINK_BY_EMAIL = True
    User.objects.get(username="smt.lead").groups.clear()  # the claim gives the role
    oidc_provider.set_user(
        "sam-sub", email="smt.lead@opcc.example", email_verified=True, groups=["riskreg-smt"]
    )
    sso_sign_in(page, demo_site, oidc_provider, "sam-sub")
    assert page.url == f"{demo_site}/commitments/mine/"
    assert page.get_by_role("button", name="Save all").is_visible()
    assert page.locator("fieldset.grid-row").count() > 0
    page.goto(f"{demo_site}/account/")
    assert page.get_by_text("SMT lead", exact=True).is_visible()
    assert page.get_by_role("cell", name="Single sign-on").is_visible()


def totp_from_page(page) -> pyotp.TOTP:
    return pyotp.TOTP(page.locator("#authenticator_secret").input_value())


def confirm_password(page) -> None:
    if "/account/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()


def test_a_report_author_must_set_up_an_authenticator_app_then_signs_in_with_it(
    demo_site, page, settings
):
    settings.MFA_ENFORCED = True
    log_in(page, demo_site, "cfo")
    page.goto(f"{demo_site}/papers/")
    assert page.url == f"{demo_site}/account/"
    assert page.get_by_role("heading", name="Set up a second factor to go on").is_visible()
    page.get_by_role("link", name="Set up an authenticator app").click()
    confirm_password(page)
    totp = totp_from_page(page)
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()
    assert page.get_by_text("Incorrect code.").is_visible()
    page.get_by_label("Authenticator code").fill(totp.now())
    page.get_by_role("button", name="Activate").click()
    assert page.get_by_role("heading", name="Recovery Codes").is_visible()
    recovery = page.get_by_label("Unused codes").input_value().split()
    assert len(recovery) == 10
    page.goto(f"{demo_site}/papers/")
    assert page.get_by_role("heading", name="Committee papers").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill("cfo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Your second factor").is_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("Incorrect code.").is_visible()
    page.get_by_label("Code").fill(recovery[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{demo_site}/")
    page.goto(f"{demo_site}/account/")
    assert page.get_by_text("9 of 10 unused").is_visible()
    assert page.get_by_role("cell", name="Password and recovery code").is_visible()


def add_virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def test_a_security_key_is_added_and_then_signs_in_as_the_second_factor(demo_site, page, settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # http://localhost in the test
    add_virtual_authenticator(page)
    log_in(page, demo_site, "risk.officer")
    page.goto(f"{demo_site}/account/")
    page.get_by_role("link", name="Add a security key").click()
    confirm_password(page)
    page.get_by_label("Name").fill("Test key")
    page.wait_for_load_state("load")  # allauth's script binds the button on load
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(f"{demo_site}/account/2fa/recovery-codes/")  # its first second factor
    user = User.objects.get(username="risk.officer")
    assert Authenticator.objects.filter(user=user, type="webauthn").count() == 1

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill("risk.officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Your second factor").is_visible()
    assert page.get_by_role("link", name="Risk register").count() == 0
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(f"{demo_site}/")
    page.goto(f"{demo_site}/account/")
    assert page.get_by_role("cell", name="Password and security key").is_visible()
    assert page.get_by_text("Test key, added").is_visible()


def test_a_forgotten_password_is_reset_from_the_mailed_link_once(demo_site, smtp_server, page):
    page.goto(f"{demo_site}/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill("viewer@opcc.example")
    page.get_by_role("button", name="Reset My Password").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    [mail] = smtp_server.wait(1)
    link = re.search(r"(http://\S+/account/password/reset/key/\S+/)", mail.replace("=\n", ""))
    page.goto(link.group(1))
    page.get_by_label(re.compile(r"New Password\W*$")).fill("a-brand-new-password")
    page.get_by_label(re.compile(r"New Password \(again\)")).fill("a-brand-new-password")
    page.get_by_role("button", name="Save the new password").click()
    assert page.get_by_text("Your password is now changed.").is_visible()
    page.goto(link.group(1))
    assert page.get_by_role("heading", name="This link does not work").is_visible()
    page.goto(f"{demo_site}/login/")
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill("a-brand-new-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{demo_site}/")
