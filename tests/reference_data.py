"""The reference files the tests read: the repository's own ``data/`` folder.

Tests always read these files (never ``$CAREPOOL_DATA_DIR``) because they check figures that
are in them. The files are part of the repository, so a test that needs one fails, never
skips, when it is missing; ``tests/test_reference_data.py`` checks they are all there and
unchanged.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"
AREAS_CSV = DATA_DIR / "geo" / "utla_all_codes.csv"
POPULATION_2020 = DATA_DIR / "population" / "ukpopestimatesmid2020on2021geography.xls"
POPULATION_2019 = DATA_DIR / "population" / "ukmidyearestimates20192020ladcodes.xls"
