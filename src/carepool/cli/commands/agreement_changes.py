"""``carepool agreements create|update|delete|approve|risk-share``: changing agreements.

Each command reads its input, calls one service of ``carepool.agreements.services`` as the
--user through the command line, and prints the result or every refusal.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from carepool.agreements import records, selectors, services
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli.inputs import YesOption, assignments, confirm, json_object
from carepool.cli.options import ExpectVersionOption, JsonOption, UserOption, acting_user
from carepool.cli.output import INVALID, Output
from carepool.core.errors import FieldError
from carepool.core.risk_share import ProvisionKind

AgreementId = Annotated[str, typer.Argument(help="The agreement's id (see 'agreements list').")]

# --set takes text; these fields are lists, written with a separator between the items.
LIST_SEPARATORS = {"partners": ",", "auditors": ",", "outcomes": "|"}
FIELDS_HELP = ", ".join(services.AGREEMENT_FIELDS)

risk_share_app = typer.Typer(
    help="The structured risk-share provisions of an agreement: add one, or remove one by "
    "its position (1 = the first, as 'agreements show' lists them).",
    no_args_is_help=True,
)


def _done(message: str) -> str:
    return f"[green]✓[/] {message}"


def _missing_note(detail: dict[str, Any]) -> str:
    """Completeness in a line, then any warnings (worth a look, not errors)."""
    missing = detail["completeness"]["missing"]
    note = (
        "Complete: the agreement states everything it must."
        if not missing
        else f"Incomplete: {len(missing)} item{'s' if len(missing) != 1 else ''} missing; "
        f"see 'carepool agreements completeness {detail['id']}'."
    )
    return "\n".join([note, *(f"Warning: {escape(w)}" for w in detail["warnings"])])


def create(
    user: UserOption,
    file: Annotated[
        str,
        typer.Option(
            "--file",
            "-f",
            help="A JSON object with the agreement's terms ('-' reads standard input). "
            f"Keys: {FIELDS_HELP}.",
            show_default=False,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Create an agreement from a JSON file (finance officers of a partner).

    The user's organisation must be one of the partners. partners, auditors and outcomes
    are JSON lists; risk_share is a list of provisions.
    Example: carepool agreements create --user finance --file agreement.json
    """
    out = Output(as_json)
    data = json_object(out, file)
    unknown = sorted(set(data) - set(services.AGREEMENT_FIELDS))
    if unknown:
        out.fail(INVALID, [FieldError(key, "is not a field of an agreement") for key in unknown])
    with out.guard():
        actor = acting_user(out, user)
        agreement = services.create_agreement(Actor(actor, Interface.CLI), data)
        detail = records.agreement_detail(agreement)
    if as_json:
        out.json(detail)
        return
    out.print(
        _done(
            f"Created agreement {detail['id']}: {escape(detail['title'])} "
            f"({escape(detail['area']['name'])}, {detail['arrangement_type_label']}, "
            f"{detail['start_date']} to {detail['end_date']})"
        )
    )
    out.print(_missing_note(detail))


