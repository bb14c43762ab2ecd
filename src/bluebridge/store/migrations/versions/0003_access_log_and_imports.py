"""access log and imports

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 06:59:05.605713
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bluebridge.store.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "import_jobs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "bytes_total", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "bytes_read", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "rows_read", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("updated", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("rejected", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", bluebridge.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", bluebridge.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", bluebridge.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_import_jobs_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_jobs_agency_created", ["agency_id", "created_at"], unique=False
        )

    op.create_table(
        "import_rejections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("line", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["import_jobs.id"],
            name=op.f("fk_import_rejections_job_id_import_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rejections")),
    )
    with op.batch_alter_table("import_rejections", schema=None) as batch_op:
        batch_op.create_index("ix_import_rejections_job_line", ["job_id", "line"], unique=False)

    op.create_table(
        "record_access",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("at", bluebridge.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_access_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_access")),
    )
    with op.batch_alter_table("record_access", schema=None) as batch_op:
        batch_op.create_index("ix_record_access_record_at", ["record_id", "at"], unique=False)

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_records_kind_owner_country_status_seq",
            ["kind", "owner_country", "status", "seq"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_kind_owner_country_status_seq")

    with op.batch_alter_table("record_access", schema=None) as batch_op:
        batch_op.drop_index("ix_record_access_record_at")

    op.drop_table("record_access")
    with op.batch_alter_table("import_rejections", schema=None) as batch_op:
        batch_op.drop_index("ix_import_rejections_job_line")

    op.drop_table("import_rejections")
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_import_jobs_agency_created")

    op.drop_table("import_jobs")
