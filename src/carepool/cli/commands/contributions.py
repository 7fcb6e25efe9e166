"""``carepool contributions``: partners' contributions, their variations and instalments."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from carepool.agreements import records, selectors, services
from carepool.audit.models import Interface
from carepool.audit.readable import readable
from carepool.audit.records import audit_event
from carepool.audit.services import Actor
from carepool.cli import render
from carepool.cli.inputs import YesOption, confirm
from carepool.cli.options import ExpectVersionOption, JsonOption, UserOption, acting_user
from carepool.cli.output import INVALID, Output
from carepool.core import parse
from carepool.core.contributions import InstalmentFrequency
from carepool.core.errors import FieldError
from carepool.core.money import total

app = typer.Typer(
    help="Contributions to an agreement's pooled fund, per partner, funding stream and year. "
    "Amounts are pounds and pence, like 1250000.00. Amounts change only through variations, "
    "which keep the history.",
    no_args_is_help=True,
)

AgreementId = Annotated[str, typer.Argument(help="The agreement's id (see 'agreements list').")]
ContributionId = Annotated[
    str, typer.Argument(help="The contribution's id (see 'contributions list').")
]


def _contribution_data(contribution_id: str, user: Any) -> dict[str, Any]:
    return records.contribution_detail(selectors.get_contribution(user, contribution_id))


@app.command("list")
def list_contributions(
    agreement_id: AgreementId,
    user: UserOption,
    year: Annotated[
        str, typer.Option("--year", "-y", help="Only this financial year, like 2024-25.")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """List an agreement's contributions by year, with totals per partner, stream and overall."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        agreement = selectors.get_agreement(actor, agreement_id)
        years = [parse.year(year, "year")] if year else None
        data: dict[str, Any] = {
            "agreement": {"id": agreement.pk, "title": agreement.title},
            "years": [],
        }
        varied: dict[int, int] = {}  # contribution id -> how many variations (for people)
        for summary in selectors.year_summaries(agreement, years):
            data["years"].append(
                {
                    **records.year_totals(summary),
                    "contributions": [records.contribution(m, c) for m, c in summary.contributions],
                }
            )
            varied.update((m.pk, len(c.variations)) for m, c in summary.contributions)
        names = {o.code: o.name for o in selectors.partner_organisations(agreement)}
    if as_json:
        out.json(data)
        return
    out.print(f"[bold]{escape(agreement.title)}[/] (id {agreement.pk})")
    if not data["years"]:
        out.print("No contributions recorded yet.")
    for entry in data["years"]:
        out.print(
            render.table(
                f"Contributions {entry['year']}",
                ("Id", "Partner", "Stream", "Kind", "Original", "Now", "Instalments", "Variations"),
                (
                    (
                        c["id"],
                        c["partner"]["name"],
                        c["funding_stream"],
                        "mandated" if c["mandated"] else "additional",
                        render.money(c["original_amount"]),
                        render.money(c["amount"]),
                        c["frequency"],
                        varied[c["id"]] or "",
                    )
                    for c in entry["contributions"]
                ),
                right=("Id", "Original", "Now", "Variations"),
            )
        )
        out.print(render.totals(entry["totals"], names, entry["year"]))
        if entry["rules_note"]:
            out.print(f"[yellow]{escape(entry['rules_note'])}.[/]")


