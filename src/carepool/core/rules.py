"""Policy rules keyed by programme and year: which funding streams exist, who pays into them.

The values live in ``carepool/rules/<programme>/<year>.toml`` (``bcf/2024-25.toml``). They are
parsed and validated here (pure functions over plain mappings); ``load_rules`` reads the
packaged files once. A programme is data, not a fork: Welsh or Scottish rules are a folder of
year files beside ``bcf/``.

A year after the latest published one (an agreement running to 2027-28 while only 2025-26
rules are out) uses the latest year's rules *provisionally*: ``YearRules.provisional`` is set,
``published_year`` says which year's rules they are, and every page and output that relies on
them says so. A year before the earliest published one has no rules.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.organisations import OrganisationType
from carepool.core.periods import FinancialYear, PeriodError
from carepool.core.plan_check_rules import CheckContext, check_param_problems
from carepool.core.plan_rules import (
    AllocationLine,
    Check,
    Named,
    PlanRules,
    Requirement,
    RequirementKind,
    SchemeType,
    Taxonomy,
)


class Programme(StrEnum):
    """The national or local programme whose rules an agreement's money follows."""

    BCF = "bcf"
    SECTION_75 = "section_75"
    WALES = "wales"
    SCOTLAND = "scotland"

    @property
    def label(self) -> str:
        return {
            "bcf": "Better Care Fund",
            "section_75": "Section 75 pooled fund outside the Better Care Fund",
            "wales": "Welsh regional pooled fund",
            "scotland": "Scottish integration scheme",
        }[self.value]


class StreamNature(StrEnum):
    MANDATED = "mandated"
    ADDITIONAL = "additional"
    EITHER = "either"

    def allows(self, mandated: bool) -> bool:
        return self is StreamNature.EITHER or (self is StreamNature.MANDATED) == mandated


@dataclass(frozen=True, slots=True)
class FundingStream:
    code: str
    name: str
    nature: StreamNature
    contributors: frozenset[OrganisationType]


@dataclass(frozen=True, slots=True)
class YearRules:
    year: FinancialYear
    programme: Programme
    source: str
    funding_streams: tuple[FundingStream, ...]
    # Set when no rules are published for ``year`` yet and the latest year's stand in.
    published_year: FinancialYear | None = None
    # The plan part of the year's rules (the ``[plan]`` table); None only for a file without
    # one (every shipped BCF file has one). Carried over unchanged to provisional years.
    plan: PlanRules | None = None

    @property
    def provisional(self) -> bool:
        return self.published_year is not None and self.published_year != self.year

    @property
    def provisional_note(self) -> str:
        """What every page and output relying on provisional rules says; "" when published."""
        if not self.provisional or self.published_year is None:
            return ""
        return (
            f"Provisional: no {self.programme.label} rules are published for {self.year.label} "
            f"yet, so the {self.published_year.label} rules are used until they are"
        )

    def stream(self, code: str) -> FundingStream:
        for s in self.funding_streams:
            if s.code == code:
                return s
        known = ", ".join(s.code for s in self.funding_streams)
        raise ValidationFailed.single(
            "funding_stream",
            f"'{code}' is not a funding stream in {self.year.label}; use one of: {known}",
        )


@dataclass(frozen=True, slots=True)
class RuleBook:
    rules: Mapping[tuple[Programme, FinancialYear], YearRules]

    def years(self, programme: Programme = Programme.BCF) -> list[FinancialYear]:
        """The years with published rules for the programme, oldest first."""
        return sorted(year for p, year in self.rules if p is programme)

    def for_year(self, year: FinancialYear, programme: Programme = Programme.BCF) -> YearRules:
        """The programme's rules for ``year``: as published, or the latest year's, marked
        provisional, for a year after the latest published."""
        if (programme, year) in self.rules:
            return self.rules[(programme, year)]
        published = self.years(programme)
        if not published:
            raise ValidationFailed.single(
                "year",
                f"No {programme.label} rules are in Carepool yet, so contributions cannot be "
                "checked against funding streams",
            )
        if year < published[0]:
            raise ValidationFailed.single(
                "year",
                f"Carepool has no {programme.label} rules for {year.label}; the earliest are "
                f"for {published[0].label}",
            )
        latest = self.rules[(programme, published[-1])]
        plan = latest.plan
        if plan is not None and plan.deadline is not None:
            # A deadline is a date in the published year: it says nothing about a later one.
            plan = replace(
                plan,
                deadline=None,
                incomplete=(
                    *plan.incomplete,
                    f"No plan submission deadline: the {latest.year.label} deadline does not "
                    f"apply to {year.label}, and none is published for it yet.",
                ),
            )
        return replace(latest, year=year, published_year=latest.year, plan=plan)


