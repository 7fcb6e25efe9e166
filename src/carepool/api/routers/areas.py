"""Areas (Health and Wellbeing Board areas) and their populations."""

from django.http import HttpRequest
from ninja import Router

from carepool.api.pagination import Records, paginated
from carepool.api.responses import responses
from carepool.api.schemas import AreaOut, PopulationOut
from carepool.core import parse
from carepool.organisations import records, selectors

router = Router(tags=["areas"])


@router.get("/areas", response=responses({200: list[AreaOut]}, (401, 422)), summary="List areas")
@paginated
def list_areas(request: HttpRequest, q: str = "") -> Records[dict]:
    """Every area, by name. ``q`` searches names and matches codes. A page at a time (``page``,
    ``page_size``)."""
    return Records(selectors.areas(q), records.area)


@router.get("/areas/{code}", response=responses({200: AreaOut}, (401, 404)), summary="Get an area")
def get_area(request: HttpRequest, code: str) -> dict:
    """One area by its GSS code, like E08000035."""
    return records.area(selectors.get_area(code))


@router.get(
    "/areas/{code}/population",
    response=responses({200: PopulationOut}, (401, 404, 422)),
    summary="Population of an area",
)
def area_population(
    request: HttpRequest, code: str, year: str, min_age: int = 0, max_age: int | None = None
) -> dict:
    """Persons in an age band in a financial year, from the ONS mid-year estimates.

    ``year`` like 2024-25; ``min_age`` and ``max_age`` inclusive (leave ``max_age`` out for
    "and over"). The note says which estimate was used.
    """
    area = selectors.get_area(code)
    answer = selectors.population(area.code, parse.year(year), min_age, max_age)
    return records.population(answer, area)
