"""Organisations: list, detail with their visible agreements and history, add, change, delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from carepool.accounts.models import Role
from carepool.audit.selectors import history_for_object
from carepool.core.errors import Conflict, ValidationFailed
from carepool.organisations import selectors, services
from carepool.web.forms import FormErrors, service_input
from carepool.web.pages import (
    actor,
    conflict_errors,
    form_page,
    offer_form_only_to_role,
    page,
    posted_version,
)
from carepool.web.presenters import common as common_presenters
from carepool.web.presenters import history as history_presenters
from carepool.web.presenters import organisations as organisations_presenters

LABELS = {
    "name": "Name",
    "org_type": "Type of organisation",
    "code_system": "Kind of code",
    "code": "Code",
}
# A code never changes, so the change form has no code field and never sends one.
EDIT_LABELS = {name: label for name, label in LABELS.items() if name != "code"}


def _form_context(values: Any, errors: FormErrors | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors or FormErrors(),
        "type_choices": common_presenters.ORGANISATION_TYPE_CHOICES,
        "code_system_choices": common_presenters.CODE_SYSTEM_CHOICES,
        **extra,
    }


ORGANISATIONS_PER_PAGE = 50


@page
def organisation_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    org_type = request.GET.get("type", "").strip()
    # A page at a time: the reference data alone holds 150+ councils (ADR 0013).
    found = Paginator(selectors.organisations(search, org_type), ORGANISATIONS_PER_PAGE)
    page_of = found.get_page(request.GET.get("page"))
    return render(
        request,
        "web/organisations/list.jinja",
        {
            "organisations": page_of.object_list,
            "page": page_of,
            "count": found.count,
            "pagination": common_presenters.pagination(
                page_of,
                reverse("web:organisations"),
                {"q": search, "type": org_type},
                "Pages of organisations",
            ),
            "search": search,
            "org_type": org_type,
            "type_choices": common_presenters.ORGANISATION_TYPE_CHOICES,
            "type_label": common_presenters.organisation_type_label,
            "may_create": common_presenters.may_create(request.user),  # type: ignore[arg-type]
        },
    )


@page
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    organisation = selectors.get_organisation(code)
    history, history_more = history_presenters.latest_view(
        history_for_object("organisation", organisation.code)
    )
    return render(
        request,
        "web/organisations/detail.jinja",
        {
            "organisation": organisation,
            "agreements": organisations_presenters.agreements_of_organisation(
                request.user, organisation
            ),  # type: ignore[arg-type]
            "history": history,
            "history_more": history_more,
            "type_label": common_presenters.organisation_type_label(organisation.org_type),
            "code_system_label": common_presenters.code_system_label(organisation.code_system),
            "arrangement_label": common_presenters.arrangement_label,
            "may_create": common_presenters.may_create(request.user),  # type: ignore[arg-type]
        },
    )


@page
def organisation_history(request: HttpRequest, code: str) -> HttpResponse:
    """The organisation's whole audit trail, newest first, a page at a time."""
    organisation = selectors.get_organisation(code)
    here = reverse("web:organisation", args=[organisation.code])
    return render(
        request,
        "web/history.jinja",
        {
            "title": f"Audit history: {organisation.name}",
            "caption": organisation.name,
            "back": (here, organisation.name),
            "breadcrumbs": [
                {"text": "Organisations", "href": reverse("web:organisations")},
                {"text": organisation.name, "href": here},
            ],
            "history": history_presenters.page_view(
                history_for_object("organisation", organisation.code),
                request.GET.get("page"),
                reverse("web:organisation_history", args=[organisation.code]),
            ),
        },
    )


@page
def organisation_create(request: HttpRequest) -> HttpResponse:
    offer_form_only_to_role(request, Role.FINANCE_OFFICER, "add organisations")
    return form_page(
        request,
        "web/organisations/form.jinja",
        _form_context,
        initial=dict,
        labels=LABELS,
        save=lambda: services.create_organisation(
            actor(request), service_input(request.POST, services.FIELDS)
        ),
        done=lambda o: (f"{o.name} added", reverse("web:organisation", args=[o.code])),
    )


@page
def organisation_edit(request: HttpRequest, code: str) -> HttpResponse:
    organisation = selectors.get_organisation(code)
    if request.method != "POST":
        services.require_editor(
            actor(request), organisation
        )  # no form for those who cannot save it
    return form_page(
        request,
        "web/organisations/form.jinja",
        lambda values, errors: _form_context(values, errors, organisation=organisation),
        initial=lambda: services.snapshot(organisation),
        labels=EDIT_LABELS,
        save=lambda: services.update_organisation(
            actor(request),
            organisation.code,
            service_input(request.POST, EDIT_LABELS),
            posted_version(request),
        ),
        done=lambda o: (f"{o.name} updated", reverse("web:organisation", args=[o.code])),
        version=lambda: organisation.version,
    )


@page
def organisation_delete(request: HttpRequest, code: str) -> HttpResponse:
    organisation = selectors.get_organisation(code)
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        try:
            services.delete_organisation(actor(request), organisation.code, posted_version(request))
        except ValidationFailed as exc:
            errors, status = FormErrors.from_failure(exc, {}), 400
        except Conflict as exc:
            errors, status = conflict_errors(exc), 409
        else:
            messages.success(request, f"{organisation.name} deleted")
            return redirect("web:organisations")
    else:
        services.require_editor(actor(request), organisation)
    return render(
        request,
        "web/organisations/delete.jinja",
        {"organisation": organisation, "errors": errors, "version": organisation.version},
        status=status,
    )
