"""Web pages of the ledger: monthly monitoring (budget, actual, commitments, forecast outturn
and variance, with a chart and its data table), the forms for overrides, variance
explanations and action plans, the lines behind a figure, and the national report
(docs/monitoring.md).

Its addresses are in ``urlpatterns``, added to the site's by ``carepool.web.urls``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from carepool.agreements.selectors import get_agreement, may_edit
from carepool.core import ledger as core_ledger
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.core.periods import FinancialYear, PeriodError
from carepool.ledger import monitoring_services as services
from carepool.ledger.monitoring import lines_of, monitoring_of, national_report, parse_month
from carepool.web.forms import FormErrors
from carepool.web.pages import actor, page
from carepool.web.presenters import common as common_presenters
from carepool.web.presenters import monitoring as presenters

PER_PAGE = 50

FORMS: dict[str, dict[str, str]] = {
    # form -> field -> label (the ids on the page are "<form>-<field>")
    "override": {"scheme": "Scheme", "amount": "Forecast outturn", "reason": "Reason"},
    "note": {"scheme": "Scheme", "text": "Why the figures differ from budget"},
    "plan": {"text": "Action plan"},
}


def _year(value: str | None) -> FinancialYear:
    try:
        return FinancialYear.parse(value or "")
    except PeriodError:
        return FinancialYear.containing(common_presenters.today())


def _as_at(value: str | None, year: FinancialYear) -> int | None:
    if not value:
        return None
    try:
        return parse_month(value, year)
    except ValidationFailed:
        return None


def _month_text(key: int | None) -> str:
    return "" if key is None else f"{key // 100}-{key % 100:02d}"


def _monitoring_url(agreement_id: int, year: str, as_at: str = "") -> str:
    query = {"year": year, **({"as_at": as_at} if as_at else {})}
    return f"{reverse('web:ledger_monitoring', args=[agreement_id])}?{urlencode(query)}"


def _page(
    request: HttpRequest,
    agreement_id: int,
    year: FinancialYear,
    as_at: int | None,
    *,
    form: str = "",
    errors: FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    m = monitoring_of(request.user, agreement_id, year.label, as_at)  # type: ignore[arg-type]
    month = _month_text(m.as_at)
    lines_url = reverse("web:ledger_lines", args=[m.agreement.pk])

    def drill(**query: str) -> str:
        return f"{lines_url}?{urlencode({'year': year.label, **query})}"

    return render(
        request,
        "ledger/monitoring/monitoring.jinja",
        {
            "m": m,
            "r": m.result,
            "year": year,
            "month": month,
            "years": [year.previous(), year, year.next()],
            "month_choices": [
                {"value": _month_text(k), "text": core_ledger.month_name(k)}
                for k in core_ledger.months_of(year)
            ],
            "chart": presenters.chart(m.months, m.as_at_name),
            "pounds": presenters.pounds,
            "drill": drill,
            "may_edit": may_edit(request.user, m.agreement),  # type: ignore[arg-type]
            "form": form,
            "errors": errors or FormErrors(),
            # the message beside a field of the form that was sent, None elsewhere
            "err": lambda which, name: errors.message(name) if errors and which == form else None,
            "values": values or {},
            "forms": FORMS,
        },
        status=status,
    )


@page
def monitoring(request: HttpRequest, agreement_id: int) -> HttpResponse:
    year = _year(request.GET.get("year"))
    return _page(request, agreement_id, year, _as_at(request.GET.get("as_at"), year))


def _write(
    request: HttpRequest, agreement_id: int, form: str, save: Callable[[], str]
) -> HttpResponse:
    year = _year(request.POST.get("year"))
    as_at_text = request.POST.get("as_at", "")
    as_at = _as_at(as_at_text, year)
    try:
        message = save()
    except ValidationFailed as exc:
        labels = FORMS[form]
        errors = FormErrors.from_failure(exc, labels, {name: f"{form}-{name}" for name in labels})
        return _page(
            request,
            agreement_id,
            year,
            as_at,
            form=form,
            errors=errors,
            values={f"{form}-{k}": v for k, v in request.POST.items()},
            status=400,
        )
    messages.success(request, message)
    return redirect(_monitoring_url(agreement_id, year.label, as_at_text))


@require_POST
@page
def override(request: HttpRequest, agreement_id: int) -> HttpResponse:
    post = request.POST

    def save() -> str:
        if post.get("clear"):
            services.clear_override(
                actor(request), agreement_id, year=post.get("year"), scheme=post.get("clear")
            )
            return f"Removed the forecast override of {post.get('clear')}"
        row = services.set_override(
            actor(request),
            agreement_id,
            year=post.get("year"),
            scheme=post.get("scheme"),
            amount=post.get("amount"),
            reason=post.get("reason"),
        )
        return f"Forecast outturn of {row.scheme_code} set"

    return _write(request, agreement_id, "override", save)


@require_POST
@page
def variance_note(request: HttpRequest, agreement_id: int) -> HttpResponse:
    post = request.POST

    def save() -> str:
        row = services.explain_variance(
            actor(request),
            agreement_id,
            month=post.get("month"),
            scheme=post.get("scheme"),
            text=post.get("text"),
        )
        return f"Variance of {row.scheme_code} explained for {core_ledger.month_name(row.month)}"

    return _write(request, agreement_id, "note", save)


@require_POST
@page
def action_plan(request: HttpRequest, agreement_id: int) -> HttpResponse:
    post = request.POST

    def save() -> str:
        row = services.record_action_plan(
            actor(request), agreement_id, month=post.get("month"), text=post.get("text")
        )
        return f"Action plan recorded for {core_ledger.month_name(row.month)}"

    return _write(request, agreement_id, "plan", save)


@page
def lines(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The ledger lines behind a figure, newest first, 50 a page."""
    agreement = get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    year = _year(request.GET.get("year"))
    scheme = request.GET.get("scheme") or None
    partner = request.GET.get("partner") or None
    month_key = _as_at(request.GET.get("month"), year)
    figure = "commitments" if request.GET.get("figure") == "commitments" else "actual"
    rows = lines_of(
        request.user,  # type: ignore[arg-type]
        agreement.pk,
        scheme=scheme,
        partner=partner,
        month=month_key,
        year=year.label,
        figure=figure,
    )
    paginator = Paginator(rows, PER_PAGE)
    shown = paginator.get_page(request.GET.get("page"))
    query = {
        "year": year.label,
        "scheme": scheme or "",
        "partner": partner or "",
        "month": _month_text(month_key),
        "figure": figure,
    }
    what = [
        f"scheme {scheme}" if scheme else "",
        f"partner {partner}" if partner else "",
        core_ledger.month_name(month_key) if month_key else year.label,
    ]
    return render(
        request,
        "ledger/monitoring/lines.jinja",
        {
            "agreement": agreement,
            "year": year,
            "figure": figure,
            "what": ", ".join(w for w in what if w),
            "page": shown,
            "count": paginator.count,
            "pagination": common_presenters.pagination(
                shown, request.path, query, label="Pages of ledger lines"
            ),
            "back": _monitoring_url(agreement.pk, year.label),
            "pounds": presenters.pounds,
            "money": Money,
        },
    )


@page
def national(request: HttpRequest) -> HttpResponse:
    year = _year(request.GET.get("year"))
    report = national_report(request.user, year.label)  # type: ignore[arg-type]
    return render(
        request,
        "ledger/monitoring/national.jinja",
        {
            "report": report,
            "year": year,
            "years": [year.previous(), year, year.next()],
            "pounds": presenters.pounds,
        },
    )


urlpatterns: list[URLPattern] = [
    path("agreements/<int:agreement_id>/monitoring/", monitoring, name="ledger_monitoring"),
    path(
        "agreements/<int:agreement_id>/monitoring/override/",
        override,
        name="ledger_monitoring_override",
    ),
    path(
        "agreements/<int:agreement_id>/monitoring/variance/",
        variance_note,
        name="ledger_monitoring_note",
    ),
    path(
        "agreements/<int:agreement_id>/monitoring/action-plan/",
        action_plan,
        name="ledger_monitoring_plan",
    ),
    path("agreements/<int:agreement_id>/monitoring/lines/", lines, name="ledger_lines"),
    path("ledger/national/", national, name="ledger_national"),
]
