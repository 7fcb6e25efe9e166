"""Where the real reference files are for tests: ../shared/data beside the repository.

``CAREPOOL_SHARED_DATA`` overrides it. The files are read-only public data (see their README).
Locally, tests that need them are skipped when they are missing; in CI they fail instead, so
the real-data checks can never be skipped quietly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("CAREPOOL_SHARED_DATA")
    or Path(__file__).resolve().parents[2].parent / "shared" / "data"
)
AREAS_CSV = SHARED_DATA / "geo" / "utla_all_codes.csv"
POPULATION_2020 = SHARED_DATA / "population" / "ukpopestimatesmid2020on2021geography.xls"
POPULATION_2019 = SHARED_DATA / "population" / "ukmidyearestimates20192020ladcodes.xls"


def require(*paths: Path) -> None:
    missing = [str(p) for p in paths if not p.is_file()]
    if not missing:
        return
    message = "shared reference data missing (set CAREPOOL_SHARED_DATA): " + ", ".join(missing)
    if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
