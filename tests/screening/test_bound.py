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


_births = st.one_of(
    st.none(),
    st.tuples(
        st.integers(1978, 1982),
        st.one_of(st.none(), st.integers(1, 4)),
        st.one_of(st.none(), st.integers(1, 4)),
    ).map(lambda b: (b[0], b[1], b[2] if b[1] is not None else None)),
)


@given(_births, st.lists(_births, min_size=1, max_size=30))
@settings(max_examples=400, deadline=None)
def test_birth_effects_in_columns_are_the_evidence_one_by_one(query, candidates):
    import numpy as np

    from bluebridge.screening.evidence import birth_effects, birth_evidence

    years = np.array([c[0] if c else 0 for c in candidates], dtype=np.int32)
    months = np.array([(c[1] or 0) if c else 0 for c in candidates], dtype=np.int8)
    days = np.array([(c[2] or 0) if c else 0 for c in candidates], dtype=np.int8)
    expected = [
        item.effect if (item := birth_evidence(query, c)) is not None else 0.0 for c in candidates
    ]
    assert birth_effects(query, years, months, days).tolist() == expected


def test_the_index_finds_the_same_hits_with_and_without_the_bound(monkeypatch):
    import random

    import numpy as np

    from bluebridge.screening import bound
    from bluebridge.screening.index import PersonEntry, Policy, ScreeningIndex, Visibility

    rng = random.Random(4)
    index = ScreeningIndex()
    policy = Policy(owner_agency_id=1, owner_country="FRA", access_mode="all_members")
    for record_id in range(1, 400):
        names = tuple(
            " ".join(rng.sample(_TOKENS, rng.randint(2, 3))) for _ in range(rng.randint(1, 2))
        )
        birth = (rng.randint(1979, 1981), rng.choice([None, 3, 4]), None)
        if birth[1] is not None:
            birth = (birth[0], birth[1], rng.choice([None, 7, 8]))
        index.add_person(
            PersonEntry(
                record_id=record_id,
                seq=record_id,
                names=names,
                birth=birth,
                gender=rng.choice(["male", "female", None]),
                nationalities=(rng.choice(["FRA", "EGY", "CHN"]),),
                title=names[0],
                status="wanted",
            ),
            policy,
        )
    index.seal()
    queries = [
        (" ".join(rng.sample(_TOKENS, rng.randint(1, 3))), (1980, rng.choice([None, 3]), None))
        for _ in range(150)
    ]

    def run():
        return [
            [
                (h.entry.record_id, h.score.score)
                for h in index.search_person(
                    [name],
                    birth=birth,
                    nationalities=["FRA"],
                    gender="male",
                    visibility=lambda _policy: Visibility.FULL,
                    threshold=0.7,
                )
            ]
            for name, birth in queries
        ]

    bounded = run()
    made = bound.Bounds._work
    calls = []

    def without(self, *args):
        made(self, *args)
        calls.append(len(self.best))
        self.best = np.full(len(self.best), 9.0)  # every candidate scored

    monkeypatch.setattr(bound.Bounds, "_work", without)
    assert run() == bounded
    assert calls  # the index's own path was the one replaced
    assert sum(map(len, bounded)) > 20  # the queries do find people
