"""The risk workbook (workbooks.md): check everything, then write all or nothing.

Built as the plan import is: rows are checked cell by cell, then new and changed rows are
written in bulk with their history. A risk import never creates a period: periods are
the plan manager's.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from commitments.importers import duplicates, locked_meanwhile, parse_quarter, refuse_if_locked
from commitments.models import Period, Person
from registers.models import Action, Control, Issue, Risk, RiskReview
from riskreg.shared.imports import ImportResult, People, Upsert, check_ref_case, checked
from riskreg.shared.notices import owner_notice_add
from riskreg.shared.workbooks import (
    Problems,
    Row,
    choice,
    open_workbook,
    parse_date,
    parse_one_to_five,
    read_sheet,
    require,
)

RISK_COLUMNS = [
    "Ref",
    "Title",
    "Description",
    "Category",
    "Owner",
    "Status",
    "Inherent Likelihood",
    "Inherent Impact",
    "Target Likelihood",
    "Target Impact",
    "Date Identified",
    "Date Closed",
    "Closing Note",
]
REVIEW_COLUMNS = ["Ref", "Quarter", "Likelihood", "Impact", "Commentary"]
CONTROL_COLUMNS = ["Ref", "Control"]
ACTION_COLUMNS = ["Ref", "Action", "Owner", "Target Date", "Status"]
RISK = Risk._meta.get_field
REVIEW = RiskReview._meta.get_field
PERSON_NAME = Person._meta.get_field("name")
SCORES = {column: column.lower().replace(" ", "_") for column in RISK_COLUMNS[6:10]}


@dataclass
class Sheets:
    """The checked rows of each sheet: (spreadsheet row, values) pairs."""

    risks: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    controls: list = field(default_factory=list)
    actions: list = field(default_factory=list)


def check_risks(data: bytes) -> tuple[Sheets, Problems]:
    workbook = open_workbook(data)
    problems = Problems()

    def sheet(name, columns, required):
        optional = name != "Risks"
        return read_sheet(workbook, name, columns, required, problems, optional_sheet=optional)

    risk_rows = sheet("Risks", RISK_COLUMNS, ["Ref", "Title", "Owner", "Status"])
    review_rows = sheet("Risk Reviews", REVIEW_COLUMNS, ["Ref", "Quarter", "Likelihood", "Impact"])
    control_rows = sheet("Controls", CONTROL_COLUMNS, ["Ref", "Control"])
    action_rows = sheet("Actions", ACTION_COLUMNS, ["Ref", "Action"])
    sheets = Sheets(risks=[(row.number, check_risk(row, problems)) for row in risk_rows])
    refs = duplicates(risk_rows, [v for _, v in sheets.risks], lambda v: v["ref"], "Ref", problems)
    stored = set(Risk.objects.values_list("ref", flat=True))
    check_ref_case(risk_rows, [v["ref"] for _, v in sheets.risks], stored, problems)
    known = refs | stored
    sheets.reviews = [(row.number, check_review(row, known, problems)) for row in review_rows]
    reviews = [v for _, v in sheets.reviews]
    duplicates(review_rows, reviews, lambda v: (v["ref"], v["quarter"]), "Quarter", problems)
    sheets.controls = [(row.number, check_control(row, known, problems)) for row in control_rows]
    sheets.actions = [(row.number, check_action(row, known, problems)) for row in action_rows]
    return sheets, problems


def check_risk(row: Row, problems: Problems) -> dict:
    values = {
        "ref": checked(problems, row, "Ref", require(row, "Ref", problems), RISK("ref")),
        "title": checked(problems, row, "Title", require(row, "Title", problems), RISK("title")),
        "description": long_text(row, "Description", RISK("description"), problems),
        "category": choice(row, "Category", Risk.Category.values, problems, required=False) or "",
        "owner": checked(problems, row, "Owner", require(row, "Owner", problems), PERSON_NAME),
        "status": choice(row, "Status", Risk.Status.values, problems),
        "date_identified": parse_date(row, "Date Identified", problems),
        "date_closed": parse_date(row, "Date Closed", problems),
        "closing_note": long_text(row, "Closing Note", RISK("closing_note"), problems),
    }
    for column, name in SCORES.items():
        values[name] = parse_one_to_five(row, column, problems)
    if values["status"] in Risk.ENDED and not values["date_closed"]:
        problems.add(
            row.sheet, row.number, "Date Closed", f"required when the status is {values['status']}"
        )
    return values


def long_text(row: Row, column: str, model_field, problems: Problems) -> str:
    return checked(problems, row, column, row.text(column), model_field) or ""


def check_review(row: Row, known: set, problems: Problems) -> dict:
    return {
        "ref": risk_ref(row, known, problems),
        "quarter": parse_quarter(row, problems),
        "likelihood": parse_one_to_five(row, "Likelihood", problems, required=True),
        "impact": parse_one_to_five(row, "Impact", problems, required=True),
        "commentary": long_text(row, "Commentary", REVIEW("commentary"), problems),
    }


def check_control(row: Row, known: set, problems: Problems) -> dict:
    return {"ref": risk_ref(row, known, problems), "description": require(row, "Control", problems)}


def check_action(row: Row, known: set, problems: Problems) -> dict:
    return {
        "ref": risk_ref(row, known, problems),
        "description": require(row, "Action", problems),
        "owner": checked(problems, row, "Owner", row.text("Owner"), PERSON_NAME),
        "target_date": parse_date(row, "Target Date", problems),
        "status": choice(row, "Status", Action.Status.values, problems, required=False)
        or Action.Status.NOT_STARTED,
    }


def risk_ref(row: Row, known: set, problems: Problems) -> str:
    ref = require(row, "Ref", problems)
    if ref and ref not in known:
        problems.add(row.sheet, row.number, "Ref", f"'{ref}' is not a risk")
    return ref


def import_risks(
    data: bytes,
    *,
    user=None,
    dry_run: bool = False,
    add_people: bool = False,
    expected: dict | None = None,
) -> ImportResult:
    sheets, problems = check_risks(data)
    result = ImportResult(dry_run=dry_run, problems=problems.messages, expected=expected)
    if not result.ok:
        return result
    with transaction.atomic():
        owners = owners_now()
        if not dry_run:  # periods first, as a status or review save takes them first
            Period.objects.lock_all()
        writer = Writer(result, People(Person, add=add_people, result=result), lock=not dry_run)
        upserts = writer.plan(sheets)
        if result.ok:
            for upsert in upserts:
                upsert.save(user)
            tell_new_owners(upserts, owners, user)
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    return result


def owners_now() -> dict:
    return {
        (model, pk): owner
        for model in (Risk, Action)
        for pk, owner in model.objects.values_list("pk", "owner_id")
    }


def tell_new_owners(upserts: list[Upsert], before: dict, user) -> None:
    """A notice to each person who now owns a risk or action they did not own before."""
    for upsert in upserts:
        if upsert.model in (Risk, Action):
            for record in [*upsert.created, *upsert.changed]:
                if record.owner_id != before.get((upsert.model, record.pk)):
                    owner_notice_add(record, actor=user)


RISK_FIELDS = [
    "title",
    "description",
    "category",
    "owner_id",
    "status",
    "date_identified",
    "date_closed",
    "closing_note",
    *SCORES.values(),
]


class Writer:
    """Works out what a checked risk workbook creates and changes, sheet by sheet."""

    def __init__(self, result: ImportResult, people: People, lock: bool):
        self.result, self.people, self.lock = result, people, lock
        self.periods = {p.quarter: p for p in Period.objects.all()}
        self.risks: dict[str, Risk] = {}  # by ref, as this import leaves them

    def stored(self, model):
        return model.objects.select_for_update() if self.lock else model.objects.all()

    def plan(self, sheets: Sheets) -> list[Upsert]:
        """Risks first: the reviews, controls and actions of new risks take their ids."""
        return [
            self.plan_risks(sheets.risks),
            self.plan_reviews(sheets.reviews),
            self.plan_parts(Control, "Controls", sheets.controls, ["description"]),
            self.plan_parts(
                Action,
                "Actions",
                sheets.actions,
                ["description", "owner_id", "target_date", "status"],
            ),
        ]

    def plan_risks(self, rows: list) -> Upsert:
        self.risks = {r.ref: r for r in self.stored(Risk)}
        with_issues = set(Issue.objects.values_list("risk_id", flat=True))
        upsert = Upsert(Risk, RISK_FIELDS, self.result)
        for number, values in rows:
            ref, name = values["ref"], values["owner"]
            owner = self.people.get(name, "Risks", number, "Owner")
            values = {k: v for k, v in values.items() if k not in ("ref", "owner")}
            stored = self.risks.get(ref)
            before = {f: getattr(stored, f) for f in Risk.REGISTER_FIELDS} if stored else {}
            upsert.add(stored, Risk(ref=ref), {**values, "owner_id": pk_of(owner)}, f"Risk {ref}")
            risk = self.risks[ref] = stored or upsert.created[-1]
            # The bulk write skips Risk.save(), so its rules are asked here.
            try:
                risk.check_status_change(before.get("status"), has_issue=risk.pk in with_issues)
                risk.check_locked_registers(before, lock=False)  # periods are locked above
            except ValidationError as error:
                column = {"date_identified": "Date Identified", "date_closed": "Date Closed"}
                self.problem("Risks", number, column.get(error.code, "Status"), error.messages[0])
        upsert.names = {(Person, p.pk): p.name for p in self.people.by_name.values()}
        return upsert

    def plan_reviews(self, rows: list) -> Upsert:
        existing = {(r.risk_id, r.period_id): r for r in self.stored(RiskReview)}
        upsert = Upsert(RiskReview, ["likelihood", "impact", "commentary"], self.result)
        touched = set()
        for number, values in rows:
            period = self.periods.get(values["quarter"])
            if period is None:
                self.problem("Risk Reviews", number, "Quarter", no_such_period(values["quarter"]))
                continue
            risk = self.risks[values["ref"]]
            scores = {k: values[k] for k in ("likelihood", "impact", "commentary")}
            new = RiskReview(risk=risk, period=period)
            label = f"{period} review of {risk.ref}"
            if self.part(upsert, existing.get((risk.pk, period.pk)), new, scores, label, number):
                touched.add(period.pk)
                refuse_if_locked(period, "Risk Reviews", number, self.result)
        if self.lock and self.result.ok:
            locked_meanwhile(touched, self.result)
        return upsert

    def plan_parts(self, model, sheet: str, rows: list, fields: list[str]) -> Upsert:
        """Controls or actions, each found by its risk and its text."""
        existing = {(o.risk_id, o.description): o for o in self.stored(model)}
        upsert = Upsert(model, fields, self.result)
        for number, values in rows:
            risk = self.risks[values["ref"]]
            wanted = {k: v for k, v in values.items() if k not in ("ref", "owner")}
            if "owner" in values:
                owner = self.people.get(values["owner"], sheet, number, "Owner")
                wanted["owner_id"] = pk_of(owner)
            stored = existing.get((risk.pk, values["description"]))
            new = model(risk=risk)
            self.part(upsert, stored, new, wanted, f"{sheet[:-1]} of {risk.ref}", number)
        upsert.names = {(Person, p.pk): p.name for p in self.people.by_name.values()}
        return upsert

    def part(self, upsert: Upsert, stored, new, values: dict, label: str, number: int) -> bool:
        """Queue a review, control or action; an ended risk's parts never change."""
        if not upsert.add(stored, new, values, label):
            return False
        try:
            new.risk.check_takes_changes()
        except ValidationError as error:
            self.problem(SHEETS[type(new)], number, "Ref", error.messages[0])
        return True

    def problem(self, sheet: str, row: int, column: str, message: str) -> None:
        self.result.problems.append(f"Sheet '{sheet}', row {row}, column '{column}': {message}")


SHEETS = {RiskReview: "Risk Reviews", Control: "Controls", Action: "Actions"}


def no_such_period(quarter) -> str:
    return (
        f"there is no period {quarter} in riskreg: a risk import never creates periods; "
        "a plan manager opens them"
    )


def pk_of(obj) -> int | None:
    return obj.pk if obj is not None else None
