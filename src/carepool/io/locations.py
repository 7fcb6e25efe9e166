"""Naming the place in a file where a problem is, the same way for every importer.

A field reads like ``ukpop.xls: MYE2 - Persons: row 12: 65`` (file, sheet, the row number as
Excel shows it, the column heading), so a person can open the file and go straight to it.
"""

from __future__ import annotations

from carepool.core.errors import ErrorCollector, ValidationFailed

# Beyond this many problems a file is almost certainly the wrong file or shifted by a column;
# listing thousands of errors would hide that.
MAX_ERRORS = 50


def where(
    source: str, sheet: str | None = None, row: int | None = None, column: str | None = None
) -> str:
    parts = [source]
    if sheet:
        parts.append(sheet)
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(column)
    return ": ".join(parts)


class FileErrors:
    """Collects every problem in a file (up to ``MAX_ERRORS``) before refusing it."""

    def __init__(self, source: str, sheet: str | None = None) -> None:
        self.source = source
        self.sheet = sheet
        self._errors = ErrorCollector()
        self._extra = 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(self._errors) >= MAX_ERRORS:
            self._extra += 1
            return
        self._errors.add(where(self.source, self.sheet, row, column), message)

    def __len__(self) -> int:
        return len(self._errors) + self._extra

    def raise_if_any(self) -> None:
        if self._extra:
            self._errors.add(
                where(self.source, self.sheet),
                f"and {self._extra:,} more problems not listed; is this the right file?",
            )
        self._errors.raise_if_any()

    def refuse(
        self, message: str, row: int | None = None, column: str | None = None
    ) -> ValidationFailed:
        """A single problem that stops the file being read at all."""
        return ValidationFailed.single(where(self.source, self.sheet, row, column), message)
