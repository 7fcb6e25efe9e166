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

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.organisations import OrganisationType
from carepool.core.periods import FinancialYear, PeriodError


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
        return replace(latest, year=year, published_year=latest.year)


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
    errors.raise_if_any()
    assert year is not None
    return YearRules(year, programme, str(raw["source"]), tuple(streams))


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


@cache
def load_rules() -> RuleBook:
    """The packaged rules, read and validated once per process."""
    root = resources.files("carepool.rules")
    files: dict[str, Mapping[str, Any]] = {}
    for programme in root.iterdir():
        if not programme.is_dir() or programme.name.startswith(("_", ".")):
            continue
        for entry in programme.iterdir():
            if entry.name.endswith(".toml"):
                files[f"{programme.name}/{entry.name}"] = tomllib.loads(entry.read_text("utf-8"))
    return parse_rule_book(files)
