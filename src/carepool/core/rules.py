"""Year-keyed policy rules: which funding streams exist in a year and who may pay into them.

The values live in ``carepool/rules/<programme>/<year>.toml``. They are parsed and validated
here (pure functions over plain mappings); ``load_rules`` reads the packaged files once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.organisations import OrganisationType
from carepool.core.periods import FinancialYear, PeriodError


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
    programme: str
    source: str
    funding_streams: tuple[FundingStream, ...]

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
    years: Mapping[FinancialYear, YearRules]

    def for_year(self, year: FinancialYear) -> YearRules:
        try:
            return self.years[year]
        except KeyError:
            known = ", ".join(y.label for y in sorted(self.years))
            raise ValidationFailed.single(
                "year", f"there are no rules for {year.label}; rules exist for {known}"
            ) from None


def parse_year_rules(raw: Mapping[str, Any], source_name: str) -> YearRules:
    """Validate one year's rules. Errors name ``source_name`` and the field."""
    errors = ErrorCollector()

    def where(field: str) -> str:
        return f"{source_name}: {field}"

    year: FinancialYear | None = None
    try:
        year = FinancialYear.parse(str(raw.get("year", "")))
    except PeriodError as exc:
        errors.add(where("year"), str(exc))
    for key in ("programme", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            errors.add(where(key), "is required and must be text")
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
    return YearRules(year, str(raw["programme"]), str(raw["source"]), tuple(streams))


def parse_rule_book(files: Mapping[str, Mapping[str, Any]]) -> RuleBook:
    """Validate a whole set of year files (name -> parsed TOML); all errors at once."""
    errors = ErrorCollector()
    years: dict[FinancialYear, YearRules] = {}
    for name, raw in sorted(files.items()):
        try:
            rules = parse_year_rules(raw, name)
        except ValidationFailed as exc:
            errors.extend(exc)
            continue
        expected = name.rsplit("/", 1)[-1].removesuffix(".toml")
        if rules.year.label != expected:
            errors.add(
                f"{name}: year", f"says {rules.year.label} but the file is named for {expected}"
            )
        if rules.year in years:
            errors.add(f"{name}: year", f"{rules.year.label} is defined twice")
        years[rules.year] = rules
    errors.raise_if_any()
    return RuleBook(years)


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