@app.command("add")
def add(
    agreement_id: AgreementId,
    user: UserOption,
    year: Annotated[
        str, typer.Option("--year", "-y", help="Financial year, like 2024-25.", show_default=False)
    ],
    partner: Annotated[
        str,
        typer.Option(
            "--partner", "-p", help="The contributing partner's code, like QWO.", show_default=False
        ),
    ],
    stream: Annotated[
        str,
        typer.Option(
            "--stream",
            "-s",
            help="Funding stream code; see 'carepool rules streams --year YEAR'.",
            show_default=False,
        ),
    ],
    amount: Annotated[
        str,
        typer.Option(
            "--amount", "-a", help="Pounds and pence, like 1250000.00.", show_default=False
        ),
    ],
    mandated: Annotated[
        bool,
        typer.Option(
            "--mandated",
            help="It counts towards the national minimum. Give this or --additional.",
        ),
    ] = False,
    additional: Annotated[
        bool,
        typer.Option(
            "--additional",
            help="It is on top of the national minimum. Give this or --mandated.",
        ),
    ] = False,
    frequency: Annotated[
        str,
        typer.Option(
            "--frequency",
            "-f",
            help="Instalments: " + ", ".join(f.value for f in InstalmentFrequency) + ".",
        ),
    ] = InstalmentFrequency.QUARTERLY.value,
    as_json: JsonOption = False,
) -> None:
    """Record a partner's contribution for a year (finance officers of a partner only).

    Example: carepool contributions add 1 --user finance --year 2024-25 --partner E08000035
    --stream ibcf --amount 32180000.00 --mandated
    """
    out = Output(as_json)
    if mandated == additional:
        out.fail(
            INVALID,
            [
                FieldError(
                    "mandated",
                    "Give --mandated or --additional, not both"
                    if mandated
                    else "Say whether the contribution is --mandated (counts towards the "
                    "national minimum) or --additional",
                )
            ],
        )
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        contribution = services.add_contribution(
            Actor(actor, Interface.CLI),
            agreement_id,
            {
                "year": year,
                "partner": partner,
                "funding_stream": stream,
                "mandated": mandated,
                "amount": amount,
                "frequency": frequency,
            },
        )
        data = _contribution_data(str(contribution.pk), actor)
    if as_json:
        out.json(data)
        return
    out.print(
        f"[green]✓[/] Added contribution {data['id']}: {escape(data['partner']['name'])}, "
        f"{data['funding_stream']} {data['year']}, {render.money(data['amount'])} "
        f"({'mandated' if data['mandated'] else 'additional'}, {data['frequency']})"
    )


