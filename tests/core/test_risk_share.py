from decimal import Decimal

import pytest

from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.core.risk_share import (
    ApplicationStep,
    ProvisionKind,
    VarianceDirection,
    parse_provisions,
)

EVERY_KIND = [
    {"kind": "proportional", "applies_to": "both", "basis": "recurrent_contributions"},
    {"kind": "own_services", "applies_to": "overspend"},
    {"kind": "capped_share", "applies_to": "overspend", "partner_code": "qwo", "cap": "250,000"},
    {
        "kind": "capped_share",
        "applies_to": "overspend",
        "partner_code": "QWO",
        "cap_percent": "100",
    },
    {
        "kind": "tiered",
        "applies_to": "overspend",
        "tiers": [
            {"up_to": "1000000", "shares": {"E08000035": "50", "QWO": "50"}},
            {"up_to": None, "shares": {"E08000035": "70", "QWO": "30"}},
        ],
    },
    {"kind": "agreed_ratio", "applies_to": "both", "shares": {"E08000035": "60", "QWO": "40"}},
    {
        "kind": "risk_pool",
        "applies_to": "overspend",
        "amount": "500000",
        "description": "Risk pool",
    },
    {"kind": "contingency_reserve", "percent": "5", "description": "Prevention reserve"},
    {
        "kind": "performance_related",
        "amount": "1200000",
        "description": "Released when admissions fall; else pays for the extra activity",
    },
    {
        "kind": "order_of_application",
        "applies_to": "overspend",
        "steps": ["offset_underspends", "risk_pool", "cut_uncommitted", "partners_own_resources"],
    },
    {"kind": "carry_forward", "applies_to": "underspend"},
    {"kind": "return_pro_rata", "applies_to": "underspend", "basis": "recurrent_contributions"},
]


def test_every_kind_round_trips():
    provisions = parse_provisions(EVERY_KIND, partner_codes={"E08000035", "QWO"})
    assert {p.kind for p in provisions} == set(ProvisionKind)
    again = parse_provisions([p.to_dict() for p in provisions])
    assert again == provisions
    cap = provisions[2]
    assert cap.partner_code == "QWO" and cap.cap == Money(25_000_000)
    assert provisions[4].tiers[1].up_to is None
    assert provisions[9].steps[1] is ApplicationStep.RISK_POOL
    assert provisions[7].percent == Decimal(5)
    assert provisions[1].applies_to is VarianceDirection.OVERSPEND


@pytest.mark.parametrize(
    ("raw", "field", "fragment"),
    [
        ({"kind": "magic"}, "risk_share[1].kind", "must be one of"),
        (
            {"kind": "risk_pool", "applies_to": "underspend", "amount": "1"},
            "risk_share[1].applies_to",
            "overspend",
        ),
        (
            {"kind": "risk_pool", "applies_to": "overspend", "amount": "-5"},
            "risk_share[1].amount",
            "more than £0",
        ),
        (
            {"kind": "risk_pool", "applies_to": "overspend", "amount": "lots"},
            "risk_share[1].amount",
            "not an amount",
        ),
        ({"kind": "capped_share", "partner_code": "QWO"}, "risk_share[1].cap", "either a cap"),
        ({"kind": "capped_share", "cap": "5"}, "risk_share[1].partner_code", "name the partner"),
        (
            {"kind": "agreed_ratio", "shares": {"QWO": "0"}},
            "risk_share[1].shares",
            "more than zero",
        ),
        (
            {"kind": "agreed_ratio", "shares": {"QWO": "x"}},
            "risk_share[1].shares.QWO",
            "not a number",
        ),
        (
            {
                "kind": "tiered",
                "tiers": [
                    {"up_to": None, "shares": {"QWO": 1}},
                    {"up_to": "5", "shares": {"QWO": 1}},
                ],
            },
            "risk_share[1].tiers[1].up_to",
            "only the last tier",
        ),
        ({"kind": "contingency_reserve", "percent": "150"}, "risk_share[1].percent", "at most 100"),
        (
            {"kind": "performance_related", "percent": "10"},
            "risk_share[1].description",
            "which metrics",
        ),
        (
            {
                "kind": "order_of_application",
                "applies_to": "overspend",
                "steps": ["risk_pool", "risk_pool"],
            },
            "risk_share[1].steps",
            "appears twice",
        ),
    ],
)
def test_bad_provisions_name_the_field(raw, field, fragment):
    with pytest.raises(ValidationFailed) as exc:
        parse_provisions([raw])
    assert any(e.field == field and fragment in e.message for e in exc.value.errors), (
        exc.value.errors
    )


def test_partners_checked():
    with pytest.raises(ValidationFailed, match="'X1' is not a partner"):
        parse_provisions(
            [{"kind": "capped_share", "partner_code": "X1", "cap": "1"}], partner_codes={"QWO"}
        )


def test_not_a_list():
    with pytest.raises(ValidationFailed, match="risk_share: must be a list"):
        parse_provisions({"kind": "proportional"})
    assert parse_provisions(None) == ()
