"""Chinese and Japanese names written in Cyrillic, read back as pinyin and Hepburn.

Russian writes Chinese names in the Palladius system (Цзинь Пин for Jin Ping, Хуэйхуэй for
Huihui, Чжан for Zhang) and Japanese names in the Polivanov system (Дзюнъитиро for Jun'ichirō,
Тидзуко for Chizuko, Сёдзи for Shōji). A general romanisation of Russian (ICU's BGN/PCGN)
spells those letters as Russian sounds (Tszin, Khueykhuey, Chzhan; Dzyunitiro, Tidzuko, Sedzi),
far from the pinyin and Hepburn spellings that the same people's passports and records carry.

Both systems are fixed tables of syllables, so they are read back by rule: the Palladius
spelling of every pinyin syllable is made from the pinyin syllable set by the standard
conversion (`palladius`), the Polivanov spelling of every Hepburn syllable is listed
(`_POLIVANOV`), and each table is inverted. A Cyrillic word that cuts wholly into the
syllables of one system (`readings`) is read in that system as well; a Russian name rarely
does (Барабанов ends on a в no syllable of either ends on), and one that does is only given
another Latin form beside its usual one, which the scorer weighs like any other.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from bluebridge.screening.chinese import pinyin_syllables, split_pinyin

MAX_READINGS = 4  # Latin readings of one word
_MAX_PIECES = 8  # syllables (and moraic n) in one word
_MAX_PIECE = 5  # letters in the longest Cyrillic syllable (цзюань, юань)
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюя")

# ---------------------------------------------------------------- Palladius (Chinese)

_INITIALS = {
    "b": "б",
    "p": "п",
    "m": "м",
    "f": "ф",
    "d": "д",
    "t": "т",
    "n": "н",
    "l": "л",
    "g": "г",
    "k": "к",
    "h": "х",
    "j": "цз",
    "q": "ц",
    "x": "с",
    "zh": "чж",
    "ch": "ч",
    "sh": "ш",
    "r": "ж",
    "z": "цз",
    "c": "ц",
    "s": "с",
}
_FINALS = {
    "a": "а",
    "o": "о",
    "e": "э",
    "ai": "ай",
    "ei": "эй",
    "ao": "ао",
    "ou": "оу",
    "an": "ань",
    "en": "энь",
    "ang": "ан",
    "eng": "эн",
    "ong": "ун",
    "er": "эр",
    "i": "и",
    "ia": "я",
    "ie": "е",
    "iao": "яо",
    "iu": "ю",
    "ian": "янь",
    "in": "инь",
    "iang": "ян",
    "ing": "ин",
    "iong": "юн",
    "u": "у",
    "ua": "уа",
    "uo": "о",
    "uai": "уай",
    "ui": "уй",
    "uan": "уань",
    "un": "унь",
    "uang": "уан",
    "ue": "юэ",
    "v": "юй",
    "ve": "юэ",
}
# Syllables with no initial: y and w are not letters of Palladius.
_NO_INITIAL = {
    "yi": "и",
    "ya": "я",
    "ye": "е",
    "yao": "яо",
    "you": "ю",
    "yan": "янь",
    "yin": "инь",
    "yang": "ян",
    "ying": "ин",
    "yong": "юн",
    "yu": "юй",
    "yue": "юэ",
    "yuan": "юань",
    "yun": "юнь",
    "wu": "у",
    "wa": "ва",
    "wo": "во",
    "wai": "вай",
    "wei": "вэй",
    "wan": "вань",
    "wen": "вэнь",
    "wang": "ван",
    "weng": "вэн",
}


def palladius(syllable: str) -> tuple[str, ...]:
    """The Palladius spellings of a toneless pinyin syllable (ü as v), standard first:
    "zhang" gives ("чжан",), "xue" ("сюэ",), "zi" ("цзы",), "hui" ("хуэй", "хуй"); empty
    for a syllable the system does not spell."""
    if syllable in _NO_INITIAL:
        return (_NO_INITIAL[syllable],)
    initial, final = split_pinyin(syllable)
    if not initial:
        spelt = _FINALS.get(final)
        return (spelt,) if spelt else ()
    if final == "i" and initial in ("z", "c", "s"):
        return (_INITIALS[initial] + "ы",)
    if initial in ("j", "q", "x") and final.startswith("u"):
        final = "v" + final[1:]  # ju, quan, xun are jü, qüan, xün
        spelt = {"v": "юй", "ve": "юэ", "van": "юань", "vn": "юнь"}.get(final)
    else:
        spelt = _FINALS.get(final)
    if spelt is None:
        return ()
    if final == "ui" and initial == "h":
        return (_INITIALS[initial] + "уэй", _INITIALS[initial] + spelt)  # 辉 Хуэй
    return (_INITIALS[initial] + spelt,)


@lru_cache(maxsize=1)
def _palladius_index() -> dict[str, tuple[str, ...]]:
    """Each Palladius syllable and the pinyin syllables it spells."""
    index: dict[str, list[str]] = {}
    for syllable in sorted(pinyin_syllables()):
        for spelling in palladius(syllable):
            index.setdefault(spelling, []).append(syllable)
    return {spelling: tuple(syllables) for spelling, syllables in index.items()}


# ---------------------------------------------------------------- Polivanov (Japanese)

# The Hepburn syllables of Japanese and how the Polivanov system writes them. Press and
# reference works often write е for the system's э after a consonant (Кобаяси Кейко), so
# both are read.
_POLIVANOV_ROWS = {
    # consonant: (a, i, u, e, o, ya, yu, yo) in Hepburn, as Polivanov writes the consonant
    "к": ("ka", "ki", "ku", "ke", "ko", "kya", "kyu", "kyo"),
    "г": ("ga", "gi", "gu", "ge", "go", "gya", "gyu", "gyo"),
    "с": ("sa", "shi", "su", "se", "so", "sha", "shu", "sho"),
    "дз": ("za", "ji", "zu", "ze", "zo", "ja", "ju", "jo"),
    "т": ("ta", "chi", "", "te", "to", "cha", "chu", "cho"),
    "д": ("da", "", "", "de", "do", "", "", ""),
    "н": ("na", "ni", "nu", "ne", "no", "nya", "nyu", "nyo"),
    "х": ("ha", "hi", "", "he", "ho", "hya", "hyu", "hyo"),
    "б": ("ba", "bi", "bu", "be", "bo", "bya", "byu", "byo"),
    "п": ("pa", "pi", "pu", "pe", "po", "pya", "pyu", "pyo"),
    "м": ("ma", "mi", "mu", "me", "mo", "mya", "myu", "myo"),
    "р": ("ra", "ri", "ru", "re", "ro", "rya", "ryu", "ryo"),
}
_POLIVANOV_VOWELS = ("а", "и", "у", "э", "о", "я", "ю", "ё")
_POLIVANOV_OTHER = {
    "цу": "tsu",
    "фу": "fu",
    "ва": "wa",
    "во": "wo",
    "а": "a",
    "и": "i",
    "у": "u",
    "э": "e",
    "е": "e",
    "о": "o",
    "я": "ya",
    "ю": "yu",
    "ё": "yo",
}
_GEMINABLE = {"к": "k", "с": "s", "т": "t", "п": "p"}  # a consonant written twice: a held one


@lru_cache(maxsize=1)
def _polivanov_index() -> dict[str, tuple[str, ...]]:
    """Each Polivanov syllable and the Hepburn syllable it writes."""
    index: dict[str, list[str]] = {}
    for consonant, row in _POLIVANOV_ROWS.items():
        for vowel, hepburn in zip(_POLIVANOV_VOWELS, row, strict=True):
            if hepburn:
                index.setdefault(consonant + vowel, []).append(hepburn)
                if vowel == "э":
                    index.setdefault(consonant + "е", []).append(hepburn)
    for spelling, hepburn in _POLIVANOV_OTHER.items():
        index.setdefault(spelling, []).append(hepburn)
    return {spelling: tuple(values) for spelling, values in index.items()}


def _moraic(word: str, start: int) -> str | None:
    """The Hepburn of a letter that is not a syllable at `start`: the moraic n (н, and м
    before б, п or м: Сэмбонги Senbongi), an и-glide й after a vowel (Рэйитиро Reiichirō) and
    the first of a doubled consonant (Иттё Itchō), else None."""
    letter = word[start]
    following = word[start + 1] if start + 1 < len(word) else ""
    previous = word[start - 1] if start else ""
    if letter == "н" and start and (not following or following not in _CYRILLIC_VOWELS):
        return "n"
    if letter == "м" and following in ("б", "п", "м"):
        return "n"
    if letter == "й" and previous in _CYRILLIC_VOWELS:
        return "i"
    if letter in _GEMINABLE and following == letter:
        return _GEMINABLE[letter]
    if letter == "ъ" and previous == "н":  # Дзюнъитиро: the н closes its syllable
        return ""
    return None


# ---------------------------------------------------------------- reading a word


def _cut(
    word: str, index: dict[str, tuple[str, ...]], moraic: bool, vowel_inside: bool
) -> list[list[tuple[str, ...]]]:
    """The ways of cutting a word into the fewest syllables of a table, each piece as its
    readings. With `moraic`, the letters `_moraic` reads are pieces too; without
    `vowel_inside`, a syllable that begins with a vowel (not я, ю, е: a y) only first."""
    n = len(word)
    fewest: list[int | None] = [None] * (n + 1)
    fewest[0] = 0
    steps: list[list[tuple[int, tuple[str, ...]]]] = [[] for _ in range(n + 1)]
    for start in range(n):
        count = fewest[start]
        if count is None or count >= _MAX_PIECES:
            continue
        options: list[tuple[int, tuple[str, ...]]] = []
        for end in range(start + 1, min(n, start + _MAX_PIECE) + 1):
            piece = word[start:end]
            found = index.get(piece)
            if found is None:
                continue
            if start and not vowel_inside and piece[0] in "аиуэоы":
                continue
            options.append((end, found))
        if moraic:
            alone = _moraic(word, start)
            if alone is not None:
                options.append((start + 1, (alone,)))
        for end, found in options:
            best = fewest[end]
            if best is None or count + 1 < best:
                fewest[end] = count + 1
                steps[end] = [(start, found)]
            elif count + 1 == best:
                steps[end].append((start, found))
    if fewest[n] is None:
        return []
    cuts: list[list[tuple[str, ...]]] = []

    def walk(end: int, tail: list[tuple[str, ...]]) -> None:
        if len(cuts) >= MAX_READINGS:
            return
        if end == 0:
            cuts.append(tail)
            return
        for start, found in steps[end]:
            walk(start, [found, *tail])

    walk(n, [])
    return cuts


def _read(cuts: list[list[tuple[str, ...]]]) -> list[str]:
    out: dict[str, None] = {}
    for pieces in cuts:
        for combination in product(*(p[:2] for p in pieces)):
            out.setdefault("".join(combination), None)
            if len(out) >= MAX_READINGS:
                return list(out)
    return list(out)


@lru_cache(maxsize=1 << 14)
def readings(word: str) -> tuple[str, ...]:
    """The Latin forms a Cyrillic word stands for if it is a Chinese name in Palladius
    (pinyin: "хуэйхуэй" gives "huihui", "цзюнься" "junxia") or a Japanese name in Polivanov
    (Hepburn: "дзэнсити" gives "zenshichi", "иттё" "itcho"); empty when it is neither."""
    word = word.lower()
    if len(word) < 2 or len(word) > 24:
        return ()
    found: dict[str, None] = {}
    for reading in _read(_cut(word, _palladius_index(), moraic=False, vowel_inside=False)):
        found.setdefault(reading, None)
    for reading in _read(_cut(word, _polivanov_index(), moraic=True, vowel_inside=True)):
        found.setdefault(reading, None)
    return tuple(found)[:MAX_READINGS]


__all__ = ["palladius", "readings"]
