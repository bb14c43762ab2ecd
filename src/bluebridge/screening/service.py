"""Screening (FIND): queries against the index, results as the principal may see them, every
query audited, every hit stored and shown to the owner of the record hit.

Each process keeps its own index (see `index`): built from the store on first use and then
kept current by following the store's change sequence, from a background thread every
quarter of a second and, before each screening, by catching up at once. A record created,
changed, expired or deleted in one worker is screened as such by every worker within a
second.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from bluebridge.access import records as access
from bluebridge.access.principal import Principal, Role
from bluebridge.audit import service as audit
from bluebridge.errors import InvalidInput, PermissionDenied
from bluebridge.members.models import Agency, AgencyKind
from bluebridge.notices.service import ScreeningNotice, on_records
from bluebridge.records.models import Record, RecordAccess, RecordGrant, RecordKey
from bluebridge.screening.bound import warm_up as warm_up_bound
from bluebridge.screening.index import (
    Grant,
    ObjectEntry,
    ObjectHit,
    PersonEntry,
    PersonHit,
    Policy,
    ScreeningIndex,
    Visibility,
)
from bluebridge.screening.models import ScreeningHit
from bluebridge.screening.names import warm_up
from bluebridge.screening.queries import Query
from bluebridge.store.base import utcnow
from bluebridge.store.engine import READ_ONLY

log = logging.getLogger("bluebridge.screening")

DEFAULT_THRESHOLD = 0.8
SCREEN_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.BORDER_OFFICER, Role.ANALYST)
FOLLOW_INTERVAL = 0.25  # seconds between two looks at the change sequence
PERSON_KIND = "persons"
NAME_KEY_TYPES = frozenset({"name", "birth_name_year", "organization"})


def may_screen(principal: Principal) -> bool:
    return principal.is_operator or any(principal.has_role(r) for r in SCREEN_ROLES)


def visibility_for(principal: Principal) -> Callable[[Policy], Visibility]:
    """What the principal may learn of a matched record: its content where the access rules
    show it; for a hit-only record, to a member agency, that it exists and whom to contact."""

    def visibility(policy: Policy) -> Visibility:
        if access.sight(principal, policy) is access.Sight.FULL:
            return Visibility.FULL
        if (
            policy.access_mode == access.AccessMode.HIT_ONLY.value
            and principal.agency_kind in access.MEMBER_AGENCY_KINDS
        ):
            return Visibility.POSSIBLE_HIT
        return Visibility.NONE

    return visibility


# ---------------------------------------------------------------- from the store


def policy_of(record: Record, grants: Iterable[tuple[str, str]] | None = None) -> Policy:
    rows = grants if grants is not None else ((g.grant_type, g.value) for g in record.grants)
    return Policy(
        owner_agency_id=record.owner_agency_id,
        owner_country=record.owner_country,
        access_mode=record.access_mode,
        grants=tuple(sorted(Grant(t, v) for t, v in rows)),
        handling_codes=tuple(sorted(record.handling_codes or [])),
    )


def _birth(payload: dict[str, Any]) -> tuple[int, int | None, int | None] | None:
    date = payload.get("date_of_birth")
    if not isinstance(date, dict) or not isinstance(date.get("year"), int):
        return None
    return (date["year"], date.get("month"), date.get("day"))


def person_entry(record_id: int, seq: int, title: str, payload: dict[str, Any]) -> PersonEntry:
    return PersonEntry(
        record_id=record_id,
        seq=seq,
        names=tuple(str(n["value"]) for n in payload.get("names", []) if n.get("value")),
        birth=_birth(payload),
        gender=payload.get("gender"),
        nationalities=tuple(payload.get("nationalities") or ()),
        title=title,
        status=str(payload.get("status") or ""),
    )


def object_entry(
    record_id: int, seq: int, kind: str, title: str, keys: Sequence[tuple[str, str]], payload: Any
) -> ObjectEntry | None:
    wanted = tuple(f"{t}:{v}" for t, v in keys if t not in NAME_KEY_TYPES)
    fuzzy = None
    if kind == "artworks" and isinstance(payload, dict):
        from bluebridge.records.kinds.base import fold_name

        fuzzy = (
            fold_name(str(payload.get("title", "")))
            + "|"
            + fold_name(str(payload.get("artist") or ""))
        )
    if not wanted and fuzzy is None:
        return None
    return ObjectEntry(record_id, seq, kind, wanted, title, fuzzy)


def _grants_by_record(
    session: Session, ids: Sequence[int] | None
) -> dict[int, list[tuple[str, str]]]:
    query = select(RecordGrant.record_id, RecordGrant.grant_type, RecordGrant.value)
    if ids is not None:
        query = query.where(RecordGrant.record_id.in_(ids))
    out: dict[int, list[tuple[str, str]]] = {}
    for record_id, grant_type, value in session.execute(query):
        out.setdefault(record_id, []).append((grant_type, value))
    return out


def load(
    session: Session, index: ScreeningIndex, progress: Callable[[int], None] | None = None
) -> int:
    """Fill an empty index with every active record of the store; the change sequence number
    it is current to. Changes made while it loads are caught up by following from there."""
    sequence = int(session.scalar(select(func.coalesce(func.max(Record.seq), 0))) or 0)
    grants = _grants_by_record(session, None)
    with index.bulk():
        count = _load_records(session, index, grants, progress)
    index.sequence = sequence
    if progress is not None:
        progress(count)
    return sequence


def _load_records(
    session: Session,
    index: ScreeningIndex,
    grants: dict[int, list[tuple[str, str]]],
    progress: Callable[[int], None] | None,
) -> int:
    count = 0
    columns = (
        Record.id,
        Record.seq,
        Record.kind,
        Record.title,
        Record.payload,
        Record.owner_agency_id,
        Record.owner_country,
        Record.access_mode,
        Record.handling_codes,
    )
    people = (
        select(*columns)
        .where(Record.status == access.ACTIVE, Record.kind == PERSON_KIND)
        .execution_options(yield_per=5000)
    )
    for row in session.execute(people):
        policy = _row_policy(row, grants)
        index.add_person(person_entry(row.id, row.seq, row.title, row.payload), policy)
        count += 1
        if progress is not None and count % 5000 == 0:
            progress(count)
    objects = (
        select(
            Record.id,
            Record.seq,
            Record.kind,
            Record.title,
            Record.owner_agency_id,
            Record.owner_country,
            Record.access_mode,
            Record.handling_codes,
            RecordKey.key_type,
            RecordKey.value,
        )
        .join(RecordKey, RecordKey.record_id == Record.id)
        .where(Record.status == access.ACTIVE, Record.kind != PERSON_KIND)
        .order_by(Record.id)
        .execution_options(yield_per=10000)
    )
    current: Any = None
    keys: list[tuple[str, str]] = []

    def flush() -> None:
        nonlocal count
        if current is None:
            return
        entry = object_entry(current.id, current.seq, current.kind, current.title, keys, None)
        if entry is not None:
            index.add_object(entry, _row_policy(current, grants))
            count += 1
            if progress is not None and count % 5000 == 0:
                progress(count)

    for row in session.execute(objects):
        if current is not None and row.id != current.id:
            flush()
            keys = []
        current = row
        keys.append((row.key_type, row.value))
    flush()
    artworks = select(*columns).where(Record.status == access.ACTIVE, Record.kind == "artworks")
    for row in session.execute(artworks):
        record_keys = [
            (t, v)
            for t, v in session.execute(
                select(RecordKey.key_type, RecordKey.value).where(RecordKey.record_id == row.id)
            )
        ]
        entry = object_entry(row.id, row.seq, row.kind, row.title, record_keys, row.payload)
        if entry is not None:
            index.add_object(entry, _row_policy(row, grants))
    return count


def _row_policy(row: Any, grants: dict[int, list[tuple[str, str]]]) -> Policy:
    return Policy(
        owner_agency_id=row.owner_agency_id,
        owner_country=row.owner_country,
        access_mode=row.access_mode,
        grants=tuple(sorted(Grant(t, v) for t, v in grants.get(row.id, ()))),
        handling_codes=tuple(sorted(row.handling_codes or [])),
    )


def apply_changes(session: Session, index: ScreeningIndex, *, limit: int = 1000) -> int:
    """Bring the index up to the store's change sequence; how many changes were applied."""
    from bluebridge.records.service import changes_since

    applied = 0
    while True:
        changed = changes_since(session, after_seq=index.sequence, limit=limit)
        if not changed:
            break
        ids = [r.id for r in changed if r.status == access.ACTIVE and r.kind != PERSON_KIND]
        keys: dict[int, list[tuple[str, str]]] = {}
        if ids:
            for record_id, key_type, value in session.execute(
                select(RecordKey.record_id, RecordKey.key_type, RecordKey.value).where(
                    RecordKey.record_id.in_(ids)
                )
            ):
                keys.setdefault(record_id, []).append((key_type, value))
        for record in changed:
            if record.status != access.ACTIVE:
                index.remove(record.id, record.seq)
            elif record.kind == PERSON_KIND:
                index.add_person(
                    person_entry(record.id, record.seq, record.title, record.payload),
                    policy_of(record),
                )
            else:
                entry = object_entry(
                    record.id,
                    record.seq,
                    record.kind,
                    record.title,
                    keys.get(record.id, []),
                    record.payload,
                )
                if entry is None:
                    index.remove(record.id, record.seq)
                else:
                    index.add_object(entry, policy_of(record))
            index.sequence = max(index.sequence, record.seq)
            applied += 1
        if len(changed) < limit:
            break
    if applied:
        index.maybe_merge()
    return applied


