"""The plan part of each year's rules (``[plan]`` in ``carepool/rules/bcf/<year>.toml``):
the shipped years, and the refusal of malformed files naming file, key and problem."""

from __future__ import annotations

from datetime import date

import pytest

from carepool.core.errors import ValidationFailed
from carepool.core.periods import FinancialYear
from carepool.core.plan_check_rules import OPTIONAL_PARAMS, PARAM_KINDS, RULE_DOCS, RULE_PARAMS
from carepool.core.plan_rules import RequirementKind
from carepool.core.rules import Programme, load_rules, parse_rule_texts

CONDITIONS_BY_YEAR = {
    2015: 6,
    2016: 8,
    2017: 4,
    2018: 4,
    2019: 4,
    2020: 4,
    2021: 4,
    2022: 4,
    2023: 4,
    2024: 4,
    2025: 4,
}


def test_every_shipped_year_has_plan_rules_with_its_number_of_conditions():
    book = load_rules()
    assert book.years(Programme.BCF) == [FinancialYear(s) for s in CONDITIONS_BY_YEAR]
    for start, count in CONDITIONS_BY_YEAR.items():
        rules = book.for_year(FinancialYear(start))
        assert rules.plan is not None, rules.year.label
        assert rules.source.strip()
        assert len(rules.plan.conditions) == count, rules.year.label
        assert all(c.kind is RequirementKind.CONDITION for c in rules.plan.conditions)
        assert all(m.kind is RequirementKind.MINIMUM for m in rules.plan.minimums)


def test_every_year_checks_each_mandated_stream_and_the_plan_balances():
    for year in load_rules().years():
        rules = load_rules().for_year(year)
        assert rules.plan is not None
        checks = {r.id: r.check for r in rules.plan.requirements if r.check}
        for stream in rules.funding_streams:
            if stream.nature.value != "mandated":
                continue
            check = checks[f"{stream.code}_contribution"]
            assert check is not None
            assert (check.rule, dict(check.params)) == (
                "contribution_at_least_allocation",
                {"stream": stream.code, "allocation": stream.code},
            ), year.label
            assert stream.code in {a.code for a in rules.plan.allocation_lines}
        assert checks["income_equals_expenditure"].rule == "income_equals_expenditure"
        assert checks["schemes_complete"].rule == "schemes_complete"
        jointly = next(c for c in rules.plan.conditions if c.id == "jointly_agreed")
        assert jointly.check is not None
        assert jointly.check.rule == "jointly_agreed"


def test_the_taxonomy_is_the_domain_list_and_its_gaps_are_stated():
    for year in load_rules().years():
        plan = load_rules().for_year(year).plan
        assert plan is not None
        taxonomy = plan.taxonomy
        assert len(taxonomy.scheme_types) == 17
        assert [a.code for a in taxonomy.areas_of_spend] == [
            "social_care",
            "community_health",
            "mental_health",
            "continuing_care",
            "primary_care",
            "acute",
            "other",
        ]
        assert [c.code for c in taxonomy.commissioner_types] == ["council", "nhs", "joint"]
        assert len(taxonomy.provider_types) == 7
        assert taxonomy.scheme_type("home_care") is not None
        assert taxonomy.scheme_type("hospital") is None
        # No source gives sub-types, and the rules say so rather than invent them.
        assert all(t.sub_types == () for t in taxonomy.scheme_types)
        assert any("sub-types" in s for s in plan.incomplete)
        assert not plan.complete
        # A deadline only where a named source gives it; otherwise the gap is stated.
        if plan.deadline is None:
            assert any("deadline" in s for s in plan.incomplete), year.label
    plan_2024 = load_rules().for_year(FinancialYear(2024)).plan
    assert plan_2024 is not None
    assert plan_2024.deadline == date(2024, 6, 10)
    assert plan_2024.source is not None
    assert "10 June 2024" in plan_2024.source


