"""What every page view shares: sign-in, refusals as 404/403 pages, the web actor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, NotFound, require_role
from carepool.agreements import services as agreement_services
from carepool.agreements.models import Agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.core.errors import Conflict, ValidationFailed
from carepool.web.forms import FormErrors, form_values

View = Callable[..., HttpResponse]
Saved = TypeVar("Saved")


def actor(request: HttpRequest) -> Actor:
    return Actor(request.user, Interface.WEB)  # type: ignore[arg-type]


def not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "web/errors/404.jinja", {"message": message}, status=404)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/errors/403.jinja", {"message": message}, status=403)


def page(view: View) -> View:
    """Signed-in users only. ``NotFound`` becomes a 404 page, ``Forbidden`` a 403 page.

    "Not found" deliberately says nothing about whether the thing exists: an outsider must
    not learn that another area's agreement is there.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return not_found(request)
        except Forbidden as exc:
            return forbidden(request, str(exc))

    return login_required(wrapper)


def offer_form_only_to_role(request: HttpRequest, role: Role, doing: str) -> None:
    """A create form is shown only to those with the role its service requires (403 up front,
    with the service's own words), not filled in and refused on submit."""
    if request.method != "POST":
        require_role(request.user, role, doing)  # type: ignore[arg-type]


def offer_form_only_to_editors(request: HttpRequest, agreement: Agreement) -> None:
    """A form nobody could submit is not shown: the same refusal the service gives on POST."""
    if request.method != "POST":
        agreement_services.require_editor(actor(request), agreement)


def conflict_errors(conflict: Conflict) -> FormErrors:
    """Someone else saved first: said at the top of the page, linked to no field."""
    return FormErrors.from_failure(
        ValidationFailed.single(
            "",
            f"{conflict} Your changes are still in the form below: check the "
            f"{conflict.what} as it is now, then save again to replace it with yours.",
        ),
        {},
    )


def posted_version(request: HttpRequest) -> str | None:
    """The version of the record the person's form was filled from (a hidden field)."""
    return request.POST.get("version")


def form_page(
    request: HttpRequest,
    template: str,
    context: Callable[[Any, FormErrors], dict[str, Any]],
    *,
    initial: Callable[[], Mapping[str, Any]],
    labels: Mapping[str, str],
    save: Callable[[], Saved],
    done: Callable[[Saved], tuple[str, str]],
    version: Callable[[], int] | None = None,
) -> HttpResponse:
    """One form's whole round trip, the same for every form.

    GET shows the form filled with ``initial()``. POST calls ``save()`` (a service); on success
    it redirects to the URL ``done`` gives, with its message; when the service refuses, the
    form comes back (status 400) with every error and what the person typed.

    ``version``: the record's version, sent back in a hidden field so that the service can
    refuse a save based on an out-of-date form. When someone else saved first (409), the form
    comes back with what the person typed and the version now stored, so that saving again,
    after looking, replaces the other change knowingly.
    """
    if request.method == "POST":
        try:
            saved = save()
        except ValidationFailed as exc:
            errors = FormErrors.from_failure(exc, labels)
            page_context = {**context(request.POST, errors), "version": posted_version(request)}
            return render(request, template, page_context, status=400)
        except Conflict as exc:
            page_context = {
                **context(request.POST, conflict_errors(exc)),
                "version": exc.current_version,
            }
            return render(request, template, page_context, status=409)
        message, url = done(saved)
        messages.success(request, message)
        return redirect(url)
    page_context = {
        **context(form_values(initial()), FormErrors()),
        "version": version() if version is not None else None,
    }
    return render(request, template, page_context)
