"""Reading users."""

from __future__ import annotations

from carepool.accounts.models import User


def get_active_user(username: str) -> User | None:
    """The active user with this username, or None (callers decide how to refuse)."""
    return (
        User.objects.select_related("organisation")
        .filter(username=username.strip(), is_active=True)
        .first()
    )