def test_2017_to_2019_check_social_care_and_out_of_hospital_spend_by_machine():
    for start in (2017, 2018, 2019):
        plan = load_rules().for_year(FinancialYear(start)).plan
        assert plan is not None
        by_id = {c.id: c for c in plan.conditions}
        asc = by_id["nhs_social_care_maintained"].check
        ooh = by_id["out_of_hospital_ring_fence"].check
        assert asc is not None
        assert ooh is not None
        assert dict(asc.params) == {
            "stream": "nhs_minimum",
            "areas_of_spend": ["social_care"],
            "allocation": "nhs_minimum_asc",
        }
        assert ooh.rule == "spend_at_least_allocation"
        assert ooh.params["commissioner_type"] == "nhs"
        assert "acute" not in ooh.params["areas_of_spend"]
        assert ooh.params["allocation"] == "nhs_minimum_ooh"
        assert by_id["jointly_agreed"].check.params == {"board": True}
        assert by_id["high_impact_change_model"].is_declaration


def test_a_provisional_year_carries_the_latest_plan_rules():
    later = load_rules().for_year(FinancialYear(2040))
    latest = load_rules().for_year(FinancialYear(2025))
    assert later.provisional
    assert later.plan is not None
    assert later.plan == latest.plan


def test_the_rule_table_is_complete():
    assert set(RULE_PARAMS) == {
        "income_equals_expenditure",
        "contribution_at_least_allocation",
        "spend_at_least_allocation",
        "jointly_agreed",
        "metrics_addressed",
        "schemes_complete",
    }
    assert set(RULE_DOCS) == set(RULE_PARAMS)
    for rule, params in RULE_PARAMS.items():
        assert set(params.values()) <= PARAM_KINDS, rule
        assert OPTIONAL_PARAMS.get(rule, frozenset()) <= set(params), rule


# --- Malformed files -------------------------------------------------------------------------

NAME = "bcf/2016-17.toml"

BASE = """
year = "2016-17"
programme = "Better Care Fund"
source = "a test"

[[funding_streams]]
code = "nhs_minimum"
name = "Minimum CCG contribution"
nature = "mandated"
contributors = ["nhs_commissioner"]

[plan]
DEADLINE
metric_ids = ["non_elective_admissions"]

[[plan.scheme_types]]
code = "home_care"
name = "Home care"
SUBTYPES

[[plan.scheme_types]]
code = "SECOND_TYPE"
name = "Workforce"

[[plan.areas_of_spend]]
code = "social_care"
name = "Social care"

[[plan.areas_of_spend]]
code = "acute"
name = "Acute"

[[plan.commissioner_types]]
code = "nhs"
name = "NHS"

[[plan.provider_types]]
code = "council"
name = "Council"

[[plan.allocation_lines]]
code = "nhs_minimum"
name = "Minimum CCG contribution"

[[plan.allocation_lines]]
code = "nhs_minimum_asc"
name = "NHS minimum contribution to adult social care"

[[plan.conditions]]
id = "jointly_agreed"
CONDITION

[[plan.minimums]]
id = "MINIMUM_ID"
text = "Contributions at least the minimum"
MINIMUM_CHECK
"""

GOOD = {
    "DEADLINE": "deadline = 2016-04-25",
    "SUBTYPES": "",
    "SECOND_TYPE": "workforce",
    "CONDITION": 'text = "Plans jointly agreed"\ncheck = { rule = "jointly_agreed" }',
    "MINIMUM_ID": "nhs_minimum_contribution",
    "MINIMUM_CHECK": (
        'check = { rule = "contribution_at_least_allocation", stream = "nhs_minimum", '
        'allocation = "nhs_minimum" }'
    ),
}


def year_file(**changes: str) -> str:
    text = BASE
    for key, value in {**GOOD, **changes}.items():
        text = text.replace(key, value)
    return text


def refusal(**changes: str) -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        parse_rule_texts({NAME: year_file(**changes)})
    return [str(e) for e in exc.value.errors]


