"""Comparing two versions of a plan, scheme by scheme."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from carepool.core.money import Money
from carepool.core.plan_diff import FieldChange, FundingChange, Names, diff
from carepool.core.plan_hash import content_hash
from carepool.core.plans import CommissionerShare, Funding, MetricEffect, PlanContent
from tests.core.plan_examples import PARTNERS, PASSING_SCHEMES, PLAN_RULES, plan, scheme

OLD = plan()


def test_a_version_compared_with_itself_or_reordered_has_no_changes():
    assert diff(OLD, OLD).empty
    reordered = replace(OLD, schemes=tuple(reversed(OLD.schemes)))
    result = diff(OLD, reordered)
    assert result.empty
    assert result.difference == Money.zero()


def test_added_removed_and_changed_schemes():
    s01, s02, _ = OLD.schemes
    new_s02 = replace(
        s02,
        scheme_type="carers",
        sub_type="Respite",
        commissioners=(CommissionerShare("QWO", Decimal(100)),),
        funding=(Funding("nhs_minimum", Money(4_500_00)), Funding("ibcf", Money(250_00))),
        metrics=(MetricEffect("discharge_home", Decimal("3.5"), "more at home"),),
        new=True,
    )
    s04 = plan((*PASSING_SCHEMES, scheme("S04", name="Carers' breaks"))).schemes[3]
    new = PlanContent((s01, new_s02, s04), (("nc2", False, "Withdrawn"),))
    result = diff(OLD, new)

    assert [s.scheme_id for s in result.added] == ["S04"]
    assert [s.scheme_id for s in result.removed] == ["S03"]
    (change,) = result.changed
    assert change.scheme_id == "S02"
    assert change.fields == (
        FieldChange("scheme_type", "Scheme type", "community", "carers"),
        FieldChange("sub_type", "Sub-type", "Rehabilitation at home", "Respite"),
        FieldChange("commissioners", "Commissioners", "QWO 60%, E08000035 40%", "QWO 100%"),
        FieldChange("new", "New or existing", "existing", "new"),
        FieldChange(
            "metrics", "Metrics", "discharge_home +3", "discharge_home +3.5 (more at home)"
        ),
    )
    assert change.funding == (
        FundingChange("nhs_minimum", Money(5_000_00), Money(4_500_00)),
        FundingChange("ibcf", Money(0), Money(250_00)),
    )
    assert [f.difference for f in change.funding] == [Money(-500_00), Money(250_00)]
    assert change.difference == Money(-250_00)

    # totals: old 14,500; new 8,000 (S01) + 4,750 (S02) + 1,000 (S04) = 13,750
    assert (result.old_total, result.new_total) == (Money(14_500_00), Money(13_750_00))
    assert result.difference == Money(-750_00)
    assert result.streams == (
        FundingChange("nhs_minimum", Money(11_000_00), Money(11_500_00)),
        FundingChange("ibcf", Money(2_000_00), Money(2_250_00)),
        FundingChange("dfg", Money(1_500_00), Money(0)),
    )
    assert [(d.requirement_id, d.old, d.new) for d in result.declarations] == [
        ("nc2", (True, "Protects social care services"), (False, "Withdrawn")),
        ("nc4", (True, ""), None),
    ]
    plain = result.to_dict()
    assert plain["difference_pence"] == -75000
    assert plain["changed"][0]["funding"][1] == {
        "stream": "ibcf",
        "old_pence": 0,
        "new_pence": 25000,
        "difference_pence": 25000,
    }


def test_reordering_a_schemes_funding_lines_shows_as_a_change():
    s01 = OLD.schemes[0]
    swapped = replace(s01, funding=tuple(reversed(s01.funding)))
    result = diff(OLD, replace(OLD, schemes=(swapped, *OLD.schemes[1:])))
    (change,) = result.changed
    assert change.funding == ()
    assert change.fields == (
        FieldChange("funding", "Order of funding lines", "nhs_minimum, ibcf", "ibcf, nhs_minimum"),
    )


amounts = st.lists(st.integers(1, 10**9), min_size=3, max_size=3)


@given(amounts, amounts, st.permutations(range(3)))
def test_a_diff_is_empty_exactly_when_the_hash_is_the_same(old, new, order):
    def version(pence: list[int], arrangement: list[int] | tuple[int, ...]) -> PlanContent:
        schemes = tuple(
            replace(s, funding=(Funding(s.funding[0].stream, Money(p)),))
            for s, p in zip(OLD.schemes, pence, strict=True)
        )
        return replace(OLD, schemes=tuple(schemes[i] for i in arrangement))

    a, b = version(old, (0, 1, 2)), version(new, order)
    result = diff(a, b)
    assert result.empty == (content_hash(a) == content_hash(b))
    assert result.difference == Money(sum(new) - sum(old))
    assert sum((c.difference for c in result.changed), Money.zero()) == result.difference


def test_with_names_a_diff_shows_what_people_read_not_codes():
    s02 = OLD.schemes[1]
    changed = replace(
        s02,
        scheme_type="home_care",
        sub_type="night",
        area_of_spend="mental_health",
        provider_type="private",
        commissioners=(CommissionerShare("QWO", Decimal(100)),),
    )
    names = Names.of(PLAN_RULES, PARTNERS)
    (change,) = diff(
        OLD, replace(OLD, schemes=(OLD.schemes[0], changed, OLD.schemes[2])), names
    ).changed
    assert [(f.label, f.old, f.new) for f in change.fields] == [
        ("Scheme type", "Community based schemes", "Home care or domiciliary care"),
        ("Sub-type", "Rehabilitation at home", "Night sitting"),
        ("Area of spend", "Community health", "Mental health"),
        (
            "Commissioners",
            "West Yorkshire ICB 60%, Leeds City Council 40%",
            "West Yorkshire ICB 100%",
        ),
        ("Provider type", "NHS community provider", "Private sector"),
    ]
