"""Partners consent and own their money; a write based on an old version saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, NotFound
from carepool.agreements import selectors, services
from carepool.agreements.models import AgreementPartner, Contribution, PartnerStatus
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.core.errors import Conflict, ValidationFailed
from carepool.organisations import services as organisation_services
from carepool.organisations.models import Organisation
from carepool.signoff.models import SignOff
from tests.factories import World, approve, standing_approvals, user


def web(person: Any) -> Actor:
    return Actor(person, Interface.WEB)


def snapshot() -> tuple[Any, ...]:
    return (
        list(AgreementPartner.objects.order_by("pk").values()),
        list(Contribution.objects.order_by("pk").values()),
        list(SignOff.objects.order_by("pk").values()),
        list(Organisation.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def unchanged_after(call: Callable[[], Any], exc_type: type[Exception]) -> Exception:
    before = snapshot()
    with pytest.raises(exc_type) as raised, transaction.atomic():
        call()
    assert snapshot() == before, "a refused write changed something"
    return raised.value


@pytest.fixture
def invited(world: World) -> World:
    """Leeds's finance officer adds Kent County Council (the outsider's) as a partner."""
    services.update_agreement(
        web(world.finance),
        world.agreement.pk,
        {"partners": ["E08000035", "QWO", "LEEDS-VCS", "E10000016"]},
    )
    return world


class TestInvitations:
    def test_an_added_partner_sees_only_the_invitation(self, invited: World) -> None:
        outsider = invited.outsider
        link = AgreementPartner.objects.get(agreement=invited.agreement, organisation=invited.kent)
        assert (link.status, link.invited_by) == (PartnerStatus.INVITED, invited.finance)
        with pytest.raises(NotFound):
            selectors.get_agreement(outsider, invited.agreement.pk)
        assert not selectors.visible_agreements(outsider).filter(pk=invited.agreement.pk)
        unchanged_after(
            lambda: services.update_agreement(
                web(outsider), invited.agreement.pk, {"title": "Renamed by Kent"}
            ),
            NotFound,
        )
        [invitation] = selectors.invitations_for(outsider)
        assert invitation.agreement == invited.agreement

    def test_a_signatory_accepts_and_then_the_partner_sees_and_edits(self, invited: World) -> None:
        services.accept_invitation(web(invited.outsider), invited.agreement.pk)
        assert selectors.get_agreement(invited.outsider, invited.agreement.pk)
        assert not selectors.invitations_for(invited.outsider)
        event = AuditEvent.objects.order_by("-id").first()
        assert event is not None
        assert event.summary == "Kent County Council accepted the invitation to join the agreement"
        services.update_agreement(web(invited.outsider), invited.agreement.pk, {"title": "Joint"})

    def test_only_a_signatory_answers(self, invited: World) -> None:
        kent_finance = user("kent_finance", invited.kent, Role.FINANCE_OFFICER)
        for answer in (services.accept_invitation, services.decline_invitation):
            error = unchanged_after(
                lambda answer=answer: answer(web(kent_finance), invited.agreement.pk), Forbidden
            )
            assert "signatory role" in str(error)

    def test_declining_removes_the_partner_and_withdraws_approvals(self, invited: World) -> None:
        approve(invited.signatory, invited.agreement.pk)
        services.decline_invitation(web(invited.outsider), invited.agreement.pk)
        assert not invited.agreement.partnerships.filter(organisation=invited.kent).exists()
        assert standing_approvals(invited.agreement.pk) == 0
        with pytest.raises(NotFound):
            services.accept_invitation(web(invited.outsider), invited.agreement.pk)

    def test_money_is_not_recorded_for_a_partner_that_has_not_accepted(
        self, invited: World
    ) -> None:
        error = unchanged_after(
            lambda: services.add_contribution(
                web(invited.finance),
                invited.agreement.pk,
                {
                    "year": "2024-25",
                    "partner": "E10000016",
                    "funding_stream": "dfg",
                    "mandated": "additional",
                    "amount": "100.00",
                },
            ),
            ValidationFailed,
        )
        assert "has not yet accepted the invitation" in str(error)


class TestMoneyBelongsToItsPartner:
    @pytest.fixture
    def icb_finance(self, world: World) -> Any:
        return user("icb_finance", world.icb, Role.FINANCE_OFFICER)

    def test_a_partner_cannot_vary_another_partners_contribution(
        self, world: World, icb_finance: Any
    ) -> None:
        council_money = world.ibcf  # the council's; the council hosts
        for change in (
            lambda: services.vary_contribution(
                web(icb_finance),
                council_money.pk,
                {"effective_date": "2024-10-01", "change": "-1", "reason": "Not ours"},
            ),
            lambda: services.update_contribution(
                web(icb_finance), council_money.pk, {"frequency": "monthly"}
            ),
            lambda: services.delete_contribution(web(icb_finance), council_money.pk),
        ):
            error = unchanged_after(change, Forbidden)
            assert "Only finance officers of Leeds City Council or of the host" in str(error)

    def test_its_own_and_the_hosts_finance_officers_can(
        self, world: World, icb_finance: Any
    ) -> None:
        icb_money = world.nhs_min
        reason = {"effective_date": "2024-10-01", "change": "1", "reason": "Uplift"}
        services.vary_contribution(web(icb_finance), icb_money.pk, reason)
        services.vary_contribution(web(world.finance), icb_money.pk, reason)  # the host's
        assert icb_money.variations.count() == 2

    def test_changing_instalments_withdraws_approvals(self, world: World) -> None:
        approve(world.icb_signatory, world.agreement.pk)
        services.update_contribution(web(world.finance), world.ibcf.pk, {"frequency": "monthly"})
        assert standing_approvals(world.agreement.pk) == 0


def stale_writes(world: World) -> list[tuple[str, Callable[[int], Any]]]:
    """Every versioned write, called with the version the writer read."""
    finance, a, c = web(world.finance), world.agreement.pk, world.ibcf.pk
    return [
        ("update agreement", lambda v: services.update_agreement(finance, a, {"aims": "x"}, v)),
        ("delete agreement", lambda v: services.delete_agreement(finance, a, v)),
        (
            "remove provision",
            lambda v: services.remove_risk_share_provision(finance, a, 1, v),
        ),
        (
            "change instalments",
            lambda v: services.update_contribution(finance, c, {"frequency": "monthly"}, v),
        ),
        (
            "vary",
            lambda v: services.vary_contribution(
                finance, c, {"effective_date": "2024-10-01", "change": "1", "reason": "r"}, v
            ),
        ),
        ("delete contribution", lambda v: services.delete_contribution(finance, c, v)),
        (
            "update organisation",
            lambda v: organisation_services.update_organisation(
                finance, "E08000035", {"name": "Leeds"}, v
            ),
        ),
        (
            "delete organisation",
            lambda v: organisation_services.delete_organisation(finance, "E08000035", v),
        ),
    ]


STALE_WRITES = [
    "update agreement",
    "delete agreement",
    "remove provision",
    "change instalments",
    "vary",
    "delete contribution",
    "update organisation",
    "delete organisation",
]


@pytest.mark.parametrize("name", STALE_WRITES)
def test_a_write_based_on_an_older_version_saves_nothing(world: World, name: str) -> None:
    write = dict(stale_writes(world))[name]
    # Someone else changes the agreement, its contribution and the council first.
    services.update_agreement(web(world.finance), world.agreement.pk, {"aims": "Theirs"})
    services.vary_contribution(
        web(world.finance),
        world.ibcf.pk,
        {"effective_date": "2024-10-01", "change": "5", "reason": "Theirs"},
    )
    organisation_services.update_organisation(web(world.finance), "E08000035", {"name": "Leeds CC"})
    error = unchanged_after(lambda: write(1), Conflict)
    assert isinstance(error, Conflict)
    assert error.expected_version == 1 and error.current_version > 1
    assert "Someone else changed this" in str(error) and "Nothing was saved" in str(error)


def test_the_current_version_is_accepted_and_bumped(world: World) -> None:
    agreement = selectors.get_agreement(world.finance, world.agreement.pk)
    changed = services.update_agreement(
        web(world.finance), agreement.pk, {"aims": "New aims"}, agreement.version
    )
    assert changed.version == agreement.version + 1


def test_a_save_that_changes_nothing_writes_nothing(world: World) -> None:
    agreement = selectors.get_agreement(world.finance, world.agreement.pk)
    events = AuditEvent.objects.count()
    services.update_agreement(web(world.finance), agreement.pk, {"aims": agreement.aims})
    agreement.refresh_from_db()
    assert agreement.version == selectors.get_agreement(world.finance, agreement.pk).version
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("given", ["0", "-1", "three", "1.5", True])
def test_a_version_that_is_not_a_version_is_refused(world: World, given: Any) -> None:
    error = unchanged_after(
        lambda: services.update_agreement(
            web(world.finance), world.agreement.pk, {"aims": "x"}, given
        ),
        ValidationFailed,
    )
    assert isinstance(error, ValidationFailed)
    assert error.errors[0].field == "version"
