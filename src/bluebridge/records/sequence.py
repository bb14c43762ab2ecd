"""The store's change sequence: one monotonic counter for every create, change, expiry and
deletion of a record. Taking numbers updates the counter's row first, which orders concurrent
writers; a rolled-back transaction gives its numbers back, so the sequence has no holes that a
follower could wait on forever."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bluebridge.records.models import ChangeSequence


def take(session: Session, count: int = 1) -> int:
    """Reserve `count` numbers and return the first."""
    if session.get(ChangeSequence, 1) is None:
        session.add(ChangeSequence(id=1, value=0))
        session.flush()
    session.execute(
        update(ChangeSequence)
        .where(ChangeSequence.id == 1)
        .values(value=ChangeSequence.value + count)
    )
    last = session.execute(
        select(ChangeSequence.value)
        .where(ChangeSequence.id == 1)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return int(last) - count + 1


def current(session: Session) -> int:
    """The last number taken (0 for an empty store)."""
    value = session.scalar(select(ChangeSequence.value).where(ChangeSequence.id == 1))
    return int(value or 0)
