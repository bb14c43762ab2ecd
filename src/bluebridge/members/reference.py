"""Member-country reference data: who the 196 INTERPOL member countries are, which of the five
INTERPOL regions each belongs to, and how a country code read from a form, a database or the
machine-readable zone of a travel document (ICAO 9303) resolves to one of them.

This module owns exactly one hand-written policy table, the mapping of member alpha-3 codes to
regions. Everything else is derived: codes (alpha-2, alpha-3, numeric) come from ISO 3166-1 via
pycountry, and country names in Arabic, English, Spanish and French come from the Unicode CLDR
via Babel, so no country name is typed here. The ICAO 9303 Part 3 codes that are not ISO 3166
alpha-3 codes (Germany's ``D``, the British nationality categories, the United Nations and
other organization codes, stateless persons and refugees) are listed in ``ICAO_SPECIAL_CODES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Final

import babel
import pycountry

__all__ = [
    "ICAO_SPECIAL_CODES",
    "LANGUAGES",
    "MEMBER_REGIONS",
    "REGION_NAMES",
    "IcaoCode",
    "MemberCountry",
    "Region",
    "ResolvedCountry",
    "UnknownCountryCode",
    "countries_in_region",
    "member_by_alpha3",
    "member_countries",
    "resolve_country_code",
]

#: Languages every name is available in (INTERPOL's four official languages).
LANGUAGES: Final[tuple[str, ...]] = ("ar", "en", "es", "fr")

_FALLBACK_LANGUAGE: Final = "en"


class Region(StrEnum):
    """The five regions INTERPOL groups its member countries into."""

    AFRICA = "africa"
    AMERICAS = "americas"
    ASIA_SOUTH_PACIFIC = "asia_south_pacific"
    EUROPE = "europe"
    MENA = "middle_east_north_africa"


REGION_NAMES: Final[dict[Region, dict[str, str]]] = {
    Region.AFRICA: {
        "ar": "أفريقيا",
        "en": "Africa",
        "es": "África",
        "fr": "Afrique",
    },
    Region.AMERICAS: {
        "ar": "الأمريكتان",
        "en": "Americas",
        "es": "Américas",
        "fr": "Amériques",
    },
    Region.ASIA_SOUTH_PACIFIC: {
        "ar": "آسيا وجنوب المحيط الهادئ",
        "en": "Asia and South Pacific",
        "es": "Asia y Pacífico Sur",
        "fr": "Asie et Pacifique Sud",
    },
    Region.EUROPE: {
        "ar": "أوروبا",
        "en": "Europe",
        "es": "Europa",
        "fr": "Europe",
    },
    Region.MENA: {
        "ar": "الشرق الأوسط وشمال أفريقيا",
        "en": "Middle East and North Africa",
        "es": "Oriente Medio y Norte de África",
        "fr": "Moyen-Orient et Afrique du Nord",
    },
}

_A: Final = Region.AFRICA
_AM: Final = Region.AMERICAS
_ASP: Final = Region.ASIA_SOUTH_PACIFIC
_EU: Final = Region.EUROPE
_ME: Final = Region.MENA

#: The membership and regional grouping, by ISO 3166-1 alpha-3 code: the 193 United Nations
#: member states except the Democratic People's Republic of Korea (PRK) and Tuvalu (TUV), plus
#: the Holy See (VAT), Palestine (PSE), Aruba (ABW), Curaçao (CUW) and Sint Maarten (SXM).
#: This is policy data and the only hand-written table of the module; see
#: docs/decisions/0002-member-countries-and-regions.md.
MEMBER_REGIONS: Final[Mapping[str, Region]] = MappingProxyType(
    {
        # Africa (Sudan included; the Arab Maghreb states are in MENA).
        "AGO": _A, "BDI": _A, "BEN": _A, "BFA": _A, "BWA": _A, "CAF": _A,
        "CIV": _A, "CMR": _A, "COD": _A, "COG": _A, "COM": _A, "CPV": _A,
        "DJI": _A, "ERI": _A, "ETH": _A, "GAB": _A, "GHA": _A, "GIN": _A,
        "GMB": _A, "GNB": _A, "GNQ": _A, "KEN": _A, "LBR": _A, "LSO": _A,
        "MDG": _A, "MLI": _A, "MOZ": _A, "MUS": _A, "MWI": _A, "NAM": _A,
        "NER": _A, "NGA": _A, "RWA": _A, "SDN": _A, "SEN": _A, "SLE": _A,
        "SOM": _A, "SSD": _A, "STP": _A, "SWZ": _A, "SYC": _A, "TCD": _A,
        "TGO": _A, "TZA": _A, "UGA": _A, "ZAF": _A, "ZMB": _A, "ZWE": _A,
        # Americas (the Caribbean included, with the Dutch Caribbean members).
        "ABW": _AM, "ARG": _AM, "ATG": _AM, "BHS": _AM, "BLZ": _AM, "BOL": _AM,
        "BRA": _AM, "BRB": _AM, "CAN": _AM, "CHL": _AM, "COL": _AM, "CRI": _AM,
        "CUB": _AM, "CUW": _AM, "DMA": _AM, "DOM": _AM, "ECU": _AM, "GRD": _AM,
        "GTM": _AM, "GUY": _AM, "HND": _AM, "HTI": _AM, "JAM": _AM, "KNA": _AM,
        "LCA": _AM, "MEX": _AM, "NIC": _AM, "PAN": _AM, "PER": _AM, "PRY": _AM,
        "SLV": _AM, "SUR": _AM, "SXM": _AM, "TTO": _AM, "URY": _AM, "USA": _AM,
        "VCT": _AM, "VEN": _AM,
        # Asia and South Pacific (Iran and Afghanistan included).
        "AFG": _ASP, "AUS": _ASP, "BGD": _ASP, "BRN": _ASP, "BTN": _ASP, "CHN": _ASP,
        "FJI": _ASP, "FSM": _ASP, "IDN": _ASP, "IND": _ASP, "IRN": _ASP, "JPN": _ASP,
        "KHM": _ASP, "KIR": _ASP, "KOR": _ASP, "LAO": _ASP, "LKA": _ASP, "MDV": _ASP,
        "MHL": _ASP, "MMR": _ASP, "MNG": _ASP, "MYS": _ASP, "NPL": _ASP, "NRU": _ASP,
        "NZL": _ASP, "PAK": _ASP, "PHL": _ASP, "PLW": _ASP, "PNG": _ASP, "SGP": _ASP,
        "SLB": _ASP, "THA": _ASP, "TLS": _ASP, "TON": _ASP, "VNM": _ASP, "VUT": _ASP,
        "WSM": _ASP,
        # Europe (Israel, Türkiye, Cyprus, the Caucasus and Central Asia included).
        "ALB": _EU, "AND": _EU, "ARM": _EU, "AUT": _EU, "AZE": _EU, "BEL": _EU,
        "BGR": _EU, "BIH": _EU, "BLR": _EU, "CHE": _EU, "CYP": _EU, "CZE": _EU,
        "DEU": _EU, "DNK": _EU, "ESP": _EU, "EST": _EU, "FIN": _EU, "FRA": _EU,
        "GBR": _EU, "GEO": _EU, "GRC": _EU, "HRV": _EU, "HUN": _EU, "IRL": _EU,
        "ISL": _EU, "ISR": _EU, "ITA": _EU, "KAZ": _EU, "KGZ": _EU, "LIE": _EU,
        "LTU": _EU, "LUX": _EU, "LVA": _EU, "MCO": _EU, "MDA": _EU, "MKD": _EU,
        "MLT": _EU, "MNE": _EU, "NLD": _EU, "NOR": _EU, "POL": _EU, "PRT": _EU,
        "ROU": _EU, "RUS": _EU, "SMR": _EU, "SRB": _EU, "SVK": _EU, "SVN": _EU,
        "SWE": _EU, "TJK": _EU, "TKM": _EU, "TUR": _EU, "UKR": _EU, "UZB": _EU,
        "VAT": _EU,
        # Middle East and North Africa.
        "ARE": _ME, "BHR": _ME, "DZA": _ME, "EGY": _ME, "IRQ": _ME, "JOR": _ME,
        "KWT": _ME, "LBN": _ME, "LBY": _ME, "MAR": _ME, "MRT": _ME, "OMN": _ME,
        "PSE": _ME, "QAT": _ME, "SAU": _ME, "SYR": _ME, "TUN": _ME, "YEM": _ME,
    }
)  # fmt: skip

#: Member states whose code in the machine-readable zone of ICAO 9303 documents is not their
#: ISO 3166-1 alpha-3 code.
_ICAO_ISSUING_STATE_OVERRIDES: Final[Mapping[str, str]] = MappingProxyType({"DEU": "D"})


@dataclass(frozen=True, slots=True)
class IcaoCode:
    """A code of ICAO 9303 Part 3 that is not an ISO 3166-1 alpha-3 code.

    ``alpha3`` is the ISO 3166-1 alpha-3 code of the state the code stands for or belongs to,
    or ``None`` when it designates no state (an organization, a stateless person, a refugee).
    """

    code: str
    description: str
    alpha3: str | None


def _icao(code: str, description: str, alpha3: str | None = None) -> tuple[str, IcaoCode]:
    return code, IcaoCode(code=code, description=description, alpha3=alpha3)


ICAO_SPECIAL_CODES: Final[Mapping[str, IcaoCode]] = MappingProxyType(
    dict(
        [
            _icao("D", "Germany", "DEU"),
            # British nationality categories (Part 3, codes for the United Kingdom).
            _icao("GBD", "British Overseas Territories Citizen", "GBR"),
            _icao("GBN", "British National (Overseas)", "GBR"),
            _icao("GBO", "British Overseas Citizen", "GBR"),
            _icao("GBP", "British Protected Person", "GBR"),
            _icao("GBS", "British Subject", "GBR"),
            # United Nations travel documents.
            _icao("UNO", "Official of the United Nations Organization"),
            _icao("UNA", "Official of a specialized agency of the United Nations"),
            _icao(
                "UNK",
                "Resident of Kosovo to whom a travel document has been issued by the "
                "United Nations Interim Administration Mission in Kosovo (UNMIK)",
            ),
            # Persons without a (specified) nationality.
            _icao("XXA", "Stateless person, as defined in the 1954 Convention"),
            _icao("XXB", "Refugee, as defined in the 1951 Convention or its 1967 Protocol"),
            _icao("XXC", "Refugee, other than as defined under code XXB"),
            _icao("XXX", "Person of unspecified nationality"),
            # Other issuing authorities.
            _icao("EUE", "European Union"),
            _icao("RKS", "Kosovo"),
            _icao("XBA", "African Development Bank (AfDB)"),
            _icao("XCC", "Caribbean Community (CARICOM)"),
            _icao("XCE", "Council of Europe"),
            _icao("XCO", "Common Market for Eastern and Southern Africa (COMESA)"),
            _icao("XDC", "Southern African Development Community (SADC)"),
            _icao("XEC", "Economic Community of West African States (ECOWAS)"),
            _icao("XES", "Organisation of Eastern Caribbean States (OECS)"),
            _icao("XIM", "African Export-Import Bank (Afreximbank)"),
            _icao("XMP", "Parliamentary Assembly of the Mediterranean (PAM)"),
            _icao("XOM", "Sovereign Military Order of Malta"),
            _icao("XPO", "International Criminal Police Organization (INTERPOL)"),
        ]
    )
)


@dataclass(frozen=True, slots=True)
class MemberCountry:
    """One INTERPOL member country, with its codes, region and names."""

    alpha2: str
    alpha3: str
    numeric: str
    icao_code: str
    region: Region
    names: Mapping[str, str] = field(hash=False)

    def name(self, lang: str) -> str:
        """The country's name in ``lang`` ("fr", "fr-CA" or "fr_CA"), else in English."""
        if lang in self.names:
            return self.names[lang]
        base = lang.replace("-", "_").split("_", 1)[0].lower()
        return self.names.get(base, self.names[_FALLBACK_LANGUAGE])


