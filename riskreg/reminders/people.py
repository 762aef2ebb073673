"""Who an e-mail goes to: an address, the person and login behind it, what that login
may do and what its user chose. Loaded for everyone at once, in a fixed number of queries
however many people there are."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User

from commitments.models import Person


@dataclass
class Recipient:
    address: str
    name: str
    person: Person | None = None
    user: User | None = None
    person_ids: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)

    def may(self, permission: str) -> bool:
        """What their login may do; nothing without a login."""
        return self.user is not None and self.user.has_perm(permission)

    def wants(self, kind: str) -> bool:
        """`digests` or `notices`: what they chose, unless a role of theirs requires it."""
        if self.user is None or is_required(self.roles, kind):
            return True
        choice = getattr(self.user, "email_choice", None)
        return choice is None or getattr(choice, kind)


def is_required(roles: Iterable[str], kind: str) -> bool:
    """RISKREG_DIGEST_REQUIRED_ROLES and RISKREG_NOTICE_REQUIRED_ROLES: roles whose holders
    cannot turn these e-mails off."""
    required = (
        settings.DIGEST_REQUIRED_ROLES if kind == "digests" else settings.NOTICE_REQUIRED_ROLES
    )
    return bool(set(roles) & set(required))


def recipients(persons: Iterable[Person], users: Iterable[User] = ()) -> dict[str, Recipient]:
    """Recipients by lower-case address: a person's own address, else their login's. People
    with no address at all get nothing (they cannot)."""
    persons, users = list({p.pk: p for p in persons}.values()), list(users)
    ids = {p.user_id for p in persons if p.user_id} | {u.pk for u in users}
    logins = User.objects.filter(pk__in=ids, is_active=True).select_related(
        "email_choice", "person"
    )
    logins = {user.pk: user for user in logins}
    load_roles_and_permissions(logins.values())
    found: dict[str, Recipient] = {}
    for person in persons:
        add(found, person, logins.get(person.user_id))
    for user in users:
        if user.pk in logins:
            add(found, getattr(logins[user.pk], "person", None), logins[user.pk])
    return found


def add(found: dict, person: Person | None, user: User | None) -> None:
    address = (person.email if person else "") or (user.email if user else "")
    if not address:
        return
    name = person.name if person else (user.get_full_name() or user.get_username())
    recipient = found.setdefault(address.lower(), Recipient(address, name, person, user))
    recipient.user = recipient.user or user
    recipient.person = recipient.person or person
    if person:
        recipient.person_ids.add(person.pk)
    if user:
        recipient.roles |= getattr(user, "riskreg_roles", set())


def load_roles_and_permissions(users: Iterable[User]) -> None:
    """Each user's roles, and their permissions where User.has_perm looks for them
    (ModelBackend's cache), in three queries for all of them rather than two each."""
    users = {user.pk: user for user in users}
    for user in users.values():
        user.riskreg_roles, user._perm_cache = set(), set()
    for pk, name in Group.objects.filter(user__in=users).values_list("user", "name"):
        users[pk].riskreg_roles.add(name)
    granted = chain(
        Permission.objects.filter(group__user__in=users).values_list(
            "group__user", "content_type__app_label", "codename"
        ),
        Permission.objects.filter(user__in=users).values_list(
            "user", "content_type__app_label", "codename"
        ),
    )
    for pk, app_label, codename in granted:
        users[pk]._perm_cache.add(f"{app_label}.{codename}")
