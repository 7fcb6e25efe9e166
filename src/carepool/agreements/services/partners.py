"""Partners of an agreement: the partner set, invitations and their answers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, require_role
from carepool.agreements.models import Agreement, AgreementPartner, PartnerStatus
from carepool.agreements.selectors import get_invitation
from carepool.agreements.services._snapshots import agreement_snapshot
from carepool.agreements.services.approvals import _withdraw_approvals
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, diff, record
from carepool.concurrency import bump, locked
from carepool.core.errors import ValidationFailed
from carepool.organisations.models import Organisation


def _set_partners(
    actor: Actor,
    agreement: Agreement,
    partners: dict[str, Organisation],
    auditors: dict[str, Organisation],
) -> bool:
    """Make the partners and auditors those given; True when anything changed.

    A new partner is invited, and sees nothing of the agreement until one of its signatories
    accepts; the organisation of the person making the change, and partners loaded by the
    system (imports, the demo), are partners at once.
    """
    current = set(agreement.partnerships.values_list("organisation__code", flat=True))
    leaving = current - set(partners)
    with_money = set(
        agreement.contributions.filter(partner__code__in=leaving).values_list(
            "partner__code", flat=True
        )
    )
    if with_money:
        raise ValidationFailed.single(
            "partners",
            "These partners have contributions recorded and cannot be removed: "
            + ", ".join(sorted(with_money)),
        )
    agreement.partnerships.filter(organisation__code__in=leaving).delete()
    now = timezone.now()
    own = actor.user.organisation_id if actor.user is not None else None
    joining = [partners[c] for c in sorted(set(partners) - current)]
    AgreementPartner.objects.bulk_create(
        [
            AgreementPartner(
                agreement=agreement,
                organisation=org,
                status=PartnerStatus.INVITED
                if actor.user is not None and org.pk != own
                else PartnerStatus.ACCEPTED,
                invited_by=actor.user,
                invited_at=now,
                accepted_by=actor.user if org.pk == own else None,
                accepted_at=now if actor.user is None or org.pk == own else None,
            )
            for org in joining
        ]
    )
    auditors_before = set(agreement.auditors.values_list("pk", flat=True))
    auditors_after = {o.pk for o in auditors.values()}
    if auditors_before != auditors_after:
        agreement.auditors.set(list(auditors.values()))
    return bool(leaving or joining or auditors_before != auditors_after)


def _answer_invitation(actor: Actor, agreement_id: int | str, verb: str) -> AgreementPartner:
    user = actor.user
    if user is None:
        raise Forbidden("Invitations are answered by a named signatory, not by the system")
    invitation = get_invitation(user, agreement_id)
    require_role(user, Role.SIGNATORY, f"{verb} invitations")
    # Lock the agreement, then read the invitation again under the lock: a second answer
    # given at the same moment finds it already answered.
    locked(Agreement.objects.all(), invitation.agreement_id)
    return get_invitation(user, agreement_id)


@transaction.atomic
def accept_invitation(actor: Actor, agreement_id: int | str) -> AgreementPartner:
    """A signatory of an invited organisation accepts: it becomes a partner and sees the
    agreement. Nothing in the agreement's terms changes, so approvals stand."""
    invitation = _answer_invitation(actor, agreement_id, "accept")
    assert actor.user is not None
    invitation.status = PartnerStatus.ACCEPTED
    invitation.accepted_by = actor.user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
    name = invitation.organisation.name
    record(
        actor,
        Change(
            Action.UPDATE,
            "agreement_partner",
            invitation.pk,
            f"{name} in {invitation.agreement.title}",
            {"status": [PartnerStatus.INVITED.value, PartnerStatus.ACCEPTED.value]},
            invitation.agreement_id,
            summary=f"{name} accepted the invitation to join the agreement",
        ),
    )
    return invitation


@transaction.atomic
def decline_invitation(actor: Actor, agreement_id: int | str) -> None:
    """A signatory of an invited organisation declines: it is no longer a partner. The
    partners listed change, so the agreement's version goes up and approvals are withdrawn."""
    invitation = _answer_invitation(actor, agreement_id, "decline")
    agreement = Agreement.objects.select_related("area", "host").get(pk=invitation.agreement_id)
    name = invitation.organisation.name
    if agreement.host_id == invitation.organisation_id:
        raise ValidationFailed.single(
            "agreement",
            f"{name} is named as the host of this agreement; ask the partners to choose "
            "another host before declining",
        )
    before = agreement_snapshot(agreement)
    invitation.delete()
    bump(agreement, "agreement")
    record(
        actor,
        Change(
            Action.UPDATE,
            "agreement",
            agreement.pk,
            agreement.title,
            diff(before, agreement_snapshot(agreement)),
            agreement.pk,
            summary=f"{name} declined the invitation to join the agreement",
        ),
    )
    _withdraw_approvals(actor, agreement, f"{name} declined to join")
