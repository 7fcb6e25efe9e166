"""The audit trail in words: one table of stored values and what a person reads."""

from __future__ import annotations

from typing import Any

import pytest

from carepool.core.history import NONE, Names, describe, label

NAMES = Names(
    organisations={"E08000035": "Leeds City Council", "QWO": "NHS West Yorkshire ICB"},
    areas={"E08000035": "Leeds"},
    streams={"ibcf": "Improved Better Care Fund grant"},
)


@pytest.mark.parametrize(
    ("field", "stored", "read"),
    [
        ("amount", "7640000.00", "£7,640,000.00"),
        ("change", "-1500.5", "-£1,500.50"),
        ("original_amount", "0.01", "£0.01"),
        ("start_date", "2024-10-01", "1 October 2024"),
        ("effective_date", "2025-04-01", "1 April 2025"),
        (
            "partners",
            ["E08000035", "QWO"],
            "Leeds City Council (E08000035), NHS West Yorkshire ICB (QWO)",
        ),
        ("host", "E08000035", "Leeds City Council (E08000035)"),
        ("partner", "UNKNOWN", "UNKNOWN"),
        ("area", "E08000035", "Leeds (E08000035)"),
        ("funding_stream", "ibcf", "Improved Better Care Fund grant"),
        ("reporting_frequency", "six_weekly", "Every six weeks"),
        ("arrangement_type", "pooled_fund", "Pooled fund"),
        ("frequency", "quarterly", "Four quarterly instalments"),
        ("mandated", True, "Yes"),
        ("mandated", False, "No"),
        ("status", "invited", "Invited"),
        ("outcomes", ["Fewer admissions", "Shorter stays"], "Fewer admissions; Shorter stays"),
        (
            "risk_share",
            [{"kind": "risk_pool"}, {"kind": "proportional"}],
            "2 provisions: Named risk pool absorbs overspends first; Proportional share (pro rata)",
        ),
        ("aims", "", NONE),
        ("aims", None, NONE),
        ("auditors", [], NONE),
        ("title", "0", "0"),  # a real value that looks empty is shown as it is
        ("amount", "not money", "not money"),  # never fails on an odd stored value
        ("start_date", "someday", "someday"),
    ],
)
def test_stored_values_read_as_words(field: str, stored: Any, read: str) -> None:
    assert describe(field, stored, NAMES) == read


def test_fields_have_labels() -> None:
    assert label("funding_stream") == "Funding stream"
    assert label("break_clause_date") == "Break clause date"
    assert label("something_new") == "Something new"
