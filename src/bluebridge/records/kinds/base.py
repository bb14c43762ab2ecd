"""What every kind of record declares: its payload schema (pydantic), its default retention,
the normalised keys for exact lookup, a title for lists, and any rule on who may enter it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from bluebridge.errors import FieldProblem
from bluebridge.members import reference


class SourceType(StrEnum):
    """Where the information comes from."""

    POLICE_INVESTIGATION = "police_investigation"
    JUDICIAL = "judicial"
    PRISON_SYSTEM = "prison_system"
    MILITARY_OPERATION = "military_operation"  # military or battlefield operation
    BORDER_CONTROL = "border_control"
    OPEN_SOURCE = "open_source"
    OTHER = "other"


class SourceGrading(StrEnum):
    """Reliability of the source, A (completely reliable) to F (cannot be judged)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class InformationGrading(StrEnum):
    """Accuracy of the information, 1 (confirmed) to 6 (cannot be judged)."""

    CONFIRMED = "1"
    PROBABLY_TRUE = "2"
    POSSIBLY_TRUE = "3"
    DOUBTFUL = "4"
    IMPROBABLE = "5"
    CANNOT_BE_JUDGED = "6"


class HandlingCode(StrEnum):
    """What a recipient may do with the information."""

    NOT_FOR_JUDICIAL_USE = "not_for_judicial_use"  # without the owner's consent
    NO_ONWARD_TRANSMISSION = "no_onward_transmission"  # not to be passed on without consent
    POLICE_USE_ONLY = "police_use_only"


@dataclass(frozen=True, slots=True)
class LookupKey:
    """A normalised value for exact lookup, e.g. ("document", "FRA:12AB34567")."""

    key_type: str
    value: str


class Payload(BaseModel):
    """Base of every kind's payload: unknown fields are refused, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


P = TypeVar("P", bound=Payload)
KeyedHash = Callable[[str, str], str]


@dataclass(frozen=True)
class RecordKind(Generic[P]):
    """One of the 19 databases."""

    name: str  # e.g. "travel_documents": the path segment and the stored kind
    label: str  # English label; the portal translates it
    payload: type[P]
    retention_years: int | Callable[[P], int]
    keys: Callable[[P], Sequence[LookupKey]]
    title: Callable[[P], str]
    personal_data: bool = True
    # Problems with who enters the record (owner's country, agency kind), given the payload.
    owner_rule: Callable[[P, str | None, str], list[FieldProblem]] | None = None
    # A default access policy for the kind, when the owner gives none (e.g. ICSE).
    default_policy: dict[str, object] | None = None
    description: str = ""
    # When what the owner sends differs from what is stored (a card number becomes a keyed
    # hash and its last four digits): the input schema, and the function that turns an input
    # into the stored payload given a keyed hash `keyed_hash(purpose, value) -> hex digest`.
    input_payload: type[Payload] | None = None
    prepare: Callable[[Payload, KeyedHash], P] | None = None

    @property
    def input_schema(self) -> type[Payload]:
        """The schema an owner's input is validated against."""
        return self.input_payload or self.payload

    def to_stored(self, given: Payload, keyed_hash: KeyedHash) -> P:
        """The payload to store for a validated input."""
        if self.prepare is not None:
            return self.prepare(given, keyed_hash)
        assert isinstance(given, self.payload)
        return given

    def retention_for(self, payload: P) -> int:
        """Years the record is kept before review, for this payload."""
        if callable(self.retention_years):
            return self.retention_years(payload)
        return self.retention_years

    def lookup_keys(self, payload: P) -> list[LookupKey]:
        """The payload's keys, without duplicates, in a stable order."""
        seen: dict[tuple[str, str], LookupKey] = {}
        for key in self.keys(payload):
            if key.value:
                seen.setdefault((key.key_type, key.value), key)
        return list(seen.values())


# ---------------------------------------------------------------- shared normalisation


@lru_cache(maxsize=4096)
def compact_identifier(value: str) -> str:
    """An identifier for exact matching: NFKC, upper case, letters and digits only
    ("12 ab-345/67" -> "12AB34567"). Cached: a record's validator, keys and title each
    compact the same number."""
    folded = unicodedata.normalize("NFKC", value).upper()
    return re.sub(r"[^0-9A-Z]", "", folded)


@lru_cache(maxsize=4096)
def normalise_country(value: str) -> str:
    """An ISO 3166 or ICAO 9303 code as ISO alpha-3 (raises ValueError naming the code).
    Cached: a bulk import resolves the same few codes hundreds of thousands of times."""
    resolved = reference.resolve_country_code(value)
    if resolved.alpha3 is None:
        raise ValueError(f"{value!r} names no country")
    return resolved.alpha3


CountryCode = Annotated[str, AfterValidator(normalise_country)]


def not_in_future(value: dt.date) -> dt.date:
    if value > dt.datetime.now(dt.UTC).date():
        raise ValueError("must not be in the future")
    return value


PastDate = Annotated[dt.date, AfterValidator(not_in_future)]


class PartialDate(BaseModel):
    """A date known to the year, the month or the day (a birth date often is partial)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int
    month: int | None = None
    day: int | None = None

    @model_validator(mode="after")
    def _check(self) -> PartialDate:
        if not 1800 <= self.year <= dt.datetime.now(dt.UTC).year:
            raise ValueError("year out of range")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("month must be 1 to 12")
        if self.day is not None and self.month is not None:
            dt.date(self.year, self.month, self.day)  # raises ValueError for 31 February
        return self

    def iso(self) -> str:
        """ "1980", "1980-04" or "1980-04-17"."""
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


# ---------------------------------------------------------------- names for exact keys

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


def check_record_reference(value: int | str | None) -> int | str | None:
    """A reference to another record: its id, or the owner's own reference (1-100 characters)."""
    if isinstance(value, str) and not 1 <= len(value) <= 100:
        raise ValueError("a reference has 1 to 100 characters")
    if isinstance(value, int) and not 1 <= value <= 2**63 - 1:
        raise ValueError("a record id is a positive number")
    return value
