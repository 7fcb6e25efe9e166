"""Every shipped year's rules, checked for real: for each year a plan built to meet every
requirement passes each one, and for each requirement a plan that misses it fails it alone,
with an explanation and a fix that name the figures used.

The plans are built from the year file itself (its streams, taxonomy, allocation lines and
each requirement's parameters), so a year added to ``rules/bcf`` is covered without editing
this file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import pytest

from carepool.core.money import Money
from carepool.core.organisations import OrganisationType
from carepool.core.plan_check import (
    ALWAYS_CHECKED,
    Approvals,
    Checklist,
    PlanContext,
    Verdict,
    check_plan,
)
from carepool.core.plan_rules import PlanRules, Requirement
from carepool.core.plans import (
    CommissionerShare,
    Funding,
    MetricEffect,
    Partner,
    PlanContent,
    PlannedOutput,
    Scheme,
)
from carepool.core.rules import Programme, YearRules, load_rules

COUNCIL = Partner("C1", "Leeds City Council", OrganisationType.COUNCIL)
ICB = Partner("N1", "NHS West Yorkshire ICB", OrganisationType.NHS_COMMISSIONER)
PARTNERS = (COUNCIL, ICB)
BY_KIND = {None: COUNCIL, "council": COUNCIL, "nhs": ICB}
BASE = Money(1_000_000_00)  # each stream's own scheme
TARGETED = Money(500_000_00)  # each spend requirement's scheme
YEARS = load_rules().years(Programme.BCF)
NO_APPROVALS = Approvals()


@dataclass
class Example:
    year_rules: YearRules
    rules: PlanRules
    schemes: list[Scheme]
    income: dict[str, Money]
    allocations: dict[str, Money]
    declarations: dict[str, tuple[bool, str]]

    def content(self) -> PlanContent:
        return PlanContent(
            tuple(self.schemes),
            tuple((rid, yes, text) for rid, (yes, text) in sorted(self.declarations.items())),
        )

    def checked(self, approvals: Approvals = NO_APPROVALS) -> Checklist:
        context = PlanContext(
            self.year_rules, self.rules, PARTNERS, self.income, self.allocations, approvals
        )
        return check_plan(self.content(), context)


def _scheme(
    scheme_id: str, stream: str, amount: Money, area: str, who: Partner, rules: PlanRules
) -> Scheme:
    return Scheme(
        scheme_id=scheme_id,
        name=f"Scheme {scheme_id}",
        description="Built by the test to meet the year's rules",
        scheme_type=rules.taxonomy.scheme_types[0].code,
        sub_type=rules.taxonomy.scheme_types[0].sub_types[0].code
        if rules.taxonomy.scheme_types[0].sub_types
        else "",
        area_of_spend=area,
        commissioners=(CommissionerShare(who.code, Decimal(100)),),
        provider_type=rules.taxonomy.provider_types[0].code,
        funding=(Funding(stream, amount),),
        new=False,
        outputs=(PlannedOutput("People supported", Decimal(100), "people"),),
        metrics=tuple(MetricEffect(m, Decimal(-1)) for m in rules.metric_ids),
    )


def passing_example(year_rules: YearRules) -> Example:
    rules = year_rules.plan
    assert rules is not None, f"{year_rules.year.label} has no plan rules"
    schemes: list[Scheme] = []
    allocations: dict[str, Money] = {}
    neutral = next(a.code for a in rules.taxonomy.areas_of_spend if a.code == "other")
    for stream in year_rules.funding_streams:
        schemes.append(_scheme(f"B-{stream.code}", stream.code, BASE, neutral, COUNCIL, rules))
    for requirement in rules.requirements:
        check = requirement.check
        if check is None or check.rule != "spend_at_least_allocation":
            continue
        who = BY_KIND[check.params.get("commissioner_type")]
        area = check.params["areas_of_spend"][0]
        schemes.append(
            _scheme(f"R-{requirement.id}", check.params["stream"], TARGETED, area, who, rules)
        )
        allocation = check.params["allocation"]
        assert allocation not in allocations, f"{allocation} is used by two spend checks"
        allocations[allocation] = TARGETED
    income: dict[str, Money] = {}
    for s in schemes:
        for f in s.funding:
            income[f.stream] = income.get(f.stream, Money.zero()) + f.amount
    for requirement in rules.requirements:
        check = requirement.check
        if check is not None and check.rule == "contribution_at_least_allocation":
            assert check.params["allocation"] not in allocations
            allocations[check.params["allocation"]] = income[check.params["stream"]]
    declarations = {
        r.id: (True, "The board agreed this at its March meeting")
        for r in rules.requirements
        if r.is_declaration
    }
    return Example(year_rules, rules, schemes, income, allocations, declarations)


def failing_example(example: Example, requirement: Requirement) -> tuple[Example, str]:
    """The passing plan changed just enough to miss ``requirement``; and the requirement id
    its failure is listed under."""
    if requirement.check is None:
        declarations = {**example.declarations, requirement.id: (False, "Not yet agreed")}
        return replace(example, declarations=declarations), requirement.id
    rule, params = requirement.check.rule, requirement.check.params
    if rule == "contribution_at_least_allocation":
        allocations = {**example.allocations}
        allocations[params["allocation"]] += Money(1)  # a penny more than the contributions
        return replace(example, allocations=allocations), requirement.id
    if rule == "spend_at_least_allocation":
        allocations = {**example.allocations}
        allocations[params["allocation"]] = Money(10**12)
        return replace(example, allocations=allocations), requirement.id
    if rule == "income_equals_expenditure":
        stream = example.year_rules.funding_streams[0].code
        income = {**example.income, stream: example.income[stream] + Money(1)}
        return replace(example, income=income), "income_equals_expenditure"
    if rule == "schemes_complete":
        schemes = [replace(example.schemes[0], description=""), *example.schemes[1:]]
        return replace(example, schemes=schemes), "fields.scheme_details"
    if rule == "metrics_addressed":
        schemes = [replace(s, metrics=()) for s in example.schemes]
        return replace(example, schemes=schemes), requirement.id
    raise AssertionError(f"no failing plan for the rule {rule}")


CASES = [
    pytest.param(year_rules, requirement, id=f"{year_rules.year.label}-{requirement.id}")
    for year in YEARS
    for year_rules in [load_rules().for_year(year, Programme.BCF)]
    for requirement in (year_rules.plan.requirements if year_rules.plan else ())
    if not (requirement.check is not None and requirement.check.rule == "jointly_agreed")
]


def test_every_shipped_year_is_covered():
    assert [y.label for y in YEARS][:1] == ["2015-16"]
    assert [y.label for y in YEARS][-1] == "2025-26"
    assert {c.values[0].year for c in CASES} == set(YEARS)


@pytest.mark.parametrize("year", YEARS, ids=lambda y: y.label)
def test_a_plan_built_to_the_years_rules_passes_every_check(year):
    example = passing_example(load_rules().for_year(year, Programme.BCF))
    checklist = example.checked()
    assert checklist.failures == (), [(i.requirement_id, i.explanation) for i in checklist.failures]
    assert not checklist.not_checked, [i.requirement_id for i in checklist.not_checked]
    for requirement in example.rules.requirements:
        if requirement.check is not None and requirement.check.rule in ALWAYS_CHECKED:
            continue
        item = checklist.item(requirement.id)
        expected = (
            Verdict.DECLARED
            if requirement.is_declaration
            else Verdict.PENDING
            if requirement.check is not None and requirement.check.rule == "jointly_agreed"
            else Verdict.PASS
        )
        assert item.verdict is expected, (requirement.id, item.explanation)
        assert item.explanation
        assert item.fix == ""
    assert checklist.ready_for_sign_off()


@pytest.mark.parametrize("year", YEARS, ids=lambda y: y.label)
def test_joint_agreement_is_pending_until_every_partner_and_the_board_approve(year):
    example = passing_example(load_rules().for_year(year, Programme.BCF))
    joint = [
        r
        for r in example.rules.requirements
        if r.check is not None and r.check.rule == "jointly_agreed"
    ]
    assert joint, f"{year.label} has no 'plans jointly agreed' check"
    for requirement in joint:
        waiting = example.checked(Approvals(frozenset({COUNCIL.code}))).item(requirement.id)
        assert waiting.verdict is Verdict.PENDING
        assert ICB.name in waiting.explanation
        done = example.checked(Approvals(frozenset({COUNCIL.code, ICB.code}), board=True))
        assert done.item(requirement.id).verdict is Verdict.PASS


@pytest.mark.parametrize(("year_rules", "requirement"), CASES)
def test_a_plan_that_misses_one_requirement_fails_it_alone_and_says_why(year_rules, requirement):
    failing, listed_as = failing_example(passing_example(year_rules), requirement)
    checklist = failing.checked()
    item = checklist.item(listed_as)
    assert item.verdict is Verdict.FAIL
    assert [i.requirement_id for i in checklist.failures] == [listed_as]
    assert item.explanation and item.fix
    assert not checklist.ready_for_sign_off()
    if requirement.check is None:
        assert "answered no" in item.explanation
    elif requirement.check.rule == "contribution_at_least_allocation":
        allocation = failing.allocations[requirement.check.params["allocation"]]
        assert str(allocation) in item.explanation
        assert "£0.01" in item.fix
    elif requirement.check.rule == "spend_at_least_allocation":
        figures = dict(item.figures)
        assert "£10,000,000,000.00" in item.explanation
        assert figures["Short by"] in item.explanation and figures["Short by"] in item.fix
    elif requirement.check.rule == "income_equals_expenditure":
        assert "£0.01" in item.explanation
