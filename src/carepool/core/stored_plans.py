"""A plan version's content as stored: ``content_to_dict``'s plain JSON with a ``schema``
number, read back *without* re-checking it against today's rules (it was checked when
written; the rules of a past year do not change under it — the lesson of ADR 0014).

The hash a sign-off names is ``carepool.core.plan_hash.content_hash`` of the content read.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from carepool.core.money import Money
from carepool.core.plan_input import content_to_dict
from carepool.core.plans import (
    CommissionerShare,
    Funding,
    MetricEffect,
    PlanContent,
    PlannedOutput,
    Scheme,
)

STORED_SCHEMA = 1


class StoredPlanError(ValueError):
    """Stored content in a shape this version of Carepool does not read."""


def content_to_stored(content: PlanContent) -> dict[str, Any]:
    return {"schema": STORED_SCHEMA, **content_to_dict(content)}


def _scheme(raw: Mapping[str, Any]) -> Scheme:
    return Scheme(
        scheme_id=raw["scheme_id"],
        name=raw["name"],
        description=raw["description"],
        scheme_type=raw["scheme_type"],
        sub_type=raw["sub_type"],
        area_of_spend=raw["area_of_spend"],
        commissioners=tuple(
            CommissionerShare(c["organisation"], Decimal(c["percent"]))
            for c in raw["commissioners"]
        ),
        provider_type=raw["provider_type"],
        funding=tuple(Funding(f["stream"], Money(f["amount_pence"])) for f in raw["funding"]),
        new=bool(raw["new"]),
        outputs=tuple(
            PlannedOutput(o["description"], Decimal(o["quantity"]), o["unit"])
            for o in raw["outputs"]
        ),
        metrics=tuple(
            MetricEffect(m["metric"], Decimal(m["change"]), m.get("note", ""))
            for m in raw["metrics"]
        ),
    )


def content_from_stored(raw: Mapping[str, Any]) -> PlanContent:
    if raw.get("schema") != STORED_SCHEMA:
        raise StoredPlanError(
            f"Stored plan content has schema {raw.get('schema')!r}; this Carepool reads "
            f"schema {STORED_SCHEMA} (add a migration for the old shape)"
        )
    try:
        return PlanContent(
            tuple(_scheme(s) for s in raw["schemes"]),
            tuple((d["id"], bool(d["answer"]), d["comment"]) for d in raw["declarations"]),
        )
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise StoredPlanError(f"Stored plan content is malformed: {exc!r}") from None
