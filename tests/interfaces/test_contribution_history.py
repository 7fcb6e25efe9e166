import json

import pytest
from typer.testing import CliRunner

from carepool.accounts.permissions import NotFound
from carepool.agreements import selectors, services
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli.app import app


def test_history_of_one_contribution_and_its_variations(world, client):
    finance = Actor(world.finance, Interface.WEB)
    services.vary_contribution(
        finance,
        world.ibcf.pk,
        {"effective_date": "2024-10-01", "change": "100", "reason": "Uplift"},
    )
    services.vary_contribution(
        finance,
        world.nhs_min.pk,
        {"effective_date": "2024-10-01", "change": "5", "reason": "Other contribution"},
    )
    events = list(selectors.contribution_history(world.auditor, world.ibcf.pk))
    assert [(e.object_type, e.action) for e in events] == [
        ("contribution_variation", "create"),
        ("contribution", "create"),
    ]
    with pytest.raises(NotFound):
        selectors.contribution_history(world.outsider, world.ibcf.pk)

    client.force_login(world.viewer)
    body = client.get(f"/api/v1/contributions/{world.ibcf.pk}/history").json()["items"]
    assert [e["object_type"] for e in body] == ["contribution_variation", "contribution"]
    client.force_login(world.outsider)
    assert client.get(f"/api/v1/contributions/{world.ibcf.pk}/history").status_code == 404

    result = CliRunner().invoke(
        app, ["contributions", "history", str(world.ibcf.pk), "--user", "auditor", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["events"]) == 2
    result = CliRunner().invoke(
        app, ["contributions", "history", str(world.ibcf.pk), "--user", "outsider"]
    )
    assert result.exit_code == 4
    assert "Leeds" not in result.output
