"""Invitations to join an agreement: accepted or declined by a signatory of the invited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from carepool.agreements import selectors, services
from carepool.core.errors import ValidationFailed
from carepool.web.pages import actor, page


@require_POST
@page
def invitation_accept(request: HttpRequest, agreement_id: int) -> HttpResponse:
    invitation = services.accept_invitation(actor(request), agreement_id)
    messages.success(
        request, f"{invitation.organisation.name} joined the agreement '{invitation.agreement}'"
    )
    return redirect("web:agreement", agreement_id)


@require_POST
@page
def invitation_decline(request: HttpRequest, agreement_id: int) -> HttpResponse:
    invitation = selectors.get_invitation(request.user, agreement_id)  # type: ignore[arg-type]
    title = invitation.agreement.title
    try:
        services.decline_invitation(actor(request), agreement_id)
    except ValidationFailed as exc:
        for error in exc.errors:
            messages.error(request, error.message)
    else:
        messages.success(request, f"You declined to join the agreement '{title}'")
    return redirect("web:home")
