"""The machine-readable zone (MRZ) of ICAO Doc 9303 travel documents, as border screening reads
it: the five layouts (TD1, TD2 and TD3 documents, MRV-A and MRV-B visas), their check digits, the
country codes they print, and the Part 3 transliteration that turns a name in Latin with
diacritics or in Cyrillic into MRZ characters, with the alternatives Part 3 allows. A failed check
digit, an impossible date or an unknown country is a problem recorded on the result, never an
exception, so that screening still runs on a damaged or forged document; only text that cannot be
an MRZ at all raises ``MrzError``.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from bluebridge.members.reference import (
    ICAO_SPECIAL_CODES,
    UnknownCountryCode,
    resolve_country_code,
)

__all__ = [
    "FILLER",
    "CheckDigit",
    "Mrz",
    "MrzError",
    "MrzFormat",
    "TransliterationError",
    "check_digit",
    "mrz_name_variants",
    "parse_mrz",
    "transliterate_for_mrz",
]

#: The filler character of the MRZ: padding, name separator, and "unknown" in dates.
FILLER: Final = "<"


class MrzError(ValueError):
    """The text is not a machine-readable zone at all (its shape or its characters)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class MrzFormat(StrEnum):
    """The MRZ layouts of Doc 9303 Parts 4 to 7 (a ``str``: ``MrzFormat.TD3 == "TD3"``)."""

    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"
    MRV_A = "MRV-A"
    MRV_B = "MRV-B"


@dataclass(frozen=True, slots=True)
class CheckDigit:
    """One check digit verified: ``expected`` is computed from the field, ``found`` is printed.

    An optional-data field left all fillers may print ``<`` instead of ``0`` (Part 4); that
    counts as ``ok`` although ``expected`` says ``0``.
    """

    field: str
    expected: str
    found: str
    ok: bool


@dataclass(frozen=True, slots=True)
class Mrz:
    """What a machine-readable zone says, with every check digit and every problem found.

    ``birth_date`` is ``(year, month, day)`` with ``None`` for a part printed as unknown
    (``<<``); its century is the latest that does not put the birth after the day of reading.
    ``expiry_date`` is always read as 20YY: a document expiring before 2000 no longer turns up
    at a border. ``name_truncated`` is true when the name fills its field to the last position,
    so it may have been cut (Part 3 truncates without a mark): screen it as a prefix.
    """

    format: MrzFormat
    document_code: str
    issuing_state: str
    issuing_country: str | None
    document_number: str
    surname: str
    given_names: str
    name_truncated: bool
    nationality: str
    nationality_country: str | None
    birth_date: tuple[int, int | None, int | None] | None
    sex: str | None
    expiry_date: datetime.date | None
    optional_data: str
    optional_data_2: str
    check_digits: tuple[CheckDigit, ...]
    problems: tuple[str, ...]
    lines: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """True when every check digit is right and nothing else is wrong."""
        return all(check.ok for check in self.check_digits) and not self.problems

    def name(self) -> str:
        """The full name in reading order, given names first: ``"ANNA MARIA ERIKSSON"``."""
        return f"{self.given_names} {self.surname}".strip()


_WEIGHTS: Final = (7, 3, 1)


def _character_value(character: str) -> int:
    if "0" <= character <= "9":
        return ord(character) - ord("0")
    if "A" <= character <= "Z":
        return ord(character) - ord("A") + 10
    if character == FILLER:
        return 0
    raise ValueError(f"{character!r} is not an MRZ character (A-Z, 0-9 or <)")


def check_digit(value: str) -> str:
    """The Doc 9303 check digit of ``value``: weights 7, 3, 1 repeated, 0-9 as themselves,
    A-Z as 10-35, ``<`` as 0, sum modulo 10. Raises ``ValueError`` on any other character."""
    total = sum(_character_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(value))
    return str(total % 10)


# --- layouts ----------------------------------------------------------------------------------

