"""The signed-in user's start page: the agreements they can see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carepool.accounts.models import Role
from carepool.agreements.selectors import invitations_for, visible_agreements
from carepool.agreements.summaries import pooled_by_year, summarise_agreements
from carepool.plans import selectors as plan_selectors
from carepool.web.pages import page
from carepool.web.presenters import agreements as agreements_presenters
from carepool.web.presenters import common as common_presenters


@page
def home(request: HttpRequest) -> HttpResponse:
    every = summarise_agreements(
        visible_agreements(request.user).order_by("area__name", "title")  # type: ignore[arg-type]
    )
    return render(
        request,
        "web/home.jinja",
        {
            "agreements": agreements_presenters.agreement_rows(every),
            "pooled_by_year": pooled_by_year(every),
            "invitations": list(invitations_for(request.user)),  # type: ignore[arg-type]
            "may_answer": request.user.has_role(Role.SIGNATORY),  # type: ignore[union-attr]
            "when": common_presenters.when,
            "arrangement_label": common_presenters.arrangement_label,
            "long_date": common_presenters.long_date,
            "may_create": common_presenters.may_create(request.user),  # type: ignore[arg-type]
            "may_see_national": plan_selectors.may_see_national(request.user),  # type: ignore[arg-type]
        },
    )
