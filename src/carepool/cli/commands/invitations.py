"""``carepool invitations``: agreements the user's organisation is invited to join."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from carepool.agreements import records, selectors, services
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli import render
from carepool.cli.options import JsonOption, UserOption, acting_user
from carepool.cli.output import Output

app = typer.Typer(
    help="Invitations to join agreements. An organisation added to an agreement by another "
    "partner sees only the invitation until one of its signatories accepts.",
    no_args_is_help=True,
)

AgreementId = Annotated[
    str, typer.Argument(help="The id of the agreement you are invited to (see 'invitations list').")
]


@app.command("list")
def list_invitations(user: UserOption, as_json: JsonOption = False) -> None:
    """Invitations to the user's organisation that no signatory has answered yet."""
    out = Output(as_json)
    with out.guard():
        actor = acting_user(out, user)
        data = [records.invitation(i) for i in selectors.invitations_for(actor)]
    if as_json:
        out.json({"invitations": data})
        return
    if not data:
        out.print("No invitations waiting for an answer.")
        return
    out.print(
        render.table(
            "Invitations to join agreements",
            ("Agreement", "Title", "Area", "Host", "Invited by", "Invited at"),
            (
                (
                    i["agreement_id"],
                    i["title"],
                    i["area"]["name"],
                    i["host"]["name"],
                    f"{i['invited_by']} ({i['invited_by_organisation']['name']})"
                    if i["invited_by"]
                    else "the system",
                    i["invited_at"] or "",
                )
                for i in data
            ),
        )
    )


@app.command("accept")
def accept(agreement_id: AgreementId, user: UserOption, as_json: JsonOption = False) -> None:
    """Join the agreement as a partner (signatories of the invited organisation)."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        person = acting_user(out, user)
        invitation = services.accept_invitation(Actor(person, Interface.CLI), agreement_id)
        detail = records.agreement_detail(selectors.get_agreement(person, agreement_id))
    if as_json:
        out.json(detail)
        return
    out.print(
        f"[green]✓[/] {escape(invitation.organisation.name)} joined agreement {detail['id']}: "
        f"{escape(detail['title'])}"
    )


@app.command("decline")
def decline(agreement_id: AgreementId, user: UserOption, as_json: JsonOption = False) -> None:
    """Decline to join: the organisation is taken off the agreement's partners."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        person = acting_user(out, user)
        invitation = selectors.get_invitation(person, agreement_id)
        data = records.invitation(invitation)
        services.decline_invitation(Actor(person, Interface.CLI), agreement_id)
    if as_json:
        out.json({"declined": data})
        return
    out.print(
        f"[green]✓[/] {escape(data['organisation']['name'])} declined to join agreement "
        f"{data['agreement_id']}: {escape(data['title'])}"
    )
