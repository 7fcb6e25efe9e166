"""People's API tokens as plain, JSON-ready values: the CLI's --json shape (docs/cli.md).

Never the token itself: that is shown once, when it is made, and not kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from carepool.accounts.models import ApiToken
from carepool.accounts.tokens import status_of


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def api_token(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "starts_with": f"cp_{token.prefix}_",
        "status": status_of(token),
        "created_at": _when(token.created_at),
        "expires_at": _when(token.expires_at),
        "last_used_at": _when(token.last_used_at),
        "revoked_at": _when(token.revoked_at),
    }
