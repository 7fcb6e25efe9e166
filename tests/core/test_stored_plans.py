"""A plan version's stored content reads back exactly, and its hash names exactly it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.core.money import Money
from carepool.core.plan_hash import content_hash
from carepool.core.plan_input import decimal_text
from carepool.core.plans import (
    CommissionerShare,
    Funding,
    MetricEffect,
    PlanContent,
    PlannedOutput,
    Scheme,
)
from carepool.core.stored_plans import StoredPlanError, content_from_stored, content_to_stored

decimals = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False)
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)

schemes = st.builds(
    Scheme,
    scheme_id=st.from_regex(r"S[0-9]{2}", fullmatch=True),
    name=texts,
    description=texts,
    scheme_type=st.sampled_from(["home_care", "reablement", "carers"]),
    sub_type=texts,
    area_of_spend=st.sampled_from(["social_care", "community_health"]),
    commissioners=st.just((CommissionerShare("LCC", Decimal("100")),))
    | st.just((CommissionerShare("LCC", Decimal("60")), CommissionerShare("ICB", Decimal("40")))),
    provider_type=st.sampled_from(["council", "private"]),
    funding=st.lists(
        st.builds(
            Funding,
            st.sampled_from(["nhs_minimum", "ibcf", "dfg"]),
            st.integers(1, 10**11).map(Money),
        ),
        max_size=3,
        unique_by=lambda f: f.stream,
    ).map(tuple),
    new=st.booleans(),
    outputs=st.lists(st.builds(PlannedOutput, texts, decimals.map(abs), texts), max_size=2).map(
        tuple
    ),
    metrics=st.lists(
        st.builds(MetricEffect, st.sampled_from(["m1", "m2"]), decimals, texts), max_size=2
    ).map(tuple),
)
contents = st.builds(
    PlanContent,
    st.lists(schemes, max_size=5, unique_by=lambda s: s.scheme_id).map(tuple),
    st.lists(
        st.tuples(st.sampled_from(["nc2", "nc3"]), st.booleans(), texts),
        max_size=2,
        unique_by=lambda d: d[0],
    ).map(lambda ds: tuple(sorted(ds))),
)


@given(contents)
def test_stored_content_reads_back_as_it_was(content):
    # Decimals compare by value (100 == 1E+2), so the content read back equals what was stored.
    back = content_from_stored(content_to_stored(content))
    assert back == content
    assert content_to_stored(back) == content_to_stored(content)


@given(contents, st.randoms())
def test_the_hash_ignores_the_order_schemes_are_listed_in(content, random):
    shuffled = list(content.schemes)
    random.shuffle(shuffled)
    assert content_hash(PlanContent(tuple(shuffled), content.declarations)) == content_hash(content)


@given(contents, contents)
def test_different_content_has_a_different_hash(a, b):
    if content_to_stored(_sorted(a)) != content_to_stored(_sorted(b)):
        assert content_hash(a) != content_hash(b)
    else:
        assert content_hash(a) == content_hash(b)


def test_a_penny_changes_the_hash():
    scheme = Scheme(
        "S01",
        "Home care",
        "",
        "home_care",
        "",
        "social_care",
        (CommissionerShare("LCC", Decimal("100")),),
        "private",
        (Funding("ibcf", Money(100_000_00)),),
        False,
    )
    moved = Scheme(**{**_fields(scheme), "funding": (Funding("ibcf", Money(100_000_01)),)})
    assert content_hash(PlanContent((scheme,))) != content_hash(PlanContent((moved,)))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("100"), "100"),
        (Decimal("100.0"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("-0"), "0"),
        (Decimal("0.50"), "0.5"),
        (Decimal("-2.25"), "-2.25"),
    ],
)
def test_equal_numbers_are_stored_as_one_text(value, text):
    assert decimal_text(value) == text


def test_stored_content_of_another_schema_is_refused_not_misread():
    with pytest.raises(StoredPlanError, match="schema 2"):
        content_from_stored({"schema": 2, "schemes": [], "declarations": []})


def _fields(scheme: Scheme) -> dict:
    return {name: getattr(scheme, name) for name in Scheme.__slots__}


def _sorted(content: PlanContent) -> PlanContent:
    return PlanContent(
        tuple(sorted(content.schemes, key=lambda s: s.scheme_id)), content.declarations
    )
