"""Things about an agreement worth a second look that are not errors (shown, never refused)."""

from __future__ import annotations

from carepool.agreements.models import Agreement
from carepool.core.geography import area_warning, outside_area


def area_warnings(agreement: Agreement) -> list[str]:
    """Partners known to belong to another area than the agreement's."""
    area = agreement.area
    return [
        area_warning(p.organisation.name, p.organisation.code, area.name, area.code)
        for p in agreement.partnerships.select_related("organisation").order_by(
            "organisation__name"
        )
        if outside_area(p.organisation.code, p.organisation.type, area.code)
    ]
