"""Country facts the ACLED export needs: ACLED's country names, ISO 3166 numeric codes and ACLED regions.

Reads pycountry (lazily); no state. ACLED spells some countries differently from ISO ("Russia", "Iran",
"Democratic Republic of Congo"); regions follow ACLED's region list.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

_NAMES = MappingProxyType({
    "RU": "Russia", "IR": "Iran", "SY": "Syria", "KR": "South Korea", "KP": "North Korea", "MD": "Moldova",
    "CD": "Democratic Republic of Congo", "CG": "Republic of Congo", "PS": "Palestine", "TW": "Taiwan",
    "TR": "Turkey", "VN": "Vietnam", "LA": "Laos", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania",
    "CZ": "Czech Republic", "BN": "Brunei", "CI": "Ivory Coast", "CV": "Cape Verde", "SZ": "eSwatini",
    "TL": "East Timor", "FM": "Micronesia", "MK": "North Macedonia", "VA": "Vatican City", "XK": "Kosovo",
})

_REGION_LISTS = {
    "Middle East": "AE BH CY EG IL IQ IR JO KW LB OM PS QA SA SY TR YE",
    "Caucasus and Central Asia": "AM AZ GE KG KZ TJ TM UZ",
    "South Asia": "AF BD BT IN LK MV NP PK",
    "Southeast Asia": "BN ID KH LA MM MY PH SG TH TL VN",
    "East Asia": "CN HK JP KP KR MN MO TW",
    "Northern Africa": "DZ LY MA SD TN EH",
    "Western Africa": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    "Middle Africa": "AO CD CF CG CM GA GQ ST TD",
    "Eastern Africa": "BI DJ ER ET KE KM MG MU MW MZ RE RW SC SO SS TZ UG YT ZM ZW",
    "Southern Africa": "BW LS NA SZ ZA",
    "Central America": "BZ CR GT HN MX NI PA SV",
    "Caribbean": "AG AI AW BB BL BM BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",
    "South America": "AR BO BR CL CO EC FK GF GY PE PY SR UY VE",
    "North America": "CA GL PM US",
    "Oceania": "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS",
}
REGIONS = MappingProxyType({code: region for region, codes in _REGION_LISTS.items() for code in codes.split()})


@lru_cache(maxsize=512)
def country_name(alpha2: str | None) -> str:
    """ACLED's name for a country (ISO alpha-2 in), "" when unknown."""
    if not alpha2:
        return ""
    code = alpha2.upper()
    if code in _NAMES:
        return _NAMES[code]
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return ""
    return str(getattr(found, "common_name", None) or found.name)


@lru_cache(maxsize=512)
def iso_numeric(alpha2: str | None) -> str:
    """ISO 3166-1 numeric code as ACLED's ``iso`` column writes it (no leading zeros), "" when unknown."""
    if not alpha2:
        return ""
    import pycountry

    found = pycountry.countries.get(alpha_2=alpha2.upper())
    return str(int(found.numeric)) if found is not None else ""


@lru_cache(maxsize=512)
def iso3(alpha2: str | None) -> str:
    if not alpha2:
        return "XXX"
    import pycountry

    found = pycountry.countries.get(alpha_2=alpha2.upper())
    return str(found.alpha_3) if found is not None else "XXX"


def region(alpha2: str | None) -> str:
    """ACLED's region of a country; Europe for the European countries not listed elsewhere, "" when unknown."""
    if not alpha2:
        return ""
    code = alpha2.upper()
    if code in REGIONS:
        return REGIONS[code]
    return "Europe" if country_name(code) else ""
