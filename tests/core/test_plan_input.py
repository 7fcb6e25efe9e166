"""Reading schemes and plans: what is accepted, every refusal naming its field, the round trip."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.core.plan_hash import content_hash
from carepool.core.plan_input import (
    content_to_dict,
    decimal_text,
    parse_content,
    parse_plan,
    parse_scheme,
    scheme_to_dict,
)
from carepool.core.plans import (
    CommissionerShare,
    Funding,
    MetricEffect,
    PlanContent,
    PlannedOutput,
    Scheme,
)
from tests.core.plan_examples import PARTNERS, PLAN_RULES, YEAR_RULES, plan, scheme


def read(raw: dict[str, Any], where: str = "") -> Scheme:
    return parse_scheme(raw, YEAR_RULES, PARTNERS, where, plan_rules=PLAN_RULES)


def refusal(raw: Any, where: str = "") -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_scheme(raw, YEAR_RULES, PARTNERS, where, plan_rules=PLAN_RULES)
    return caught.value.as_dict()


def test_a_complete_scheme_is_read_into_exact_values():
    s = read(
        scheme(
            commissioners=[
                {"organisation": "qwo", "percent": "40"},
                {"organisation": "E08000035", "percent": 60},
            ],
            funding=[
                {"stream": "nhs_minimum", "amount": "1,234.56"},
                {"stream": "Improved Better Care Fund", "amount_pence": 99},
            ],
            scheme_type="Home care or domiciliary care",
            sub_type="night sitting",
            new="yes",
        )
    )
    assert s.scheme_type == "home_care"
    assert s.sub_type == "night"  # named by its name, any case, kept as its code
    assert s.commissioners == (
        CommissionerShare("QWO", Decimal("40")),
        CommissionerShare("E08000035", Decimal("60")),
    )
    assert s.funding == (Funding("nhs_minimum", Money(123456)), Funding("ibcf", Money(99)))
    assert s.total == Money(123555)
    assert s.new is True
    assert s.joint
    assert s.outputs == (PlannedOutput("Hours of home care", Decimal(5000), "hours"),)
    assert s.metrics == (MetricEffect("discharge_home", Decimal("2.5"), ""),)


def test_one_commissioner_without_a_percentage_commissions_all_of_it():
    s = read(scheme(commissioners=[{"organisation": "QWO"}]))
    assert s.commissioners == (CommissionerShare("QWO", Decimal(100)),)


def test_a_draft_may_leave_description_sub_type_outputs_and_metrics_for_later():
    s = read(scheme(description="", sub_type="", outputs=[], metrics=None))
    assert (s.description, s.sub_type, s.outputs, s.metrics) == ("", "", (), ())


def test_free_text_sub_type_where_the_year_lists_none():
    assert (
        read(scheme(scheme_type="carers", sub_type="Respite breaks")).sub_type == "Respite breaks"
    )


TYPES = (
    "Home care or domiciliary care; Carers' services; Disabled Facilities Grant related "
    "schemes; Community based schemes"
)

# (what is wrong, fields replaced, the field named, words the message holds)
BAD_SCHEMES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "type not in the taxonomy",
        {"scheme_type": "telecare"},
        "scheme_type",
        f"'telecare' is not a scheme type in 2024-25; choose one of: {TYPES}",
    ),
    (
        "sub-type not of the type",
        {"sub_type": "adaptations"},
        "sub_type",
        "'adaptations' is not a sub-type of 'Home care or domiciliary care' in 2024-25; "
        "choose one of: Domiciliary care packages; Night sitting",
    ),
    (
        "area of spend unknown",
        {"area_of_spend": "housing"},
        "area_of_spend",
        "'housing' is not an area of spend in 2024-25; choose one of: Social care; Community health",
    ),
    (
        "provider type unknown",
        {"provider_type": "charity"},
        "provider_type",
        "'charity' is not a provider type in 2024-25",
    ),
    ("blank scheme id", {"scheme_id": "  "}, "scheme_id", "is required"),
    ("blank name", {"name": ""}, "name", "is required"),
    ("blank type", {"scheme_type": None}, "scheme_type", "is required"),
    ("new not said", {"new": ""}, "new", "Say whether the scheme is new this year"),
    ("new not yes or no", {"new": "maybe"}, "new", "'maybe' is not yes or no"),
    ("name not text", {"name": 12}, "name", "must be text"),
    ("no commissioner", {"commissioners": []}, "commissioners", "Name the commissioner"),
    (
        "commissioner not a partner",
        {"commissioners": [{"organisation": "RR8", "percent": "100"}]},
        "commissioners[1].organisation",
        "'RR8' is not a partner in the agreement; the partners are: QWO (West Yorkshire ICB); "
        "E08000035 (Leeds City Council)",
    ),
    (
        "commissioner twice",
        {
            "commissioners": [
                {"organisation": "QWO", "percent": "50"},
                {"organisation": "qwo", "percent": "50"},
            ]
        },
        "commissioners[2].organisation",
        "'QWO' is named twice",
    ),
    (
        "shares not summing to 100",
        {
            "commissioners": [
                {"organisation": "QWO", "percent": "60"},
                {"organisation": "E08000035", "percent": "39.5"},
            ]
        },
        "commissioners",
        "the commissioners' shares sum to 99.5%; they must sum to exactly 100%",
    ),
    (
        "shares over 100",
        {
            "commissioners": [
                {"organisation": "QWO", "percent": "60"},
                {"organisation": "E08000035", "percent": "60"},
            ]
        },
        "commissioners",
        "sum to 120%",
    ),
    (
        "a joint share without a percentage",
        {
            "commissioners": [
                {"organisation": "QWO"},
                {"organisation": "E08000035", "percent": "50"},
            ]
        },
        "commissioners[1].percent",
        "Enter a number, like 60 or 33.5",
    ),
    (
        "a zero share",
        {
            "commissioners": [
                {"organisation": "QWO", "percent": "0"},
                {"organisation": "E08000035", "percent": "100"},
            ]
        },
        "commissioners[1].percent",
        "must be more than 0 and at most 100",
    ),
    (
        "a float share",
        {
            "commissioners": [
                {"organisation": "QWO", "percent": 50.5},
                {"organisation": "E08000035", "percent": "49.5"},
            ]
        },
        "commissioners[1].percent",
        "50.5 is a floating-point number, which is not exact",
    ),
    (
        "a share in words",
        {"commissioners": [{"organisation": "QWO", "percent": "half"}]},
        "commissioners[1].percent",
        "'half' is not a number; write it like 60 or 33.5",
    ),
    (
        "a share as an exponent",
        {"commissioners": [{"organisation": "QWO", "percent": "1E2"}]},
        "commissioners[1].percent",
        "'1E2' is not a number",
    ),
    ("commissioners not a list", {"commissioners": "QWO"}, "commissioners", "must be a list"),
    ("no funding", {"funding": []}, "funding", "Give at least one funding stream"),
    (
        "a stream the year does not have",
        {"funding": [{"stream": "winter_pressures", "amount": "10"}]},
        "funding[1].stream",
        "'winter_pressures' is not a funding stream in 2024-25; choose one of: NHS minimum "
        "contribution; Improved Better Care Fund; Disabled Facilities Grant",
    ),
    (
        "a stream listed twice",
        {
            "funding": [
                {"stream": "ibcf", "amount": "10"},
                {"stream": "dfg", "amount": "1"},
                {"stream": "ibcf", "amount": "5"},
            ]
        },
        "funding[3].stream",
        "'ibcf' is already listed at funding[1]",
    ),
    (
        "a negative amount",
        {"funding": [{"stream": "ibcf", "amount": "10"}, {"stream": "dfg", "amount": "-5.00"}]},
        "funding[2].amount",
        "cannot be negative",
    ),
    (
        "a zero amount",
        {"funding": [{"stream": "ibcf", "amount": "0.00"}]},
        "funding[1].amount",
        "must be more than £0.00",
    ),
    (
        "a non-numeric amount",
        {"funding": [{"stream": "ibcf", "amount": "lots"}]},
        "funding[1].amount",
        "'lots' is not an amount of money",
    ),
    (
        "a float amount with a fraction of a penny",
        {"funding": [{"stream": "ibcf", "amount": 0.1 + 0.2}]},
        "funding[1].amount",
        "'0.30000000000000004' has more than two decimal places (a fraction of a penny)",
    ),
    (
        "a fraction of a penny",
        {"funding": [{"stream": "ibcf", "amount": "10.005"}]},
        "funding[1].amount",
        "more than two decimal places (a fraction of a penny)",
    ),
    (
        "no amount",
        {"funding": [{"stream": "ibcf"}]},
        "funding[1].amount",
        "Enter an amount in pounds",
    ),
    (
        "pence as a fraction",
        {"funding": [{"stream": "ibcf", "amount_pence": 10.5}]},
        "funding[1].amount_pence",
        "is not a whole number of pence",
    ),
    (
        "negative pence",
        {"funding": [{"stream": "ibcf", "amount_pence": -1}]},
        "funding[1].amount_pence",
        "cannot be negative",
    ),
    (
        "funding line not an object",
        {"funding": ["ibcf"]},
        "funding[1]",
        "must be an object with stream and amount",
    ),
    (
        "a metric not of the year",
        {"metrics": [{"metric": "delayed_transfers", "change": "-1"}]},
        "metrics[1].metric",
        "'delayed_transfers' is not a metric in 2024-25; the year's metrics are: "
        "avoidable_admissions, discharge_home, falls",
    ),
    (
        "a metric twice",
        {"metrics": [{"metric": "falls", "change": "1"}, {"metric": "falls", "change": "2"}]},
        "metrics[2].metric",
        "'falls' is named twice",
    ),
    (
        "a metric change as a float",
        {"metrics": [{"metric": "falls", "change": -2.5}]},
        "metrics[1].change",
        "is a floating-point number",
    ),
    (
        "an output without a unit",
        {"outputs": [{"description": "Visits", "quantity": "10", "unit": ""}]},
        "outputs[1].unit",
        "is required",
    ),
    (
        "a negative output",
        {"outputs": [{"description": "Visits", "quantity": "-1", "unit": "visits"}]},
        "outputs[1].quantity",
        "cannot be negative",
    ),
    (
        "an output quantity as a float",
        {"outputs": [{"description": "Visits", "quantity": 1.5, "unit": "visits"}]},
        "outputs[1].quantity",
        "is a floating-point number",
    ),
    (
        "a huge quantity",
        {"outputs": [{"description": "Visits", "quantity": "100000001", "unit": "visits"}]},
        "outputs[1].quantity",
        "is more than 100,000,000",
    ),
    (
        "a NUL in the name",
        {"name": "Home\x00care"},
        "name",
        "contains a character that is not allowed (NUL)",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [case[1:] for case in BAD_SCHEMES],
    ids=[case[0] for case in BAD_SCHEMES],
)
def test_bad_input_is_refused_naming_the_field(changes, field, message):
    errors = refusal(scheme(**changes))
    assert field in errors, errors
    assert any(message in m for m in errors[field]), errors[field]


def test_every_problem_is_reported_at_once():
    errors = refusal(
        scheme(
            name="",
            scheme_type="telecare",
            funding=[{"stream": "x", "amount": "-1"}],
            commissioners=[{"organisation": "NOPE", "percent": "100"}],
        )
    )
    assert set(errors) == {
        "name",
        "scheme_type",
        "funding[1].stream",
        "funding[1].amount",
        "commissioners[1].organisation",
    }


def test_where_is_put_before_every_field():
    errors = refusal(scheme(funding=[{"stream": "ibcf", "amount": "x"}]), "schemes[2] (S02)")
    assert list(errors) == ["schemes[2] (S02).funding[1].amount"]


def test_a_scheme_that_is_not_an_object_is_refused():
    assert refusal(["S01"], "schemes[1]") == {
        "schemes[1]": ["must be an object holding the scheme's fields"]
    }


def test_without_plan_rules_no_scheme_can_be_read():
    with pytest.raises(ValidationFailed) as caught:
        parse_scheme(scheme(), YEAR_RULES, PARTNERS)  # YearRules on main has no plan part
    assert "Carepool has no plan rules for 2024-25" in str(caught.value)


# --- whole plans ----------------------------------------------------------------------------


def test_a_plan_collects_every_schemes_errors_under_the_scheme():
    with pytest.raises(ValidationFailed) as caught:
        parse_plan(
            [
                scheme("S01"),
                scheme("S02", funding=[{"stream": "nope", "amount": "1"}]),
                scheme("S01", name="Again"),
                "not a scheme",
                scheme("", area_of_spend="moon"),
            ],
            [
                {"id": "nc2", "answer": "perhaps"},
                {"id": "nc1", "answer": "yes"},
                {"id": "nc2", "answer": "no"},
            ],
            YEAR_RULES,
            PARTNERS,
            plan_rules=PLAN_RULES,
        )
    errors = caught.value.as_dict()
    assert set(errors) == {
        "schemes[2] (S02).funding[1].stream",
        "schemes[3] (S01).scheme_id",
        "schemes[4]",
        "schemes[5].scheme_id",
        "schemes[5].area_of_spend",
        "declarations[1].answer",
        "declarations[2].id",
        "declarations[3].id",
    }
    assert errors["schemes[3] (S01).scheme_id"] == [
        "'S01' is already the id of schemes[1]; each scheme needs its own id"
    ]
    assert errors["declarations[2].id"] == [
        "'nc1' is not a declaration in 2024-25; its declarations are: nc2, nc4"
    ]
    assert errors["declarations[3].id"] == ["'nc2' is answered twice; answer each declaration once"]


def test_a_plan_reads_its_declarations():
    content = plan()
    assert content.declarations == (
        ("nc2", True, "Protects social care services"),
        ("nc4", True, ""),
    )
    assert [s.scheme_id for s in content.schemes] == ["S01", "S02", "S03"]


# --- the plain form and the round trip --------------------------------------------------------


def test_the_plain_form_holds_pence_and_exact_text():
    plain = scheme_to_dict(plan().schemes[1])
    assert plain["funding"] == [{"stream": "nhs_minimum", "amount_pence": 500000}]
    assert plain["commissioners"] == [
        {"organisation": "QWO", "percent": "60"},
        {"organisation": "E08000035", "percent": "40"},
    ]
    assert plain["metrics"] == [{"metric": "discharge_home", "change": "3", "note": ""}]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("50.0", "50"),
        ("0.00", "0"),
        ("-0", "0"),
        ("1E+2", "100"),
        ("33.50", "33.5"),
        ("-2.5", "-2.5"),
    ],
)
def test_decimal_text_has_one_form_per_value(value, text):
    assert decimal_text(Decimal(value)) == text


def test_the_whole_content_reads_back():
    content = plan()
    assert (
        parse_content(content_to_dict(content), YEAR_RULES, PARTNERS, plan_rules=PLAN_RULES)
        == content
    )


def _decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        Decimal(low), Decimal(high), places=places, allow_nan=False, allow_infinity=False
    )


def _shares() -> st.SearchStrategy[list[dict[str, Any]]]:
    def split(first: Decimal) -> list[dict[str, Any]]:
        if first == 100:
            return [{"organisation": "QWO", "percent": str(first)}]
        return [
            {"organisation": "QWO", "percent": str(first)},
            {"organisation": "E08000035", "percent": str(Decimal(100) - first)},
        ]

    return _decimals("0.01", "100", 2).map(split)


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)

raw_schemes = st.builds(
    lambda ident, name, description, kind, area, provider, shares, amounts, new, outputs, metrics: (
        scheme(
            ident,
            name=name,
            description=description,
            scheme_type=kind[0],
            sub_type=kind[1],
            area_of_spend=area,
            provider_type=provider,
            commissioners=shares,
            funding=[{"stream": code, "amount_pence": pence} for code, pence in amounts.items()],
            new=new,
            outputs=[{"description": d, "quantity": str(q), "unit": u} for d, q, u in outputs],
            metrics=[{"metric": m, "change": str(c), "note": n} for m, c, n in metrics.values()],
        )
    ),
    st.from_regex(r"S[0-9]{2}", fullmatch=True),
    texts.filter(str.strip),
    texts,
    st.sampled_from([("home_care", "night"), ("carers", "Respite"), ("carers", ""), ("dfg", "")]),
    st.sampled_from(["social_care", "acute", "mental_health"]),
    st.sampled_from(["private", "nhs_community"]),
    _shares(),
    st.dictionaries(
        st.sampled_from(["nhs_minimum", "ibcf", "dfg"]), st.integers(1, 10**12), min_size=1
    ),
    st.booleans(),
    st.lists(
        st.tuples(
            texts.filter(str.strip), _decimals("0", "100000", 3), st.sampled_from(["hours", "beds"])
        ),
        max_size=3,
    ),
    st.dictionaries(
        st.sampled_from(["avoidable_admissions", "discharge_home", "falls"]),
        st.tuples(st.just(""), _decimals("-1000", "1000", 4), texts),
    ).map(lambda d: {k: (k, c, n) for k, (_, c, n) in d.items()}),
)


@given(raw_schemes)
def test_round_trip_dict_scheme_dict(raw):
    first = read(raw)
    plain = scheme_to_dict(first)
    again = read(plain)
    assert again == first
    assert scheme_to_dict(again) == plain


def test_a_float_amount_is_read_by_its_text_as_contributions_read_it():
    # A JSON number for a contribution's amount is read by the text the sender wrote; a
    # scheme's funding amount once refused the same number (before the API read it as Decimal).
    s = read(scheme(funding=[{"stream": "ibcf", "amount": 1500.5}]))
    assert s.funding[0].amount == Money(150050)


def test_a_whole_number_amount_is_pounds_and_pence_are_whole():
    s = read(
        scheme(
            funding=[{"stream": "ibcf", "amount": 1500}, {"stream": "dfg", "amount_pence": "250"}]
        )
    )
    assert s.funding == (Funding("ibcf", Money(150_000)), Funding("dfg", Money(250)))


@given(raw_schemes, raw_schemes)
def test_two_schemes_hash_the_same_exactly_when_they_are_equal(raw_a, raw_b):
    a, b = read(raw_a), read(raw_b)
    same_hash = content_hash(PlanContent((a,))) == content_hash(PlanContent((b,)))
    assert same_hash == (a == b)
    assert content_hash(PlanContent((a,))) == content_hash(PlanContent((read(scheme_to_dict(a)),)))


def test_a_nul_in_a_declaration_is_refused_naming_it():
    with pytest.raises(ValidationFailed) as caught:
        parse_plan(
            [],
            [{"id": "nc2", "answer": "yes", "comment": "ok\x00"}],
            YEAR_RULES,
            PARTNERS,
            plan_rules=PLAN_RULES,
        )
    assert caught.value.as_dict() == {
        "declarations[1].comment": ["contains a character that is not allowed (NUL)"]
    }


def test_a_percentage_may_carry_its_sign():
    s = read(
        scheme(
            commissioners=[
                {"organisation": "QWO", "percent": "60%"},
                {"organisation": "E08000035", "percent": " 40 % "},
            ]
        )
    )
    assert [c.percent for c in s.commissioners] == [Decimal(60), Decimal(40)]