def parse_year_rules(
    raw: Mapping[str, Any], source_name: str, programme: Programme = Programme.BCF
) -> YearRules:
    """Validate one year's rules for ``programme``. Errors name ``source_name`` and the field."""
    errors = ErrorCollector()

    def where(field: str) -> str:
        return f"{source_name}: {field}"

    year: FinancialYear | None = None
    try:
        year = FinancialYear.parse(str(raw.get("year", "")))
    except PeriodError as exc:
        errors.add(where("year"), str(exc))
    if not isinstance(raw.get("source"), str) or not raw["source"].strip():
        errors.add(where("source"), "is required and must be text")
    if raw.get("programme") != programme.label:
        errors.add(
            where("programme"),
            f"must be '{programme.label}', the programme of the folder the file is in",
        )
    streams: list[FundingStream] = []
    raw_streams = raw.get("funding_streams")
    if not isinstance(raw_streams, list) or not raw_streams:
        errors.add(where("funding_streams"), "must list at least one funding stream")
        raw_streams = []
    seen: set[str] = set()
    for i, item in enumerate(raw_streams, start=1):
        field = f"funding_streams[{i}]"
        if not isinstance(item, Mapping):
            errors.add(where(field), "must be a table")
            continue
        code = item.get("code")
        if not isinstance(code, str) or not code.isidentifier() or code != code.lower():
            errors.add(where(f"{field}.code"), "must be a lower-case identifier like nhs_minimum")
            continue
        if code in seen:
            errors.add(where(f"{field}.code"), f"'{code}' appears twice")
        seen.add(code)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.add(where(f"{field}.name"), "is required")
            continue
        try:
            nature = StreamNature(str(item.get("nature")))
        except ValueError:
            errors.add(where(f"{field}.nature"), "must be mandated, additional or either")
            continue
        contributors_raw = item.get("contributors")
        if not isinstance(contributors_raw, list) or not contributors_raw:
            errors.add(where(f"{field}.contributors"), "must list at least one organisation type")
            continue
        try:
            contributors = frozenset(OrganisationType(c) for c in contributors_raw)
        except ValueError:
            allowed = ", ".join(t.value for t in OrganisationType)
            errors.add(
                where(f"{field}.contributors"), f"must be organisation types from: {allowed}"
            )
            continue
        streams.append(FundingStream(code, name.strip(), nature, contributors))
    plan: PlanRules | None = None
    if "plan" in raw:
        plan = _parse_plan(
            raw["plan"], where, errors, seen, year.label if year else str(raw.get("year"))
        )
    errors.raise_if_any()
    assert year is not None
    return YearRules(year, programme, str(raw["source"]), tuple(streams), plan=plan)


_CODE = re.compile(r"[a-z][a-z0-9_]*\Z")


def _is_code(value: object) -> bool:
    return isinstance(value, str) and bool(_CODE.match(value))


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _named_list(
    raw: Mapping[str, Any],
    key: str,
    where: Callable[[str], str],
    errors: ErrorCollector,
    *,
    required: bool = True,
) -> list[tuple[int, str, str, Mapping[str, Any]]]:
    """The (position, code, name, table) entries of the array of tables ``raw[key]``; problems go to
    ``errors`` under ``plan.<key>[i].<field>``. Duplicate codes are refused."""
    items = raw.get(key, [])
    if not isinstance(items, list):
        errors.add(where(f"plan.{key}"), "must be a list of tables, each with a code and a name")
        return []
    if required and not items:
        errors.add(where(f"plan.{key}"), "must list at least one entry with a code and a name")
        return []
    out: list[tuple[int, str, str, Mapping[str, Any]]] = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        field = f"plan.{key}[{i}]"
        if not isinstance(item, Mapping):
            errors.add(where(field), "must be a table with a code and a name")
            continue
        code, name = item.get("code"), _text(item.get("name"))
        if not _is_code(code):
            errors.add(where(f"{field}.code"), "must be a lower-case identifier like home_care")
            continue
        assert isinstance(code, str)
        if code in seen:
            errors.add(where(f"{field}.code"), f"'{code}' appears twice")
            continue
        seen.add(code)
        if name is None:
            errors.add(where(f"{field}.name"), "is required")
            continue
        out.append((i, code, name, item))
    return out


