"""Single entries, commitments, contributions falling due, period close and re-open, and
corrections: each validated, atomic, permission-checked and audited once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, NotFound
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.ledger import services
from carepool.ledger.entry_selectors import commitments_of, corrections_of, month_states
from carepool.ledger.integrity import check_ledger
from carepool.ledger.models import Balance, ClosedMonth, Transfer
from tests.factories import SYSTEM, World, user
from tests.fixtures import world  # noqa: F401

pytestmark = pytest.mark.django_db

COUNCIL, ICB = "E08000035", "QWO"


def web(person: Any) -> Actor:
    return Actor(person, Interface.WEB)


def spend(**overrides: Any) -> dict[str, Any]:
    data = {
        "date": "2024-04-10",
        "scheme": "S01",
        "partner": COUNCIL,
        "amount": "1250.50",
        "provider": "Leeds Care Ltd",
        "description": "Reablement hours",
        "reference": "INV-1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def pool(world: World) -> World:  # noqa: F811
    services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S01", "name": "Reablement"})
    services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S02", "name": "Carers"})
    return world


def events(object_type: str) -> int:
    return AuditEvent.objects.filter(object_type=object_type).count()


class TestActuals:
    def test_spend_is_posted_with_its_balance_and_one_audit_event(self, pool: World) -> None:
        row = services.post_actual(web(pool.finance), pool.agreement.pk, spend())
        assert row.amount_pence == 1_250_50 and row.kind == "actual"
        assert row.debit.kind == "spend" and row.credit.kind == "pool"
        assert (row.provider, row.reference) == ("Leeds Care Ltd", "INV-1")
        event = AuditEvent.objects.get(object_type="ledger_transfer")
        assert event.object_id == str(row.pk) and event.changes["transfer"] == [None, row.pk]
        assert check_ledger(pool.agreement.pk).ok

    def test_a_negative_amount_is_a_refund_the_other_way(self, pool: World) -> None:
        row = services.post_actual(web(pool.finance), pool.agreement.pk, spend(amount="-20.00"))
        assert row.amount_pence == 20_00
        assert row.credit.kind == "spend" and row.debit.kind == "pool"

    def test_every_bad_field_is_named_and_nothing_is_written(self, pool: World) -> None:
        bad = spend(date="2024-13-01", scheme="S99", partner="QKS", amount="1.234")
        with pytest.raises(ValidationFailed) as caught:
            services.post_actual(web(pool.finance), pool.agreement.pk, bad)
        assert set(caught.value.as_dict()) == {"date", "scheme", "partner", "amount"}
        assert "S99" in caught.value.as_dict()["scheme"][0]
        assert Transfer.objects.count() == 0 and events("ledger_transfer") == 0

    @pytest.mark.parametrize(
        ("field", "value", "words"),
        [
            ("amount", "0", "cannot be zero"),
            ("date", "2023-04-01", "outside the agreement"),
            ("date", "2099-01-01", "outside the agreement"),
            ("amount", "", "Enter an amount"),
            ("reference", "x" * 101, "100 characters"),
        ],
    )
    def test_plain_refusals(self, pool: World, field: str, value: str, words: str) -> None:
        with pytest.raises(ValidationFailed, match=words) as caught:
            services.post_actual(web(pool.finance), pool.agreement.pk, spend(**{field: value}))
        assert field in caught.value.as_dict()

    def test_only_partner_finance_officers_post(self, pool: World) -> None:
        with pytest.raises(Forbidden):
            services.post_actual(web(pool.viewer), pool.agreement.pk, spend())
        with pytest.raises(NotFound):
            services.post_actual(web(pool.outsider), pool.agreement.pk, spend())
        assert Transfer.objects.count() == 0


class TestCommitments:
    def test_recorded_then_cancelled_releases_what_remains(self, pool: World) -> None:
        actor = web(pool.finance)
        data = spend(amount="500.00", reference="PO-7")
        placed = services.record_commitment(actor, pool.agreement.pk, data)
        assert placed.kind == "commitment" and placed.debit.kind == "commitment"
        (state,) = commitments_of(pool.agreement.pk)
        assert state.remaining_pence == 500_00
        released = services.cancel_commitment(
            actor, pool.agreement.pk, "PO-7", {"date": "2024-05-01", "reason": "Not needed"}
        )
        assert released.amount_pence == 500_00 and released.order_ref == "PO-7"
        assert commitments_of(pool.agreement.pk)[0].remaining_pence == 0
        with pytest.raises(ValidationFailed, match="Nothing remains"):
            services.cancel_commitment(actor, pool.agreement.pk, "PO-7", {})
        with pytest.raises(ValidationFailed, match="no commitment PO-8"):
            services.cancel_commitment(actor, pool.agreement.pk, "PO-8", {})
        assert events("ledger_transfer") == 2

    def test_reference_required_unique_and_amount_positive(self, pool: World) -> None:
        actor = web(pool.finance)
        services.record_commitment(actor, pool.agreement.pk, spend(reference="PO-1"))
        with pytest.raises(ValidationFailed) as caught:
            services.record_commitment(
                actor, pool.agreement.pk, spend(reference="PO-1", amount="-5")
            )
        assert set(caught.value.as_dict()) == {"reference", "amount"}
        with pytest.raises(ValidationFailed, match="is required"):
            services.record_commitment(actor, pool.agreement.pk, spend(reference=""))


class TestContributions:
    def test_due_instalments_post_once(self, pool: World) -> None:
        actor = web(pool.finance)
        # Quarterly instalments of both contributions due by the end of July 2024: 2 each.
        assert services.post_due_contributions(actor, pool.agreement.pk, date(2024, 7, 31)) == 4
        assert services.post_due_contributions(actor, pool.agreement.pk, date(2024, 7, 31)) == 0
        refs = set(Transfer.objects.values_list("reference", flat=True))
        nhs = pool.nhs_min.pk
        assert f"contribution {nhs} instalment due 2024-04-01" in refs
        assert events("ledger_contributions") == 1
        assert services.post_due_contributions(actor, pool.agreement.pk, date(2025, 3, 31)) == 4
        total = sum(t.amount_pence for t in Transfer.objects.filter(kind="contribution"))
        assert total == 60_000_000_00 + 35_000_000_01
        assert check_ledger(pool.agreement.pk).ok

    def test_a_variation_after_posting_is_posted_as_the_difference(self, pool: World) -> None:
        from carepool.agreements import services as agreement_services

        actor = web(pool.finance)
        services.post_due_contributions(actor, pool.agreement.pk, date(2024, 7, 31))
        agreement_services.vary_contribution(
            SYSTEM,
            pool.nhs_min.pk,
            {"effective_date": "2024-04-01", "change": "400.00", "reason": "Uplift"},
        )
        assert services.post_due_contributions(actor, pool.agreement.pk, date(2024, 7, 31)) == 2
        differences = Transfer.objects.filter(kind="contribution").order_by("-pk")[:2]
        assert sorted(t.amount_pence for t in differences) == [100_00, 100_00]

    def test_future_dates_are_refused(self, pool: World) -> None:
        with pytest.raises(ValidationFailed, match="as they fall due"):
            services.post_due_contributions(web(pool.finance), pool.agreement.pk, date(2099, 1, 1))


class TestPeriods:
    def test_close_in_order_refuse_postings_reopen_with_reason(self, pool: World) -> None:
        finance = web(pool.finance)
        services.post_actual(finance, pool.agreement.pk, spend(date="2024-04-10"))
        services.post_actual(finance, pool.agreement.pk, spend(date="2024-05-10"))
        with pytest.raises(ValidationFailed, match="Close April 2024 first"):
            services.close_month(finance, pool.agreement.pk, "2024-05")
        closed = services.close_month(finance, pool.agreement.pk, "2024-04")
        assert closed.month == 202404 and closed.closed_by == pool.finance
        services.close_month(finance, pool.agreement.pk, "2024-05")
        with pytest.raises(ValidationFailed, match="already closed"):
            services.close_month(finance, pool.agreement.pk, "2024-05")
        with pytest.raises(ValidationFailed, match="May 2024 is closed") as caught:
            services.post_actual(finance, pool.agreement.pk, spend(date="2024-05-20"))
        assert set(caught.value.as_dict()) == {"date"}

        signatory = web(pool.signatory)
        with pytest.raises(ValidationFailed, match="Re-open May 2024 first"):
            services.reopen_month(signatory, pool.agreement.pk, "2024-04", "typo")
        with pytest.raises(ValidationFailed, match="Give a reason"):
            services.reopen_month(signatory, pool.agreement.pk, "2024-05", " ")
        services.reopen_month(signatory, pool.agreement.pk, "2024-05", "Late invoice")
        assert set(ClosedMonth.objects.values_list("month", flat=True)) == {202404}
        event = AuditEvent.objects.get(object_type="closed_month", action="delete")
        assert event.changes["reason"] == [None, "Late invoice"]
        states = {s.key: s.closed for s in month_states(pool.agreement, date(2024, 6, 15))}
        assert states == {"2024-04": True, "2024-05": False}

    def test_who_closes_and_who_reopens(self, pool: World) -> None:
        icb_finance = user("icb_finance", pool.icb, Role.FINANCE_OFFICER)
        with pytest.raises(Forbidden, match="host partner"):
            services.close_month(web(icb_finance), pool.agreement.pk, "2024-04")
        with pytest.raises(Forbidden, match="finance officer"):
            services.close_month(web(pool.signatory), pool.agreement.pk, "2024-04")
        services.close_month(web(pool.finance), pool.agreement.pk, "2024-04")
        with pytest.raises(Forbidden, match="signatory"):
            services.reopen_month(web(pool.finance), pool.agreement.pk, "2024-04", "why")
        with pytest.raises(Forbidden, match="host partner"):
            services.reopen_month(web(pool.icb_signatory), pool.agreement.pk, "2024-04", "why")
        assert ClosedMonth.objects.count() == 1

    @pytest.mark.parametrize(
        ("month", "words"),
        [("2024-1", "not a month"), ("2099-01", "not ended"), ("2024-03", "outside")],
    )
    def test_bad_months(self, pool: World, month: str, words: str) -> None:
        with pytest.raises(ValidationFailed, match=words):
            services.close_month(web(pool.finance), pool.agreement.pk, month)


class TestCorrections:
    def test_an_adjusting_entry_in_an_open_month_linked_to_the_line(self, pool: World) -> None:
        finance = web(pool.finance)
        line = services.post_actual(finance, pool.agreement.pk, spend(amount="100.00"))
        with pytest.raises(ValidationFailed, match="which is open"):
            services.correct(
                finance, line.pk, {"date": "2024-05-02", "amount": "-1", "reason": "x"}
            )
        services.close_month(finance, pool.agreement.pk, "2024-04")
        april = dict(Balance.objects.filter(month=202404).values_list("account_id", "debit_pence"))
        with pytest.raises(ValidationFailed) as caught:
            services.correct(finance, line.pk, {"date": "2024-04-30", "amount": "0"})
        assert set(caught.value.as_dict()) == {"date", "amount", "reason"}
        fixed = services.correct(
            finance, line.pk, {"date": "2024-05-02", "amount": "-30.00", "reason": "Overbilled"}
        )
        assert fixed.kind == "adjustment" and fixed.corrects_id == line.pk
        assert fixed.amount_pence == 30_00 and fixed.credit_id == line.debit_id
        moved = services.correct(
            finance,
            line.pk,
            {"date": "2024-05-02", "amount": "10", "reason": "Carers", "scheme": "S02"},
        )
        assert moved.debit.scheme_code == "S02"
        assert [t.pk for t in corrections_of(line)] == [fixed.pk, moved.pk]
        # April's balances are as they were at close.
        assert april == dict(
            Balance.objects.filter(month=202404).values_list("account_id", "debit_pence")
        )
        assert check_ledger(pool.agreement.pk).ok

    def test_only_spend_lines_are_corrected(self, pool: World) -> None:
        finance = web(pool.finance)
        services.post_due_contributions(finance, pool.agreement.pk, date(2024, 4, 30))
        services.close_month(finance, pool.agreement.pk, "2024-04")
        row = Transfer.objects.filter(kind="contribution").first()
        assert row is not None
        with pytest.raises(ValidationFailed, match="not spend"):
            services.correct(finance, row.pk, {"date": "2024-05-02", "amount": "1", "reason": "x"})
        with pytest.raises(NotFound):
            services.correct(web(pool.outsider), row.pk, {})
        with pytest.raises(NotFound):
            services.correct(finance, 99999, {})


def test_schemes_are_registered_once_and_audited(world: World) -> None:  # noqa: F811
    services.register_scheme(web(world.finance), world.agreement.pk, {"code": "S01", "name": "A"})
    with pytest.raises(ValidationFailed, match="already has a scheme S01"):
        services.register_scheme(
            web(world.finance), world.agreement.pk, {"code": "S01", "name": "B"}
        )
    assert events("ledger_scheme") == 1
