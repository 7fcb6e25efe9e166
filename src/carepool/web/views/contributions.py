"""Contributions: add to an agreement, see one with its schedule, vary, change frequency, delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from carepool.agreements import selectors, services
from carepool.agreements.models import Agreement, Contribution
from carepool.core.errors import Conflict, ValidationFailed
from carepool.core.periods import FinancialYear, PeriodError
from carepool.web.forms import FormErrors, service_input
from carepool.web.pages import (
    actor,
    conflict_errors,
    form_page,
    offer_form_only_to_editors,
    page,
    posted_version,
)
from carepool.web.presenters import agreements as agreements_presenters
from carepool.web.presenters import common as common_presenters
from carepool.web.presenters import contributions as contributions_presenters
from carepool.web.presenters import history as history_presenters

ADD_LABELS = {
    "year": "Financial year",
    "partner": "Partner",
    "funding_stream": "Funding stream",
    "mandated": "Counts towards the national minimum",
    "amount": "Amount",
    "frequency": "Instalments",
}
ADD_FIELDS = tuple(ADD_LABELS)
VARY_LABELS = {
    "effective_date": "Effective date",
    "change": "Change",
    "new_amount": "New amount",
    "reason": "Reason",
}
FREQUENCY_LABELS = {"frequency": "Instalments"}


def _chosen_year(request: HttpRequest, agreement: Agreement) -> FinancialYear:
    """The year whose funding streams the form lists: as posted or asked for, else a sensible one."""
    text = request.POST.get("year") or request.GET.get("year") or ""
    try:
        return FinancialYear.parse(text)
    except PeriodError:
        pass
    this_year = FinancialYear.containing(common_presenters.today())
    in_term = contributions_presenters.term_years(agreement)
    return this_year if this_year in in_term else in_term[0]


def _add_context(
    request: HttpRequest, agreement: Agreement, values: Any, errors: FormErrors | None = None
) -> dict[str, Any]:
    year = _chosen_year(request, agreement)
    rules = contributions_presenters.year_rules(year, agreement.programme)
    return {
        "agreement": agreement,
        "values": values,
        "errors": errors or FormErrors(),
        "year": year,
        "years": contributions_presenters.term_years(agreement),
        "streams": rules.funding_streams if rules else (),
        "rules_note": rules.provisional_note if rules else "",
        "partners": selectors.partner_organisations(agreement),
        "frequency_choices": common_presenters.FREQUENCY_CHOICES,
    }


@page
def contribution_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, agreement)
    return form_page(
        request,
        "web/contributions/add.jinja",
        lambda values, errors: _add_context(request, agreement, values, errors),
        initial=lambda: {"year": _chosen_year(request, agreement).label, "frequency": "quarterly"},
        labels=ADD_LABELS,
        save=lambda: services.add_contribution(
            actor(request), agreement.pk, service_input(request.POST, ADD_FIELDS)
        ),
        # No version check here: adding a contribution cannot overwrite anyone's change.
        done=lambda c: (
            f"Contribution added: {c.partner.name}, {c.year}",
            reverse("web:contribution", args=[c.pk]),
        ),
    )


def _contribution_context(contribution: Contribution) -> dict[str, Any]:
    year = FinancialYear.parse(contribution.year)
    original, current = contributions_presenters.contribution_amounts(contribution)
    return {
        "contribution": contribution,
        "agreement": contribution.agreement,
        "rules_note": selectors.rules_note_for(contribution.agreement, year),
        "stream": contributions_presenters.stream_names(year, contribution.agreement.programme).get(
            contribution.stream_code, contribution.stream_code
        ),
        "original": original,
        "current": current,
        "frequency_label": common_presenters.frequency_label(contribution.frequency),
    }


@page
def contribution_detail(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = selectors.get_contribution(request.user, contribution_id)  # type: ignore[arg-type]
    history, history_more = history_presenters.latest_view(
        selectors.contribution_history(request.user, contribution.pk)  # type: ignore[arg-type]
    )
    return render(
        request,
        "web/contributions/detail.jinja",
        {
            **_contribution_context(contribution),
            "variations": contributions_presenters.variations_view(contribution),
            "schedule": contributions_presenters.schedule_view(contribution),
            "history": history,
            "history_more": history_more,
            "long_date": common_presenters.long_date,
            "actions": agreements_presenters.actions_for(request.user, contribution.agreement),  # type: ignore[arg-type]
        },
    )


@page
def contribution_vary(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = selectors.get_contribution(request.user, contribution_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, contribution.agreement)
    return form_page(
        request,
        "web/contributions/vary.jinja",
        lambda values, errors: {
            **_contribution_context(contribution),
            "values": values,
            "errors": errors,
        },
        initial=dict,
        labels=VARY_LABELS,
        save=lambda: services.vary_contribution(
            actor(request),
            contribution.pk,
            service_input(request.POST, VARY_LABELS),
            posted_version(request),
        ),
        done=lambda _: ("Variation recorded", reverse("web:contribution", args=[contribution.pk])),
        version=lambda: contribution.version,
    )


@page
def contribution_edit(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = selectors.get_contribution(request.user, contribution_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, contribution.agreement)
    return form_page(
        request,
        "web/contributions/edit.jinja",
        lambda values, errors: {
            **_contribution_context(contribution),
            "frequency_choices": common_presenters.FREQUENCY_CHOICES,
            "values": values,
            "errors": errors,
        },
        initial=lambda: {"frequency": contribution.frequency},
        labels=FREQUENCY_LABELS,
        save=lambda: services.update_contribution(
            actor(request),
            contribution.pk,
            service_input(request.POST, FREQUENCY_LABELS),
            posted_version(request),
        ),
        done=lambda _: ("Instalments changed", reverse("web:contribution", args=[contribution.pk])),
        version=lambda: contribution.version,
    )


@page
def contribution_delete(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = selectors.get_contribution(request.user, contribution_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, contribution.agreement)
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        agreement_id = contribution.agreement_id
        try:
            services.delete_contribution(actor(request), contribution.pk, posted_version(request))
        except ValidationFailed as exc:
            errors, status = FormErrors.from_failure(exc, {}), 400
        except Conflict as exc:
            errors, status = conflict_errors(exc), 409
        else:
            messages.success(request, "Contribution removed")
            return redirect("web:agreement", agreement_id)
    context = {
        **_contribution_context(contribution),
        "errors": errors,
        "version": contribution.version,
    }
    return render(request, "web/contributions/delete.jinja", context, status=status)
