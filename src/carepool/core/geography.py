"""Whether a partner's own geography lies in an agreement's area: a warning, never a refusal.

Partnerships cross boundaries for good reasons (a trust serving two boards, a neighbouring
council buying places), so this only flags what looks like a mistake. What can be known from
codes alone: an upper-tier or unitary council's GSS code *is* its Health and Wellbeing Board
area's code. Other partners (NHS bodies by ODS code, district councils, the voluntary sector)
have no geography Carepool holds, so nothing is said about them.
"""

from __future__ import annotations

from carepool.core.organisations import OrganisationType


def outside_area(partner_code: str, partner_type: OrganisationType, area_code: str) -> bool:
    """True only when the partner is known to be somewhere else."""
    return partner_type is OrganisationType.COUNCIL and partner_code != area_code


def area_warning(partner_name: str, partner_code: str, area_name: str, area_code: str) -> str:
    return (
        f"{partner_name} ({partner_code}) is a council for another area than {area_name} "
        f"({area_code}): check that it is meant to be a partner here"
    )
