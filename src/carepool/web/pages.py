"""What every page view shares: sign-in, refusals as 404/403 pages, the web actor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carepool.accounts.permissions import Forbidden, NotFound
from carepool.agreements import services as agreement_services
from carepool.agreements.models import Agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor

View = Callable[..., HttpResponse]


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


def offer_form_only_to_editors(request: HttpRequest, agreement: Agreement) -> None:
    """A form nobody could submit is not shown: the same refusal the service gives on POST."""
    if request.method != "POST":
        agreement_services.require_editor(actor(request), agreement)
