"""Every URL × every role (pretix's and zulip's permission walks are the model).

The walk fails when a URL has no row in EXPECTED, so a new page cannot go unchecked.
"""

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import Period
from registers.models import Action, Control, Issue
from reports.models import Paper
from tests.factories import make_commitment, make_period, make_risk, make_user
from tests.riskreg.test_foundation import all_url_names
from tests.riskreg.test_identity_pages import IDENTITY_EXPECTED, IDENTITY_PUBLIC

ROLES = ["Viewer", "Risk editor", "SMT lead", "Plan manager", "Report author"]
ALL = {role: 200 for role in ROLES}


def only(*roles, allowed=200, otherwise=403):
    """`allowed` for these roles, `otherwise` for the rest: a POST-only view answers a GET
    with 405 only after its permission check has let the user through."""
    return {role: allowed if role in roles else otherwise for role in ROLES}


POST_ONLY = {role: 405 for role in ROLES}

# GET status for each role; the anonymous user is always sent to the login page.
EXPECTED = {
    "home": ALL,
    "about": ALL,
    "logout": POST_ONLY,
    "commitments:list": ALL,
    "commitments:mine": only("SMT lead"),
    "commitments:dashboard": ALL,
    "commitments:periods": only("Plan manager"),
    "commitments:period_add": only("Plan manager"),
    "commitments:period_lock": only("Plan manager"),
    "commitments:period_open": only("Plan manager"),
    "commitments:period_deadline": only("Plan manager"),
    "commitments:import": only("Plan manager"),
    "commitments:export": ALL,
    "commitments:detail": ALL,
    "commitments:history": ALL,
    "commitments:edit": only("Plan manager"),
    "commitments:status_edit": only("Plan manager"),  # the SMT lead does not lead this one
    "registers:list": ALL,
    "registers:heatmap": ALL,
    "registers:quality": ALL,
    "registers:issues": ALL,
    "registers:issue_edit": only("Risk editor"),
    "registers:create": only("Risk editor"),
    "registers:import": only("Risk editor"),
    "registers:export": ALL,
    "registers:detail": ALL,
    "registers:history": ALL,
    "registers:edit": only("Risk editor"),
    "registers:review": only("Risk editor"),
    "registers:end": only("Risk editor"),
    "registers:accept": only("Risk editor", allowed=405),
    "registers:control_add": only("Risk editor"),
    "registers:control_edit": only("Risk editor"),
    "registers:action_add": only("Risk editor"),
    "registers:action_edit": only("Risk editor"),
    "reports:list": ALL,
    "reports:create": only("Report author", allowed=405),
    "reports:edit": only("Report author"),
    "reports:preview": only("Report author"),
    "reports:pdf": only("Report author"),  # a draft: only its authors may download it
    "reports:publish": only("Report author"),
    "reminders:people": only("Plan manager"),
    "reminders:preferences": ALL,
    "reminders:preview": only("Plan manager"),
    "reminders:preview_email": only("Plan manager", allowed=404),  # 404: nobody chosen
    **IDENTITY_EXPECTED,
}
PUBLIC = {"login": 200, "healthz": 200, "readyz": 200, **IDENTITY_PUBLIC}


@pytest.fixture
def objects(db):
    period = make_period("2025/26 Q3")
    risk = make_risk(ref="OPCC-R01")  # before Q2 is locked: it is in Q2's register
    make_period("2025/26 Q2", state=Period.State.LOCKED)
    make_commitment(ref="60")
    Issue.objects.create(risk=risk, owner=risk.owner, description="It happened")
    control = Control.objects.create(risk=risk, description="A control")
    action = Action.objects.create(risk=risk, description="An action")
    paper = Paper.start(period)
    paper.save()
    return {
        "ref": "60",
        "year": 2025,
        "number": 3,
        "pk": paper.pk,
        "registers:detail": {"ref": risk.ref},
        "control": control.pk,
        "action": action.pk,
    }


def kwargs_for(name, pattern, objects) -> dict:
    kwargs = {k: objects[k] for k in pattern.pattern.converters}
    if name.startswith("registers:") and "ref" in kwargs:
        kwargs["ref"] = "OPCC-R01"
        if "pk" in kwargs:
            kwargs["pk"] = objects["control" if "control" in name else "action"]
    return kwargs


def urls(objects):
    for name, pattern in all_url_names():
        yield name, reverse(name, kwargs=kwargs_for(name, pattern, objects))


def test_every_url_has_an_expectation_for_every_role(objects):
    names = {name for name, _ in all_url_names()}
    assert names - set(EXPECTED) - set(PUBLIC) == set(), "add the new URL to EXPECTED"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says_on_every_url(objects, role):
    client = Client()
    client.force_login(make_user(role))
    checked = 0
    for name, url in urls(objects):
        if name in PUBLIC:
            continue
        response = client.get(url)
        assert response.status_code == EXPECTED[name][role], (name, url, response.status_code)
        checked += 1
    assert checked == len(EXPECTED)


def test_the_anonymous_user_is_sent_to_login_everywhere_but_login_and_health(objects):
    client = Client()
    for name, url in urls(objects):
        response = client.get(url)
        if name in PUBLIC:
            assert response.status_code == PUBLIC[name], name
        else:
            assert response.status_code == 302 and response.url.startswith("/login/"), name


@pytest.mark.parametrize(
    "url",
    ["/commitments/9999/", "/risks/NOPE/", "/papers/9999/pdf/", "/commitments/60/status/2031/Q1/"],
)
def test_what_does_not_exist_is_404_for_a_role_that_could_see_it(objects, url):
    client = Client()
    client.force_login(make_user("Viewer", "Plan manager", "Report author"))
    assert client.get(url).status_code == 404


def test_the_smt_lead_may_open_the_update_form_of_a_commitment_they_lead(objects):
    lead = make_user("SMT lead")
    make_commitment(ref="61", officer_lead=lead.person)
    client = Client()
    client.force_login(lead)
    assert client.get("/commitments/61/status/2025/Q3/").status_code == 200


POSTS = [
    "/logout/",
    "/commitments/periods/add/",
    "/commitments/periods/2025/Q3/lock/",
    "/commitments/60/status/2025/Q3/",
    "/commitments/import/",
    "/risks/new/",
    "/risks/OPCC-R01/review/",
    "/risks/OPCC-R01/accept/",
    "/papers/new/",
]


def test_every_form_is_refused_without_its_csrf_token(objects):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(*ROLES))
    for url in POSTS:
        assert client.post(url, {}).status_code == 403, url
    assert Period.objects.get(number=3).state == Period.State.OPEN


def test_a_form_with_its_csrf_token_goes_through(objects):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("Plan manager"))
    client.get("/commitments/periods/")
    token = client.cookies["csrftoken"].value
    data = {"csrfmiddlewaretoken": token, "lock_version": 1}
    response = client.post("/commitments/periods/2025/Q3/lock/", data)
    assert response.status_code == 302
    assert Period.objects.get(number=3).is_locked


def test_a_permission_denial_is_logged_with_user_address_and_path(objects, caplog):
    client = Client()
    client.force_login(make_user("Viewer", username="victor"))
    with caplog.at_level("WARNING", logger="riskreg.security"):
        assert client.get("/risks/new/").status_code == 403
    assert "permission denied user=victor address=127.0.0.1 path=/risks/new/" in caplog.text
