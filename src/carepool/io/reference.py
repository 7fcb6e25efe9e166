"""Where the reference data lives, and loading all of it in one go.

The data directory is ``$CAREPOOL_DATA_DIR`` when set, otherwise the repository's own ``data/``
folder (``PROJECT_DIR / "data"``; with the editable install of ``make install`` the project
directory is the parent of ``src/``). Nothing outside the project is ever looked at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from carepool.audit.services import Actor
from carepool.io.areas import import_areas
from carepool.io.population import import_population
from carepool.io.results import ImportResult, Progress, no_progress

DATA_DIR_VARIABLE = "CAREPOOL_DATA_DIR"
AREAS_FILE = Path("geo") / "utla_all_codes.csv"
POPULATION_DIR = Path("population")


class DataDirectoryMissing(Exception):
    """The reference data cannot be found; the message says where it was looked for."""


def default_data_dir() -> Path:
    """``$CAREPOOL_DATA_DIR`` when set, otherwise ``data/`` in the project directory."""
    configured = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    project_dir = Path(getattr(settings, "PROJECT_DIR", Path(__file__).resolve().parents[3]))
    return project_dir / "data"


def require_data_dir(directory: Path | None = None) -> Path:
    directory = directory or default_data_dir()
    if not (directory / AREAS_FILE).is_file():
        raise DataDirectoryMissing(
            f"The reference data is not at {directory} (looked for {AREAS_FILE} there). "
            f"Set {DATA_DIR_VARIABLE} to the folder holding geo/ and population/."
        )
    return directory


def population_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / POPULATION_DIR).glob("*.xls"))


def reference_files(data_dir: Path) -> list[tuple[str, Path]]:
    """(kind, path) for every file ``load_reference_data`` imports, in order."""
    return [("areas", data_dir / AREAS_FILE)] + [
        ("population", path) for path in population_files(data_dir)
    ]


def load_reference_data(
    data_dir: Path | None = None,
    actor: Actor | None = None,
    progress_for: Callable[[str, Path], Progress] | None = None,
) -> list[ImportResult]:
    """Import areas and every population file. Idempotent: a second run reports no change.

    ``progress_for(kind, path)`` returns the progress callback for one file's import.
    """
    directory = require_data_dir(data_dir)
    results = []
    for kind, path in reference_files(directory):
        progress = progress_for(kind, path) if progress_for else no_progress
        importer = import_areas if kind == "areas" else import_population
        results.append(importer(path, actor=actor, progress=progress))
    return results
