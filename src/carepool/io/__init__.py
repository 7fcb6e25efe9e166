"""Importers for reference data (areas, ONS population estimates), with row-level errors.

Each importer validates the whole file before writing, writes in one transaction, audits
every row it creates or changes, and is idempotent: importing the same file twice adds
nothing and reports everything unchanged.
"""

from carepool.io.areas import import_areas
from carepool.io.population import import_population
from carepool.io.reference import (
    AREAS_FILE,
    DataDirectoryMissing,
    default_data_dir,
    load_reference_data,
    population_files,
)
from carepool.io.results import ImportResult, Progress

__all__ = [
    "AREAS_FILE",
    "DataDirectoryMissing",
    "ImportResult",
    "Progress",
    "default_data_dir",
    "import_areas",
    "import_population",
    "load_reference_data",
    "population_files",
]
