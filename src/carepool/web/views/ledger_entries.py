"""Web pages of the ledger: Single ledger entries (spend, refunds, commitments), contributions falling due, period close and re-open, corrections, and the integrity check (docs/ledger.md).

Its addresses are in ``urlpatterns``, added to the site's by ``carepool.web.urls``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from carepool.agreements import selectors as agreement_selectors
from carepool.agreements.models import Agreement
from carepool.core import ledger as core
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.ledger_input import parse_month
from carepool.core.money import Money
from carepool.ledger import entry_records as records
from carepool.ledger import services
from carepool.ledger.entry_selectors import (
    commitments_of,
    corrections_of,
    get_transfer,
    month_states,
    spend_account_of,
)
from carepool.ledger.models import Scheme
from carepool.ledger.posting import closed_months
from carepool.web.forms import FormErrors, service_input
from carepool.web.pages import actor, form_page, offer_form_only_to_editors, page
from carepool.web.presenters import common as common_presenters

ENTRY_LABELS = {
    "date": "Date",
    "scheme": "Scheme",
    "partner": "Responsible partner",
    "amount": "Amount",
    "provider": "Provider",
    "description": "Description",
    "reference": "Reference",
}
COMMITMENT_LABELS = {
    "date": "Date of the order",
    "scheme": "Scheme",
    "partner": "Responsible partner",
    "amount": "Amount",
    "reference": "Order reference",
    "provider": "Provider",
    "description": "Description",
}
CANCEL_LABELS = {"date": "Date", "reason": "Reason"}
CORRECTION_LABELS = {
    "date": "Date of the correction",
    "amount": "Change to spend",
    "scheme": "Scheme",
    "partner": "Responsible partner",
    "reason": "Reason",
}
REOPEN_LABELS = {"reason": "Reason"}
HUB_LABELS = {"up_to": "Post contributions due by", "month": "Month"}


def _agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    return agreement_selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]


def _choices(agreement: Agreement) -> dict[str, Any]:
    """The schemes and partners an entry form offers."""
    return {
        "schemes": list(Scheme.objects.filter(agreement=agreement).values_list("code", "name")),
        "partners": [
            (o.code, o.name) for o in agreement_selectors.partner_organisations(agreement)
        ],
    }


def _hub_context(request: HttpRequest, agreement: Agreement) -> dict[str, Any]:
    user = request.user
    editor = agreement_selectors.may_edit(user, agreement)  # type: ignore[arg-type]
    return {
        "agreement": agreement,
        "months": month_states(agreement, common_presenters.today()),
        "commitments": [records.commitment_record(c) for c in commitments_of(agreement.pk)],
        "may_edit": editor,
        "may_close": services.may_close(user, agreement),  # type: ignore[arg-type]
        "may_reopen": services.may_reopen(user, agreement),  # type: ignore[arg-type]
        "today": common_presenters.today().isoformat(),
        "long_date": common_presenters.long_date,
    }


@page
def hub(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    return render(
        request,
        "ledger/entries/hub.jinja",
        {**_hub_context(request, agreement), "errors": FormErrors(), "values": {}},
    )


def _hub_refusal(
    request: HttpRequest, agreement: Agreement, failure: ValidationFailed
) -> HttpResponse:
    context = {
        **_hub_context(request, agreement),
        "errors": FormErrors.from_failure(failure, HUB_LABELS),
        "values": request.POST,
    }
    return render(request, "ledger/entries/hub.jinja", context, status=400)


@page
def contributions(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    if request.method != "POST":
        return redirect("web:ledger_entries", agreement.pk)
    try:
        day = parse.required_day(request.POST.get("up_to"), "up_to")
        posted = services.post_due_contributions(actor(request), agreement.pk, day)
    except ValidationFailed as exc:
        return _hub_refusal(request, agreement, exc)
    messages.success(
        request,
        f"Posted {posted} contribution instalment(s) due by {day:%-d %B %Y}"
        if posted
        else f"Nothing to post: every instalment due by {day:%-d %B %Y} is posted",
    )
    return redirect("web:ledger_entries", agreement.pk)


@page
def close_month(request: HttpRequest, agreement_id: int, month: str) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    if request.method != "POST":
        return redirect("web:ledger_entries", agreement.pk)
    try:
        row = services.close_month(actor(request), agreement.pk, month)
    except ValidationFailed as exc:
        return _hub_refusal(request, agreement, exc)
    messages.success(request, f"{core.month_name(row.month)} is closed")
    return redirect(reverse("web:ledger_entries", args=[agreement.pk]) + "#months")


@page
def reopen_month(request: HttpRequest, agreement_id: int, month: str) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    try:
        name = core.month_name(parse_month(month))
    except ValidationFailed:
        return redirect("web:ledger_entries", agreement.pk)
    return form_page(
        request,
        "ledger/entries/reopen.jinja",
        lambda values, errors: {
            "agreement": agreement,
            "month": month,
            "name": name,
            "values": values,
            "errors": errors,
        },
        initial=dict,
        labels=REOPEN_LABELS,
        save=lambda: services.reopen_month(
            actor(request), agreement.pk, month, request.POST.get("reason", "")
        ),
        done=lambda _: (
            f"{name} is open again",
            reverse("web:ledger_entries", args=[agreement.pk]) + "#months",
        ),
    )


@page
def entry_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    offer_form_only_to_editors(request, agreement)
    return form_page(
        request,
        "ledger/entries/entry_form.jinja",
        lambda values, errors: {
            "agreement": agreement,
            "values": values,
            "errors": errors,
            **_choices(agreement),
        },
        initial=lambda: {"date": common_presenters.today().isoformat()},
        labels=ENTRY_LABELS,
        save=lambda: services.post_actual(
            actor(request), agreement.pk, service_input(request.POST, ENTRY_LABELS)
        ),
        done=lambda row: (
            f"Recorded ledger line {row.pk}",
            reverse("web:ledger_line", args=[row.pk]),
        ),
    )


@page
def commitment_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    offer_form_only_to_editors(request, agreement)
    return form_page(
        request,
        "ledger/entries/commitment_form.jinja",
        lambda values, errors: {
            "agreement": agreement,
            "values": values,
            "errors": errors,
            **_choices(agreement),
        },
        initial=lambda: {"date": common_presenters.today().isoformat()},
        labels=COMMITMENT_LABELS,
        save=lambda: services.record_commitment(
            actor(request), agreement.pk, service_input(request.POST, COMMITMENT_LABELS)
        ),
        done=lambda row: (
            f"Recorded commitment {row.reference}",
            reverse("web:ledger_entries", args=[agreement.pk]) + "#commitments",
        ),
    )


@page
def commitment_cancel(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    offer_form_only_to_editors(request, agreement)
    reference = (request.POST.get("reference") or request.GET.get("reference") or "").strip()
    found = commitments_of(agreement.pk, reference) if reference else []
    if not found:
        return redirect(reverse("web:ledger_entries", args=[agreement.pk]) + "#commitments")
    commitment = records.commitment_record(found[0])
    return form_page(
        request,
        "ledger/entries/cancel.jinja",
        lambda values, errors: {
            "agreement": agreement,
            "commitment": commitment,
            "values": values,
            "errors": errors,
        },
        initial=lambda: {"date": common_presenters.today().isoformat()},
        labels=CANCEL_LABELS,
        save=lambda: services.cancel_commitment(
            actor(request), agreement.pk, reference, service_input(request.POST, CANCEL_LABELS)
        ),
        done=lambda row: (
            f"Released {Money(row.amount_pence)} of commitment {reference}",
            reverse("web:ledger_entries", args=[agreement.pk]) + "#commitments",
        ),
    )


def _line_context(request: HttpRequest, transfer_id: int) -> dict[str, Any]:
    row = get_transfer(request.user, transfer_id)  # type: ignore[arg-type]
    agreement = _agreement(request, row.agreement_id)
    spend = spend_account_of(row)
    closed = row.month in closed_months(agreement.pk)
    return {
        "line": records.transfer_record(row),
        "month_name": core.month_name(row.month),
        "closed": closed,
        "agreement": agreement,
        "corrections": [records.transfer_record(c) for c in corrections_of(row)],
        "may_correct": spend is not None
        and closed
        and agreement_selectors.may_edit(request.user, agreement),  # type: ignore[arg-type]
        "spend": spend,
    }


@page
def line(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return render(request, "ledger/entries/line.jinja", _line_context(request, transfer_id))


@page
def line_correct(request: HttpRequest, transfer_id: int) -> HttpResponse:
    context = _line_context(request, transfer_id)
    agreement = context["agreement"]
    offer_form_only_to_editors(request, agreement)
    return form_page(
        request,
        "ledger/entries/correct.jinja",
        lambda values, errors: {
            **context,
            "values": values,
            "errors": errors,
            **_choices(agreement),
        },
        initial=lambda: {
            "date": common_presenters.today().isoformat(),
            "scheme": context["line"]["debit"]["scheme"] or context["line"]["credit"]["scheme"],
            "partner": context["line"]["debit"]["partner"] or context["line"]["credit"]["partner"],
        },
        labels=CORRECTION_LABELS,
        save=lambda: services.correct(
            actor(request), transfer_id, service_input(request.POST, CORRECTION_LABELS)
        ),
        done=lambda row: (
            f"Posted correction {row.pk} of line {transfer_id}",
            reverse("web:ledger_line", args=[transfer_id]),
        ),
    )


urlpatterns: list[URLPattern] = [
    path("agreements/<int:agreement_id>/ledger/entries/", hub, name="ledger_entries"),
    path("agreements/<int:agreement_id>/ledger/entries/new/", entry_add, name="ledger_entry_add"),
    path(
        "agreements/<int:agreement_id>/ledger/commitments/new/",
        commitment_add,
        name="ledger_commitment_add",
    ),
    path(
        "agreements/<int:agreement_id>/ledger/commitments/cancel/",
        commitment_cancel,
        name="ledger_commitment_cancel",
    ),
    path(
        "agreements/<int:agreement_id>/ledger/contributions/",
        contributions,
        name="ledger_contributions",
    ),
    path(
        "agreements/<int:agreement_id>/ledger/months/<str:month>/close/",
        close_month,
        name="ledger_month_close",
    ),
    path(
        "agreements/<int:agreement_id>/ledger/months/<str:month>/reopen/",
        reopen_month,
        name="ledger_month_reopen",
    ),
    path("ledger/lines/<int:transfer_id>/", line, name="ledger_line"),
    path("ledger/lines/<int:transfer_id>/correct/", line_correct, name="ledger_line_correct"),
]
