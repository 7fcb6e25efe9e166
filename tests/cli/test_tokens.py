"""``carepool tokens``: a user makes, lists and revokes their own API tokens."""

from __future__ import annotations

from django.test import Client

from carepool.accounts.models import ApiToken
from carepool.accounts.tokens import hash_token
from carepool.audit.models import AuditEvent
from tests.cli.helpers import as_json, carepool
from tests.factories import World


def make(user: str = "finance", name: str = "Monthly returns", *extra: object):
    return carepool("tokens", "create", "--user", user, "--name", name, *extra)


def test_create_prints_the_token_once_and_it_works(world: World) -> None:
    result = make("finance", "Monthly returns", "--days", "30", "--json")
    assert result.exit_code == 0, result.output
    data = as_json(result)
    token = ApiToken.objects.get(pk=data["id"])
    assert hash_token(data["token"]) == token.secret_hash
    assert data["starts_with"] == f"cp_{token.prefix}_" and data["token"].startswith(
        data["starts_with"]
    )
    assert (data["name"], data["status"]) == ("Monthly returns", "active")
    assert (token.expires_at - token.created_at).days == 30
    event = AuditEvent.objects.get(object_type="api_token")
    assert (event.interface, event.actor_name) == ("cli", "Finance")
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {data['token']}"})
    assert me.json()["username"] == "finance"


def test_create_for_people_prints_the_token_alone_on_a_line(world: World) -> None:
    result = make("viewer", "Dashboard", "--never-expires")
    assert result.exit_code == 0, result.output
    token = ApiToken.objects.get(user=world.viewer)
    assert token.expires_at is None
    lines = result.stdout.splitlines()
    assert "Made API token" in lines[0] and "expiring never" in lines[0]
    assert hash_token(lines[-1]) == token.secret_hash
    assert "not shown again" in result.stderr


def test_create_refusals(world: World) -> None:
    both = make("finance", "x", "--days", "3", "--never-expires", "--json")
    assert both.exit_code == 2
    assert as_json(both)["errors"][0]["field"] == "days"
    too_long = make("finance", "x", "--days", "400", "--json")
    assert too_long.exit_code == 2
    assert as_json(too_long)["errors"] == [
        {
            "field": "expires_in_days",
            "message": "must be a whole number of days from 1 to 366, or 'never'",
        }
    ]
    nobody = make("nobody", "x", "--json")
    assert nobody.exit_code == 3
    assert ApiToken.objects.count() == 0


def test_list_shows_only_your_own_tokens(world: World) -> None:
    make("finance", "Monthly returns")
    make("finance", "Nightly")
    make("viewer", "Dashboard")
    result = carepool("tokens", "list", "--user", "finance", "--json")
    assert result.exit_code == 0, result.output
    listed = as_json(result)["tokens"]
    assert [t["name"] for t in listed] == ["Nightly", "Monthly returns"]
    assert all("token" not in t and "secret_hash" not in t for t in listed)
    table = carepool("tokens", "list", "--user", "finance")
    assert "2 API tokens of finance" in table.stdout
    assert "Dashboard" not in table.stdout


def test_revoke_your_own_token(world: World) -> None:
    data = as_json(make("finance", "Monthly returns", "--json"))
    result = carepool("tokens", "revoke", "--user", "finance", data["id"], "--json")
    assert result.exit_code == 0, result.output
    assert as_json(result)["status"] == "revoked"
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {data['token']}"})
    assert me.status_code == 401
    again = carepool("tokens", "revoke", "--user", "finance", data["id"])
    assert again.exit_code == 2
    assert "already revoked" in again.stderr


def test_revoking_someone_elses_token_is_not_found(world: World) -> None:
    data = as_json(make("finance", "Monthly returns", "--json"))
    events = AuditEvent.objects.count()
    for other in ("viewer", "outsider", "assurer"):
        result = carepool("tokens", "revoke", "--user", other, data["id"], "--json")
        assert result.exit_code == 4
        assert as_json(result)["errors"] == [
            {"field": "token_id", "message": "There is no such token among yours"}
        ]
    assert ApiToken.objects.get(pk=data["id"]).revoked_at is None
    assert AuditEvent.objects.count() == events