#: (line, start, stop) of a field, 0-based, stop exclusive.
_Span = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each field of one format sits (Doc 9303 Parts 4-7), declared as data."""

    format: MrzFormat
    line_count: int
    line_length: int
    document_code: _Span
    issuing_state: _Span
    name: _Span
    document_number: _Span
    document_number_check: _Span
    nationality: _Span
    birth_date: _Span
    birth_date_check: _Span
    sex: _Span
    expiry_date: _Span
    expiry_date_check: _Span
    optional_data: _Span
    optional_data_check: _Span | None
    optional_data_2: _Span | None
    composite: tuple[_Span, ...]
    composite_check: _Span | None
    # Part 5 and Part 6: a document number longer than 9 characters puts "<" in its check digit
    # position and continues, with its check digit, at the start of the optional data.
    long_document_number: bool
    document_codes: str


_TD3: Final = _Layout(
    format=MrzFormat.TD3, line_count=2, line_length=44,
    document_code=(0, 0, 2), issuing_state=(0, 2, 5), name=(0, 5, 44),
    document_number=(1, 0, 9), document_number_check=(1, 9, 10), nationality=(1, 10, 13),
    birth_date=(1, 13, 19), birth_date_check=(1, 19, 20), sex=(1, 20, 21),
    expiry_date=(1, 21, 27), expiry_date_check=(1, 27, 28),
    optional_data=(1, 28, 42), optional_data_check=(1, 42, 43), optional_data_2=None,
    composite=((1, 0, 10), (1, 13, 20), (1, 21, 43)), composite_check=(1, 43, 44),
    long_document_number=False, document_codes="P",
)  # fmt: skip
_TD2: Final = _Layout(
    format=MrzFormat.TD2, line_count=2, line_length=36,
    document_code=(0, 0, 2), issuing_state=(0, 2, 5), name=(0, 5, 36),
    document_number=(1, 0, 9), document_number_check=(1, 9, 10), nationality=(1, 10, 13),
    birth_date=(1, 13, 19), birth_date_check=(1, 19, 20), sex=(1, 20, 21),
    expiry_date=(1, 21, 27), expiry_date_check=(1, 27, 28),
    optional_data=(1, 28, 35), optional_data_check=None, optional_data_2=None,
    composite=((1, 0, 10), (1, 13, 20), (1, 21, 35)), composite_check=(1, 35, 36),
    long_document_number=True, document_codes="ACI",
)  # fmt: skip
_TD1: Final = _Layout(
    format=MrzFormat.TD1, line_count=3, line_length=30,
    document_code=(0, 0, 2), issuing_state=(0, 2, 5),
    document_number=(0, 5, 14), document_number_check=(0, 14, 15), optional_data=(0, 15, 30),
    birth_date=(1, 0, 6), birth_date_check=(1, 6, 7), sex=(1, 7, 8),
    expiry_date=(1, 8, 14), expiry_date_check=(1, 14, 15), nationality=(1, 15, 18),
    optional_data_check=None, optional_data_2=(1, 18, 29),
    composite=((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)), composite_check=(1, 29, 30),
    name=(2, 0, 30),
    long_document_number=True, document_codes="ACI",
)  # fmt: skip
_MRV_A: Final = _Layout(
    format=MrzFormat.MRV_A, line_count=2, line_length=44,
    document_code=(0, 0, 2), issuing_state=(0, 2, 5), name=(0, 5, 44),
    document_number=(1, 0, 9), document_number_check=(1, 9, 10), nationality=(1, 10, 13),
    birth_date=(1, 13, 19), birth_date_check=(1, 19, 20), sex=(1, 20, 21),
    expiry_date=(1, 21, 27), expiry_date_check=(1, 27, 28),
    optional_data=(1, 28, 44), optional_data_check=None, optional_data_2=None,
    composite=(), composite_check=None,
    long_document_number=False, document_codes="V",
)  # fmt: skip
_MRV_B: Final = _Layout(
    format=MrzFormat.MRV_B, line_count=2, line_length=36,
    document_code=(0, 0, 2), issuing_state=(0, 2, 5), name=(0, 5, 36),
    document_number=(1, 0, 9), document_number_check=(1, 9, 10), nationality=(1, 10, 13),
    birth_date=(1, 13, 19), birth_date_check=(1, 19, 20), sex=(1, 20, 21),
    expiry_date=(1, 21, 27), expiry_date_check=(1, 27, 28),
    optional_data=(1, 28, 36), optional_data_check=None, optional_data_2=None,
    composite=(), composite_check=None,
    long_document_number=False, document_codes="V",
)  # fmt: skip

#: Total length of the lines run together -> (line count, line length).
_RUN_TOGETHER: Final[Mapping[int, tuple[int, int]]] = MappingProxyType(
    {90: (3, 30), 88: (2, 44), 72: (2, 36)}
)
_MRZ_CHARACTER: Final = re.compile("[A-Za-z0-9<]")


def _split_lines(text: str) -> list[str]:
    """The non-empty lines, without any whitespace, a run-together MRZ cut into its lines."""
    lines = [line for line in ("".join(raw.split()) for raw in text.splitlines()) if line]
    for number, line in enumerate(lines, start=1):
        for position, character in enumerate(line, start=1):
            if not _MRZ_CHARACTER.fullmatch(character):
                raise MrzError(
                    "characters",
                    f"line {number} holds {character!r} at position {position}; "
                    "an MRZ has only A-Z, 0-9 and <",
                )
    if len(lines) == 1 and len(lines[0]) in _RUN_TOGETHER:
        count, length = _RUN_TOGETHER[len(lines[0])]
        lines = [lines[0][i * length : (i + 1) * length] for i in range(count)]
    return [line.upper() for line in lines]


def _listing(values: Iterable[object], conjunction: str = "and") -> str:
    items = [str(v) for v in values]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _layout_for(lines: list[str]) -> _Layout:
    lengths = [len(line) for line in lines]
    count = len(lines)
    if count == 0:
        raise MrzError("lines", "no text; an MRZ has 2 lines (TD2, TD3, MRV-A, MRV-B) or 3 (TD1)")
    if count == 1:
        raise MrzError(
            "lines",
            f"1 line of {lengths[0]} characters; run together, an MRZ has 72 (TD2, MRV-B), "
            "88 (TD3, MRV-A) or 90 (TD1) characters",
        )
    if count > 3:
        raise MrzError(
            "lines", f"{count} lines; an MRZ has 2 lines (TD2, TD3, MRV-A, MRV-B) or 3 (TD1)"
        )
    shown = lengths[:1] if len(set(lengths)) == 1 else lengths
    found = f"{count} lines of {_listing(shown)} characters"
    if count == 3:
        if lengths == [30, 30, 30]:
            return _TD1
        raise MrzError("lines", f"{found}; TD1 has 3 lines of 30")
    is_visa = lines[0].startswith("V")
    if lengths == [44, 44]:
        return _MRV_A if is_visa else _TD3
    if lengths == [36, 36]:
        return _MRV_B if is_visa else _TD2
    nearest = min((44, 36), key=lambda n: sum(abs(n - length) for length in lengths))
    name = {(44, False): "TD3", (44, True): "MRV-A", (36, False): "TD2", (36, True): "MRV-B"}
    raise MrzError("lines", f"{found}; {name[nearest, is_visa]} has 2 lines of {nearest}")


# --- fields -----------------------------------------------------------------------------------


class _Reading:
    """The check digits and problems gathered while one MRZ is read."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.checks: list[CheckDigit] = []
        self.problems: list[str] = []

    def at(self, span: _Span) -> str:
        line, start, stop = span
        return self.lines[line][start:stop]

    def problem(self, field: str, reason: str) -> None:
        self.problems.append(f"{field}: {reason}")

    def verify(self, field: str, value: str, found: str, *, filler_if_empty: bool = False) -> None:
        expected = check_digit(value)
        ok = found == expected or (filler_if_empty and found == FILLER and _is_empty(value))
        self.checks.append(CheckDigit(field=field, expected=expected, found=found, ok=ok))
        if not ok:
            note = " (a letter where a digit belongs)" if found.isalpha() else ""
            self.problem(field, f"check digit is {found}{note}, computed {expected}")


