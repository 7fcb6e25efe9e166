"""Reading a partner's monthly actuals file, CSV or .xlsx, a row at a time
(docs/ledger-imports.md).

The readers stream: a CSV is decoded as it is read, a workbook is read with openpyxl's
read-only mode (values only), so memory does not grow with the file. Each call to ``rows()``
starts from the top again.

What the readers refuse, naming the file and where in it:
- a CSV that is not UTF-8 (with or without a byte-order mark);
- a workbook cell holding a formula with no computed value (saved by a program that does not
  calculate), by sheet, row and column;
- a heading row with a column missing, not known or given twice.
Everything about a row's values is the core's (``carepool.core.actuals.parse_line``).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from carepool.core.actuals import COLUMNS, REQUIRED_COLUMNS, check_headings
from carepool.core.errors import FieldError, ValidationFailed

SHEET = "Actuals"  # the sheet read from a workbook when it has one; otherwise the first
LAYOUT = "docs/ledger-imports.md"

Row = tuple[int, dict[str, str] | list[FieldError]]


class ActualsReader:
    """A file of actuals. ``rows()`` yields ``(line, cells)`` from the first line after the
    headings (line numbers as a text editor or Excel shows them, headings are line 1), where
    ``cells`` maps each column to its text, or lists what could not be read in that row."""

    file_name: str
    sheet: str | None = None

    def where(self, line: int | None = None, column: str | None = None) -> str:
        parts = [self.file_name]
        if self.sheet:
            parts.append(self.sheet)
        if line is not None:
            parts.append(f"line {line}" + (f", {column}" if column else ""))
        return ": ".join(parts)

    def refuse(self, message: str, line: int | None = None) -> ValidationFailed:
        return ValidationFailed.single(self.where(line), message)

    def rows(self) -> Iterator[Row]:
        raise NotImplementedError

    def _columns(self, headings: list[Any]) -> list[tuple[str, int]]:
        at, problems = check_headings(["" if h is None else str(h) for h in headings])
        if problems:
            raise self.refuse(
                "The first line must hold the headings "
                + ", ".join(REQUIRED_COLUMNS)
                + " (and optionally order), in any order; "
                + "; ".join(problems)
                + f". The layout is in {LAYOUT}",
                line=1,
            )
        return [(name, at[name]) for name in COLUMNS if name in at]


class CsvActuals(ActualsReader):
    """A CSV file in UTF-8 (a byte-order mark, as Excel's "CSV UTF-8" writes, is allowed)."""

    def __init__(self, file_name: str, data: BinaryIO) -> None:
        self.file_name = file_name
        self.data = data

    def rows(self) -> Iterator[Row]:
        self.data.seek(0)
        head = self.data.read(4)
        self.data.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise self.refuse(self._not_utf8('it is UTF-16 (Excel\'s "Unicode Text")'))
        reader = csv.reader(self._decoded())
        try:
            yield from self._read(reader)
        except csv.Error as exc:
            raise self.refuse(f"This is not a CSV file Carepool can read: {exc}") from None

    def _decoded(self) -> Iterator[str]:
        """The file's lines as text, each decoded as read (so a bad byte names its line)."""
        for number, raw in enumerate(self.data, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise self.refuse(
                    self._not_utf8("a character on this line is not UTF-8"), line=number
                ) from None
            yield text[1:] if number == 1 and text.startswith("\ufeff") else text

    def _not_utf8(self, why: str) -> str:
        return (
            f"The file must be UTF-8 text, and is not ({why}); in Excel use Save As, "
            "'CSV UTF-8 (Comma delimited)'"
        )

    def _read(self, reader: Any) -> Iterator[Row]:
        columns: list[tuple[str, int]] | None = None
        for cells in reader:
            if columns is None:
                if not any(c.strip() for c in cells):
                    continue
                columns = self._columns(cells)
                continue
            try:
                row = {name: cells[i] for name, i in columns}
            except IndexError:
                if not any(c.strip() for c in cells):
                    continue
                row = {name: (cells[i] if i < len(cells) else "") for name, i in columns}
            yield reader.line_num, row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps numbers as floats: read them as their shortest decimal text, so 0.1
        # is "0.1", and 12.345 is refused by the amount rule rather than rounded.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class XlsxActuals(ActualsReader):
    """An Excel workbook: the sheet called "Actuals" if there is one, else the first."""

    def __init__(self, file_name: str, data: BinaryIO) -> None:
        self.file_name = file_name
        self.data = data

    def _open(self, data_only: bool) -> Any:
        from zipfile import BadZipFile

        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        self.data.seek(0)
        try:
            return load_workbook(self.data, read_only=True, data_only=data_only)
        except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
            raise self.refuse(
                "Carepool cannot open this as an Excel workbook (.xlsx): it is damaged or is "
                f"another kind of file ({type(exc).__name__}); save it again as .xlsx, or as "
                "CSV UTF-8"
            ) from None

    def rows(self) -> Iterator[Row]:
        from openpyxl.utils import get_column_letter

        values = self._open(data_only=True)
        formulas = self._open(data_only=False)
        try:
            sheet = values[SHEET] if SHEET in values.sheetnames else values.worksheets[0]
            self.sheet = sheet.title
            formula_rows = formulas[sheet.title].iter_rows(values_only=True)
            columns: list[tuple[str, int]] | None = None
            for number, (cells, written) in enumerate(
                zip(sheet.iter_rows(values_only=True), formula_rows, strict=False), start=1
            ):
                if columns is None:
                    if all(c is None or str(c).strip() == "" for c in cells):
                        continue
                    columns = self._columns(list(cells))
                    continue
                problems = [
                    FieldError(
                        self.where(number, name),
                        f"cell {get_column_letter(i + 1)}{number} holds a formula with no "
                        "computed value (the workbook was saved by a program that does not "
                        "calculate); open it in Excel, let it calculate, and save it again",
                    )
                    for name, i in columns
                    if i < len(cells)
                    and cells[i] is None
                    and i < len(written)
                    and isinstance(written[i], str)
                    and written[i].startswith("=")
                ]
                if problems:
                    yield number, problems
                    continue
                row = {name: _text(cells[i]) if i < len(cells) else "" for name, i in columns}
                if not any(v.strip() for v in row.values()):
                    continue
                yield number, row
        finally:
            values.close()
            formulas.close()


def open_actuals(file_name: str, data: BinaryIO) -> ActualsReader:
    """The reader for ``data`` by its name (.csv or .xlsx); ``data`` must be seekable."""
    lower = file_name.lower()
    if lower.endswith(".xlsx"):
        return XlsxActuals(file_name, data)
    if lower.endswith(".csv") or lower.endswith(".txt"):
        return CsvActuals(file_name, data)
    raise ValidationFailed.single(
        file_name, f"Give a .csv or .xlsx file of actuals (the layout is in {LAYOUT})"
    )
