"""Contributions: what each partner puts in, their instalments and variations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from carepool.agreements.models import Contribution, ContributionVariation, PartnerStatus
from carepool.agreements.selectors import to_core_contribution
from carepool.agreements.services._loading import (
    _load_agreement,
    _load_contribution,
    require_editor,
    require_money_editor,
)
from carepool.agreements.services._snapshots import contribution_snapshot
from carepool.agreements.services.approvals import _withdraw_approvals
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, diff, record
from carepool.concurrency import bump, changed_fields, field_values
from carepool.core import parse
from carepool.core.commands import draft_contribution_variation, draft_new_contribution
from carepool.core.contributions import (
    InstalmentFrequency,
    Variation,
    validate_contribution,
    validate_variation,
)
from carepool.core.errors import ValidationFailed
from carepool.core.rules import Programme, load_rules


@transaction.atomic
def add_contribution(
    actor: Actor, agreement_id: int | str, data: Mapping[str, Any], expected_version: Any = None
) -> Contribution:
    """Record what a partner puts in for a year from a stream. The partner must have accepted
    its invitation; its own finance officers or the host's record it."""
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    draft, errors = draft_new_contribution(data)
    year, amount, mandated = draft.year, draft.amount, draft.mandated
    frequency, stream_code, partner_code = draft.frequency, draft.stream_code, draft.partner_code

    def attempt(fn: Any) -> Any:
        try:
            return fn()
        except ValidationFailed as exc:
            errors.extend(exc)
            return None

    partnership = (
        agreement.partnerships.select_related("organisation")
        .filter(organisation__code=partner_code)
        .first()
        if partner_code
        else None
    )
    partner = partnership.organisation if partnership else None
    if partnership is None:
        if partner_code:  # a blank code is already reported by the draft
            errors.add("partner", f"'{partner_code}' is not a partner in this agreement")
    elif partnership.status != PartnerStatus.ACCEPTED:
        errors.add(
            "partner",
            f"{partnership.organisation.name} has not yet accepted the invitation to this "
            "agreement; its contributions can be recorded once one of its signatories accepts",
        )
        partner = None
    if partner is not None:
        require_money_editor(actor, agreement, partner)
    programme = Programme(agreement.programme)
    rules = attempt(lambda: load_rules().for_year(year, programme)) if year else None
    if year and (year.end < agreement.start_date or year.start > agreement.end_date):
        errors.add(
            "year",
            f"{year.label} is outside the agreement's term ({agreement.start_date} to {agreement.end_date})",
        )
    if rules and partner and stream_code and amount is not None and mandated is not None:
        attempt(lambda: validate_contribution(rules, partner.type, stream_code, mandated, amount))
    errors.raise_if_any()
    # Every problem was raised above, so each value was read.
    assert year is not None
    assert amount is not None
    assert mandated is not None
    assert frequency is not None
    assert partner is not None
    if agreement.contributions.filter(
        year=year.label, partner=partner, stream_code=stream_code, mandated=mandated
    ).exists():
        raise ValidationFailed.single(
            "funding_stream",
            f"{partner.name} already has {'a mandated' if mandated else 'an additional'} "
            f"contribution from the {rules.stream(stream_code).name if rules else stream_code} "
            f"in {year.label}; vary that one instead",
        )
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                agreement=agreement,
                year=year.label,
                partner=partner,
                stream_code=stream_code,
                mandated=mandated,
                original_amount_pence=amount.pence,
                frequency=frequency.value,
            )
    except IntegrityError:  # a concurrent duplicate slipped past the check above
        raise ValidationFailed.single(
            "funding_stream", "This contribution has just been recorded by someone else"
        ) from None
    bump(agreement, "agreement")
    record(
        actor,
        Change(
            Action.CREATE,
            "contribution",
            contribution.pk,
            str(contribution),
            diff({}, contribution_snapshot(contribution)),
            agreement.pk,
        ),
    )
    _withdraw_approvals(actor, agreement, "a contribution was added")
    return contribution


