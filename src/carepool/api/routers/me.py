"""The signed-in user."""

from django.http import HttpRequest
from ninja import Router

from carepool.api import presenters
from carepool.api.context import user_of
from carepool.api.responses import responses
from carepool.api.schemas import MeOut

router = Router(tags=["me"])


@router.get("/me", response=responses({200: MeOut}, (401,)), summary="Who am I")
def get_me(request: HttpRequest) -> dict:
    """The user making the request, their organisation and their roles."""
    return presenters.me(user_of(request))
