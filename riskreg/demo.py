"""Demo data: the plan, register and paper behind the reference JAC paper of March 2026.

The commitments, updates, risks and narrative the reference paper names are real and
carry its text (riskreg/demo_reference.json); the rest of the 356 commitments are
clearly marked demo ones, so that 2025/26 Q3 has exactly the reference's counts.
"""

import datetime
import json
from pathlib import Path

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils.text import slugify

from commitments.models import Commitment, Period, Person, PolicyArea, QuarterlyStatus, Rag
from commitments.periods import Quarter
from registers.models import Action, Control, Issue, Risk, RiskReview
from reports.models import Paper

REFERENCE = json.loads((Path(__file__).parent / "demo_reference.json").read_text())
PLAN_SIZE = 356
RESOURCING_REFS = ["12", "41", "115", "128", "131", "133", "137", "139"]
RESOURCING = dict(zip(RESOURCING_REFS, REFERENCE["resourcing"], strict=True))
REFERENCE_ROWS = {row["ref"]: row for row in REFERENCE["rows"]}
AREAS = [
    "Serious Youth Violence",
    "Improving Road and Travel Safety",
    "Bringing Offenders To Justice",
    "Partnerships",
    "Building Trust and Confidence",
    "An Equal and Fair West Midlands",
    "Strategic Policing Requirement",
    "Information, Technology and Sustainability",
    "VAWG",
    "Protecting Victims and Witnesses",
    "SOC and Exploitation",
    "National Influence",
]
USERS = [
    # username, first, last, job title, roles
    ("admin", "Ada", "Admin", "Systems administrator", []),
    ("viewer", "Victor", "Viewer", "Joint Audit Committee member", ["Viewer"]),
    ("risk.officer", "Rhea", "Officer", "Risk and Governance Officer", ["Risk editor"]),
    ("smt.lead", "Sam", "Lead", "Director of Strategy", ["SMT lead"]),
    ("smt.other", "Olu", "Other", "Director of Commissioning", ["SMT lead"]),
    ("plan.manager", "Priya", "Manager", "Policy and Planning Manager", ["Plan manager"]),
    ("cfo", "Jane", "Heppel", "Chief Finance Officer", ["Report author", "Viewer"]),
]


def load(password: str) -> None:
    with transaction.atomic():
        users = load_users(password)
        periods = load_periods()
        load_plan(periods, users)
        load_risks(periods, users)
        give_addresses()
        lock(periods[:2])
        load_paper(periods[2], users["cfo"])


def load_users(password: str) -> dict[str, User]:
    users = {}
    for username, first, last, title, roles in USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@opcc.example"
        user.is_staff = user.is_superuser = username == "admin"
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        # The printed password alone signs a demo user in (no second factor in debug).
        Authenticator.objects.filter(user=user).delete()
        Person.objects.update_or_create(
            name=f"{first} {last}", defaults={"job_title": title, "user": user}
        )
        users[username] = user
    return users


def give_addresses() -> None:
    """Every demo person an address (made up, on .example), so reminders have somewhere to go."""
    for person in Person.objects.filter(email=""):
        domain = (
            "police.example" if person.organisation == Person.Organisation.WMP else "opcc.example"
        )
        local = person.user.username if person.user else slugify(person.name).replace("-", ".")
        person.email = f"{local}@{domain}"
        person.save(update_fields=["email"])


def load_periods() -> list[Period]:
    """2025/26 Q1 to Q3, open while the demo is loaded (see lock())."""
    periods = []
    for number in (1, 2, 3):
        period, _ = Period.objects.get_or_create(
            year=2025, number=number, defaults={"update_deadline": Quarter(2025, number).update_due}
        )
        period.state = Period.State.OPEN
        period.update_deadline = period.quarter.update_due
        period.save()
        periods.append(period)
    return periods


def lock(periods: list[Period]) -> None:
    """Earlier quarters are locked, as their papers were published."""
    for period in periods:
        period.state = Period.State.LOCKED
        period.save()


def demo_rag(n: int) -> str:
    return [Rag.GREEN, Rag.AMBER, Rag.GREEN, Rag.COMPLETE, Rag.GREEN, Rag.NOT_STARTED, Rag.AMBER][
        n % 7
    ]