@transaction.atomic
def update_contribution(
    actor: Actor, contribution_id: int | str, data: Mapping[str, Any], expected_version: Any = None
) -> Contribution:
    """Only the instalment frequency is edited in place; amounts change through variations.

    A change withdraws the partners' approvals, as any change to the money does.
    """
    contribution = _load_contribution(actor, contribution_id, expected_version)
    require_money_editor(actor, contribution.agreement, contribution.partner)
    parse.check_storable(data)
    for key in data:
        if key != "frequency":
            raise ValidationFailed.single(
                key,
                "cannot be edited; record a variation to change the amount, or remove the contribution and add it again"
                if key in ("amount", "original_amount")
                else "cannot be edited once recorded",
            )
    before = contribution_snapshot(contribution)
    stored = field_values(contribution, ["frequency"])
    contribution.frequency = parse.choice(
        data.get("frequency"), InstalmentFrequency, "frequency"
    ).value
    written = changed_fields(contribution, stored)
    if written:
        bump(contribution, "contribution", {"frequency": contribution.frequency})
        bump(contribution.agreement, "agreement")
    changes = diff(before, contribution_snapshot(contribution))
    if changes:
        record(
            actor,
            Change(
                Action.UPDATE,
                "contribution",
                contribution.pk,
                str(contribution),
                changes,
                contribution.agreement_id,
            ),
        )
        _withdraw_approvals(actor, contribution.agreement, "a contribution's instalments changed")
    return contribution


@transaction.atomic
def vary_contribution(
    actor: Actor, contribution_id: int | str, data: Mapping[str, Any], expected_version: Any = None
) -> ContributionVariation:
    """Record a change to a contribution from a date. Give ``change`` (+/- pounds) or ``new_amount``."""
    # Locked, and its variations read under the lock, so that two reductions at once cannot
    # both pass the "not below £0" check.
    contribution = _load_contribution(actor, contribution_id, expected_version)
    require_money_editor(actor, contribution.agreement, contribution.partner)
    draft, errors = draft_contribution_variation(data)
    effective, reason, change = draft.effective_date, draft.reason, draft.change
    core = to_core_contribution(contribution)
    if draft.new_amount is not None and effective is not None:
        change = draft.new_amount - core.amount_at(effective)
    if effective is not None and change is not None:
        try:
            validate_variation(core, Variation(effective, change, reason))
        except ValidationFailed as exc:
            for problem in exc.errors:
                if problem.field not in errors.fields:
                    errors.add(problem.field, problem.message)
    elif not reason and "reason" not in errors.fields:
        errors.add("reason", "Give the reason for the variation")
    errors.raise_if_any()
    assert effective is not None  # every problem was raised above
    assert change is not None
    variation = ContributionVariation.objects.create(
        contribution=contribution,
        effective_date=effective,
        change_pence=change.pence,
        reason=reason,
        created_by=actor.user,
    )
    bump(contribution, "contribution")
    bump(contribution.agreement, "agreement")
    record(
        actor,
        Change(
            Action.CREATE,
            "contribution_variation",
            variation.pk,
            f"Variation to {contribution}",
            {
                "amount": [core.amount.plain(), (core.amount + change).plain()],
                "effective_date": [None, effective.isoformat()],
                "reason": [None, reason],
            },
            contribution.agreement_id,
            summary=f"{contribution} varied by {change} from {effective:%d %B %Y}",
        ),
    )
    _withdraw_approvals(actor, contribution.agreement, "a contribution was varied")
    return variation


@transaction.atomic
def delete_contribution(
    actor: Actor, contribution_id: int | str, expected_version: Any = None
) -> None:
    contribution = _load_contribution(actor, contribution_id, expected_version)
    agreement = contribution.agreement
    require_money_editor(actor, agreement, contribution.partner)
    if contribution.variations.exists():
        raise ValidationFailed.single(
            "contribution",
            "A contribution with variations keeps its history; vary it to £0 instead of deleting it",
        )
    before = contribution_snapshot(contribution)
    pk, label = contribution.pk, str(contribution)
    contribution.delete()
    bump(agreement, "agreement")
    record(actor, Change(Action.DELETE, "contribution", pk, label, diff(before, {}), agreement.pk))
    _withdraw_approvals(actor, agreement, "a contribution was removed")
