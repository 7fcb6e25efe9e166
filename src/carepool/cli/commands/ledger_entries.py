"""``carepool ledger``: Single ledger entries (spend, refunds, commitments), contributions falling due, period close and re-open, corrections, and the integrity check (docs/ledger.md)."""

from __future__ import annotations

from carepool.cli.commands.ledger import app as ledger_app

__all__ = ["ledger_app"]
