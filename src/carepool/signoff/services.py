"""Recording and withdrawing sign-offs. Callers lock the subject's row first, so two people
signing or changing the same subject take turns; the rules are in ``carepool.core.signoff``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, require_role
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, record, record_many
from carepool.core.errors import ValidationFailed
from carepool.core.signoff import Outcome, SignOffRecord, Stage, Subject, check_sign
from carepool.signoff.models import SignOff

if TYPE_CHECKING:
    from carepool.accounts.models import User

# Who may sign at each stage, and what the refusal says.
STAGE_ROLES = {
    Stage.PARTNER: (Role.SIGNATORY, "approve as a partner"),
    Stage.BOARD: (Role.BOARD_OFFICER, "record the board's approval"),
    Stage.NATIONAL: (Role.NATIONAL_ASSURER, "record the national assurance outcome"),
}


@dataclass(frozen=True)
class SubjectRef:
    """A subject as stored: its kind and id, the agreement it sits under, and its state."""

    kind: str
    id: int
    agreement_id: int
    subject: Subject


def may_sign(user: User, ref: SubjectRef, stage: Stage) -> bool:
    """Whether ``sign`` would accept this user's sign-off of the subject's current version
    at ``stage`` now: so a page offers only the buttons that would work."""
    role, _ = STAGE_ROLES[stage]
    if not user.has_role(role):
        return False
    code = user.organisation.code
    if stage is Stage.BOARD and code not in ref.subject.partners:
        return False
    try:
        check_sign(
            ref.subject,
            as_records(sign_offs_of(ref.kind, ref.id)),
            stage,
            code,
            user.organisation.name,
            ref.subject.version,
        )
    except ValidationFailed:
        return False
    return True


def sign_offs_of(kind: str, subject_id: int) -> QuerySet[SignOff]:
    return SignOff.objects.filter(subject_kind=kind, subject_id=subject_id).select_related(
        "organisation", "signed_by"
    )


def as_records(rows: QuerySet[SignOff] | list[SignOff]) -> list[SignOffRecord]:
    return [
        SignOffRecord(
            Stage(r.stage),
            r.organisation.code,
            r.version,
            r.content_hash,
            Outcome(r.outcome),
            r.withdrawn_at is not None,
        )
        for r in rows
    ]


@transaction.atomic
def sign(
    actor: Actor,
    ref: SubjectRef,
    stage: Stage,
    version: int,
    content_hash: str | None = None,
    outcome: Outcome = Outcome.APPROVED,
    reasons: str = "",
) -> SignOff:
    """Record one sign-off of the subject's current version, or refuse and change nothing."""
    user = actor.user
    if user is None:
        raise Forbidden("A sign-off is given by a named person, not by the system")
    role, doing = STAGE_ROLES[stage]
    require_role(user, role, doing)
    if stage is Stage.NATIONAL and outcome is not Outcome.APPROVED and not reasons.strip():
        raise ValidationFailed.single(
            "reasons", f"Give the reasons for the outcome '{outcome.label.lower()}'"
        )
    if stage is Stage.BOARD and user.organisation.code not in ref.subject.partners:
        raise Forbidden(
            f"Only a board officer of a partner of {ref.subject.label} can record the board's "
            "approval"
        )
    check_sign(
        ref.subject,
        as_records(sign_offs_of(ref.kind, ref.id)),
        stage,
        user.organisation.code,
        user.organisation.name,
        version,
        content_hash,
        outcome,
    )
    try:
        with transaction.atomic():
            row = SignOff.objects.create(
                subject_kind=ref.kind,
                subject_id=ref.id,
                agreement_id=ref.agreement_id,
                version=version,
                content_hash=ref.subject.content_hash,
                stage=stage.value,
                organisation=user.organisation,
                signed_by=user,
                outcome=outcome.value,
                reasons=reasons.strip(),
            )
    except IntegrityError:  # the same organisation signed a moment ago, in another request
        raise ValidationFailed.single(
            "version",
            f"{user.organisation.name} has already signed version {version} of {ref.subject.label}",
        ) from None
    what = {
        Stage.PARTNER: f"{user.organisation.name} approved",
        Stage.BOARD: "The board's approval was recorded for",
        Stage.NATIONAL: f"National assurance recorded '{outcome.label.lower()}' for",
    }[stage]
    record(
        actor,
        Change(
            Action.APPROVE,
            "sign_off",
            row.pk,
            f"{stage.label} of {ref.subject.label}",
            {
                "signed_by": [None, user.display_name],
                "version": [None, version],
                "content_hash": [None, ref.subject.content_hash],
                "outcome": [None, outcome.label],
                **({"reasons": [None, row.reasons]} if row.reasons else {}),
            },
            ref.agreement_id,
            summary=f"{what} version {version} of {ref.subject.label}",
        ),
    )
    return row


def withdraw_standing(actor: Actor, ref: SubjectRef, because: str) -> int:
    """Withdraw every standing sign-off of the subject (they keep naming what they approved).

    Call inside the transaction that changes the subject, after locking it.
    """
    rows = list(
        sign_offs_of(ref.kind, ref.id)
        .filter(withdrawn_at__isnull=True)
        .select_for_update(of=("self",))
    )
    if not rows:
        return 0
    now = timezone.now()
    SignOff.objects.filter(pk__in=[r.pk for r in rows]).update(
        withdrawn_at=now, withdrawn_because=because[:300]
    )
    record_many(
        actor,
        [
            Change(
                Action.WITHDRAW_APPROVAL,
                "sign_off",
                r.pk,
                f"{Stage(r.stage).label} of {ref.subject.label} by {r.organisation.name}",
                {"withdrawn_because": [None, because]},
                ref.agreement_id,
                summary=f"Sign-off of version {r.version} withdrawn because {because}",
            )
            for r in rows
        ],
    )
    return len(rows)
