"""Realistic sample records of every kind for the demo world, deterministic from a seed.

`sample_payload(kind_name, country=..., rng=...)` gives the JSON-able input payload an agency
of `country` (ISO alpha-3) would send for a record of that kind: persons named in the script of
their country (with a Latin alias where that script is not Latin), travel documents the country
issued with numbers in its format, VINs and IMO numbers with their check digits, valid IBANs,
wallet addresses that pass the checker, card numbers that pass Luhn, STR profiles of plausible
alleles, and so on. `sample_policy(rng, country, neighbours)` gives an access policy from a
realistic spread (mostly the kind's default). Only `rng` is drawn from, and every date is a
random number of days before `REFERENCE_DATE`, so the same seed gives the same payloads."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import random
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import pycountry
import schwifty.registry
from faker import Faker
from schwifty import IBAN
from schwifty.domain import Component
from schwifty.exceptions import SchwiftyException

from bluebridge import demo
from bluebridge.members import reference
from bluebridge.records.kinds import crypto_addresses
from bluebridge.records.kinds.persons import detect_script
from bluebridge.records.kinds.vehicles import VIN_WEIGHTS, vin_check_digit
from bluebridge.records.kinds.vessels import imo_check_digit

REFERENCE_DATE = dt.date(2026, 6, 1)

Json = dict[str, object]

_UPPER = "ABCDEFGHJKLMNPRSTUVWXYZ"  # letters of document numbers and plates (no I, O, Q)
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_DIGITS = "0123456789"
_HEX = "0123456789abcdef"


# ---------------------------------------------------------------- small helpers


def _days_ago(rng: random.Random, low: int, high: int) -> dt.date:
    return REFERENCE_DATE - dt.timedelta(days=rng.randint(low, high))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_HEX) for _ in range(length))


def _pattern(rng: random.Random, pattern: str) -> str:
    """A string from a pattern: 9 a digit, A a letter (no I, O, Q), X either; else literal."""
    out = []
    for char in pattern:
        if char == "9":
            out.append(rng.choice(_DIGITS))
        elif char == "A":
            out.append(rng.choice(_UPPER))
        elif char == "X":
            out.append(rng.choice(_UPPER + _DIGITS))
        else:
            out.append(char)
    return "".join(out)


def _seed(rng: random.Random) -> int:
    return rng.getrandbits(32)


def _alpha2(country: str) -> str:
    try:
        return reference.member_by_alpha3(country).alpha2
    except Exception:  # not a member: any ISO country
        found = pycountry.countries.get(alpha_3=country)
        if found is None:
            raise ValueError(f"{country!r} is not an ISO 3166 alpha-3 code") from None
        return str(found.alpha_2)


def _region(country: str) -> reference.Region:
    try:
        return reference.member_by_alpha3(country).region
    except Exception:
        return reference.Region.EUROPE


def _place(country: str, rng: random.Random) -> str:
    """A place name from the country's Faker locale; some locales mix scripts in their
    formats ("ماهرland"), so such a name is drawn again."""
    alpha2 = _alpha2(country)
    for _ in range(10):
        place = demo.place_name(alpha2, _seed(rng))[:200]
        scripts = {unicodedata.name(c, "?").split()[0] for c in place if c.isalpha()}
        if len(scripts - {"CJK", "HIRAGANA", "KATAKANA"}) <= 1:
            return place
    return place


def _weighted(rng: random.Random, options: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _other_country(rng: random.Random, country: str, pool: Sequence[str]) -> str:
    choices = [c for c in pool if c != country]
    return rng.choice(choices)


_WORLD = (
    "FRA", "DEU", "ITA", "ESP", "GBR", "NLD", "BEL", "POL", "ROU", "TUR", "MAR", "DZA", "TUN",
    "EGY", "NGA", "GHA", "SEN", "KEN", "ZAF", "USA", "CAN", "MEX", "BRA", "COL", "ARG", "RUS",
    "UKR", "CHN", "JPN", "KOR", "IND", "PAK", "THA", "VNM", "PHL", "AUS", "ARE", "SAU", "IRQ",
)  # fmt: skip


# ---------------------------------------------------------------- names and transliteration

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "і": "i", "ї": "i",
    "є": "ie", "ґ": "g", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz",
}  # fmt: skip
_GREEK_DIGRAPHS = {"ου": "ou", "αυ": "av", "ευ": "ev", "γγ": "ng", "γκ": "gk"}
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
# Consonantal scripts: each letter as (consonant, vowel) spellings; a vowel letter at the start
# of a word or after a vowel is read as a consonant (w, y), after a consonant as a vowel.
_ARABIC = {
    "ا": ("a", "a"), "أ": ("a", "a"), "إ": ("i", "i"), "آ": ("a", "a"), "ب": ("b", None),
    "ت": ("t", None), "ث": ("th", None), "ج": ("g", None), "ح": ("h", None), "خ": ("kh", None),
    "د": ("d", None), "ذ": ("z", None), "ر": ("r", None), "ز": ("z", None), "س": ("s", None),
    "ش": ("sh", None), "ص": ("s", None), "ض": ("d", None), "ط": ("t", None), "ظ": ("z", None),
    "ع": ("a", "a"), "غ": ("gh", None), "ف": ("f", None), "ق": ("k", None), "ك": ("k", None),
    "ل": ("l", None), "م": ("m", None), "ن": ("n", None), "ه": ("h", None), "و": ("w", "ou"),
    "ي": ("y", "i"), "ى": ("a", "a"), "ة": ("a", "a"), "ء": ("", ""), "ئ": ("", ""),
    "ؤ": ("", ""),
}  # fmt: skip
_HEBREW = {
    "א": ("a", "a"), "ב": ("b", None), "ג": ("g", None), "ד": ("d", None), "ה": ("h", "a"),
    "ו": ("v", "o"), "ז": ("z", None), "ח": ("ch", None), "ט": ("t", None), "י": ("y", "i"),
    "כ": ("k", None), "ך": ("kh", None), "ל": ("l", None), "מ": ("m", None), "ם": ("m", None),
    "נ": ("n", None), "ן": ("n", None), "ס": ("s", None), "ע": ("a", "a"), "פ": ("p", None),
    "ף": ("f", None), "צ": ("tz", None), "ץ": ("tz", None), "ק": ("k", None), "ר": ("r", None),
    "ש": ("sh", None), "ת": ("t", None),
}  # fmt: skip
_HANGUL_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
    "p", "h",
)  # fmt: skip
_HANGUL_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
_HANGUL_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
_KOREAN_SURNAMES = {
    "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "강": "Kang", "조": "Cho",
    "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh", "서": "Seo", "신": "Shin",
    "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song", "류": "Ryu", "홍": "Hong",
    "유": "Yoo", "노": "Noh", "우": "Woo", "남궁": "Namgung", "제갈": "Jegal", "선우": "Sunwoo",
    "황보": "Hwangbo",
}  # fmt: skip


def _consonantal(word: str, table: dict[str, tuple[str, str | None]]) -> str:
    """A rough reading of a word written without short vowels: an "a" between consonants."""
    prefix = ""
    if table is _ARABIC and word.startswith("ال") and len(word) > 3:
        prefix, word = "el-", word[2:]
    out: list[str] = []
    previous_consonant = False
    for index, char in enumerate(word):
        entry = table.get(char)
        if entry is None:
            continue
        consonant, vowel = entry
        if vowel is not None and (previous_consonant or index == len(word) - 1) and index > 0:
            out.append(vowel)
            previous_consonant = False
        elif vowel is not None and consonant in ("a", "i"):
            out.append(consonant)
            previous_consonant = False
        else:
            if previous_consonant and consonant:
                out.append("a")
            out.append(consonant)
            previous_consonant = bool(consonant)
    return prefix + "".join(out)


def _hangul(word: str) -> str:
    out = []
    for char in word:
        code = ord(char) - 0xAC00
        if not 0 <= code < 11172:
            continue
        initial, vowel, final = code // 588, (code % 588) // 28, code % 28
        out.append(_HANGUL_INITIALS[initial] + _HANGUL_VOWELS[vowel] + _HANGUL_FINALS[final])
    return "".join(out)


@cache
def _japanese_readings() -> dict[str, str]:
    from faker.providers.person.ja_JP import Provider

    readings = {kanji: roman for kanji, _, roman in Provider.first_name_pairs}
    readings.update({kanji: roman for kanji, _, roman in Provider.last_name_pairs})
    return readings


def latin_alias(name: str, script: str) -> str | None:
    """A Latin spelling of a name in another script, or None when there is no reading for
    the script here (Han Chinese, Thai, Indic scripts…)."""
    if script == "Cyrl":
        words = ["".join(_CYRILLIC.get(c, c) for c in w) for w in name.lower().split()]
    elif script == "Grek":
        words = []
        for word in name.split():
            text = "".join(
                c
                for c in unicodedata.normalize("NFD", word.lower())
                if unicodedata.category(c) != "Mn"
            )
            for digraph, spelling in _GREEK_DIGRAPHS.items():
                text = text.replace(digraph, spelling)
            words.append("".join(_GREEK.get(c, c) for c in text))
    elif script == "Arab":
        words = [_consonantal(w, _ARABIC) for w in name.split()]
    elif script == "Hebr":
        words = [_consonantal(w, _HEBREW) for w in name.split()]
    elif script == "Hang":
        family = next(
            (s for s in sorted(_KOREAN_SURNAMES, key=len, reverse=True) if name.startswith(s)),
            name[:1],
        )
        given = _hangul(name[len(family) :])
        return (
            f"{given.capitalize()} {_KOREAN_SURNAMES.get(family) or _hangul(family).capitalize()}"
        )
    elif script == "Jpan" or (script == "Hani" and " " in name):  # Japanese: family, given
        readings = _japanese_readings()
        parts = name.split()
        if len(parts) != 2 or not all(p in readings for p in parts):
            return None
        return f"{readings[parts[1]]} {readings[parts[0]]}"  # given name first
    else:
        return None
    latin = " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in words if w)
    return latin if any(c.isalpha() for c in latin) else None


@cache
def _person_provider(alpha2: str) -> Any:
    fake = Faker(demo.faker_locale(alpha2))
    for provider in fake.get_providers():
        if type(provider).__module__.startswith("faker.providers.person"):
            return provider
    return None


def _gender(alpha2: str, name: str) -> str:
    provider = _person_provider(alpha2)
    parts = name.split()
    if provider is None or not parts:
        return "unknown"
    for given in (parts[0], parts[-1]):
        if given in getattr(provider, "first_names_female", ()):
            return "female"
        if given in getattr(provider, "first_names_male", ()):
            return "male"
    return "unknown"


def _language(alpha2: str) -> str:
    return demo.faker_locale(alpha2).split("_")[0]


# ---------------------------------------------------------------- persons

_OFFENCES = {
    "wanted": [
        "murder", "armed robbery", "drug trafficking", "fraud", "money laundering",
        "trafficking in human beings", "kidnapping", "rape", "participation in an organized "
        "criminal group", "migrant smuggling", "corruption",
    ],
    "suspect": ["drug trafficking", "fraud", "cyber fraud", "money laundering", "arms trafficking"],
    "convicted": ["drug trafficking", "armed robbery", "sexual abuse of a child", "homicide"],
    "foreign_terrorist_fighter": [
        "membership of a terrorist organization", "travel for terrorist purposes",
        "financing of terrorism",
    ],
}  # fmt: skip
_PERSON_STATUSES = [
    ("wanted", 30), ("suspect", 20), ("convicted", 10), ("missing", 20),
    ("victim", 8), ("foreign_terrorist_fighter", 5), ("deceased", 7),
]  # fmt: skip
_DESCRIPTIONS = [
    "height about {h} cm, slim build, dark hair",
    "height about {h} cm, heavy build, shaved head, scar on the left cheek",
    "height about {h} cm, medium build, brown eyes, tattoo on the right forearm",
    "height about {h} cm, wears glasses, grey hair",
]


def _partial_birth(rng: random.Random, status: str) -> Json:
    low, high = (1, 17) if status == "missing" and rng.random() < 0.4 else (18, 70)
    born = _days_ago(rng, low * 365, high * 365)
    precision = _weighted(rng, [("day", 70), ("month", 10), ("year", 20)])
    birth: Json = {"year": born.year}
    if precision != "year":
        birth["month"] = born.month
    if precision == "day":
        birth["day"] = born.day
    return birth


def _persons(country: str, rng: random.Random) -> Json:
    alpha2 = _alpha2(country)
    primary = demo.person_name(alpha2, _seed(rng))
    script = detect_script(primary)
    names: list[Json] = [{"value": primary, "type": "primary", "script": script}]
    if script != "Latn":
        alias = latin_alias(primary, script)
        if alias:
            names.append({"value": alias, "type": "alias", "script": "Latn"})
    gender = _gender(alpha2, primary)
    if rng.random() < 0.2:
        other = demo.person_name(alpha2, _seed(rng))
        names.append({"value": other, "type": "alias", "script": detect_script(other)})
    status = _weighted(rng, _PERSON_STATUSES)
    payload: Json = {"names": names, "status": status, "gender": gender}
    if rng.random() < 0.9:
        payload["date_of_birth"] = _partial_birth(rng, status)
    if rng.random() < 0.6:
        payload["place_of_birth"] = _place(country, rng)
    nationalities = [country]
    if rng.random() < 0.15:
        nationalities.append(_other_country(rng, country, _WORLD))
    payload["nationalities"] = nationalities
    languages = [_language(alpha2)]
    if rng.random() < 0.4:
        languages.append(rng.choice(["en", "en", "fr"]))
    payload["languages"] = list(dict.fromkeys(languages))
    if rng.random() < 0.5:
        payload["physical_description"] = rng.choice(_DESCRIPTIONS).format(h=rng.randint(150, 195))
    if status in _OFFENCES:
        payload["offences"] = rng.sample(_OFFENCES[status], k=rng.randint(1, 2))
    return payload


# ---------------------------------------------------------------- documents

# Number formats of passports (and identity cards) by issuing country, as in the MRZ.
_PASSPORT_FORMATS = {
    "FRA": "99AA99999", "USA": "A99999999", "JPN": "AA9999999", "BRA": "AA999999",
    "RUS": "99 9999999", "NGA": "A99999999", "EGY": "A99999999", "DEU": "CXXXXXXXX",
    "GBR": "999999999", "ITA": "AA9999999", "ESP": "AAA999999", "CHN": "E99999999",
    "IND": "A9999999", "CAN": "AA999999", "AUS": "AA9999999", "KOR": "M99999999",
}  # fmt: skip
_ID_CARD_FORMATS = {
    "FRA": "XXXXXXXXX", "DEU": "LXXXXXXXX", "ESP": "AAA999999", "ITA": "CA99999AA",
    "RUS": "99 99 999999", "BRA": "99.999.999-9", "EGY": "99999999999999",
}  # fmt: skip


def _travel_documents(country: str, rng: random.Random) -> Json:
    document_type = _weighted(
        rng, [("passport", 60), ("identity_card", 25), ("visa", 5), ("residence_permit", 7),
              ("travel_document", 3)]
    )  # fmt: skip
    status = _weighted(
        rng, [("lost", 45), ("stolen_issued", 30), ("stolen_blank", 10), ("revoked", 10),
              ("invalid", 5)]
    )  # fmt: skip
    if document_type == "identity_card" and country in _ID_CARD_FORMATS:
        number = _pattern(rng, _ID_CARD_FORMATS[country])
    elif document_type in ("visa", "residence_permit"):
        number = _pattern(rng, "A9999999")
    else:
        number = _pattern(rng, _PASSPORT_FORMATS.get(country, "A9999999"))
    reported = _days_ago(rng, 0, 3 * 365)
    payload: Json = {
        "number": number,
        "issuing_country": country,
        "document_type": document_type,
        "status": status,
        "date_reported": reported.isoformat(),
    }
    if status != "stolen_blank":
        issued = reported - dt.timedelta(days=rng.randint(30, 9 * 365))
        years = {"visa": 1, "residence_permit": 5}.get(document_type, 10)
        payload["holder_name"] = demo.person_name(_alpha2(country), _seed(rng))
        payload["date_of_issue"] = issued.isoformat()
        payload["date_of_expiry"] = (_add_years(issued, years) - dt.timedelta(days=1)).isoformat()
    return payload


def _admin_documents(country: str, rng: random.Random) -> Json:
    document_type, description, pattern = rng.choice(
        [
            ("vehicle_registration", "Blank vehicle registration certificates", "AA"),
            ("vehicle_registration", "Blank registration certificates (part I)", "9999AA"),
            ("permit", "Blank firearm permits", "PA"),
            ("permit", "Blank work permits", "WP9"),
            ("seal", "Official seals of a municipal registry office", "S"),
            ("other", "Blank driving licences", "DL"),
        ]
    )
    prefix = _pattern(rng, pattern)
    payload: Json = {
        "document_type": document_type,
        "description": description,
        "issuing_country": country,
    }
    start = rng.randint(1000, 900_000)
    if rng.random() < 0.4:
        payload["serial_number"] = f"{prefix}{start:07d}"
    else:
        payload["serial_from"] = f"{prefix}{start:07d}"
        payload["serial_to"] = f"{prefix}{start + rng.randint(9, 499):07d}"
    return payload


_FEATURES = [
    "laminate lacks the optically variable ink on the data page",
    "microprinting on the signature line is blurred and unreadable under magnification",
    "the MRZ check digits do not match the document number",
    "ghost image is printed, not laser-engraved",
    "UV fluorescence of the background print is missing",
    "the holder's photograph is glued over the original, edges lifted",
    "intaglio printing of the coat of arms has no tactile relief",
    "the chip is absent or does not answer; the chip symbol is printed",
    "font of the personal data differs from genuine issues",
    "perforated number does not match the printed document number",
    "the watermark is simulated with light-coloured print",
]


def _counterfeit_documents(country: str, rng: random.Random) -> Json:
    imitated = country if rng.random() < 0.6 else _other_country(rng, country, _WORLD)
    payload: Json = {
        "document_type": _weighted(
            rng,
            [
                ("passport", 40),
                ("identity_card", 25),
                ("visa", 10),
                ("residence_permit", 10),
                ("driving_licence", 10),
                ("travel_document", 5),
            ],
        ),
        "country": imitated,
        "features": rng.sample(_FEATURES, k=rng.randint(1, 4)),
    }
    if rng.random() < 0.8:
        payload["images"] = [f"img-{_hex(rng, 16)}" for _ in range(rng.randint(1, 3))]
    return payload


# ---------------------------------------------------------------- vehicles and vessels

# World manufacturer identifiers: (WMI, make, models). Those beginning 1-5 are North American.
_WMIS = [
    ("1FA", "Ford", ["Mustang", "Fusion"]), ("1FT", "Ford", ["F-150", "F-250"]),
    ("1G1", "Chevrolet", ["Malibu", "Camaro"]), ("1HG", "Honda", ["Accord", "Civic"]),
    ("2T1", "Toyota", ["Corolla", "Matrix"]), ("3VW", "Volkswagen", ["Jetta", "Beetle"]),
    ("4T1", "Toyota", ["Camry"]), ("5YJ", "Tesla", ["Model 3", "Model Y"]),
    ("5UX", "BMW", ["X5", "X3"]), ("2C3", "Chrysler", ["300"]),
    ("WVW", "Volkswagen", ["Golf", "Passat", "Polo"]), ("WBA", "BMW", ["320d", "520d", "X5"]),
    ("WDD", "Mercedes-Benz", ["C 220 d", "E 300", "GLE 350"]), ("VF1", "Renault", ["Clio", "Mégane"]),
    ("VF3", "Peugeot", ["208", "3008", "508"]), ("ZFA", "Fiat", ["500", "Panda", "Tipo"]),
    ("WAU", "Audi", ["A4", "A6", "Q5"]), ("TMB", "Škoda", ["Octavia", "Superb"]),
    ("YV1", "Volvo", ["XC60", "XC90"]), ("SAL", "Land Rover", ["Range Rover", "Defender"]),
    ("JTD", "Toyota", ["Land Cruiser", "RAV4", "Hilux"]), ("JN1", "Nissan", ["Patrol", "X-Trail"]),
    ("KMH", "Hyundai", ["Tucson", "Santa Fe"]), ("KNA", "Kia", ["Sportage", "Sorento"]),
    ("XTA", "Lada", ["Vesta", "Niva"]), ("9BW", "Volkswagen", ["Gol", "Polo"]),
]  # fmt: skip
_MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY"  # 2010 onwards
_COLOURS = ["black", "white", "silver", "grey", "dark blue", "red", "beige", "green"]
_PLATE_FORMATS = {
    "FRA": "AA-999-AA", "DEU": "AA-AA 9999", "ITA": "AA 999AA", "ESP": "9999 AAA",
    "GBR": "AA99 AAA", "NLD": "AA-999-A", "BEL": "1-AAA-999", "USA": "9AAA999",
    "BRA": "AAA9A99", "RUS": "A999AA 77", "NGA": "AAA-999AA", "JPN": "品川 399 さ 99-99",
    "EGY": "999 AAA", "CHN": "京A·9999X", "POL": "WA 99999", "TUR": "34 AA 999",
}  # fmt: skip


def _vin(rng: random.Random, wmi: str, year: int) -> str:
    vds = "".join(rng.choice(_VIN_CHARS) for _ in range(5))
    year_code = _MODEL_YEAR_CODES[year - 2010] if year >= 2010 else str(year - 2000)
    plant = rng.choice(_UPPER + _DIGITS)
    serial = "".join(rng.choice(_DIGITS) for _ in range(6))
    vin = f"{wmi}{vds}0{year_code}{plant}{serial}"
    assert len(vin) == len(VIN_WEIGHTS)
    # Mandatory in North America, used by most others; some European makers fill in Z or 0.
    keeps_check = wmi[0] in "12345" or rng.random() < 0.7
    check = vin_check_digit(vin) if keeps_check else rng.choice("Z0")
    return vin[:8] + check + vin[9:]


def _vehicles(country: str, rng: random.Random) -> Json:
    wmi, make, models = rng.choice(_WMIS)
    year = rng.randint(2005, 2026)
    stolen = _days_ago(rng, 0, 4 * 365)
    payload: Json = {
        "make": make,
        "model": rng.choice(models),
        "colour": rng.choice(_COLOURS),
        "year": year,
        "date_stolen": stolen.isoformat(),
    }
    has_vin = rng.random() < 0.85
    if has_vin:
        payload["vin"] = _vin(rng, wmi, year)
    if not has_vin or rng.random() < 0.8:
        plate = _pattern(rng, _PLATE_FORMATS.get(country, "AAA 9999"))
        payload["plates"] = [{"number": plate, "country": country}]
    return payload


# Maritime identification digits (the first three of an MMSI) by flag.
_MIDS = {
    "FRA": ["226", "227", "228"], "EGY": ["622"], "JPN": ["431", "432"], "BRA": ["710"],
    "RUS": ["273"], "NGA": ["657"], "USA": ["338", "366", "367", "368", "369"],
    "PAN": ["351", "352", "353", "354", "355"], "LBR": ["636"], "MHL": ["538"],
    "MLT": ["215", "229", "248", "249", "256"], "GRC": ["237", "239", "240", "241"],
    "CHN": ["412", "413", "414"], "GBR": ["232", "233", "234", "235"],
}  # fmt: skip
_VESSEL_NAMES = [
    "Ocean Star",
    "Blue Horizon",
    "Sea Falcon",
    "Northern Light",
    "Marina I",
    "Golden Wave",
    "Stella Maris",
    "Aurora",
    "Pacific Trader",
    "Atlantic Breeze",
    "Santa Lucia",
    "Al Noor",
    "Nadezhda",
    "Esperanza",
    "Kaiyo Maru",
    "Cap Vert",
    "Baltic Spirit",
    "Lady Grace",
]
_VESSEL_TYPES = [
    "general cargo",
    "bulk carrier",
    "oil tanker",
    "container ship",
    "fishing vessel",
    "yacht",
    "tug",
    "fast motor boat",
    "reefer",
    "chemical tanker",
]


def _imo(rng: random.Random) -> str:
    first_six = rng.choice("789") + "".join(rng.choice(_DIGITS) for _ in range(5))
    return f"{first_six}{imo_check_digit(first_six)}"


def _vessels(country: str, rng: random.Random) -> Json:
    flag = country if rng.random() < 0.6 else rng.choice(["PAN", "LBR", "MHL", "MLT", "GRC"])
    vessel_type = rng.choice(_VESSEL_TYPES)
    small = vessel_type in ("yacht", "fast motor boat", "fishing vessel")
    payload: Json = {"flag": flag, "vessel_type": vessel_type, "name": rng.choice(_VESSEL_NAMES)}
    if not small or rng.random() < 0.2:
        payload["imo"] = f"IMO {_imo(rng)}"
    if rng.random() < 0.8:
        mid = rng.choice(_MIDS.get(flag, ["2" + _pattern(rng, "99")]))
        payload["mmsi"] = mid + _pattern(rng, "999999")
    if small and rng.random() < 0.5:
        payload["hull_id"] = _pattern(rng, "AAA99999A999")
    return payload


# ---------------------------------------------------------------- cultural property

_ARTWORKS = [
    ("Portrait of a Young Woman", "unknown (Flemish school)", "painting", ["oil", "oak panel"], "16th century"),
    ("Landscape with a River", "Jan van Goyen (attributed)", "painting", ["oil", "panel"], "17th century"),
    ("Still Life with Flowers", "Rachel Ruysch (circle of)", "painting", ["oil", "canvas"], "18th century"),
    ("Virgin and Child", None, "religious_object", ["gilded wood", "polychromy"], "15th century"),
    ("Icon of Saint Nicholas", None, "religious_object", ["tempera", "wood", "silver riza"], "19th century"),
    ("Bust of a Roman Emperor", None, "sculpture", ["marble"], "2nd century"),
    ("Seated Figure", "Ossip Zadkine (attributed)", "sculpture", ["bronze"], "20th century"),
    ("Funerary stela", None, "archaeological_object", ["limestone"], "Late Period"),
    ("Ushabti figurine", None, "archaeological_object", ["faience"], "New Kingdom"),
    ("Illuminated Book of Hours", None, "manuscript", ["vellum", "ink", "gold leaf"], "15th century"),
    ("Study of Hands", "unknown (Italian school)", "drawing", ["red chalk", "paper"], "16th century"),
    ("The Harbour at Dawn", "Eugène Boudin (attributed)", "painting", ["oil", "canvas"], "19th century"),
    ("Woodblock print of Mount Fuji", "Katsushika Hokusai (after)", "print", ["ink", "paper"], "19th century"),
    ("Terracotta oil lamp", None, "archaeological_object", ["terracotta"], "Roman period"),
]  # fmt: skip
_THEFT_PLACES = [
    "private residence",
    "church",
    "museum",
    "gallery",
    "archaeological site",
    "storage unit",
]


def _artworks(country: str, rng: random.Random) -> Json:
    title, artist, object_type, materials, period = rng.choice(_ARTWORKS)
    payload: Json = {
        "title": title,
        "object_type": object_type,
        "materials": materials,
        "period": period,
        "dimensions": f"{rng.randint(10, 150)} × {rng.randint(10, 120)} cm",
        "images": [f"img-{_hex(rng, 16)}" for _ in range(rng.randint(0, 3))],
        "theft_country": country,
        "theft_place": f"{rng.choice(_THEFT_PLACES)}, {_place(country, rng)}"[:200],
    }
    if artist is not None:
        payload["artist"] = artist
    if rng.random() < 0.9:
        payload["theft_date"] = _days_ago(rng, 0, 10 * 365).isoformat()
    return payload


# ---------------------------------------------------------------- firearms

# (make, model, calibre, type, country of manufacture, serial pattern)
_FIREARMS = [
    ("Glock", "17", "9×19 mm", "pistol", "AUT", "AAA999"),
    ("Glock", "19", "9×19 mm", "pistol", "AUT", "AAA999"),
    ("Beretta", "92FS", "9×19 mm", "pistol", "ITA", "BER999999"),
    ("CZ", "75 B", "9×19 mm", "pistol", "CZE", "A999999"),
    ("SIG Sauer", "P226", "9×19 mm", "pistol", "DEU", "U999999"),
    ("Walther", "PPK", ".380 ACP", "pistol", "DEU", "999999A"),
    ("Heckler & Koch", "MP5", "9×19 mm", "submachine_gun", "DEU", "99-999999"),
    ("Browning", "Hi-Power", "9×19 mm", "pistol", "BEL", "999A99999"),
    ("Makarov", "PM", "9×18 mm", "pistol", "RUS", "AA 9999"),
    ("Kalashnikov", "AKM", "7.62×39 mm", "rifle", "RUS", "999999"),
    ("Zastava", "M70", "7.62×39 mm", "rifle", "SRB", "999999"),
    ("Colt", "M4A1", "5.56×45 mm", "rifle", "USA", "A999999"),
    ("Smith & Wesson", "Model 686", ".357 Magnum", "revolver", "USA", "AAA9999"),
    ("Taurus", "PT92", "9×19 mm", "pistol", "BRA", "AAA99999"),
    ("Remington", "870", "12 gauge", "shotgun", "USA", "A999999A"),
    ("FN Herstal", "MAG", "7.62×51 mm", "machine_gun", "BEL", "9999"),
]


def _firearms(country: str, rng: random.Random) -> Json:
    make, model, calibre, firearm_type, made_in, serial = rng.choice(_FIREARMS)
    return {
        "serial_number": _pattern(rng, serial),
        "make": make,
        "model": model,
        "calibre": calibre,
        "firearm_type": firearm_type,
        "country_of_manufacture": made_in,
        "status": _weighted(
            rng, [("stolen", 50), ("lost", 25), ("trafficked", 15), ("smuggled", 10)]
        ),
    }


def _firearm_references(country: str | None, rng: random.Random) -> Json:
    make, model, calibre, firearm_type, made_in, _ = rng.choice(_FIREARMS)
    return {
        "make": make,
        "model": model,
        "calibre": calibre,
        "firearm_type": firearm_type,
        "country_of_manufacture": made_in,
    }


def _ballistics(country: str, rng: random.Random) -> Json:
    calibre = rng.choice(
        ["9×19 mm", "7.62×39 mm", ".45 ACP", "5.56×45 mm", ".38 Special", "9×18 mm"]
    )
    item = rng.choice(["cartridge_case", "bullet"])
    if item == "cartridge_case":
        characteristics = {
            "firing_pin_shape": rng.choice(["circular", "rectangular", "elliptical"]),
            "breech_face_marks": rng.choice(["parallel", "arched", "granular", "circular"]),
            "ejector_mark": rng.choice(["present", "absent"]),
        }
    else:
        characteristics = {
            "lands_and_grooves": str(rng.choice([4, 5, 6, 8])),
            "rifling_twist": rng.choice(["right", "left"]),
            "rifling_type": rng.choice(["conventional", "polygonal"]),
        }
    signature = [round(rng.gauss(0.0, 1.0), 4) for _ in range(64)]
    return {
        "item": item,
        "calibre": calibre,
        "class_characteristics": characteristics,
        "signature": signature,
        "incident_reference": f"{country}-BAL-{REFERENCE_DATE.year}-{rng.randint(1, 9999):04d}",
    }


# ---------------------------------------------------------------- biometrics


def _fingerprints(country: str, rng: random.Random) -> Json:
    if rng.random() < 0.6:
        positions = list(range(1, 11))
        if rng.random() < 0.3:
            positions += [21, 23]
        return {
            "positions": positions,
            "template_reference": f"tpl-{_hex(rng, 24)}",
            "template_format": rng.choice(
                ["ISO/IEC 19794-2:2005", "ANSI/INCITS 378", "NIST-ITL type-14"]
            ),
            "image_reference": f"img-{_hex(rng, 16)}",
            "quality": rng.randint(40, 100),
            "subject": "known",
            "person_reference": f"{country}-P-{rng.randint(10000, 99999)}",
        }
    positions = rng.sample([0, 1, 2, 3, 6, 7, 22, 24], k=rng.randint(1, 2))
    return {
        "positions": positions,
        "image_reference": f"img-{_hex(rng, 16)}",
        "quality": rng.randint(10, 70),
        "subject": "unknown_latent",
        "latent_source": _weighted(rng, [("crime_scene", 85), ("recovered_device", 15)]),
    }


# Plausible allele ranges of the GlobalFiler loci (repeat numbers, with common microvariants).
_STR_LOCI: dict[str, list[str]] = {
    "D3S1358": [str(n) for n in range(12, 20)],
    "vWA": [str(n) for n in range(13, 21)],
    "D16S539": [str(n) for n in range(8, 15)],
    "CSF1PO": [str(n) for n in range(7, 14)],
    "TPOX": [str(n) for n in range(6, 13)],
    "D8S1179": [str(n) for n in range(10, 17)],
    "D21S11": ["27", "28", "29", "30", "30.2", "31", "31.2", "32", "32.2", "33.2"],
    "D18S51": [str(n) for n in range(12, 21)],
    "D2S441": ["10", "11", "11.3", "12", "13", "14"],
    "D19S433": ["12", "13", "13.2", "14", "14.2", "15", "15.2", "16"],
    "TH01": ["6", "7", "8", "9", "9.3", "10"],
    "FGA": ["19", "20", "21", "22", "22.2", "23", "24", "25", "26"],
    "D22S1045": [str(n) for n in range(11, 18)],
    "D5S818": [str(n) for n in range(9, 14)],
    "D13S317": [str(n) for n in range(8, 15)],
    "D7S820": [str(n) for n in range(8, 13)],
    "SE33": ["15", "16", "17", "18", "19", "20", "21", "22.2", "25.2", "27.2", "28.2", "29.2"],
    "D10S1248": [str(n) for n in range(12, 17)],
    "D1S1656": ["11", "12", "13", "14", "15", "15.3", "16", "16.3", "17.3"],
    "D12S391": ["17", "18", "18.3", "19", "20", "21", "22", "23"],
    "D2S1338": [str(n) for n in range(16, 27)],
}
_DNA_KITS = ["GlobalFiler", "PowerPlex Fusion 6C", "NGM SElect", "Investigator 24plex QS"]


def _dna_profiles(country: str, rng: random.Random) -> Json:
    sample_kind = _weighted(
        rng, [("reference", 45), ("crime_scene", 35), ("relative_of_missing_person", 10),
              ("unidentified_remains", 10)]
    )  # fmt: skip
    names = list(_STR_LOCI)
    # Degraded crime-scene and remains samples often give a partial profile.
    count = len(names) if sample_kind == "reference" else rng.randint(10, len(names))
    loci: dict[str, list[str]] = {}
    for locus in sorted(rng.sample(names, k=count), key=names.index):
        alleles = sorted(rng.choices(_STR_LOCI[locus], k=2), key=float)
        loci[locus] = alleles
    loci["Amelogenin"] = ["X", rng.choice(["X", "Y"])]
    payload: Json = {"kit": rng.choice(_DNA_KITS), "loci": loci, "sample_kind": sample_kind}
    if sample_kind in ("reference", "relative_of_missing_person"):
        payload["person_reference"] = f"{country}-P-{rng.randint(10000, 99999)}"
    return payload


def _faces(country: str, rng: random.Random) -> Json:
    known = rng.random() < 0.6
    payload: Json = {
        "image_reference": f"face-{_hex(rng, 24)}",
        "subject": "known" if known else "unknown",
        "quality": rng.randint(55, 99) if known else rng.randint(15, 80),
        "capture_date": _days_ago(rng, 0, 5 * 365).isoformat(),
    }
    if known:
        payload["person_reference"] = f"{country}-P-{rng.randint(10000, 99999)}"
    return payload


_SERIES_WORDS = ["Blue", "Red", "Lagoon", "Sunset", "Maple", "Harbour", "Meadow", "Comet", "Lotus"]


def _child_exploitation(country: str, rng: random.Random) -> Json:
    hashes: Json = {"pdq": _hex(rng, 64), "sha256": _hex(rng, 64)}
    if rng.random() < 0.5:
        hashes["md5"] = _hex(rng, 32)
    identified = rng.random() < 0.3
    payload: Json = {
        "media_hashes": hashes,
        "victim_identified": identified,
        "offender_identified": rng.random() < 0.35,
    }
    if rng.random() < 0.6:
        payload["series"] = (
            f"{rng.choice(_SERIES_WORDS)}{rng.choice(_SERIES_WORDS)} {rng.randint(1, 40)}"
        )
    if identified:
        payload["victim_identified_in"] = (
            country if rng.random() < 0.7 else _other_country(rng, country, _WORLD)
        )
    return payload


# ---------------------------------------------------------------- money


def _luhn_complete(partial: str) -> str:
    """`partial` with the Luhn check digit appended."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        value = int(char)
        if position % 2 == 0:  # doubled once the check digit is appended
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return partial + str(-total % 10)


