"""The store: SQLite settings, aware UTC times, settings and the secret key file."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.base import UTCDateTime


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_foreign_keys(runtime):
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with runtime.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_migrations_are_current(runtime):
    assert migrate.is_current(runtime.engine)
    assert migrate.current_revision(runtime.engine) == migrate.head_revision()


def test_foreign_keys_are_enforced(runtime):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), runtime.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agencies (code, name, kind, country, active, created_at) "
                "VALUES ('ZZZ-X', 'x', 'border_post', 'ZZZ', true, CURRENT_TIMESTAMP)"
            )
        )


def test_utc_datetime_refuses_naive_and_returns_aware(runtime):
    column = UTCDateTime()
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(dt.datetime(2026, 1, 1), runtime.engine.dialect)  # noqa: DTZ001
    paris = dt.timezone(dt.timedelta(hours=1))
    bound = column.process_bind_param(
        dt.datetime(2026, 1, 1, 12, tzinfo=paris), runtime.engine.dialect
    )
    restored = column.process_result_value(bound, runtime.engine.dialect)
    assert restored == dt.datetime(2026, 1, 1, 11, tzinfo=dt.UTC)
    assert restored is not None
    assert restored.tzinfo is not None


def test_secret_key_is_generated_once_with_owner_only_permissions(tmp_path):
    first = Settings(data_dir=tmp_path, secret_key=None)
    second = Settings(data_dir=tmp_path, secret_key=None)
    assert first.secret == second.secret
    assert len(first.secret) >= 48
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_database_url_for_display_hides_password():
    settings = Settings(database_url="postgresql://bb:topsecret@db.example:5432/bluebridge")
    assert "topsecret" not in settings.database_url_for_display
    assert settings.resolved_database_url.startswith("postgresql+psycopg://")


def test_bad_database_url_is_refused_naming_the_field():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="database_url"):
        Settings(database_url="mysql://nope")


def test_concurrent_workers_agree_on_one_secret_key(tmp_path):
    import threading

    keys: list[bytes] = []

    def read() -> None:
        keys.append(Settings(data_dir=tmp_path, secret_key=None).secret)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    assert keys[0]
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_readiness_does_not_wait_for_a_writer(runtime):
    """A long write transaction must not make the health probe wait (SQLite's write lock)."""
    import time

    with runtime.engine.connect() as writer:
        writer.execute(text("UPDATE audit_head SET seq = seq WHERE id = 1"))
        started = time.perf_counter()
        assert migrate.current_revision(runtime.engine) == migrate.head_revision()
        assert time.perf_counter() - started < 5
        writer.rollback()


def test_counting_stops_at_the_cap_and_says_so(session):
    from sqlalchemy import select

    from bluebridge.members.models import Agency
    from bluebridge.store.pagination import paginate

    query = select(Agency).order_by(Agency.id)
    exact = paginate(session, query, page=1, per_page=10)
    assert exact.total_exact
    assert exact.total > 150
    capped = paginate(session, query, page=2, per_page=10, count_cap=50)
    assert not capped.total_exact
    assert capped.total == 50
    assert len(capped.items) == 10
    generous = paginate(session, query, page=1, per_page=10, count_cap=10_000)
    assert generous.total_exact
    assert generous.total == exact.total


def test_the_migrations_build_exactly_the_models_tables(runtime):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bluebridge.store.models import metadata

    with runtime.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == [], "a model changed without a migration (see store.migrate.autogenerate)"


def test_lower_folds_every_alphabet_on_both_stores(runtime):
    with runtime.engine.connect() as connection:
        folded = connection.execute(
            text("SELECT lower(:a), lower(:b), lower(NULL)"),
            {"a": "ÉLODIE Ôrsini", "b": "ДМИТРИЙ"},
        ).one()
    assert tuple(folded) == ("élodie ôrsini", "дмитрий", None)
