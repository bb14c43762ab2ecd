"""The index's columns of names (`screening/namestore.py`) and the compiled loops of the bound
(`screening/kernels.py`): what the columns give back is what the parser made, and the
compiled loops answer as the same functions run as Python."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bluebridge.screening import kernels
from bluebridge.screening.bound import Bounds, spelling_of, unit_matrix
from bluebridge.screening.names import (
    _make_part,
    joined_skeleton,
    layout_of,
    parse_name,
    skeleton,
    units_of,
)
from bluebridge.screening.namestore import NameStore

NAMES = [
    "Mohammed Abd al Rahman al-Hassan",
    "محمد عبد الرحمن",
    "Jean-Pierre de la Fontaine",
    "Chih Ming Hsu",
    "张伟",
    "Ким Мин Чжун",
    "김민준",
    "ハシモト タロウ",
    "C. Leroy",
    "Aleksandr Ivanov",
    "יוסף כהן",
]

_LETTERS = st.text(alphabet="abcdeghijklmnoprstuvwxyz'", min_size=1, max_size=7)


@given(_LETTERS, _LETTERS)
@settings(max_examples=500, deadline=None)
def test_a_joined_skeleton_is_the_skeleton_of_the_parts_written_together(a, b):
    first = _make_part(a, [a])
    second = _make_part(b, [b])
    if first is not None and second is not None:
        assert first.skeletons[0] == skeleton(first.latin)
        assert joined_skeleton(first, second) == skeleton(first.latin + second.latin)


def test_the_columns_give_back_the_parsed_names():
    store = NameStore()
    people = [NAMES[:3], NAMES[3:7], ["", "!!"], NAMES[7:]]
    for names in people:
        parsed = [(i, n) for i, n in enumerate(map(parse_name, names)) if n.parts]
        store.add(parsed)
    for position, names in enumerate(people):
        assert store.parsed(position, names) == tuple(n for n in map(parse_name, names) if n.parts)
    # What the bound gathers: each name's parts, weights and joined pairs as the scorer's.
    found = store.gather(np.arange(len(people)))
    assert found.name_counts.tolist() == [3, 4, 0, 4]
    names = [parse_name(n) for group in people for n in group if parse_name(n).parts]
    assert found.part_counts.tolist() == [len(n.parts) for n in names]
    layouts = [layout_of(n.parts) for n in names]
    assert found.joined_counts.tolist() == [layout[6] - layout[5] for layout in layouts]
    weights = [w for layout in layouts for w in layout[2][0::2]]
    unmatched = [w for layout in layouts for w in layout[2][1::2]]
    assert found.weights.tolist() == weights
    assert np.allclose(found.unmatched, unmatched)
    joined_units = [u for layout in layouts for u in layout[0][layout[5] :]]
    spelling = spelling_of(joined_units)
    assert found.joined_spelling.forms.tolist() == spelling.forms.tolist()
    assert found.joined_spelling.skeletons.tolist() == spelling.skeletons.tolist()
    assert found.joined_spelling.flags.tolist() == spelling.flags.tolist()


def test_the_compiled_loops_answer_as_python(monkeypatch):
    query = [parse_name("Muhammad Abdulrahman C. Hasan")]
    candidates = [[parse_name(n)] for n in NAMES]
    compiled = Bounds(query, candidates).best
    q_units = units_of(query[0].parts)
    c_units = [u for c in candidates for u in units_of(c[0].parts)]
    q, c = spelling_of(q_units), spelling_of(c_units)
    matrix = unit_matrix(q, c)
    if kernels.COMPILED:
        assert np.array_equal(unit_matrix(q, c, kernels.unit_values.py_func), matrix)
        store = NameStore()
        for candidate in candidates:
            store.add([(0, name) for name in candidate])
        from bluebridge.screening import bound

        for name in ("name_bounds", "best_of_runs", "unit_values"):
            monkeypatch.setattr(bound, name, getattr(kernels, name).py_func)
        with_python = Bounds.__new__(Bounds)
        with_python._work(query, store, store.gather(np.arange(len(candidates))))
        assert np.allclose(with_python.best, compiled, atol=1e-12)
    assert compiled.max() > 0.8  # the query's own name is among them
    assert (compiled < 0.5).sum() >= 5


@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from([0.25, 0.375, 0.5, 0.75, 1.0, 2.0, 4.0])),
        max_size=200,
    ),
    st.sampled_from([0.25, 1.5]),
)
@settings(max_examples=200, deadline=None)
def test_key_totals_are_the_sums_of_each_position_s_weights(found, least):
    table = np.array(sorted({w for _, w in found}) or [1.0])
    code = {w: i for i, w in enumerate(table.tolist())}
    coded = np.sort(
        np.array([p << kernels.WEIGHT_BITS | code[w] for p, w in found], dtype=np.int64)
    )
    expected: dict[int, float] = {}
    for p, w in found:
        expected[p] = expected.get(p, 0.0) + w
    wanted = {p: t for p, t in sorted(expected.items()) if t >= least}
    for function in (kernels.key_totals, getattr(kernels.key_totals, "py_func", None)):
        if function is None:
            continue
        positions, totals = function(coded, table, least)
        assert dict(zip(positions.tolist(), totals.tolist(), strict=True)) == wanted
        assert positions.tolist() == sorted(wanted)


@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 5)), max_size=50))
@settings(max_examples=200, deadline=None)
def test_ranges_expand_as_numpy_would(ranges):
    from bluebridge.screening.columns import expand_ranges, repeat_starts, starts_of

    starts = np.array([s for s, _ in ranges], dtype=np.int64)
    counts = np.array([c for _, c in ranges], dtype=np.int64)
    expected = [s + k for s, c in ranges for k in range(c)]
    assert expand_ranges(starts, counts).tolist() == expected
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
    assert starts_of(counts).tolist() == offsets.tolist()
    times = counts[::-1].copy()
    assert repeat_starts(counts, times).tolist() == np.repeat(offsets, times).tolist()


def test_a_bulk_build_pauses_the_collector_and_seals():
    import gc

    from bluebridge.screening.index import PersonEntry, Policy, ScreeningIndex, Visibility

    index = ScreeningIndex()
    policy = Policy(owner_agency_id=1, owner_country="FRA", access_mode="all_members")
    assert gc.isenabled()
    with index.bulk():
        assert not gc.isenabled()
        for record_id, name in enumerate(NAMES, start=1):
            index.add_person(
                PersonEntry(record_id, record_id, (name,), None, None, (), name, "wanted"),
                policy,
            )
    assert gc.isenabled()
    assert index.sealed
    hits = index.search_person(
        ["Mohamed Abdel Rahman Hassan"],
        birth=None,
        nationalities=[],
        gender=None,
        visibility=lambda _policy: Visibility.FULL,
        threshold=0.8,
    )
    assert [h.entry.record_id for h in hits] == [1]


def test_a_trimmed_column_keeps_its_values_and_grows_again():
    from bluebridge.screening.columns import Column

    column = Column(np.int32, width=2)
    for i in range(5000):
        column.append((i, -i))
    before = column.view().copy()
    assert column.nbytes == 8192 * 8
    column.trim()
    assert column.nbytes < 8192 * 8
    assert np.array_equal(column.view(), before)
    column.append((7, 8))
    column.extend([(1, 2)] * 2000)
    assert column.size == 7001
    assert column.view()[5000].tolist() == [7, 8]
    assert np.array_equal(column.view()[:5000], before)
