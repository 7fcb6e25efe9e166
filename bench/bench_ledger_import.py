"""How fast a month's actuals import, against the driver's raw bulk insert of the same rows.

Run:  CAREPOOL_DEBUG=1 .venv/bin/python bench/bench_ledger_import.py [--lines 200000]
      CAREPOOL_DEBUG=1 .venv/bin/python bench/bench_ledger_import.py --rss 1000000

Generates a CSV of ``--lines`` spend lines for one agreement and month (deterministic from
``--seed``: 40 schemes, 3 partners, unique references, amounts from -£500 to £20,000), then
times, turn about, best of ``--repeat``, each in a transaction rolled back:

- raw: the same rows as ``ledger_transfer`` tuples built beforehand, loaded with the driver's
  fastest bulk path (sqlite3 ``executemany``; psycopg ``COPY``), in chunks of 20,000;
- import: ``carepool.ledger.imports.import_actuals`` on the file (read, parse, check, spill,
  post with the balances, one audit event).

``--rss N`` instead imports a generated N-line file once and reports the process's peak
resident memory before and after. SQLite in a temporary file by default; set
CAREPOOL_DATABASE_URL to a PostgreSQL database (e.g. under scripts/with-postgres) to measure
there. Copy the output into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

if not (os.environ.get("CAREPOOL_DATABASE_URL") or os.environ.get("DATABASE_URL")):
    _scratch = Path(tempfile.mkdtemp(prefix="carepool-bench-"))
    os.environ["CAREPOOL_DATABASE_URL"] = f"sqlite:///{_scratch / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepool.site.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from carepool.agreements.models import Agreement  # noqa: E402
from carepool.audit.models import Interface  # noqa: E402
from carepool.audit.services import Actor  # noqa: E402
from carepool.core import ledger as core  # noqa: E402
from carepool.ledger.imports import import_actuals  # noqa: E402
from carepool.ledger.models import Scheme  # noqa: E402
from carepool.ledger.posting import _COLUMNS, CHUNK, Poster  # noqa: E402

ACTOR = Actor.system(Interface.IMPORT)
PARTNERS = ("E08000035", "QWO", "LEEDS-VCS")
SCHEMES = tuple(f"S{n:02d}" for n in range(1, 41))
HEADINGS = "date,scheme,partner,provider,amount,description,reference,order\n"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def agreement() -> Agreement:
    found = Agreement.objects.filter(area__code="E08000035").order_by("pk").first()
    if found is not None:
        return found
    from tests.factories import World

    world = World()
    Scheme.objects.bulk_create(
        [Scheme(agreement=world.agreement, code=c, name=f"Scheme {c}") for c in SCHEMES]
    )
    return world.agreement


def generate(path: Path, lines: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADINGS)
        for n in range(lines):
            pence = rng.randint(-50_000, 2_000_000) or 1
            sign = "-" if pence < 0 else ""
            out.write(
                f"2024-10-{rng.randint(1, 31):02d},{rng.choice(SCHEMES)},"
                f"{rng.choice(PARTNERS)},Provider {rng.randint(1, 400)} Ltd,"
                f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d},"
                f"Home care hours week {rng.randint(1, 5)},INV-{seed}-{n:08d},\n"
            )


def raw_rows(path: Path, pool: Agreement) -> list[tuple[Any, ...]]:
    """The file's lines as ledger_transfer rows (accounts resolved), ready for the driver."""
    with transaction.atomic():
        poster = Poster(pool)
        debit = poster.account_id(core.spend_account("S01", PARTNERS[0]))
        credit = poster.account_id(core.POOL)
    now = datetime.now(UTC)
    postgres = connection.vendor == "postgresql"
    rows = []
    with path.open(encoding="utf-8") as f:
        next(f)
        for number, text in enumerate(f, start=2):
            day, _scheme, _partner, provider, amount, description, reference, order = text.rstrip(
                "\n"
            ).split(",")
            pounds, pence = amount.lstrip("-").split(".")
            value = int(pounds) * 100 + int(pence)
            parsed_day = date.fromisoformat(day)
            rows.append(
                (
                    pool.pk,
                    None,
                    debit,
                    credit,
                    value,
                    parsed_day if postgres else day,
                    202410,
                    "actual",
                    None,
                    number,
                    provider,
                    description,
                    reference,
                    "",
                    order,
                    None,
                    None,
                    now if postgres else now.isoformat(sep=" "),
                )
            )
    return rows


def load_raw(rows: list[tuple[Any, ...]]) -> None:
    columns = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY ledger_transfer ({columns}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO ledger_transfer ({columns}) VALUES ({marks})",  # noqa: S608
                    chunk,
                )


def timed_rolled_back(fn: Any) -> float:
    with transaction.atomic():
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def run_import(path: Path, pool: Agreement) -> Any:
    with path.open("rb") as data:
        return import_actuals(
            ACTOR, pool.pk, month="2024-10", source=PARTNERS[0], file_name=path.name, data=data
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rss", type=int, default=0, help="peak memory of one N-line import")
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    pool = agreement()
    folder = Path(tempfile.mkdtemp(prefix="carepool-actuals-"))
    if args.rss:
        path = folder / f"actuals-{args.rss}.csv"
        generate(path, args.rss, args.seed)
        before = peak_rss_mb()
        start = time.perf_counter()
        outcome = timed_rolled_back(lambda: run_import(path, pool))
        print(
            f"database: {connection.vendor}; {args.rss:,} lines "
            f"({path.stat().st_size / 1e6:,.0f} MB): imported in {outcome:.1f} s "
            f"({time.perf_counter() - start:.1f} s wall); peak RSS {before:,.0f} MB before, "
            f"{peak_rss_mb():,.0f} MB after"
        )
        return
    path = folder / "actuals.csv"
    generate(path, args.lines, args.seed)
    rows = raw_rows(path, pool)
    raw_times, import_times = [], []
    for _ in range(args.repeat):
        raw_times.append(timed_rolled_back(lambda: load_raw(rows)))
        import_times.append(timed_rolled_back(lambda: run_import(path, pool)))
    raw, imported = min(raw_times), min(import_times)
    n = args.lines
    print(f"database: {connection.vendor}; {n:,} lines; best of {args.repeat}")
    print("| case | time | lines/s | share of raw |\n|---|---|---|---|")
    print(f"| raw bulk insert (driver) | {raw:.2f} s | {n / raw:,.0f} | 100% |")
    print(
        f"| import_actuals (read, parse, check, spill, post, balances, audit) | "
        f"{imported:.2f} s | {n / imported:,.0f} | {raw / imported:.0%} |"
    )
    print(f"peak RSS {peak_rss_mb():,.0f} MB (includes the raw case's {n:,} prebuilt rows)")


if __name__ == "__main__":
    sys.exit(main())
