"""A plan version's content as stored: plain JSON, read back without re-checking it against
today's rules (it was checked when written; the rules of a past year do not change under it),
and the SHA-256 hash that a sign-off names.

The stored shape carries ``schema`` (1 today). Money is integer pence; percentages, quantities
and metric changes are decimal strings, so nothing passes through a float. The hash is over the
canonical JSON (keys sorted, no spaces, UTF-8) of the content with its schemes in scheme-id
order: listing the same schemes in another order is not a change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from carepool.core.money import Money
from carepool.core.plans import (
    CommissionerShare,
    Funding,
    MetricEffect,
    PlanContent,
    PlannedOutput,
    Scheme,
)

STORED_SCHEMA = 1


def decimal_text(value: Decimal) -> str:
    """One text per number: 100, 100.0 and 1E+2 are all "100", so equal content hashes equal."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


class StoredPlanError(ValueError):
    """Stored content in a shape this version of Carepool does not read."""


def scheme_to_stored(s: Scheme) -> dict[str, Any]:
    return {
        "scheme_id": s.scheme_id,
        "name": s.name,
        "description": s.description,
        "scheme_type": s.scheme_type,
        "sub_type": s.sub_type,
        "area_of_spend": s.area_of_spend,
        "commissioners": [
            {"organisation": c.organisation, "percent": decimal_text(c.percent)}
            for c in s.commissioners
        ],
        "provider_type": s.provider_type,
        "funding": [{"stream": f.stream, "amount_pence": f.amount.pence} for f in s.funding],
        "new": s.new,
        "outputs": [
            {"description": o.description, "quantity": decimal_text(o.quantity), "unit": o.unit}
            for o in s.outputs
        ],
        "metrics": [
            {"metric": m.metric, "change": decimal_text(m.change), "note": m.note}
            for m in s.metrics
        ],
    }


def content_to_stored(content: PlanContent) -> dict[str, Any]:
    return {
        "schema": STORED_SCHEMA,
        "schemes": [scheme_to_stored(s) for s in content.schemes],
        "declarations": [
            {"requirement": rid, "answer": yes, "comment": comment}
            for rid, yes, comment in sorted(content.declarations)
        ],
    }


def scheme_from_stored(raw: Mapping[str, Any]) -> Scheme:
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
            tuple(scheme_from_stored(s) for s in raw["schemes"]),
            tuple((d["requirement"], bool(d["answer"]), d["comment"]) for d in raw["declarations"]),
        )
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise StoredPlanError(f"Stored plan content is malformed: {exc!r}") from None


def content_hash(content: PlanContent) -> str:
    """SHA-256 (hex) of the canonical JSON of the content, schemes in scheme-id order."""
    stored = content_to_stored(content)
    stored["schemes"] = sorted(stored["schemes"], key=lambda s: s["scheme_id"])
    text = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
