"""Every indexed person's names as the scorer pairs them, in columns of machine numbers.

A query's candidates are a few hundred persons out of a million. What the compiled bound
(`bound.py`) needs of them (each name's parts, its neighbouring parts joined, the weights)
is gathered here from numpy columns by position, with no Python object per candidate: the
parts themselves are interned (a million names hold a few tens of thousands of distinct
parts) and numbered in a table, and a joined pair is kept as the position of its first part
and its skeleton, its Latin form being the two parts' forms side by side.

The same columns give back a person's parsed names, for the exact scorer, so that the index
keeps no parsed name objects per person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bluebridge.screening.columns import Column, expand_ranges, repeat_starts
from bluebridge.screening.names import (
    UNMATCHED_END_WEIGHT,
    UNMATCHED_MIDDLE_WEIGHT,
    ParsedName,
    Part,
    joined_readings,
    joined_skeleton,
    spelt_forms,
)

PARTICLE, INITIAL, VOWELS, LATIN = 1, 2, 4, 8  # a part's flags, as bits
PERSON_FIRST, PERSON_COUNT = 0, 1  # the fields of a person's row
# ... and of a name's: its parts, its joined pairs, its core parts, its place among the
# entry's names, its script
NAME_PART_START, NAME_PART_COUNT, NAME_JOINED_START, NAME_JOINED_COUNT, NAME_CORE = range(5)


@dataclass(slots=True)
class Spelling:
    """What the bound reads of a list of units (parts, or two parts joined): their Latin
    forms (and readings) and their skeletons (and how other scripts hear them), flattened
    with how many each unit has, and their flags and first letters."""

    forms: np.ndarray  # of str
    form_counts: np.ndarray
    skeletons: np.ndarray  # of str
    skeleton_lengths: np.ndarray
    skeleton_counts: np.ndarray
    flags: np.ndarray  # PARTICLE | INITIAL | VOWELS | LATIN
    first: np.ndarray  # the code of the first letter of the Latin form (-1: none)

    def __len__(self) -> int:
        return len(self.flags)


def flags_of(part: Part) -> int:
    return (
        (PARTICLE if part.particle else 0)
        | (INITIAL if part.initial else 0)
        | (VOWELS if part.vowels else 0)
        | (LATIN if part.latin_script else 0)
    )


def letter_code(value: str) -> int:
    return ord(value[0]) if value else -1


def strings(values: Sequence[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def joined(spellings: Sequence[Spelling]) -> Spelling:
    """Several spellings as one list of units."""
    return Spelling(
        *(np.concatenate([getattr(s, name) for s in spellings]) for name in _SPELLING_FIELDS)
    )


_SPELLING_FIELDS = Spelling.__slots__


@dataclass(slots=True)
class Gathered:
    """The names of some candidates, flat: names in candidate order, each name's parts in
    order, each name's joined pairs in order."""

    name_counts: np.ndarray  # per candidate: how many names
    part_counts: np.ndarray  # per name: how many parts
    joined_counts: np.ndarray  # per name: how many joined pairs
    core_counts: np.ndarray  # per name: how many parts are not particles
    part_ids: np.ndarray  # per part: its number in the store's table
    weights: np.ndarray  # per part: its weight when paired
    unmatched: np.ndarray  # per part: its weight when left over
    joined_first: np.ndarray  # per joined pair: its first part, among the gathered parts
    joined_spelling: Spelling  # per joined pair


