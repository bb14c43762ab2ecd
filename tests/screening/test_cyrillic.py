"""Chinese names in Palladius and Japanese names in Polivanov Cyrillic read back as pinyin and
Hepburn, and what that does to screening across alphabets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluebridge.screening.chinese import pinyin_syllables
from bluebridge.screening.cyrillic import palladius, readings
from bluebridge.screening.names import (
    STRONG_ACROSS_ALPHABETS,
    WEAK_CAP,
    compare_names,
    parse_name,
)


@pytest.mark.parametrize(
    ("syllable", "expected"),
    [
        ("zhang", ("чжан",)),
        ("xue", ("сюэ",)),
        ("zi", ("цзы",)),
        ("ci", ("цы",)),
        ("si", ("сы",)),
        ("zhi", ("чжи",)),
        ("ri", ("жи",)),
        ("ju", ("цзюй",)),  # ju is jü
        ("quan", ("цюань",)),
        ("xun", ("сюнь",)),
        ("lv", ("люй",)),
        ("jin", ("цзинь",)),
        ("ping", ("пин",)),
        ("hong", ("хун",)),
        ("hui", ("хуэй", "хуй")),
        ("gui", ("гуй",)),
        ("wei", ("вэй",)),
        ("yu", ("юй",)),
        ("you", ("ю",)),
        ("er", ("эр",)),
    ],
)
def test_pinyin_syllables_are_spelt_as_palladius_spells_them(syllable, expected):
    assert palladius(syllable) == expected


def test_every_pinyin_syllable_is_spelt_in_cyrillic_letters():
    spelt = {s: palladius(s) for s in pinyin_syllables()}
    missing = [s for s, spellings in spelt.items() if not spellings]
    # The handful that Palladius has no spelling for are interjections, not name syllables.
    assert len(missing) <= 12, missing
    for spellings in spelt.values():
        for spelling in spellings:
            assert all("а" <= ch <= "я" or ch == "ё" for ch in spelling), spelling


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        # Palladius
        ("Хуэйхуэй", "huihui"),
        ("цзюнься", "junxia"),
        ("Цзяюй", "jiayu"),
        ("Хунчжи", "hongzhi"),
        ("Чжан", "zhang"),
        ("Юньци", "yunqi"),
        # Polivanov
        ("Дзэнсити", "zenshichi"),
        ("Тидзуко", "chizuko"),
        ("Сёдзабуро", "shozaburo"),
        ("Иттё", "itcho"),  # a held consonant
        ("Рэйитиро", "reiichiro"),  # й after a vowel
        ("Сэмбонги", "senbongi"),  # м before б: the moraic n
        ("Дзюнъитиро", "junichiro"),  # ъ after the moraic n
        ("Кейко", "keiko"),  # е for the system's э
        ("Кобаяси", "kobayashi"),
    ],
)
def test_cyrillic_words_are_read_in_the_system_that_spells_them(word, reading):
    assert reading in readings(word)


@pytest.mark.parametrize("word", ["Барабанов", "Иванов", "Сергей", "Щукин", "Дмитрий", "в"])
def test_russian_names_that_cut_into_no_syllables_have_no_reading(word):
    assert readings(word) == ()


@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюя", max_size=30))
@settings(max_examples=300, deadline=None)
def test_any_cyrillic_word_is_read_without_error_and_in_latin_letters(word):
    for reading in readings(word):
        assert reading.isascii()
        assert reading.isalpha()


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Цзинь Пин", "Jin Ping"),
        ("Чжан Цзяюй", "Zhang Jiayu"),
        ("Тидзуко Ямада", "Chizuko Yamada"),
        ("Дзюнъитиро Коидзуми", "Junichiro Koizumi"),
        ("Сёдзи Накадзё", "Shōji Nakajō"),
        ("Давид Гурвиц", "David Hurwitz"),  # г for a foreign h
        ("Александр Иванов", "Aleksandr Ivanov"),
    ],
)
def test_names_written_in_cyrillic_find_their_latin_spelling(cyrillic, latin):
    result = compare_names(cyrillic, latin)
    assert result.score >= 0.8, result.explain()


def test_two_names_only_loosely_alike_across_alphabets_stay_under_the_threshold():
    # A consonant skeleton each in common, spelt apart (Wilber, Laver; Dayal, Dali): two people.
    loose = compare_names("Уилбер Дайал", "Laver Dali")
    assert all(m.similarity < STRONG_ACROSS_ALPHABETS for m in loose.matches)
    assert loose.score <= WEAK_CAP
    # Within one alphabet the cap does not apply: two typos are still the name.
    assert compare_names("Aleksnadr Ivanvo", "Aleksandr Ivanov").score >= 0.8
    # Across alphabets, a name with one part close in spelling is not capped.
    close = compare_names("Александр Иванов", "Aleksandr Ivanov")
    assert max(m.similarity for m in close.matches) >= STRONG_ACROSS_ALPHABETS


def test_a_syllable_table_reading_is_one_more_form_of_the_part():
    part = parse_name("Тидзуко").parts[0]
    assert part.forms[0] == "tidzuko"  # the usual romanisation stays first
    assert "chizuko" in part.forms


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("بينغا", "Benga"),  # the gh of غ before a vowel is a g: not the ng of Tang
        ("وانغ", "Wang"),  # ... and closing the word it is the ng
    ],
)
def test_a_romanised_ghain_after_n_is_read_by_what_follows(arabic, latin):
    assert compare_names(f"{arabic} سميث", f"{latin} Smith").score >= 0.8


# ---------------------------------------------------------------- Latin spellings as heard


@pytest.mark.parametrize(
    ("latin", "same_as"),
    [
        ("Waszczykowski", "Vashchikovski"),  # Polish sz and cz: one sound each
        ("Szegedi", "Segedi"),  # Hungarian sz
        ("Zsolt", "Zholt"),  # Hungarian zs
        ("Hofstadter", "Hofstater"),  # German dt
    ],
)
def test_latin_digraphs_of_one_sound_make_one_consonant(latin, same_as):
    from bluebridge.screening.names import skeleton

    assert skeleton(latin.lower(), written_latin=True) == skeleton(
        same_as.lower(), written_latin=True
    )


@pytest.mark.parametrize(
    ("native", "latin"),
    [
        ("יאנה נובאק", "Jana Novak"),  # a Slavic j is the y Hebrew and Arabic write
        ("يان كوفاليك", "Jan Kowalik"),
        ("פטקוביץ' כהן", "Petkovic Cohen"),  # -vić with its accent lost
        ("חולליס כהן", "Hollis Cohen"),  # a foreign ll spelt letter by letter
        ("Ващиковский Ян", "Waszczykowski Jan"),
    ],
)
def test_latin_names_are_heard_as_other_scripts_write_them(native, latin):
    result = compare_names(native, latin)
    assert result.score >= 0.8, result.explain()


def test_an_abjad_tells_l_from_r_where_the_skeletons_do_not():
    from bluebridge.screening.names import MIN_PART_SIMILARITY, _similarity

    def part(text):
        return parse_name(text).parts[0]

    # Same consonant classes, but ר where the Latin has an l (and ל where it has an r).
    assert _similarity(part("סייוורי"), part("Shvily"))[0] < MIN_PART_SIMILARITY
    assert _similarity(part("غاراي"), part("Clay"))[0] < MIN_PART_SIMILARITY
    # Letter for letter they are still one name, a doubled letter in either spelling too.
    assert _similarity(part("שבילי"), part("Shvily"))[1] == "skeleton"
    assert _similarity(part("הררה"), part("Herrera"))[0] >= MIN_PART_SIMILARITY
    assert _similarity(part("فيريللي"), part("Ferilli"))[0] >= MIN_PART_SIMILARITY
    # Japanese does not tell them apart: its l and r stay one class.
    assert _similarity(part("ロペス"), part("Lopez"))[0] >= MIN_PART_SIMILARITY


@pytest.mark.parametrize(
    ("word", "heard"),
    [
        ("Kołodziej", "kowodziej"),  # ł is said as w
        ("Grzybowska", "gzhybowska"),  # rz after a consonant is ż
        ("Rzeszowski", "zheszowski"),
    ],
)
def test_polish_letters_are_also_read_as_they_are_said(word, heard):
    assert heard in parse_name(word).parts[0].forms


@pytest.mark.parametrize("word", ["Herzog", "Kurz", "Schwarz"])
def test_an_rz_after_a_vowel_or_at_the_end_stays_r_and_z(word):
    assert parse_name(word).parts[0].forms == (word.lower(),)


def test_a_polish_name_finds_its_russian_spelling():
    result = compare_names("Гжибовская Ева", "Grzybowska Ewa")
    assert result.score >= 0.8, result.explain()
