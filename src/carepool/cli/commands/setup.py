"""``carepool setup``: database, reference data and (optionally) the demo."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from django.conf import settings
from django.core.management import call_command
from rich.table import Table

from carepool.cli.options import JsonOption
from carepool.cli.output import Output
from carepool.cli.progress import import_progress
from carepool.cli.render import import_summary
from carepool.demo import load_demo, require_demo_allowed
from carepool.io import DataDirectoryMissing, load_reference_data
from carepool.io.reference import require_data_dir
from carepool.organisations.selectors import areas


def _database_label() -> str:
    database = settings.DATABASES["default"]
    if "sqlite3" in database["ENGINE"]:
        return f"SQLite database {database['NAME']}"
    return f"{database['ENGINE'].rsplit('.', 1)[-1]} database {database.get('NAME', '')}"


def setup(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo/--no-demo",
            help="Also load the demonstration data (Leeds and Kent agreements, one user per "
            "role) and print the demo log-ins. Development machines only (CAREPOOL_DEBUG=1): "
            "the demo password is published.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Create or upgrade the database, load the reference data, and optionally the demo.

    Safe to run again: migrations, the area and population imports and the demo are all
    idempotent, so a second run changes nothing. The reference data (areas from
    geo/utla_all_codes.csv, ONS population from population/*.xls) is read from
    the project's data/ folder, or from $CAREPOOL_DATA_DIR when that is set.
    """
    out = Output(as_json)
    result: dict[str, Any] = {"database": _database_label()}
    with out.guard():
        if demo:
            require_demo_allowed()  # before anything changes
        out.err.print(f"Migrating the {_database_label()} ...")
        call_command("migrate", interactive=False, verbosity=0)
        result["migrated"] = True
        if not as_json:
            out.print(f"[green]✓[/] Database ready: {_database_label()}")

        try:
            data_dir = require_data_dir()
        except DataDirectoryMissing as exc:
            if demo:
                raise
            data_dir = None
            result["reference"] = []
            if not areas().exists():
                out.err.print(f"[yellow]Reference data not loaded:[/] {exc}")
        if data_dir is not None:
            with import_progress() as bars:
                results = load_reference_data(data_dir, progress_for=bars.for_file)
            result["reference"] = [r.to_dict() for r in results]
            if not as_json:
                out.print(import_summary(results, title=f"Reference data from {data_dir}"))

        result["demo"] = None
        if demo:
            summary = load_demo(load_reference=False)
            result["demo"] = summary.to_dict()
            if not as_json:
                verb = "loaded" if summary.changed_anything else "already loaded, unchanged"
                out.print(
                    f"[green]✓[/] Demo {verb}: "
                    + "; ".join(f"{title} (id {pk})" for title, pk in summary.agreements.items())
                )
                out.print(_logins_table(summary.to_dict()["logins"]))
    if as_json:
        out.json(result)


def _logins_table(logins: list[dict[str, Any]]) -> Table:
    table = Table(
        title="Demo log-ins (web, API and --user on the command line)", title_justify="left"
    )
    for heading in ("Username", "Password", "Organisation", "Role", "What they can see"):
        table.add_column(heading, overflow="fold")
    for login in logins:
        table.add_row(
            login["username"],
            login["password"],
            login["organisation"],
            ", ".join(login["roles"]),
            login["can_see"],
        )
    return table
