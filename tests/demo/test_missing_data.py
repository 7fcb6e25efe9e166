"""The demo loader without its reference data (tests/demo/test_demo.py loads the demo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carepool.agreements.models import Agreement
from carepool.demo import load_demo
from carepool.io import DataDirectoryMissing
from carepool.organisations.models import Area


def test_a_missing_data_directory_is_refused_clearly(db: None, tmp_path: Path) -> None:
    with pytest.raises(DataDirectoryMissing, match="CAREPOOL_DATA_DIR"):
        load_demo(tmp_path / "nowhere")
    assert Agreement.objects.count() == Area.objects.count() == 0
