"""Organisation types, areas and the official codes that identify them."""

from __future__ import annotations

import re
from enum import StrEnum

from carepool.core.errors import ValidationFailed, shown
from carepool.core.parse import without_unstorable


class OrganisationType(StrEnum):
    NHS_COMMISSIONER = "nhs_commissioner"
    NHS_TRUST = "nhs_trust"
    COUNCIL = "council"
    DISTRICT_COUNCIL = "district_council"
    VOLUNTARY = "voluntary"
    POLICE = "police"
    HOUSING = "housing"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ORGANISATION_TYPE_LABELS[self]


ORGANISATION_TYPE_LABELS = {
    OrganisationType.NHS_COMMISSIONER: "NHS commissioner (ICB or CCG)",
    OrganisationType.NHS_TRUST: "NHS trust",
    OrganisationType.COUNCIL: "Upper-tier or unitary council",
    OrganisationType.DISTRICT_COUNCIL: "District council",
    OrganisationType.VOLUNTARY: "Voluntary sector",
    OrganisationType.POLICE: "Police",
    OrganisationType.HOUSING: "Housing",
    OrganisationType.OTHER: "Other",
}


class CodeSystem(StrEnum):
    ODS = "ods"  # NHS Organisation Data Service
    GSS = "gss"  # ONS Government Statistical Service codes
    CHARITY = "charity"  # Charity Commission (England and Wales) or OSCR (Scotland) number
    LOCAL = "local"  # a code agreed locally, for bodies with no national code

    @property
    def label(self) -> str:
        return {
            CodeSystem.ODS: "ODS code",
            CodeSystem.GSS: "GSS code",
            CodeSystem.CHARITY: "Charity number",
            CodeSystem.LOCAL: "Local code",
        }[self]


_CODE_PATTERNS: dict[CodeSystem, tuple[re.Pattern[str], str]] = {
    CodeSystem.ODS: (
        re.compile(r"^[A-Z0-9]{3,6}$"),
        "3 to 6 capital letters or digits, like QWO or RR8",
    ),
    CodeSystem.GSS: (
        re.compile(r"^[EWSN][0-9]{8}$"),
        "a letter E, W, S or N and 8 digits, like E08000035",
    ),
    CodeSystem.CHARITY: (
        re.compile(r"^(SC)?[0-9]{6,8}(-[0-9]+)?$"),
        "6 to 8 digits, like 1104163, or SC and digits in Scotland",
    ),
    CodeSystem.LOCAL: (
        re.compile(r"^[A-Z0-9][A-Z0-9-]{1,29}$"),
        "2 to 30 capital letters, digits or hyphens",
    ),
}

# Which code systems each type of body is identified by. Councils carry ONS codes, NHS
# bodies carry ODS codes; other partners may have either, a charity number, or a local code.
_ALLOWED_SYSTEMS: dict[OrganisationType, frozenset[CodeSystem]] = {
    OrganisationType.NHS_COMMISSIONER: frozenset({CodeSystem.ODS}),
    OrganisationType.NHS_TRUST: frozenset({CodeSystem.ODS}),
    OrganisationType.COUNCIL: frozenset({CodeSystem.GSS}),
    OrganisationType.DISTRICT_COUNCIL: frozenset({CodeSystem.GSS}),
}

# GSS entity prefixes for councils: E06 unitary, E08 metropolitan district, E09 London
# borough, E10 county, W06 Welsh unitary, S12 Scottish council area; E07 shire district.
_COUNCIL_GSS_PREFIXES = {
    OrganisationType.COUNCIL: ("E06", "E08", "E09", "E10", "W06", "S12", "N09"),
    OrganisationType.DISTRICT_COUNCIL: ("E07",),
}


def normalise_code(code: str) -> str:
    # NUL and lone surrogates cannot be part of any code; dropping them keeps look-ups from
    # reaching the database with a value it refuses. Services refuse them in input first
    # (parse.check_storable), so nothing is stored this way.
    return without_unstorable(str(code)).strip().upper()


def validate_code(org_type: OrganisationType, system: CodeSystem, code: str) -> str:
    """Return the normalised code, or raise ``ValidationFailed`` naming the field."""
    code = normalise_code(code)
    if not code:
        raise ValidationFailed.single("code", "Enter the organisation's official code")
    allowed = _ALLOWED_SYSTEMS.get(org_type)
    if allowed is not None and system not in allowed:
        names = " or ".join(sorted(s.label for s in allowed))
        raise ValidationFailed.single(
            "code_system",
            f"An organisation of type '{org_type.label}' is identified by its {names}",
        )
    pattern, shape = _CODE_PATTERNS[system]
    if not pattern.match(code):
        raise ValidationFailed.single(
            "code", f"'{shown(code)}' is not a valid {system.label}: expected {shape}"
        )
    prefixes = _COUNCIL_GSS_PREFIXES.get(org_type)
    if prefixes and not code.startswith(prefixes):
        raise ValidationFailed.single(
            "code",
            f"'{shown(code)}' is not a {org_type.label.lower()} code: expected one starting "
            + ", ".join(prefixes),
        )
    return code


class AreaKind(StrEnum):
    """The geography a pooled fund serves. Only English HWB areas are loaded today."""

    HWB = "hwb"  # Health and Wellbeing Board area, England
    RPB = "rpb"  # Regional Partnership Board area, Wales
    INTEGRATION_AUTHORITY = "integration_authority"  # Scotland (IJB or lead agency)

    @property
    def label(self) -> str:
        return {
            AreaKind.HWB: "Health and Wellbeing Board area (England)",
            AreaKind.RPB: "Regional Partnership Board area (Wales)",
            AreaKind.INTEGRATION_AUTHORITY: "Integration authority area (Scotland)",
        }[self]
