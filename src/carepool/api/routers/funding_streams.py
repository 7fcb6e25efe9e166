"""The year's rules: which funding streams exist and who may pay into them."""

from django.http import HttpRequest
from ninja import Router

from carepool.agreements.records import funding_streams
from carepool.api.responses import responses
from carepool.api.schemas import FundingStreamsOut
from carepool.core import parse
from carepool.core.rules import Programme, load_rules

router = Router(tags=["rules"])


@router.get(
    "/funding-streams",
    response=responses({200: FundingStreamsOut}, (401, 422)),
    summary="Funding streams of a year",
)
def list_funding_streams(request: HttpRequest, year: str, programme: str = "bcf") -> dict:
    """The funding streams a contribution may be recorded against in a financial year, for a
    programme (``bcf`` unless given). A year after the latest published uses that year's
    rules, with ``provisional`` true and a ``note`` to show beside figures relying on them."""
    return funding_streams(
        load_rules().for_year(parse.year(year), parse.choice(programme, Programme, "programme"))
    )