_ISSUERS = {
    "FRA": ["BNP Paribas", "Société Générale", "Crédit Agricole", "La Banque Postale"],
    "EGY": ["National Bank of Egypt", "Banque Misr", "CIB Egypt"],
    "JPN": ["MUFG Bank", "Sumitomo Mitsui Card", "JCB Co."],
    "BRA": ["Itaú Unibanco", "Banco do Brasil", "Bradesco", "Nubank"],
    "RUS": ["Sberbank", "VTB", "Tinkoff"],
    "NGA": ["Zenith Bank", "Guaranty Trust Bank", "Access Bank", "First Bank of Nigeria"],
    "USA": ["JPMorgan Chase", "Bank of America", "Capital One", "Wells Fargo"],
}
_CARD_BRANDS = {
    "JPN": [("jcb", 40), ("visa", 35), ("mastercard", 25)],
    "RUS": [("mir", 60), ("visa", 20), ("mastercard", 20)],
    "CHN": [("unionpay", 80), ("visa", 20)],
    "USA": [("visa", 50), ("mastercard", 30), ("amex", 20)],
}


def _card_number(rng: random.Random, brand: str) -> str:
    if brand == "mastercard":
        prefix, length = rng.choice(["51", "52", "53", "54", "55", "2221", "2720"]), 16
    elif brand == "amex":
        prefix, length = rng.choice(["34", "37"]), 15
    elif brand == "jcb":
        prefix, length = str(rng.randint(3528, 3589)), 16
    elif brand == "mir":
        prefix, length = f"220{rng.randint(0, 4)}", 16
    elif brand == "unionpay":
        prefix, length = "62", 16
    else:
        prefix, length = "4", 16
    body = prefix + "".join(rng.choice(_DIGITS) for _ in range(length - len(prefix) - 1))
    return _luhn_complete(body)


