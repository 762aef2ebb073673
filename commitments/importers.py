"""The plan workbook (workbooks.md): check everything, then write all or nothing."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commitments.models import (
    Commitment,
    Period,
    Person,
    PolicyArea,
    QuarterlyStatus,
    Rag,
    natural_key,
)
from commitments.periods import Quarter
from riskreg.shared.workbooks import (
    ImportResult,
    Problems,
    Row,
    choice,
    open_workbook,
    read_sheet,
    require,
)

COMMITMENT_COLUMNS = [
    "Ref",
    "Policy Area",
    "Individual Commitment",
    "SMT Lead",
    "Officer Lead",
    "WMP Lead",
    "Timescale",
]
STATUS_COLUMNS = ["Ref", "Quarter", "RAG", "Update", "Red For Resourcing"]
RAG_WORDS = [label for _, label in Rag.choices]
RAG_BY_WORD = {label: value for value, label in Rag.choices}


@dataclass
class CommitmentRow:
    ref: str
    policy_area: str
    text: str
    smt_lead: str
    officer_lead: str
    wmp_lead: str
    timescale: str


@dataclass
class StatusRow:
    ref: str
    quarter: Quarter
    rag: str
    update: str
    red_for_resourcing: bool
    row: int = 0


def parse_quarter(row: Row, problems: Problems):
    """The row's Quarter as a Quarter; None (and a problem) when it is missing or wrong."""
    if not require(row, "Quarter", problems):
        return None
    try:
        return Quarter.parse(row.text("Quarter"))
    except ValidationError as error:
        problems.add(row.sheet, row.number, "Quarter", " ".join(error.messages))
        return None


def check_plan(data: bytes) -> tuple[list[CommitmentRow], list[StatusRow], Problems]:
    workbook = open_workbook(data)
    problems = Problems()
    commitment_rows = read_sheet(
        workbook,
        "Commitments",
        COMMITMENT_COLUMNS,
        ["Ref", "Policy Area", "Individual Commitment", "SMT Lead"],
        problems,
    )
    status_rows = read_sheet(
        workbook,
        "Quarterly Status",
        STATUS_COLUMNS,
        ["Ref", "Quarter", "RAG"],
        problems,
        optional_sheet=True,
    )
    commitments, seen = [], {}
    for row in commitment_rows:
        ref = require(row, "Ref", problems)
        if ref and ref in seen:
            problems.add(row.sheet, row.number, "Ref", f"'{ref}' is already on row {seen[ref]}")
        seen.setdefault(ref, row.number)
        commitments.append(
            CommitmentRow(
                ref=ref,
                policy_area=require(row, "Policy Area", problems),
                text=require(row, "Individual Commitment", problems),
                smt_lead=require(row, "SMT Lead", problems),
                officer_lead=row.text("Officer Lead"),
                wmp_lead=row.text("WMP Lead"),
                timescale=row.text("Timescale"),
            )
        )
    known_refs = set(seen) | set(Commitment.objects.values_list("ref", flat=True))
    statuses, seen_status = [], {}
    for row in status_rows:
        ref = require(row, "Ref", problems)
        if ref and ref not in known_refs:
            problems.add(row.sheet, row.number, "Ref", f"'{ref}' is not a commitment")
        quarter = parse_quarter(row, problems)
        key = (ref, quarter)
        if quarter and key in seen_status:
            problems.add(
                row.sheet,
                row.number,
                "Quarter",
                f"{ref} {quarter} is already on row {seen_status[key]}",
            )
        seen_status.setdefault(key, row.number)
        rag = choice(row, "RAG", RAG_WORDS, problems)
        resourcing = choice(row, "Red For Resourcing", ["Yes", "No"], problems, required=False)
        if resourcing == "Yes" and rag and rag != "Red":
            problems.add(
                row.sheet,
                row.number,
                "Red For Resourcing",
                "'Yes' is only allowed when the RAG is Red",
            )
        statuses.append(
            StatusRow(
                ref=ref,
                quarter=quarter,
                rag=RAG_BY_WORD.get(rag, ""),
                update=row.text("Update"),
                red_for_resourcing=resourcing == "Yes",
            )
        )
    return commitments, statuses, problems


