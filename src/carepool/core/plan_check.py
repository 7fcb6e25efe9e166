"""The plan checker: a checklist that explains itself.

``check_plan`` compares a plan's content with its year's rules and the area's figures and
gives one ``CheckItem`` per check, in four sections:

- *Required fields*: every scheme's fields a plan needs before sign-off, per section of the
  scheme (a scheme can be saved as a draft without them);
- *Income and expenditure*: per funding stream, the partners' contributions (the plan's
  income, from the agreement) against the spend the schemes plan from it;
- *Minimum spend* and *National conditions*: each of the year's requirements, checked by the
  named rule from ``RULES`` with the parameters in the year file, or, for a requirement
  without a machine check, answered by the area as a declaration.

Each item carries its verdict, the figures it used (as shown: money as ``£1,234.56``), one
sentence saying what was compared, what would fix a failure, and where a figure is computed a
``Trace`` of the arithmetic.

Verdicts: ``pass``; ``fail``; ``declared`` (a declaration answered yes); ``pending`` (sign-off
has not finished: never a failure); ``not_checked`` (the figures or rules needed are not in
Carepool, such as an area's allocation not yet imported; the item says which).

Rounding: a jointly commissioned scheme's spend is split between its commissioners by their
percentages with ``carepool.core.money.apportion`` (largest remainder: each share is rounded
down to the penny and the pence left over go to the largest remainders, earlier first), so the
shares always add up to the scheme's spend exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from carepool.core.money import Money, apportion
from carepool.core.organisations import OrganisationType
from carepool.core.plan_input import decimal_text
from carepool.core.plan_rules import PlanRules, Requirement, RequirementKind
from carepool.core.plans import CommissionerShare, Partner, PlanContent, Scheme
from carepool.core.rules import YearRules
from carepool.core.trace import Trace, TraceInput

SECTION_FIELDS = "Required fields"
SECTION_INCOME = "Income and expenditure"
SECTION_MINIMUMS = "Minimum spend"
SECTION_CONDITIONS = "National conditions"
SECTIONS = (SECTION_FIELDS, SECTION_INCOME, SECTION_MINIMUMS, SECTION_CONDITIONS)

# The organisation types a rule's ``commissioner_type`` stands for.
COMMISSIONER_KINDS: Mapping[str, frozenset[OrganisationType]] = {
    "nhs": frozenset({OrganisationType.NHS_COMMISSIONER, OrganisationType.NHS_TRUST}),
    "council": frozenset({OrganisationType.COUNCIL, OrganisationType.DISTRICT_COUNCIL}),
}
_KIND_WORDS = {"nhs": "NHS partners", "council": "council partners"}


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    DECLARED = "declared"
    PENDING = "pending"
    NOT_CHECKED = "not_checked"

    @property
    def label(self) -> str:
        return {
            "pass": "Pass",
            "fail": "Fail",
            "declared": "Declared",
            "pending": "Pending",
            "not_checked": "Not checked",
        }[self.value]


Figure = tuple[str, str]  # (what it is, the value as shown)


@dataclass(frozen=True, slots=True)
class CheckItem:
    section: str
    requirement_id: str
    title: str
    verdict: Verdict
    figures: tuple[Figure, ...]
    explanation: str  # one sentence: what was compared, and the outcome
    fix: str  # what would fix a failure; "" unless the verdict is fail
    justification_allowed: bool = False
    trace: Trace | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "requirement_id": self.requirement_id,
            "title": self.title,
            "verdict": self.verdict.value,
            "figures": [{"label": label, "value": value} for label, value in self.figures],
            "explanation": self.explanation,
            "fix": self.fix,
            "justification_allowed": self.justification_allowed,
            "trace": self.trace.to_dict() if self.trace else None,
        }


@dataclass(frozen=True, slots=True)
class Checklist:
    items: tuple[CheckItem, ...]
    # What the checker could not check and why (no plan rules for the year, provisional rules,
    # parts the year's source does not give).
    notices: tuple[str, ...] = ()

    @property
    def failures(self) -> tuple[CheckItem, ...]:
        return tuple(i for i in self.items if i.verdict is Verdict.FAIL)

    @property
    def not_checked(self) -> tuple[CheckItem, ...]:
        return tuple(i for i in self.items if i.verdict is Verdict.NOT_CHECKED)

    def item(self, requirement_id: str) -> CheckItem:
        for i in self.items:
            if i.requirement_id == requirement_id:
                return i
        raise KeyError(requirement_id)

    def section(self, name: str) -> tuple[CheckItem, ...]:
        return tuple(i for i in self.items if i.section == name)

    def by_section(self) -> tuple[tuple[str, tuple[CheckItem, ...]], ...]:
        """The items grouped by section, in the checklist's order of sections; empty sections
        left out."""
        return tuple((name, items) for name in SECTIONS if (items := self.section(name)))

    def counts(self) -> dict[Verdict, int]:
        """How many items have each verdict (every verdict listed, zero included)."""
        return {v: sum(1 for i in self.items if i.verdict is v) for v in Verdict}

    def ready_for_sign_off(self, justified_ids: Collection[str] = ()) -> bool:
        """Whether the plan may go for sign-off: no failures, or every failure is one the
        year's rules allow a justification for and has one (``justified_ids``).

        Pending items (approvals still to come) and items that could not be checked do not
        hold a plan back; the checklist shows them."""
        return all(
            f.justification_allowed and f.requirement_id in justified_ids for f in self.failures
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [i.to_dict() for i in self.items],
            "notices": list(self.notices),
            "failures": len(self.failures),
            "counts": {v.value: n for v, n in self.counts().items()},
        }


@dataclass(frozen=True, slots=True)
class Approvals:
    """Who has approved the plan version being checked."""

    partners: frozenset[str] = frozenset()  # partner codes whose signatory approved
    board: bool = False  # the Health and Wellbeing Board's approval is recorded


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What the checker needs besides the plan's content."""

    year_rules: YearRules
    plan_rules: PlanRules | None  # ``year_rules.plan``; None when the year has none yet
    partners: tuple[Partner, ...]
    income: Mapping[str, Money]  # per stream: the partners' contributions in the agreement
    allocations: Mapping[str, Money]  # the area's imported figures, by allocation line code
    approvals: Approvals = field(default_factory=Approvals)

    @property
    def year(self) -> str:
        return self.year_rules.year.label

    def stream_name(self, code: str) -> str:
        return next((s.name for s in self.year_rules.funding_streams if s.code == code), code)

    def allocation_name(self, code: str) -> str:
        if self.plan_rules is not None:
            for line in self.plan_rules.allocation_lines:
                if line.code == code:
                    return line.name
        return self.stream_name(code)

    def area_name(self, code: str) -> str:
        if self.plan_rules is not None:
            for area in self.plan_rules.taxonomy.areas_of_spend:
                if area.code == code:
                    return area.name
        return code

    def partner(self, code: str) -> Partner | None:
        return next((p for p in self.partners if p.code == code), None)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a rule found; ``check_plan`` adds the requirement's section, id and title."""

    verdict: Verdict
    figures: tuple[Figure, ...]
    explanation: str
    fix: str = ""
    trace: Trace | None = None


