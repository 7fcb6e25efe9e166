"""The name of the council for an upper-tier local authority area, from the ONS area name.

The UTLA file names areas ("Leeds", "Bristol, City of"), not councils. Councils are named
by a rule, with the exceptions below where the rule is known to give the wrong name. A council
renamed later (``carepool.organisations.services.update_organisation``) keeps its new name:
the area importer only creates councils that are missing.
"""

from __future__ import annotations

# Official names that the rule below does not produce.
_KNOWN_NAMES = {
    "E06000043": "Brighton and Hove City Council",
    "E06000014": "City of York Council",
    "E06000015": "Derby City Council",
    "E06000016": "Leicester City Council",
    "E06000018": "Nottingham City Council",
    "E06000021": "Stoke-on-Trent City Council",
    "E06000026": "Plymouth City Council",
    "E06000031": "Peterborough City Council",
    "E06000044": "Portsmouth City Council",
    "E06000045": "Southampton City Council",
    "E06000053": "Council of the Isles of Scilly",
    "E08000003": "Manchester City Council",
    "E08000012": "Liverpool City Council",
    "E08000021": "Newcastle City Council",
    "E08000024": "Sunderland City Council",
    "E08000025": "Birmingham City Council",
    "E08000026": "Coventry City Council",
    "E08000031": "City of Wolverhampton Council",
    "E08000032": "City of Bradford Metropolitan District Council",
    "E08000035": "Leeds City Council",
    "E08000039": "Sheffield City Council",
    "E09000001": "City of London Corporation",
    "E09000011": "Royal Borough of Greenwich",
    "E09000020": "Royal Borough of Kensington and Chelsea",
    "E09000021": "Royal Borough of Kingston upon Thames",
    "E09000033": "Westminster City Council",
}


def council_name(code: str, area_name: str) -> str:
    if code in _KNOWN_NAMES:
        return _KNOWN_NAMES[code]
    name = area_name.strip()
    if code.startswith("E10"):
        return f"{name} County Council"
    if code.startswith("E09"):
        return f"London Borough of {name}"
    place, _, qualifier = name.partition(", ")
    if qualifier == "City of":
        return f"{place} City Council"
    if qualifier == "County of":
        return f"{place} Council"
    return f"{name} Council"
