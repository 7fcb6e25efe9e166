"""Writing single entries into an agreement's ledger, closing and re-opening its months, and
correcting lines in closed months (docs/ledger.md, docs/adr/0022-period-close-and-integrity.md).

Every write here:

- reads its input through the core's typed commands (``carepool.core.ledger_input``), which
  refuse with every problem at once, naming the field; bad input writes nothing;
- runs in one transaction holding the agreement's row lock (``_load_agreement``), so two
  writers to one agreement take turns and never race to create the same account;
- posts through the one writer of ledger rows, ``carepool.ledger.posting.Poster``;
- records one audit event naming the transfer(s) it posted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from carepool.accounts.models import Role, User
from carepool.accounts.permissions import Forbidden, NotFound, require_role
from carepool.agreements.models import Agreement
from carepool.agreements.selectors import is_partner, schedule_of
from carepool.agreements.services._loading import _load_agreement, require_editor
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, record
from carepool.core import ledger as core
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.ledger_input import (
    LedgerContext,
    month_text,
    parse_actual,
    parse_commitment,
    parse_correction,
    parse_month,
    parse_reason,
    parse_release_day,
    signed_spend,
)
from carepool.core.ledger_periods import check_close, check_reopen, first_open_day
from carepool.core.money import Money
from carepool.core.periods import FinancialYear
from carepool.ledger import schemes
from carepool.ledger.entry_selectors import (
    commitment_references,
    commitments_of,
    months_with_rows,
    spend_account_of,
)
from carepool.ledger.models import Account, ClosedMonth, Scheme, Transfer
from carepool.ledger.posting import Poster, closed_months, partner_ids

# --- shared ----------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _year_of(data: Mapping[str, Any]) -> FinancialYear | None:
    try:
        day = parse.day(data.get("date"), "date", required=False)
    except ValidationFailed:
        return None
    return FinancialYear.containing(day) if day else None


def _context(agreement: Agreement, data: Mapping[str, Any]) -> LedgerContext:
    """What an entry is checked against: the register filled from the plan of the entry's
    year, the partners, the agreement's dates, the closed months, today."""
    year = _year_of(data)
    names = (
        schemes.known_schemes(agreement, year.label)
        if year is not None
        else dict(Scheme.objects.filter(agreement=agreement).values_list("code", "name"))
    )
    return LedgerContext(
        schemes=names,
        partners=frozenset(partner_ids(agreement)),
        start=agreement.start_date,
        end=agreement.end_date,
        today=_today(),
        closed=closed_months(agreement.pk),
    )


def _line(row: Transfer, t: core.Transfer) -> dict[str, list[Any]]:
    """A posted line as audit changes: what a reader of the trail needs to find it."""
    changes: dict[str, list[Any]] = {
        "transfer": [None, row.pk],
        "kind": [None, t.kind.value],
        "date": [None, t.day.isoformat()],
        "debit": [None, t.debit.label],
        "credit": [None, t.credit.label],
        "amount": [None, t.amount.plain()],
    }
    for name in ("provider", "description", "reference", "order"):
        value = getattr(t.detail, name)
        if value:
            changes[name] = [None, value]
    return changes


def _audit(
    actor: Actor,
    agreement: Agreement,
    row: Transfer,
    t: core.Transfer,
    summary: str,
    extra: Mapping[str, list[Any]] | None = None,
) -> None:
    changes = _line(row, t)
    changes.update(extra or {})
    record(
        actor,
        Change(
            Action.CREATE,
            "ledger_transfer",
            row.pk,
            f"Ledger line {row.pk}",
            changes,
            agreement.pk,
            summary=summary,
        ),
    )


def _is_host_with(user: User, agreement: Agreement, role: Role) -> bool:
    return (
        user.has_role(role)
        and user.organisation_id == agreement.host_id
        and is_partner(user, agreement)
    )


def _require_host(actor: Actor, agreement: Agreement, role: Role, doing: str) -> None:
    """Only people of the host partner with ``role`` may do this (the system may)."""
    user = actor.user
    if user is None:
        return
    require_role(user, role, doing)
    if not _is_host_with(user, agreement, role):
        raise Forbidden(f"Only the host partner, {agreement.host.name}, can {doing}")


