"""Names across scripts: normalisation, romanisation, the keys the screening index looks
candidates up by, and the one scorer that compares two names and explains its score.

A name goes through these steps:

1. Unicode NFKC, case folding; titles and honorifics dropped ("Dr", "Sheikh", "Mme").
2. Its script detected (ISO 15924) and the name split into parts: on spaces, hyphens and
   punctuation; a Chinese, Japanese or Korean name written without spaces is split into
   family name and given name.
3. Each part romanised into one or more Latin forms: ICU's BGN/PCGN or UNGEGN transforms
   where they exist (Cyrillic, Greek, Hebrew, Korean...), pypinyin for Han, anyascii for any
   other script and as a second opinion; Latin diacritics folded both ways (Müller gives
   "muller" and "mueller", as ICAO 9303 writes it in the machine-readable zone).
4. Arabic articles and compounds made regular: "al-", "el-" and "ال" are particles; "Abd al
   Rahman", "Abdul Rahman" and "Abdelrahman" become one part "abdrahman".
5. Each Latin form gets a consonant skeleton: vowels, h, w and y dropped, letters that the
   conventions swap for one another put into one class (b p f v; t d; k g q c; s z j and the
   sh/ch/zh/ts sounds; l r). Scripts that do not write short vowels (Arabic, Hebrew) and the
   many spellings of one name meet there: Mohammed, Muhammad, Mohamed and محمد all give
   "MMT".

Two names are compared by aligning their parts regardless of order: each part of one is
paired with the most similar part of the other (exact form, same skeleton, or string
similarity on the Latin forms and on the skeletons), and the score is the weighted share of
aligned parts, parts left over on either side lowering it. See docs/screening.md.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from anyascii import anyascii
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import cdist

from bluebridge.records.kinds.persons import detect_script
from bluebridge.screening.chinese import (
    pinyin_readings,
    transcription_skeletons,
    transcription_tokens,
)
from bluebridge.screening.cyrillic import readings as cyrillic_readings
from bluebridge.screening.kana import hepburn

try:  # PyICU is a dependency; the guard keeps a broken ICU build from taking screening down
    import icu

    _HAVE_ICU = True
except ImportError:  # pragma: no cover - exercised only where the ICU build failed
    _HAVE_ICU = False

# ---------------------------------------------------------------- vocabulary

# Titles and honorifics: dropped before matching.
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mister",
        "dr",
        "doctor",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "sheikh",
        "shaikh",
        "sheik",
        "shaykh",
        "sayyid",
        "sayed",
        "syed",
        "haji",
        "hajji",
        "hadji",
        "hajj",
        "mme",
        "mlle",
        "madame",
        "mademoiselle",
        "monsieur",
        "herr",
        "frau",
        "sr",
        "sra",
        "srta",
        "senor",
        "senora",
        "don",
        "dona",
        "dom",
        "gen",
        "general",
        "col",
        "colonel",
        "capt",
        "captain",
        "maj",
        "major",
        "lt",
        "sgt",
        "imam",
        "mullah",
        "mufti",
        "hon",
        "rev",
        "father",
        "jr",
        "junior",
        "snr",
        "ii",
        "iii",
        "iv",
        "esq",
    ]
)
# Particles: kept as parts of little weight (they are often left out or attached).
PARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "ad",
        "ar",
        "as",
        "at",
        "az",
        "an",
        "ash",
        "bin",
        "ibn",
        "bint",
        "ben",
        "bent",
        "abu",
        "abou",
        "umm",
        "um",
        "ould",
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "st",
        "zu",
        "ter",
        "ten",
        "y",
        "e",
    ]
)
# "Abd" followed by an article, written as one part or two: Abd al, Abdul, Abdel, Abdoul...
_ABD = re.compile(r"^(?:abd|abdu|abdo|abdou)(?:al|el|ul|ol|ar|er|ur|as|es|us|an|en|un|)$")
_ABD_JOINED = re.compile(
    r"^(?:abd|abdu|abdo|abdou)(?:al|el|ul|ol|ar|er|ur|as|es|us|an|en|un|ad|ed|ud|u|)"
    r"([bcdfghjklmnpqrstvwxz][a-z]{2,})$"
)
# Arabic article written joined in Latin ("Alhassan", "Elsayed"): a second form without it.
_ARTICLE_JOINED = re.compile(
    r"^(?:al|el)([bcdfghjklmnpqrstvwxz][a-z]{3,})$"
    # The article as Arabic says it before a "sun letter", which it doubles (Ennajjar,
    # Essayed, Arrashid: an-Najjar, as-Sayed, ar-Rashid).
    r"|^[ae]([tdrzsnl])\2([a-z]{3,})$"
    # A particle of two syllables' length written together with the name (Vanstraaten,
    # Dermeer, Dossantos); not de, da, di or del, which begin too many names (Daniel, Denise).
    r"|^(?:van|von|der|den|ter|ten|dos|das|della|dalla)([bcdfghjklmnpqrstvwxz][a-z]{3,})$"
)

# Chinese compound family names (two characters); any other Han name's family name is one.
_HAN_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "歐陽",
        "司馬",
        "諸葛",
        "東方",
        "長孫",
    ]
)
# Korean family names whose passport spellings are not what romanisation gives.
_KOREAN_SURNAMES: dict[str, tuple[str, ...]] = {
    "김": ("kim", "gim"),
    "이": ("lee", "yi", "rhee", "i", "ri"),
    "리": ("lee", "ri", "rhee"),
    "박": ("park", "pak", "bak"),
    "정": ("jung", "jeong", "chung"),
    "최": ("choi", "choe"),
    "강": ("kang", "gang"),
    "조": ("cho", "jo"),
    "윤": ("yoon", "yun"),
    "장": ("jang", "chang"),
    "임": ("lim", "im", "rim"),
    "한": ("han",),
    "오": ("oh", "o"),
    "서": ("seo", "suh"),
    "신": ("shin", "sin"),
    "권": ("kwon", "gwon"),
    "황": ("hwang",),
    "안": ("ahn", "an"),
    "송": ("song",),
    "류": ("ryu", "yoo", "yu"),
    "유": ("yoo", "yu"),
    "전": ("jeon", "jun", "chun"),
    "홍": ("hong",),
    "고": ("ko", "go"),
    "문": ("moon", "mun"),
    "손": ("son", "sohn"),
    "양": ("yang",),
    "배": ("bae",),
    "백": ("baek", "paik", "baik"),
    "허": ("heo", "huh"),
    "남": ("nam",),
    "노": ("noh", "roh", "no"),
    "하": ("ha",),
    "곽": ("kwak",),
    "성": ("sung", "seong"),
    "차": ("cha",),
    "주": ("joo", "ju"),
    "우": ("woo", "u"),
    "구": ("koo", "gu"),
    "민": ("min",),
    "진": ("jin",),
    "나": ("na", "ra"),
    "지": ("ji",),
    "엄": ("eom", "um"),
    "채": ("chae",),
    "원": ("won",),
    "천": ("cheon", "chun"),
    "방": ("bang",),
    "공": ("kong", "gong"),
    "현": ("hyun", "hyeon"),
}
# Transforms by script: ICU's BGN/PCGN and UNGEGN romanisations, close to passport spellings.
_ICU_TRANSFORMS = {
    "Cyrl": "Russian-Latin/BGN",
    "Grek": "Greek-Latin/UNGEGN",
    "Hebr": "Hebrew-Latin",  # the BGN variant leaves an unpointed shin as it is
    "Arab": "Arabic-Latin",
    "Hang": "Korean-Latin/BGN",
    "Kore": "Korean-Latin/BGN",
    "Kana": "Katakana-Latin/BGN",
    "Hira": "Hiragana-Latin",
    "Jpan": "Katakana-Latin/BGN",
    "Deva": "Devanagari-Latin",
    "Thai": "Thai-Latin",
    "Armn": "Armenian-Latin/BGN",
    "Geor": "Georgian-Latin/BGN",
}
_HAN = frozenset({"Hani", "Jpan", "Kore"})
_UNSPACED = frozenset({"Hani", "Hang", "Kore", "Jpan", "Kana", "Hira", "Thai"})
_GERMAN_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_SLAVIC_DIGRAPHS = str.maketrans(
    {"č": "ch", "ć": "ch", "š": "sh", "ž": "zh", "đ": "dj", "ř": "rzh", "ś": "sh", "ź": "zh"}
)
_SLAVIC_DIGRAPH_LETTERS = "čćšžđřśź"
_SPLIT = re.compile(r"[\s,;:/\\.()\[\]{}\"“”«»_+*&·・‧]+")
_APOSTROPHES = re.compile(r"[’'`ʼʻʿʾ´‘]")
_NOT_LETTER = re.compile(r"[^a-z]")


# ---------------------------------------------------------------- skeletons


_VOWELS = "aeiouy"
_H_DIGRAPHS = frozenset("cstpgkzdbj")  # letters an h makes one sound with (ch, th, ph, kh...)


def skeleton(
    latin: str,
    *,
    pinyin: bool = False,
    written_latin: bool = False,
    vowel_marks: bool = False,
    doubled: bool = False,
    spoken_h: bool = False,
) -> str:
    """The consonant skeleton of a Latin form: vowels, h, w and y dropped, the consonants put
    into classes (B: b p f v; T: t d; K: k g q c x; S: s z j ch sh zh ts; L: l r; M; N).
    With `pinyin`, j and q are read as the K they transcribe in foreign names (基 ji for "ki").
    With `written_latin` (a name written in Latin letters, not romanised from Arabic or Hebrew,
    where w and y carry vowels), a w before a vowel is the consonant v (Wladimir, Grigorjew), and
    a j beside a vowel after a consonant is the glide y (Martjan, Stojtschew). With
    `vowel_marks`, the vowel letters (a e i o u w y, and ' for a letter that carries a vowel)
    are kept in lower case among the classes: where a name has its vowels, for comparing with
    the vowels an abjad writes. With `doubled`, a letter written twice is two consonants, as
    in an abjad, which never doubles a letter for length (טלאל‎ Talal romanises "tll"). With
    `spoken_h`, an h that is not the h of th, ch, sh, ph... is kept as "H", for comparing with a Chinese transcription, which writes it (哈 ha, 赫 he)."""
    out: list[str] = []
    text = latin.lower()
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        prev = text[i - 1] if i else ""
        if (
            written_latin
            and c == "w"
            and (
                (nxt and (nxt in _VOWELS or not prev))
                # -ow, -ew at the end or before a consonant: the German and Polish spelling of a
                # Slavic v (Iwanow, Tschaikowski)
                or (prev in ("o", "e") and (not nxt or nxt not in _VOWELS + "hw"))
            )
        ):
            out.append("B")
            i += 1
            continue
        if c == "t" and text.startswith("sch", i + 1):  # German tsch: one sound (ч)
            out.append("S")
            i += 4
            continue
        if c == "t" and text.startswith("ch", i + 1):  # French and English tch (ч)
            i += 1
            continue
        if (
            written_latin
            and c == "j"
            and prev
            and prev != "d"
            and (
                (prev not in _VOWELS and nxt in _VOWELS and nxt)
                or (prev in _VOWELS and (not nxt or nxt not in _VOWELS))
            )
        ):
            if vowel_marks:
                out.append("y")
            i += 1
            continue
        if c in "aeiouyhw'":
            if vowel_marks and c != "h":
                out.append(c)
            elif spoken_h and c == "h" and prev not in _H_DIGRAPHS and text[:2] != "rh":
                out.append("H")
            i += 1
            continue
        if c == nxt and not doubled:  # a doubled letter counts once
            i += 1
            continue
        code = ""
        if c in "bpfv":
            code = "B"
        elif c in "td":
            if c == "t" and nxt and nxt in "sz":
                code = "S"
                i += 1
            else:
                code = "T"
                if c == "d" and nxt == "t":  # German dt is one t (Stadt, Schmidt)
                    i += 1
        elif c == "c":
            if nxt == "h":
                code = "S"
            elif nxt == "z":  # Polish and Czech cz (ч), one sound
                code = "S"
                i += 1
            elif nxt == "k":
                code = "K"
                i += 1
            elif nxt and nxt in "eiy":
                code = "S"
            else:
                code = "K"
        elif c in "kgq":
            code = "K"
            if pinyin and c == "q":
                code = "K"
        elif c == "x":
            if pinyin:
                code = "S"
            else:
                out.append("K")
                code = "S"
        elif c == "j":
            code = "K" if pinyin else "S"
        elif c in "sz":
            code = "S"
            if c == "s" and text.startswith("ch", i + 1):  # German "sch"
                i += 2
            elif (c == "s" and nxt == "z") or (c == "z" and nxt == "s"):
                i += 1  # Polish and Hungarian sz, Hungarian zs: one sound (ш, с, ж)
        elif c in "lr":
            code = "L"
        elif c == "m":
            code = "M"
        elif c == "n":
            code = "N"
            after = text[i + 2] if i + 2 < n else ""
            # "ng" closing a syllable is one sound (Huang, Tang, Huntington, وانغ); before a
            # vowel, the gh of a romanised غ or ג' is a g that opens the next (بينغا Benga)
            voiced_next = after == "h" and i + 3 < n and text[i + 3] in _VOWELS
            if nxt == "g" and (not after or after not in _VOWELS) and not voiced_next:
                i += 1
        if code:
            out.append(code)
        i += 1
    # letters of one class side by side in the Latin spelling (ks, dt, ...) are one sound
    # there, but the Arabic and Hebrew spellings keep them: do not collapse further.
    return "".join(out)


# ---------------------------------------------------------------- romanisation


@lru_cache(maxsize=64)
def _transliterator(transform_id: str) -> object | None:
    if not _HAVE_ICU:  # pragma: no cover
        return None
    return icu.Transliterator.createInstance(f"{transform_id}; Latin-ASCII")  # type: ignore[no-any-return]


def warm_up() -> None:
    """Make ICU's transliterators now (a few hundred milliseconds each, once per process),
    not on the first traveller of each script."""
    for transform in set(_ICU_TRANSFORMS.values()):
        _transliterator(transform)
    _transliterator_raw("Devanagari-Latin")
    _han_readings("王")


def _ascii_letters(value: str) -> str:
    return _NOT_LETTER.sub("", value.lower())


# Digits a scanner reads for letters (a name has no digits): 0 for O, 1 for l, 5 for S...
_OCR_DIGITS = str.maketrans(
    {
        "0": "o",
        "1": "l",
        "2": "z",
        "3": "e",
        "4": "a",
        "5": "s",
        "6": "g",
        "7": "t",
        "8": "b",
        "9": "g",
    }
)
_OCR_PAIRS = (("rn", "m"), ("cl", "d"), ("vv", "w"), ("ii", "u"))


# Long vowels as English spells them in names transcribed from Arabic, Persian, Urdu and
# Korean (Kareem, Waleed, Mahmoud, Yoo): also read as the one vowel of the other spelling
# (Karim, Walid, Mahmud, Yu).
_VOWEL_SOUNDS = {"ee": "i", "oo": "u", "ou": "u"}
_VOWEL_DIGRAPHS = re.compile("ee|oo|ou")


_POLISH_RZ = re.compile(r"(^|[bcdfgkmnpstw])rz(?=[aeiouy])")


def _fold_latin(part: str) -> list[str]:
    """Latin forms of a part in the Latin script: diacritics dropped, German umlauts as
    "ae oe ue" too, digits read as the letters a scanner mistook them for, and the letter
    pairs OCR confuses (rn for m, cl for d) also read the other way."""
    text = part.translate(_OCR_DIGITS)
    forms = [_ascii_letters(anyascii(text))]
    if any(ch in part for ch in "äöüÄÖÜ"):
        forms.append(_ascii_letters(anyascii(text.translate(_GERMAN_UMLAUTS))))
    if any(ch in part for ch in _SLAVIC_DIGRAPH_LETTERS):
        # Živković as the sounds others write: Zhivkovich, Jivkovitch.
        forms.append(_ascii_letters(anyascii(text.translate(_SLAVIC_DIGRAPHS))))
    if "ł" in part or "Ł" in part:
        # the Polish ł is said as a w (Kołodziej: コウォジェイ, Stołyhwo)
        forms.append(_ascii_letters(anyascii(text.replace("ł", "w").replace("Ł", "W"))))
    if _POLISH_RZ.search(forms[0]):
        # the Polish rz after a consonant is the sound of ż (Grzybowska: Гжибовска, グジボフスカ)
        forms.append(_POLISH_RZ.sub(r"\1zh", forms[0]))
    for seen, meant in _OCR_PAIRS:
        if seen in forms[0]:
            forms.append(forms[0].replace(seen, meant))
    sounded = _VOWEL_DIGRAPHS.sub(lambda m: _VOWEL_SOUNDS[m.group(0)], forms[0])
    if sounded != forms[0]:  # ee, oo and ou for the vowels they write (Kareem, Mahmoud)
        forms.append(sounded)
    if "1" in part:  # a 1 is an I as often as an l (1van, J1E)
        forms.append(_ascii_letters(anyascii(part.replace("1", "i").translate(_OCR_DIGITS))))
    return forms


# A capital I inside a word written in lower case is an l a scanner misread (AIlan, CIark,
# HiIl): the word is also read with an l there.
_MIXED_CASE_I = re.compile(r"(?<=[^\W\d_])I(?=[a-z]|$)|(?<=[a-z])I", re.MULTILINE)


def _misread_ls(value: str) -> str | None:
    """The name with each capital I a scanner may have misread for an l made an l, or None
    when there is none (a word in capitals is left as it is: ALI is Ali)."""
    words = value.split()
    changed = [
        _MIXED_CASE_I.sub("l", word) if any(c.islower() for c in word) else word for word in words
    ]
    return " ".join(changed) if changed != words else None


def _han_readings(part: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(part, style=Style.NORMAL, errors="ignore")
    return [_ascii_letters("".join(syllables))]


@lru_cache(maxsize=200_000)
def romanise(part: str, script: str) -> tuple[str, ...]:
    """The Latin forms of one name part written in a script, lower-case ASCII letters only,
    best first; empty when nothing Latin can be made of it."""
    forms: list[str] = []
    if script in ("Latn", "Zyyy"):
        forms = _fold_latin(part)
    elif script in ("Hang", "Kore") and part in _KOREAN_SURNAMES:
        forms = list(_KOREAN_SURNAMES[part])
    elif script == "Hang" and _CLOSING_S in unicodedata.normalize("NFD", part):
        # A syllable closing on ㅅ is said with a t, and writes the t of a foreign name
        # (티펫 Tippett): its reading with that t as well.
        forms = [*romanise(part, "Kore"), *romanise(_closing_s_as_t(part), "Kore")]
    elif script == "Hani" or (script in _HAN and any(_is_han(c) for c in part)):
        forms = _han_readings(part)
    elif script == "Deva":
        forms = [_devanagari(part), _ascii_letters(anyascii(part))]
    elif script in ("Kana", "Hira") and hepburn(part):
        # Hepburn with the spellings of foreign sounds (ファン fan, ティ ti), whose small vowel
        # ICU's transform drops (fun) and anyascii spells apart (fuan): neither is kept
        forms = list(hepburn(part))
    else:
        transform = _ICU_TRANSFORMS.get(script)
        if transform is not None:
            transliterator = _transliterator(transform)
            if transliterator is not None:
                for spelling in _abjad_spellings(part, script):
                    forms.append(_ascii_letters(transliterator.transliterate(spelling)))  # type: ignore[attr-defined]
        forms.append(_ascii_letters(anyascii(part)))
        if script == "Cyrl":
            # х also writes a foreign h (Hood: худ), дж a j (Joely: джоэли); a г opening a
            # name is the h of German, Czech, Hungarian and Dutch names too (Гурвиц: Hurwitz,
            # Главачек: Hlaváček), as in Ukrainian and Belarusian
            forms += [f.replace("kh", "h").replace("dzh", "j") for f in forms]
            if part[:1] in "гГ" and forms and forms[0].startswith("g"):
                forms.append("h" + forms[0][1:])
            # a Chinese name in Palladius, a Japanese one in Polivanov (Цзинь: Jin, Тидзуко:
            # Chizuko)
            forms += cyrillic_readings(part)
    seen: dict[str, None] = {}
    for form in forms:
        if form:
            seen.setdefault(form, None)
    return tuple(seen)


_CLOSING_S = "\u11ba"  # the jamo ㅅ closing a syllable
_HANGUL_FIRST = 0xAC00


def _closing_s_as_t(part: str) -> str:
    """Hangul with each syllable closing on ㅅ closing on ㄷ instead (the same sound there)."""
    out = []
    for char in part:
        offset = ord(char) - _HANGUL_FIRST
        if 0 <= offset < 11172 and offset % 28 == 19:  # ㅅ is final number 19, ㄷ 7
            char = chr(ord(char) - 12)
        out.append(char)
    return "".join(out)


# Hebrew letters with a geresh write sounds Hebrew lacks: ג׳ j (ג׳ון John), ז׳ zh, צ׳ ch, ת׳
# th; the Latin letters pass through ICU's transform untouched.
_GERESH = re.compile("([גזצץתח])['׳]")
_GERESH_SOUNDS = {"ג": "j", "ז": "zh", "צ": "ch", "ץ": "ch", "ת": "th", "ח": "kh"}


def _abjad_spellings(part: str, script: str) -> list[str]:
    """A part as it goes to ICU's transform: Hebrew letters with a geresh as the sounds they
    write; and for Arabic also with ج as g, which it is in Egypt and in most Arabic spellings
    of foreign names (جوليا Giulia, بيرج Berg)."""
    if script == "Hebr":
        spelt = _GERESH.sub(lambda m: _GERESH_SOUNDS[m.group(1)], part)
        spellings = [spelt] if spelt == part else [spelt, part]
        if "ו" in spelt:  # vav as the consonant v: first in a word, or doubled (וו)
            spellings.append(re.sub("^ו|וו", "v", spelt))
        if "ח" in spelt:  # het: the kh of modern Hebrew, German ch and Spanish j, not only h
            spellings.append(spelt.replace("ח", "kh"))
        return spellings
    if script == "Arab" and "ج" in part:
        return [part, part.replace("ج", "g")]
    return [part]


def _devanagari(part: str) -> str:
    """Hindi as names are spelt in Latin: ś and ṣ as "sh", and the inherent vowel of the last
    consonant not spoken (schwa deletion: राहुल is Rahul, not Rahula)."""
    transliterator = _transliterator_raw("Devanagari-Latin")
    if transliterator is None:  # pragma: no cover
        return _ascii_letters(anyascii(part))
    latin = transliterator.transliterate(part)
    latin = latin.replace("ś", "sh").replace("ṣ", "sh").replace("Ś", "sh").replace("Ṣ", "sh")
    latin = _ascii_letters(anyascii(latin))
    last = part[-1:] if part else ""
    if latin.endswith("a") and last and unicodedata.category(last) == "Lo" and len(latin) > 2:
        latin = latin[:-1]
    return latin


@lru_cache(maxsize=8)
def _transliterator_raw(transform_id: str) -> Any:
    if not _HAVE_ICU:  # pragma: no cover
        return None
    return icu.Transliterator.createInstance(transform_id)


def _is_han(char: str) -> bool:
    return "CJK" in unicodedata.name(char, "")


# ---------------------------------------------------------------- parts


@dataclass(frozen=True, slots=True, eq=False)
class Part:
    """One part of a name: what was written, its Latin forms and skeletons, its weight.

    Parts are interned (`_intern`): the same part of a million names is one object, compared
    and hashed by identity, so that the scorer's caches are cheap."""

    text: str  # as written (case-folded)
    forms: tuple[str, ...]  # Latin forms, best first
    skeletons: tuple[str, ...]  # consonant skeletons of the forms (distinct)
    particle: bool = False
    initial: bool = False
    vowels: bool = True  # False where the script leaves short vowels unwritten (Arabic, Hebrew)
    latin_script: bool = True  # written in Latin (or with no letters of any script)
    script: str = "Latn"
    # Skeletons of how another script hears a Latin spelling (Baker as ベイカー: no final r;
    # th as s), compared only against parts written in another script.
    alternates: tuple[str, ...] = ()
    # The pinyin a Latin part may stand for when it is a Chinese name in another romanisation
    # (Wade-Giles Hsu: xu; Cantonese Chan: chen); see `chinese.pinyin_readings`.
    readings: tuple[str, ...] = ()

    @property
    def weight(self) -> float:
        if self.particle:
            return 0.2
        if self.initial:
            return 0.5
        return 1.0

    @property
    def latin(self) -> str:
        return self.forms[0] if self.forms else self.text


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name made ready for matching: its script and its parts."""

    original: str
    script: str
    parts: tuple[Part, ...]

    @property
    def core(self) -> tuple[Part, ...]:
        """The parts that carry the name (not particles)."""
        return tuple(p for p in self.parts if not p.particle)

    def latin(self) -> str:
        return " ".join(p.latin for p in self.parts)


_ARABIC_ABD = "\u0639\u0628\u062f"  # عبد
_UNVOWELLED = frozenset({"Arab", "Hebr", "Syrc", "Thaa"})


def _make_part(
    text: str, forms: Iterable[str], *, script: str = "Latn", particle: bool = False
) -> Part | None:
    return _made_part(text, tuple(forms), script, particle)


@lru_cache(maxsize=1 << 18)
def _made_part(text: str, forms: tuple[str, ...], script: str, particle: bool) -> Part | None:
    """The interned part of a word (cached: the same word of many names is made once)."""
    distinct = tuple(dict.fromkeys(f for f in forms if f))
    if not distinct:
        return None
    written_latin = script in ("Latn", "Zyyy")
    skeletons = tuple(dict.fromkeys(skeleton(f) for f in distinct))
    if written_latin:
        # A Latin w or j is read both ways: as the vowel carrier Arabic, Hebrew and Chinese
        # transcriptions make of it (Wilson: ولسن, 威尔逊), and as the consonant (Grigorjew).
        skeletons = tuple(
            dict.fromkeys([*skeletons, *(skeleton(f, written_latin=True) for f in distinct)])
        )
    if script in _UNVOWELLED:  # a letter written twice there is two consonants
        skeletons = tuple(
            dict.fromkeys([*skeletons, *(skeleton(f, doubled=True) for f in distinct)])
        )
    if script == "Hani":  # pinyin j and q also as the k they transcribe
        skeletons = tuple(
            dict.fromkeys([*skeletons, *(skeleton(f, pinyin=True) for f in distinct)])
        )
    initial = len(distinct[0]) == 1 and not particle
    latin_script = script in ("Latn", "Zyyy")
    alternates: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()
    if latin_script and not initial:
        heard = _syllabic_heard(distinct) | _han_heard(distinct)
        alternates = tuple(sorted(heard - set(skeletons)))
        if not particle:
            readings = tuple(r for r in pinyin_readings(distinct[0]) if r not in distinct)
    elif script == "Hani" and not initial:
        # How the characters sound as a foreign name transcribed into Han (加尔梅克 Garmaker).
        alternates = tuple(s for s in transcription_skeletons(text) if s not in skeletons)
    elif script == "Hang" and not initial:
        # One consonant closing a syllable and opening the next (맥키니 maeg-ki-ni: Mckinney).
        once = {_SAME_CLASS_TWICE.sub(r"\1", s) for s in skeletons}
        alternates = tuple(sorted(once - set(skeletons)))
    return _intern(
        Part(
            text=text,
            forms=distinct,
            skeletons=skeletons,
            particle=particle,
            initial=initial,
            vowels=script not in _UNVOWELLED,
            latin_script=latin_script,
            alternates=alternates,
            script=script,
            readings=readings,
        )
    )


_PARTS: dict[tuple[object, ...], Part] = {}
# Particles as other alphabets write them, where the romanisation is not the Latin particle
# (фон: von).
_HEARD_PARTICLES = frozenset({"fon"})
_ARTICLE = Part(text="al", forms=("al",), skeletons=("L",), particle=True)
_MAX_PARTS = 2_000_000


def _intern(part: Part) -> Part:
    key = (
        part.text,
        part.forms,
        part.skeletons,
        part.particle,
        part.initial,
        part.vowels,
        part.script,
        part.alternates,
        part.readings,
    )
    found = _PARTS.get(key)
    if found is None:
        if len(_PARTS) >= _MAX_PARTS:  # a bound on what queries add; only caching suffers
            _PARTS.clear()
        _PARTS[key] = found = part
    return found


_NON_RHOTIC = re.compile(r"(?<=[aeiouy])r+(?![aeiouy])")
# A closing -er said as the long a of Japanese (Weissenberger: ワイセンベルガー -gā, Baker:
# ベイカー), the r before it kept (-beru-).
_FINAL_ER = re.compile(r"(?<=[^aeiouy])err?$")
_SOFT_G_AS_H = re.compile(r"(?<!g)g(?=[ei])")


@lru_cache(maxsize=1 << 16)
def _heard_elsewhere(form: str) -> frozenset[str]:
    """How scripts with other sound systems write a Latin spelling: an r closing a syllable
    left out (Baker: ベイカー, 贝克), th as s or t, w as v (ヴォ, в) and v as w (Ivanova:
    イワノワ), the kh of Russian, German ch and Spanish j as h (Bach: バッハ, 바흐), j as the
    y of German and Slavic names (Jan: ヤン); and what every other script hears
    (`_heard_everywhere`)."""
    variants = {_NON_RHOTIC.sub("", form), form.replace("th", "s"), form.replace("w", "v")}
    variants.add(_NON_RHOTIC.sub("", form).replace("th", "s"))
    variants.add(form.replace("v", "w"))
    variants.add(form.replace("kh", "h").replace("ch", "h"))
    variants.add(form.replace("j", "y"))
    variants.update(_heard_everywhere(form))
    variants.update(_heard_spoken(form))
    # ... an r closing a syllable left out of those too (Leichliter: 렉리터)
    variants.update([_NON_RHOTIC.sub("", v) for v in variants])
    variants.discard(form)
    return frozenset(variants)


def _heard_in_kana(form: str) -> frozenset[str]:  # not cached: the index keeps what it makes
    """How Japanese writes a Latin spelling: as other syllabic scripts do
    (`_heard_elsewhere`), and a closing -er as its long a (Weissenberger: ワイセンベルガー,
    the r before it kept), t before i and ty before a vowel as ch (Ignatyev: イグナチェフ)."""
    variants = set(_heard_elsewhere(form))
    if _FINAL_ER.search(form):
        variants.update(_FINAL_ER.sub("a", v) for v in (form, *_heard_everywhere(form)))
    if _SOFT_G_AS_H.search(form):  # Spanish and Dutch g before e and i as h (Genaro: ヘナロ)
        variants.add(_SOFT_G_AS_H.sub("h", form))
    variants.discard(form)
    return frozenset(variants)


_SAME_CLASS_TWICE = re.compile(r"([A-Z])\1+")


def _syllabic_heard(
    forms: tuple[str, ...], hearing: Callable[[str], frozenset[str]] | None = None
) -> set[str]:
    """The skeletons of how the syllabic scripts hear Latin forms (`_heard_in_kana`, or the
    hearing given), and with two consonants of one class side by side as one: a syllable
    there cannot close on the first (Bierstadt, Jacqueline: the dt, the cq are one sound)."""
    hear = hearing or _heard_in_kana
    heard = {
        skeleton(v, written_latin=w) for f in forms for v in (f, *hear(f)) for w in (False, True)
    }
    return {_SAME_CLASS_TWICE.sub(r"\1", s) for s in heard} | heard


def _han_heard(forms: tuple[str, ...]) -> set[str]:
    """The skeletons of how Chinese transcription hears Latin forms (`_heard_in_han`)."""
    heard = {skeleton(v, written_latin=True) for f in forms for v in _heard_in_han(f)}
    return {_SAME_CLASS_TWICE.sub(r"\1", s) for s in heard} | heard


_CLOSING_LIQUIDS = re.compile(r"(?<=[aeiouy])[lr]+(?![aeiouy])")
_FINAL_LIQUID = re.compile(r"(?<=[aeiouy])[lr]+$")


@lru_cache(maxsize=1 << 16)
def _heard_in_han(form: str) -> tuple[str, ...]:
    """How Chinese transcription hears a Latin spelling, beyond what other syllabic scripts
    do (`_heard_elsewhere`): an l, as well as an r, closing a syllable left out, all of them
    (Mulder: 穆德), only the last (Garmaker: 加尔梅克) or another one alone (Nursultan: 努尔苏丹).
    Mandarin syllables close on no l or r."""
    variants: dict[str, None] = {}
    for heard in (form, *_heard_elsewhere(form)):
        variants.setdefault(_CLOSING_LIQUIDS.sub("", heard), None)
        variants.setdefault(_FINAL_LIQUID.sub("", heard), None)
        for closing in list(_CLOSING_LIQUIDS.finditer(heard))[:3]:  # or any one of them
            variants.setdefault(heard[: closing.start()] + heard[closing.end() :], None)
    variants.pop(form, None)
    return tuple(variants)


# French endings whose last letters are not spoken (Renaud: رينو‎, Рено, ルノー), as heard.
_FRENCH_SILENT = re.compile(
    r"(eaux|eau|aux|ault|aud|oux|ot|et|ois|oix|ais|ait|ier|eille|euil|ard|and|ert|ond)$"
)
_FRENCH_HEARD = {
    "eaux": "o",
    "eau": "o",
    "aux": "o",
    "ault": "o",
    "aud": "o",
    "oux": "ou",
    "ot": "o",
    "et": "e",
    "ois": "oa",
    "oix": "oa",
    "ais": "e",
    "ait": "e",
    "ier": "ie",
    "eille": "ei",
    "euil": "oi",
    "ard": "ar",  # Billard: ビラール
    "and": "an",  # Fernand: フェルナン
    "ert": "er",  # Hubert: ユベール
    "ond": "on",  # Raymond: レモン
}


_SOFT_G = re.compile(r"d?g+(?=[eiy])")  # Giuseppe, Maggi, Berridge
_ROMANCE_GN = re.compile(r"(?<=[aeiou])gn(?=[aeiou])")


@lru_cache(maxsize=1 << 16)
def _heard_everywhere(form: str) -> tuple[str, ...]:
    """How a Latin spelling sounds to any script that writes sounds, not letters: ch as the
    kh of German, Greek and Italian names (Bach: باخ‎, Бах; Chloe: קלואי‎, Chiellini), and a
    French ending's silent letters left out (Renaud, Cartier: קרטייה‎)."""
    variants: dict[str, None] = {}
    if "ch" in form:
        variants.setdefault(form.replace("ch", "kh"), None)
    silent = _FRENCH_SILENT.search(form)
    if silent and silent.start() >= 2:
        variants.setdefault(form[: silent.start()] + _FRENCH_HEARD[silent.group(1)], None)
    if form.endswith("vic") and len(form) > 4:
        # -vić with its accent lost (Petkovic, Jovanovic): the ch others write (פטקוביץ')
        variants.setdefault(form + "h", None)
    variants.pop(form, None)
    return tuple(variants)


@lru_cache(maxsize=1 << 16)
def _heard_spoken(form: str) -> tuple[str, ...]:
    """How a Latin spelling sounds where English and Romance spelling hide the sound, for the
    scripts that write vowels (an abjad's skeletons are too short to be told apart on such
    guesses): Mc as Mac (McVey: 麦克维, Мак-), kn as n (Knott: 诺特), a closing gh silent
    (Bronagh), g and dg before e and i as j (Giuseppe, Berridge: 베리지), gn as ny (Vignelli)."""
    variants: dict[str, None] = {}
    if form.startswith("mc") and len(form) > 3:
        variants.setdefault("mac" + form[2:], None)
    if form.startswith("kn"):
        variants.setdefault(form[1:], None)
    if form.endswith("gh") and len(form) > 3:
        variants.setdefault(form[:-2], None)
    if _SOFT_G.search(form):
        variants.setdefault(_SOFT_G.sub("j", form), None)
    if _ROMANCE_GN.search(form):
        variants.setdefault(_ROMANCE_GN.sub("n", form), None)
    variants.pop(form, None)
    return tuple(variants)


def _split_unspaced(token: str, script: str) -> list[str]:
    """A CJK name written without a space: family name, then given name."""
    letters = [c for c in token if not unicodedata.category(c).startswith("P")]
    word = "".join(letters)
    if script in ("Hani", "Jpan", "Kore") and all(_is_han(c) for c in word):
        if len(word) >= 3 and word[:2] in _HAN_COMPOUND_SURNAMES:
            return [word[:2], word[2:]]
        if 2 <= len(word) <= 4:
            return [word[:1], word[1:]]
    if script in ("Hang", "Kore") and 2 <= len(word) <= 4 and not any(_is_han(c) for c in word):
        return [word[:1], word[1:]]
    return [word]


def _strip_arabic_article(token: str) -> tuple[str, bool]:
    if token.startswith("ال") and len(token) > 3:
        return token[2:], True
    return token, False


def _words(text: str, script: str) -> list[str]:
    """The words of a case-folded name: split on spaces, punctuation and hyphens."""
    text = _APOSTROPHES.sub("", text) if script in ("Latn", "Zyyy") else text
    words: list[str] = []
    for chunk in _SPLIT.split(text):
        if not chunk:
            continue
        for piece in chunk.split("-"):  # hyphenated: Jean-Pierre, al-Hassan
            # a Hebrew geresh may end a word (ג׳ורג׳ George): only a Latin apostrophe goes
            piece = piece.strip("’-").lstrip("'") if script == "Hebr" else piece.strip("'’-")
            if piece:
                words.append(piece)
    if script in _UNSPACED and len(words) == 1:
        words = _split_unspaced(words[0], script)
    return words


@lru_cache(maxsize=200_000)
def parse_name(value: str) -> ParsedName:
    """Normalise a name in any script into parts ready for matching (see the module doc)."""
    normal = unicodedata.normalize("NFKC", value)
    text = normal.casefold()
    script = detect_script(text)
    words = _words(text, script)
    misread: list[str] = []
    if script == "Latn":
        other = _misread_ls(normal)
        if other is not None:
            misread = _words(other.casefold(), script)
            if len(misread) != len(words):
                misread = []
    parts: list[Part] = []
    pending_abd = False
    for position, word in enumerate(words):
        part_script = script if script not in ("Zyyy",) else detect_script(word)
        if part_script == "Zyyy" and not any(c.isalpha() for c in word):
            continue
        had_article = False
        if part_script == "Arab":
            word, had_article = _strip_arabic_article(word)
        forms = list(romanise(word, part_script))
        if not forms:
            continue
        if misread and misread[position] != word:
            forms += romanise(misread[position], part_script)[:1]
        head = forms[0]
        # A title is a Latin word (the Arabic عمر romanises to "mr", and is no Mister).
        if head in TITLES and len(words) > 1 and part_script in ("Latn", "Zyyy"):
            continue
        if had_article and not pending_abd:
            parts.append(_ARTICLE)
        if pending_abd and parts:
            # "Abd al Rahman": the article and the next part make one part with "abd".
            previous = parts.pop()
            if head in PARTICLES:
                parts.append(previous)
                continue
            forms = ["abd" + f for f in forms]
            word = previous.text + " " + word
            pending_abd = False
        elif _ABD.match(head) or (part_script == "Arab" and word == _ARABIC_ABD):
            pending_abd = True
            part = _make_part(word, ["abd"], script=part_script)
            if part is not None:
                parts.append(part)
            continue
        else:
            joined = _ABD_JOINED.match(head)
            if joined:
                forms = ["abd" + joined.group(1), *forms]
            else:
                article = _ARTICLE_JOINED.match(head)
                if article and part_script == "Latn":
                    rest = article.group(1) or article.group(4)
                    forms = [*forms, rest or article.group(2) + article.group(3)]
        # A one-letter particle (Spanish y, Portuguese e) joins two parts; first or last it is
        # an initial (E. Kypriotis, Y. Zhou).
        particle = (
            part_script not in _UNSPACED  # 杜 is the family name Du, not French du
            and (head in PARTICLES or (part_script != "Latn" and head in _HEARD_PARTICLES))
            and len(words) > 1
            and (len(head) > 1 or 0 < position < len(words) - 1)
        )
        part = _make_part(word, forms, script=part_script, particle=particle)
        if part is not None:
            parts.append(part)
    return ParsedName(original=value, script=script, parts=tuple(parts))


# ---------------------------------------------------------------- index keys


def name_keys(name: ParsedName) -> set[str]:
    """The keys a name is found by in the screening index: each core part's skeleton alone,
    each pair of parts' skeletons (in any order), each part's skeleton with the first class,
    and with the last class, of another part's (so that a typo in one part, at its beginning
    or at its end, still finds the name), and each part's skeleton with the first letter of
    another part, initials included (so that "C. Leroy" finds Céline Leroy)."""
    core = name.core
    if len(core) == 1 and len(name.parts) > 1:
        # One part and particles (Bin Li, de la Cruz): the part alone is often too common to
        # look up (Li), so the particles key the name with it.
        core = name.parts
    return set(_keys_of(core))


@lru_cache(maxsize=1 << 12)  # an entry is kilobytes of keys, and a name rarely comes twice
def _keys_of(core_all: tuple[Part, ...]) -> frozenset[str]:
    core = [p for p in core_all if not p.initial] or list(core_all)
    keys: set[str] = set()
    sets = [_part_codes(p) for p in core]
    initials = [p.latin[:1] for p in core_all]
    letters = set(initials)
    for part, codes in zip(core, sets, strict=True):
        own = part.latin[:1]
        for letter in letters:
            # The letter of another part (or of another part with the same first letter).
            if letter != own or initials.count(letter) > 1:
                for code in codes:
                    keys.add("5" + code + "|" + letter)
        for code in codes:
            keys.add("1" + code)
    for i, first in enumerate(sets):
        for j, second in enumerate(sets):
            if i == j:
                continue
            for a in first:
                for b in second:
                    if i < j:
                        keys.add("2" + min(a, b) + "|" + max(a, b))
                    keys.add("3" + a + "|" + b[:1])
                    keys.add("4" + a + "|" + b[-1:])
    return frozenset(keys)


@lru_cache(maxsize=1 << 18)
def _part_codes(part: Part) -> tuple[str, ...]:
    """A part's skeletons (and how other scripts hear it), or its form when the skeleton is
    empty (Lee/Yi/I, Oh, Eo)."""
    codes = [s if s else "~" + f for s, f in zip(part.skeletons, part.forms, strict=False)]
    readings = [skeleton(r, pinyin=True) or "~" + r for r in part.readings]
    return tuple(dict.fromkeys([*codes, *(a for a in part.alternates if a), *readings]))


# ---------------------------------------------------------------- comparing


@dataclass(frozen=True, slots=True)
class PartMatch:
    """Two parts aligned: how they matched and how similar they are (0 to 1)."""

    query: str
    candidate: str
    how: str  # "exact", "skeleton", "similar", "initial", "joined"
    similarity: float


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The score of two names and why: the parts aligned and the parts left over."""

    score: float
    matches: tuple[PartMatch, ...]
    unmatched_query: tuple[str, ...]
    unmatched_candidate: tuple[str, ...]

    def explain(self) -> list[str]:
        lines = [
            f"{m.query} ~ {m.candidate}: {m.how} ({m.similarity:.2f})"
            for m in sorted(self.matches, key=lambda m: -m.similarity)
        ]
        if self.unmatched_query:
            lines.append("not in the candidate's name: " + ", ".join(self.unmatched_query))
        if self.unmatched_candidate:
            lines.append("not in the query: " + ", ".join(self.unmatched_candidate))
        return lines


# Scripts whose syllables cannot close on most consonants: an r closing a Latin syllable is
# not written there (Baker: ベイカー, 베이커, 贝克).
_SYLLABIC = frozenset({"Kana", "Hira", "Jpan", "Hang", "Kore", "Hani"})
_KANA = frozenset({"Kana", "Hira", "Jpan"})
SAME_SKELETON_UNVOWELLED = 0.92  # the same skeleton, Arabic or Hebrew on one side
SAME_SKELETON_CROSS = 0.62  # the same skeleton across two scripts that write vowels
NEAR_SKELETON_UNVOWELLED = 0.72
SAME_SKELETON_SHORT = 0.5  # the same skeleton in one script, three classes or fewer
SAME_SKELETON_LONG = 0.6  # ... four or more
# A skeleton one consonant off where both scripts write vowels: a typo keeps the spelling close
# (Ozdemirt, Ozdemir: 0.86), another name does not (Yilmaz, Yildiz: 0.75).
NEAR_SKELETON_BASE = 0.3
# A skeleton of one or two consonants says little (Ali, Oh, Eo): it cannot make a part
# alike on its own.
_SHORT_SKELETON_CAP = {1: 0.84, 2: 0.9}
MIN_PART_SIMILARITY = 0.78  # below this two parts are not taken as the same part
# Two names of which one part is the same and another only weakly alike, with a consonant
# skeleton in common (Xia Lei, Xia Li; a transposition in a short name, Eil and Eli), may be
# one person: the name alone stays under
# the threshold (WEAK_CAP), an exact birth date lifts it over.
WEAK_PART_SIMILARITY = 0.6
ONE_PART_CAP = 0.6  # the most a name scores when only one of its parts is found in the other
WEAK_CAP = 0.74
# A part left over on either side counts as a zero at a weight: a lot for the first or last
# part of a name (a given name or a family name: Umar El-Sharif is not his daughter Bushra Umar
# Abdelrahman El-Sharif), little for a part in the middle (a middle name, a father's name).
# Between Latin letters and another alphabet that writes its vowels as letters (Cyrillic,
# Greek, Armenian, Georgian), a transliteration keeps at least one part of a name close in
# spelling to the other (Иванов, Ivanov; Οικονόμου, Oikonomou): two names whose parts are
# all only loosely alike (Моссо Шлим, Mize Salam: a consonant or two in common) are two
# people, and the name alone stays under the threshold (WEAK_CAP).
_ALPHABETS = frozenset({"Cyrl", "Grek", "Armn", "Geor"})
STRONG_ACROSS_ALPHABETS = 0.88
UNMATCHED_END_WEIGHT = 0.9
UNMATCHED_MIDDLE_WEIGHT = 0.3


@lru_cache(maxsize=1)
def _pinyin_syllables() -> frozenset[str]:
    """The syllables of Mandarin in pinyin without tones (ü as v), from pypinyin's table."""
    from pypinyin.pinyin_dict import pinyin_dict

    syllables: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = unicodedata.normalize("NFD", reading.replace("ü", "v"))
            plain = "".join(c for c in plain if not unicodedata.combining(c))
            syllables.add(plain)
    # Interjections with no vowel are not name syllables.
    return frozenset(s for s in syllables if any(v in s for v in "aeiouv"))


@lru_cache(maxsize=1 << 16)
def is_pinyin(form: str) -> bool:
    """Whether a Latin form reads as Mandarin syllables in pinyin (Zhang, Lihua, Xiaoming):
    a syllable that is a bare vowel only first, as in Aihua, so that Maria is not read so."""
    syllables = _pinyin_syllables()
    n = len(form)
    if not 1 < n <= 12:
        return False
    reachable = [False] * (n + 1)
    reachable[0] = True
    for start in range(n):
        if not reachable[start]:
            continue
        for end in range(start + 1, min(n, start + 6) + 1):
            piece = form[start:end]
            if piece in syllables and (start == 0 or piece[0] not in "aeiouv"):
                reachable[end] = True
    return reachable[n]


# A Japanese, Korean or Chinese part and a Latin part whose consonants and vowels are this
# many edits apart (`_syllabic_vowels_apart`) are not the same part, whatever their skeletons;
# one edit apart, they are alike at most just over MIN_PART_SIMILARITY, so that two such parts
# do not make a name's score reach the threshold on their own.
SYLLABLES_APART_MAX = 2
SYLLABLES_APART_CAP = 0.7
SYLLABLE_APART_CAP = 0.79
SHORT_APART_CONSONANTS = 2  # ... except in a name of this few consonants: not the same part
READING = 0.92  # a Latin part read as the pinyin of the other (Hsu and Xu, Chan and 陈)
PINYIN_DIFFERENT = 0.7  # two Mandarin syllables (Zhang, Zheng) or Hangul syllables: two names


# Pairs of parts met, and how alike they are: a million (about 150 MB) before it starts again.
_SIMILARITY: dict[tuple[Part, Part], tuple[float, str]] = {}
_SIMILARITY_MAX = 1 << 20
_UNLIKE = (0.0, "similar")  # below MIN_PART_SIMILARITY: not the same part


def _part_similarity(a: Part, b: Part) -> tuple[float, str]:
    """How alike two parts are (0 to 1) and how (cached; see `_similarity`)."""
    key = (a, b)
    found = _SIMILARITY.get(key)
    if found is None:
        found = _similarity(a, b)
        if len(_SIMILARITY) >= _SIMILARITY_MAX:
            _SIMILARITY.clear()
        _SIMILARITY[key] = found
    return found


def prepare_similarities(queries: Iterable[Part], candidates: Iterable[Part]) -> None:
    """Decide at once, in compiled code, which pairs of a query's parts and its candidates'
    parts may be alike: a Latin form or a skeleton (or how another script hears it) comes
    close enough. Until `forget_similarities`, comparisons on this thread pass over the
    other pairs without looking at them, so that scoring many candidates compares in Python
    only the few pairs that may be the same part.

    The bound is safe, so that results do not depend on it: a pair's similarity is at most
    its spelling similarity unless two skeletons are equal or one edit apart; initials are
    always compared."""
    q_parts = [p for p in dict.fromkeys(queries) if not p.initial]
    c_parts = [p for p in dict.fromkeys(candidates) if not p.initial]
    if not q_parts or not c_parts:
        return
    q_forms, q_owner = _flatten(q_parts, _forms_of)
    c_forms, c_owner = _flatten(c_parts, _forms_of)
    q_skel, q_skel_owner = _flatten(q_parts, _skeletons_of)
    c_skel, c_skel_owner = _flatten(c_parts, _skeletons_of)
    # The spelling similarity as `_similarity` has it: Jaro-Winkler across scripts, its mean
    # with the edit similarity within one.
    jaro = cdist(q_forms, c_forms, scorer=JaroWinkler.normalized_similarity, dtype=np.float64)
    edit = cdist(q_forms, c_forms, scorer=OSA.normalized_similarity, dtype=np.float64)
    q_latin = np.array([p.latin_script for p in q_parts])[q_owner]
    c_latin = np.array([p.latin_script for p in c_parts])[c_owner]
    cross = q_latin[:, None] != c_latin[None, :]
    mean = (jaro + edit) / 2
    spelling = np.where(cross, np.maximum(jaro, mean), mean)
    # Weakly alike pairs share a skeleton, so the skeletons' test covers them too.
    may = _reduce_max(spelling, q_owner, c_owner, len(q_parts), len(c_parts)) >= (
        MIN_PART_SIMILARITY
    )
    if q_skel and c_skel:
        edits = cdist(q_skel, c_skel, scorer=Levenshtein.distance, score_cutoff=2, dtype=np.int32)
        near = (edits <= 1).astype(np.float64)
        may |= _reduce_max(near, q_skel_owner, c_skel_owner, len(q_parts), len(c_parts)) > 0
    _FILTER.rows = {id(p): row for p, row in zip(q_parts, may.tolist(), strict=True)}
    _FILTER.columns = {id(p): j for j, p in enumerate(c_parts)}
    # The parts are held while their identities stand for them.
    _FILTER.alive = (q_parts, c_parts)


def use_similarity_filter(q_parts: list[Part], c_parts: list[Part], may: np.ndarray) -> None:
    """As `prepare_similarities`, from a matrix the caller worked out (`bound.py`): until
    `forget_similarities`, a pair of these parts whose cell is False is not compared. The
    caller vouches that such a pair's similarity is below `WEAK_PART_SIMILARITY`."""
    _FILTER.rows = {id(p): row for p, row in zip(q_parts, may.tolist(), strict=True)}
    _FILTER.columns = {id(p): j for j, p in enumerate(c_parts)}
    _FILTER.alive = (q_parts, c_parts)


def may_reach_two_parts(query: ParsedName, candidate: ParsedName) -> bool:
    """After `prepare_similarities`: whether two parts (or a part and an initial) of the query
    may be alike to parts of the candidate, as a score above the one-shared-part cap needs.
    True when the names are too short for the cap or nothing was prepared."""
    rows = _FILTER.rows
    columns = _FILTER.columns
    if rows is None or columns is None:
        return True
    q_shape = _shape(query.parts)
    c_shape = _shape(candidate.parts)
    if min(q_shape.core_count, c_shape.core_count) < 2:
        return True
    c_columns = [columns.get(id(cp)) for _, cp in c_shape.units]
    covered: set[int] = set()
    found = 0.0
    for qi, qp in q_shape.units:
        if qp.particle or covered.issuperset(qi):
            continue
        row = rows.get(id(qp))
        if row is None or qp.initial or any(c is None or row[c] for c in c_columns):
            for i in qi:
                if i not in covered:
                    covered.add(i)
                    found += 0.5 if query.parts[i].initial else 1.0
            if found >= 1.5:
                return True
    return False


def forget_similarities() -> None:
    """End what `prepare_similarities` set on this thread."""
    _FILTER.rows = None
    _FILTER.columns = None
    _FILTER.alive = None


class _Filter(threading.local):
    rows: dict[int, list[bool]] | None = None  # query part -> may it be alike, by column
    columns: dict[int, int] | None = None  # candidate part -> its column
    alive: tuple[list[Part], list[Part]] | None = None


_FILTER = _Filter()


def _forms_of(part: Part) -> tuple[str, ...]:
    return spelt_forms(part)


@lru_cache(maxsize=1 << 16)
def spelt_forms(part: Part) -> tuple[str, ...]:
    """Every spelling a part's similarity may be judged on (`_similarity`): its forms, its
    pinyin readings, and a Latin part's j said as y (`_j_as_y`), for the compiled bound."""
    return part.forms + part.readings + _said_forms(part)


@lru_cache(maxsize=1 << 16)
def _said_forms(part: Part) -> tuple[str, ...]:
    """A Latin word's j said as y (`_j_as_y`), as other scripts write it (Jan: Ян, يان, יאן);
    none for two parts joined (compared on their written forms, as the index keeps them)."""
    if not part.latin_script or " " in part.text:
        return ()
    return tuple(_j_as_y(f) for f in part.forms if "j" in f)


def _skeletons_of(part: Part) -> tuple[str, ...]:
    return part.skeletons + part.alternates


def _flatten(parts: list[Part], values: Any) -> tuple[list[str], np.ndarray]:
    """The values of the parts in one list, and the part each came from. (An empty skeleton
    stays: it is one edit from a one-letter skeleton, which only lets more pairs through.)"""
    lists = [values(part) for part in parts]
    flat = [value for values_ in lists for value in values_]
    owner = np.repeat(np.arange(len(parts)), [len(values_) for values_ in lists])
    return flat, owner


def _reduce_max(
    matrix: np.ndarray, rows: np.ndarray, columns: np.ndarray, n_rows: int, n_columns: int
) -> np.ndarray:
    """The maximum of a matrix of values by the parts its rows and columns belong to."""
    out = np.zeros((n_rows, n_columns), dtype=np.float64)
    if matrix.size == 0:
        return out
    by_row = np.zeros((n_rows, matrix.shape[1]), dtype=np.float64)
    np.maximum.at(by_row, rows, matrix)
    np.maximum.at(out.T, columns, by_row.T)
    return out


def _pinyin_like(part: Part) -> bool:
    """Written in Han, or in Latin letters that read as pinyin."""
    return part.script == "Hani" or (part.latin_script and is_pinyin(part.latin))


# Letters an abjad writes for a vowel or at a vowel, as ICU romanises them: alef and ayin
# (Arabic ا‎ أ‎ ع‎, Hebrew א‎ ע‎) carry a vowel of any sound, ta marbuta (ة‎) ends a word in -a.
_VOWEL_CARRIERS = str.maketrans({"ʿ": "'", "ʾ": "'", "ʼ": "'", "ʻ": "'", "ẗ": "a"})
_NOT_PATTERN = re.compile(r"[^a-z']")
_PATTERN_TOKEN = re.compile(r"[A-Z]|[a-z']+")
# The Latin vowels an abjad's vowel letter stands for in a foreign name: alef a (and the e
# and o Hebrew writes with it), waw o and u, ya i and e; a carrier any.
_ABJAD_VOWEL_SOUNDS = {
    "'": frozenset("aeiouyw"),
    "a": frozenset("aeo"),
    "w": frozenset("ouw"),
    "y": frozenset("eiy"),
}


def _tokens(pattern: str, *, opening: bool = False) -> tuple[str, ...]:
    """A pattern of `skeleton(vowel_marks=True)` as consonant classes and runs of vowels; with
    `opening`, a run of vowels the name begins with is marked "^" (see `_spoken_vowels`)."""
    tokens = tuple(_PATTERN_TOKEN.findall(pattern))
    if opening and tokens and tokens[0].islower():
        tokens = ("^" + tokens[0], *tokens[1:])
    return tokens


@lru_cache(maxsize=1 << 16)
def _written_vowels(text: str, script: str) -> tuple[tuple[str, ...], ...]:
    """Where an Arabic or Hebrew part writes a vowel and with which letters: its consonant
    classes and, between them, the runs of vowel letters (alef, waw, ya, ayin; Hebrew alef,
    vav, yod, ayin). These scripts leave short vowels out but write long ones, and a foreign
    name's vowels nearly all: Smith is سميث‎ (s m i th), not سمث‎. Empty for other scripts."""
    transform = {"Arab": "Arabic-Latin", "Hebr": "Hebrew-Latin"}.get(script)
    transliterator = _transliterator_raw(transform) if transform else None
    if transliterator is None:
        return ()
    patterns: dict[tuple[str, ...], None] = {}
    for spelling in _abjad_spellings(text, script):
        raw = transliterator.transliterate(spelling).translate(_VOWEL_CARRIERS)
        latin = _NOT_PATTERN.sub("", anyascii(raw).lower())
        patterns.setdefault(_tokens(skeleton(latin, vowel_marks=True)), None)
    return tuple(patterns)


@lru_cache(maxsize=1 << 16)
def _spoken_vowels(form: str) -> tuple[tuple[str, ...], ...]:
    """Where a Latin form has its vowels, as `_written_vowels` marks them, for comparing with
    an abjad's spelling. A vowel that begins the name is marked: Arabic and Hebrew always
    write it (with an alef or an ayin), so an abjad spelling without it is another name. A
    name opening on two consonants is also given the vowel Arabic and Hebrew put before or
    between them (Skander: إسكندر‎; Prskalo: بريسكالو‎)."""
    found: dict[tuple[str, ...], None] = {}
    for written_latin in (False, True):
        tokens = _tokens(
            skeleton(form, written_latin=written_latin, vowel_marks=True),
            opening=form[:1] in "aeiouyw",
        )
        found.setdefault(tokens, None)
        if len(tokens) >= 2 and tokens[0].isupper() and tokens[1].isupper():
            found.setdefault(("+", *tokens), None)  # an alef before them
            found.setdefault((tokens[0], "'", *tokens[1:]), None)  # a vowel between
    return tuple(found)


@lru_cache(maxsize=1 << 12)
def _sounds_alike(written: str, spoken: str) -> bool:
    """Whether an abjad's run of vowel letters may write a Latin run of vowels."""
    heard = set(spoken.lstrip("^"))
    return any(heard & _ABJAD_VOWEL_SOUNDS.get(letter, frozenset()) for letter in written)


def _unwritten(piece: str) -> bool:
    """Whether an abjad may leave a piece of a Latin pattern out: a vowel, not the first."""
    return piece == "+" or (piece.islower() and not piece.startswith("^"))


def _vowel_distance(written: tuple[str, ...], spoken: tuple[str, ...]) -> int:
    """Edits from a Latin form's pattern (`_spoken_vowels`) to an abjad spelling's
    (`_written_vowels`): a consonant changed, added or dropped costs one, and so does a vowel
    the abjad writes where the Latin has none or another, or a Latin opening vowel it does not
    write; a Latin vowel left unwritten (a short vowel) costs nothing."""
    n, m = len(written), len(spoken)
    previous = list(range(m + 1))
    for j in range(1, m + 1):
        unwritten = _unwritten(spoken[j - 1])
        previous[j] = previous[j - 1] + (0 if unwritten else 1)
    for i in range(1, n + 1):
        w = written[i - 1]
        current = [previous[0] + 1] + [0] * m
        for j in range(1, m + 1):
            s = spoken[j - 1]
            if s == "+":
                same = w.islower() and set(w) <= {"'", "a"}
            elif w.isupper() or s.isupper() or s == "'" or w == "'":
                same = w == s or (w == "'" and s.islower()) or (s == "'" and w.islower())
            else:
                same = _sounds_alike(w, s)
            unwritten = _unwritten(s)
            current[j] = min(
                previous[j - 1] + (0 if same else 1),
                previous[j] + 1,  # the abjad writes a letter the Latin has not
                current[j - 1] + (0 if unwritten else 1),  # a Latin short vowel unwritten
            )
        previous = current
    return previous[m]


def _abjad_vowels_apart(a: Part, b: Part) -> int | None:
    """The fewest edits between where an Arabic or Hebrew part writes its vowels and where
    a part of a script that writes vowels has them (see `_vowel_distance`); None when the
    pair is not such a pair."""
    if a.vowels == b.vowels:
        return None
    abjad, other = (a, b) if b.vowels else (b, a)
    written = _written_vowels(abjad.text, abjad.script)
    if not written:
        return None
    forms = [*other.forms, *(v for f in other.forms for v in _heard_everywhere(f))]
    if other.latin_script:
        forms += [_j_as_y(f) for f in other.forms if "j" in f]
    return min(_vowel_distance(w, s) for w in written for f in forms for s in _spoken_vowels(f))


def _j_as_y(form: str) -> str:
    """A Latin j as the y it is said as in German, Scandinavian and Slavic names (Jana: יאנה,
    يانا, Яна)."""
    return form.replace("j", "y")


# Vowels Japanese, Korean and Chinese add to close a consonant their syllables cannot end on
# (Smith: スミス su-mi-su, 스미스 seu-mi-seu, 史密斯 shi-mi-si): u, o after t and d, i after ch
# and j in Japanese; eu, and i after ch and j, in Korean; the e of 德 de, 克 ke, 勒 le, the u
# of 布 bu, 夫 fu and the i of 斯 si, 奇 qi in Chinese. Such a vowel may stand for no Latin
# vowel; any other must.
_ADDED_VOWELS = {
    "Kana": {"u": "", "o": "T", "i": "S"},
    "Hira": {"u": "", "o": "T", "i": "S"},
    "Hang": {"eu": "", "i": "S", "yu": "S", "wi": "S"},  # 슈 syu, 쉬 swi: a closing sh
    "Hani": {"e": "", "u": "", "i": "S"},
}


@lru_cache(maxsize=1 << 16)
def _syllabic_tokens(form: str, script: str) -> tuple[str, ...]:
    """A Japanese, Korean or Chinese part's romanisation as consonant classes and vowel runs,
    the vowels that only close a consonant marked "?" (see `_ADDED_VOWELS`)."""
    added = _ADDED_VOWELS.get(script, {})
    tokens = list(_tokens(skeleton(form, vowel_marks=True)))
    if script == "Hang":  # one consonant closing a syllable and opening the next (맥키니)
        tokens = [t for k, t in enumerate(tokens) if not (k and t.isupper() and t == tokens[k - 1])]
    for k in range(1, len(tokens)):
        after = added.get(tokens[k])
        if after is not None and tokens[k - 1].isupper() and after in ("", tokens[k - 1]):
            tokens[k] = "?" + tokens[k]
    return tuple(tokens)


@lru_cache(maxsize=1 << 16)
def _latin_vowel_tokens(form: str, *, spoken_h: bool = False) -> tuple[tuple[str, ...], ...]:
    """A Latin form as consonant classes and vowel runs, its silent final e (and the e of a
    final -es) marked "?"; with `spoken_h`, its spoken h as "H" (`skeleton`), "H_" where it
    may be silent."""
    found: dict[tuple[str, ...], None] = {}
    for written_latin in (False, True):
        tokens = list(
            _tokens(
                skeleton(form, written_latin=written_latin, vowel_marks=True, spoken_h=spoken_h)
            )
        )
        if spoken_h:
            # an h closing a syllable may not be spoken (Sarah, Ehrenfels)
            tokens = [
                "H_" if t == "H" and (k + 1 == len(tokens) or tokens[k + 1].isupper()) else t
                for k, t in enumerate(tokens)
            ]
        if len(tokens) > 2 and tokens[-1] == "e" and tokens[-2].isupper():
            tokens[-1] = "?e"
        elif len(tokens) > 3 and tokens[-2:] == ["e", "S"] and tokens[-3].isupper():
            tokens[-2] = "?e"  # and in a closing -es (Bowles, Sayles: 鲍尔斯, 塞尔斯)
        found.setdefault(tuple(tokens), None)
        # two consonants of one class side by side as one (`_syllabic_heard`)
        single = [t for k, t in enumerate(tokens) if not (k and t.isupper() and t == tokens[k - 1])]
        found.setdefault(tuple(single), None)
    return tuple(found)


# The sound of a vowel letter, for telling whether a Chinese transcription's vowel may write
# a Latin one: open (a), front (i y), back (u w), and between them the mid vowels e (open or
# front) and o (open or back). Chinese e (德 de, 森 sen, 贝 bei) is the neutral vowel, and
# writes any.
_LATIN_VOWEL_SOUNDS = {"a": "A", "e": "AI", "i": "I", "y": "I", "o": "AO", "u": "O", "w": "O"}
_HAN_VOWEL_SOUNDS = {"a": "A", "e": "AIO", "i": "I", "o": "O", "u": "O"}


@lru_cache(maxsize=1 << 12)
def _han_vowel_writes(native: str, latin: str) -> bool:
    """Whether a vowel run of a Chinese transcription may write a Latin one (巴 ba: a; 贝 bei:
    e; 莫 mo: o; not 兰 lan for "len")."""
    heard = set("".join(_LATIN_VOWEL_SOUNDS.get(c, "") for c in latin))
    return any(sound in heard for c in native for sound in _HAN_VOWEL_SOUNDS.get(c, "AIO"))


def _syllable_distance(
    native: tuple[str, ...], latin: tuple[str, ...], *, han: bool = False
) -> int:
    """Edits between two vowel patterns: a consonant changed, added or dropped costs one, and
    so does a vowel on either side with none on the other, unless it is marked "?". A native
    consonant token may stand for several classes ("KS": either) or for none ("S_": S, or
    nothing to leave out), as `chinese.transcription_tokens` writes them."""
    n, m = len(native), len(latin)
    previous = [0] * (m + 1)
    skip_latin = [0 if t[:1] == "?" or "_" in t else 1 for t in latin]
    for j in range(1, m + 1):
        previous[j] = previous[j - 1] + skip_latin[j - 1]
    for i in range(1, n + 1):
        w = native[i - 1]
        skip_w = 0 if w[:1] == "?" or "_" in w else 1
        current = [previous[0] + skip_w] + [0] * m
        for j in range(1, m + 1):
            s = latin[j - 1]
            if w.isupper() and s.isupper():
                same = bool(set(s).intersection(w) - {"_"})
            elif w.isupper() or s.isupper():
                same = False
            else:  # two vowels; with `han`, a Chinese vowel not added must sound like the Latin
                same = not han or w[:1] == "?" or _han_vowel_writes(w, s.lstrip("?"))
            current[j] = min(
                previous[j - 1] + (0 if same else 1),
                previous[j] + skip_w,
                current[j - 1] + skip_latin[j - 1],
            )
        previous = current
    return previous[m]


def _syllabic_vowels_apart(a: Part, b: Part) -> int | None:
    """The fewest edits between a Japanese, Korean or Chinese part's consonants and vowels and
    a Latin part's, the vowels that only close a consonant aside (`_syllable_distance`); None
    when the pair is not such a pair. Two names with the same consonants and their vowels
    elsewhere are two names (マリ ma-ri is not Omar)."""
    if a.latin_script == b.latin_script:
        return None
    native, latin = (a, b) if b.latin_script else (b, a)
    if native.script not in _ADDED_VOWELS or not latin.latin_script:
        return None
    forms = [*latin.forms, *(v for f in latin.forms for v in _heard_elsewhere(f))]
    if native.script == "Hani":
        # As Chinese transcription writes a foreign name (加尔梅克 Garmaker), its h included;
        # a Latin name in pinyin read as pinyin.
        forms += [v for f in latin.forms for v in _heard_in_han(f)]
        # An h the Latin spells before a vowel must be written; one Chinese writes need not
        # be spelt (约翰 John).
        native_patterns = (
            transcription_tokens(native.text),
            transcription_tokens(native.text, spoken_h=False),
        )
        latin_patterns = [t for f in forms for t in _latin_vowel_tokens(f, spoken_h=True)]
        if is_pinyin(latin.latin):
            latin_patterns.append(_pinyin_tokens(latin.latin))
        return min(
            _syllable_distance(pattern, t, han=True)
            for pattern in native_patterns
            for t in latin_patterns
        )
    if native.script in _KANA:
        forms += [v for f in latin.forms for v in _heard_in_kana(f)]
    return min(
        _syllable_distance(_syllabic_tokens(fn, native.script), tokens)
        for fn in native.forms
        for f in forms
        for tokens in _latin_vowel_tokens(f)
    )


@lru_cache(maxsize=1 << 14)
def _pinyin_tokens(form: str) -> tuple[str, ...]:
    """A Latin form in pinyin as the classes and vowel runs of `chinese.transcription_tokens`
    (x as S, j and q as K, h as H)."""
    return _tokens(skeleton(form, pinyin=True, vowel_marks=True, spoken_h=True))


def _compared_skeletons(part: Part, other: Part) -> tuple[str, ...]:
    """The skeletons a part is compared by against a part in another script: with how that
    script hears a Latin spelling (`_heard_elsewhere` for the syllabic scripts, only
    `_heard_everywhere` for the others). Always within `skeletons + alternates`."""
    if not part.alternates:
        return part.skeletons
    if part.script in _SYLLABIC:
        return part.skeletons + part.alternates
    if other.script == "Hani":
        return part.skeletons + _han_skeletons(part)
    if other.script in _SYLLABIC:
        return part.skeletons + _syllabic_skeletons(part, other.script in _KANA)
    return part.skeletons + _everywhere_skeletons(part, other.vowels)


@lru_cache(maxsize=1 << 16)
def _everywhere_skeletons(part: Part, vowels: bool) -> tuple[str, ...]:
    """A Latin part's alternates as every script hears it (`_heard_everywhere`), and with
    `vowels` (against Cyrillic or Greek, not an abjad) as `_heard_spoken` has it."""
    heard = {
        skeleton(v, written_latin=True)
        for f in part.forms
        for v in (
            *_heard_everywhere(f),
            *(_heard_spoken(f) if vowels else ()),
            *((_j_as_y(f),) if "j" in f else ()),
        )
    }
    return tuple(s for s in part.alternates if s in heard)


@lru_cache(maxsize=1 << 16)
def _han_skeletons(part: Part) -> tuple[str, ...]:
    """A Latin part's alternates as Chinese transcription hears it: not those only Japanese
    and Korean make (`_heard_in_kana`)."""
    kana_only = (
        _syllabic_heard(part.forms)
        - _syllabic_heard(part.forms, _heard_elsewhere)
        - _han_heard(part.forms)
    )
    return tuple(s for s in part.alternates if s not in kana_only)


@lru_cache(maxsize=1 << 16)
def _syllabic_skeletons(part: Part, kana: bool) -> tuple[str, ...]:
    """A Latin part's alternates as Japanese (`kana`) or Korean hears it: not those only
    Chinese transcription makes (`_han_heard`), nor, for Korean, those only Japanese makes
    (`_heard_in_kana`)."""
    heard = _syllabic_heard(part.forms, None if kana else _heard_elsewhere)
    return tuple(s for s in part.alternates if s in heard)


def _similarity(a: Part, b: Part) -> tuple[float, str]:
    """How alike two parts are (0 to 1) and how: the same Latin form, the same skeleton (one
    name spelt two ways), a skeleton one consonant off (a typo), or an initial."""
    if a.initial or b.initial:
        if a.initial and b.initial and a.latin == b.latin:
            return 1.0, "exact"
        if a.latin[:1] == b.latin[:1]:
            return 0.9, "initial"
        return 0.0, "initial"
    if a.script == b.script == "Hani" and a.text != b.text:
        # Two parts written in Han are their characters: other characters read alike are
        # the one name typed by its sound (王阳, 王洋), at most a reading's worth; others
        # read otherwise are another name (加奈, 健一), whatever their romanisations share.
        if set(a.forms).intersection(b.forms):
            return READING, "reading"
        return min(PINYIN_DIFFERENT, _similarity(_as_latin(a), _as_latin(b))[0]), "similar"
    spelling = 0.0  # what the skeletons' values are scaled by
    plain = 0.0  # what a pair is worth on its spelling alone
    cross = a.latin_script != b.latin_script
    # Syllabic scripts transcribe a foreign name sound by sound (加尔梅克 for Garmaker): their
    # romanisation's own spelling makes edits many, and Jaro-Winkler alone judges them.
    syllabic = cross and (a.script in _SYLLABIC or b.script in _SYLLABIC)
    a_forms, b_forms = a.forms, b.forms
    if cross and "Hani" not in (a.script, b.script):
        # Other scripts write the j of German, Scandinavian and Slavic names as the y it is
        # said as (Jan: Ян, يان, יאן, ヤン); pinyin has a j of its own.
        a_forms, b_forms = a_forms + _said_forms(a), b_forms + _said_forms(b)
    for fa in a_forms:
        for fb in b_forms:
            if fa == fb:
                return 1.0, "exact"
            jaro = JaroWinkler.normalized_similarity(fa, fb)
            # Jaro-Winkler alone rates a shared beginning too high (Marie, Marine): its mean
            # with the edit similarity keeps a typo close and another name apart. Across
            # scripts, where a romanisation's own spelling makes edits many, Jaro-Winkler
            # alone scales how alike two names of one skeleton are.
            mean = (jaro + OSA.normalized_similarity(fa, fb)) / 2
            spelling = max(spelling, jaro if cross else mean)
            plain = max(plain, jaro if syllabic else mean)
    # A Chinese name in another romanisation (Hsu, Chan, Tsai) read as the pinyin of a record
    # or of a name written in Han.
    if (a.readings and set(a.readings).intersection(b.forms) and _pinyin_like(b)) or (
        b.readings and set(b.readings).intersection(a.forms) and _pinyin_like(a)
    ):
        return READING, "reading"
    # A Mandarin syllable is one of a closed set: two that differ are two names (Wang and
    # Yang, Zhang and Zheng, 张 and 郑), not one misspelt. Hangul is typed syllable by syllable
    # from a closed set too (정 and 진). Such a pair is at most weakly alike.
    if a.script == b.script and (
        (a.script in ("Hang", "Kore") and a.text != b.text)
        or (
            a.script in ("Latn", "Hani")
            and a.latin in _pinyin_syllables()
            and b.latin in _pinyin_syllables()
        )
    ):
        return min(PINYIN_DIFFERENT, round(spelling, 4)), "similar"
    best, how = min(plain, 0.95), "similar"
    consonants = max(len(sk) for sk in (*a.skeletons, *b.skeletons))  # of what made `best`
    unvowelled = not (a.vowels and b.vowels)
    a_skeletons = _compared_skeletons(a, b) if cross else a.skeletons
    b_skeletons = _compared_skeletons(b, a) if cross else b.skeletons
    # Where an abjad writes its vowels must agree with where the other spelling has them:
    # two consonants alike are not enough (تاسع‎, t-a-s-ayin, is not Tichý).
    vowels_apart = _abjad_vowels_apart(a, b) if unvowelled else None
    liquids_apart = unvowelled and cross and not _liquids_agree(a, b)
    for sa in a_skeletons:
        for sb in b_skeletons:
            if not sa or not sb:
                continue
            if liquids_apart and "L" in sa:
                continue
            if sa == sb and vowels_apart is not None and vowels_apart >= 1:
                if vowels_apart >= 2:
                    continue
                value = NEAR_SKELETON_UNVOWELLED + 0.1 * spelling
                how_here = "similar"
            elif sa == sb:
                # One name spelt two ways. Where both scripts write vowels the vowels still
                # tell names apart (John, Jane); Arabic and Hebrew do not write them.
                if unvowelled:
                    value = SAME_SKELETON_UNVOWELLED + 0.06 * spelling
                elif cross and (syllabic or len(sa) > 1):
                    value = SAME_SKELETON_CROSS + (0.98 - SAME_SKELETON_CROSS) * spelling
                elif cross:
                    # One consonant in common across two alphabets says little: their
                    # romanisations must also be spelt alike, as within one script (आशा,
                    # Asha, is not Chao).
                    value = SAME_SKELETON_SHORT + (0.95 - SAME_SKELETON_SHORT) * plain
                else:
                    # Four consonant classes or more in the same order are rarely chance:
                    # Zwetkowa, Tsvetkova (the German and English transliterations).
                    base = SAME_SKELETON_LONG if len(sa) >= 4 else SAME_SKELETON_SHORT
                    value = base + (0.95 - base) * spelling
                value = min(value, _SHORT_SKELETON_CAP.get(len(sa), 1.0))
                how_here = "skeleton"
            elif min(len(sa), len(sb)) >= 3 and Levenshtein.distance(sa, sb, score_cutoff=1) <= 1:
                if vowels_apart is not None and vowels_apart >= 2:
                    continue
                value = (
                    NEAR_SKELETON_UNVOWELLED + 0.1 * spelling
                    if unvowelled
                    else NEAR_SKELETON_BASE + (0.9 - NEAR_SKELETON_BASE) * spelling
                )
                how_here = "similar"
            else:
                continue
            if value > best:
                best, how, consonants = value, how_here, len(sa)
    if a.script == b.script and a.script in _UNVOWELLED:
        best = min(best, _same_abjad_cap(a, b))
    if syllabic:
        apart = _syllabic_vowels_apart(a, b)
        # One edit in a name of one or two consonants is much of the name (Bega, Fisher).
        if apart is not None and (
            apart >= SYLLABLES_APART_MAX or (apart == 1 and consonants <= SHORT_APART_CONSONANTS)
        ):
            best = min(best, SYLLABLES_APART_CAP)
        elif apart is not None and apart >= 1:
            best = min(best, SYLLABLE_APART_CAP)
    return min(best, 0.99), how


_LIQUIDS = re.compile(r"([lr])\1*|[^lr]")


@lru_cache(maxsize=1 << 16)
def _liquids(part: Part) -> frozenset[str]:
    """The l and r of a part's forms in their order: in Latin letters a letter written twice
    once (Herrera: "rr"), with the forms as every script hears them (`_heard_everywhere`) and
    a Spanish ll as the y it is said as (Llorente: יורנטה); in an abjad, which writes no
    letter twice for length, each (הררה: "rr"), and also once, for a foreign name spelt
    letter by letter (عبداللہ, חולליס: Hollis)."""
    forms = set(part.forms)
    if part.latin_script:
        forms.update(v for f in part.forms for v in _heard_everywhere(f))
        forms.update(f.replace("ll", "") for f in part.forms if "ll" in f)
        return frozenset(_liquids_once(f) for f in forms)
    each = {"".join(c for c in f if c in "lr") for f in forms}
    return frozenset(each | {_liquids_once(f) for f in forms})


def _liquids_once(form: str) -> str:
    """The l and r of a form in their order, a letter written twice once."""
    return "".join(m.group(1) for m in _LIQUIDS.finditer(form) if m.group(1))


def _liquids_agree(a: Part, b: Part) -> bool:
    """Whether two parts write their l and r alike: the skeletons put both in one class, for
    the scripts that do not tell them apart (Japanese, Korean, Chinese), but Arabic and Hebrew
    write ل and ر, ל and ר as apart as Latin writes l and r (סייוורי is not Shvily)."""
    return bool(_liquids(a) & _liquids(b))


_HEBREW_MATRES = re.compile("(?<=.)[וי](?!$)")  # a vav or yod written inside a word


def _same_abjad_cap(a: Part, b: Part) -> float:
    """The most two parts written in one abjad (Arabic, Hebrew) can be alike. Both leave the
    same short vowels out, so the letters they do write must agree: a long vowel written in
    one only makes another name (محمد Muhammad, محمود Mahmoud; سعيد Said, سعد Saad), and the
    pair is worth its edit similarity. Hebrew writes a vav or a yod for a vowel or leaves it
    out as the writer pleases (כהן, כוהן: Cohen): without them, the same letters are one name
    spelt two ways."""
    if a.script == "Hebr" and _HEBREW_MATRES.sub("", a.text) == _HEBREW_MATRES.sub("", b.text):
        return 0.9
    return max(OSA.normalized_similarity(fa, fb) for fa in a.forms for fb in b.forms)


def _as_latin(part: Part) -> Part:
    """A Han part's romanisation as a Latin part, to weigh how alike two readings are."""
    return Part(
        text=part.latin,
        forms=part.forms,
        skeletons=part.skeletons,
        vowels=True,
        latin_script=True,
        script="Latn",
    )


_SEAM_LETTERS = frozenset("tcsngzd")  # letters whose skeleton depends on the letters after them


def joined_skeleton(first: Part, second: Part) -> str:
    """The skeleton of two parts' Latin forms written together, `skeleton(a + b)`: the two
    skeletons side by side, unless the letters at the seam make one sound or change each
    other's class (a doubled letter, t before s, c before h, n before g...), which only the
    last letter of the first part can start. A property test holds the two ways equal."""
    a, b = first.latin, second.latin
    if not a or not b or a[-1] in _SEAM_LETTERS or a[-1] == b[0]:
        return skeleton(a + b)
    return first.skeletons[0] + second.skeletons[0]


def joined_readings(first: Part, second: Part) -> tuple[str, ...]:
    """The pinyin two parts of a Chinese given name written apart (Chih Ming) read as when
    read together; none for other names."""
    if not (first.latin_script and second.latin_script):
        return ()
    if not all(p.readings or is_pinyin(p.latin) for p in (first, second)):
        return ()
    form = first.latin + second.latin
    return tuple(r for r in pinyin_readings(form) if r != form)


@lru_cache(maxsize=1 << 19)
def _joined(parts: tuple[Part, ...]) -> Part:
    """Two neighbouring parts as one (Min Jun as Minjun, Abdul Aziz as Abdulaziz)."""
    first, second = parts
    return Part(
        text=first.text + " " + second.text,
        forms=(first.latin + second.latin,),
        skeletons=(joined_skeleton(first, second),),
        vowels=first.vowels and second.vowels,
        latin_script=first.latin_script and second.latin_script,
        script=first.script,
        readings=joined_readings(first, second),
    )


def units_of(parts: tuple[Part, ...]) -> list[Part]:
    """The parts a name's parts are compared as: each alone and neighbours joined."""
    return [unit for _, unit in _units(parts)]


@lru_cache(maxsize=1 << 18)
def _units(parts: tuple[Part, ...]) -> list[tuple[tuple[int, ...], Part]]:
    """Each part alone, and each two neighbouring core parts joined."""
    units: list[tuple[tuple[int, ...], Part]] = [((i,), p) for i, p in enumerate(parts)]
    for i in range(len(parts) - 1):
        if not (parts[i].particle or parts[i + 1].particle or parts[i].initial):
            units.append(((i, i + 1), _joined((parts[i], parts[i + 1]))))
    return units


def compare_parsed(query: ParsedName, candidate: ParsedName) -> NameComparison:
    """Align the parts of two parsed names, whatever their order, and score the alignment.

    Each part of the query is paired with the most alike part of the candidate, best pairs
    first (two neighbouring parts may pair with one written together). The score is the
    weighted mean similarity of the paired parts, with the parts left over on either side
    counted as zeros at a lower weight (a middle name missing costs less than a wrong one)."""
    return _compare_parts(query.parts, candidate.parts)


def _across_alphabets(a: Part, b: Part) -> bool:
    """Whether two parts are written one in Latin letters and one in another alphabet that
    writes its vowels (`_ALPHABETS`)."""
    return (a.latin_script and b.script in _ALPHABETS) or (
        b.latin_script and a.script in _ALPHABETS
    )


def _share_skeleton(a: Part, b: Part) -> bool:
    """Whether two parts have a consonant skeleton in common (Lei and Li; not Ahmed and
    Mohamed)."""
    return bool(set(a.skeletons).intersection(b.skeletons) - {""})


@dataclass(frozen=True, slots=True)
class _Shape:
    """What scoring needs of a name's parts, worked out once per name."""

    weights: tuple[float, ...]
    # A part's weight when left over: more for the first and last core parts.
    unmatched: tuple[float, ...]
    core_count: int
    units: tuple[tuple[tuple[int, ...], Part], ...]


@lru_cache(maxsize=1 << 18)
def _shape(parts: tuple[Part, ...]) -> _Shape:
    core = [i for i, p in enumerate(parts) if not p.particle]
    ends = {core[0], core[-1]} if core else set()
    weights = tuple(p.weight for p in parts)
    unmatched = tuple(
        (UNMATCHED_END_WEIGHT if i in ends else UNMATCHED_MIDDLE_WEIGHT) * w
        for i, w in enumerate(weights)
    )
    return _Shape(weights, unmatched, len(core), tuple(_units(parts)))


@lru_cache(maxsize=1 << 17)
def _compare_parts(q_parts: tuple[Part, ...], c_parts: tuple[Part, ...]) -> NameComparison:
    """`compare_parsed` on the parts alone: interned parts make the same name of many
    records (a common name) one cached comparison."""
    if not q_parts or not c_parts:
        return NameComparison(
            0.0, (), tuple(p.text for p in q_parts), tuple(p.text for p in c_parts)
        )
    q_shape = _shape(q_parts)
    c_shape = _shape(c_parts)
    rows = _FILTER.rows or {}
    columns = _FILTER.columns or {}
    c_units = [(ci, cp, columns.get(id(cp))) for ci, cp in c_shape.units]
    pairs: list[tuple[float, int, tuple[int, ...], tuple[int, ...], Part, Part, str]] = []
    weak: list[tuple[float, int, int, Part, Part]] = []
    for qi, qp in q_shape.units:
        row = rows.get(id(qp))
        q_joined = len(qi) == 2
        for ci, cp, column in c_units:
            if qp.particle != cp.particle:
                continue
            if q_joined and len(ci) == 2:
                continue
            # An initial stands for one part, never for two written together (P. Bijko is
            # not Panteleimon Boiko's first initial alone, with Bijko left over).
            if (qp.initial and len(ci) == 2) or (cp.initial and q_joined):
                continue
            # A pair the compiled bound ruled out (see `prepare_similarities`).
            if row is not None and column is not None and not row[column]:
                continue
            similarity, how = _part_similarity(qp, cp)
            if similarity < MIN_PART_SIMILARITY:
                if (
                    similarity >= WEAK_PART_SIMILARITY
                    and len(qi) == 1
                    and len(ci) == 1
                    and not (qp.particle or qp.initial or cp.initial)
                    and _share_skeleton(qp, cp)
                ):
                    weak.append((similarity, qi[0], ci[0], qp, cp))
                continue
            size = len(qi) + len(ci)
            if size == 3:
                how = "joined"
            # Prefer the pair covering more parts when equally alike (Min Jun ~ Minjun).
            pairs.append((similarity, size, qi, ci, qp, cp, how))
    pairs.sort(key=lambda item: (-item[0], -item[1]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    matches: list[PartMatch] = []
    q_sim = [0.0] * len(q_parts)
    c_sim = [0.0] * len(c_parts)
    across_alphabets = True  # every pair so far is Latin and Cyrillic, Greek...
    strongest = 0.0
    for similarity, _, qi, ci, qp, cp, how in pairs:
        if used_q.intersection(qi) or used_c.intersection(ci):
            continue
        used_q.update(qi)
        used_c.update(ci)
        across_alphabets = across_alphabets and _across_alphabets(qp, cp)
        strongest = max(strongest, similarity)
        matches.append(PartMatch(qp.text, cp.text, how, round(similarity, 4)))
        for i in qi:
            q_sim[i] = similarity
        for j in ci:
            c_sim[j] = similarity
    several = min(q_shape.core_count, c_shape.core_count) >= 2
    core_matched = 0.0
    for i in used_q:
        part = q_parts[i]
        if part.initial:
            core_matched += 0.5
        elif not part.particle:
            core_matched += 1
    weakly = False
    if weak and several and core_matched == 1:
        # One part the same: the best weakly alike pair of the rest is taken, capped below.
        for similarity, i, j, qp, cp in sorted(weak, key=lambda item: -item[0]):
            if i in used_q or j in used_c:
                continue
            used_q.add(i)
            used_c.add(j)
            q_sim[i] = c_sim[j] = similarity
            matches.append(PartMatch(qp.text, cp.text, "weak", round(similarity, 4)))
            weakly = True
            break
    numerator = 0.0
    denominator = 0.0
    for shape, sims in ((q_shape, q_sim), (c_shape, c_sim)):
        for weight, unmatched, sim in zip(shape.weights, shape.unmatched, sims, strict=True):
            if sim > 0:
                numerator += weight * sim
                denominator += weight
            else:
                denominator += unmatched
    score = numerator / denominator if denominator else 0.0
    if weakly:
        score = min(score, WEAK_CAP)
    elif several:
        everything_paired = (
            len(used_q) == len(q_parts)
            and len(used_c) == len(c_parts)
            and all(m.how == "exact" for m in matches)
        )
        if core_matched < 2 and not everything_paired:
            # One shared part (a common given or family name) does not make the same name.
            score = min(score, ONE_PART_CAP if core_matched < 1.5 else 0.8)
        elif across_alphabets and matches and strongest < STRONG_ACROSS_ALPHABETS:
            score = min(score, WEAK_CAP)
    left_q = tuple(p.text for i, p in enumerate(q_parts) if i not in used_q)
    left_c = tuple(p.text for j, p in enumerate(c_parts) if j not in used_c)
    return NameComparison(round(score, 4), tuple(matches), left_q, left_c)


Layout = tuple[
    tuple["Part", ...], tuple[int, ...], tuple[float, ...], tuple[float, ...], int, int, int
]


@lru_cache(maxsize=1 << 18)
def layout_of(parts: tuple[Part, ...]) -> Layout:
    """What the scorer pairs in a name, flat, for `bound.py`: its units (each part, and two
    neighbouring core parts joined, as `_units` makes them); the part each unit covers and
    the second part of two joined (or -1), in pairs; each part's weight when paired and when
    left over, in pairs; what each part counts for towards "two parts found" (1, an initial
    0.5, a particle 0); the number of core parts, of parts and of units. One pass, since it
    is made for most candidates of a query: the candidates of a large index are rarely the
    same twice."""
    n = len(parts)
    core = [i for i, p in enumerate(parts) if not p.particle]
    ends = (core[0], core[-1]) if core else ()
    units: list[Part] = list(parts)
    covers: list[int] = []
    weights: list[float] = []
    values: list[float] = []
    for i, part in enumerate(parts):
        covers += (i, -1)
        weight = part.weight
        weights += (
            weight,
            (UNMATCHED_END_WEIGHT if i in ends else UNMATCHED_MIDDLE_WEIGHT) * weight,
        )
        values.append(0.0 if part.particle else (0.5 if part.initial else 1.0))
    for i in range(n - 1):
        if not (parts[i].particle or parts[i + 1].particle or parts[i].initial):
            units.append(_joined((parts[i], parts[i + 1])))
            covers += (i, i + 1)
    return (tuple(units), tuple(covers), tuple(weights), tuple(values), len(core), n, len(units))


def _core_count(parts: tuple[Part, ...]) -> int:
    return sum(1 for p in parts if not p.particle)


def compare_names(query: str, candidate: str) -> NameComparison:
    """Compare two names in any scripts: a score between 0 and 1 and its explanation. The
    portal, the API, the index and every other module use this one scorer."""
    return compare_parsed(parse_name(query), parse_name(candidate))


def best_comparison(
    query: ParsedName, candidates: Iterable[ParsedName]
) -> tuple[NameComparison, ParsedName] | None:
    """The best of a person's names against a query name."""
    best: tuple[NameComparison, ParsedName] | None = None
    for candidate in candidates:
        comparison = compare_parsed(query, candidate)
        if best is None or comparison.score > best[0].score:
            best = (comparison, candidate)
    return best


__all__ = [
    "ONE_PART_CAP",
    "NameComparison",
    "ParsedName",
    "Part",
    "PartMatch",
    "best_comparison",
    "compare_names",
    "compare_parsed",
    "may_reach_two_parts",
    "name_keys",
    "parse_name",
    "prepare_similarities",
    "romanise",
    "skeleton",
    "warm_up",
]
