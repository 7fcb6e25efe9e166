"""``carepool ledger``: Monthly monitoring: budget, actual, commitments, forecast outturn and variance; drill-down; the national report (docs/monitoring.md)."""

from __future__ import annotations

from carepool.cli.commands.ledger import app as ledger_app

__all__ = ["ledger_app"]
