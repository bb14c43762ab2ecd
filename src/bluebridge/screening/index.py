"""The screening index: every active record's names and keys in memory, built from the store
at start and then following its change sequence.

Persons are found by the keys of their names (see `names.name_keys`), objects (documents,
vehicles, vessels, firearms, accounts, indicators...) by their exact lookup keys. Keys are
64-bit hashes held in sorted numpy arrays (the part built at start, or at the last merge)
and in a small dictionary (what changed since), so that ten million documents take a few
hundred megabytes and a lookup is a binary search.

A record that changes gets a new entry; the old one stays in the arrays but is passed over,
since the index remembers the change sequence number of each record's current version. A
merge now and then folds the dictionary into the arrays.

The index knows who owns each record and its access policy (interned: records share a few
thousand policies), but it decides nothing about access: the caller passes a function that
says, for a policy, whether the principal sees the record, may learn of a possible hit, or
neither, and the index passes over what the principal may not learn of before scoring.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

import numpy as np
from rapidfuzz import fuzz

from bluebridge.records.kinds.base import fold_name
from bluebridge.screening.bound import Bounds
from bluebridge.screening.columns import Column, expand_ranges, grown
from bluebridge.screening.evidence import (
    GENDER_DIFFERS,
    NATIONALITY_AGREES,
    NATIONALITY_DIFFERS,
    BirthDate,
    PersonScore,
    birth_effects,
    score_person,
)
from bluebridge.screening.kernels import WEIGHT_BITS, key_totals
from bluebridge.screening.names import (
    ParsedName,
    forget_similarities,
    name_keys,
    parse_name,
)
from bluebridge.screening.namestore import NameStore

T = TypeVar("T")
MASK = (1 << 63) - 1
SINGLE_KEY_CAP = 300  # a lone part's key is used only when this few names hold it
KEY_CAP = 2_000  # a key held by more names than this (a very common pair) is passed over
MAX_SCORED = 200  # candidates scored for one query at most (the best evidence first)
KEY_WEIGHTS = {"1": 1.0, "2": 4.0, "3": 2.0, "4": 2.0, "5": 1.5}
RARE_PART = 40  # a part held by this few names  # a lone part; a pair of parts; a part and a prefix
BOUND_SLACK = 1e-3  # the bound is compared with room for the scores' rounding to 4 places
GENDER_CODES = {"male": 1, "female": 2}  # the genders the evidence tells apart
SHARED_MAX = 1_000_000  # distinct birth dates and nationality sets kept shared
MERGE_AFTER = 200_000  # entries added since the last merge that trigger a merge
FREEZE_FROM = 50_000  # entries from which a sealed index is kept out of the collector's scans
GC_THRESHOLDS = (50_000, 20, 100)  # the collector's thresholds once such an index is built


def _return_free_memory() -> None:
    """Give the C allocator's free pages back to the system (glibc's `malloc_trim`): the
    build's temporaries (the sort of tens of millions of keys, the lists the parser made)
    leave free pages behind that would otherwise stay with the process. Nothing where the C
    library has no such call."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)


class Visibility(Enum):
    """What a principal may learn of a record that matched."""

    NONE = 0
    POSSIBLE_HIT = 1  # hit-only: that it exists and whom to contact
    FULL = 2


def key_hash(value: str) -> int:
    """A key's 63-bit hash (Python's string hash: stable within one process, which is where
    the index lives; a MIND package carries the values, not the hashes)."""
    return hash(value) & MASK


@dataclass(frozen=True, slots=True, order=True)
class Grant:
    grant_type: str
    value: str


@dataclass(frozen=True, slots=True)
class Policy:
    """Who owns a record and who may see it: what `access.sight` reads from a record."""

    owner_agency_id: int
    owner_country: str | None
    access_mode: str
    grants: tuple[Grant, ...] = ()
    handling_codes: tuple[str, ...] = ()
    status: str = "active"


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """What screening keeps of a person record: data minimisation, only what matching needs
    and what a hit shows."""

    record_id: int
    seq: int
    names: tuple[str, ...]
    birth: BirthDate | None
    gender: str | None
    nationalities: tuple[str, ...]
    title: str
    status: str  # the record's subject status (wanted, missing...), what the hit asks for
    kind: str = "persons"


