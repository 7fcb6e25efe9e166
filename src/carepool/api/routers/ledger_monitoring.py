"""The ledger in the API: Monthly monitoring: budget, actual, commitments, forecast outturn and variance; drill-down; the national report (docs/monitoring.md)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Ledger"])