def person_named(name: str, people: dict, organisation=Person.Organisation.OPCC) -> int | None:
    if not name:
        return None
    if name not in people:
        people[name] = Person.objects.create(name=name, organisation=organisation)
    return people[name].pk


def import_plan(
    data: bytes, *, user=None, dry_run: bool = False, add_people: bool = False
) -> ImportResult:
    commitment_rows, status_rows, problems = check_plan(data)
    result = ImportResult(dry_run=dry_run)
    if problems:
        result.problems = problems.messages
        return result
    with transaction.atomic():
        commitments = write_commitments(commitment_rows, result, user)
        write_statuses(status_rows, commitments, result, user)
        if dry_run or result.problems:
            transaction.set_rollback(True)
    return result


def save_all(model, created: list, changed: list, fields: list[str], user) -> None:
    """Write new and changed rows in a few queries, each with its history row."""
    bulk_create_with_history(created, model, batch_size=500, default_user=user)
    if changed:
        bulk_update_with_history(changed, model, fields, batch_size=500, default_user=user)


def write_commitments(rows: list[CommitmentRow], result: ImportResult, user) -> dict:
    people = {p.name: p for p in Person.objects.all()}
    areas = {a.name: a for a in PolicyArea.objects.all()}
    existing = {c.ref: c for c in Commitment.objects.all()}
    created, changed = [], []
    for row in rows:
        if row.policy_area not in areas:
            areas[row.policy_area] = PolicyArea.objects.create(
                name=row.policy_area, position=len(areas) + 1
            )
        values = {
            "policy_area_id": areas[row.policy_area].pk,
            "text": row.text,
            "smt_lead_id": person_named(row.smt_lead, people),
            "officer_lead_id": person_named(row.officer_lead, people),
            "wmp_lead_id": person_named(row.wmp_lead, people, Person.Organisation.WMP),
            "timescale": row.timescale,
        }
        commitment = existing.get(row.ref)
        if commitment is None:
            # bulk_create skips save(), so the natural sort key is set here.
            commitment = Commitment(ref=row.ref, ref_sort=natural_key(row.ref), **values)
            created.append(commitment)
        elif any(getattr(commitment, k) != v for k, v in values.items()):
            for field, value in values.items():
                setattr(commitment, field, value)
            changed.append(commitment)
        existing[row.ref] = commitment
    fields = ["policy_area", "text", "smt_lead", "officer_lead", "wmp_lead", "timescale"]
    save_all(Commitment, created, changed, fields, user)
    result.created += len(created)
    result.changed += len(changed)
    result.unchanged += len(rows) - len(created) - len(changed)
    return existing


def write_statuses(rows: list[StatusRow], commitments: dict, result: ImportResult, user) -> None:
    periods = {p.quarter: p for p in Period.objects.all()}
    stored = {(s.commitment_id, s.period_id): s for s in QuarterlyStatus.objects.all()}
    created, changed = [], []
    for row in rows:
        if row.quarter not in periods:
            periods[row.quarter] = Period.objects.create(
                year=row.quarter.year, number=row.quarter.number
            )
        commitment, period = commitments[row.ref], periods[row.quarter]
        status = stored.get((commitment.pk, period.pk))
        values = {
            "rag": row.rag,
            "update": row.update,
            "red_for_resourcing": row.red_for_resourcing,
        }
        if status is not None and all(getattr(status, k) == v for k, v in values.items()):
            continue
        if period.is_locked:
            # Only a change is refused, so a workbook exported earlier imports cleanly.
            result.problems.append(
                f"Sheet 'Quarterly Status', row {row.row}, column 'Quarter': "
                f"{period} is locked, so its statuses cannot change"
            )
        elif status is None:
            created.append(QuarterlyStatus(commitment=commitment, period=period, **values))
        else:
            for field, value in values.items():
                setattr(status, field, value)
            status.version += 1
            changed.append(status)
    fields = ["rag", "update", "red_for_resourcing", "version"]
    save_all(QuarterlyStatus, created, changed, fields, user)
    result.created += len(created)
    result.changed += len(changed)
    result.unchanged += len(rows) - len(created) - len(changed)
