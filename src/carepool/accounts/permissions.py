"""Who may see and change what. Every selector and service asks here.

Scoping rule (docs/adr/0004-data-scoping.md): a user sees an agreement when their organisation
is a partner in it (any role), when they are an auditor and their organisation audits it, or
when they are a national assurer. Everyone else gets "not found", never "forbidden", so that
nothing leaks an agreement's existence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carepool.accounts.models import Role

if TYPE_CHECKING:
    from carepool.accounts.models import User


class NotFound(Exception):
    """The thing does not exist or the user may not know that it does (shown as 404)."""


class Forbidden(Exception):
    """The user may see the thing but not do this to it (shown as 403 with the reason)."""


PARTNER_READ_ROLES = frozenset(
    {Role.FINANCE_OFFICER, Role.SIGNATORY, Role.VIEWER, Role.AUDITOR, Role.BOARD_OFFICER}
)


def is_active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def reads_everything(user: User) -> bool:
    return user.has_role(Role.NATIONAL_ASSURER)


def require_role(user: User, role: Role, doing: str) -> None:
    if not user.has_role(role):
        raise Forbidden(f"You need the {role.label.lower()} role to {doing}")