def _payment_cards(country: str, rng: random.Random) -> Json:
    brand = _weighted(rng, _CARD_BRANDS.get(country, [("visa", 55), ("mastercard", 45)]))
    digits = _card_number(rng, brand)
    if brand == "amex":
        number = f"{digits[:4]} {digits[4:10]} {digits[10:]}"
    else:
        number = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    expiry = _add_years(REFERENCE_DATE, rng.randint(-1, 4))
    payload: Json = {
        "card_number": number,
        "expiry": f"{rng.randint(1, 12):02d}/{expiry.year % 100:02d}",
        "status": _weighted(rng, [("compromised", 55), ("skimmed", 30), ("counterfeit", 15)]),
    }
    if country in _ISSUERS and rng.random() < 0.8:
        payload["issuer"] = rng.choice(_ISSUERS[country])
    return payload


def _base58check(version: int, body: bytes) -> str:
    payload = bytes([version]) + body
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    raw = payload + checksum
    number = int.from_bytes(raw, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = crypto_addresses.BASE58_ALPHABET[remainder] + encoded
    zeros = len(raw) - len(raw.lstrip(b"\x00"))
    return "1" * zeros + encoded


def bitcoin_address(rng: random.Random) -> str:
    """A main-network base58check address: P2PKH ("1…") or P2SH ("3…") of random 20 bytes."""
    version = _weighted(rng, [(0x00, 70), (0x05, 30)])
    return _base58check(version, rng.randbytes(20))


def ethereum_address(rng: random.Random) -> str:
    return "0x" + _hex(rng, 40)


def tron_address(rng: random.Random) -> str:
    return _base58check(0x41, rng.randbytes(20))


def _monero_address(rng: random.Random) -> str:
    alphabet = crypto_addresses.BASE58_ALPHABET
    return "4" + rng.choice("3456789AB") + "".join(rng.choice(alphabet) for _ in range(93))


def _bban(rng: random.Random, spec: str) -> str:
    """A random BBAN for an IBAN spec such as "5!n5!n11!c2!n" (n digits, a letters; c may
    mix both, but account numbers are in practice digits)."""
    out, count = [], ""
    for char in spec:
        if char.isdigit():
            count += char
        elif char in "nace":
            alphabet = {"n": _DIGITS, "a": _UPPER, "c": _DIGITS, "e": " "}[char]
            out.append("".join(rng.choice(alphabet) for _ in range(int(count))))
            count = ""
    return "".join(out)


def _iban(rng: random.Random, alpha2: str) -> tuple[str, str | None] | None:
    """A valid IBAN of the country (and the BIC of its bank where known), or None for a
    country without IBANs."""
    try:
        spec = schwifty.registry.get_iban_spec(alpha2)
    except SchwiftyException:
        return None
    except Exception:
        return None
    banks = sorted(
        (b for b in schwifty.registry.get_banks_by_country(alpha2) if b.primary),
        key=lambda b: (b.bank_code, b.bic or ""),
    )
    checksum = Component.NATIONAL_CHECKSUM_DIGITS
    for _ in range(50):
        bban = _bban(rng, spec.bban_spec)
        bic = None
        components = {
            str(component.value): bban[place.start : place.end]
            for component, place in spec.positions.items()
            if not place.is_empty and component is not checksum
        }
        if banks:
            bank = rng.choice(banks)
            if len(bank.bank_code) == len(components.get("bank_code", "")):
                components["bank_code"] = bank.bank_code
                bic = bank.bic if bank.bic and bank.bic[4:6] == alpha2 else None
        try:
            generated = IBAN.generate(alpha2, **components)
            iban = IBAN(str(generated), validate_bban=True)
        except SchwiftyException:
            continue
        return iban.formatted, bic
    return None


def _aba_routing(rng: random.Random) -> str:
    """A US ABA routing number: 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) is a multiple of 10."""
    first = f"{rng.randint(1, 12):02d}" + "".join(rng.choice(_DIGITS) for _ in range(6))
    d = [int(c) for c in first]
    partial = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])
    return first + str(-partial % 10)


