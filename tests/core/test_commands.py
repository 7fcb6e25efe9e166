"""Typed commands read from raw input, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from carepool.core.commands import (
    ContributionVariationInput,
    NewContribution,
    draft_contribution_variation,
    draft_new_contribution,
    read_contribution_variation,
    read_new_contribution,
)
from carepool.core.contributions import InstalmentFrequency
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.core.periods import FinancialYear


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.field for e in exc.value.errors]


class TestNewContribution:
    def test_reads_typed_values(self) -> None:
        command = read_new_contribution(
            {
                "year": "2024-25",
                "partner": " qwo ",
                "funding_stream": "nhs_minimum",
                "mandated": "yes",
                "amount": "1,250,000.50",
                "frequency": "monthly",
            }
        )
        assert command == NewContribution(
            FinancialYear.parse("2024-25"),
            "QWO",
            "nhs_minimum",
            True,
            Money(125_000_050),
            InstalmentFrequency.MONTHLY,
        )

    def test_frequency_defaults_to_quarterly(self) -> None:
        command = read_new_contribution(
            {
                "year": "2024-25",
                "partner": "QWO",
                "funding_stream": "ibcf",
                "mandated": False,
                "amount": 10,
            }
        )
        assert command.frequency is InstalmentFrequency.QUARTERLY
        assert command.amount == Money(1000)

    def test_every_unreadable_field_is_named_at_once(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            read_new_contribution({"year": "2024", "amount": "-5", "frequency": "weekly"})
        assert fields(exc) == [
            "year",
            "amount",
            "mandated",
            "frequency",
            "funding_stream",
            "partner",
        ]

    def test_draft_keeps_what_could_be_read(self) -> None:
        draft, errors = draft_new_contribution(
            {"year": "2024-25", "amount": "lots", "mandated": "no", "partner": "qwo"}
        )
        assert draft.year == FinancialYear.parse("2024-25")
        assert draft.amount is None
        assert draft.mandated is False
        assert draft.partner_code == "QWO"
        assert sorted(errors.fields) == ["amount", "funding_stream"]

    def test_unstorable_text_is_refused(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            read_new_contribution({"funding_stream": "ibcf\x00"})
        assert "funding_stream" in fields(exc)


class TestVariation:
    def test_reads_a_change(self) -> None:
        command = read_contribution_variation(
            {"effective_date": "2024-10-01", "change": "-1,000.00", "reason": " Fewer beds "}
        )
        assert command == ContributionVariationInput(
            date(2024, 10, 1), "Fewer beds", Money(-100_000), None
        )

    def test_reads_a_new_amount(self) -> None:
        command = read_contribution_variation(
            {"effective_date": "2024-10-01", "new_amount": "500", "reason": "Re-based"}
        )
        assert command.change is None
        assert command.new_amount == Money(50_000)

    def test_both_or_neither_amount_is_refused(self) -> None:
        for data in (
            {"effective_date": "2024-10-01", "reason": "x"},
            {"effective_date": "2024-10-01", "reason": "x", "change": "1", "new_amount": "2"},
        ):
            with pytest.raises(ValidationFailed) as exc:
                read_contribution_variation(data)
            assert fields(exc) == ["change"]

    def test_every_problem_is_named(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            read_contribution_variation({"effective_date": "1 April", "new_amount": "-3"})
        assert fields(exc) == ["effective_date", "new_amount", "reason"]

    def test_draft_leaves_the_missing_reason_to_the_rules(self) -> None:
        draft, errors = draft_contribution_variation({"effective_date": "2024-10-01", "change": 1})
        assert draft.reason == ""
        assert draft.change == Money(100)
        assert len(errors) == 0


# an agreement's terms, read without a database ---------------------------------------------

from carepool.core.commands import draft_agreement  # noqa: E402

AGREEMENT = {
    "title": "Leeds pool",
    "arrangement_type": "pooled_fund",
    "area": "e08000035",
    "partners": "E08000035, QWO",
    "host": "e08000035",
    "start_date": "2024-04-01",
    "end_date": "2027-03-31",
    "outcomes": "Fewer admissions\nMore people at home",
    "risk_share": "[]",
}
LIMITS = {"governing_board": 200, "aims": None}


def test_an_agreement_is_read_into_typed_terms_with_codes_upper_cased():
    draft, errors = draft_agreement({**AGREEMENT, "aims": "Keep people well"}, LIMITS)
    assert not errors
    assert draft.area_code == "E08000035" and draft.host_code == "E08000035"
    assert draft.partner_codes == ("E08000035", "QWO")
    assert draft.outcomes == ("Fewer admissions", "More people at home")
    assert draft.programme is not None and draft.programme.value == "bcf"
    assert draft.texts == {"governing_board": "", "aims": "Keep people well"}
    assert draft.terms().end_date.year == 2027


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": ""}, "title", ""),
        ({"arrangement_type": "merger"}, "arrangement_type", "is not the type of arrangement"),
        ({"programme": "mars"}, "programme", "bcf for Better Care Fund"),
        ({"start_date": "31/31/2024"}, "start_date", ""),
        ({"reporting_frequency": "hourly"}, "reporting_frequency", "how often"),
        ({"governing_board": "x" * 201}, "governing_board", "200"),
        ({"risk_share": "{not json"}, "risk_share", "is not valid JSON"),
    ],
)
def test_each_unreadable_term_is_named_and_the_rest_still_read(changes, field, words):
    draft, errors = draft_agreement({**AGREEMENT, **changes}, LIMITS)
    messages = {e.field: e.message for e in errors.errors}
    assert field in messages and words in messages[field], messages
    assert draft.partner_codes == ("E08000035", "QWO")  # what could be read, was
