"""A synthetic world for the screening benchmarks: persons with native names in ten scripts and
the Latin spellings their documents carry, stand-alone stolen or lost documents, and queries
about present and absent people and documents with realistic variation. Its romanisations are
its own (ICAO, GOST, BGN, KMU 2010, the Bulgarian streamlined system, ELOT 743, Hepburn and
Kunrei, Revised and popular Korean, pinyin and Wade-Giles, curated tables for the abjads and
abugidas), written here from the standards, so the benchmark never grades the name matcher with
the matcher's own transliteration: nothing here imports bluebridge.screening, PyICU, anyascii or
pypinyin. Faker lends its name lists where it has them. Everything is deterministic for a seed;
persons and documents stream in constant memory."""

from __future__ import annotations

import bisect
import calendar
import functools
import importlib
import itertools
import math
import random
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------------------------
# The world's records


@dataclass(frozen=True, slots=True)
class WorldName:
    value: str
    script: str  # ISO 15924: Latn, Arab, Cyrl, Hani, Hang, Jpan, Kana, Hebr, Grek, Deva, Thai


@dataclass(frozen=True, slots=True)
class WorldDocument:
    country: str  # ISO 3166 alpha-3 of the issuing state
    number: str
    document_type: str  # "passport" or "identity_card"


@dataclass(frozen=True, slots=True)
class WorldPerson:
    ref: str
    country: str
    gender: str
    birth: tuple[int, int, int]
    # names[0] is the name in the country's script; then the distinct Latin spellings of the
    # person's documents (the `parts` joined by a space, in the same order, the native one not
    # repeated); then other native-script forms (kana); an alias, when there is one, comes last.
    names: tuple[WorldName, ...]
    documents: tuple[WorldDocument, ...]
    parts: tuple[tuple[str, str], ...]  # (given, family) of each Latin document spelling


@dataclass(frozen=True, slots=True)
class WorldQuery:
    expected: str | None  # ref of the person sought; None when no one in the world fits
    name: str
    birth: str | None  # "1980-04-17", "1980-04", "1980", or day and month swapped
    nationality: str | None
    gender: str | None
    variations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorldDocumentQuery:
    expected: WorldDocument | None  # the document sought; None for a number no document has
    number: str
    country: str | None
    document_type: str | None
    variations: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Drawing


class _Sampler:
    """A weighted draw by bisection over cumulative weights."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("a sampler needs as many weights as items, and at least one")
        self.items = tuple(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


def _zipf(count: int, *, q: float = 2.0, s: float = 1.0) -> list[float]:
    """Zipf-Mandelbrot weights: a few very common names and a long tail."""
    return [1.0 / (rank + q) ** s for rank in range(1, count + 1)]


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    total = sum(weights)
    return tuple(value / total for value in itertools.accumulate(weights))


def _pick(cum: tuple[float, ...], rng: random.Random) -> int:
    return min(bisect.bisect(cum, rng.random()), len(cum) - 1)


# --------------------------------------------------------------------------------------------
# Latin folding: what a document or a database without diacritics makes of a name

_FOLD_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "Th",
        "þ": "th",
        "ı": "i",
        "Ħ": "H",
        "ħ": "h",
    }
)
_COMBINING_MARKS = dict.fromkeys(range(0x300, 0x370))
# ICAO 9303 lets each state choose; Germany writes the umlauts out, Serbia writes Đ as DJ.
_MRZ_SPECIAL = {
    "DEU": str.maketrans({"Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ä": "ae", "ö": "oe", "ü": "ue"}),
    "SRB": str.maketrans({"Đ": "Dj", "đ": "dj"}),
    "NLD": str.maketrans({"Ĳ": "IJ", "ĳ": "ij"}),
}
_NOT_WORD = re.compile(r"[\W_]+")


def _strip_marks(text: str) -> str:
    return unicodedata.normalize("NFD", text.translate(_FOLD_SPECIAL)).translate(_COMBINING_MARKS)


def _mrz_form(text: str, country: str) -> str:
    table = _MRZ_SPECIAL.get(country)
    return _strip_marks(text.translate(table) if table else text)


def _fold(text: str) -> str:
    """The comparison key of a name: no case, no marks, no spaces or punctuation."""
    return _NOT_WORD.sub("", _strip_marks(text).casefold())


def _capitalise(word: str) -> str:
    return "-".join(piece[:1].upper() + piece[1:] for piece in word.split("-"))


def _upper(text: str, country: str) -> str:
    if country == "TUR":  # Turkish dotted capital I
        text = text.replace("i", "İ")
    return text.upper()


# --------------------------------------------------------------------------------------------
# Cyrillic: Russian (ICAO 9303 of 2013, the 2010 passport rules, the 1997 passport rules, BGN,
# common English, German Duden, French), Ukrainian (KMU 2010), Bulgarian (streamlined 2009),
# Serbian (Gaj's Latin alphabet)

_CYR_VOWELS = frozenset("аеёиоуыэюяіїєю")
# fmt: off
_RU_ICAO = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "_", "e", "iu", "ia"],
        strict=True,
    )
)
# fmt: on
_RU_ICAO["ь"] = ""
_RU_TABLES = {
    "icao": _RU_ICAO,
    "gost": {**_RU_ICAO, "ц": "tc", "ъ": ""},
    "mvd": {**_RU_ICAO, "й": "y", "ю": "yu", "я": "ya", "ъ": ""},
    "bgn": {**_RU_ICAO, "ё": "yo", "й": "y", "ю": "yu", "я": "ya", "ъ": ""},
    "english": {**_RU_ICAO, "ё": "yo", "й": "y", "ю": "yu", "я": "ya", "ъ": ""},
    "german": {
        **_RU_ICAO,
        "в": "w",
        "ё": "jo",
        "ж": "sch",
        "з": "s",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ъ": "",
        "ю": "ju",
        "я": "ja",
    },
    "french": {
        **_RU_ICAO,
        "ж": "j",
        "ё": "io",
        "у": "ou",
        "ч": "tch",
        "ш": "ch",
        "щ": "chtch",
        "ъ": "",
        "ю": "iou",
    },
}
_RU_SCHEMES = ("icao", "gost", "mvd", "bgn", "english", "german", "french")


def _ru_latin(word: str, scheme: str) -> str:
    low = word.lower()
    table = _RU_TABLES[scheme]
    suffix = ""
    if scheme in ("english", "german", "french") and low[-2:] in ("ий", "ый"):
        suffix = "y" if (scheme == "english" or low[-2] == "ы") else "i"
        low = low[:-2]
    elif scheme == "german" and low[-2:] in ("ов", "ев", "ёв"):
        hushing = low[-3:-2] in ("ж", "ч", "ш", "щ")
        suffix = {"ов": "ow", "ев": "ew", "ёв": "ow" if hushing else "jow"}[low[-2:]]
        low = low[:-2]
    elif scheme == "german" and low.endswith("ия"):
        suffix, low = "ija", low[:-2]
    out: list[str] = []
    skip = False
    for i, ch in enumerate(low):
        if skip:
            skip = False
            continue
        prev = low[i - 1] if i else ""
        nxt = low[i + 1] if i + 1 < len(low) else ""
        rep = table.get(ch, ch)
        soft_start = i == 0 or prev in _CYR_VOWELS or prev in "ьъ"
        if ch == "е":
            if (scheme == "bgn" and soft_start) or (scheme == "english" and prev in "ьъ"):
                rep = "ye"
            elif scheme == "german" and soft_start:
                rep = "je"
        elif ch == "ё" and prev in "жчшщ" and scheme in ("bgn", "english", "german", "french"):
            rep = "o"
        elif ch == "й":
            if scheme == "english" and prev == "е":
                rep = "i"
            elif scheme == "german" and nxt in _CYR_VOWELS:
                rep = "j"
        elif ch == "с" and scheme in ("german", "french") and prev in _CYR_VOWELS:
            rep = "ss" if nxt in _CYR_VOWELS else "s"
        elif ch == "г" and scheme == "french" and nxt in "еиы":
            rep = "gu"
        elif ch == "к" and nxt == "с" and scheme in ("english", "german"):
            rep, skip = "x", True
        elif ch == "ь" and scheme == "german" and nxt in "ео":
            rep = "j"
        out.append(rep)
    return _capitalise("".join(out) + suffix)


# fmt: off
_UK_KMU = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'’",
        ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "_", "iu", "ia", "_", "_"],
        strict=True,
    )
)
# fmt: on
for _letter in "ь'’":
    _UK_KMU[_letter] = ""
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_UK_TABLES = {
    "kmu": _UK_KMU,
    "icao": _UK_KMU,
    "russian": {**_UK_KMU, "г": "g", "є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
    "german": {
        **_UK_KMU,
        "в": "w",
        "ж": "sch",
        "з": "s",
        "й": "j",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "є": "je",
        "ї": "ji",
        "ю": "ju",
        "я": "ja",
    },
}
_UK_SCHEMES = ("kmu", "icao", "russian", "german")


def _uk_latin(word: str, scheme: str) -> str:
    low = word.lower()
    table = _UK_TABLES[scheme]
    out: list[str] = []
    for i, ch in enumerate(low):
        rep = table.get(ch, ch)
        if scheme == "kmu" and i == 0 and ch in _UK_INITIAL:
            rep = _UK_INITIAL[ch]
        elif scheme == "kmu" and ch == "г" and i and low[i - 1] == "з":
            rep = "gh"  # KMU 2010: зг is zgh
        out.append(rep)
    return _capitalise("".join(out))


# fmt: off
_BG_STREAMLINED = dict(
    zip(
        "абвгдежзийклмнопрстуфхцчшщъьюя",
        ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sht", "a", "y", "yu", "ya"],
        strict=True,
    )
)
# fmt: on
_BG_TABLES = {
    "streamlined": _BG_STREAMLINED,
    "older": {**_BG_STREAMLINED, "х": "kh", "ъ": "u", "й": "i", "ю": "iu", "я": "ia"},
    "german": {
        **_BG_STREAMLINED,
        "в": "w",
        "ж": "sch",
        "з": "s",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "scht",
        "й": "j",
        "ю": "ju",
        "я": "ja",
        "ь": "j",
    },
}
_BG_SCHEMES = ("streamlined", "older", "german")


def _bg_latin(word: str, scheme: str) -> str:
    low = word.lower()
    suffix = ""
    if low.endswith("ия") and scheme != "german":
        low, suffix = low[:-2], "ia"  # the streamlined system's one contextual rule
    table = _BG_TABLES[scheme]
    return _capitalise("".join(table.get(ch, ch) for ch in low) + suffix)


# fmt: off
_SR_GAJ = dict(
    zip(
        "абвгдђежзијклљмнњопрстћуфхцчџш",
        ["a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj", "o", "p", "r", "s", "t", "ć", "u", "f", "h", "c", "č", "dž", "š"],
        strict=True,
    )
)
# fmt: on
_SR_SCHEMES = ("gaj", "ascii", "english", "french")
_SR_FROM_GAJ = {
    "ascii": (("dž", "dz"), ("đ", "dj"), ("č", "c"), ("ć", "c"), ("š", "s"), ("ž", "z")),
    "english": (("dž", "j"), ("đ", "dj"), ("č", "ch"), ("ć", "ch"), ("š", "sh"), ("ž", "zh")),
    "french": (("dž", "dj"), ("đ", "dj"), ("č", "tch"), ("ć", "tch"), ("š", "ch"), ("ž", "j")),
}


def _sr_latin(word: str, scheme: str) -> str:
    gaj = "".join(_SR_GAJ.get(ch, ch) for ch in word.lower())
    for old, new in _SR_FROM_GAJ.get(scheme, ()):
        gaj = gaj.replace(old, new)
    return _capitalise(gaj)


# --------------------------------------------------------------------------------------------
# Greek: ELOT 743 as in passports, and two common phonetic habits

# fmt: off
_GR_BASE = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o"],
        strict=True,
    )
)
# fmt: on
_GR_VOWELS = frozenset("αεηιουω")
_GR_VOICED = frozenset("βγδζλμνρ") | _GR_VOWELS
_GR_SCHEMES = ("elot", "common", "phonetic")


def _gr_letters(word: str) -> list[tuple[str, bool]]:
    letters: list[tuple[str, bool]] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch == "\u0308" and letters:
            letters[-1] = (letters[-1][0], True)
        elif not unicodedata.combining(ch):
            letters.append((ch, False))
    return letters


def _gr_latin(word: str, scheme: str) -> str:
    letters = _gr_letters(word)
    count = len(letters)
    out: list[str] = []
    i = 0
    while i < count:
        ch = letters[i][0]
        nxt, nxt_diaeresis = letters[i + 1] if i + 1 < count else ("", False)
        after = letters[i + 2][0] if i + 2 < count else ""
        if ch in "αεη" and nxt == "υ" and not nxt_diaeresis:
            out.append(_GR_BASE[ch] + ("v" if after in _GR_VOICED else "f"))
            i += 2
            continue
        if ch == "ο" and nxt == "υ" and not nxt_diaeresis:
            out.append("ou")
            i += 2
            continue
        if ch == "γ" and nxt in ("γ", "κ", "ξ", "χ"):
            if nxt == "κ":
                out.append(
                    "gk" if scheme == "elot" else ("g" if i == 0 or scheme != "common" else "ng")
                )
            else:
                out.append({"γ": "ng", "ξ": "nx", "χ": "nch"}[nxt])
            i += 2
            continue
        if ch == "μ" and nxt == "π":
            out.append(
                "mp" if scheme == "elot" else ("b" if i == 0 or scheme == "phonetic" else "mb")
            )
            i += 2
            continue
        if ch == "ν" and nxt == "τ":
            out.append(
                "nt"
                if scheme == "elot"
                else ("d" if i == 0 else "nd" if scheme == "common" else "nt")
            )
            i += 2
            continue
        if scheme == "phonetic":
            if ch in "αεου" and nxt == "ι" and not nxt_diaeresis:
                out.append("e" if ch == "α" else "i")
                i += 2
                continue
            if ch == "γ" and i == 0 and nxt == "ι" and after in _GR_VOWELS:
                out.append("yi")
                i += 2
                continue
            if ch == "χ":
                out.append("h")
            elif ch == "υ":
                out.append("i")
            elif ch in "σς" and i and letters[i - 1][0] in _GR_VOWELS and nxt in _GR_VOWELS:
                out.append("ss")
            else:
                out.append(_GR_BASE.get(ch, ch))
        else:
            out.append(_GR_BASE.get(ch, ch))
        i += 1
    return _capitalise("".join(out))


# --------------------------------------------------------------------------------------------
# Japanese kana: Hepburn as the passport office writes it (long vowels dropped, M before B, M
# and P, or OH on request), modified Hepburn with macrons, word-processor kana spelling, Kunrei

_KANA_ROWS = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "ヴ": "vu",
}  # fmt: skip
_KUNREI = {"shi": "si", "chi": "ti", "tsu": "tu", "fu": "hu", "ji": "zi"}
_KANA_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
_KANA_SCHEMES = ("passport", "passport_oh", "macron", "wapuro", "kunrei")
_MACRON = {"o": "ō", "u": "ū", "a": "ā", "e": "ē", "i": "ī"}


def _katakana(text: str) -> str:
    return "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in text)


def _kana_morae(kana: str) -> list[str]:
    """Hepburn morae, with "Q" for the small tsu, "N" for the moraic n, "-" for the long mark."""
    morae: list[str] = []
    for ch in _katakana(kana):
        if ch == "ッ":
            morae.append("Q")
        elif ch == "ン":
            morae.append("N")
        elif ch == "ー":
            morae.append("-")
        elif ch in _KANA_SMALL_Y and morae and morae[-1].endswith("i") and len(morae[-1]) > 1:
            stem = morae[-1][:-1]
            morae[-1] = stem + ("" if stem in ("sh", "ch", "j") else "y") + _KANA_SMALL_Y[ch]
        elif ch in _KANA_ROWS:
            morae.append(_KANA_ROWS[ch])
    return morae


def _kunrei(mora: str) -> str:
    if mora in _KUNREI:
        return _KUNREI[mora]
    for hepburn, kunrei in (("sh", "sy"), ("ch", "ty"), ("j", "zy")):
        if mora.startswith(hepburn):
            return kunrei + mora[len(hepburn) :]
    return mora


_LONG_VOWELS = frozenset({("u", "o"), ("u", "u"), ("o", "o")})


def _kana_latin(kana: str, scheme: str) -> str:
    morae = _kana_morae(kana)
    if scheme == "kunrei":
        morae = [_kunrei(mora) for mora in morae]
    out: list[str] = []
    for i, mora in enumerate(morae):
        nxt = morae[i + 1] if i + 1 < len(morae) else ""
        if mora == "Q":
            if nxt and nxt not in ("Q", "N", "-"):
                out.append("t" if nxt.startswith("ch") else nxt[0])
            continue
        if mora == "N":
            if scheme in ("passport", "passport_oh"):
                out.append("m" if nxt[:1] in ("b", "m", "p") else "n")
            else:
                out.append("n'" if nxt[:1] in ("a", "i", "u", "e", "o", "y") else "n")
            continue
        prev_vowel = out[-1][-1:] if out else ""
        if prev_vowel and (
            mora == "-"
            or ((mora, prev_vowel) in _LONG_VOWELS and nxt not in ("a", "i", "u", "e", "o"))
        ):
            # A long vowel; the passport drops it (Sato, Yuki, Ono) unless asked for OH.
            if scheme == "passport_oh" and prev_vowel == "o":
                out.append("h")
            elif scheme == "macron":
                out[-1] = out[-1][:-1] + _MACRON.get(prev_vowel, prev_vowel)
            elif scheme == "wapuro":
                out.append(prev_vowel if mora == "-" else mora)
            continue
        out.append(mora)
    return "".join(out).capitalize()


# --------------------------------------------------------------------------------------------
# Korean Hangul: Revised Romanisation syllable by syllable (its rule for given names), and the
# popular spellings older passports and most people still carry (Soo, Young, Jung, Hyun, ...)

# fmt: off
_HANGUL_INITIAL = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "_", "j", "jj", "ch", "k", "t", "p", "h"]
_HANGUL_MEDIAL = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"]
_HANGUL_FINAL = ["_", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
# fmt: on


def _hangul_syllable(ch: str) -> tuple[int, int, int]:
    code = ord(ch) - 0xAC00
    return code // 588, (code % 588) // 28, code % 28


def _hangul_rr(ch: str) -> str:
    initial, medial, final = _hangul_syllable(ch)
    parts = (_HANGUL_INITIAL[initial], _HANGUL_MEDIAL[medial], _HANGUL_FINAL[final])
    return "".join(part for part in parts if part != "_")


def _hangul_popular(ch: str) -> str:
    initial, medial, final = _hangul_syllable(ch)
    head = "k" if initial == 0 else _HANGUL_INITIAL[initial].replace("_", "")
    vowel = _HANGUL_MEDIAL[medial]
    tail = "b" if final == 17 else _HANGUL_FINAL[final].replace("_", "")
    silent = initial == 11  # the initial ieung
    if initial == 9 and vowel in ("i", "ya", "yeo", "yo", "yu", "ye"):
        head, vowel = "sh", (vowel if vowel == "i" else vowel[1:])  # Shin, Shi
    if vowel == "eo" and tail:
        vowel = "u"  # Sung, Chul, Suk
    elif vowel == "yeo" and tail:
        if silent and tail == "ng":
            return "young"
        vowel = "yu"  # Hyun, Kyung, Myung
    elif vowel == "u":
        head, vowel = ("w" if silent else head), "oo"  # Soo, Joon, Woo
    elif vowel == "yu" and silent:
        vowel = "yoo"  # Yoo, Yoon
    elif vowel == "ui":
        vowel = "ui" if silent else "ee"  # Hee
    elif vowel == "i" and silent and not tail:
        vowel = "yi"
    return head + vowel + tail


def _korean_given_spellings(hangul: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Document spellings of a Korean given name with their shares: RR or popular syllables,
    written as one word, with a hyphen or with a space."""
    spellings: list[str] = []
    weights: list[float] = []
    for style, style_weight in ((_hangul_rr, 0.5), (_hangul_popular, 0.5)):
        syllables = [style(ch) for ch in hangul]
        for joiner, joiner_weight in (("", 0.45), ("-", 0.2), (" ", 0.35)):
            if joiner == " ":
                text = " ".join(syllable.capitalize() for syllable in syllables)
            else:
                text = joiner.join(syllables).capitalize()
            if text in spellings:
                weights[spellings.index(text)] += style_weight * joiner_weight
            else:
                spellings.append(text)
                weights.append(style_weight * joiner_weight)
    return tuple(spellings), tuple(weights)


