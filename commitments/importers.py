"""The plan workbook (workbooks.md): check everything, then write all or nothing."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from commitments.models import (
    Commitment,
    Period,
    Person,
    PolicyArea,
    QuarterlyStatus,
    Rag,
    natural_key,
    resourcing_problem,
)
from commitments.periods import Quarter
from riskreg.shared.imports import (
    IMPORTED,
    ImportResult,
    People,
    Upsert,
    check_ref_case,
    checked,
)
from riskreg.shared.workbooks import Problems, Row, choice, open_workbook, read_sheet, require

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
COMMITMENT = Commitment._meta.get_field
PERSON_NAME = Person._meta.get_field("name")
UPDATE = QuarterlyStatus._meta.get_field("update")


@dataclass
class CommitmentRow:
    ref: str
    policy_area: str
    text: str
    leads: dict  # column → name
    timescale: str
    row: int


@dataclass
class StatusRow:
    ref: str
    quarter: Quarter
    rag: str
    update: str
    red_for_resourcing: bool
    row: int


def parse_quarter(row: Row, problems: Problems) -> Quarter | None:
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
    commitments = [check_commitment(row, problems) for row in commitment_rows]
    refs = duplicates(commitment_rows, commitments, lambda c: c.ref, "Ref", problems)
    stored = set(Commitment.objects.values_list("ref", flat=True))
    check_ref_case(commitment_rows, [c.ref for c in commitments], stored, problems)
    known = refs | stored
    statuses = [check_status(row, known, problems) for row in status_rows]
    duplicates(status_rows, statuses, lambda s: (s.ref, s.quarter), "Quarter", problems)
    return commitments, statuses, problems


def duplicates(rows: list[Row], checked_rows: list, key, column: str, problems) -> set:
    """Each key once: a second row with the same key is a problem naming the first."""
    seen = {}
    for row, item in zip(rows, checked_rows, strict=True):
        value = key(item)
        parts = value if isinstance(value, tuple) else (value,)
        if not all(parts):
            continue  # a missing ref or quarter is a problem of its own
        if value in seen:
            problems.add(row.sheet, row.number, column, f"this is already on row {seen[value]}")
        seen.setdefault(value, row.number)
    return set(seen)


def check_commitment(row: Row, problems: Problems) -> CommitmentRow:
    def text(column: str, model_field, required: bool = False) -> str:
        value = require(row, column, problems) if required else row.text(column)
        return checked(problems, row, column, value, model_field) or ""

    return CommitmentRow(
        ref=text("Ref", COMMITMENT("ref"), required=True),
        policy_area=text("Policy Area", PolicyArea._meta.get_field("name"), required=True),
        text=text("Individual Commitment", COMMITMENT("text"), required=True),
        leads={
            "SMT Lead": text("SMT Lead", PERSON_NAME, required=True),
            "Officer Lead": text("Officer Lead", PERSON_NAME),
            "WMP Lead": text("WMP Lead", PERSON_NAME),
        },
        timescale=text("Timescale", COMMITMENT("timescale")),
        row=row.number,
    )


def check_status(row: Row, known_refs: set, problems: Problems) -> StatusRow:
    ref = require(row, "Ref", problems)
    if ref and ref not in known_refs:
        problems.add(row.sheet, row.number, "Ref", f"'{ref}' is not a commitment")
    rag = RAG_BY_WORD.get(choice(row, "RAG", RAG_WORDS, problems), "")
    resourcing = choice(row, "Red For Resourcing", ["Yes", "No"], problems, required=False)
    problem = rag and resourcing_problem(rag, resourcing == "Yes")
    if problem:
        problems.add(row.sheet, row.number, "Red For Resourcing", problem)
    return StatusRow(
        ref=ref,
        quarter=parse_quarter(row, problems),
        rag=rag,
        update=checked(problems, row, "Update", row.text("Update"), UPDATE) or "",
        red_for_resourcing=resourcing == "Yes",
        row=row.number,
    )


def import_plan(
    data: bytes,
    *,
    user=None,
    dry_run: bool = False,
    add_people: bool = False,
    expected: dict | None = None,
) -> ImportResult:
    commitment_rows, status_rows, problems = check_plan(data)
    result = ImportResult(dry_run=dry_run, problems=problems.messages, expected=expected)
    if not result.ok:
        return result
    with transaction.atomic():
        if not dry_run:  # periods first, as a status or review save takes them first
            Period.objects.lock_all()
        people = People(Person, add=add_people, result=result)
        commitments, upsert = plan_commitments(commitment_rows, people, result, lock=not dry_run)
        statuses = plan_statuses(status_rows, commitments, result, user, lock=not dry_run)
        if result.ok:
            upsert.save(user)
            statuses.save(user)
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    return result


def plan_commitments(rows: list[CommitmentRow], people: People, result, lock: bool):
    areas = {a.name: a for a in PolicyArea.objects.all()}
    stored = Commitment.objects.select_for_update() if lock else Commitment.objects.all()
    existing = {c.ref: c for c in stored}
    upsert = Upsert(
        Commitment,
        ["policy_area", "text", "smt_lead", "officer_lead", "wmp_lead", "timescale"],
        result,
    )
    for row in rows:
        if row.policy_area not in areas:
            areas[row.policy_area] = PolicyArea.objects.create(
                name=row.policy_area, position=len(areas) + 1
            )
        leads = {
            column: people.get(name, "Commitments", row.row, column, **organisation(column))
            for column, name in row.leads.items()
        }
        values = {
            "policy_area_id": areas[row.policy_area].pk,
            "text": row.text,
            "smt_lead_id": pk_of(leads["SMT Lead"]),
            "officer_lead_id": pk_of(leads["Officer Lead"]),
            "wmp_lead_id": pk_of(leads["WMP Lead"]),
            "timescale": row.timescale,
        }
        stored = existing.get(row.ref)
        new = Commitment(ref=row.ref, ref_sort=natural_key(row.ref))  # bulk writes skip save()
        upsert.add(stored, new, values, f"Commitment {row.ref}")
        existing[row.ref] = stored or new
    upsert.names = names_of(people, areas)
    return existing, upsert


def organisation(column: str) -> dict:
    return {"organisation": Person.Organisation.WMP} if column == "WMP Lead" else {}


def pk_of(obj) -> int | None:
    return obj.pk if obj is not None else None


def names_of(people: People, areas: dict) -> dict:
    names = {(Person, p.pk): p.name for p in people.by_name.values()}
    names.update({(PolicyArea, a.pk): a.name for a in areas.values()})
    return names


def plan_statuses(rows: list[StatusRow], commitments: dict, result, user, lock: bool):
    periods, refused = new_periods({row.quarter for row in rows}, user)
    stored = QuarterlyStatus.objects.select_for_update() if lock else QuarterlyStatus.objects
    existing = {(s.commitment_id, s.period_id): s for s in stored.all()}
    upsert = Upsert(QuarterlyStatus, ["rag", "update", "red_for_resourcing"], result)
    touched = set()
    for row in rows:
        if row.quarter in refused:
            where = f"Sheet 'Quarterly Status', row {row.row}, column 'Quarter'"
            result.problems.append(f"{where}: {refused[row.quarter]}")
            continue
        period = periods[row.quarter]
        commitment = commitments[row.ref]
        status = existing.get((commitment.pk, period.pk))
        values = {
            "rag": row.rag,
            "update": row.update,
            "red_for_resourcing": row.red_for_resourcing,
        }
        new = QuarterlyStatus(commitment=commitment, period=period)
        if upsert.add(status, new, values, f"Commitment {row.ref} {period}"):
            touched.add(period.pk)
            refuse_if_locked(period, "Quarterly Status", row.row, result)
    if lock and result.ok:
        locked_meanwhile(touched, result)
    return upsert


def new_periods(quarters: set[Quarter], user) -> tuple[dict, dict]:
    """Every period the rows name, by quarter: stored ones, and new ones before the current
    period, made in order (a new installation loading its history: only a plan manager runs
    the plan import, and periods are theirs); and, by quarter, why one was not made. A later
    one is opened from Periods, with its deadline and notice."""
    periods = {p.quarter: p for p in Period.objects.all()}
    latest = max(periods, default=None)
    refused = {}
    for quarter in sorted(quarters - set(periods)):
        if latest and quarter > latest:
            refused[quarter] = (
                f"{quarter} is after the current period, {latest}: open it from Periods, "
                "with its update deadline, then import its statuses."
            )
            continue
        period = Period(
            year=quarter.year, number=quarter.number, update_deadline=quarter.update_due
        )
        period._history_user, period._change_reason = user, IMPORTED
        try:
            period.save()
        except ValidationError as error:
            refused[quarter] = " ".join(error.messages)
        else:
            periods[quarter] = period
    return periods, refused


def refuse_if_locked(period: Period, sheet: str, row: int, result: ImportResult) -> None:
    try:
        period.check_open()
    except ValidationError as error:
        result.problems.append(f"Sheet '{sheet}', row {row}, column 'Quarter': {error.messages[0]}")


def locked_meanwhile(period_ids: set, result: ImportResult) -> None:
    """Lock the periods written to; one locked since it was read refuses the import."""
    try:
        Period.objects.check_open(period_ids)
    except ValidationError as error:
        result.problems.append(error.messages[0])
