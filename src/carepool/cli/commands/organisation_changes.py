"""``carepool organisations add|update|delete``: changing organisations, as a named user.

Finance officers add organisations, and change or delete their own organisation and those
their organisation added (``carepool.organisations.services`` decides).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli.inputs import YesOption, confirm
from carepool.cli.options import ExpectVersionOption, JsonOption, UserOption, acting_user
from carepool.cli.output import INVALID, Output
from carepool.core.errors import FieldError
from carepool.core.organisations import CodeSystem, OrganisationType
from carepool.organisations import records, selectors, services

Code = Annotated[str, typer.Argument(help="The organisation's ODS, GSS, charity or local code.")]
TYPES = ", ".join(t.value for t in OrganisationType)
CODE_SYSTEMS = ", ".join(c.value for c in CodeSystem)


def _done(org: dict[str, Any], verb: str) -> str:
    return (
        f"[green]✓[/] {verb} organisation {org['code']}: {escape(org['name'])} "
        f"({org['org_type_label']}, {CodeSystem(org['code_system']).label})"
    )


def add(
    user: UserOption,
    code: Annotated[
        str,
        typer.Option("--code", "-c", help="ODS, GSS, charity or local code.", show_default=False),
    ],
    code_system: Annotated[
        str,
        typer.Option(
            "--code-system", help=f"Which kind of code: {CODE_SYSTEMS}.", show_default=False
        ),
    ],
    name: Annotated[str, typer.Option("--name", "-n", help="Full name.", show_default=False)],
    org_type: Annotated[
        str, typer.Option("--type", "-t", help=f"One of: {TYPES}.", show_default=False)
    ],
    as_json: JsonOption = False,
) -> None:
    """Add an organisation (finance officers). The code must suit the type and code system.

    Example: carepool organisations add --user finance --code RR8 --code-system ods
    --name "Leeds Teaching Hospitals NHS Trust" --type nhs_trust
    """
    out = Output(as_json)
    with out.guard():
        actor = acting_user(out, user)
        org = services.create_organisation(
            Actor(actor, Interface.CLI),
            {"code": code, "code_system": code_system, "name": name, "org_type": org_type},
        )
        data = records.organisation(org)
    if as_json:
        out.json(data)
        return
    out.print(_done(data, "Added"))


def update(
    code: Code,
    user: UserOption,
    name: Annotated[str | None, typer.Option("--name", "-n", help="New full name.")] = None,
    org_type: Annotated[
        str | None, typer.Option("--type", "-t", help=f"New type, one of: {TYPES}.")
    ] = None,
    code_system: Annotated[
        str | None,
        typer.Option("--code-system", help=f"New code system, one of: {CODE_SYSTEMS}."),
    ] = None,
    new_code: Annotated[
        str | None,
        typer.Option(
            "--new-code",
            help="Codes cannot change (agreements and the audit trail refer to them); a "
            "different code is refused with the reason. Add the organisation under its new "
            "code instead.",
        ),
    ] = None,
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change an organisation's name, type or code system; its code never changes.

    Finance officers of the organisation, or of the organisation that added it. Options left
    out keep their values.
    """
    out = Output(as_json)
    given = {"name": name, "org_type": org_type, "code_system": code_system, "code": new_code}
    data = {key: value for key, value in given.items() if value is not None}
    if not data:
        out.fail(
            INVALID,
            [FieldError("name", "Give at least one of --name, --type or --code-system")],
        )
    with out.guard("code"):
        actor = acting_user(out, user)
        before = services.snapshot(selectors.get_organisation(code))
        org = services.update_organisation(Actor(actor, Interface.CLI), code, data, expect_version)
        after = services.snapshot(org)
        record = records.organisation(org)
    if as_json:
        out.json(record)
        return
    changed = [field for field in after if before[field] != after[field]]
    if not changed:
        out.print(f"No change to organisation {record['code']}: it was already as given.")
        return
    out.print(_done(record, "Updated") + f" (changed: {', '.join(changed)})")


def delete(
    code: Code,
    user: UserOption,
    yes: YesOption = False,
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Delete an organisation that is in no agreement and has no users.

    Finance officers of the organisation, or of the organisation that added it. Asks for
    confirmation first, unless --yes or --json.
    """
    out = Output(as_json)
    with out.guard("code"):
        actor = Actor(acting_user(out, user), Interface.CLI)
        org = selectors.get_organisation(code)
        services.require_editor(actor, org)  # refuse before asking
        record = records.organisation(org)
    confirm(out, f"Delete organisation {record['code']}, '{record['name']}'?", yes)
    with out.guard("code"):
        services.delete_organisation(actor, record["code"], expect_version)
    if as_json:
        out.json({"deleted": record})
        return
    out.print(f"[green]✓[/] Deleted organisation {record['code']}: {escape(record['name'])}")
