""".xlsx workbooks read as a stream, within fixed limits of what one may cost.

openpyxl reads every shared string before the first row, trusts a sheet's declared size
and stops at the first cell it cannot read. Here each part is parsed once, by expat, in
chunks: a DTD is refused outright (so no entity can be declared, let alone expanded), a
limit passed stops the parse at once, and a cell that cannot be read becomes a problem on
that cell while the rest of the sheet is still read.
"""

import datetime
import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

from riskreg.shared.texts import whole

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20_000  # a sheet's last row, whatever its declared size says
MAX_COLUMNS = 200  # a value past column GR refuses its sheet
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
# What one workbook may cost in all, however its parts are shaped.
LIMITS = {
    "bytes": (MAX_UNPACKED_BYTES, "bytes of XML"),
    "elements": (2_000_000, "XML elements"),
    "cells": (500_000, "cells"),
    "strings": (200_000, "different texts"),
    "text": (20_000_000, "characters of text"),
}
MAX_SHEETS = 1_000
MAX_RELATIONSHIPS = 10_000
MAX_STYLES = 65_000  # cell styles, and number formats; Excel's own limit is 64,000
MAX_DEPTH = 50
MAX_TOKEN_BYTES = 1024 * 1024  # XML read without a single event: one giant tag or comment
CHUNK_BYTES = 64 * 1024
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
REFERENCE = re.compile(r"([A-Z]{1,3})(\d{1,7})", re.ASCII)


# What reading a damaged part can raise, beyond expat's own error.
DAMAGE = (
    expat.ExpatError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    RuntimeError,
    NotImplementedError,
    OSError,
)


class WorkbookRefused(Exception):
    """The file cannot be read as a workbook at all; nothing was written."""


class SheetRefused(Exception):
    """A sheet cannot be read to its end; the message says which and where."""


@dataclass
class Cell:
    column: int  # 1 for column A
    value: object = None
    problem: str = ""  # why the value could not be read; the value is then None


def shown(text: str) -> str:
    """A value quoted in a message, cut short if it is long."""
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def local(name: str) -> str:
    """An element or attribute name without its namespace prefix."""
    return name.rpartition(":")[2]


def attributes(attrs: dict) -> dict:
    return {local(key): value for key, value in attrs.items()}


class Text:
    """The text of one cell or shared string as it arrives, within the workbook's budget."""

    def __init__(self, book: "Workbook"):
        self.book, self.pieces, self.length = book, [], 0

    def add(self, text: str) -> None:
        self.length += len(text)
        if self.length <= MAX_CELL_CHARS:  # past it, the rest is not kept
            self.book.spend("text", len(text))
            self.pieces.append(text)

    @property
    def too_long(self) -> bool:
        return self.length > MAX_CELL_CHARS

    def __str__(self) -> str:
        return "".join(self.pieces)


