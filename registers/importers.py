"""The risk workbook (workbooks.md): check everything, then write all or nothing."""

from django.db import transaction

from commitments.importers import parse_quarter
from commitments.models import Period, Person
from registers.models import Action, Control, Risk, RiskReview
from riskreg.shared.workbooks import (
    ImportResult,
    Problems,
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


def check_risks(data: bytes):
    workbook = open_workbook(data)
    problems = Problems()
    sheets = {
        "risks": read_sheet(
            workbook, "Risks", RISK_COLUMNS, ["Ref", "Title", "Owner", "Status"], problems
        ),
        "reviews": read_sheet(
            workbook,
            "Risk Reviews",
            REVIEW_COLUMNS,
            ["Ref", "Quarter", "Likelihood", "Impact"],
            problems,
            optional_sheet=True,
        ),
        "controls": read_sheet(
            workbook, "Controls", CONTROL_COLUMNS, ["Ref", "Control"], problems, optional_sheet=True
        ),
        "actions": read_sheet(
            workbook, "Actions", ACTION_COLUMNS, ["Ref", "Action"], problems, optional_sheet=True
        ),
    }
    risks, seen = [], {}
    for row in sheets["risks"]:
        ref = require(row, "Ref", problems)
        if ref in seen:
            problems.add(row.sheet, row.number, "Ref", f"'{ref}' is already on row {seen[ref]}")
        seen.setdefault(ref, row.number)
        values = {
            "ref": ref,
            "title": require(row, "Title", problems),
            "description": row.text("Description"),
            "category": choice(row, "Category", Risk.Category.values, problems, required=False)
            or "",
            "owner": require(row, "Owner", problems),
            "status": choice(row, "Status", Risk.Status.values, problems),
            "date_identified": parse_date(row, "Date Identified", problems),
            "date_closed": parse_date(row, "Date Closed", problems),
            "closing_note": row.text("Closing Note"),
        }
        for column in RISK_COLUMNS[6:10]:
            values[column.lower().replace(" ", "_")] = parse_one_to_five(row, column, problems)
        if values["status"] in Risk.ENDED and not values["date_closed"]:
            problems.add(
                row.sheet,
                row.number,
                "Date Closed",
                f"required when the status is {values['status']}",
            )
        risks.append(values)
    known = set(seen) | set(Risk.objects.values_list("ref", flat=True))
    reviews, seen_reviews = [], {}
    for row in sheets["reviews"]:
        ref = checked_ref(row, known, problems)
        quarter = parse_quarter(row, problems)
        if quarter and (ref, quarter) in seen_reviews:
            problems.add(
                row.sheet,
                row.number,
                "Quarter",
                f"{ref} {quarter} is already on row {seen_reviews[(ref, quarter)]}",
            )
        seen_reviews.setdefault((ref, quarter), row.number)
        reviews.append(
            {
                "ref": ref,
                "quarter": quarter,
                "likelihood": parse_one_to_five(row, "Likelihood", problems, required=True),
                "impact": parse_one_to_five(row, "Impact", problems, required=True),
                "commentary": row.text("Commentary"),
                "row": row.number,
            }
        )
    controls = [
        {"ref": checked_ref(row, known, problems), "description": require(row, "Control", problems)}
        for row in sheets["controls"]
    ]
    actions = [
        {
            "ref": checked_ref(row, known, problems),
            "description": require(row, "Action", problems),
            "owner": row.text("Owner"),
            "target_date": parse_date(row, "Target Date", problems),
            "status": choice(row, "Status", Action.Status.values, problems, required=False)
            or Action.Status.NOT_STARTED,
        }
        for row in sheets["actions"]
    ]
    return risks, reviews, controls, actions, problems


def checked_ref(row, known: set, problems: Problems) -> str:
    ref = require(row, "Ref", problems)
    if ref and ref not in known:
        problems.add(row.sheet, row.number, "Ref", f"'{ref}' is not a risk")
    return ref


def import_risks(
    data: bytes, *, user=None, dry_run: bool = False, add_people: bool = False
) -> ImportResult:
    risks, reviews, controls, actions, problems = check_risks(data)
    result = ImportResult(dry_run=dry_run)
    if problems:
        result.problems = problems.messages
        return result
    with transaction.atomic():
        Writer(result, user).write(risks, reviews, controls, actions)
        if dry_run or result.problems:
            transaction.set_rollback(True)
    return result


class Writer:
    def __init__(self, result: ImportResult, user):
        self.result, self.user = result, user
        self.people = {p.name: p for p in Person.objects.all()}

    def person(self, name: str) -> Person | None:
        if name and name not in self.people:
            self.people[name] = Person.objects.create(name=name)
        return self.people.get(name)

    def upsert(self, obj, values: dict, stored) -> None:
        """Save `obj` with `values` unless `stored` already holds them all."""
        if stored is not None and all(getattr(stored, k) == v for k, v in values.items()):
            self.result.unchanged += 1
            return
        obj = stored or obj
        for field, value in values.items():
            setattr(obj, field, value)
        if stored is None:
            self.result.created += 1
        else:
            self.result.changed += 1
            if hasattr(obj, "version"):
                obj.version += 1
        if self.user is not None:
            obj._history_user = self.user
        obj.save()

    def write(self, risks, reviews, controls, actions) -> None:
        stored = {r.ref: r for r in Risk.objects.select_related("owner")}
        for values in risks:
            values = {**values, "owner": self.person(values["owner"])}
            self.upsert(Risk(), values, stored.get(values["ref"]))
        by_ref = {r.ref: r for r in Risk.objects.all()}
        periods = {p.quarter: p for p in Period.objects.all()}
        stored_reviews = {(r.risk_id, r.period_id): r for r in RiskReview.objects.all()}
        for values in reviews:
            quarter = values.pop("quarter")
            if quarter not in periods:
                periods[quarter] = Period.objects.create(year=quarter.year, number=quarter.number)
            risk, period = by_ref[values.pop("ref")], periods[quarter]
            row = values.pop("row")
            stored = stored_reviews.get((risk.pk, period.pk))
            if period.is_locked and not (
                stored and all(getattr(stored, k) == v for k, v in values.items())
            ):
                # Only a change is refused, so a workbook exported earlier imports cleanly.
                self.result.problems.append(
                    f"Sheet 'Risk Reviews', row {row}, column 'Quarter': "
                    f"{period} is locked, so its reviews cannot change"
                )
                continue
            self.upsert(RiskReview(risk=risk, period=period), values, stored)
        stored_controls = {(c.risk_id, c.description): c for c in Control.objects.all()}
        for values in controls:
            risk = by_ref[values["ref"]]
            self.upsert(
                Control(risk=risk),
                {"description": values["description"]},
                stored_controls.get((risk.pk, values["description"])),
            )
        stored_actions = {
            (a.risk_id, a.description): a for a in Action.objects.select_related("owner")
        }
        for values in actions:
            risk = by_ref[values.pop("ref")]
            values["owner"] = self.person(values["owner"])
            self.upsert(
                Action(risk=risk), values, stored_actions.get((risk.pk, values["description"]))
            )
