"""An upper bound on the name scorer, worked out for a query and all its candidates at once in
compiled code, so that the scorer (Python, exact, explained) runs only on the candidates that
can reach the threshold.

The scorer (`names._compare_parts`) pairs the parts of two names and takes the weighted mean
of the paired parts' similarities, the parts left over counting as zeros at a lower weight;
it caps a name of several parts of which only one is found. The bound follows the same
steps with each part's similarity replaced by the most it can be:

1. For every pair of a query unit (a part, or two neighbouring parts joined) and a candidate
   unit, the most `names._similarity` can give: from the spelling similarity of their Latin
   forms (rapidfuzz, over the whole matrix at once) and whether their consonant skeletons
   are equal or one edit apart, through the same formulas, with every cap that only lowers a
   value left out.
2. For every part of either name, the best of those over the other name's units: an
   alignment can give a part no more, and giving each part its best (matched when that best
   reaches `MIN_PART_SIMILARITY`) can only raise the weighted mean, since a matched part
   weighs more than a part left over.
3. The caps of the scorer where the bound says they must apply: a name of several parts
   with fewer than two found is capped as the scorer caps it, a weak pair at `WEAK_CAP`.

Steps 1 (after rapidfuzz's matrices) and 2-3 are loops compiled by numba (`kernels.py`);
the candidates' names come from the index's columns (`namestore.py`).

The bound is never below the score (a property test holds it to that), so a candidate it
passes over could not have reached the threshold: results do not depend on it. The same
matrix tells the scorer which pairs of parts cannot be alike at all (`use_similarity_filter`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import cdist

from bluebridge.screening.kernels import EPSILON, best_of_runs, name_bounds, unit_values
from bluebridge.screening.names import (
    WEAK_PART_SIMILARITY,
    ParsedName,
    Part,
    layout_of,
    parse_name,
    spelt_forms,
    use_similarity_filter,
)
from bluebridge.screening.namestore import (
    Gathered,
    NameStore,
    Spelling,
    flags_of,
    joined,
    letter_code,
    strings,
)


def spelling_of(units: Sequence[Part]) -> Spelling:
    """The spelling of these units (parts, or parts joined)."""
    forms = [spelt_forms(part) for part in units]
    skeletons = [value for part in units for value in part.skeletons + part.alternates]
    return Spelling(
        strings([form for values in forms for form in values]),
        np.fromiter(map(len, forms), dtype=np.int64, count=len(forms)),
        strings(skeletons),
        np.fromiter(map(len, skeletons), dtype=np.int64, count=len(skeletons)),
        np.fromiter(
            (len(part.skeletons) + len(part.alternates) for part in units),
            dtype=np.int64,
            count=len(units),
        ),
        np.fromiter(map(flags_of, units), dtype=np.int64, count=len(units)),
        np.fromiter((letter_code(part.latin) for part in units), dtype=np.int64, count=len(units)),
    )


def unit_matrix(
    q: Spelling, c: Spelling, values: Callable[..., np.ndarray] = unit_values
) -> np.ndarray:
    """For every pair of units, at least what `names._similarity` gives them: the spelling
    similarities of all their forms and the edit distances of all their skeletons, over the
    whole matrix at once (rapidfuzz), then each pair's bound (`kernels.unit_values`)."""
    if not len(q) or not len(c):
        return np.zeros((len(q), len(c)), dtype=np.float64)
    jaro = cdist(q.forms, c.forms, scorer=JaroWinkler.normalized_similarity, dtype=np.float64)
    edit = cdist(q.forms, c.forms, scorer=OSA.normalized_similarity, dtype=np.float64)
    distance = cdist(
        q.skeletons, c.skeletons, scorer=Levenshtein.distance, score_cutoff=2, dtype=np.int32
    )
    return values(
        jaro,
        edit,
        distance,
        q.form_counts,
        c.form_counts,
        q.skeleton_counts,
        c.skeleton_counts,
        q.skeleton_lengths,
        c.skeleton_lengths,
        q.flags,
        c.flags,
        q.first,
        c.first,
    )


def unit_bounds(q_units: Sequence[Part], c_units: Sequence[Part]) -> np.ndarray:
    """For every pair of these units, at least what `names._similarity` gives them."""
    return unit_matrix(spelling_of(q_units), spelling_of(c_units))