def _nuban(rng: random.Random, bank_code: str) -> str:
    """A Nigerian NUBAN: nine serial digits and the CBN check digit over bank code and serial."""
    serial = "".join(rng.choice(_DIGITS) for _ in range(9))
    weights = (3, 7, 3, 3, 7, 3, 3, 7, 3, 3, 7, 3)
    total = sum(int(c) * w for c, w in zip(bank_code + serial, weights, strict=True))
    return serial + str((10 - total % 10) % 10)


def _national_account(rng: random.Random, country: str) -> Json:
    if country == "USA":
        bank_code, number = _aba_routing(rng), _pattern(rng, "9999999999")
    elif country == "NGA":
        bank_code = rng.choice(["058", "044", "011", "057", "033", "232"])
        number = _nuban(rng, bank_code)
    elif country == "JPN":
        bank_code = f"{rng.choice(['0005', '0009', '0001', '0010'])}-{_pattern(rng, '999')}"
        number = _pattern(rng, "9999999")
    else:
        bank_code, number = _pattern(rng, "99999"), _pattern(rng, "999999999999")
    return {"national_account_number": number, "bank_code": bank_code, "country": country}


_E_WALLETS = {
    "FRA": ["PayPal", "Lydia"], "EGY": ["Vodafone Cash", "InstaPay", "Fawry"],
    "JPN": ["PayPay", "LINE Pay", "Rakuten Pay"], "BRA": ["PicPay", "Mercado Pago"],
    "RUS": ["YooMoney", "QIWI Wallet"], "NGA": ["OPay", "Paga", "PalmPay"],
    "USA": ["PayPal", "Venmo", "Cash App"], "KEN": ["M-Pesa"], "CHN": ["Alipay", "WeChat Pay"],
}  # fmt: skip
_CALLING_CODES = {"FRA": "+33 6", "EGY": "+20 10", "JPN": "+81 90", "BRA": "+55 11 9", "RUS": "+7 9",
                  "NGA": "+234 80", "USA": "+1 202", "KEN": "+254 7", "CHN": "+86 13"}  # fmt: skip


