"""Yearly plans: the list, the plan page (checklist, schemes, sign-off, versions), starting a
plan, answering declarations, submitting, signing, comparing versions, the national list.

Every write goes through ``carepool.plans.services``; refusals come back on the page that was
posted from, in the NHS.UK error summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carepool.accounts.permissions import NotFound
from carepool.agreements import selectors as agreement_selectors
from carepool.agreements import services as agreement_services
from carepool.core.errors import Conflict, FieldError, ValidationFailed
from carepool.core.periods import FinancialYear, PeriodError
from carepool.core.plan_diff import Names
from carepool.core.plan_input import decimal_text, parse_scheme
from carepool.core.signoff import Stage
from carepool.io import plan_table
from carepool.plans import selectors, services
from carepool.plans.models import Plan
from carepool.web.forms import FormErrors, form_values, top_level
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
    states = selectors.states_of(plans)
    rows = [{"plan": p, "tag": words.state_tag(states[p.pk])} for p in plans]
    may_see_national = selectors.may_see_national(request.user)  # type: ignore[arg-type]
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
            "page": words.national_page(
                [{"row": r, "tag": words.state_tag(r.state)} for r in shown],
                request.GET.get("page"),
                {"year": year.label, "state": wanted},
            ),
            "shown": len(shown),
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


# the scheme editor ------------------------------------------------------------------------

COMMISSIONER_ROWS = 3
SCHEME_LABELS = {
    "scheme_id": "Scheme ID",
    "name": "Name",
    "description": "Description",
    "scheme_type": "Scheme type",
    "sub_type": "Sub-type",
    "area_of_spend": "Area of spend",
    "provider_type": "Provider type",
    "new": "New or existing",
    "commissioners": "Commissioners",
    "funding": "Funding",
    "outputs": "Planned outputs",
    "metrics": "Expected effect on metrics",
}
_ITEM = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+))?$")


@dataclass
class SchemePost:
    """The post as ``put_scheme`` reads it, and where each list item came from on the form."""

    raw: dict[str, Any]
    funding_ids: list[str]  # funding[n] -> the input of that stream
    commissioner_rows: list[int]  # commissioners[n] -> the form's row
    problems: list[FieldError]  # lines of the outputs or metrics boxes that did not parse


def scheme_post(post: Any, stream_codes: list[str]) -> SchemePost:
    problems: list[FieldError] = []

    def lines(name: str, pattern: Any, what: str, example: str) -> list[dict[str, str]]:
        # One item a line (or separated by ';' as in the plan file), read by the file's parser.
        text = ";".join(post.get(name, "").splitlines())
        try:
            return plan_table._list(text, pattern, what, example)
        except ValueError as exc:
            problems.append(FieldError(name, str(exc)))
            return []

    commissioners, rows = [], []
    for row in range(1, COMMISSIONER_ROWS + 1):
        code = post.get(f"commissioner-{row}", "").strip()
        percent = post.get(f"percent-{row}", "").strip()
        if code or percent:
            commissioners.append({"organisation": code, "percent": percent or "100"})
            rows.append(row)
    funding, funding_ids = [], []
    for code in stream_codes:
        if amount := post.get(f"stream-{code}", "").strip():
            funding.append({"stream": code, "amount": amount})
            funding_ids.append(f"stream-{code}")
    outputs = lines("outputs", plan_table._OUTPUT, "an output", "1150000 hours: Hours of home care")
    metrics = lines(
        "metrics", plan_table._METRIC, "a metric's change", "delayed_transfers_of_care -12: note"
    )
    raw = {
        "scheme_id": post.get("scheme_id", ""),
        "name": post.get("name", ""),
        "description": post.get("description", ""),
        "scheme_type": post.get("scheme_type", ""),
        "sub_type": post.get("sub_type", ""),
        "area_of_spend": post.get("area_of_spend", ""),
        "provider_type": post.get("provider_type", ""),
        "new": {"new": True, "existing": False}.get(post.get("new", ""), post.get("new", "")),
        "commissioners": commissioners,
        "funding": funding,
        "outputs": [
            {"quantity": o["quantity"], "unit": o["unit"], "description": o["text"]}
            for o in outputs
        ],
        "metrics": metrics,
    }
    return SchemePost(raw, funding_ids, rows, problems)


def scheme_errors(
    errors: list[FieldError], shape: SchemePost, streams: dict[str, str]
) -> FormErrors:
    """Each refusal beside its input and in the summary, in the order of the form."""
    order = {name: i for i, name in enumerate(SCHEME_LABELS)}
    shown = FormErrors()
    for error in sorted(errors, key=lambda e: order.get(top_level(e.field), -1)):
        name = top_level(error.field)
        label = SCHEME_LABELS.get(name, name.replace("_", " ").capitalize() or "The scheme")
        slot, target = (name, name) if name in SCHEME_LABELS else (None, None)
        match = _ITEM.match(error.field)
        if match and name == "funding" and int(match.group(2)) <= len(shape.funding_ids):
            target = slot = shape.funding_ids[int(match.group(2)) - 1]
            label = f"Funding from {streams.get(target[7:], target[7:])}"
        elif (
            match
            and name == "commissioners"
            and int(match.group(2)) <= len(shape.commissioner_rows)
        ):
            row = shape.commissioner_rows[int(match.group(2)) - 1]
            part = "percent" if match.group(3) == "percent" else "commissioner"
            target = slot = f"{part}-{row}"
            label = f"Commissioner {row}" + (" share" if part == "percent" else "")
        elif match:
            label = f"{label}, line {match.group(2)}"
        elif name == "commissioners":
            target = slot = "commissioner-1"
        elif name == "funding" and streams:
            target, slot = f"stream-{next(iter(streams))}", "funding"
        message = error.message.strip()
        if message[:1].islower() or match:
            message = f"{label}: {message}" if match else f"{label} {message}"
        item = {"text": message}
        if slot:
            shown.by_field.setdefault(slot, []).append(message)
        if target:
            item["href"] = f"#{target}"
        shown.summary.append(item)
    return shown


def scheme_initial(scheme: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "scheme_id": scheme.scheme_id,
        "name": scheme.name,
        "description": scheme.description,
        "scheme_type": scheme.scheme_type,
        "sub_type": scheme.sub_type,
        "area_of_spend": scheme.area_of_spend,
        "provider_type": scheme.provider_type,
        "new": "new" if scheme.new else "existing",
        "outputs": "\n".join(
            f"{decimal_text(o.quantity)} {o.unit}: {o.description}" for o in scheme.outputs
        ),
        "metrics": "\n".join(
            f"{m.metric} {decimal_text(m.change)}" + (f": {m.note}" if m.note else "")
            for m in scheme.metrics
        ),
    }
    for row, share in enumerate(scheme.commissioners, start=1):
        values[f"commissioner-{row}"] = share.organisation
        values[f"percent-{row}"] = decimal_text(share.percent)
    for line in scheme.funding:
        values[f"stream-{line.stream}"] = line.amount.plain()
    return values


@page
def scheme_form(request: HttpRequest, plan_id: int, scheme_id: str | None = None) -> HttpResponse:
    plan = selectors.get_plan(request.user, plan_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, plan.agreement)
    content = selectors.content_of(selectors.current_version(plan))
    existing = None
    if scheme_id is not None:
        existing = next((s for s in content.schemes if s.scheme_id == scheme_id), None)
        if existing is None:
            raise NotFound(f"The plan has no scheme {scheme_id}")
    year_rules = selectors.year_rules_of(plan)
    rules = selectors.plan_rules_of(plan)
    streams = {s.code: s.name for s in year_rules.funding_streams}
    action = (
        reverse("web:scheme_edit", args=[plan.pk, scheme_id])
        if scheme_id
        else reverse("web:scheme_add", args=[plan.pk])
    )

    def show(values: Any, errors: FormErrors, version: Any, status: int = 200) -> HttpResponse:
        return render(
            request,
            "web/plans/scheme_form.jinja",
            {
                "plan": plan,
                "existing": existing,
                "action": action,
                "values": values,
                "errors": errors,
                "version": version,
                "taxonomy": rules.taxonomy,
                "streams": year_rules.funding_streams,
                "partners": selectors.partners_of(plan.agreement),
                "commissioner_rows": range(1, COMMISSIONER_ROWS + 1),
                "metric_ids": rules.metric_ids,
            },
            status=status,
        )

    if request.method != "POST":
        initial = scheme_initial(existing) if existing else {"new": "new"}
        return show(form_values(initial), FormErrors(), plan.version)
    shape = scheme_post(request.POST, list(streams))
    if existing is not None:
        shape.raw["scheme_id"] = existing.scheme_id  # the id is not changed by editing
    elif any(s.scheme_id == shape.raw["scheme_id"].strip() for s in content.schemes):
        shape.problems.append(
            FieldError("scheme_id", f"The plan already has a scheme {shape.raw['scheme_id']}")
        )
    failed: list[FieldError] = list(shape.problems)
    try:
        if not failed:
            services.put_scheme(actor(request), plan.pk, shape.raw, posted_version(request))
        else:  # check the rest too, so every problem is said at once; nothing is saved
            agreement_services.require_editor(actor(request), plan.agreement)
            parse_scheme(shape.raw, year_rules, selectors.partners_of(plan.agreement))
    except ValidationFailed as exc:
        failed += list(exc.errors)
    except Conflict as exc:
        return show(request.POST, conflict_errors(exc), exc.current_version, 409)
    if failed:
        errors = scheme_errors(failed, shape, streams)
        return show(request.POST, errors, posted_version(request), 400)
    messages.success(request, f"Scheme {shape.raw['scheme_id']} saved")
    return redirect(_plan_url(plan, f"scheme-{shape.raw['scheme_id'].strip()}"))


@page
def scheme_remove(request: HttpRequest, plan_id: int, scheme_id: str) -> HttpResponse:
    plan = selectors.get_plan(request.user, plan_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, plan.agreement)
    content = selectors.content_of(selectors.current_version(plan))
    scheme = next((s for s in content.schemes if s.scheme_id == scheme_id), None)
    if request.method == "POST":
        try:
            services.remove_scheme(actor(request), plan.pk, scheme_id, posted_version(request))
        except ValidationFailed as exc:
            for error in exc.errors:
                messages.error(request, error.message)
        except Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Scheme {scheme_id} removed")
        return redirect(_plan_url(plan, "schemes"))
    if scheme is None:
        raise NotFound(f"The plan has no scheme {scheme_id}")
    return render(
        request,
        "web/plans/scheme_remove.jinja",
        {"plan": plan, "scheme": scheme, "version": plan.version},
    )


# justifying a failed check ----------------------------------------------------------------


@page
def plan_justify(request: HttpRequest, plan_id: int, requirement_id: str) -> HttpResponse:
    """Why a failed check may go to sign-off: offered only where the year's rules allow it."""
    plan = selectors.get_plan(request.user, plan_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, plan.agreement)
    requirement = next(
        (r for r in selectors.plan_rules_of(plan).requirements if r.id == requirement_id), None
    )
    if requirement is None or not requirement.justification_allowed:
        raise NotFound(f"The {plan.year} rules allow no justification of '{requirement_id}'")
    current = selectors.current_version(plan)
    return form_page(
        request,
        "web/plans/justify.jinja",
        lambda values, errors: {
            "plan": plan,
            "requirement": requirement,
            "values": values,
            "errors": errors,
        },
        initial=lambda: {"justification": current.justifications.get(requirement_id, "")},
        labels={"justification": "Justification"},
        save=lambda: services.justify(
            actor(request),
            plan.pk,
            requirement_id,
            request.POST.get("justification", ""),
            posted_version(request),
        ),
        done=lambda v: (
            f"Justification recorded for '{requirement.text}'",
            _plan_url(plan, "checklist"),
        ),
        version=lambda: plan.version,
    )
