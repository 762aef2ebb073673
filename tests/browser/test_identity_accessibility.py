"""axe-core and the CSP on the sign-in, second-factor and account pages, at 1280 and 320 px."""

import pyotp
import pytest

from tests.browser.conftest import PASSWORD, axe_violations, log_in

pytestmark = pytest.mark.browser
WIDTHS = [1280, 320]


def violations(page, label: str) -> list[str]:
    found = axe_violations(page, label)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    return found + ([f"{label}: wider than the window"] if overflow else [])


def anonymous_pages(page, base: str) -> list[str]:
    found = []
    for url in [
        "/login/",
        "/account/password/reset/",
        "/account/password/reset/done/",
        "/account/password/reset/key/1-expired-token/",
        "/account/signup/",
        "/account/oidc/sso/login/callback/?state=nothing&code=nothing",
    ]:
        page.goto(base + url)
        found += violations(page, url)
    return found


def signed_in_pages(page, base: str) -> list[str]:
    """The enforced set-up of a Plan manager, step by step, then the code prompt."""
    log_in(page, base, "plan.manager")
    page.goto(base + "/account/")
    found = violations(page, "account with set-up due")
    page.get_by_role("link", name="Set up an authenticator app").click()
    found += violations(page, "confirm your password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    found += violations(page, "authenticator app set-up")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    found += violations(page, "recovery codes")
    for url in [
        "/account/",
        "/account/password/change/",
        "/account/2fa/",
        "/account/2fa/webauthn/",
    ]:
        page.goto(base + url)
        found += violations(page, url)
    menu = page.get_by_role("button", name="Show navigation")
    if menu.is_visible():  # 320 px: the menu is folded
        menu.click()
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill("plan.manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return found + violations(page, "second-factor prompt")


def test_the_identity_pages_have_no_axe_violations_fit_320_px_and_break_no_csp_rule(
    demo_site, oidc_provider, browser, settings
):
    settings.MFA_ENFORCED = True
    violations, refused = [], []  # refused: the browser's word for what the CSP blocked
    for width in WIDTHS:
        from allauth.mfa.models import Authenticator

        Authenticator.objects.all().delete()
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else 0)
        violations += [f"{width}px {v}" for v in anonymous_pages(page, demo_site)]
        violations += [f"{width}px {v}" for v in signed_in_pages(page, demo_site)]
        context.close()
    assert violations + refused == [], "\n".join(violations + refused)