def _is_empty(value: str) -> bool:
    return not value.strip(FILLER)


def _document_code(reading: _Reading, layout: _Layout) -> str:
    raw = reading.at(layout.document_code)
    code = raw.replace(FILLER, "")
    if not code:
        reading.problem("document_code", "missing (only fillers)")
    elif not raw[0].isalpha() or not code.isalpha():
        reading.problem("document_code", f"{raw} is not a document code (letters only)")
    elif code[0] not in layout.document_codes:
        allowed = _listing(layout.document_codes, "or")
        reading.problem(
            "document_code", f"{code} does not start with {allowed}, as {layout.format} requires"
        )
    return code


def _country(reading: _Reading, field: str, raw: str) -> tuple[str, str | None]:
    """The code as printed without fillers, and its ISO 3166-1 alpha-3 code when it has one."""
    code = raw.rstrip(FILLER)
    if not code:
        reading.problem(field, "missing (only fillers)")
        return "", None
    if FILLER in code or not code.isalpha():
        reading.problem(field, f"{raw} is not a country code (letters, then fillers)")
        return code.replace(FILLER, ""), None
    if len(code) != 3 and code not in ICAO_SPECIAL_CODES:
        reading.problem(field, f"{code} is not an ICAO 9303 code (three letters, or D)")
        return code, None
    if code == "UTO":
        reading.problem(field, "UTO is Utopia, the fictional state of the ICAO 9303 specimens")
        return code, None
    try:
        resolved = resolve_country_code(code)
    except UnknownCountryCode as exc:
        reading.problem(field, f"{code} {exc.reason}")
        return code, None
    member = resolved.member
    if member is not None and resolved.icao is None and member.icao_code != code:
        # An issuer prints its own code right; "DEU" where Germany prints "D" is worth a look.
        reading.problem(
            field,
            f"{code} is printed where ICAO 9303 has {member.icao_code} for {member.name('en')}",
        )
    return code, resolved.alpha3


