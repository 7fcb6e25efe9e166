"""``carepool import``: load reference data files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carepool.cli.options import JsonOption
from carepool.cli.output import Output
from carepool.cli.progress import import_progress
from carepool.cli.render import import_summary
from carepool.io import ImportResult, import_areas, import_population

app = typer.Typer(
    help="Import reference data files. Each file is checked completely before anything is "
    "written (every problem is listed as 'file: sheet: row N: column: message'), loaded in one "
    "transaction, and audited. Importing the same file twice changes nothing.",
    no_args_is_help=True,
)

PathArgument = Annotated[Path, typer.Argument(help="The file to import.", show_default=False)]


def _run(out: Output, kind: str, path: Path) -> ImportResult:
    with out.guard(), import_progress() as bars:
        importer = import_areas if kind == "areas" else import_population
        return importer(path, progress=bars.for_file(kind, path))


def _show(out: Output, result: ImportResult) -> None:
    if out.as_json:
        out.json(result.to_dict())
    else:
        out.print(import_summary([result]))


@app.command("areas")
def areas(path: PathArgument, as_json: JsonOption = False) -> None:
    """Import Health and Wellbeing Board areas from the ONS UTLA code list (CSV).

    Expects the columns UTLACD, UTLANM, RGNCD, RGNNM, CTRYCD and CTRYNM, as in
    geo/utla_all_codes.csv. English upper-tier authorities (E06, E08, E09, E10) become areas and
    each gets its council organisation if it has none; other UK rows are counted as skipped.
    """
    out = Output(as_json)
    _show(out, _run(out, "areas", path))


@app.command("population")
def population(path: PathArgument, as_json: JsonOption = False) -> None:
    """Import ONS mid-year population estimates by single year of age (.xls).

    Reads sheet "MYE2 - Persons": every geography's persons aged 0 to 89 and 90 and over.
    The mid-year is read from the sheet's title. Each row's ages must add up to "All ages".
    Figures already loaded are compared: identical ones are left alone, changed ones are
    updated and audited.
    """
    out = Output(as_json)
    _show(out, _run(out, "population", path))
