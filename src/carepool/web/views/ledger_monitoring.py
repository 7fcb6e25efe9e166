"""Web pages of the ledger: Monthly monitoring: budget, actual, commitments, forecast outturn and variance; drill-down; the national report (docs/monitoring.md).

Its addresses are in ``urlpatterns``, added to the site's by ``carepool.web.urls``.
"""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
