"""The same rules through the web, the API and the CLI: one table-driven test per rule.

The rules themselves are proved in tests/services/test_partners_and_versions.py; here each
interface shows them in its own way (409 and a page, 409 and JSON, exit code 5).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from carepool.agreements import services
from carepool.agreements.models import Agreement
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from tests.api.helpers import API, basic_header
from tests.cli.helpers import as_json, carepool
from tests.factories import World, agreement_data


def _someone_else_changes(world: World) -> None:
    services.update_agreement(
        Actor(world.finance, Interface.WEB), world.agreement.pk, {"aims": "Their aims"}
    )


def _api_patch(client: Client, world: World, version: int) -> tuple[int, str]:
    response = client.patch(
        f"{API}/agreements/{world.agreement.pk}",
        json.dumps({"title": "Mine"}),
        content_type="application/json",
        headers={"Authorization": basic_header("finance"), "If-Match": f'"{version}"'},
    )
    return response.status_code, response.json()["detail"]


def _web_edit(client: Client, world: World, version: int) -> tuple[int, str]:
    client.force_login(world.finance)
    form = client.get(f"/agreements/{world.agreement.pk}/edit/")
    current = Agreement.objects.get(pk=world.agreement.pk).version
    assert f'name="version" value="{current}"' in form.content.decode()
    data = {**agreement_data(title="Mine"), "version": str(version)}
    data["outcomes"] = "\n".join(data["outcomes"])
    response = client.post(f"/agreements/{world.agreement.pk}/edit/", data)
    page = html.unescape(response.content.decode())
    assert 'name="version" value="' in page
    return response.status_code, page


def _cli_update(client: Client, world: World, version: int) -> tuple[int, str]:
    result = carepool(
        "agreements",
        "update",
        world.agreement.pk,
        "--user",
        "finance",
        "--set",
        "title=Mine",
        "--expect-version",
        version,
        "--json",
    )
    return result.exit_code, as_json(result)["errors"][0]["message"]


@pytest.mark.parametrize(
    ("write", "refused"),
    [(_api_patch, 409), (_web_edit, 409), (_cli_update, 5)],
    ids=["api", "web", "cli"],
)
def test_a_stale_write_is_refused_and_saves_nothing(
    client: Client, world: World, write: Callable[..., tuple[int, str]], refused: int
) -> None:
    read = Agreement.objects.get(pk=world.agreement.pk).version
    _someone_else_changes(world)
    events = AuditEvent.objects.count()
    status, said = write(client, world, read)
    assert status == refused
    assert "Someone else changed this agreement after you opened it" in said
    assert "Nothing was saved" in said
    stored = Agreement.objects.get(pk=world.agreement.pk)
    assert (stored.title, stored.aims) == (world.agreement.title, "Their aims")
    assert AuditEvent.objects.count() == events


def test_the_api_tags_what_it_returns_with_the_version(client: Client, world: World) -> None:
    headers = {"Authorization": basic_header("finance")}
    got = client.get(f"{API}/agreements/{world.agreement.pk}", headers=headers)
    version = got.json()["version"]
    assert got.headers["ETag"] == f'"{version}"'
    changed = client.patch(
        f"{API}/agreements/{world.agreement.pk}",
        json.dumps({"title": "Mine"}),
        content_type="application/json",
        headers={**headers, "If-Match": got.headers["ETag"]},
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] == f'"{version + 1}"'
    bad = client.patch(
        f"{API}/agreements/{world.agreement.pk}",
        json.dumps({"title": "Other"}),
        content_type="application/json",
        headers={**headers, "If-Match": "yesterday's"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "If-Match"


# -- invitations --------------------------------------------------------------------------


@pytest.fixture
def invited(world: World) -> World:
    services.update_agreement(
        Actor(world.finance, Interface.WEB),
        world.agreement.pk,
        {"partners": ["E08000035", "QWO", "LEEDS-VCS", "E10000016"]},
    )
    return world


def _api_reads(client: Client, pk: int) -> tuple[bool, list[int]]:
    headers = {"Authorization": basic_header("outsider")}
    seen = client.get(f"{API}/agreements/{pk}", headers=headers).status_code == 200
    invitations = client.get(f"{API}/invitations", headers=headers).json()
    return seen, [i["agreement_id"] for i in invitations]


def _api_accepts(client: Client, pk: int) -> None:
    headers = {"Authorization": basic_header("outsider")}
    response = client.post(f"{API}/invitations/{pk}/accept", headers=headers)
    assert response.status_code == 200, response.content
    assert {"code": "E10000016", "status": "accepted"}.items() <= next(
        p for p in response.json()["partners"] if p["code"] == "E10000016"
    ).items()


def _web_reads(client: Client, pk: int) -> tuple[bool, list[int]]:
    client.force_login(_outsider())
    seen = client.get(f"/agreements/{pk}/").status_code == 200
    home = client.get("/").content.decode()
    return seen, [pk] if f"/invitations/{pk}/accept/" in home else []


def _web_accepts(client: Client, pk: int) -> None:
    client.force_login(_outsider())
    response = client.post(f"/invitations/{pk}/accept/")
    assert response.status_code == 302 and response.url == f"/agreements/{pk}/"


def _cli_reads(client: Client, pk: int) -> tuple[bool, list[int]]:
    seen = carepool("agreements", "show", pk, "--user", "outsider", "--json").exit_code == 0
    listed = as_json(carepool("invitations", "list", "--user", "outsider", "--json"))
    return seen, [i["agreement_id"] for i in listed["invitations"]]


def _cli_accepts(client: Client, pk: int) -> None:
    result = carepool("invitations", "accept", pk, "--user", "outsider")
    assert result.exit_code == 0, result.output
    assert "Kent County Council joined agreement" in result.stdout


def _outsider() -> Any:
    from carepool.accounts.models import User

    return User.objects.get(username="outsider")


@pytest.mark.parametrize(
    ("reads", "accepts"),
    [(_api_reads, _api_accepts), (_web_reads, _web_accepts), (_cli_reads, _cli_accepts)],
    ids=["api", "web", "cli"],
)
def test_an_invited_partner_sees_the_invitation_until_it_accepts(
    client: Client, invited: World, reads: Callable[..., Any], accepts: Callable[..., Any]
) -> None:
    pk = invited.agreement.pk
    assert reads(client, pk) == (False, [pk])
    accepts(client, pk)
    assert reads(client, pk) == (True, [])