@dataclass(frozen=True, slots=True)
class ObjectEntry:
    """An object record's lookup keys ("document:FRA:12AB34567") and, for works of art, the
    title and artist matched fuzzily."""

    record_id: int
    seq: int
    kind: str
    keys: tuple[str, ...]
    title: str
    fuzzy: str | None = None  # "title|artist", folded


@dataclass(frozen=True, slots=True)
class PersonHit:
    entry: PersonEntry
    policy: Policy
    visibility: Visibility
    score: PersonScore


@dataclass(frozen=True, slots=True)
class ObjectHit:
    record_id: int
    seq: int
    kind: str
    key: str
    policy: Policy
    visibility: Visibility
    score: float = 1.0
    title: str | None = None


class _Postings:
    """Keys to positions: sorted arrays for the bulk, a dictionary for what came since."""

    def __init__(self) -> None:
        # The sorted arrays as one pair, replaced in one assignment: a reader takes the pair
        # once and never mixes the keys of one merge with the positions of another. The
        # positions are 32-bit (an index holds fewer than two billion entries).
        self.arrays: tuple[np.ndarray, np.ndarray] = (
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.int32),
        )
        self.recent: dict[int, list[int]] = {}
        self.recent_count = 0
        # What the build adds, as machine integers: tens of millions of Python integers
        # would take a gigabyte, and the holes they leave once freed stay with the process.
        self._pending_keys = array("q")
        self._pending_values = array("i")  # a C int: 32 bits

    def add_bulk(self, key: int, value: int) -> None:
        self._pending_keys.append(key)
        self._pending_values.append(value)

    def extend_bulk(self, keys: list[int], value: int) -> None:
        self._pending_keys.extend(keys)
        self._pending_values.extend(array("i", [value]) * len(keys))

    def seal(self) -> None:
        """Sort what `add_bulk` gathered (and any recent entries) into the arrays."""
        old_keys, old_values = self.arrays
        keys = [old_keys, np.frombuffer(self._pending_keys, dtype=np.int64)]
        values = [old_values, np.frombuffer(self._pending_values, dtype=np.int32)]
        if self.recent:
            flat = [(k, v) for k, vs in self.recent.items() for v in vs]
            keys.append(np.fromiter((k for k, _ in flat), dtype=np.int64, count=len(flat)))
            values.append(np.fromiter((v for _, v in flat), dtype=np.int32, count=len(flat)))
        all_keys = np.concatenate(keys)
        all_values = np.concatenate(values)
        order = np.argsort(all_keys, kind="stable")
        # The recent entries stay readable until the arrays that hold them are in place.
        self.arrays = (all_keys[order], all_values[order])
        del all_keys, all_values, order, keys, values
        self._pending_keys = array("q")
        self._pending_values = array("i")
        self.recent = {}
        self.recent_count = 0

    def add(self, key: int, value: int) -> None:
        self.recent.setdefault(key, []).append(value)
        self.recent_count += 1

    def snapshot(
        self, keys: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, list[int]]]:
        """For the hashed keys: their ranges in one consistent pair of arrays, the positions
        array those ranges index, and the recent entries."""
        recent = self.recent
        sorted_keys, values = self.arrays
        low = np.searchsorted(sorted_keys, keys, side="left")
        high = np.searchsorted(sorted_keys, keys, side="right")
        return low, high, values, recent

    @property
    def size(self) -> int:
        return len(self.arrays[0])

    @property
    def nbytes(self) -> int:
        return int(self.arrays[0].nbytes + self.arrays[1].nbytes)


class _Table(Generic[T]):
    """Values many entries share (policies, kinds, nationality sets), each kept once and
    numbered: the columns hold the numbers."""

    def __init__(self) -> None:
        self.values: list[T] = []
        self._ids: dict[T, int] = {}

    def id_of(self, value: T) -> int:
        found = self._ids.get(value)
        if found is None:
            found = len(self.values)
            self.values.append(value)
            self._ids[value] = found
        return found


