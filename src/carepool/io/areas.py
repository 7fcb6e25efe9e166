"""Importing Health and Wellbeing Board areas (and their councils) from the ONS UTLA file.

The file lists every current upper-tier local authority in the UK with its region and
country (``geo/utla_all_codes.csv``: UTLACD, UTLANM, RGNCD, RGNNM, CTRYCD, CTRYNM, ...).
Each English UTLA (GSS E06 unitary, E08 metropolitan district, E09 London borough, E10
county) is a Health and Wellbeing Board area; Welsh, Scottish and Northern Irish rows are
counted as skipped. The Isles of Scilly (E06000053) and the City of London (E09000001) are
real UTLAs and are loaded like any other.

For each area the matching council organisation (type council, GSS code) is created when it
does not exist. Existing councils are never renamed by an import.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from carepool.audit.models import Action, Interface
from carepool.audit.services import Actor, Change, diff, record_many
from carepool.core.errors import ValidationFailed
from carepool.core.organisations import AreaKind, CodeSystem, OrganisationType, validate_code
from carepool.io.council_names import council_name
from carepool.io.locations import FileErrors
from carepool.io.results import ImportResult, Progress, no_progress
from carepool.organisations.models import Area, Organisation
from carepool.organisations.services import snapshot as organisation_snapshot

REQUIRED_COLUMNS = ("UTLACD", "UTLANM", "RGNCD", "RGNNM", "CTRYCD", "CTRYNM")
ENGLISH_UTLA_PREFIXES = ("E06", "E08", "E09", "E10")
AREA_FIELDS = ("code", "name", "kind", "region_code", "region_name", "country_code", "country_name")

_GSS = re.compile(r"^[EWSNK][0-9]{8}$")


@dataclass(frozen=True)
class AreaRow:
    row: int  # as a spreadsheet numbers it: the heading is row 1
    code: str
    name: str
    region_code: str
    region_name: str
    country_code: str
    country_name: str

    def values(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": AreaKind.HWB.value,
            "region_code": self.region_code,
            "region_name": self.region_name,
            "country_code": self.country_code,
            "country_name": self.country_name,
        }


@dataclass(frozen=True)
class AreaFile:
    areas: tuple[AreaRow, ...]
    skipped: int  # valid rows outside England


def area_snapshot(area: Area) -> dict[str, Any]:
    return {f: getattr(area, f) for f in (*AREA_FIELDS, "source")}


def parse_area_rows(header: list[str], rows: list[list[str]], source: str) -> AreaFile:
    """Validate the UTLA table (heading and data rows). Every problem names file, row, column."""
    errors = FileErrors(source)
    columns = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    for name in missing:
        errors.add("this column is missing from the heading row", row=1, column=name)
    errors.raise_if_any()

    def cell(values: list[str], name: str) -> str:
        i = columns[name]
        return values[i].strip() if i < len(values) else ""

    areas: list[AreaRow] = []
    skipped = 0
    first_seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        code = cell(values, "UTLACD").upper()
        name = cell(values, "UTLANM")
        if not code:
            errors.add("enter the area's GSS code", number, "UTLACD")
            continue
        if not _GSS.match(code):
            errors.add(
                f"'{code}' is not a GSS code: expected a letter and 8 digits, like E08000035",
                number,
                "UTLACD",
            )
            continue
        if not code.startswith("E"):
            skipped += 1  # Wales, Scotland, Northern Ireland: not Health and Wellbeing Boards
            continue
        if not code.startswith(ENGLISH_UTLA_PREFIXES):
            errors.add(
                f"'{code}' is not an upper-tier local authority code: expected one starting "
                + ", ".join(ENGLISH_UTLA_PREFIXES),
                number,
                "UTLACD",
            )
            continue
        if code in first_seen:
            errors.add(
                f"'{code}' appears twice (first in row {first_seen[code]})", number, "UTLACD"
            )
            continue
        first_seen[code] = number
        problem = False
        if not name:
            errors.add("enter the area's name", number, "UTLANM")
            problem = True
        elif len(name) > 200:
            errors.add("must be 200 characters or fewer", number, "UTLANM")
            problem = True
        for column in ("RGNCD", "CTRYCD"):
            value = cell(values, column).upper()
            if value and not _GSS.match(value):
                errors.add(f"'{value}' is not a GSS code", number, column)
                problem = True
        if problem:
            continue
        areas.append(
            AreaRow(
                row=number,
                code=code,
                name=name,
                region_code=cell(values, "RGNCD").upper(),
                region_name=cell(values, "RGNNM")[:100],
                country_code=cell(values, "CTRYCD").upper(),
                country_name=cell(values, "CTRYNM")[:50],
            )
        )
    if not areas and not len(errors):
        errors.add("has no English upper-tier local authorities (codes E06, E08, E09, E10)")
    errors.raise_if_any()
    return AreaFile(tuple(areas), skipped)


def read_area_file(path: Path) -> AreaFile:
    source = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            table = list(csv.reader(handle))
    except FileNotFoundError:
        raise ValidationFailed.single(source, f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise ValidationFailed.single(source, "is not UTF-8 text; save it as CSV (UTF-8)") from None
    except csv.Error as exc:
        raise ValidationFailed.single(source, f"cannot be read as CSV: {exc}") from None
    if not table:
        raise ValidationFailed.single(source, "is empty")
    return parse_area_rows(table[0], table[1:], source)


def _council_for(area: AreaRow) -> Organisation:
    code = validate_code(OrganisationType.COUNCIL, CodeSystem.GSS, area.code)
    return Organisation(
        code=code,
        code_system=CodeSystem.GSS.value,
        name=council_name(code, area.name),
        org_type=OrganisationType.COUNCIL.value,
    )


def import_areas(
    path: str | Path, actor: Actor | None = None, progress: Progress = no_progress
) -> ImportResult:
    """Load English UTLAs as HWB areas, and create their councils. One transaction, audited."""
    path = Path(path)
    actor = actor or Actor.system(Interface.IMPORT)
    progress(0, 1, "reading")
    parsed = read_area_file(path)
    source = path.name
    total = len(parsed.areas)
    changes: list[Change] = []
    created = updated = unchanged = 0
    with transaction.atomic():
        codes = [a.code for a in parsed.areas]
        existing = {a.code: a for a in Area.objects.filter(code__in=codes)}
        new_areas: list[Area] = []
        for done, row in enumerate(parsed.areas, start=1):
            area = existing.get(row.code)
            if area is None:
                area = Area(**row.values(), source=source)
                new_areas.append(area)
                changes.append(
                    Change(
                        Action.CREATE,
                        "area",
                        area.code,
                        str(area),
                        diff({}, area_snapshot(area)),
                        summary=f"Imported from {source}",
                    )
                )
                created += 1
            else:
                before = area_snapshot(area)
                if {k: before[k] for k in AREA_FIELDS} == row.values():
                    unchanged += 1
                else:
                    for key, value in row.values().items():
                        setattr(area, key, value)
                    area.source = source
                    area.save()
                    changes.append(
                        Change(
                            Action.UPDATE,
                            "area",
                            area.code,
                            str(area),
                            diff(before, area_snapshot(area)),
                            summary=f"Updated from {source}",
                        )
                    )
                    updated += 1
            if done % 25 == 0 or done == total:
                progress(done, total, "areas")
        Area.objects.bulk_create(new_areas, batch_size=500)

        have_councils = set(
            Organisation.objects.filter(code__in=codes).values_list("code", flat=True)
        )
        councils = [_council_for(row) for row in parsed.areas if row.code not in have_councils]
        Organisation.objects.bulk_create(councils, batch_size=500)
        changes.extend(
            Change(
                Action.CREATE,
                "organisation",
                org.code,
                str(org),
                diff({}, organisation_snapshot(org)),
                summary=f"Council for an area in {source}",
            )
            for org in councils
        )
        events = record_many(actor, changes)
    return ImportResult(
        what="areas",
        source=source,
        created=created,
        updated=updated,
        unchanged=unchanged,
        skipped=parsed.skipped,
        audit_events=events,
        details={"organisations_created": len(councils)},
    )
