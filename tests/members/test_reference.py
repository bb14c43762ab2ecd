"""Tests of the member-country reference data and country-code resolution."""

from __future__ import annotations

import unicodedata
from collections import Counter

import babel
import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluebridge.members.reference import (
    ICAO_SPECIAL_CODES,
    LANGUAGES,
    MEMBER_REGIONS,
    REGION_NAMES,
    IcaoCode,
    MemberCountry,
    Region,
    ResolvedCountry,
    UnknownCountryCode,
    countries_in_region,
    member_by_alpha3,
    member_countries,
    resolve_country_code,
)

MEMBERS = member_countries()
ISO_ALPHA3 = frozenset(c.alpha_3 for c in pycountry.countries)


def _is_arabic_script(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all("ARABIC" in unicodedata.name(ch, "") for ch in letters)


# --- membership ---------------------------------------------------------------------------


def test_there_are_196_members() -> None:
    assert len(MEMBERS) == 196
    assert len(MEMBER_REGIONS) == 196


def test_members_are_sorted_by_alpha3_and_cached() -> None:
    assert [m.alpha3 for m in MEMBERS] == sorted(m.alpha3 for m in MEMBERS)
    assert member_countries() is MEMBERS


@pytest.mark.parametrize("attribute", ["alpha2", "alpha3", "numeric", "icao_code"])
def test_codes_are_unique(attribute: str) -> None:
    values = [getattr(m, attribute) for m in MEMBERS]
    assert len(set(values)) == len(values)


def test_codes_are_well_formed_and_consistent_with_iso() -> None:
    for m in MEMBERS:
        iso = pycountry.countries.get(alpha_3=m.alpha3)
        assert iso is not None
        assert (m.alpha2, m.numeric) == (iso.alpha_2, iso.numeric)
        assert len(m.alpha2) == 2
        assert m.alpha2.isalpha()
        assert m.alpha2.isupper()
        assert len(m.numeric) == 3
        assert m.numeric.isdigit()


def test_icao_code_is_alpha3_except_germany() -> None:
    different = {m.alpha3: m.icao_code for m in MEMBERS if m.icao_code != m.alpha3}
    assert different == {"DEU": "D"}


def test_un_members_not_in_interpol_are_absent() -> None:
    codes = {m.alpha3 for m in MEMBERS}
    assert "PRK" not in codes
    assert "TUV" not in codes


@pytest.mark.parametrize("alpha3", ["PSE", "VAT", "ABW", "CUW", "SXM"])
def test_non_un_members_are_members(alpha3: str) -> None:
    assert member_by_alpha3(alpha3).alpha3 == alpha3


@pytest.mark.parametrize(
    ("alpha3", "region"),
    [
        ("FRA", Region.EUROPE),
        ("EGY", Region.MENA),
        ("SDN", Region.AFRICA),
        ("DZA", Region.MENA),
        ("PSE", Region.MENA),
        ("ISR", Region.EUROPE),
        ("TUR", Region.EUROPE),
        ("KAZ", Region.EUROPE),
        ("IRN", Region.ASIA_SOUTH_PACIFIC),
        ("AFG", Region.ASIA_SOUTH_PACIFIC),
        ("FJI", Region.ASIA_SOUTH_PACIFIC),
        ("ABW", Region.AMERICAS),
        ("CUW", Region.AMERICAS),
        ("SXM", Region.AMERICAS),
        ("VAT", Region.EUROPE),
    ],
)
def test_region_facts(alpha3: str, region: Region) -> None:
    assert member_by_alpha3(alpha3).region is region


def test_mena_is_exactly_inerpols_grouping() -> None:
    expected = {
        "DZA", "BHR", "EGY", "IRQ", "JOR", "KWT", "LBN", "LBY", "MRT",
        "MAR", "OMN", "PSE", "QAT", "SAU", "SYR", "TUN", "ARE", "YEM",
    }  # fmt: skip
    assert {m.alpha3 for m in countries_in_region(Region.MENA)} == expected


def test_germany() -> None:
    germany = member_by_alpha3("DEU")
    assert germany.alpha2 == "DE"
    assert germany.numeric == "276"
    assert germany.icao_code == "D"
    assert germany.region is Region.EUROPE


def test_member_by_alpha3_rejects_non_members() -> None:
    for code in ("PRK", "TUV", "TWN", "XXX", "DE", "D", ""):
        with pytest.raises(KeyError):
            member_by_alpha3(code)


def test_member_by_alpha3_ignores_case() -> None:
    assert member_by_alpha3("fra") is member_by_alpha3("FRA")


# --- regions ------------------------------------------------------------------------------


def test_every_region_is_non_empty_and_regions_partition_the_members() -> None:
    seen: list[MemberCountry] = []
    for region in Region:
        in_region = countries_in_region(region)
        assert in_region, region
        assert all(m.region is region for m in in_region)
        seen.extend(in_region)
    assert sorted(seen, key=lambda m: m.alpha3) == list(MEMBERS)


def test_region_counts() -> None:
    counts = Counter(m.region for m in MEMBERS)
    assert counts == {
        Region.AFRICA: 48,
        Region.AMERICAS: 38,
        Region.ASIA_SOUTH_PACIFIC: 37,
        Region.EUROPE: 55,
        Region.MENA: 18,
    }


def test_region_values() -> None:
    assert [r.value for r in Region] == [
        "africa",
        "americas",
        "asia_south_pacific",
        "europe",
        "middle_east_north_africa",
    ]
    assert Region("europe") is Region.EUROPE


def test_region_names_in_every_language() -> None:
    assert set(REGION_NAMES) == set(Region)
    for region, names in REGION_NAMES.items():
        assert set(names) == set(LANGUAGES), region
        assert all(names.values()), region
        assert _is_arabic_script(names["ar"]), region
    assert REGION_NAMES[Region.ASIA_SOUTH_PACIFIC]["en"] == "Asia and South Pacific"
    assert REGION_NAMES[Region.MENA]["en"] == "Middle East and North Africa"


# --- names --------------------------------------------------------------------------------


def test_every_member_has_names_in_all_four_languages() -> None:
    assert LANGUAGES == ("ar", "en", "es", "fr")
    for m in MEMBERS:
        assert set(m.names) == set(LANGUAGES), m.alpha3
        for lang in LANGUAGES:
            assert m.names[lang].strip(), (m.alpha3, lang)


def test_arabic_names_are_in_arabic_script() -> None:
    for m in MEMBERS:
        assert _is_arabic_script(m.names["ar"]), (m.alpha3, m.names["ar"])


def test_latin_script_names_are_not_arabic() -> None:
    for m in MEMBERS:
        for lang in ("en", "es", "fr"):
            assert not any("ARABIC" in unicodedata.name(ch, "") for ch in m.names[lang])


def test_names_come_from_cldr() -> None:
    for m in MEMBERS:
        for lang in LANGUAGES:
            assert m.names[lang] == babel.Locale(lang).territories[m.alpha2]
    france = member_by_alpha3("FRA")
    assert france.name("en") == "France"
    assert france.name("es") == "Francia"
    assert member_by_alpha3("DEU").name("fr") == "Allemagne"


def test_name_falls_back_to_english() -> None:
    germany = member_by_alpha3("DEU")
    assert germany.name("de") == germany.names["en"]
    assert germany.name("") == germany.names["en"]
    assert germany.name("fr-CA") == germany.names["fr"]
    assert germany.name("es_MX") == germany.names["es"]


def test_member_is_immutable_and_hashable() -> None:
    france = member_by_alpha3("FRA")
    with pytest.raises(AttributeError):
        france.region = Region.AFRICA  # type: ignore[misc]
    with pytest.raises(TypeError):
        france.names["en"] = "Not France"  # type: ignore[index]
    assert {france, member_by_alpha3("FRA")} == {france}


# --- ICAO 9303 special codes --------------------------------------------------------------


def test_icao_special_codes() -> None:
    expected = {
        "D": "DEU",
        "GBD": "GBR",
        "GBN": "GBR",
        "GBO": "GBR",
        "GBP": "GBR",
        "GBS": "GBR",
        "UNO": None,
        "UNA": None,
        "UNK": None,
        "XXA": None,
        "XXB": None,
        "XXC": None,
        "XXX": None,
        "EUE": None,
        "RKS": None,
        "XOM": None,
        "XPO": None,
    }
    for code, alpha3 in expected.items():
        assert ICAO_SPECIAL_CODES[code].alpha3 == alpha3, code
    for code, icao in ICAO_SPECIAL_CODES.items():
        assert icao.code == code
        assert icao.description
        assert code not in ISO_ALPHA3, code
        assert icao.alpha3 is None or icao.alpha3 in ISO_ALPHA3


def test_icao_special_codes_are_read_only() -> None:
    with pytest.raises(TypeError):
        ICAO_SPECIAL_CODES["ZZZ"] = IcaoCode("ZZZ", "nowhere", None)  # type: ignore[index]


# --- resolve_country_code -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["FR", "fr", "FRA", "fra", "250", " Fra ", "FRA<<", "\tfr\n"])
def test_resolve_iso_codes(code: str) -> None:
    resolved = resolve_country_code(code)
    assert resolved == ResolvedCountry(
        input_code=code, alpha3="FRA", member=member_by_alpha3("FRA"), icao=None
    )


@pytest.mark.parametrize("code", ["D", "d", "D<<", " d<< ", "<<D<<"])
def test_resolve_germany_from_machine_readable_zone(code: str) -> None:
    resolved = resolve_country_code(code)
    assert resolved.alpha3 == "DEU"
    assert resolved.member is member_by_alpha3("DEU")
    assert resolved.icao == ICAO_SPECIAL_CODES["D"]
    assert resolved.input_code == code


@pytest.mark.parametrize("code", ["DE", "DEU", "276", "deu"])
def test_resolve_germany_from_iso_codes(code: str) -> None:
    resolved = resolve_country_code(code)
    assert resolved.member is member_by_alpha3("DEU")
    assert resolved.icao is None


def test_resolve_numeric_without_leading_zeros() -> None:
    assert resolve_country_code("4").alpha3 == "AFG"
    assert resolve_country_code("004").alpha3 == "AFG"
    assert resolve_country_code("040").alpha3 == "AUT"


@pytest.mark.parametrize("code", ["GBD", "GBN", "GBO", "GBP", "gbs"])
def test_resolve_british_categories(code: str) -> None:
    resolved = resolve_country_code(code)
    assert resolved.alpha3 == "GBR"
    assert resolved.member is member_by_alpha3("GBR")
    assert resolved.icao is ICAO_SPECIAL_CODES[code.upper()]


@pytest.mark.parametrize(
    "code", ["XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "EUE", "RKS", "XPO", "XOM"]
)
def test_resolve_codes_that_are_no_state(code: str) -> None:
    resolved = resolve_country_code(f"{code}<")
    assert resolved.alpha3 is None
    assert resolved.member is None
    assert resolved.icao is ICAO_SPECIAL_CODES[code]


@pytest.mark.parametrize(
    ("code", "alpha3"),
    [("PRK", "PRK"), ("KP", "PRK"), ("TWN", "TWN"), ("TV", "TUV"), ("158", "TWN")],
)
def test_resolve_iso_countries_that_are_not_members(code: str, alpha3: str) -> None:
    resolved = resolve_country_code(code)
    assert resolved.alpha3 == alpha3
    assert resolved.member is None
    assert resolved.icao is None


@pytest.mark.parametrize(
    "code",
    [
        "QQQ",
        "qqq",
        "ZZ",
        "999",
        "0",
        "1234",
        "0004",
        "DEUT",
        "A",
        "",
        "   ",
        "<<<",
        "F R",
        "FR1",
        "ß",
        "٢٧٦",
    ],
)
def test_unknown_codes_raise(code: str) -> None:
    with pytest.raises(UnknownCountryCode) as excinfo:
        resolve_country_code(code)
    assert repr(code) in str(excinfo.value)
    assert excinfo.value.code == code
    assert isinstance(excinfo.value, ValueError)


def test_unknown_code_message_names_code_and_reason() -> None:
    with pytest.raises(
        UnknownCountryCode, match=r"^'QQQ' is not an ISO 3166-1 or ICAO 9303 country code$"
    ):
        resolve_country_code("QQQ")


def test_every_member_resolves_from_each_of_its_codes() -> None:
    for m in MEMBERS:
        for code in {m.alpha2, m.alpha3, m.numeric, m.icao_code}:
            assert resolve_country_code(code).member is m, code


@given(st.sampled_from(MEMBERS), st.data())
def test_member_codes_resolve_whatever_the_case_and_padding(
    member: MemberCountry, data: st.DataObject
) -> None:
    code = data.draw(st.sampled_from([member.alpha2, member.alpha3, member.numeric]))
    code = "".join(ch.lower() if data.draw(st.booleans(), label="lower") else ch for ch in code)
    before = data.draw(st.text(alphabet=" \t<", max_size=4), label="before")
    after = data.draw(st.text(alphabet=" \t<", max_size=4), label="after")
    padded = f"{before}{code}{after}"
    assert resolve_country_code(padded).member is member


def _resolve_or_error(text: str) -> ResolvedCountry | UnknownCountryCode:
    try:
        return resolve_country_code(text)
    except UnknownCountryCode as exc:
        return exc


@given(st.text())
def test_arbitrary_text_resolves_or_raises_unknown_country_code(text: str) -> None:
    result = _resolve_or_error(text)
    if isinstance(result, UnknownCountryCode):
        assert result.code == text
        assert str(result).startswith(repr(text))
    else:
        assert result.input_code == text
        assert result.alpha3 is not None or result.icao is not None
        assert result.member is None or result.member.alpha3 == result.alpha3


KNOWN_CODES = (
    {c.alpha_2 for c in pycountry.countries}
    | ISO_ALPHA3
    | {c.numeric for c in pycountry.countries}
    | {c.numeric[i:] for c in pycountry.countries for i in (1, 2) if c.numeric[:i] == "0" * i}
    | set(ICAO_SPECIAL_CODES)
)


@settings(max_examples=1000)
@given(st.text(alphabet="ABDEGKNORSUXZabdefgkru0248< ", max_size=5))
def test_code_like_text_resolves_exactly_when_it_is_a_known_code(text: str) -> None:
    result = _resolve_or_error(text)
    bare = text.replace("<", " ").strip().upper()
    if isinstance(result, UnknownCountryCode):
        assert bare not in KNOWN_CODES
    else:
        assert bare in KNOWN_CODES
