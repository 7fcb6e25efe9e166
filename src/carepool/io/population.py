"""Importing ONS mid-year population estimates by single year of age (sheet "MYE2 - Persons").

The ONS workbooks differ from year to year in where the table starts (the heading row is
found by the cell "Code" in column A), in the geography column's heading ("Geography" or
"Geography1") and in whether age headings are text or numbers. The mid-year comes from the
sheet's title ("... mid-2020"), found in the rows above the heading; a sheet without one is
refused rather than guessed from the file name. "90+" is stored as age 90 (90 and over).

Every geography in the sheet is loaded: countries, regions, counties and local authorities.
Each row's single years of age must add up to its "All ages" figure. A footnote block after
a blank row ends the table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from carepool.audit.models import Action, Interface
from carepool.audit.services import Actor, Change, record_many
from carepool.core.errors import ValidationFailed
from carepool.core.population import OPEN_AGE
from carepool.io.locations import FileErrors
from carepool.io.results import ImportResult, Progress, no_progress
from carepool.organisations.models import PopulationEstimate

SHEET = "MYE2 - Persons"
AGES = tuple(range(OPEN_AGE + 1))  # 0..89 and 90 meaning "90 and over"
BATCH_SIZE = 2000

_MID_YEAR = re.compile(r"\bmid[-\s]?(?:year\s+)?((?:19|20)\d{2})\b", re.IGNORECASE)
_GEOGRAPHY_CODE = re.compile(r"^[EKWSN][0-9]{8}$")


def age_heading(age: int) -> str:
    return f"{OPEN_AGE}+" if age == OPEN_AGE else str(age)


@dataclass(frozen=True)
class GeographyEstimate:
    row: int  # as Excel numbers it
    code: str
    name: str
    geography: str  # "Country", "Region", "County", "Metropolitan District", ...
    all_ages: int
    persons: tuple[int, ...]  # index = age; the last is 90 and over


@dataclass(frozen=True)
class PopulationTable:
    source: str
    sheet: str
    estimate_year: int
    geographies: tuple[GeographyEstimate, ...]


def _heading(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _count(value: Any) -> int | None:
    """A whole, non-negative count from a cell, or None when the cell holds anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value < 0 or not float(value).is_integer():
            return None
        return int(value)
    text = str(value).strip().replace(",", "")
    return int(text) if text.isdigit() else None


def _find_estimate_year(rows: Sequence[Sequence[Any]], errors: FileErrors) -> int | None:
    years: dict[int, int] = {}
    for number, row in enumerate(rows, start=1):
        for value in row:
            if isinstance(value, str):
                for match in _MID_YEAR.finditer(value):
                    years.setdefault(int(match[1]), number)
    if not years:
        errors.add(
            "cannot find the mid-year of the estimates: expected a title like "
            "'... for local authorities in the UK, mid-2020' above the heading row"
        )
        return None
    if len(years) > 1:
        found = ", ".join(f"mid-{y} (row {r})" for y, r in sorted(years.items()))
        errors.add(f"the title names more than one mid-year: {found}")
        return None
    return next(iter(years))


def parse_population_rows(
    rows: Sequence[Sequence[Any]], source: str, sheet: str = SHEET
) -> PopulationTable:
    """Validate a MYE2 sheet given as rows of cell values (as xlrd returns them).

    Raises ``ValidationFailed`` listing every problem, each naming file, sheet, row and column.
    """
    errors = FileErrors(source, sheet)
    header_index = next(
        (i for i, row in enumerate(rows) if row and _heading(row[0]) == "Code"), None
    )
    if header_index is None:
        raise errors.refuse("no heading row: expected a row whose first cell is 'Code'")
    header_row = header_index + 1
    estimate_year = _find_estimate_year(rows[:header_index], errors)

    columns: dict[str, int] = {}
    for i, value in enumerate(rows[header_index]):
        heading = _heading(value)
        if heading.startswith("Geography"):  # "Geography" or "Geography1" (with a footnote)
            heading = "Geography"
        if heading and heading not in columns:
            columns[heading] = i
    wanted = ["Code", "Name", "Geography", "All ages", *(age_heading(a) for a in AGES)]
    for heading in wanted:
        if heading not in columns:
            errors.add("this column is missing from the heading row", header_row, heading)
    errors.raise_if_any()
    age_columns = [columns[age_heading(a)] for a in AGES]

    def cell(row: Sequence[Any], index: int) -> Any:
        return row[index] if index < len(row) else ""

    geographies: list[GeographyEstimate] = []
    first_seen: dict[str, int] = {}
    table_ended_at: int | None = None
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        number = index + 1
        code = _heading(cell(row, columns["Code"])).upper()
        if table_ended_at is not None:
            if _GEOGRAPHY_CODE.match(code):
                errors.add(
                    f"data after the blank row {table_ended_at}, which ends the table; "
                    "remove the blank row",
                    number,
                    "Code",
                )
            continue
        if not code:
            table_ended_at = number
            continue
        if not _GEOGRAPHY_CODE.match(code):
            errors.add(f"'{code}' is not a GSS geography code, like E08000035", number, "Code")
            continue
        if code in first_seen:
            errors.add(f"'{code}' appears twice (first in row {first_seen[code]})", number, "Code")
            continue
        first_seen[code] = number
        problem = False
        all_ages = _count(cell(row, columns["All ages"]))
        if all_ages is None:
            errors.add(
                f"'{cell(row, columns['All ages'])}' is not a count of persons", number, "All ages"
            )
            problem = True
        persons: list[int] = []
        for age, column in zip(AGES, age_columns, strict=True):
            count = _count(cell(row, column))
            if count is None:
                errors.add(
                    f"'{cell(row, column)}' is not a count of persons", number, age_heading(age)
                )
                problem = True
            else:
                persons.append(count)
        if problem:
            continue
        assert all_ages is not None
        if sum(persons) != all_ages:
            errors.add(
                f"the single years of age add up to {sum(persons):,} but All ages is {all_ages:,}",
                number,
                "All ages",
            )
            continue
        geographies.append(
            GeographyEstimate(
                row=number,
                code=code,
                name=str(cell(row, columns["Name"])).strip(),
                geography=str(cell(row, columns["Geography"])).strip(),
                all_ages=all_ages,
                persons=tuple(persons),
            )
        )
    if not geographies and not len(errors):
        errors.add("has no rows of estimates below the heading row")
    errors.raise_if_any()
    assert estimate_year is not None
    return PopulationTable(source, sheet, estimate_year, tuple(geographies))