def _financial_accounts(country: str, rng: random.Random) -> Json:
    status = _weighted(
        rng, [("used_in_fraud", 45), ("under_investigation", 30), ("frozen", 20), ("closed", 5)]
    )
    account_type = _weighted(rng, [("bank_account", 55), ("crypto_wallet", 30), ("e_wallet", 15)])
    alpha2 = _alpha2(country)
    payload: Json = {"account_type": account_type, "status": status}
    if account_type == "crypto_wallet":
        currency = _weighted(rng, [("BTC", 45), ("ETH", 20), ("USDT", 30), ("XMR", 5)])
        if currency == "BTC":
            address = bitcoin_address(rng)
        elif currency == "ETH":
            address = ethereum_address(rng)
        elif currency == "USDT":
            address = tron_address(rng) if rng.random() < 0.7 else ethereum_address(rng)
        else:
            address = _monero_address(rng)
        payload.update(currency=currency, wallet_address=address)
        return payload
    if rng.random() < 0.7:
        payload["holder_name"] = demo.person_name(alpha2, _seed(rng))
    if account_type == "e_wallet":
        providers = _E_WALLETS.get(country, ["PayPal"])
        provider = rng.choice(providers)
        if provider in ("PayPal", "Lydia", "Venmo"):
            wallet_id = f"{_pattern(rng, 'A').lower()}{_hex(rng, 6)}@{rng.choice(['gmail.com', 'outlook.com', 'proton.me'])}"
        else:
            wallet_id = f"{_CALLING_CODES.get(country, '+44 7')}{_pattern(rng, '9999999')}"
        payload.update(provider=provider, wallet_id=wallet_id)
        return payload
    generated = _iban(rng, alpha2)
    if generated is None:
        payload.update(_national_account(rng, country))
        return payload
    iban, bic = generated
    payload["iban"] = iban
    if bic and rng.random() < 0.6:
        payload["bic"] = bic
    return payload


