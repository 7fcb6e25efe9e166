"""``carepool ledger``: monthly monitoring (budget, actual, commitments, forecast outturn and
variance), the lines behind a figure, the national report, forecast overrides, variance
explanations and action plans (docs/monitoring.md)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from django.core.paginator import Paginator
from rich.text import Text

from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli import render
from carepool.cli.commands.ledger import app as ledger_app
from carepool.cli.options import JsonOption, UserOption, acting_user
from carepool.cli.output import Output
from carepool.core.money import Money
from carepool.ledger import monitoring_records as records
from carepool.ledger import monitoring_services as services
from carepool.ledger.monitoring import lines_of, monitoring_of, national_report, parse_month

__all__ = ["ledger_app"]

AgreementOption = Annotated[
    str, typer.Option("--agreement", help="The agreement's id (see 'agreements list').")
]
YearOption = Annotated[str, typer.Option("--year", help="Financial year, like 2024-25.")]
AsAtOption = Annotated[
    str | None,
    typer.Option(
        "--as-at",
        help="The month to report as at, like 2024-10 (default: the latest month with spend, "
        "or the latest closed month).",
        show_default=False,
    ),
]
SchemeOption = Annotated[str, typer.Option("--scheme", help="The scheme's code, like S01.")]
MonthOption = Annotated[str, typer.Option("--month", help="The month, like 2024-10.")]


def _pounds(value: dict[str, Any] | None) -> str:
    return "—" if value is None else render.money(value["pounds"])


def _lines_table(title: str, lines: list[dict[str, Any]], notes: bool = False) -> Any:
    headings = ["", "Budget", "Actual", "Commitments", "Forecast", "Variance", "Method"]
    if notes:
        headings.append("Variance note")
    rows = []
    for line in lines:
        row = [
            line["label"],
            _pounds(line["budget"]),
            _pounds(line["actual"]),
            _pounds(line["commitments"]),
            _pounds(line["forecast"]),
            _pounds(line["variance"]),
            line["method_label"],
        ]
        if notes:
            row.append(line.get("variance_note") or "")
        rows.append(row)
    return render.table(
        title, headings, rows, right=("Budget", "Actual", "Commitments", "Forecast", "Variance")
    )


@ledger_app.command("monitor")
def monitor(
    user: UserOption,
    agreement: AgreementOption,
    year: YearOption,
    as_at: AsAtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Budget, actual to date, commitments, forecast outturn and variance per scheme and per
    partner, the budget's source and the overspend flag. Variance is budget minus forecast:
    positive is an underspend."""
    out = Output(as_json)
    with out.guard("agreement"):
        person = acting_user(out, user)
        month = parse_month(as_at) if as_at else None
        data = records.monitoring(monitoring_of(person, agreement, year, month))
    if as_json:
        out.json(data)
        return
    out.print(
        Text(
            f"{data['agreement']['title']}: {data['year']} as at {data['as_at_name']}",
            style="bold",
        )
    )
    out.print(Text(f"Budget: {data['budget_source']['label']}"))
    flag = data["overspend"]
    if flag["flagged"]:
        out.print(
            Text(
                f"FLAGGED: forecast overspend {_pounds(flag['forecast_overspend'])} is over the "
                f"threshold ({flag['threshold']['description']})",
                style="bold red",
            )
        )
        if flag["action_plan_required"]:
            out.print(Text(f"An action plan is required for {data['as_at_name']}.", style="red"))
    else:
        out.print(Text(f"Not flagged (flags at {flag['threshold']['description']})."))
    out.print(_lines_table("By scheme", [*data["schemes"], data["total"]], notes=True))
    out.print(_lines_table("By partner", [*data["partners"], data["total"]]))


