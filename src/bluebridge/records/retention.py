"""Retention and review: the owner is asked to review a record six months before it expires
and may extend it; an unreviewed record expires (it leaves every read path and index at once)
and is purged after a grace period, leaving only its audit trace. `bluebridge records expire`
runs the job, and `serve` runs it every day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bluebridge.access import records as access
from bluebridge.access.principal import Principal, operator_principal
from bluebridge.access.rules import require_role
from bluebridge.errors import PermissionDenied
from bluebridge.records import registry, sequence
from bluebridge.records.models import Record, RecordKey
from bluebridge.records.service import (
    REVIEW_NOTICE,
    WRITER_ROLES,
    audit_record,
    record_changed,
    visible_record,
)
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page, paginate

JOB = "bluebridge-retention"


@dataclass(frozen=True, slots=True)
class RetentionRun:
    expired: int
    purged: int


def expire_due(session: Session, *, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Expire up to `batch` active records whose time has come; returns how many."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(Record)
            .where(Record.status == access.ACTIVE, Record.expires_at <= now)
            .order_by(Record.expires_at, Record.id)
            .limit(batch)
            .with_for_update(skip_locked=True)  # two workers never expire the same record
        )
    )
    if not due:
        return 0
    first = sequence.take(session, len(due))
    job = operator_principal(JOB)
    for offset, record in enumerate(due):
        record.status = "expired"
        record.owner_reference = None  # free for a new record; the audit trace keeps the id
        record.seq = first + offset
        record.version += 1
        record.updated_at = now
        record.updated_by = JOB
        audit_record(
            session,
            job,
            record,
            "record.expire",
            {"expires_at": record.expires_at, "seq": record.seq},
        )
    session.execute(delete(RecordKey).where(RecordKey.record_id.in_([r.id for r in due])))
    session.flush()
    return len(due)


def purge_expired(
    session: Session, *, grace_days: int, now: dt.datetime | None = None, batch: int = 500
) -> int:
    """Delete expired and deleted records whose grace period has passed; the audit log keeps a
    trace of each (kind, owner country, when), never its content."""
    now = now or utcnow()
    gone = list(
        session.scalars(
            select(Record)
            .where(
                Record.status.in_(["expired", "deleted"]),
                Record.updated_at <= now - dt.timedelta(days=grace_days),
            )
            .order_by(Record.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )
    job = operator_principal(JOB)
    for record in gone:
        audit_record(
            session,
            job,
            record,
            "record.purge",
            {"status": record.status, "since": record.updated_at},
        )
        session.delete(record)
    session.flush()
    return len(gone)


def run(
    sessions: Callable[[], Session],
    *,
    grace_days: int,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> RetentionRun:
    """Expire and purge everything due, a batch a transaction, until nothing is left."""
    expired = purged = 0
    while True:
        with sessions() as session, session.begin():
            done = expire_due(session, now=now)
        expired += done
        if progress is not None and done:
            progress(done)
        if not done:
            break
    while True:
        with sessions() as session, session.begin():
            done = purge_expired(session, grace_days=grace_days, now=now)
        purged += done
        if not done:
            break
    return RetentionRun(expired=expired, purged=purged)


def due_for_review(
    session: Session, *, principal: Principal, page: int = 1, per_page: int = 50
) -> Page[Record]:
    """The principal's agency's records whose review date has come, soonest expiry first."""
    if principal.agency_id is None:
        raise PermissionDenied("records are owned by agencies; the operator owns none")
    query = (
        select(Record)
        .where(
            Record.owner_agency_id == principal.agency_id,
            Record.status == access.ACTIVE,
            Record.review_date <= utcnow(),
        )
        .order_by(Record.expires_at, Record.id)
    )
    return paginate(session, query, page=page, per_page=per_page)


def extend(
    session: Session, *, principal: Principal, record_id: int, kind_name: str | None = None
) -> Record:
    """The owner confirms the record is still needed: a new full retention period starts."""
    record, _seen = visible_record(session, principal, record_id, kind_name)
    if not access.may_change(principal, record):
        raise PermissionDenied("only the owning agency reviews its records")
    require_role(principal, *WRITER_ROLES)
    kind = registry.get(record.kind)
    years = kind.retention_for(kind.payload.model_validate(record.payload))
    now = utcnow()
    record.expires_at = now + dt.timedelta(days=round(365.25 * years))
    record.review_date = record.expires_at - REVIEW_NOTICE
    record_changed(session, principal, record, "record.extend", {"expires_at": record.expires_at})
    return record
