"""Services: validation, atomicity, permissions and audit, independent of any interface."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction

from carepool.accounts.permissions import Forbidden, NotFound
from carepool.agreements import selectors, services
from carepool.agreements.models import Agreement, Contribution, ContributionVariation
from carepool.audit.models import AppendOnlyError, AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.core.periods import FinancialYear
from carepool.signoff.models import SignOff
from tests.factories import agreement_data, approve, standing_approvals


def state():
    """Everything a refused write must leave untouched."""
    return (
        list(Agreement.objects.order_by("pk").values()),
        list(Contribution.objects.order_by("pk").values()),
        list(ContributionVariation.objects.order_by("pk").values()),
        list(SignOff.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def refused(call, field, fragment, exc_type=ValidationFailed):
    before = state()
    with pytest.raises(exc_type) as exc, transaction.atomic():
        call()
    after = state()
    assert after == before, "a refused write changed something"
    if exc_type is ValidationFailed:
        assert any(e.field == field and fragment in e.message for e in exc.value.errors), (
            exc.value.errors
        )
    else:
        assert fragment in str(exc.value)
    return exc.value


@pytest.fixture
def finance(world):
    return Actor(world.finance, Interface.WEB)


def contribution_data(**overrides):
    data = {
        "year": "2024-25",
        "partner": "E08000035",
        "funding_stream": "dfg",
        "mandated": True,
        "amount": "1000.00",
        "frequency": "quarterly",
    }
    data.update(overrides)
    return data


class TestRefusals:
    def test_negative_contribution(self, world, finance):
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(amount="-5")
            ),
            "amount",
            "cannot be negative",
        )

    def test_non_numeric_contribution(self, world, finance):
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(amount="ten pounds")
            ),
            "amount",
            "is not an amount of money",
        )

    def test_host_not_a_partner(self, world, finance):
        refused(
            lambda: services.update_agreement(finance, world.agreement.pk, {"host": "E10000016"}),
            "host",
            "The host must be one of the partners",
        )

    def test_break_clause_after_end(self, world, finance):
        refused(
            lambda: services.update_agreement(
                finance, world.agreement.pk, {"break_clause_date": "2028-01-01"}
            ),
            "break_clause_date",
            "must fall inside the term",
        )

    def test_unknown_funding_stream(self, world, finance):
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(funding_stream="lottery")
            ),
            "funding_stream",
            "'lottery' is not a funding stream in 2024-25",
        )

    def test_unknown_organisation_code(self, world, finance):
        refused(
            lambda: services.update_agreement(
                finance, world.agreement.pk, {"partners": ["E08000035", "QWO", "LEEDS-VCS", "ZZZ"]}
            ),
            "partners",
            "'ZZZ' is not a known organisation code",
        )
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(partner="QKS")
            ),
            "partner",
            "'QKS' is not a partner in this agreement",
        )

    @pytest.mark.parametrize("year", ["2024/25", "2024", "24-25", "2024-26"])
    def test_financial_year_in_wrong_form(self, world, finance, year):
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(year=year)
            ),
            "year",
            "is not a financial year",
        )

    def test_edit_by_user_without_role(self, world):
        for user in (world.viewer, world.auditor, world.signatory):
            refused(
                lambda u=user: services.update_agreement(
                    Actor(u, Interface.WEB), world.agreement.pk, {"title": "New"}
                ),
                None,
                "finance officer role",
                exc_type=Forbidden,
            )
        refused(
            lambda: services.add_contribution(
                Actor(world.viewer, Interface.API), world.agreement.pk, contribution_data()
            ),
            None,
            "finance officer role",
            exc_type=Forbidden,
        )

    def test_assurer_reads_but_cannot_edit(self, world):
        refused(
            lambda: services.update_agreement(
                Actor(world.assurer, Interface.WEB), world.agreement.pk, {"title": "x"}
            ),
            None,
            "finance officer role",
            exc_type=Forbidden,
        )

    def test_outsider_gets_not_found_not_forbidden(self, world):
        outsider = Actor(world.outsider, Interface.WEB)
        refused(
            lambda: services.update_agreement(outsider, world.agreement.pk, {"title": "x"}),
            None,
            "No such agreement",
            NotFound,
        )
        refused(
            lambda: services.add_contribution(outsider, world.agreement.pk, contribution_data()),
            None,
            "No such agreement",
            NotFound,
        )
        refused(
            lambda: services.vary_contribution(outsider, world.ibcf.pk, {}),
            None,
            "No such contribution",
            NotFound,
        )
        refused(
            lambda: services.approve_agreement(outsider, world.agreement.pk, 1),
            None,
            "No such agreement",
            NotFound,
        )

    def test_every_problem_reported_at_once(self, world, finance):
        exc = refused(
            lambda: services.add_contribution(
                finance,
                world.agreement.pk,
                contribution_data(year="2024", amount="x", partner="NOPE", frequency="weekly"),
            ),
            "year",
            "not a financial year",
        )
        assert {e.field for e in exc.errors} >= {"year", "amount", "partner", "frequency"}

    def test_unanswered_mandated_is_not_taken_as_additional(self, world, finance):
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(mandated="")
            ),
            "mandated",
            "Say whether the contribution is mandated",
        )

    def test_term_rules_reported_alongside_unreadable_fields(self, world, finance):
        exc = refused(
            lambda: services.update_agreement(
                finance,
                world.agreement.pk,
                {"risk_share": "[{", "break_clause_date": "2030-01-01", "host": "E10000016"},
            ),
            "risk_share",
            "not valid JSON",
        )
        assert {e.field for e in exc.errors} == {"risk_share", "break_clause_date", "host"}

    def test_removing_a_partner_with_money_refused(self, world, finance):
        refused(
            lambda: services.update_agreement(
                finance, world.agreement.pk, {"partners": ["E08000035", "LEEDS-VCS"]}
            ),
            "partners",
            "have contributions recorded",
        )

    def test_finance_officer_cannot_leave_own_organisation_out(self, world, finance):
        refused(
            lambda: services.create_agreement(
                finance, agreement_data(partners=["QWO", "LEEDS-VCS"], host="QWO")
            ),
            "partners",
            "Your organisation (E08000035) must be one of the partners",
        )

    def test_contribution_outside_the_term(self, world, finance):
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(year="2030-31")
            ),
            "year",
            "2030-31 is outside the agreement's term",
        )

    def test_duplicate_contribution(self, world, finance):
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(funding_stream="ibcf", amount="1")
            ),
            "funding_stream",
            "already has a mandated contribution from the Improved Better Care Fund",
        )

    def test_variation_below_zero(self, world, finance):
        refused(
            lambda: services.vary_contribution(
                finance,
                world.ibcf.pk,
                {"effective_date": "2024-06-01", "change": "-40000000", "reason": "cut"},
            ),
            "change",
            "below £0",
        )

    def test_bad_risk_share_json(self, world, finance):
        refused(
            lambda: services.update_agreement(finance, world.agreement.pk, {"risk_share": "[{"}),
            "risk_share",
            "not valid JSON",
        )


class TestWrites:
    def test_update_is_audited_with_before_and_after(self, world, finance):
        services.update_agreement(finance, world.agreement.pk, {"title": "Leeds BCF 2024-27"})
        event = AuditEvent.objects.filter(object_type="agreement", action="update").get()
        assert event.changes == {
            "title": ["Leeds Better Care Fund pooled budget", "Leeds BCF 2024-27"]
        }
        assert event.actor == world.finance and event.interface == "web"
        assert event.actor_organisation == "Leeds City Council"

    def test_variation_never_overwrites_history(self, world, finance):
        services.vary_contribution(
            finance,
            world.ibcf.pk,
            {"effective_date": "2024-10-01", "new_amount": "36000000.01", "reason": "Uplift"},
        )
        services.vary_contribution(
            finance,
            world.ibcf.pk,
            {"effective_date": "2025-01-01", "change": "-500", "reason": "Correction"},
        )
        world.ibcf.refresh_from_db()
        assert world.ibcf.original_amount_pence == 3_500_000_001
        core = selectors.to_core_contribution(
            selectors.get_contribution(world.finance, world.ibcf.pk)
        )
        assert core.amount == Money.from_pounds("35999500.01")
        assert [v.reason for v in core.variations] == ["Uplift", "Correction"]
        schedule = selectors.schedule_of(selectors.get_contribution(world.finance, world.ibcf.pk))
        assert sum(i.amount.pence for i in schedule) == core.amount.pence

    def test_totals_consistent(self, world):
        summary = selectors.year_summary(world.agreement, FinancialYear(2024))
        assert summary.totals.overall == Money.from_pounds("95000000.01")
        assert summary.totals.by_partner == {
            "QWO": Money.from_pounds("60000000"),
            "E08000035": Money.from_pounds("35000000.01"),
        }

    def test_changes_withdraw_approvals(self, world, finance):
        approve(world.signatory, world.agreement.pk)
        approve(world.icb_signatory, world.agreement.pk)
        assert standing_approvals(world.agreement.pk) == 2
        services.add_contribution(finance, world.agreement.pk, contribution_data())
        assert standing_approvals(world.agreement.pk) == 0
        assert AuditEvent.objects.filter(action="withdraw_approval").count() == 2

    def test_signatory_approves_once(self, world):
        signatory = Actor(world.signatory, Interface.WEB)
        version = Agreement.objects.get(pk=world.agreement.pk).version
        services.approve_agreement(signatory, world.agreement.pk, version)
        refused(
            lambda: services.approve_agreement(signatory, world.agreement.pk, version),
            "version",
            f"Leeds City Council has already approved version {version}",
        )
        refused(
            lambda: services.approve_agreement(
                Actor(world.finance, Interface.WEB), world.agreement.pk, version
            ),
            None,
            "signatory role",
            Forbidden,
        )

    def test_delete_contribution_without_variations_is_audited(self, world, finance):
        services.delete_contribution(finance, world.nhs_min.pk)
        event = AuditEvent.objects.get(object_type="contribution", action="delete")
        assert event.changes["original_amount"] == ["60000000.00", None]
        assert event.agreement_id == world.agreement.pk

    def test_failure_part_way_leaves_nothing(self, world, finance, monkeypatch):
        def boom(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(services.contributions, "record", boom)
        before = state()
        with pytest.raises(RuntimeError):
            services.add_contribution(finance, world.agreement.pk, contribution_data())
        assert state() == before


class TestScoping:
    def test_visible_agreements_per_role(self, world):
        titles = lambda u: set(selectors.visible_agreements(u).values_list("title", flat=True))  # noqa: E731
        leeds, kent = world.agreement.title, world.kent_agreement.title
        assert titles(world.finance) == {leeds}
        assert titles(world.viewer) == {leeds}
        assert titles(world.auditor) == {leeds}
        assert titles(world.assurer) == {leeds, kent}
        assert titles(world.outsider) == {kent}

    def test_user_without_any_role_sees_nothing(self, world):
        world.viewer.role_grants.all().delete()
        world.viewer._roles_cache = None
        assert not selectors.visible_agreements(world.viewer).exists()

    def test_contribution_and_history_scoped(self, world):
        with pytest.raises(NotFound):
            selectors.get_contribution(world.outsider, world.ibcf.pk)
        with pytest.raises(NotFound):
            selectors.history(world.outsider, world.agreement.pk)
        assert selectors.history(world.auditor, world.agreement.pk).exists()


class TestAuditTrail:
    def test_append_only_in_python(self, world):
        event = AuditEvent.objects.first()
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().update(summary="x")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()

    def test_append_only_in_the_database(self, world):
        count = AuditEvent.objects.count()
        for sql in ("UPDATE audit_auditevent SET summary = 'x'", "DELETE FROM audit_auditevent"):
            with (
                pytest.raises(Exception, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert AuditEvent.objects.count() == count

    def test_world_setup_was_audited_as_system(self, world):
        creates = AuditEvent.objects.filter(action="create", object_type="contribution")
        assert creates.count() == 2
        assert set(creates.values_list("actor_name", flat=True)) == {"system (System)"}


class TestRiskShareProvisions:
    def test_add_and_remove_are_audited_and_withdraw_approvals(self, world, finance):
        approve(world.signatory, world.agreement.pk)
        services.add_risk_share_provision(
            finance, world.agreement.pk, {"kind": "risk_pool", "amount": "500,000"}
        )
        services.add_risk_share_provision(finance, world.agreement.pk, {"kind": "carry_forward"})
        world.agreement.refresh_from_db()
        assert world.agreement.risk_share == [
            {"kind": "risk_pool", "applies_to": "overspend", "amount": "500000.00"},
            {"kind": "carry_forward", "applies_to": "underspend"},
        ]
        assert standing_approvals(world.agreement.pk) == 0
        services.remove_risk_share_provision(finance, world.agreement.pk, 1)
        world.agreement.refresh_from_db()
        assert [p["kind"] for p in world.agreement.risk_share] == ["carry_forward"]
        updates = AuditEvent.objects.filter(object_type="agreement", action="update")
        assert updates.count() == 3

    def test_errors_name_the_provision_fields(self, world, finance):
        exc = refused(
            lambda: services.add_risk_share_provision(
                finance,
                world.agreement.pk,
                {"kind": "agreed_ratio", "shares": {"QWO": "x", "QKS": "1"}},
            ),
            "shares.QWO",
            "not a number",
        )
        assert {e.field for e in exc.errors} == {"shares.QWO"}
        refused(
            lambda: services.add_risk_share_provision(
                finance, world.agreement.pk, {"kind": "agreed_ratio", "shares": {"QKS": "1"}}
            ),
            "risk_share[1]",
            "'QKS' is not a partner",
        )

    def test_removing_a_missing_provision(self, world, finance):
        refused(
            lambda: services.remove_risk_share_provision(finance, world.agreement.pk, 3),
            "position",
            "no provision 3",
        )

    def test_only_editors(self, world):
        refused(
            lambda: services.add_risk_share_provision(
                Actor(world.viewer, Interface.WEB), world.agreement.pk, {"kind": "carry_forward"}
            ),
            None,
            "finance officer role",
            Forbidden,
        )


class TestReviewFindings:
    def test_term_cannot_move_away_from_recorded_money(self, world, finance):
        refused(
            lambda: services.update_agreement(
                finance,
                world.agreement.pk,
                {"start_date": "2026-04-01", "end_date": "2027-03-31", "break_clause_date": ""},
            ),
            "start_date",
            "Contributions are recorded for 2024-25",
        )

    def test_approved_agreement_cannot_be_deleted_by_one_partner(self, world, finance):
        agreement = services.create_agreement(finance, agreement_data(title="Short-lived"))
        services.accept_invitation(Actor(world.icb_signatory, Interface.WEB), agreement.pk)
        approve(world.icb_signatory, agreement.pk)
        refused(
            lambda: services.delete_agreement(finance, agreement.pk),
            "agreement",
            "one partner alone cannot delete it",
        )

    def test_history_outlives_a_deleted_agreement(self, world, finance):
        agreement = services.create_agreement(finance, agreement_data(title="Short-lived"))
        services.delete_agreement(finance, agreement.pk)
        for reader in (world.finance, world.viewer, world.auditor, world.assurer):
            actions = list(selectors.history(reader, agreement.pk).values_list("action", flat=True))
            assert actions == ["delete", "create"]
        with pytest.raises(NotFound):
            selectors.history(world.outsider, agreement.pk)

    @pytest.mark.parametrize("amount", ["99999999999999999", "1000000000001", Decimal("1E+30")])
    def test_amounts_beyond_any_fund_are_refused(self, world, finance, amount):
        refused(
            lambda: services.add_contribution(
                finance, world.agreement.pk, contribution_data(amount=amount)
            ),
            "amount",
            "check the amount",
        )
        refused(
            lambda: services.vary_contribution(
                finance,
                world.ibcf.pk,
                {"effective_date": "2024-06-01", "change": amount, "reason": "x"},
            ),
            "change",
            "check the amount",
        )

    def test_nul_characters_are_refused(self, world, finance):
        refused(
            lambda: services.update_agreement(finance, world.agreement.pk, {"aims": "a\x00b"}),
            "aims",
            "not allowed (NUL)",
        )
        refused(
            lambda: services.vary_contribution(
                finance,
                world.ibcf.pk,
                {"effective_date": "2024-06-01", "change": "1", "reason": "a\x00b"},
            ),
            "reason",
            "not allowed (NUL)",
        )


def test_a_year_without_published_rules_records_money_provisionally(world):
    """The agreement runs to March 2027; no 2026-27 rules are published yet."""
    finance = Actor(world.finance, Interface.WEB)
    contribution = services.add_contribution(
        finance,
        world.agreement.pk,
        {
            "year": "2026-27",
            "partner": "E08000035",
            "funding_stream": "labcg",  # a 2025-26 stream, standing in
            "mandated": "yes",
            "amount": "1000.00",
        },
    )
    assert contribution.year == "2026-27"
    summary = selectors.year_summary(world.agreement, FinancialYear(2026))
    assert summary.rules_note.startswith("Provisional: no Better Care Fund rules are published")
    assert selectors.year_summary(world.agreement, FinancialYear(2024)).rules_note == ""
    [item] = [
        r
        for r in selectors.completeness_of(world.agreement).results
        if r.item.key == "contributions"
    ]
    assert item.status == "missing"
    assert "2025-26: none recorded" in item.detail


def test_the_programme_cannot_change_under_recorded_money(world):
    finance = Actor(world.finance, Interface.WEB)
    with pytest.raises(ValidationFailed) as exc:
        services.update_agreement(finance, world.agreement.pk, {"programme": "wales"})
    assert exc.value.errors[0].field == "programme"
    assert Agreement.objects.get(pk=world.agreement.pk).programme == "bcf"