# ---------------------------------------------------------------- cyber

_WORDS = ["secure", "login", "account", "verify", "update", "cloud", "wallet", "support",
          "pay", "bank", "portal", "auth", "mail", "docs", "invoice", "track", "parcel"]  # fmt: skip
_TLDS = ["com", "net", "top", "xyz", "online", "site", "info", "ru", "cc", "io", "shop"]
_CYBER_THREATS = {
    "file_hash": ["ransomware", "information_stealer", "banking_malware"],
    "ip_address": ["ransomware", "cloud_intrusion", "information_stealer", "banking_malware"],
    "domain": ["banking_malware", "information_stealer", "deepfake_fraud", "cloud_intrusion"],
    "url": ["banking_malware", "information_stealer", "deepfake_fraud"],
    "email": ["deepfake_fraud", "ransomware", "other"],
    "crypto_wallet": ["ransomware", "deepfake_fraud"],
}


def _public_ipv4(rng: random.Random) -> str:
    while True:
        address = ipaddress.IPv4Address(rng.getrandbits(32))
        if address.is_global and not address.is_multicast:
            return str(address)


def _public_ipv6(rng: random.Random) -> str:
    while True:
        address = ipaddress.IPv6Address((0x2A0 << 116) | rng.getrandbits(116))
        if address.is_global:
            return address.compressed


