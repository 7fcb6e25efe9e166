"""The signed-in user's start page: the agreements they can see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carepool.agreements.selectors import visible_agreements
from carepool.web import presenters
from carepool.web.pages import page


@page
def home(request: HttpRequest) -> HttpResponse:
    agreements = visible_agreements(request.user).order_by("area__name", "title")  # type: ignore[arg-type]
    return render(
        request,
        "web/home.jinja",
        {
            "agreements": agreements,
            "arrangement_label": presenters.arrangement_label,
            "long_date": presenters.long_date,
            "may_create": presenters.may_create(request.user),  # type: ignore[arg-type]
        },
    )