@ledger_app.command("lines")
def lines(
    user: UserOption,
    agreement: AgreementOption,
    year: YearOption,
    scheme: Annotated[str | None, typer.Option("--scheme", help="Only this scheme.")] = None,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Only this partner (organisation code).")
    ] = None,
    month: Annotated[str | None, typer.Option("--month", help="Only this month.")] = None,
    commitments: Annotated[
        bool, typer.Option("--commitments", help="The lines behind commitments, not actuals.")
    ] = False,
    page: Annotated[int, typer.Option("--page", min=1, help="Which page of 50.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """The ledger lines behind a monitoring figure, newest first, 50 a page."""
    out = Output(as_json)
    with out.guard("agreement"):
        person = acting_user(out, user)
        rows = lines_of(
            person,
            agreement,
            scheme=scheme,
            partner=partner,
            month=month,
            year=year,
            figure="commitments" if commitments else "actual",
        )
        paginator = Paginator(rows, 50)
        shown = paginator.get_page(page)
        items = [records.ledger_line(t) for t in shown.object_list]
    if as_json:
        out.json({"items": items, "count": paginator.count, "page": shown.number})
        return
    out.print(
        render.table(
            f"Lines {shown.start_index()}-{shown.end_index()} of {paginator.count}",
            ("Date", "Scheme", "Partner", "Amount", "Provider", "Reference", "Description"),
            (
                (
                    i["day"],
                    i["scheme"],
                    i["partner"] or "",
                    _pounds(i["amount"]),
                    i["provider"],
                    i["reference"],
                    i["description"],
                )
                for i in items
            ),
            right=("Amount",),
        )
    )


@ledger_app.command("national")
def national(
    user: UserOption, year: YearOption, as_at: AsAtOption = None, as_json: JsonOption = False
) -> None:
    """Every agreement you may see (national assurers: all): budget, actual and forecast by
    scheme, as at one month."""
    out = Output(as_json)
    with out.guard("year"):
        person = acting_user(out, user)
        month = parse_month(as_at) if as_at else None
        data = records.national(national_report(person, year, month))
    if as_json:
        out.json(data)
        return
    out.print(
        render.table(
            f"{data['year']} as at {data['as_at_name']}",
            ("Area", "Agreement", "Budget", "Actual", "Forecast", "Variance", "Budget from"),
            [
                (
                    a["area"]["name"],
                    a["agreement"]["title"],
                    _pounds(a["budget"]),
                    _pounds(a["actual"]),
                    _pounds(a["forecast"]),
                    _pounds(a["variance"]),
                    a["budget_source"]["kind"].replace("_", " "),
                )
                for a in data["areas"]
            ]
            + [
                (
                    "Total",
                    "",
                    _pounds(data["budget"]),
                    _pounds(data["actual"]),
                    _pounds(data["forecast"]),
                    _pounds(data["variance"]),
                    "",
                )
            ],
            right=("Budget", "Actual", "Forecast", "Variance"),
        )
    )


@ledger_app.command("forecast")
def forecast(
    user: UserOption,
    agreement: AgreementOption,
    year: YearOption,
    scheme: SchemeOption,
    amount: Annotated[
        str | None, typer.Option("--amount", help="The forecast outturn in pounds.")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove the override instead of setting one.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Set a scheme's forecast outturn for the year, with the reason (or --clear it)."""
    out = Output(as_json)
    with out.guard("agreement"):
        actor = Actor(acting_user(out, user), Interface.CLI)
        if clear:
            services.clear_override(actor, agreement, year=year, scheme=scheme)
            data: dict[str, Any] = {"year": year, "scheme": scheme, "cleared": True}
        else:
            row = services.set_override(
                actor, agreement, year=year, scheme=scheme, amount=amount, reason=reason
            )
            data = {
                "year": row.year,
                "scheme": row.scheme_code,
                "amount": records.money(Money(row.amount_pence)),
                "reason": row.reason,
            }
    if as_json:
        out.json(data)
    elif clear:
        out.print(f"Removed the {year} forecast override of {scheme}.")
    else:
        out.print(f"Forecast outturn of {scheme} for {year} set to {_pounds(data['amount'])}.")


@ledger_app.command("explain")
def explain(
    user: UserOption,
    agreement: AgreementOption,
    month: MonthOption,
    scheme: SchemeOption,
    text: Annotated[str, typer.Option("--text", help="Why the figures differ from budget.")],
    as_json: JsonOption = False,
) -> None:
    """Record why a scheme's figures differ from its budget, for one month."""
    out = Output(as_json)
    with out.guard("agreement"):
        actor = Actor(acting_user(out, user), Interface.CLI)
        row = services.explain_variance(actor, agreement, month=month, scheme=scheme, text=text)
    data = {"month": records.month_text(row.month), "scheme": row.scheme_code, "text": row.text}
    if as_json:
        out.json(data)
    else:
        out.print(f"Variance of {row.scheme_code} explained for {data['month']}.")


@ledger_app.command("action-plan")
def action_plan(
    user: UserOption,
    agreement: AgreementOption,
    month: MonthOption,
    text: Annotated[str, typer.Option("--text", help="The action plan.")],
    as_json: JsonOption = False,
) -> None:
    """Record the action plan for a month (required when the pool is flagged)."""
    out = Output(as_json)
    with out.guard("agreement"):
        actor = Actor(acting_user(out, user), Interface.CLI)
        row = services.record_action_plan(actor, agreement, month=month, text=text)
    if as_json:
        out.json(records.action_plan(row))
    else:
        out.print(f"Action plan recorded for {records.month_text(row.month)}.")
