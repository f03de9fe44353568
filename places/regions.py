"""Which UNESCO region each country belongs to (the regions of the library's
vocabulary, knowledge.vocabulary.Region), following the UIS regional groupings."""

from django_countries import countries

_MEMBERS = {
    "africa": (
        "AO BJ BW BF BI CV CM CF TD KM CG CD CI GQ ER SZ ET GA GM GH GN GW KE LS LR "
        "MG MW ML MU MZ NA NE NG RW ST SN SC SL SO ZA SS TZ TG UG ZM ZW"
    ),
    "arab-states": "DZ BH DJ EG IQ JO KW LB LY MR MA OM PS QA SA SD SY TN AE YE EH",
    "asia-pacific": (
        "AF AU BD BT BN KH CN CK FJ IN ID IR JP KZ KI KP KR KG LA MY MV MH FM MN MM "
        "NR NP NZ NU PK PW PG PH WS SG SB LK TJ TH TL TO TM TV UZ VU VN HK MO TW NC "
        "PF TK"
    ),
    "europe-north-america": (
        "AL AD AM AT AZ BY BE BA BG CA HR CY CZ DK EE FI FR GE DE GR HU IS IE IL IT "
        "LV LT LU MT MC ME NL MK NO PL PT MD RO RU SM RS SK SI ES SE CH TR UA GB US "
        "LI VA GL"
    ),
    "latin-america-caribbean": (
        "AI AG AR AW BS BB BZ BM BO BR VG KY CL CO CR CU CW DM DO EC SV GD GT GY HT "
        "HN JM MX MS NI PA PY PE KN LC VC SX SR TT TC UY VE PR FK"
    ),
}

REGION_COUNTRIES: dict[str, tuple[str, ...]] = {
    slug: tuple(codes.split()) for slug, codes in _MEMBERS.items()
}
REGION_COUNTRIES["global"] = ()

COUNTRY_REGION: dict[str, str] = {
    code: slug for slug, codes in REGION_COUNTRIES.items() for code in codes
}


def region_of(code: str) -> str:
    return COUNTRY_REGION.get((code or "").upper(), "")


def country_name(code: str) -> str:
    return str(countries.name(code.upper())) if code else ""


def region_country_codes(slug: str) -> tuple[str, ...]:
    return REGION_COUNTRIES.get(slug, ())
