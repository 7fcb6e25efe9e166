"""Partnership agreements, their partners, contributions and variations.

Partners' approvals are sign-offs (``carepool.signoff``, ``carepool.agreements.signing``).

Rows here are only written by ``carepool.agreements.services``, which validates through
``carepool.core`` and records every change in the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carepool.core.agreements import ArrangementType, ReportingFrequency
from carepool.core.contributions import InstalmentFrequency
from carepool.core.risk_share import RISK_SHARE_SCHEMA
from carepool.core.rules import Programme


class Agreement(models.Model):
    title = models.CharField(max_length=200)
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, related_name="agreements"
    )
    arrangement_type = models.CharField(
        max_length=40, choices=[(a.value, a.label) for a in ArrangementType]
    )
    programme = models.CharField(
        max_length=20,
        choices=[(p.value, p.label) for p in Programme],
        default=Programme.BCF.value,
        help_text="Whose rules the money follows (funding streams by year)",
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", through="AgreementPartner", related_name="agreements"
    )
    host = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="hosted_agreements"
    )
    auditors = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="audited_agreements",
        help_text="Audit bodies whose auditors may read this agreement and its audit trail",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    break_clause_date = models.DateField(null=True, blank=True)
    governing_board = models.CharField(max_length=200, blank=True)
    aims = models.TextField(blank=True)
    outcomes = models.JSONField(default=list, blank=True)
    functions_covered = models.TextField(blank=True)
    services_in_scope = models.TextField(blank=True)
    staff_goods_accommodation = models.TextField(blank=True)
    charges_to_people = models.TextField(blank=True)
    reporting_frequency = models.CharField(
        max_length=20, blank=True, choices=[(r.value, r.label) for r in ReportingFrequency]
    )
    risk_share = models.JSONField(default=list, blank=True)
    risk_share_schema = models.PositiveSmallIntegerField(
        default=RISK_SHARE_SCHEMA,
        help_text="The shape the risk-share provisions are stored in "
        "(carepool.core.risk_share.RISK_SHARE_SCHEMA); migrations upgrade older shapes",
    )
    overspend_protocol = models.TextField(blank=True)
    # When monitoring flags the pool (docs/monitoring.md): a forecast overspend of more than
    # this amount, or this percentage of the year's budget; neither set: any overspend.
    overspend_threshold_pence = models.BigIntegerField(null=True, blank=True)
    overspend_threshold_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    exit_terms = models.TextField(blank=True)
    audit_arrangements = models.TextField(blank=True)
    variation_procedure = models.TextField(blank=True)
    review_arrangements = models.TextField(blank=True)
    version = models.PositiveIntegerField(
        default=1,
        help_text="Goes up with every change to the agreement or anything in it "
        "(partners, contributions); a write based on an older version is refused",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area__name", "title"]

    def __str__(self) -> str:
        return self.title


class PartnerStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"


class AgreementPartner(models.Model):
    """An organisation in an agreement. One added by another partner is only invited: it sees
    the invitation and nothing else until one of its own signatories accepts."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="partnerships"
    )
    status = models.CharField(
        max_length=10, choices=PartnerStatus.choices, default=PartnerStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="partner_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.agreement}"


class Contribution(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="contributions")
    year = models.CharField(max_length=7, help_text="Financial year, like 2024-25")
    partner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="contributions"
    )
    stream_code = models.CharField(max_length=50)
    mandated = models.BooleanField(help_text="Counts towards the national minimum")
    original_amount_pence = models.BigIntegerField()
    frequency = models.CharField(
        max_length=20, choices=[(f.value, f.label) for f in InstalmentFrequency]
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every change (frequency, variations)"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "partner__name", "stream_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "partner", "stream_code", "mandated"],
                name="one_contribution_per_partner_stream_year",
            ),
            models.CheckConstraint(
                condition=models.Q(original_amount_pence__gte=0), name="contribution_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.name}: {self.stream_code} {self.year}"


class ContributionVariation(models.Model):
    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, related_name="variations"
    )
    effective_date = models.DateField()
    change_pence = models.BigIntegerField()
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    class Meta:
        ordering = ["effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.contribution}: change of {self.change_pence}p from {self.effective_date}"
