"""Plain factories: make_x(**overrides) returns a saved object."""

import datetime
import itertools

from django.contrib.auth.models import Group, User

from commitments.models import Commitment, Period, Person, PolicyArea, QuarterlyStatus
from registers.models import Issue, Risk, RiskReview
from reports.models import Paper

counter = itertools.count(1)


def make_user(*roles: str, username: str | None = None, person: bool = True, **kw) -> User:
    username = username or f"user{next(counter)}"
    user = User.objects.create_user(username=username, password="not-used-in-tests", **kw)
    user.groups.set(Group.objects.filter(name__in=roles))
    if person:
        Person.objects.create(name=f"{username.title()} Person", user=user)
    return user


def make_person(**kw) -> Person:
    kw.setdefault("name", f"Person {next(counter)}")
    return Person.objects.create(**kw)


def make_period(text: str = "2025/26 Q3", **kw) -> Period:
    from commitments.periods import Quarter

    quarter = Quarter.parse(text)
    kw.setdefault("update_deadline", quarter.update_due)
    period, _ = Period.objects.get_or_create(year=quarter.year, number=quarter.number, defaults=kw)
    return period


def lock(period: Period) -> Period:
    """Lock a period once its records are made: a locked period takes no new ones."""
    period.state = Period.State.LOCKED
    period.save()
    return period


def make_area(name: str | None = None) -> PolicyArea:
    return PolicyArea.objects.get_or_create(name=name or f"Area {next(counter)}")[0]


def make_commitment(**kw) -> Commitment:
    kw.setdefault("ref", str(next(counter)))
    kw.setdefault("text", f"Commitment {kw['ref']}")
    kw.setdefault("policy_area", make_area("Partnerships"))
    if "smt_lead" not in kw:
        kw["smt_lead"] = make_person()
    return Commitment.objects.create(**kw)


def make_status(commitment, period, rag="green", **kw) -> QuarterlyStatus:
    return QuarterlyStatus.objects.create(commitment=commitment, period=period, rag=rag, **kw)


def make_risk(**kw) -> Risk:
    kw.setdefault("ref", f"R{next(counter):03d}")
    kw.setdefault("title", f"Risk {kw['ref']}")
    if "owner" not in kw:
        kw["owner"] = make_person()
    if kw.get("status") != Risk.Status.CRYSTALLISED:
        return Risk.objects.create(**kw)
    # As the Close, de-escalate or crystallise page does it: the issue, then the status.
    risk = Risk.objects.create(**{**kw, "status": Risk.Status.OPEN})
    Issue.objects.create(risk=risk, owner=risk.owner, description=kw.get("closing_note", "It"))
    risk.status = Risk.Status.CRYSTALLISED
    risk.save()
    return risk


def make_review(risk, period, likelihood=3, impact=3, **kw) -> RiskReview:
    return RiskReview.objects.create(
        risk=risk, period=period, likelihood=likelihood, impact=impact, **kw
    )


def make_published_paper(user, period: Period | None = None) -> Paper:
    """Version 1 of the paper for `period` (2025/26 Q3 by default), published by `user`."""
    from reports.services import paper_publish

    paper = Paper.start(period or make_period(), meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    return paper_publish(paper=paper, user=user, seen_version=paper.lock_version)