def test_the_test_file_is_valid_and_parses_fully():
    rules = parse_rule_texts({NAME: year_file()}).for_year(FinancialYear(2016))
    assert rules.plan is not None
    assert rules.plan.deadline == date(2016, 4, 25)
    assert [t.code for t in rules.plan.taxonomy.scheme_types] == ["home_care", "workforce"]
    assert rules.plan.conditions[0].check.rule == "jointly_agreed"
    assert rules.plan.minimums[0].check.params == {
        "stream": "nhs_minimum",
        "allocation": "nhs_minimum",
    }
    assert rules.plan.metric_ids == ("non_elective_admissions",)
    assert rules.plan.incomplete == ()
    assert rules.plan.complete
    assert rules.plan.source is None


def test_a_provisional_year_keeps_the_plan_rules_but_not_the_published_deadline():
    book = parse_rule_texts({NAME: year_file()})
    published = book.for_year(FinancialYear(2016)).plan
    later = book.for_year(FinancialYear(2018)).plan
    assert published is not None
    assert later is not None
    assert later.conditions == published.conditions
    assert later.taxonomy == published.taxonomy
    assert (published.deadline, later.deadline) == (date(2016, 4, 25), None)
    assert later.incomplete == (
        "No plan submission deadline: the 2016-17 deadline does not apply to 2018-19, and "
        "none is published for it yet.",
    )


def test_sub_types_parse_where_a_year_gives_them():
    subtypes = '[[plan.scheme_types.sub_types]]\ncode = "domiciliary"\nname = "Domiciliary care"\n'
    plan = parse_rule_texts({NAME: year_file(SUBTYPES=subtypes)}).for_year(FinancialYear(2016))
    assert plan.plan is not None
    home_care = plan.plan.taxonomy.scheme_type("home_care")
    assert home_care is not None
    assert [s.code for s in home_care.sub_types] == ["domiciliary"]


def test_a_year_file_without_a_plan_table_has_no_plan_rules():
    text = year_file().split("[plan]")[0]
    assert parse_rule_texts({NAME: text}).for_year(FinancialYear(2016)).plan is None