def _parse_plan(
    raw: object,
    where: Callable[[str], str],
    errors: ErrorCollector,
    stream_codes: set[str],
    year_label: str,
) -> PlanRules | None:
    """The ``[plan]`` table of a year file, or None (with every problem in ``errors``)."""
    if not isinstance(raw, Mapping):
        errors.add(where("plan"), "must be a table ([plan])")
        return None
    before = len(errors)
    known = {
        "deadline",
        "source",
        "metric_ids",
        "incomplete",
        "scheme_types",
        "areas_of_spend",
        "commissioner_types",
        "provider_types",
        "allocation_lines",
        "conditions",
        "minimums",
    }
    for key in raw:
        if key not in known:
            errors.add(where(f"plan.{key}"), "is not a field of [plan]; see the rules README")

    deadline = raw.get("deadline")
    if deadline is not None and (not isinstance(deadline, date) or isinstance(deadline, datetime)):
        errors.add(
            where("plan.deadline"),
            "must be a date written without quotes or a time, like 2024-06-10",
        )
    if "source" in raw and _text(raw["source"]) is None:
        errors.add(where("plan.source"), "must be text naming the document, when given")

    metric_ids: list[str] = []
    raw_metrics = raw.get("metric_ids", [])
    if not isinstance(raw_metrics, list):
        errors.add(where("plan.metric_ids"), "must be a list of metric ids")
        raw_metrics = []
    for i, metric in enumerate(raw_metrics, start=1):
        if not _is_code(metric):
            errors.add(
                where(f"plan.metric_ids[{i}]"),
                "must be a lower-case identifier like non_elective_admissions",
            )
        elif metric in metric_ids:
            errors.add(where(f"plan.metric_ids[{i}]"), f"'{metric}' appears twice")
        else:
            metric_ids.append(metric)

    incomplete: list[str] = []
    raw_incomplete = raw.get("incomplete", [])
    if not isinstance(raw_incomplete, list):
        errors.add(where("plan.incomplete"), "must be a list of statements in plain English")
        raw_incomplete = []
    for i, statement in enumerate(raw_incomplete, start=1):
        text = _text(statement)
        if text is None:
            errors.add(where(f"plan.incomplete[{i}]"), "must be a statement, not empty")
        else:
            incomplete.append(text)

    scheme_types: list[SchemeType] = []
    for i, code, name, item in _named_list(raw, "scheme_types", where, errors):

        def under_type(field: str, i: int = i) -> str:
            return where(field.replace("plan.", f"plan.scheme_types[{i}].", 1))

        subs = _named_list(
            {"sub_types": item.get("sub_types", [])},
            "sub_types",
            under_type,
            errors,
            required=False,
        )
        scheme_types.append(SchemeType(code, name, tuple(Named(c, n) for _, c, n, _ in subs)))
    taxonomy = Taxonomy(
        scheme_types=tuple(scheme_types),
        areas_of_spend=tuple(
            Named(c, n) for _, c, n, _ in _named_list(raw, "areas_of_spend", where, errors)
        ),
        commissioner_types=tuple(
            Named(c, n) for _, c, n, _ in _named_list(raw, "commissioner_types", where, errors)
        ),
        provider_types=tuple(
            Named(c, n) for _, c, n, _ in _named_list(raw, "provider_types", where, errors)
        ),
    )
    allocation_lines = tuple(
        AllocationLine(c, n)
        for _, c, n, _ in _named_list(raw, "allocation_lines", where, errors, required=False)
    )
    context = CheckContext(
        streams=stream_codes,
        areas_of_spend={a.code for a in taxonomy.areas_of_spend},
        commissioner_types={c.code for c in taxonomy.commissioner_types},
        allocation_lines={a.code for a in allocation_lines},
        metric_ids=set(metric_ids),
        year_label=year_label,
    )
    seen_ids: dict[str, str] = {}
    conditions = _requirements(raw, "conditions", where, errors, context, seen_ids)
    minimums = _requirements(raw, "minimums", where, errors, context, seen_ids)
    if len(errors) > before:
        return None
    return PlanRules(
        taxonomy=taxonomy,
        conditions=conditions,
        minimums=minimums,
        allocation_lines=allocation_lines,
        metric_ids=tuple(metric_ids),
        deadline=deadline if isinstance(deadline, date) else None,
        incomplete=tuple(incomplete),
        source=_text(raw.get("source")),
    )


