"""The ledger in the API: Single ledger entries (spend, refunds, commitments), contributions falling due, period close and re-open, corrections, and the integrity check (docs/ledger.md)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Ledger"])
