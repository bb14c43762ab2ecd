"""The compiled loops of the name bound (`bound.py`), through numba.

A query's bound is a few thousand small steps over a matrix of a few hundred columns: as
numpy calls each step costs more in the call than in the work, so the steps are written as
plain loops and compiled once (numba caches the machine code beside the source). Where numba
is not installed the same functions run as Python, with the same results, slower; the tests
hold the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

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
)

F = TypeVar("F", bound=Callable[..., Any])

try:  # pragma: no branch - which one depends on the installation
    from numba import njit as _njit

    COMPILED = True

    def compiled(function: F) -> F:
        return _njit(cache=True, nogil=True)(function)  # type: ignore[return-value]

except ImportError:  # pragma: no cover - numba is a dependency; this is for odd platforms
    COMPILED = False

    def compiled(function: F) -> F:
        return function


EPSILON = 1e-9  # floating point slack: the bound errs upwards
TWO_PARTS_FOUND = 2.0
INITIAL_AND_PART = 1.5
ONE_PART_AND_INITIAL_CAP = 0.8  # the scorer's cap for a part and an initial found
PARTICLE, INITIAL, VOWELS, LATIN = 1, 2, 4, 8  # a unit's flags, as bits


@compiled
def unit_values(
    jaro: np.ndarray,
    edit: np.ndarray,
    distance: np.ndarray,
    q_form_counts: np.ndarray,
    c_form_counts: np.ndarray,
    q_skeleton_counts: np.ndarray,
    c_skeleton_counts: np.ndarray,
    q_skeleton_lengths: np.ndarray,
    c_skeleton_lengths: np.ndarray,
    q_flags: np.ndarray,
    c_flags: np.ndarray,
    q_first: np.ndarray,
    c_first: np.ndarray,
) -> np.ndarray:
    """For every pair of units, at least what `names._similarity` gives them, from the
    similarities of all their forms (Jaro-Winkler and the edit similarity) and the edit
    distances of all their skeletons (capped at 2)."""
    nq = len(q_form_counts)
    nc = len(c_form_counts)
    out = np.zeros((nq, nc), dtype=np.float64)
    q_form_start = np.zeros(nq + 1, dtype=np.int64)
    q_skeleton_start = np.zeros(nq + 1, dtype=np.int64)
    for i in range(nq):
        q_form_start[i + 1] = q_form_start[i] + q_form_counts[i]
        q_skeleton_start[i + 1] = q_skeleton_start[i] + q_skeleton_counts[i]
    c_form_start = np.zeros(nc + 1, dtype=np.int64)
    c_skeleton_start = np.zeros(nc + 1, dtype=np.int64)
    for j in range(nc):
        c_form_start[j + 1] = c_form_start[j] + c_form_counts[j]
        c_skeleton_start[j + 1] = c_skeleton_start[j] + c_skeleton_counts[j]
    for i in range(nq):
        qf = q_flags[i]
        for j in range(nc):
            cf = c_flags[j]
            if (qf & PARTICLE) != (cf & PARTICLE):
                continue  # a particle pairs only with a particle
            if (qf & INITIAL) or (cf & INITIAL):
                # An initial is alike to a unit of the same first letter, and to nothing else.
                out[i, j] = 1.0 if q_first[i] == c_first[j] else 0.0
                continue
            jaro_best = 0.0
            mean_best = 0.0
            for a in range(q_form_start[i], q_form_start[i + 1]):
                for b in range(c_form_start[j], c_form_start[j + 1]):
                    jaro_best = max(jaro_best, jaro[a, b])
                    mean_best = max(mean_best, (jaro[a, b] + edit[a, b]) / 2)
            if mean_best >= 1.0 - EPSILON:
                out[i, j] = 1.0  # the same form (or a reading of one is the other's form)
                continue
            same = False
            near = False
            for a in range(q_skeleton_start[i], q_skeleton_start[i + 1]):
                for b in range(c_skeleton_start[j], c_skeleton_start[j + 1]):
                    shortest = min(q_skeleton_lengths[a], c_skeleton_lengths[b])
                    if distance[a, b] == 0 and shortest > 0:
                        same = True
                    elif distance[a, b] == 1 and shortest >= 3:
                        near = True
            # The scorer's spelling is the mean of Jaro-Winkler and the edit similarity within
            # one script; across scripts Jaro-Winkler scales the skeletons' values, and either
            # judges a pair on its spelling alone.
            cross = (qf & LATIN) != (cf & LATIN)
            unvowelled = not ((qf & VOWELS) and (cf & VOWELS))
            spelling = jaro_best if cross else mean_best
            value = min(max(jaro_best, mean_best) if cross else mean_best, 0.95)
            if same:
                if unvowelled:
                    same_value = SAME_SKELETON_UNVOWELLED + 0.06 * spelling
                elif cross:
                    same_value = SAME_SKELETON_CROSS + (0.98 - SAME_SKELETON_CROSS) * spelling
                else:  # the longer skeletons' formula is the larger of the two
                    same_value = SAME_SKELETON_LONG + (0.95 - SAME_SKELETON_LONG) * spelling
                value = max(value, same_value)
            if near:
                if unvowelled:
                    near_value = NEAR_SKELETON_UNVOWELLED + 0.1 * spelling
                else:
                    near_value = NEAR_SKELETON_BASE + (0.9 - NEAR_SKELETON_BASE) * spelling
                value = max(value, near_value)
            out[i, j] = min(value, 0.99)
    return out


@compiled
def name_bounds(
    matrix: np.ndarray,
    rows: np.ndarray,
    q_first: np.ndarray,
    q_second: np.ndarray,
    q_weights: np.ndarray,
    q_unmatched: np.ndarray,
    q_values: np.ndarray,
    q_core: int,
    part_columns: np.ndarray,
    joined_column: int,
    joined_first: np.ndarray,
    part_counts: np.ndarray,
    joined_counts: np.ndarray,
    weights: np.ndarray,
    unmatched: np.ndarray,
    core_counts: np.ndarray,
    best: np.ndarray,
) -> None:
    """For one query name (its units' rows in the matrix, the parts each covers, its parts'
    weights and what each counts for), raise each candidate name's `best` to the most the
    scorer can give the pair: each part given its best alike unit of the other name, the
    weighted mean of those, the scorer's caps where they must apply."""
    n_units = len(rows)
    n_query_parts = len(q_weights)
    longest = 1
    for n in range(len(part_counts)):
        longest = max(longest, part_counts[n])
    c_best = np.zeros(longest, dtype=np.float64)
    q_best = np.zeros(n_query_parts, dtype=np.float64)
    part_start = 0
    joined_start = 0
    for n in range(len(part_counts)):
        n_parts = part_counts[n]
        n_joined = joined_counts[n]
        c_best[:n_parts] = 0.0
        q_best[:] = 0.0
        for u in range(n_units):
            row = rows[u]
            a = q_first[u]
            b = q_second[u]
            for k in range(n_parts):
                value = matrix[row, part_columns[part_start + k]]
                c_best[k] = max(c_best[k], value)
                q_best[a] = max(q_best[a], value)
                if b >= 0:
                    q_best[b] = max(q_best[b], value)
            if b < 0:  # two joined units are not paired
                for k in range(n_joined):
                    value = matrix[row, joined_column + joined_start + k]
                    first = joined_first[joined_start + k] - part_start
                    c_best[first] = max(c_best[first], value)
                    c_best[first + 1] = max(c_best[first + 1], value)
                    q_best[a] = max(q_best[a], value)
        numerator = 0.0
        denominator = 0.0
        found = 0.0
        exact = True
        for i in range(n_query_parts):
            if q_best[i] >= MIN_PART_SIMILARITY - EPSILON:
                numerator += q_weights[i] * q_best[i]
                denominator += q_weights[i]
                found += q_values[i]
            else:
                denominator += q_unmatched[i]
            if q_best[i] < 1.0 - EPSILON:
                exact = False
        for k in range(n_parts):
            value = c_best[k]
            if value >= MIN_PART_SIMILARITY - EPSILON:
                numerator += weights[part_start + k] * value
                denominator += weights[part_start + k]
            else:
                denominator += unmatched[part_start + k]
            if value < 1.0 - EPSILON:
                exact = False
        bound = numerator / max(denominator, EPSILON)
        if min(core_counts[n], q_core) >= 2:
            if found < TWO_PARTS_FOUND and not exact:
                bound = min(bound, ONE_PART_CAP if found < INITIAL_AND_PART else 0.8)
            # A weak pair beside one found part (or two initials): a query part at least
            # weakly alike while the other parts make one found part.
            for i in range(n_query_parts):
                if q_values[i] != 1.0 or q_best[i] < WEAK_PART_SIMILARITY - EPSILON:
                    continue
                own = q_values[i] if q_best[i] >= MIN_PART_SIMILARITY - EPSILON else 0.0
                if found - own >= 1.0 - EPSILON:
                    bound = max(bound, WEAK_CAP)
                    break
        best[n] = max(best[n], bound)
        part_start += n_parts
        joined_start += n_joined


