from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.core.money import Money, MoneyError, apportion, split_equally, total


class TestParsing:
    @pytest.mark.parametrize(
        ("text", "pence"),
        [
            ("0", 0),
            ("1", 100),
            ("1.5", 150),
            ("1.05", 105),
            ("£1,234.56", 123456),
            ("-2.50", -250),
            (" 10 ", 1000),
            (".99", 99),
        ],
    )
    def test_reads_pounds_exactly(self, text, pence):
        assert Money.from_pounds(text).pence == pence

    @pytest.mark.parametrize("text", ["abc", "", "1.2.3", "1e5", "NaN", "£", "12,34x"])
    def test_refuses_non_numbers(self, text):
        with pytest.raises(MoneyError, match="not an amount"):
            Money.from_pounds(text)

    def test_refuses_fractions_of_a_penny(self):
        with pytest.raises(MoneyError, match="fraction of a penny"):
            Money.from_pounds("0.001")

    @pytest.mark.parametrize(
        "value",
        [
            # Decimal arithmetic (28 digits) rounded these to a whole number of pence.
            "0.1000000000000000000000000000001",
            Decimal("0.1000000000000000000000000000001"),
            "-0.1000000000000000000000000000001",
            "1,000,000.000000000000000000000000000000000000001",
            "0." + "0" * 500 + "1",
            Decimal("1E-999999999"),
        ],
    )
    def test_refuses_a_non_zero_digit_beyond_the_pence_however_far(self, value):
        with pytest.raises(MoneyError, match="more than two decimal places"):
            Money.from_pounds(value)

    @pytest.mark.parametrize(
        ("text", "pence"),
        [("1.500", 150), ("1.5" + "0" * 40, 150), ("0.000", 0), ("-2.0100", -201)],
    )
    def test_zeros_beyond_the_pence_are_exact_and_accepted(self, text, pence):
        assert Money.from_pounds(text).pence == pence

    def test_more_digits_than_decimal_precision_are_kept_exactly(self):
        # 31 significant digits: a 28-digit Decimal context would round the last ones away.
        assert Money.from_pounds("12345678901234567890123456789.01").pence == (
            1234567890123456789012345678901
        )

    def test_refuses_absurdly_large_values_without_building_them(self):
        with pytest.raises(MoneyError, match="too large"):
            Money.from_pounds(Decimal("1E+999999999"))

    def test_a_refusal_quotes_the_value_short_and_printable(self):
        with pytest.raises(MoneyError) as refused:
            Money.from_pounds("1\ud800" + "2" * 100)
        message = str(refused.value)
        message.encode("utf-8")  # no lone surrogate left in it
        assert "\\ud800" in message
        assert len(message) < 100

    def test_refuses_floats(self):
        with pytest.raises(MoneyError, match="float"):
            Money.from_pounds(0.1)  # type: ignore[arg-type]
        with pytest.raises(MoneyError):
            Money(1.0)  # type: ignore[arg-type]

    def test_decimal_and_int(self):
        assert Money.from_pounds(Decimal("12.34")) == Money(1234)
        assert Money.from_pounds(3) == Money(300)


def test_formatting():
    assert str(Money(123456789)) == "£1,234,567.89"
    assert str(Money(-5)) == "-£0.05"
    assert Money(-5).plain() == "-0.05"
    assert Money(100).to_decimal() == Decimal("1.00")


def test_arithmetic_and_sum():
    assert Money(5) + Money(7) == Money(12)
    assert sum([Money(1), Money(2)]) == Money(3)
    assert total([]) == Money.zero()
    assert -Money(3) == Money(-3)
    assert Money(1) < Money(2)


