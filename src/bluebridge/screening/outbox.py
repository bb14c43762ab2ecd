"""The hit outbox: each stored hit's message to the owner of the record hit.

A screening stores its hits in its own transaction, so the owner's hit inbox shows them the
moment the check is answered. The message on the secure network (encrypted for the owner's
NCB and signed by the screening agency) is written by the outbox after that commit: a
background worker of each server process takes the waiting hits, many at a time, and sends
their messages in one transaction, which marks them sent. The check does not wait for the
cryptography and the message's rows, and a burst of checks costs one key lookup and a few
statements for all of its hits.

A hit waits while its `notified_at` is empty. Taking hits marks them in the same statement
(on PostgreSQL skipping rows another worker holds), and the messages are written in that
transaction: two workers never send one hit twice, and a failure (the database away, a key
that cannot be opened) rolls the batch back into the outbox, tried again later. A hit on the
screening agency's own record is marked with no message. Hits stored before the outbox
existed were told in their own transaction (the migration marks them)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bluebridge.messaging.service import HitNote
from bluebridge.screening.models import ScreeningHit
from bluebridge.store.base import utcnow
from bluebridge.store.engine import READ_ONLY, unit_of_work

log = logging.getLogger(__name__)

INTERVAL = 0.2  # seconds between looks at an empty outbox: a hit's message follows within it
BATCH = 500  # hits a transaction
MAX_BACKOFF = 30.0  # seconds between tries while sending fails

# Sends the messages of hits, in the session's transaction.
Notifier = Callable[[Session, Sequence[HitNote]], object]

_TAKEN = (
    ScreeningHit.id,
    ScreeningHit.record_id,
    ScreeningHit.record_kind,
    ScreeningHit.owner_agency_id,
    ScreeningHit.owner_country,
    ScreeningHit.score,
    ScreeningHit.hit_only,
    ScreeningHit.place,
    ScreeningHit.screened_at,
    ScreeningHit.agency_id,
    ScreeningHit.actor_name,
    ScreeningHit.country,
    ScreeningHit.request_id,
)


_ANY_WAITING = select(ScreeningHit.id).where(ScreeningHit.notified_at.is_(None)).limit(1)


def take(session: Session, *, limit: int = BATCH, now: dt.datetime | None = None) -> list[HitNote]:
    """Mark up to `limit` waiting hits as told, oldest first, and return them: the caller's
    transaction owns them until it commits (their messages written) or rolls back (they wait
    again). On PostgreSQL rows locked by another worker are skipped; on SQLite the statement
    holds the database's write lock."""
    oldest = (
        select(ScreeningHit.id)
        .where(ScreeningHit.notified_at.is_(None))
        .order_by(ScreeningHit.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = session.connection().execute(
        update(ScreeningHit)
        .where(ScreeningHit.id.in_(oldest), ScreeningHit.notified_at.is_(None))
        .values(notified_at=now or utcnow())
        .returning(*_TAKEN)
    )
    return sorted(
        (
            HitNote(
                hit_id=row.id,
                record_id=row.record_id,
                record_kind=row.record_kind,
                owner_agency_id=row.owner_agency_id,
                owner_country=row.owner_country,
                score=None if row.hit_only else row.score,
                place=row.place,
                screened_at=row.screened_at,
                hit_only=row.hit_only,
                agency_id=row.agency_id,
                actor_name=row.actor_name,
                country=row.country,
                request_id=row.request_id,
            )
            for row in rows
        ),
        key=lambda note: note.hit_id,
    )


def waiting(session: Session) -> int:
    """How many hits wait for their message (for the operator; no country's detail)."""
    return int(
        session.scalar(
            select(func.count()).select_from(ScreeningHit).where(ScreeningHit.notified_at.is_(None))
        )
        or 0
    )


class HitOutbox:
    """Sends waiting hits' messages: on demand (`drain`) and, once started, from a thread of
    this process that looks every `interval` seconds."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        notifier: Notifier,
        *,
        interval: float = INTERVAL,
        batch: int = BATCH,
    ) -> None:
        self._sessions = sessions
        self._notifier = notifier
        self.interval = interval
        self.batch = batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0  # hits this process has taken out of the outbox

    def _any_waiting(self) -> bool:
        """Whether a hit waits, read without the write lock (on SQLite, taking hits holds the
        database's write lock: an empty outbox must not queue behind the checks' writes)."""
        with self._sessions() as session:
            connection = session.connection(execution_options={READ_ONLY: True})
            found = connection.scalar(_ANY_WAITING) is not None
            session.commit()  # a rollback would drop the connection's prepared statements
        return found

    def drain(self) -> int:
        """Send every waiting hit's message, a batch a transaction; the hits taken. A failing
        batch raises, and its hits wait for the next try."""
        taken = 0
        with self._lock:
            if not self._any_waiting():
                return 0
            while True:
                with unit_of_work(self._sessions) as session:
                    notes = take(session, limit=self.batch)
                    if notes:
                        self._notifier(session, notes)
                taken += len(notes)
                self.sent += len(notes)
                if len(notes) < self.batch:
                    return taken

    def start(self) -> None:
        """Look at the outbox from a thread of this process until `stop`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hit-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._thread = None

    def _run(self) -> None:
        pause = self.interval
        while not self._stop.wait(pause):
            try:
                self.drain()
                pause = self.interval
            except Exception:  # the store may be briefly away: the hits wait, tried again
                if self._stop.is_set():
                    return
                log.exception("sending hits' messages failed; they wait for the next try")
                pause = min(MAX_BACKOFF, max(pause * 2, 1.0))
