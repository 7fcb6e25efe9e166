"""Yearly plans: the list, the plan page (checklist, schemes, sign-off, versions), starting a
plan, answering declarations, submitting, signing, comparing versions, the national list.

Every write goes through ``carepool.plans.services``; refusals come back on the page that was
posted from, in the NHS.UK error summary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carepool.accounts.models import Role
from carepool.agreements import selectors as agreement_selectors
from carepool.core.errors import Conflict, FieldError, ValidationFailed
from carepool.core.periods import FinancialYear, PeriodError
from carepool.core.plan_diff import Names
from carepool.core.signoff import Stage
from carepool.plans import selectors, services
from carepool.plans.models import Plan
from carepool.web.forms import FormErrors, form_values
from carepool.web.pages import (
    actor,
    conflict_errors,
    form_page,
    offer_form_only_to_editors,
    page,
    posted_version,
)
from carepool.web.presenters import common as common_presenters
from carepool.web.presenters import plans as words


def _plan_url(plan: Plan, fragment: str = "") -> str:
    return reverse("web:plan", args=[plan.pk]) + (f"#{fragment}" if fragment else "")


@page
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.visible_plans(request.user).order_by("-year", "area__name"))  # type: ignore[arg-type]
    rows = [{"plan": p, "tag": words.state_tag(selectors.state_of(p))} for p in plans]
    user = request.user
    may_see_national = user.has_role(Role.NATIONAL_ASSURER) or user.has_role(Role.AUDITOR)  # type: ignore[union-attr]
    return render(
        request, "web/plans/list.jinja", {"rows": rows, "may_see_national": may_see_national}
    )


def _plan_page(
    request: HttpRequest,
    plan: Plan,
    *,
    errors: FormErrors | None = None,
    values: Any = None,
    status: int = 200,
) -> HttpResponse:
    current = selectors.current_version(plan)
    wanted = request.GET.get("version")
    version = selectors.get_version(plan, wanted) if wanted else current
    year_rules = selectors.year_rules_of(plan)
    rules = selectors.plan_rules_of(plan)
    partners = selectors.partners_of(plan.agreement)
    content = selectors.content_of(version)
    checklist = selectors.checklist_of(plan, version)
    state = selectors.sign_off_status(plan, version)
    plan_state = selectors.state_of(plan)
    signoff = words.sign_off_view(plan, version, current, state, partners, request.user)  # type: ignore[arg-type]
    return render(
        request,
        "web/plans/detail.jinja",
        {
            "plan": plan,
            "version": version,
            "current": current,
            "is_current": version.number == current.number,
            "state_tag": words.state_tag(plan_state),
            "checklist": words.checklist_view(checklist),
            "ready": checklist.ready_for_sign_off(frozenset(version.justifications)),
            "justifications": version.justifications,
            "schemes": words.scheme_rows(content, Names.of(rules, partners), year_rules),
            "total": words.total_of(content),
            "incomplete": list(rules.incomplete),
            "provisional": year_rules.provisional_note if year_rules.provisional else "",
            "signoff": signoff,
            "versions": words.versions_view(plan),
            "outcome_choices": words.OUTCOME_CHOICES,
            "errors": errors or FormErrors(),
            "values": values if values is not None else form_values(),
            "deadline": common_presenters.long_date(rules.deadline) if rules.deadline else "",
        },
        status=status,
    )


@page
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, plan_id)  # type: ignore[arg-type]
    return _plan_page(request, plan)


def _checklist_errors(exc: ValidationFailed, plan: Plan) -> FormErrors:
    """A refused submission: each failure links to its item in the checklist."""
    checklist = selectors.checklist_of(plan)
    view = words.checklist_view(checklist)
    ids = {f["item"].requirement_id: f["anchor"] for f in view["failures"]}
    labels = dict.fromkeys(ids, "Checklist")
    return FormErrors.from_failure(exc, labels, ids)


@require_POST
@page
def plan_submit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, plan_id)  # type: ignore[arg-type]
    try:
        version = services.submit(actor(request), plan.pk, posted_version(request))
    except ValidationFailed as exc:
        return _plan_page(request, plan, errors=_checklist_errors(exc, plan), status=400)
    except Conflict as exc:
        plan.refresh_from_db()
        return _plan_page(request, plan, errors=conflict_errors(exc), status=409)
    messages.success(request, f"Version {version.number} submitted for sign-off")
    return redirect(_plan_url(plan, "sign-off"))


SIGN_LABELS = {"stage": "Stage", "outcome": "Outcome", "reasons": "Reasons", "version": "Version"}


@require_POST
@page
def plan_sign(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, plan_id)  # type: ignore[arg-type]
    stage = request.POST.get("stage", "")
    try:
        services.sign_plan(
            actor(request),
            plan.pk,
            stage,
            request.POST.get("version"),
            request.POST.get("content_hash") or None,
            request.POST.get("outcome") or "approved",
            request.POST.get("reasons", ""),
        )
    except ValidationFailed as exc:
        labels = SIGN_LABELS if stage == Stage.NATIONAL.value else {}
        errors = FormErrors.from_failure(exc, labels, {"outcome": "outcome"})
        return _plan_page(request, plan, errors=errors, values=request.POST, status=400)
    done = {
        Stage.PARTNER.value: f"{request.user.organisation.name} approved",  # type: ignore[union-attr]
        Stage.BOARD.value: "The board's approval is recorded for",
        Stage.NATIONAL.value: "The national assurance outcome is recorded for",
    }.get(stage, "Signed")
    messages.success(request, f"{done} version {request.POST.get('version')}")
    return redirect(_plan_url(plan, "sign-off"))


# starting a plan --------------------------------------------------------------------------


@page
def plan_start(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, agreement)
    years = words.years_without_plan(agreement)
    chosen = request.GET.get("year", "")
    return form_page(
        request,
        "web/plans/start.jinja",
        lambda values, errors: {
            "agreement": agreement,
            "years": years,
            "values": values,
            "errors": errors,
        },
        initial=lambda: {"year": chosen or (years[0].label if years else "")},
        labels={"year": "Financial year"},
        save=lambda: services.create_plan(actor(request), agreement.pk, request.POST.get("year")),
        done=lambda p: (f"The {p.year} plan is started", _plan_url(p)),
    )


# declarations -----------------------------------------------------------------------------


def _declarations(plan: Plan) -> list[Any]:
    return [r for r in selectors.plan_rules_of(plan).requirements if r.is_declaration]


@page
def plan_declarations(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Every declaration of the year on one form: yes or no, and a comment."""
    plan = selectors.get_plan(request.user, plan_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, plan.agreement)
    declarations = _declarations(plan)
    answers = {
        r: (yes, c)
        for r, yes, c in selectors.content_of(selectors.current_version(plan)).declarations
    }
    labels: dict[str, str] = {}
    for r in declarations:
        labels[f"{r.id}-answer"] = f"Answer to '{r.text}'"
        labels[f"{r.id}-comment"] = f"Comment on '{r.text}'"

    def initial() -> dict[str, Any]:
        values: dict[str, Any] = {}
        for r in declarations:
            if r.id in answers:
                yes, comment = answers[r.id]
                values[f"{r.id}-answer"] = "yes" if yes else "no"
                values[f"{r.id}-comment"] = comment
        return values

    @transaction.atomic
    def save() -> Plan:
        # All or nothing: a refused answer leaves every answer as it was.
        version: Any = posted_version(request)
        errors: list[Any] = []
        for r in declarations:
            answer = request.POST.get(f"{r.id}-answer", "")
            comment = request.POST.get(f"{r.id}-comment", "")
            if not answer and not comment.strip():
                continue  # left unanswered
            if r.id in answers and answers[r.id] == (answer == "yes", comment.strip()):
                continue  # unchanged
            try:
                services.declare(actor(request), plan.pk, r.id, answer, comment, version)
            except ValidationFailed as exc:
                for e in exc.errors:
                    field = "answer" if e.field == "answer" else "comment"
                    errors.append((f"{r.id}-{field}", e.message))
                continue
            plan.refresh_from_db()
            version = plan.version
        if errors:
            raise ValidationFailed(FieldError(f, m) for f, m in errors)
        return plan

    return form_page(
        request,
        "web/plans/declarations.jinja",
        lambda values, errors: {
            "plan": plan,
            "declarations": declarations,
            "values": values,
            "errors": errors,
        },
        initial=initial,
        labels=labels,
        save=save,
        done=lambda p: ("Declarations saved", _plan_url(p, "checklist")),
        version=lambda: plan.version,
    )


