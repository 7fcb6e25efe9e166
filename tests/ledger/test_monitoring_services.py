"""Monitoring writes (overrides, variance explanations, action plans) and the agreement's
overspend threshold: validated by field, refused to non-editors, audited, nothing written on
bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carepool.accounts.permissions import Forbidden, NotFound
from carepool.agreements import services as agreement_services
from carepool.agreements.models import Agreement
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.core.forecast import Method
from carepool.core.money import Money
from carepool.ledger import monitoring_services as services
from carepool.ledger.models import ActionPlan, ForecastOverride, VarianceNote
from carepool.ledger.monitoring import monitoring_of
from tests.factories import World
from tests.fixtures import world  # noqa: F401
from tests.ledger.monitoring_builders import COUNCIL, FIRST_HALF, monthly, post, start_plan

pytestmark = pytest.mark.django_db


def web(person) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(person, Interface.WEB)


def test_an_override_replaces_the_forecast_until_cleared(world: World) -> None:  # noqa: F811
    post(world.agreement, monthly("S01", COUNCIL, 100, FIRST_HALF))
    services.set_override(
        web(world.finance),
        world.agreement.pk,
        year="2024-25",
        scheme="S01",
        amount="5000.00",
        reason="Winter pressures contract from November",
    )
    services.set_override(
        web(world.finance),
        world.agreement.pk,
        year="2024-25",
        scheme="S01",
        amount="5500.00",
        reason="Contract confirmed",
    )
    assert ForecastOverride.objects.count() == 1
    m = monitoring_of(world.viewer, world.agreement.pk, "2024-25")
    s01 = m.result.schemes[0]
    assert (s01.forecast, s01.methods) == (Money(5_500_00), (Method.OVERRIDE,))
    assert m.overrides["S01"].reason == "Contract confirmed"
    events = AuditEvent.objects.filter(object_type="forecast_override").order_by("pk")
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes["amount"] == ["5000.00", "5500.00"]

    services.clear_override(web(world.finance), world.agreement.pk, year="2024-25", scheme="S01")
    m = monitoring_of(world.viewer, world.agreement.pk, "2024-25")
    assert m.result.schemes[0].methods == (Method.RUN_RATE,)
    assert (
        AuditEvent.objects.filter(object_type="forecast_override").order_by("pk").last().action
        == "delete"
    )


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"year": "2024", "scheme": "S01", "amount": "1", "reason": "x"}, ["year"]),
        ({"year": "2024-25", "scheme": "S99", "amount": "1", "reason": "x"}, ["scheme"]),
        (
            {"year": "2024-25", "scheme": "", "amount": "1.001", "reason": ""},
            ["amount", "reason", "scheme"],
        ),
        ({"year": "2024-25", "scheme": "S01", "amount": "lots", "reason": "x"}, ["amount"]),
    ],
)
def test_bad_override_names_every_field_and_writes_nothing(
    world: World,  # noqa: F811
    data: dict,
    fields: list[str],
) -> None:
    post(world.agreement, monthly("S01", COUNCIL, 100, FIRST_HALF))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.set_override(web(world.finance), world.agreement.pk, **data)
    assert sorted({e.field for e in caught.value.errors}) == fields
    assert not ForecastOverride.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_plans_scheme_may_be_overridden_before_any_spend(world: World) -> None:  # noqa: F811
    start_plan(world)
    services.set_override(
        web(world.finance), world.agreement.pk, year="2024-25", scheme="S02", amount="1", reason="x"
    )
    assert ForecastOverride.objects.get().scheme_code == "S02"


@pytest.mark.parametrize(
    ("person", "error"),
    [("viewer", Forbidden), ("signatory", Forbidden), ("outsider", NotFound)],
)
def test_only_partners_finance_officers_write(world: World, person: str, error: type) -> None:  # noqa: F811
    post(world.agreement, monthly("S01", COUNCIL, 100, FIRST_HALF))
    who = web(getattr(world, person))
    with pytest.raises(error):
        services.explain_variance(who, world.agreement.pk, month="2024-09", scheme="S01", text="x")
    with pytest.raises(error):
        services.record_action_plan(who, world.agreement.pk, month="2024-09", text="x")
    assert not VarianceNote.objects.exists()
    assert not ActionPlan.objects.exists()


def test_variance_notes_and_action_plans_show_for_their_month(world: World) -> None:  # noqa: F811
    post(world.agreement, monthly("S01", COUNCIL, 10_000_000, FIRST_HALF))  # overspending
    m = monitoring_of(world.viewer, world.agreement.pk, "2024-25")
    assert m.result.flagged
    assert m.action_plan_required
    services.explain_variance(
        web(world.finance), world.agreement.pk, month="202409", scheme="S01", text="Demand up"
    )
    services.explain_variance(
        web(world.finance), world.agreement.pk, month="2024-09", scheme="S01", text="Demand up 9%"
    )
    services.record_action_plan(
        web(world.finance), world.agreement.pk, month="2024-09", text="Review packages"
    )
    m = monitoring_of(world.viewer, world.agreement.pk, "2024-25")
    assert m.notes == {"S01": "Demand up 9%"}
    assert m.action_plan is not None
    assert m.action_plan.text == "Review packages"
    assert not m.action_plan_required
    august = monitoring_of(world.viewer, world.agreement.pk, "2024-25", as_at=202408)
    assert august.notes == {}
    assert august.action_plan_required
    with pytest.raises(ValidationFailed) as caught:
        services.record_action_plan(
            web(world.finance), world.agreement.pk, month="13/2024", text=""
        )
    assert sorted(e.field for e in caught.value.errors) == ["month", "text"]


@pytest.mark.parametrize(
    ("data", "stored"),
    [
        ({"overspend_threshold": "250000.00"}, (250_000_00, None)),
        ({"overspend_threshold_percent": "2.5"}, (None, Decimal("2.50"))),
        ({"overspend_threshold": "1", "overspend_threshold_percent": "100"}, (100, Decimal(100))),
        ({"overspend_threshold": "", "overspend_threshold_percent": ""}, (None, None)),
    ],
)
def test_the_threshold_is_a_term_of_the_agreement(
    world: World,  # noqa: F811
    data: dict,
    stored: tuple,
) -> None:
    agreement_services.update_agreement(web(world.finance), world.agreement.pk, data)
    row = Agreement.objects.get(pk=world.agreement.pk)
    assert (row.overspend_threshold_pence, row.overspend_threshold_percent) == stored


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"overspend_threshold": "-5"}, "overspend_threshold", "negative"),
        ({"overspend_threshold": "5.001"}, "overspend_threshold", "two decimal places"),
        ({"overspend_threshold_percent": "0"}, "overspend_threshold_percent", "more than 0"),
        ({"overspend_threshold_percent": "101"}, "overspend_threshold_percent", "at most 100"),
        ({"overspend_threshold_percent": "2.505"}, "overspend_threshold_percent", "two decimal"),
        ({"overspend_threshold_percent": "lots"}, "overspend_threshold_percent", "percentage"),
    ],
)
def test_a_bad_threshold_is_refused_by_field(
    world: World,  # noqa: F811
    data: dict,
    field: str,
    words: str,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        agreement_services.update_agreement(web(world.finance), world.agreement.pk, data)
    assert caught.value.errors[0].field == field
    assert words in caught.value.errors[0].message
    row = Agreement.objects.get(pk=world.agreement.pk)
    assert (row.overspend_threshold_pence, row.overspend_threshold_percent) == (None, None)


def test_the_threshold_change_is_audited_in_words(world: World) -> None:  # noqa: F811
    agreement_services.update_agreement(
        web(world.finance), world.agreement.pk, {"overspend_threshold": "1000"}
    )
    event = AuditEvent.objects.filter(object_type="agreement").order_by("pk").last()
    assert event.changes["overspend_threshold"] == [None, "1000.00"]
