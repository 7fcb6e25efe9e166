"""The ledger in the API: Importing partners' monthly actuals (CSV, xlsx): docs/ledger-imports.md."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Ledger"])
