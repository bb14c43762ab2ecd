"""records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:44:38.703645
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bluebridge.store.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "change_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_sequence")),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("owner_country", sa.String(length=3), nullable=True),
        sa.Column("owner_reference", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=False),
        sa.Column("source_grading", sa.String(length=1), nullable=False),
        sa.Column("information_grading", sa.String(length=1), nullable=False),
        sa.Column("handling_codes", sa.JSON(), nullable=False),
        sa.Column("access_mode", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("review_date", bluebridge.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bluebridge.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", bluebridge.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", bluebridge.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agencies.id"], name=op.f("fk_records_owner_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
        sa.UniqueConstraint(
            "owner_agency_id", "kind", "owner_reference", name=op.f("uq_records_owner_agency_id")
        ),
        sa.UniqueConstraint("seq", name=op.f("uq_records_seq")),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_kind_status_seq", ["kind", "status", "seq"], unique=False)
        batch_op.create_index(
            "ix_records_owner_country_status", ["owner_country", "status"], unique=False
        )
        batch_op.create_index(
            "ix_records_status_expires_at", ["status", "expires_at"], unique=False
        )

    op.create_table(
        "record_grants",
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("grant_type", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_grants_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "grant_type", "value", name=op.f("pk_record_grants")),
    )
    with op.batch_alter_table("record_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_grants_lookup", ["grant_type", "value", "record_id"], unique=False
        )

    op.create_table(
        "record_keys",
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("key_type", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_keys_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "key_type", "value", name=op.f("pk_record_keys")),
    )
    with op.batch_alter_table("record_keys", schema=None) as batch_op:
        batch_op.create_index("ix_record_keys_lookup", ["key_type", "value"], unique=False)

    op.create_table(
        "record_links",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "from_record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "to_record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.Column("created_at", bluebridge.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_record_id"],
            ["records.id"],
            name=op.f("fk_record_links_from_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_record_id"],
            ["records.id"],
            name=op.f("fk_record_links_to_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_links")),
        sa.UniqueConstraint(
            "from_record_id",
            "to_record_id",
            "relation",
            name=op.f("uq_record_links_from_record_id"),
        ),
    )
    with op.batch_alter_table("record_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_links_from_record_id"), ["from_record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_links_to_record_id"), ["to_record_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("record_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_links_to_record_id"))
        batch_op.drop_index(batch_op.f("ix_record_links_from_record_id"))

    op.drop_table("record_links")
    with op.batch_alter_table("record_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_record_keys_lookup")

    op.drop_table("record_keys")
    with op.batch_alter_table("record_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_record_grants_lookup")

    op.drop_table("record_grants")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_status_expires_at")
        batch_op.drop_index("ix_records_owner_country_status")
        batch_op.drop_index("ix_records_kind_status_seq")

    op.drop_table("records")
    op.drop_table("change_sequence")
