"""``carepool ledger``: Importing partners' monthly actuals (CSV, xlsx): docs/ledger-imports.md."""

from __future__ import annotations

from carepool.cli.commands.ledger import app as ledger_app

__all__ = ["ledger_app"]
