"""What remains of a commitment (an order placed), for releasing it as the actuals arrive.

A commitment is named by its ``reference`` (the order number): the commitment transfers with
that reference, less the releases whose ``order_ref`` names it. Reversals count against what
they reverse (a reversed release gives the amount back; a reversed commitment takes it away).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from carepool.core.ledger import AccountKind, EntryKind
from carepool.ledger.models import Account, Transfer

_BATCH = 500  # references per query (well inside every driver's parameter limit)


@dataclass(frozen=True)
class OpenCommitment:
    reference: str
    remaining_pence: int
    # The commitment's own accounts (its first transfer's): a release credits them.
    scheme: str
    partner: str


def _signed() -> Case:
    """A transfer's effect on what remains of the commitment its references name."""
    commitment, release, reversal = EntryKind.COMMITMENT, EntryKind.RELEASE, EntryKind.REVERSAL
    return Case(
        When(kind=commitment, then=F("amount_pence")),
        When(kind=release, then=-F("amount_pence")),
        When(kind=reversal, reverses__kind=commitment, then=-F("amount_pence")),
        When(kind=reversal, reverses__kind=release, then=F("amount_pence")),
        default=Value(0),
        output_field=IntegerField(),
    )


def remaining_by_reference(agreement_id: int, references: list[str]) -> dict[str, int]:
    """reference -> pence remaining, for the references that name a commitment."""
    commitment, release, reversal = EntryKind.COMMITMENT, EntryKind.RELEASE, EntryKind.REVERSAL
    out: dict[str, int] = {}
    # Every transfer that changes a commitment has a commitment account on one side: found
    # through the account indexes, not by scanning the agreement's (possibly millions of) rows.
    ids = list(
        Account.objects.filter(agreement_id=agreement_id, kind=AccountKind.COMMITMENT).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        return out
    touching = Transfer.objects.filter(Q(debit_id__in=ids) | Q(credit_id__in=ids))
    by_reference = (
        touching.filter(
            Q(kind=commitment, reference__in=references)
            | Q(kind=reversal, reverses__kind=commitment, reverses__reference__in=references)
        )
        .annotate(ref=Coalesce("reverses__reference", "reference"))
        .values("ref")
        .annotate(total=Sum(_signed()))
    )
    for row in by_reference:
        out[row["ref"]] = row["total"] or 0
    by_order = (
        touching.filter(
            Q(kind=release, order_ref__in=references)
            | Q(kind=reversal, reverses__kind=release, reverses__order_ref__in=references)
        )
        .annotate(ref=Coalesce("reverses__order_ref", "order_ref"))
        .values("ref")
        .annotate(total=Sum(_signed()))
    )
    for row in by_order:
        if row["ref"] in out:
            out[row["ref"]] += row["total"] or 0
    return out


def remaining_pence(agreement_id: int, reference: str) -> int | None:
    """What remains of commitment ``reference`` in pence, or None if no commitment has that
    reference in this agreement's ledger."""
    return remaining_by_reference(agreement_id, [reference]).get(reference)


def open_commitments(agreement_id: int, references: Iterable[str]) -> dict[str, OpenCommitment]:
    """The commitments among ``references`` with what remains of each and their accounts."""
    wanted = sorted({r for r in references if r})
    found: dict[str, OpenCommitment] = {}
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start : start + _BATCH]
        remaining = remaining_by_reference(agreement_id, chunk)
        if not remaining:
            continue
        first = dict(
            Transfer.objects.filter(
                agreement_id=agreement_id, kind=EntryKind.COMMITMENT, reference__in=remaining
            )
            .values("reference")
            .annotate(first=Min("id"))
            .values_list("reference", "first")
        )
        accounts = {
            row["id"]: (row["debit__scheme_code"], row["debit__partner__code"])
            for row in Transfer.objects.filter(id__in=first.values()).values(
                "id", "debit__scheme_code", "debit__partner__code"
            )
        }
        for reference, pence in remaining.items():
            scheme, partner = accounts[first[reference]]
            found[reference] = OpenCommitment(reference, pence, scheme, partner or "")
    return found
