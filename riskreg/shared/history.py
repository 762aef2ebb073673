"""Who changed what, when: one row a save, from simple-history records, paged in the database.

A page of a record's history (a risk with its reviews, controls and actions, say) is
read as one UNION of the history tables, newest first, fifty saves a page; each save is
shown against the save before it of the same object, found by LAG() in the same query.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import F, Value, Window
from django.db.models.functions import Lag
from django.utils import dateformat, timezone

CHANGES_PER_PAGE = 50

# Parents and periods are named by `describe`, so they are not listed as changes.
SKIPPED = {"id", "lock_version", "ref_sort", "commitment", "risk", "period"}


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class Change:
    """One save: who made it, when, to what, how (an import says so), and each field it
    changed."""

    when: object
    who: str
    what: str
    created: bool
    fields: list[FieldChange]
    how: str = ""


def page_of_changes(histories: list[models.QuerySet], describe, number) -> Page:
    """Page `number` (as the URL gave it) of the saves in `histories`, newest first.

    `histories` are querysets of history rows (a record's own, its children's);
    `describe(record)` names what a row belongs to, e.g. "2025/26 Q3 status".
    """
    page = Paginator(saves(histories), CHANGES_PER_PAGE).get_page(number)
    records = load(histories, list(page.object_list))
    page.object_list = [
        change
        for key in page.object_list
        if (change := describe_save(records, key, describe)) is not None
    ]
    return page


def saves(histories: list[models.QuerySet]):
    """(kind, history_id, previous history_id, date) of every save, newest first."""
    branches = [
        history.order_by()
        .annotate(
            kind=Value(kind),
            previous_id=Window(
                Lag("history_id"), partition_by=F("id"), order_by=["history_date", "history_id"]
            ),
        )
        .values_list("kind", "history_id", "previous_id", "history_date")
        for kind, history in enumerate(histories)
    ]
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return union.order_by("-history_date", "-history_id")


def load(histories: list[models.QuerySet], keys: list[tuple]) -> dict:
    """The history rows a page shows and the rows before them: one query a table."""
    wanted = defaultdict(set)
    for kind, history_id, previous_id, _ in keys:
        wanted[kind].update(i for i in (history_id, previous_id) if i is not None)
    records = {}
    for kind, ids in wanted.items():
        model = histories[kind].model
        related = [f.name for f in model._meta.fields if isinstance(f, models.ForeignKey)]
        rows = list(model._default_manager.filter(history_id__in=ids).select_related(*related))
        load_links(model, rows)
        for row in rows:
            records[kind, row.history_id] = row
    names = related_names(list(records.values()))
    for record in records.values():
        record.names = names
    return records


def describe_save(records: dict, key: tuple, describe) -> Change | None:
    kind, history_id, previous_id, _ = key
    record = records[kind, history_id]
    previous = records.get((kind, previous_id)) if previous_id else None
    fields = [c for c in field_changes(record, previous) if c.old != c.new]
    deleted = record.history_type == "-"
    if not fields and not deleted:
        return None  # e.g. a time moved on by seconds, which reads the same
    suffix = " deleted" if deleted else " created" if previous is None else ""
    return Change(
        when=record.history_date,
        who=name_of(record.history_user) if record.history_user else "system",
        what=describe(record) + suffix,
        created=previous is None,
        fields=[] if deleted else fields,
        how=record.history_change_reason or "",
    )


def field_changes(record, previous) -> list[FieldChange]:
    changes = []
    for field in tracked_fields(type(record)):
        new = getattr(record, field.attname)
        old = getattr(previous, field.attname) if previous else None
        if (previous and old != new) or (not previous and new not in (None, "", False)):
            changes.append(
                FieldChange(
                    field=str(field.verbose_name),
                    old=display(field, old, record.names) if previous else "",
                    new=display(field, new, record.names),
                )
            )
    for field in getattr(type(record), "_history_m2m_fields", []):
        new, old = linked(record, field), linked(previous, field) if previous else ""
        if new != old and (previous or new):
            changes.append(FieldChange(str(field.verbose_name), old or "—", new or "—"))
    return changes


def load_links(history_model, rows: list) -> None:
    """What each row's many-to-many fields linked to then, by name: one query a field."""
    for field in getattr(history_model, "_history_m2m_fields", []):
        through = getattr(history_model, field.name).model
        target = field.m2m_reverse_field_name()
        linked = defaultdict(list)
        links = through._default_manager.filter(history__in=[r.history_id for r in rows])
        gone = f"a deleted {field.related_model._meta.verbose_name}"
        for link in links.select_related(target):
            linked[link.history_id].append(str(getattr(link, target) or gone))
        for row in rows:
            row.__dict__.setdefault("links", {})[field.name] = ", ".join(
                sorted(linked[row.history_id])
            )


def linked(record, field) -> str:
    """What an m2m field linked to at the time of `record`, by name (see load_links)."""
    return record.links.get(field.name, "")


def tracked_fields(history_model) -> list:
    own = {h.name for h in history_model._meta.fields}
    return [
        f
        for f in history_model.instance_type._meta.fields
        if f.name not in SKIPPED and f.name in own
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


def related_names(records: list) -> dict:
    """Names of the objects the records point to: those loaded with them, then the rest
    (deleted since, say) by one query per model."""
    wanted = defaultdict(set)
    names = {}
    for record in records:
        for field in tracked_fields(type(record)):
            pk = getattr(record, field.attname) if isinstance(field, models.ForeignKey) else None
            if pk is None:
                continue
            history_field = record._meta.get_field(field.name)
            if history_field.is_cached(record) and history_field.get_cached_value(record):
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
