"""Kana in Hepburn, with the spellings of foreign sounds that Japanese writes foreign names
with (ファン fan, ティ ti, ヴェ ve), and what that does to screening."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluebridge.screening.kana import hepburn
from bluebridge.screening.names import compare_names, parse_name


@pytest.mark.parametrize(
    ("kana", "form"),
    [
        ("ヤマダ", "yamada"),
        ("シ", "shi"),
        ("チ", "chi"),
        ("ツ", "tsu"),
        ("フ", "fu"),
        ("ジ", "ji"),
        ("キャ", "kya"),  # contracted syllables
        ("シュ", "shu"),
        ("ジョ", "jo"),
        ("ファン", "fan"),  # foreign sounds: the small vowel makes one syllable
        ("ティートケ", "titoke"),  # the long-vowel mark left out
        ("シェリー", "sheri"),
        ("ヴェ", "ve"),
        ("ウォ", "wo"),
        ("ツァイ", "tsai"),
        ("デュ", "dyu"),
        ("クァ", "kwa"),
        ("イェンス", "yensu"),
        ("マッチ", "matchi"),  # a held consonant, t before ch
        ("キャッスルトン", "kyassuruton"),
        ("やまだ", "yamada"),  # hiragana
    ],
)
def test_kana_are_read_in_hepburn(kana, form):
    assert hepburn(kana)[0] == form


def test_n_before_b_p_or_m_is_also_m_and_a_long_o_also_one_o():
    assert hepburn("ランブラキス") == ("ranburakisu", "ramburakisu")
    assert "taro" in hepburn("タロウ")
    assert "ono" in hepburn("オオノ")


def test_fu_alone_is_also_the_h_of_kh_and_german_ch():
    assert hepburn("フジタ") == ("fujita", "hujita")
    # each of the first three alone, then all of them
    assert hepburn("マフルーフ") == ("mafurufu", "mahurufu", "mafuruhu", "mahuruhu")
    assert hepburn("ファン") == ("fan",)  # ファ is an f
    for kana, latin in (("フルノフ ユーリ", "Khrunov Yuri"), ("ラートブルフ", "Radbruch")):
        assert compare_names(kana, latin).score >= 0.8, kana


@pytest.mark.parametrize("text", ["", "ABC", "ヤマダ1", "山田", "ー"])
def test_a_word_that_is_not_all_kana_has_no_hepburn(text):
    assert hepburn(text) == ()


@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x30FF), max_size=20))
@settings(max_examples=300, deadline=None)
def test_any_kana_reads_in_latin_letters_or_not_at_all(text):
    for form in hepburn(text):
        assert form.isascii()
        assert form.isalpha()


@pytest.mark.parametrize(
    ("kana", "latin"),
    [
        ("ジェシカ ファン", "Jessica Fan"),
        ("シェリー ティートケ", "Shelley Tiedtke"),
        ("フェルナンド ディアス", "Fernando Diaz"),
        ("ヴィンツェンツ マイヤー", "Vincenz Meyer"),
        ("ヤマダ タロウ", "Yamada Taro"),
        ("やまだ たろう", "Yamada Taro"),
    ],
)
def test_names_in_kana_find_their_latin_spelling(kana, latin):
    result = compare_names(kana, latin)
    assert result.score >= 0.8, result.explain()


def test_a_kana_part_is_romanised_by_the_table_not_by_dropping_small_vowels():
    assert parse_name("ファン").parts[0].forms == ("fan",)
