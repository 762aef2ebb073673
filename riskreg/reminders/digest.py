"""The daily digest: for each person, what is theirs and due, on the days it is due.

A person gets a digest on a day when something of theirs falls due by the schedule:
- commitments they lead (SMT or officer lead) with no status for the open period, and
  risks they own not reviewed in it: RISKREG_REMINDER_DAYS before the period's update
  deadline (14, 7 and 1), then weekly on RISKREG_REMINDER_WEEKDAY while late;
- actions they own: RISKREG_ACTION_REMINDER_DAYS before the target date (30, 7 and 1),
  then weekly while overdue;
- the plan manager and the report author: a weekly summary while the period is open;
- anyone whose last digest could not be sent: the next day's, whatever the schedule.
A digest then lists everything of theirs that is due, not only what fell due that day.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from commitments.models import Commitment, Period, Person
from registers.models import Action, Risk
from riskreg.home import DUE_SOON_DAYS, plan_progress
from riskreg.reminders.message import Item, Message, Section, absolute, plural, subject_of
from riskreg.reminders.people import Recipient, recipients
from riskreg.reminders.sections import action_section, commitment_section, risk_section

SUMMARY_ROLES = ["Plan manager", "Report author"]


@dataclass
class Workload:
    """Everything due for everyone, loaded once: one query per kind, not per person."""

    today: datetime.date
    period: Period | None  # the open period, if any
    commitments: dict = field(default_factory=lambda: defaultdict(list))  # person pk → […]
    risks: dict = field(default_factory=lambda: defaultdict(list))
    actions: dict = field(default_factory=lambda: defaultdict(list))
    people: dict[str, Recipient] = field(default_factory=dict)
    summary_to: set[str] = field(default_factory=set)
    progress: dict | None = None

    @classmethod
    def load(cls, today: datetime.date) -> "Workload":
        period = Period.objects.current()
        work = cls(today, period if period and not period.is_locked else None)
        persons = work.load_items()
        summary_users = []
        if work.period:
            summary_users = list(User.objects.filter(groups__name__in=SUMMARY_ROLES).distinct())
            work.progress = plan_progress(work.period, today)
        work.people = recipients(persons, summary_users)
        work.summary_to = {
            address
            for address, r in work.people.items()
            if r.user and r.user.riskreg_roles & set(SUMMARY_ROLES)
        }
        return work

    def load_items(self) -> list[Person]:
        persons = []
        if self.period:
            awaiting = Commitment.objects.awaiting_update(self.period)
            for c in awaiting.select_related("smt_lead", "officer_lead", "policy_area"):
                leads = [(c.smt_lead, "SMT lead"), (c.officer_lead, "officer lead")]
                for lead, role in leads[:1] if c.officer_lead_id == c.smt_lead_id else leads:
                    if lead:
                        self.commitments[lead.pk].append((c, role))
                        persons.append(lead)
            for risk in Risk.objects.unreviewed_in(self.period).select_related("owner"):
                self.risks[risk.owner_id].append(risk)
                persons.append(risk.owner)
        live = Action.objects.live().filter(owner__isnull=False).select_related("owner", "risk")
        for action in live.order_by("target_date", "pk"):
            self.actions[action.owner_id].append(action)
            persons.append(action.owner)
        return persons

    def recipient_of(self, person: Person) -> Recipient | None:
        return next((r for r in self.people.values() if person.pk in r.person_ids), None)

    def digest(self, recipient: Recipient, day: datetime.date, owed: bool = False):
        """The digest `recipient` gets on `day`, or None when nothing of theirs falls due."""
        mine = self.items_of(recipient, day)
        weekly = day.isoweekday() == settings.REMINDER_WEEKDAY
        summary = weekly and recipient.address.lower() in self.summary_to
        due = owed or summary or self.falls_due(mine, day)
        if not due or not (any(mine.values()) or summary):
            return None
        sections = self.sections(recipient, mine, day)
        if summary:
            sections.append(summary_section(self, day))
        return digest_message(recipient, sections, day)

    def items_of(self, recipient: Recipient, day: datetime.date) -> dict:
        mine = {"commitments": [], "risks": [], "actions": []}
        for pk in sorted(recipient.person_ids):
            mine["commitments"] += self.commitments.get(pk, [])
            mine["risks"] += self.risks.get(pk, [])
            mine["actions"] += [
                a
                for a in self.actions.get(pk, [])
                if a.is_overdue_on(day) or a.is_due_within(day, DUE_SOON_DAYS)
            ]
        return mine

    def falls_due(self, mine: dict, day: datetime.date) -> bool:
        if (mine["commitments"] or mine["risks"]) and deadline_reminder_day(self.period, day):
            return True
        return any(action_reminder_day(action, day) for action in mine["actions"])

    def sections(self, recipient: Recipient, mine: dict, day: datetime.date) -> list[Section]:
        found = []
        if mine["commitments"]:
            found.append(commitment_section(recipient, mine["commitments"], self.period, day))
        if mine["risks"]:
            found.append(risk_section(recipient, mine["risks"], self.period))
        if mine["actions"]:
            found.append(action_section(recipient, mine["actions"], day))
        return found

    def next_digest(self, recipient: Recipient, horizon: int = 62):
        """The next digest `recipient` would get from today, as things stand: (day, message)."""
        for offset in range(horizon + 1):
            day = self.today + datetime.timedelta(days=offset)
            message = self.digest(recipient, day)
            if message:
                return day, message
        return None, None


def deadline_reminder_day(period: Period | None, day: datetime.date) -> bool:
    """The configured days before the update deadline, then weekly while late (weekly too
    when the period has no deadline)."""
    if period is None:
        return False
    if period.update_deadline is None or period.is_late(day):
        return day.isoweekday() == settings.REMINDER_WEEKDAY
    return (period.update_deadline - day).days in settings.REMINDER_DAYS


def action_reminder_day(action: Action, day: datetime.date) -> bool:
    if action.is_overdue_on(day):
        return day.isoweekday() == settings.REMINDER_WEEKDAY
    target = action.target_date
    return target is not None and (target - day).days in settings.ACTION_REMINDER_DAYS


def summary_section(work: Workload, day: datetime.date) -> Section:
    """The weekly summary of the period's progress: who has not updated, what is late."""
    period, progress = work.period, work.progress
    late = " The deadline has passed: the missing updates are late." if progress["late"] else ""
    overdue = sum(a.is_overdue_on(day) for mine in work.actions.values() for a in mine)
    unreviewed = sum(len(mine) for mine in work.risks.values())
    plan = reverse("commitments:list")
    return Section(
        title=f"Weekly summary: {period}",
        lines=[
            f"{progress['updated']} of {progress['total']} commitments updated for {period}."
            + late,
            f"{plural(unreviewed, 'open risk')} not reviewed for {period}; "
            f"{plural(overdue, 'action')} overdue.",
            "Not yet updated, by SMT lead:" if progress["leads"] else "Every SMT lead is done.",
        ],
        items=[
            Item(
                lead.name,
                f"{lead.updated} of {lead.total} updated",
                absolute(f"{plan}?period={period.pk}&lead={lead.pk}"),
            )
            for lead in progress["leads"]
        ],
        link=("Open the plan dashboard", absolute(reverse("commitments:dashboard"))),
        summary=f"the weekly summary of {period}",
    )


def digest_message(recipient: Recipient, sections: list[Section], day) -> Message:
    return Message(
        subject=subject_of(sections),
        greeting=f"Dear {recipient.name},",
        lines=[f"This is what needs you in riskreg on {day:%A %-d %B %Y}."],
        sections=sections,
        why=why_digest(recipient),
        choices=recipient.user is not None,
    )


def why_digest(recipient: Recipient) -> str:
    if recipient.user is None:
        return (
            "You get this because riskreg names you as a lead or owner. You have no riskreg "
            "login: ask the plan manager for one, or to stop these e-mails."
        )
    return "You get this because riskreg names you as a lead or owner, or you run the plan."
