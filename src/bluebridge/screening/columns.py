"""Growable numpy columns: what the screening index keeps per person, per name and per part
as machine numbers rather than as Python objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


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
        bigger = np.zeros((max(needed, len(self._data) * 2), *self._shape), dtype=self._data.dtype)
        bigger[: self.size] = self._data[: self.size]
        self._data = bigger

    def view(self) -> np.ndarray:
        return self._data[: self.size]

    def __getitem__(self, position: int) -> int:
        return int(self._data[position])

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)


def starts_of(counts: np.ndarray) -> np.ndarray:
    """Where each of consecutive runs of these lengths starts."""
    starts = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=starts[1:])
    return starts


def expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions of all the ranges `[start, start + count)`, one after another."""
    counts = counts.astype(np.int64, copy=False)
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts.astype(np.int64, copy=False) - starts_of(counts), counts)
    return shift + np.arange(total, dtype=np.int64)


__all__ = ["Column", "expand_ranges", "starts_of"]
