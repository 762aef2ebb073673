"""Reading and writing .xlsx workbooks safely, shared by the plan and risk importers.

openpyxl parses through defusedxml when it is installed, which refuses XML bombs.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
from defusedxml import DefusedXmlException

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20_000


class WorkbookRefused(Exception):
    """The file cannot be read as a workbook at all; nothing was written."""


@dataclass
class Problems:
    messages: list[str] = field(default_factory=list)

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self.messages.append(f"Sheet '{sheet}', row {row}, column '{column}': {message}")

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


def open_workbook(data: bytes):
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused("The file is over 10 MB: split it or remove what is not needed.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise WorkbookRefused("The file is not an Excel workbook (.xlsx).") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRefused("The workbook unpacks to over 100 MB, so it was refused.")
    try:
        # Read-only streams the sheets; data_only=False keeps formulas visible as formulas.
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        if is_unsafe_xml(error):
            raise WorkbookRefused(
                "The workbook was refused as unsafe or damaged: its XML declares entities."
            ) from None
        raise WorkbookRefused(f"The file is not a readable Excel workbook: {error}") from None


def is_unsafe_xml(error: BaseException | None) -> bool:
    """defusedxml's refusal, however deep openpyxl wrapped it."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def read_sheet(
    workbook,
    sheet: str,
    columns: list[str],
    required: list[str],
    problems: Problems,
    optional_sheet: bool = False,
) -> list[Row]:
    """Rows of `sheet` keyed by the canonical column names; blank rows skipped."""
    by_lower = {name.lower(): name for name in workbook.sheetnames}
    if sheet.lower() not in by_lower:
        if not optional_sheet:
            problems.messages.append(f"Sheet '{sheet}' is missing.")
        return []
    worksheet = workbook[by_lower[sheet.lower()]]
    if (worksheet.max_row or 0) > MAX_ROWS:
        problems.messages.append(f"Sheet '{sheet}' has over {MAX_ROWS:,} rows, so it was refused.")
        return []
    rows = worksheet.iter_rows()
    header = next(rows, None)
    if header is None:
        problems.messages.append(f"Sheet '{sheet}' is empty: it needs a header row.")
        return []
    canonical = {name.lower(): name for name in columns}
    positions: dict[int, str] = {}
    for index, cell in enumerate(header):
        if cell.value is None or str(cell.value).strip() == "":
            continue
        name = canonical.get(str(cell.value).strip().lower())
        if name is None:
            expected = ", ".join(columns)
            problems.add(sheet, 1, str(cell.value), f"unknown column; expected {expected}")
        else:
            positions[index] = name
    for name in required:
        if name not in positions.values():
            problems.add(sheet, 1, name, "this required column is missing")
    result = []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS:  # the sheet's own dimension can lie
            problems.messages.append(
                f"Sheet '{sheet}' has over {MAX_ROWS:,} rows, so it was refused."
            )
            return []
        values = {}
        for index, name in positions.items():
            cell = cells[index] if index < len(cells) else None
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f":
                problems.add(sheet, number, name, "a formula is not accepted: paste the value")
                value = None
            if isinstance(value, str) and value.strip() == "":
                value = None
            values[name] = value
        if all(v is None for v in values.values()):
            continue
        result.append(Row(sheet, number, values))
    return result


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
