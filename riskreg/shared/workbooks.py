"""Reading and writing .xlsx workbooks safely, shared by the plan and risk importers.

Reading is riskreg.shared.xlsx's streaming reader, within its limits; writing is openpyxl.
"""

import datetime
from dataclasses import dataclass, field

import openpyxl

from riskreg.shared.xlsx import SheetRefused, Workbook
from riskreg.shared.xlsx import WorkbookRefused as WorkbookRefused  # raised to importers' callers

MAX_PROBLEMS = 500  # a page can show them; past this, one line says there are more
MORE_PROBLEMS = (
    f"Over {MAX_PROBLEMS} problems were found and only the first {MAX_PROBLEMS} are listed: "
    "correct these and import again to see the rest."
)


@dataclass
class Problems:
    messages: list[str] = field(default_factory=list)
    cells: set = field(default_factory=set, repr=False)

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        """One problem a cell: the first found (a cell the reader could not read has no
        value, and is not reported again as missing or wrong)."""
        if (sheet, row, column) in self.cells:
            return
        self.cells.add((sheet, row, column))
        if len(self.messages) < MAX_PROBLEMS:
            self.messages.append(f"Sheet '{sheet}', row {row}, column '{column}': {message}")
        elif self.messages[-1] != MORE_PROBLEMS:
            self.messages.append(MORE_PROBLEMS)

    def __bool__(self) -> bool:
        return bool(self.messages)


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, object]

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


def open_workbook(data: bytes) -> Workbook:
    """The workbook in `data`; WorkbookRefused if it is not one riskreg can read."""
    return Workbook(data)


def read_sheet(
    workbook: Workbook,
    sheet: str,
    columns: list[str],
    required: list[str],
    problems: Problems,
    optional_sheet: bool = False,
) -> list[Row]:
    """Rows of `sheet` keyed by the canonical column names; blank rows skipped.

    A cell that cannot be read is a problem on that cell; a sheet that cannot be read to
    its end (damaged, or too big) is one problem, and none of its rows is returned.
    """
    name = workbook.sheet_named(sheet)
    if name is None:
        if not optional_sheet:
            problems.messages.append(f"Sheet '{sheet}' is missing.")
        return []
    rows = workbook.rows(name)
    try:
        header = next(rows, None)
        if header is None or header[0] != 1:
            problems.messages.append(f"Sheet '{sheet}' is empty: it needs a header row.")
            return []
        positions = header_positions(sheet, header[1], columns, required, problems)
        return [
            row
            for number, cells in rows
            if (row := read_row(sheet, number, cells, positions, problems)) is not None
        ]
    except SheetRefused as refusal:
        problems.messages.append(str(refusal))
        return []


def header_positions(
    sheet: str, cells: list, columns: list[str], required: list[str], problems: Problems
) -> dict[int, str]:
    """Column number → canonical name, from the header row's cells."""
    canonical = {name.lower(): name for name in columns}
    positions: dict[int, str] = {}
    for cell in cells:
        label = str(cell.value).strip() if cell.value is not None else ""
        if cell.problem:
            problems.add(sheet, 1, openpyxl.utils.get_column_letter(cell.column), cell.problem)
        elif label and label.lower() not in canonical:
            problems.add(sheet, 1, label, f"unknown column; expected {', '.join(columns)}")
        elif label:
            positions[cell.column] = canonical[label.lower()]
    for name in required:
        if name not in positions.values():
            problems.add(sheet, 1, name, "this required column is missing")
    return positions


def read_row(sheet: str, number: int, cells: list, positions: dict, problems: Problems):
    """The row's values by column name, or None for a blank row."""
    values = dict.fromkeys(positions.values())
    for cell in cells:
        name = positions.get(cell.column)
        if name is None:
            continue
        if cell.problem:
            problems.add(sheet, number, name, cell.problem)
        elif not (isinstance(cell.value, str) and cell.value.strip() == ""):
            values[name] = cell.value
    if all(v is None for v in values.values()):
        return None
    return Row(sheet, number, values)


def parse_date(row: Row, column: str, problems: Problems) -> datetime.date | None:
    value = row.values.get(column)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        problems.add(row.sheet, row.number, column, f"'{value}' is not a date: use YYYY-MM-DD")
        return None


def parse_one_to_five(row: Row, column: str, problems: Problems, required: bool = False):
    text = row.text(column)
    if text == "":
        if required:
            problems.add(row.sheet, row.number, column, "a score from 1 to 5 is required")
        return None
    if text not in {"1", "2", "3", "4", "5"}:
        problems.add(row.sheet, row.number, column, f"'{text}' is not a score from 1 to 5")
        return None
    return int(text)


def choice(row: Row, column: str, options: list[str], problems: Problems, required: bool = True):
    """The option matching the cell, any case; None (and a problem) when it matches none."""
    text = row.text(column)
    if text == "":
        if required:
            problems.add(row.sheet, row.number, column, "a value is required")
        return None
    for option in options:
        if option.lower() == text.lower():
            return option
    problems.add(row.sheet, row.number, column, f"'{text}' is not one of {', '.join(options)}")
    return None


def require(row: Row, column: str, problems: Problems) -> str:
    text = row.text(column)
    if text == "":
        problems.add(row.sheet, row.number, column, "a value is required")
    return text


def xlsx_response(data: bytes, filename: str):
    from django.http import HttpResponse

    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