def read_population_sheet(path: Path, sheet: str = SHEET) -> list[list[Any]]:
    """The sheet's cell values, row by row. Refuses a file that is not an .xls workbook."""
    import xlrd  # imported here so that only population imports need it loaded

    source = path.name
    if not path.is_file():
        raise ValidationFailed.single(source, f"no such file: {path}")
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises several types for files it cannot read
        raise ValidationFailed.single(
            source, f"cannot be read as an Excel 97-2003 workbook (.xls): {exc}"
        ) from None
    try:
        names = {name.strip(): name for name in book.sheet_names()}
        if sheet not in names:
            raise ValidationFailed.single(
                source,
                f"has no sheet called '{sheet}'; its sheets are: " + ", ".join(names),
            )
        table = book.sheet_by_name(names[sheet])
        return [table.row_values(i) for i in range(table.nrows)]
    finally:
        book.release_resources()


def _audit_changes(before: dict[int, int], after: Sequence[int]) -> dict[str, list[Any]]:
    return {
        age_heading(age): [before.get(age), persons]
        for age, persons in enumerate(after)
        if before.get(age) != persons
    }


def import_population(
    path: str | Path, actor: Actor | None = None, progress: Progress = no_progress
) -> ImportResult:
    """Load a MYE2 sheet. One transaction; one audit event per geography whose figures change.

    Rows already loaded with the same figures are counted unchanged and left alone; rows with
    different figures are updated (and the change audited), never replaced silently.
    """
    path = Path(path)
    actor = actor or Actor.system(Interface.IMPORT)
    progress(0, 1, "reading")
    table = parse_population_rows(read_population_sheet(path), path.name)
    source = path.name
    year = table.estimate_year
    total = len(table.geographies)
    created = updated = unchanged = 0
    changes: list[Change] = []
    with transaction.atomic():
        existing: dict[str, dict[int, tuple[int, int]]] = {}
        for pk, code, age, persons in PopulationEstimate.objects.filter(
            estimate_year=year
        ).values_list("pk", "geography_code", "age", "persons"):
            existing.setdefault(code, {})[age] = (pk, persons)
        to_create: list[PopulationEstimate] = []
        to_update: list[PopulationEstimate] = []
        for done, geography in enumerate(table.geographies, start=1):
            loaded = existing.get(geography.code, {})
            for age, persons in enumerate(geography.persons):
                if age not in loaded:
                    to_create.append(
                        PopulationEstimate(
                            geography_code=geography.code,
                            estimate_year=year,
                            age=age,
                            persons=persons,
                            source=source,
                        )
                    )
                elif loaded[age][1] != persons:
                    to_update.append(
                        PopulationEstimate(
                            pk=loaded[age][0],
                            geography_code=geography.code,
                            estimate_year=year,
                            age=age,
                            persons=persons,
                            source=source,
                        )
                    )
                else:
                    unchanged += 1
            before = {age: persons for age, (_pk, persons) in loaded.items()}
            diff = _audit_changes(before, geography.persons)
            if diff:
                changes.append(
                    Change(
                        Action.UPDATE if loaded else Action.CREATE,
                        "population_estimate",
                        f"{geography.code}/mid-{year}",
                        f"{geography.name} ({geography.code}) mid-{year} population by age",
                        {**diff, "source": [None, source]} if not loaded else diff,
                        summary=f"ONS mid-{year} estimates from {source}, {SHEET} row "
                        f"{geography.row}",
                    )
                )
            if done % 20 == 0 or done == total:
                progress(done, total, "checking")
        created, updated = len(to_create), len(to_update)
        written = 0
        for start in range(0, len(to_create), BATCH_SIZE):
            batch = to_create[start : start + BATCH_SIZE]
            PopulationEstimate.objects.bulk_create(batch)
            written += len(batch)
            progress(written, created + updated, "writing")
        if to_update:
            PopulationEstimate.objects.bulk_update(to_update, ["persons", "source"], batch_size=500)
            progress(created + updated, created + updated, "writing")
        events = record_many(actor, changes)
    return ImportResult(
        what="population estimates",
        source=source,
        created=created,
        updated=updated,
        unchanged=unchanged,
        audit_events=events,
        details={"estimate_year": year, "sheet": SHEET, "geographies": total},
    )
