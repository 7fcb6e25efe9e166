"""The names of the plan-check rules and the parameters each takes, so a year file's
``check = { rule = "...", ... }`` is validated when the rules are loaded, before any plan is
checked.

The rules themselves (what a rule computes from a plan) live in ``carepool.core.plan_check``;
this table is only their signatures, kept apart so the rules loader does not depend on the
checker. The checker implements exactly the rules named here, with these parameters.

A parameter's *kind* says what its value must be, in terms of the same year's rules:

``stream`` / ``streams``
    a funding stream code of the year (``[[funding_streams]]``), or a list of them;
``area_of_spend`` / ``areas_of_spend``
    an area of spend code of the year's taxonomy (``[[plan.areas_of_spend]]``), or a list;
``commissioner_type``
    a commissioner type code of the year's taxonomy (``[[plan.commissioner_types]]``);
``allocation``
    a per-area minimum line of the year (``[[plan.allocation_lines]]``);
``metric``
    one of the year's metric ids (``plan.metric_ids``);
``bool``
    ``true`` or ``false``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

PARAM_KINDS: Final = frozenset(
    {
        "stream",
        "streams",
        "area_of_spend",
        "areas_of_spend",
        "commissioner_type",
        "allocation",
        "metric",
        "bool",
    }
)

# rule name -> {parameter name: kind}. Every parameter is required unless it is listed in
# OPTIONAL_PARAMS for the rule.
RULE_PARAMS: Final[dict[str, dict[str, str]]] = {
    "income_equals_expenditure": {},
    "contribution_at_least_allocation": {"stream": "stream", "allocation": "allocation"},
    "spend_at_least_allocation": {
        "stream": "stream",
        "areas_of_spend": "areas_of_spend",
        "allocation": "allocation",
        "commissioner_type": "commissioner_type",
    },
    "jointly_agreed": {"board": "bool"},
    "metrics_addressed": {},
    "schemes_complete": {},
}

OPTIONAL_PARAMS: Final[dict[str, frozenset[str]]] = {
    "spend_at_least_allocation": frozenset({"commissioner_type"}),
    "jointly_agreed": frozenset({"board"}),
}

# What each rule checks, in words (shown in the rules README and by the checker).
RULE_DOCS: Final[dict[str, str]] = {
    "income_equals_expenditure": (
        "For each funding stream, the partners' contributions to the plan (its income) equal "
        "the spend the plan's schemes put on that stream; the difference is shown per stream."
    ),
    "contribution_at_least_allocation": (
        "The partners' contributions to `stream` are at least the area's figure for the "
        "`allocation` line in the year's allocations file."
    ),
    "spend_at_least_allocation": (
        "Spend from `stream` on schemes whose area of spend is one of `areas_of_spend` (and, "
        "when `commissioner_type` is given, only that commissioner type's share of each "
        "scheme: a joint scheme counts by its percentage split) is at least the area's figure "
        "for the `allocation` line."
    ),
    "jointly_agreed": (
        "Every partner's signatory has approved this version of the plan and, with "
        "`board = true`, the Health and Wellbeing Board has too. Shown as pending, not failed, "
        "until the plan goes for sign-off."
    ),
    "metrics_addressed": (
        "Every metric id of the year is named by at least one scheme's expected effects."
    ),
    "schemes_complete": "Every scheme has all its required fields filled in.",
}


@dataclass(frozen=True, slots=True)
class CheckContext:
    """The codes of one year that a check's parameters may refer to."""

    streams: Collection[str]
    areas_of_spend: Collection[str]
    commissioner_types: Collection[str]
    allocation_lines: Collection[str]
    metric_ids: Collection[str]
    year_label: str


def _one_of(value: object, known: Collection[str], what: str) -> str | None:
    """None if ``value`` is one of ``known``; else the problem in words."""
    if not isinstance(value, str) or value not in known:
        listed = ", ".join(sorted(known)) or "none are defined"
        shown = f"'{value}'" if isinstance(value, str) else "the value"
        return f"{shown} is not {what}; use one of: {listed}"
    return None


def check_param_problems(
    rule: str, params: Mapping[str, Any], context: CheckContext
) -> list[tuple[str, str]]:
    """The problems with ``params`` for ``rule`` as (key, message) pairs, key being ``rule``
    or a parameter name; empty when the check is valid for the year."""
    if rule not in RULE_PARAMS:
        known = ", ".join(sorted(RULE_PARAMS))
        return [("rule", f"'{rule}' is not a plan-check rule; use one of: {known}")]
    schema = RULE_PARAMS[rule]
    optional = OPTIONAL_PARAMS.get(rule, frozenset())
    problems: list[tuple[str, str]] = []
    for name in params:
        if name not in schema:
            takes = ", ".join(schema) or "no parameters"
            problems.append((name, f"is not a parameter of rule {rule}; it takes {takes}"))
    year = context.year_label
    what: dict[str, tuple[Collection[str], str]] = {
        "stream": (context.streams, f"a funding stream of {year}"),
        "area_of_spend": (context.areas_of_spend, f"an area of spend of {year}"),
        "commissioner_type": (context.commissioner_types, f"a commissioner type of {year}"),
        "allocation": (context.allocation_lines, f"an allocation line of {year}"),
        "metric": (context.metric_ids, f"a metric id of {year}"),
    }
    for name, kind in schema.items():
        if name not in params:
            if name not in optional:
                problems.append((name, f"is required by rule {rule}"))
            continue
        value = params[name]
        if kind == "bool":
            if not isinstance(value, bool):
                problems.append((name, "must be true or false"))
        elif kind in ("streams", "areas_of_spend"):
            single = "stream" if kind == "streams" else "area_of_spend"
            codes, label = what[single]
            if not isinstance(value, list) or not value:
                problems.append((name, f"must be a list of at least one code ({label})"))
                continue
            for i, item in enumerate(value, start=1):
                problem = _one_of(item, codes, label)
                if problem:
                    problems.append((f"{name}[{i}]", problem))
            if len(set(map(str, value))) != len(value):
                problems.append((name, "lists a code twice"))
        else:
            codes, label = what[kind]
            problem = _one_of(value, codes, label)
            if problem:
                problems.append((name, problem))
    return problems
