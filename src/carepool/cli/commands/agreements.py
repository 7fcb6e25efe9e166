"""``carepool agreements``: read agreements as a named user (scoped to what they may see)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from carepool.agreements import records, selectors
from carepool.agreements.models import Agreement
from carepool.audit.readable import readable
from carepool.audit.records import audit_event
from carepool.cli import render
from carepool.cli.options import JsonOption, UserOption, acting_user
from carepool.cli.output import Output
from carepool.core.agreements import ReportingFrequency
from carepool.core.risk_share import ProvisionKind

app = typer.Typer(
    help="Partnership agreements, as the --user sees them. Agreements the user's organisation "
    "is not party to (and does not audit) are 'not found' (exit code 4).",
    no_args_is_help=True,
)

AgreementId = Annotated[str, typer.Argument(help="The agreement's id (see 'agreements list').")]

TEXT_TERMS = (
    ("Aims", "aims"),
    ("NHS and health-related functions covered", "functions_covered"),
    ("People and services in scope", "services_in_scope"),
    ("Staff, goods and accommodation", "staff_goods_accommodation"),
    ("Charges to people", "charges_to_people"),
    ("Overspend protocol", "overspend_protocol"),
    ("Exit and termination", "exit_terms"),
    ("Audit arrangements", "audit_arrangements"),
    ("Variation procedure", "variation_procedure"),
    ("Review arrangements", "review_arrangements"),
)


@app.command("list")
def list_agreements(user: UserOption, as_json: JsonOption = False) -> None:
    """List the agreements the user may see."""
    out = Output(as_json)
    with out.guard():
        actor = acting_user(out, user)
        rows = [records.agreement_summary(a) for a in selectors.visible_agreements(actor)]
    if as_json:
        out.json({"agreements": rows})
        return
    out.print(
        render.table(
            f"Agreements {actor.username} can see: {len(rows)}",
            ("Id", "Title", "Area", "Type", "Host", "Term"),
            (
                (
                    a["id"],
                    a["title"],
                    a["area"]["name"],
                    a["arrangement_type_label"],
                    a["host"]["name"],
                    f"{a['start_date']} to {a['end_date']}",
                )
                for a in rows
            ),
            right=("Id",),
        )
    )


def agreement_detail(agreement: Agreement) -> dict[str, Any]:
    """The agreement as the API gives it, and each year's totals (``show`` prints them)."""
    return {
        **records.agreement_detail(agreement),
        "years": [records.year_totals(summary) for summary in selectors.year_summaries(agreement)],
    }


def _threshold(data: dict) -> str:
    """When monitoring flags the pool (docs/monitoring.md)."""
    amount, percent = data["overspend_threshold"], data["overspend_threshold_percent"]
    parts = [render.money(amount)] if amount else []
    parts += [f"{percent}% of the budget"] if percent else []
    return "over " + " or ".join(parts) if parts else "any forecast overspend (none set)"


