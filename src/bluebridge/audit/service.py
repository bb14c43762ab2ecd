"""Writing and checking the audit chain.

Service functions call :func:`record` during their work; the events wait in the session and
are chained at commit, so the lock on the chain's head is held only for the last moment of a
transaction (three statements and the commit), and a rolled-back change leaves no event
behind. Events that must survive a refusal (a failed sign-in) are recorded and then committed
by the caller before it answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, event, false, insert, or_, select, true, update
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.util import identity_key

from bluebridge.access import rules
from bluebridge.access.principal import Principal, RequestContext, Role
from bluebridge.audit.models import AuditEvent, AuditHead
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page, paginate
from bluebridge.text import check_text

GENESIS_HASH = "0" * 64
_PENDING_KEY = "bluebridge.audit.pending"
_SAVEPOINTS_KEY = "bluebridge.audit.savepoints"  # savepoint -> events pending when it began
# Field names whose values are secrets: any name containing one of the words, or equal to one
# of the exact names (a bare "code" is a second-factor code; "agency_code" is not a secret).
SECRET_FIELD_WORDS = ("password", "secret", "token", "passphrase")
SECRET_FIELD_NAMES = frozenset({"key", "api_key", "code", "otp", "totp", "hash", "password_hash"})
MASK = "***"


class Outcome:
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"


def mask_secrets(details: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the details with the value of every secret-looking field masked."""
    masked: dict[str, Any] = {}
    for name, value in details.items():
        lowered = name.lower()
        if isinstance(value, Mapping):
            masked[name] = mask_secrets(value)
        elif lowered in SECRET_FIELD_NAMES or any(word in lowered for word in SECRET_FIELD_WORDS):
            masked[name] = MASK
        else:
            masked[name] = value
    return masked


def _canonical(details: Mapping[str, Any]) -> str:
    return json.dumps(
        details, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# What an event's hash covers, in this order: its sequence number, its content, and the hash
# of the event before it, as one compact JSON array.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "agency_id",
    "country",
    "channel",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "object_country",
    "request_id",
    "client_address",
    "details",
    "prev_hash",
)
_CONTENT_FIELDS = HASHED_FIELDS[1:-1]


def _hashed_content(fields: Mapping[str, Any]) -> bytes:
    """The encoded array's middle: what is known of an event before its place in the chain."""
    content = [fields[name] for name in _CONTENT_FIELDS]
    content[0] = _timestamp(content[0])
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()[1:-1]


def _link_hash(seq: int, content: bytes, prev_hash: str) -> str:
    encoded = b"[%d,%s,%s]" % (seq, content, json.dumps(prev_hash).encode())
    return hashlib.sha256(encoded).hexdigest()


def event_hash(event_row: AuditEvent) -> str:
    """The SHA-256 of an event's content and the hash of the event before it."""
    content = _hashed_content({name: getattr(event_row, name) for name in _CONTENT_FIELDS})
    return _link_hash(event_row.seq, content, event_row.prev_hash)


@dataclass(frozen=True, slots=True)
class _Pending:
    fields: dict[str, Any]
    content: bytes  # encoded while the event is recorded, outside the head's lock


