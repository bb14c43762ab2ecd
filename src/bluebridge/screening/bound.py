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

The bound is never below the score (a property test holds it to that), so a candidate it
passes over could not have reached the threshold: results do not depend on it. The same
matrix tells the scorer which pairs of parts cannot be alike at all (`use_similarity_filter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import cdist

from bluebridge.screening.names import (
    MIN_PART_SIMILARITY,
    NEAR_SKELETON_BASE,
    NEAR_SKELETON_UNVOWELLED,
    ONE_PART_CAP,
    SAME_SKELETON_CROSS,
    SAME_SKELETON_LONG,
    SAME_SKELETON_UNVOWELLED,
    WEAK_CAP,
    WEAK_PART_SIMILARITY,
    ParsedName,
    Part,
    layout_of,
    use_similarity_filter,
)

EPSILON = 1e-9  # floating point slack: the bound errs upwards
TWO_PARTS_FOUND = 2.0
INITIAL_AND_PART = 1.5
ONE_PART_AND_INITIAL_CAP = 0.8  # the scorer's cap for a part and an initial found


class _Spellings(dict[Part, tuple[tuple[str, ...], tuple[str, ...], bool, bool, bool, str]]):
    """Each unit's Latin forms (with the readings), its skeletons (with how other scripts
    hear it), whether Arabic or Hebrew leave its vowels unwritten, whether it is written in
    Latin, and its first letter: gathered once per part, not per query."""

    LIMIT = 1 << 20

    def __missing__(
        self, part: Part
    ) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool, bool, str]:
        if len(self) >= self.LIMIT:
            self.clear()
        found = (
            part.forms + part.readings,
            part.skeletons + part.alternates,
            part.vowels,
            part.latin_script,
            part.initial,
            part.latin[:1],
        )
        self[part] = found
        return found


_SPELLINGS = _Spellings()


def _flatten(lists: Sequence[tuple[str, ...]]) -> tuple[list[str], np.ndarray]:
    """The values of the parts in one list, and where each part's values start."""
    flat = list(chain.from_iterable(lists))
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    return flat, _starts(counts)


def _by_parts(matrix: np.ndarray, row_starts: np.ndarray, column_starts: np.ndarray) -> np.ndarray:
    """The maximum of a matrix over blocks of rows and of columns (each part's forms)."""
    rows = np.maximum.reduceat(matrix, row_starts, axis=0)
    return np.maximum.reduceat(rows, column_starts, axis=1)


def unit_bounds(q_units: Sequence[Part], c_units: Sequence[Part]) -> np.ndarray:
    """For every pair of units, at least what `names._similarity` gives them."""
    nq, nc = len(q_units), len(c_units)
    out = np.zeros((nq, nc), dtype=np.float64)
    if not nq or not nc:
        return out
    q_info = list(zip(*map(_SPELLINGS.__getitem__, q_units), strict=True))
    c_info = list(zip(*map(_SPELLINGS.__getitem__, c_units), strict=True))
    q_initial = np.array(q_info[4], dtype=bool)
    c_initial = np.array(c_info[4], dtype=bool)
    q_full = np.flatnonzero(~q_initial)
    c_full = np.flatnonzero(~c_initial)
    if len(q_full) and len(c_full):
        q_pick = q_full.tolist()
        c_pick = c_full.tolist()
        q_forms, q_form_starts = _flatten([q_info[0][i] for i in q_pick])
        c_forms, c_form_starts = _flatten([c_info[0][j] for j in c_pick])
        jaro = cdist(q_forms, c_forms, scorer=JaroWinkler.normalized_similarity, dtype=np.float64)
        edit = cdist(q_forms, c_forms, scorer=OSA.normalized_similarity, dtype=np.float64)
        jaro_best = _by_parts(jaro, q_form_starts, c_form_starts)
        mean_best = _by_parts((jaro + edit) / 2, q_form_starts, c_form_starts)
        q_latin = np.array(q_info[3], dtype=bool)[q_full]
        c_latin = np.array(c_info[3], dtype=bool)[c_full]
        cross = q_latin[:, None] != c_latin[None, :]
        # The scorer's spelling is the mean of Jaro-Winkler and the edit similarity within
        # one script; across scripts Jaro-Winkler scales the skeletons' values, and either
        # judges a pair on its spelling alone.
        spelling = np.where(cross, jaro_best, mean_best)
        value = np.minimum(np.where(cross, np.maximum(jaro_best, mean_best), mean_best), 0.95)
        q_skel, q_skel_starts = _flatten([q_info[1][i] for i in q_pick])
        c_skel, c_skel_starts = _flatten([c_info[1][j] for j in c_pick])
        if q_skel and c_skel:
            distance = cdist(
                q_skel, c_skel, scorer=Levenshtein.distance, score_cutoff=2, dtype=np.int32
            )
            q_len = np.fromiter(map(len, q_skel), dtype=np.int64, count=len(q_skel))
            c_len = np.fromiter(map(len, c_skel), dtype=np.int64, count=len(c_skel))
            shortest = np.minimum(q_len[:, None], c_len[None, :])
            same = _by_parts(
                ((distance == 0) & (shortest > 0)).view(np.uint8), q_skel_starts, c_skel_starts
            ).astype(bool)
            near = _by_parts(
                ((distance == 1) & (shortest >= 3)).view(np.uint8), q_skel_starts, c_skel_starts
            ).astype(bool)
            q_vowels = np.array(q_info[2], dtype=bool)[q_full]
            c_vowels = np.array(c_info[2], dtype=bool)[c_full]
            unvowelled = ~(q_vowels[:, None] & c_vowels[None, :])
            same_value = np.where(
                unvowelled,
                SAME_SKELETON_UNVOWELLED + 0.06 * spelling,
                np.where(
                    cross,
                    SAME_SKELETON_CROSS + (0.98 - SAME_SKELETON_CROSS) * spelling,
                    # The longer skeletons' formula is the larger of the two.
                    SAME_SKELETON_LONG + (0.95 - SAME_SKELETON_LONG) * spelling,
                ),
            )
            near_value = np.where(
                unvowelled,
                NEAR_SKELETON_UNVOWELLED + 0.1 * spelling,
                NEAR_SKELETON_BASE + (0.9 - NEAR_SKELETON_BASE) * spelling,
            )
            value = np.where(same, np.maximum(value, same_value), value)
            value = np.where(near, np.maximum(value, near_value), value)
        value = np.minimum(value, 0.99)
        # The same form (or a reading of one that is the other's form) is the whole 1.
        value = np.where(mean_best >= 1.0 - EPSILON, 1.0, value)
        out[np.ix_(q_full, c_full)] = value
    if q_initial.any() or c_initial.any():
        q_first = np.array(q_info[5])
        c_first = np.array(c_info[5])
        either = q_initial[:, None] | c_initial[None, :]
        out = np.where(either, (q_first[:, None] == c_first[None, :]).astype(np.float64), out)
    # A particle pairs only with a particle.
    q_particle = np.fromiter((p.particle for p in q_units), dtype=bool, count=nq)
    c_particle = np.fromiter((p.particle for p in c_units), dtype=bool, count=nc)
    out[q_particle[:, None] != c_particle[None, :]] = 0.0
    return out


class Bounds:
    """For one query and its candidates (each a sequence of parsed names): the most each
    candidate's best name can score, and the scorer's filter of pairs that cannot be alike
    (set by `apply_filter`, until `names.forget_similarities`)."""

    def __init__(
        self, query: Sequence[ParsedName], candidates: Sequence[Sequence[ParsedName]]
    ) -> None:
        self.best = np.zeros(len(candidates), dtype=np.float64)
        self._q_parts: list[Part] = []
        self._c_parts: list[Part] = []
        self._may: np.ndarray | None = None
        query = [name for name in query if name.parts]
        names: list[tuple[Part, ...]] = []
        owners: list[int] = []
        for number, candidate in enumerate(candidates):
            for name in candidate:
                if name.parts:
                    names.append(name.parts)
                    owners.append(number)
        if not query or not names:
            return
        layouts = list(map(layout_of, names))
        units = list(chain.from_iterable(map(_UNITS, layouts)))
        unit_counts = np.fromiter(map(_N_UNITS, layouts), dtype=np.int64, count=len(layouts))
        part_counts = np.fromiter(map(_N_PARTS, layouts), dtype=np.int64, count=len(layouts))
        unit_starts = _starts(unit_counts)
        part_starts = _starts(part_counts)
        # Each unit's part (and second part) among all the candidates' parts.
        offsets = np.repeat(part_starts, unit_counts)
        covers = np.fromiter(
            chain.from_iterable(map(_COVERS, layouts)), dtype=np.int64, count=2 * len(units)
        ).reshape(-1, 2)
        joined = covers[:, 1] >= 0
        joined_first = (covers[:, 0] + offsets)[joined]
        joined_second = (covers[:, 1] + offsets)[joined]
        total_parts = int(part_counts.sum())
        singles = np.repeat(unit_starts - part_starts, part_counts) + np.arange(total_parts)
        both = np.fromiter(
            chain.from_iterable(map(_WEIGHTS, layouts)),
            dtype=np.float64,
            count=2 * total_parts,
        ).reshape(-1, 2)
        weights = both[:, 0]
        unmatched = both[:, 1]
        core_counts = np.fromiter(map(_CORE, layouts), dtype=np.int64, count=len(layouts))
        # The distinct units, by identity (parts are interned; joined ones are cached).
        identities = np.fromiter(map(id, units), dtype=np.int64, count=len(units))
        _, first_seen, columns = np.unique(identities, return_index=True, return_inverse=True)
        c_distinct = [units[i] for i in first_seen.tolist()]
        q_layouts = [layout_of(name.parts) for name in query]
        q_distinct = list(dict.fromkeys(unit for layout in q_layouts for unit in layout[0]))
        q_row = {id(unit): row for row, unit in enumerate(q_distinct)}
        matrix = unit_bounds(q_distinct, c_distinct)
        self._q_parts, self._c_parts = q_distinct, c_distinct
        self._may = matrix >= WEAK_PART_SIMILARITY - EPSILON
        best_by_name = np.zeros(len(names), dtype=np.float64)
        for q_units, q_covers, q_both, q_values, q_core, q_n_parts, _ in q_layouts:
            rows = [q_row[id(unit)] for unit in q_units]
            q_first = q_covers[0::2]
            q_second = q_covers[1::2]
            q_weights = q_both[0::2]
            q_unmatched = q_both[1::2]
            pairs = matrix[rows][:, columns]  # query units x all the candidates' units
            q_joined = np.array([b >= 0 for b in q_second], dtype=bool)
            if q_joined.any() and joined.any():
                pairs[np.ix_(q_joined, joined)] = 0.0  # two joined units are not paired
            # Each candidate part's best over the query's units.
            best_unit = pairs.max(axis=0)
            # A name's first units are its parts in order (`layout_of`), then the joined
            # pairs, each part first of at most one pair and second of at most one.
            c_best = best_unit[singles]
            joined_best = best_unit[joined]
            c_best[joined_first] = np.maximum(c_best[joined_first], joined_best)
            c_best[joined_second] = np.maximum(c_best[joined_second], joined_best)
            # Each query part's best over each candidate name's units.
            by_part = np.zeros((q_n_parts, pairs.shape[1]), dtype=np.float64)
            for unit, (a, b) in enumerate(zip(q_first, q_second, strict=True)):
                np.maximum(by_part[a], pairs[unit], out=by_part[a])
                if b >= 0:
                    np.maximum(by_part[b], pairs[unit], out=by_part[b])
            q_best = np.maximum.reduceat(by_part, unit_starts, axis=1)  # query parts x names
            qw = np.asarray(q_weights)[:, None]
            qu = np.asarray(q_unmatched)[:, None]
            q_found = q_best >= MIN_PART_SIMILARITY - EPSILON
            c_found = c_best >= MIN_PART_SIMILARITY - EPSILON
            numerator = (qw * q_best * q_found).sum(axis=0) + np.add.reduceat(
                weights * c_best * c_found, part_starts
            )
            denominator = np.where(q_found, qw, qu).sum(axis=0) + np.add.reduceat(
                np.where(c_found, weights, unmatched), part_starts
            )
            strict = numerator / np.maximum(denominator, EPSILON)
            several = np.minimum(core_counts, q_core) >= 2
            found = (np.asarray(q_values)[:, None] * q_found).sum(axis=0)
            exact = (q_best >= 1.0 - EPSILON).all(axis=0) & (
                np.minimum.reduceat(c_best, part_starts) >= 1.0 - EPSILON
            )
            capped = several & (found < TWO_PARTS_FOUND) & ~exact
            cap = np.where(found < INITIAL_AND_PART, ONE_PART_CAP, ONE_PART_AND_INITIAL_CAP)
            bound = np.where(capped, np.minimum(strict, cap), strict)
            # A weak pair beside one found part (or two initials): a query part at least
            # weakly alike while the other parts make one found part.
            values = np.asarray(q_values)[:, None]
            others_found = found[None, :] - values * q_found
            weakly = (
                (values == 1.0)
                & (q_best >= WEAK_PART_SIMILARITY - EPSILON)
                & (others_found >= 1.0 - EPSILON)
            ).any(axis=0)
            weak = several & weakly
            bound = np.where(weak, np.maximum(bound, WEAK_CAP), bound)
            np.maximum(best_by_name, bound, out=best_by_name)
        # A candidate's names are next to one another: the best of each run.
        owner_array = np.asarray(owners, dtype=np.int64)
        found_owners, runs = np.unique(owner_array, return_index=True)
        self.best[found_owners] = np.maximum.reduceat(best_by_name, runs)

    def apply_filter(self) -> None:
        """Let the scorer pass over the pairs of parts that cannot be even weakly alike."""
        if self._may is not None:
            use_similarity_filter(self._q_parts, self._c_parts, self._may)


# The fields of `names.layout_of`.
_UNITS = itemgetter(0)
_COVERS = itemgetter(1)
_WEIGHTS = itemgetter(2)
_CORE = itemgetter(4)
_N_PARTS = itemgetter(5)
_N_UNITS = itemgetter(6)


def _starts(counts: np.ndarray) -> np.ndarray:
    starts = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=starts[1:])
    return starts


__all__ = ["Bounds", "unit_bounds"]
