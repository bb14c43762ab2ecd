"""Screening hits wait in an outbox for their message to the owner: when it was sent

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 20:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bluebridge.store.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("screening_hits") as batch:
        batch.add_column(
            sa.Column(
                "notified_at",
                bluebridge.store.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    # The hits stored before the outbox were told to their owners in their own transaction.
    op.execute("UPDATE screening_hits SET notified_at = at")
    op.create_index(
        "ix_screening_hits_waiting",
        "screening_hits",
        ["id"],
        postgresql_where=sa.text("notified_at IS NULL"),
        sqlite_where=sa.text("notified_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_screening_hits_waiting", table_name="screening_hits")
    with op.batch_alter_table("screening_hits") as batch:
        batch.drop_column("notified_at")
