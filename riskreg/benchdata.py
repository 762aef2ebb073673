"""Deterministic benchmark data: the plan and register at realistic volume.

356 commitments × 6 quarters of status, 40 risks × 6 quarters of review with controls and
actions, and a few hundred history rows for each commitment and risk. Re-running with a
larger --commitments adds to what is there, so the same database serves 36 and 356.
"""

import datetime
import random

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from commitments.models import Commitment, Period, Person, PolicyArea, QuarterlyStatus, natural_key
from commitments.periods import Quarter
from registers.models import Action, Control, Risk, RiskReview

LAST = Quarter(2025, 3)
RAGS = ["green"] * 10 + ["amber"] * 5 + ["red", "complete", "not_started"]
PASSWORD = "bench-password"


def quarters(count: int) -> list[Quarter]:
    found = [LAST]
    while len(found) < count:
        found.insert(0, found[0].previous)
    return found


@transaction.atomic
def generate(*, commitments: int, risks: int, periods: int, history: int) -> None:
    rng = random.Random(2026)
    people = bench_people()
    areas = [
        PolicyArea.objects.get_or_create(name=f"Bench Area {i}", position=i)[0] for i in range(12)
    ]
    all_periods = [
        Period.objects.get_or_create(
            year=quarter.year,
            number=quarter.number,
            defaults={"update_deadline": quarter.update_due},
        )[0]
        for quarter in quarters(periods)
    ]
    created = make_commitments(commitments, people, areas)
    statuses = [
        bench_status(commitment, period, rng) for commitment in created for period in all_periods
    ]
    bulk_create_with_history(statuses, QuarterlyStatus, batch_size=1000)
    add_history(QuarterlyStatus, statuses, history // periods, rng)
    if not Risk.objects.exists():
        make_risks(risks, people, all_periods, history, rng)
    for period in all_periods[:-1]:
        period.state = Period.State.LOCKED
        period.save(update_fields=["state"])


def bench_people() -> list[Person]:
    """The bench lead (who logs in as bench.lead) first, then 29 more, each with an
    address: twelve SMT leads and risk owners, eighteen officer leads."""
    lead_user = user("bench.lead", ["SMT lead"])
    user("bench.all", ["Viewer", "Risk editor", "Plan manager", "Report author"])
    lead = Person.objects.get_or_create(
        name="Bench Lead", defaults={"user": lead_user, "email": "bench.lead@opcc.example"}
    )[0]
    return [lead] + [
        Person.objects.get_or_create(
            name=f"Bench Person {i}", defaults={"email": f"bench.person.{i}@opcc.example"}
        )[0]
        for i in range(29)
    ]


def make_commitments(count: int, people: list[Person], areas: list) -> list[Commitment]:
    start = Commitment.objects.count()
    new = [
        Commitment(
            ref=str(n),
            ref_sort=natural_key(str(n)),
            policy_area=areas[n % 12],
            text=f"Bench commitment {n}: deliver the plan promise number {n} with partners.",
            smt_lead=people[0] if n <= 60 else people[n % 12],
            officer_lead=people[12 + n % 18],
            timescale="Ongoing",
        )
        for n in range(start + 1, count + 1)
    ]
    return bulk_create_with_history(new, Commitment, batch_size=500)


def bench_status(commitment: Commitment, period: Period, rng: random.Random) -> QuarterlyStatus:
    rag = rng.choice(RAGS)
    return QuarterlyStatus(
        commitment=commitment,
        period=period,
        rag=rag,
        update=f"{period} update for {commitment.ref}. " * 3,
        red_for_resourcing=rag == "red" and rng.random() < 0.3,
    )


def user(username: str, roles: list[str]) -> User:
    account, created = User.objects.get_or_create(username=username)
    if created:
        account.set_password(PASSWORD)
        account.save()
        account.groups.set(Group.objects.filter(name__in=roles))
        # Set up as in a deployment, where these roles must have a second factor: the
        # bench measures pages, not the "set up your authenticator" redirect.
        TOTP.activate(account, generate_totp_secret())
    return account


def add_history(model, objects: list, per_object: int, rng: random.Random) -> None:
    """Past edits: history rows only, as a long-lived register accumulates them."""
    history = model.history.model
    fields = [f.attname for f in model._meta.fields]
    when = timezone.now() - datetime.timedelta(days=400)
    rows = []
    for obj in objects:
        for step in range(per_object):
            values = {f: getattr(obj, f) for f in fields}
            if "update" in values:
                values["update"] = f"Earlier draft {step} of this update."
            if "commentary" in values:
                values["commentary"] = f"Earlier commentary {step}."
            rows.append(
                history(
                    **values,
                    history_date=when + datetime.timedelta(hours=step + rng.random()),
                    history_type="~",
                )
            )
    history.objects.bulk_create(rows, batch_size=2000)


def make_risks(count: int, people: list, periods: list, history: int, rng: random.Random) -> None:
    risks = bulk_create_with_history([bench_risk(n, people) for n in range(1, count + 1)], Risk)
    reviews = [
        RiskReview(
            risk=risk,
            period=period,
            likelihood=rng.randint(1, 5),
            impact=rng.randint(1, 5),
            commentary=f"{period} commentary on {risk.ref}.",
        )
        for risk in risks
        for period in periods
    ]
    bulk_create_with_history(reviews, RiskReview)
    bulk_create_with_history(
        [Control(risk=r, description=f"Control {i} of {r.ref}") for r in risks for i in range(3)],
        Control,
    )
    bulk_create_with_history([bench_action(r, i) for r in risks for i in range(3)], Action)
    add_history(Risk, risks, history // 2, rng)
    add_history(RiskReview, reviews, history // (2 * len(periods)), rng)


def bench_risk(n: int, people: list) -> Risk:
    return Risk(
        ref=f"BENCH-R{n:02d}",
        title=f"Bench risk {n}: something important goes wrong",
        owner=people[n % 12],
        status="Open",
        category="Strategic",
        inherent_likelihood=4,
        inherent_impact=4,
        target_likelihood=2,
        target_impact=2,
    )


def bench_action(risk: Risk, i: int) -> Action:
    return Action(
        risk=risk,
        description=f"Action {i} of {risk.ref}",
        owner=risk.owner,
        target_date=datetime.date(2026, 1 + i, 1),
        status="On track",
    )
