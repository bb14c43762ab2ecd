"""Nominal data: persons wanted, suspected, convicted, missing, victims, foreign terrorist
fighters, and the deceased. Names are kept in the script they were written in; the script is
detected when the owner does not give it, and each name becomes a folded lookup key."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from functools import cache
from typing import Annotated

import pycountry
from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    PartialDate,
    Payload,
    RecordKind,
)

# ---------------------------------------------------------------- name folding (shared)

# Combining marks removed when folding: the generic diacritics that Latin, Greek and Cyrillic
# names carry, and the optional vowel points of Hebrew and Arabic. The vowel signs of Indic and
# South-East Asian scripts and the kana voicing marks are letters' parts, and are kept.
_FOLDED_MARK_RANGES = (
    (0x0300, 0x036F),  # combining diacritical marks
    (0x1AB0, 0x1AFF),  # combining diacritical marks extended
    (0x1DC0, 0x1DFF),  # combining diacritical marks supplement
    (0x20D0, 0x20FF),  # combining diacritical marks for symbols
    (0xFE20, 0xFE2F),  # combining half marks
    (0x0591, 0x05C7),  # Hebrew cantillation and points
    (0x0610, 0x061A),  # Arabic honorifics and small marks
    (0x064B, 0x065F),  # Arabic harakat (tashkeel)
    (0x0670, 0x0670),  # Arabic superscript alef
    (0x06D6, 0x06ED),  # Arabic Quranic annotation marks
)

# Latin letters with a stroke or a ligature, which have no decomposition to strip.
_LETTER_FOLDS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "ƀ": "b",
        "ɨ": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
    }
)


def _folded_mark(char: str) -> bool:
    if unicodedata.category(char) != "Mn":
        return False
    point = ord(char)
    return any(low <= point <= high for low, high in _FOLDED_MARK_RANGES)


def fold_name(value: str) -> str:
    """A name for exact matching across case, accents and spacing: NFKC, casefolded,
    diacritics stripped, spaces collapsed ("  José   MARÍA " -> "jose maria")."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(c for c in decomposed if not _folded_mark(c)).translate(_LETTER_FOLDS)
    return " ".join(unicodedata.normalize("NFC", stripped).split())


def fold_compact(value: str) -> str:
    """A name folded as by `fold_name`, keeping only letters and digits of any script
    (and their marks): "La Joconde (Mona Lisa)" -> "lajocondemonalisa"."""
    return "".join(
        c for c in fold_name(value) if c.isalnum() or unicodedata.category(c).startswith("M")
    )


# ---------------------------------------------------------------- scripts (ISO 15924)

# Unicode character names whose first words do not name their ISO 15924 script.
_SCRIPT_WORDS = {
    "CJK": "Hani",
    "HANGUL": "Hang",
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "SYRIAC": "Syrc",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
}
_HAN_JAPANESE = frozenset({"Hani", "Hira", "Kana"})
_HAN_KOREAN = frozenset({"Hani", "Hang"})
COMMON_SCRIPT = "Zyyy"  # ISO 15924: undetermined script (no letters)


@cache
def _script_by_words() -> dict[str, str]:
    """ISO 15924 codes by the upper-case English name of the script ("GREEK" -> "Grek")."""
    table: dict[str, str] = {}
    for script in pycountry.scripts:
        name = str(script.name)
        if "variant" in name or "alias" in name or name.startswith(("Code for", "Reserved")):
            continue
        table.setdefault(name.split(" (")[0].split(",")[0].upper(), str(script.alpha_4))
    table.update(_SCRIPT_WORDS)
    return table


def _char_script(char: str) -> str | None:
    words = unicodedata.name(char, "").split()
    table = _script_by_words()
    for count in range(min(3, len(words)), 0, -1):
        code = table.get(" ".join(words[:count]))
        if code is not None:
            return code
    return None


def detect_script(value: str) -> str:
    """The ISO 15924 code of the script a name is written in, from its letters: "Latn",
    "Arab", "Cyrl"…; "Jpan" for Han with kana, "Kore" for Han with Hangul, the most used
    script when several are mixed, and "Zyyy" when there are no letters."""
    counts: Counter[str] = Counter()
    for char in unicodedata.normalize("NFKC", value):
        if unicodedata.category(char).startswith("L"):
            code = _char_script(char)
            if code is not None:
                counts[code] += 1
    if not counts:
        return COMMON_SCRIPT
    scripts = set(counts)
    if len(scripts) > 1 and scripts <= _HAN_JAPANESE:
        return "Jpan"
    if len(scripts) > 1 and scripts <= _HAN_KOREAN:
        return "Kore"
    return counts.most_common(1)[0][0]