# --------------------------------------------------------------------------------------------
# Chinese: Wade-Giles as Taiwan's passports write it (no apostrophes, no umlauts), from pinyin

_PINYIN_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
                    "j", "q", "x", "r", "z", "c", "s", "y", "w")  # fmt: skip
_WG_INITIAL = {"b": "p", "p": "p", "d": "t", "t": "t", "g": "k", "k": "k", "j": "ch", "q": "ch",
               "x": "hs", "zh": "ch", "ch": "ch", "r": "j", "z": "ts", "c": "ts"}  # fmt: skip


def _wade_giles(syllable: str) -> str:
    initial = next((head for head in _PINYIN_INITIALS if syllable.startswith(head)), "")
    final = syllable[len(initial) :]
    if initial in ("zh", "ch", "sh", "r") and final == "i":
        final = "ih"
    elif initial in ("z", "c", "s") and final == "i":
        return {"z": "tzu", "c": "tzu", "s": "ssu"}[initial]
    elif initial == "y":
        whole = {"you": "yu", "yi": "i", "ye": "yeh", "yan": "yen", "yong": "yung", "yue": "yueh"}
        return whole.get(syllable, syllable)
    elif (final == "uo" and initial not in ("g", "k", "h", "sh", "")) or (
        final == "e" and initial in ("g", "k", "h")
    ):
        final = "o"
    elif final == "ui" and initial in ("g", "k"):
        final = "uei"
    elif final == "er" and not initial:
        final = "erh"
    final = {"ian": "ien", "ie": "ieh", "ue": "ueh", "iong": "iung", "ong": "ung"}.get(final, final)
    return _WG_INITIAL.get(initial, initial) + final


# --------------------------------------------------------------------------------------------
# Curated names. Each line: the native form, its usual Latin spellings (most common first), and
# where a region writes it otherwise, that region's own order: eg Egypt, ma the Maghreb (French
# habits), sa Arabia, Iraq and Syria (English habits). "al:" marks a family name with the
# article, whose spellings are the stems; the article's forms (Al-, El, glued, assimilated,
# dropped) are added by region.

_ARABIC_GIVEN = """
m محمد: Mohamed, Mohammed, Muhammad, Mohammad, Mohamad; eg: Mohamed, Mohammed, Mohamad; ma: Mohamed, Mohammed, Mohammad; sa: Mohammed, Mohammad, Muhammad, Mohamed
m أحمد: Ahmed, Ahmad
m علي: Ali
m محمود: Mahmoud, Mahmud, Mahmood
m مصطفى: Mostafa, Mustafa, Moustafa, Mustapha; ma: Mustapha, Moustafa, Mustafa; sa: Mustafa, Mostafa
m حسن: Hassan, Hasan
m حسين: Hussein, Hussain, Husain, Houssein; ma: Houcine, Houssine, Hussein; sa: Hussein, Hussain, Husain
m عمر: Omar, Umar
m خالد: Khaled, Khalid; ma: Khalid, Khaled; sa: Khalid, Khaled
m يوسف: Youssef, Yousef, Yusuf, Yousif; ma: Youssef, Youcef, Yousef; sa: Yousef, Yusuf, Yousif, Youssef
m إبراهيم: Ibrahim, Ebrahim; ma: Brahim, Ibrahim
m عبد الله: Abdullah, Abdallah, Abdulla; eg: Abdallah, Abdullah; ma: Abdellah, Abdallah; sa: Abdullah, Abdulla, Abdallah
m عبد الرحمن: Abdelrahman, Abdul Rahman, Abdulrahman, Abdel Rahman; eg: Abdelrahman, Abdel Rahman, Abd El Rahman; ma: Abderrahmane, Abderrahman, Abdelrahman; sa: Abdulrahman, Abdul Rahman, Abdelrahman
m عبد العزيز: Abdulaziz, Abdelaziz, Abdul Aziz; eg: Abdelaziz, Abdel Aziz; ma: Abdelaziz, Abdelaaziz; sa: Abdulaziz, Abdul Aziz
m عبد الكريم: Abdulkarim, Abdelkarim, Abdul Karim; eg: Abdelkarim, Abdel Karim; ma: Abdelkrim, Abdelkarim; sa: Abdulkarim, Abdul Karim
m عبد الحميد: Abdelhamid, Abdul Hamid, Abdulhamid; eg: Abdel Hamid, Abdelhamid; ma: Abdelhamid; sa: Abdulhamid, Abdul Hamid
m سعيد: Said, Saeed; sa: Saeed, Said
m طارق: Tarek, Tariq, Tarik; ma: Tarik, Tarek; sa: Tariq, Tarek
m كريم: Karim, Kareem
m ياسر: Yasser, Yasir, Yaser; ma: Yassir, Yasser
m عادل: Adel, Adil; ma: Adil, Adel
m فيصل: Faisal, Faysal; ma: Fayçal, Faycal, Faisal
m ناصر: Nasser, Naser, Nasir; ma: Nacer, Nasser
m جمال: Jamal, Gamal; eg: Gamal, Jamal; ma: Jamal, Djamal
m صلاح: Salah
m هشام: Hisham, Hesham; eg: Hesham, Hisham; ma: Hicham, Hisham
m وليد: Walid, Waleed; sa: Waleed, Walid
m رشيد: Rashid, Rasheed; ma: Rachid, Rashid
m عماد: Imad, Emad; eg: Emad, Imad; sa: Emad, Imad
m زياد: Ziad, Ziyad
m ماجد: Majed, Majid; eg: Maged, Magid, Majed
m فهد: Fahad, Fahd
m سلطان: Sultan
m بندر: Bandar
m تركي: Turki, Torki
m نايف: Nayef, Naif, Nayif
m سعود: Saud, Saoud; ma: Saoud, Saud
m منصور: Mansour, Mansur, Mansoor
m حمزة: Hamza, Hamzah
m بلال: Bilal, Belal; eg: Belal, Bilal
m أنس: Anas
m أيمن: Ayman, Aymen; ma: Aymane, Aymen, Ayman
m أسامة: Osama, Usama, Ossama; ma: Oussama, Ousama; sa: Osama, Usama
m حازم: Hazem, Hazim
m رامي: Rami, Ramy; eg: Ramy, Rami
m شريف: Sherif, Sharif; ma: Cherif, Charif; sa: Sharif, Sherif
m عثمان: Othman, Osman, Uthman; eg: Osman, Othman; ma: Othmane, Otmane, Othman
m إسماعيل: Ismail, Esmail, Ismael; ma: Ismail, Smail
m موسى: Moussa, Musa, Mousa; sa: Musa, Mousa, Moussa
m عيسى: Issa, Isa, Eissa; eg: Eissa, Issa
m نبيل: Nabil, Nabeel
m جعفر: Jaafar, Jafar; ma: Jaafar, Jaafer
m قاسم: Qasim, Kassem, Qassem; ma: Kacem, Kassem; eg: Kassem, Qassem
m حيدر: Haidar, Haider, Hayder
m عباس: Abbas
m مهدي: Mahdi, Mehdi; ma: Mehdi, Mahdi
m رضا: Reda, Rida, Ridha; sa: Rida, Ridha, Reda
m سليمان: Suleiman, Sulaiman, Soliman; eg: Soliman, Suleiman; ma: Slimane, Soulaimane
m إدريس: Idris, Idriss; ma: Driss, Idriss
m نور الدين: Nour Eddine, Noureddine, Nour El Din; eg: Nour El Din, Nour Eldin; ma: Noureddine, Nour Eddine
m بدر: Badr, Bader
m فارس: Fares, Faris
m عمرو: Amr, Amro; eg: Amr
m ياسين: Yassin, Yasin, Yaseen; ma: Yassine, Yacine; sa: Yaseen, Yasin
m حسام: Hossam, Husam, Hussam; sa: Husam, Hussam
m أشرف: Ashraf
m وائل: Wael
m هاني: Hani, Hany; eg: Hany, Hani
m سامي: Sami, Samy; eg: Samy, Sami
m مراد: Mourad, Murad; sa: Murad, Mourad
f فاطمة: Fatima, Fatma, Fatimah, Fatema; eg: Fatma, Fatima; sa: Fatimah, Fatima
f عائشة: Aisha, Aysha, Aishah; ma: Aicha, Aïcha
f مريم: Mariam, Maryam; ma: Meriem, Maryam, Meryem; sa: Maryam, Mariam
f خديجة: Khadija, Khadeeja; eg: Khadiga, Khadija
f زينب: Zainab, Zaynab, Zeinab; eg: Zeinab, Zainab; ma: Zineb, Zaynab
f نور: Nour, Noor, Nur
f سارة: Sara, Sarah
f ليلى: Layla, Leila, Laila; ma: Leila, Laila
f هدى: Huda, Hoda; eg: Hoda, Huda; ma: Houda
f أمينة: Amina, Aminah, Ameena
f سلمى: Salma
f ياسمين: Yasmin, Yasmine, Yasmeen; ma: Yasmine
f منى: Mona, Muna; ma: Mouna, Mona
f رانيا: Rania, Ranya
f دينا: Dina
f هند: Hind, Hend; eg: Hend, Hind
f نادية: Nadia, Nadya, Nadiya
f سميرة: Samira, Sameera
f رشا: Rasha
f ريم: Reem, Rim; ma: Rim, Reem
f لينا: Lina, Leena
f هالة: Hala
f إيمان: Iman, Eman; eg: Eman, Iman; ma: Imane, Iman
f أسماء: Asma, Asmaa; eg: Asmaa, Asma; ma: Asmae, Asma
f سعاد: Souad, Suad, Soad; eg: Soad, Souad
f حنان: Hanan
f وفاء: Wafaa, Wafa; ma: Wafae, Wafaa
f شيماء: Shaimaa, Shaima, Shimaa; ma: Chaimae, Chaima
f غادة: Ghada
f نوال: Nawal
f جميلة: Jamila, Jameela; eg: Gamila, Jamila
f حليمة: Halima
f كريمة: Karima
f سناء: Sanaa, Sana; ma: Sanae, Sanaa
f لبنى: Lubna, Loubna; ma: Loubna
f بشرى: Bushra, Bouchra; ma: Bouchra
f دعاء: Doaa, Duaa; sa: Duaa, Doaa
f نجلاء: Najla, Najlaa; eg: Naglaa, Nagla
f سهام: Siham, Seham; eg: Seham, Siham
f ملك: Malak
f حياة: Hayat
f رقية: Ruqayya, Ruqaya, Rokaya; ma: Rokaya, Roukaya
f آمنة: Amna, Amena
"""

_ARABIC_FAMILY = """
[eg sy] المصري: al: Masri, Masry; eg: Masry, Masri
[eg] السيد: al: Sayed, Sayyed
[eg ma sa] الشريف: al: Sharif, Sherif; eg: Sherif, Sharif; ma: Cherif, Charif
[sa] القحطاني: al: Qahtani, Kahtani
[sa] العتيبي: al: Otaibi, Otaiby, Utaybi
[sa iq] الشمري: al: Shammari, Shamari
[sa] الغامدي: al: Ghamdi
[sa] الزهراني: al: Zahrani
[sa] الدوسري: al: Dosari, Dossary, Dawsari
[sa] الحربي: al: Harbi
[sa] المطيري: al: Mutairi, Mutairy
[sa iq] العنزي: al: Anazi, Enezi, Anizi
[sa] الشهري: al: Shehri, Shahri
[sa iq] المالكي: al: Maliki, Malki
[iq] الجبوري: al: Jubouri, Juburi, Jabouri
[iq sa sy] التميمي: al: Tamimi
[iq] الدليمي: al: Dulaimi, Dulaymi
[iq] العبيدي: al: Obaidi, Ubaidi, Obeidi
[iq] الربيعي: al: Rubaie, Rubaye, Rubai
[iq] الموسوي: al: Musawi, Moussawi, Mousawi
[iq] البغدادي: al: Baghdadi
[iq] الكبيسي: al: Kubaisi, Kubaissi
[iq] الساعدي: al: Saadi, Saedi
[iq sy] الحسيني: al: Husseini, Hussaini, Hosseini
[iq sa] النعيمي: al: Nuaimi, Naimi
[sy iq] العلي: al: Ali
[sy] الأحمد: al: Ahmad, Ahmed
[sy] الحلبي: al: Halabi
[sy] الشامي: al: Shami; ma: Chami
[sy eg] الخطيب: al: Khatib, Khateeb
[sy eg] العطار: al: Attar
[sy] الأسعد: al: Assaad, Asaad
[eg sy] النجار: al: Najjar; eg: Naggar, Najjar
[sy] حداد: Haddad, Hadad
[sy] خوري: Khoury, Khouri, Khuri
[sy] قباني: Kabbani, Qabbani
[sy eg] درويش: Darwish, Darweesh; ma: Darwich
[sy sa] حمدان: Hamdan
[sy ma] زيدان: Zeidan, Zaydan; ma: Zidane, Zeidane
[eg ma] مبارك: Mubarak; ma: Moubarak, Mbarek
[eg sa sy] صالح: Saleh, Salih
[eg] فرج: Farag, Faraj
[eg] عوض: Awad
[eg] جاد: Gad, Jad
[eg] رزق: Rizk, Rezk
[eg] شحاتة: Shehata, Shehatah
[eg] حجازي: Hegazy, Hegazi, Higazi
[eg sy] منصور: Mansour, Mansur
[eg] الشاذلي: al: Shazly, Shazli
[eg] عبد الحميد: Abdel Hamid, Abdelhamid
[eg] عبد العزيز: Abdel Aziz, Abdelaziz
[ma] العلوي: al: Alaoui, Alawi; ma: Alaoui
[ma] الإدريسي: al: Idrissi, Idrisi
[ma] بنعلي: Benali, Ben Ali
[ma] التازي: al: Tazi
[ma] الفاسي: al: Fassi, Fasi
[ma] بنجلون: Benjelloun, Ben Jelloun
[ma] بناني: Bennani, Benani
[ma] العمراني: al: Amrani
[ma] برادة: Berrada
[ma] الشرايبي: al: Chraibi
[ma] الطاهري: al: Tahiri
[ma] الوزاني: al: Ouazzani, Wazzani
[ma] بنكيران: Benkirane
[ma] لحلو: Lahlou
[ma] العثماني: al: Othmani, Otmani
[ma] الكتاني: al: Kettani, Kattani
[ma] بوزيد: Bouzid
"""

# The article's written forms by region, with their shares: {S} the stem, {s} the stem in
# lower case glued to the article, {sun} the article assimilated to a sun letter (At-Tamimi,
# Ettazi).
_ARABIC_ARTICLE = {
    "sa": (("Al-{S}", 0.40), ("Al {S}", 0.22), ("Al{s}", 0.16), ("{S}", 0.08), ("El-{S}", 0.04),
           ("al-{S}", 0.04), ("{sun}", 0.06)),
    "eg": (("El-{S}", 0.30), ("El {S}", 0.25), ("El{s}", 0.15), ("{S}", 0.15), ("Al-{S}", 0.10),
           ("Al {S}", 0.05)),
    "ma": (("El {S}", 0.35), ("{S}", 0.25), ("El-{S}", 0.10), ("Al {S}", 0.10), ("{sun}", 0.10),
           ("El{s}", 0.10)),
}  # fmt: skip
_ARABIC_SUN = {
    "sa": {"ت": "t", "ث": "th", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh",
           "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ن": "n"},
    "ma": {"ت": "t", "ث": "t", "د": "d", "ذ": "d", "ر": "r", "ز": "z", "س": "s", "ش": "ch",
           "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ن": "n"},
}  # fmt: skip

# Hebrew writes few vowels; Israeli documents carry the spelling the holder asked for.
_HEBREW_GIVEN = """
m משה: Moshe
m דוד: David
m יוסף: Yosef, Yossef, Josef
m אברהם: Avraham, Abraham
m יצחק: Yitzhak, Itzhak, Yitzchak, Itzhak
m יעקב: Yaakov, Yaacov, Yakov
m שמואל: Shmuel, Schmuel
m אריאל: Ariel
m דניאל: Daniel
m מיכאל: Michael, Mikhael
m אליהו: Eliyahu, Eliahu
m חיים: Haim, Chaim, Hayim
m אהרון: Aharon, Aaron
m בנימין: Binyamin, Benjamin
m שלמה: Shlomo
m מרדכי: Mordechai, Mordehai
m נתן: Natan, Nathan
m יהודה: Yehuda, Yehudah
m אורי: Uri, Ori
m עומר: Omer
m איתי: Itai, Itay
m נועם: Noam
m יונתן: Yonatan, Jonathan, Yehonatan
m עידו: Ido, Iddo
m אלון: Alon
m רון: Ron
m גיל: Gil
m עמית: Amit
m אסף: Asaf, Assaf
m רועי: Roi, Roee, Roy
m יובל: Yuval
m תומר: Tomer
m אייל: Eyal
m ליאור: Lior
m גיא: Guy, Gai
m אבי: Avi
m יואב: Yoav
m אליעזר: Eliezer
m צבי: Zvi, Tzvi, Tsvi
m שמעון: Shimon
m רפאל: Refael, Raphael, Rafael
m ניר: Nir
m דורון: Doron
m ערן: Eran
m שי: Shai, Shay
m אלי: Eli
f שרה: Sara, Sarah
f רחל: Rachel, Rahel
f לאה: Leah, Lea
f רבקה: Rivka, Rivkah
f מרים: Miriam, Miryam
f אסתר: Esther, Ester
f חנה: Hana, Hannah, Chana
f נועה: Noa
f תמר: Tamar
f מיכל: Michal
f יעל: Yael
f שירה: Shira
f מאיה: Maya, Maia
f רותם: Rotem
f הדס: Hadas, Hadass
f ליאת: Liat
f אורית: Orit
f דנה: Dana
f עדי: Adi
f שני: Shani
f טל: Tal
f רוני: Roni, Ronny
f אפרת: Efrat, Ephrat
f אביגיל: Avigail, Abigail
f נעמה: Naama
f ענבל: Inbal
f רינה: Rina
f אילנה: Ilana
f דבורה: Dvora, Devora, Deborah
f יהודית: Yehudit
f אסנת: Osnat
f מזל: Mazal
f זהבה: Zehava, Zahava
f חוה: Hava, Chava
f שושנה: Shoshana
f אורלי: Orly, Orli
f קרן: Keren
f סיגל: Sigal
f גלית: Galit
f אביטל: Avital
"""

