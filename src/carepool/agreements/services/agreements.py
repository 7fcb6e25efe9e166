"""Creating, changing and deleting agreements' terms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from carepool.accounts.models import Role
from carepool.accounts.permissions import require_role
from carepool.agreements import signing
from carepool.agreements.models import Agreement
from carepool.agreements.selectors import contribution_years
from carepool.agreements.services._loading import (
    _load_agreement,
    _require_own_organisation_among,
    require_editor,
)
from carepool.agreements.services._snapshots import (
    AGREEMENT_FIELDS,
    TEXT_FIELDS,
    agreement_snapshot,
)
from carepool.agreements.services.approvals import _withdraw_approvals
from carepool.agreements.services.partners import _set_partners
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, diff, record
from carepool.concurrency import bump, changed_fields, field_values
from carepool.core.agreements import AgreementTerms, validate_terms
from carepool.core.commands import draft_agreement
from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.risk_share import RISK_SHARE_SCHEMA
from carepool.core.rules import Programme
from carepool.organisations.models import Area, Organisation


def _organisations(
    codes: tuple[str, ...], field: str, errors: ErrorCollector
) -> dict[str, Organisation]:
    found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            errors.add(field, f"'{code}' is not a known organisation code")
    return found


def _text_limits() -> dict[str, int | None]:
    # Each free-text term's column limit (governing_board is 200 characters), which
    # PostgreSQL enforces; the others are unlimited text.
    return {
        field: getattr(Agreement._meta.get_field(field), "max_length", None)
        for field in TEXT_FIELDS
    }


def _clean_agreement(data: Mapping[str, Any]) -> tuple[AgreementTerms, dict[str, Any]]:
    """Validate a whole agreement: the core reads the terms (``draft_agreement``); this adds
    what needs the database (the area and organisations exist) and the agreement's own rules,
    all reported at once. Returns the core terms and the model values to store."""
    draft, errors = draft_agreement(data, _text_limits())
    area = Area.objects.filter(code=draft.area_code).first() if draft.area_code else None
    if area is None:
        errors.add(
            "area",
            f"'{draft.area_code}' is not a known area code"
            if draft.area_code
            else "Choose the area the agreement serves",
        )
    partners = _organisations(draft.partner_codes, "partners", errors)
    auditors = _organisations(draft.auditor_codes, "auditors", errors)
    host = Organisation.objects.filter(code=draft.host_code).first() if draft.host_code else None
    if host is None:
        errors.add(
            "host",
            f"'{draft.host_code}' is not a known organisation code"
            if draft.host_code
            else "Choose the host partner",
        )
    if draft.start_date is None or draft.end_date is None:
        errors.raise_if_any()  # the term's rules cannot be checked without both dates
    # Check the agreement's rules even when some fields were unreadable, so the person sees
    # every problem at once; a field already in error is not reported twice.
    terms = draft.terms()
    already = errors.fields
    for rule_error in validate_terms(terms).errors:
        if rule_error.field not in already:
            errors.add(rule_error.field, rule_error.message)
    errors.raise_if_any()
    assert draft.programme is not None
    assert draft.arrangement_type is not None
    values: dict[str, Any] = dict(
        title=draft.title,
        area=area,
        programme=draft.programme.value,
        arrangement_type=draft.arrangement_type.value,
        host=host,
        start_date=draft.start_date,
        end_date=draft.end_date,
        break_clause_date=draft.break_clause_date,
        outcomes=list(draft.outcomes),
        reporting_frequency=draft.reporting_frequency.value if draft.reporting_frequency else "",
        risk_share=[p.to_dict() for p in draft.risk_share],
        risk_share_schema=RISK_SHARE_SCHEMA,
        overspend_threshold_pence=None
        if draft.overspend_threshold is None
        else draft.overspend_threshold.pence,
        overspend_threshold_percent=draft.overspend_threshold_percent,
        **draft.texts,
    )
    return terms, {"fields": values, "partners": partners, "auditors": auditors}


@transaction.atomic
def create_agreement(actor: Actor, data: Mapping[str, Any]) -> Agreement:
    if actor.user is not None:
        require_role(actor.user, Role.FINANCE_OFFICER, "create agreements")
    terms, cleaned = _clean_agreement(data)
    _require_own_organisation_among(actor, terms.partner_codes)
    agreement = Agreement.objects.create(**cleaned["fields"])
    _set_partners(actor, agreement, cleaned["partners"], cleaned["auditors"])
    record(
        actor,
        Change(
            Action.CREATE,
            "agreement",
            agreement.pk,
            agreement.title,
            diff({}, agreement_snapshot(agreement)),
            agreement.pk,
        ),
    )
    return agreement


def _refuse_term_leaving_money_behind(agreement: Agreement, terms: AgreementTerms) -> None:
    errors = ErrorCollector()
    for year in contribution_years(agreement):
        if year.end < terms.start_date:
            errors.add(
                "start_date",
                f"Contributions are recorded for {year.label}, which would end before the term starts",
            )
        elif year.start > terms.end_date:
            errors.add(
                "end_date",
                f"Contributions are recorded for {year.label}, which would start after the term ends",
            )
    errors.raise_if_any()


@transaction.atomic
def update_agreement(
    actor: Actor,
    agreement_id: int | str,
    data: Mapping[str, Any],
    expected_version: Any = None,
    *,
    confirm_area_change: bool = False,
) -> Agreement:
    """Change some or all of an agreement's terms. Fields not given keep their values.

    Only the fields that changed are written. ``expected_version``: the version the writer
    last read; when given and the agreement has changed since, ``Conflict`` and nothing saved.
    """
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    unknown = sorted(set(data) - set(AGREEMENT_FIELDS))
    if unknown:
        raise ValidationFailed.single(unknown[0], "is not a field of an agreement")
    before = agreement_snapshot(agreement)
    merged = {**before, **data}
    terms, cleaned = _clean_agreement(merged)
    _require_own_organisation_among(actor, terms.partner_codes)
    _refuse_term_leaving_money_behind(agreement, terms)
    new_area = cleaned["fields"]["area"]
    if new_area.pk != agreement.area_id and not confirm_area_change:
        raise ValidationFailed.single(
            "area",
            f"Moving this agreement from {agreement.area.name} to {new_area.name} changes "
            "whose plan and pooled fund it is: confirm the move to save it",
        )
    if cleaned["fields"]["programme"] != agreement.programme and agreement.contributions.exists():
        raise ValidationFailed.single(
            "programme",
            f"Contributions are recorded against the {Programme(agreement.programme).label}'s "
            "funding streams, so the programme cannot change while they are there",
        )
    stored = field_values(agreement, cleaned["fields"])
    for key, value in cleaned["fields"].items():
        setattr(agreement, key, value)
    written = changed_fields(agreement, stored)
    partners_changed = _set_partners(actor, agreement, cleaned["partners"], cleaned["auditors"])
    if written or partners_changed:
        bump(agreement, "agreement", {name: getattr(agreement, name) for name in written})
    changes = diff(before, agreement_snapshot(agreement))
    if changes:
        record(
            actor,
            Change(
                Action.UPDATE, "agreement", agreement.pk, agreement.title, changes, agreement.pk
            ),
        )
        _withdraw_approvals(actor, agreement, "the agreement's terms changed")
    return agreement


@transaction.atomic
def delete_agreement(actor: Actor, agreement_id: int | str, expected_version: Any = None) -> None:
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    if agreement.contributions.exists():
        raise ValidationFailed.single(
            "agreement", "An agreement with contributions cannot be deleted"
        )
    if signing.standing(agreement).exists():
        raise ValidationFailed.single(
            "agreement",
            "A partner has approved this agreement, so one partner alone cannot delete it",
        )
    if agreement.plans.exists():
        raise ValidationFailed.single(
            "agreement", "An agreement that funds a yearly plan cannot be deleted"
        )
    before = agreement_snapshot(agreement)
    pk = agreement.pk
    agreement.delete()
    record(actor, Change(Action.DELETE, "agreement", pk, before["title"], diff(before, {}), pk))
