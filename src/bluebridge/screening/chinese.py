"""Chinese names written in romanisations other than pinyin, read back as pinyin.

Records romanise Han with pypinyin (张伟 is "zhang wei", 吕 is "lv": pypinyin's
``Style.NORMAL`` writes ü as "v" after l and n, and as "u" after j, q, x and y). Travellers'
documents and queries often spell the same names otherwise:

* Wade-Giles, and the Taiwanese passports that write it without apostrophes or diaereses:
  Chang (张 zhang), Hsu (许/徐 xu), Ch'ien or Chien (钱 qian), Tsai (蔡 cai), Tzu-han (zihan).
  These are read by rule, syllable by syllable: the Wade-Giles syllables are made from the
  pinyin syllable set by the standard pinyin to Wade-Giles conversion (`wade_giles`) and the
  table inverted. A lost apostrophe gives both readings (chien: jian and qian; tai: dai and
  tai), a lost diaeresis too (chu: zhu, chu, ju and qu; yu: you and yu).
* Surname spellings of the other Chinese languages and of other systems: Hong Kong's
  Cantonese government romanisation (Chan 陈, Wong 王/黄, Cheung 张, Ng 吴), Singapore,
  Malaysia, Indonesia and the Philippines' Hokkien, Teochew, Hakka and Foochow spellings
  (Tan 陈, Lim 林, Ong 王, Goh 吴, Teo 张, Koh 许/高), Macau's Portuguese-based ones (Vong 黄,
  Lao 刘) and Taiwan's Tongyong pinyin passports of 2002-2008 (Jhang 张, Syu 徐/许). No rule
  makes these from pinyin: `_SURNAMES` is a curated table of how the hundred or so most common
  surnames are usually spelt, written down from general knowledge of the conventions, not
  derived from data. Only well-established spellings are listed.

`pinyin_readings` gives, for one Latin name part, the pinyin it may stand for, best first.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

MAX_READINGS = 8  # readings of one part, most plausible first
_MAX_SYLLABLES = 4  # a surname is one or two syllables, a given name one to three
_MAX_LENGTH = 24
_VOWELS = "aeiou"

# ---------------------------------------------------------------- pinyin to Wade-Giles

# The initials of pinyin and how Wade-Giles writes them: the aspirates with an apostrophe.
_INITIALS = {
    "b": "p",
    "p": "p'",
    "m": "m",
    "f": "f",
    "d": "t",
    "t": "t'",
    "n": "n",
    "l": "l",
    "g": "k",
    "k": "k'",
    "h": "h",
    "j": "ch",
    "q": "ch'",
    "x": "hs",
    "zh": "ch",
    "ch": "ch'",
    "sh": "sh",
    "r": "j",
    "z": "ts",
    "c": "ts'",
    "s": "s",
}

# Syllables with no initial, as Wade-Giles spells them (those not listed are spelt alike).
_NO_INITIAL = {
    "yi": ("i",),
    "yan": ("yen",),
    "ye": ("yeh",),
    "yong": ("yung",),
    "you": ("yu",),
    "yu": ("yü",),
    "yue": ("yüeh",),
    "yuan": ("yüan",),
    "yun": ("yün",),
    "e": ("ê", "o"),  # 鄂 is O as often as Ê
    "en": ("ên",),
    "eng": ("êng",),
    "er": ("êrh",),
}

# Pinyin syllables that pypinyin gives but names hardly use (interjections and the like):
# their readings come after the common syllables that share their Wade-Giles spelling.
_RARE = frozenset(
    [
        "biang",
        "bong",
        "cei",
        "den",
        "dia",
        "din",
        "fiao",
        "kei",
        "len",
        "lo",
        "me",
        "nia",
        "nou",
        "nun",
        "o",
        "pou",
        "fou",
        "rua",
        "shei",
        "tei",
        "wong",
        "yo",
        "zhei",
    ]
)


def split_pinyin(syllable: str) -> tuple[str, str]:
    """A toneless pinyin syllable as its initial (empty for none) and its final."""
    if syllable[:2] in ("zh", "ch", "sh"):
        return syllable[:2], syllable[2:]
    if syllable[:1] in _INITIALS:
        return syllable[:1], syllable[1:]
    return "", syllable


def _final(initial: str, final: str) -> tuple[str, ...]:
    """How Wade-Giles writes a pinyin final after a pinyin initial, standard spelling first."""
    palatal = initial in ("j", "q", "x")
    if final == "i":
        if initial in ("zh", "ch", "sh", "r"):
            return ("ih",)
        return ("i",)
    if final == "e":
        if initial in ("g", "k", "h"):
            return ("o", "ê")  # 哥 ko, 可 k'o, 何 ho; k'ê in some dictionaries
        return ("ê",)
    if final == "uo":
        if initial in ("g", "k", "h", "sh"):
            return ("uo",)  # 郭 kuo, 霍 huo, 说 shuo
        return ("o",)  # 罗 lo, 多 to, 左 tso, 卓 cho, 若 jo
    if final == "ong":
        return ("ung",)
    if final == "iong":
        return ("iung",)
    if final == "ian":
        return ("ien",)
    if final == "ie":
        return ("ieh",)
    if final == "ui":
        return ("uei",) if initial in ("g", "k") else ("ui",)  # 贵 kuei, 对 tui
    if final in ("v", "ve"):
        return ("ü",) if final == "v" else ("üeh",)
    if final == "ue":  # jue, que, xue; lue and nue are other spellings of lve, nve
        return ("üeh",)
    if palatal and final.startswith("u"):
        return ("ü" + final[1:],)  # 居 chü, 全 ch'üan, 许 hsü, 军 chün
    if final.startswith("e"):
        return ("ê" + final[1:],)  # ên, êng: 本 pên, 冯 fêng; ei keeps a plain e
    return (final,)


def wade_giles(syllable: str) -> tuple[str, ...]:
    """The Wade-Giles spellings of a pinyin syllable (toneless, ü as v), standard first, with
    their apostrophes and diacritics: "zhang" gives ("chang",), "qian" ("ch'ien",), "xue"
    ("hsüeh",), "si" ("ssŭ", "szŭ")."""
    if syllable in _NO_INITIAL:
        return _NO_INITIAL[syllable]
    initial, final = split_pinyin(syllable)
    if not initial:
        return (syllable,)
    if final == "i" and initial in ("z", "c", "s"):
        return {
            "z": ("tzŭ", "tsŭ"),
            "c": ("tz'ŭ", "ts'ŭ"),
            "s": ("ssŭ", "szŭ"),
        }[initial]
    return tuple(_INITIALS[initial] + f for f in _final(initial, final))


def _ascii(spelling: str) -> str:
    """A Wade-Giles spelling as documents carry it: no apostrophes, no diacritics."""
    return spelling.replace("'", "").replace("ü", "u").replace("ê", "e").replace("ŭ", "u")


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """The toneless pinyin syllables read: the screening's set, with lv, nv, lve and nve as
    pypinyin's Style.NORMAL writes 吕, 女, 略 and 虐."""
    from bluebridge.screening.names import _pinyin_syllables

    return _pinyin_syllables() | {"lv", "nv", "lve", "nve"}