def _script_code(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{4}", value):
        raise ValueError(f"{value!r} is not an ISO 15924 script code (four letters, e.g. Latn)")
    code = value[0].upper() + value[1:].lower()
    if pycountry.scripts.get(alpha_4=code) is None:
        raise ValueError(f"{value!r} is not an ISO 15924 script code")
    return code


def _language_code(value: str) -> str:
    code = value.strip().lower()
    known = False
    if re.fullmatch(r"[a-z]{2}", code):
        known = pycountry.languages.get(alpha_2=code) is not None
    elif re.fullmatch(r"[a-z]{3}", code):
        known = (
            pycountry.languages.get(alpha_3=code) is not None
            or pycountry.languages.get(bibliographic=code) is not None
            or pycountry.language_families.get(alpha_3=code) is not None
        )
    if not known:
        raise ValueError(f"{value!r} is not an ISO 639 language code (e.g. en, fra, ara)")
    return code


# ---------------------------------------------------------------- payload


class NameType(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"
    BIRTH = "birth"
    MAIDEN = "maiden"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class PersonStatus(StrEnum):
    WANTED = "wanted"
    SUSPECT = "suspect"
    CONVICTED = "convicted"
    FOREIGN_TERRORIST_FIGHTER = "foreign_terrorist_fighter"
    MISSING = "missing"
    VICTIM = "victim"
    DECEASED = "deceased"


ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class PersonName(Payload):
    """One name of a person, in the script it was written in."""

    value: str = Field(min_length=1, max_length=200, description="the name, in any script")
    type: NameType = NameType.PRIMARY
    script: str | None = Field(
        default=None,
        validate_default=True,
        description="ISO 15924 code (Latn, Arab, Cyrl…); detected from the name when absent",
    )

    @field_validator("value")
    @classmethod
    def _printable(cls, value: str) -> str:
        for char in value:
            if unicodedata.category(char) == "Cc":
                raise ValueError(f"contains a control character (U+{ord(char):04X})")
        if not any(c.isalnum() for c in value):
            raise ValueError("has no letters or digits")
        return value

    @field_validator("script")
    @classmethod
    def _script(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            return _script_code(value)
        name = info.data.get("value")
        return detect_script(name) if isinstance(name, str) else None


Language = Annotated[str, StringConstraints(min_length=2, max_length=3)]


class Person(Payload):
    """Nominal data about one person."""

    names: list[PersonName] = Field(min_length=1, max_length=50)
    gender: Gender | None = None
    date_of_birth: PartialDate | None = None
    place_of_birth: ShortText | None = None
    nationalities: list[CountryCode] = Field(default_factory=list, max_length=10)
    physical_description: str | None = Field(default=None, min_length=1, max_length=2000)
    languages: list[Language] = Field(
        default_factory=list, max_length=20, description="ISO 639 codes (en, fra, ara…)"
    )
    status: PersonStatus
    offences: list[ShortText] = Field(default_factory=list, max_length=50)

    @field_validator("names")
    @classmethod
    def _one_primary(cls, names: list[PersonName]) -> list[PersonName]:
        primaries = sum(1 for name in names if name.type is NameType.PRIMARY)
        if primaries != 1:
            raise ValueError(f"exactly one primary name is required, not {primaries}")
        return names

    @field_validator("nationalities")
    @classmethod
    def _distinct_nationalities(cls, codes: list[str]) -> list[str]:
        return list(dict.fromkeys(codes))

    @field_validator("languages")
    @classmethod
    def _languages(cls, codes: list[str]) -> list[str]:
        return list(dict.fromkeys(_language_code(code) for code in codes))

    @property
    def primary_name(self) -> str:
        return next(n.value for n in self.names if n.type is NameType.PRIMARY)


def _keys(person: Person) -> Sequence[LookupKey]:
    keys: list[LookupKey] = []
    year = person.date_of_birth.year if person.date_of_birth is not None else None
    for name in person.names:
        folded = fold_name(name.value)
        keys.append(LookupKey("name", folded))
        if year is not None:
            keys.append(LookupKey("birth_name_year", f"{folded}:{year}"))
    return keys


def _title(person: Person) -> str:
    if person.date_of_birth is not None:
        return f"{person.primary_name} ({person.date_of_birth.iso()})"
    return person.primary_name


KIND = RecordKind(
    name="persons",
    label="Nominal data",
    payload=Person,
    retention_years=5,
    keys=_keys,
    title=_title,
    description=(
        "Persons wanted, suspected, convicted, missing, victims, foreign terrorist fighters "
        "or deceased, with their names in any script, birth details and nationalities."
    ),
)
