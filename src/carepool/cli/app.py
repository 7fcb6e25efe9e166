"""The ``carepool`` command and its sub-commands."""

from __future__ import annotations

import typer

from carepool.cli.arguments import CheckedGroup
from carepool.cli.commands import (
    agreement_changes,
    agreements,
    audit,
    contributions,
    imports,
    invitations,
    ledger,
    ledger_entries,
    ledger_imports,
    ledger_journal,
    ledger_monitoring,
    organisation_changes,
    plans,
    reference,
    rules,
    setup,
    tokens,
)

app = typer.Typer(
    name="carepool",
    help="Carepool: run pooled health and social care budgets (Better Care Fund, section 75 "
    "pools). Every command takes --json for machine-readable output; commands about "
    "agreements act as a named user (--user) and see only what that user may see.",
    no_args_is_help=True,
    add_completion=False,
    cls=CheckedGroup,  # refuses arguments that are not text, naming the option
)
app.command("setup")(setup.setup)
app.add_typer(imports.app, name="import")

reference.organisations_app.command("add")(organisation_changes.add)
reference.organisations_app.command("update")(organisation_changes.update)
reference.organisations_app.command("delete")(organisation_changes.delete)
app.add_typer(reference.organisations_app, name="organisations")
app.add_typer(reference.areas_app, name="areas")
app.command("population")(reference.population)

agreements.app.command("create")(agreement_changes.create)
agreements.app.command("update")(agreement_changes.update)
agreements.app.command("delete")(agreement_changes.delete)
agreements.app.command("approve")(agreement_changes.approve)
agreements.app.add_typer(agreement_changes.risk_share_app, name="risk-share")
app.add_typer(agreements.app, name="agreements")
app.add_typer(contributions.app, name="contributions")
app.add_typer(invitations.app, name="invitations")
app.add_typer(rules.app, name="rules")
app.add_typer(tokens.app, name="tokens")
app.add_typer(plans.app, name="plans")
app.add_typer(plans.allocations_app, name="allocations")
app.add_typer(audit.app, name="audit")
# Each ledger module adds its commands to ledger.app when imported.
__ledger_modules = (ledger_imports, ledger_monitoring, ledger_entries, ledger_journal)
app.add_typer(ledger.app, name="ledger")
