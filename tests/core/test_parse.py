"""Reading user input into domain values: the same refusal, naming the field, everywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carepool.core import parse
from carepool.core.errors import FieldError, ValidationFailed, shown
from carepool.core.money import Money
from carepool.core.organisations import CodeSystem


def refusal(call) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        call()
    [error] = refused.value.errors
    return error.field, error.message


class TestMoney:
    @pytest.mark.parametrize(
        "value",
        [
            "0.1000000000000000000000000000001",  # was read as 10p
            "0.0000000000000000000000000000001",  # was read as 0p
            "1250000.001",
            Decimal("0.1000000000000000000000000000001"),
        ],
    )
    def test_more_than_two_decimal_places_are_refused(self, value) -> None:
        field, message = refusal(lambda: parse.money(value, "amount"))

        assert field == "amount"
        assert message.startswith(f"'{value}' has more than two decimal places")
        assert message.endswith("enter pounds and pence, like 1250000.00")

    @pytest.mark.parametrize(
        ("value", "pence"),
        [("1.5", 150), ("1.50", 150), ("1.500", 150), ("£1,250,000.00", 125000000)],
    )
    def test_pounds_and_pence_are_read_exactly(self, value, pence) -> None:
        assert parse.money(value, "amount") == Money(pence)


HALF = "\ud800"  # half of a UTF-16 pair: JSON can carry it, no database or page can


class TestTextThatCannotBeStored:
    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda: parse.text(f"Leeds {HALF}", "title"), "title"),
            (lambda: parse.text("\udcff", "aims", required=True), "aims"),
            (lambda: parse.lines(["ok", f"bad {HALF}"], "outcomes"), "outcomes"),
            (lambda: parse.lines(f"ok\nbad {HALF}", "outcomes"), "outcomes"),
            (lambda: parse.code_list(["QWO", f"E08{HALF}"], "partners"), "partners"),
        ],
    )
    def test_a_lone_surrogate_is_refused_naming_the_field(self, call, field) -> None:
        found, message = refusal(call)

        assert found == field
        assert message.startswith("contains a character that is not allowed (U+D")
        assert message.endswith(", half of a character: text that is not UTF-8)")

    def test_nul_keeps_its_plain_message(self) -> None:
        assert refusal(lambda: parse.text("a\x00b", "aims")) == (
            "aims",
            "contains a character that is not allowed (NUL)",
        )

    def test_check_storable_names_every_field_however_deep(self) -> None:
        data = {
            "title": "Fine",
            "aims": f"Keep well {HALF}",
            "outcomes": ["ok", "\udfff"],
            "risk_share": [{"kind": "proportional", "description": "a\x00b"}],
            f"x{HALF}": "a field name that is not text",
        }
        with pytest.raises(ValidationFailed) as refused:
            parse.check_storable(data)

        assert [e.field for e in refused.value.errors] == [
            "aims",
            "outcomes[2]",
            "risk_share[1].description",
            "x\\ud800",
        ]
        assert refused.value.errors[-1].message.startswith("is not a field name: it contains")

    def test_check_storable_lets_any_other_text_through(self) -> None:
        parse.check_storable({"aims": "Ça va \u2028 \x1b[0m 🏥", "outcomes": [], "amount": 5})

    def test_refusals_quoting_such_input_stay_printable(self) -> None:
        field, message = refusal(lambda: parse.choice(f"{HALF}x", CodeSystem, "code_system"))

        assert field == "code_system"
        assert message.startswith("'\\ud800x' is not the kind of code")
        field, message = refusal(lambda: parse.day("2024" + "9" * 500, "start_date"))
        assert len(message) < 100


def test_shown_values_are_printable_encodable_and_short() -> None:
    assert shown("Leeds") == "Leeds"
    assert shown(f"a\x00b{HALF}\n") == "a\\x00b\\ud800\\n"
    assert shown("x" * 100) == "x" * 39 + "…"


def test_a_field_error_can_always_be_encoded() -> None:
    error = FieldError(f"x{HALF}", f"'{HALF}' is wrong")

    assert (error.field, error.message) == ("x\\ud800", "'\\ud800' is wrong")
    str(ValidationFailed([error])).encode("utf-8")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Choose the type of organisation"),
        ("   ", "Choose the type of organisation"),
        (None, "Choose the type of organisation"),
        (
            "bank",
            "'bank' is not the type of organisation; give one of: nhs_commissioner for NHS "
            "commissioner (ICB or CCG), nhs_trust for NHS trust, council for Upper-tier",
        ),
    ],
)
def test_choices_are_asked_for_in_words(value, message) -> None:
    from carepool.core.organisations import OrganisationType

    with pytest.raises(ValidationFailed) as exc:
        parse.choice(value, OrganisationType, "org_type")
    assert exc.value.errors[0].field == "org_type"
    assert exc.value.errors[0].message.startswith(message)
