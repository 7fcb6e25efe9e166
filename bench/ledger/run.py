"""The ledger at national scale (issue 8, Speed): import rate against the driver's raw bulk
path, peak memory, monitoring and national report times, and ledger-cli on the same year.

    .venv/bin/python bench/ledger/run.py --size small            # SQLite only
    scripts/with-postgres .venv/bin/python bench/ledger/run.py --size small   # and PostgreSQL
    make bench  /  make bench BENCH_SIZE=full

Generates the year (bench/ledger/generate.py) into var/bench/<size>/ unless it is there, then
for each database (SQLite in a file in a temporary directory; PostgreSQL when
CAREPOOL_TEST_POSTGRES_URL names a throwaway cluster, as scripts/with-postgres sets) runs each
stage in its own process, so each stage's peak memory (max RSS) is its own:

world     migrate, then areas, partners, agreements, contributions and plans through the
          services (bench/ledger/setup_world.py)
raw       a copy of the world (file copy / CREATE DATABASE ... TEMPLATE): every file read with
          csv and loaded into ledger_transfer (same schema and indexes, from the migrations)
          with the driver's fastest path, sqlite3 executemany / psycopg COPY, one transaction
          per file: the baseline
import    carepool.ledger.imports.import_actuals for every file (parse, validate, post, audit)
          when this branch has it; otherwise the ledger is filled with the foundation's Poster
          alone (no parsing checks, no batch, no audit), reported as such, so the later
          stages have the year's rows to read
monitor   carepool.ledger.monitoring.monitoring_of for one area (median of 21 runs) and
          national_report (median of 5), when this branch has them; the read of every
          Balance row of the year is timed beside them
journal   the year exported as a ledger-cli journal (carepool.ledger.journal), `ledger -f FILE
          bal` timed, and its balances compared with Carepool's Balance table to the penny

Writes bench/ledger/results/<size>-<timestamp>.json and .md (a markdown table with the
machine, date and versions) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

YEAR = generate.YEAR
NOT_AVAILABLE = "not available on this branch"
TARGETS = {
    "import_vs_raw": 0.30,
    "peak_rss_mb": 1024,
    "monitoring_ms": 20,
    "national_s": 1.0,
    "ledger_ratio": 50,
}


# Helpers used in the stage processes ------------------------------------------------------


def _django(url: str) -> None:
    os.environ["CAREPOOL_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepool.site.settings")
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _files(manifest: dict[str, Any], data: Path, agreements: dict[str, int]):  # type: ignore[no-untyped-def]
    for area in manifest["areas"]:
        for f in area["files"]:
            yield agreements[area["code"]], f, data / f["path"]


# Stages ----------------------------------------------------------------------------------


def stage_world(url: str, data: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    _django(url)
    from django.core.management import call_command
    from setup_world import build_world

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter() - started
    agreements = build_world(manifest, log=_log)
    return {
        "migrate_s": round(migrated, 1),
        "world_s": round(time.perf_counter() - started, 1),
        "agreements": agreements,
    }


def stage_raw(
    url: str, data: Path, manifest: dict[str, Any], agreements: dict[str, int]
) -> dict[str, Any]:
    """The baseline: the same rows, read with csv and bulk-loaded by the driver itself."""
    _django(url)
    import csv

    from django.db import connection, transaction
    from django.utils import timezone

    from carepool.ledger.models import Account
    from carepool.ledger.posting import _COLUMNS
    from carepool.organisations.models import Organisation

    org_ids = dict(Organisation.objects.values_list("code", "id"))
    accounts: dict[tuple[int, str, str], int] = {}
    pools: dict[int, int] = {}
    with transaction.atomic():
        for area in manifest["areas"]:
            agreement_id = agreements[area["code"]]
            pools[agreement_id] = Account.objects.create(agreement_id=agreement_id, kind="pool").pk
            for s in area["schemes"]:
                accounts[(agreement_id, s["id"], s["partner"])] = Account.objects.create(
                    agreement_id=agreement_id,
                    kind="spend",
                    scheme_code=s["id"],
                    partner_id=org_ids[s["partner"]],
                ).pk
    posted_at = timezone.now()
    pg = connection.vendor == "postgresql"
    stamp = posted_at if pg else connection.ops.adapt_datetimefield_value(posted_at)
    insert = (
        f"INSERT INTO ledger_transfer ({', '.join(_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['?'] * len(_COLUMNS))})"
    )
    copy_sql = f"COPY ledger_transfer ({', '.join(_COLUMNS)}) FROM STDIN"
    rows_all = 0
    db_seconds = 0.0
    started = time.perf_counter()
    for agreement_id, _f, path in _files(manifest, data, agreements):
        pool = pools[agreement_id]
        rows = []
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for line, (day, scheme, partner, provider, amount, description, ref) in enumerate(
                reader, start=2
            ):
                whole, _, frac = amount.lstrip("-").partition(".")
                pence = int(whole) * 100 + int(frac)
                spend = accounts[(agreement_id, scheme, partner)]
                debit, credit = (pool, spend) if amount.startswith("-") else (spend, pool)
                rows.append(
                    (
                        agreement_id,
                        None,
                        debit,
                        credit,
                        pence,
                        day,
                        int(day[:4] + day[5:7]),
                        "actual",
                        None,
                        line,
                        provider,
                        description,
                        ref,
                        "",
                        "",
                        None,
                        None,
                        stamp,
                    )
                )
        t0 = time.perf_counter()
        with transaction.atomic():
            raw = connection.connection
            if pg:
                with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                raw.executemany(insert, rows)
        db_seconds += time.perf_counter() - t0
        rows_all += len(rows)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger_transfer")
        stored = cursor.fetchone()[0]
    return {
        "rows": rows_all,
        "stored": stored,
        "seconds": round(seconds, 2),
        "lines_per_s": round(rows_all / seconds),
        "db_seconds": round(db_seconds, 2),
        "db_lines_per_s": round(rows_all / db_seconds),
        "peak_rss_mb": round(_rss_mb()),
    }


def stage_import(
    url: str, data: Path, manifest: dict[str, Any], agreements: dict[str, int]
) -> dict[str, Any]:
    _django(url)
    from carepool.audit.models import Interface
    from carepool.audit.services import Actor
    from carepool.ledger.models import Balance, Transfer

    rss_before = _rss_mb()
    actor = Actor.system(Interface.IMPORT)
    result: dict[str, Any]
    try:
        from carepool.ledger.imports import import_actuals  # type: ignore[attr-defined]
    except ImportError as exc:
        result = {"available": False, "reason": f"{NOT_AVAILABLE} ({exc})"}
        result["poster"] = _fill_with_poster(actor, data, manifest, agreements)
    else:
        rows = 0
        started = time.perf_counter()
        for agreement_id, f, path in _files(manifest, data, agreements):
            with path.open("rb") as handle:
                import_actuals(
                    actor,
                    agreement_id,
                    month=f["month"],
                    source=f["source"],
                    file_name=path.name,
                    data=handle,
                )
            rows += f["rows"]
        seconds = time.perf_counter() - started
        result = {
            "available": True,
            "rows": rows,
            "seconds": round(seconds, 2),
            "lines_per_s": round(rows / seconds),
        }
    result["transfers_stored"] = Transfer.objects.count()
    result["balances_stored"] = Balance.objects.count()
    result["rss_before_mb"] = round(rss_before)
    result["peak_rss_mb"] = round(_rss_mb())
    return result


def _fill_with_poster(
    actor: Any, data: Path, manifest: dict[str, Any], agreements: dict[str, int]
) -> dict[str, Any]:
    """No import service on this branch: post the year's rows with the foundation's Poster
    (what an import does after parsing and validating), one transaction per file."""
    import csv
    from datetime import date

    from django.db import transaction

    from carepool.agreements.services._loading import _load_agreement
    from carepool.core import ledger as core
    from carepool.core.money import Money
    from carepool.ledger.posting import Poster

    rows = 0
    started = time.perf_counter()
    for agreement_id, _f, path in _files(manifest, data, agreements):
        with transaction.atomic():
            poster = Poster(_load_agreement(actor, agreement_id))
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                next(reader)
                for line, (day, scheme, partner, provider, amount, description, ref) in enumerate(
                    reader, start=2
                ):
                    whole, _, frac = amount.lstrip("-").partition(".")
                    pence = int(whole) * 100 + int(frac)
                    detail = core.LineDetail(provider, description, ref)
                    poster.add(
                        core.actual(
                            scheme,
                            partner,
                            Money(-pence if amount.startswith("-") else pence),
                            date.fromisoformat(day),
                            detail,
                        ),
                        line=line,
                    )
                    rows += 1
            poster.flush()
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 2), "lines_per_s": round(rows / seconds)}


def stage_monitor(
    url: str, data: Path, manifest: dict[str, Any], agreements: dict[str, int]
) -> dict[str, Any]:
    _django(url)
    from setup_world import ASSURER

    from carepool.accounts.models import User
    from carepool.ledger.models import Balance

    result: dict[str, Any] = {}
    months = [int(m.replace("-", "")) for m in manifest["months"]]

    def read_balances() -> None:
        list(
            Balance.objects.filter(month__in=months).values_list(
                "account_id", "month", "debit_pence", "credit_pence"
            )
        )

    result["balance_rows"] = Balance.objects.filter(month__in=months).count()
    result["balance_read_ms"] = round(_median(read_balances, 5) * 1000, 1)
    user = User.objects.get(username=ASSURER)
    # The area with the median number of lines.
    areas = sorted(manifest["areas"], key=lambda a: sum(f["rows"] for f in a["files"]))
    area = areas[len(areas) // 2]
    result["area"] = area["code"]
    try:
        from carepool.ledger.monitoring import (  # type: ignore[attr-defined]
            monitoring_of,
            national_report,
        )
    except ImportError as exc:
        result["available"] = False
        result["reason"] = f"{NOT_AVAILABLE} ({exc})"
        return result
    result["available"] = True
    agreement_id = agreements[area["code"]]
    result["monitoring_ms"] = round(
        _median(lambda: monitoring_of(user, agreement_id, YEAR), 21) * 1000, 2
    )
    result["national_s"] = round(_median(lambda: national_report(user, YEAR), 5), 3)
    return result


def _median(fn: Any, runs: int) -> float:
    fn()  # warm caches and connections
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def stage_journal(
    url: str, data: Path, manifest: dict[str, Any], agreements: dict[str, int], out: Path
) -> dict[str, Any]:
    _django(url)
    from carepool.agreements.models import Agreement
    from carepool.core.periods import FinancialYear
    from carepool.ledger.journal import (
        LEDGER_BAL_ARGS,
        carepool_balances,
        parse_ledger_balances,
        write_journal,
    )

    fy = FinancialYear.parse(YEAR)
    chosen = list(Agreement.objects.filter(pk__in=agreements.values()).order_by("pk"))
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as handle:
        summary = write_journal(chosen, fy, handle)
    export_s = time.perf_counter() - started
    result: dict[str, Any] = {
        **summary.to_dict(),
        "export_s": round(export_s, 1),
        "journal_mb": round(out.stat().st_size / 1e6),
    }
    ledger = shutil.which("ledger")
    if ledger is None:
        result["ledger"] = "the ledger binary is missing: sudo apt-get install ledger"
        return result
    # The commands below run fixed programs (this Python, ledger) on files this run wrote.
    result["ledger_version"] = subprocess.run(  # noqa: S603
        [ledger, "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    # `ledger -f FILE bal` as a person types it, output thrown away: the time to compare.
    t0 = time.perf_counter()
    subprocess.run([ledger, "-f", str(out), "bal"], stdout=subprocess.DEVNULL, check=True)  # noqa: S603
    result["ledger_bal_s"] = round(time.perf_counter() - t0, 2)
    # The same balances, one account a line, to compare with Carepool's to the penny.
    flat = subprocess.run(  # noqa: S603
        [ledger, "-f", str(out), *LEDGER_BAL_ARGS], capture_output=True, text=True, check=True
    ).stdout
    theirs = parse_ledger_balances(flat)
    ours = carepool_balances(agreements.values(), fy)
    differ = sorted(k for k in set(theirs) | set(ours) if theirs.get(k) != ours.get(k))
    result["accounts_compared"] = len(set(theirs) | set(ours))
    result["accounts_differing"] = len(differ)
    result["differences"] = [[k, ours.get(k), theirs.get(k)] for k in differ[:10]]
    result["agree_to_the_penny"] = not differ and bool(ours)
    out.unlink()
    return result


STAGES = {
    "world": stage_world,
    "raw": stage_raw,
    "import": stage_import,
    "monitor": stage_monitor,
    "journal": stage_journal,
}


# The orchestrator ---------------------------------------------------------------------------


def _run_stage(
    name: str, url: str, data: Path, scratch: Path, world: Path | None = None
) -> dict[str, Any]:
    result_file = scratch / f"{name}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--stage",
        name,
        "--db",
        url,
        "--data",
        str(data),
        "--result",
        str(result_file),
    ]
    if world is not None:
        command += ["--world", str(world)]
    _log(f"stage {name} ...")
    started = time.perf_counter()
    completed = subprocess.run(command, check=False)  # noqa: S603
    if completed.returncode != 0:
        return {"failed": f"exit code {completed.returncode} (see the output above)"}
    result = json.loads(result_file.read_text())
    result["stage_wall_s"] = round(time.perf_counter() - started, 1)
    _log(f"stage {name}: {json.dumps(result)[:400]}")
    return result


def _sqlite_urls(scratch: Path) -> tuple[str, str, Any]:
    world = scratch / "world.sqlite3"
    raw = scratch / "raw.sqlite3"

    def copy() -> None:
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{world}{suffix}").exists():
                shutil.copyfile(f"{world}{suffix}", f"{raw}{suffix}")

    return f"sqlite:///{world}", f"sqlite:///{raw}", copy


def _postgres_urls(base: str) -> tuple[str, str, Any]:
    import psycopg

    stem, _, _ = base.rpartition("/")
    world, raw = f"{stem}/bench_world", f"{stem}/bench_raw"
    with psycopg.connect(base, autocommit=True) as conn:
        for name in ("bench_raw", "bench_world"):
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute("CREATE DATABASE bench_world")

    def copy() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench_raw TEMPLATE bench_world")

    return world, raw, copy


def run_backend(
    name: str, data: Path, base_url: str | None, skip_journal: bool = False
) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix=f"carepool-bench-{name}-"))
    try:
        if name == "sqlite":
            world_url, raw_url, copy = _sqlite_urls(scratch)
        else:
            assert base_url is not None
            world_url, raw_url, copy = _postgres_urls(base_url)
        results: dict[str, Any] = {}
        results["world"] = _run_stage("world", world_url, data, scratch)
        if "failed" in results["world"]:
            return results
        world_file = scratch / "agreements.json"
        copy()
        results["raw"] = _run_stage("raw", raw_url, data, scratch, world_file)
        results["import"] = _run_stage("import", world_url, data, scratch, world_file)
        results["monitor"] = _run_stage("monitor", world_url, data, scratch, world_file)
        if not skip_journal:
            results["journal"] = _run_stage("journal", world_url, data, scratch, world_file)
        results["database_version"] = _database_version(name, world_url)
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _database_version(name: str, url: str) -> str:
    if name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) // 1024
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_mb": ram,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _fmt_rate(value: Any) -> str:
    return f"{value:,} lines/s" if isinstance(value, int) else str(value)


def table(report: dict[str, Any]) -> str:
    backends = list(report["backends"])
    m = report["machine"]
    lines = [
        f"Size {report['size']}: {report['lines']:,} spend lines, {report['files']} files, "
        f"{report['areas']} areas. {m['date']}; {m['cpu']}, {m['cores']} cores, "
        f"{m['ram_mb'] // 1024} GiB; Python {m['python']}; load average at the start "
        f"{', '.join(map(str, m['load_average']))}.",
        "",
        "| stage | "
        + " | ".join(report["backends"][b].get("database_version", b) for b in backends)
        + " | target |",
        "|---|" + "---|" * len(backends) + "---|",
    ]

    def row(label: str, target: str, cell: Any) -> None:
        values = []
        for b in backends:
            try:
                values.append(cell(report["backends"][b]))
            except (KeyError, TypeError, ZeroDivisionError):
                values.append("—")
        lines.append(f"| {label} | " + " | ".join(values) + f" | {target} |")

    def imported(r: dict[str, Any]) -> str:
        i = r["import"]
        if not i.get("available"):
            return NOT_AVAILABLE
        return _fmt_rate(i["lines_per_s"]) + f" ({i['seconds']:,} s)"

    def ratio(r: dict[str, Any]) -> str:
        i = r["import"]
        if not i.get("available"):
            return NOT_AVAILABLE
        return f"{i['lines_per_s'] / r['raw']['lines_per_s']:.0%}"

    def poster(r: dict[str, Any]) -> str:
        p = r["import"]["poster"]
        return (
            f"{_fmt_rate(p['lines_per_s'])} ({p['seconds']:,} s), "
            f"{p['lines_per_s'] / r['raw']['lines_per_s']:.0%} of raw"
        )

    def monitoring(key: str, unit: str, scale: float) -> Any:
        def cell(r: dict[str, Any]) -> str:
            mon = r["monitor"]
            if not mon.get("available"):
                return NOT_AVAILABLE
            return f"{mon[key] * scale:,.1f} {unit}"

        return cell

    def ledger_ratio(r: dict[str, Any]) -> str:
        mon = r["monitor"]
        if not mon.get("available"):
            return NOT_AVAILABLE + " (no national report)"
        return f"{r['journal']['ledger_bal_s'] / mon['national_s']:,.0f}x"

    row(
        "world: migrate, agreements, contributions, plans",
        "",
        lambda r: f"{r['world']['world_s']} s",
    )
    row(
        "RAW: csv + executemany / COPY into ledger_transfer",
        "baseline",
        lambda r: _fmt_rate(r["raw"]["lines_per_s"]) + f" ({r['raw']['seconds']:,} s)",
    )
    row(
        "RAW: the driver's insert alone",
        "",
        lambda r: _fmt_rate(r["raw"]["db_lines_per_s"]) + f" ({r['raw']['db_seconds']:,} s)",
    )
    row("import_actuals, every file", "", imported)
    row("import / raw", f"≥ {TARGETS['import_vs_raw']:.0%}", ratio)
    row(
        "peak memory (max RSS) of the import process",
        f"< {TARGETS['peak_rss_mb']} MB",
        lambda r: (
            f"{r['import']['peak_rss_mb']} MB"
            + ("" if r["import"].get("available") else " (Poster fill)")
        ),
    )
    row("Poster alone (no parse checks, batch or audit)", "", poster)
    row(
        "monitoring_of one area (median)",
        f"≤ {TARGETS['monitoring_ms']} ms",
        monitoring("monitoring_ms", "ms", 1),
    )
    row(
        "national_report (median)",
        f"≤ {TARGETS['national_s']} s",
        monitoring("national_s", "ms", 1000),
    )
    row(
        "read every Balance row of the year (median)",
        "",
        lambda r: f"{r['monitor']['balance_read_ms']} ms ({r['monitor']['balance_rows']:,} rows)",
    )
    row(
        "journal export (transactions, size, time)",
        "",
        lambda r: (
            f"{r['journal']['transactions']:,}, {r['journal']['journal_mb']} MB, "
            f"{r['journal']['export_s']} s"
        ),
    )
    row("`ledger -f FILE bal`", "", lambda r: f"{r['journal']['ledger_bal_s']} s")
    row(
        "ledger bal balances = Carepool's Balance table",
        "to the penny",
        lambda r: (
            f"{'yes' if r['journal']['agree_to_the_penny'] else 'NO'}, "
            f"{r['journal']['accounts_compared']:,} accounts"
        ),
    )
    row("ledger bal time / national_report time", f"≥ {TARGETS['ledger_ratio']}x", ledger_ratio)
    return "\n".join(lines) + "\n"


def orchestrate(args: argparse.Namespace) -> int:
    data = args.data or ROOT / "var" / "bench" / args.size
    if not (data / "manifest.json").exists():
        _log(f"generating the {args.size} year into {data}")
        generate.generate(data, generate.SIZES[args.size], args.seed)
    manifest = json.loads((data / "manifest.json").read_text())
    os.environ.setdefault("CAREPOOL_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.pop("CAREPOOL_DEBUG", None)  # debug keeps every query in memory
    pg_url = os.environ.get("CAREPOOL_TEST_POSTGRES_URL")
    backends = ["sqlite"] + (["postgresql"] if pg_url else [])
    if args.only:
        backends = [b for b in backends if b == args.only]
    report: dict[str, Any] = {
        "size": args.size,
        "seed": manifest["seed"],
        "areas": len(manifest["areas"]),
        "files": manifest["totals"]["files"],
        "lines": manifest["totals"]["rows"],
        "machine": machine(),
        "backends": {},
    }
    if not pg_url:
        report["note"] = (
            "PostgreSQL not measured: CAREPOOL_TEST_POSTGRES_URL is not set "
            "(run under scripts/with-postgres)"
        )
        _log(report["note"])
    for backend in backends:
        _log(f"=== {backend}")
        report["backends"][backend] = run_backend(backend, data, pg_url, args.skip_journal)
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M")
    (out_dir / f"{args.size}-{stamp}.json").write_text(json.dumps(report, indent=1) + "\n")
    markdown = table(report)
    if "note" in report:
        markdown += f"\n{report['note']}.\n"
    (out_dir / f"{args.size}-{stamp}.md").write_text(markdown)
    print(markdown)
    failed = [
        f"{b}:{s}"
        for b, stages in report["backends"].items()
        for s, r in stages.items()
        if isinstance(r, dict) and "failed" in r
    ]
    if failed:
        print("stages that failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(generate.SIZES), default="small")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--data", type=Path, help="a generated year (default var/bench/SIZE)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--skip-journal",
        action="store_true",
        help="leave out the ledger-cli stage (at full size it takes minutes and ~12 GB)",
    )
    # Internal: one stage in this process.
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--world", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.stage:
        return orchestrate(args)
    manifest = json.loads((args.data / "manifest.json").read_text())
    if args.stage == "world":
        result = stage_world(args.db, args.data, manifest)
        args.result.with_name("agreements.json").write_text(json.dumps(result["agreements"]))
    else:
        agreements = json.loads(args.world.read_text())
        if args.stage == "journal":
            journal_file = args.result.with_name("year.journal")
            result = stage_journal(args.db, args.data, manifest, agreements, journal_file)
        else:
            result = STAGES[args.stage](args.db, args.data, manifest, agreements)
    args.result.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
