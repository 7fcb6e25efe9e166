"""The national-year generator of bench/ledger (issue 8, Speed): the same seed gives the same
bytes, and its files are what the ledger import reads (dates in their month, unique
references, pence with two decimals, totals as the manifest says)."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_ledger_generate", ROOT / "bench" / "ledger" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def test_the_same_seed_gives_the_same_bytes(generate: ModuleType, tmp_path: Path) -> None:
    tiny = generate.SIZES["tiny"]
    one = generate.generate(tmp_path / "one", tiny, seed=7, quiet=True)
    two = generate.generate(tmp_path / "two", tiny, seed=7, quiet=True)
    generate.generate(tmp_path / "other", tiny, seed=8, quiet=True)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert [a["files"] for a in one["areas"]] == [a["files"] for a in two["areas"]]
    assert tree(tmp_path / "one") != tree(tmp_path / "other")
    assert len(tree(tmp_path / "one")) == tiny.areas * 12


def test_files_are_a_valid_year_of_actuals(generate: ModuleType, tmp_path: Path) -> None:
    manifest = generate.generate(tmp_path, generate.SIZES["tiny"], seed=7, quiet=True)
    stored = json.loads((tmp_path / "manifest.json").read_text())
    assert stored["totals"]["rows"] == manifest["totals"]["rows"]
    with (ROOT / "data" / "geo" / "utla_all_codes.csv").open(encoding="utf-8-sig") as handle:
        real_codes = {row["UTLACD"] for row in csv.DictReader(handle)}
    negatives = 0
    for area in manifest["areas"]:
        assert area["code"] in real_codes
        partners = {p["code"] for p in area["partners"]}
        assert area["host"] == area["code"] in partners
        schemes = {s["id"]: s for s in area["schemes"]}
        assert all(s["budget_pence"] > 0 and s["partner"] in partners for s in schemes.values())
        assert [f["month"] for f in area["files"]] == list(generate.MONTHS)
        for f in area["files"]:
            with (tmp_path / f["path"]).open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            assert list(rows[0]) == list(generate.HEADER)
            assert len(rows) == f["rows"]
            assert len({r["reference"] for r in rows}) == len(rows)
            assert all(r["date"].startswith(f["month"] + "-") for r in rows)
            assert all(re.fullmatch(r"-?\d+\.\d\d", r["amount"]) for r in rows)
            assert all(r["scheme"] in schemes for r in rows)
            assert all(r["partner"] == schemes[r["scheme"]]["partner"] for r in rows)
            total = sum(Decimal(r["amount"]) for r in rows)
            assert total * 100 == f["total_pence"]
            negatives += sum(r["amount"].startswith("-") for r in rows)
    assert negatives > 0  # credit notes
    assert (
        sum(f["rows"] for a in manifest["areas"] for f in a["files"])
        == (manifest["totals"]["rows"])
    )


def test_sizes(generate: ModuleType) -> None:
    assert generate.SIZES["full"].areas == 150
    assert generate.SIZES["full"].schemes == 40
    assert generate.SIZES["full"].lines == 5_000_000
    assert generate.pounds(-5) == "-0.05"
    assert generate.pounds(123456) == "1234.56"
