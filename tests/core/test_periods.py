from datetime import date

import pytest

from carepool.core.periods import FinancialYear, Period, PeriodError


def test_parse_and_label():
    year = FinancialYear.parse("2024-25")
    assert year.start == date(2024, 4, 1)
    assert year.end == date(2025, 3, 31)
    assert year.label == "2024-25"
    assert FinancialYear.parse("1999-00").label == "1999-00"


@pytest.mark.parametrize(
    "text", ["2024", "2024/25", "24-25", "2024-26", "2024-2025", "", "abcd-ef"]
)
def test_wrong_forms_refused_with_a_hint(text):
    with pytest.raises(PeriodError, match="2024-25|year after"):
        FinancialYear.parse(text)


def test_containing_and_periods():
    assert FinancialYear.containing(date(2025, 3, 31)) == FinancialYear(2024)
    assert FinancialYear.containing(date(2025, 4, 1)) == FinancialYear(2025)
    periods = FinancialYear(2024).periods
    assert [p.start for p in (periods[0], periods[8], periods[11])] == [
        date(2024, 4, 1),
        date(2024, 12, 1),
        date(2025, 3, 1),
    ]
    assert Period.containing(date(2025, 1, 15)) == Period(FinancialYear(2024), 10)
    assert Period(FinancialYear(2024), 10).name == "January 2025"
    assert str(Period(FinancialYear(2024), 1)) == "2024-25 P01"
    with pytest.raises(PeriodError):
        Period(FinancialYear(2024), 13)


def test_ordering():
    assert FinancialYear(2023) < FinancialYear(2024)
    assert FinancialYear(2024).next() == FinancialYear(2025)
    assert date(2024, 6, 1) in FinancialYear(2024)
