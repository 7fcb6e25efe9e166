from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.core.contributions import (
    Contribution,
    InstalmentFrequency,
    Variation,
    instalment_schedule,
    summarise,
    validate_contribution,
    validate_variation,
)
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.core.organisations import OrganisationType
from carepool.core.periods import FinancialYear
from carepool.core.rules import load_rules

Y = FinancialYear(2024)


def contribution(
    pence=10000,
    frequency=InstalmentFrequency.QUARTERLY,
    variations=(),
    partner="QWO",
    stream="nhs_minimum",
    mandated=True,
):
    return Contribution(Y, partner, stream, mandated, Money(pence), frequency, tuple(variations))


def test_four_equal_quarterly_instalments_conserve_pennies():
    schedule = instalment_schedule(contribution(10001))
    assert [i.due_date for i in schedule] == [
        date(2024, 4, 1),
        date(2024, 7, 1),
        date(2024, 10, 1),
        date(2025, 1, 1),
    ]
    assert [i.amount.pence for i in schedule] == [2501, 2500, 2500, 2500]


def test_variation_spreads_over_instalments_not_yet_due():
    c = contribution(10000, variations=[Variation(date(2024, 8, 15), Money(-1000), "cut")])
    assert [i.amount.pence for i in instalment_schedule(c)] == [2500, 2500, 2000, 2000]
    assert c.amount == Money(9000)
    assert c.amount_at(date(2024, 8, 14)) == Money(10000)


def test_late_variation_becomes_an_adjustment():
    c = contribution(10000, variations=[Variation(date(2025, 2, 10), Money(300), "late uplift")])
    schedule = instalment_schedule(c)
    assert schedule[-1].is_adjustment and schedule[-1].amount == Money(300)
    assert schedule[-1].due_date == date(2025, 2, 10)


@pytest.mark.parametrize(
    ("frequency", "count"), [("annual", 1), ("half_yearly", 2), ("quarterly", 4), ("monthly", 12)]
)
def test_frequencies(frequency, count):
    assert len(instalment_schedule(contribution(1234567, InstalmentFrequency(frequency)))) == count


@given(
    original=st.integers(0, 10**11),
    frequency=st.sampled_from(list(InstalmentFrequency)),
    changes=st.lists(st.tuples(st.integers(0, 364), st.integers(-(10**9), 10**9)), max_size=6),
)
def test_schedule_always_sums_to_current_amount(original, frequency, changes):
    variations = [
        Variation(date.fromordinal(Y.start.toordinal() + d), Money(p), "r") for d, p in changes
    ]
    c = contribution(original, frequency, variations)
    assert sum(i.amount.pence for i in instalment_schedule(c)) == c.amount.pence


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["s1", "s2"]),
            st.booleans(),
            st.integers(0, 10**10),
        ),
        max_size=20,
    )
)
def test_totals_are_consistent(rows):
    contributions = [contribution(p, partner=a, stream=s, mandated=m) for a, s, m, p in rows]
    totals = summarise(contributions)
    assert sum(m.pence for m in totals.by_partner.values()) == totals.overall.pence
    assert sum(m.pence for m in totals.by_stream.values()) == totals.overall.pence
    assert totals.mandated + totals.additional == totals.overall
    assert totals.overall.pence == sum(p for *_, p in rows)


class TestValidation:
    rules = load_rules().for_year(Y)

    def test_valid(self):
        validate_contribution(
            self.rules, OrganisationType.NHS_COMMISSIONER, "nhs_minimum", True, Money(1)
        )

    def test_negative_refused(self):
        with pytest.raises(ValidationFailed) as exc:
            validate_contribution(
                self.rules, OrganisationType.NHS_COMMISSIONER, "nhs_minimum", True, Money(-1)
            )
        assert exc.value.as_dict() == {"amount": ["A contribution cannot be negative"]}

    def test_unknown_stream_names_the_field_and_the_choices(self):
        with pytest.raises(ValidationFailed) as exc:
            validate_contribution(self.rules, OrganisationType.COUNCIL, "lottery", True, Money(1))
        [error] = exc.value.errors
        assert error.field == "funding_stream"
        assert "'lottery' is not a funding stream in 2024-25" in error.message
        assert "ibcf" in error.message

    def test_wrong_contributor_type(self):
        with pytest.raises(ValidationFailed, match="partner: Minimum NHS"):
            validate_contribution(
                self.rules, OrganisationType.COUNCIL, "nhs_minimum", True, Money(1)
            )

    def test_mandated_flag_must_fit_the_stream(self):
        with pytest.raises(ValidationFailed, match="mandated: .*additional stream"):
            validate_contribution(
                self.rules, OrganisationType.COUNCIL, "additional_la", True, Money(1)
            )

    def test_variation_rules(self):
        c = contribution(1000)
        with pytest.raises(ValidationFailed) as exc:
            validate_variation(c, Variation(date(2025, 4, 1), Money(-2000), " "))
        fields = {e.field for e in exc.value.errors}
        assert fields == {"reason", "effective_date", "change"}
