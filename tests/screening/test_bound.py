"""The scorer's upper bound (`screening/bound.py`): never below the score, tight enough to
pass over candidates that cannot match, and without effect on any score it lets through."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bluebridge.screening import names as module
from bluebridge.screening.bound import Bounds, unit_bounds
from bluebridge.screening.names import compare_parsed, parse_name, units_of

_TOKENS = [
    # Latin spellings of one name and of names alike, with particles and initials
    "Mohammed",
    "Muhammad",
    "Mohamed",
    "Mehmet",
    "Ahmed",
    "Hassan",
    "Hasan",
    "Husain",
    "Abdel",
    "Abdul",
    "Rahman",
    "Abdulrahman",
    "al",
    "el",
    "bin",
    "ibn",
    "van",
    "de",
    "la",
    "Aleksandr",
    "Alexander",
    "Ivanov",
    "Iwanow",
    "Ivanoff",
    "Zhang",
    "Zheng",
    "Wang",
    "Yang",
    "Xiao",
    "Ming",
    "Xiaoming",
    "Kim",
    "Min",
    "Jun",
    "Minjun",
    "Lei",
    "Li",
    "Xia",
    "Yilmaz",
    "Yildiz",
    "Celine",
    "Leroy",
    "C.",
    "M.",
    "J",
    "Jean-Pierre",
    "Fontaine",
    "Marie",
    "Marine",
    "John",
    "Jane",
    "Tsvetkova",
    "Zwetkowa",
    "Chan",
    "Chen",
    "Hsu",
    "Xu",
    # other scripts
    "محمد",
    "عبد",
    "الرحمن",
    "حسن",
    "علي",
    "Александр",
    "Иванов",
    "王",
    "小明",
    "김",
    "민준",
    "ヤマダ",
    "タロウ",
    "משה",
    "כהן",
    "Γιώργος",
    "राहुल",
]

_name = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=4).map(" ".join)


def _typo(value: str, data: st.DataObject) -> str:
    """A name with a letter changed, dropped or doubled, as typing and OCR do."""
    if len(value) < 3:
        return value
    at = data.draw(st.integers(0, len(value) - 1))
    how = data.draw(st.sampled_from(["drop", "double", "swap"]))
    if how == "drop":
        return value[:at] + value[at + 1 :]
    if how == "double":
        return value[:at] + value[at] + value[at:]
    other = data.draw(st.sampled_from("aeiouklmnrst"))
    return value[:at] + other + value[at + 1 :]


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_the_bound_is_never_below_the_score(data):
    query = parse_name(data.draw(_name))
    candidates = []
    for _ in range(data.draw(st.integers(1, 5))):
        written = data.draw(_name)
        if data.draw(st.booleans()):
            written = _typo(written, data)
        candidates.append([parse_name(written), parse_name(data.draw(_name))])
    bounds = Bounds([query], candidates)
    for candidate, bound in zip(candidates, bounds.best.tolist(), strict=True):
        for name in candidate:
            if query.parts and name.parts:
                score = compare_parsed(query, name).score
                assert bound >= score - 1e-4, (query.original, name.original, bound, score)


@given(st.data())
@settings(max_examples=120, deadline=None)
def test_the_bound_s_filter_changes_no_score(data):
    query = parse_name(data.draw(_name))
    others = [parse_name(data.draw(_name)) for _ in range(data.draw(st.integers(1, 5)))]
    module._compare_parts.cache_clear()
    module._SIMILARITY.clear()
    plain = [compare_parsed(query, other) for other in others]
    module._compare_parts.cache_clear()
    module._SIMILARITY.clear()
    Bounds([query], [[other] for other in others]).apply_filter()
    try:
        filtered = [compare_parsed(query, other) for other in others]
    finally:
        module.forget_similarities()
    module._compare_parts.cache_clear()
    module._SIMILARITY.clear()
    assert filtered == plain


def test_each_pair_of_units_is_bounded_by_its_similarity():
    query = units_of(parse_name("Muhammad Abdulrahman C.").parts)
    others = units_of(parse_name("محمد عبد الرحمن Celine Hassan").parts)
    matrix = unit_bounds(query, others)
    for i, a in enumerate(query):
        for j, b in enumerate(others):
            if a.particle == b.particle:
                assert matrix[i, j] >= module._similarity(a, b)[0] - 1e-9


def test_candidates_far_from_the_query_are_bounded_below_the_threshold():
    query = parse_name("Mohammed Ali Hassan")
    near = [parse_name("Muhammad Hasan"), parse_name("محمد حسن")]
    far = [parse_name("Peter Karimov")]
    bounds = Bounds([query], [near, far]).best
    assert bounds[0] >= compare_parsed(query, near[0]).score >= 0.8
    assert bounds[1] < 0.5
    # One part found of several: the scorer's cap, and the bound knows it.
    one_part = Bounds([parse_name("Ali Hassan")], [[parse_name("Ali Karimov")]]).best
    assert one_part[0] <= 0.6 + 1e-9
    # A candidate with no names is bounded at nothing.
    assert Bounds([query], [[]]).best.tolist() == [0.0]


def test_a_weak_pair_beside_two_initials_is_within_the_bound():
    # Two initials found make one part found; the one full part is then only weakly alike
    # to a part of the record, which the scorer caps at the weak cap, not at one part's.
    query = parse_name("M. A. Lawal")
    record = parse_name("Ana Julia Maite do Nascimento Oliveira")
    score = compare_parsed(query, record).score
    assert score > 0.6
    assert Bounds([query], [[record]]).best[0] >= score - 1e-4
