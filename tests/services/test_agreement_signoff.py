"""Agreements' approvals are sign-offs: each names the version and content hash it approved,
and a change withdraws them without losing them (docs/adr/0017)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from carepool.agreements import selectors, services, signing
from carepool.agreements.models import Agreement
from carepool.agreements.services import AGREEMENT_FIELDS
from carepool.agreements.summaries import Status, summarise_agreements
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.readable import readable
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.signoff.models import SignOff
from tests.factories import World, approve, standing_approvals


def web(person: Any) -> Actor:
    return Actor(person, Interface.WEB)


def fresh(world: World) -> Agreement:
    return Agreement.objects.select_related("area", "host").get(pk=world.agreement.pk)


def refused(call: Any, fragment: str) -> ValidationFailed:
    before = (list(SignOff.objects.values()), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as raised, transaction.atomic():
        call()
    assert (list(SignOff.objects.values()), AuditEvent.objects.count()) == before
    assert any(fragment in e.message for e in raised.value.errors), raised.value.errors
    return raised.value


def test_an_approval_names_the_version_and_content_it_approved(world: World) -> None:
    agreement = fresh(world)
    row = approve(world.signatory, agreement.pk)
    assert (row.subject_kind, row.subject_id, row.stage) == ("agreement", agreement.pk, "partner")
    assert row.version == agreement.version
    assert row.content_hash == signing.content_hash(agreement)
    assert len(row.content_hash) == 64
    assert [a.pk for a in selectors.approvals_of(agreement)] == [row.pk]
    event = AuditEvent.objects.get(action="approve")
    assert event.object_type == "sign_off"
    assert event.summary == (
        f"Leeds City Council approved version {agreement.version} of the agreement"
    )
    assert event.changes["content_hash"] == [None, row.content_hash]


def test_approving_a_superseded_version_is_refused_with_the_core_message(world: World) -> None:
    read = fresh(world).version
    services.update_agreement(web(world.finance), world.agreement.pk, {"aims": "Changed"})
    error = refused(
        lambda: services.approve_agreement(web(world.signatory), world.agreement.pk, read),
        f"Version {read} of the agreement has been superseded by version {read + 1}; "
        f"read version {read + 1} and approve that",
    )
    assert error.errors[0].field == "version"


def test_approving_content_other_than_what_stands_is_refused(world: World) -> None:
    agreement = fresh(world)
    refused(
        lambda: services.approve_agreement(
            web(world.signatory), agreement.pk, agreement.version, "0" * 64
        ),
        "The agreement changed after you read it",
    )
    row = services.approve_agreement(
        web(world.signatory), agreement.pk, agreement.version, signing.content_hash(agreement)
    )
    assert row.content_hash == signing.content_hash(agreement)


def test_an_approval_must_say_which_version_was_read(world: World) -> None:
    for missing in (None, "", "  "):
        refused(
            lambda missing=missing: services.approve_agreement(
                web(world.signatory), world.agreement.pk, missing
            ),
            "Say which version of the agreement you read",
        )


def test_a_change_withdraws_approvals_and_keeps_them_naming_their_version(world: World) -> None:
    approved = fresh(world)
    approved_hash = signing.content_hash(approved)
    approve(world.signatory, approved.pk)
    approve(world.icb_signatory, approved.pk)
    services.vary_contribution(
        web(world.finance),
        world.ibcf.pk,
        {"effective_date": "2024-10-01", "change": "10", "reason": "Uplift"},
    )
    rows = list(SignOff.objects.filter(subject_kind="agreement", subject_id=approved.pk))
    assert len(rows) == 2
    for row in rows:
        assert row.withdrawn_at is not None
        assert row.withdrawn_because == "a contribution was varied"
        assert row.version == approved.version
        assert row.content_hash == approved_hash != signing.content_hash(fresh(world))
    assert not selectors.approvals_of(fresh(world)).exists()
    assert [r.pk for r in selectors.earlier_approvals_of(fresh(world))] == [
        r.pk for r in reversed(rows)
    ]
    # The history reads well: who approved which version, and why it was withdrawn.
    summaries = [e.summary for e in readable(selectors.history(world.finance, approved.pk))]
    assert (
        f"Sign-off of version {approved.version} withdrawn because a contribution was varied"
        in (summaries)
    )
    assert f"Leeds City Council approved version {approved.version} of the agreement" in summaries
    # Approving again is of the new version.
    again = approve(world.signatory, approved.pk)
    assert again.version == approved.version + 1


@pytest.mark.parametrize(
    ("change", "because"),
    [
        ("terms", "the agreement's terms changed"),
        ("risk share", "the agreement's terms changed"),
        ("partners", "the agreement's terms changed"),
        ("add contribution", "a contribution was added"),
        ("instalments", "a contribution's instalments changed"),
        ("remove contribution", "a contribution was removed"),
    ],
)
def test_every_kind_of_change_changes_the_hash_and_withdraws(
    world: World, change: str, because: str
) -> None:
    finance, pk = web(world.finance), world.agreement.pk
    before = signing.content_hash(fresh(world))
    approve(world.signatory, pk)
    {
        "terms": lambda: services.update_agreement(finance, pk, {"aims": "Other aims"}),
        "risk share": lambda: services.add_risk_share_provision(
            finance, pk, {"kind": "carry_forward"}
        ),
        "partners": lambda: services.update_agreement(
            finance, pk, {"partners": ["E08000035", "QWO"]}
        ),
        "add contribution": lambda: services.add_contribution(
            finance,
            pk,
            {
                "year": "2025-26",
                "partner": "E08000035",
                "funding_stream": "additional_la",
                "mandated": False,
                "amount": "100",
                "frequency": "annual",
            },
        ),
        "instalments": lambda: services.update_contribution(
            finance, world.ibcf.pk, {"frequency": "monthly"}
        ),
        "remove contribution": lambda: services.delete_contribution(finance, world.ibcf.pk),
    }[change]()
    assert signing.content_hash(fresh(world)) != before
    assert standing_approvals(pk) == 0
    assert SignOff.objects.get(subject_id=pk).withdrawn_because == because


def test_accepting_an_invitation_changes_no_content_so_approvals_stand(world: World) -> None:
    pk = world.agreement.pk
    services.update_agreement(
        web(world.finance), pk, {"partners": ["E08000035", "QWO", "LEEDS-VCS", "E10000016"]}
    )
    approve(world.signatory, pk)
    before = signing.content_hash(fresh(world))
    services.accept_invitation(web(world.outsider), pk)
    assert signing.content_hash(fresh(world)) == before
    assert selectors.approvals_of(fresh(world)).count() == 1


def test_the_hash_ignores_what_partners_do_not_approve(world: World) -> None:
    agreement = fresh(world)
    before = signing.content_hash(agreement)
    approve(world.signatory, agreement.pk)
    Agreement.objects.filter(pk=agreement.pk).update(updated_at=agreement.created_at)
    assert signing.content_hash(fresh(world)) == before


def test_the_hash_covers_every_term_of_an_agreement() -> None:
    covered = {
        "title",
        "area",
        "programme",
        "arrangement_type",
        "partners",
        "host",
        "auditors",
        "start_date",
        "end_date",
        "break_clause_date",
        *signing.TERM_FIELDS,
        # as the model's overspend_threshold_pence and _percent, hashed when set
        "overspend_threshold",
        "overspend_threshold_percent",
    }
    # A new term must be added to the hashed content (with a new CONTENT_SCHEME) on purpose.
    assert set(AGREEMENT_FIELDS) == covered


def test_the_overspend_thresholds_are_hashed_only_when_set(world: World) -> None:
    agreement = world.agreement
    before = signing.content_hash(agreement)
    assert (
        "overspend_threshold" not in signing.canonical(signing.content_document(agreement)).decode()
    )
    services.update_agreement(
        web(world.finance), agreement.pk, {"overspend_threshold_percent": "2.5"}
    )
    agreement.refresh_from_db()
    document = signing.content_document(agreement)
    assert document["terms"]["overspend_threshold_percent"] == "2.50"
    assert signing.content_hash(agreement) != before


def test_the_list_counts_only_approvals_of_the_current_version(world: World) -> None:
    pk = world.agreement.pk
    for person in (world.signatory, world.icb_signatory):
        approve(person, pk)
    vcs_signatory = _signatory_of(world.vcs, "vcs_signatory")
    approve(vcs_signatory, pk)
    [summary] = summarise_agreements(Agreement.objects.filter(pk=pk))
    assert (summary.approvals, summary.partners) == (3, 3)
    assert summary.status in (Status.APPROVED, Status.INCOMPLETE)
    services.update_agreement(web(world.finance), pk, {"aims": "Changed"})
    [summary] = summarise_agreements(Agreement.objects.filter(pk=pk))
    assert summary.approvals == 0


def test_an_approved_agreement_cannot_be_deleted_but_a_withdrawn_approval_does_not_block(
    world: World,
) -> None:
    created = services.create_agreement(
        web(world.finance),
        {
            "title": "Short-lived",
            "area": "E08000035",
            "arrangement_type": "pooled_fund",
            "partners": ["E08000035", "QWO"],
            "host": "E08000035",
            "start_date": "2024-04-01",
            "end_date": "2025-03-31",
        },
    )
    approve(world.signatory, created.pk)
    refused(
        lambda: services.delete_agreement(web(world.finance), created.pk),
        "one partner alone cannot delete it",
    )
    services.update_agreement(web(world.finance), created.pk, {"aims": "Withdraw them"})
    services.delete_agreement(web(world.finance), created.pk)
    assert not Agreement.objects.filter(pk=created.pk).exists()


def _signatory_of(organisation: Any, username: str) -> Any:
    from carepool.accounts.models import Role
    from tests.factories import user

    return user(username, organisation, Role.SIGNATORY)
