"""Reading stored risk-share provisions one by one, and upgrading old shapes."""

from __future__ import annotations

import pytest

from carepool.core.risk_share import (
    RISK_SHARE_SCHEMA,
    ProvisionKind,
    read_stored_provisions,
    upgrade_provisions,
)


def test_readable_and_unreadable_provisions_keep_their_places() -> None:
    stored = read_stored_provisions(
        [
            {"kind": "proportional", "applies_to": "both"},
            "a note",
            {"kind": "astrology"},
            {"kind": "risk_pool", "amount": "-1"},
        ]
    )
    assert [p.kind for p in stored.readable] == [ProvisionKind.PROPORTIONAL]
    assert [(u.position, u.message.split(":")[0]) for u in stored.unreadable] == [
        (2, "Provision 2 cannot be read"),
        (3, "Provision 3 cannot be read"),
        (4, "Provision 4 cannot be read"),
    ]
    assert "kind must be one of" in stored.unreadable[1].reason
    assert stored.unreadable[2].reason.startswith("amount")


def test_a_stored_value_that_is_not_a_list_is_unreadable_not_an_error() -> None:
    stored = read_stored_provisions({"kind": "proportional"})
    assert stored.readable == ()
    assert stored.unreadable[0].reason == "the stored risk share is not a list of provisions"
    assert read_stored_provisions(None).items == ()


def test_upgrade_from_schema_0_normalises_case_and_amounts() -> None:
    upgraded = upgrade_provisions(
        [
            {"kind": "Order Of Application", "steps": ["Risk Pool", "partners_own_resources"]},
            {"kind": "contingency_reserve", "amount": 1000.5},
        ],
        0,
    )
    assert upgraded == [
        {
            "kind": "order_of_application",
            "applies_to": "overspend",
            "steps": ["risk_pool", "partners_own_resources"],
        },
        {"kind": "contingency_reserve", "applies_to": "both", "amount": "1000.50"},
    ]


def test_upgrade_keeps_what_it_cannot_read_and_leaves_current_shapes_alone() -> None:
    corrupt = [{"kind": "astrology"}, 7]
    assert upgrade_provisions(corrupt, 0) == corrupt
    current = [{"kind": "proportional", "applies_to": "both"}]
    assert upgrade_provisions(current, RISK_SHARE_SCHEMA) == current
    with pytest.raises(ValueError, match="newer"):
        upgrade_provisions(current, RISK_SHARE_SCHEMA + 1)
