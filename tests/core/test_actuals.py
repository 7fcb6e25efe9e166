"""Reading one line of actuals (core.actuals): amounts, dates, text, headings."""

from __future__ import annotations

from datetime import date

import pytest

from carepool.core.actuals import ActualLine, check_headings, parse_amount, parse_date, parse_line


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1250", 125_000),
        ("1250.5", 125_050),
        ("1,250.50", 125_050),
        ("£1,250.50", 125_050),
        ("-80", -8_000),
        (" +0.01 ", 1),
        ("12.340", 1_234),
    ],
)
def test_amounts_are_pounds_with_at_most_two_decimals(text: str, pence: int) -> None:
    assert parse_amount(text) == pence


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Enter an amount"),
        ("12a", "is not an amount"),
        ("1.2.3", "is not an amount"),
        ("12.345", "more than two decimal places"),
        ("0.00", "is zero"),
        ("1,25", "is not an amount"),
        ("1" + "0" * 13, "is more than"),
    ],
)
def test_bad_amounts_say_why(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_amount(text)


def test_dates_are_iso_or_day_month_year() -> None:
    assert parse_date("2024-10-31") == parse_date("31/10/2024") == date(2024, 10, 31)
    assert parse_date("1/2/2025") == date(2025, 2, 1)
    for bad in ("2024-13-01", "31/02/2024", "10/31/2024 ", "20241031", "", "2024-1-5"):
        with pytest.raises(ValueError, match="date"):
            parse_date(bad)


def test_a_line_is_typed_or_every_field_error_is_listed() -> None:
    good = {
        "date": "2024-10-03",
        "scheme": " S01 ",
        "partner": "qwo",
        "provider": "Acme",
        "amount": "-10",
        "description": "",
        "reference": "INV-1",
    }
    assert parse_line(good) == ActualLine(
        date(2024, 10, 3), "S01", "QWO", "Acme", "", "INV-1", "", -1_000
    )
    bad = parse_line({**good, "date": "x", "amount": "", "scheme": "", "provider": "p" * 201})
    assert isinstance(bad, list)
    assert [e.field for e in bad] == ["date", "amount", "scheme", "provider"]
    nul = parse_line({**good, "description": "a\x00b"})
    assert isinstance(nul, list) and nul[0].field == "description"


def test_headings_in_any_case_and_order_wrong_ones_named() -> None:
    at, problems = check_headings(
        ["Amount", "DATE", "scheme", "partner", "provider", "description", "reference"]
    )
    assert problems == [] and at["amount"] == 0 and at["date"] == 1
    _, problems = check_headings(["date", "date", "cost"])
    assert problems[0].startswith("missing: scheme, partner, provider, amount")
    assert problems[1:] == ["not known: cost", "given twice: date"]