def record(
    session: Session,
    *,
    action: str,
    principal: Principal | None = None,
    context: RequestContext | None = None,
    actor_name: str | None = None,
    outcome: str = Outcome.SUCCESS,
    object_type: str | None = None,
    object_id: object | None = None,
    object_country: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Queue an audit event in this transaction; it is chained and written at commit."""
    ctx = principal.context if principal is not None else context
    if ctx is None:
        raise ValueError("an audit event needs a principal or a request context")
    fields: dict[str, Any] = {
        "at": utcnow(),
        "actor_kind": principal.kind.value if principal else "anonymous",
        "actor_id": principal.id if principal else None,
        "actor_name": (principal.name if principal else actor_name) or "anonymous",
        "agency_id": principal.agency_id if principal else None,
        "country": principal.country if principal else None,
        "channel": ctx.channel.value,
        "action": action,
        "outcome": outcome,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "object_country": object_country,
        "request_id": ctx.request_id,
        "client_address": ctx.client_address,
        "details": _canonical(mask_secrets(details or {})),
    }
    session.info.setdefault(_PENDING_KEY, []).append(_Pending(fields, _hashed_content(fields)))


def _ensure_head(session: Session) -> None:
    if session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, seq=0, hash=GENESIS_HASH))
        session.flush()


# Updating the head takes its row's write lock (on SQLite, the database write lock), so
# concurrent writers queue here; RETURNING reads the head they now own in the same round trip.
_TAKE_HEAD = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(seq=AuditHead.seq)
    .returning(AuditHead.seq, AuditHead.hash)
)

# On PostgreSQL the whole append is one statement: lock the head, link and hash the events
# (the same bytes as _link_hash), insert them and move the head. Between taking the lock and
# the commit, the database then waits for this process once, not after each statement; every
# writer of the installation queues on that lock, and a process busy with other requests
# answers late.
_APPEND_IN_DATABASE = """
WITH RECURSIVE
head AS (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE),
events AS (
    SELECT * FROM unnest(
        %(content)s::bytea[], %(at)s::timestamptz[], %(actor_kind)s::text[],
        %(actor_id)s::int[], %(actor_name)s::text[], %(agency_id)s::int[], %(country)s::text[],
        %(channel)s::text[], %(action)s::text[], %(outcome)s::text[], %(object_type)s::text[],
        %(object_id)s::text[], %(object_country)s::text[], %(request_id)s::text[],
        %(client_address)s::text[], %(details)s::text[]
    ) WITH ORDINALITY AS e(
        content, at, actor_kind, actor_id, actor_name, agency_id, country, channel, action,
        outcome, object_type, object_id, object_country, request_id, client_address, details, n
    )
),
chain(n, seq, prev_hash, hash) AS (
    SELECT 0::bigint, seq, NULL::text, hash::text FROM head
    UNION ALL
    SELECT e.n, c.seq + 1, c.hash, encode(sha256(
        convert_to('[' || (c.seq + 1)::text || ',', 'UTF8') || e.content
        || convert_to(',"' || c.hash || '"]', 'UTF8')
    ), 'hex')
    FROM chain c JOIN events e ON e.n = c.n + 1
),
appended AS (
    INSERT INTO audit_events (
        seq, at, actor_kind, actor_id, actor_name, agency_id, country, channel, action,
        outcome, object_type, object_id, object_country, request_id, client_address, details,
        prev_hash, hash
    )
    SELECT c.seq, e.at, e.actor_kind, e.actor_id, e.actor_name, e.agency_id, e.country,
        e.channel, e.action, e.outcome, e.object_type, e.object_id, e.object_country,
        e.request_id, e.client_address, e.details, c.prev_hash, c.hash
    FROM chain c JOIN events e ON e.n = c.n
    RETURNING seq
)
UPDATE audit_head SET seq = last.seq, hash = last.hash
FROM (SELECT seq, hash FROM chain ORDER BY n DESC LIMIT 1) AS last
WHERE audit_head.id = 1
RETURNING (SELECT count(*) FROM appended)
"""


def _write_pending(session: Session) -> None:
    if not session.info.get(_PENDING_KEY):
        return
    # The transaction's own changes are written first: the head's lock, which orders every
    # writer of the installation, is then held only for the chain and the commit.
    session.flush()
    pending: list[_Pending] = session.info.pop(_PENDING_KEY, [])
    connection = session.connection()
    append = _append_in_database if connection.dialect.name == "postgresql" else _append
    if not append(connection, pending):
        _ensure_head(session)  # a store whose chain was never initialised
        if not append(connection, pending):
            raise RuntimeError("the audit chain's head cannot be written")
    # The head this session holds would otherwise keep the values from before.
    loaded = session.identity_map.get(identity_key(AuditHead, 1))
    if loaded is not None:
        session.expire(loaded)


def _append(connection: Connection, pending: list[_Pending]) -> bool:
    """Link, hash and insert the events here; False when there is no head."""
    head = connection.execute(_TAKE_HEAD).one_or_none()
    if head is None:
        return False
    seq, previous = head
    rows = []
    for item in pending:
        seq += 1
        link = _link_hash(seq, item.content, previous)
        rows.append({**item.fields, "seq": seq, "prev_hash": previous, "hash": link})
        previous = link
    connection.execute(insert(AuditEvent), rows)
    connection.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=previous))
    return True


def _append_in_database(connection: Connection, pending: list[_Pending]) -> bool:
    """The same in one statement of PostgreSQL; False when there is no head."""
    columns: dict[str, list[Any]] = {"content": [item.content for item in pending]}
    for name in _CONTENT_FIELDS:
        columns[name] = [item.fields[name] for item in pending]
    appended = connection.exec_driver_sql(_APPEND_IN_DATABASE, columns).scalar()
    if appended is None:
        return False
    if appended != len(pending):
        raise RuntimeError(f"audit chain: {appended} of {len(pending)} events appended")
    return True


@event.listens_for(Session, "before_commit")
def _chain_before_commit(session: Session) -> None:
    # SQLAlchemy calls this for a savepoint released too: the chain is written at the real
    # commit only. Written earlier, the head's lock (which orders every writer) would be held
    # through the rest of the transaction, and two transactions could wait on each other.
    if session.info.get(_PENDING_KEY) and not session.in_nested_transaction():
        _write_pending(session)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = session.info.setdefault(_SAVEPOINTS_KEY, {})
        marks[id(transaction)] = len(session.info.get(_PENDING_KEY, ()))


@event.listens_for(Session, "after_transaction_end")
def _forget_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.get(_SAVEPOINTS_KEY, {}).pop(id(transaction), None)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint rolled back: only the events recorded since it began go.
        savepoint = session.get_nested_transaction()
        mark = session.info.get(_SAVEPOINTS_KEY, {}).get(id(savepoint))
        pending = session.info.get(_PENDING_KEY)
        if mark is not None and pending is not None:
            del pending[mark:]
        return
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_SAVEPOINTS_KEY, None)


def initialise(session: Session) -> None:
    """Create the chain's head row if the store has none yet."""
    _ensure_head(session)


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    reason: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    events_checked: int
    problem: ChainProblem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _walk(session: Session, batch: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify_chain(
    session: Session, *, batch: int = 5000, progress: Any | None = None
) -> ChainReport:
    """Walk the chain and report the first edited, deleted or reordered event."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    expected_seq, previous, checked = 1, GENESIS_HASH, 0
    for row in _walk(session, batch):
        if row.seq != expected_seq:
            return ChainReport(checked, ChainProblem(expected_seq, "event missing (deleted)"))
        if row.prev_hash != previous:
            return ChainReport(
                checked,
                ChainProblem(
                    row.seq,
                    "does not follow the event before it (reordered or an earlier event deleted)",
                ),
            )
        if event_hash(row) != row.hash:
            return ChainReport(checked, ChainProblem(row.seq, "content edited (hash mismatch)"))
        previous, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
        if progress is not None:
            progress(1)
    if checked != head_seq or previous != head_hash:
        return ChainReport(
            checked, ChainProblem(expected_seq, "chain ends early: last events deleted")
        )
    return ChainReport(checked, None)


def _visible_events_filter(principal: Principal) -> ColumnElement[bool]:
    """Who reads the log: the platform's administrators and data protection officers all of
    it; a country's data protection officer or administrator, the events of its country."""
    if principal.is_operator:
        return true()
    if principal.agency_kind == rules.GENERAL_SECRETARIAT and principal.has_role(
        Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER
    ):
        return true()
    if principal.country and principal.has_role(Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER):
        return or_(
            AuditEvent.country == principal.country, AuditEvent.object_country == principal.country
        )
    return false()


def list_events(
    session: Session,
    *,
    principal: Principal,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_name: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[AuditEvent]:
    """Audit events the principal may read, newest first. Reading the log is itself audited."""
    rules.require_role(principal, Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER)
    filters = {
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "actor": actor_name,
    }
    for field, value in filters.items():
        if value:
            check_text(field, value)
    query = (
        select(AuditEvent).where(_visible_events_filter(principal)).order_by(AuditEvent.seq.desc())
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if actor_name:
        query = query.where(AuditEvent.actor_name == actor_name)
    result = paginate(session, query, page=page, per_page=per_page)
    record(
        session,
        principal=principal,
        action="audit.read",
        details={"filters": filters},
    )
    return result
