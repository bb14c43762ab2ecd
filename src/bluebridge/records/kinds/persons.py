"""Nominal data: persons wanted, suspected, convicted, missing, victims, foreign terrorist
fighters, and the deceased. Names are kept in the script they were written in; the script is
detected when the owner does not give it, and each name becomes a folded lookup key."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from functools import cache, lru_cache
from typing import Annotated

import pycountry
from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    PartialDate,
    Payload,
    RecordKind,
    fold_name,
)

# ---------------------------------------------------------------- name folding (shared)

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


@lru_cache(maxsize=1 << 16)
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
    if value.isascii():
        return "Latn" if any(c.isalpha() for c in value) else COMMON_SCRIPT
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
