"""What the audit hash chain costs. Run: .venv/bin/python bench/bench_audit.py

Times ``record_many`` of 10,000 events (lock, read the head, hash each event, bulk insert)
beside a plain ``bulk_create`` of the same rows with their chain columns already filled (the
baseline: what the insert alone costs), and ``verify_trail`` over the result. Each case runs
in a transaction that is rolled back, the two turn about, best of seven, on a trail that already holds 10,000
events. SQLite in a temporary file by default; set CAREPOOL_DATABASE_URL to a PostgreSQL
database (e.g. under scripts/with-postgres) to measure there. Copy the table into
bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import os
import sys
import tempfile
import timeit
from pathlib import Path

if not (os.environ.get("CAREPOOL_DATABASE_URL") or os.environ.get("DATABASE_URL")):
    _scratch = Path(tempfile.mkdtemp(prefix="carepool-bench-"))
    os.environ["CAREPOOL_DATABASE_URL"] = f"sqlite:///{_scratch / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepool.site.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from carepool.audit.models import Action, AuditEvent, Interface  # noqa: E402
from carepool.audit.services import Actor, Change, _event, record_many  # noqa: E402
from carepool.audit.verify import verify_trail  # noqa: E402

EVENTS = 10_000
ACTOR = Actor.system(Interface.IMPORT)


def changes(batch: int) -> list[Change]:
    return [
        Change(
            Action.UPDATE,
            "population_estimate",
            f"{batch}-{n}",
            f"Leeds (E08000035) mid-2024 population by age, row {n}",
            {"persons": [[812, 790, 805], [815, 791, 809]], "source": [None, "ONS MYE2"]},
        )
        for n in range(EVENTS)
    ]


def chained() -> None:
    record_many(ACTOR, changes(2))


def plain_bulk_create() -> None:
    # The same rows as record_many writes, chain columns filled with unique placeholders.
    top = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    events = [_event(ACTOR, change) for change in changes(3)]
    for n, event in enumerate(events, start=(top or 0) + 1):
        event.at = timezone.now()
        event.sequence, event.previous_hash, event.hash = n, "0" * 64, f"{n:064x}"
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def rolled_back(case):  # type: ignore[no-untyped-def]
    def run() -> None:
        with transaction.atomic():
            case()
            transaction.set_rollback(True)

    return run


def best(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def best_of_pair(first, second, repeat: int = 7) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best times of two cases run turn about, so a busy machine slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((first, times[0]), (second, times[1])):
            out.append(timeit.timeit(fn, number=1))
    return min(times[0]), min(times[1])


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    if AuditEvent.objects.count() < EVENTS:
        record_many(ACTOR, changes(1))  # an existing trail to append to
    baseline, with_chain = best_of_pair(rolled_back(plain_bulk_create), rolled_back(chained))
    verify = best(verify_trail, repeat=3)
    checked = AuditEvent.objects.count()

    print(f"database: {connection.vendor}; {EVENTS:,} events per batch; trail of {checked:,}")
    print("| case | time | ratio |\n|---|---|---|")
    print(
        f"| bulk_create of {EVENTS:,} events, chain columns pre-filled (baseline) "
        f"| {baseline * 1000:.0f} ms | 1.00 |"
    )
    print(
        f"| record_many of {EVENTS:,} events: lock, head, hash, bulk insert "
        f"| {with_chain * 1000:.0f} ms | {with_chain / baseline:.2f} |"
    )
    print(
        f"| verify_trail over {checked:,} events | {verify * 1000:.0f} ms "
        f"| {checked / verify:,.0f} events/s |"
    )


if __name__ == "__main__":
    sys.exit(main())
