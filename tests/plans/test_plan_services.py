"""Plans through their services: versions, checks, sign-off in order, and nothing signed
ever changing."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from carepool.accounts.permissions import Forbidden, NotFound
from carepool.audit.models import AuditEvent
from carepool.core.errors import Conflict, ValidationFailed
from carepool.plans import selectors, services
from carepool.plans.models import PlanVersion
from carepool.plans.selectors import PlanState
from carepool.signoff.models import SignOff
from tests.plans.conftest import PlanWorld, scheme

pytestmark = pytest.mark.django_db


def _sign_all(plans: PlanWorld, plan_id: int, number: int) -> None:
    for person in plans.signatories():
        services.sign_plan(plans.actor(person), plan_id, "partner", number)


def test_a_plan_starts_as_version_one_with_its_income_from_the_agreement(plans):
    plan = plans.start()
    version = selectors.current_version(plan)
    assert version.number == 1 and not version.frozen and version.submitted_at is None
    assert selectors.state_of(plan) is PlanState.DRAFT
    income = {i.requirement_id: i for i in selectors.checklist_of(plan).items}
    balance = income["income_equals_expenditure"]
    assert balance.verdict.value == "pass"
    assert AuditEvent.objects.filter(object_type="plan", object_id=str(plan.pk)).count() == 1


def test_a_second_plan_for_the_same_area_and_year_is_refused(plans):
    plans.start()
    with pytest.raises(ValidationFailed, match="Leeds already has a plan for 2024-25"):
        plans.start()


def test_a_year_outside_the_agreement_is_refused(plans):
    with pytest.raises(ValidationFailed, match="cannot fund a plan for 2030-31"):
        services.create_plan(
            plans.actor(plans.world.finance), plans.world.agreement.pk, "2030-31", []
        )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"scheme_type": "space_travel"}, "scheme_type", "not a scheme type"),
        (
            {
                "commissioners": [
                    {"organisation": "E08000035", "percent": "60"},
                    {"organisation": "QWO", "percent": "30"},
                ]
            },
            "commissioners",
            "90",
        ),
        ({"funding": [{"stream": "labcg", "amount": "10.00"}]}, "funding[1].stream", "labcg"),
        ({"funding": [{"stream": "ibcf", "amount": "-5.00"}]}, "funding[1].amount", "negative"),
        ({"funding": [{"stream": "ibcf", "amount": "lots"}]}, "funding[1].amount", ""),
    ],
)
def test_bad_schemes_are_refused_naming_the_field_and_nothing_changes(plans, changes, field, words):
    plan = plans.start()
    before = selectors.current_version(plan).content_hash
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.put_scheme(plans.actor(plans.world.finance), plan.pk, scheme("S03", **changes))
    assert any(e.field.startswith(field) and words in e.message for e in refused.value.errors), (
        refused.value.errors
    )
    assert selectors.current_version(plan).content_hash == before
    assert AuditEvent.objects.count() == events


def test_submission_lists_every_failure_and_is_refused(plans):
    plan = plans.start([scheme("S01")])  # the iBCF money is not spent; declarations unanswered
    with pytest.raises(ValidationFailed) as refused:
        services.submit(plans.actor(plans.world.finance), plan.pk)
    fields = {e.field for e in refused.value.errors}
    assert "income_equals_expenditure" in fields
    assert "fund_objectives" in fields
    assert selectors.current_version(plan).submitted_at is None


def test_the_whole_sign_off_in_order(plans):
    plan = plans.ready()
    finance = plans.actor(plans.world.finance)
    version = services.submit(finance, plan.pk)
    assert selectors.state_of(plan) is PlanState.AWAITING
    with pytest.raises(ValidationFailed, match="Every partner must approve version 1 first"):
        services.sign_plan(plans.actor(plans.board), plan.pk, "board", version.number)
    _sign_all(plans, plan.pk, version.number)
    with pytest.raises(ValidationFailed, match="board's approval of version 1 must be recorded"):
        services.sign_plan(plans.actor(plans.world.assurer), plan.pk, "national", version.number)
    services.sign_plan(plans.actor(plans.board), plan.pk, "board", version.number)
    assert selectors.state_of(plan) is PlanState.AGREED
    with pytest.raises(ValidationFailed, match="Give the reasons"):
        services.sign_plan(
            plans.actor(plans.world.assurer), plan.pk, "national", 1, outcome="not_approved"
        )
    services.sign_plan(
        plans.actor(plans.world.assurer),
        plan.pk,
        "national",
        1,
        outcome="approved_with_conditions",
        reasons="Quarterly updates on discharge spend",
    )
    assert selectors.state_of(plan) is PlanState.ASSURED
    rows = SignOff.objects.filter(subject_kind="plan", subject_id=plan.pk)
    assert rows.count() == 5
    assert {r.content_hash for r in rows} == {version.content_hash}


@pytest.mark.parametrize(
    ("who", "error", "words"),
    [
        ("finance", Forbidden, "signatory role"),
        ("viewer", Forbidden, "signatory role"),
        ("outsider", NotFound, "No such plan"),
    ],
)
def test_only_partner_signatories_approve(plans, who, error, words):
    plan = plans.ready()
    services.submit(plans.actor(plans.world.finance), plan.pk)
    with pytest.raises(error, match=words):
        services.sign_plan(plans.actor(getattr(plans.world, who)), plan.pk, "partner", 1)


def test_an_unsubmitted_version_cannot_be_signed(plans):
    plan = plans.ready()
    with pytest.raises(ValidationFailed, match="has not been submitted"):
        services.sign_plan(plans.actor(plans.world.signatory), plan.pk, "partner", 1)


def test_a_change_after_approval_makes_a_new_version_and_withdraws_the_approvals(plans):
    plan = plans.ready()
    finance = plans.actor(plans.world.finance)
    v1 = services.submit(finance, plan.pk)
    services.sign_plan(plans.actor(plans.world.icb_signatory), plan.pk, "partner", 1)
    signed_hash = PlanVersion.objects.get(pk=v1.pk).content_hash

    v2 = services.put_scheme(finance, plan.pk, scheme("S01", name="Home care (changed)"))

    assert v2.number == 2 and v2.submitted_at is None
    first = PlanVersion.objects.get(pk=v1.pk)
    assert first.frozen and first.content_hash == signed_hash
    approval = SignOff.objects.get(subject_kind="plan", subject_id=plan.pk)
    assert approval.withdrawn_at is not None and approval.version == 1
    assert approval.content_hash == signed_hash
    with pytest.raises(ValidationFailed, match="superseded by version 2"):
        services.sign_plan(plans.actor(plans.world.signatory), plan.pk, "partner", 1)


def test_the_database_refuses_to_alter_a_signed_version(plans):
    plan = plans.ready()
    services.submit(plans.actor(plans.world.finance), plan.pk)
    services.sign_plan(plans.actor(plans.world.icb_signatory), plan.pk, "partner", 1)
    version = selectors.current_version(plan)
    for sql in (
        "UPDATE plans_planversion SET content_hash = 'x' WHERE id = %s",
        "DELETE FROM plans_planversion WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [version.pk])
    assert PlanVersion.objects.get(pk=version.pk).content_hash == version.content_hash


def test_a_stale_write_is_refused_with_a_conflict(plans):
    plan = plans.start()
    finance = plans.actor(plans.world.finance)
    read = plan.version
    services.put_scheme(finance, plan.pk, scheme("S01", name="First change"))
    with pytest.raises(Conflict):
        services.put_scheme(finance, plan.pk, scheme("S01", name="Second change"), read)


def test_justification_only_where_the_rules_allow_it(plans):
    plan = plans.start()
    with pytest.raises(ValidationFailed, match="do not allow"):
        services.justify(
            plans.actor(plans.world.finance), plan.pk, "income_equals_expenditure", "Because"
        )


def test_an_agreement_that_funds_a_plan_cannot_be_deleted(plans):
    from carepool.agreements import services as agreement_services
    from carepool.agreements.models import Agreement

    agreement = agreement_services.create_agreement(
        plans.actor(plans.world.finance),
        {
            "title": "Leeds second pool",
            "area": "E08000035",
            "arrangement_type": "pooled_fund",
            "partners": ["E08000035", "QWO"],
            "host": "E08000035",
            "start_date": "2024-04-01",
            "end_date": "2025-03-31",
        },
    )
    services.create_plan(plans.actor(plans.world.finance), agreement.pk, "2024-25", [])
    with pytest.raises(ValidationFailed, match="funds a yearly plan"):
        agreement_services.delete_agreement(plans.actor(plans.world.finance), agreement.pk)
    assert Agreement.objects.filter(pk=agreement.pk).exists()