@app.command("vary")
def vary(
    contribution_id: ContributionId,
    user: UserOption,
    effective_date: Annotated[
        str,
        typer.Option(
            "--effective-date",
            "-d",
            help="The date the change takes effect, like 2024-10-01.",
            show_default=False,
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", "-r", help="Why the amount changes.", show_default=False)
    ],
    change: Annotated[
        str,
        typer.Option(
            "--change",
            "-c",
            help="The change in pounds, + or -, like -25000.00. Give this or --new-amount.",
        ),
    ] = "",
    new_amount: Annotated[
        str,
        typer.Option(
            "--new-amount", "-n", help="The amount from the effective date. Give this or --change."
        ),
    ] = "",
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Vary a contribution from a date, with a reason. The original and earlier variations stay.

    The change is spread over the instalments not yet due on the effective date.
    """
    out = Output(as_json)
    with out.guard("contribution_id"):
        actor = acting_user(out, user)
        variation = services.vary_contribution(
            Actor(actor, Interface.CLI),
            contribution_id,
            {
                "effective_date": effective_date,
                "change": change,
                "new_amount": new_amount,
                "reason": reason,
            },
            expect_version,
        )
        data = {
            "variation": records.variation(variation),
            "contribution": _contribution_data(contribution_id, actor),
        }
    if as_json:
        out.json(data)
        return
    c = data["contribution"]
    out.print(
        f"[green]✓[/] Varied contribution {c['id']} ({escape(c['partner']['name'])}, "
        f"{c['funding_stream']} {c['year']}) by {render.money(data['variation']['change'])} "
        f"from {data['variation']['effective_date']}: now {render.money(c['amount'])}"
    )


@app.command("update")
def update(
    contribution_id: ContributionId,
    user: UserOption,
    frequency: Annotated[
        str,
        typer.Option(
            "--frequency",
            "-f",
            help="Instalments: " + ", ".join(f.value for f in InstalmentFrequency) + ".",
            show_default=False,
        ),
    ],
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change how a contribution is paid (its instalments). Amounts change only by 'vary'.

    A change withdraws the partners' approvals.
    """
    out = Output(as_json)
    with out.guard("contribution_id"):
        actor = acting_user(out, user)
        services.update_contribution(
            Actor(actor, Interface.CLI), contribution_id, {"frequency": frequency}, expect_version
        )
        data = _contribution_data(contribution_id, actor)
    if as_json:
        out.json(data)
        return
    out.print(
        f"[green]✓[/] Contribution {data['id']} ({escape(data['partner']['name'])}, "
        f"{data['funding_stream']} {data['year']}) is now paid {data['frequency']}: "
        f"{len(data['schedule'])} instalment{'s' if len(data['schedule']) != 1 else ''}"
    )


@app.command("delete")
def delete(
    contribution_id: ContributionId,
    user: UserOption,
    yes: YesOption = False,
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Delete a contribution recorded by mistake (one without variations).

    Asks for confirmation first, unless --yes or --json. Removing money withdraws the
    partners' approvals.
    """
    out = Output(as_json)
    with out.guard("contribution_id"):
        person = acting_user(out, user)
        actor = Actor(person, Interface.CLI)
        contribution = selectors.get_contribution(person, contribution_id)
        # Refuse before asking.
        services.require_money_editor(actor, contribution.agreement, contribution.partner)
        data = records.contribution(contribution)
    confirm(
        out,
        f"Delete contribution {data['id']}: {data['partner']['name']}, {data['funding_stream']} "
        f"{data['year']}, {render.money(data['amount'])}?",
        yes,
    )
    with out.guard("contribution_id"):
        services.delete_contribution(actor, contribution_id, expect_version)
    if as_json:
        out.json({"deleted": data})
        return
    out.print(
        f"[green]✓[/] Deleted contribution {data['id']}: {escape(data['partner']['name'])}, "
        f"{data['funding_stream']} {data['year']}, {render.money(data['amount'])}"
    )


@app.command("schedule")
def schedule(
    contribution_id: ContributionId, user: UserOption, as_json: JsonOption = False
) -> None:
    """The instalments of a contribution: due dates and amounts, summing to the amount now."""
    out = Output(as_json)
    with out.guard("contribution_id"):
        actor = acting_user(out, user)
        contribution = selectors.get_contribution(actor, contribution_id)
        instalments = selectors.schedule_of(contribution)
        data: dict[str, Any] = {
            "contribution": records.contribution(contribution),
            "instalments": records.schedule(instalments),
            "total": total(i.amount for i in instalments).plain(),
        }
    if as_json:
        out.json(data)
        return
    c = data["contribution"]
    out.print(
        render.table(
            f"Instalments of contribution {c['id']}: {c['partner']['name']}, {c['funding_stream']} "
            f"{c['year']}",
            ("Due", "Amount", ""),
            (
                (
                    i["due_date"],
                    render.money(i["amount"]),
                    "adjustment" if i["is_adjustment"] else "",
                )
                for i in data["instalments"]
            ),
            right=("Amount",),
        )
    )
    out.print(f"Total: [bold]{render.money(data['total'])}[/]")


@app.command("history")
def history(contribution_id: ContributionId, user: UserOption, as_json: JsonOption = False) -> None:
    """The audit trail of one contribution and its variations: who, when, what, which interface."""
    out = Output(as_json)
    with out.guard("contribution_id"):
        actor = acting_user(out, user)
        contribution = selectors.get_contribution(actor, contribution_id)
        trail = list(selectors.contribution_history(actor, contribution_id))
        events = [audit_event(e) for e in trail]
    if as_json:
        out.json({"contribution": records.contribution(contribution), "events": events})
        return
    out.print(render.history(f"History of {contribution} (newest first)", readable(trail)))
