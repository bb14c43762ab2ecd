"""Japanese kana in Hepburn, as passports and the Latin records of foreign names write it.

ICU's katakana transform (BGN/PCGN) and anyascii romanise the kana of Japanese words well, but
not the combinations with a small vowel that Japanese uses to write foreign sounds: ICU drops
the small vowel (ファン "fun" for Fan, ティートケ "tetoke" for Tiedtke, シェリー "shiri" for
Shelley) and anyascii spells it as a syllable of its own ("fuan", "teitoke", "shieri"). Foreign
names are written in katakana with exactly these combinations, so screening reads kana with the
table below: the modified Hepburn romanisation of the basic syllables and their contracted
forms (キャ kya, シュ shu, ジョ jo), and the spellings of foreign sounds listed in the
Japanese government's notice on writing loanwords (外来語の表記, 1991: ティ ti, ファ fa, ヴェ ve,
ウォ wo, ツァ tsa, デュ dyu...). A small ッ doubles the consonant after it (ッチ tchi), ン is
n (and m before b, p or m, as many passports and most foreign names have it: ランブラキス
Lambrakis), and the long-vowel mark ー is left out, as passports leave out the macron (Satō:
Sato). Hiragana is read as the katakana it matches.
"""

from __future__ import annotations

import re
from functools import lru_cache

_BASIC = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o",
    "ャ": "ya", "ュ": "yu", "ョ": "yo", "ヮ": "wa", "ヵ": "ka", "ヶ": "ke",
}  # fmt: skip

# A kana and the small kana after it, as one syllable: the contracted syllables of Japanese,
# then the foreign sounds of the 1991 notice.
_CONTRACTED_ROWS = {
    "キ": "ky", "ギ": "gy", "シ": "sh", "ジ": "j", "チ": "ch", "ヂ": "j", "ニ": "ny",
    "ヒ": "hy", "ビ": "by", "ピ": "py", "ミ": "my", "リ": "ry",
}  # fmt: skip
_FOREIGN = {
    "イェ": "ye",
    "ウィ": "wi", "ウェ": "we", "ウォ": "wo", "ウュ": "yu",
    "ヴァ": "va", "ヴィ": "vi", "ヴェ": "ve", "ヴォ": "vo", "ヴュ": "vyu", "ヴャ": "vya",
    "ヴョ": "vyo",
    "キェ": "kye", "ギェ": "gye", "ニェ": "nye", "ヒェ": "hye", "ビェ": "bye", "ピェ": "pye",
    "ミェ": "mye", "リェ": "rye",
    "クァ": "kwa", "クィ": "kwi", "クェ": "kwe", "クォ": "kwo", "クヮ": "kwa",
    "グァ": "gwa", "グィ": "gwi", "グェ": "gwe", "グォ": "gwo", "グヮ": "gwa",
    "シェ": "she", "ジェ": "je", "チェ": "che", "ヂェ": "je",
    "スィ": "si", "ズィ": "zi",
    "ツァ": "tsa", "ツィ": "tsi", "ツェ": "tse", "ツォ": "tso", "ツュ": "tsyu",
    "ティ": "ti", "トゥ": "tu", "テュ": "tyu",
    "ディ": "di", "ドゥ": "du", "デュ": "dyu",
    "ファ": "fa", "フィ": "fi", "フェ": "fe", "フォ": "fo", "フュ": "fyu", "フャ": "fya",
    "フョ": "fyo",
    "ホゥ": "hu",
}  # fmt: skip
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o", "ェ": "e"}
_LONG = "ー"
_SOKUON = "ッ"
_N = "ン"
_LABIALS = ("b", "p", "m")


@lru_cache(maxsize=1)
def _pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for kana, row in _CONTRACTED_ROWS.items():
        for small, vowel in _SMALL_Y.items():
            if small == "ェ" and row in ("ky", "gy", "ny", "hy", "by", "py", "my", "ry"):
                continue  # キェ kye: listed with the foreign sounds
            pairs[kana + small] = row + vowel
    pairs.update(_FOREIGN)
    return pairs


def _katakana(text: str) -> str:
    """Hiragana as the katakana it matches (the two blocks run in parallel)."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


@lru_cache(maxsize=1 << 14)
def hepburn(text: str) -> tuple[str, ...]:
    """A word in katakana or hiragana in Hepburn, lower case, the long-vowel mark left out
    (ファン "fan", ティートケ "titoke", ミュラー "myura"), and a second form where ン before b, p
    or m is m (ランブラキス "ranburakisu", "ramburakisu"). Empty when the word holds a letter
    that is not kana."""
    kana = _katakana(text)
    pairs = _pairs()
    syllables: list[str] = []
    held = False  # a ッ before this syllable
    i = 0
    while i < len(kana):
        char = kana[i]
        if char == _LONG:
            i += 1
            continue
        if char == _SOKUON:
            held = True
            i += 1
            continue
        pair = pairs.get(kana[i : i + 2])
        if pair is not None:
            syllable = pair
            i += 2
        elif char == _N:
            syllable = "n"
            i += 1
        elif char in _BASIC:
            syllable = _BASIC[char]
            i += 1
        else:
            return ()
        if held:
            # a held consonant: its first letter twice, t before ch (マッチ matchi)
            if syllable[0] not in "aeiou":
                syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            held = False
        syllables.append(syllable)
    if not syllables:
        return ()
    plain = "".join(syllables)
    labial = "".join(
        "m" if s == "n" and k + 1 < len(syllables) and syllables[k + 1][0] in _LABIALS else s
        for k, s in enumerate(syllables)
    )
    forms = dict.fromkeys([plain, labial])
    # フ alone writes the h of kh, German ch and Spanish j too (フルノフ Khrunov, ラートブルフ
    # Radbruch, ホフリ Hochuli): each of the first ones as hu, and all of them.
    alone = [k for k, s in enumerate(syllables) if s == "fu"][:3]
    if alone:
        for chosen in [[k] for k in alone] + ([alone] if len(alone) > 1 else []):
            forms.setdefault(
                "".join("hu" if k in chosen else s for k, s in enumerate(syllables)), None
            )
    # A long o or u written with a second kana as passports write it, once (タロウ Taro,
    # オオノ Ono, ユウコ Yuko).
    for form in list(forms):
        short = _LONG_VOWELS.sub(lambda m: m.group(0)[0], form)
        forms.setdefault(short, None)
    return tuple(forms)


_LONG_VOWELS = re.compile("ou|oo|uu")


__all__ = ["hepburn"]
