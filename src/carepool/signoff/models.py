"""A sign-off names exactly what it approved: subject kind and id, version and content hash.

Rows are written only by ``carepool.signoff.services``. A withdrawn sign-off stays, with when
and why, so the history of who approved which version is never lost.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carepool.core.signoff import Outcome, Stage


class SignOff(models.Model):
    subject_kind = models.CharField(max_length=30)
    subject_id = models.PositiveBigIntegerField()
    # For listing an agreement's history with everything signed under it.
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="sign_offs"
    )
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    stage = models.CharField(max_length=20, choices=[(s.value, s.label) for s in Stage])
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    outcome = models.CharField(
        max_length=30, choices=[(o.value, o.label) for o in Outcome], default=Outcome.APPROVED
    )
    reasons = models.TextField(blank=True)
    signed_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_because = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        indexes = [models.Index(fields=["subject_kind", "subject_id"])]
        constraints = [
            # One standing sign-off per organisation and stage for a version: two signatories
            # of one partner clicking at once make one approval, not two.
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id", "version", "stage", "organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_standing_signoff_per_stage_and_organisation",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_stage_display()} of {self.subject_kind} {self.subject_id} "
            f"v{self.version} by {self.organisation_id}"
        )
