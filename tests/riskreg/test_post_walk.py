"""Every view that changes something, POSTed by every role (pretix's and zulip's walks).

A role the table allows gets a redirect or a page and the change is made; every other
role gets 403 or 404 and nothing changes. A view that answered a GET with 405 before its
permission check would pass a GET walk unchecked; this walk posts real data.
"""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment, Period, QuarterlyStatus
from registers.models import Action, Control, Issue, Risk, RiskReview
from reports.models import Paper
from riskreg.reminders.models import EmailChoice
from riskreg.shared.models import PendingUpload
from tests.factories import make_commitment, make_period, make_risk, make_status, make_user
from tests.riskreg.test_foundation import all_url_names
from tests.riskreg.test_permissions import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    period = make_period("2025/26 Q3", update_deadline=datetime.date(2025, 10, 15))
    commitment = make_commitment(ref="60")
    risk = make_risk(ref="OPCC-R01")
    proposed = make_risk(ref="OPCC-R09", status="Proposed")
    crystallised = make_risk(ref="OPCC-R03")
    issue = Issue.objects.create(
        risk=crystallised, owner=crystallised.owner, description="It happened"
    )
    paper = Paper.start(period, meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    return {
        "period": period,
        "commitment": commitment,
        "risk": risk,
        "proposed": proposed,
        "issue": issue,
        "control": Control.objects.create(risk=risk, description="A control"),
        "action": Action.objects.create(risk=risk, description="An action"),
        "paper": paper,
    }


def workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Risks"
    book.active.append(["Ref", "Title", "Owner", "Status"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, workbook())


# name: (roles allowed, url kwargs, data, the change: a function of world → bool)
WALK = {
    "commitments:period_add": (
        ["Plan manager"],
        {},
        lambda w: {"update_deadline": "2026-01-15", "quarter": "2025/26 Q4", "lock_version": 0},
        lambda w: Period.objects.count() == 2,
    ),
    "commitments:period_lock": (
        ["Plan manager"],
        {"year": 2025, "number": 3},
        lambda w: {"lock_version": w["period"].lock_version},
        lambda w: Period.objects.get(pk=w["period"].pk).is_locked,
    ),
    "commitments:period_deadline": (
        ["Plan manager"],
        {"year": 2025, "number": 3},
        lambda w: {"update_deadline": "2025-11-01", "lock_version": w["period"].lock_version},
        lambda w: Period.objects.get().update_deadline == datetime.date(2025, 11, 1),
    ),
    "commitments:status_edit": (
        ["Plan manager"],
        {"ref": "60", "year": 2025, "number": 3},
        lambda w: {"rag": "red", "update": "Posted", "lock_version": 0},
        lambda w: QuarterlyStatus.objects.filter(update="Posted").exists(),
    ),
    "commitments:edit": (
        ["Plan manager"],
        {"ref": "60"},
        lambda w: {
            "ref": "60",
            "policy_area": w["commitment"].policy_area_id,
            "text": "Posted text",
            "smt_lead": w["commitment"].smt_lead_id,
            "lock_version": w["commitment"].lock_version,
        },
        lambda w: Commitment.objects.get().text == "Posted text",
    ),
    "commitments:import": (
        ["Plan manager"],
        {},
        lambda w: {"workbook": upload("plan.xlsx")},
        lambda w: True,  # a dry run writes nothing: allowed means a page, not a 403
    ),
    "registers:create": (
        ["Risk editor"],
        {},
        lambda w: {
            "ref": "OPCC-R20",
            "title": "Posted",
            "owner": w["risk"].owner_id,
            "treatment": "Treat",
            "status": "Open",
            "lock_version": 0,
        },
        lambda w: Risk.objects.filter(ref="OPCC-R20").exists(),
    ),
    "registers:edit": (
        ["Risk editor"],
        {"ref": "OPCC-R01"},
        lambda w: {
            "ref": "OPCC-R01",
            "title": "Posted title",
            "owner": w["risk"].owner_id,
            "treatment": "Treat",
            "status": "Open",
            "lock_version": w["risk"].lock_version,
        },
        lambda w: Risk.objects.get(ref="OPCC-R01").title == "Posted title",
    ),
    "registers:review": (
        ["Risk editor"],
        {"ref": "OPCC-R01"},
        lambda w: {"likelihood": 4, "impact": 4, "commentary": "Posted", "lock_version": 0},
        lambda w: RiskReview.objects.filter(commentary="Posted").exists(),
    ),
    "registers:end": (
        ["Risk editor"],
        {"ref": "OPCC-R01"},
        lambda w: {
            "outcome": "Closed",
            "date_closed": "2025-12-18",
            "closing_note": "Posted",
            "lock_version": w["risk"].lock_version,
            "confirmed": "1",
        },
        lambda w: Risk.objects.get(ref="OPCC-R01").status == "Closed",
    ),
    "registers:accept": (
        ["Risk editor"],
        {"ref": "OPCC-R09"},
        lambda w: {"lock_version": w["proposed"].lock_version},
        lambda w: Risk.objects.get(ref="OPCC-R09").status == "Open",
    ),
    "registers:control_add": (
        ["Risk editor"],
        {"ref": "OPCC-R01"},
        lambda w: {"description": "Posted", "lock_version": 0},
        lambda w: Control.objects.filter(description="Posted").exists(),
    ),
    "registers:control_edit": (
        ["Risk editor"],
        {"ref": "OPCC-R01", "pk": "control"},
        lambda w: {"description": "Posted", "lock_version": w["control"].lock_version},
        lambda w: Control.objects.get(pk=w["control"].pk).description == "Posted",
    ),
    "registers:action_add": (
        ["Risk editor"],
        {"ref": "OPCC-R01"},
        lambda w: {"description": "Posted", "status": "Not started", "lock_version": 0},
        lambda w: Action.objects.filter(description="Posted").exists(),
    ),
    "registers:action_edit": (
        ["Risk editor"],
        {"ref": "OPCC-R01", "pk": "action"},
        lambda w: {
            "description": "Posted",
            "status": "Complete",
            "target_date": "2026-03-26",
            "lock_version": w["action"].lock_version,
        },
        lambda w: Action.objects.get(pk=w["action"].pk).status == "Complete",
    ),
    "registers:issue_edit": (
        ["Risk editor"],
        {"ref": "OPCC-R03"},
        lambda w: {
            "owner": w["issue"].owner_id,
            "description": "It happened",
            "status": "Resolved",
            "resolution": "Posted",
            "lock_version": w["issue"].lock_version,
        },
        lambda w: Issue.objects.get().resolution == "Posted",
    ),
    "registers:import": (
        ["Risk editor"],
        {},
        lambda w: {"workbook": upload("risks.xlsx")},
        lambda w: True,
    ),
    "reports:create": (
        ["Report author"],
        {},
        lambda w: {"period": make_period("2025/26 Q2").pk},  # Q3 has its draft already
        lambda w: Paper.objects.count() == 2,
    ),
    "reports:edit": (
        ["Report author"],
        {"pk": "paper"},
        lambda w: {
            "meeting_date": "2026-03-26",
            "themes": "Posted",
            "lock_version": w["paper"].lock_version,
        },
        lambda w: Paper.objects.get(pk=w["paper"].pk).themes == "Posted",
    ),
    "reports:publish": (
        ["Report author"],
        {"pk": "paper"},
        lambda w: {"lock_version": w["paper"].lock_version, "despite_gaps": "on"},
        lambda w: Paper.objects.get(pk=w["paper"].pk).is_published,
    ),
    "reminders:preferences": (
        ROLES,
        {},
        lambda w: {"notices": "on"},
        lambda w: EmailChoice.objects.filter(digests=False, notices=True).exists(),
    ),
}
READ_ONLY = {
    "home", "about", "healthz", "readyz", "login", "logout", "commitments:list",
    "commitments:dashboard", "commitments:periods", "commitments:export", "commitments:detail",
    "commitments:history", "commitments:mine", "commitments:period_open", "registers:list",
    "registers:heatmap", "registers:quality", "registers:issues", "registers:export",
    "registers:detail", "registers:history", "reports:list", "reports:preview", "reports:pdf",
    "reminders:people", "reminders:preview", "reminders:preview_email",
}  # fmt: skip
# mine and period_open are walked by their own tests below: they need a lead and a lock.


def test_every_view_that_changes_something_is_in_the_walk():
    from tests.riskreg.test_identity_pages import IDENTITY_EXPECTED, IDENTITY_PUBLIC

    # The sign-in and account pages are walked by the identity tests, with their factors.
    names = {name for name, _ in all_url_names()} - set(IDENTITY_EXPECTED) - set(IDENTITY_PUBLIC)
    assert names - set(WALK) - READ_ONLY == set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(WALK))
def test_each_role_may_post_only_what_the_table_says(world, name, role):
    allowed, kwargs, data, changed = WALK[name]
    kwargs = {k: world[v].pk if v in world else v for k, v in kwargs.items()}
    client = Client()
    client.force_login(make_user(role))
    response = client.post(reverse(name, kwargs=kwargs), data(world))
    if role in allowed:
        assert response.status_code in (200, 302), (name, role, response.status_code)
        assert changed(world), (name, role, "the change was not made")
        assert not PendingUpload.objects.exclude(owner__groups__name__in=allowed).exists()
    else:
        assert response.status_code in (403, 404), (name, role, response.status_code)
        assert not changed(world) or data(world).get("workbook"), (name, role, "it changed")


@pytest.mark.parametrize("role", ROLES)
def test_only_a_lead_may_post_my_commitments_and_only_for_what_they_lead(world, role):
    user = make_user(role)
    led = make_commitment(ref="61", smt_lead=user.person)
    data = {f"c{led.pk}-rag": "amber", f"c{led.pk}-update": "Posted", f"c{led.pk}-lock_version": 0}
    data.update(
        {f"c{world['commitment'].pk}-rag": "red", f"c{world['commitment'].pk}-lock_version": 0}
    )
    client = Client()
    client.force_login(user)
    response = client.post("/commitments/mine/", data)
    if role == "SMT lead":
        assert response.status_code == 302
        assert QuarterlyStatus.objects.get().commitment == led  # never one they do not lead
    else:
        assert response.status_code == 403 and not QuarterlyStatus.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_a_plan_manager_may_reopen_a_period(world, role):
    make_status(world["commitment"], world["period"], "green")
    world["period"].state = Period.State.LOCKED
    world["period"].save()
    client = Client()
    client.force_login(make_user(role))
    period = Period.objects.get()
    response = client.post(
        "/commitments/periods/2025/Q3/open/", {"lock_version": period.lock_version}
    )
    assert response.status_code == (302 if role == "Plan manager" else 403)
    assert Period.objects.get().is_locked == (role != "Plan manager")
