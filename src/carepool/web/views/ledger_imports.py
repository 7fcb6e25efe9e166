"""Web pages of the ledger: Importing partners' monthly actuals (CSV, xlsx): docs/ledger-imports.md.

Its addresses are in ``urlpatterns``, added to the site's by ``carepool.web.urls``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from carepool.agreements import selectors
from carepool.agreements.models import Agreement
from carepool.agreements.selectors import may_edit
from carepool.core import ledger as core
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.ledger.imports import import_actuals, imports_of, max_bytes
from carepool.ledger.models import ImportBatch
from carepool.web.forms import FormErrors
from carepool.web.pages import actor, offer_form_only_to_editors, page
from carepool.web.presenters import common as common_presenters

FIELDS = ("file", "month", "source", "replace")
MONTHS_OFFERED = 72  # six years: longer than any agreement term seen


def _months(agreement: Agreement) -> list[dict[str, str]]:
    """The agreement's months up to this one, newest first (at most six years)."""
    today = common_presenters.today()
    last = min(agreement.end_date, today)
    key = core.month_key(last)
    first = core.month_key(agreement.start_date)
    months = []
    while key >= first and len(months) < MONTHS_OFFERED:
        months.append({"value": f"{key // 100}-{key % 100:02d}", "text": core.month_name(key)})
        key = key - 1 if key % 100 > 1 else key - 89
    return months


def _default_month(months: list[dict[str, str]]) -> str:
    # Last month's actuals are the ones usually imported.
    return months[1]["value"] if len(months) > 1 else (months[0]["value"] if months else "")


def _errors(failure: ValidationFailed) -> FormErrors:
    """Problems with a form field beside it; problems in the file (named by file, line and
    field) listed in the summary, each linked to the file field."""
    errors = FormErrors()
    in_file = 0
    for e in failure.errors:
        if e.field in FIELDS:
            errors.summary.append({"text": e.message, "href": f"#{e.field}"})
            errors.by_field.setdefault(e.field, []).append(e.message)
        else:
            in_file += 1
            text = f"{e.field}: {e.message}" if e.field else e.message
            errors.summary.append({"text": text, "href": "#file"})
    if in_file:
        errors.by_field.setdefault("file", []).append(
            "Nothing was imported: the file has the problems listed at the top of the page"
        )
    return errors


def _form(
    request: HttpRequest, agreement: Agreement, errors: FormErrors, status: int = 200
) -> HttpResponse:
    months = _months(agreement)
    partners = selectors.partner_organisations(agreement)
    own = getattr(request.user, "organisation", None)
    own_code = own.code if own is not None and own in partners else ""
    values = request.POST if request.method == "POST" else {}
    return render(
        request,
        "ledger/imports/form.jinja",
        {
            "agreement": agreement,
            "errors": errors,
            "months": months,
            "month": values.get("month") or _default_month(months),
            "partners": partners,
            "source": values.get("source") or own_code,
            "replace": bool(values.get("replace")),
            "limit_mb": f"{max_bytes() / 1024 / 1024:,.0f}",
        },
        status=status,
    )


@page
def import_form(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    offer_form_only_to_editors(request, agreement)
    if request.method != "POST":
        return _form(request, agreement, FormErrors())
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationFailed.single("file", "Choose the file of actuals to import")
        outcome = import_actuals(
            actor(request),
            agreement.pk,
            month=request.POST.get("month", ""),
            source=request.POST.get("source", ""),
            file_name=upload.name or "upload",
            data=upload.file,
            replace=bool(request.POST.get("replace")),
        )
    except ValidationFailed as exc:
        return _form(request, agreement, _errors(exc), status=400)
    if outcome.unchanged:
        messages.info(
            request, f"{outcome.file_name} was already imported: nothing was added this time"
        )
    else:
        messages.success(
            request,
            f"Imported {outcome.rows:,} lines of {outcome.period} actuals from {outcome.source}",
        )
    return redirect(reverse("web:ledger_import", args=[agreement.pk, outcome.batch_id]))


def _batch_view(batch: ImportBatch) -> dict[str, Any]:
    return {
        "batch": batch,
        "period": core.month_name(batch.month),
        "total": Money(batch.total_pence),
        "imported_at": common_presenters.long_date(batch.imported_at.date()),
        "active": batch.replaced_by_id is None,
    }


@page
def import_detail(request: HttpRequest, agreement_id: int, batch_id: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    batch = imports_of(agreement).filter(pk=batch_id).first()
    if batch is None:
        return render(request, "web/errors/404.jinja", {"message": ""}, status=404)
    replaced = ImportBatch.objects.filter(replaced_by=batch).first()
    return render(
        request,
        "ledger/imports/detail.jinja",
        {"agreement": agreement, **_batch_view(batch), "replaced": replaced},
    )


@page
def import_list(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    batches = [_batch_view(b) for b in imports_of(agreement)[:200]]
    return render(
        request,
        "ledger/imports/list.jinja",
        {
            "agreement": agreement,
            "batches": batches,
            "may_import": may_edit(request.user, agreement),  # type: ignore[arg-type]
        },
    )


urlpatterns: list[URLPattern] = [
    path("agreements/<int:agreement_id>/ledger/imports/", import_list, name="ledger_imports"),
    path(
        "agreements/<int:agreement_id>/ledger/imports/new/",
        import_form,
        name="ledger_import_new",
    ),
    path(
        "agreements/<int:agreement_id>/ledger/imports/<int:batch_id>/",
        import_detail,
        name="ledger_import",
    ),
]