def may_close(user: User, agreement: Agreement) -> bool:
    """Whether ``close_month`` would accept this user (so pages offer only what works)."""
    return _is_host_with(user, agreement, Role.FINANCE_OFFICER)


def may_reopen(user: User, agreement: Agreement) -> bool:
    """Whether ``reopen_month`` would accept this user."""
    return _is_host_with(user, agreement, Role.SIGNATORY)


# --- actuals ---------------------------------------------------------------------------------


@transaction.atomic
def post_actual(actor: Actor, agreement_id: int | str, data: Mapping[str, Any]) -> Transfer:
    """Record one spend line (a negative amount is a refund): date, scheme, partner, amount,
    provider, description, reference."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    t = parse_actual(data, _context(agreement, data))
    row = Poster(agreement).post_one(t)
    spend = signed_spend(t)
    what = "refund" if spend.is_negative else "spend"
    _audit(
        actor,
        agreement,
        row,
        t,
        f"Recorded {what} of {abs(spend)} on {_scheme_of(t)} ({t.day:%-d %b %Y})",
    )
    return row


def _scheme_of(t: core.Transfer) -> str:
    account = t.debit if t.debit.scheme else t.credit
    return f"scheme {account.scheme}, {account.partner}"


# --- commitments -----------------------------------------------------------------------------


@transaction.atomic
def record_commitment(actor: Actor, agreement_id: int | str, data: Mapping[str, Any]) -> Transfer:
    """Record an order placed: date, scheme, partner, amount (> 0), reference (required,
    unique among the agreement's commitments), provider, description."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    t = parse_commitment(data, _context(agreement, data), commitment_references(agreement.pk))
    row = Poster(agreement).post_one(t)
    _audit(
        actor,
        agreement,
        row,
        t,
        f"Recorded commitment {t.detail.reference} of {t.amount} on {_scheme_of(t)}",
    )
    return row


@transaction.atomic
def cancel_commitment(
    actor: Actor, agreement_id: int | str, reference: str, data: Mapping[str, Any]
) -> Transfer:
    """Release what remains of the commitment ``reference`` (the order was cancelled, or
    will not be invoiced further): date (today when not given), reason."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    ref = parse.text(reference, "reference", required=True, max_length=100)
    found = commitments_of(agreement.pk, ref)
    if not found:
        raise ValidationFailed.single(
            "reference", f"This agreement has no commitment {parse.without_unstorable(ref)}"
        )
    state = found[0]
    if state.remaining_pence <= 0:
        raise ValidationFailed.single(
            "reference", f"Nothing remains of commitment {ref}: it is fully released"
        )
    ctx = _context(agreement, data)
    day = parse_release_day(data, ctx)
    reason = parse.text(data.get("reason"), "reason", max_length=200)
    account = state.transfer.debit
    t = core.release(
        account.scheme_code,
        account.partner.code if account.partner else "",
        Money(state.remaining_pence),
        day,
        core.LineDetail(
            description=f"Cancelled: {reason}" if reason else "Cancelled",
            reference=ref,
            order=ref,
        ),
    )
    row = Poster(agreement).post_one(t)
    _audit(
        actor,
        agreement,
        row,
        t,
        f"Cancelled commitment {ref}: released {t.amount}",
        {"reason": [None, reason]} if reason else None,
    )
    return row


# --- contributions ---------------------------------------------------------------------------


def contribution_reference(contribution_id: int, due: date, adjustment: bool = False) -> str:
    """How a posted instalment is known: by its contribution and due date (positions in a
    schedule move when a variation adds an adjustment or the frequency changes)."""
    what = "adjustment" if adjustment else "instalment"
    return f"contribution {contribution_id} {what} due {due.isoformat()}"


def _posted_contributions(agreement: Agreement) -> dict[str, int]:
    """Reference -> what is posted under it so far (signed: owed by the partner positive)."""
    receivable = set(
        Account.objects.filter(agreement=agreement, kind=core.AccountKind.RECEIVABLE).values_list(
            "pk", flat=True
        )
    )
    posted: dict[str, int] = defaultdict(int)
    rows = Transfer.objects.filter(
        debit_id__in=receivable, kind=core.EntryKind.CONTRIBUTION
    ).values_list("reference", "amount_pence")
    for reference, pence in rows:
        posted[reference] += pence
    rows = Transfer.objects.filter(
        credit_id__in=receivable, kind=core.EntryKind.CONTRIBUTION
    ).values_list("reference", "amount_pence")
    for reference, pence in rows:
        posted[reference] -= pence
    return posted


@transaction.atomic
def post_due_contributions(actor: Actor, agreement_id: int | str, up_to: date) -> int:
    """Post every contribution instalment due on or before ``up_to`` that is not posted yet,
    and the difference for any posted one a variation has changed since. Idempotent: run it
    again and it posts nothing. An instalment whose month is closed is posted on the first
    day of the next open month. Returns how many transfers were posted."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    cutoff = parse.required_day(up_to, "up_to")
    if cutoff > _today():
        raise ValidationFailed.single(
            "up_to", "Contributions are posted as they fall due: give today or an earlier date"
        )
    posted = _posted_contributions(agreement)
    closed = closed_months(agreement.pk)
    poster = Poster(agreement)
    rows: list[Transfer] = []
    contributions = agreement.contributions.select_related("partner").prefetch_related("variations")
    for c in contributions.order_by("year", "pk"):
        due: dict[str, tuple[date, int]] = {}
        for inst in schedule_of(c):
            if inst.due_date <= cutoff:
                ref = contribution_reference(c.pk, inst.due_date, inst.is_adjustment)
                day, pence = due.get(ref, (inst.due_date, 0))
                due[ref] = (day, pence + inst.amount.pence)
        prefix = f"contribution {c.pk} "
        for ref in posted:
            if ref.startswith(prefix) and ref not in due:
                # The schedule no longer has it (its frequency changed): take it back out.
                due[ref] = (_due_of(ref), 0)
        for ref, (day, pence) in sorted(due.items(), key=lambda item: item[1][0]):
            change = pence - posted.get(ref, 0)
            if change == 0:
                continue
            t = core.contribution_due(
                c.partner.code, c.stream_code, Money(change), first_open_day(day, closed)
            )
            t = replace(t, detail=core.LineDetail(reference=ref))
            rows.append(poster.post_one(t))
    if rows:
        record(
            actor,
            Change(
                Action.CREATE,
                "ledger_contributions",
                agreement.pk,
                f"Contributions due to {cutoff.isoformat()}",
                {
                    "up_to": [None, cutoff.isoformat()],
                    "transfers": [None, [r.pk for r in rows]],
                    "total": [None, Money(sum(_signed_receivable(r) for r in rows)).plain()],
                },
                agreement.pk,
                summary=f"Posted {len(rows)} contribution instalment(s) due by {cutoff:%-d %b %Y}",
            ),
        )
    return len(rows)


def _due_of(reference: str) -> date:
    return date.fromisoformat(reference.rsplit(" ", 1)[-1])


def _signed_receivable(row: Transfer) -> int:
    # Posted above: the receivable is the debit for money due, the credit for a reduction.
    return row.amount_pence if row.debit.kind == core.AccountKind.RECEIVABLE else -row.amount_pence


# --- periods ---------------------------------------------------------------------------------


@transaction.atomic
def close_month(actor: Actor, agreement_id: int | str, month: str) -> ClosedMonth:
    """Close a month (like "2024-10"): nothing can be posted into it afterwards. Months close
    in order; only the host partner's finance officers close them."""
    agreement = _load_agreement(actor, agreement_id)
    _require_host(actor, agreement, Role.FINANCE_OFFICER, "close months")
    key = parse_month(month)
    closed = closed_months(agreement.pk)
    check_close(
        key,
        closed=closed,
        months_with_rows=months_with_rows(agreement),
        start=agreement.start_date,
        end=agreement.end_date,
        today=_today(),
    )
    row = ClosedMonth.objects.create(
        agreement=agreement, month=key, closed_at=timezone.now(), closed_by=actor.user
    )
    record(
        actor,
        Change(
            Action.CREATE,
            "closed_month",
            row.pk,
            f"{core.month_name(key)} closed",
            {"month": [None, month_text(key)]},
            agreement.pk,
            summary=f"Closed {core.month_name(key)}",
        ),
    )
    return row


@transaction.atomic
def reopen_month(actor: Actor, agreement_id: int | str, month: str, reason: str) -> None:
    """Re-open the latest closed month, with a reason. Only the host partner's signatories
    may: not the finance officers who close months and post into them."""
    agreement = _load_agreement(actor, agreement_id)
    _require_host(actor, agreement, Role.SIGNATORY, "re-open months")
    key = parse_month(month)
    why = parse_reason(reason)
    check_reopen(key, closed=closed_months(agreement.pk))
    row = ClosedMonth.objects.get(agreement=agreement, month=key)
    pk = row.pk
    row.delete()
    record(
        actor,
        Change(
            Action.DELETE,
            "closed_month",
            pk,
            f"{core.month_name(key)} re-opened",
            {"month": [month_text(key), None], "reason": [None, why]},
            agreement.pk,
            summary=f"Re-opened {core.month_name(key)}: {why}",
        ),
    )


# --- corrections -----------------------------------------------------------------------------


@transaction.atomic
def correct(actor: Actor, transfer_id: int | str, data: Mapping[str, Any]) -> Transfer:
    """Correct a spend line in a closed month with an adjusting entry dated in an open month
    and linked to it: date, amount (the signed change to spend), reason; scheme and partner
    when the correction belongs elsewhere (default: the line's own)."""
    try:
        pk = int(transfer_id)
        agreement_id = Transfer.objects.values_list("agreement_id", flat=True).get(pk=pk)
    except (Transfer.DoesNotExist, TypeError, ValueError):
        raise NotFound("No such ledger line") from None
    try:
        agreement = _load_agreement(actor, agreement_id)
    except NotFound:
        raise NotFound("No such ledger line") from None
    require_editor(actor, agreement)
    original = Transfer.objects.select_related("debit__partner", "credit__partner").get(pk=pk)
    spend = spend_account_of(original)
    if spend is None:
        raise ValidationFailed.single(
            "transfer",
            f"Line {pk} is a {original.get_kind_display().lower()}, not spend: only spend "
            "lines are corrected with an adjusting entry",
        )
    closed = closed_months(agreement.pk)
    if original.month not in closed:
        raise ValidationFailed.single(
            "transfer",
            f"Line {pk} is in {core.month_name(original.month)}, which is open: record a "
            "refund or a further line instead of a correction",
        )
    ctx = _context(agreement, data)
    t = parse_correction(
        data,
        ctx,
        original_id=pk,
        original_scheme=spend.scheme_code,
        original_partner=spend.partner.code if spend.partner else "",
    )
    row = Poster(agreement).post_one(t, corrects=pk)
    _audit(
        actor,
        agreement,
        row,
        t,
        f"Corrected line {pk} ({core.month_name(original.month)}) by {signed_spend(t)}",
        {"corrects": [None, pk], "reason": [None, parse_reason(data.get("reason"))]},
    )
    return row


# --- schemes ---------------------------------------------------------------------------------


@transaction.atomic
def register_scheme(actor: Actor, agreement_id: int | str, data: Mapping[str, Any]) -> Scheme:
    """Name a scheme in the ledger's register (a pool without a yearly plan): code, name."""
    agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    parse.check_storable(data)
    code = parse.text(data.get("code"), "code", max_length=20)
    name = parse.text(data.get("name"), "name", max_length=200)
    scheme = schemes.register_scheme(agreement, code, name)
    record(
        actor,
        Change(
            Action.CREATE,
            "ledger_scheme",
            scheme.pk,
            f"Scheme {scheme.code}",
            {"code": [None, scheme.code], "name": [None, scheme.name]},
            agreement.pk,
            summary=f"Registered scheme {scheme.code} {scheme.name}",
        ),
    )
    return scheme
