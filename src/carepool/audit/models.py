"""The append-only audit trail.

Rows are only ever inserted (by ``carepool.audit.services.record``). Updates and deletes are
refused three times over: by the model, by the queryset, and by database triggers installed
in the migrations, so even raw SQL cannot rewrite history without first dropping them.

Each event is also a link in a hash chain (``sequence``, ``previous_hash``, ``hash``; see
``carepool.core.audit_chain``), so someone who does drop the triggers and edits, deletes or
inserts rows is caught by ``carepool audit verify`` (``carepool.audit.verify``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class Interface(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    CLI = "cli", "Command line"
    IMPORT = "import", "Import"
    SYSTEM = "system", "System"


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    APPROVE = "approve", "Approved"
    WITHDRAW_APPROVAL = "withdraw_approval", "Approval withdrawn"


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit trail is append-only")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("The audit trail is append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, help_text="Kept as it was at the time")
    actor_organisation = models.CharField(max_length=200, blank=True)
    interface = models.CharField(max_length=10, choices=Interface.choices)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, db_index=True)
    object_id = models.CharField(max_length=50, db_index=True)
    object_repr = models.CharField(max_length=300)
    # Not a foreign key: the trail must outlive the agreement it describes.
    agreement_id = models.BigIntegerField(null=True, db_index=True)
    changes = models.JSONField(default=dict, help_text="field -> [before, after]")
    summary = models.CharField(max_length=300, blank=True)
    # The hash chain, filled in by ``services.record``/``record_many`` and never by hand.
    sequence = models.PositiveBigIntegerField(
        unique=True, editable=False, help_text="Place in the one chain of events: 1, 2, 3 ..."
    )
    previous_hash = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the event before (hex)"
    )
    hash = models.CharField(
        max_length=64,
        editable=False,
        help_text="SHA-256 of this event's content and previous_hash (hex)",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit trail is append-only")
