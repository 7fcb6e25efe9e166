"""Stored risk-share provisions carry their schema; old shapes are upgraded by a migration,
and one that still cannot be read is shown as such (never hidden, never a 500)."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.test import Client

from carepool.agreements import selectors
from carepool.agreements.models import Agreement
from carepool.core.risk_share import RISK_SHARE_SCHEMA
from tests.cli.helpers import carepool
from tests.factories import World

_migration = importlib.import_module("carepool.agreements.migrations.0004_risk_share_schema")

OLD_SHAPE = [
    {"kind": "Proportional", "applies_to": "Both", "basis": "Contributions"},
    {"kind": "capped_share", "applies_to": "overspend", "partner_code": "qwo", "cap": 250000},
]
CORRUPT = [
    {"kind": "proportional", "applies_to": "both"},
    {"kind": "capped_share", "applies_to": "sideways", "partner_code": "QWO"},
]


def test_new_agreements_are_stored_in_the_current_schema(world: World) -> None:
    assert world.agreement.risk_share_schema == RISK_SHARE_SCHEMA


def test_the_migration_upgrades_provisions_stored_in_the_old_shape(world: World) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(
        risk_share=OLD_SHAPE, risk_share_schema=0
    )
    _migration.upgrade(apps, None)
    world.agreement.refresh_from_db()
    assert world.agreement.risk_share_schema == RISK_SHARE_SCHEMA
    assert world.agreement.risk_share == [
        {"kind": "proportional", "applies_to": "both", "basis": "contributions"},
        {
            "kind": "capped_share",
            "applies_to": "overspend",
            "partner_code": "QWO",
            "cap": "250000.00",
        },
    ]
    assert not selectors.read_risk_share(world.agreement).unreadable
    # Agreements already in the current schema are left alone.
    before = world.kent_agreement.risk_share
    _migration.upgrade(apps, None)
    world.kent_agreement.refresh_from_db()
    assert world.kent_agreement.risk_share == before


def test_the_migration_keeps_what_it_cannot_read(world: World) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(risk_share=CORRUPT, risk_share_schema=0)
    _migration.upgrade(apps, None)
    world.agreement.refresh_from_db()
    # The readable provision is written in the canonical form; the other is kept as it was.
    assert world.agreement.risk_share == [
        {"kind": "proportional", "applies_to": "both", "basis": "contributions"},
        CORRUPT[1],
    ]
    assert world.agreement.risk_share_schema == RISK_SHARE_SCHEMA


def test_an_unreadable_provision_is_shown_on_the_agreement_page(
    world: World, client: Client
) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(risk_share=CORRUPT)
    client.force_login(world.finance)
    response = client.get(f"/agreements/{world.agreement.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Proportional share (pro rata)" in page  # the readable one is still shown
    assert "Provision that cannot be read" in page
    assert "Cannot be read: applies_to must be overspend, underspend or both" in page


def test_an_unreadable_provision_is_flagged_in_completeness_by_the_api(
    world: World, client: Client
) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(risk_share=CORRUPT)
    client.force_login(world.finance)
    response = client.get(f"/api/v1/agreements/{world.agreement.pk}")
    assert response.status_code == 200
    item = next(i for i in response.json()["completeness"]["items"] if i["key"] == "risk_share")
    assert item["status"] == "missing"
    assert item["detail"] == (
        "Provision 2 cannot be read: applies_to must be overspend, underspend or both"
    )
    assert response.json()["risk_share"] == CORRUPT
    completeness = client.get(f"/api/v1/agreements/{world.agreement.pk}/completeness")
    assert completeness.status_code == 200


def test_the_cli_shows_an_agreement_with_unreadable_provisions(world: World) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(risk_share=[*CORRUPT, "a note", {}])
    result = carepool("agreements", "show", str(world.agreement.pk), "--user", "finance")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())
    assert "cannot be read" in shown
    assert "Provision 2 cannot be read: applies_to must be overspend, underspend or both" in shown