# national list ----------------------------------------------------------------------------


@page
def plans_national(request: HttpRequest) -> HttpResponse:
    try:
        year = FinancialYear.parse(request.GET.get("year", ""))
    except PeriodError:
        year = FinancialYear.containing(common_presenters.today())
    rows, deadline = selectors.national_statuses(request.user, year, common_presenters.today())  # type: ignore[arg-type]
    wanted = request.GET.get("state", "")
    states = list(selectors.PlanState)
    counts = {s: sum(1 for r in rows if r.state is s) for s in states}
    shown = [r for r in rows if not wanted or r.state.value == wanted]
    if wanted == "overdue":
        shown = [r for r in rows if r.overdue]
    return render(
        request,
        "web/plans/national.jinja",
        {
            "year": year,
            "rows": [{"row": r, "tag": words.state_tag(r.state)} for r in shown],
            "total": len(rows),
            "counts": [(s, counts[s]) for s in states],
            "overdue": sum(1 for r in rows if r.overdue),
            "deadline": common_presenters.long_date(deadline) if deadline else "",
            "wanted": wanted,
            "years": [year.previous(), year, year.next()],
        },
    )


# comparing versions -----------------------------------------------------------------------


@page
def plan_diff(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, plan_id)  # type: ignore[arg-type]
    current = selectors.current_version(plan)
    old = request.GET.get("old") or str(max(current.number - 1, 1))
    new = request.GET.get("new") or str(current.number)
    changes = selectors.diff_of(plan, old, new)
    return render(
        request,
        "web/plans/diff.jinja",
        {
            "plan": plan,
            "old": int(old),
            "new": int(new),
            "diff": changes,
            "numbers": list(plan.versions.order_by("number").values_list("number", flat=True)),
        },
    )