_HEBREW_FAMILY = """
כהן: Cohen, Kohen, Cohn
לוי: Levi, Levy
מזרחי: Mizrahi, Mizrachi
פרץ: Peretz, Perez
ביטון: Biton, Bitton
דהן: Dahan
אברהם: Avraham, Abraham
פרידמן: Friedman, Fridman
מלכה: Malka
אזולאי: Azoulay, Azulay, Azoulai
כץ: Katz, Kats
יוסף: Yosef, Josef
דוד: David
עמר: Amar, Ammar
אוחיון: Ohayon, Ohion
חדד: Hadad, Haddad
גבאי: Gabay, Gabai
בן דוד: Ben David, Ben-David, Bendavid
אדרי: Edri, Edery
לוין: Levin, Lewin
טל: Tal
קליין: Klein
חזן: Hazan, Chazan
קפלן: Kaplan
גולן: Golan
אשכנזי: Ashkenazi
שפירא: Shapira, Shapiro
רוזנברג: Rosenberg, Rozenberg
שלום: Shalom
אלון: Alon
גרינברג: Greenberg, Grinberg
וייס: Weiss, Weis
סויסה: Suissa, Swisa
ברק: Barak
שמש: Shemesh
נחום: Nahum, Nachum
אלמוג: Almog
ששון: Sasson, Sason
רבינוביץ: Rabinovich, Rabinowitz, Rabinovitz
גולדברג: Goldberg
גולדשטיין: Goldstein, Goldshtein
ברגר: Berger
הורוביץ: Horowitz, Horovitz
אוחנה: Ohana
בן חיים: Ben Haim, Ben Chaim, Ben-Haim
אבוטבול: Abutbul, Aboutboul
וקנין: Vaknin, Waknin
מימון: Maimon, Maymon
עזרא: Ezra
צור: Tzur, Zur, Tsur
קורן: Koren
רביבו: Revivo
שטרן: Stern, Shtern
שגיא: Sagi, Sagie
פרלמן: Perlman
הלוי: Halevi, Halevy, Ha-Levi
בן שושן: Ben Shoshan, Ben-Shoshan
אלבז: Elbaz, Albaz
ניסים: Nissim, Nisim
בכר: Bachar
"""

_DEVANAGARI_GIVEN = """
m राहुल: Rahul
m अमित: Amit
m सुनील: Sunil
m अनिल: Anil
m राजेश: Rajesh
m सुरेश: Suresh
m रमेश: Ramesh
m महेश: Mahesh
m दिनेश: Dinesh
m मुकेश: Mukesh
m संजय: Sanjay, Sanjai
m विजय: Vijay, Vijai
m अजय: Ajay, Ajai
m मनोज: Manoj
m दीपक: Deepak, Dipak
m विकास: Vikas, Vikash
m प्रकाश: Prakash
m राकेश: Rakesh
m अशोक: Ashok, Asok
m आनंद: Anand
m अरुण: Arun
m विनोद: Vinod
m सतीश: Satish
m अभिषेक: Abhishek
m आदित्य: Aditya
m अर्जुन: Arjun
m रोहित: Rohit
m गौरव: Gaurav, Gourav
m सौरभ: Saurabh, Sourabh
m विवेक: Vivek
m नरेंद्र: Narendra, Narender
m सुरेंद्र: Surendra, Surender
m राजेंद्र: Rajendra, Rajender
m मोहन: Mohan
m कृष्ण: Krishna, Krishan
m राम: Ram
m श्याम: Shyam
m गणेश: Ganesh
m हरीश: Harish
m नितिन: Nitin
m सचिन: Sachin
m प्रदीप: Pradeep, Pradip
m संदीप: Sandeep, Sandip
m कुलदीप: Kuldeep, Kuldip
m मनीष: Manish
m आशीष: Ashish, Asheesh
m अनुराग: Anurag
m पंकज: Pankaj
m योगेश: Yogesh
m रवि: Ravi
m शिव: Shiv, Shiva
m मोहम्मद: Mohammad, Mohammed, Mohd
m इमरान: Imran
m आरिफ: Arif
f प्रिया: Priya
f पूजा: Pooja, Puja
f नेहा: Neha
f अंजलि: Anjali
f सुनीता: Sunita, Suneeta
f अनीता: Anita, Aneeta
f कविता: Kavita, Kavitha
f रेखा: Rekha
f सीमा: Seema, Sima
f ममता: Mamta, Mamata
f गीता: Geeta, Gita, Geetha
f सरिता: Sarita
f ज्योति: Jyoti, Jyothi
f दीपिका: Deepika, Dipika
f स्वाति: Swati, Swathi
f रीता: Rita, Reeta
f लक्ष्मी: Lakshmi, Laxmi
f सरस्वती: Saraswati, Saraswathi
f पार्वती: Parvati, Parvathi
f राधा: Radha
f शालिनी: Shalini
f मीना: Meena, Mina
f मीनाक्षी: Meenakshi, Minakshi
f निशा: Nisha
f रश्मि: Rashmi
f श्वेता: Shweta, Sweta, Swetha
f आरती: Aarti, Arti
f कोमल: Komal
f माधुरी: Madhuri
f सोनिया: Sonia, Soniya
f संगीता: Sangeeta, Sangita
f उषा: Usha
f आशा: Asha
f किरण: Kiran
f अनुष्का: Anushka
f दिव्या: Divya
f काजल: Kajal
f नीलम: Neelam, Nilam
f पल्लवी: Pallavi
f फातिमा: Fatima
"""

_DEVANAGARI_FAMILY = """
शर्मा: Sharma
वर्मा: Verma, Varma
गुप्ता: Gupta
सिंह: Singh
कुमार: Kumar
यादव: Yadav
मिश्रा: Mishra, Misra
पांडे: Pandey, Pande
त्रिपाठी: Tripathi
दुबे: Dubey, Dube
द्विवेदी: Dwivedi, Dvivedi
चतुर्वेदी: Chaturvedi
जोशी: Joshi
पटेल: Patel
शाह: Shah
मेहता: Mehta
देसाई: Desai
अग्रवाल: Agarwal, Aggarwal, Agrawal
जैन: Jain
खन्ना: Khanna
कपूर: Kapoor, Kapur
मल्होत्रा: Malhotra
अरोड़ा: Arora
बंसल: Bansal
गोयल: Goyal, Goel
मित्तल: Mittal
सक्सेना: Saxena, Saksena
राठौर: Rathore, Rathour
ठाकुर: Thakur
चौहान: Chauhan
चौधरी: Chaudhary, Choudhary, Chaudhry, Chowdhury
श्रीवास्तव: Srivastava, Shrivastava
तिवारी: Tiwari, Tewari
शुक्ला: Shukla
उपाध्याय: Upadhyay, Upadhyaya
भारद्वाज: Bhardwaj, Bharadwaj
सिन्हा: Sinha
प्रसाद: Prasad
निगम: Nigam
माथुर: Mathur
सेठी: Sethi
आहूजा: Ahuja
बत्रा: Batra
गिल: Gill
संधू: Sandhu
ढिल्लों: Dhillon
भाटिया: Bhatia
कोहली: Kohli
चोपड़ा: Chopra
दत्ता: Dutta, Datta
रस्तोगी: Rastogi
खान: Khan
अंसारी: Ansari
कुरैशी: Qureshi, Kureshi, Quraishi
सैयद: Syed, Sayed
रेड्डी: Reddy
राव: Rao
नायर: Nair
अय्यर: Iyer, Aiyar
मुखर्जी: Mukherjee, Mukerji
बनर्जी: Banerjee, Banerji
चटर्जी: Chatterjee, Chatterji
घोष: Ghosh
दास: Das
सेन: Sen
भट्ट: Bhatt, Bhat
कुलकर्णी: Kulkarni
देशपांडे: Deshpande
पाटिल: Patil
शिंदे: Shinde
मेनन: Menon
पिल्लई: Pillai
"""

# Thai passports carry a spelling the holder chooses, often the RTGS one or an older,
# etymological one (Siriporn rather than Siriphon); only names whose Thai form is sure.
_THAI_GIVEN = """
m สมชาย: Somchai
m สมศักดิ์: Somsak
m สมพงษ์: Sompong, Somphong
m สมบัติ: Sombat
m ประเสริฐ: Prasert, Prasoet
m วิชัย: Wichai, Vichai
m สุรชัย: Surachai
m ชัยวัฒน์: Chaiwat, Chaiwath
m อนุชา: Anucha
m กิตติ: Kitti
m ธนากร: Thanakorn, Thanakon
m ณัฐพล: Nattapon, Natthaphon, Nattaphol
m พงศกร: Pongsakorn, Phongsakon
m วีระ: Weera, Wira, Veera
m ประยุทธ์: Prayut, Prayuth
m ทักษิณ: Thaksin
m อภิชาติ: Apichart, Aphichat
m สุริยา: Suriya
m ธีรพงษ์: Teerapong, Thiraphong
m วรวุฒิ: Worawut, Woravut
m อนันต์: Anan
m บุญชัย: Boonchai, Bunchai
m สุชาติ: Suchart, Suchat
m ศักดิ์ชัย: Sakchai
m เกียรติศักดิ์: Kiattisak, Kiatisak
m ธนพล: Thanaphon, Thanapol, Tanapon
m ปิยะ: Piya
m วิทยา: Wittaya, Witthaya, Vittaya
m สุทธิพงษ์: Sutthiphong, Suttipong
m ชาญชัย: Chanchai, Charnchai
m นพดล: Noppadol, Nopphadon
m อำนาจ: Amnat, Amnaj
m บุญเลิศ: Boonlert, Bunloet
m สมหมาย: Sommai
m สุเทพ: Suthep, Sutep
m ยุทธนา: Yuttana, Yutthana
m เอกชัย: Ekachai, Ekkachai
m ไพโรจน์: Pairoj, Phairot
m ไพศาล: Paisal, Phaisan, Paisarn
m มานพ: Manop
f สมหญิง: Somying
f สุดา: Suda
f มาลี: Malee, Mali
f นภา: Napa, Napha
f กาญจนา: Kanchana, Kanjana
f วันเพ็ญ: Wanpen, Wanphen
f ศิริพร: Siriporn, Siriphon
f สุภาพร: Supaporn, Suphaphon
f อรุณี: Arunee, Aruni
f ปิยะนุช: Piyanuch, Piyanut
f รัตนา: Rattana, Ratana
f ดวงใจ: Duangjai, Duangchai
f นิตยา: Nittaya, Nitaya
f อัญชลี: Anchalee, Anchali
f จิราพร: Jiraporn, Chiraphon
f วราภรณ์: Waraporn, Waraphon
f ธิดา: Thida, Tida
f ปราณี: Pranee, Prani
f สุนีย์: Sunee, Suni
f มณี: Manee, Mani
f บุษบา: Busaba, Butsaba
f ณัฐธิดา: Nattida, Natthida
f กัลยา: Kanlaya, Kalaya
f อรทัย: Orathai, Oratai
f จันทร์เพ็ญ: Chanpen, Janpen
f ศรีสุดา: Srisuda, Sisuda
f สุนันทา: Sunanta, Sunantha
f เพ็ญศรี: Pensri, Phensi
f ละมัย: Lamai
f พรทิพย์: Porntip, Phonthip, Pornthip
f ขวัญใจ: Kwanjai, Khwanchai
f อุไร: Urai
f สมใจ: Somjai, Somchai
f นงลักษณ์: Nongluck, Nonglak
f ยุพา: Yupa, Yupha
f วิไล: Wilai, Vilai
f เยาวลักษณ์: Yaowaluck, Yaowalak
f สมพร: Somporn, Somphon
"""

_THAI_FAMILY = """
ใจดี: Jaidee, Chaidi
ศรีสุข: Srisuk, Sisuk
แก้วมณี: Kaewmanee, Kaeomani
ทองดี: Thongdee, Tongdee, Thongdi
บุญมา: Boonma, Bunma
จันทร์แก้ว: Chankaew, Jankaew, Chankaeo
ทองคำ: Thongkham, Tongkham
แสงทอง: Saengthong, Sangthong
ศรีทอง: Srithong, Sithong
บุญเรือง: Boonruang, Bunrueang
วงศ์สวัสดิ์: Wongsawat, Wongsawasdi
สมบูรณ์: Somboon, Sombun
รุ่งเรือง: Rungruang, Rungrueang
เจริญสุข: Charoensuk, Jaroensuk
ทองมา: Thongma, Tongma
มีสุข: Meesuk, Misuk
ชัยมงคล: Chaimongkol, Chaimongkhon
ศรีวงศ์: Sriwong, Siwong
เพชรรัตน์: Petcharat, Phetcharat
ประเสริฐสุข: Prasertsuk, Prasoetsuk
สุขสวัสดิ์: Suksawat, Suksawasdi
บุญยืน: Boonyuen, Bunyuen
ทองสุข: Thongsuk, Tongsuk
ศรีสวัสดิ์: Srisawat, Sisawat
สุวรรณรัตน์: Suwannarat, Suwanarat
พรหมมา: Phromma, Promma
บุญประเสริฐ: Boonprasert, Bunprasoet
วงศ์ใหญ่: Wongyai
จันทร์หอม: Chanhom, Janhom
สายทอง: Saithong, Saitong
แก้วประเสริฐ: Kaewprasert, Kaeoprasoet
ศรีประเสริฐ: Sriprasert, Siprasoet
ปัญญาดี: Panyadee, Panyadi
กิตติวงศ์: Kittiwong, Kittivong
ชัยประเสริฐ: Chaiprasert, Chaiprasoet
สุขเจริญ: Sukcharoen, Sukjaroen
เจริญผล: Charoenphon, Charoenpol
ศรีสมบูรณ์: Srisomboon, Sisombun
บุญศรี: Boonsri, Bunsi
ทองประเสริฐ: Thongprasert, Thongprasoet
แก้วใส: Kaewsai, Kaeosai
สิทธิชัย: Sittichai, Sitthichai
"""

# Chinese: simplified characters, the share of the population in per cent, the pinyin of the
# PRC's documents, then the spellings the diaspora and older records use (Wade-Giles,
# Cantonese, Hokkien); Wade-Giles is also derived from the pinyin below.
_CHINESE_FAMILY = """
王 7.1 Wang: Wong, Ong
李 7.0 Li: Lee, Lei
张 6.7 Zhang: Cheung, Teo, Chong
刘 5.1 Liu: Lau, Lao, Lew
陈 4.6 Chen: Chan, Tan, Chin
杨 3.2 Yang: Yeung, Young
黄 2.4 Huang: Wong, Hwang, Ng, Ooi
赵 2.0 Zhao: Chiu, Chew
吴 2.0 Wu: Ng, Goh, Woo
周 1.9 Zhou: Chow, Chau
徐 1.45 Xu: Tsui, Chui
孙 1.38 Sun: Suen
马 1.29 Ma: Mah
朱 1.28 Zhu: Chu, Choo
胡 1.16 Hu: Wu, Woo
郭 1.13 Guo: Kwok, Quek
林 1.13 Lin: Lam, Lim
何 1.06 He: Ho
高 1.0 Gao: Ko
罗 0.95 Luo: Lo, Law, Loh
郑 0.9 Zheng: Cheng, Tay
梁 0.85 Liang: Leung, Leong
谢 0.8 Xie: Tse, Cheah
宋 0.7 Song: Sung, Soong
唐 0.7 Tang: Tong
许 0.67 Xu: Hui, Koh
韩 0.66 Han: Hon
冯 0.64 Feng: Fung, Fong
邓 0.63 Deng: Tang
曹 0.62 Cao: Tso, Chou
彭 0.6 Peng: Pang, Phang
曾 0.6 Zeng: Tsang
肖 0.58 Xiao: Siu, Seow
田 0.5 Tian: Tin
董 0.5 Dong: Tung
袁 0.48 Yuan: Yuen
潘 0.47 Pan: Poon, Phua
于 0.46 Yu: Yue
蒋 0.45 Jiang: Cheung
蔡 0.44 Cai: Choi, Chua, Tsoi
余 0.43 Yu: Yee
杜 0.42 Du: To
叶 0.42 Ye: Yip, Yap
程 0.4 Cheng: Ching
苏 0.4 Su: So, Soo
魏 0.38 Wei: Ngai
吕 0.37 Lyu: Lv, Lü, Lu, Lui
丁 0.36 Ding: Ting
任 0.35 Ren: Yam
沈 0.35 Shen: Shum, Sim
姚 0.33 Yao: Yiu
卢 0.33 Lu: Lo, Lou
姜 0.32 Jiang: Keung
崔 0.31 Cui: Choi, Chui
钟 0.3 Zhong: Chung, Chong
谭 0.3 Tan: Tam, Tham
陆 0.29 Lu: Luk, Loke
汪 0.29 Wang: Wong
范 0.28 Fan: Faan
金 0.27 Jin: Kam, Kim
石 0.27 Shi: Shek
廖 0.26 Liao: Liu, Leow
贾 0.26 Jia: Ka
夏 0.25 Xia: Ha
方 0.24 Fang: Fong
白 0.23 Bai: Pak, Peh
邹 0.23 Zou: Chau
孟 0.23 Meng: Mang
熊 0.22 Xiong: Hung
秦 0.22 Qin: Chun
邱 0.22 Qiu: Yau, Khoo
江 0.22 Jiang: Kong
薛 0.2 Xue: Sit
段 0.2 Duan: Tuen
雷 0.2 Lei: Lui
侯 0.2 Hou: Hau
龙 0.19 Long: Lung
陶 0.18 Tao: To
黎 0.18 Li: Lai
顾 0.17 Gu: Koo
毛 0.17 Mao: Mo
龚 0.16 Gong: Kung
邵 0.16 Shao: Shiu
万 0.16 Wan: Man
钱 0.15 Qian: Chin
戴 0.15 Dai: Tai
莫 0.14 Mo: Mok
孔 0.14 Kong: Hung
欧阳 0.05 Ouyang: Au-Yeung, Auyeung
司马 0.01 Sima: Szema
诸葛 0.005 Zhuge: Chuko
上官 0.005 Shangguan: Shangkuan
"""

# Given names with their pinyin syllables.
_CHINESE_GIVEN = """
m 伟: wei
m 强: qiang
m 磊: lei
m 军: jun
m 勇: yong
m 杰: jie
m 涛: tao
m 明: ming
m 超: chao
m 刚: gang
m 平: ping
m 辉: hui
m 鹏: peng
m 华: hua
m 飞: fei
m 鑫: xin
m 波: bo
m 斌: bin
m 宇: yu
m 浩: hao
m 凯: kai
m 健: jian
m 帅: shuai
m 旭: xu
m 龙: long
m 阳: yang
m 建华: jian hua
m 建国: jian guo
m 建军: jian jun
m 志强: zhi qiang
m 志明: zhi ming
m 永刚: yong gang
m 海涛: hai tao
m 小明: xiao ming
m 晓东: xiao dong
m 国强: guo qiang
m 文博: wen bo
m 子轩: zi xuan
m 浩然: hao ran
m 宇轩: yu xuan
m 俊杰: jun jie
m 家豪: jia hao
m 天宇: tian yu
m 德华: de hua
m 振华: zhen hua
f 芳: fang
f 娜: na
f 敏: min
f 静: jing
f 丽: li
f 艳: yan
f 娟: juan
f 霞: xia
f 燕: yan
f 玲: ling
f 婷: ting
f 雪: xue
f 琳: lin
f 颖: ying
f 倩: qian
f 洁: jie
f 慧: hui
f 红: hong
f 梅: mei
f 秀英: xiu ying
f 桂英: gui ying
f 秀兰: xiu lan
f 玉兰: yu lan
f 丽华: li hua
f 晓燕: xiao yan
f 丽娟: li juan
f 海燕: hai yan
f 婷婷: ting ting
f 欣怡: xin yi
f 梓涵: zi han
f 诗涵: shi han
f 雨桐: yu tong
f 佳怡: jia yi
f 美玲: mei ling
f 春梅: chun mei
f 淑珍: shu zhen
f 凤英: feng ying
f 晓红: xiao hong
f 文静: wen jing
f 雅婷: ya ting
f 佳琪: jia qi
"""

