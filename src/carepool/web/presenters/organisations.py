"""Organisations: the agreements of one that this user may see.

Read-only: nothing here writes or decides what a user may do; the services decide that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from carepool.agreements import selectors as agreement_selectors
from carepool.agreements.models import Agreement
from carepool.organisations.models import Organisation

if TYPE_CHECKING:
    from carepool.accounts.models import User


def agreements_of_organisation(user: User, organisation: Organisation) -> QuerySet[Agreement]:
    """The organisation's agreements that this user may see, and no others."""
    return agreement_selectors.visible_agreements_with_partner(user, organisation.pk).order_by(
        "title"
    )
