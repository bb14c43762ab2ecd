"""The benchmarks' synthetic world: deterministic, the sizes asked for, each query variation
doing what its label says, absent people and documents really absent."""

from __future__ import annotations

import ast
import collections
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

_SOURCE = Path(__file__).resolve().parents[2] / "bench" / "world.py"


def _load() -> ModuleType:
    # tests/bench is itself a package called "bench" on pytest's path, so load by file.
    spec = importlib.util.spec_from_file_location("bench_world", _SOURCE)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_world"] = module
    spec.loader.exec_module(module)
    return module


world = _load()


@pytest.fixture(scope="module")
def persons() -> list:
    return list(world.generate_persons(3000, seed=21))


@pytest.fixture(scope="module")
def crowd() -> list:
    return list(world.generate_persons(20_000, seed=11))


@pytest.fixture(scope="module")
def queries(persons: list) -> list:
    return world.generate_queries(persons, 4000, seed=5, absent_fraction=0.25)  # a quarter absent


def test_the_generator_does_not_use_the_matchers_transliteration() -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(_SOURCE.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    forbidden = ("bluebridge", "icu", "anyascii", "pypinyin", "unidecode")
    assert not [name for name in imported if name.split(".")[0].lower() in forbidden]


def test_the_same_seed_gives_the_same_world() -> None:
    first = list(world.generate_persons(300, seed=7))
    assert first == list(world.generate_persons(300, seed=7))
    assert first != list(world.generate_persons(300, seed=8))
    assert list(world.generate_documents(500, seed=3)) == list(
        world.generate_documents(500, seed=3)
    )
    assert world.generate_queries(first, 200, seed=1) == world.generate_queries(first, 200, seed=1)
    documents = [document for person in first for document in person.documents]
    assert world.generate_document_queries(
        documents, 100, seed=2
    ) == world.generate_document_queries(documents, 100, seed=2)


def test_sizes_references_and_documents(persons: list) -> None:
    assert len(persons) == 3000
    assert [person.ref for person in persons[:2]] == ["P0000001", "P0000002"]
    assert len({person.ref for person in persons}) == 3000
    per_person = sum(len(person.documents) for person in persons) / len(persons)
    assert 1.35 < per_person < 1.65
    assert all(len(person.documents) >= 1 for person in persons)
    assert all(person.gender in ("male", "female") for person in persons)
    assert all(1940 <= person.birth[0] <= 2007 for person in persons)
    lean = list(world.generate_persons(400, seed=2, documents_per_person=0.5))
    assert 0.35 < sum(len(person.documents) for person in lean) / 400 < 0.65
    numbers = [
        (d.country, d.document_type, d.number) for person in persons for d in person.documents
    ]
    stand_alone = list(world.generate_documents(20_000, seed=2))
    assert len(stand_alone) == 20_000
    everything = numbers + [(d.country, d.document_type, d.number) for d in stand_alone]
    assert len(set(everything)) == len(everything)
    assert {d.document_type for d in stand_alone} == {"passport", "identity_card"}
    assert len({d.country for d in stand_alone}) >= 25


def test_names_are_written_in_their_scripts(persons: list) -> None:
    scripts = collections.Counter(person.names[0].script for person in persons)
    assert set(scripts) == {
        "Latn",
        "Arab",
        "Cyrl",
        "Hani",
        "Hang",
        "Jpan",
        "Hebr",
        "Grek",
        "Deva",
        "Thai",
    }
    assert 0.4 < scripts["Latn"] / len(persons) < 0.75
    for person in persons:
        values = [name.value for name in person.names]
        assert len(values) == len(set(values))
        for given, family in person.parts:
            assert f"{given} {family}" in values
            assert given
            assert family
        for name in person.names[1:]:
            if name.script == "Latn":
                assert re.fullmatch(r"[\w .'’-]+", name.value), name
        if person.country == "JPN":
            assert any(name.script == "Kana" for name in person.names)


def test_latin_forms_follow_the_standards() -> None:
    assert world._mrz_form("Jürgen Müller", "DEU") == "Juergen Mueller"
    assert world._strip_marks("Łukasz Çelik José") == "Lukasz Celik Jose"
    assert [world._ru_latin("Юлия", scheme) for scheme in ("icao", "mvd")] == ["Iuliia", "Yuliya"]
    assert world._ru_latin("Кузнецов", "gost") == "Kuznetcov"
    assert world._uk_latin("Олександр", "kmu") == "Oleksandr"
    assert world._bg_latin("Петър", "streamlined") == "Petar"
    assert world._sr_latin("Ђорђевић", "ascii") == "Djordjevic"
    assert world._gr_latin("Ευάγγελος", "elot") == "Evangelos"
    assert world._gr_latin("Χρήστος", "phonetic") == "Hristos"
    assert world._kana_latin("サトウ", "passport") == "Sato"
    assert world._kana_latin("ホンマ", "passport") == "Homma"
    assert world._kana_latin("オオノ", "passport_oh") == "Ohno"
    assert world._wade_giles("xiao") == "hsiao"
    korean = world._world().cultures["ko"].lookup_family
    assert set(korean["이"].doc) == {"Lee", "Yi", "Rhee", "Rhie"}
    assert {"Park", "Pak"} <= set(korean["박"].doc)
    assert korean["김"].doc == ("Kim",)
    assert {"Jung", "Jeong", "Chung"} <= set(korean["정"].doc)
    arabic = world._world().cultures["ar_egy"].lookup
    assert {"Mohamed", "Mohammed", "Muhammad", "Mohammad", "Mohamad"} <= set(arabic["محمد"].alts)
    assert {"Abdelrahman", "Abdul Rahman", "Abderrahmane"} <= set(arabic["عبد الرحمن"].alts)
    hebrew = world._world().cultures["he"].lookup_family
    assert set(hebrew["כהן"].doc) == {"Cohen", "Kohen", "Cohn"}


def test_common_names_are_shared_and_told_apart_by_birth(crowd: list) -> None:
    names = collections.Counter(person.names[0].value for person in crowd)
    name, count = names.most_common(1)[0]
    assert count >= 5
    assert sum(1 for shared in names.values() if shared > 1) > 200
    births = {person.birth for person in crowd if person.names[0].value == name}
    assert len(births) >= count - 1


def _damerau(a: str, b: str) -> int:
    rows = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def _ocr_explains(original: str, misread: str) -> bool:
    """Whether the misread text is the original with one or two OCR confusions."""
    pairs = world._OCR_CONFUSIONS

    def walk(i: int, j: int, budget: int) -> bool:
        if i == len(original) and j == len(misread):
            return budget < 2
        if (
            i < len(original)
            and j < len(misread)
            and original[i] == misread[j]
            and walk(i + 1, j + 1, budget)
        ):
            return True
        return budget > 0 and any(
            original.startswith(old, i)
            and misread.startswith(new, j)
            and walk(i + len(old), j + len(new), budget - 1)
            for old, new in pairs
        )

    return walk(0, 0, 2)


def _name_claim(label: str, query, person) -> bool:
    forms = [f"{given} {family}" for given, family in person.parts]
    values = [name.value for name in person.names]
    name = query.name
    if label == "exact":
        return name in forms
    if label == "typo":
        return any(_damerau(name, form) == 1 for form in forms)
    if label == "ocr":
        return any(_ocr_explains(form, name) for form in forms)
    if label == "other_transliteration":
        return person.names[0].script != "Latn" and world._fold(name) not in {
            world._fold(v) for v in values
        }
    if label == "diacritics":
        native = person.names[0].value
        written_out = native.translate(
            str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
        )
        return name.casefold() not in {v.casefold() for v in values} and world._fold(name) in {
            world._fold(native),
            world._fold(written_out),
        }
    if label == "native_script":
        return name in values and not re.search(r"[A-Za-z]", name)
    if label == "swapped_order":
        return any(
            world._fold(name) == world._fold(f"{family} {given}") for given, family in person.parts
        )
    if label == "missing_middle":
        return any(
            name.endswith(f" {family}")
            and len(name[: -len(family) - 1].split()) < len(given.split())
            and given.startswith(name[: -len(family) - 1])
            for given, family in person.parts
        )
    if label == "initial":
        return any(
            re.fullmatch(r"(\w\. )+" + re.escape(family), name)
            and name[0].casefold() == given[0].casefold()
            for given, family in person.parts
        )
    if label == "one_surname":
        return any(
            name.startswith(f"{given} ")
            and name[len(given) + 1 :] in family
            and name[len(given) + 1 :] != family
            for given, family in person.parts
        )
    if label == "particle":
        return any(
            name.startswith(f"{given} ")
            and name[len(given) + 1 :] != family
            and world._fold(family).endswith(world._fold(name[len(given) + 1 :]))
            for given, family in person.parts
        )
    if label == "alias":
        return name in world._aliases(person)
    raise AssertionError(label)


def _birth_claim(label: str, query, person) -> bool:
    year, month, day = person.birth
    if label == "partial_birth":
        return query.birth in (f"{year:04d}", f"{year:04d}-{month:02d}")
    if label == "swapped_day_month":
        return day <= 12 and day != month and query.birth == f"{year:04d}-{day:02d}-{month:02d}"
    if label == "no_birth":
        return query.birth is None
    return query.birth == f"{year:04d}-{month:02d}-{day:02d}"


_BIRTH_LABELS = {"partial_birth", "swapped_day_month", "no_birth"}


def test_every_variation_does_what_its_label_says(persons: list, queries: list) -> None:
    by_ref = {person.ref: person for person in persons}
    seen: collections.Counter[str] = collections.Counter()
    for query in queries:
        if query.expected is None:
            continue
        person = by_ref[query.expected]
        seen.update(query.variations)
        assert 1 <= len(query.variations) <= 2, query
        name_labels = [label for label in query.variations if label not in _BIRTH_LABELS]
        birth_labels = [label for label in query.variations if label in _BIRTH_LABELS]
        assert len(birth_labels) <= 1
        assert _birth_claim(birth_labels[0] if birth_labels else "", query, person), query
        if len(name_labels) == 1 or not name_labels:
            assert _name_claim(name_labels[0] if name_labels else "exact", query, person), (
                query,
                person,
            )
        else:
            assert query.name not in [f"{given} {family}" for given, family in person.parts], query
        assert query.nationality in (None, person.country, *[d.country for d in person.documents])
        assert query.gender in (None, person.gender)
    expected = {
        "exact", "typo", "ocr", "other_transliteration", "diacritics", "native_script", "swapped_order",
        "missing_middle", "initial", "one_surname", "particle", "alias", "partial_birth",
        "swapped_day_month", "no_birth",
    }  # fmt: skip
    assert expected <= set(seen), expected - set(seen)
    assert sum(1 for query in queries if query.expected is None) == round(len(queries) / 4)


def test_absent_people_are_really_absent(persons: list, queries: list) -> None:
    years: collections.defaultdict[str, set[int]] = collections.defaultdict(set)
    for person in persons:
        for name in person.names:
            words = name.value.split()
            for order in (words, words[1:] + words[:1], words[-1:] + words[:-1]):
                years[world._fold(" ".join(order))].add(person.birth[0])
    kinds = collections.Counter()
    for query in queries:
        if query.expected is not None:
            continue
        kinds[query.variations[1]] += 1
        assert query.variations[0] == "absent"
        known = years.get(world._fold(query.name), set())
        if query.birth is None:
            assert not known, query
        else:
            year = int(query.birth[:4])
            assert not known & {year - 1, year, year + 1}, query
    assert set(kinds) == {
        "same_name_other_birth",
        "same_given_other_family",
        "same_family_other_given",
        "new_name",
    }


def test_document_queries_find_documents_or_nothing(persons: list) -> None:
    held = [document for person in persons for document in person.documents]
    stand_alone = list(world.generate_documents(5000, seed=9))
    sample = held[:2000] + stand_alone[:2000]
    checks = world.generate_document_queries(sample, 1000, seed=4, absent_fraction=0.3)
    everything = {(d.country, d.number) for d in held + stand_alone}
    numbers = {d.number for d in held + stand_alone}
    labels: collections.Counter[str] = collections.Counter()
    for check in checks:
        labels.update(check.variations)
        if check.expected is None:
            assert check.number not in numbers
        else:
            assert check.expected in sample
            plain = check.number.replace(" ", "").replace("-", "").upper()
            if "ocr" in check.variations:
                assert plain != check.expected.number
                assert len(plain) == len(check.expected.number)
                assert (check.expected.country, plain) not in everything
            else:
                assert plain == check.expected.number
            assert check.country in (None, check.expected.country)
    assert sum(1 for check in checks if check.expected is None) == 300
    assert {
        "exact",
        "ocr",
        "spacing",
        "lowercase",
        "no_country",
        "absent",
        "near_miss",
        "unissued",
    } <= set(labels)


def test_twenty_thousand_persons_and_their_queries(crowd: list) -> None:
    assert len(crowd) == 20_000
    assert len(world.generate_queries(crowd, 1500, seed=2)) == 1500
