"""Reading the audit trail, scoped to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from carepool.audit.models import AuditEvent

if TYPE_CHECKING:
    from carepool.accounts.models import User


def history_for_agreement(agreement_id: int) -> QuerySet[AuditEvent]:
    """Every event about the agreement and the things inside it (partners, contributions...).

    Callers must already have checked that the user may see the agreement.
    """
    return AuditEvent.objects.filter(agreement_id=agreement_id).select_related("actor")


def history_for_object(object_type: str, object_id: str | int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))


def events_by(user: User) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(actor=user)
