"""Web pages of the ledger: Importing partners' monthly actuals (CSV, xlsx): docs/ledger-imports.md.

Its addresses are in ``urlpatterns``, added to the site's by ``carepool.web.urls``.
"""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