class TestApportion:
    def test_largest_remainder_rule(self):
        # £100 split three ways: 3333.33.. each; one penny left goes to the first (tie -> earliest)
        assert apportion(Money(10000), [1, 1, 1]) == [Money(3334), Money(3333), Money(3333)]

    def test_remainder_goes_to_largest_fraction_not_first(self):
        # 10p by 1:2:2 -> exact 2, 4, 4 : no remainder; 11p -> 2.2, 4.4, 4.4 -> 2, 5, 4
        assert apportion(Money(11), [1, 2, 2]) == [Money(2), Money(5), Money(4)]

    def test_zero_weight_gets_nothing(self):
        assert apportion(Money(101), [0, 1]) == [Money(0), Money(101)]

    def test_negative_total_is_symmetric(self):
        assert apportion(Money(-10000), [1, 1, 1]) == [Money(-3334), Money(-3333), Money(-3333)]

    @pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
    def test_bad_weights_refused(self, weights):
        with pytest.raises(ValueError):
            apportion(Money(100), weights)

    def test_split_equally_needs_a_part(self):
        with pytest.raises(ValueError):
            split_equally(Money(100), 0)


@given(
    pence=st.integers(min_value=-(10**13), max_value=10**13),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40).filter(
        any
    ),
)
def test_apportion_conserves_every_penny(pence, weights):
    shares = apportion(Money(pence), weights)
    assert sum(s.pence for s in shares) == pence
    assert len(shares) == len(weights)


@given(
    pence=st.integers(min_value=0, max_value=10**13),
    weights=st.lists(
        st.decimals(min_value=0, max_value=1000, places=3), min_size=1, max_size=20
    ).filter(any),
)
def test_apportion_shares_within_a_penny_of_exact(pence, weights):
    shares = apportion(Money(pence), weights)
    weight_sum = sum(weights)
    for share, w in zip(shares, weights, strict=True):
        exact = Decimal(pence) * w / weight_sum
        assert abs(Decimal(share.pence) - exact) < 1
        if w == 0:
            assert share.pence == 0


@given(pence=st.integers(min_value=-(10**12), max_value=10**12), parts=st.integers(1, 24))
def test_split_equally_differs_by_at_most_a_penny(pence, parts):
    shares = [s.pence for s in split_equally(Money(pence), parts)]
    assert sum(shares) == pence
    assert max(shares) - min(shares) <= 1


@given(pence=st.integers(min_value=-(10**12), max_value=10**12), parts=st.integers(1, 24))
def test_split_equally_is_apportion_with_equal_weights(pence, parts):
    assert split_equally(Money(pence), parts) == apportion(Money(pence), [1] * parts)


# Any decimal text: a sign, whole pounds, and some decimal places.
pounds_text = st.integers(min_value=0, max_value=10**40).map(str)
signs = st.sampled_from(["", "-", "+"])


@given(
    sign=signs,
    pounds=pounds_text,
    pence=st.text("0123456789", max_size=2),
    zeros=st.integers(min_value=0, max_value=40),
)
def test_up_to_two_decimal_places_round_trip_exactly(sign, pounds, pence, zeros):
    # Zeros after the pence change nothing: "1.5", "1.50" and "1.5000" are the same £1.50.
    text = f"{sign}{pounds}.{pence}{'0' * zeros}" if pence or zeros else f"{sign}{pounds}"
    money = Money.from_pounds(text)
    expected = int(pounds) * 100 + int(pence.ljust(2, "0"))
    assert money.pence == (-expected if sign == "-" else expected)
    assert Money.from_pounds(money.plain()) == money
    assert Money.from_pounds(Decimal(text)) == money


@given(
    sign=signs,
    pounds=pounds_text,
    pence=st.text("0123456789", min_size=2, max_size=2),
    beyond=st.text("0123456789", min_size=1, max_size=80).filter(lambda d: d.strip("0")),
)
def test_any_non_zero_digit_beyond_the_pence_is_refused(sign, pounds, pence, beyond):
    text = f"{sign}{pounds}.{pence}{beyond}"
    with pytest.raises(MoneyError, match="more than two decimal places"):
        Money.from_pounds(text)
    with pytest.raises(MoneyError, match="more than two decimal places"):
        Money.from_pounds(Decimal(text))