class Part:
    """The elements of one XML part; subclasses keep what they need of them."""

    def __init__(self, book: "Workbook"):
        self.book = book
        self.depth = 0
        self.events = 0
        self.into: Text | None = None  # where character data goes, if anywhere

    def handle_start(self, name: str, attrs: dict) -> None:
        self.depth += 1
        self.events += 1
        self.book.spend("elements", 1)
        if self.depth > MAX_DEPTH:
            raise expat.ExpatError(f"its XML nests over {MAX_DEPTH} elements deep")
        self.start(local(name), attrs)

    def handle_end(self, name: str) -> None:
        self.depth -= 1
        self.events += 1
        self.end(local(name))

    def handle_text(self, text: str) -> None:
        self.events += 1
        if self.into is not None:
            self.into.add(text)

    def start(self, name: str, attrs: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass


def at_most(count: int, limit: int, what: str) -> None:
    if count >= limit:
        raise WorkbookRefused(f"The workbook has over {limit:,} {what}, so it was refused.")


def refuse_dtd(*args) -> None:
    raise WorkbookRefused(
        "The workbook was refused as unsafe or damaged: its XML declares entities."
    )


def parse(stream, part: Part) -> Iterator[None]:
    """Feed `stream` to `part` a chunk at a time, pausing after each chunk."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = part.handle_start
    parser.EndElementHandler = part.handle_end
    parser.CharacterDataHandler = part.handle_text
    quiet = 0
    while chunk := stream.read(CHUNK_BYTES):
        part.book.spend("bytes", len(chunk))
        before = part.events
        parser.Parse(chunk, False)
        quiet = quiet + len(chunk) if part.events == before else 0
        if quiet > MAX_TOKEN_BYTES:
            raise expat.ExpatError("one piece of its XML runs on for over 1 MB")
        yield
    parser.Parse(b"", True)
    yield


class Relationships(Part):
    def __init__(self, book):
        super().__init__(book)
        self.targets: dict[str, tuple[str, str]] = {}  # id → (kind, target)

    def start(self, name, attrs):
        attrs = attributes(attrs)
        if name == "Relationship" and attrs.get("TargetMode") != "External":
            at_most(len(self.targets), MAX_RELATIONSHIPS, "relationships between its parts")
            kind = attrs.get("Type", "").rpartition("/")[2][:100]
            self.targets[attrs.get("Id", "")[:100]] = (kind, attrs.get("Target", "")[:1000])


class WorkbookPart(Part):
    def __init__(self, book):
        super().__init__(book)
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.date1904 = False

    def start(self, name, attrs):
        attrs = attributes(attrs)
        if name == "sheet":
            at_most(len(self.sheets), MAX_SHEETS, "sheets")
            self.sheets.append((attrs.get("name", "")[:100], attrs.get("id", "")[:100]))
        elif name == "workbookPr":
            self.date1904 = attrs.get("date1904", "0").lower() in {"1", "true"}


class Styles(Part):
    """Which cell styles show a number as a date."""

    def __init__(self, book):
        super().__init__(book)
        self.date_formats = {n for n, code in BUILTIN_FORMATS.items() if is_date_format(code)}
        self.formats = 0
        self.in_cell_xfs = False
        self.cell_formats: list[int] = []  # each cell style's number format

    def start(self, name, attrs):
        attrs = attributes(attrs)
        number = attrs.get("numFmtId", "")
        number = whole(number, -1)
        if name == "numFmt":
            self.formats += 1
            at_most(self.formats, MAX_STYLES, "number formats")
            if is_date_format(attrs.get("formatCode", "")):
                self.date_formats.add(number)
            else:
                self.date_formats.discard(number)
        elif name == "cellXfs":
            self.in_cell_xfs = True
        elif name == "xf" and self.in_cell_xfs:
            at_most(len(self.cell_formats), MAX_STYLES, "cell styles")
            self.cell_formats.append(number)

    def end(self, name):
        if name == "cellXfs":
            self.in_cell_xfs = False

    def date_styles(self) -> set[int]:
        return {i for i, number in enumerate(self.cell_formats) if number in self.date_formats}


class SharedStrings(Part):
    def __init__(self, book):
        super().__init__(book)
        self.strings: list[str] = []
        self.item: Text | None = None
        self.phonetic = False  # a reading guide (<rPh>), not part of the text

    def start(self, name, attrs):
        if name == "si":
            self.item = Text(self.book)
        elif name == "rPh":
            self.phonetic = True
        elif name == "t" and not self.phonetic:
            self.into = self.item

    def end(self, name):
        if name == "t":
            self.into = None
        elif name == "rPh":
            self.phonetic = False
        elif name == "si" and self.item is not None:
            if self.item.too_long:
                raise WorkbookRefused(
                    f"A text in the workbook is over {MAX_CELL_CHARS:,} characters, more than "
                    "Excel allows in a cell, so it was refused."
                )
            self.book.spend("strings", 1)
            self.strings.append(str(self.item))
            self.item = None


class Sheet(Part):
    """Rows of one worksheet as (number, cells), handed over as each chunk is parsed."""

    def __init__(self, book, name: str):
        super().__init__(book)
        self.name = name
        self.finished: list[tuple[int, list[Cell]]] = []
        self.row = 0  # the last row begun
        self.done = 0  # the last row read to its end
        self.cells: list[Cell] | None = None  # the row being read
        self.column = 0  # the column of the row's last cell, empty or not
        self.cell: Cell | None = None
        self.kind, self.style, self.formula, self.phonetic = "n", 0, False, False
        self.value: Text | None = None
        self.inline: Text | None = None

    def start(self, name, attrs):
        if name == "row":
            self.open_row(attributes(attrs).get("r"))
        elif name == "c" and self.cells is not None:
            self.open_cell(attributes(attrs))
        elif self.cell is None:
            return
        elif name == "v":
            self.value = self.into = Text(self.book)
        elif name == "t" and not self.phonetic:
            self.inline = self.inline or Text(self.book)
            self.into = self.inline
        elif name == "f":
            self.formula = True
        elif name == "rPh":
            self.phonetic = True

    def end(self, name):
        if name in ("v", "t"):
            self.into = None
        elif name == "rPh":
            self.phonetic = False
        elif name == "c" and self.cell is not None:
            self.close_cell()
        elif name == "row" and self.cells is not None:
            self.finished.append((self.row, self.cells))
            self.cells, self.done = None, self.row

    def refuse(self, why: str) -> None:
        raise SheetRefused(f"Sheet '{self.name}', row {self.row}: {why}, so it was not read.")

    def open_row(self, number: str | None) -> None:
        if number is None:
            number = str(self.row + 1)
        if whole(number, -1) <= self.row:
            self.refuse(f"the next row is numbered {shown(number)}, out of order")
        self.row = whole(number, -1)
        if self.row > MAX_ROWS:
            raise SheetRefused(
                f"Sheet '{self.name}' has over {MAX_ROWS:,} rows, so it was refused."
            )
        self.cells, self.column = [], 0

    def open_cell(self, attrs: dict) -> None:
        self.book.spend("cells", 1)
        reference = attrs.get("r")
        if reference is None:
            column = self.column + 1
        else:
            match = REFERENCE.fullmatch(reference.upper())
            if match is None or whole(match[2], -1) != self.row:
                self.refuse(f"{shown(reference)} is not a cell of this row")
            column = column_number(match[1])
        self.cell, self.column = Cell(column), column
        self.kind = attrs.get("t", "n")
        style = attrs.get("s", "0")
        self.style = whole(style, 0)
        self.formula, self.value, self.inline = False, None, None

    def close_cell(self) -> None:
        cell = self.cell
        self.cell = None
        if self.formula:
            cell.problem = "a formula is not accepted: paste the value"
        elif any(text is not None and text.too_long for text in (self.value, self.inline)):
            cell.problem = (
                f"the cell holds over {MAX_CELL_CHARS:,} characters, more than Excel allows"
            )
        elif self.kind == "inlineStr":
            cell.value = str(self.inline) if self.inline is not None else None
        elif self.value is not None and str(self.value).strip():  # <v></v> is an empty cell
            cell.value, cell.problem = self.book.value_of(self.kind, str(self.value), self.style)
        if cell.value is None and not cell.problem:
            return  # an empty cell, however it is styled
        if cell.column > MAX_COLUMNS:
            self.refuse(
                f"column {get_column_letter(cell.column)} holds a value, past the "
                f"{MAX_COLUMNS} columns riskreg reads"
            )
        self.cells.append(cell)


def open_zip(data: bytes) -> zipfile.ZipFile:
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused("The file is over 10 MB: split it or remove what is not needed.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise WorkbookRefused("The file is not an Excel workbook (.xlsx).") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRefused("The workbook unpacks to over 100 MB, so it was refused.")
    return archive


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def resolve(base: str, target: str) -> str:
    """A relationship's target as a path inside the zip."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def relationships_of(path: str) -> str:
    folder, name = posixpath.split(path)
    return posixpath.join(folder, "_rels", f"{name}.rels")


class Workbook:
    """An .xlsx file: its sheet names, shared strings and date styles, read when opened;
    each sheet's rows streamed by `rows(name)`."""

    def __init__(self, data: bytes):
        self.archive = open_zip(data)
        self.spent = dict.fromkeys(LIMITS, 0)
        main, parts = self.main_part()
        book = self.read(WorkbookPart(self), main)
        self.sheets = {
            name: parts[key][1]
            for name, key in book.sheets
            if parts.get(key, ("",))[0] == "worksheet"
        }
        self.epoch = MAC_EPOCH if book.date1904 else WINDOWS_EPOCH
        by_kind = {kind: path for kind, path in parts.values()}
        self.date_styles: set[int] = set()
        if "styles" in by_kind:
            self.date_styles = self.read(Styles(self), by_kind["styles"]).date_styles()
        self.shared_strings: list[str] = []
        if "sharedStrings" in by_kind:
            self.shared_strings = self.read(SharedStrings(self), by_kind["sharedStrings"]).strings

    def main_part(self) -> tuple[str, dict[str, tuple[str, str]]]:
        """The workbook part's path, and its relationships: id → (kind, path)."""
        root = self.read(Relationships(self), "_rels/.rels", required=False).targets
        main = next((t for kind, t in root.values() if kind == "officeDocument"), "xl/workbook.xml")
        main = resolve("", main)
        targets = self.read(Relationships(self), relationships_of(main)).targets
        folder = posixpath.dirname(main)
        return main, {key: (kind, resolve(folder, t)) for key, (kind, t) in targets.items()}

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def sheet_named(self, name: str) -> str | None:
        """The sheet called `name`, in any case."""
        return next((s for s in self.sheets if s.lower() == name.lower()), None)

    def spend(self, what: str, amount: int) -> None:
        self.spent[what] += amount
        limit, unit = LIMITS[what]
        if self.spent[what] > limit:
            raise WorkbookRefused(
                f"The workbook holds over {limit:,} {unit}, more than riskreg reads, "
                "so it was refused: import a workbook as the export writes it."
            )

    def read(self, part: Part, path: str, required: bool = True) -> Part:
        """`part` after parsing the whole of `path`."""
        if path not in self.archive.NameToInfo and not required:
            return part
        try:
            with self.archive.open(path) as stream:
                for _ in parse(stream, part):
                    pass
        except DAMAGE as error:
            raise WorkbookRefused(
                f"The file is not a readable Excel workbook: its part {shown(path)} "
                f"is damaged ({error})."
            ) from None
        return part

    def rows(self, name: str) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells holding a value or a problem) for each row of sheet `name`."""
        sheet = Sheet(self, name)
        try:
            with self.archive.open(self.sheets[name]) as stream:
                for _ in parse(stream, sheet):
                    finished, sheet.finished = sheet.finished, []
                    yield from finished
        except DAMAGE as error:
            where = f" after row {sheet.done}" if sheet.done else ""
            raise SheetRefused(
                f"Sheet '{name}' is damaged{where}, so it was not read: {error}"
            ) from None

    def value_of(self, kind: str, text: str, style: int) -> tuple[object, str]:
        """A cell's value from its type and the text of its <v>, or why it has none."""
        if kind == "n":
            return self.number(text, style)
        if kind == "s":
            index = text.strip()
            if 0 <= whole(index, -1) < len(self.shared_strings):
                return self.shared_strings[whole(index, -1)], ""
            return None, f"shared string {index[:20]} does not exist in this workbook"
        if kind == "str":
            return text, ""
        if kind == "b" and text.strip() in {"0", "1"}:
            return text.strip() == "1", ""
        if kind == "b":
            return None, f"{shown(text)} is marked as true or false but is neither"
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(text.strip()), ""
            except ValueError:
                return None, f"{shown(text)} is not a date"
        if kind == "e":
            return None, f"the cell holds the error {text[:20]}: type the value instead"
        return None, f"the cell's type {shown(kind)} is not one a workbook may use"

    def number(self, text: str, style: int) -> tuple[object, str]:
        text = text.strip()
        if len(text) > 40 or not NUMBER.fullmatch(text):
            return None, f"{shown(text)} is marked as a number but is not one"
        value = float(text) if any(c in text for c in ".eE") else int(text)
        if not math.isfinite(value):
            return None, f"{shown(text)} is too large a number"
        if style not in self.date_styles:
            return value, ""
        try:
            return from_excel(value, self.epoch), ""
        except (ValueError, OverflowError):
            return None, f"{shown(text)} is not a date Excel can show"
