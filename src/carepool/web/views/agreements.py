"""Agreements: list, the full agreement page, add, change, delete and approve."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carepool.accounts.models import Role
from carepool.accounts.permissions import NotFound
from carepool.agreements import selectors, services, summaries
from carepool.agreements.warnings import area_warnings
from carepool.core.errors import Conflict, ValidationFailed
from carepool.core.history import label
from carepool.ledger.monitoring import threshold_of
from carepool.organisations import selectors as organisation_selectors
from carepool.web.forms import FormErrors, service_input
from carepool.web.pages import (
    actor,
    conflict_errors,
    form_page,
    offer_form_only_to_editors,
    offer_form_only_to_role,
    page,
    posted_version,
)
from carepool.web.presenters import agreements as agreements_presenters
from carepool.web.presenters import common as common_presenters
from carepool.web.presenters import contributions as contributions_presenters
from carepool.web.presenters import history as history_presenters
from carepool.web.presenters import plans as plans_presenters

# The fields in the order the form shows them (the error summary follows it), named in the
# same words as the history (carepool.core.history).
LABELS = {
    name: label(name)
    for name in (
        "title",
        "area",
        "programme",
        "arrangement_type",
        "partners",
        "host",
        "auditors",
        "start_date",
        "end_date",
        "break_clause_date",
        "governing_board",
        "aims",
        "outcomes",
        "functions_covered",
        "services_in_scope",
        "staff_goods_accommodation",
        "charges_to_people",
        "reporting_frequency",
        "risk_share",
        "overspend_protocol",
        "overspend_threshold",
        "overspend_threshold_percent",
        "exit_terms",
        "audit_arrangements",
        "variation_procedure",
        "review_arrangements",
    )
}
LIST_FIELDS = ("partners", "auditors")
# Risk-share provisions are added and removed one at a time (views/risk_share.py); the form
# never sends them, and ``update_agreement`` keeps the fields it is not given.
FORM_FIELDS = tuple(f for f in services.AGREEMENT_FIELDS if f != "risk_share")


def _form_context(values: Any, errors: FormErrors | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors or FormErrors(),
        "labels": LABELS,
        "areas": organisation_selectors.areas(),
        "organisations": organisation_selectors.organisations(),
        "arrangement_choices": common_presenters.ARRANGEMENT_CHOICES,
        "programme_choices": common_presenters.PROGRAMME_CHOICES,
        "reporting_choices": common_presenters.REPORTING_CHOICES,
        **extra,
    }


def _input(request: HttpRequest) -> dict[str, Any]:
    return service_input(request.POST, FORM_FIELDS, LIST_FIELDS)


@page
def agreement_list(request: HttpRequest) -> HttpResponse:
    every = summaries.summarise_agreements(
        selectors.visible_agreements(request.user).order_by("area__name", "title")  # type: ignore[arg-type]
    )
    return render(
        request,
        "web/agreements/list.jinja",
        {
            **agreements_presenters.agreement_list_view(every, request.GET),
            "arrangement_label": common_presenters.arrangement_label,
            "long_date": common_presenters.long_date,
            "may_create": common_presenters.may_create(request.user),  # type: ignore[arg-type]
        },
    )


@page
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    partnerships = selectors.partnerships_of(agreement)
    partners = [p.organisation for p in partnerships]
    names = {o.code: o.name for o in partners}
    history, history_more = history_presenters.latest_view(
        selectors.history(request.user, agreement.pk)  # type: ignore[arg-type]
    )
    return render(
        request,
        "web/agreements/detail.jinja",
        {
            "agreement": agreement,
            "partners": partners,
            "invited": {p.organisation_id for p in partnerships if p.status == "invited"},
            "warnings": area_warnings(agreement),
            "auditors": list(agreement.auditors.order_by("name")),
            "arrangement_label": common_presenters.arrangement_label(agreement.arrangement_type),
            "reporting_label": common_presenters.reporting_label(agreement.reporting_frequency),
            "overspend_threshold": threshold_of(agreement).describe(),
            "long_date": common_presenters.long_date,
            "risk_share": agreements_presenters.risk_share_view(agreement, names),
            "completeness": agreements_presenters.completeness_view(
                selectors.completeness_of(agreement)
            ),
            "years": contributions_presenters.contributions_view(agreement),
            "approvals": agreements_presenters.approvals_view(agreement),
            "history": history,
            "history_more": history_more,
            "actions": agreements_presenters.actions_for(request.user, agreement),  # type: ignore[arg-type]
            "plans": plans_presenters.agreement_plans(agreement, request.user),  # type: ignore[arg-type]
        },
    )


@page
def agreement_history(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The agreement's whole audit trail, newest first, a page at a time. It stays readable
    after deletion by those who could read the agreement (the selector decides)."""
    events = selectors.history(request.user, agreement_id)  # type: ignore[arg-type]
    try:
        agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    except NotFound:
        agreement = None
    return render(
        request,
        "web/history.jinja",
        {
            "title": f"Audit history: {agreement.title}"
            if agreement
            else f"Audit history of deleted agreement {agreement_id}",
            "caption": agreement.title if agreement else "",
            "back": (reverse("web:agreement", args=[agreement_id]), agreement.title)
            if agreement
            else None,
            "breadcrumbs": [
                {"text": "Agreements", "href": reverse("web:agreements")},
                *(
                    [
                        {
                            "text": agreement.title,
                            "href": reverse("web:agreement", args=[agreement_id]),
                        }
                    ]
                    if agreement
                    else []
                ),
            ],
            "history": history_presenters.page_view(
                events,
                request.GET.get("page"),
                reverse("web:agreement_history", args=[agreement_id]),
            ),
        },
    )


