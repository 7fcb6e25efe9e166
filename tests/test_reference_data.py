"""The reference data is the repository's own: complete, unedited, and the only place read.

A fresh clone must work with nothing beside it, so no code, test, script or document may
point at a ``shared`` folder outside the project (where the data used to live). The runtime
side of this is checked in ``tests/cli/test_setup.py``, which records every file ``carepool
setup --demo`` opens.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.reference_data import DATA_DIR, PROJECT_DIR

CHECKSUMS = DATA_DIR / "SHA256SUMS"
NOT_DATA = {"README.md", "SHA256SUMS"}
OUTSIDE_THE_PROJECT = re.compile(
    "|".join(
        [
            re.escape("../shared"),
            re.escape("shared/data"),
            re.escape('"shared"'),
            "CAREPOOL_SHARED_DATA",
        ]
    )
)
# The two tests that look for such a folder, and the decision record that tells its history,
# name it; nothing else may.
ALLOWED = {
    Path(__file__).resolve(),
    PROJECT_DIR / "tests" / "cli" / "test_setup.py",
    PROJECT_DIR / "docs" / "adr" / "0010-reference-data-in-the-repository.md",
}
SCANNED = ["src", "tests", "scripts", "docs", ".ci", "Makefile", "README.md", "pyproject.toml"]


def listed_checksums() -> dict[str, str]:
    listed = {}
    for line in CHECKSUMS.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    return listed


def test_every_reference_file_is_present_and_byte_for_byte_as_published() -> None:
    listed = listed_checksums()
    on_disk = {
        str(p.relative_to(DATA_DIR))
        for p in DATA_DIR.rglob("*")
        if p.is_file() and p.name not in NOT_DATA
    }

    assert set(listed) == on_disk, "data/SHA256SUMS must list every data file, and only those"
    changed = [
        name
        for name, digest in listed.items()
        if hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest() != digest
    ]
    assert changed == [], "reference data files must not be edited"
    for folder in ("geo", "population", "ascof", "bcf", "dtoc"):
        assert any(name.startswith(folder + "/") for name in listed), folder


def test_the_readme_names_every_file_and_the_licence() -> None:
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")

    assert [name for name in listed_checksums() if f"`{name}`" not in readme] == []
    assert "Open Government Licence v3.0" in readme
    assert "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in readme


def test_nothing_in_the_project_points_at_a_shared_folder_outside_it() -> None:
    found = []
    for entry in SCANNED:
        root = PROJECT_DIR / entry
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            generated = "__pycache__" in path.parts or path.parent.suffix == ".egg-info"
            if path.resolve() in ALLOWED or generated:
                continue
            try:
                content = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # images and other binary files
            for number, line in enumerate(content.splitlines(), start=1):
                if OUTSIDE_THE_PROJECT.search(line):
                    found.append(f"{path.relative_to(PROJECT_DIR)}:{number}: {line.strip()}")

    assert found == []