def _domain(rng: random.Random) -> str:
    first, second = rng.sample(_WORDS, k=2)
    return f"{first}-{second}{rng.randint(1, 99) if rng.random() < 0.4 else ''}.{rng.choice(_TLDS)}"


def _cyber_indicators(country: str, rng: random.Random) -> Json:
    indicator_type = _weighted(
        rng, [("file_hash", 30), ("ip_address", 25), ("domain", 20), ("url", 12), ("email", 8),
              ("crypto_wallet", 5)]
    )  # fmt: skip
    if indicator_type == "file_hash":
        value = _hex(rng, rng.choice([64, 64, 32, 40]))
    elif indicator_type == "ip_address":
        value = _public_ipv4(rng) if rng.random() < 0.85 else _public_ipv6(rng)
    elif indicator_type == "domain":
        value = _domain(rng)
    elif indicator_type == "url":
        path = "/".join(rng.sample(_WORDS, k=rng.randint(1, 3)))
        value = f"{rng.choice(['https', 'http'])}://{_domain(rng)}/{path}"
        if rng.random() < 0.3:
            value += f"?id={_hex(rng, 8)}"
    elif indicator_type == "email":
        value = f"{rng.choice(_WORDS)}.{rng.choice(_WORDS)}{rng.randint(1, 999)}@{_domain(rng)}"
    else:
        value = rng.choice([bitcoin_address, ethereum_address, tron_address])(rng)
    first_seen = dt.datetime.combine(
        _days_ago(rng, 1, 720), dt.time(), tzinfo=dt.UTC
    ) + dt.timedelta(seconds=rng.randint(0, 86_399))
    payload: Json = {
        "indicator_type": indicator_type,
        "value": value,
        "threat": rng.choice(_CYBER_THREATS[indicator_type]),
        "first_seen": first_seen.isoformat().replace("+00:00", "Z"),
        "tlp": _weighted(rng, [("green", 40), ("amber", 35), ("clear", 10), ("amber_strict", 10),
                               ("red", 5)]),
    }  # fmt: skip
    if rng.random() < 0.7:
        reference_end = dt.datetime.combine(REFERENCE_DATE, dt.time(), tzinfo=dt.UTC)
        span = int((reference_end - first_seen).total_seconds())
        last_seen = first_seen + dt.timedelta(seconds=rng.randint(0, max(span, 0)))
        payload["last_seen"] = last_seen.isoformat().replace("+00:00", "Z")
    return payload


# ---------------------------------------------------------------- groups and incidents

