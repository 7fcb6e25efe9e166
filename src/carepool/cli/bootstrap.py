"""Starting Django for the command line, before any model is imported."""

from __future__ import annotations

import os
from pathlib import Path

SETTINGS_MODULE = "carepool.site.settings"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def ensure_database_folder() -> None:
    """A fresh checkout has no var/ yet: SQLite creates its file, but not the folder."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "sqlite3" in database["ENGINE"] and str(database["NAME"]) != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
