"""Closing and re-opening ledger months (docs/adr/0022-period-close-and-integrity.md).

Months close in order and re-open in reverse order, so the closed months of an agreement
always run without a gap up to the latest closed one (over the months that hold any rows):
a report for a closed month, and every figure "to date" at it, is then final.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from carepool.core.errors import ValidationFailed
from carepool.core.ledger import month_key, month_name, month_start


def next_month(key: int) -> int:
    year, month = divmod(key, 100)
    return key + 1 if month < 12 else (year + 1) * 100 + 1


def previous_month(key: int) -> int:
    year, month = divmod(key, 100)
    return key - 1 if month > 1 else (year - 1) * 100 + 12


def check_close(
    month: int,
    *,
    closed: Collection[int],
    months_with_rows: Collection[int],
    start: date,
    end: date,
    today: date,
    field: str = "month",
) -> None:
    """Refuse closing ``month`` unless it has ended, lies in the agreement, is open, and
    every earlier month holding ledger rows is closed already."""
    name = month_name(month)
    if month in closed:
        raise ValidationFailed.single(field, f"{name} is already closed")
    if month_start(next_month(month)) > today:
        raise ValidationFailed.single(field, f"{name} has not ended yet: close it after it ends")
    if month_start(next_month(month)) <= start or month_start(month) > end:
        raise ValidationFailed.single(
            field,
            f"{name} is outside the agreement, which runs from {start:%-d %B %Y} to "
            f"{end:%-d %B %Y}",
        )
    earlier_open = sorted(m for m in set(months_with_rows) - set(closed) if m < month)
    if earlier_open:
        raise ValidationFailed.single(
            field,
            f"Close {month_name(earlier_open[0])} first: months close in order, and it "
            "holds ledger rows and is still open",
        )


def check_reopen(month: int, *, closed: Collection[int], field: str = "month") -> None:
    """Refuse re-opening ``month`` unless it is the latest closed month."""
    name = month_name(month)
    if month not in closed:
        raise ValidationFailed.single(field, f"{name} is not closed")
    later = sorted(m for m in closed if m > month)
    if later:
        raise ValidationFailed.single(
            field,
            f"Re-open {month_name(later[-1])} first: months re-open from the latest closed one "
            "back, so no closed month follows an open one",
        )


def first_open_day(day: date, closed: Collection[int]) -> date:
    """``day`` if its month is open, else the first day of the next open month after it."""
    key = month_key(day)
    if key not in closed:
        return day
    while key in closed:
        key = next_month(key)
    return month_start(key)