def _names(reading: _Reading, layout: _Layout) -> tuple[str, str, bool]:
    raw = reading.at(layout.name)
    primary, _, secondary = raw.partition(FILLER * 2)
    surname = " ".join(part for part in primary.split(FILLER) if part)
    given_names = " ".join(part for part in secondary.split(FILLER) if part)
    if not surname:
        reading.problem("surname", "missing (the name field starts with fillers)")
    for field, value in (("surname", primary), ("given_names", secondary)):
        if any(c.isdigit() for c in value):
            reading.problem(field, f"{value.strip(FILLER)} holds digits; a name has letters only")
    return surname, given_names, not raw.endswith(FILLER)


# Not calendar.month_name: it follows the process locale, and problems are read in English.
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _impossible(year: int, month: int | None, day: int | None) -> str | None:
    """Why the date cannot exist, or None."""
    if month is not None and not 1 <= month <= 12:
        return f"month {month:02d} does not exist"
    last = 31 if month is None else calendar.monthrange(year, month)[1]
    if day is not None and not 1 <= day <= last:
        where = "any month" if month is None else f"{_MONTHS[month - 1]} {year}"
        return f"day {day:02d} does not exist in {where}"
    return None


def _birth_date(
    reading: _Reading, raw: str, today: datetime.date
) -> tuple[int, int | None, int | None] | None:
    if _is_empty(raw):
        return None  # Part 3: a date of birth wholly unknown is printed as fillers.
    parts: list[int | None] = []
    for piece in (raw[0:2], raw[2:4], raw[4:6]):
        if piece == FILLER * 2:
            parts.append(None)
        elif piece.isdigit():
            parts.append(int(piece))
        else:
            reading.problem("birth_date", f"{raw} is not a date (YYMMDD, << for an unknown part)")
            return None
    year2, month, day = parts
    if year2 is None:
        reading.problem("birth_date", f"{raw} gives a month or day but no year")
        return None
    year = 2000 + year2
    # A part printed unknown is taken at its earliest, so "born this year" stays this year.
    if (year, month or 1, day or 1) > (today.year, today.month, today.day):
        year -= 100
    reason = _impossible(year, month, day)
    if reason is not None:
        reading.problem("birth_date", f"{raw} is not a date: {reason}")
        return None
    return (year, month, day)


