"""The demo's ledger: the Leeds pool's actual spend, month by month, as its finance lead runs it.

Loaded through the same services as real work, from the illustrative exports in
``demo/data/actuals`` (written by ``scripts/make-demo-actuals``):

- 2024-25: contributions fall due; the adaptations (DFG) orders are committed; each month the
  council's and the ICB's exports are imported (invoices on orders release them); April to
  September are closed after September's import; a June invoice coded to home care (S01)
  that belonged to reablement (S02) is then corrected in October, linked to the June line;
  the rest of the year is imported and closed.
- 2025-26: April to September imported, April to August closed, September open: monitoring
  is mid-year, with seasonal forecasts from 2024-25 and a forecast overspend, so the pool is
  flagged and asks for an action plan (left for the demo's user to record). The finance lead
  has overridden one scheme's forecast and explained two variances (illustrative words).
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

from carepool.accounts.models import User
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.demo import content
from carepool.ledger import monitoring_services, services
from carepool.ledger.imports import import_actuals
from carepool.ledger.models import Transfer
from carepool.ledger.posting import closed_months

COUNCIL, ICB = "E08000035", "QWO"
SOURCES = (COUNCIL, ICB)
# (year, months imported, months closed), months as "yyyy-mm" in order.
YEARS = (
    ("2024-25", [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in (1, 2, 3)]),
    ("2025-26", [f"2025-{m:02d}" for m in range(4, 10)]),
)
CLOSE_AFTER = {
    # After importing this month, close every month up to and including the second.
    "2024-09": "2024-09",
    "2025-03": "2025-03",
    "2025-09": "2025-08",
}
MISCODED = {"month": "2024-06", "source": COUNCIL, "scheme": "S01"}
CORRECTION_DATE = "2024-10-15"


def _actuals(year: str) -> Path:
    return Path(str(resources.files("carepool.demo") / "data" / "actuals" / year))


def _person(username: str) -> Actor:
    return Actor(User.objects.get(username=username), Interface.SYSTEM)


def _order_totals() -> dict[str, tuple[str, str, Decimal]]:
    """Order reference -> (first month invoiced, scheme, invoiced total) from the exports."""
    found: dict[str, tuple[str, str, Decimal]] = {}
    for path in sorted(_actuals("2024-25").glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                order = row["order"]
                if not order:
                    continue
                month, scheme, total = found.get(order, (row["date"][:7], row["scheme"], Decimal()))
                found[order] = (min(month, row["date"][:7]), scheme, total + Decimal(row["amount"]))
    return found


def _commit_orders(finance: Actor, agreement_id: int) -> None:
    """Each adaptations order placed on the first of the month before its first invoice,
    for a tenth more than will be invoiced against it (the rest stays committed)."""
    for reference, (month, scheme, invoiced) in sorted(_order_totals().items()):
        year, mon = int(month[:4]), int(month[5:])
        placed = date(year - 1, 12, 1) if mon == 1 else date(year, mon - 1, 1)
        services.record_commitment(
            finance,
            agreement_id,
            {
                "date": placed.isoformat(),
                "scheme": scheme,
                "partner": COUNCIL,
                "amount": str((invoiced * Decimal("1.1")).quantize(Decimal("0.01"))),
                "reference": reference,
                "provider": "Adaptations contractor",
                "description": "Adaptation works order (illustrative)",
            },
        )


def _close_through(finance: Actor, agreement_id: int, months: list[str], last: str) -> None:
    """Close, in order, every month of ``months`` up to ``last`` that is still open."""
    closed = closed_months(agreement_id)
    for month in months:
        if month > last:
            break
        if int(month.replace("-", "")) not in closed:
            services.close_month(finance, agreement_id, month)


def _correct_miscoded(finance: Actor, agreement_id: int) -> None:
    """The first S01 line of the council's June export belonged to reablement (S02)."""
    line = (
        Transfer.objects.filter(
            agreement_id=agreement_id,
            month=int(MISCODED["month"].replace("-", "")),
            batch__source__code=MISCODED["source"],
            debit__scheme_code=MISCODED["scheme"],
            kind="actual",
        )
        .order_by("line")
        .first()
    )
    if line is None:
        return
    amount = Decimal(line.amount_pence) / 100
    reason = "Reablement invoice coded to home care in error; moved to reablement (S02)"
    services.correct(
        finance,
        line.pk,
        {"date": CORRECTION_DATE, "amount": f"-{amount:.2f}", "reason": reason},
    )
    services.correct(
        finance,
        line.pk,
        {"date": CORRECTION_DATE, "amount": f"{amount:.2f}", "scheme": "S02", "reason": reason},
    )


def ensure_ledger(agreement_id: int) -> int:
    """Load the demo's ledger unless it has one; the number of spend lines imported."""
    if Transfer.objects.filter(agreement_id=agreement_id).exists():
        return 0
    finance = _person(content.PLAN_EDITOR)
    lines = 0
    for year, months in YEARS:
        last = months[-1]
        end = date(int(last[:4]), int(last[5:]), 28)
        services.post_due_contributions(finance, agreement_id, end)
        if year == "2024-25":
            _commit_orders(finance, agreement_id)
        for month in months:
            for source in SOURCES:
                path = _actuals(year) / f"{source}-{month}.csv"
                with open(path, "rb") as handle:
                    outcome = import_actuals(
                        finance,
                        agreement_id,
                        month=month,
                        source=source,
                        file_name=path.name,
                        data=handle,
                    )
                lines += outcome.rows
            if month in CLOSE_AFTER:
                _close_through(finance, agreement_id, months, CLOSE_AFTER[month])
            if month == "2024-10":
                _correct_miscoded(finance, agreement_id)
    _monitoring_notes(finance, agreement_id)
    return lines


def _monitoring_notes(finance: Actor, agreement_id: int) -> None:
    monitoring_services.set_override(
        finance,
        agreement_id,
        year="2025-26",
        scheme="S18",
        amount="1850000.00",
        reason="Go-live moved to January 2026: the supplier invoices its remaining milestones "
        "in the last quarter, so the first six months understate the year (illustrative)",
    )
    for scheme, text in (
        (
            "S11",
            "More people with complex needs placed from hospital since June; three high-cost "
            "placements agreed by the joint panel (illustrative)",
        ),
        (
            "S03",
            "Winter community beds opened in September to meet discharge demand (illustrative)",
        ),
    ):
        monitoring_services.explain_variance(
            finance, agreement_id, month="2025-09", scheme=scheme, text=text
        )
