"""axe-core on every page for every role, at desktop width and at 320 px (WCAG 2.2 AA)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.browser.conftest import AXE, axe_violations, log_in
from tests.riskreg.test_foundation import all_url_names

pytestmark = pytest.mark.browser

ROLE_USERS = ["viewer", "risk.officer", "smt.lead", "plan.manager", "cfo"]
WIDTHS = [1280, 320]


def pages_for(username: str) -> list[str]:
    """Every HTML page this user may open, found by walking the URL resolver."""
    from reports.models import Paper

    kwargs = {
        "ref": "60",
        "year": 2025,
        "number": 3,
        "pk": Paper.objects.get(period__number=3).pk,
    }
    client = Client()
    client.force_login(User.objects.get(username=username))
    urls = []
    for name, pattern in all_url_names():
        values = {k: kwargs[k] for k in pattern.pattern.converters}
        if name.startswith("registers:") and "ref" in values:
            values["ref"] = "OPCC-R03" if name == "registers:issue_edit" else "OPCC-R01"
            if "pk" in values:
                from registers.models import Action, Control

                model = Control if "control" in name else Action
                values["pk"] = model.objects.filter(risk__ref="OPCC-R01").first().pk
        url = reverse(name, kwargs=values)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            urls.append(url)
    return urls + ["/commitments/9999/"]  # the 404 page too


def test_every_page_for_every_role_has_no_axe_violations_and_fits_320_px(demo_site, browser):
    violations, checked = [], 0
    for username in ROLE_USERS:
        urls = pages_for(username)
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_init_script(AXE)  # once per context, not sent again with each page
            page = context.new_page()
            log_in(page, demo_site, username)
            for url in urls:
                page.goto(demo_site + url)
                width_used = page.evaluate("document.documentElement.scrollWidth")
                if width_used > width:  # WCAG 1.4.10: no sideways scrolling of the page
                    violations.append(f"{username} {width}px {url}: {width_used} px wide")
                violations += axe_violations(page, f"{username} {width}px {url}")
                checked += 1
            context.close()
    print(f"axe checked {checked} page loads")
    assert checked >= 120  # every role × page pair, each at two widths
    assert violations == [], "\n".join(violations)


def test_the_axe_check_reports_what_it_finds_when_loaded_once_for_a_context(browser):
    context = browser.new_context()
    context.add_init_script(AXE)
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    found = axe_violations(page, "an image without alt text")
    context.close()
    assert found == ["an image without alt text: image-alt [['img']]"]


PHONE_TABLES = [
    ("viewer", "/risks/OPCC-R01/history/"),
    ("viewer", "/commitments/"),
    ("viewer", "/risks/"),
    ("viewer", "/risks/OPCC-R01/"),
    ("viewer", "/commitments/60/"),
    ("viewer", "/commitments/dashboard/"),
    ("cfo", "/papers/"),
]


@pytest.mark.parametrize("username, url", PHONE_TABLES)
def test_a_table_on_a_phone_shows_every_cell_on_the_screen(demo_site, browser, username, url):
    """Tables stack their rows at 320 px rather than leave their changes, text, scores and
    actions off to the side of a scrolling box; a cell's shown name is not read twice."""
    context = browser.new_context(viewport={"width": 320, "height": 900})
    page = context.new_page()
    log_in(page, demo_site, username)
    page.goto(demo_site + url)
    cells = page.locator("table tbody tr").first.locator("th, td")
    assert cells.count() >= 3
    for index in range(cells.count()):
        box = cells.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (index, box)
    named = page.locator("td[data-label]").first
    label = named.get_attribute("data-label")
    shown = page.evaluate("e => getComputedStyle(e, '::before').content", named.element_handle())
    assert label in shown  # the name is shown on the phone...
    assert f"{label}:" not in named.aria_snapshot()  # ...and not read out again
    context.close()