def _expiry_date(reading: _Reading, raw: str) -> datetime.date | None:
    if not raw.isdigit():
        reading.problem("expiry_date", f"{raw} is not a date (YYMMDD)")
        return None
    year, month, day = 2000 + int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    reason = _impossible(year, month, day)
    if reason is not None:
        reading.problem("expiry_date", f"{raw} is not a date: {reason}")
        return None
    return datetime.date(year, month, day)


_SEXES: Final[Mapping[str, str | None]] = MappingProxyType(
    {"M": "male", "F": "female", "X": None, FILLER: None}
)


def _sex(reading: _Reading, raw: str) -> str | None:
    if raw not in _SEXES:
        reading.problem("sex", f"{raw} is not M, F, X or <")
        return None
    return _SEXES[raw]


def _document_number(reading: _Reading, layout: _Layout) -> tuple[str, str]:
    """The document number (verified) and the optional data left after it."""
    number = reading.at(layout.document_number)
    found = reading.at(layout.document_number_check)
    optional = reading.at(layout.optional_data)
    if (
        layout.long_document_number
        and found == FILLER
        and FILLER not in number
        and not optional.startswith(FILLER)
    ):
        # The rest of the number and its check digit end at a filler; optional data may follow.
        extension = optional.split(FILLER, 1)[0]
        number, found = number + extension[:-1], extension[-1]
        optional = optional[len(extension) + 1 :]
    reading.verify("document_number", number, found)
    value = number.replace(FILLER, "")
    if not value:
        reading.problem("document_number", "missing (only fillers)")
    return value, optional.rstrip(FILLER)


def parse_mrz(text: str, *, today: datetime.date | None = None) -> Mrz:
    """Read the machine-readable zone in ``text``, as scanned or pasted.

    Case, surrounding whitespace, any line ends, spaces typed inside lines and lines run
    together as one string are all accepted; the characters themselves are taken as printed
    (an O where a digit belongs is reported, never read as 0). ``today`` (default: today in
    UTC) fixes the century of the date of birth.

    A wrong check digit, an impossible date or an unknown country is listed in ``problems``
    and the rest is still read. Raises ``MrzError`` only when the text cannot be an MRZ:
    wrong number of lines, line lengths of no format, or characters outside A-Z, 0-9 and <.
    """
    if today is None:
        today = datetime.datetime.now(datetime.UTC).date()
    lines = _split_lines(text)
    layout = _layout_for(lines)
    reading = _Reading(lines)

    document_code = _document_code(reading, layout)
    issuing_state, issuing_country = _country(
        reading, "issuing_state", reading.at(layout.issuing_state)
    )
    document_number, optional_data = _document_number(reading, layout)
    surname, given_names, name_truncated = _names(reading, layout)
    nationality, nationality_country = _country(
        reading, "nationality", reading.at(layout.nationality)
    )

    raw_birth = reading.at(layout.birth_date)
    birth_date = _birth_date(reading, raw_birth, today)
    reading.verify("birth_date", raw_birth, reading.at(layout.birth_date_check))
    sex = _sex(reading, reading.at(layout.sex))
    raw_expiry = reading.at(layout.expiry_date)
    expiry_date = _expiry_date(reading, raw_expiry)
    reading.verify("expiry_date", raw_expiry, reading.at(layout.expiry_date_check))

    if layout.optional_data_check is not None:
        reading.verify(
            "optional_data",
            reading.at(layout.optional_data),
            reading.at(layout.optional_data_check),
            filler_if_empty=True,
        )
    optional_data_2 = ""
    if layout.optional_data_2 is not None:
        optional_data_2 = reading.at(layout.optional_data_2).rstrip(FILLER)
    if layout.composite_check is not None:
        composite = "".join(reading.at(span) for span in layout.composite)
        reading.verify("composite", composite, reading.at(layout.composite_check))

    return Mrz(
        format=layout.format,
        document_code=document_code,
        issuing_state=issuing_state,
        issuing_country=issuing_country,
        document_number=document_number,
        surname=surname,
        given_names=given_names,
        name_truncated=name_truncated,
        nationality=nationality,
        nationality_country=nationality_country,
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        optional_data=optional_data,
        optional_data_2=optional_data_2,
        check_digits=tuple(reading.checks),
        problems=tuple(reading.problems),
        lines=tuple(lines),
    )


