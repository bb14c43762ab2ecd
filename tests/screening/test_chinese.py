"""Chinese names in other romanisations read back as pinyin: Wade-Giles by rule (apostrophes
and diaereses lost), the surname spellings of Cantonese, Hokkien and others by table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from bluebridge.screening.chinese import (
    MAX_READINGS,
    _wade_giles_index,
    pinyin_readings,
    pinyin_syllables,
    transcription_skeletons,
    transcription_tokens,
    wade_giles,
)


def _ascii(spelling: str) -> str:
    return spelling.replace("'", "").replace("ü", "u").replace("ê", "e").replace("ŭ", "u")


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("tse", {"ze", "ce"}),  # Mao Tse-tung
        ("tung", {"dong", "tong"}),
        ("chiang", {"jiang", "qiang"}),  # Chiang Kai-shek
        ("kai", {"gai"}),
        ("shek", set()),  # not Wade-Giles (shih); only the Cantonese table reads it
        ("hsu", {"xu"}),
        ("chou", {"zhou"}),
        ("tsai", {"cai", "zai"}),
        ("chih", {"zhi", "chi"}),
        ("hsueh", {"xue"}),
        ("kuang", {"guang"}),
        ("jen", {"ren"}),
        ("jih", {"ri"}),
        ("jan", {"ran"}),
        ("chien", {"jian", "qian"}),
        ("kuo", {"guo"}),
        ("tai", {"dai"}),
        ("hsieh", {"xie"}),
        ("yeh", {"ye"}),
        ("yen", {"yan"}),
        ("kuei", {"gui", "kui"}),
        ("ho", {"he"}),
        ("ko", {"ge", "ke"}),
        ("lo", {"luo"}),
        ("erh", {"er"}),
        ("ssu", {"si"}),
        ("szu", {"si"}),
        ("tzu", {"zi", "ci"}),
        ("yu", {"you"}),  # 有 yu; 于 yü has lost its diaeresis and is the form itself
        ("yueh", {"yue"}),
        ("yuan", set()),  # yüan is pinyin's yuan, the form itself
        ("chu", {"zhu", "ju", "qu"}),  # chu, ch'u, chü, ch'ü
        ("hsiung", {"xiong"}),
        ("chiung", {"jiong", "qiong"}),
        ("i", {"yi"}),
    ],
)
def test_wade_giles_syllables_read_as_pinyin(form, expected):
    readings = pinyin_readings(form)
    assert expected <= set(readings), readings
    assert form not in readings


def test_the_unaspirated_reading_comes_first_where_the_apostrophe_may_be_lost():
    assert pinyin_readings("chien")[:2] == ("jian", "qian")
    assert pinyin_readings("tung")[:2] == ("dong", "tong")
    assert pinyin_readings("tsai")[:2] == ("zai", "cai")


def test_u_umlaut_is_written_as_pypinyin_writes_it():
    assert lazy_pinyin("吕女略", style=Style.NORMAL) == ["lv", "nv", "lve"]
    assert "lv" in pinyin_readings("lu")
    assert "nv" in pinyin_readings("nu")
    assert pinyin_readings("lueh")[0] == "lve"
    assert "xu" in pinyin_readings("hsu")  # after j, q, x and y pypinyin writes u


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("hsiaoming", "xiaoming"),
        ("tzuhan", "zihan"),
        ("tsetung", "zedong"),
        ("chingkuo", "jingguo"),
        ("kaohsiung", "gaoxiong"),
        ("hsiaoping", "xiaoping"),
        ("chunghua", "zhonghua"),
        ("szuma", "sima"),
        ("chuko", "zhuge"),
        ("ihsien", "yixian"),
        ("chinan", "jinan"),  # chi-nan, not chin-an: a syllable starting with a vowel only first
    ],
)
def test_two_syllables_written_together_are_read_syllable_by_syllable(form, expected):
    readings = pinyin_readings(form)
    assert expected in readings, readings
    assert len(readings) <= MAX_READINGS


def test_the_readings_of_a_long_part_are_capped_most_plausible_first():
    readings = pinyin_readings("chuko")
    assert len(readings) == MAX_READINGS
    assert readings[0] == "zhuge"
    assert pinyin_readings("tsetung")[0] == "zedong"


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("chan", ["chen"]),
        ("wong", ["wang", "huang"]),
        ("lim", ["lin"]),
        ("tan", ["chen"]),
        ("ng", ["wu", "huang"]),
        ("lee", ["li"]),
        ("ong", ["wang"]),
        ("cheung", ["zhang"]),
        ("lau", ["liu"]),
        ("goh", ["wu"]),
        ("teo", ["zhang"]),
        ("koh", ["gao", "xu"]),  # 高 and 许 (in Singapore mostly 许)
        ("chua", ["cai"]),
        ("yeo", ["yang"]),
        ("kwok", ["guo"]),
        ("yip", ["ye"]),
        ("tsang", ["zeng"]),
        ("leung", ["liang"]),
        ("auyeung", ["ouyang"]),
        ("jhang", ["zhang"]),  # Taiwan's Tongyong pinyin
    ],
)
def test_surname_spellings_read_as_their_pinyin_first(form, expected):
    readings = pinyin_readings(form)
    assert list(readings[: len(expected)]) == expected, readings


def test_a_surname_spelling_that_is_also_wade_giles_keeps_both_readings():
    assert pinyin_readings("chan")[:2] == ("chen", "zhan")  # 陈 Chan; Wade-Giles chan, 詹
    assert set(pinyin_readings("tse")) >= {"xie", "ze", "ce"}  # 谢 Tse; Mao Tse-tung
    assert set(pinyin_readings("chin")) >= {"chen", "qian", "jin", "qin"}


@pytest.mark.parametrize(
    "form", ["mohammed", "peter", "maria", "anna", "john", "smith", "zhang", "wang", "xu", ""]
)
def test_parts_that_read_as_no_other_chinese_name_give_nothing(form):
    # Latin names, and pinyin which has no other reading (the form itself is never returned)
    assert pinyin_readings(form) == ()


def test_anything_but_ascii_letters_gives_nothing():
    assert pinyin_readings("ch'ien") == ()
    assert pinyin_readings("müller") == ()
    assert pinyin_readings("a" * 40) == ()


def test_wade_giles_spellings_are_the_standard_ones():
    assert wade_giles("zhang") == ("chang",)
    assert wade_giles("qian") == ("ch'ien",)
    assert wade_giles("xue") == ("hsüeh",)
    assert wade_giles("zhi") == ("chih",)
    assert wade_giles("ri") == ("jih",)
    assert wade_giles("si") == ("ssŭ", "szŭ")
    assert wade_giles("gui") == ("kuei",)
    assert wade_giles("luo") == ("lo",)
    assert wade_giles("guo") == ("kuo",)
    assert wade_giles("ge") == ("ko", "kê")
    assert wade_giles("you") == ("yu",)
    assert wade_giles("yu") == ("yü",)
    assert wade_giles("yi") == ("i",)
    assert wade_giles("rong") == ("jung",)
    assert wade_giles("lve") == ("lüeh",)


@given(st.sampled_from(sorted(pinyin_syllables())))
def test_every_syllables_wade_giles_form_reads_back_as_it(syllable):
    for spelling in wade_giles(syllable):
        form = _ascii(spelling)
        assert form == syllable or syllable in pinyin_readings(form), (spelling, form)


# Syllables whose Wade-Giles spelling begins with a consonant (yi is i)
_COMMON = sorted(s for s in pinyin_syllables() if _ascii(wade_giles(s)[0])[0] not in "aeiou")


@given(st.sampled_from(_COMMON), st.sampled_from(_COMMON))
def test_two_standard_syllables_written_together_read_back(first, second):
    forms = [_ascii(wade_giles(s)[0]) for s in (first, second)]
    form = "".join(forms)
    # Where each syllable's spelling reads as that syllable first, the pair reads as the pair.
    if all(_wade_giles_index()[f][0] == s for f, s in zip(forms, (first, second), strict=True)):
        assert form == first + second or first + second in pinyin_readings(form), form


def test_a_transcription_reads_as_consonants_with_the_added_vowels_marked():
    # 史密斯 shi-mi-si: the i of shi and si only closes the s
    assert transcription_tokens("史密斯") == ("S", "?i", "M", "i", "S", "?i")
    assert transcription_skeletons("史密斯") == ("SMS",)
    # 安娜 an-na: one n; 什 is read shi, as transcriptions use it
    assert transcription_tokens("安娜") == ("a", "N", "a")
    assert transcription_tokens("阿什")[1:] == ("S", "?i")
    # 汉 han: Mandarin closes on n for a Latin m as well; h is written
    assert transcription_tokens("汉") == ("H", "a", "NM")
    assert transcription_tokens("汉", spoken_h=False) == ("a", "NM")
