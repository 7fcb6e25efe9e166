"""Organisations, areas and populations as plain, JSON-ready values.

The one shape both the API (``carepool.api.schemas``) and the CLI's ``--json`` (docs/cli.md)
give; the interfaces add only what is their own.
"""

from __future__ import annotations

from typing import Any

from carepool.organisations.models import Area, Organisation
from carepool.organisations.selectors import PopulationAnswer


def organisation_ref(org: Organisation) -> dict[str, Any]:
    return {"code": org.code, "name": org.name, "org_type": org.org_type}


def organisation(org: Organisation) -> dict[str, Any]:
    return {
        **organisation_ref(org),
        "org_type_label": org.type.label,
        "code_system": org.code_system,
        "version": org.version,
    }


def area_ref(area: Area) -> dict[str, Any]:
    return {"code": area.code, "name": area.name}


def area(area: Area) -> dict[str, Any]:
    return {
        **area_ref(area),
        "kind": area.kind,
        "region_code": area.region_code,
        "region_name": area.region_name,
        "country_code": area.country_code,
        "country_name": area.country_name,
        "source": area.source,
    }


def population(answer: PopulationAnswer, where: Area | None) -> dict[str, Any]:
    """``where`` is the area asked about; None for a region or country (its name is null)."""
    count = answer.count
    return {
        "area": area_ref(where)
        if where is not None
        else {"code": count.geography_code, "name": None},
        "year": answer.asked_for.label,
        "estimate_year": count.estimate_year,
        "min_age": count.min_age,
        "max_age": count.max_age,
        "age_label": count.age_label,
        "persons": count.persons,
        "note": answer.note,
        "trace": answer.trace.to_dict(),
    }
