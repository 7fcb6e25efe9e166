"""Yearly plans as their pages show them: the checklist, the schemes, the sign-off panel and
the version history. Read-only: the services decide who may do what; this only chooses which
buttons to offer, with the same tests the services make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.paginator import Paginator

from carepool.accounts.models import Role
from carepool.agreements.selectors import may_edit
from carepool.core.money import Money
from carepool.core.plan_check import Checklist, Verdict
from carepool.core.plan_diff import Names
from carepool.core.plans import Partner, PlanContent
from carepool.core.rules import YearRules
from carepool.core.signoff import Outcome, Stage, Status
from carepool.plans.models import Plan
from carepool.plans.selectors import PlanState, states_of, subject_of
from carepool.signoff.services import may_sign, sign_offs_of
from carepool.web.presenters.common import when
from carepool.web.presenters.contributions import term_years, year_rules

if TYPE_CHECKING:
    from carepool.accounts.models import User
    from carepool.core.periods import FinancialYear
    from carepool.plans.models import PlanVersion

VERDICT_COLOURS = {
    Verdict.PASS: "nhsuk-tag--green",
    Verdict.FAIL: "nhsuk-tag--red",
    Verdict.DECLARED: "nhsuk-tag--blue",
    Verdict.PENDING: "nhsuk-tag--yellow",
    Verdict.NOT_CHECKED: "nhsuk-tag--grey",
}

STATE_COLOURS = {
    PlanState.NONE: "nhsuk-tag--grey",
    PlanState.DRAFT: "nhsuk-tag--white",
    PlanState.AWAITING: "nhsuk-tag--yellow",
    PlanState.AGREED: "nhsuk-tag--green",
    PlanState.ASSURED: "nhsuk-tag--blue",
}

OUTCOME_CHOICES = [{"value": o.value, "text": o.label} for o in Outcome]


def state_tag(state: PlanState) -> dict[str, str]:
    return {"text": state.label, "classes": STATE_COLOURS[state]}


def verdict_tag(verdict: Verdict) -> dict[str, str]:
    return {"text": verdict.label, "classes": VERDICT_COLOURS[verdict]}


def anchor(requirement_id: str, position: int) -> str:
    return f"check-{requirement_id or position}"


def checklist_view(checklist: Checklist) -> dict[str, Any]:
    positions = {id(item): n for n, item in enumerate(checklist.items, start=1)}
    counts = checklist.counts()
    return {
        "sections": [
            {
                "name": name,
                "items": [
                    {
                        "item": item,
                        "anchor": anchor(item.requirement_id, positions[id(item)]),
                        "tag": verdict_tag(item.verdict),
                    }
                    for item in items
                ],
            }
            for name, items in checklist.by_section()
        ],
        "failures": [
            {"item": item, "anchor": anchor(item.requirement_id, positions[id(item)])}
            for item in checklist.failures
        ],
        "counts": [(v.label, counts[v]) for v in Verdict if counts[v]],
        "notices": list(checklist.notices),
    }


def scheme_rows(content: PlanContent, names: Names, year_rules: YearRules) -> list[dict[str, Any]]:
    streams = {s.code: s.name for s in year_rules.funding_streams}
    return [
        {
            "scheme": s,
            "type": names.scheme_types.get(s.scheme_type, s.scheme_type),
            "area_of_spend": names.areas_of_spend.get(s.area_of_spend, s.area_of_spend),
            "provider_type": names.provider_types.get(s.provider_type, s.provider_type),
            "commissioners": names.commissioners(s),
            "funding": [(streams.get(f.stream, f.stream), f.amount) for f in s.funding],
            "total": s.total,
        }
        for s in content.schemes
    ]


def total_of(content: PlanContent) -> Money:
    return sum((s.total for s in content.schemes), Money.zero())


@dataclass(frozen=True)
class SignOffActions:
    approve: bool  # a partner signatory whose organisation has not approved
    board: bool
    national: bool


def sign_off_view(
    plan: Plan,
    version: PlanVersion,
    current: PlanVersion,
    state: Status,
    partners: tuple[Partner, ...],
    user: User,
) -> dict[str, Any]:
    names = {p.code: p.name for p in partners}
    rows = list(sign_offs_of("plan", plan.pk).filter(version=version.number))
    standing = [r for r in rows if r.withdrawn_at is None]
    signed = [
        {
            "stage": r.get_stage_display(),
            "organisation": r.organisation.name,
            "by": r.signed_by.display_name,
            "at": when(r.signed_at),
            "outcome": Outcome(r.outcome).label,
            "reasons": r.reasons,
        }
        for r in standing
    ]
    withdrawn = [
        {
            "stage": r.get_stage_display(),
            "organisation": r.organisation.name,
            "by": r.signed_by.display_name,
            "because": r.withdrawn_because,
        }
        for r in rows
        if r.withdrawn_at is not None
    ]
    is_current = version.number == current.number
    open_ = is_current and current.submitted_at is not None
    # The sign-off service's own rules decide which buttons would work (only on the current
    # version: an older one cannot be signed).
    ref = subject_of(plan, current)
    actions = SignOffActions(
        *(
            is_current and may_sign(user, ref, s)
            for s in (Stage.PARTNER, Stage.BOARD, Stage.NATIONAL)
        )
    )
    return {
        "signed": signed,
        "withdrawn": withdrawn,
        "waiting": [names.get(c, c) for c in state.waiting_for] if is_current else [],
        "board": state.board is not None if is_current else False,
        "national": state.national.outcome.label if is_current and state.national else "",
        "actions": actions,
        "may_edit": is_current and may_edit(user, plan.agreement),
        "open": open_,
    }


def versions_view(plan: Plan) -> list[dict[str, Any]]:
    signed_versions = set(
        sign_offs_of("plan", plan.pk)
        .filter(withdrawn_at__isnull=True)
        .values_list("version", flat=True)
    )
    return [
        {
            "number": v.number,
            "note": v.change_note,
            "by": v.created_by,
            "at": when(v.created_at),
            "submitted": when(v.submitted_at) if v.submitted_at else "",
            "frozen": v.frozen,
            "signed": v.number in signed_versions,
        }
        for v in plan.versions.order_by("-number")
    ]


def may_start_plans(user: User) -> bool:
    return user.has_role(Role.FINANCE_OFFICER)


def years_without_plan(agreement: Any) -> list[FinancialYear]:
    """The agreement's term years with plan rules and no plan yet for its area."""
    taken = set(
        Plan.objects.filter(programme=agreement.programme, area_id=agreement.area_id).values_list(
            "year", flat=True
        )
    )
    years = []
    for year in term_years(agreement):
        if year.label in taken:
            continue
        rules = year_rules(year, agreement.programme)
        if rules is not None and rules.plan is not None:
            years.append(year)
    return years


