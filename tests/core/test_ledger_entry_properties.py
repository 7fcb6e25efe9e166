"""Properties of single entries and period close, in the pure core (no database).

- the ledger always balances: whatever entries are accepted, every month's balances sum to 0;
- balances equal the sum of their rows, however the rows are split into postings;
- a closed month's balances never change: every entry accepted afterwards, corrections
  included, lies in an open month;
- closing and re-opening keep the closed months gap-free over the months with rows.

``HYPOTHESIS_PROFILE=thorough`` runs each with 10,000 examples (docs/ledger.md).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from carepool.core import ledger as core
from carepool.core.errors import ValidationFailed
from carepool.core.ledger_input import LedgerContext, parse_actual, parse_correction, signed_spend
from carepool.core.ledger_periods import check_close, check_reopen

START, END, TODAY = date(2024, 4, 1), date(2025, 3, 31), date(2025, 6, 1)
SCHEMES = {"S01": "Reablement", "S02": "Carers"}
PARTNERS = ("E08000035", "QWO")

days = st.integers(min_value=-10, max_value=380).map(lambda n: START + timedelta(days=n))
pence = st.integers(min_value=-5_000_000, max_value=5_000_000)


def pounds(p: int) -> str:
    """Whole pence as the text a person types (never through a float)."""
    return f"{'-' if p < 0 else ''}{abs(p) // 100}.{abs(p) % 100:02d}"


entries = st.fixed_dictionaries(
    {
        "date": days.map(date.isoformat),
        "scheme": st.sampled_from([*SCHEMES, "S99"]),
        "partner": st.sampled_from([*PARTNERS, "QKS"]),
        "amount": pence.map(lambda p: pounds(p)),
    }
)


def month_keys() -> list[int]:
    key, out = core.month_key(START), []
    while key <= core.month_key(END):
        out.append(key)
        key = key + 1 if key % 100 < 12 else (key // 100 + 1) * 100 + 1
    return out


def context(closed: frozenset[int]) -> LedgerContext:
    return LedgerContext(SCHEMES, PARTNERS, START, END, TODAY, closed)


def accepted(data: dict[str, str], closed: frozenset[int]) -> core.Transfer | None:
    try:
        return parse_actual(data, context(closed))
    except ValidationFailed:
        return None


@given(st.lists(entries, max_size=30))
def test_the_ledger_always_balances(batch: list[dict[str, str]]) -> None:
    posted = [t for d in batch if (t := accepted(d, frozenset())) is not None]
    balances = core.fold(posted)
    assert core.trial_balance(balances) == 0
    by_month: dict[int, int] = defaultdict(int)
    for (_, month), value in balances.items():
        by_month[month] += value
    assert all(v == 0 for v in by_month.values())
    # Spend is what the entries said, to the penny.
    spend = sum(v for (a, _), v in balances.items() if a.kind is core.AccountKind.SPEND)
    assert spend == sum(signed_spend(t).pence for t in posted)


@given(st.lists(entries, max_size=30), st.lists(st.integers(0, 30), max_size=5))
def test_balances_equal_the_sum_of_rows_however_posted(
    batch: list[dict[str, str]], cuts: list[int]
) -> None:
    posted = [t for d in batch if (t := accepted(d, frozenset())) is not None]
    # Posted in chunks (as the Poster writes each chunk's balance changes), summed.
    edges = sorted({0, len(posted), *(min(c, len(posted)) for c in cuts)})
    summed: dict[core.BalanceKey, int] = defaultdict(int)
    for lo, hi in pairwise(edges):
        for key, value in core.fold(posted[lo:hi]).items():
            summed[key] += value
    assert {k: v for k, v in summed.items() if v} == core.fold(posted)


@given(
    st.lists(entries, max_size=20),
    st.sets(st.sampled_from(month_keys()), max_size=6),
    st.lists(entries, max_size=20),
    st.lists(st.tuples(pence, days), max_size=10),
)
def test_a_closed_months_balances_never_change(
    before: list[dict[str, str]],
    closing: set[int],
    after: list[dict[str, str]],
    corrections: list[tuple[int, date]],
) -> None:
    closed = frozenset(closing)
    first = [t for d in before if (t := accepted(d, frozenset())) is not None]
    at_close = {k: v for k, v in core.fold(first).items() if k[1] in closed}
    later = [t for d in after if (t := accepted(d, closed)) is not None]
    for change, day in corrections:
        if not first:
            break
        try:
            later.append(
                parse_correction(
                    {"date": day.isoformat(), "amount": pounds(change), "reason": "r"},
                    context(closed),
                    original_id=1,
                    original_scheme="S01",
                    original_partner="QWO",
                )
            )
        except ValidationFailed:
            continue
    assert all(t.month not in closed for t in later)
    now = core.fold(first + later)
    assert {k: v for k, v in now.items() if k[1] in closed} == at_close


@given(
    st.sets(st.sampled_from(month_keys()), max_size=12),
    st.lists(st.tuples(st.booleans(), st.sampled_from(month_keys())), max_size=40),
)
def test_closed_months_stay_gap_free(with_rows: set[int], steps: list[tuple[bool, int]]) -> None:
    closed: set[int] = set()
    for closing, month in steps:
        try:
            if closing:
                check_close(
                    month,
                    closed=closed,
                    months_with_rows=with_rows,
                    start=START,
                    end=END,
                    today=TODAY,
                )
                closed.add(month)
            else:
                check_reopen(month, closed=closed)
                closed.remove(month)
        except ValidationFailed:
            continue
        if closed:
            latest = max(closed)
            assert {m for m in with_rows if m <= latest} <= closed
