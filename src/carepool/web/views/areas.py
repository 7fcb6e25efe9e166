"""Areas (Health and Wellbeing Board areas) and their population by broad age band."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.periods import FinancialYear
from carepool.organisations import selectors
from carepool.web.forms import FormErrors
from carepool.web.pages import page
from carepool.web.presenters import areas as areas_presenters
from carepool.web.presenters import common as common_presenters


@page
def area_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    return render(
        request, "web/areas/list.jinja", {"areas": selectors.areas(search), "search": search}
    )


def _default_year(area_code: str) -> FinancialYear:
    # The year of the newest estimate loaded; with none loaded, the year we are in.
    latest = areas_presenters.latest_estimate_year(area_code)
    return latest or FinancialYear.containing(common_presenters.today())


@page
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = selectors.get_area(code)
    years = areas_presenters.population_years(area.code)
    chosen = request.GET.get("year", "").strip()
    errors = FormErrors()
    population = None
    problem = ""
    year_text = chosen or _default_year(area.code).label
    status = 200
    try:
        year = parse.year(year_text)
    except ValidationFailed as exc:
        errors = FormErrors.from_failure(exc, {"year": "Financial year"})
        status = 400
    else:
        try:
            population = areas_presenters.population_view(area.code, year)
        except ValidationFailed as exc:  # no estimate loaded for the year: say so, plainly
            problem = " ".join(e.message for e in exc.errors)
    return render(
        request,
        "web/areas/detail.jinja",
        {
            "area": area,
            "kind_label": common_presenters.area_kind_label(area.kind),
            "years": years,
            "year_text": year_text,
            "population": population,
            "errors": errors,
            "problem": problem,
        },
        status=status,
    )
