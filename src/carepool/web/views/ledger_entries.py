"""Web pages of the ledger: Single ledger entries (spend, refunds, commitments), contributions falling due, period close and re-open, corrections, and the integrity check (docs/ledger.md).

Its addresses are in ``urlpatterns``, added to the site's by ``carepool.web.urls``.
"""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
