"""A plan's schemes as a table (CSV or an Excel sheet), both ways (docs/plans.md).

One row per scheme. Columns: ``scheme_id``, ``name``, ``description``, ``scheme_type``,
``sub_type``, ``area_of_spend``, ``commissioners`` (a partner's code, or joint shares like
``E38000225:60; E08000035:40``), ``provider_type``, ``new_or_existing`` (``new`` or
``existing``), ``outputs`` (``quantity unit: description`` separated by ``;``), ``metrics``
(``metric change: note`` separated by ``;``), then one column per funding stream named
``stream:<code>`` holding the planned spend in pounds (blank: none from that stream).

Reading turns each row into the plain mapping that ``carepool.core.plan_input.parse_scheme``
checks, and names each problem by file, sheet, row and column. Writing gives back the same
layout, so an exported plan imports unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepool.agreements.models import Agreement
from carepool.agreements.selectors import get_agreement
from carepool.audit.services import Actor
from carepool.core import parse
from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.plan_input import decimal_text, parse_scheme
from carepool.core.plans import Partner, PlanContent, Scheme
from carepool.core.rules import Programme, YearRules, load_rules
from carepool.io.allocations import read_table
from carepool.io.locations import where
from carepool.plans import services
from carepool.plans.models import Plan
from carepool.plans.selectors import get_plan, partners_of, year_rules_of

BASE_COLUMNS = (
    "scheme_id",
    "name",
    "description",
    "scheme_type",
    "sub_type",
    "area_of_spend",
    "commissioners",
    "provider_type",
    "new_or_existing",
    "outputs",
    "metrics",
)
REQUIRED_COLUMNS = ("scheme_id", "name", "scheme_type", "area_of_spend", "commissioners")
STREAM_PREFIX = "stream:"
SHEET = "Schemes"

_OUTPUT = re.compile(r"^\s*(?P<quantity>[-+0-9.,]+)\s+(?P<unit>[^:]+?)\s*:\s*(?P<text>.+?)\s*$")
_METRIC = re.compile(
    r"^\s*(?P<metric>[A-Za-z0-9_.()-]+)\s+(?P<change>[-+0-9.,]+)\s*(?::\s*(?P<note>.*))?$"
)


@dataclass(frozen=True)
class SchemeRow:
    row: int  # as the spreadsheet numbers it
    raw: dict[str, Any]  # for parse_scheme
    columns: dict[str, str]  # parse_scheme field prefix -> column heading


def _list(text: str, pattern: re.Pattern[str], what: str, example: str) -> list[dict[str, str]]:
    items = []
    for part in (p for p in text.split(";") if p.strip()):
        match = pattern.match(part)
        if match is None:
            raise ValueError(f"'{part.strip()}' is not {what}; write it like '{example}'")
        items.append({k: (v or "").strip() for k, v in match.groupdict().items()})
    return items


def _commissioners(text: str) -> list[dict[str, str]]:
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if len(parts) == 1 and ":" not in parts[0]:
        return [{"organisation": parts[0], "percent": "100"}]
    shares = []
    for part in parts:
        code, sep, percent = part.partition(":")
        if not sep:
            raise ValueError(
                f"'{part}' has no share; write joint commissioners like 'E38000225:60; "
                "E08000035:40'"
            )
        shares.append({"organisation": code.strip(), "percent": percent.strip().rstrip("%")})
    return shares


def rows_to_schemes(
    rows: Sequence[Sequence[str]], source: str, sheet: str | None = None
) -> list[SchemeRow]:
    """The table's rows as raw schemes; refuses layout problems (all at once)."""
    errors = ErrorCollector()
    if not rows:
        raise ValidationFailed.single(where(source, sheet), "The file is empty")
    heading = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in heading]
    if missing:
        raise ValidationFailed.single(
            where(source, sheet, 1),
            f"The first row must have the headings {', '.join(REQUIRED_COLUMNS)} and one "
            f"'stream:<code>' column per funding stream (missing: {', '.join(missing)})",
        )
    unknown = [
        h for h in heading if h and h not in BASE_COLUMNS and not h.startswith(STREAM_PREFIX)
    ]
    if unknown:
        raise ValidationFailed.single(
            where(source, sheet, 1),
            f"Unknown heading(s): {', '.join(unknown)}; see docs/plans.md for the layout",
        )
    stream_columns = [h for h in heading if h.startswith(STREAM_PREFIX)]
    result = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        value = {
            h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(heading) if h
        }
        columns = {name: name for name in BASE_COLUMNS}
        raw: dict[str, Any] = {name: value.get(name, "") for name in BASE_COLUMNS[:6]}
        raw["provider_type"] = value.get("provider_type", "")
        state = value.get("new_or_existing", "").lower()
        raw["new"] = {"new": True, "existing": False}.get(state, state)
        try:
            raw["commissioners"] = _commissioners(value["commissioners"])
        except ValueError as exc:
            errors.add(where(source, sheet, number, "commissioners"), str(exc))
            continue
        columns["commissioners"] = "commissioners"
        try:
            outputs = _list(
                value.get("outputs", ""), _OUTPUT, "a planned output", "12000 hours: Home care"
            )
            metrics = _list(
                value.get("metrics", ""),
                _METRIC,
                "a metric effect",
                "avoidable_admissions -2.5: note",
            )
        except ValueError as exc:
            column = "outputs" if "output" in str(exc) else "metrics"
            errors.add(where(source, sheet, number, column), str(exc))
            continue
        raw["outputs"] = [
            {
                "description": o["text"],
                "quantity": o["quantity"].replace(",", ""),
                "unit": o["unit"],
            }
            for o in outputs
        ]
        raw["metrics"] = [
            {"metric": m["metric"], "change": m["change"], "note": m["note"]} for m in metrics
        ]
        raw["funding"] = []
        for column in stream_columns:
            amount = value.get(column, "")
            if amount:
                columns[f"funding[{len(raw['funding']) + 1}]"] = column
                raw["funding"].append(
                    {"stream": column.removeprefix(STREAM_PREFIX), "amount": amount}
                )
        columns["new"] = "new_or_existing"
        result.append(SchemeRow(number, raw, columns))
    errors.raise_if_any()
    return result