class _Versions:
    """For each record id, the change sequence number of its current version (negative once
    removed, 0 when never seen): a numpy array indexed by record id, since the store's ids
    are dense. Ten million records take 80 MB, not the gigabyte of a dictionary."""

    def __init__(self) -> None:
        self._data = np.zeros(1024, dtype=np.int64)

    def set(self, record_id: int, seq: int) -> None:
        if record_id >= len(self._data):
            self._resize(max(record_id + 1, grown(len(self._data))))
        self._data[record_id] = seq

    def _resize(self, capacity: int) -> None:
        bigger = np.zeros(capacity, dtype=np.int64)
        kept = min(capacity, len(self._data))
        bigger[:kept] = self._data[:kept]
        self._data = bigger

    def trim(self) -> None:
        """Give back what the growth left unused beyond a little room (after a build)."""
        used = int(np.flatnonzero(self._data)[-1]) + 1 if self._data.any() else 0
        room = used + used // 16 + 1024
        if len(self._data) > room:
            self._resize(room)

    def get(self, record_id: int) -> int:
        data = self._data
        return int(data[record_id]) if 0 <= record_id < len(data) else 0

    def current(self, record_ids: np.ndarray, seqs: np.ndarray) -> np.ndarray:
        """Which of these (record, seq) pairs are current versions."""
        data = self._data
        inside = record_ids < len(data)
        out = np.zeros(len(record_ids), dtype=bool)
        out[inside] = data[record_ids[inside]] == seqs[inside]
        return out

    def live(self) -> int:
        return int(np.count_nonzero(self._data > 0))

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)


@dataclass
class IndexStats:
    persons: int = 0
    objects: int = 0
    keys: int = 0
    sequence: int = 0
    build_seconds: float = 0.0
    memory_bytes: int = 0
    extra: dict[str, float] = field(default_factory=dict)


