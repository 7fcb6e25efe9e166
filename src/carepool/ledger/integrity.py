"""The ledger's integrity check (``carepool ledger check``; docs/adr/0022).

Every stored ``Balance`` is recomputed from the ``Transfer`` rows, one GROUP BY query per side
(debits, credits), never row by row, and every difference is reported: a balance that differs
from its rows, rows without a balance, a balance without rows. The rows themselves are checked
against the ledger's rules (a positive amount, two different accounts of the row's own
agreement, the month of its date), and each import batch's row count and total against the
lines that carry its id. A row altered behind the application's back (the triggers dropped, an
amount changed with raw SQL) no longer matches the balances written with it, so it is found.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, is_active, reads_everything
from carepool.agreements.selectors import get_agreement, is_partner
from carepool.core import ledger as core
from carepool.core.ledger_input import month_text
from carepool.ledger.models import Account, Balance, ImportBatch, Transfer

if TYPE_CHECKING:
    from carepool.accounts.models import User

LISTED = 1000  # problems of each kind listed in full; the counts are always complete


@dataclass(frozen=True)
class BalanceDifference:
    agreement_id: int
    account_id: int
    account: str
    month: str
    stored_debit_pence: int
    stored_credit_pence: int
    recomputed_debit_pence: int
    recomputed_credit_pence: int
    problem: str  # "differs", "no balance" (rows without one), "no rows" (balance without)

    @property
    def stored_pence(self) -> int:
        return self.stored_debit_pence - self.stored_credit_pence

    @property
    def recomputed_pence(self) -> int:
        return self.recomputed_debit_pence - self.recomputed_credit_pence


@dataclass(frozen=True)
class BadTransfer:
    transfer_id: int
    agreement_id: int
    problem: str


@dataclass(frozen=True)
class BatchDifference:
    batch_id: int
    agreement_id: int
    file_name: str
    stored_rows: int
    counted_rows: int
    stored_total_pence: int
    counted_total_pence: int


@dataclass
class IntegrityReport:
    agreement_id: int | None
    transfers: int = 0
    balances: int = 0
    batches: int = 0
    differences: list[BalanceDifference] = field(default_factory=list)
    bad_transfers: list[BadTransfer] = field(default_factory=list)
    batch_differences: list[BatchDifference] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreement_id": self.agreement_id,
            "ok": self.ok,
            "checked": {
                "transfers": self.transfers,
                "balances": self.balances,
                "import_batches": self.batches,
            },
            "problems": self.problem_count,
            "differences": [
                {
                    **asdict(d),
                    "stored_pence": d.stored_pence,
                    "recomputed_pence": d.recomputed_pence,
                }
                for d in self.differences
            ],
            "bad_transfers": [asdict(b) for b in self.bad_transfers],
            "batch_differences": [asdict(b) for b in self.batch_differences],
        }


def _sides(agreement_id: int | None) -> dict[tuple[int, int], list[int]]:
    """(account id, month) -> [debits, credits, rows], recomputed from the transfers."""
    rows = Transfer.objects.all()
    if agreement_id is not None:
        rows = rows.filter(agreement_id=agreement_id)
    out: dict[tuple[int, int], list[int]] = {}
    for side, slot in (("debit_id", 0), ("credit_id", 1)):
        grouped = (
            rows.order_by()
            .values_list(side, "month")
            .annotate(total=Sum("amount_pence"), n=Count("id"))
        )
        for account_id, month, total, n in grouped:
            entry = out.setdefault((account_id, month), [0, 0, 0])
            entry[slot] += total
            entry[2] += n
    return out


def _labels(ids: set[int]) -> dict[int, tuple[int, str]]:
    found: dict[int, tuple[int, str]] = {}
    for row in Account.objects.filter(pk__in=ids).select_related("partner"):
        parts = [row.get_kind_display(), row.scheme_code]
        parts += [row.partner.code if row.partner else "", row.stream_code]
        found[row.pk] = (row.agreement_id, " · ".join(p for p in parts if p))
    return found


def _balance_differences(report: IntegrityReport, agreement_id: int | None) -> None:
    recomputed = _sides(agreement_id)
    stored_rows = Balance.objects.all()
    if agreement_id is not None:
        stored_rows = stored_rows.filter(account__agreement_id=agreement_id)
    stored = {
        (a, m): (d, c)
        for a, m, d, c in stored_rows.values_list(
            "account_id", "month", "debit_pence", "credit_pence"
        )
    }
    report.balances = len(stored)
    found: list[tuple[int, int, tuple[int, int], tuple[int, int], str]] = []
    for key in sorted(set(stored) | set(recomputed)):
        kept = stored.get(key)
        sums = recomputed.get(key)
        again = (sums[0], sums[1]) if sums else (0, 0)
        if kept is None:
            found.append((*key, (0, 0), again, "no balance"))
        elif sums is None:
            found.append((*key, kept, again, "no rows"))
        elif kept != again:
            found.append((*key, kept, again, "differs"))
    report.problem_count += len(found)
    listed = found[:LISTED]
    labels = _labels({account for account, *_ in listed})
    for account, month, kept, again, problem in listed:
        owner, label = labels.get(account, (agreement_id or 0, f"account {account} (missing)"))
        report.differences.append(
            BalanceDifference(
                agreement_id=owner,
                account_id=account,
                account=label,
                month=month_text(month),
                stored_debit_pence=kept[0],
                stored_credit_pence=kept[1],
                recomputed_debit_pence=again[0],
                recomputed_credit_pence=again[1],
                problem=problem,
            )
        )


def _bad_transfers(report: IntegrityReport, agreement_id: int | None) -> None:
    rows = Transfer.objects.all()
    if agreement_id is not None:
        rows = rows.filter(agreement_id=agreement_id)
    report.transfers = rows.count()
    rules = (
        (Q(amount_pence__lte=0), "the amount is not positive"),
        (Q(debit_id=F("credit_id")), "the same account on both sides"),
        (
            ~Q(debit__agreement_id=F("agreement_id")) | ~Q(credit__agreement_id=F("agreement_id")),
            "an account of another agreement",
        ),
    )
    for condition, problem in rules:
        broken = rows.filter(condition)
        report.problem_count += broken.count()
        for pk, owner in broken.order_by("pk").values_list("pk", "agreement_id")[:LISTED]:
            report.bad_transfers.append(BadTransfer(pk, owner, problem))
    misdated = rows.annotate(day_month=ExtractYear("day") * 100 + ExtractMonth("day")).exclude(
        month=F("day_month")
    )
    report.problem_count += misdated.count()
    for pk, owner, month, day in misdated.order_by("pk").values_list(
        "pk", "agreement_id", "month", "day"
    )[:LISTED]:
        report.bad_transfers.append(
            BadTransfer(pk, owner, f"its month {month} is not the month of its date {day}")
        )


def _batch_differences(report: IntegrityReport, agreement_id: int | None) -> None:
    """An import batch's rows and total (spend, signed: a refund line counts negative) against
    the actual lines carrying its id."""
    batches = ImportBatch.objects.all()
    lines = Transfer.objects.filter(batch_id__isnull=False, kind=core.EntryKind.ACTUAL)
    if agreement_id is not None:
        batches = batches.filter(agreement_id=agreement_id)
        lines = lines.filter(agreement_id=agreement_id)
    report.batches = batches.count()
    signed = Case(
        When(debit__kind=core.AccountKind.SPEND, then=F("amount_pence")),
        default=Value(0) - F("amount_pence"),
        output_field=IntegerField(),
    )
    counted = {
        batch: (n, total or 0)
        for batch, n, total in lines.order_by()
        .values_list("batch_id")
        .annotate(n=Count("id"), total=Sum(signed))
        .values_list("batch_id", "n", "total")
    }
    for batch in batches.order_by("pk").values_list(
        "pk", "agreement_id", "file_name", "rows", "total_pence"
    ):
        pk, owner, name, rows, total = batch
        n, summed = counted.get(pk, (0, 0))
        if (n, summed) != (rows, total):
            report.problem_count += 1
            if len(report.batch_differences) < LISTED:
                report.batch_differences.append(
                    BatchDifference(pk, owner, name, rows, n, total, summed)
                )


def check_ledger(agreement_id: int | None = None) -> IntegrityReport:
    """Recompute every balance (of one agreement, or of all) from the ledger rows and report
    every difference, broken row and import batch that does not add up."""
    report = IntegrityReport(agreement_id)
    _balance_differences(report, agreement_id)
    _bad_transfers(report, agreement_id)
    _batch_differences(report, agreement_id)
    return report


def check_for(user: User | None, agreement_id: int | str | None = None) -> IntegrityReport:
    """The check as a person may run it (the API): national assurers over the whole ledger
    or one agreement; an agreement's auditors and its host's finance officers over it."""
    if user is None or not is_active(user):
        raise Forbidden("Sign in to check the ledger")
    if agreement_id is None:
        if reads_everything(user):
            return check_ledger()
        raise Forbidden(
            "Only national assurers check every agreement's ledger at once: name an agreement"
        )
    agreement = get_agreement(user, agreement_id)
    audits = (
        user.has_role(Role.AUDITOR) and agreement.auditors.filter(pk=user.organisation_id).exists()
    )
    host_finance = (
        user.has_role(Role.FINANCE_OFFICER)
        and user.organisation_id == agreement.host_id
        and is_partner(user, agreement)
    )
    if not (reads_everything(user) or audits or host_finance):
        raise Forbidden(
            "Only the agreement's auditors, its host's finance officers and national assurers "
            "check its ledger"
        )
    return check_ledger(agreement.pk)