@app.command("show")
def show(agreement_id: AgreementId, user: UserOption, as_json: JsonOption = False) -> None:
    """Show an agreement: terms, partners, risk share, completeness, approvals and totals."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        data = agreement_detail(selectors.get_agreement(actor, agreement_id))
    if as_json:
        out.json(data)
        return
    names = {p["code"]: p["name"] for p in data["partners"]}
    reporting = data["reporting_frequency"]
    out.print(
        render.key_values(
            f"{data['title']} (id {data['id']})",
            [
                ("Area", f"{data['area']['name']} ({data['area']['code']})"),
                ("Arrangement", data["arrangement_type_label"]),
                (
                    "Partners",
                    "; ".join(
                        f"{p['name']} ({p['code']})"
                        + (" [invited, not yet accepted]" if p["status"] == "invited" else "")
                        for p in data["partners"]
                    ),
                ),
                ("Host", f"{data['host']['name']} ({data['host']['code']})"),
                (
                    "Auditors",
                    "; ".join(f"{a['name']} ({a['code']})" for a in data["auditors"]) or "none",
                ),
                ("Term", f"{data['start_date']} to {data['end_date']}"),
                ("Break clause", data["break_clause_date"] or "none"),
                ("Governing board", data["governing_board"] or "not stated"),
                ("Reporting", ReportingFrequency(reporting).label if reporting else "not stated"),
                ("Overspend threshold", _threshold(data)),
                (
                    "Version",
                    f"{data['version']} (give --expect-version {data['version']} to change "
                    "or approve it)",
                ),
                ("Content hash", data["content_hash"]),
            ],
        )
    )
    out.print()
    outcomes = "\n".join(f"{i}. {o}" for i, o in enumerate(data["outcomes"], start=1))
    terms = [(label, data[key] or "[not stated]") for label, key in TEXT_TERMS]
    terms.insert(1, ("Measurable outcomes", outcomes or "[not stated]"))
    out.print(render.key_values("Terms", terms))
    out.print()
    out.print(
        render.table(
            "Risk share",
            ("Provision", "Applies to", "Details"),
            (
                (_provision_label(p), str(p.get("applies_to") or "?"), _provision_details(p))
                if isinstance(p, dict)
                else ("cannot be read (see completeness)", "?", escape(str(p)))
                for p in data["risk_share"]
            ),
        )
        if data["risk_share"]
        else "[bold]Risk share[/]: not stated"
    )
    out.print()
    out.print(render.completeness(data["completeness"]))
    out.print()
    if data["approvals"]:
        out.print(
            render.table(
                "Approvals",
                ("Organisation", "Approved by", "At", "Version"),
                (
                    (
                        a["organisation"]["name"],
                        a["approved_by"],
                        a["approved_at"][:16].replace("T", " "),
                        str(a["version"]),
                    )
                    for a in data["approvals"]
                ),
            )
        )
    else:
        out.print("[bold]Approvals[/]: none yet")
    for year in data["years"]:
        out.print()
        out.print(render.totals(year["totals"], names, year["year"]))


def _provision_label(p: dict[str, Any]) -> str:
    kind = str(p.get("kind"))
    try:
        return ProvisionKind(kind).label
    except ValueError:  # stored by an older rule set
        return kind


def _provision_details(p: dict[str, Any]) -> str:
    parts = []
    if p.get("basis"):
        parts.append(f"basis: {p['basis']}")
    if p.get("partner_code"):
        parts.append(f"partner: {p['partner_code']}")
    if p.get("cap"):
        parts.append(f"cap: {render.money(p['cap'])}")
    if p.get("cap_percent"):
        parts.append(f"cap: {p['cap_percent']}% of its contribution")
    if p.get("amount"):
        parts.append(f"amount: {render.money(p['amount'])}")
    if p.get("percent"):
        parts.append(f"{p['percent']}% of the fund")
    if p.get("shares"):
        parts.append("shares: " + ", ".join(f"{c} {w}" for c, w in p["shares"].items()))
    if p.get("steps"):
        parts.append("order: " + " → ".join(p["steps"]))
    if p.get("description"):
        parts.append(p["description"])
    return "; ".join(parts)


@app.command("completeness")
def completeness(agreement_id: AgreementId, user: UserOption, as_json: JsonOption = False) -> None:
    """Check an agreement against what a complete pooled fund agreement must state.

    The checklist follows regulation 7 of the 2000 Partnership Arrangements Regulations;
    items about pooled money do not apply to arrangements that pool none.
    """
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        agreement = selectors.get_agreement(actor, agreement_id)
        data = {
            "id": agreement.pk,
            "title": agreement.title,
            **records.completeness(selectors.completeness_of(agreement)),
        }
    if as_json:
        out.json(data)
        return
    out.print(f"[bold]{escape(data['title'])}[/] (id {data['id']})")
    out.print(render.completeness(data))


@app.command("history")
def history(agreement_id: AgreementId, user: UserOption, as_json: JsonOption = False) -> None:
    """The audit trail of an agreement and everything in it: who, when, what, which interface."""
    out = Output(as_json)
    with out.guard("agreement_id"):
        actor = acting_user(out, user)
        agreement = selectors.get_agreement(actor, agreement_id)
        trail = list(selectors.history(actor, agreement_id))
        events = [audit_event(e) for e in trail]
    if as_json:
        out.json({"id": agreement.pk, "title": agreement.title, "events": events})
        return
    out.print(render.history(f"History of {agreement.title} (newest first)", readable(trail)))
