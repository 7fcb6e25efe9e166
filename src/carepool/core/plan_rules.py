"""What a year's rules say about plans: the scheme taxonomy, the national conditions, the
minimum-spend requirements, the year's metric ids and the plan deadline.

These are plain values parsed from the same year files as the funding streams
(``carepool/rules/<programme>/<year>.toml``, tables ``[plan]``, ``[[plan.conditions]]`` …) by
``carepool.core.rules``. A condition or requirement that a machine can check names a rule from
the small library in ``carepool.core.plan_check`` with its parameters; one that cannot is a
*declaration* the area answers yes or no with a comment.

Nothing here is invented: each year file carries its ``source``, and what the source does not
give (a sub-type list, a deadline) is left out and listed in ``PlanRules.incomplete``, which
every page and output that relies on the rules shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class RequirementKind(StrEnum):
    CONDITION = "condition"  # a national condition
    MINIMUM = "minimum"  # a minimum-spend requirement


@dataclass(frozen=True, slots=True)
class Named:
    """One entry of a list in the taxonomy: a stable code and the name people read."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class SchemeType:
    code: str
    name: str
    # Sub-types where the year's source lists them; empty when it does not (then the scheme's
    # sub-type is free text and ``PlanRules.incomplete`` says the list is missing).
    sub_types: tuple[Named, ...] = ()


@dataclass(frozen=True, slots=True)
class Taxonomy:
    scheme_types: tuple[SchemeType, ...]
    areas_of_spend: tuple[Named, ...]
    commissioner_types: tuple[Named, ...]  # e.g. council, nhs, joint
    provider_types: tuple[Named, ...]

    def scheme_type(self, code: str) -> SchemeType | None:
        return next((t for t in self.scheme_types if t.code == code), None)


@dataclass(frozen=True, slots=True)
class Check:
    """A machine check: the name of a rule in ``carepool.core.plan_check.RULES`` and its
    parameters, exactly as written in the year file (validated by that rule on load)."""

    rule: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Requirement:
    """A national condition or a minimum-spend requirement of one year."""

    id: str  # stable within the year, e.g. "nc1" or "nhs_minimum_asc"
    kind: RequirementKind
    text: str  # as the year's source words it
    # None means the requirement is a declaration: the area answers yes/no with a comment.
    check: Check | None
    # Whether a failure may go to sign-off with a recorded, audited justification.
    justification_allowed: bool = False

    @property
    def is_declaration(self) -> bool:
        return self.check is None


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """A per-area minimum that the year's allocations file gives a figure for: a funding
    stream's minimum contribution, or a minimum spend (e.g. the NHS minimum on adult social
    care) that a requirement compares the plan with."""

    code: str  # a funding stream code, or another lower-case identifier
    name: str


@dataclass(frozen=True, slots=True)
class PlanRules:
    taxonomy: Taxonomy
    conditions: tuple[Requirement, ...]
    minimums: tuple[Requirement, ...]
    allocation_lines: tuple[AllocationLine, ...]
    metric_ids: tuple[str, ...]
    deadline: date | None  # the plan submission deadline, when the source gives it
    # What the source does not give and Carepool therefore does not check, in words.
    incomplete: tuple[str, ...] = ()
    # An extra source for the plan rules (``plan.source``), when the year's ``source`` does not
    # cover them (e.g. the document that gives the deadline); None when not given.
    source: str | None = None

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return self.conditions + self.minimums

    @property
    def complete(self) -> bool:
        return not self.incomplete
