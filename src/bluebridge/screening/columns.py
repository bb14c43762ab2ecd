"""Growable numpy columns: what the screening index keeps per person, per name and per part
as machine numbers rather than as Python objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bluebridge.screening.kernels import compiled


class Column:
    """A growable numpy column: appended to by the one writer, read by many through `view`,
    which is a slice of whichever array was current (a reader's slice stays valid when the
    writer moves to a larger array)."""

    def __init__(self, dtype: type | str, capacity: int = 1024, width: int = 0) -> None:
        # A column of rows when `width` is given (each appended value a tuple of that many).
        self._shape = (width,) if width else ()
        self._data = np.zeros((capacity, *self._shape), dtype=dtype)
        self.size = 0

    def append(self, value: object) -> None:
        if self.size == len(self._data):
            self._grow(self.size + 1)
        self._data[self.size] = value
        self.size += 1

    def extend(self, values: Sequence[Any] | np.ndarray) -> None:
        count = len(values)
        if not count:
            return
        if self.size + count > len(self._data):
            self._grow(self.size + count)
        self._data[self.size : self.size + count] = values
        self.size += count

    def _grow(self, needed: int) -> None:
        self._resize(max(needed, grown(len(self._data))))

    def _resize(self, capacity: int) -> None:
        bigger = np.zeros((capacity, *self._shape), dtype=self._data.dtype)
        bigger[: self.size] = self._data[: self.size]
        self._data = bigger

    def trim(self) -> None:
        """Give back what the growth left unused beyond a little room (after a build)."""
        room = self.size + self.size // 16 + 1024
        if len(self._data) > room:
            self._resize(room)

    def view(self) -> np.ndarray:
        return self._data[: self.size]

    def __getitem__(self, position: int) -> int:
        return int(self._data[position])

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)


def grown(capacity: int) -> int:
    """The next capacity of a growing array: doubled while small, a quarter more once large
    (a million-row column doubled leaves megabytes unused)."""
    return capacity * 2 if capacity < 1 << 20 else capacity + capacity // 4


@compiled
def _starts(counts: np.ndarray) -> np.ndarray:
    starts = np.zeros(len(counts), dtype=np.int64)
    for n in range(1, len(counts)):
        starts[n] = starts[n - 1] + counts[n - 1]
    return starts


@compiled
def _expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    total = 0
    for n in range(len(counts)):
        total += counts[n]
    out = np.empty(total, dtype=np.int64)
    at = 0
    for n in range(len(counts)):
        for k in range(counts[n]):
            out[at] = starts[n] + k
            at += 1
    return out


def _int64(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.int64)


def starts_of(counts: np.ndarray) -> np.ndarray:
    """Where each of consecutive runs of these lengths starts."""
    return _starts(_int64(counts))


def expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions of all the ranges `[start, start + count)`, one after another."""
    return _expand(_int64(starts), _int64(counts))


def repeat_starts(counts: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Where each run of these lengths starts, each repeated so many times:
    `np.repeat(starts_of(counts), times)`."""
    return np.repeat(starts_of(counts), _int64(times))


__all__ = ["Column", "expand_ranges", "grown", "repeat_starts", "starts_of"]
