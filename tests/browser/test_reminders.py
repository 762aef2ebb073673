"""The reminders pages in Chromium: the preview's frame renders the e-mail, axe finds
nothing on the page or in the e-mail, and the choices' checkboxes post what they show."""

import pytest
from django.contrib.auth.models import User

from riskreg.reminders.models import EmailChoice
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 320])
def test_the_plan_manager_previews_a_digest_rendered_as_the_email_is(demo_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    log_in(page, demo_site, "plan.manager")
    page.goto(f"{demo_site}/reminders/")
    page.get_by_role("link", name="Next digest of Jane Heppel").click()
    page.wait_for_url("**/reminders/preview/?person=*")
    assert "cfo@opcc.example" in page.get_by_role("main").inner_text()
    frame = page.frame_locator("iframe.email-preview")
    frame.get_by_text("Dear Jane Heppel,").wait_for()
    assert frame.get_by_role("link", name="Action on OPCC-R01").count() == 1
    email = next(
        f for f in page.frames if f.url.endswith(page.url.split("?")[1]) and f != page.main_frame
    )
    assert axe_violations(page, "the preview page") == []
    assert axe_violations(email, "the e-mail") == []
    assert blocked == []
    context.close()


def test_a_user_turns_reminders_off_with_the_checkbox(demo_site, page):
    log_in(page, demo_site, "smt.lead")
    page.goto(f"{demo_site}/")  # an SMT lead logs in to their grid; the link is on home
    page.get_by_role("link", name="Your e-mails from riskreg").click()
    reminders = page.get_by_label("Reminders")
    assert reminders.is_checked()
    reminders.uncheck()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your e-mail choices are saved.").wait_for()
    choice = EmailChoice.objects.get(user=User.objects.get(username="smt.lead"))
    assert not choice.digests and choice.notices
    assert not page.get_by_label("Reminders").is_checked()