class Bounds:
    """For one query and its candidates: the most each candidate's best name can score, and
    the scorer's filter of pairs that cannot be alike (set by `apply_filter`, until
    `names.forget_similarities`). The candidates come from a `NameStore` (the index's), or
    are given as parsed names."""

    def __init__(
        self, query: Sequence[ParsedName], candidates: Sequence[Sequence[ParsedName]]
    ) -> None:
        store = NameStore()
        for candidate in candidates:
            store.add([(number, name) for number, name in enumerate(candidate) if name.parts])
        positions = np.arange(len(candidates), dtype=np.int64)
        self._work(query, store, store.gather(positions))

    @classmethod
    def of(cls, query: Sequence[ParsedName], store: NameStore, positions: np.ndarray) -> Bounds:
        """For the persons of a store at these positions."""
        bounds = cls.__new__(cls)
        bounds._work(query, store, store.gather(positions))
        return bounds

    def _work(self, query: Sequence[ParsedName], store: NameStore, found: Gathered) -> None:
        candidates = len(found.name_counts)
        self.best = np.zeros(candidates, dtype=np.float64)
        self._q_parts: list[Part] = []
        self._may: np.ndarray | None = None
        query = [name for name in query if name.parts]
        if not query or not len(found.part_ids):
            return
        # The candidates' distinct parts, then their joined pairs: the matrix's columns.
        distinct, part_columns = np.unique(found.part_ids, return_inverse=True)
        c_spelling = joined([store.part_spelling(distinct), found.joined_spelling])
        q_layouts = [layout_of(name.parts) for name in query]
        q_distinct = list(dict.fromkeys(unit for layout in q_layouts for unit in layout[0]))
        q_row = {id(unit): row for row, unit in enumerate(q_distinct)}
        matrix = unit_matrix(spelling_of(q_distinct), c_spelling)
        n_distinct = len(distinct)
        self._q_parts = q_distinct
        self._store = store
        self._found = found
        self._distinct = distinct
        self._part_columns = part_columns
        self._may = matrix[:, :n_distinct] >= WEAK_PART_SIMILARITY - EPSILON
        best_by_name = np.zeros(len(found.part_counts), dtype=np.float64)
        part_columns = part_columns.astype(np.int64, copy=False)
        for q_units, q_covers, q_both, q_values, q_core, _, _ in q_layouts:
            name_bounds(
                matrix,
                np.fromiter((q_row[id(unit)] for unit in q_units), dtype=np.int64),
                np.asarray(q_covers[0::2], dtype=np.int64),
                np.asarray(q_covers[1::2], dtype=np.int64),
                np.asarray(q_both[0::2], dtype=np.float64),
                np.asarray(q_both[1::2], dtype=np.float64),
                np.asarray(q_values, dtype=np.float64),
                q_core,
                part_columns,
                n_distinct,
                found.joined_first,
                found.part_counts,
                found.joined_counts,
                found.weights,
                found.unmatched,
                found.core_counts,
                best_by_name,
            )
        # A candidate's names are next to one another: the best of each run.
        self.best = best_of_runs(best_by_name, found.name_counts)

    def apply_filter(self, scored: np.ndarray | None = None) -> None:
        """Let the scorer pass over the pairs of parts that cannot be even weakly alike, for
        the candidates it will score (by their place among the candidates; all of them
        when not said)."""
        if self._may is None:
            return
        columns = self._part_columns
        if scored is not None:
            found = self._found
            parts_of = np.repeat(
                np.repeat(np.arange(len(found.name_counts)), found.name_counts),
                found.part_counts,
            )
            columns = columns[np.isin(parts_of, scored)]
        used = np.unique(columns)
        parts = self._store.parts
        use_similarity_filter(
            self._q_parts,
            [parts[number] for number in self._distinct[used].tolist()],
            self._may[:, used],
        )


def warm_up() -> None:
    """Compile the kernels (or load them from numba's cache) now, not on the first query."""
    Bounds([parse_name("Ali Hassan")], [[parse_name("Alí Hasan"), parse_name("A. Karimov")]])


__all__ = ["Bounds", "spelling_of", "unit_bounds", "unit_matrix", "warm_up"]