@lru_cache(maxsize=1)
def _wade_giles_index() -> dict[str, tuple[str, ...]]:
    """Each Wade-Giles syllable as documents carry it, and the pinyin it reads as, best first.

    A reading's rank: 0 for the standard spelling written in full, 1 when an apostrophe was
    lost, 2 when a diaeresis was, 4 more for a second spelling of the syllable or for a rare
    syllable."""
    ranked: dict[str, dict[str, int]] = {}
    for syllable in sorted(pinyin_syllables()):
        extra = 4 if syllable in _RARE or syllable in ("lue", "nue") else 0
        for variant, spelling in enumerate(wade_giles(syllable)):
            rank = extra + 4 * min(variant, 1)
            rank += 1 if "'" in spelling else 0
            rank += 2 if "ü" in spelling else 0
            readings = ranked.setdefault(_ascii(spelling), {})
            readings[syllable] = min(rank, readings.get(syllable, rank))
    return {
        form: tuple(sorted(readings, key=lambda s: (readings[s], s)))
        for form, readings in ranked.items()
    }


def _segmentations(form: str, syllables: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """The ways of cutting a form into the fewest Wade-Giles syllables, a syllable that
    begins with a vowel only first (as `names.is_pinyin` reads pinyin)."""
    n = len(form)
    fewest: list[int | None] = [None] * (n + 1)
    fewest[0] = 0
    for start in range(n):
        count = fewest[start]
        if count is None or count >= _MAX_SYLLABLES:
            continue
        for end in range(start + 1, min(n, start + 6) + 1):
            piece = form[start:end]
            if piece in syllables and (start == 0 or piece[0] not in _VOWELS):
                best = fewest[end]
                if best is None or count + 1 < best:
                    fewest[end] = count + 1
    if fewest[n] is None:
        return []

    found: list[list[str]] = []

    def walk(end: int, tail: list[str]) -> None:
        if end == 0:
            found.append(tail)
            return
        for start in range(max(0, end - 6), end):
            piece = form[start:end]
            before = fewest[start]
            after = fewest[end]
            if (
                before is not None
                and after is not None
                and before + 1 == after
                and piece in syllables
                and (start == 0 or piece[0] not in _VOWELS)
            ):
                walk(start, [piece, *tail])

    walk(n, [])
    found.sort()
    return found


def _wade_giles_readings(form: str) -> list[str]:
    index = _wade_giles_index()
    scored: dict[str, int] = {}
    for pieces in _segmentations(form, index):
        options = [list(enumerate(index[piece][:MAX_READINGS])) for piece in pieces]
        for combination in product(*options):
            reading = "".join(syllable for _, syllable in combination)
            rank = sum(position for position, _ in combination)
            scored[reading] = min(rank, scored.get(reading, rank))
    return sorted(scored, key=lambda r: scored[r])  # stable: the first segmentation first


# ---------------------------------------------------------------- surnames

# The common surnames: pinyin, the characters, and the spellings used for them outside pinyin
# (Hong Kong Cantonese; Hokkien, Teochew, Hakka and Foochow in Singapore, Malaysia, Indonesia
# and the Philippines; Macau; Taiwan's Tongyong pinyin). Rows go roughly by how common the
# surname is, so that a spelling shared by several reads as the commoner one first (Wong: 王
# before 黄). Wade-Giles spellings are not repeated here: the rules read them.
_SURNAMES: tuple[tuple[str, str, str], ...] = (
    ("wang", "王", "wong ong heng vong"),
    ("li", "李", "lee lei"),
    ("zhang", "张", "cheung cheong chong teo teoh tiong jhang"),
    ("liu", "刘", "lau lao low lew liew liou"),
    ("chen", "陈", "chan tan chin"),
    ("yang", "杨", "yeung yeo yeoh yong"),
    ("huang", "黄", "wong ooi oei wee uy vong"),
    ("zhao", "赵", "chiu jhao"),
    ("wu", "吴", "ng goh go woo"),
    ("zhou", "周", "chau chow chew jhou"),
    ("xu", "徐", "tsui chui syu"),
    ("sun", "孙", "suen sng"),
    ("ma", "马", "mah beh"),
    ("zhu", "朱", "chu choo jhu"),
    ("hu", "胡", "woo"),
    ("guo", "郭", "kwok kwek quek kuok"),
    ("he", "何", "ho"),
    ("gao", "高", "ko koh kou"),
    ("lin", "林", "lam lim lum liem"),
    ("luo", "罗", "law lo loh"),
    ("zheng", "郑", "cheng tay teh jheng"),
    ("liang", "梁", "leung leong neo"),
    ("xie", "谢", "tse che chia cheah sie"),
    ("song", "宋", "sung soong"),
    ("tang", "唐", "tong"),
    ("xu", "许", "hui koh khaw co syu"),
    ("han", "韩", "hon"),
    ("feng", "冯", "fung"),
    ("deng", "邓", "tang teng"),
    ("cao", "曹", "tso"),
    ("peng", "彭", "pang"),
    ("zeng", "曾", "tsang"),
    ("xiao", "萧", "siu seow siow siao"),
    ("tian", "田", "tin"),
    ("dong", "董", "tung"),
    ("yuan", "袁", "yuen"),
    ("pan", "潘", "poon pun phua"),
    ("jiang", "蒋", "cheung"),
    ("cai", "蔡", "choi tsoi chua chuah"),
    ("du", "杜", "to toh"),
    ("ye", "叶", "yip ip yap"),
    ("cheng", "程", "ching"),
    ("su", "苏", "so soh soo"),
    ("wei", "魏", "ngai gwee"),
    ("lv", "吕", "lui"),
    ("ding", "丁", "ting teng"),
    ("ren", "任", "yam"),
    ("shen", "沈", "shum sham sim"),
    ("yao", "姚", "yiu"),
    ("lu", "卢", "lo"),
    ("jiang", "姜", "keung"),
    ("cui", "崔", "tsui chui"),
    ("zhong", "钟", "chung chong"),
    ("tan", "谭", "tam"),
    ("lu", "陆", "luk"),
    ("wang", "汪", "wong"),
    ("jin", "金", "kam kim"),
    ("shi", "石", "shek"),
    ("liao", "廖", "liu leow"),
    ("jia", "贾", "ka"),
    ("xia", "夏", "ha"),
    ("wei", "韦", "wai"),
    ("fu", "傅", "foo"),
    ("fang", "方", "fong"),
    ("bai", "白", "pak"),
    ("zou", "邹", "chau chow"),
    ("xiong", "熊", "hung"),
    ("qin", "秦", "chun"),
    ("qiu", "邱", "yau khoo ciou"),
    ("jiang", "江", "kong"),
    ("yin", "尹", "wan"),
    ("xue", "薛", "sit syue"),
    ("hou", "侯", "hau"),
    ("long", "龙", "lung"),
    ("shi", "史", "sze"),
    ("tao", "陶", "to"),
    ("li", "黎", "lai"),
    ("he", "贺", "ho"),
    ("gu", "顾", "koo"),
    ("mao", "毛", "mo"),
    ("gong", "龚", "kung"),
    ("shao", "邵", "shiu"),
    ("wan", "万", "man"),
    ("qian", "钱", "chin"),
    ("yan", "严", "yim"),
    ("dai", "戴", "tai"),
    ("mo", "莫", "mok"),
    ("kong", "孔", "hung"),
    ("tang", "汤", "tong"),
    ("wen", "温", "wan"),
    ("hong", "洪", "hung ang"),
    ("zhuang", "庄", "chong chng jhuang"),
    ("shi", "施", "sze sy"),
    ("you", "游", "yau"),
    ("gan", "甘", "kam"),
    ("guan", "关", "kwan"),
    ("mai", "麦", "mak"),
    ("ou", "区", "au"),
    ("ou", "欧", "au"),
    ("kuang", "邝", "kwong"),
    ("weng", "翁", "yung"),
    ("rong", "容", "yung"),
    ("ruan", "阮", "yuen"),
    ("wu", "伍", "ng"),
    ("huang", "黄", "ng"),  # Hokkien and Teochew; Ng is 吴 first in Hong Kong
    ("lan", "蓝", "lam"),
    ("wen", "文", "man"),
    ("gu", "古", "koo"),
    ("ouyang", "欧阳", "auyeung auyang"),
    ("situ", "司徒", "szeto seto"),
)


@lru_cache(maxsize=1)
def _surname_index() -> dict[str, tuple[str, ...]]:
    readings: dict[str, dict[str, None]] = {}
    for pinyin, _characters, spellings in _SURNAMES:
        for spelling in spellings.split():
            readings.setdefault(spelling, {}).setdefault(pinyin, None)
    return {spelling: tuple(found) for spelling, found in readings.items()}


# ---------------------------------------------------------------- readings


@lru_cache(maxsize=1 << 16)
def pinyin_readings(form: str) -> tuple[str, ...]:
    """The pinyin a Latin name part may stand for, best first, without the part itself.

    ``form`` is one part in lower-case ASCII letters, apostrophes and hyphens removed
    ("chien", "tzuhan", "hsiaoming", "chan"). A listed surname spelling's readings come first
    (chan: chen), then the Wade-Giles readings, the fewest syllables first and, among those,
    the spellings that lost least (chan: zhan). At most `MAX_READINGS`; empty when the part
    reads as no Chinese name (peter, mohammed). Readings are toneless pinyin as pypinyin's
    Style.NORMAL writes it: ü as "v" after l and n (lv), as "u" after j, q, x and y (xu)."""
    if not form or len(form) > _MAX_LENGTH or not (form.isascii() and form.isalpha()):
        return ()
    form = form.lower()
    found: dict[str, None] = {}
    for reading in (*_surname_index().get(form, ()), *_wade_giles_readings(form)):
        if reading != form:
            found.setdefault(reading, None)
    return tuple(found)[:MAX_READINGS]


# ---------------------------------------------------------------- foreign names in Han

# Chinese writes a foreign name syllable by syllable (the Xinhua conventions: 史密斯 Smith,
# 加尔梅克 Garmaker), each character a consonant and a vowel. What a pinyin initial stands for
# there, as the consonant classes of `names.skeleton` (B T K S L M N; "_": no consonant at all):
# j and q write k and g (基 ji: ki) as well as j, ch and ts (吉 ji: Jim, 奇 qi: Katić); x writes
# s and sh (西 xi) and h (希 xi: Hibri); w writes v as well as w (维 wei: Vilnius); h, and the
# y and w that only begin a vowel, are no consonant of the skeleton's.
_HEARD_INITIALS = {
    "b": "B",
    "p": "B",
    "f": "B",
    "m": "M",
    "d": "T",
    "t": "T",
    "n": "N",
    "l": "L",
    "r": "LS",  # 然 ran, 让 rang: the zh of French j (Jean) as well as r
    "g": "K",
    "k": "K",
    "j": "KS",
    "q": "KS",
    "x": "SH",
    "zh": "S",
    "ch": "S",
    "sh": "S",
    "z": "S",
    "c": "S",
    "s": "S",
}
# The syllables the conventions write for a consonant with no vowel after it (布 bu for b, 德
# de for d, 克 ke for k, 斯 si for s, 尔 er for a closing r or l...): their vowel is added, and
# stands for no vowel of the Latin spelling.
_CONSONANT_ALONE = frozenset(
    [
        "bu",
        "pu",
        "fu",
        "bo",
        "de",
        "te",
        "ge",
        "ke",
        "he",
        "mu",
        "le",
        "er",
        "si",
        "zi",
        "ci",
        "shi",
        "zhi",
        "chi",
        "ri",
        "ji",
        "qi",
        "xi",
    ]
)


def _transcribed_syllable(syllable: str, following: str, spoken_h: bool) -> list[str]:
    """One pinyin syllable as consonant classes and a vowel run (see `transcription_tokens`)."""
    initial, final = split_pinyin(syllable)
    if not initial and final[:1] in ("y", "w"):
        initial, final = final[:1], final[1:] or final
    elif initial not in ("j", "q", "x"):  # after j, q and x, un is ün (君 jun)
        final = _SHORT_FINALS.get(final, final)
    tokens = []
    heard = _HEARD_INITIALS.get(initial, "")
    if initial == "w":
        heard = "B_"  # 维 wei, 瓦 wa: the v of foreign names as often as a w
    elif initial == "h":
        heard = ("H_" if final[:1] == "u" else "H") if spoken_h else ""  # 华 hua: wa and ha
    elif initial == "x" and not spoken_h:
        heard = "S"
    if heard:
        tokens.append(heard)
    coda = ""
    # Mandarin closes a syllable on n or ng only: either also writes a closing m (汉 han for
    # Ham-, 康 kang for -com-).
    if final.endswith("ng"):
        final, coda = final[:-2], "NM"
    elif final.endswith("n") and len(final) > 1:
        final, coda = final[:-1], "NM"
    elif final == "er":
        final, coda = "e", "L"
    added = syllable in _CONSONANT_ALONE
    if not (added or coda) and heard and following[:1] in ("l", "r"):
        # A cluster's first consonant given the vowel of the syllable after it (法拉 fa-la for
        # Fra, 克里 ke-li for Cri): that vowel is added too.
        added = split_pinyin(following)[1][:1] == final[:1]
    if final:
        tokens.append(("?" if added else "") + final)
    if coda:
        tokens.append(coda)
    return tokens


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"


# Characters a transcription reads otherwise than everyday Chinese: 什 shi (什么 shen-me),
# 茜 xi (茜 qian, the madder plant), 勒 le (勒 lei, to tie), 孛 bo (孛 bei, a comet).
_TRANSCRIPTION_READINGS = {"什": "shi", "茜": "xi", "勒": "le", "孛": "bo"}
# Finals pinyin writes short: un is uen, ui uei, iu iou (their e and o are spoken).
_SHORT_FINALS = {"un": "uen", "ui": "uei", "iu": "iou"}


@lru_cache(maxsize=1 << 14)
def _transcription_reading(char: str) -> str:
    """The pinyin of one character as a transcription reads it."""
    from pypinyin import Style, lazy_pinyin

    found = _TRANSCRIPTION_READINGS.get(char)
    if found is None:
        found = "".join(lazy_pinyin(char, style=Style.NORMAL, errors="ignore"))
    return found


@lru_cache(maxsize=1 << 16)
def transcription_tokens(text: str, *, spoken_h: bool = True) -> tuple[str, ...]:
    """How a name written in Han sounds as a transcribed foreign name: its consonants as the
    classes of `names.skeleton` (one token may be several classes, "KS", or none, "_"), and
    between them its vowel runs, those the conventions add to a lone consonant marked "?".
    A consonant written at the end of one syllable and the start of the next (安娜 an-na for
    Anna, 汉米 han-mi for Hami-) is one; the vowels of neighbouring syllables are one run
    (巴尔 ba-er: "ae"). An h (赫 he, 哈 ha) is "H", and x (希 xi) may be one; without
    `spoken_h`, h is left out (约翰 yue-han for John, whose h is not spoken) and x is s."""
    syllables = [_transcription_reading(c).replace("v", "u") for c in text if _is_han(c)]
    tokens: list[str] = []
    for k, syllable in enumerate(syllables):
        following = syllables[k + 1] if k + 1 < len(syllables) else ""
        for token in _transcribed_syllable(syllable, following, spoken_h):
            last = tokens[-1] if tokens else ""
            if last and not last.isupper() and not token.isupper():
                # a run is added only if all of it is
                both_added = last[:1] == "?" and token[:1] == "?"
                tokens[-1] = ("?" if both_added else "") + last.lstrip("?") + token.lstrip("?")
            elif last.isupper() and token.isupper() and set(token) <= set(last):
                tokens[-1] = token  # one consonant closing a syllable and opening the next
            else:
                tokens.append(token)
    return tuple(tokens)


MAX_TRANSCRIPTION_SKELETONS = 8


@lru_cache(maxsize=1 << 16)
def transcription_skeletons(text: str) -> tuple[str, ...]:
    """The consonant skeletons a name written in Han may have as a transcribed foreign name
    (`transcription_tokens`), the likeliest reading of each character first; at most
    `MAX_TRANSCRIPTION_SKELETONS`."""
    # h is no class of the skeleton's
    choices = [
        [c for c in token if c not in "_H"] + ([""] if "_" in token or "H" in token else [])
        for token in transcription_tokens(text)
        if token.isupper()
    ]
    found: dict[str, None] = {}
    for combination in product(*choices):
        found.setdefault("".join(combination), None)
        if len(found) >= MAX_TRANSCRIPTION_SKELETONS:
            break
    return tuple(found)
