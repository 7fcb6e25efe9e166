"""``carepool organisations``, ``carepool areas`` and ``carepool population``: reference data."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from carepool.accounts.permissions import NotFound
from carepool.cli.options import JsonOption
from carepool.cli.output import Output
from carepool.cli.render import key_values, table
from carepool.core import parse
from carepool.core.organisations import CodeSystem, OrganisationType
from carepool.organisations import records, selectors
from carepool.organisations.models import Area

organisations_app = typer.Typer(
    help="Partner organisations: councils (GSS codes), NHS bodies (ODS codes) and others.",
    no_args_is_help=True,
)
areas_app = typer.Typer(help="Health and Wellbeing Board areas.", no_args_is_help=True)

SearchOption = Annotated[
    str, typer.Option("--search", "-s", help="Part of the name, or the exact code.")
]


@organisations_app.command("list")
def list_organisations(
    org_type: Annotated[
        str,
        typer.Option(
            "--type",
            "-t",
            help="Only this type: " + ", ".join(t.value for t in OrganisationType) + ".",
        ),
    ] = "",
    search: SearchOption = "",
    as_json: JsonOption = False,
) -> None:
    """List organisations, by name."""
    out = Output(as_json)
    with out.guard():
        if org_type:
            org_type = parse.choice(org_type, OrganisationType, "type").value
        orgs = [records.organisation(o) for o in selectors.organisations(search, org_type)]
    if as_json:
        out.json({"organisations": orgs})
        return
    out.print(
        table(
            f"{len(orgs)} organisation{'s' if len(orgs) != 1 else ''}",
            ("Code", "Name", "Type", "Code system"),
            (
                (o["code"], o["name"], o["org_type_label"], CodeSystem(o["code_system"]).label)
                for o in orgs
            ),
        )
    )


@organisations_app.command("show")
def show_organisation(
    code: Annotated[str, typer.Argument(help="The ODS, GSS, charity or local code.")],
    as_json: JsonOption = False,
) -> None:
    """Show one organisation."""
    out = Output(as_json)
    with out.guard("code"):
        org = records.organisation(selectors.get_organisation(code))
    if as_json:
        out.json(org)
        return
    out.print(
        key_values(
            org["name"],
            [
                ("Code", org["code"]),
                ("Code system", CodeSystem(org["code_system"]).label),
                ("Type", org["org_type_label"]),
            ],
        )
    )


@areas_app.command("list")
def list_areas(search: SearchOption = "", as_json: JsonOption = False) -> None:
    """List Health and Wellbeing Board areas, by name."""
    out = Output(as_json)
    with out.guard():
        rows = [records.area(a) for a in selectors.areas(search)]
    if as_json:
        out.json({"areas": rows})
        return
    out.print(
        table(
            f"{len(rows)} area{'s' if len(rows) != 1 else ''}",
            ("Code", "Name", "Region", "Source"),
            ((a["code"], a["name"], a["region_name"], a["source"]) for a in rows),
        )
    )


def population(
    area_code: Annotated[
        str, typer.Argument(help="GSS code of an area, council, region or country, like E08000035.")
    ],
    year: Annotated[
        str, typer.Option("--year", "-y", help="Financial year, like 2024-25.", show_default=False)
    ],
    min_age: Annotated[int, typer.Option("--min-age", help="Youngest age counted.")] = 0,
    max_age: Annotated[
        int | None,
        typer.Option("--max-age", help="Oldest age counted; leave out for 'and over'."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Persons in an age band in an area for a financial year, from ONS mid-year estimates.

    Uses the estimate for the year's own mid-point (mid-2024 for 2024-25) when loaded, or
    else the latest earlier one, and says which in the note. Example:
    carepool population E08000035 --year 2024-25 --min-age 65
    """
    out = Output(as_json)
    with out.guard("area_code"):
        financial_year = parse.year(year, "year")
        answer = selectors.population(area_code, financial_year, min_age, max_age)
        try:
            area: Area | None = selectors.get_area(area_code)
        except NotFound:
            area = None  # regions and countries have estimates but are not areas
        data = records.population(answer, area)
    if as_json:
        out.json(data)
        return
    code, name = data["area"]["code"], data["area"]["name"]
    place = f"{name} ({code})" if name else code
    out.print(
        f"[bold]{data['persons']:,}[/] persons {data['age_label']} in {place}, {data['year']}"
    )
    out.print(f"[dim]{data['note']}[/]")
    out.print(f"[dim]How: {escape(data['trace']['sentence'])}[/]")
