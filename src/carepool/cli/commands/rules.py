"""``carepool rules``: the year-keyed policy rules."""

from __future__ import annotations

from typing import Annotated

import typer

from carepool.agreements.records import funding_streams
from carepool.cli.options import JsonOption
from carepool.cli.output import Output
from carepool.cli.render import table
from carepool.core import parse
from carepool.core.organisations import OrganisationType
from carepool.core.rules import Programme, load_rules

app = typer.Typer(help="Policy rules by financial year.", no_args_is_help=True)


@app.command("streams")
def streams(
    year: Annotated[
        str, typer.Option("--year", "-y", help="Financial year, like 2024-25.", show_default=False)
    ],
    programme: Annotated[
        str,
        typer.Option(
            "--programme",
            "-p",
            help="Whose rules: " + ", ".join(p.value for p in Programme) + ".",
        ),
    ] = Programme.BCF.value,
    as_json: JsonOption = False,
) -> None:
    """The funding streams of a year, whether each is mandated, and who may pay into it.

    A year after the latest published uses the latest year's rules, marked provisional.
    """
    out = Output(as_json)
    with out.guard():
        data = funding_streams(
            load_rules().for_year(
                parse.year(year, "year"), parse.choice(programme, Programme, "programme")
            )
        )
    if as_json:
        out.json(data)
        return
    out.print(
        table(
            f"{data['programme']} funding streams {data['year']}",
            ("Code", "Name", "Nature", "Who may contribute"),
            (
                (
                    s["code"],
                    s["name"],
                    s["nature"],
                    ", ".join(OrganisationType(t).label for t in s["contributors"]),
                )
                for s in data["funding_streams"]
            ),
        )
    )
    if data["provisional"]:
        out.print(f"[yellow]{data['note']}.[/]")
    out.print(f"[dim]Source: {data['source']}[/]")
