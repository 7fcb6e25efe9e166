"""Migration 0005 moves each old ``Approval`` onto the sign-off mechanism, naming the
agreement's version and content hash as they stood; 0006 then drops the old table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from carepool.agreements import selectors, services, signing
from carepool.agreements.models import Agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.signoff.models import SignOff
from tests.factories import World

pytestmark = pytest.mark.usefixtures("flushable_audit")

BEFORE = [("agreements", "0004_risk_share_schema")]
APPROVED_AT = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def _latest() -> list[tuple[str, str]]:
    """Every app's latest migration, not agreements 0006: going back to 0004 also unapplied
    what came later (0007's column, the ledger's tables and triggers, which depend on it), and
    later tests and the trigger-restoring fixtures need them back."""
    return MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_approvals_become_standing_partner_sign_offs_of_the_current_version() -> None:
    world = World()
    # Content beyond the bare terms, so the hash covers variations and risk share too.
    services.vary_contribution(
        Actor(world.finance, Interface.WEB),
        world.ibcf.pk,
        {"effective_date": "2024-10-01", "change": "-1.50", "reason": "Reprofiled — £ and ü"},
    )
    services.add_risk_share_provision(
        Actor(world.finance, Interface.WEB), world.agreement.pk, {"kind": "carry_forward"}
    )
    agreement = Agreement.objects.select_related("area", "host").get(pk=world.agreement.pk)
    expected_hash = signing.content_hash(agreement)
    old_apps = migrate(BEFORE)
    try:
        approval = old_apps.get_model("agreements", "Approval")
        for person in (world.signatory, world.icb_signatory):
            made = approval.objects.create(
                agreement_id=agreement.pk,
                organisation_id=person.organisation_id,
                approved_by_id=person.pk,
            )
            approval.objects.filter(pk=made.pk).update(approved_at=APPROVED_AT)
    finally:
        migrate(_latest())

    rows = list(SignOff.objects.order_by("pk"))
    assert [(r.organisation_id, r.signed_by_id) for r in rows] == [
        (world.signatory.organisation_id, world.signatory.pk),
        (world.icb_signatory.organisation_id, world.icb_signatory.pk),
    ]
    for row in rows:
        assert (row.subject_kind, row.subject_id, row.agreement_id) == (
            "agreement",
            agreement.pk,
            agreement.pk,
        )
        assert (row.stage, row.outcome, row.withdrawn_at) == ("partner", "approved", None)
        assert row.version == agreement.version
        # The frozen copy of the hash in the migration agrees with the application's.
        assert row.content_hash == expected_hash
        assert row.signed_at == APPROVED_AT
    # So they stand as approvals of the agreement as it is.
    assert selectors.approvals_of(agreement).count() == 2
    assert not selectors.may_approve(world.signatory, agreement)
    assert selectors.may_approve(_vcs_signatory(world), agreement)
    assert "agreements_approval" not in connection.introspection.table_names()


def test_backwards_the_standing_approvals_come_back() -> None:
    world = World()
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    services.approve_agreement(
        Actor(world.signatory, Interface.WEB), agreement.pk, agreement.version
    )
    old_apps = migrate(BEFORE)
    try:
        approval = old_apps.get_model("agreements", "Approval")
        assert list(approval.objects.values_list("agreement_id", "approved_by_id")) == [
            (agreement.pk, world.signatory.pk)
        ]
        assert not SignOff.objects.exists()
    finally:
        migrate(_latest())
    assert SignOff.objects.get().version == agreement.version


def _vcs_signatory(world: World):
    from carepool.accounts.models import Role
    from tests.factories import user

    return user("vcs_signatory", world.vcs, Role.SIGNATORY)
