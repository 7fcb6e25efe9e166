"""Writing what monthly monitoring records beside the figures: forecast overrides, variance
explanations and action plans (docs/monitoring.md).

Each write validates its input (every problem named by field, nothing written on error),
takes the agreement's row lock, runs in one transaction and records one audit event. Only a
partner's finance officers write (``require_editor``). An action plan may be recorded at any
time; monitoring asks for one whenever the pool is flagged for a month and none exists.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from carepool.agreements.models import Agreement
from carepool.agreements.services._loading import _load_agreement, require_editor
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, diff, record
from carepool.core import ledger as core_ledger
from carepool.core import parse
from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.money import Money
from carepool.ledger.models import Account, ActionPlan, ForecastOverride, VarianceNote
from carepool.ledger.monitoring import parse_month, parse_year
from carepool.ledger.schemes import known_schemes

TEXT_LIMIT = 5_000


def _scheme(agreement: Agreement, year: str, value: Any, errors: ErrorCollector) -> str:
    code = str(value or "").strip()
    if not code:
        errors.add("scheme", "Choose the scheme, by its code like S01")
        return ""
    known = set(known_schemes(agreement, year)) | set(
        Account.objects.filter(agreement=agreement).values_list("scheme_code", flat=True)
    )
    if code not in known:
        errors.add("scheme", f"'{code}' is not a scheme of this agreement")
    return code


def _text(value: Any, field: str, errors: ErrorCollector, what: str) -> str:
    text = str(value or "").strip()
    if not text:
        errors.add(field, f"Enter {what}")
    elif len(text) > TEXT_LIMIT:
        errors.add(field, f"must be {TEXT_LIMIT:,} characters or fewer")
    return text


def _attempt(errors: ErrorCollector, read: Any) -> Any:
    try:
        return read()
    except ValidationFailed as exc:
        for e in exc.errors:
            errors.add(e.field, e.message)
        return None


def _year_of(month: int) -> str:
    return core_ledger.period_of(month).year.label


@transaction.atomic
def set_override(
    actor: Actor, agreement_id: int | str, *, year: Any, scheme: Any, amount: Any, reason: Any
) -> ForecastOverride:
    """Set (or replace) the forecast outturn of a scheme for a year, with the reason."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    errors = ErrorCollector()
    fy = _attempt(errors, lambda: parse_year(year))
    money: Money | None = _attempt(
        errors, lambda: parse.money(amount, "amount", allow_negative=True)
    )
    why = _text(reason, "reason", errors, "the reason for the override")
    code = _scheme(agreement, fy.label, scheme, errors) if fy else ""
    errors.raise_if_any()
    assert fy is not None
    assert money is not None
    existing = ForecastOverride.objects.filter(
        agreement=agreement, year=fy.label, scheme_code=code
    ).first()
    before = {"amount": Money(existing.amount_pence), "reason": existing.reason} if existing else {}
    row, _ = ForecastOverride.objects.update_or_create(
        agreement=agreement,
        year=fy.label,
        scheme_code=code,
        defaults={
            "amount_pence": money.pence,
            "reason": why,
            "set_by": actor.user,
            "set_at": timezone.now(),
        },
    )
    changes = diff(before, {"amount": money, "reason": why})
    record(
        actor,
        Change(
            Action.UPDATE if existing else Action.CREATE,
            "forecast_override",
            row.pk,
            f"{fy.label} forecast for {code}",
            changes,
            agreement.pk,
            summary=f"Forecast outturn for {code} in {fy.label} set to {money}: {why}",
        ),
    )
    return row


@transaction.atomic
def clear_override(actor: Actor, agreement_id: int | str, *, year: Any, scheme: Any) -> None:
    """Remove a scheme's override: its forecast goes back to the method the figures give."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    fy = parse_year(year)
    code = str(scheme or "").strip()
    row = ForecastOverride.objects.filter(
        agreement=agreement, year=fy.label, scheme_code=code
    ).first()
    if row is None:
        raise ValidationFailed.single(
            "scheme", f"{code or 'That scheme'} has no override in {fy.label}"
        )
    pk, amount = row.pk, Money(row.amount_pence)
    row.delete()
    record(
        actor,
        Change(
            Action.DELETE,
            "forecast_override",
            pk,
            f"{fy.label} forecast for {code}",
            diff({"amount": amount, "reason": row.reason}, {}),
            agreement.pk,
            summary=f"Forecast override for {code} in {fy.label} removed",
        ),
    )


@transaction.atomic
def explain_variance(
    actor: Actor, agreement_id: int | str, *, month: Any, scheme: Any, text: Any
) -> VarianceNote:
    """Record (or replace) why a scheme's figures differ from its budget, for one month."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    errors = ErrorCollector()
    key = _attempt(errors, lambda: parse_month(month, field_name="month"))
    words = _text(text, "text", errors, "the explanation of the variance")
    code = _scheme(agreement, _year_of(key), scheme, errors) if key else ""
    errors.raise_if_any()
    existing = VarianceNote.objects.filter(agreement=agreement, month=key, scheme_code=code).first()
    before = {"text": existing.text} if existing else {}
    row, _ = VarianceNote.objects.update_or_create(
        agreement=agreement,
        month=key,
        scheme_code=code,
        defaults={"text": words, "written_by": actor.user, "written_at": timezone.now()},
    )
    record(
        actor,
        Change(
            Action.UPDATE if existing else Action.CREATE,
            "variance_note",
            row.pk,
            f"{core_ledger.month_name(key)} variance for {code}",
            diff(before, {"text": words}),
            agreement.pk,
        ),
    )
    return row


@transaction.atomic
def record_action_plan(
    actor: Actor, agreement_id: int | str, *, month: Any, text: Any
) -> ActionPlan:
    """The pool manager's action plan for a month (required when the pool is flagged)."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    errors = ErrorCollector()
    key = _attempt(errors, lambda: parse_month(month, field_name="month"))
    words = _text(text, "text", errors, "the action plan")
    errors.raise_if_any()
    row = ActionPlan.objects.create(
        agreement=agreement, month=key, text=words, written_by=actor.user, written_at=timezone.now()
    )
    record(
        actor,
        Change(
            Action.CREATE,
            "action_plan",
            row.pk,
            f"{core_ledger.month_name(key)} action plan",
            {"text": [None, words]},
            agreement.pk,
        ),
    )
    return row
