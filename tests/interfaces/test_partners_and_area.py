"""A partner from another area is flagged, not refused; moving an agreement asks to confirm."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from carepool.agreements import services
from carepool.agreements.models import Agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.web.presenters.agreements import agreement_form_values
from tests.api.helpers import API, basic_header
from tests.cli.helpers import as_json, carepool
from tests.factories import World

KENT_COUNCIL_WARNING = (
    "Kent County Council (E10000016) is a council for another area than Leeds (E08000035)"
)


def test_a_council_from_another_area_is_flagged_not_refused(client: Client, world: World) -> None:
    services.update_agreement(
        Actor(world.finance, Interface.WEB),
        world.agreement.pk,
        {"partners": ["E08000035", "QWO", "LEEDS-VCS", "E10000016"]},
    )
    headers = {"Authorization": basic_header("finance")}
    detail = client.get(f"{API}/agreements/{world.agreement.pk}", headers=headers).json()
    assert [w[: len(KENT_COUNCIL_WARNING)] for w in detail["warnings"]] == [KENT_COUNCIL_WARNING]
    client.force_login(world.finance)
    page = client.get(f"/agreements/{world.agreement.pk}/").content.decode()
    assert "Check the partners" in page and "is a council for another area than Leeds" in page
    shown = as_json(
        carepool("agreements", "show", world.agreement.pk, "--user", "finance", "--json")
    )
    assert shown["warnings"] == detail["warnings"]
    # Its own area's council, and partners whose geography Carepool cannot know, are not flagged.
    assert not any("Leeds City Council" in w or "QWO" in w for w in detail["warnings"])


def _api_move(client: Client, world: World, confirm: bool) -> tuple[int, str]:
    body: dict[str, Any] = {"area": "E10000016"}
    if confirm:
        body["confirm_area_change"] = True
    response = client.patch(
        f"{API}/agreements/{world.agreement.pk}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": basic_header("finance")},
    )
    return response.status_code, response.content.decode()


def _web_move(client: Client, world: World, confirm: bool) -> tuple[int, str]:
    client.force_login(world.finance)
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    data = {**agreement_form_values(agreement), "area": "E10000016", "version": agreement.version}
    data.pop("risk_share", None)
    if confirm:
        data["confirm_area_change"] = "yes"
    response = client.post(f"/agreements/{world.agreement.pk}/edit/", data)
    return response.status_code, response.content.decode()


def _cli_move(client: Client, world: World, confirm: bool) -> tuple[int, str]:
    args = [
        "agreements",
        "update",
        world.agreement.pk,
        "--user",
        "finance",
        "--set",
        "area=E10000016",
    ]
    result = carepool(*args, *(["--move-area"] if confirm else []))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("move", "refused", "done"),
    [(_api_move, 422, 200), (_web_move, 400, 302), (_cli_move, 2, 0)],
    ids=["api", "web", "cli"],
)
def test_moving_an_agreement_to_another_area_needs_confirming(
    client: Client, world: World, move: Callable[..., tuple[int, str]], refused: int, done: int
) -> None:
    status, said = move(client, world, confirm=False)
    assert status == refused, said
    assert "Moving this agreement from Leeds to Kent" in said.replace("&#39;", "'")
    assert Agreement.objects.get(pk=world.agreement.pk).area.code == "E08000035"
    if move is _web_move:
        assert 'name="confirm_area_change"' in said  # the tick-box is offered with the question
    status, said = move(client, world, confirm=True)
    assert status == done, said
    assert Agreement.objects.get(pk=world.agreement.pk).area.code == "E10000016"


def test_the_service_names_the_area_field_when_a_move_is_not_confirmed(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.update_agreement(
            Actor(world.finance, Interface.WEB), world.agreement.pk, {"area": "E10000016"}
        )
    assert exc.value.errors[0].field == "area"
