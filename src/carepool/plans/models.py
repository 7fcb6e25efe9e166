"""Yearly plans, their versions, and the per-area minimum allocations they are checked against.

Rows are written only by ``carepool.plans.services``. A version's content is the canonical
JSON of ``carepool.core.plans.PlanContent`` with its SHA-256 hash; once anyone has signed a
version it is frozen (a database trigger refuses any change to its content), and a change
makes a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carepool.core.rules import Programme


class AllocationBatch(models.Model):
    """One imported allocations file: the year's per-area minimums, replacing any before."""

    programme = models.CharField(
        max_length=20, choices=[(p.value, p.label) for p in Programme], default="bcf"
    )
    year = models.CharField(max_length=7)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    national_total_pence = models.BigIntegerField()
    rows = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text="The published document, as stated")
    imported_by = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"Allocations {self.programme} {self.year} from {self.file_name}"


class MinimumAllocation(models.Model):
    batch = models.ForeignKey(AllocationBatch, on_delete=models.CASCADE, related_name="lines")
    programme = models.CharField(max_length=20, default="bcf")
    year = models.CharField(max_length=7)
    area = models.ForeignKey("organisations.Area", on_delete=models.PROTECT)
    line_code = models.CharField(max_length=50)
    amount_pence = models.BigIntegerField()

    class Meta:
        ordering = ["area__name", "line_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "area", "line_code"], name="one_allocation_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.area_id} {self.line_code}: {self.amount_pence}p"


class Plan(models.Model):
    """The plan of one area for one year, under the pooled fund agreement that funds it."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="plans"
    )
    area = models.ForeignKey("organisations.Area", on_delete=models.PROTECT, related_name="plans")
    programme = models.CharField(max_length=20, default="bcf")
    year = models.CharField(max_length=7)
    # Raised by every write to the plan or its current version (optimistic concurrency).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "area", "year"], name="one_plan_per_area_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} plan for {self.area}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    # Recorded justifications of failed checks the year's rules allow: {requirement id: text}.
    justifications = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set at the first sign-off; a trigger then refuses any change to content or hash.
    frozen = models.BooleanField(default=False)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.plan} version {self.number}"
