"""``carepool ledger``: Single ledger entries (spend, refunds, commitments), contributions falling due, period close and re-open, corrections, and the integrity check (docs/ledger.md)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from django.utils import timezone
from rich.markup import escape

from carepool.agreements.selectors import get_agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli import render
from carepool.cli.commands.ledger import app as ledger_app
from carepool.cli.options import JsonOption, UserOption, acting_user
from carepool.cli.output import Output
from carepool.core import parse
from carepool.ledger import entry_records as records
from carepool.ledger import services
from carepool.ledger.entry_selectors import get_transfer
from carepool.ledger.integrity import IntegrityReport, check_ledger
from carepool.ledger.models import Scheme

__all__ = ["ledger_app"]

DIFFERENCES_FOUND = 1  # exit code of `ledger check` when anything does not add up

AgreementId = Annotated[str, typer.Argument(help="The agreement's id (see 'agreements list').")]
DateOption = Annotated[str, typer.Option("--date", help="The date, like 2024-10-15.")]
SchemeOption = Annotated[str, typer.Option("--scheme", help="A scheme code, like S01.")]
PartnerOption = Annotated[
    str, typer.Option("--partner", help="The responsible partner's code, like E08000035.")
]
AmountOption = Annotated[
    str,
    typer.Option("--amount", help="Pounds and pence, like 1250.50 (negative: a refund)."),
]
TextOption = Annotated[str, typer.Option(show_default=False)]


def _actor(out: Output, user: str) -> Actor:
    return Actor(acting_user(out, user), Interface.CLI)


def _show_line(out: Output, person: Any, transfer_id: int, title: str) -> None:
    data = records.transfer_record(get_transfer(person, transfer_id))
    if out.as_json:
        out.json(data)
        return
    out.print(
        render.key_values(
            title,
            [
                ("Line", data["id"]),
                ("Kind", data["kind"]),
                ("Date", data["date"]),
                ("Debit", data["debit"]["label"]),
                ("Credit", data["credit"]["label"]),
                ("Amount", render.money(data["amount"])),
                ("Reference", data["reference"] or "-"),
                ("Corrects", data["corrects"] or "-"),
            ],
        )
    )


@ledger_app.command("post")
def post(
    agreement_id: AgreementId,
    user: UserOption,
    day: DateOption,
    scheme: SchemeOption,
    partner: PartnerOption,
    amount: AmountOption,
    provider: Annotated[str, typer.Option("--provider", help="Who was paid.")] = "",
    description: Annotated[str, typer.Option("--description")] = "",
    reference: Annotated[
        str, typer.Option("--reference", help="The partner's own invoice or journal number.")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Record one spend line (a negative amount is a refund or credit note)."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = _actor(out, user)
        row = services.post_actual(
            actor,
            agreement_id,
            {
                "date": day,
                "scheme": scheme,
                "partner": partner,
                "amount": amount,
                "provider": provider,
                "description": description,
                "reference": reference,
            },
        )
        _show_line(out, actor.user, row.pk, "Recorded")


@ledger_app.command("commit")
def commit(
    agreement_id: AgreementId,
    user: UserOption,
    day: DateOption,
    scheme: SchemeOption,
    partner: PartnerOption,
    amount: Annotated[str, typer.Option("--amount", help="Pounds, more than 0.")],
    reference: Annotated[
        str, typer.Option("--reference", help="The order number: unique in the agreement.")
    ],
    provider: Annotated[str, typer.Option("--provider", help="Who the order is with.")] = "",
    description: Annotated[str, typer.Option("--description")] = "",
    as_json: JsonOption = False,
) -> None:
    """Record a commitment (an order placed), released as its invoices arrive."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = _actor(out, user)
        row = services.record_commitment(
            actor,
            agreement_id,
            {
                "date": day,
                "scheme": scheme,
                "partner": partner,
                "amount": amount,
                "reference": reference,
                "provider": provider,
                "description": description,
            },
        )
        _show_line(out, actor.user, row.pk, "Commitment recorded")


