"""``carepool ledger``: the pool's ledger of actual spend (docs/ledger.md).

The commands live in ``ledger_imports``, ``ledger_monitoring`` and ``ledger_entries``, each
adding its own to this group.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The pool's ledger: import partners' monthly actuals, record single entries and "
    "commitments, monitor budget against actual and forecast, close months, and check that "
    "every stored balance equals its ledger rows. Layouts: docs/ledger-imports.md.",
    no_args_is_help=True,
)
