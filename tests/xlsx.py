"""Workbooks written by hand, part by part, so a test can make them as broken as it likes.

`workbook({"Commitments": rows_xml([...])})` is a valid .xlsx; every part is a plain
string the caller may replace with anything.
"""

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
ROOT_RELS = (
    f'<Relationships xmlns="{PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
# Style 0 is General, style 1 a date (built-in format 14), as Excel writes them.
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/>'
    "</cellXfs></styleSheet>"
)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(ref: str, value) -> str:
    """A cell as Excel writes it; a value that starts with "<c" is used as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("<c"):
        return value
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows: list[list], dimension: str = "A1:A1", first: int = 1) -> str:
    """A worksheet of `rows` (row `first` onwards), claiming `dimension` as its size."""
    body = []
    for number, values in enumerate(rows, start=first):
        cells = "".join(cell_xml(f"{column_letter(i)}{number}", v) for i, v in enumerate(values))
        body.append(f'<row r="{number}">{cells}</row>')
    return sheet_xml("".join(body), dimension)


def sheet_xml(sheet_data: str, dimension: str = "A1:A1") -> str:
    return (
        f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )


def shared_strings_xml(strings: list[str]) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return f'<sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>'


def workbook(
    sheets: dict[str, str | bytes],
    shared_strings: str | bytes | None = None,
    styles: str | bytes = STYLES,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An .xlsx of `sheets` (name → worksheet XML), in that order."""
    entries = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, start=1)
    )
    rels = [
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    ]
    rels.append(f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>')
    if shared_strings is not None:
        rels.append(
            f'<Relationship Id="rIdT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    parts = {
        "[Content_Types].xml": content_types(len(sheets), shared_strings is not None),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE_REL}">'
        + "".join(rels)
        + "</Relationships>",
        "xl/styles.xml": styles,
    }
    for i, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    return zipped(parts)


def content_types(sheets: int, shared_strings: bool) -> str:
    """The manifest openpyxl (and Excel) look parts up in."""
    overrides = [("/xl/workbook.xml", "sheet.main"), ("/xl/styles.xml", "styles")]
    overrides += [(f"/xl/worksheets/sheet{i}.xml", "worksheet") for i in range(1, sheets + 1)]
    if shared_strings:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings"))
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="{name}" ContentType="{TYPES}.{kind}+xml"/>'
            for name, kind in overrides
        )
        + "</Types>"
    )


def zipped(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return out.getvalue()


def replace_part(data: bytes, name: str, content: str | bytes) -> bytes:
    """`data` with one part replaced (or added)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {item: archive.read(item) for item in archive.namelist()}
    parts[name] = content
    return zipped(parts)


def read_part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


PLAN_HEADER = ["Ref", "Policy Area", "Individual Commitment", "SMT Lead"]
STATUS_HEADER = ["Ref", "Quarter", "RAG", "Update", "Red For Resourcing"]


def plan(commitments: list[list], statuses: list[list] | None = None, **kw) -> bytes:
    """A plan workbook of these rows under the usual headers."""
    sheets = {"Commitments": rows_xml([PLAN_HEADER, *commitments])}
    if statuses is not None:
        sheets["Quarterly Status"] = rows_xml([STATUS_HEADER, *statuses])
    return workbook(sheets, **kw)