@dataclass(frozen=True, slots=True)
class ResolvedCountry:
    """What a country code stands for.

    ``alpha3`` is the ISO 3166-1 alpha-3 code of the state (``None`` for an organization,
    a stateless person, a refugee, or Kosovo); ``member`` is set when that state is an
    INTERPOL member; ``icao`` is set when the code was one of ``ICAO_SPECIAL_CODES``.
    """

    input_code: str
    alpha3: str | None
    member: MemberCountry | None
    icao: IcaoCode | None


class UnknownCountryCode(ValueError):
    """A code that is neither an ISO 3166-1 code nor an ICAO 9303 code."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code!r} {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _IsoCountry:
    alpha2: str
    alpha3: str
    numeric: str


@dataclass(frozen=True, slots=True)
class _IsoIndex:
    by_alpha2: Mapping[str, _IsoCountry]
    by_alpha3: Mapping[str, _IsoCountry]
    by_numeric: Mapping[str, _IsoCountry]


@cache
def _iso_index() -> _IsoIndex:
    countries = [
        _IsoCountry(alpha2=str(c.alpha_2), alpha3=str(c.alpha_3), numeric=str(c.numeric))
        for c in pycountry.countries
    ]
    return _IsoIndex(
        by_alpha2=MappingProxyType({c.alpha2: c for c in countries}),
        by_alpha3=MappingProxyType({c.alpha3: c for c in countries}),
        by_numeric=MappingProxyType({c.numeric: c for c in countries}),
    )


@cache
def _territory_names(lang: str) -> Mapping[str, str]:
    names: Mapping[str, str] = babel.Locale(lang).territories
    return names


@cache
def member_countries() -> tuple[MemberCountry, ...]:
    """All member countries, sorted by alpha-3 code."""
    iso = _iso_index()
    members = []
    for alpha3, region in sorted(MEMBER_REGIONS.items()):
        country = iso.by_alpha3.get(alpha3)
        if country is None:
            raise RuntimeError(f"member {alpha3!r} is not an ISO 3166-1 alpha-3 code")
        names = {}
        for lang in LANGUAGES:
            name = _territory_names(lang).get(country.alpha2)
            if not name:
                raise RuntimeError(f"CLDR has no {lang!r} name for {country.alpha2!r}")
            names[lang] = name
        members.append(
            MemberCountry(
                alpha2=country.alpha2,
                alpha3=alpha3,
                numeric=country.numeric,
                icao_code=_ICAO_ISSUING_STATE_OVERRIDES.get(alpha3, alpha3),
                region=region,
                names=MappingProxyType(names),
            )
        )
    return tuple(members)


@cache
def _members_by_alpha3() -> Mapping[str, MemberCountry]:
    return MappingProxyType({m.alpha3: m for m in member_countries()})


def member_by_alpha3(code: str) -> MemberCountry:
    """The member country with ISO 3166-1 alpha-3 ``code`` (case-insensitive).

    Raises ``KeyError`` when ``code`` is not the alpha-3 code of a member country.
    """
    try:
        return _members_by_alpha3()[code.strip().upper()]
    except KeyError:
        raise KeyError(f"{code!r} is not the alpha-3 code of an INTERPOL member") from None


@cache
def countries_in_region(region: Region) -> tuple[MemberCountry, ...]:
    """The member countries of ``region``, sorted by alpha-3 code."""
    return tuple(m for m in member_countries() if m.region is Region(region))


_FILLER: Final = "<"
_ISO_ONLY: Final = "is not an ISO 3166-1 or ICAO 9303 country code"


def _strip_padding(code: str) -> str:
    """``code`` without surrounding whitespace and ``<`` filler, in any interleaving."""
    text = code
    while (stripped := text.strip().strip(_FILLER)) != text:
        text = stripped
    return text


def resolve_country_code(code: str) -> ResolvedCountry:
    """Resolve an ISO 3166-1 alpha-2, alpha-3 or numeric code, or an ICAO 9303 code.

    Case does not matter, and surrounding whitespace and ``<`` filler (as in the
    machine-readable zone, e.g. ``"D<<"``) are ignored. Numeric codes may omit leading zeros.
    A valid ISO 3166-1 country that is not an INTERPOL member resolves with ``member=None``.

    Raises ``UnknownCountryCode`` when ``code`` is none of these.
    """
    text = _strip_padding(code)
    if not text:
        raise UnknownCountryCode(code, "is empty once whitespace and '<' filler are removed")
    if not text.isascii():
        raise UnknownCountryCode(code, f"{_ISO_ONLY} (it contains non-ASCII characters)")
    text = text.upper()

    icao = ICAO_SPECIAL_CODES.get(text)
    if icao is not None:
        alpha3 = icao.alpha3
    else:
        iso = _iso_index()
        country: _IsoCountry | None = None
        if text.isdigit():
            if len(text) <= 3:
                country = iso.by_numeric.get(text.zfill(3))
        elif text.isalpha():
            if len(text) == 2:
                country = iso.by_alpha2.get(text)
            elif len(text) == 3:
                country = iso.by_alpha3.get(text)
        if country is None:
            raise UnknownCountryCode(code, _ISO_ONLY)
        alpha3 = country.alpha3

    member = _members_by_alpha3().get(alpha3) if alpha3 is not None else None
    return ResolvedCountry(input_code=code, alpha3=alpha3, member=member, icao=icao)