def agreement_plans(agreement: Any, user: User) -> dict[str, Any]:
    """The agreement page's Plans section: its plans with their state, and (for editors) the
    term years a plan can still be started for."""
    plans = list(Plan.objects.filter(agreement=agreement).select_related("area").order_by("year"))
    states = states_of(plans)
    return {
        "rows": [{"plan": p, "tag": state_tag(states[p.pk])} for p in plans],
        "start_years": years_without_plan(agreement) if may_edit(user, agreement) else [],
    }


NATIONAL_PER_PAGE = 50


def national_page(rows: list[Any], number: object, query: dict[str, str]) -> dict[str, Any]:
    """One page of the national list (every area of the country would make a phone's page
    very long), with NHS.UK pagination keeping the year and state chosen."""
    paginator: Paginator[Any] = Paginator(rows, NATIONAL_PER_PAGE)
    page = paginator.get_page(number)

    def href(n: int) -> str:
        return "?" + urlencode({**{k: v for k, v in query.items() if v}, "page": n})

    pagination: dict[str, Any] | None = None
    if paginator.num_pages > 1:
        pagination = {
            "ariaLabel": "Pages of the list of areas",
            "items": [
                {"number": n, "href": href(n), "current": n == page.number}
                for n in paginator.page_range
            ],
        }
        if page.has_previous():
            pagination["previous"] = {"href": href(page.previous_page_number())}
        if page.has_next():
            pagination["next"] = {"href": href(page.next_page_number())}
    return {
        "rows": list(page.object_list),
        "first": page.start_index(),
        "last": page.end_index(),
        "pagination": pagination,
    }
