"""The API tokens page: a person lists, makes and revokes their own tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from carepool.accounts.models import ApiToken
from carepool.accounts.tokens import create_token, hash_token
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from tests.factories import World
from tests.web.helpers import assert_refused, text

PAGE = "/account/tokens/"


def test_the_page_needs_a_signed_in_person(client: Client, world: World) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


def test_the_page_lists_only_your_own_tokens(login, world: World) -> None:
    create_token(Actor(world.finance, Interface.WEB), {"name": "Monthly returns"})
    create_token(Actor(world.viewer, Interface.WEB), {"name": "Viewer's dashboard"})
    page = text(login("finance").get(PAGE))
    assert "Monthly returns" in page
    assert "Viewer's dashboard" not in page
    assert 'href="/account/tokens/"' in page  # in the header, beside Log out


def test_a_new_token_is_shown_once(login, world: World) -> None:
    client = login("finance")
    response = client.post(PAGE, {"name": "Monthly returns", "expires_in_days": "30"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    token = ApiToken.objects.get(user=world.finance)
    page = text(response)
    secret = page.split('id="new-token"')[1].split('value="')[1].split('"')[0]
    assert hash_token(secret) == token.secret_hash
    assert "Copy your new token now" in page
    assert (token.expires_at - token.created_at).days == 30

    again = text(client.get(PAGE))
    assert secret not in again
    assert f"cp_{token.prefix}_" in again  # how to tell it apart from now on
    event = AuditEvent.objects.get(object_type="api_token")
    assert (event.interface, event.actor_name) == ("web", "Finance")


def test_a_refused_token_shows_the_form_again(login, world: World) -> None:
    client = login("finance")
    response = client.post(PAGE, {"name": "", "expires_in_days": "90"})
    assert_refused(response, "name", "Name is required")
    response = client.post(PAGE, {"name": "Returns", "expires_in_days": "9999"})
    page = assert_refused(response, "expires_in_days", "must be a whole number of days")
    assert 'value="Returns"' in page  # what they typed is kept
    assert ApiToken.objects.count() == 0


def test_revoking_your_own_token(login, world: World) -> None:
    issued = create_token(Actor(world.finance, Interface.WEB), {"name": "Monthly returns"})
    client = login("finance")
    response = client.post(f"{PAGE}{issued.token.pk}/revoke/")
    assert response.status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    page = text(client.get(PAGE))
    assert "API token 'Monthly returns' revoked" in page
    assert "Revoked" in page
    assert f'action="/account/tokens/{issued.token.pk}/revoke/"' not in page

    twice = client.post(f"{PAGE}{issued.token.pk}/revoke/")
    assert twice.status_code == 400
    assert "was already revoked" in text(twice)


@pytest.mark.parametrize("who", ["viewer", "outsider", "assurer"])
def test_nobody_else_can_revoke_your_token(login, world: World, who: str) -> None:
    issued = create_token(Actor(world.finance, Interface.WEB), {"name": "Monthly returns"})
    events = AuditEvent.objects.count()
    response = login(who).post(f"{PAGE}{issued.token.pk}/revoke/")
    assert response.status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    assert AuditEvent.objects.count() == events


def test_revoking_needs_a_post(login, world: World) -> None:
    issued = create_token(Actor(world.finance, Interface.WEB), {"name": "Monthly returns"})
    assert login("finance").get(f"{PAGE}{issued.token.pk}/revoke/").status_code == 405