def _requirements(
    raw: Mapping[str, Any],
    key: str,
    where: Callable[[str], str],
    errors: ErrorCollector,
    context: CheckContext,
    seen_ids: dict[str, str],
) -> tuple[Requirement, ...]:
    """``[[plan.conditions]]`` or ``[[plan.minimums]]``; ids are unique across both."""
    kind = RequirementKind.CONDITION if key == "conditions" else RequirementKind.MINIMUM
    items = raw.get(key, [])
    if not isinstance(items, list):
        errors.add(where(f"plan.{key}"), f"must be a list of tables ([[plan.{key}]])")
        return ()
    out: list[Requirement] = []
    for i, item in enumerate(items, start=1):
        field = f"plan.{key}[{i}]"
        if not isinstance(item, Mapping):
            errors.add(where(field), "must be a table with an id, a text and a check")
            continue
        ok = True
        for extra in item.keys() - {"id", "text", "justification_allowed", "declaration", "check"}:
            errors.add(
                where(f"{field}.{extra}"),
                "is not a field of a requirement; use id, text, justification_allowed, "
                "declaration or check",
            )
            ok = False
        req_id, text = item.get("id"), _text(item.get("text"))
        if not _is_code(req_id):
            errors.add(where(f"{field}.id"), "must be a lower-case identifier like nc1")
            ok = False
        elif req_id in seen_ids:
            errors.add(where(f"{field}.id"), f"'{req_id}' is already used by {seen_ids[req_id]}")
            ok = False
        else:
            assert isinstance(req_id, str)
            seen_ids[req_id] = field
        if text is None:
            errors.add(
                where(f"{field}.text"), "is required: the requirement as the source words it"
            )
            ok = False
        justification = item.get("justification_allowed", False)
        if not isinstance(justification, bool):
            errors.add(where(f"{field}.justification_allowed"), "must be true or false")
            ok = False
        declaration = item.get("declaration", False)
        if not isinstance(declaration, bool):
            errors.add(where(f"{field}.declaration"), "must be true or false")
            declaration, ok = False, False
        raw_check = item.get("check")
        check: Check | None = None
        if declaration and raw_check is not None:
            errors.add(
                where(field),
                "is both a declaration and a machine check; give declaration = true or a "
                "check, not both",
            )
            ok = False
        elif not declaration and raw_check is None:
            errors.add(
                where(field),
                "needs either a check (check = { rule = ... }) or declaration = true",
            )
            ok = False
        elif raw_check is not None:
            check = _check(raw_check, f"{field}.check", where, errors, context)
            ok = ok and check is not None
        if ok:
            assert isinstance(req_id, str)
            assert text is not None
            out.append(Requirement(req_id, kind, text, check, bool(justification)))
    return tuple(out)


def _check(
    raw: object,
    field: str,
    where: Callable[[str], str],
    errors: ErrorCollector,
    context: CheckContext,
) -> Check | None:
    if not isinstance(raw, Mapping):
        errors.add(where(field), 'must be a table like { rule = "jointly_agreed" }')
        return None
    rule = raw.get("rule")
    if not isinstance(rule, str) or not rule:
        errors.add(where(f"{field}.rule"), "is required: the name of a plan-check rule")
        return None
    params = {k: v for k, v in raw.items() if k != "rule"}
    problems = check_param_problems(rule, params, context)
    for key, message in problems:
        errors.add(where(f"{field}.{key}"), message)
    return None if problems else Check(rule, params)


def parse_rule_book(files: Mapping[str, Mapping[str, Any]]) -> RuleBook:
    """Validate a whole set of files named ``<programme>/<year>.toml``; all errors at once."""
    errors = ErrorCollector()
    rules: dict[tuple[Programme, FinancialYear], YearRules] = {}
    for name, raw in sorted(files.items()):
        folder, _, file_name = name.rpartition("/")
        try:
            programme = Programme(folder)
        except ValueError:
            known = ", ".join(p.value for p in Programme)
            errors.add(f"{name}: programme", f"'{folder}' is not a programme folder; use {known}")
            continue
        try:
            year_rules = parse_year_rules(raw, name, programme)
        except ValidationFailed as exc:
            errors.extend(exc)
            continue
        expected = file_name.removesuffix(".toml")
        if year_rules.year.label != expected:
            errors.add(
                f"{name}: year",
                f"says {year_rules.year.label} but the file is named for {expected}",
            )
        key = (programme, year_rules.year)
        if key in rules:
            errors.add(f"{name}: year", f"{year_rules.year.label} is defined twice")
        rules[key] = year_rules
    errors.raise_if_any()
    return RuleBook(rules)


def parse_rule_texts(texts: Mapping[str, str]) -> RuleBook:
    """Parse and validate TOML texts named ``<programme>/<year>.toml``; a file that is not
    valid TOML is refused naming the file, with every other file's problems."""
    errors = ErrorCollector()
    files: dict[str, Mapping[str, Any]] = {}
    for name, text in texts.items():
        try:
            files[name] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            errors.add(f"{name}: file", f"is not valid TOML: {exc}")
    try:
        book = parse_rule_book(files)
    except ValidationFailed as exc:
        errors.extend(exc)
        errors.raise_if_any()
        raise  # unreachable: the collector holds at least this failure's errors
    errors.raise_if_any()
    return book


@cache
def load_rules() -> RuleBook:
    """The packaged rules, read and validated once per process."""
    root = resources.files("carepool.rules")
    texts: dict[str, str] = {}
    for programme in root.iterdir():
        if not programme.is_dir() or programme.name.startswith(("_", ".")):
            continue
        for entry in programme.iterdir():
            if entry.name.endswith(".toml"):
                texts[f"{programme.name}/{entry.name}"] = entry.read_text("utf-8")
    return parse_rule_texts(texts)