@ledger_app.command("cancel")
def cancel(
    agreement_id: AgreementId,
    reference: Annotated[str, typer.Argument(help="The commitment's reference.")],
    user: UserOption,
    day: Annotated[str, typer.Option("--date", help="Default: today.")] = "",
    reason: Annotated[str, typer.Option("--reason")] = "",
    as_json: JsonOption = False,
) -> None:
    """Cancel a commitment: release what remains of it."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = _actor(out, user)
        row = services.cancel_commitment(
            actor, agreement_id, reference, {"date": day, "reason": reason}
        )
        _show_line(out, actor.user, row.pk, "Commitment released")


@ledger_app.command("contributions")
def contributions(
    agreement_id: AgreementId,
    user: UserOption,
    up_to: Annotated[
        str, typer.Option("--up-to", help="Post what falls due by this date (default: today).")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Post the contribution instalments fallen due and not yet posted (safe to run again)."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = _actor(out, user)
        cutoff = parse.required_day(up_to, "up_to") if up_to else timezone.localdate()
        posted = services.post_due_contributions(actor, agreement_id, cutoff)
    if as_json:
        out.json({"posted": posted, "up_to": cutoff.isoformat()})
    elif posted:
        out.print(f"Posted {posted} contribution instalment(s) due by {cutoff:%-d %B %Y}.")
    else:
        out.print(f"Nothing to post: every instalment due by {cutoff:%-d %B %Y} is posted.")


@ledger_app.command("close")
def close(
    agreement_id: AgreementId,
    month: Annotated[str, typer.Argument(help="The month, like 2024-10.")],
    user: UserOption,
    as_json: JsonOption = False,
) -> None:
    """Close a month (the host's finance officers; months close in order)."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        row = services.close_month(_actor(out, user), agreement_id, month)
        data = records.closed_month_record(row)
    if as_json:
        out.json(data)
    else:
        out.print(f"{data['name']} is closed.")


@ledger_app.command("reopen")
def reopen(
    agreement_id: AgreementId,
    month: Annotated[str, typer.Argument(help="The month, like 2024-10.")],
    user: UserOption,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")],
    as_json: JsonOption = False,
) -> None:
    """Re-open the latest closed month (the host's signatories), with a reason."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        services.reopen_month(_actor(out, user), agreement_id, month, reason)
    if as_json:
        out.json({"month": month.strip(), "state": "open"})
    else:
        out.print(f"{escape(month.strip())} is open again.")


@ledger_app.command("correct")
def correct(
    transfer_id: Annotated[str, typer.Argument(help="The ledger line to correct.")],
    user: UserOption,
    day: Annotated[str, typer.Option("--date", help="A date in an open month.")],
    amount: Annotated[
        str, typer.Option("--amount", help="The change to spend, signed, like -120.00.")
    ],
    reason: Annotated[str, typer.Option("--reason")],
    scheme: Annotated[str, typer.Option("--scheme", help="Default: the line's.")] = "",
    partner: Annotated[str, typer.Option("--partner", help="Default: the line's.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Correct a spend line in a closed month with an adjusting entry in an open month."""
    out = Output(as_json)
    with out.guard("transfer_id"):
        actor = _actor(out, user)
        row = services.correct(
            actor,
            transfer_id,
            {
                "date": day,
                "amount": amount,
                "reason": reason,
                "scheme": scheme,
                "partner": partner,
            },
        )
        _show_line(out, actor.user, row.pk, "Correction posted")


@ledger_app.command("schemes")
def schemes(
    agreement_id: AgreementId,
    user: UserOption,
    add: Annotated[str, typer.Option("--add", help="Register a scheme with this code.")] = "",
    name: Annotated[str, typer.Option("--name", help="The new scheme's name.")] = "",
    as_json: JsonOption = False,
) -> None:
    """The schemes the ledger may spend on; --add registers one (pools without a plan)."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = _actor(out, user)
        if add or name:
            services.register_scheme(actor, agreement_id, {"code": add, "name": name})
        agreement = get_agreement(actor.user, agreement_id)
        data = [records.scheme_record(s) for s in Scheme.objects.filter(agreement=agreement)]
    if as_json:
        out.json({"items": data, "count": len(data)})
    elif data:
        out.print(render.table("Schemes", ("Code", "Name"), ((s["code"], s["name"]) for s in data)))
    else:
        out.print("No schemes yet: start the year's plan, or register one with --add.")


@ledger_app.command("check")
def check(
    agreement: Annotated[
        int | None, typer.Option("--agreement", help="Only this agreement (default: all).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute every stored balance from the ledger rows and report every difference.

    Run by the operator on the server, against the configured database; it takes no --user.
    Exit code 0: every balance equals its rows; 1: differences found (each listed).
    """
    out = Output(as_json)
    with out.guard("agreement"):
        report = check_ledger(agreement)
    if as_json:
        out.json(report.to_dict())
    else:
        _show_report(out, report)
    if not report.ok:
        raise typer.Exit(DIFFERENCES_FOUND)


def _show_report(out: Output, report: IntegrityReport) -> None:
    checked = (
        f"{report.transfers:,} ledger rows, {report.balances:,} balances and "
        f"{report.batches:,} import batches checked"
    )
    if report.ok:
        out.print(f"[green]✓[/] Every balance equals its ledger rows: {checked}.")
        return
    out.print(f"[bold red]✗ {report.problem_count:,} problem(s) found:[/] {checked}.")
    if report.differences:
        out.print(
            render.table(
                "Balances that differ from their rows",
                ("Agreement", "Account", "Month", "Stored", "Recomputed", "Problem"),
                (
                    (
                        d.agreement_id,
                        d.account,
                        d.month,
                        f"{d.stored_pence}p",
                        f"{d.recomputed_pence}p",
                        d.problem,
                    )
                    for d in report.differences
                ),
            )
        )
    if report.bad_transfers:
        out.print(
            render.table(
                "Rows that break the ledger's rules",
                ("Line", "Agreement", "Problem"),
                ((b.transfer_id, b.agreement_id, b.problem) for b in report.bad_transfers),
            )
        )
    if report.batch_differences:
        out.print(
            render.table(
                "Import batches that do not add up",
                ("Batch", "File", "Rows (stored / counted)", "Total pence (stored / counted)"),
                (
                    (
                        b.batch_id,
                        b.file_name,
                        f"{b.stored_rows} / {b.counted_rows}",
                        f"{b.stored_total_pence} / {b.counted_total_pence}",
                    )
                    for b in report.batch_differences
                ),
            )
        )