class BadParams(ValueError):
    """A rule's parameters in the year file cannot be used (the loader should have said)."""


Rule = Callable[[Mapping[str, Any], PlanContent, PlanContext], Outcome]


# --- figures the rules share --------------------------------------------------------------------


def planned_spend_by_stream(content: PlanContent) -> dict[str, Money]:
    spend: dict[str, Money] = {}
    for scheme in content.schemes:
        for line in scheme.funding:
            spend[line.stream] = spend.get(line.stream, Money.zero()) + line.amount
    return spend


def split_by_commissioner(
    amount: Money, commissioners: Sequence[CommissionerShare]
) -> tuple[tuple[str, Money], ...]:
    """``amount`` split between the commissioners by their percentages, to the penny, with
    the largest-remainder rule of ``carepool.core.money.apportion``; the parts sum to
    ``amount`` exactly."""
    if not commissioners:
        return ()
    parts = apportion(amount, [c.percent for c in commissioners])
    return tuple((c.organisation, part) for c, part in zip(commissioners, parts, strict=True))


def _stream_order(context: PlanContext, codes: Collection[str]) -> list[str]:
    known = [s.code for s in context.year_rules.funding_streams if s.code in codes]
    return known + sorted(set(codes) - set(known))


def _names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _param(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise BadParams(f"the parameter '{name}' is missing or not text")
    return value


def _allocation_missing(context: PlanContext, code: str, figures: tuple[Figure, ...]) -> Outcome:
    return Outcome(
        Verdict.NOT_CHECKED,
        figures,
        f"No allocation for this area has been imported for {context.year}, so the plan "
        f"cannot be compared with its {context.allocation_name(code)}.",
    )


# --- the rules ----------------------------------------------------------------------------------


def income_equals_expenditure(
    params: Mapping[str, Any], content: PlanContent, context: PlanContext
) -> Outcome:
    """Per funding stream, the partners' contributions equal the spend the schemes plan."""
    spend = planned_spend_by_stream(content)
    codes = _stream_order(context, set(spend) | set(context.income))
    figures: list[Figure] = []
    parts: list[str] = []
    steps: list[str] = []
    inputs: list[TraceInput] = []
    fixes: list[str] = []
    total = Money.zero()
    for code in codes:
        name = context.stream_name(code)
        income = context.income.get(code, Money.zero())
        planned = spend.get(code, Money.zero())
        difference = income - planned
        total += difference
        figures += [
            (f"{name}: income", str(income)),
            (f"{name}: planned spend", str(planned)),
            (f"{name}: difference", str(difference)),
        ]
        parts.append(f"{name}: income {income}, planned spend {planned}, difference {difference}")
        paying = [s.scheme_id for s in content.schemes if any(f.stream == code for f in s.funding)]
        inputs += [
            TraceInput(
                f"income from {name}", str(income), f"the agreement's contributions, {context.year}"
            ),
            TraceInput(
                f"planned spend from {name}",
                str(planned),
                "schemes " + ", ".join(paying) if paying else "no scheme",
            ),
        ]
        steps.append(f"{name}: {income} - {planned} = {difference}")
        if difference.is_negative:
            fixes.append(
                f"plan {abs(difference)} less spend from {name}, or raise its contributions "
                "in the agreement by as much"
            )
        elif difference:
            fixes.append(
                f"plan {difference} more spend from {name}, or lower its contributions in "
                "the agreement by as much"
            )
    trace = Trace(
        "Difference = income - planned spend, for each funding stream",
        tuple(inputs),
        tuple(steps),
        f"total difference {total}",
    )
    if not codes:
        return Outcome(
            Verdict.PASS,
            (),
            "The plan has no income and no planned spend in any funding stream, so the two "
            "are equal.",
            trace=trace,
        )
    compared = (
        "Compared each funding stream's income (the partners' contributions in the agreement) "
        "with the spend the schemes plan from it: " + "; ".join(parts)
    )
    if fixes:
        fix = "; ".join(fixes)
        return Outcome(
            Verdict.FAIL,
            tuple(figures),
            compared + ".",
            fix[0].upper() + fix[1:] + ".",
            trace,
        )
    return Outcome(Verdict.PASS, tuple(figures), compared + ".", trace=trace)


def contribution_at_least_allocation(
    params: Mapping[str, Any], content: PlanContent, context: PlanContext
) -> Outcome:
    """The partners' contributions to ``stream`` are at least the area's ``allocation``."""
    stream = _param(params, "stream")
    allocation_code = _param(params, "allocation")
    name = context.stream_name(stream)
    allocation_name = context.allocation_name(allocation_code)
    income = context.income.get(stream, Money.zero())
    income_figure = (f"Contributions to {name}", str(income))
    allocation = context.allocations.get(allocation_code)
    if allocation is None:
        return _allocation_missing(context, allocation_code, (income_figure,))
    shortfall = allocation - income
    trace = Trace(
        f"Contributions to {name} - the area's {allocation_name}",
        (
            TraceInput(
                f"contributions to {name}",
                str(income),
                f"the agreement's contributions, {context.year}",
            ),
            TraceInput(
                allocation_name, str(allocation), f"allocations imported for {context.year}"
            ),
        ),
        (f"{income} - {allocation} = {income - allocation}",),
        "at least the allocation" if not shortfall.pence > 0 else f"short by {shortfall}",
    )
    compared = (
        f"Compared the partners' contributions to {name} ({income}) with the area's "
        f"{allocation_name} ({allocation})"
    )
    if shortfall.pence > 0:
        return Outcome(
            Verdict.FAIL,
            (income_figure, (allocation_name, str(allocation)), ("Short by", str(shortfall))),
            f"{compared}: the contributions are {shortfall} short.",
            f"Raise the contributions to {name} in the agreement by at least {shortfall}.",
            trace,
        )
    return Outcome(
        Verdict.PASS,
        (income_figure, (allocation_name, str(allocation)), ("Above by", str(-shortfall))),
        f"{compared}: the contributions are at least the allocation.",
        trace=trace,
    )


def spend_at_least_allocation(
    params: Mapping[str, Any], content: PlanContent, context: PlanContext
) -> Outcome:
    """Spend from ``stream`` on schemes in ``areas_of_spend`` (only the part commissioned by
    partners of ``commissioner_type``, when given) is at least the area's ``allocation``."""
    stream = _param(params, "stream")
    allocation_code = _param(params, "allocation")
    areas = params.get("areas_of_spend")
    if (
        not isinstance(areas, (list, tuple))
        or not areas
        or not all(isinstance(a, str) for a in areas)
    ):
        raise BadParams("the parameter 'areas_of_spend' must list areas of spend")
    kind = params.get("commissioner_type")
    kinds: frozenset[OrganisationType] | None = None
    if kind is not None:
        if kind not in COMMISSIONER_KINDS:
            known = ", ".join(COMMISSIONER_KINDS)
            raise BadParams(f"the commissioner type '{kind}' is not one of: {known}")
        kinds = COMMISSIONER_KINDS[kind]
    name = context.stream_name(stream)
    allocation_name = context.allocation_name(allocation_code)
    area_words = _names([context.area_name(a) for a in areas])
    by_whom = f", commissioned by {_KIND_WORDS[kind]}" if kind else ""

    counted = Money.zero()
    steps: list[str] = []
    inputs: list[TraceInput] = []
    for scheme in content.schemes:
        if scheme.area_of_spend not in areas:
            continue
        amount = sum((f.amount for f in scheme.funding if f.stream == stream), Money.zero())
        if not amount:
            continue
        label = f"{scheme.scheme_id} {scheme.name}"
        inputs.append(TraceInput(f"{label}: spend from {name}", str(amount), "the plan"))
        if kinds is None:
            part = amount
            steps.append(f"{label}: {amount}")
        else:
            part = Money.zero()
            for code, share in split_by_commissioner(amount, scheme.commissioners):
                partner = context.partner(code)
                if partner is not None and partner.type in kinds:
                    part += share
            percent = sum(
                (
                    c.percent
                    for c in scheme.commissioners
                    if (p := context.partner(c.organisation)) is not None and p.type in kinds
                ),
                Decimal(0),
            )
            steps.append(f"{label}: {decimal_text(percent)}% of {amount} = {part}")
        counted += part
    spend_label = f"Planned spend from {name} on {area_words}{by_whom}"
    spend_figure = (spend_label, str(counted))
    allocation = context.allocations.get(allocation_code)
    if allocation is None:
        return _allocation_missing(context, allocation_code, (spend_figure,))
    shortfall = allocation - counted
    trace = Trace(
        f"{spend_label}, summed over the schemes, compared with the area's {allocation_name}",
        (
            *inputs,
            TraceInput(
                allocation_name, str(allocation), f"allocations imported for {context.year}"
            ),
        ),
        (*steps, f"total {counted}", f"{counted} - {allocation} = {counted - allocation}"),
        "at least the allocation" if not shortfall.pence > 0 else f"short by {shortfall}",
    )
    compared = (
        f"Compared the spend the plan's schemes plan from {name} on {area_words}{by_whom} "
        f"({counted}) with the area's {allocation_name} ({allocation})"
    )
    if shortfall.pence > 0:
        return Outcome(
            Verdict.FAIL,
            (spend_figure, (allocation_name, str(allocation)), ("Short by", str(shortfall))),
            f"{compared}: the spend is {shortfall} short.",
            f"Plan at least {shortfall} more spend from {name} on {area_words}{by_whom}, for "
            "example by moving spend from schemes in other areas.",
            trace,
        )
    return Outcome(
        Verdict.PASS,
        (spend_figure, (allocation_name, str(allocation)), ("Above by", str(-shortfall))),
        f"{compared}: the spend is at least the allocation.",
        trace=trace,
    )


def jointly_agreed(
    params: Mapping[str, Any], content: PlanContent, context: PlanContext
) -> Outcome:
    """Every partner's signatory has approved the version (and the board, when ``board``).

    Pending until then: sign-off comes after the checks, so this is never a failure."""
    board = params.get("board", False)
    if not isinstance(board, bool):
        raise BadParams("the parameter 'board' must be true or false")
    approved = [p for p in context.partners if p.code in context.approvals.partners]
    awaiting = [p for p in context.partners if p.code not in context.approvals.partners]
    figures: list[Figure] = [
        ("Partners approved", f"{len(approved)} of {len(context.partners)}"),
        ("Awaiting", ", ".join(p.name for p in awaiting) or "none"),
    ]
    if board:
        figures.append(
            ("Health and Wellbeing Board", "approved" if context.approvals.board else "awaiting")
        )
    if not context.partners:
        return Outcome(
            Verdict.PENDING,
            tuple(figures),
            "The agreement has no partners yet, so nobody can approve the plan.",
        )
    board_waiting = board and not context.approvals.board
    if not awaiting and not board_waiting:
        return Outcome(
            Verdict.PASS,
            tuple(figures),
            "Every partner's signatory has approved this version of the plan"
            + (", and so has the Health and Wellbeing Board." if board else "."),
        )
    waiting_for = [p.name for p in awaiting]
    if board_waiting:
        waiting_for.append("the Health and Wellbeing Board")
    return Outcome(
        Verdict.PENDING,
        tuple(figures),
        f"Awaiting approval of this version by {_names(waiting_for)}.",
    )


def metrics_addressed(
    params: Mapping[str, Any], content: PlanContent, context: PlanContext
) -> Outcome:
    """Every metric of the year is named by at least one scheme."""
    ids = context.plan_rules.metric_ids if context.plan_rules else ()
    if not ids:
        return Outcome(
            Verdict.NOT_CHECKED,
            (),
            f"The {context.year} rules in Carepool list no metrics, so there is nothing to "
            "compare the schemes with.",
        )
    by_metric = {
        metric: [s.scheme_id for s in content.schemes if any(m.metric == metric for m in s.metrics)]
        for metric in ids
    }
    figures = tuple((metric, ", ".join(by) or "no scheme") for metric, by in by_metric.items())
    missing = [metric for metric, by in by_metric.items() if not by]
    compared = f"Checked that each of the {len(ids)} metrics of {context.year} is named by a scheme"
    if missing:
        return Outcome(
            Verdict.FAIL,
            figures,
            f"{compared}: no scheme names {_names(missing)}.",
            f"Name {_names(missing)} in at least one scheme, with the change it is expected "
            "to make.",
        )
    return Outcome(Verdict.PASS, figures, f"{compared}: every one is.")


def missing_fields(scheme: Scheme, rules: PlanRules | None) -> dict[str, list[str]]:
    """The fields a scheme lacks for sign-off, by section of the scheme."""
    missing: dict[str, list[str]] = {}
    if not scheme.description:
        missing.setdefault("Scheme details", []).append("description")
    scheme_type = rules.taxonomy.scheme_type(scheme.scheme_type) if rules else None
    if scheme_type is not None and scheme_type.sub_types and not scheme.sub_type:
        missing.setdefault("Scheme details", []).append("sub-type")
    if not scheme.outputs:
        missing.setdefault("Planned outputs", []).append("at least one planned output")
    return missing


FIELD_SECTIONS: Mapping[str, str] = {
    "Scheme details": "a description, and a sub-type where the year lists sub-types",
    "Planned outputs": "at least one planned output with its quantity and unit",
}


def _fields_outcome(
    content: PlanContent, rules: PlanRules | None, sections: Sequence[str]
) -> Outcome:
    if not content.schemes:
        return Outcome(
            Verdict.FAIL,
            (("Schemes", "0"),),
            "The plan lists no schemes, so there is nothing to check.",
            "Add the schemes the fund pays for.",
        )
    gaps: list[tuple[Scheme, list[str]]] = []
    for scheme in content.schemes:
        lacking = [
            f
            for section, fields in missing_fields(scheme, rules).items()
            if section in sections
            for f in fields
        ]
        if lacking:
            gaps.append((scheme, lacking))
    wanted = "; ".join(FIELD_SECTIONS[s] for s in sections)
    checked = f"Checked each of the {len(content.schemes)} schemes for {wanted}"
    if not gaps:
        return Outcome(
            Verdict.PASS,
            (("Schemes checked", str(len(content.schemes))),),
            f"{checked}: all are complete.",
        )
    figures = tuple((f"{s.scheme_id} {s.name}", "missing " + _names(f)) for s, f in gaps)
    return Outcome(
        Verdict.FAIL,
        (("Schemes checked", str(len(content.schemes))), *figures),
        f"{checked}: {len(gaps)} of them lack fields.",
        "Fill in " + "; ".join(f"{s.scheme_id}: {_names(f)}" for s, f in gaps) + ".",
    )


def schemes_complete(
    params: Mapping[str, Any], content: PlanContent, context: PlanContext
) -> Outcome:
    """Every scheme has the fields a plan needs for sign-off, in every section."""
    return _fields_outcome(content, context.plan_rules, tuple(FIELD_SECTIONS))


RULES: Mapping[str, Rule] = {
    "income_equals_expenditure": income_equals_expenditure,
    "contribution_at_least_allocation": contribution_at_least_allocation,
    "spend_at_least_allocation": spend_at_least_allocation,
    "jointly_agreed": jointly_agreed,
    "metrics_addressed": metrics_addressed,
    "schemes_complete": schemes_complete,
}


# --- declarations -------------------------------------------------------------------------------


def _declaration(requirement: Requirement, content: PlanContent) -> Outcome:
    answers = {ident: (answer, comment) for ident, answer, comment in content.declarations}
    if requirement.id not in answers:
        return Outcome(
            Verdict.FAIL,
            (("Answer", "not answered"),),
            "The area has not answered this declaration, which Carepool cannot check by machine.",
            "Answer the declaration: yes, with a comment saying how the plan meets it, or no.",
        )
    answer, comment = answers[requirement.id]
    figures = (("Answer", "yes" if answer else "no"), ("Comment", comment or "none"))
    if answer:
        return Outcome(
            Verdict.DECLARED,
            figures,
            "The area declares that the plan meets this condition, which Carepool cannot "
            "check by machine" + (f": {comment}" if comment else "."),
        )
    fix = "Change the plan so it meets the condition, then answer yes"
    if requirement.justification_allowed:
        fix += ", or record a justification for going to sign-off without it"
    return Outcome(
        Verdict.FAIL,
        figures,
        "The area answered no: the plan does not meet this condition.",
        fix + ".",
    )


# --- the checklist ------------------------------------------------------------------------------


def _item(
    section: str, ident: str, title: str, outcome: Outcome, justification_allowed: bool = False
) -> CheckItem:
    return CheckItem(
        section=section,
        requirement_id=ident,
        title=title,
        verdict=outcome.verdict,
        figures=outcome.figures,
        explanation=outcome.explanation,
        fix=outcome.fix if outcome.verdict is Verdict.FAIL else "",
        justification_allowed=justification_allowed,
        trace=outcome.trace,
    )


def check_requirement(
    requirement: Requirement, content: PlanContent, context: PlanContext
) -> CheckItem:
    section = (
        SECTION_MINIMUMS if requirement.kind is RequirementKind.MINIMUM else SECTION_CONDITIONS
    )
    check = requirement.check
    if check is None:
        outcome = _declaration(requirement, content)
    elif check.rule not in RULES:
        outcome = Outcome(
            Verdict.NOT_CHECKED,
            (),
            f"The {context.year} rules name a check '{check.rule}' that Carepool does not "
            "have, so this is not checked.",
        )
    else:
        try:
            outcome = RULES[check.rule](check.params, content, context)
        except BadParams as exc:
            outcome = Outcome(
                Verdict.NOT_CHECKED,
                (),
                f"The {context.year} rules give the check '{check.rule}' parameters it "
                f"cannot use ({exc}), so this is not checked.",
            )
    return _item(
        section, requirement.id, requirement.text, outcome, requirement.justification_allowed
    )


# Rules every plan is checked against in their own sections, whether or not the year's file
# lists them; a year file that does list them is not checked twice.
ALWAYS_CHECKED = frozenset({"income_equals_expenditure", "schemes_complete"})


def check_plan(content: PlanContent, context: PlanContext) -> Checklist:
    """The plan's checklist: required fields, income and expenditure, then each of the
    year's minimums and national conditions."""
    rules = context.plan_rules
    notices: list[str] = []
    if context.year_rules.provisional:
        notices.append(context.year_rules.provisional_note)
    items: list[CheckItem] = []
    for section, wanted in FIELD_SECTIONS.items():
        items.append(
            _item(
                SECTION_FIELDS,
                "fields." + section.lower().replace(" ", "_"),
                f"{section}: {wanted}",
                _fields_outcome(content, rules, (section,)),
            )
        )
        if not content.schemes:
            break  # one item says the plan has no schemes
    items.append(
        _item(
            SECTION_INCOME,
            "income_equals_expenditure",
            "Income by funding stream equals planned expenditure by funding stream",
            income_equals_expenditure({}, content, context),
        )
    )
    if rules is None:
        message = (
            f"Carepool has no plan rules for {context.year}, so its national conditions and "
            "minimum spend are not checked."
        )
        notices.append(message)
        items.append(
            _item(
                SECTION_CONDITIONS,
                "plan_rules",
                f"The {context.year} national conditions and minimum spend",
                Outcome(Verdict.NOT_CHECKED, (), message),
            )
        )
        return Checklist(tuple(items), tuple(notices))
    notices += [f"The {context.year} rules are incomplete: {gap}" for gap in rules.incomplete]
    for requirement in (*rules.minimums, *rules.conditions):
        if requirement.check is not None and requirement.check.rule in ALWAYS_CHECKED:
            continue  # already on the checklist, in its own section above
        items.append(check_requirement(requirement, content, context))
    return Checklist(tuple(items), tuple(notices))