_ORGANIZATION_FORMS = {
    "criminal_group": ["{place} clan", "{place} cartel", "Brotherhood of {place}", "{place} crew"],
    "terrorist_group": ["{place} Liberation Front", "Army of {place}", "{place} Brigades"],
    "network": ["{place} smuggling network", "{place} money-laundering network"],
    "company_front": ["{place} Import Export Ltd", "{place} Trading Company", "{place} Logistics"],
    "other": ["{place} association"],
}
_FINANCING = {
    "criminal_group": ["drug trafficking", "extortion", "armed robbery", "cigarette smuggling",
                       "illegal gambling", "fuel theft"],
    "terrorist_group": ["kidnapping for ransom", "donations", "extortion", "cryptocurrency "
                        "donations", "smuggling of antiquities"],
    "network": ["migrant smuggling", "trafficking in human beings", "trade-based money "
                "laundering", "online fraud"],
    "company_front": ["trade-based money laundering", "VAT carousel fraud", "invoice fraud"],
    "other": ["online fraud"],
}  # fmt: skip


def _organizations(country: str, rng: random.Random) -> Json:
    organization_type = _weighted(
        rng, [("criminal_group", 45), ("network", 25), ("company_front", 15), ("terrorist_group", 10),
              ("other", 5)]
    )  # fmt: skip
    forms = _ORGANIZATION_FORMS[organization_type]
    place = _place(country, rng)[:60]
    name = rng.choice(forms).format(place=place)
    regions = [_region(country)]
    if rng.random() < 0.4:
        regions.append(rng.choice(list(reference.Region)))
    payload: Json = {
        "name": name,
        "organization_type": organization_type,
        "regions_of_activity": list(dict.fromkeys(r.value for r in regions)),
        "financing_sources": rng.sample(
            _FINANCING[organization_type], k=min(2, len(_FINANCING[organization_type]))
        ),
    }
    if rng.random() < 0.5:
        alias_place = _place(country, rng)[:60]
        payload["aliases"] = [f"The {alias_place} group" if rng.random() < 0.5 else place.upper()]
    return payload


_INCIDENT_TEXT = {
    "terrorist_attack": [
        "Vehicle driven into a crowd at a market, followed by a knife attack.",
        "Shooting at a place of worship by two armed attackers.",
    ],
    "ied": [
        "Device left in a rucksack at a bus station, initiated by mobile phone.",
        "Roadside device targeting a police patrol, command-wire initiated.",
    ],
    "cbrne_attack": [
        "Release of a toxic substance in a metro carriage from punctured bags.",
        "Letters containing a white powder sent to government offices.",
    ],
    "maritime_piracy": [
        "Tanker boarded at anchor by armed men from two skiffs; crew held, cargo siphoned.",
        "Fishing vessel hijacked and used as a mother ship.",
    ],
    "environmental_crime": [
        "Illegal dumping of hazardous waste in a river by a transport company.",
        "Shipment of protected timber declared as furniture, seized at the port.",
        "Ivory concealed in a container of dried fish.",
    ],
    "other": ["Arson attack on telecommunications masts."],
}
_DEVICES = [
    ("Pressure-cooker device with shrapnel, timer initiation", ["TATP", "nails", "ball bearings"]),
    ("Pipe bomb with improvised fuse", ["black powder", "steel pipe"]),
    ("Vehicle-borne device, remote initiation", ["ammonium nitrate", "fuel oil"]),
]
_CBRN_DEVICES = [
    ("Liquid agent in plastic bags, released by puncturing", ["sarin"]),
    ("Powder in envelopes", ["ricin"]),
    ("Radiological dispersal device (not detonated)", ["caesium-137", "commercial explosive"]),
]


def _incidents(country: str, rng: random.Random) -> Json:
    incident_type = _weighted(
        rng, [("terrorist_attack", 20), ("ied", 20), ("cbrne_attack", 5), ("maritime_piracy", 15),
              ("environmental_crime", 35), ("other", 5)]
    )  # fmt: skip
    payload: Json = {
        "incident_type": incident_type,
        "date": _days_ago(rng, 1, 5 * 365).isoformat(),
        "place": _place(country, rng),
        "country": country,
        "modus_operandi": rng.choice(_INCIDENT_TEXT[incident_type]),
    }
    if incident_type in ("ied", "cbrne_attack"):
        characteristics, materials = rng.choice(
            _DEVICES if incident_type == "ied" else _CBRN_DEVICES
        )
        payload["device"] = {"characteristics": characteristics, "materials": materials}
    if incident_type in ("terrorist_attack", "ied", "cbrne_attack"):
        payload["casualties"] = {"killed": rng.randint(0, 12), "injured": rng.randint(0, 60)}
    return payload


# ---------------------------------------------------------------- dispatch

_SAMPLERS: dict[str, Callable[[str, random.Random], Json]] = {
    "persons": _persons,
    "travel_documents": _travel_documents,
    "admin_documents": _admin_documents,
    "vehicles": _vehicles,
    "vessels": _vessels,
    "artworks": _artworks,
    "firearms": _firearms,
    "ballistics": _ballistics,
    "fingerprints": _fingerprints,
    "dna_profiles": _dna_profiles,
    "faces": _faces,
    "child_exploitation": _child_exploitation,
    "counterfeit_documents": _counterfeit_documents,
    "payment_cards": _payment_cards,
    "cyber_indicators": _cyber_indicators,
    "organizations": _organizations,
    "incidents": _incidents,
    "financial_accounts": _financial_accounts,
}
KIND_NAMES = (*_SAMPLERS, "firearm_references")


def sample_payload(kind_name: str, *, country: str | None, rng: random.Random) -> Json:
    """A realistic input payload of the kind, as an agency of `country` (ISO alpha-3) would
    send it; `country` may be None only for firearm_references, which the General Secretariat
    enters. Deterministic: draws only from `rng`."""
    if kind_name == "firearm_references":
        return _firearm_references(country, rng)
    sampler = _SAMPLERS.get(kind_name)
    if sampler is None:
        raise ValueError(f"no sample for a kind named {kind_name!r}")
    if country is None:
        raise ValueError(f"a {kind_name} record is entered by a country's agency: give country")
    return sampler(country, rng)


# ---------------------------------------------------------------- access policies

# Share of records by access mode: most keep the kind's default (all members).
ACCESS_POLICY_SPREAD: dict[str, int] = {
    "default": 70,
    "listed": 15,
    "all_except": 10,
    "hit_only": 5,
}


def sample_policy(rng: random.Random, country: str, neighbours: list[str]) -> Json | None:
    """An access policy as in `access.records.AccessPolicy`, drawn from `ACCESS_POLICY_SPREAD`:
    None (the kind's default), a few neighbouring countries listed, a few countries excluded,
    or hit-only. `country`, the owner's, is never listed or excluded."""
    others = [c for c in dict.fromkeys(neighbours) if c != country]
    mode = _weighted(rng, list(ACCESS_POLICY_SPREAD.items()))
    if mode == "listed" and others:
        return {
            "mode": "listed",
            "countries": rng.sample(others, k=rng.randint(1, min(4, len(others)))),
        }
    if mode == "all_except":
        pool = others or [c for c in _WORLD if c != country]
        return {
            "mode": "all_except",
            "excluded_countries": rng.sample(pool, k=rng.randint(1, min(2, len(pool)))),
        }
    if mode == "hit_only":
        return {"mode": "hit_only"}
    return None
