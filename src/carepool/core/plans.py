"""A yearly plan's content: its schemes, each funded from the year's streams.

These are the validated values that every interface and importer builds (through
``parse_scheme``) and that the plan checker (``carepool.core.plan_check``), the diff and the
content hash work on. Money is ``Money`` (integer pence); percentages and quantities are
``Decimal`` parsed from text, never floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from carepool.core.money import Money
from carepool.core.organisations import OrganisationType


@dataclass(frozen=True, slots=True)
class CommissionerShare:
    organisation: str  # the partner organisation's code
    percent: Decimal  # 0 < percent <= 100; a scheme's shares sum to exactly 100


@dataclass(frozen=True, slots=True)
class Funding:
    stream: str  # a funding stream code of the plan's year
    amount: Money  # the planned spend from that stream in the year; > 0


@dataclass(frozen=True, slots=True)
class PlannedOutput:
    description: str  # like "Hours of home care"
    quantity: Decimal  # >= 0
    unit: str  # like "hours"


@dataclass(frozen=True, slots=True)
class MetricEffect:
    metric: str  # one of the year's metric ids
    change: Decimal  # the expected change, signed, in the metric's own unit
    note: str = ""


@dataclass(frozen=True, slots=True)
class Scheme:
    scheme_id: str  # stable across versions, like "S01"
    name: str
    description: str
    scheme_type: str  # a code from the year's taxonomy
    sub_type: str  # a code from the type's sub-types, or free text where the year lists none
    area_of_spend: str
    commissioners: tuple[CommissionerShare, ...]  # one partner at 100, or joint shares
    provider_type: str
    funding: tuple[Funding, ...]  # one line per stream, each stream once
    new: bool  # a new scheme this year (False: existing)
    outputs: tuple[PlannedOutput, ...] = ()
    metrics: tuple[MetricEffect, ...] = ()

    @property
    def total(self) -> Money:
        return sum((f.amount for f in self.funding), Money.zero())

    @property
    def joint(self) -> bool:
        return len(self.commissioners) > 1


@dataclass(frozen=True, slots=True)
class PlanContent:
    """What a plan version says: its schemes, in the order the plan lists them, and the
    area's answers to the year's declarations (requirement id -> (yes, comment))."""

    schemes: tuple[Scheme, ...]
    declarations: tuple[tuple[str, bool, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Partner:
    code: str
    name: str
    type: OrganisationType
