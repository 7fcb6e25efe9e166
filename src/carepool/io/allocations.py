"""Importing a year's per-area minimum allocations (docs/allocations.md).

A CSV or Excel (.xlsx) file with one row per area and allocation line (a funding stream's
minimum, or a minimum spend such as the NHS minimum on adult social care) and, for each line,
a row for England (``E92000001``) stating the national total. The file is refused whole, every
problem listed with its row and column, when a row names an unknown area or line, an amount is
not money, a line appears twice for an area, or an area rows do not add up to the stated
national total. An accepted file replaces the year's allocations in one transaction, audited
as one batch.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from carepool.accounts.models import Role
from carepool.accounts.permissions import require_role
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, record
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.core.periods import FinancialYear
from carepool.core.rules import Programme, load_rules
from carepool.io.locations import FileErrors
from carepool.io.results import ImportResult
from carepool.organisations.models import Area
from carepool.plans.models import AllocationBatch, MinimumAllocation

ENGLAND = "E92000001"
COLUMNS = ("area_code", "line", "amount")
OPTIONAL_COLUMNS = ("area_name",)


@dataclass(frozen=True)
class AllocationRow:
    row: int  # as the spreadsheet numbers it (the heading is row 1)
    area_code: str
    line: str
    amount: Money


@dataclass(frozen=True)
class AllocationFile:
    year: FinancialYear
    programme: Programme
    rows: tuple[AllocationRow, ...]  # one per area and line
    national_totals: dict[str, Money]  # line -> stated national total

    def totals(self) -> dict[str, Money]:
        sums: dict[str, Money] = defaultdict(Money.zero)
        for r in self.rows:
            sums[r.line] += r.amount
        return dict(sums)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel stores numbers as floats; money is read from their shortest decimal text, and
        # refused by the money parser if that has fractions of a penny.
        return repr(value)
    return str(value).strip()


def read_table(
    path: Path, preferred_sheet: str = "Allocations"
) -> tuple[str | None, list[list[str]]]:
    """The sheet name (None for CSV) and the rows of text, heading first. From a workbook:
    the sheet called ``preferred_sheet``, else the first."""
    if path.suffix.lower() == ".xlsx":
        from zipfile import BadZipFile

        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
            # Not a workbook at all (a renamed CSV, a damaged download), or one without the
            # parts every .xlsx has.
            raise ValidationFailed.single(
                path.name,
                "Carepool cannot open this as an Excel workbook (.xlsx): it is damaged or is "
                f"another kind of file ({type(exc).__name__}); save it again as .xlsx, or as "
                "CSV UTF-8",
            ) from None
        sheet = (
            workbook[preferred_sheet]
            if preferred_sheet in workbook.sheetnames
            else workbook.worksheets[0]
        )
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        title = sheet.title
        workbook.close()
        return title, rows
    if path.suffix.lower() != ".csv":
        raise ValidationFailed.single(
            path.name,
            "Give a .csv or .xlsx file (the layouts are in docs/allocations.md and docs/plans.md)",
        )
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.single(
            path.name, "The file is not UTF-8 text; save it as CSV UTF-8"
        ) from None
    return None, [[c.strip() for c in row] for row in csv.reader(text.splitlines())]


def parse_allocation_rows(
    rows: Sequence[Sequence[str]],
    source: str,
    year: FinancialYear,
    programme: Programme,
    known_areas: set[str],
    sheet: str | None = None,
) -> AllocationFile:
    errors = FileErrors(source, sheet)
    year_rules = load_rules().for_year(year, programme)
    if year_rules.provisional or year_rules.plan is None:
        raise errors.refuse(
            f"Carepool has no published {programme.label} plan rules for {year.label}, so it "
            "cannot tell which allocation lines the year has"
        )
    lines = {line.code: line.name for line in year_rules.plan.allocation_lines}
    if not rows:
        raise errors.refuse("The file is empty; the first row must be the headings")
    heading = [h.strip().lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in heading]
    if missing:
        raise errors.refuse(
            f"The first row must have the headings {', '.join(COLUMNS)} (missing: "
            f"{', '.join(missing)})",
            row=1,
        )
    at = {name: heading.index(name) for name in COLUMNS}
    parsed: list[AllocationRow] = []
    totals: dict[str, Money] = {}
    total_rows: dict[str, int] = {}  # line -> the row stating its national total
    first_rows: dict[str, int] = {}  # line -> its first area row
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        value = {name: (cells[i].strip() if i < len(cells) else "") for name, i in at.items()}
        ok = True
        area = value["area_code"].upper()
        if area != ENGLAND and area not in known_areas:
            errors.add(
                f"'{value['area_code']}' is not a Health and Wellbeing Board area in Carepool "
                f"(give its GSS code, or {ENGLAND} for the national total)",
                number,
                "area_code",
            )
            ok = False
        line = value["line"]
        if line not in lines:
            errors.add(
                f"'{line}' is not an allocation line of {year.label}; use one of: "
                + ", ".join(sorted(lines)),
                number,
                "line",
            )
            ok = False
        try:
            amount = parse.money(value["amount"], "amount")
        except ValidationFailed as exc:
            errors.add(exc.errors[0].message, number, "amount")
            ok = False
        if not ok:
            continue
        key = (area, line)
        if key in seen:
            errors.add(
                f"{area} already has a {line} row (row {seen[key]}); give each area and line once",
                number,
                "line",
            )
            continue
        seen[key] = number
        if area == ENGLAND:
            totals[line] = amount
            total_rows[line] = number
        else:
            parsed.append(AllocationRow(number, area, line, amount))
            first_rows.setdefault(line, number)
    result = AllocationFile(year, programme, tuple(parsed), totals)
    if not len(errors):
        sums = result.totals()
        for line in sorted(set(sums) | set(totals)):
            if line not in totals:
                errors.add(
                    f"No national total is stated for {line}: add a row for {ENGLAND} with the "
                    "national total, so the file can be checked",
                    first_rows.get(line),
                    "line",
                )
            elif line not in sums:
                errors.add(
                    f"A national total is stated for {line} but no area has a {line} row",
                    total_rows.get(line),
                    "line",
                )
            elif sums[line] != totals[line]:
                difference = sums[line] - totals[line]
                errors.add(
                    f"The {line} rows add up to {sums[line]}, but the stated national total is "
                    f"{totals[line]} (a difference of {difference}); nothing was imported",
                    total_rows.get(line),
                    "amount",
                )
    errors.raise_if_any()
    return result


def read_allocation_file(path: Path, year: FinancialYear, programme: Programme) -> AllocationFile:
    sheet, rows = read_table(path)
    known = set(Area.objects.values_list("code", flat=True))
    return parse_allocation_rows(rows, path.name, year, programme, known, sheet)


@transaction.atomic
def import_allocations(
    actor: Actor,
    path: Path,
    year: Any,
    source: Any,
    programme: Programme = Programme.BCF,
) -> ImportResult:
    """Replace the year's allocations with the file's, or refuse it whole. The national
    programme sets them: national assurers (or the system, for the demo) import."""
    if actor.user is not None:
        require_role(actor.user, Role.NATIONAL_ASSURER, "import minimum allocations")
    fy = parse.year(year)
    stated_source = parse.text(source, "source", required=True, max_length=300)
    allocation = read_allocation_file(path, fy, programme)
    areas = dict(Area.objects.values_list("code", "pk"))
    before = MinimumAllocation.objects.filter(programme=programme.value, year=fy.label)
    replaced = before.count()
    before.delete()
    national = sum(allocation.national_totals.values(), Money.zero())
    batch = AllocationBatch.objects.create(
        programme=programme.value,
        year=fy.label,
        file_name=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        national_total_pence=national.pence,
        rows=len(allocation.rows),
        source=stated_source,
        imported_by=actor.name,
    )
    MinimumAllocation.objects.bulk_create(
        [
            MinimumAllocation(
                batch=batch,
                programme=programme.value,
                year=fy.label,
                area_id=areas[r.area_code],
                line_code=r.line,
                amount_pence=r.amount.pence,
            )
            for r in allocation.rows
        ],
        batch_size=1000,
    )
    record(
        actor,
        Change(
            Action.CREATE,
            "allocation_batch",
            batch.pk,
            str(batch),
            {
                "rows": [replaced or None, len(allocation.rows)],
                "national_totals": [
                    None,
                    {
                        line: total.plain()
                        for line, total in sorted(allocation.national_totals.items())
                    },
                ],
                "sha256": [None, batch.sha256],
                "source": [None, stated_source],
            },
            summary=f"Imported {len(allocation.rows)} {fy.label} minimum allocations from "
            f"{path.name}, replacing {replaced}",
        ),
    )
    return ImportResult(
        "minimum allocations",
        path.name,
        created=len(allocation.rows),
        updated=0,
        unchanged=0,
        audit_events=1,
        details={
            "year": fy.label,
            "replaced": replaced,
            "national_totals": {
                line: total.plain() for line, total in sorted(allocation.national_totals.items())
            },
        },
    )
