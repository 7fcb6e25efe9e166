"""A national year of pooled-fund spend lines, deterministic from a seed (issue 8, Speed).

    .venv/bin/python bench/ledger/generate.py --size small --out var/bench/small
    .venv/bin/python bench/ledger/generate.py --size full --out var/bench/full

Writes ``<out>/<area code>/<yyyy-mm>.csv`` (one partner's monthly export per area and month,
in the layout the ledger import reads: date, scheme, partner, provider, amount, description,
reference) and ``<out>/manifest.json``: the areas (real ONS codes and names of upper-tier
areas from data/geo/utla_all_codes.csv), their partners (the council; a synthetic integrated
care board per region; a voluntary-sector partner in every third area), their schemes with
budgets (2024-25 scheme types and funding streams), and every file's rows and total.

Amounts are whole pence written as pounds with two decimals. Spend follows the budget with a
winter peak; most schemes end the year within 3% of budget, about one in ten overspends (8%
to 25%) and one in ten underspends (10% to 30%); about 3% of lines are credit notes
(negative). References are unique within a file. Each area has its own random stream
(seeded by the seed and the area code), so the same seed always gives the same bytes, and
files are written one at a time: memory stays flat whatever the size.

Standard library only: it runs without Django.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import hashlib
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AREAS_FILE = ROOT / "data" / "geo" / "utla_all_codes.csv"
YEAR = "2024-25"
MONTHS = tuple(f"{2024 + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3))
HEADER = ("date", "scheme", "partner", "provider", "amount", "description", "reference")
DEFAULT_SEED = 20241


@dataclass(frozen=True)
class Size:
    areas: int
    schemes: int
    lines: int  # spend lines in the year, all areas (about: each cell is rounded)


SIZES = {
    "tiny": Size(areas=2, schemes=4, lines=1_200),
    "small": Size(areas=5, schemes=10, lines=20_000),
    "full": Size(areas=150, schemes=40, lines=5_000_000),
}

# Relative spend per month, April first: a winter peak (December to February).
_SEASON = (0.95, 0.95, 0.96, 0.97, 0.95, 0.98, 1.00, 1.03, 1.08, 1.10, 1.05, 0.98)
SEASON = tuple(s * 12 / sum(_SEASON) for s in _SEASON)

# (scheme type, area of spend, provider type, responsible partner, funding stream, name)
# from the 2024-25 plan rules (src/carepool/rules/bcf/2024-25.toml). "council", "icb" or
# "vcs" (the voluntary partner, where the area has one; else the council).
SCHEME_KINDS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("home_care", "social_care", "private", "council", "nhs_minimum", "Home care"),
    ("reablement_at_home", "social_care", "council", "council", "ibcf", "Reablement at home"),
    (
        "bed_based_intermediate_care",
        "community_health",
        "nhs_community_trust",
        "icb",
        "nhs_minimum",
        "Intermediate care beds",
    ),
    (
        "community_based_schemes",
        "community_health",
        "nhs_community_trust",
        "icb",
        "additional_nhs",
        "Neighbourhood teams",
    ),
    ("carers_services", "social_care", "voluntary", "vcs", "nhs_minimum", "Carers support"),
    ("dfg_schemes", "social_care", "council", "council", "dfg", "Disabled Facilities Grant"),
    ("care_act_duties", "social_care", "council", "council", "nhs_minimum", "Care Act duties"),
    (
        "managing_transfers_of_care",
        "social_care",
        "council",
        "council",
        "discharge_fund_la",
        "Transfer of care hub",
    ),
    (
        "assistive_technologies",
        "social_care",
        "council",
        "council",
        "ibcf",
        "Community equipment",
    ),
    (
        "residential_placements",
        "social_care",
        "private",
        "council",
        "additional_la",
        "Complex placements",
    ),
    (
        "community_based_schemes",
        "mental_health",
        "nhs_mental_health_trust",
        "icb",
        "additional_nhs",
        "Mental health crisis houses",
    ),
    (
        "integrated_care_planning",
        "primary_care",
        "other",
        "icb",
        "nhs_minimum",
        "Care navigation",
    ),
    (
        "prevention_early_intervention",
        "community_health",
        "voluntary",
        "vcs",
        "nhs_minimum",
        "Falls prevention",
    ),
    ("housing_related", "social_care", "voluntary", "council", "ibcf", "Housing for discharge"),
    (
        "personalised_budgeting",
        "social_care",
        "other",
        "council",
        "ibcf",
        "Direct payments",
    ),
    ("workforce", "social_care", "private", "council", "ibcf", "Care workforce"),
    (
        "enablers_for_integration",
        "other",
        "other",
        "icb",
        "additional_nhs",
        "Shared care record",
    ),
    (
        "bed_based_intermediate_care",
        "social_care",
        "private",
        "icb",
        "discharge_fund_icb",
        "Discharge to assess beds",
    ),
)

PROVIDERS = (
    "Allied Care Ltd",
    "Brightwater Homecare",
    "Castle Community Trust",
    "Dales Care Partnership",
    "Elm House Nursing",
    "Fairview Equipment Services",
    "Greenway Carers Centre",
    "Harbour Home Support",
    "Ironbridge Reablement",
    "Juniper Living",
    "Kingfisher Care Group",
    "Lakeside Mental Health Trust",
    "Meadowbank Community Health",
    "Northgate Adaptations",
    "Oakfield Care Homes",
    "Priory Lane Home Care",
    "Queensway Telecare",
    "Riverside Housing Association",
    "St Anne's Hospice",
    "Thornbury Day Services",
)

ITEMS = (
    "invoice",
    "weekly hours",
    "placement",
    "block contract instalment",
    "spot purchase",
    "equipment order",
    "staff recharge",
    "grant payment",
)


def read_areas(limit: int) -> list[dict[str, str]]:
    """The first ``limit`` upper-tier areas of England by code (real ONS codes)."""
    with AREAS_FILE.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["UTLACD"].startswith("E")]
    rows.sort(key=lambda r: r["UTLACD"])
    if limit > len(rows):
        raise SystemExit(f"only {len(rows)} areas in {AREAS_FILE}, asked for {limit}")
    return [
        {
            "code": r["UTLACD"],
            "name": r["UTLANM"],
            "region_code": r["RGNCD"],
            "region": r["RGNNM"],
        }
        for r in rows[:limit]
    ]


def icb_for(area: dict[str, str]) -> dict[str, str]:
    """A synthetic integrated care board per region (the bench has no ICB lookup)."""
    return {
        "code": f"BX{area['region_code'][-2:]}",
        "name": f"NHS {area['region']} ICB (bench, synthetic)",
        "org_type": "nhs_commissioner",
        "code_system": "ods",
    }


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}{pence // 100}.{pence % 100:02d}"


def plan_area(area: dict[str, str], index: int, size: Size, rng: random.Random) -> dict[str, Any]:
    """The area's partners and schemes (budgets in pence), before any line is written."""
    council = {
        "code": area["code"],
        "name": f"{area['name']} Council",
        "org_type": "council",
        "code_system": "gss",
    }
    icb = icb_for(area)
    partners = [council, icb]
    vcs = None
    if index % 3 == 2:
        vcs = {
            "code": f"VCS-{area['code']}",
            "name": f"{area['name']} Voluntary Action (bench, synthetic)",
            "org_type": "voluntary",
            "code_system": "local",
        }
        partners.append(vcs)
    responsible = {"council": council["code"], "icb": icb["code"]}
    responsible["vcs"] = vcs["code"] if vcs else council["code"]

    total = int(rng.lognormvariate(math.log(55_000_000), 0.45) * 100)  # pence, about £55m
    weights = [rng.lognormvariate(0, 0.8) for _ in range(size.schemes)]
    scale = sum(weights)
    schemes = []
    for n in range(size.schemes):
        kind = SCHEME_KINDS[(n + index) % len(SCHEME_KINDS)]
        scheme_type, area_of_spend, provider_type, who, stream, stem = kind
        draw = rng.random()
        if draw < 0.1:
            factor = rng.uniform(1.08, 1.25)  # overspends
        elif draw < 0.2:
            factor = rng.uniform(0.70, 0.90)  # underspends
        else:
            factor = rng.uniform(0.97, 1.03)
        budget = max(100_000_00 // size.schemes, int(total * weights[n] / scale) // 100 * 100)
        schemes.append(
            {
                "id": f"S{n + 1:02d}",
                "name": f"{stem} {n + 1}",
                "scheme_type": scheme_type,
                "area_of_spend": area_of_spend,
                "provider_type": provider_type,
                "partner": responsible[who],
                "stream": stream,
                "budget_pence": budget,
                "outturn_factor": round(factor, 4),
                "weight": weights[n] / scale,
            }
        )
    return {
        **area,
        "host": council["code"],
        "partners": partners,
        "schemes": schemes,
        "files": [],
    }


def write_month(
    path: Path, area: dict[str, Any], month_index: int, lines_target: int, rng: random.Random
) -> tuple[int, int, str]:
    """One area's export for one month; (rows, total pence, sha256)."""
    month = MONTHS[month_index]
    year, mon = int(month[:4]), int(month[5:])
    last_day = calendar.monthrange(year, mon)[1]
    rows = 0
    total = 0
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    ref_prefix = f"{area['code'][-4:]}{month.replace('-', '')}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for scheme in area["schemes"]:
            spend = int(
                scheme["budget_pence"] * scheme["outturn_factor"] * SEASON[month_index] / 12
            )
            # Big schemes have more lines, not only bigger ones.
            n = max(1, round(lines_target * scheme["weight"] * rng.uniform(0.85, 1.15)))
            shares = [rng.expovariate(1.0) for _ in range(n)]
            share_total = sum(shares)
            for share in shares:
                pence = max(1, int(spend * share / share_total))
                if rng.random() < 0.03:
                    pence = -max(1, pence // 20)  # a credit note
                rows += 1
                total += pence
                row = (
                    f"{month}-{rng.randint(1, last_day):02d}",
                    scheme["id"],
                    scheme["partner"],
                    PROVIDERS[rng.randrange(len(PROVIDERS))],
                    pounds(pence),
                    f"{scheme['name']} {ITEMS[rng.randrange(len(ITEMS))]}",
                    f"{ref_prefix}-{rows:06d}",
                )
                writer.writerow(row)
    digest.update(path.read_bytes())
    return rows, total, digest.hexdigest()


def generate(out: Path, size: Size, seed: int = DEFAULT_SEED, quiet: bool = False) -> dict:
    """Write every file and the manifest; return the manifest."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    areas = read_areas(size.areas)
    lines_per_area_month = size.lines / (size.areas * len(MONTHS))
    manifest: dict[str, Any] = {
        "seed": seed,
        "year": YEAR,
        "months": list(MONTHS),
        "size": {"areas": size.areas, "schemes": size.schemes, "lines": size.lines},
        "columns": list(HEADER),
        "areas": [],
    }
    rows_all = 0
    total_all = 0
    for index, area in enumerate(areas):
        rng = random.Random(f"{seed}:{area['code']}")
        planned = plan_area(area, index, size, rng)
        for month_index, month in enumerate(MONTHS):
            relative = Path(area["code"]) / f"{month}.csv"
            rows, total, sha = write_month(
                out / relative, planned, month_index, int(lines_per_area_month), rng
            )
            planned["files"].append(
                {
                    "month": month,
                    "path": str(relative),
                    "source": planned["host"],
                    "rows": rows,
                    "total_pence": total,
                    "sha256": sha,
                }
            )
            rows_all += rows
            total_all += total
        for scheme in planned["schemes"]:
            del scheme["weight"]
        manifest["areas"].append(planned)
        if not quiet:
            print(
                f"\r{index + 1}/{size.areas} areas, {rows_all:,} lines",
                end="",
                file=sys.stderr,
                flush=True,
            )
    manifest["totals"] = {
        "files": size.areas * len(MONTHS),
        "rows": rows_all,
        "total_pence": total_all,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    if not quiet:
        print(
            f"\nwrote {rows_all:,} lines in {size.areas * len(MONTHS)} files to {out} "
            f"in {manifest['totals']['seconds']} s",
            file=sys.stderr,
        )
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    generate(args.out, SIZES[args.size], args.seed)


if __name__ == "__main__":
    main()
