"""The ``carepool`` command and its sub-commands."""

from __future__ import annotations

import typer

from carepool.cli.commands import agreements, contributions, imports, reference, rules, setup

app = typer.Typer(
    name="carepool",
    help="Carepool: run pooled health and social care budgets (Better Care Fund, section 75 "
    "pools). Every command takes --json for machine-readable output; commands about "
    "agreements act as a named user (--user) and see only what that user may see.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("setup")(setup.setup)
app.add_typer(imports.app, name="import")
app.add_typer(reference.organisations_app, name="organisations")
app.add_typer(reference.areas_app, name="areas")
app.command("population")(reference.population)
app.add_typer(agreements.app, name="agreements")
app.add_typer(contributions.app, name="contributions")
app.add_typer(rules.app, name="rules")