class ScreeningIndex:
    """Persons and objects of the shared databases, for screening. Thread-safe for one
    writer (the follower) and many readers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Persons by position: the entry (what a hit shows), and their names as the scorer
        # pairs them, in columns (see `namestore`).
        self._entries: list[PersonEntry] = []
        self._names = NameStore()
        # Birth dates and nationalities are shared by many persons: one object each.
        self._births: dict[BirthDate, BirthDate] = {}
        self._nationality_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        # Columns by person position, for filtering candidates without touching the objects.
        self._p_record = Column(np.int64)
        self._p_seq = Column(np.int64)
        self._p_birth_year = Column(np.int32)  # 0 when unknown
        self._p_birth_month = Column(np.int8)  # 0 when unknown
        self._p_birth_day = Column(np.int8)  # 0 when unknown
        self._p_gender = Column(np.int8)  # GENDER_CODES, 0 when unknown or other
        self._p_nationalities = Column(np.int32)  # into _nationality_sets
        self._p_policy = Column(np.int32)
        self._nationality_table: _Table[tuple[str, ...]] = _Table()
        self._nationality_sets = self._nationality_table.values
        self._person_keys = _Postings()
        # objects: columns by position
        self._object_keys = _Postings()
        # Columns of compact machine integers: ten million documents fit in ~220 MB.
        self._obj_record = array("q")
        self._obj_seq = array("q")
        self._obj_kind = array("B")
        self._obj_policy = array("I")
        self._kind_table: _Table[str] = _Table()
        self._kinds = self._kind_table.values
        self._fuzzy: dict[int, tuple[ObjectEntry, int]] = {}  # record id -> artwork entry
        self._policy_table: _Table[Policy] = _Table()
        self._policies = self._policy_table.values
        self._current = _Versions()  # record id -> seq of its current version
        self.sequence = 0  # the store's change sequence the index is current to
        self.sealed = False

    # ------------------------------------------------------------ building

    def policy_id(self, policy: Policy) -> int:
        return self._policy_table.id_of(policy)

    def add_person(self, entry: PersonEntry, policy: Policy) -> None:
        parsed = [
            (source, name) for source, name in enumerate(map(parse_name, entry.names)) if name.parts
        ]
        keys: set[str] = set()
        for _, name in parsed:
            keys |= name_keys(name)
        with self._lock:
            position = len(self._entries)
            policy_id = self.policy_id(policy)
            # The names first: a reader takes a position once its other columns hold it.
            self._names.add(parsed)
            self._entries.append(self._compact(entry))
            self._p_record.append(entry.record_id)
            self._p_seq.append(entry.seq)
            self._p_birth_year.append(entry.birth[0] if entry.birth else 0)
            self._p_birth_month.append((entry.birth[1] or 0) if entry.birth else 0)
            self._p_birth_day.append((entry.birth[2] or 0) if entry.birth else 0)
            self._p_gender.append(GENDER_CODES.get(entry.gender or "", 0))
            self._p_nationalities.append(self._nationality_table.id_of(entry.nationalities))
            self._p_policy.append(policy_id)
            hashes = [hash(key) & MASK for key in keys]  # key_hash, inlined for the build
            if self.sealed:
                for h in hashes:
                    self._person_keys.add(h, position)
            else:
                self._person_keys.extend_bulk(hashes, position)
            self._current.set(entry.record_id, entry.seq)

    def _compact(self, entry: PersonEntry) -> PersonEntry:
        """The entry with its birth date and nationalities shared with other persons'."""
        births, tuples = self._births, self._nationality_tuples
        if len(births) + len(tuples) > SHARED_MAX:  # a bound on what odd values can add
            births.clear()
            tuples.clear()
        birth = births.setdefault(entry.birth, entry.birth) if entry.birth else None
        nationalities = tuples.setdefault(entry.nationalities, entry.nationalities)
        # A few statuses and genders, each read from the store as a string of its own.
        status = sys.intern(entry.status)
        gender = sys.intern(entry.gender) if entry.gender is not None else None
        if (
            birth is entry.birth
            and nationalities is entry.nationalities
            and status is entry.status
            and gender is entry.gender
        ):
            return entry
        return PersonEntry(  # (not dataclasses.replace, which is slow for a million)
            entry.record_id,
            entry.seq,
            entry.names,
            birth,
            gender,
            nationalities,
            entry.title,
            status,
            sys.intern(entry.kind),
        )

    def add_object(self, entry: ObjectEntry, policy: Policy) -> None:
        with self._lock:
            policy_id = self.policy_id(policy)
            kind_id = self._kind_table.id_of(entry.kind)
            for key in entry.keys:
                position = len(self._obj_record)
                self._obj_record.append(entry.record_id)
                self._obj_seq.append(entry.seq)
                self._obj_kind.append(kind_id)
                self._obj_policy.append(policy_id)
                if self.sealed:
                    self._object_keys.add(key_hash(key), position)
                else:
                    self._object_keys.add_bulk(key_hash(key), position)
            if entry.fuzzy:
                self._fuzzy[entry.record_id] = (entry, policy_id)
            self._current.set(entry.record_id, entry.seq)

    def remove(self, record_id: int, seq: int) -> None:
        """A record expired, was deleted or is no longer screened."""
        with self._lock:
            self._current.set(record_id, -seq)
            self._fuzzy.pop(record_id, None)

    def seal(self) -> None:
        """Sort what was added into the arrays: after the build, and now and then after."""
        with self._lock:
            self._person_keys.seal()
            self._object_keys.seal()
            for column in self._person_columns():
                column.trim()
            self._names.trim()
            self._current.trim()
            self.sealed = True
        if len(self._entries) + self._obj_record.buffer_info()[1] >= FREEZE_FROM:
            # The index's millions of objects live as long as the process: out of the cyclic
            # collector's full scans, which would otherwise stall queries for tens of ms.
            # Young collections are made rarer too: the caches of comparisons grow by many
            # small objects per query.
            gc.collect()
            gc.freeze()
            gc.set_threshold(*GC_THRESHOLDS)
            _return_free_memory()

    @contextlib.contextmanager
    def bulk(self) -> Iterator[ScreeningIndex]:
        """For the build: the cyclic collector paused while the records are added, then
        the index sealed. The index's millions of objects hold no cycles, and the collector
        scanning them again and again as they grow was a sixth of the build's time."""
        paused = gc.isenabled()
        gc.disable()
        try:
            yield self
        finally:
            if paused:
                gc.enable()
        self.seal()

    def _person_columns(self) -> tuple[Column, ...]:
        return (
            self._p_record,
            self._p_seq,
            self._p_birth_year,
            self._p_birth_month,
            self._p_birth_day,
            self._p_gender,
            self._p_nationalities,
            self._p_policy,
        )

    def maybe_merge(self) -> None:
        if self._person_keys.recent_count + self._object_keys.recent_count >= MERGE_AFTER:
            self.seal()

    # ------------------------------------------------------------ persons

    def _is_current(self, record_id: int, seq: int) -> bool:
        return self._current.get(record_id) == seq

    def search_person(
        self,
        names: Sequence[str],
        *,
        birth: BirthDate | None,
        nationalities: Sequence[str],
        gender: str | None,
        visibility: Callable[[Policy], Visibility],
        threshold: float,
        limit: int = 20,
        possible_threshold: float = 0.0,
    ) -> list[PersonHit]:
        """Persons whose score against the query reaches the threshold, best first, among
        those the principal may learn of."""
        query = tuple(p for p in (parse_name(n) for n in names) if p.parts)
        if not query:
            return []
        keys = sorted({key for name in query for key in name_keys(name)})
        hashes = np.fromiter((key_hash(k) for k in keys), dtype=np.int64, count=len(keys))
        low, high, values, recent = self._person_keys.snapshot(hashes)
        held = high - low
        # A pair of parts is better evidence than a part and a prefix, or a lone part; a
        # rare part alone (a rare family name) is worth scoring; a key that many names hold
        # says less (a short skeleton).
        single = np.fromiter((k[0] == "1" for k in keys), dtype=bool, count=len(keys))
        weight = np.fromiter((KEY_WEIGHTS[k[0]] for k in keys), dtype=np.float64, count=len(keys))
        rare = single & (held <= RARE_PART)
        weight = np.where(
            rare, 2.0, np.where(held > 2000, weight / 4, np.where(held > 200, weight / 2, weight))
        )
        used = (held > 0) & (held <= np.where(single, SINGLE_KEY_CAP, KEY_CAP))
        # Each found position with the code of its key's weight, in one integer: sorted, the
        # runs of one position give its total (a few kinds of weight, all sums exact).
        table, codes = np.unique(weight, return_inverse=True)
        found = values[expand_ranges(low[used], held[used])].astype(np.int64) << WEIGHT_BITS
        found |= np.repeat(codes[used], held[used])
        if recent:
            extra = [
                np.asarray(recent[h], dtype=np.int64) << WEIGHT_BITS | code
                for h, code in zip(hashes.tolist(), codes.tolist(), strict=True)
                if h in recent
            ]
            if extra:
                found = np.concatenate([found, *extra])
        if not len(found):
            return []
        # Each key's positions come in order (the postings keep the order they were added
        # in), so a stable sort, which merges runs, takes a twentieth of a quicksort's time.
        found.sort(kind="stable")
        # A name of two parts or more is the same name only if two of its parts are found:
        # a candidate sharing one lone part (a common given name) is not scored.
        several = any(len([p for p in name.core if not p.initial]) >= 2 for name in query)
        candidates, totals = key_totals(found, table, 1.5 if several else 0.25)
        # Stale entries and other birth years are passed over before the cut, in columns.
        record_ids = self._p_record.view()
        seqs = self._p_seq.view()
        years = self._p_birth_year.view()
        policies = self._p_policy.view()
        # A person being added may be in one column and not yet in the next.
        known = min(
            len(record_ids),
            len(seqs),
            len(years),
            len(policies),
            self._p_birth_day.size,
            self._p_nationalities.size,
        )
        inside = candidates < known
        candidates, totals = candidates[inside], totals[inside]
        keep = self._current.current(record_ids[candidates], seqs[candidates])
        if birth is not None:
            their = years[candidates]
            keep &= (their == 0) | (np.abs(their - birth[0]) <= 1)
        candidates, totals = candidates[keep], totals[keep]
        # ... and so is what the principal may not learn of, so that it takes no places.
        seen_policy: dict[int, Visibility] = {}
        candidate_policies = policies[candidates]
        if len(candidates):
            allowed = np.zeros(len(self._policies), dtype=bool)
            for policy_id in np.unique(candidate_policies).tolist():
                seen = visibility(self._policies[policy_id])
                seen_policy[policy_id] = seen
                allowed[policy_id] = seen is not Visibility.NONE
            keep = allowed[candidate_policies]
            candidates, totals = candidates[keep], totals[keep]
        # The best evidence first (the order of positions among equals: the oldest first).
        order = np.argsort(-totals, kind="stable")[:MAX_SCORED]
        chosen = candidates[order]
        # What each candidate's best name can score at most, in compiled code for all of
        # them at once, with what its birth date, nationality and gender add: the scorer
        # runs only on those that can reach the threshold.
        bounds = Bounds.of(query, self._names, chosen)
        effects = self._evidence_effects(chosen, birth, nationalities, gender)
        # A possible hit is decided at the installation's threshold, which a caller may not
        # lower to learn how close a hidden record comes.
        hidden_needed = max(threshold, possible_threshold)
        possible = np.zeros(len(self._policies), dtype=bool)
        for policy_id, seen in seen_policy.items():
            possible[policy_id] = seen is Visibility.POSSIBLE_HIT
        needed = np.where(possible[policies[chosen]], hidden_needed, threshold)
        reach = np.flatnonzero(bounds.best + effects >= needed - BOUND_SLACK)
        if not len(reach):
            return []
        hopeful = chosen[reach].tolist()
        bounds.apply_filter(reach)
        try:
            return self._score(
                query,
                hopeful,
                seen_policy,
                birth,
                nationalities,
                gender,
                threshold,
                hidden_needed,
                limit,
            )
        finally:
            forget_similarities()

    def _evidence_effects(
        self,
        chosen: np.ndarray,
        birth: BirthDate | None,
        nationalities: Sequence[str],
        gender: str | None,
    ) -> np.ndarray:
        """What the birth date, nationality and gender add to each candidate's name score,
        from the columns: `evidence.person_evidence`'s effects, for many at once."""
        out = birth_effects(
            birth,
            self._p_birth_year.view()[chosen],
            self._p_birth_month.view()[chosen],
            self._p_birth_day.view()[chosen],
        )
        if nationalities and len(chosen):
            wanted = set(nationalities)
            ids = self._p_nationalities.view()[chosen]
            table = np.zeros(int(ids.max()) + 1, dtype=np.float64)
            for set_id in np.unique(ids).tolist():
                theirs = self._nationality_sets[set_id]
                if theirs:
                    table[set_id] = (
                        NATIONALITY_AGREES if wanted.intersection(theirs) else NATIONALITY_DIFFERS
                    )
            out += table[ids]
        code = GENDER_CODES.get(gender or "")
        if code:
            theirs = self._p_gender.view()[chosen]
            out[(theirs != 0) & (theirs != code)] += GENDER_DIFFERS
        return out

    def _score(
        self,
        query: tuple[ParsedName, ...],
        positions: list[int],
        seen_policy: dict[int, Visibility],
        birth: BirthDate | None,
        nationalities: Sequence[str],
        gender: str | None,
        threshold: float,
        hidden_needed: float,
        limit: int,
    ) -> list[PersonHit]:
        hits: dict[int, PersonHit] = {}
        policies = self._p_policy.view()
        for position in positions:
            entry = self._entries[position]
            policy_id = int(policies[position])
            seen = seen_policy[policy_id]
            needed = hidden_needed if seen is Visibility.POSSIBLE_HIT else threshold
            scored = score_person(
                query,
                birth,
                nationalities,
                gender,
                self._names.parsed(position, entry.names),
                entry.birth,
                entry.nationalities,
                entry.gender,
            )
            if scored is None or scored.score < needed:
                continue
            previous = hits.get(entry.record_id)
            if previous is None or previous.score.score < scored.score:
                hits[entry.record_id] = PersonHit(entry, self._policies[policy_id], seen, scored)
        # Full hits best first; possible hits after them by reference, outside the limit, so
        # that their place tells nothing of their score.
        full = sorted(
            (h for h in hits.values() if h.visibility is Visibility.FULL),
            key=lambda h: (-h.score.score, h.entry.record_id),
        )
        possible = sorted(
            (h for h in hits.values() if h.visibility is Visibility.POSSIBLE_HIT),
            key=lambda h: h.entry.record_id,
        )
        return full[:limit] + possible

    # ------------------------------------------------------------ objects

    def search_keys(
        self, keys: Sequence[str], *, visibility: Callable[[Policy], Visibility]
    ) -> list[list[ObjectHit]]:
        """For each exact key ("document:FRA:12AB34567"), the current records holding it that
        the principal may learn of."""
        if not keys:
            return []
        postings = self._object_keys
        hashes = np.fromiter((key_hash(k) for k in keys), dtype=np.int64, count=len(keys))
        low, high, values, recent = postings.snapshot(hashes)
        out: list[list[ObjectHit]] = []
        seen_policy: dict[int, Visibility] = {}
        for key, h, lo, hi in zip(keys, hashes.tolist(), low.tolist(), high.tolist(), strict=True):
            found: list[int] = values[lo:hi].tolist() if hi > lo else []
            found += recent.get(h, ())
            results: dict[int, ObjectHit] = {}
            for position in found:
                record_id = self._obj_record[position]
                seq = self._obj_seq[position]
                if not self._is_current(record_id, seq) or record_id in results:
                    continue
                policy_id = self._obj_policy[position]
                seen = seen_policy.get(policy_id)
                if seen is None:
                    seen = visibility(self._policies[policy_id])
                    seen_policy[policy_id] = seen
                if seen is Visibility.NONE:
                    continue
                results[record_id] = ObjectHit(
                    record_id,
                    seq,
                    self._kinds[self._obj_kind[position]],
                    key,
                    self._policies[policy_id],
                    seen,
                )
            out.append(sorted(results.values(), key=lambda h: h.record_id))
        return out

    def search_artwork(
        self,
        title: str,
        artist: str | None,
        *,
        visibility: Callable[[Policy], Visibility],
        threshold: float,
        limit: int = 20,
    ) -> list[ObjectHit]:
        """Works of art whose title (and artist, when given) are alike, scored 0 to 1."""
        wanted_title = fold_name(title)
        wanted_artist = fold_name(artist) if artist else ""
        hits: list[ObjectHit] = []
        for entry, policy_id in list(self._fuzzy.values()):
            if not self._is_current(entry.record_id, entry.seq) or not entry.fuzzy:
                continue
            known_title, _, known_artist = entry.fuzzy.partition("|")
            score = fuzz.token_sort_ratio(wanted_title, known_title) / 100
            if wanted_artist and known_artist:
                score = 0.7 * score + 0.3 * fuzz.token_sort_ratio(wanted_artist, known_artist) / 100
            if score < threshold:
                continue
            seen = visibility(self._policies[policy_id])
            if seen is Visibility.NONE:
                continue
            hits.append(
                ObjectHit(
                    entry.record_id,
                    entry.seq,
                    entry.kind,
                    "artwork",
                    self._policies[policy_id],
                    seen,
                    round(score, 4),
                    entry.title,
                )
            )
        hits.sort(key=lambda h: (-h.score, h.record_id))
        return hits[:limit]

    # ------------------------------------------------------------ figures

    def person_entries(self) -> Iterable[tuple[PersonEntry, Policy]]:
        """The current person entries (for a MIND package)."""
        policies = self._p_policy.view()
        for position, entry in enumerate(list(self._entries)):
            if self._is_current(entry.record_id, entry.seq):
                yield entry, self._policies[int(policies[position])]

    def stats(self) -> IndexStats:
        live = self._current.live()
        return IndexStats(
            persons=len(self._entries),
            objects=len(self._obj_record),
            keys=self._person_keys.size + self._object_keys.size,
            sequence=self.sequence,
            memory_bytes=self._person_keys.nbytes
            + self._object_keys.nbytes
            + self._current.nbytes
            + self._names.nbytes
            + sum(c.nbytes for c in self._person_columns()),
            extra={"live_records": float(live)},
        )


__all__ = [
    "Grant",
    "IndexStats",
    "ObjectEntry",
    "ObjectHit",
    "PersonEntry",
    "PersonHit",
    "Policy",
    "ScreeningIndex",
    "Visibility",
    "key_hash",
]