STREAMS = "nhs_minimum"
RULES = (
    "contribution_at_least_allocation, income_equals_expenditure, jointly_agreed, "
    "metrics_addressed, schemes_complete, spend_at_least_allocation"
)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"CONDITION": 'text = "x"\ncheck = { rule = "sometimes" }'},
            f"plan.conditions[1].check.rule: 'sometimes' is not a plan-check rule; "
            f"use one of: {RULES}",
            id="unknown rule",
        ),
        pytest.param(
            {"CONDITION": 'text = "x"\ncheck = { rule = "jointly_agreed", quorum = 2 }'},
            "plan.conditions[1].check.quorum: is not a parameter of rule jointly_agreed; "
            "it takes board",
            id="unknown parameter",
        ),
        pytest.param(
            {"CONDITION": 'text = "x"\ncheck = { rule = "jointly_agreed", board = "yes" }'},
            "plan.conditions[1].check.board: must be true or false",
            id="parameter of the wrong kind",
        ),
        pytest.param(
            {
                "MINIMUM_CHECK": 'check = { rule = "contribution_at_least_allocation", '
                'stream = "ibcf", allocation = "nhs_minimum" }'
            },
            f"plan.minimums[1].check.stream: 'ibcf' is not a funding stream of 2016-17; "
            f"use one of: {STREAMS}",
            id="unknown stream in a check",
        ),
        pytest.param(
            {
                "MINIMUM_CHECK": 'check = { rule = "contribution_at_least_allocation", '
                'stream = "nhs_minimum", allocation = "nhs_minimum_ooh" }'
            },
            "plan.minimums[1].check.allocation: 'nhs_minimum_ooh' is not an allocation line "
            "of 2016-17; use one of: nhs_minimum, nhs_minimum_asc",
            id="unknown allocation line",
        ),
        pytest.param(
            {
                "MINIMUM_CHECK": 'check = { rule = "spend_at_least_allocation", '
                'stream = "nhs_minimum", areas_of_spend = ["social_care", "hospital"], '
                'allocation = "nhs_minimum_asc" }'
            },
            "plan.minimums[1].check.areas_of_spend[2]: 'hospital' is not an area of spend of "
            "2016-17; use one of: acute, social_care",
            id="unknown area of spend in a list",
        ),
        pytest.param(
            {
                "MINIMUM_CHECK": 'check = { rule = "spend_at_least_allocation", '
                'stream = "nhs_minimum", areas_of_spend = ["acute"], '
                'allocation = "nhs_minimum_asc", commissioner_type = "joint" }'
            },
            "plan.minimums[1].check.commissioner_type: 'joint' is not a commissioner type of "
            "2016-17; use one of: nhs",
            id="unknown commissioner type",
        ),
        pytest.param(
            {
                "MINIMUM_CHECK": 'check = { rule = "spend_at_least_allocation", '
                'stream = "nhs_minimum", areas_of_spend = ["acute"] }'
            },
            "plan.minimums[1].check.allocation: is required by rule spend_at_least_allocation",
            id="missing parameter",
        ),
        pytest.param(
            {"MINIMUM_ID": "jointly_agreed"},
            "plan.minimums[1].id: 'jointly_agreed' is already used by plan.conditions[1]",
            id="duplicate requirement id",
        ),
        pytest.param(
            {"SECOND_TYPE": "home_care"},
            "plan.scheme_types[2].code: 'home_care' appears twice",
            id="duplicate scheme type",
        ),
        pytest.param(
            {
                "SUBTYPES": '[[plan.scheme_types.sub_types]]\ncode = "a"\nname = "A"\n'
                '[[plan.scheme_types.sub_types]]\ncode = "a"\nname = "B"\n'
            },
            "plan.scheme_types[1].sub_types[2].code: 'a' appears twice",
            id="duplicate sub-type",
        ),
        pytest.param(
            {"CONDITION": 'check = { rule = "jointly_agreed" }'},
            "plan.conditions[1].text: is required: the requirement as the source words it",
            id="missing text",
        ),
        pytest.param(
            {"CONDITION": 'text = "x"\ndeclaration = true\ncheck = { rule = "jointly_agreed" }'},
            "plan.conditions[1]: is both a declaration and a machine check; give "
            "declaration = true or a check, not both",
            id="declaration and check",
        ),
        pytest.param(
            {"CONDITION": 'text = "x"'},
            "plan.conditions[1]: needs either a check (check = { rule = ... }) or "
            "declaration = true",
            id="neither declaration nor check",
        ),
        pytest.param(
            {"CONDITION": 'text = "x"\ndeclaration = true\njustification_allowed = "yes"'},
            "plan.conditions[1].justification_allowed: must be true or false",
            id="justification not a boolean",
        ),
        pytest.param(
            {"DEADLINE": 'deadline = "10 June 2016"'},
            "plan.deadline: must be a date written without quotes or a time, like 2024-06-10",
            id="deadline as text",
        ),
        pytest.param(
            {"DEADLINE": "deadline = 2016-04-25T12:00:00"},
            "plan.deadline: must be a date written without quotes or a time, like 2024-06-10",
            id="deadline with a time",
        ),
        pytest.param(
            {"DEADLINE": "deadlines = 2016-04-25"},
            "plan.deadlines: is not a field of [plan]; see the rules README",
            id="unknown plan field",
        ),
    ],
)
def test_malformed_plan_rules_are_refused_naming_file_and_key(changes, message):
    assert refusal(**changes) == [f"{NAME}: {message}"]


def test_an_impossible_date_is_refused_naming_the_file():
    [message] = refusal(DEADLINE="deadline = 2016-02-30")
    assert message.startswith(f"{NAME}: file: is not valid TOML: ")


def test_every_problem_is_reported_at_once():
    messages = refusal(
        DEADLINE='deadline = "soon"',
        SECOND_TYPE="home_care",
        CONDITION='text = "x"\ncheck = { rule = "sometimes" }',
    )
    assert [m.split(": ")[1] for m in messages] == [
        "plan.deadline",
        "plan.scheme_types[2].code",
        "plan.conditions[1].check.rule",
    ]