@page
def agreement_create(request: HttpRequest) -> HttpResponse:
    offer_form_only_to_role(request, Role.FINANCE_OFFICER, "create agreements")
    own = request.user.organisation.code  # type: ignore[union-attr]
    return form_page(
        request,
        "web/agreements/form.jinja",
        _form_context,
        initial=lambda: {"partners": [own], "host": own},
        labels=LABELS,
        save=lambda: services.create_agreement(actor(request), _input(request)),
        done=lambda a: (f"Agreement '{a.title}' created", reverse("web:agreement", args=[a.pk])),
    )


@page
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, agreement)
    return form_page(
        request,
        "web/agreements/form.jinja",
        lambda values, errors: _form_context(
            values,
            errors,
            agreement=agreement,
            # Moving to another area is confirmed with a tick-box shown only when it is asked.
            moving_area=values.get("area", agreement.area.code) != agreement.area.code,
        ),
        initial=lambda: agreements_presenters.agreement_form_values(agreement),
        labels=LABELS,
        save=lambda: services.update_agreement(
            actor(request),
            agreement.pk,
            _input(request),
            posted_version(request),
            confirm_area_change=request.POST.get("confirm_area_change") == "yes",
        ),
        done=lambda a: ("Agreement updated", reverse("web:agreement", args=[a.pk])),
        version=lambda: agreement.version,
    )


@page
def agreement_delete(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, agreement)
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        try:
            services.delete_agreement(actor(request), agreement.pk, posted_version(request))
        except ValidationFailed as exc:
            errors, status = FormErrors.from_failure(exc, {}), 400
        except Conflict as exc:
            errors, status = conflict_errors(exc), 409
        else:
            messages.success(request, f"Agreement '{agreement.title}' deleted")
            return redirect("web:agreements")
    return render(
        request,
        "web/agreements/delete.jinja",
        {"agreement": agreement, "errors": errors, "version": agreement.version},
        status=status,
    )


@require_POST
@page
def agreement_approve(request: HttpRequest, agreement_id: int) -> HttpResponse:
    try:
        approval = services.approve_agreement(
            actor(request),
            agreement_id,
            posted_version(request),
            request.POST.get("content_hash"),
        )
    except ValidationFailed as exc:
        for error in exc.errors:
            messages.error(request, error.message)
    except Conflict as exc:
        messages.error(
            request,
            f"{exc} The agreement below is as it is now: read it again before approving.",
        )
    else:
        messages.success(
            request,
            f"{approval.organisation.name} approved the agreement (version {approval.version})",
        )
    return redirect("web:agreement", agreement_id)