def locate(
    failure: ValidationFailed, row: SchemeRow, source: str, sheet: str | None
) -> ValidationFailed:
    """The core's field names (``funding[2].amount``) as the file's row and column."""
    errors = ErrorCollector()
    for e in failure.errors:
        head = re.split(r"[.\[]", e.field, maxsplit=1)[0]
        indexed = re.match(r"^(funding\[\d+\])", e.field)
        column = row.columns.get(indexed.group(1) if indexed else head, head)
        errors.add(where(source, sheet, row.row, column), e.message)
    return ValidationFailed(errors.errors)


@dataclass(frozen=True)
class PlanTable:
    sheet: str | None
    rows: list[SchemeRow]
    streams: list[str]  # the stream codes of the heading's ``stream:<code>`` columns


def read_plan_table(path: Path) -> PlanTable:
    sheet, rows = read_table(path, preferred_sheet=SHEET)
    schemes = rows_to_schemes(rows, path.name, sheet)
    streams = [
        h.strip().removeprefix(STREAM_PREFIX)
        for h in rows[0]
        if h.strip().startswith(STREAM_PREFIX)
    ]
    return PlanTable(sheet, schemes, streams)


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}{pence // 100}.{pence % 100:02d}"


def scheme_cells(s: Scheme, streams: Sequence[str]) -> list[str]:
    amounts = {f.stream: f.amount.pence for f in s.funding}
    if len(s.commissioners) == 1 and s.commissioners[0].percent == 100:
        commissioners = s.commissioners[0].organisation
    else:
        commissioners = "; ".join(
            f"{c.organisation}:{decimal_text(c.percent)}" for c in s.commissioners
        )
    return [
        s.scheme_id,
        s.name,
        s.description,
        s.scheme_type,
        s.sub_type,
        s.area_of_spend,
        commissioners,
        s.provider_type,
        "new" if s.new else "existing",
        "; ".join(f"{decimal_text(o.quantity)} {o.unit}: {o.description}" for o in s.outputs),
        "; ".join(
            f"{m.metric} {decimal_text(m.change)}" + (f": {m.note}" if m.note else "")
            for m in s.metrics
        ),
        *[_pounds(amounts[code]) if code in amounts else "" for code in streams],
    ]


def plan_rows(content: PlanContent, streams: Iterable[str]) -> list[list[str]]:
    codes = list(streams)
    return [
        [*BASE_COLUMNS, *(f"{STREAM_PREFIX}{c}" for c in codes)],
        *(scheme_cells(s, codes) for s in content.schemes),
    ]


def write_csv(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def write_xlsx(rows: Sequence[Sequence[str]], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    for r in rows:
        # Text cells: an amount stays exactly the pounds and pence written, never a float.
        sheet.append(list(r))
    workbook.save(path)


def check_rows(
    rows: Sequence[SchemeRow],
    source: str,
    sheet: str | None,
    year_rules: YearRules,
    partners: Sequence[Partner],
    streams: Sequence[str] = (),
) -> None:
    """Every row checked by the core, every problem named by row and column, all at once.
    ``streams`` are the heading's stream columns: each must be a funding stream of the year,
    even when no row spends from it."""
    errors = ErrorCollector()
    seen: dict[str, int] = {}
    assert year_rules.plan is not None
    known = {s.code for s in year_rules.funding_streams}
    for code in streams:
        if code not in known:
            errors.add(
                where(source, sheet, 1, f"{STREAM_PREFIX}{code}"),
                f"'{code}' is not a funding stream in {year_rules.year.label}; the year's "
                f"streams are: {', '.join(s.code for s in year_rules.funding_streams)}",
            )
    for row in rows:
        scheme_id = str(row.raw.get("scheme_id", "")).strip()
        if scheme_id in seen:
            errors.add(
                where(source, sheet, row.row, "scheme_id"),
                f"Scheme {scheme_id} is already on row {seen[scheme_id]}; give each scheme once",
            )
        seen.setdefault(scheme_id, row.row)
        try:
            parse_scheme(row.raw, year_rules, partners)
        except ValidationFailed as exc:
            for e in locate(exc, row, source, sheet).errors:
                errors.add(e.field, e.message)
    errors.raise_if_any()


def import_plan_file(
    actor: Actor,
    path: Path,
    *,
    agreement_id: int | str | None = None,
    year: Any = None,
    plan_id: int | str | None = None,
    expected_version: Any = None,
) -> Plan:
    """Start a plan from the file (``agreement_id`` and ``year``), or replace the schemes of
    an existing plan (``plan_id``) with it; refuse the file whole, changing nothing, when any
    row is wrong."""
    table = read_plan_table(path)
    sheet, rows = table.sheet, table.rows
    if plan_id is not None:
        plan = (
            get_plan(actor.user, plan_id)
            if actor.user is not None
            else Plan.objects.get(pk=plan_id)
        )
        year_rules = year_rules_of(plan)
        partners = partners_of(plan.agreement)
    else:
        if agreement_id is None or year is None:
            raise ValidationFailed.single(
                "plan", "Give the plan to replace, or the agreement and year"
            )
        agreement = (
            get_agreement(actor.user, agreement_id)
            if actor.user is not None
            else Agreement.objects.get(pk=agreement_id)
        )
        year_rules = load_rules().for_year(parse.year(year), Programme(agreement.programme))
        if year_rules.plan is None:
            raise ValidationFailed.single("year", f"Carepool has no plan rules for {year}")
        partners = partners_of(agreement)
    check_rows(rows, path.name, sheet, year_rules, partners, table.streams)
    raws = [r.raw for r in rows]
    if plan_id is not None:
        services.replace_content(
            actor,
            plan_id,
            raws,
            expected_version=expected_version,
            note=f"Imported {path.name}",
            keep_declarations=True,
        )
        return (
            get_plan(actor.user, plan_id)
            if actor.user is not None
            else Plan.objects.get(pk=plan_id)
        )
    return services.create_plan(actor, agreement_id, year, raws)