def load_plan(periods: list[Period], users: dict) -> None:
    areas = {}
    for position, name in enumerate(AREAS + ["VAWG / Protecting Victims and Witnesses"], 1):
        areas[name], _ = PolicyArea.objects.get_or_create(
            name=name, defaults={"position": position}
        )
    leads = plan_leads(users)
    for n in range(1, PLAN_SIZE + 1):
        area, text, statuses = demo_commitment(n, areas)
        commitment, _ = Commitment.objects.update_or_create(
            ref=str(n),
            defaults={
                "policy_area": area,
                "text": text,
                "smt_lead": leads["smt"][n % 6],
                "officer_lead": leads["officers"][n % 5],
                "wmp_lead": leads["wmp"] if n % 3 == 0 else None,
                "timescale": ["Year 1", "Year 2", "Ongoing", "By 2029"][n % 4],
            },
        )
        for period, (rag, update, flag) in zip(periods, statuses, strict=True):
            QuarterlyStatus.objects.update_or_create(
                commitment=commitment,
                period=period,
                defaults={
                    "rag": rag,
                    "update": update or f"{period} update.",
                    "red_for_resourcing": flag,
                },
            )


def plan_leads(users: dict) -> dict:
    smt = [Person.objects.get(user=users[u]) for u in ("smt.lead", "smt.other")] + [
        Person.objects.get_or_create(name=name, defaults={"job_title": "SMT member"})[0]
        for name in (
            "Chris Chief-Executive",
            "Dana Director",
            "Eli Head-of-Policy",
            "Fay Head-of-Finance",
        )
    ]
    officers = [
        Person.objects.get_or_create(name=f"Policy Officer {letter}")[0] for letter in "ABCDEF"
    ]
    wmp, _ = Person.objects.get_or_create(
        name="WMP Portfolio Lead", defaults={"organisation": Person.Organisation.WMP}
    )
    return {"smt": smt, "officers": officers, "wmp": wmp}


def demo_commitment(n: int, areas: dict) -> tuple:
    """Commitment n's area, text and (RAG, update, red for resourcing) in Q1 to Q3: the
    reference paper's own where it names the commitment, placeholders otherwise."""
    ref = str(n)
    row = REFERENCE_ROWS.get(ref)
    if row:
        statuses = [(Rag.AMBER, ""), (row["q2"].lower(), ""), (row["q3"].lower(), row["update"])]
        return areas[row["area"]], row["text"], [(*s, False) for s in statuses]
    if ref in RESOURCING:
        statuses = [(Rag.GREEN, "", False), (Rag.AMBER, "", False)]
        statuses.append((Rag.RED, "Workload being reallocated.", True))
        return areas[AREAS[4 if n < 100 else 7]], RESOURCING[ref], statuses
    text = f"[Demo] Commitment {ref}: a placeholder deliverable."
    return areas[AREAS[n % 12]], text, [(demo_rag(n + q), "", False) for q in range(3)]


RISKS = [
    # ref, title, category, scores by quarter (likelihood, impact), status, description
    (
        "OPCC-R01",
        "Public trust and confidence in Policing diminishes",
        "Reputational",
        [(3, 4), (3, 4), (4, 4)],
        "Open",
        "Public confidence in West Midlands Police, and so in the Commissioner's oversight, falls.",
    ),
    (
        "OPCC-R02",
        "The office does not have an effective understanding and response to the "
        "national Police Reform programme",
        "Strategic",
        [(2, 4), (3, 3), (4, 3)],
        "Open",
        "Police Reform changes governance, national and regional policing at pace.",
    ),
    (
        "OPCC-R03",
        "Funding was discontinued or not sustained at the same level or required to be "
        "used very differently",
        "Financial",
        [(3, 4), (3, 4), (3, 4)],
        "Crystallised",
        "Violence Reduction Partnership (VRP) funding from the Home Office.",
    ),
    (
        "OPCC-R04",
        "Funding cuts to partners making effective collaboration more difficult, and "
        "potentially reducing co-commissioning possibilities",
        "Partnership",
        [],
        "Proposed",
        "We have continued to analyse partners' medium term financial plans to ensure we are aware "
        "of developing challenges and will review again after medium term plans are refreshed by "
        "partners.",
    ),
    (
        "OPCC-R05",
        "Ministry of Justice funding for victims' services is reduced",
        "Financial",
        [(3, 3), (3, 3), (3, 3)],
        "Open",
        "Victims' services depend on the MOJ grant.",
    ),
    (
        "OPCC-R06",
        "Personal data held by the office is lost or disclosed",
        "Information and Technology",
        [(2, 4), (2, 4), (2, 4)],
        "Open",
        "Complaint reviews and casework hold sensitive data.",
    ),
    (
        "OPCC-R07",
        "Police governance transfers to the mayoralty without an orderly handover",
        "Governance and Compliance",
        [(3, 4), (3, 4), (3, 4)],
        "Open",
        "The English Devolution and Community Empowerment Bill.",
    ),
    (
        "OPCC-R08",
        "A commissioned service fails to deliver and victims go unsupported",
        "Operational",
        [(2, 3), (2, 3), (2, 3)],
        "Open",
        "Contract management of commissioned services.",
    ),
    (
        "OPCC-R09",
        "Loss of key staff leaves the office without capacity",
        "People",
        [(3, 3), (3, 3), (3, 3)],
        "Open",
        "A small office with single points of failure.",
    ),
    (
        "OPCC-R10",
        "The medium term financial plan does not balance",
        "Financial",
        [(2, 4), (2, 4), (2, 4)],
        "Open",
        "The police fund and the office budget.",
    ),
]


