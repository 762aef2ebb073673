"""Who changed what, when: field-by-field changes from simple-history records."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import models
from django.utils import dateformat, timezone

CHANGES_PER_PAGE = 50

# Parents and periods are named by `describe`, so they are not listed as changes.
SKIPPED = {"id", "version", "ref_sort", "commitment", "risk", "period"}


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class Change:
    """One save: who made it, when, to what, and each field it changed."""

    when: object
    who: str
    what: str
    created: bool
    fields: list[FieldChange]


def tracked_fields(history_model) -> list:
    return [
        f
        for f in history_model.instance_type._meta.fields
        if f.name not in SKIPPED and f.name in {h.name for h in history_model._meta.fields}
    ]


def display(field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return dateformat.format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, datetime.date):
        return dateformat.format(value, "j M Y")
    return str(value)


def changes(records: list, describe) -> list[Change]:
    """Every save in `records` (history rows of one or more objects), newest first.

    `describe(record)` names the object a record belongs to, e.g. "2025/26 Q3 status".
    A created object lists the fields it was created with; a save that changed no field
    shown here is left out.
    """
    by_object = defaultdict(list)
    for record in records:
        by_object[(type(record), record.id)].append(record)
    names = related_names(records)
    result = []
    for (history_model, _), rows in by_object.items():
        rows.sort(key=lambda r: (r.history_date, r.history_id))
        fields = tracked_fields(history_model)
        previous = None
        for record in rows:
            changed = [
                FieldChange(
                    field=str(field.verbose_name),
                    old=display(field, getattr(previous, field.attname), names) if previous else "",
                    new=display(field, getattr(record, field.attname), names),
                )
                for field in fields
                if (
                    getattr(previous, field.attname) != getattr(record, field.attname)
                    if previous
                    else getattr(record, field.attname) not in (None, "", False)
                )
            ]
            # A time moved on by seconds reads the same: not a change anyone can see.
            changed = [c for c in changed if c.old != c.new]
            deleted = record.history_type == "-"
            if changed or deleted:
                suffix = " deleted" if deleted else " created" if previous is None else ""
                result.append(
                    Change(
                        when=record.history_date,
                        who=who(record),
                        what=describe(record) + suffix,
                        created=previous is None,
                        fields=[] if deleted else changed,
                    )
                )
            previous = record
    result.sort(key=lambda c: c.when, reverse=True)
    return result


def who(record) -> str:
    return name_of(record.history_user) if record.history_user else "system"


def page_of_changes(records: list, describe, number) -> Page:
    """One page of changes(records, describe), newest first; `number` as the URL gave it."""
    return Paginator(changes(records, describe), CHANGES_PER_PAGE).get_page(number)


def related_names(records: list) -> dict:
    """Names of related objects: those the caller select_related, then one query per model."""
    wanted = defaultdict(set)
    names = {}
    for record in records:
        for field in tracked_fields(type(record)):
            pk = getattr(record, field.attname) if isinstance(field, models.ForeignKey) else None
            if pk is None:
                continue
            history_field = record._meta.get_field(field.name)
            if history_field.is_cached(record):
                names[(field.related_model, pk)] = name_of(history_field.get_cached_value(record))
            else:
                wanted[field.related_model].add(pk)
    for model, ids in wanted.items():
        for pk, obj in model._default_manager.in_bulk(ids).items():
            names[(model, pk)] = name_of(obj)
    return names


def name_of(obj) -> str:
    """A user by their full name when they have one; anything else as itself."""
    if obj is None:
        return "—"
    full_name = obj.get_full_name() if hasattr(obj, "get_full_name") else ""
    return full_name or str(obj)
