"""The pool's ledger as stored (docs/adr/0019-ledger.md; the rules are in core/ledger.py).

``Transfer`` rows are immutable once posted: a correction is a new transfer that names the one
it corrects or reverses. ``Balance`` keeps each account's debits and credits per month,
updated in the same transaction as the transfers, so reports never sum millions of rows;
``carepool ledger check`` recomputes them from the transfers and reports any difference.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from carepool.core.ledger import AccountKind, EntryKind


class Scheme(models.Model):
    """A scheme the pool spends on. Filled from the year's plan (its scheme ids), or named
    directly for a pool that has no yearly plan (a Section 75 pool outside the BCF)."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="ledger_schemes"
    )
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], name="one_scheme_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Account(models.Model):
    """An account of one agreement's ledger; the dimensions its kind needs, no others."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    kind = models.CharField(max_length=12, choices=[(k.value, k.label) for k in AccountKind])
    scheme_code = models.CharField(max_length=20, blank=True)
    partner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stream_code = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["agreement", "kind", "scheme_code", "partner", "stream_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "scheme_code", "partner", "stream_code"],
                condition=Q(partner__isnull=False),
                name="one_account_per_key_with_partner",
            ),
            models.UniqueConstraint(
                fields=["agreement", "kind", "scheme_code", "stream_code"],
                condition=Q(partner__isnull=True),
                name="one_account_per_key_without_partner",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.get_kind_display(), self.scheme_code, self.stream_code]
        return " · ".join(p for p in parts if p)


class ImportBatch(models.Model):
    """One file of a partner's monthly actuals, imported whole or not at all.

    Active batches are those not replaced: one per agreement, month and source partner.
    """

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="ledger_imports"
    )
    month = models.IntegerField(help_text="Calendar month as yyyymm, like 202410")
    source = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partner whose ledger the file was exported from",
    )
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    total_pence = models.BigIntegerField()
    interface = models.CharField(max_length=10)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_by_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "month", "imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "month", "source"],
                condition=Q(replaced_by__isnull=True),
                name="one_active_import_per_month_and_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.month})"


class Transfer(models.Model):
    """One ledger row: ``amount_pence`` (> 0) from ``credit`` to ``debit``. Never changed."""

    id = models.BigAutoField(primary_key=True)
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Transfers posted as one multi-leg entry share the id of the entry's first transfer.
    entry = models.BigIntegerField(null=True, blank=True)
    debit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    credit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    amount_pence = models.BigIntegerField()
    day = models.DateField()
    month = models.IntegerField(help_text="Calendar month of ``day`` as yyyymm")
    kind = models.CharField(max_length=12, choices=[(k.value, k.label) for k in EntryKind])
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    line = models.PositiveIntegerField(null=True, blank=True, help_text="Line in the file")
    provider = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    person = models.CharField(max_length=64, blank=True)
    order_ref = models.CharField(max_length=100, blank=True, help_text="Commitment it releases")
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["debit", "month"], name="transfer_debit_month"),
            models.Index(fields=["credit", "month"], name="transfer_credit_month"),
            models.Index(fields=["batch"], name="transfer_batch"),
            # A line's page lists its corrections; few lines have any.
            models.Index(
                fields=["corrects"],
                condition=Q(corrects__isnull=False),
                name="transfer_corrects",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0), name="transfer_amount_positive"
            ),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="transfer_two_accounts"),
        ]

    def __str__(self) -> str:
        return f"transfer {self.id}: {self.amount_pence}p {self.credit_id}->{self.debit_id}"


class Balance(models.Model):
    """An account's debits and credits in one month, kept with every posting."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="balances")
    month = models.IntegerField()
    debit_pence = models.BigIntegerField(default=0)
    credit_pence = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["account", "month"]
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="one_balance_per_month")
        ]

    def __str__(self) -> str:
        return f"account {self.account_id} {self.month}: {self.net_pence}p"

    @property
    def net_pence(self) -> int:
        return self.debit_pence - self.credit_pence


class ClosedMonth(models.Model):
    """A closed month: nothing is posted into it. Re-opening deletes the row (audited)."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="closed_months"
    )
    month = models.IntegerField()
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    class Meta:
        ordering = ["agreement", "month"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "month"], name="one_close_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month} closed"


class ForecastOverride(models.Model):
    """A finance lead's own forecast outturn for a scheme's year, with the reason."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="+"
    )
    year = models.CharField(max_length=7)
    scheme_code = models.CharField(max_length=20)
    amount_pence = models.BigIntegerField()
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "scheme_code"], name="one_override_per_scheme_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.scheme_code} forecast override"


class VarianceNote(models.Model):
    """Why a scheme's figures differ from its budget, as explained for one month."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="+"
    )
    month = models.IntegerField()
    scheme_code = models.CharField(max_length=20)
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    written_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "month", "scheme_code"], name="one_note_per_scheme_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.scheme_code} variance note"


class ActionPlan(models.Model):
    """The pool manager's action plan once a forecast overspend crossed the threshold."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="+"
    )
    month = models.IntegerField()
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["agreement", "month", "written_at"]

    def __str__(self) -> str:
        return f"{self.month} action plan"