class NameStore:
    """The names of the persons of an index, by person position. One writer (under the
    index's lock) and many readers: a reader asks only for positions the index has finished
    adding, whose rows are all written."""

    def __init__(self) -> None:
        # The distinct parts, numbered; their forms and skeletons flat, in object columns.
        self.parts: list[Part] = []
        self._part_numbers: dict[Part, int] = {}
        self._forms = Column(object)
        self._skeletons = Column(object)
        self._skeleton_lengths = Column(np.int64)
        self._part_form_start = Column(np.int64)
        self._part_form_count = Column(np.int64)
        self._part_skeleton_start = Column(np.int64)
        self._part_skeleton_count = Column(np.int64)
        self._part_latin = Column(object)
        self._part_first = Column(np.int64)
        self._part_flags = Column(np.int64)
        self._part_weight = Column(np.float64)
        self._scripts: list[str] = []
        self._script_numbers: dict[str, int] = {}
        # Per person: its first name's row and how many names (PERSON_*).
        self._persons = Column(np.int32, width=2)
        # Per name: where its parts and joined pairs are, and what it is (NAME_*).
        self._names = Column(np.int32, width=7)
        # Per part of a name.
        self._part_number = Column(np.int32)
        self._part_end = Column(np.bool_)  # the first or last of the name's core parts
        # Per joined pair: the first part's place in its name, and its skeleton (numbered:
        # a million names' pairs have a few hundred thousand distinct skeletons).
        self._joined_place = Column(np.int16)
        self._joined_skeleton = Column(np.int32)
        self._joined_skeletons = Column(object)
        self._joined_skeleton_lengths = Column(np.int64)
        self._joined_skeleton_numbers: dict[str, int] = {}
        self._joined_readings: dict[int, tuple[str, ...]] = {}  # rare: Chinese given names
        self._joined_has_readings = Column(np.bool_)

    # ------------------------------------------------------------ writing

    def _number_of(self, part: Part) -> int:
        found = self._part_numbers.get(part)
        if found is None:
            found = len(self.parts)
            forms = spelt_forms(part)
            skeletons = part.skeletons + part.alternates
            self._part_form_start.append(self._forms.size)
            self._part_form_count.append(len(forms))
            self._forms.extend(strings(forms))
            self._part_skeleton_start.append(self._skeletons.size)
            self._part_skeleton_count.append(len(skeletons))
            self._skeletons.extend(strings(skeletons))
            self._skeleton_lengths.extend([len(value) for value in skeletons])
            self._part_latin.append(part.latin)
            self._part_first.append(letter_code(part.latin))
            self._part_flags.append(flags_of(part))
            self._part_weight.append(part.weight)
            self.parts.append(part)
            self._part_numbers[part] = found
        return found

    def _joined_skeleton_of(self, value: str) -> int:
        found = self._joined_skeleton_numbers.get(value)
        if found is None:
            found = self._joined_skeletons.size
            self._joined_skeletons.append(value)
            self._joined_skeleton_lengths.append(len(value))
            self._joined_skeleton_numbers[value] = found
        return found

    def _script_of(self, script: str) -> int:
        found = self._script_numbers.get(script)
        if found is None:
            found = self._script_numbers[script] = len(self._scripts)
            self._scripts.append(script)
        return found

    def add(self, names: Sequence[tuple[int, ParsedName]]) -> None:
        """The next person's names (each with its place among the entry's names), those
        with parts only. Each column is written once per person."""
        rows: list[tuple[int, int, int, int, int, int, int]] = []
        numbers: list[int] = []
        ends: list[bool] = []
        places: list[int] = []
        skeletons: list[int] = []
        read: list[bool] = []
        part_start = self._part_number.size
        joined_start = self._joined_place.size
        for source, name in names:
            parts = name.parts
            count = len(parts)
            core = [i for i, p in enumerate(parts) if not p.particle]
            last = (core[0], core[-1]) if core else ()
            here = [
                i
                for i in range(count - 1)
                if not (parts[i].particle or parts[i + 1].particle or parts[i].initial)
            ]
            for place in here:
                first, second = parts[place], parts[place + 1]
                readings = joined_readings(first, second)
                if readings:
                    self._joined_readings[joined_start + len(places)] = readings
                read.append(bool(readings))
                skeletons.append(self._joined_skeleton_of(joined_skeleton(first, second)))
                places.append(place)
            rows.append(
                (
                    part_start + len(numbers),
                    count,
                    joined_start + len(places) - len(here),
                    len(here),
                    len(core),
                    source,
                    self._script_of(name.script),
                )
            )
            numbers += [self._number_of(p) for p in parts]
            ends += [i in last for i in range(count)]
        # The rows a person's rows point into first, then its rows, then the person.
        self._part_number.extend(numbers)
        self._part_end.extend(ends)
        self._joined_place.extend(places)
        self._joined_skeleton.extend(skeletons)
        self._joined_has_readings.extend(read)
        first_row = self._names.size
        self._names.extend(rows)
        self._persons.append((first_row, len(rows)))

    # ------------------------------------------------------------ reading

    def parsed(self, position: int, originals: Sequence[str]) -> tuple[ParsedName, ...]:
        """A person's parsed names again (what `parse_name` made of them when added)."""
        first, count = self._persons.view()[position].tolist()
        numbers = self._part_number.view()
        out: list[ParsedName] = []
        for start, parts, _, _, _, source, script in self._names.view()[
            first : first + count
        ].tolist():
            out.append(
                ParsedName(
                    original=originals[source],
                    script=self._scripts[script],
                    parts=tuple(self.parts[n] for n in numbers[start : start + parts].tolist()),
                )
            )
        return tuple(out)

    def part_spelling(self, numbers: np.ndarray) -> Spelling:
        """The spelling of these parts (by number)."""
        form_counts = self._part_form_count.view()[numbers]
        skeleton_counts = self._part_skeleton_count.view()[numbers]
        forms = expand_ranges(self._part_form_start.view()[numbers], form_counts)
        skeletons = expand_ranges(self._part_skeleton_start.view()[numbers], skeleton_counts)
        return Spelling(
            self._forms.view()[forms],
            form_counts,
            self._skeletons.view()[skeletons],
            self._skeleton_lengths.view()[skeletons],
            skeleton_counts,
            self._part_flags.view()[numbers],
            self._part_first.view()[numbers],
        )

    def gather(self, positions: np.ndarray) -> Gathered:
        """The names of the persons at these positions."""
        persons = self._persons.view()[positions].astype(np.int64)
        name_counts = persons[:, PERSON_COUNT]
        names = self._names.view()[expand_ranges(persons[:, PERSON_FIRST], name_counts)]
        names = names.astype(np.int64)
        part_counts = names[:, NAME_PART_COUNT]
        joined_counts = names[:, NAME_JOINED_COUNT]
        places = expand_ranges(names[:, NAME_PART_START], part_counts)
        part_ids = self._part_number.view()[places]
        ends = self._part_end.view()[places]
        weights = self._part_weight.view()[part_ids]
        unmatched = weights * np.where(ends, UNMATCHED_END_WEIGHT, UNMATCHED_MIDDLE_WEIGHT)
        pairs = expand_ranges(names[:, NAME_JOINED_START], joined_counts)
        joined_first = repeat_starts(part_counts, joined_counts) + self._joined_place.view()[pairs]
        first_ids = part_ids[joined_first]
        second_ids = part_ids[joined_first + 1]
        latin = self._part_latin.view()
        forms = latin[first_ids] + latin[second_ids]
        form_counts = np.ones(len(forms), dtype=np.int64)
        read = np.flatnonzero(self._joined_has_readings.view()[pairs])
        if len(read):
            readings = self._joined_readings
            more: list[tuple[str, ...]] = [()] * len(pairs)
            for at, pair in zip(read.tolist(), pairs[read].tolist(), strict=True):
                more[at] = readings[pair]
            form_counts[read] += np.fromiter((len(more[at]) for at in read), dtype=np.int64)
            forms = strings(
                [f for form, extra in zip(forms, more, strict=True) for f in (form, *extra)]
            )
        skeletons = self._joined_skeleton.view()[pairs]
        flags = self._part_flags.view()
        return Gathered(
            name_counts=name_counts,
            part_counts=part_counts,
            joined_counts=joined_counts,
            core_counts=names[:, NAME_CORE],
            part_ids=part_ids,
            weights=weights,
            unmatched=unmatched,
            joined_first=joined_first,
            joined_spelling=Spelling(
                forms,
                form_counts,
                self._joined_skeletons.view()[skeletons],
                self._joined_skeleton_lengths.view()[skeletons],
                np.ones(len(skeletons), dtype=np.int64),
                flags[first_ids] & flags[second_ids] & (VOWELS | LATIN),
                self._part_first.view()[first_ids],
            ),
        )

    def _columns(self) -> list[Column]:
        return [value for value in vars(self).values() if isinstance(value, Column)]

    def trim(self) -> None:
        """Give back the columns' unused room (after a build)."""
        for column in self._columns():
            column.trim()

    @property
    def nbytes(self) -> int:
        """The columns' bytes (the part table's strings are shared with the parts)."""
        return sum(column.nbytes for column in self._columns())


__all__ = ["Gathered", "NameStore", "Spelling", "flags_of", "joined", "letter_code", "strings"]
