"""Plain plan input for the World's Leeds agreement (2024-25): schemes and declarations, as
the API, the web forms and the services receive them. Shared by the plans, web and API tests."""

from __future__ import annotations

from typing import Any

DECLARATIONS_2024 = (
    ("fund_objectives", True, "Agreed by the board"),
    ("grant_and_funding_conditions", True, "Checked by both finance leads"),
    ("metrics_and_capacity_plans", True, "Agreed with the ICB"),
)


def scheme(scheme_id: str = "S01", **overrides: Any) -> dict[str, Any]:
    """A complete scheme of the World's Leeds plan (2024-25), council-commissioned."""
    data: dict[str, Any] = {
        "scheme_id": scheme_id,
        "name": "Home care to support independence",
        "description": "Domiciliary care so people can stay at home",
        "scheme_type": "home_care",
        "sub_type": "",
        "area_of_spend": "social_care",
        "commissioners": [{"organisation": "E08000035", "percent": "100"}],
        "provider_type": "private",
        "funding": [{"stream": "nhs_minimum", "amount": "60000000.00"}],
        "new": False,
        "outputs": [{"description": "Hours of home care", "quantity": "900000", "unit": "hours"}],
        "metrics": [],
    }
    data.update(overrides)
    return data


def balanced_schemes() -> list[dict[str, Any]]:
    """Schemes spending exactly the World's 2024-25 contributions, stream by stream."""
    return [
        scheme("S01"),
        scheme(
            "S02",
            name="Reablement at home",
            scheme_type="reablement_at_home",
            provider_type="council",
            funding=[{"stream": "ibcf", "amount": "35000000.01"}],
        ),
    ]