# Korean family names: Hangul, the share in per cent (2015 census, rounded), and the spellings
# passports carry with their shares (Lee far more than Yi or Rhee, Park than Pak or Bak).
_KOREAN_FAMILY = """
김 21.5 Kim
이 14.7 Lee 0.93, Yi 0.04, Rhee 0.02, Rhie 0.01
박 8.4 Park 0.93, Pak 0.04, Bak 0.02, Bahk 0.01
최 4.7 Choi 0.94, Choe 0.05, Chey 0.01
정 4.3 Jung 0.55, Jeong 0.3, Chung 0.12, Joung 0.03
강 2.3 Kang 0.97, Gang 0.03
조 2.1 Cho 0.85, Jo 0.13, Joe 0.02
윤 2.1 Yoon 0.7, Yun 0.3
장 2.0 Jang 0.7, Chang 0.3
임 1.7 Lim 0.75, Im 0.2, Rim 0.05
한 1.5 Han
오 1.5 Oh 0.9, O 0.1
서 1.5 Seo 0.75, Suh 0.22, Sur 0.03
신 1.5 Shin 0.9, Sin 0.1
권 1.4 Kwon 0.9, Gwon 0.1
황 1.4 Hwang
안 1.4 Ahn 0.7, An 0.3
송 1.3 Song
류 1.3 Ryu 0.6, Yoo 0.2, Ryoo 0.1, Rhyu 0.1
유 1.9 Yoo 0.6, Yu 0.35, You 0.05
전 1.1 Jeon 0.55, Jun 0.25, Chun 0.2
홍 1.1 Hong
고 0.9 Ko 0.8, Go 0.15, Koh 0.05
문 0.9 Moon 0.85, Mun 0.15
양 0.9 Yang
손 0.9 Son 0.8, Sohn 0.2
배 0.8 Bae 0.9, Pae 0.1
백 0.7 Baek 0.6, Paik 0.25, Paek 0.1, Back 0.05
허 0.6 Heo 0.5, Hur 0.3, Huh 0.2
남 0.6 Nam
심 0.5 Shim 0.8, Sim 0.2
노 0.4 Noh 0.5, Roh 0.3, No 0.2
하 0.5 Ha
곽 0.4 Kwak 0.9, Gwak 0.1
성 0.4 Sung 0.7, Seong 0.3
차 0.4 Cha
주 0.4 Joo 0.6, Ju 0.3, Chu 0.1
우 0.4 Woo 0.9, U 0.1
구 0.4 Koo 0.6, Gu 0.25, Ku 0.15
나 0.4 Na 0.9, Ra 0.1
민 0.3 Min
진 0.3 Jin 0.8, Chin 0.2
지 0.3 Ji 0.8, Chi 0.2
엄 0.3 Eom 0.4, Um 0.35, Uhm 0.25
채 0.3 Chae
원 0.3 Won
천 0.2 Cheon 0.5, Chun 0.5
방 0.2 Bang
공 0.2 Kong 0.8, Gong 0.2
현 0.2 Hyun 0.7, Hyeon 0.3
함 0.2 Ham
변 0.3 Byun 0.7, Byeon 0.2, Pyun 0.1
염 0.1 Yeom 0.5, Yum 0.5
여 0.1 Yeo 0.7, Yuh 0.3
추 0.1 Choo 0.7, Chu 0.3
도 0.1 Do 0.8, Doh 0.2
소 0.1 So
석 0.1 Seok 0.6, Suk 0.4
선 0.1 Sun 0.6, Seon 0.4
설 0.1 Seol 0.6, Sul 0.4
마 0.1 Ma
길 0.1 Gil 0.6, Kil 0.4
연 0.1 Yeon 0.6, Youn 0.4
위 0.1 Wi 0.6, Wee 0.4
표 0.1 Pyo
명 0.1 Myung 0.7, Myeong 0.3
기 0.1 Ki 0.7, Gi 0.3
반 0.05 Ban 0.7, Pan 0.3
왕 0.05 Wang
금 0.1 Keum 0.6, Geum 0.4
옥 0.05 Ok
육 0.05 Yook 0.6, Yuk 0.4
인 0.05 In
맹 0.05 Maeng
제 0.05 Je 0.6, Jae 0.4
모 0.05 Mo
탁 0.04 Tak
국 0.04 Kook 0.6, Guk 0.4
남궁 0.04 Namgung 0.6, Namkoong 0.4
황보 0.02 Hwangbo
제갈 0.01 Jegal
선우 0.01 Sunwoo 0.7, Seonu 0.3
독고 0.005 Dokgo 0.7, Tokko 0.3
"""

# Japanese names beyond Faker's: kanji, kana.
_JAPANESE_EXTRA = """
m 大輔 ダイスケ
m 健太 ケンタ
m 翔 ショウ
m 誠 マコト
m 達也 タツヤ
m 大樹 ダイキ
m 蓮 レン
m 悠斗 ユウト
m 隆 タカシ
m 剛 ツヨシ
m 一郎 イチロウ
m 健二 ケンジ
m 正人 マサト
m 雄一 ユウイチ
m 浩二 コウジ
f 美咲 ミサキ
f 愛 アイ
f 由美 ユミ
f 恵 メグミ
f 真由美 マユミ
f 智子 トモコ
f 幸子 サチコ
f 恵子 ケイコ
f 京子 キョウコ
f 優子 ユウコ
f 彩 アヤ
f 美穂 ミホ
f さくら サクラ
f 陽菜 ヒナ
- 大野 オオノ
- 小野 オノ
- 伊東 イトウ
- 工藤 クドウ
- 上田 ウエダ
- 原田 ハラダ
- 中野 ナカノ
- 原 ハラ
- 松井 マツイ
- 野口 ノグチ
- 菊地 キクチ
- 木下 キノシタ
- 佐野 サノ
- 大塚 オオツカ
- 千葉 チバ
- 武田 タケダ
- 新井 アライ
- 高木 タカギ
- 和田 ワダ
- 石田 イシダ
- 内田 ウチダ
- 河野 コウノ
- 本田 ホンダ
- 須藤 スドウ
- 菅原 スガワラ
- 今井 イマイ
- 本間 ホンマ
- 服部 ハットリ
"""

# Serbian names are written in Cyrillic; documents carry Gaj's Latin letters.
_SERBIAN_GIVEN = """
m Никола Марко Стефан Лазар Милош Јован Петар Душан Александар Немања Урош Вук Огњен Филип
m Драган Зоран Горан Дејан Милан Бранко Слободан Небојша Владимир Срђан Жељко Ђорђе Миодраг
m Бојан Дарко Предраг Ненад Живорад
f Јелена Милица Ана Марија Јована Тамара Ивана Драгана Снежана Мирјана Катарина Сања Теодора
f Невена Александра Бранка Гордана Љиљана Весна Зорица Даница Сара Анђела Тијана Биљана
f Јасмина Наташа Оливера Светлана Душица
"""
_SERBIAN_FAMILY = """
Јовановић Петровић Николић Марковић Ђорђевић Стојановић Илић Станковић Павловић Милошевић
Стевановић Ђукић Томић Поповић Милић Лазић Јанковић Симић Костић Вуковић Живковић Митић
Радовановић Обрадовић Матић Ристић Пешић Тодоровић Благојевић Ђурић Крстић Јовић Савић
Стојковић Милановић Антић Миловановић Марјановић Васић Гајић Ћирић Бошковић Радић Станојевић
Филиповић Лукић Миљковић Џаферовић Шаповић Жунић Ћосић Ђокић Алексић Вељковић Тасић Перић
Николић Нешић Глишић Максимовић
"""

# Bulgarian: common given names; family names come with a masculine and a feminine form.
_BULGARIAN_GIVEN = """
m Георги Иван Димитър Николай Петър Христо Стоян Тодор Йордан Васил Стефан Александър Атанас
m Красимир Пламен Валентин Борис Емил Мартин Калоян Любомир Цветан Венцислав Румен Ивайло
m Кирил Росен Симеон Станислав Веселин
f Мария Иванка Елена Йорданка Пенка Надежда Гергана Десислава Петя Цветелина Радка Виктория
f Даниела Силвия Милена Теодора Росица Стефка Светла Екатерина Галина Анна Николета Веселина
f Красимира Мариана Румяна Снежана Антоанета Златка
"""
_BULGARIAN_FAMILY = """
Иванов Георгиев Димитров Петров Николов Христов Стоянов Тодоров Илиев Василев Атанасов Петков
Ангелов Йорданов Колев Маринов Стефанов Попов Михайлов Костов Димов Кръстев Русев Станев
Великов Генов Лазаров Павлов Добрев Симеонов Цветков Радев Киров Янев Нейчев Борисов Методиев
Александров Алексиев Григоров Кирилов Ненов Стойчев Славов Митев Желев Пенчев Вълчев
"""

# The most common names first, as national statistics list them; Faker's lists follow in a fixed
# shuffled order, so that Zipf's law puts the real top names at the top.
_LATIN_TOP = {
    "fr": (
        "Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Daniel Bernard Frédéric "
        "Laurent Éric Thomas Julien François Stéphane David Jérôme Sébastien",
        "Marie Nathalie Isabelle Sylvie Catherine Françoise Christine Monique Valérie Sandrine "
        "Sophie Céline Hélène Stéphanie Julie Camille Émilie Chloé",
        "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
        "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard François Mercier Lefèvre Garnier "
        "Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément",
    ),
    "de": (
        "Peter Michael Thomas Andreas Wolfgang Klaus Jürgen Günter Stefan Christian Uwe Werner "
        "Frank Hans Bernd Jörg Lukas Jan Matthias Sebastian",
        "Ursula Monika Petra Sabine Renate Helga Karin Brigitte Ingrid Erika Andrea Gisela "
        "Claudia Susanne Birgit Anna Julia",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
        "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
        "Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Köhler Maier Herrmann König "
        "Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel "
        "Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht "
        "Schuster Böhm Jäger Groß Kühn Krämer",
    ),
    "es": (
        "José|Antonio|Manuel|Francisco|Juan|David|José Antonio|José Luis|Javier|Francisco Javier|"
        "Jesús|Daniel|Carlos|Miguel|Alejandro|José Manuel|Rafael|Pedro|Ángel|Pablo",
        "María Carmen|María|Carmen|Ana María|Laura|María Pilar|María Dolores|Isabel|Josefa|Marta|"
        "Lucía|Cristina|Dolores|Ana|Pilar|Elena|Raquel|Sara|Paula",
        "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez "
        "Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres "
        "Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina Castro Ortiz Rubio Marín Núñez",
    ),
    "it": (
        "Giuseppe Giovanni Antonio Mario Luigi Francesco Angelo Vincenzo Pietro Salvatore Carlo "
        "Franco Domenico Bruno Paolo Michele Giorgio Luca Marco Andrea Alessandro Niccolò",
        "Maria Anna Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Caterina Francesca "
        "Antonietta Carla Elena Concetta Rita Giulia Chiara Sara",
        "Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|"
        "Conti|De Luca|Mancini|Costa|Giordano|Rizzo|Lombardi|Moretti|Barbieri|Fontana|Santoro|"
        "Mariani|Rinaldi|Caruso|Ferrara|Galli|Martini|Leone|D'Angelo|De Santis|Fabbri|Di Stefano",
    ),
    "pl": (
        "Piotr Krzysztof Andrzej Tomasz Paweł Jan Michał Marcin Jakub Adam Łukasz Marek Grzegorz "
        "Mateusz Wojciech Mariusz Dariusz Zbigniew",
        "Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Magdalena Elżbieta "
        "Joanna Aleksandra Zofia Monika Teresa Danuta",
        "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
        "Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Wojciechowski Krawczyk "
        "Kaczmarek Piotrowski Grabowski Zając Pawłowski Michalski Król Wieczorek Jabłoński "
        "Wróbel Nowakowski Majewski Olszewski",
    ),
    "tr": (
        "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan "
        "Halil Süleyman Abdullah Mahmut Recep Salih Fatih Emre Burak",
        "Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve Havva "
        "Zeliha Esra Fadime Özlem Büşra",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç "
        "Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan Yavuz Can "
        "Acar Şen Aktaş Güler Yalçın Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer",
    ),
    "pt": (
        "José João Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luís Gabriel Rafael "
        "Daniel Marcelo Bruno Eduardo Felipe",
        "Maria Ana Francisca Antônia Adriana Juliana Márcia Fernanda Patrícia Aline Sandra "
        "Camila Amanda Bruna Jéssica Letícia Júlia Luciana",
        "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro "
        "Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento "
        "Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Ramos Gonçalves Santana "
        "Teixeira Araújo Conceição Jesus Cunha",
    ),
    "nl": (
        "Jan Johannes Cornelis Hendrik Willem Pieter Gerrit Jacobus Peter Hans Daan Sem Lucas "
        "Thomas Bram Jeroen Mark Dennis",
        "Maria Johanna Anna Elisabeth Cornelia Wilhelmina Sanne Emma Julia Anne Lisa Femke Anouk "
        "Linda Monique Sandra",
        "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|"
        "Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|"
        "Smits|de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|"
        "van der Veen|van den Broek|de Bruijn|de Bruin|van der Heijden|Schouten|van Beek|Willems|"
        "van Vliet|van de Ven|Hoekstra|Maas|Verhoeven|Koster|van Dam|van der Wal|Prins|Blom|"
        "Huisman",
    ),
}
# Brazilian surnames often carry their preposition.
_PT_PARTICLES = {"Silva": "da", "Santos": "dos", "Oliveira": "de", "Souza": "de", "Costa": "da",
                 "Almeida": "de", "Nascimento": "do", "Jesus": "de", "Conceição": "da",
                 "Cruz": "da", "Lima": "de", "Carvalho": "de", "Andrade": "de", "Freitas": "de",
                 "Rocha": "da", "Cunha": "da", "Araújo": "de", "Moraes": "de", "Paula": "de"}  # fmt: skip
# fmt: off
_PARTICLE_WORDS = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "do", "dos", "du", "des", "la", "le", "zu", "al", "el", "bin", "ben", "ibn", "'t", "ter"]
)
# fmt: on

_CYRILLIC_TOP = {
    "ru": (
        "Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артём Владимир "
        "Николай Игорь Олег Юрий Павел Роман Денис Антон Виктор",
        "Елена Ольга Наталья Татьяна Ирина Анна Светлана Мария Екатерина Юлия Анастасия Марина "
        "Людмила Галина Валентина Дарья Ксения Надежда",
        "Александрович Сергеевич Владимирович Николаевич Иванович Викторович Анатольевич "
        "Юрьевич Михайлович Алексеевич Андреевич Петрович",
        "Александровна Сергеевна Владимировна Николаевна Ивановна Викторовна Анатольевна "
        "Юрьевна Михайловна Алексеевна Андреевна Петровна",
    ),
    "uk": (
        "Олександр Сергій Андрій Володимир Микола Іван Дмитро Віктор Юрій Олег Василь Михайло "
        "Петро Богдан Тарас Максим Євген Ігор",
        "Олена Наталія Тетяна Ірина Оксана Світлана Юлія Марія Анна Людмила Галина Ольга "
        "Катерина Вікторія Анастасія",
        "Олександрович Сергійович Володимирович Миколайович Іванович Вікторович Петрович",
        "Олександрівна Сергіївна Володимирівна Миколаївна Іванівна Вікторівна Петрівна",
    ),
}
_UKRAINIAN_FAMILY_TOP = (
    "Мельник Шевченко Бойко Коваленко Бондаренко Ткаченко Кравченко Ковальчук Коваль Олійник "
    "Шевчук Поліщук Ткачук Савченко Бондар Марченко Руденко Мороз Лисенко Петренко"
)
_GREEK_TOP = (
    "Γεώργιος Ιωάννης Κωνσταντίνος Δημήτριος Νικόλαος Παναγιώτης Βασίλειος Χρήστος Αθανάσιος "
    "Μιχαήλ Ευάγγελος Σπυρίδων Αντώνιος Ανδρέας Θεόδωρος Ελευθέριος Σταύρος Αλέξανδρος "
    "Εμμανουήλ Πέτρος",
    "Μαρία Ελένη Αικατερίνη Βασιλική Σοφία Αγγελική Γεωργία Δήμητρα Κωνσταντίνα Παρασκευή "
    "Ιωάννα Χριστίνα Ευαγγελία Αναστασία Ευτυχία Άννα Φωτεινή Ειρήνη Παναγιώτα Θεοδώρα",
    "Παπαδόπουλος:Παπαδοπούλου Βλάχος:Βλάχου Αγγελόπουλος:Αγγελοπούλου Νικολάου:Νικολάου "
    "Γεωργίου:Γεωργίου Δημητρίου:Δημητρίου Ιωάννου:Ιωάννου Παπαδάκης:Παπαδάκη "
    "Οικονόμου:Οικονόμου Μακρής:Μακρή Κωνσταντινίδης:Κωνσταντινίδου Παπανικολάου:Παπανικολάου "
    "Καραγιάννης:Καραγιάννη Παπαγεωργίου:Παπαγεωργίου Αθανασίου:Αθανασίου "
    "Χριστοδούλου:Χριστοδούλου Μιχαηλίδης:Μιχαηλίδου Ζερβός:Ζερβού Παππάς:Παππά",
)
# Aliases: the English given names East Asians often go by.
_WESTERN_GIVEN = (
    "David Michael John Kevin Jason Eric Daniel Peter Andrew Tony Jack Steven",
    "Grace Jenny Amy Helen Linda Emily Vivian Cindy Annie Sophie Joyce Michelle",
)


# --------------------------------------------------------------------------------------------
# Naming cultures: how a people writes a name natively and what its documents make of it


@dataclass(frozen=True, slots=True)
class _Entry:
    """One name (a given name, a family name, a patronymic) and its Latin spellings."""

    native: str
    doc: tuple[str, ...]  # by scheme in a schemed culture, by preference otherwise
    cum: tuple[float, ...]  # cumulative shares of `doc` where the holder chooses
    alts: tuple[str, ...]  # every spelling known, the documents' ones included
    kana: str = ""


@dataclass(slots=True)
class _Draft:
    native: str
    others: tuple[tuple[str, str], ...]  # other native-script forms: (value, script)
    given: list[_Entry]  # the given names (and patronymics) as Latin documents write them
    family: list[_Entry]
    ids: tuple[tuple[str, ...], tuple[str, ...]]  # native given and family tokens