# --- transliteration (Doc 9303 Part 3, section 6) ---------------------------------------------


class TransliterationError(ValueError):
    """A character of a name that has no MRZ transliteration (another script, a digit...)."""

    def __init__(self, name: str, character: str) -> None:
        super().__init__(
            f"{character!r} (U+{ord(character):04X}) in {name!r} has no ICAO 9303 "
            "transliteration; an MRZ name has the letters A-Z only"
        )
        self.name = name
        self.character = character


def _table(rows: str) -> Mapping[str, tuple[str, ...]]:
    """``"Ä=AE/A Å=AA/A"`` -> {"Ä": ("AE", "A"), ...}; the first option is the recommended one,
    an empty option means the letter is omitted."""
    table = {}
    for row in rows.split():
        character, _, options = row.partition("=")
        table[character] = tuple(options.split("/"))
    return MappingProxyType(table)


#: Latin letters with diacritics and ligatures (Part 3, section 6 A). The second and later
#: options are the alternatives the table allows ("Ä: AE or A").
_LATIN: Final = _table(
    """
    À=A Á=A Â=A Ã=A Ä=AE/A Å=AA/A Æ=AE Ç=C È=E É=E Ê=E Ë=E Ì=I Í=I Î=I Ï=I Ð=D Ñ=N/NXX
    Ò=O Ó=O Ô=O Õ=O Ö=OE/O Ø=OE/O Ù=U Ú=U Û=U Ü=UE/UXX/U Ý=Y Þ=TH ẞ=SS
    Ā=A Ă=A Ą=A Ć=C Ĉ=C Ċ=C Č=C Ď=D Đ=D Ē=E Ĕ=E Ė=E Ę=E Ě=E Ĝ=G Ğ=G Ġ=G Ģ=G Ĥ=H Ħ=H
    Ĩ=I Ī=I Ĭ=I Į=I İ=I Ĳ=IJ Ĵ=J Ķ=K Ĺ=L Ļ=L Ľ=L Ŀ=L Ł=L Ń=N Ņ=N Ň=N Ŋ=N Ō=O Ŏ=O Ő=O
    Œ=OE Ŕ=R Ŗ=R Ř=R Ś=S Ŝ=S Ş=S Š=S Ţ=T Ť=T Ŧ=T Ũ=U Ū=U Ŭ=U Ů=U Ű=U Ų=U Ŵ=W Ŷ=Y Ÿ=Y
    Ź=Z Ż=Z Ž=Z
    """
)

