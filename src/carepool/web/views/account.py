"""The signed-in person's own API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from carepool.accounts import records, tokens
from carepool.core.errors import ValidationFailed
from carepool.web.forms import FormErrors, form_values, service_input
from carepool.web.pages import actor, page
from carepool.web.presenters import common as common_presenters

LABELS = {"name": "Name", "expires_in_days": "Expires after"}
FIELDS = ("name", "expires_in_days")
EXPIRY_CHOICES = [
    {"value": "30", "text": "30 days"},
    {"value": "90", "text": "90 days"},
    {"value": "365", "text": "1 year"},
    {"value": tokens.NEVER, "text": "Never (not recommended)"},
]
STATUS_TAGS = {
    tokens.Status.ACTIVE: ("Active", "green"),
    tokens.Status.EXPIRED: ("Expired", "grey"),
    tokens.Status.REVOKED: ("Revoked", "red"),
}


def _rows(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for token in tokens.tokens_of(request.user):  # type: ignore[arg-type]
        record = records.api_token(token)
        text, colour = STATUS_TAGS[record["status"]]
        rows.append(
            {
                **record,
                "created": common_presenters.when(token.created_at),
                "last_used": common_presenters.when(token.last_used_at)
                if token.last_used_at
                else "Never",
                "expires": common_presenters.when(token.expires_at)
                if token.expires_at
                else "Never",
                "status_text": text,
                "status_colour": colour,
                "may_revoke": record["status"] == tokens.Status.ACTIVE,
            }
        )
    return rows


def _page(
    request: HttpRequest,
    *,
    values: Any,
    errors: FormErrors | None = None,
    issued: tokens.IssuedToken | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/account/tokens.jinja",
        {
            "tokens": _rows(request),
            "values": values,
            "errors": errors or FormErrors(),
            "issued": issued,
            "expiry_choices": EXPIRY_CHOICES,
        },
        status=status,
    )


@page
@never_cache  # the page can hold a new token: never keep it in a cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """GET lists the tokens with the form; POST makes one and shows it, once, on this page.

    No redirect after a successful POST: the new token must not be kept anywhere (session,
    message cookie) to be shown on the next page.
    """
    initial = form_values({"expires_in_days": str(tokens.DEFAULT_EXPIRY_DAYS)})
    if request.method != "POST":
        return _page(request, values=initial)
    try:
        issued = tokens.create_token(actor(request), service_input(request.POST, FIELDS))
    except ValidationFailed as exc:
        errors = FormErrors.from_failure(exc, LABELS)
        return _page(request, values=request.POST, errors=errors, status=400)
    return _page(request, values=initial, issued=issued)


@page
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = tokens.revoke_token(actor(request), token_id)
    except ValidationFailed as exc:
        errors = FormErrors.from_failure(exc, LABELS)
        return _page(
            request,
            values=form_values({"expires_in_days": str(tokens.DEFAULT_EXPIRY_DAYS)}),
            errors=errors,
            status=400,
        )
    messages.success(
        request, f"API token '{token.name}' revoked: scripts using it can no longer sign in"
    )
    return redirect("web:api_tokens")