def load_risks(periods: list[Period], users: dict) -> None:
    owner = Person.objects.get(user=users["cfo"])
    for ref, title, category, scores, status, description in RISKS:
        if Risk.objects.filter(ref=ref, status__in=Risk.ENDED).exists():
            continue  # loaded before, and ended: an ended risk is kept as it ended
        risk, _ = Risk.objects.update_or_create(
            ref=ref,
            defaults={
                "title": title,
                "category": category,
                "owner": owner,
                "status": Risk.Status.OPEN,  # ended below, after its reviews
                "description": description,
                # The proposed one was raised in Q3, so it can join the register then.
                "date_identified": datetime.date(2025, 11, 3)
                if status == "Proposed"
                else datetime.date(2025, 4, 1),
                "inherent_likelihood": 4,
                "inherent_impact": 4,
                "target_likelihood": 2,
                "target_impact": 3,
                "date_closed": None,
                "closing_note": "",
            },
        )
        load_reviews(risk, periods, scores, users["risk.officer"])
        if not risk.controls.exists() and status == "Open":
            load_controls(risk, owner)
        if status != "Open":
            end(risk, status, owner)


def load_reviews(risk: Risk, periods: list[Period], scores: list, officer) -> None:
    commentary = {"OPCC-R01": REFERENCE["increased"][0], "OPCC-R02": REFERENCE["increased"][1]}
    for period, (likelihood, impact) in zip(periods, scores, strict=False):
        RiskReview.objects.filter(risk=risk, period=period).delete()
        RiskReview(
            risk=risk,
            period=period,
            likelihood=likelihood,
            impact=impact,
            commentary=commentary.get(risk.ref, "") if period == periods[2] else "",
            reviewed_by=officer,
        ).save()


def load_controls(risk: Risk, owner: Person) -> None:
    Control.objects.create(risk=risk, description="Quarterly review at the SMT risk meeting.")
    Action.objects.create(
        risk=risk,
        description="Report progress to the Joint Audit Committee.",
        owner=owner,
        target_date=datetime.date(2026, 3, 26),
        status=Action.Status.ON_TRACK,
    )


def end(risk: Risk, status: str, owner: Person) -> None:
    """A proposed risk, or the VRP funding risk that crystallised into an issue."""
    if status == "Crystallised":  # a risk crystallises with its issue: the issue first
        Issue.objects.get_or_create(
            risk=risk,
            defaults={
                "owner": owner,
                "description": REFERENCE["crystallised"],
                "opened_on": datetime.date(2025, 12, 18),
            },
        )
        risk.date_closed = datetime.date(2025, 12, 18)
        risk.closing_note = REFERENCE["crystallised"]
    risk.status = status
    risk.save()


def load_paper(period: Period, author: User) -> None:
    paper = Paper.objects.filter(period=period, status=Paper.Status.DRAFT).first() or Paper.start(
        period
    )
    paper.meeting_date = datetime.date(2026, 3, 26)
    paper.agenda_item = "12"
    paper.status_date = datetime.date(2026, 2, 1)
    for field in ("purpose", "methodology", "plan_introduction", "themes"):
        setattr(paper, field, "\n".join(REFERENCE[field]))
    paper.contact_name, paper.contact_title = "Jane Heppel", "Chief Finance Officer"
    paper._history_user = author
    paper.save()