#: Cyrillic (Part 3, section 6 B). The recommended option first; the others are the exceptions
#: the table makes for one language (Ukrainian and Belarusian Г=H, Ukrainian И=Y, Macedonian
#: and Serbian Х=H and Ц=C, Bulgarian Щ=SHT and Ъ=A, Macedonian Ѓ=GJ and Ќ=KJ, Serbian Ђ=DJ,
#: Џ=DJ). Ь is omitted.
_CYRILLIC: Final = _table(
    """
    А=A Б=B В=V Г=G/H Ѓ=G/GJ Ґ=G Д=D Ђ=D/DJ Е=E Ё=E Є=IE Ж=ZH З=Z Ѕ=DZ И=I/Y І=I Ї=I Й=I
    Ј=J К=K Ќ=K/KJ Л=L Љ=LJ М=M Н=N Њ=NJ О=O П=P Р=R С=S Т=T Ћ=C У=U Ў=U Ф=F Х=KH/H
    Ц=TS/C Ч=CH Џ=DZ/DJ Ш=SH Щ=SHCH/SHT Ъ=IE/A Ы=Y Ь= Э=E Ю=IU Я=IA
    """
)

_SEPARATOR: Final = (FILLER,)
_OMITTED: Final = ("",)
#: Apostrophes, including the modifier letters Ukrainian and Belarusian write them with.
_APOSTROPHES: Final = frozenset("'`´‘’‛′ʹʻʼʽʾʿ")
#: Beyond this many spellings a name's variants are cut (the recommended one always stays).
_MAX_VARIANTS: Final = 256


def _options(name: str, character: str) -> list[tuple[str, ...]]:
    """The MRZ spellings of one character, as a sequence of per-letter choices."""
    if "A" <= character <= "Z":
        return [(character,)]
    for table in (_LATIN, _CYRILLIC):
        if character in table:
            return [table[character]]
    category = unicodedata.category(character)
    # Part 3: spaces and hyphens become a filler, apostrophes and other punctuation vanish.
    if character.isspace() or category == "Pd" or character in ",<":
        return [_SEPARATOR]
    if character in _APOSTROPHES or category.startswith(("P", "M")):
        return [_OMITTED]
    upper = character.upper()
    if upper != character:
        return [option for c in upper for option in _options(name, c)]
    decomposed = unicodedata.normalize("NFKD", character)
    if decomposed != character:
        # A letter the table does not list (Romanian Ș, Vietnamese Ạ...): its base letters.
        return [option for c in decomposed for option in _options(name, c)]
    raise TransliterationError(name, character)


def _spellings(name: str) -> Iterable[str]:
    choices = [
        option
        for character in unicodedata.normalize("NFC", name)
        for option in _options(name, character)
    ]
    for combination in itertools.product(*choices):
        yield re.sub("<+", FILLER, "".join(combination)).strip(FILLER)


def transliterate_for_mrz(name: str) -> str:
    """The name in MRZ characters by the recommended ICAO 9303 Part 3 transliteration.

    Latin letters lose their diacritics or take the table's spelling (``"Müller"`` ->
    ``"MUELLER"``, ``"Øster"`` -> ``"OESTER"``, ``"Þór"`` -> ``"THOR"``), Cyrillic is
    transliterated (``"Щукин"`` -> ``"SHCHUKIN"``), spaces and hyphens become one ``<``,
    apostrophes and other punctuation are dropped. Raises ``TransliterationError`` for a
    character with no transliteration here (Arabic, Greek, CJK, digits...).
    """
    return next(iter(_spellings(name)))


def mrz_name_variants(name: str) -> set[str]:
    """Every MRZ spelling of the name that Part 3 allows, the recommended one included:
    ``"Jäger"`` -> ``{"JAEGER", "JAGER"}``; Cyrillic with the table's language exceptions
    (``"Щукин"`` -> ``SHCHUKIN``, ``SHTUKIN``, ``SHCHUKYN``, ``SHTUKYN``). Capped at 256.
    Raises ``TransliterationError`` like ``transliterate_for_mrz``."""
    return set(itertools.islice(_spellings(name), _MAX_VARIANTS))
