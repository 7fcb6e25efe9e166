"""The plan checker: a plan that passes every rule, and plans that fail each one, with the
verdict, the figures and the explanation each item gives."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from carepool.core.money import Money
from carepool.core.plan_check import (
    SECTION_CONDITIONS,
    SECTION_FIELDS,
    SECTION_INCOME,
    SECTION_MINIMUMS,
    Approvals,
    Checklist,
    Verdict,
    check_plan,
    check_requirement,
    income_equals_expenditure,
    split_by_commissioner,
)
from carepool.core.plan_rules import Check, RequirementKind
from carepool.core.plans import CommissionerShare, Funding, PlanContent
from tests.core.plan_examples import (
    ALLOCATIONS,
    COUNCIL,
    ICB,
    INCOME,
    PASSING_DECLARATIONS,
    PASSING_SCHEMES,
    PLAN_RULES,
    TRUST,
    YEAR_RULES,
    context,
    plan,
    requirement,
)


def checked(content: PlanContent | None = None, **changes: object) -> Checklist:
    return check_plan(content if content is not None else plan(), context(**changes))


def figures(checklist: Checklist, ident: str) -> dict[str, str]:
    return dict(checklist.item(ident).figures)


def with_scheme(position: int, **fields: object) -> PlanContent:
    schemes = list(PASSING_SCHEMES)
    schemes[position] = {**schemes[position], **fields}
    return plan(tuple(schemes))


# --- a plan that passes -----------------------------------------------------------------------


def test_a_plan_that_meets_every_rule():
    result = checked()
    assert [(i.section, i.requirement_id, i.verdict) for i in result.items] == [
        (SECTION_FIELDS, "fields.scheme_details", Verdict.PASS),
        (SECTION_FIELDS, "fields.planned_outputs", Verdict.PASS),
        (SECTION_INCOME, "income_equals_expenditure", Verdict.PASS),
        (SECTION_MINIMUMS, "nhs_contribution", Verdict.PASS),
        (SECTION_MINIMUMS, "nhs_asc", Verdict.PASS),
        (SECTION_MINIMUMS, "nhs_ooh", Verdict.PASS),
        (SECTION_CONDITIONS, "nc1", Verdict.PASS),
        (SECTION_CONDITIONS, "nc2", Verdict.DECLARED),
        (SECTION_CONDITIONS, "nc3", Verdict.PASS),
        (SECTION_CONDITIONS, "nc4", Verdict.DECLARED),
    ]
    assert result.failures == ()
    assert result.ready_for_sign_off()
    assert result.notices == ()
    assert all(i.fix == "" for i in result.items)


def test_passing_items_show_their_figures_and_say_what_was_compared():
    result = checked()
    assert figures(result, "nhs_ooh") == {
        "Planned spend from NHS minimum contribution on Community health and Mental health, "
        "commissioned by NHS partners": "£3,000.00",
        "NHS minimum spend on NHS-commissioned out-of-hospital care": "£3,000.00",
        "Above by": "£0.00",
    }
    assert result.item("nhs_ooh").explanation == (
        "Compared the spend the plan's schemes plan from NHS minimum contribution on Community "
        "health and Mental health, commissioned by NHS partners (£3,000.00) with the area's NHS "
        "minimum spend on NHS-commissioned out-of-hospital care (£3,000.00): the spend is at "
        "least the allocation."
    )
    trace = result.item("nhs_ooh").trace
    assert trace is not None
    assert trace.steps == (
        "S02 Community rehabilitation: 60% of £5,000.00 = £3,000.00",
        "total £3,000.00",
        "£3,000.00 - £3,000.00 = £0.00",
    )
    assert result.item("nc2").figures == (
        ("Answer", "yes"),
        ("Comment", "Protects social care services"),
    )
    assert result.item("nc2").explanation.endswith(": Protects social care services")
    assert result.item("nc3").figures == (
        ("avoidable_admissions", "S01"),
        ("discharge_home", "S02"),
        ("falls", "S03"),
    )
    assert result.item("nc1").explanation == (
        "Every partner's signatory has approved this version of the plan, and so has the "
        "Health and Wellbeing Board."
    )


# --- required fields ----------------------------------------------------------------------------


def test_schemes_missing_fields_fail_per_section():
    schemes = list(PASSING_SCHEMES)
    schemes[0] = {**schemes[0], "sub_type": "", "outputs": []}
    schemes[1] = {**schemes[1], "description": ""}
    result = checked(plan(tuple(schemes)))
    details = result.item("fields.scheme_details")
    assert details.verdict is Verdict.FAIL
    assert details.figures == (
        ("Schemes checked", "3"),
        ("S01 Scheme S01", "missing sub-type"),
        ("S02 Community rehabilitation", "missing description"),
    )
    assert details.explanation == (
        "Checked each of the 3 schemes for a description, and a sub-type where the year lists "
        "sub-types: 2 of them lack fields."
    )
    assert details.fix == "Fill in S01: sub-type; S02: description."
    outputs = result.item("fields.planned_outputs")
    assert outputs.verdict is Verdict.FAIL
    assert outputs.fix == "Fill in S01: at least one planned output."
    assert not result.ready_for_sign_off({"fields.scheme_details", "fields.planned_outputs"})


def test_the_schemes_complete_rule_checks_every_section_at_once():
    rules = replace(
        PLAN_RULES, conditions=(requirement("nc9", RequirementKind.CONDITION, "schemes_complete"),)
    )
    failing = with_scheme(2, description="", sub_type="")
    item = check_requirement(rules.conditions[0], failing, context(plan_rules=rules))
    assert item.verdict is Verdict.FAIL
    assert item.figures[1] == ("S03 Home adaptations", "missing description and sub-type")
    passing = check_requirement(rules.conditions[0], plan(), context(plan_rules=rules))
    assert passing.verdict is Verdict.PASS
    # In a checklist the rule is the "Required fields" section, not listed a second time.
    result = checked(failing, plan_rules=rules)
    assert "nc9" not in {i.requirement_id for i in result.items}
    assert any(i.verdict is Verdict.FAIL for i in result.section(SECTION_FIELDS))


def test_a_plan_with_no_schemes_says_so():
    result = checked(plan((), PASSING_DECLARATIONS))
    item = result.item("fields.scheme_details")
    assert item.verdict is Verdict.FAIL
    assert item.explanation == "The plan lists no schemes, so there is nothing to check."
    assert item.fix == "Add the schemes the fund pays for."
    assert len(result.section(SECTION_FIELDS)) == 1


# --- income and expenditure ---------------------------------------------------------------------


def test_income_not_equal_to_spend_fails_showing_each_streams_difference():
    income = {**INCOME, "nhs_minimum": Money(12_000_00), "dfg": Money(1_000_00)}
    result = checked(income=income)
    item = result.item("income_equals_expenditure")
    assert item.verdict is Verdict.FAIL
    assert item.figures == (
        ("NHS minimum contribution: income", "£12,000.00"),
        ("NHS minimum contribution: planned spend", "£11,000.00"),
        ("NHS minimum contribution: difference", "£1,000.00"),
        ("Improved Better Care Fund: income", "£2,000.00"),
        ("Improved Better Care Fund: planned spend", "£2,000.00"),
        ("Improved Better Care Fund: difference", "£0.00"),
        ("Disabled Facilities Grant: income", "£1,000.00"),
        ("Disabled Facilities Grant: planned spend", "£1,500.00"),
        ("Disabled Facilities Grant: difference", "-£500.00"),
    )
    assert item.explanation == (
        "Compared each funding stream's income (the partners' contributions in the agreement) "
        "with the spend the schemes plan from it: NHS minimum contribution: income £12,000.00, "
        "planned spend £11,000.00, difference £1,000.00; Improved Better Care Fund: income "
        "£2,000.00, planned spend £2,000.00, difference £0.00; Disabled Facilities Grant: "
        "income £1,000.00, planned spend £1,500.00, difference -£500.00."
    )
    assert item.fix == (
        "Plan £1,000.00 more spend from NHS minimum contribution, or lower its contributions "
        "in the agreement by as much; plan £500.00 less spend from Disabled Facilities Grant, "
        "or raise its contributions in the agreement by as much."
    )
    assert item.trace is not None
    assert item.trace.result == "total difference £500.00"
    assert not item.justification_allowed
    assert not result.ready_for_sign_off({"income_equals_expenditure"})


def test_spend_from_a_stream_with_no_income_is_a_difference():
    result = checked(income={k: v for k, v in INCOME.items() if k != "dfg"})
    assert (
        figures(result, "income_equals_expenditure")["Disabled Facilities Grant: income"] == "£0.00"
    )
    assert result.item("income_equals_expenditure").verdict is Verdict.FAIL


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["nhs_minimum", "ibcf", "dfg"]), st.integers(1, 10**10), min_size=1
        ),
        max_size=5,
    ),
    st.dictionaries(
        st.sampled_from(["nhs_minimum", "ibcf", "dfg", "other"]), st.integers(0, 10**11)
    ),
)
def test_the_differences_sum_to_total_income_less_total_spend(spends, income_pence):
    schemes = tuple(
        replace(
            plan().schemes[0],
            scheme_id=f"S{n}",
            funding=tuple(Funding(code, Money(p)) for code, p in spend.items()),
        )
        for n, spend in enumerate(spends)
    )
    income = {code: Money(p) for code, p in income_pence.items()}
    outcome = income_equals_expenditure({}, PlanContent(schemes), context(income=income))
    shown = dict(outcome.figures)
    differences = [
        Money.from_pounds(value.replace("£", "").replace(",", ""))
        for label, value in shown.items()
        if label.endswith(": difference")
    ]
    total_spend = sum((s.total for s in schemes), Money.zero())
    assert sum(differences, Money.zero()) == sum(income.values(), Money.zero()) - total_spend
    assert (outcome.verdict is Verdict.PASS) == all(not d for d in differences)


# --- minimums -----------------------------------------------------------------------------------


def test_contributions_below_the_allocation_fail_with_the_shortfall():
    result = checked(allocations={**ALLOCATIONS, "nhs_minimum": Money(11_250_00)})
    item = result.item("nhs_contribution")
    assert item.verdict is Verdict.FAIL
    assert item.figures == (
        ("Contributions to NHS minimum contribution", "£11,000.00"),
        ("NHS minimum contribution", "£11,250.00"),
        ("Short by", "£250.00"),
    )
    assert item.explanation == (
        "Compared the partners' contributions to NHS minimum contribution (£11,000.00) with "
        "the area's NHS minimum contribution (£11,250.00): the contributions are £250.00 short."
    )
    assert item.fix == (
        "Raise the contributions to NHS minimum contribution in the agreement by at least £250.00."
    )


def test_a_missing_allocation_is_not_checked_and_says_why():
    result = checked(allocations={})
    for ident in ("nhs_contribution", "nhs_asc", "nhs_ooh"):
        item = result.item(ident)
        assert item.verdict is Verdict.NOT_CHECKED
        assert item.explanation.startswith(
            "No allocation for this area has been imported for 2024-25"
        )
        assert item.fix == ""
    assert result.item("nhs_asc").figures == (
        ("Planned spend from NHS minimum contribution on Social care", "£6,000.00"),
    )
    assert result.ready_for_sign_off()
    assert len(result.not_checked) == 3


def test_spend_on_social_care_a_penny_short_fails():
    result = checked(allocations={**ALLOCATIONS, "nhs_asc": Money(6_000_01)})
    item = result.item("nhs_asc")
    assert item.verdict is Verdict.FAIL
    assert dict(item.figures)["Short by"] == "£0.01"
    assert item.fix == (
        "Plan at least £0.01 more spend from NHS minimum contribution on Social care, for "
        "example by moving spend from schemes in other areas."
    )


def test_only_the_nhs_commissioned_share_of_a_joint_scheme_counts():
    content = with_scheme(
        1,
        commissioners=[
            {"organisation": "QWO", "percent": "59.99"},
            {"organisation": "E08000035", "percent": "40.01"},
        ],
    )
    item = checked(content).item("nhs_ooh")
    assert item.verdict is Verdict.FAIL
    assert item.trace is not None
    assert item.trace.steps[0] == "S02 Community rehabilitation: 59.99% of £5,000.00 = £2,999.50"
    assert dict(item.figures)["Short by"] == "£0.50"


def test_a_scheme_commissioned_by_the_council_alone_does_not_count_as_nhs():
    item = checked(with_scheme(1, commissioners=[{"organisation": "E08000035"}])).item("nhs_ooh")
    assert item.verdict is Verdict.FAIL
    assert dict(item.figures)["Short by"] == "£3,000.00"


def test_a_council_commissioner_type_counts_council_shares():
    rules = replace(
        PLAN_RULES,
        minimums=(
            requirement(
                "council_ooh",
                RequirementKind.MINIMUM,
                "spend_at_least_allocation",
                {
                    "stream": "nhs_minimum",
                    "areas_of_spend": ["community_health"],
                    "allocation": "nhs_ooh",
                    "commissioner_type": "council",
                },
            ),
        ),
    )
    item = checked(plan_rules=rules).item("council_ooh")
    assert item.verdict is Verdict.FAIL  # the council's 40% of £5,000 is £2,000
    assert dict(item.figures)["Short by"] == "£1,000.00"


def test_a_trust_commissioning_counts_as_nhs():
    content = plan()
    s02 = replace(
        content.schemes[1],
        commissioners=(
            CommissionerShare("RR8", Decimal(60)),
            CommissionerShare("E08000035", Decimal(40)),
        ),
    )
    content = replace(content, schemes=(content.schemes[0], s02, content.schemes[2]))
    result = checked(
        content,
        partners=(ICB, COUNCIL, TRUST),
        approvals=Approvals(frozenset({"QWO", "E08000035", "RR8"}), True),
    )
    assert result.item("nhs_ooh").verdict is Verdict.PASS


def test_odd_pence_go_by_the_largest_remainder_and_none_is_lost():
    shares = (CommissionerShare("A", Decimal(50)), CommissionerShare("B", Decimal(50)))
    assert split_by_commissioner(Money(1), shares) == (("A", Money(1)), ("B", Money(0)))
    thirds = (
        CommissionerShare("A", Decimal("33.33")),
        CommissionerShare("B", Decimal("33.33")),
        CommissionerShare("C", Decimal("33.34")),
    )
    assert split_by_commissioner(Money(100), thirds) == (
        ("A", Money(33)),
        ("B", Money(33)),
        ("C", Money(34)),
    )


@given(
    st.integers(0, 10**14),
    st.lists(st.integers(1, 10_000), min_size=1, max_size=6),
)
def test_the_pro_rata_split_conserves_every_penny(pence, weights):
    # Shares in hundredths of a percent that sum to exactly 100.
    total_weight = sum(weights)
    hundredths = [w * 10_000 // total_weight for w in weights]
    hundredths[-1] += 10_000 - sum(hundredths)
    shares = [
        CommissionerShare(f"P{i}", Decimal(h) / 100) for i, h in enumerate(hundredths) if h > 0
    ]
    parts = split_by_commissioner(Money(pence), shares)
    assert sum((p for _, p in parts), Money.zero()) == Money(pence)
    for share, (_, part) in zip(shares, parts, strict=True):
        exact = Decimal(pence) * share.percent / 100
        assert abs(Decimal(part.pence) - exact) < 1


# --- national conditions ------------------------------------------------------------------------


def test_sign_off_not_started_is_pending_not_failed():
    result = checked(approvals=Approvals())
    item = result.item("nc1")
    assert item.verdict is Verdict.PENDING
    assert item.figures == (
        ("Partners approved", "0 of 2"),
        ("Awaiting", "West Yorkshire ICB, Leeds City Council"),
        ("Health and Wellbeing Board", "awaiting"),
    )
    assert item.explanation == (
        "Awaiting approval of this version by West Yorkshire ICB, Leeds City Council and the "
        "Health and Wellbeing Board."
    )
    assert result.failures == ()
    assert result.ready_for_sign_off()


def test_the_board_comes_after_every_partner():
    item = checked(approvals=Approvals(frozenset({"QWO", "E08000035"}))).item("nc1")
    assert item.verdict is Verdict.PENDING
    assert (
        item.explanation == "Awaiting approval of this version by the Health and Wellbeing Board."
    )


def test_without_the_board_parameter_partners_suffice():
    rules = replace(
        PLAN_RULES, conditions=(requirement("nc1", RequirementKind.CONDITION, "jointly_agreed"),)
    )
    result = checked(plan_rules=rules, approvals=Approvals(frozenset({"QWO"})))
    assert result.item("nc1").verdict is Verdict.PENDING
    assert (
        result.item("nc1").explanation == "Awaiting approval of this version by Leeds City Council."
    )
    result = checked(plan_rules=rules, approvals=Approvals(frozenset({"QWO", "E08000035"})))
    assert result.item("nc1").verdict is Verdict.PASS
    assert len(result.item("nc1").figures) == 2


def test_a_metric_no_scheme_names_fails():
    item = checked(with_scheme(2, metrics=[])).item("nc3")
    assert item.verdict is Verdict.FAIL
    assert ("falls", "no scheme") in item.figures
    assert item.explanation == (
        "Checked that each of the 3 metrics of 2024-25 is named by a scheme: no scheme names falls."
    )
    assert item.fix == "Name falls in at least one scheme, with the change it is expected to make."


def test_a_year_without_metrics_does_not_check_them():
    item = checked(plan_rules=replace(PLAN_RULES, metric_ids=())).item("nc3")
    assert item.verdict is Verdict.NOT_CHECKED
    assert "list no metrics" in item.explanation


def test_an_unanswered_declaration_fails_asking_for_an_answer():
    result = checked(plan(PASSING_SCHEMES, PASSING_DECLARATIONS[1:]))
    item = result.item("nc2")
    assert item.verdict is Verdict.FAIL
    assert item.figures == (("Answer", "not answered"),)
    assert item.fix.startswith("Answer the declaration")


def test_a_declaration_answered_no_fails_and_only_a_justifiable_one_may_go_on():
    no_nc2 = ({"id": "nc2", "answer": "no", "comment": "Not yet"}, PASSING_DECLARATIONS[1])
    result = checked(plan(PASSING_SCHEMES, no_nc2))
    item = result.item("nc2")
    assert item.verdict is Verdict.FAIL
    assert item.explanation == "The area answered no: the plan does not meet this condition."
    assert item.fix == "Change the plan so it meets the condition, then answer yes."
    assert not result.ready_for_sign_off({"nc2"})  # nc2 allows no justification

    no_nc4 = (PASSING_DECLARATIONS[0], {"id": "nc4", "answer": "no", "comment": ""})
    result = checked(plan(PASSING_SCHEMES, no_nc4))
    item = result.item("nc4")
    assert item.verdict is Verdict.FAIL
    assert item.justification_allowed
    assert item.fix == (
        "Change the plan so it meets the condition, then answer yes, or record a "
        "justification for going to sign-off without it."
    )
    assert not result.ready_for_sign_off()
    assert result.ready_for_sign_off({"nc4"})


# --- rules Carepool cannot apply ------------------------------------------------------------


def test_without_plan_rules_the_checklist_says_what_it_did_not_check():
    result = checked(plan_rules=None)
    assert result.notices == (
        "Carepool has no plan rules for 2024-25, so its national conditions and minimum spend "
        "are not checked.",
    )
    assert [i.requirement_id for i in result.items] == [
        "fields.scheme_details",
        "fields.planned_outputs",
        "income_equals_expenditure",
        "plan_rules",
    ]
    assert result.item("plan_rules").verdict is Verdict.NOT_CHECKED


def test_incomplete_and_provisional_rules_are_noticed():
    rules = replace(PLAN_RULES, incomplete=("the sub-types of each scheme type",))
    provisional = replace(
        YEAR_RULES, year=replace(YEAR_RULES.year, start_year=2026), published_year=YEAR_RULES.year
    )
    result = checked(plan_rules=rules, year_rules=provisional)
    assert result.notices == (
        "Provisional: no Better Care Fund rules are published for 2026-27 yet, so the 2024-25 "
        "rules are used until they are",
        "The 2026-27 rules are incomplete: the sub-types of each scheme type",
    )


def test_an_unknown_rule_or_unusable_parameters_are_not_checked():
    rules = replace(
        PLAN_RULES,
        minimums=(
            replace(PLAN_RULES.minimums[0], check=Check("no_such_rule")),
            replace(
                PLAN_RULES.minimums[1], check=Check("spend_at_least_allocation", {"stream": "ibcf"})
            ),
            replace(
                PLAN_RULES.minimums[2],
                check=Check(
                    "spend_at_least_allocation",
                    {**PLAN_RULES.minimums[2].check.params, "commissioner_type": "police"},  # type: ignore[union-attr]
                ),
            ),
        ),
    )
    result = checked(plan_rules=rules)
    assert result.item("nhs_contribution").verdict is Verdict.NOT_CHECKED
    assert result.item("nhs_contribution").explanation == (
        "The 2024-25 rules name a check 'no_such_rule' that Carepool does not have, so this is "
        "not checked."
    )
    assert result.item("nhs_asc").explanation == (
        "The 2024-25 rules give the check 'spend_at_least_allocation' parameters it cannot use "
        "(the parameter 'allocation' is missing or not text), so this is not checked."
    )
    assert (
        "the commissioner type 'police' is not one of: nhs, council"
        in result.item("nhs_ooh").explanation
    )


def test_the_checklist_as_plain_data():
    data = checked(allocations={}).to_dict()
    assert data["failures"] == 0
    first = data["items"][2]
    assert first["requirement_id"] == "income_equals_expenditure"
    assert first["verdict"] == "pass"
    assert first["figures"][0] == {
        "label": "NHS minimum contribution: income",
        "value": "£11,000.00",
    }
    assert first["trace"]["result"] == "total difference £0.00"


def test_the_checklist_groups_its_items_by_section_and_counts_verdicts():
    result = checked(approvals=Approvals(), allocations={})
    assert [(name, len(items)) for name, items in result.by_section()] == [
        (SECTION_FIELDS, 2),
        (SECTION_INCOME, 1),
        (SECTION_MINIMUMS, 3),
        (SECTION_CONDITIONS, 4),
    ]
    assert result.counts() == {
        Verdict.PASS: 4,
        Verdict.FAIL: 0,
        Verdict.DECLARED: 2,
        Verdict.PENDING: 1,
        Verdict.NOT_CHECKED: 3,
    }
    assert result.to_dict()["counts"]["not_checked"] == 3