@compiled
def best_of_runs(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The maximum of each run of consecutive values (0 for an empty run)."""
    out = np.zeros(len(counts), dtype=np.float64)
    start = 0
    for n in range(len(counts)):
        for k in range(start, start + counts[n]):
            out[n] = max(out[n], values[k])
        start += counts[n]
    return out


WEIGHT_BITS = 4  # a candidate's position and the code of a key's weight, in one integer


@compiled
def key_totals(
    coded: np.ndarray, weights: np.ndarray, least: float
) -> tuple[np.ndarray, np.ndarray]:
    """From the sorted `position << WEIGHT_BITS | weight code` of every key a query found,
    each position's total weight, for the positions whose total reaches `least`."""
    n = len(coded)
    positions = np.empty(n, dtype=np.int64)
    totals = np.empty(n, dtype=np.float64)
    mask = (1 << WEIGHT_BITS) - 1
    found = 0
    i = 0
    while i < n:
        position = coded[i] >> WEIGHT_BITS
        total = 0.0
        while i < n and coded[i] >> WEIGHT_BITS == position:
            total += weights[coded[i] & mask]
            i += 1
        if total >= least:
            positions[found] = position
            totals[found] = total
            found += 1
    return positions[:found], totals[:found]


__all__ = ["COMPILED", "WEIGHT_BITS", "best_of_runs", "key_totals", "name_bounds", "unit_values"]
