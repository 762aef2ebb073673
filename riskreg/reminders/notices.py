"""Notices (riskreg.shared.notices) turned into e-mails: each notice once, all its e-mails
made in the transaction that marks it handled, so none is lost or made twice.

Assignments are gathered: a person given five risks by one import gets one e-mail."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse

from commitments.models import Period, Person
from registers.models import Action, Risk
from reports.models import Paper
from riskreg.reminders.message import Item, Message, Section, absolute, plural
from riskreg.reminders.models import Email
from riskreg.reminders.people import Recipient, recipients
from riskreg.shared.models import Notice

Kind = Notice.Kind
ASSIGNED = (Kind.RISK_ASSIGNED, Kind.ACTION_ASSIGNED)


def notice_emails(notices: list[Notice], day: datetime.date) -> list[Email]:
    """The e-mails these notices make (none for whoever turned notices off)."""
    emails = assignment_emails([n for n in notices if n.kind in ASSIGNED], day)
    for notice in notices:
        if notice.kind == Kind.PERIOD_OPENED:
            emails += period_emails(notice, day)
        elif notice.kind == Kind.PAPER_PUBLISHED:
            emails += paper_emails(notice, day)
    return emails


def email_of(key: str, recipient: Recipient, message: Message, kind: str, day, **extra) -> Email:
    return Email(
        key=key,
        kind=kind,
        address=recipient.address,
        person=recipient.person,
        day=day,
        subject=message.full_subject,
        text=message.text(),
        html=message.html(),
        **extra,
    )


def assignment_emails(notices: list[Notice], day: datetime.date) -> list[Email]:
    risks = Risk.objects.in_bulk([n.data["risk"] for n in notices if "risk" in n.data])
    actions = Action.objects.select_related("risk").in_bulk(
        [n.data["action"] for n in notices if "action" in n.data]
    )
    persons = Person.objects.in_bulk([n.data["person"] for n in notices])
    given = defaultdict(list)  # person pk → [(notice, risk or action)]
    for notice in notices:
        record = risks.get(notice.data.get("risk")) or actions.get(notice.data.get("action"))
        actor = getattr(notice.actor, "person", None) if notice.actor_id else None
        still_theirs = record is not None and record.owner_id == notice.data["person"]
        if still_theirs and (actor is None or actor.pk != record.owner_id):
            given[record.owner_id].append((notice, record))
    emails = []
    for address, recipient in recipients([persons[pk] for pk in given]).items():
        if recipient.wants("notices"):
            rows = [row for pk in sorted(recipient.person_ids) for row in given.get(pk, [])]
            key = f"assigned:{min(n.pk for n, _ in rows)}:{address}"
            message = assignment_message(recipient, [record for _, record in rows])
            emails.append(email_of(key, recipient, message, rows[0][0].kind, day))
    return emails


def assignment_message(recipient: Recipient, records: list) -> Message:
    risks = [r for r in records if isinstance(r, Risk)]
    actions = [a for a in records if isinstance(a, Action)]
    sections = []
    if risks:
        items = [
            Item(r.ref, r.title, absolute(reverse("registers:detail", args=[r.ref]))) for r in risks
        ]
        sections.append(Section("Risks you now own", items=items))
    if actions:
        sections.append(Section("Actions you now own", items=[action_item(a) for a in actions]))
    what = " and ".join(
        plural(len(found), noun) for found, noun in ((risks, "risk"), (actions, "action")) if found
    )
    return Message(
        subject=f"{what} now yours",
        greeting=f"Dear {recipient.name},",
        lines=[f"You now own {what} in the corporate risk register."],
        sections=sections,
        why="You get this because a risk or action in riskreg was given to you.",
        choices=recipient.user is not None,
    )


def action_item(action: Action) -> Item:
    due = f"due {action.target_date:%-d %B %Y}" if action.target_date else "no target date"
    url = absolute(reverse("registers:detail", args=[action.risk.ref]))
    return Item(f"Action on {action.risk.ref}", action.description, url, due)


def period_emails(notice: Notice, day: datetime.date) -> list[Email]:
    period = Period.objects.filter(pk=notice.data["period"]).first()
    if period is None or period.is_locked:
        return []
    leads = Person.objects.filter(
        Q(smt_commitments__isnull=False) | Q(officer_commitments__isnull=False)
    ).distinct()
    emails = []
    for address, recipient in recipients(leads).items():
        if recipient.wants("notices"):
            message = period_message(recipient, period)
            emails.append(
                email_of(f"notice:{notice.pk}:{address}", recipient, message, notice.kind, day)
            )
    return emails


def period_message(recipient: Recipient, period: Period) -> Message:
    deadline = period.update_deadline
    due = f" by {deadline:%-d %B %Y}" if deadline else ""
    if recipient.may("commitments.update_own_status"):
        link = ("Update your commitments", absolute(reverse("commitments:mine") + "?missing=1"))
    else:
        link = ("See the plan's commitments", absolute(reverse("commitments:list")))
    lines = [f"Please give each commitment you lead its quarterly status for {period}{due}."]
    if recipient.user is None:
        lines.append(
            "You have no riskreg login: ask the plan manager for one, or send them your updates."
        )
    return Message(
        subject=f"{period} is open for updates{due}",
        greeting=f"Dear {recipient.name},",
        lines=[f"{period} is open for updates."],
        sections=[Section(f"Your commitments for {period}", lines=lines, link=link)],
        why="You get this because riskreg names you as a lead of commitments in the plan.",
        choices=recipient.user is not None,
    )


def paper_emails(notice: Notice, day: datetime.date) -> list[Email]:
    paper = (
        Paper.objects.defer("pdf").select_related("period").filter(pk=notice.data["paper"]).first()
    )
    if paper is None or not settings.PAPER_RECIPIENTS:
        return []
    emails = []
    for address, recipient in by_address(settings.PAPER_RECIPIENTS).items():
        if recipient.wants("notices"):
            message = paper_message(recipient, paper)
            attach = {"paper": paper} if settings.PAPER_ATTACHED else {}
            key = f"notice:{notice.pk}:{address}"
            emails.append(email_of(key, recipient, message, notice.kind, day, **attach))
    return emails


def by_address(addresses: list[str]) -> dict[str, Recipient]:
    """Recipients for a list of addresses: the person or user with it, else the address alone."""
    wanted = Q()
    for address in addresses:
        wanted |= Q(email__iexact=address)
    found = recipients(Person.objects.filter(wanted), User.objects.filter(wanted))
    return {
        address.lower(): found.get(address.lower()) or Recipient(address, address)
        for address in addresses
    }


def paper_message(recipient: Recipient, paper: Paper) -> Message:
    meeting = f" for the meeting on {paper.meeting_date:%-d %B %Y}" if paper.meeting_date else ""
    attached = " The PDF is attached." if settings.PAPER_ATTACHED else ""
    link = ("Download the paper (PDF)", absolute(reverse("reports:pdf", args=[paper.pk])))
    return Message(
        subject=f"{paper} is published",
        greeting=f"Dear {recipient.name}," if recipient.name != recipient.address else "Hello,",
        lines=[f"{paper} was published{meeting}.{attached}"],
        sections=[Section(str(paper), link=link)],
        why="You get this because your address is on riskreg's list for published papers.",
        choices=recipient.user is not None,
    )
