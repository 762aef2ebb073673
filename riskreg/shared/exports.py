"""Workbooks written for people to edit in Excel and import again unchanged: a frozen
header row with filters, columns as wide as their content, and drop-down lists where a
cell takes one of a few values."""

import io

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

MAX_WIDTH = 60


def new_workbook(sheets: dict[str, tuple[list[str], list[list]]], choices=None) -> bytes:
    """`sheets` maps a title to (header, rows); `choices` maps a title to the columns whose
    cells take one of a few values: a list of words, or a (low, high) range of numbers."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula, whatever a user typed
        dress(sheet, header, rows, (choices or {}).get(title, {}))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def dress(sheet, header: list[str], rows: list[list], choices: dict) -> None:
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    for index, name in enumerate(header, 1):
        letter = get_column_letter(index)
        longest = max([len(name)] + [len(str(r[index - 1] or "")) for r in rows[:500]])
        sheet.column_dimensions[letter].width = min(longest + 2, MAX_WIDTH)
        sheet.cell(row=1, column=index).font = openpyxl.styles.Font(bold=True)
        if name in choices:
            rule = validation(choices[name])
            rule.add(f"{letter}2:{letter}{len(rows) + 1000}")
            sheet.add_data_validation(rule)


def validation(allowed) -> DataValidation:
    if isinstance(allowed, tuple):
        low, high = allowed
        rule = DataValidation(type="whole", operator="between", formula1=low, formula2=high)
        rule.error = f"A whole number from {low} to {high}."
    else:
        rule = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"')
        rule.error = "One of: " + ", ".join(allowed) + "."
    rule.allow_blank, rule.showErrorMessage = True, True
    return rule
