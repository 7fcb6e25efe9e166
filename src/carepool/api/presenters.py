"""Response bodies the API alone gives; the shared ones are the apps' ``records`` modules."""

from __future__ import annotations

from typing import Any

from carepool.accounts.models import User
from carepool.organisations.records import organisation


def me(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "organisation": organisation(user.organisation),
        "roles": sorted(user.roles),
    }