_LATEST_SEQ = select(func.max(Record.seq))


class Screening:
    """One process's screening: its index, kept current from the store."""

    def __init__(self, engine: Engine, *, follow: bool = True) -> None:
        self._engine = engine
        self._follow = follow
        self.index = ScreeningIndex()
        self._ready = threading.Event()
        self._start_lock = threading.Lock()
        self._catch_up = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.build_seconds = 0.0

    def start(self) -> None:
        """Build the index from the store (once) and start following its changes."""
        if self._ready.is_set():
            return
        with self._start_lock:
            if self._ready.is_set():
                return
            started = time.perf_counter()
            warm_up()
            warm_up_bound()
            with self._reading() as session:
                load(session, self.index)
            self.build_seconds = time.perf_counter() - started
            log.info(
                "screening index built in %.1f s at sequence %d",
                self.build_seconds,
                self.index.sequence,
            )
            self._ready.set()
            if self._follow:
                self._thread = threading.Thread(
                    target=self._run, name="screening-follower", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        """Stop following the store (waits for the follower to finish its turn)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(FOLLOW_INTERVAL):
            try:
                self.catch_up()
            except Exception:  # the store may be briefly away; try again at the next turn
                if self._stop.is_set():
                    return
                log.exception("following the store's changes failed; trying again")

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Session]:
        """A read-only session: on SQLite it does not queue behind writers (WAL). It ends with
        a commit: a rollback would also drop the connection's prepared statements (psycopg)."""
        with (
            self._engine.connect().execution_options(**{READ_ONLY: True}) as connection,
            Session(bind=connection) as session,
        ):
            yield session
            session.commit()

    def catch_up(self, session: Session | None = None) -> None:
        """Apply the store's changes since the index's sequence (waiting for another thread
        that is doing so, so that what was committed before the call is screened). With a
        session, reads through it: one query, and no lock, when nothing changed."""
        if session is not None:
            latest = session.scalar(_LATEST_SEQ)
            if latest is None or latest <= self.index.sequence:
                return
        if not self._catch_up.acquire(timeout=5):
            return
        try:
            if session is not None:
                apply_changes(session, self.index)
                return
            with self._reading() as reading:
                apply_changes(reading, self.index)
        finally:
            self._catch_up.release()

    def ready(self, session: Session | None = None) -> Screening:
        self.start()
        self.catch_up(session)
        return self


# ---------------------------------------------------------------- screening


@dataclass(frozen=True, slots=True)
class Contact:
    country: str | None
    agency_code: str | None
    agency_name: str | None


@dataclass
class Match:
    """One record a query matched, as the principal may see it."""

    record_id: int
    kind: str
    owner_country: str | None
    possible_hit: bool
    score: float | None = None
    title: str | None = None
    status: str | None = None  # what the record says of its subject (wanted, missing...)
    matched: str | None = None  # the name or key that matched
    explanation: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    contact: Contact | None = None
    notices: list[ScreeningNotice] = field(default_factory=list)  # live ones on the record

    @property
    def message(self) -> str:
        if self.possible_hit:
            ncb = self.contact.agency_name if self.contact and self.contact.agency_name else None
            who = ncb or f"the NCB of {self.owner_country or 'the owning country'}"
            return f"possible hit: contact {who}, reference {self.record_id}"
        return f"hit: {self.title} (score {self.score:.2f})"


@dataclass
class Result:
    query: Query
    matches: list[Match]

    @property
    def status(self) -> str:
        if any(not m.possible_hit for m in self.matches):
            return "hit"
        if self.matches:
            return "possible_hit"
        return "no_hit"


def _person_match(hit: PersonHit) -> Match:
    if hit.visibility is Visibility.POSSIBLE_HIT:
        return Match(hit.entry.record_id, hit.entry.kind, hit.policy.owner_country, True)
    features = {"name": hit.score.name.score}
    for item in hit.score.evidence:
        features[item.field] = item.effect
    return Match(
        record_id=hit.entry.record_id,
        kind=hit.entry.kind,
        owner_country=hit.policy.owner_country,
        possible_hit=False,
        score=hit.score.score,
        title=hit.entry.title,
        status=hit.entry.status or None,
        matched=hit.score.matched_name,
        explanation=hit.score.explain(),
        features=features,
    )


def _object_match(hit: ObjectHit, titles: dict[int, tuple[str, str | None]]) -> Match:
    if hit.visibility is Visibility.POSSIBLE_HIT:
        return Match(hit.record_id, hit.kind, hit.policy.owner_country, True)
    title, status = titles.get(hit.record_id, (hit.title or "", None))
    how = (
        f"{hit.key}: exact key"
        if hit.key != "artwork"
        else f"title and artist alike ({hit.score:.2f})"
    )
    return Match(
        record_id=hit.record_id,
        kind=hit.kind,
        owner_country=hit.policy.owner_country,
        possible_hit=False,
        score=hit.score,
        title=title,
        status=status,
        matched=hit.key,
        explanation=[how],
        features={"key": hit.score},
    )


def _owner_agencies(session: Session, hits: Iterable[tuple[int, Policy]]) -> dict[str, Agency]:
    countries = sorted({p.owner_country for _, p in hits if p.owner_country})
    if not countries:
        return {}
    rows = session.scalars(
        select(Agency).where(
            Agency.kind == AgencyKind.NCB.value,
            Agency.country.in_(countries),
            Agency.active.is_(True),
        )
    )
    return {a.country: a for a in rows if a.country}


def _object_titles(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """Titles and subject status of matched objects, read from the store (few per query)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Record.id, Record.title, Record.payload).where(Record.id.in_(ids))
    )
    out = {}
    for record_id, title, payload in rows:
        status = payload.get("status") if isinstance(payload, dict) else None
        out[record_id] = (title, str(status) if status else None)
    return out


def notice_action(notices: Sequence[ScreeningNotice]) -> str:
    """What the officer must do now, from the live notices on the record (the first, by the
    order of seriousness: a red notice before a diffusion before a warning)."""
    first = min(notices, key=lambda n: (_SERIOUSNESS.get(n.type, 99), n.notice_id))
    contact = first.contact_agency_name or f"the NCB of {first.contact_country or 'the requester'}"
    label = f"{first.type} {first.kind}" if first.kind == "notice" else f"{first.type} diffusion"
    return f"{label} {first.reference}: {first.asks}; contact {contact} now"[:200]


_SERIOUSNESS = {
    "red": 0,
    "un": 1,
    "wanted": 2,
    "orange": 3,
    "yellow": 4,
    "missing": 5,
    "black": 6,
    "green": 7,
    "warning": 8,
    "blue": 9,
    "information": 10,
    "purple": 11,
}


@dataclass(frozen=True, slots=True)
class Target:
    """A record matched, for the hit table, the access log and the audit."""

    id: int
    kind: str
    owner_agency_id: int
    owner_country: str | None


class HitBatch:
    """The hits of one request (online or uploaded from offline), each stored for the owner's
    inbox, noted in the owner's access log and audited; written together."""

    def __init__(
        self,
        session: Session,
        principal: Principal,
        *,
        agency_code: str | None,
        source: str,
        now: dt.datetime,
    ) -> None:
        self.session = session
        self.principal = principal
        self.agency_code = agency_code
        self.source = source
        self.now = now
        self.rows: list[dict[str, Any]] = []
        self.access_rows: list[dict[str, Any]] = []

    def add(
        self,
        target: Target,
        *,
        score: float | None,
        hit_only: bool,
        query: dict[str, Any],
        explanation: list[str],
        action: str | None,
        place: str | None,
        screened_at: dt.datetime,
    ) -> None:
        principal = self.principal
        self.rows.append(
            {
                "at": self.now,
                "screened_at": screened_at,
                "record_id": target.id,
                "record_kind": target.kind,
                "owner_agency_id": target.owner_agency_id,
                "owner_country": target.owner_country,
                "score": score if score is not None else 1.0,
                "hit_only": hit_only,
                "query": query,
                "explanation": [] if hit_only else explanation,
                "action": action,
                "actor_name": principal.name,
                "agency_id": principal.agency_id,
                "agency_code": self.agency_code,
                "country": principal.country,
                "place": place,
                "channel": principal.context.channel.value,
                "source": self.source,
                "request_id": principal.context.request_id,
            }
        )
        if principal.agency_id != target.owner_agency_id:
            self.access_rows.append(
                {
                    "record_id": target.id,
                    "at": self.now,
                    "action": "hit",
                    "actor_name": principal.name,
                    "agency_id": principal.agency_id,
                    "country": principal.country,
                    "channel": principal.context.channel.value,
                    "request_id": principal.context.request_id,
                }
            )
        details: dict[str, Any] = {
            "score": score,
            "hit_only": hit_only,
            "source": self.source,
            "place": place,
        }
        if self.source != "online":
            details["screened_at"] = screened_at.isoformat()
        audit.record(
            self.session,
            principal=principal,
            action="screening.hit",
            # A hit-only record's kind is part of what its owner keeps to itself.
            object_type="record" if hit_only else target.kind,
            object_id=target.id,
            object_country=target.owner_country,
            details=details,
        )

    def write(self) -> None:
        """One statement a table (the rows as plain values, no ORM objects). Each hit waits
        in the outbox (notified_at empty) for its message to the owner of the record hit,
        which the outbox sends after this transaction's commit (screening/outbox.py)."""
        connection = self.session.connection()
        if self.rows:
            connection.execute(insert(ScreeningHit), self.rows)
        if self.access_rows:
            connection.execute(insert(RecordAccess), self.access_rows)


def screen(
    session: Session,
    screening: Screening,
    *,
    principal: Principal,
    queries: Sequence[Query],
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 10,
    place: str | None = None,
    agency_code: str | None = None,
    source: str = "online",
    screened_at: dt.datetime | None = None,
    possible_threshold: float = DEFAULT_THRESHOLD,
) -> list[Result]:
    """Screen a batch: each query's matches among what the principal may learn of. Every
    query is audited (counts, not the traveller's details); every match is stored as a hit,
    noted in the owner's access log and audited."""
    if not may_screen(principal):
        raise PermissionDenied("screening needs the officer, border officer or analyst role")
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput.on("threshold", "must be above 0 and at most 1")
    index = screening.ready(session).index
    visibility = visibility_for(principal)
    results: list[Result] = []
    object_ids: set[int] = set()
    raw: list[tuple[Query, list[PersonHit], list[ObjectHit]]] = []
    all_keys = [k for q in queries for k in q.keys]
    key_hits = iter(index.search_keys(all_keys, visibility=visibility)) if all_keys else iter(())
    for query in queries:
        persons: list[PersonHit] = []
        if query.names:
            persons = index.search_person(
                query.names,
                birth=query.birth,
                nationalities=query.nationalities,
                gender=query.gender,
                visibility=visibility,
                threshold=threshold,
                limit=limit,
                possible_threshold=possible_threshold,
            )
        objects: list[ObjectHit] = []
        for _ in query.keys:
            objects.extend(next(key_hits))
        if query.artwork is not None:
            objects.extend(
                index.search_artwork(
                    query.artwork[0],
                    query.artwork[1],
                    visibility=visibility,
                    threshold=max(threshold, 0.75),
                    limit=limit,
                )
            )
        unique: dict[int, ObjectHit] = {}
        for hit in objects:
            unique.setdefault(hit.record_id, hit)
        objects = list(unique.values())[:limit]
        object_ids.update(h.record_id for h in objects if h.visibility is Visibility.FULL)
        raw.append((query, persons, objects))
    titles = _object_titles(session, sorted(object_ids))
    policies = [(h.entry.record_id, h.policy) for _, ps, _ in raw for h in ps]
    policies += [(h.record_id, h.policy) for _, _, os in raw for h in os]
    possible = [(r, p) for r, p in policies if p.access_mode == access.AccessMode.HIT_ONLY.value]
    ncbs = _owner_agencies(session, possible) if possible else {}
    matched_ids = {record_id for record_id, _ in policies}
    notices = on_records(session, principal=principal, record_ids=matched_ids)
    now = utcnow()
    hits = HitBatch(session, principal, agency_code=agency_code, source=source, now=now)
    total_matches = 0
    for query, persons, objects in raw:
        matches = [_person_match(h) for h in persons] + [_object_match(h, titles) for h in objects]
        policy_by_record = {h.entry.record_id: h.policy for h in persons}
        policy_by_record.update({h.record_id: h.policy for h in objects})
        for match in matches:
            policy = policy_by_record[match.record_id]
            ncb = ncbs.get(policy.owner_country or "")
            if match.possible_hit:
                match.contact = Contact(
                    policy.owner_country, ncb.code if ncb else None, ncb.name if ncb else None
                )
            match.notices = notices.get(match.record_id, [])
            target = Target(
                match.record_id, match.kind, policy.owner_agency_id, policy.owner_country
            )
            hits.add(
                target,
                score=match.score,
                hit_only=match.possible_hit,
                query=query.summary(),
                explanation=match.explanation,
                action=notice_action(match.notices) if match.notices else match.status,
                place=place,
                screened_at=screened_at or now,
            )
        total_matches += len(matches)
        results.append(Result(query, matches))
    hits.write()
    audit.record(
        session,
        principal=principal,
        action="screening.query",
        details={
            "queries": len(queries),
            "matches": total_matches,
            "threshold": threshold,
            "source": source,
            "place": place,
        },
    )
    return results


# ---------------------------------------------------------------- the hit inbox


def inbox_filter(principal: Principal) -> Any:
    """The hits an agency is told of: those on its own records and, for an NCB, on every
    record of its country; the General Secretariat's reviewers see all."""
    if principal.is_operator or (
        principal.agency_kind == AgencyKind.GENERAL_SECRETARIAT.value
        and principal.has_role(Role.COMPLIANCE_REVIEWER)
    ):
        return ScreeningHit.id.is_not(None)
    clauses = []
    if principal.agency_id is not None:
        clauses.append(ScreeningHit.owner_agency_id == principal.agency_id)
    if principal.agency_kind == AgencyKind.NCB.value and principal.country:
        clauses.append(ScreeningHit.owner_country == principal.country)
    if not clauses:
        return ScreeningHit.id.is_(None)
    from sqlalchemy import or_

    return or_(*clauses)


INBOX_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.COMPLIANCE_REVIEWER)


def hit_inbox(
    session: Session,
    *,
    principal: Principal,
    unacknowledged_only: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[ScreeningHit], int]:
    """Hits on the principal's agency's (or country's, for an NCB) records, newest first."""
    if not (principal.is_operator or any(principal.has_role(r) for r in INBOX_ROLES)):
        raise PermissionDenied("the hit inbox needs the officer, supervisor or analyst role")
    condition = inbox_filter(principal)
    query = select(ScreeningHit).where(condition)
    count = select(func.count()).select_from(ScreeningHit).where(condition)
    if unacknowledged_only:
        query = query.where(ScreeningHit.acknowledged_at.is_(None))
        count = count.where(ScreeningHit.acknowledged_at.is_(None))
    total = int(session.scalar(count) or 0)
    rows = list(
        session.scalars(
            query.order_by(ScreeningHit.at.desc(), ScreeningHit.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return rows, total


def get_hit(session: Session, *, principal: Principal, hit_id: int) -> ScreeningHit:
    """One hit, for the side told of it (the record's owner, its NCB) or the agency that
    screened: the two ends of its conversation. Absent and unseen read the same."""
    from sqlalchemy import or_

    from bluebridge.errors import NotFound

    if not (principal.is_operator or any(principal.has_role(r) for r in INBOX_ROLES)):
        raise NotFound(f"no hit {hit_id}")
    screened = (
        ScreeningHit.agency_id == principal.agency_id
        if principal.agency_id is not None
        else ScreeningHit.id.is_(None)
    )
    hit = (
        session.scalar(
            select(ScreeningHit).where(
                ScreeningHit.id == hit_id, or_(inbox_filter(principal), screened)
            )
        )
        if 1 <= hit_id <= 2**53
        else None
    )
    if hit is None:
        raise NotFound(f"no hit {hit_id}")
    audit.record(
        session,
        principal=principal,
        action="screening.hit_read",
        object_type="screening_hit",
        object_id=hit.id,
        object_country=hit.owner_country,
    )
    return hit


def acknowledge_hit(session: Session, *, principal: Principal, hit_id: int) -> ScreeningHit:
    """The owner has seen a hit and acts on it (audited)."""
    from bluebridge.errors import NotFound

    hit = session.scalar(
        select(ScreeningHit).where(ScreeningHit.id == hit_id, inbox_filter(principal))
    )
    if hit is None or not (
        principal.is_operator or any(principal.has_role(r) for r in INBOX_ROLES)
    ):
        raise NotFound(f"no hit {hit_id}")
    if hit.acknowledged_at is None:
        hit.acknowledged_at = utcnow()
        hit.acknowledged_by = principal.name
        audit.record(
            session,
            principal=principal,
            action="screening.hit_acknowledged",
            object_type="screening_hit",
            object_id=hit.id,
            object_country=hit.owner_country,
        )
    return hit


__all__ = [
    "DEFAULT_THRESHOLD",
    "Match",
    "Result",
    "Screening",
    "acknowledge_hit",
    "apply_changes",
    "get_hit",
    "hit_inbox",
    "load",
    "may_screen",
    "screen",
    "visibility_for",
]
