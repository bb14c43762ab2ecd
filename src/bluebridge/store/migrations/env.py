"""Alembic environment: runs on the connection Bluebridge hands it, on SQLite or PostgreSQL."""

from __future__ import annotations

from alembic import context

from bluebridge.store.models import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `bluebridge db upgrade`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