def _dedupe(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _schemed_entry(
    native: str, romanise: Callable[[str, str], str], schemes: Sequence[str]
) -> _Entry:
    doc = tuple(" ".join(romanise(word, scheme) for word in native.split()) for scheme in schemes)
    return _Entry(native, doc, (), _dedupe(doc))


def _free_entry(
    native: str, doc: Sequence[str], alts: Sequence[str] = (), shares: Sequence[float] = ()
) -> _Entry:
    shares = shares or [1.0 / (rank + 1) ** 1.6 for rank in range(len(doc))]
    return _Entry(native, tuple(doc), _cumulative(shares), _dedupe([*doc, *alts]))


_LATIN_SCHEMES = ("native", "mrz", "plain", "mrz_deu")


def _latin_entry(native: str, country: str) -> _Entry:
    doc = (native, _mrz_form(native, country), _strip_marks(native), _mrz_form(native, "DEU"))
    return _Entry(native, doc, (), _dedupe(doc))


class _Culture:
    """The names of one people, how they are written natively, and how documents spell them."""

    def __init__(self, code: str, country: str, script: str, order: str) -> None:
        self.code = code
        self.country = country
        self.script = script
        self.order = order  # "gf" given first, "fg" family first, "fg0" family first unspaced
        self.schemes: tuple[str, ...] = ()
        self.doc_cum: tuple[float, ...] = ()
        self.foreign: dict[str, tuple[float, ...]] = {}  # a foreign issuer's scheme shares
        self.given: dict[str, _Sampler] = {}
        self.family: dict[str, _Sampler] = {}
        self.middle: dict[str, _Sampler] = {}
        self.p_middle = 0.0
        self.middle_in_latin = True
        self.p_second_given = 0.0
        self.p_double_family = 0.0
        self.double_family = False
        self.romanise: Callable[[str], _Entry] | None = None
        self.lookup: dict[str, _Entry] = {}  # native form to entry, for reading names back
        self.lookup_family: dict[str, _Entry] = {}

    @property
    def schemed(self) -> bool:
        return bool(self.schemes)

    def set_schemes(
        self,
        schemes: Sequence[str],
        shares: Sequence[float],
        foreign: dict[str, Sequence[float]] | None = None,
    ) -> None:
        self.schemes = tuple(schemes)
        self.doc_cum = _cumulative(shares)
        self.foreign = {
            country: _cumulative(weights) for country, weights in (foreign or {}).items()
        }

    def entry(self, native: str, *, family: bool = False) -> _Entry | None:
        table = (self.lookup_family, self.lookup) if family else (self.lookup, self.lookup_family)
        for lookup in table:
            if native in lookup:
                return lookup[native]
        return self.romanise(native) if self.romanise else None

    def assemble(
        self, given: Sequence[str], family: Sequence[str], middle: Sequence[str] = ()
    ) -> str:
        if self.order == "fg":
            return " ".join([*family, *given, *middle])
        if self.order == "fg0":
            return "".join([*family, *given])
        return " ".join([*given, *middle, *family])

    def draft(self, rng: random.Random, gender: str) -> _Draft:
        given: list[_Entry] = [self.given[gender].draw(rng)]
        if self.p_second_given and rng.random() < self.p_second_given:
            second = self.given[gender].draw(rng)
            if second.native != given[0].native:
                given.append(second)
        middle: list[_Entry] = []
        if self.middle and rng.random() < self.p_middle:
            middle.append(self.middle[gender].draw(rng))
        family: list[_Entry] = [self.family[gender].draw(rng)]
        if self.p_double_family and rng.random() < self.p_double_family:
            second = self.family[gender].draw(rng)
            if second.native != family[0].native:
                family.append(second)
        native = self.assemble(
            [e.native for e in given], [e.native for e in family], [e.native for e in middle]
        )
        latin_given = given + middle if self.middle_in_latin else given
        return _Draft(
            native,
            (),
            latin_given,
            family,
            (tuple(e.native for e in given), tuple(e.native for e in family)),
        )

    def split_native(self, native: str) -> tuple[list[str], list[str]] | None:
        """The given and family tokens of a native name this culture wrote."""
        if self.order == "fg0":
            for size in (2, 1):
                if native[:size] in self.lookup_family and len(native) > size:
                    return [native[size:]], [native[:size]]
            return None
        tokens = native.split()
        if len(tokens) < 2:
            return None
        if self.order == "fg":
            return tokens[1:2], tokens[:1]
        chunks = self._chunks(tokens)
        return chunks[:-1], chunks[-1:]

    def _chunks(self, tokens: list[str]) -> list[str]:
        chunks: list[str] = []
        i = 0
        while i < len(tokens):
            for size in (3, 2, 1):
                piece = " ".join(tokens[i : i + size])
                if size == 1 or piece in self.lookup or piece in self.lookup_family:
                    chunks.append(piece)
                    i += size
                    break
        return chunks


class _ArabicCulture(_Culture):
    """Given name, father's (and grandfather's) names, family name; "bin" in Arabia."""

    def __init__(self, code: str, country: str, region: str) -> None:
        super().__init__(code, country, "Arab", "gf")
        self.region = region
        self.fathers: tuple[float, ...] = ()  # shares of 0, 1, 2 ancestors' names
        self.p_bin = 0.0
        self.p_given_family = 0.0  # Egypt: the grandfather's name serves as family name
        self.connector: dict[str, _Entry] = {}

    def draft(self, rng: random.Random, gender: str) -> _Draft:
        own = self.given[gender].draw(rng)
        ancestors = [self.given["male"].draw(rng) for _ in range(_pick(self.fathers, rng))]
        given = [own]
        if ancestors and rng.random() < self.p_bin:
            given.append(self.connector[gender])
        given.extend(ancestors)
        if rng.random() < self.p_given_family:
            family = [self.given["male"].draw(rng)]
        else:
            family = [self.family[gender].draw(rng)]
        native = self.assemble([e.native for e in given], [e.native for e in family])
        return _Draft(native, (), given, family, ((own.native,), (family[0].native,)))


class _JapaneseCulture(_Culture):
    def draft(self, rng: random.Random, gender: str) -> _Draft:
        given = self.given[gender].draw(rng)
        family = self.family[gender].draw(rng)
        native = f"{family.native} {given.native}"
        kana = f"{family.kana} {given.kana}"
        return _Draft(native, ((kana, "Kana"),), [given], [family], ((given.kana,), (family.kana,)))

    def split_native(self, native: str) -> tuple[list[str], list[str]] | None:
        tokens = native.split()
        return (tokens[1:], tokens[:1]) if len(tokens) == 2 else None


def _faker(locale: str) -> Any:
    return importlib.import_module(f"faker.providers.person.{locale}").Provider


_LATIN_NAME = re.compile(
    r"^(?:(?:[a-z]{1,3}|d'|D')\s?)*[A-ZÀ-ÖØ-ÞĀ-ŽŁŚŻŹĆŃÓĄĘİŞĞÇ][\w'’-]*(?:\s[A-Za-zÀ-ž][\w'’-]*)*$"
)


def _faker_names(values: Any) -> tuple[list[str], list[float] | None]:
    """A Faker list or weighted dict, without its oddities (initials, numerals, commas)."""
    weighted = hasattr(values, "items")
    names: list[str] = []
    weights: list[float] = []
    for value in values:
        if not _LATIN_NAME.match(value) and not any(ord(ch) > 0x36F for ch in value):
            continue
        if any(mark in value for mark in (".", ",", " II", " auch")) or value.endswith(" van"):
            continue
        names.append(value)
        weights.append(float(values[value]) if weighted else 1.0)
    return names, (weights if weighted else None)


def _ranked(
    top: Sequence[str], rest: Sequence[str], *, seed: str, q: float = 2.0, s: float = 1.0
) -> tuple[list[str], list[float]]:
    """Names ranked: the curated top first, then the rest in a fixed shuffle, Zipf weights."""
    tail = [name for name in dict.fromkeys(rest) if name not in set(top)]
    random.Random(seed).shuffle(tail)
    names = list(dict.fromkeys([*top, *tail]))
    return names, _zipf(len(names), q=q, s=s)


def _split_top(text: str) -> list[str]:
    return text.split("|") if "|" in text else text.split()


def _feminine_polish(name: str) -> str:
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if name.endswith(male):
            return name[: -len(male)] + female
    return name


def _feminine_bulgarian(name: str) -> str:
    return (
        name + "а"
        if name.endswith(("ов", "ев", "ин"))
        else name[:-1] + "а"
        if name.endswith("и")
        else name
    )


def _parse_curated(text: str) -> list[tuple[str, str, dict[str, list[str]], bool]]:
    """Lines "tag native: spellings; region: spellings" as (tag, native, spellings, article)."""
    rows: list[tuple[str, str, dict[str, list[str]], bool]] = []
    for line in text.strip().splitlines():
        head, _, body = line.partition(":")
        head = head.strip()
        if head.startswith("["):
            tag, native = head[1:].split("]", 1)
        elif head[:2] in ("m ", "f "):
            tag, native = head[0], head[2:]
        else:
            tag, native = "", head
        article = body.strip().startswith("al:")
        if article:
            body = body.strip()[3:]
        spellings: dict[str, list[str]] = {}
        for i, chunk in enumerate(body.split(";")):
            region = ""
            if i:
                region, _, chunk = chunk.partition(":")
            spellings[region.strip()] = [
                value.strip() for value in chunk.split(",") if value.strip()
            ]
        rows.append((tag.strip(), native.strip(), spellings, article))
    return rows


def _arabic_family_spellings(
    native: str, stems: Sequence[str], region: str
) -> tuple[list[str], list[float]]:
    sun = _ARABIC_SUN.get(region, {}).get(native[2:3])
    spellings: list[str] = []
    shares: list[float] = []
    stem_shares = [1.0 / (rank + 1) ** 1.6 for rank in range(len(stems))]
    for form, form_share in _ARABIC_ARTICLE[region]:
        for stem, stem_share in zip(stems, stem_shares, strict=True):
            if form == "{sun}":
                if not sun:
                    continue
                text = f"A{sun}-{stem}" if region == "sa" else f"E{sun}{stem.lower()}"
            else:
                text = form.replace("{S}", stem).replace("{s}", stem.lower())
            if text not in spellings:
                spellings.append(text)
                shares.append(form_share * stem_share)
    return spellings, shares


_ARABIC_STYLE = {"EGY": "eg", "MAR": "ma", "SAU": "sa", "IRQ": "sa", "SYR": "sa"}
_ARABIC_TAG = {"EGY": "eg", "MAR": "ma", "SAU": "sa", "IRQ": "iq", "SYR": "sy"}
_ARABIC_SHAPE = {  # shares of 0, 1, 2 ancestors' names; "bin"; grandfather as family name
    "EGY": ((0.05, 0.45, 0.5), 0.0, 0.5),
    "SAU": ((0.1, 0.5, 0.4), 0.25, 0.05),
    "IRQ": ((0.05, 0.35, 0.6), 0.0, 0.15),
    "SYR": ((0.5, 0.45, 0.05), 0.0, 0.1),
    "MAR": ((0.75, 0.25, 0.0), 0.0, 0.05),
}


def _arabic_culture(country: str) -> _Culture:
    region = _ARABIC_STYLE[country]
    culture = _ArabicCulture(f"ar_{country.lower()}", country, region)
    culture.fathers = _cumulative(_ARABIC_SHAPE[country][0])
    culture.p_bin, culture.p_given_family = _ARABIC_SHAPE[country][1:]
    for gender in ("male", "female"):
        entries = []
        for tag, native, spellings, _ in _parse_curated(_ARABIC_GIVEN):
            if tag != gender[0]:
                continue
            everything = [value for values in spellings.values() for value in values]
            entries.append(_free_entry(native, spellings.get(region, spellings[""]), everything))
            culture.lookup[native] = entries[-1]
        culture.given[gender] = _Sampler(entries, _zipf(len(entries), q=1.5))
    families = []
    for tag, native, spellings, article in _parse_curated(_ARABIC_FAMILY):
        stems = spellings.get(region, spellings[""])
        if article:
            doc, shares = _arabic_family_spellings(native, stems, region)
            everything = [
                value
                for other in ("sa", "eg", "ma")
                for value in _arabic_family_spellings(
                    native, spellings.get(other, spellings[""]), other
                )[0]
            ]
            entry = _free_entry(native, doc, everything, shares)
        else:
            entry = _free_entry(
                native, stems, [value for values in spellings.values() for value in values]
            )
        culture.lookup_family[native] = entry
        if _ARABIC_TAG[country] in tag.split():
            families.append(entry)
    family = _Sampler(families, _zipf(len(families), q=4.0))
    culture.family = {"male": family, "female": family}
    bin_spellings = ("ben", "bin") if region == "ma" else ("bin", "ibn")
    culture.connector = {
        "male": _free_entry("بن", bin_spellings, ("bin", "ibn", "ben")),
        "female": _free_entry("بنت", ("bint",), ("bint", "binte")),
    }
    culture.lookup.update({entry.native: entry for entry in culture.connector.values()})
    return culture


def _free_culture(
    code: str, country: str, script: str, given_text: str, family_text: str
) -> _Culture:
    culture = _Culture(code, country, script, "gf")
    for gender in ("male", "female"):
        entries = [
            _free_entry(native, spellings[""])
            for tag, native, spellings, _ in _parse_curated(given_text)
            if tag == gender[0]
        ]
        culture.lookup.update({entry.native: entry for entry in entries})
        culture.given[gender] = _Sampler(entries, _zipf(len(entries), q=1.5))
    families = [
        _free_entry(native, spellings[""])
        for _, native, spellings, _ in _parse_curated(family_text)
    ]
    culture.lookup_family.update({entry.native: entry for entry in families})
    family = _Sampler(families, _zipf(len(families), q=3.0))
    culture.family = {"male": family, "female": family}
    return culture


def _chinese_culture() -> _Culture:
    culture = _Culture("zh", "CHN", "Hani", "fg0")
    families: list[_Entry] = []
    shares: list[float] = []
    for line in _CHINESE_FAMILY.strip().splitlines():
        head, _, rest = line.partition(":")
        native, share, pinyin = head.split()
        alts = [value.strip() for value in rest.split(",")]
        wade = "".join(_wade_giles(syllable) for syllable in _pinyin_syllables(pinyin.lower()))
        if pinyin == "Lyu":
            entry = _free_entry(native, ("Lyu", "Lv"), alts, (0.6, 0.4))
        else:
            entry = _free_entry(native, (pinyin,), [wade.capitalize(), *alts])
        families.append(entry)
        shares.append(float(share))
        culture.lookup_family[native] = entry
    family = _Sampler(families, shares)
    culture.family = {"male": family, "female": family}
    for gender in ("male", "female"):
        entries = []
        for tag, native, spellings, _ in _parse_curated(_CHINESE_GIVEN):
            if tag != gender[0]:
                continue
            syllables = spellings[""][0].split()
            wade = [_wade_giles(syllable) for syllable in syllables]
            joined = "".join(syllables).capitalize()
            alts = [
                " ".join(syllable.capitalize() for syllable in syllables),
                "-".join(syllables).capitalize(),
                "-".join(syllable.capitalize() for syllable in syllables),
                "-".join(wade).capitalize(),
                " ".join(syllable.capitalize() for syllable in wade),
                "".join(wade).capitalize(),
            ]
            entries.append(_free_entry(native, (joined,), alts))
            culture.lookup[native] = entries[-1]
        culture.given[gender] = _Sampler(entries, _zipf(len(entries), q=3.0))
    return culture


def _pinyin_syllables(pinyin: str) -> list[str]:
    """Split a surname's pinyin into syllables (Ouyang, Shangguan, Zhuge, Sima)."""
    known = {
        "ouyang": ["ou", "yang"],
        "shangguan": ["shang", "guan"],
        "zhuge": ["zhu", "ge"],
        "sima": ["si", "ma"],
    }
    return known.get(pinyin, [pinyin])


def _korean_culture() -> _Culture:
    culture = _Culture("ko", "KOR", "Hang", "fg0")
    families: list[_Entry] = []
    shares: list[float] = []
    for line in _KOREAN_FAMILY.strip().splitlines():
        native, share, rest = line.split(maxsplit=2)
        spellings, weights = [], []
        for chunk in rest.split(","):
            parts = chunk.split()
            spellings.append(parts[0])
            weights.append(float(parts[1]) if len(parts) > 1 else 1.0)
        entry = _free_entry(native, spellings, (), weights)
        families.append(entry)
        shares.append(float(share))
        culture.lookup_family[native] = entry
    family = _Sampler(families, shares)
    culture.family = {"male": family, "female": family}
    provider = _faker("ko_KR")
    for gender, values in (
        ("male", provider.first_names_male),
        ("female", provider.first_names_female),
    ):
        names, weights = _ranked([], list(values), seed=f"ko-{gender}", q=3.0)
        entries = [_korean_given_entry(name) for name in names]
        culture.given[gender] = _Sampler(entries, weights)
    culture.romanise = _korean_given_entry
    return culture


@functools.cache
def _korean_given_entry(hangul: str) -> _Entry:
    spellings, shares = _korean_given_spellings(hangul)
    return _free_entry(hangul, spellings, (), shares)


def _japanese_culture() -> _Culture:
    culture = _JapaneseCulture("ja", "JPN", "Jpan", "fg")
    culture.set_schemes(_KANA_SCHEMES, (0.88, 0.12, 0.0, 0.0, 0.0))
    provider = _faker("ja_JP")
    extra = [line.split() for line in _JAPANESE_EXTRA.strip().splitlines()]

    def entry(kanji: str, kana: str) -> _Entry:
        doc = tuple(_kana_latin(kana, scheme) for scheme in _KANA_SCHEMES)
        return _Entry(kanji, doc, (), _dedupe(doc), kana)

    for gender, pairs in (
        ("male", provider.first_name_male_pairs),
        ("female", provider.first_name_female_pairs),
    ):
        names = [(kanji, kana) for kanji, kana, _ in pairs]
        names += [(kanji, kana) for tag, kanji, kana in extra if tag == gender[0]]
        ranked, weights = _ranked(
            [f"{kanji} {kana}" for kanji, kana in names], [], seed="ja", q=3.0
        )
        culture.given[gender] = _Sampler([entry(*name.split()) for name in ranked], weights)
    families = [
        (entry(kanji, kana), float(count))
        for (kanji, kana, _), count in provider.last_name_pairs.items()
    ]
    families += [(entry(kanji, kana), 40000.0) for tag, kanji, kana in extra if tag == "-"]
    family = _Sampler([item for item, _ in families], [weight for _, weight in families])
    culture.family = {"male": family, "female": family}
    culture.romanise = functools.cache(
        lambda kana: _schemed_entry(kana, _kana_latin, _KANA_SCHEMES)
    )
    return culture


def _cyrillic_culture(code: str, country: str) -> _Culture:
    order = "fg" if code in ("ru", "uk") else "gf"
    culture = _Culture(code, country, "Cyrl", order)
    romaniser, schemes, shares, foreign = {
        "ru": (_ru_latin, _RU_SCHEMES, (0.72, 0.10, 0.18, 0, 0, 0, 0),
               {"DEU": (0, 0, 0, 0, 0, 1, 0), "FRA": (0, 0, 0, 0, 0, 0, 1), "ISR": (0, 0, 0, 0, 1, 0, 0)}),
        "uk": (_uk_latin, _UK_SCHEMES, (0.85, 0.15, 0, 0), {"DEU": (0, 0, 0, 1)}),
        "bg": (_bg_latin, _BG_SCHEMES, (0.9, 0.1, 0), {"DEU": (0, 0, 1)}),
        "sr": (_sr_latin, _SR_SCHEMES, (0.6, 0.4, 0, 0), {"DEU": (1, 0, 0, 0)}),
    }[code]  # fmt: skip
    culture.set_schemes(schemes, shares, foreign)

    @functools.cache
    def romanise(native: str) -> _Entry:
        return _schemed_entry(native, romaniser, schemes)

    culture.romanise = romanise

    def sampler(names: Sequence[str], weights: Sequence[float]) -> _Sampler:
        return _Sampler([romanise(name) for name in names], weights)

    if code in ("ru", "uk"):
        provider = _faker("ru_RU" if code == "ru" else "uk_UA")
        top_m, top_f, mid_m, mid_f = _CYRILLIC_TOP[code]
        culture.given = {
            "male": sampler(*_ranked(top_m.split(), provider.first_names_male, seed=code, q=1.5)),
            "female": sampler(
                *_ranked(top_f.split(), provider.first_names_female, seed=code, q=1.5)
            ),
        }
        culture.middle = {
            "male": sampler(*_ranked(mid_m.split(), provider.middle_names_male, seed=code, q=1.5)),
            "female": sampler(
                *_ranked(mid_f.split(), provider.middle_names_female, seed=code, q=1.5)
            ),
        }
        culture.p_middle, culture.middle_in_latin = 1.0, False
        if code == "ru":
            male = list(provider.last_names_male)
            culture.family = {
                "male": sampler(male, _zipf(len(male), q=8.0)),
                "female": sampler(
                    list(provider.last_names_female), _zipf(len(provider.last_names_female), q=8.0)
                ),
            }
        else:
            top = _UKRAINIAN_FAMILY_TOP.split()
            culture.family = {
                "male": sampler(*_ranked(top, provider.last_names_male, seed="uk", q=8.0)),
                "female": sampler(*_ranked(top, provider.last_names_female, seed="uk", q=8.0)),
            }
    else:
        given_text, family_text = (
            (_BULGARIAN_GIVEN, _BULGARIAN_FAMILY)
            if code == "bg"
            else (_SERBIAN_GIVEN, _SERBIAN_FAMILY)
        )
        given = {"m": [], "f": []}
        for line in given_text.strip().splitlines():
            tag, *names = line.split()
            given[tag].extend(names)
        culture.given = {
            gender: sampler(
                list(dict.fromkeys(given[gender[0]])),
                _zipf(len(dict.fromkeys(given[gender[0]])), q=2.0),
            )
            for gender in ("male", "female")
        }
        family = list(dict.fromkeys(family_text.split()))
        if code == "bg":
            family, weights = _ranked(family, _faker("bg_BG").last_names_male, seed="bg", q=6.0)
            culture.family = {
                "male": sampler(family, weights),
                "female": sampler([_feminine_bulgarian(name) for name in family], weights),
            }
            culture.middle, culture.p_middle = culture.family, 0.85  # the father's name
        else:
            family_sampler = sampler(family, _zipf(len(family), q=6.0))
            culture.family = {"male": family_sampler, "female": family_sampler}
    return culture


def _greek_culture() -> _Culture:
    culture = _Culture("el", "GRC", "Grek", "gf")
    culture.set_schemes(_GR_SCHEMES, (0.88, 0.12, 0.0))

    @functools.cache
    def romanise(native: str) -> _Entry:
        return _schemed_entry(native, _gr_latin, _GR_SCHEMES)

    culture.romanise = romanise
    provider = _faker("el_GR")
    top_m, top_f, families = _GREEK_TOP
    pairs = [pair.split(":") for pair in families.split()]
    for gender, top, given, family, index in (
        ("male", top_m, provider.first_names_male, provider.last_names_male, 0),
        ("female", top_f, provider.first_names_female, provider.last_names_female, 1),
    ):
        names, weights = _ranked(top.split(), given, seed="el", q=1.5)
        culture.given[gender] = _Sampler([romanise(name) for name in names], weights)
        names, weights = _ranked([pair[index] for pair in pairs], family, seed="el", q=8.0)
        culture.family[gender] = _Sampler([romanise(name) for name in names], weights)
    return culture


def _latin_culture(code: str, country: str, spec: dict[str, Any]) -> _Culture:
    culture = _Culture(code, country, "Latn", "gf")
    # Documents show the diacritics in the visual zone, the MRZ folds them; foreign records
    # often drop them. A German document writes a foreigner's umlauts out too.
    culture.set_schemes(_LATIN_SCHEMES, (0.55, 0.30, 0.15, 0.0), {"DEU": (0.5, 0.0, 0.0, 0.5)})
    culture.p_second_given = spec.get("second", 0.2)
    culture.p_double_family = spec.get("double", 0.0)
    culture.double_family = culture.p_double_family > 0.5

    @functools.cache
    def entry(native: str) -> _Entry:
        return _latin_entry(native, country)

    culture.romanise = entry
    for gender in ("male", "female", "family"):
        names: list[str] = []
        weights: list[float] = []
        for source, share in spec[gender]:
            if isinstance(source, str):  # a curated top list, or "locale.attribute"
                if "." in source:  # a trailing "!": Faker's list is already by frequency
                    locale, attribute = source.rstrip("!").split(".")
                    found, found_weights = _faker_names(getattr(_faker(locale), attribute))
                    if found_weights is None and source.endswith("!"):
                        found, found_weights = _ranked(found, [], seed=source, q=spec.get("q", 2.0))
                    elif found_weights is None:
                        found, found_weights = _ranked([], found, seed=source, q=spec.get("q", 2.0))
                else:
                    found, found_weights = _ranked(_split_top(source), [], seed=code)
            else:
                found, found_weights = _ranked(
                    _split_top(source[0]),
                    _faker_names(getattr(_faker(source[1]), source[2]))[0],
                    seed=code,
                    q=spec.get("q", 2.0),
                )
            total = sum(found_weights)
            for name, weight in zip(found, found_weights, strict=True):
                names.append(name)
                weights.append(share * weight / total)
        if gender == "family":
            culture.family = {"male": _Sampler([entry(name) for name in names], weights)}
            feminine = spec.get("feminine")
            female = [feminine(name) for name in names] if feminine else names
            culture.family["female"] = _Sampler([entry(name) for name in female], weights)
        else:
            culture.given[gender] = _Sampler([entry(name) for name in names], weights)
    return culture


def _brazilian_family(top: str) -> list[tuple[Any, float]]:
    """Brazilian surnames, a share of them with their preposition (da Silva, dos Santos)."""
    names = _split_top(top)
    with_particles = [f"{_PT_PARTICLES[name]} {name}" for name in names if name in _PT_PARTICLES]
    return [
        ("|".join(names), 0.55),
        ("|".join(with_particles), 0.3),
        ((top, "pt_BR", "last_names"), 0.15),
    ]


def _latin_specs() -> dict[str, tuple[str, dict[str, Any]]]:
    top = _LATIN_TOP
    return {
        "fr": ("FRA", {
            "male": [((top["fr"][0], "fr_FR", "first_names_male"), 1.0)],
            "female": [((top["fr"][1], "fr_FR", "first_names_female"), 1.0)],
            "family": [((top["fr"][2], "fr_FR", "last_names"), 1.0)], "second": 0.3, "q": 6.0}),
        "de": ("DEU", {
            "male": [((top["de"][0], "de_DE", "first_names_male"), 1.0)],
            "female": [((top["de"][1], "de_DE", "first_names_female"), 1.0)],
            "family": [((top["de"][2], "de_DE", "last_names"), 1.0)], "second": 0.25}),
        "es": ("ESP", {
            "male": [((top["es"][0], "es_ES", "first_names_male"), 1.0)],
            "female": [((top["es"][1], "es_ES", "first_names_female"), 1.0)],
            "family": [((top["es"][2], "es_ES", "last_names"), 1.0)], "second": 0.0, "double": 1.0}),
        "it": ("ITA", {
            "male": [((top["it"][0], "it_IT", "first_names_male"), 1.0)],
            "female": [((top["it"][1], "it_IT", "first_names_female"), 1.0)],
            "family": [((top["it"][2], "it_IT", "last_names"), 1.0)], "second": 0.15}),
        "pl": ("POL", {
            "male": [((top["pl"][0], "pl_PL", "first_names_male"), 1.0)],
            "female": [((top["pl"][1], "pl_PL", "first_names_female"), 1.0)],
            "family": [((top["pl"][2], "pl_PL", "male_last_names"), 0.7), ("pl_PL.unisex_last_names", 0.3)],
            "second": 0.2, "feminine": _feminine_polish}),
        "tr": ("TUR", {
            "male": [((top["tr"][0], "tr_TR", "first_names_male"), 1.0)],
            "female": [((top["tr"][1], "tr_TR", "first_names_female"), 1.0)],
            "family": [((top["tr"][2], "tr_TR", "last_names"), 1.0)], "second": 0.1}),
        "pt": ("BRA", {
            "male": [((top["pt"][0], "pt_BR", "first_names_male"), 1.0)],
            "female": [((top["pt"][1], "pt_BR", "first_names_female"), 1.0)],
            "family": _brazilian_family(top["pt"][2]), "second": 0.2, "double": 0.6}),
        "nl": ("NLD", {
            "male": [((top["nl"][0], "nl_NL", "first_names_male"), 1.0)],
            "female": [((top["nl"][1], "nl_NL", "first_names_female"), 1.0)],
            "family": [((top["nl"][2], "nl_NL", "last_names"), 1.0)], "second": 0.4}),
        "gb": ("GBR", {
            "male": [("en_GB.first_names_male!", 1.0)], "female": [("en_GB.first_names_female!", 1.0)],
            "family": [("en_GB.last_names", 1.0)], "second": 0.5, "q": 4.0}),
        "us": ("USA", {
            "male": [("en_US.first_names_male", 1.0)], "female": [("en_US.first_names_female", 1.0)],
            "family": [("en_US.last_names", 1.0)], "second": 0.6}),
        "ng_yo": ("NGA", {
            "male": [("yo_NG.first_names_male", 0.75), ("en_NG.first_names_male", 0.25)],
            "female": [("yo_NG.first_names_female", 0.75), ("en_NG.first_names_female", 0.25)],
            "family": [("yo_NG.last_names", 1.0)], "second": 0.4}),
        "ng_ig": ("NGA", {
            "male": [("ig_NG.first_names_male", 0.75), ("en_NG.first_names_male", 0.25)],
            "female": [("ig_NG.first_names_female", 0.75), ("en_NG.first_names_female", 0.25)],
            "family": [("ig_NG.last_names", 1.0)], "second": 0.4}),
        "ng_ha": ("NGA", {
            "male": [("ha_NG.first_names_male", 1.0)], "female": [("ha_NG.first_names_female", 1.0)],
            "family": [("ha_NG.last_names", 1.0)], "second": 0.2}),
    }  # fmt: skip


# --------------------------------------------------------------------------------------------
# Countries: their weight among the people a European border meets, their cultures, their
# documents, and where their people also hold a second nationality

_COUNTRIES: tuple[tuple[str, float, tuple[tuple[str, float], ...], tuple[float, float]], ...] = (
    # alpha-3, weight, cultures and shares, (passport, identity card) shares
    ("FRA", 7.0, (("fr", 1.0),), (0.5, 0.5)),
    ("DEU", 7.0, (("de", 1.0),), (0.5, 0.5)),
    ("ESP", 5.0, (("es", 1.0),), (0.4, 0.6)),
    ("ITA", 5.0, (("it", 1.0),), (0.5, 0.5)),
    ("POL", 4.0, (("pl", 1.0),), (0.4, 0.6)),
    ("TUR", 5.0, (("tr", 1.0),), (0.6, 0.4)),
    ("BRA", 3.0, (("pt", 1.0),), (0.7, 0.3)),
    ("NGA", 3.0, (("ng_yo", 0.35), ("ng_ig", 0.3), ("ng_ha", 0.35)), (0.9, 0.1)),
    ("GBR", 6.0, (("gb", 1.0),), (1.0, 0.0)),
    ("USA", 3.0, (("us", 1.0),), (1.0, 0.0)),
    ("NLD", 3.0, (("nl", 1.0),), (0.5, 0.5)),
    ("EGY", 3.0, (("ar_egy", 1.0),), (0.8, 0.2)),
    ("MAR", 4.0, (("ar_mar", 1.0),), (0.6, 0.4)),
    ("SAU", 2.0, (("ar_sau", 1.0),), (0.6, 0.4)),
    ("IRQ", 3.0, (("ar_irq", 1.0),), (0.8, 0.2)),
    ("SYR", 3.0, (("ar_syr", 1.0),), (0.8, 0.2)),
    ("RUS", 5.0, (("ru", 1.0),), (1.0, 0.0)),
    ("UKR", 4.0, (("uk", 1.0),), (0.7, 0.3)),
    ("BGR", 2.0, (("bg", 1.0),), (0.5, 0.5)),
    ("SRB", 2.0, (("sr", 1.0),), (0.6, 0.4)),
    ("CHN", 5.0, (("zh", 1.0),), (0.9, 0.1)),
    ("JPN", 2.0, (("ja", 1.0),), (1.0, 0.0)),
    ("KOR", 2.0, (("ko", 1.0),), (1.0, 0.0)),
    ("ISR", 2.0, (("he", 1.0),), (0.8, 0.2)),
    ("GRC", 2.0, (("el", 1.0),), (0.5, 0.5)),
    ("IND", 5.0, (("hi", 1.0),), (1.0, 0.0)),
    ("THA", 2.0, (("th", 1.0),), (0.8, 0.2)),
)
_SECOND_NATIONALITY = {
    "MAR": ("FRA", "ESP", "NLD"), "TUR": ("DEU", "NLD"), "IND": ("GBR", "USA"),
    "NGA": ("GBR", "USA"), "SYR": ("DEU",), "IRQ": ("GBR", "DEU"), "RUS": ("ISR", "DEU"),
    "UKR": ("POL", "DEU"), "SRB": ("DEU",), "POL": ("GBR", "DEU"), "BRA": ("ITA",),
    "KOR": ("USA",), "EGY": ("ITA", "GBR"), "ISR": ("USA", "FRA"),
}  # fmt: skip
# Where births were registered late, documents often carry the first of January.
_FIRST_OF_JANUARY = {"IRQ": 0.06, "SYR": 0.06, "EGY": 0.03, "NGA": 0.03, "IND": 0.02, "MAR": 0.02}
_P_SECOND_NATIONALITY = 0.08  # of those holding two documents or more
_P_ALIAS = 0.05
_P_UPPERCASE_DOCUMENT = 0.1

# Document numbers. Classes: d digit, l letter, a letter or digit, g and p and i the German
# alphabet (no vowels, no B D Q S), n and m the Dutch (no O), c China's passport letters (no I,
# O), h a digit from 2 to 9, r a Chinese region, y a date as YYYYMMDD; anything else is itself.
# A "+" suffix names the check character.
_NUMBER_FORMATS: dict[str, tuple[str, str]] = {  # (passport, identity card)
    "FRA": ("ddllddddd", "aaaaaaaaa"), "DEU": ("pgggggggg", "igggggggg"),
    "ESP": ("llldddddd", "dddddddd+dni"), "ITA": ("llddddddd", "lldddddll"),
    "POL": ("llddddddd", "llldddddd"), "TUR": ("Udddddddd", "ldddldddd"),
    "BRA": ("lldddddd", "ddddddddd"), "NGA": ("Adddddddd", "ddddddddddd"),
    "GBR": ("ddddddddd", ""), "USA": ("ldddddddd", ""), "NLD": ("nnmmmmmmd", "nnmmmmmmd"),
    "EGY": ("ldddddddd", "dddddddddddddd"), "MAR": ("llddddddd", "lldddddd"),
    "SAU": ("ldddddddd", "1ddddddddd"), "IRQ": ("ldddddddd", "dddddddddddd"),
    "SYR": ("ddddddddd", "ddddddddddd"), "RUS": ("ddddddddd", ""),
    "UKR": ("lldddddd", "ddddddddd"), "BGR": ("ddddddddd", "llddddddd"),
    "SRB": ("ddddddddd", "ddddddddd"), "CHN": ("Ecddddddd", "ryddd+cn"),
    "JPN": ("llddddddd", ""), "KOR": ("Mdddldddd", ""), "ISR": ("dddddddd", "dddddddd+luhn"),
    "GRC": ("llddddddd", "lldddddd"), "IND": ("lddddddd", "hddddddddddd"),
    "THA": ("llddddddd", "dddddddddddd+th"),
}  # fmt: skip
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CLASSES = {
    "d": "0123456789",
    "l": _LETTERS,
    "a": _LETTERS + "0123456789",
    "g": "CFGHJKLMNPRTVWXYZ0123456789",
    "p": "CFGHJK",
    "i": "LMNPRT",
    "n": _LETTERS.replace("O", ""),
    "m": _LETTERS.replace("O", "") + "0123456789",
    "c": _LETTERS.replace("I", "").replace("O", ""),
    "h": "23456789",
}
# fmt: off
_CN_REGIONS = ["110101", "110105", "110108", "120101", "130102", "210102", "220102", "230102", "310101", "310104", "310115", "320102", "320106", "330102", "330106", "340102", "350102", "360102", "370102", "410102", "420102", "420106", "430102", "440103", "440106", "440304", "440305", "450102", "500103", "500106", "510104", "510107", "530102", "610103", "610113"]
# fmt: on
_CN_DATES = tuple(
    f"{year}{month:02d}{day:02d}"
    for year in range(1940, 2008)
    for month in range(1, 13)
    for day in range(1, calendar.monthrange(year, month)[1] + 1)
)
_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _check_dni(body: str) -> str:
    return "TRWAGMYFPDXBNJZSQVHLCKE"[int(body) % 23]


def _check_luhn(body: str) -> str:
    total = 0
    for i, digit in enumerate(body):
        value = int(digit) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _check_th(body: str) -> str:
    return str((11 - sum(int(digit) * (13 - i) for i, digit in enumerate(body)) % 11) % 10)


def _check_cn(body: str) -> str:
    return "10X98765432"[
        sum(int(digit) * weight for digit, weight in zip(body, _CN_WEIGHTS, strict=True)) % 11
    ]


_CHECKS: dict[str, Callable[[str], str]] = {
    "dni": _check_dni,
    "luhn": _check_luhn,
    "th": _check_th,
    "cn": _check_cn,
}
_NUMBER_CLASSES = 4  # 0 persons' documents, 1 stand-alone documents, 2 and 3 never issued


def _options(symbol: str) -> Sequence[str]:
    if symbol == "r":
        return _CN_REGIONS
    if symbol == "y":
        return _CN_DATES
    return _CLASSES.get(symbol, symbol)


@functools.cache
def _chunk_table(symbols: str) -> list[str]:
    """Every string a run of layout symbols can spell, in order; shared between layouts."""
    return [
        "".join(combo) for combo in itertools.product(*(_options(symbol) for symbol in symbols))
    ]


@functools.cache
def _chunk_lookup(symbols: str) -> dict[str, int]:
    return {text: i for i, text in enumerate(_chunk_table(symbols))}


class _NumberFormat:
    """A country's number layout as a bijection from an index: a salted affine map over the
    layout's mixed radix. Numbers are unique and look random, and a number tells which stream
    issued it, so an absent number can be proven absent without keeping a set."""

    def __init__(self, pattern: str, salt: str) -> None:
        body, _, check = pattern.partition("+")
        self.check = _CHECKS.get(check)
        runs: list[str] = []
        run = ""
        for symbol in body:
            size = len(_options(symbol))
            radix = math.prod(len(_options(each)) for each in run)
            if run and (size > 40 or len(_options(run[-1])) > 40 or radix * size > 100_000):
                runs.append(run)
                run = ""
            run += symbol
        runs.append(run)
        self.chunks = [
            (_chunk_table(run), len(_chunk_table(run)), len(_chunk_table(run)[0]), run)
            for run in runs
        ]
        self.size = math.prod(radix for _, radix, _, _ in self.chunks)
        self.quarter = self.size // _NUMBER_CLASSES
        self.body_length = sum(width for _, _, width, _ in self.chunks)
        self.length = self.body_length + (1 if self.check else 0)
        salted = random.Random(salt)
        multiplier = int(self.size * (0.55 + salted.random() * 0.2)) | 1
        while math.gcd(multiplier, self.size) != 1:
            multiplier += 2
        self.multiplier = multiplier
        self.offset = salted.randrange(self.size)
        self.inverse = pow(multiplier, -1, self.size)
        self.backwards = [(table, radix) for table, radix, _, _ in reversed(self.chunks)]

    def start(self, number_class: int, seed: int) -> int:
        """Where a stream of this class and seed begins inside its class's range."""
        return (seed * 0x9E3779B97F4A7C15 + number_class * 0x632BE59BD9B4E019) % self.quarter

    def encode(self, index: int) -> str:
        value = (self.multiplier * index + self.offset) % self.size
        pieces = []
        for table, radix in self.backwards:
            value, rest = divmod(value, radix)
            pieces.append(table[rest])
        pieces.reverse()
        body = "".join(pieces)
        return body + self.check(body) if self.check else body

    def number_class(self, number: str) -> int | None:
        """The class whose index encodes this number; None if the layout does not fit."""
        if len(number) != self.length:
            return None
        body = number[: self.body_length]
        if self.check and (not body.isdigit() or self.check(body) != number[self.body_length :]):
            return None
        value = 0
        position = 0
        for _, radix, width, run in self.chunks:
            rest = _chunk_lookup(run).get(body[position : position + width])
            if rest is None:
                return None
            value = value * radix + rest
            position += width
        index = ((value - self.offset) * self.inverse) % self.size
        return min(index // self.quarter, _NUMBER_CLASSES - 1)


# --------------------------------------------------------------------------------------------
# The world's tables, built once


@dataclass(slots=True)
class _Country:
    code: str
    cultures: _Sampler
    culture: _Culture  # the first, for reading names back
    type_cum: tuple[float, ...]
    formats: dict[str, _NumberFormat]


class _World:
    def __init__(self) -> None:
        cultures: dict[str, _Culture] = {}
        for code, (country, spec) in _latin_specs().items():
            cultures[code] = _latin_culture(code, country, spec)
        for country in _ARABIC_STYLE:
            cultures[f"ar_{country.lower()}"] = _arabic_culture(country)
        for code, country in (("ru", "RUS"), ("uk", "UKR"), ("bg", "BGR"), ("sr", "SRB")):
            cultures[code] = _cyrillic_culture(code, country)
        cultures["el"] = _greek_culture()
        cultures["zh"] = _chinese_culture()
        cultures["ja"] = _japanese_culture()
        cultures["ko"] = _korean_culture()
        cultures["he"] = _free_culture("he", "ISR", "Hebr", _HEBREW_GIVEN, _HEBREW_FAMILY)
        cultures["th"] = _free_culture("th", "THA", "Thai", _THAI_GIVEN, _THAI_FAMILY)
        hindi = _free_culture("hi", "IND", "Deva", _DEVANAGARI_GIVEN, _DEVANAGARI_FAMILY)
        hindi.middle = {
            "male": _Sampler([_free_entry("कुमार", ("Kumar",))], [1.0]),
            "female": _Sampler(
                [_free_entry("देवी", ("Devi",)), _free_entry("कुमारी", ("Kumari",))], [0.6, 0.4]
            ),
        }
        hindi.p_middle = 0.25
        hindi.lookup.update(
            {entry.native: entry for sampler in hindi.middle.values() for entry in sampler.items}
        )
        cultures["hi"] = hindi
        self.cultures = cultures
        self.countries: dict[str, _Country] = {}
        options: list[tuple[str, str, _NumberFormat]] = []
        option_weights: list[float] = []
        for code, weight, shares, (passport, identity) in _COUNTRIES:
            formats = {
                kind: _NumberFormat(pattern, f"{code}:{kind}")
                for kind, pattern in zip(
                    ("passport", "identity_card"), _NUMBER_FORMATS[code], strict=True
                )
                if pattern
            }
            type_shares = (passport, identity) if "identity_card" in formats else (1.0, 0.0)
            sampler = _Sampler(
                [cultures[name] for name, _ in shares], [share for _, share in shares]
            )
            self.countries[code] = _Country(
                code, sampler, sampler.items[0], _cumulative(type_shares), formats
            )
            for kind, share in zip(("passport", "identity_card"), type_shares, strict=True):
                if share:
                    options.append((code, kind, formats[kind]))
                    option_weights.append(weight * share)
        self.country_sampler = _Sampler(
            [code for code, *_ in _COUNTRIES], [weight for _, weight, *_ in _COUNTRIES]
        )
        self.document_options = _Sampler(options, option_weights)
        # Birth years of the people a border meets: adults, fewer of them past sixty.
        years = list(range(1940, 2008))
        self.birth_years = _Sampler(
            years, [max(0.1, min(1.0, 1.0 - (55 - (2025 - year)) / -30)) for year in years]
        )
        self.month_days = {
            (year, month): calendar.monthrange(year, month)[1]
            for year in years
            for month in range(1, 13)
        }


@functools.cache
def _world() -> _World:
    return _World()


def prepare_world() -> None:
    """Build the generator's tables (name lists, cultures, document formats) now, so that a
    benchmark measuring memory leaves them out."""
    _world()


def _document_count_cum(mean: float) -> tuple[float, ...]:
    """Shares of 0, 1, 2, ... documents: 1 + Poisson(mean - 1), or 0 or 1 below a mean of 1."""
    if mean < 1.0:
        return _cumulative([1.0 - mean, mean])
    rate = mean - 1.0
    return _cumulative([0.0] + [math.exp(-rate) * rate**k / math.factorial(k) for k in range(12)])


def _birth(world: _World, rng: random.Random, country: str) -> tuple[int, int, int]:
    year = world.birth_years.draw(rng)
    if rng.random() < _FIRST_OF_JANUARY.get(country, 0.0):
        return (year, 1, 1)
    month = rng.randrange(1, 13)
    return (year, month, rng.randrange(1, world.month_days[(year, month)] + 1))


def _render(entries: Sequence[_Entry], scheme: int | None, choices: Sequence[int]) -> str:
    if scheme is not None:
        return " ".join(entry.doc[scheme] for entry in entries)
    return " ".join(entry.doc[choice] for entry, choice in zip(entries, choices, strict=True))


def _alias(
    world: _World,
    culture: _Culture,
    draft: _Draft,
    gender: str,
    form: tuple[str, str],
    rng: random.Random,
) -> str:
    given, family = form
    if culture.script in ("Hani", "Hang", "Jpan", "Thai"):
        names = _WESTERN_GIVEN[0 if gender == "male" else 1].split()
        return f"{names[rng.randrange(len(names))]} {family}"
    if isinstance(culture, _ArabicCulture) and gender == "male" and rng.random() < 0.5:
        son = culture.given["male"].draw(rng)
        return f"Abu {son.doc[_pick(son.cum, rng)]}"
    other = culture.draft(rng, gender)
    scheme = 0 if culture.schemed else None
    choices = (
        [_pick(entry.cum, rng) for entry in other.given + other.family] if scheme is None else []
    )
    if culture.script == "Latn" and gender == "female" and rng.random() < 0.5:
        return (
            f"{given} {_render(other.family, scheme, choices[len(other.given) :])}"  # maiden name
        )
    return f"{_render(other.given, scheme, choices[: len(other.given)])} {family}"


# Fast construction for the hot loops: the frozen dataclasses' __init__ goes through
# object.__setattr__ field by field; setting the slots directly builds the same objects at less
# than half the cost (the benchmark builds millions of them).
_new = object.__new__
_set_name_value, _set_name_script = WorldName.value.__set__, WorldName.script.__set__  # type: ignore[attr-defined]
_set_document = (
    WorldDocument.country.__set__,
    WorldDocument.number.__set__,
    WorldDocument.document_type.__set__,
)  # type: ignore[attr-defined]
_set_person = tuple(
    getattr(WorldPerson, name).__set__
    for name in ("ref", "country", "gender", "birth", "names", "documents", "parts")
)


def _name(value: str, script: str) -> WorldName:
    name = _new(WorldName)
    _set_name_value(name, value)
    _set_name_script(name, script)
    return name


def _person(*values: Any) -> WorldPerson:
    person = _new(WorldPerson)
    for setter, value in zip(_set_person, values, strict=True):
        setter(person, value)
    return person


def generate_persons(
    count: int, *, seed: int = 1, documents_per_person: float = 1.5
) -> Iterator[WorldPerson]:
    """Persons of many nationalities, one at a time, the same ones for the same seed."""
    world = _world()
    rng = random.Random(seed)
    random_ = rng.random
    bisect_ = bisect.bisect
    count_cum = _document_count_cum(documents_per_person)
    last_count = len(count_cum) - 1
    document_position = 0
    countries = world.countries
    country_items, country_cum, country_total = (
        world.country_sampler.items,
        world.country_sampler.cum,
        world.country_sampler.total,
    )
    years = world.birth_years
    month_days = world.month_days
    # Each layout's encoder unpacked once: the document loop below is the encoder inlined.
    plans = {
        (code, kind): (
            fmt.multiplier,
            fmt.offset,
            fmt.size,
            fmt.quarter,
            fmt.start(0, seed),
            fmt.backwards,
            fmt.check,
        )
        for code, country in countries.items()
        for kind, fmt in country.formats.items()
    }
    new = _new
    set_country, set_number, set_kind = _set_document
    for index in range(1, count + 1):
        code = country_items[bisect_(country_cum, random_() * country_total)]
        country = countries[code]
        culture: _Culture = (
            country.cultures.draw(rng) if len(country.cultures.items) > 1 else country.culture
        )
        gender = "male" if random_() < 0.55 else "female"
        year = years.items[bisect_(years.cum, random_() * years.total)]
        if code in _FIRST_OF_JANUARY and random_() < _FIRST_OF_JANUARY[code]:
            birth = (year, 1, 1)
        else:
            month = int(random_() * 12) + 1
            birth = (year, month, int(random_() * month_days[(year, month)]) + 1)
        draft = culture.draft(rng, gender)
        documents_count = min(bisect_(count_cum, random_()), last_count)
        issuers = [code] * documents_count
        if (
            documents_count >= 2
            and code in _SECOND_NATIONALITY
            and random_() < _P_SECOND_NATIONALITY
        ):
            abroad = _SECOND_NATIONALITY[code]
            issuers[-1] = abroad[int(random_() * len(abroad))]
        draft_given, draft_family = draft.given, draft.family
        components = draft_given + draft_family
        split = len(draft_given)
        forms: list[tuple[str, str]] = []
        documents: list[WorldDocument] = []
        scheme: int | None = None
        choices: list[int] = []
        schemed = bool(culture.schemes)
        for issuer in issuers or (code,):
            if schemed:
                if issuer != code and issuer in culture.foreign:
                    scheme = min(
                        bisect_(culture.foreign[issuer], random_()), len(culture.schemes) - 1
                    )
                elif scheme is None or random_() < 0.25:
                    scheme = min(bisect_(culture.doc_cum, random_()), len(culture.schemes) - 1)
                given = (
                    draft_given[0].doc[scheme] if split == 1 else _render(draft_given, scheme, ())
                )
                family = (
                    draft_family[0].doc[scheme]
                    if len(draft_family) == 1
                    else _render(draft_family, scheme, ())
                )
            else:
                if not choices:
                    choices = [
                        min(bisect_(entry.cum, random_()), len(entry.cum) - 1)
                        for entry in components
                    ]
                elif random_() < 0.2:  # another office, another spelling of one name
                    which = int(random_() * len(components))
                    choices[which] = _pick(components[which].cum, rng)
                given = _render(draft_given, None, choices[:split])
                family = _render(draft_family, None, choices[split:])
            if random_() < _P_UPPERCASE_DOCUMENT:
                given, family = _upper(given, code), _upper(family, code)
            if (given, family) not in forms:
                forms.append((given, family))
            if issuers:
                issuing = countries[issuer] if issuer != code else country
                kind = "passport" if random_() < issuing.type_cum[0] else "identity_card"
                multiplier, offset, size, quarter, start, backwards, check = plans[issuer, kind]
                value = (multiplier * ((start + document_position) % quarter) + offset) % size
                document_position += 1
                pieces = []
                for table, radix in backwards:
                    value, rest = divmod(value, radix)
                    pieces.append(table[rest])
                pieces.reverse()
                number = "".join(pieces)
                if check:
                    number += check(number)
                document = new(WorldDocument)
                set_country(document, issuer)
                set_number(document, number)
                set_kind(document, kind)
                documents.append(document)
        native = draft.native
        script = culture.script
        names = [_name(native, script)]
        for given, family in forms:
            value = f"{given} {family}"
            if value != native:
                names.append(_name(value, "Latn"))
        for value, other_script in draft.others:
            names.append(_name(value, other_script))
        if random_() < _P_ALIAS:
            alias = _alias(world, culture, draft, gender, forms[0], rng)
            if all(alias != name.value for name in names):
                names.append(_name(alias, "Latn"))
        yield _person(
            f"P{index:07d}", code, gender, birth, tuple(names), tuple(documents), tuple(forms)
        )


def _spell_values(values: list[int], backwards: list[tuple[list[str], int]]) -> list[str]:
    """Many layout values spelled at once (list comprehensions beat a loop per number)."""
    if len(backwards) == 2:
        (low, low_radix), (high, _) = backwards
        return [high[value // low_radix] + low[value % low_radix] for value in values]
    if len(backwards) == 3:
        (low, low_radix), (middle, middle_radix), (high, _) = backwards
        upper = low_radix * middle_radix
        return [
            high[value // upper]
            + middle[value // low_radix % middle_radix]
            + low[value % low_radix]
            for value in values
        ]
    spelled = []
    for value in values:
        pieces = []
        for table, radix in backwards:
            value, rest = divmod(value, radix)
            pieces.append(table[rest])
        spelled.append("".join(reversed(pieces)))
    return spelled


def generate_documents(count: int, *, seed: int = 2) -> Iterator[WorldDocument]:
    """Stand-alone stolen or lost documents, never one a person of the world holds."""
    world = _world()
    rng = random.Random(seed)
    random_ = rng.random
    bisect_ = bisect.bisect
    options = world.document_options
    cum, total = options.cum, options.total
    plans = [
        (
            code,
            kind,
            fmt.multiplier,
            fmt.offset,
            fmt.size,
            fmt.quarter,
            fmt.start(1, seed),
            fmt.backwards,
            fmt.check,
        )
        for code, kind, fmt in options.items
    ]
    new = _new
    set_country, set_number, set_kind = _set_document
    batch = 2048
    for first in range(0, count, batch):
        picks = [bisect_(cum, random_() * total) for _ in range(min(batch, count - first))]
        # Numbers by layout, a batch at a time; the documents come out in the drawn order.
        positions: dict[int, list[int]] = {}
        for i, pick in enumerate(picks):
            positions.setdefault(pick, []).append(i)
        numbers = [""] * len(picks)
        for pick, members in positions.items():
            _, _, multiplier, offset, size, quarter, start, backwards, check = plans[pick]
            base = start + first
            values = [
                (multiplier * (quarter + (base + i) % quarter) + offset) % size for i in members
            ]
            spelled = _spell_values(values, backwards)
            if check:
                spelled = [number + check(number) for number in spelled]
            for i, number in zip(members, spelled, strict=True):
                numbers[i] = number
        for pick, number in zip(picks, numbers, strict=True):
            plan = plans[pick]
            document = new(WorldDocument)
            set_country(document, plan[0])
            set_number(document, number)
            set_kind(document, plan[1])
            yield document


# --------------------------------------------------------------------------------------------
# Reading a person back: the culture, the name's components and their other spellings


def _culture_of(person: WorldPerson) -> _Culture:
    return _world().countries[person.country].culture


def _aliases(person: WorldPerson) -> list[str]:
    forms = {f"{given} {family}" for given, family in person.parts}
    return [
        name.value for name in person.names[1:] if name.script == "Latn" and name.value not in forms
    ]


def _components(person: WorldPerson, culture: _Culture) -> tuple[list[_Entry], list[_Entry]] | None:
    """The entries of the person's given and family names, in the order Latin forms write them."""
    if culture.script == "Latn":
        words = person.names[0].value.split()
        given_count = len(person.parts[0][0].split())
        if len(words) != given_count + len(person.parts[0][1].split()):
            return None
        return [culture.entry(w) for w in words[:given_count]], [
            culture.entry(w) for w in words[given_count:]
        ]  # type: ignore[misc]
    native = person.names[0].value
    if isinstance(culture, _JapaneseCulture):
        native = next((name.value for name in person.names if name.script == "Kana"), "")
    split = culture.split_native(native)
    if split is None:
        return None
    given_tokens, family_tokens = split
    if culture.order in ("fg", "fg0") and not isinstance(culture, _JapaneseCulture):
        given_tokens = given_tokens[:1]
    given = [culture.entry(token) for token in given_tokens]
    family = [culture.entry(token, family=True) for token in family_tokens]
    if any(entry is None for entry in given + family):
        return None
    return given, family  # type: ignore[return-value]


def _native_ids(person: WorldPerson, culture: _Culture) -> tuple[list[str], list[str]] | None:
    native = person.names[0].value
    if isinstance(culture, _JapaneseCulture):
        native = next((name.value for name in person.names if name.script == "Kana"), "")
    return culture.split_native(native) if culture.script != "Latn" else None


def _alternative(
    person: WorldPerson, culture: _Culture, rng: random.Random
) -> tuple[str, str] | None:
    """A spelling of the person's name that none of the person's names has: another
    transliteration, or for Latin-script names another handling of the diacritics."""
    components = _components(person, culture)
    if components is None:
        return None
    given, family = components
    latin = culture.script == "Latn"
    key = str.casefold if latin else _fold
    known = {key(name.value) for name in person.names}
    candidates: list[tuple[str, str]] = []
    if culture.schemed:
        for scheme in range(len(culture.schemes)):
            candidates.append((_render(given, scheme, ()), _render(family, scheme, ())))
        rng.shuffle(candidates)
    else:
        for _ in range(12):
            candidates.append(
                (
                    " ".join(e.alts[rng.randrange(len(e.alts))] for e in given),
                    " ".join(e.alts[rng.randrange(len(e.alts))] for e in family),
                )
            )
    for candidate in candidates:
        if key(f"{candidate[0]} {candidate[1]}") not in known:
            return candidate
    return None


def _first_component(given: str, entries: Sequence[_Entry] | None) -> str:
    """The words of `given` that spell its first name (Abdul Rahman, Min Su: two words)."""
    words = given.split()
    if entries:
        folded = [word.casefold() for word in words]
        for spelling in sorted(entries[0].alts, key=lambda value: -len(value.split())):
            spelled = spelling.casefold().split()
            if folded[: len(spelled)] == spelled:
                return " ".join(words[: len(spelled)])
    return words[0]


# --------------------------------------------------------------------------------------------
# Name variation

_KEYBOARD = {
    row[i]: row[max(0, i - 1) : i] + row[i + 1 : i + 2]
    for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    for i in range(len(row))
}
_OCR_CONFUSIONS = (
    ("O", "0"), ("o", "0"), ("I", "1"), ("l", "1"), ("L", "1"), ("I", "l"), ("l", "I"),
    ("S", "5"), ("s", "5"), ("B", "8"), ("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"),
)  # fmt: skip


def _typo(word: str, rng: random.Random) -> str:
    """One keyboard slip in a word: an insertion, a deletion, a substitution or a transposition."""
    for _ in range(20):
        i = rng.randrange(len(word))
        operation = rng.randrange(4)
        low = word[i].lower()
        if operation == 0:
            near = _KEYBOARD.get(low, low) or low
            extra = near[rng.randrange(len(near))] if rng.random() < 0.6 else low
            result = word[: i + 1] + (extra.upper() if word.isupper() else extra) + word[i + 1 :]
        elif operation == 1 and len(word) > 3:
            result = word[:i] + word[i + 1 :]
        elif operation == 2 and low in _KEYBOARD:
            near = _KEYBOARD[low]
            new = near[rng.randrange(len(near))]
            result = word[:i] + (new.upper() if word[i].isupper() else new) + word[i + 1 :]
        elif operation == 3 and i + 1 < len(word) and word[i].lower() != word[i + 1].lower():
            result = word[:i] + word[i + 1] + word[i] + word[i + 1 :][1:]
        else:
            continue
        if result.casefold() != word.casefold():
            return result
    return word + word[-1]


def _ocr(text: str, rng: random.Random) -> str | None:
    """One or two optical misreadings (O/0, I/1/l, S/5, B/8, rn/m, cl/d)."""
    spots = [
        (i, old, new)
        for old, new in _OCR_CONFUSIONS
        for i in range(len(text))
        if text.startswith(old, i)
    ]
    if not spots:
        return None
    rng.shuffle(spots)
    chosen = [spots[0]]
    if rng.random() < 0.3:
        first = spots[0]
        for spot in spots[1:]:
            if spot[0] >= first[0] + len(first[1]) or spot[0] + len(spot[1]) <= first[0]:
                chosen.append(spot)
                break
    for i, old, new in sorted(chosen, reverse=True):
        text = text[:i] + new + text[i + len(old) :]
    return text


def _particle_split(family: str) -> tuple[str, str] | None:
    """A family name's leading particle and the rest: ("van der", "Berg"), ("Al-", "Qahtani")."""
    words = family.split()
    particle: list[str] = []
    while len(words) > 1 and words[0].lower() in _PARTICLE_WORDS:
        particle.append(words.pop(0))
    if particle:
        return " ".join(particle), " ".join(words)
    match = re.match(r"^((?:al|el|ben|bin|ha|o|d)[-'’])(\w.*)$", family, re.IGNORECASE)
    return (match.group(1), match.group(2)) if match else None


def _particle_variant(family: str, rng: random.Random) -> str | None:
    split = _particle_split(family)
    if split is None:
        return None
    particle, rest = split
    bare = particle.rstrip("-'’ ")
    droppable = bare.lower() not in ("ben", "bin", "ibn", "o", "d", "ha")
    options = [f"{bare}{rest.lower()}".capitalize(), f"{bare} {rest}", f"{bare}-{rest}"]
    if droppable:
        options += [rest, rest]
    options = [option for option in options if option != family]
    return options[rng.randrange(len(options))] if options else None


def _surname_count(family: str) -> int:
    return sum(1 for word in family.split() if word.lower() not in _PARTICLE_WORDS)


def _one_surname(family: str, country: str, rng: random.Random) -> str | None:
    words = family.split()
    surnames: list[str] = []
    pending = ""
    for word in words:
        if word.lower() in _PARTICLE_WORDS:
            pending = f"{pending} {word}".strip()
        else:
            surnames.append(f"{pending} {word}".strip())
            pending = ""
    if len(surnames) < 2:
        return None
    keep_last = (country == "BRA") == (rng.random() < 0.7)
    return surnames[-1] if keep_last else surnames[0]


def _initials(given: str) -> str:
    dot = "."
    return " ".join(word[0] + dot for word in given.replace("-", " ").split())


def _birth_text(birth: tuple[int, int, int]) -> str:
    return f"{birth[0]:04d}-{birth[1]:02d}-{birth[2]:02d}"


_NAME_VARIATIONS = (
    ("typo", 10.0), ("ocr", 4.0), ("other_spelling", 12.0), ("native_script", 8.0),
    ("swapped_order", 8.0), ("missing_middle", 5.0), ("initial", 4.0), ("one_surname", 4.0),
    ("particle", 4.0), ("alias", 2.0),
)  # fmt: skip
_BIRTH_VARIATIONS = (("partial_birth", 7.0), ("swapped_day_month", 4.0), ("no_birth", 7.0))
_ALONE = frozenset({"native_script", "alias"})  # take no other name variation
_EXCLUSIVE = (frozenset({"typo", "ocr"}), frozenset({"initial", "missing_middle"}))
_ORDER = (
    "alias", "native_script", "other_transliteration", "diacritics", "missing_middle",
    "one_surname", "particle", "initial", "typo", "ocr", "swapped_order", "partial_birth",
    "swapped_day_month", "no_birth",
)  # fmt: skip


def _vary_name(
    person: WorldPerson,
    labels: set[str],
    given: str,
    family: str,
    components: tuple[list[_Entry], list[_Entry]] | None,
    rng: random.Random,
) -> str:
    """The name with the labelled variations applied, in a fixed order."""
    if "missing_middle" in labels:
        given = _first_component(given, components[0] if components else None)
    if "one_surname" in labels:
        family = _one_surname(family, person.country, rng) or family
    if "particle" in labels:
        family = _particle_variant(family, rng) or family
    if "initial" in labels:
        given = _initials(given)
    if "typo" in labels:
        words = [(0, i, word) for i, word in enumerate(given.split()) if len(word) >= 3]
        words += [(1, i, word) for i, word in enumerate(family.split()) if len(word) >= 3]
        if words:
            part, i, word = words[rng.randrange(len(words))]
            pieces = (given if part == 0 else family).split()
            pieces[i] = _typo(word, rng)
            given, family = (" ".join(pieces), family) if part == 0 else (given, " ".join(pieces))
        else:
            labels.discard("typo")
    if "swapped_order" in labels:
        style = rng.random()
        if style < 0.6:
            name = f"{family} {given}"
        elif style < 0.8:
            name = f"{family}, {given}"
        else:
            name = f"{_upper(family, person.country)} {given}"
    else:
        name = f"{given} {family}"
    if "ocr" in labels:
        name = _ocr(name, rng) or name
    return name


def _present_query(person: WorldPerson, rng: random.Random) -> WorldQuery:
    culture = _culture_of(person)
    latin = culture.script == "Latn"
    given, family = person.parts[rng.randrange(len(person.parts))]
    # What applies to this person.
    alternative = _alternative(person, culture, rng)
    natives = [name.value for name in person.names if name.script != "Latn"]
    components = _components(person, culture) if not latin else None
    given_count = len(components[0]) if components else len(given.split())
    applicable = {
        "typo": True,
        "ocr": any(old in f"{given} {family}" for old, _ in _OCR_CONFUSIONS),
        "other_spelling": alternative is not None,
        "native_script": bool(natives),
        "swapped_order": True,
        "missing_middle": given_count >= 2,
        "initial": True,
        "one_surname": culture.double_family and _surname_count(family) >= 2,
        "particle": _particle_split(family) is not None,
        "alias": bool(_aliases(person)),
    }
    birth_applicable = {
        "partial_birth": True,
        "swapped_day_month": person.birth[2] <= 12 and person.birth[2] != person.birth[1],
        "no_birth": True,
    }
    wanted = _pick(_cumulative((0.25, 0.45, 0.30)), rng)
    chosen: list[str] = []
    for _ in range(wanted):
        pool = [
            (label, weight)
            for label, weight in _NAME_VARIATIONS
            if applicable[label]
            and label not in chosen
            and not (chosen and (label in _ALONE or any(c in _ALONE for c in chosen)))
            and not any(label in group and any(c in group for c in chosen) for group in _EXCLUSIVE)
        ]
        if not any(c in birth_applicable for c in chosen):
            pool += [
                (label, weight) for label, weight in _BIRTH_VARIATIONS if birth_applicable[label]
            ]
        if not pool:
            break
        chosen.append(
            _Sampler([label for label, _ in pool], [weight for _, weight in pool]).draw(rng)
        )
    labels = set(chosen)
    if "other_spelling" in labels:
        labels.discard("other_spelling")
        labels.add("diacritics" if latin else "other_transliteration")
        assert alternative is not None
        given, family = alternative
    if "alias" in labels:
        aliases = _aliases(person)
        name = aliases[rng.randrange(len(aliases))]
    elif "native_script" in labels:
        name = natives[rng.randrange(len(natives))]
    else:
        # A slip can undo another variation (a typo that deletes the e of Oezlem): try again.
        known = {value.value.casefold() for value in person.names}
        altered = labels - {label for label, _ in _BIRTH_VARIATIONS} - {"swapped_order"}
        for _ in range(8):
            name = _vary_name(person, labels, given, family, components, rng)
            if not altered or name.casefold() not in known:
                break
    year, month, day = person.birth
    birth: str | None = _birth_text(person.birth)
    if "partial_birth" in labels:
        birth = f"{year:04d}" if rng.random() < 0.7 else f"{year:04d}-{month:02d}"
    elif "swapped_day_month" in labels:
        birth = f"{year:04d}-{day:02d}-{month:02d}"
    elif "no_birth" in labels:
        birth = None
    nationality: str | None = None
    if rng.random() < 0.6:
        issuers = [
            document.country for document in person.documents if document.country != person.country
        ]
        nationality = issuers[0] if issuers and rng.random() < 0.3 else person.country
    gender = person.gender if rng.random() < 0.5 else None
    variations = tuple(label for label in _ORDER if label in labels) or ("exact",)
    return WorldQuery(person.ref, name, birth, nationality, gender, variations)


# --------------------------------------------------------------------------------------------
# Absence: a query for no one must fit no one, under any spelling the world knows


@functools.lru_cache(maxsize=1 << 18)
def _given_folds(given: str) -> tuple[str, tuple[str, ...]]:
    """The first given name and the later ones, folded, particles left out."""
    words = [
        word
        for word in (_fold(piece) for piece in given.split())
        if word and word not in _PARTICLE_WORDS
    ]
    if not words:
        return "", ()
    later = [_fold(piece) for piece in _NAME_PIECES.split(" ".join(given.split()[1:])) if piece]
    return words[0], tuple(word for word in later if word and word not in _PARTICLE_WORDS)


@functools.lru_cache(maxsize=1 << 18)
def _family_folds(family: str) -> tuple[str, ...]:
    """The family name folded whole and word by word, particles left out."""
    pieces = [_fold(piece) for piece in _NAME_PIECES.split(family) if piece]
    return tuple(
        dict.fromkeys(
            [_fold(family), *(piece for piece in pieces if piece and piece not in _PARTICLE_WORDS)]
        )
    )


_NAME_PIECES = re.compile(r"[\s\-'’]+")


def _latin_keys(given: str, family: str) -> set[str]:
    """Comparison keys of a Latin name: its first given name with each later name."""
    first, later = _given_folds(given)
    if not first:
        return set()
    return {
        f"L|{first}|{other}"
        for other in (*later, *_family_folds(family))
        if other and other != first
    }


def _native_keys(given: Sequence[str], family: Sequence[str]) -> set[str]:
    if not given or not family:
        return set()
    connectors = {"بن", "بنت"}
    others = [token for token in [*given[1:], *family] if token not in connectors]
    return {f"N|{given[0]}|{other}" for other in others}


def _person_keys(person: WorldPerson, culture: _Culture) -> set[str]:
    keys: set[str] = set()
    for given, family in person.parts:
        keys |= _latin_keys(given, family)
    for alias in _aliases(person):
        first, _, rest = alias.partition(" ")
        keys |= _latin_keys(first, rest)
    if culture.script == "Latn":
        words = person.names[0].value.split()
        count = len(person.parts[0][0].split())
        keys |= _latin_keys(" ".join(words[:count]), " ".join(words[count:]))
    else:
        ids = _native_ids(person, culture)
        if ids:
            keys |= _native_keys(*ids)
    return keys


@dataclass(slots=True)
class _Candidate:
    kind: str
    given: str
    family: str
    native: tuple[str, str] | None  # (value, script)
    keys: set[str]
    birth: tuple[int, int, int] | None  # fixed by the kind, or None to be chosen
    country: str
    gender: str


def _draft_form(
    culture: _Culture,
    draft_given: Sequence[_Entry],
    draft_family: Sequence[_Entry],
    rng: random.Random,
) -> tuple[str, str]:
    scheme = _pick(culture.doc_cum, rng) if culture.schemed else None
    choices = (
        []
        if culture.schemed
        else [_pick(entry.cum, rng) for entry in [*draft_given, *draft_family]]
    )
    split = len(draft_given)
    return _render(draft_given, scheme, choices[:split]), _render(
        draft_family, scheme, choices[split:]
    )


def _absent_candidate(
    persons: Sequence[WorldPerson], world: _World, rng: random.Random
) -> _Candidate | None:
    kind = _Sampler(
        ("same_name_other_birth", "same_given_other_family", "same_family_other_given", "new_name"),
        (0.3, 0.3, 0.15, 0.25),
    ).draw(rng)
    birth: tuple[int, int, int] | None = None
    if kind == "new_name" or not persons:
        kind = "new_name"
        code = world.country_sampler.draw(rng)
        culture: _Culture = world.countries[code].cultures.draw(rng)
        gender = "male" if rng.random() < 0.55 else "female"
        draft = culture.draft(rng, gender)
        given, family = _draft_form(culture, draft.given, draft.family, rng)
        ids: tuple[Sequence[str], Sequence[str]] | None = (
            draft.ids if culture.script != "Latn" else None
        )
        spelled = [(given, family)]
        if culture.script == "Latn":
            spelled += [_draft_form(culture, draft.given, draft.family, rng) for _ in range(3)]
            spelled += [
                (_render(draft.given, s, ()), _render(draft.family, s, ())) for s in range(4)
            ]
    else:
        person = persons[rng.randrange(len(persons))]
        code, gender = person.country, person.gender
        culture = _culture_of(person)
        components = _components(person, culture)
        if components is None:
            return None
        own_ids = _native_ids(person, culture)
        given, family = person.parts[rng.randrange(len(person.parts))]
        ids = (own_ids[0], own_ids[1]) if own_ids else None
        given_entries, family_entries = components
        if kind != "same_name_other_birth":
            birth = person.birth
            draft = culture.draft(rng, gender)
            if kind == "same_given_other_family":
                _, family = _draft_form(culture, [], draft.family, rng)
                family_entries = draft.family
                ids = (ids[0], draft.ids[1]) if ids else None
            else:
                given, _ = _draft_form(culture, draft.given, [], rng)
                given_entries = draft.given
                ids = (draft.ids[0], ids[1]) if ids else None
        spelled = [(given, family)]
        if culture.script == "Latn":
            spelled += [
                (_render(given_entries, s, ()), _render(family_entries, s, ())) for s in range(4)
            ]
    keys: set[str] = set()
    for spelled_given, spelled_family in spelled:
        keys |= _latin_keys(spelled_given, spelled_family) | _latin_keys(
            spelled_family, spelled_given
        )
    native: tuple[str, str] | None = None
    if ids:
        keys |= _native_keys(ids[0], ids[1]) | _native_keys(ids[1], ids[0])
        given_ids = list(ids[0]) if culture.order == "gf" else list(ids[0])[:1]
        text = culture.assemble(given_ids, list(ids[1]))
        native = (text, "Kana" if isinstance(culture, _JapaneseCulture) else culture.script)
    return _Candidate(kind, given, family, native, keys, birth, code, gender)


def _window(mask: int, year: int) -> bool:
    """Whether anyone with these names was born within a year of `year`."""
    return bool(mask >> (year - 1 - 1900) & 0b111) if year > 1900 else bool(mask & 0b11)


def _absent_queries(
    persons: Sequence[WorldPerson], count: int, rng: random.Random
) -> list[WorldQuery]:
    world = _world()
    queries: list[WorldQuery] = []
    for _round in range(50):  # a round scans the world once; one or two usually suffice
        if len(queries) >= count:
            break
        candidates = [
            candidate
            for candidate in (
                _absent_candidate(persons, world, rng)
                for _ in range((count - len(queries)) * 3 // 2 + 8)
            )
            if candidate is not None
        ]
        births: dict[str, int] = dict.fromkeys(
            key for candidate in candidates for key in candidate.keys
        )
        for key in births:
            births[key] = 0
        for person in persons:
            for key in _person_keys(person, _culture_of(person)):
                if key in births:
                    births[key] |= 1 << (person.birth[0] - 1900)
        for candidate in candidates:
            if len(queries) >= count:
                break
            mask = 0
            for key in candidate.keys:
                mask |= births[key]
            birth = candidate.birth
            if birth is None:
                for _ in range(20):
                    drawn = _birth(world, rng, candidate.country)
                    if not _window(mask, drawn[0]):
                        birth = drawn
                        break
                if birth is None:
                    continue
            elif _window(mask, birth[0]):
                continue
            labels = ["absent", candidate.kind]
            birth_text: str | None = _birth_text(birth)
            roll = rng.random()
            if roll < 0.1:
                birth_text, labels = f"{birth[0]:04d}", [*labels, "partial_birth"]
            elif roll < 0.2 and not mask:
                birth_text, labels = None, [*labels, "no_birth"]
            if candidate.native and rng.random() < 0.2:
                name = candidate.native[0]
                labels.insert(2, "native_script")
            else:
                name = f"{candidate.given} {candidate.family}"
            nationality = candidate.country if rng.random() < 0.5 else None
            gender = candidate.gender if rng.random() < 0.5 else None
            queries.append(WorldQuery(None, name, birth_text, nationality, gender, tuple(labels)))
    return queries


def namesakes(a: WorldPerson, b: WorldPerson) -> bool:
    """Whether two persons bear the same name under a spelling the world gives them (the same
    first given name with the same other name, as the absence check reads names): a query by
    name alone cannot tell them apart."""
    return bool(_person_keys(a, _culture_of(a)) & _person_keys(b, _culture_of(b)))


def generate_queries(
    persons: Sequence[WorldPerson], count: int, *, seed: int = 3, absent_fraction: float = 0.3
) -> list[WorldQuery]:
    """Screening queries: people of the world under realistic variation, and near-misses who
    are in it under no spelling and within a year of no birth date."""
    rng = random.Random(seed)
    absent_count = count if not persons else round(count * absent_fraction)
    queries = [
        _present_query(persons[rng.randrange(len(persons))], rng)
        for _ in range(count - absent_count)
    ]
    queries += _absent_queries(persons, absent_count, rng)
    rng.shuffle(queries)
    return queries


# --------------------------------------------------------------------------------------------
# Document checks

_DOCUMENT_OCR = (("0", "O"), ("O", "0"), ("1", "I"), ("I", "1"), ("5", "S"), ("S", "5"),
                 ("8", "B"), ("B", "8"), ("2", "Z"), ("Z", "2"), ("6", "G"), ("G", "6"))  # fmt: skip


def _number_may_exist(number: str, country: str | None) -> bool:
    """Whether this world may have issued the number (to a person or as a stand-alone)."""
    countries = _world().countries
    for code in (country,) if country else tuple(countries):
        for fmt in countries[code].formats.values():
            number_class = fmt.number_class(number)
            if number_class is not None and number_class < 2:
                return True
    return False


def _misread(number: str, rng: random.Random) -> str | None:
    spots = [(i, new) for old, new in _DOCUMENT_OCR for i, ch in enumerate(number) if ch == old]
    if not spots:
        return None
    rng.shuffle(spots)
    count = 2 if len(spots) > 1 and rng.random() < 0.25 else 1
    characters = list(number)
    used: set[int] = set()
    for i, new in spots:
        if i not in used:
            characters[i] = new
            used.add(i)
        if len(used) == count:
            break
    return "".join(characters)


def generate_document_queries(
    documents: Sequence[WorldDocument], count: int, *, seed: int = 4, absent_fraction: float = 0.3
) -> list[WorldDocumentQuery]:
    """Document number checks: documents of the world (a sample the caller kept) read with
    OCR confusions, spaces or lower case, and numbers no document of the world carries."""
    world = _world()
    rng = random.Random(seed)
    known = {(document.country, document.number) for document in documents}
    absent_count = count if not documents else round(count * absent_fraction)
    queries: list[WorldDocumentQuery] = []
    while len(queries) < count - absent_count:
        document = documents[rng.randrange(len(documents))]
        number = document.number
        labels: list[str] = []
        wanted = _pick(_cumulative((0.4, 0.45, 0.15)), rng)
        pool = ["ocr", "spacing", "lowercase", "no_country"]
        rng.shuffle(pool)
        for label in pool[:wanted]:
            if label == "ocr":
                for _ in range(10):
                    misread = _misread(number, rng)
                    if (
                        misread
                        and (document.country, misread) not in known
                        and not _number_may_exist(misread, None)
                    ):
                        number = misread
                        labels.append("ocr")
                        break
            else:
                labels.append(label)
        if "spacing" in labels:
            cut = rng.randrange(2, max(3, len(number) - 1))
            number = number[:cut] + (" " if rng.random() < 0.7 else "-") + number[cut:]
        if "lowercase" in labels:
            number = number.lower()
        country = None if "no_country" in labels else document.country
        kind = document.document_type if rng.random() < 0.5 else None
        variations = tuple(
            label for label in ("ocr", "spacing", "lowercase", "no_country") if label in labels
        )
        queries.append(
            WorldDocumentQuery(document, number, country, kind, variations or ("exact",))
        )
    codes = list(world.countries)
    while len(queries) < count:
        if documents and rng.random() < 0.6:
            document = documents[rng.randrange(len(documents))]
            code, kind = document.country, document.document_type
            fmt = world.countries[code].formats[kind]
            number = ""
            for _ in range(30):
                i = rng.randrange(fmt.body_length)
                symbol = document.number[i]
                alphabet = "0123456789" if symbol.isdigit() else _LETTERS
                changed = (
                    document.number[:i]
                    + alphabet[rng.randrange(len(alphabet))]
                    + document.number[i + 1 :]
                )
                if fmt.check:
                    body = changed[: fmt.body_length]
                    changed = body + fmt.check(body) if body.isdigit() else changed
                if (
                    changed != document.number
                    and (code, changed) not in known
                    and not _number_may_exist(changed, None)
                ):
                    number = changed
                    break
            if not number:
                continue
            labels = ["absent", "near_miss"]
        else:
            code = codes[rng.randrange(len(codes))]
            formats = world.countries[code].formats
            kind = sorted(formats)[rng.randrange(len(formats))]
            fmt = formats[kind]
            number = fmt.encode(rng.randrange(2 * fmt.quarter, fmt.size))
            if (code, number) in known or _number_may_exist(number, None):
                continue
            labels = ["absent", "unissued"]
        country = code if rng.random() < 0.8 else None
        if country is None:
            labels.append("no_country")
        queries.append(
            WorldDocumentQuery(
                None, number, country, kind if rng.random() < 0.5 else None, tuple(labels)
            )
        )
    rng.shuffle(queries)
    return queries