def update(
    agreement_id: AgreementId,
    user: UserOption,
    file: Annotated[
        str,
        typer.Option(
            "--file",
            "-f",
            help="A JSON object with the terms to change ('-' reads standard input); terms "
            "left out keep their values.",
            show_default=False,
        ),
    ] = "",
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            "-s",
            help="FIELD=VALUE, repeatable; wins over --file. partners and auditors take "
            "codes separated by commas, outcomes take outcomes separated by '|', risk_share "
            "a JSON list; an empty value clears a term. Fields: " + FIELDS_HELP + ".",
            show_default=False,
        ),
    ] = None,
    expect_version: ExpectVersionOption = None,
    move_area: Annotated[
        bool,
        typer.Option(
            "--move-area",
            help="Confirm a change of area: without it a new area is refused, because it "
            "changes whose plan and pooled fund the agreement is.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Change some of an agreement's terms (finance officers of a partner).

    A change to the terms withdraws the partners' approvals.
    Example: carepool agreements update 1 --user finance
    --set "outcomes=Fewer admissions|Shorter stays" --set break_clause_date=2026-03-31
    """
    out = Output(as_json)
    if not file and not set_:
        out.fail(
            INVALID,
            [FieldError("set", "Give the changes with --file PATH or --set FIELD=VALUE")],
        )
    data = json_object(out, file) if file else {}
    data.update(assignments(out, set_ or [], LIST_SEPARATORS))
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        before = services.agreement_snapshot(selectors.get_agreement(actor, agreement_id))
        agreement = services.update_agreement(
            Actor(actor, Interface.CLI),
            agreement_id,
            data,
            expect_version,
            confirm_area_change=move_area,
        )
        after = services.agreement_snapshot(agreement)
        detail = records.agreement_detail(agreement)
    if as_json:
        out.json(detail)
        return
    changed = [field for field in after if before[field] != after[field]]
    title = f"agreement {detail['id']}: {escape(detail['title'])}"
    if not changed:
        out.print(f"No change to {title}: the terms were already as given.")
        return
    out.print(_done(f"Updated {title} (changed: {', '.join(changed)})"))
    out.print(_missing_note(detail))


def delete(
    agreement_id: AgreementId,
    user: UserOption,
    yes: YesOption = False,
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Delete an agreement without contributions or approvals (finance officers of a partner).

    Asks for confirmation first, unless --yes or --json.
    """
    out = Output(as_json)
    with out.guard("agreement_id"):
        person = acting_user(out, user)
        actor = Actor(person, Interface.CLI)
        agreement = selectors.get_agreement(person, agreement_id)
        services.require_editor(actor, agreement)  # refuse before asking
        summary = records.agreement_summary(agreement)
    confirm(out, f"Delete agreement {summary['id']}, '{summary['title']}'?", yes)
    with out.guard("agreement_id"):
        services.delete_agreement(actor, agreement_id, expect_version)
    if as_json:
        out.json({"deleted": summary})
        return
    out.print(_done(f"Deleted agreement {summary['id']}: {escape(summary['title'])}"))


def approve(
    agreement_id: AgreementId,
    user: UserOption,
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve an agreement for the user's organisation (signatories of a partner).

    --expect-version is required: the version you read ('show' prints it), which is the
    version the approval names, with its content hash. A superseded version is refused. Any
    later change to the terms or the money withdraws the approval (it stays in the history).
    """
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        approval = services.approve_agreement(
            Actor(actor, Interface.CLI), agreement_id, expect_version
        )
        data = records.approval(approval)
        title = approval.agreement.title
    if as_json:
        out.json(data)
        return
    out.print(
        _done(
            f"{escape(data['organisation']['name'])} approved agreement {agreement_id}: "
            f"{escape(title)}, version {data['version']} (by {escape(data['approved_by'])})"
        )
    )


@risk_share_app.command("add")
def add_provision(
    agreement_id: AgreementId,
    user: UserOption,
    file: Annotated[
        str,
        typer.Option(
            "--file",
            "-f",
            help="A JSON object describing one provision, with its kind ("
            + ", ".join(k.value for k in ProvisionKind)
            + "); '-' reads standard input.",
            show_default=False,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Add one risk-share provision at the end of the agreement's list.

    Example: carepool agreements risk-share add 1 --user finance --file provision.json
    """
    out = Output(as_json)
    provision = json_object(out, file)
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        agreement = services.add_risk_share_provision(
            Actor(actor, Interface.CLI), agreement_id, provision
        )
        detail = records.agreement_detail(agreement)
    if as_json:
        out.json(detail)
        return
    added = detail["risk_share"][-1]
    out.print(
        _done(
            f"Added risk-share provision {len(detail['risk_share'])} "
            f"({escape(_kind_label(added))}) to agreement {detail['id']}: "
            f"{escape(detail['title'])}"
        )
    )


@risk_share_app.command("remove")
def remove_provision(
    agreement_id: AgreementId,
    position: Annotated[
        int, typer.Argument(help="The provision's position: 1 = the first, as 'show' lists them.")
    ],
    user: UserOption,
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove one risk-share provision by its position.

    Give --expect-version: if someone else added or removed a provision since you looked,
    the positions have moved and nothing is removed.
    """
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        agreement = services.remove_risk_share_provision(
            Actor(actor, Interface.CLI), agreement_id, position, expect_version
        )
        detail = records.agreement_detail(agreement)
    if as_json:
        out.json(detail)
        return
    left = len(detail["risk_share"])
    out.print(
        _done(
            f"Removed risk-share provision {position} from agreement {detail['id']}: "
            f"{escape(detail['title'])} ({left} left)"
        )
    )


def _kind_label(provision: dict[str, Any]) -> str:
    try:
        return ProvisionKind(str(provision.get("kind"))).label
    except ValueError:
        return str(provision.get("kind"))
