"""Bulk import of travel-document records from CSV, printed as JSON.

Writes N rows (default 200,000) of a French NCB's stolen passports to a temporary CSV file,
then imports it through `records.imports.import_file`, the path `bluebridge records import`
takes, into a fresh store: SQLite, and PostgreSQL when one answers at
postgresql+psycopg://postgres@127.0.0.1:5432/postgres (a database of its own, dropped after).
Each run is a separate process, so that its peak resident memory (ru_maxrss) is its own; the
runs at N/4 and N rows show whether memory stays flat as the file grows. A second import of
the same file (every row an update) is timed too.

Run: `python bench/bench_records_import.py [N]`."""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bluebridge.access.principal import Channel, RequestContext, Role, operator_principal
from bluebridge.audit import service as audit
from bluebridge.members import authentication
from bluebridge.members import service as members
from bluebridge.members.models import User
from bluebridge.records import imports
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.engine import unit_of_work

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HEADER = [
    "owner_reference",
    "number",
    "issuing_country",
    "document_type",
    "status",
    "date_reported",
    "holder_name",
]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(2026)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(
                [
                    f"FR-SLTD-{n:09d}",
                    f"{n:09d}{rng.choice('ABCDEFGHJK')}",
                    "FRA",
                    rng.choice(("passport", "identity_card")),
                    rng.choice(("stolen_issued", "lost", "stolen_blank")),
                    "2026-01-15",
                    rng.choice(("", "Jean Martin", "Amélie Durand")),
                ]
            )


def one_run(rows: int, database_url: str) -> dict[str, object]:
    """Import `rows` rows into a fresh store at the URL (SQLite when empty); in this process."""
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        settings = Settings(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=secrets.token_hex(16),
            argon2_time_cost=1,
            argon2_memory_kib=1024,
        )
        runtime = Runtime.start(settings)
        migrate.upgrade(runtime.engine)
        with unit_of_work(runtime.sessions) as session:
            audit.initialise(session)
            members.sync_reference(session)
            agency = members.get_agency_by_code(session, code="FRA-NCB")
            user = members.create_user(
                session,
                settings=settings,
                principal=operator_principal("bench"),
                agency_id=agency.id,
                username="bench.officer",
                display_name="Bench Officer",
                roles=[Role.OFFICER.value],
                password=secrets.token_urlsafe(16),
            )
            user_id = user.id
        with runtime.sessions() as session:
            loaded = session.get(User, user_id)
            assert loaded is not None
            principal = authentication.principal_for_user(
                loaded, RequestContext(Channel.CLI), second_factor=True
            )
        source = data_dir / "sltd.csv"
        write_csv(source, rows)
        size = source.stat().st_size
        defaults = imports.EnvelopeDefaults(
            source_type="border_control", source_grading="B", information_grading="2"
        )
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        timings = []
        for _ in range(2):  # the first run creates every record, the second updates them
            with runtime.sessions() as session, source.open("rb") as handle:
                started = time.perf_counter()
                job = imports.import_file(
                    session,
                    settings=settings,
                    principal=principal,
                    kind_name="travel_documents",
                    format=imports.ImportFormat.CSV,
                    source=handle,
                    filename=source.name,
                    bytes_total=size,
                    defaults=defaults,
                    operator="bench",
                )
                timings.append((time.perf_counter() - started, job.created, job.updated))
                assert job.status == "done", job.error
                assert job.rejected == 0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        runtime.engine.dispose()
    (first, created, _), (second, _, updated) = timings
    return {
        "rows": rows,
        "file_mb": round(size / 1e6, 1),
        "created": created,
        "create_records_per_second": round(rows / first),
        "updated": updated,
        "update_records_per_second": round(rows / second),
        "peak_rss_mb": round(peak / 1024, 1),
        "rss_growth_during_import_mb": round((peak - before) / 1024, 1),
    }


def postgres_database() -> tuple[str, str] | None:
    """A fresh database on the local PostgreSQL (its URL and name), or None if none answers."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"bluebridge_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        return None
    finally:
        admin.dispose()
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    return url, name


def drop_postgres_database(name: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def in_subprocess(rows: int, database_url: str) -> dict[str, object]:
    result = subprocess.run(  # noqa: S603 - this very script, with our own arguments
        [sys.executable, __file__, "--one", str(rows), database_url],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--one":
        url = sys.argv[3] if len(sys.argv) > 3 else ""
        print(json.dumps(one_run(int(sys.argv[2]), url)))
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    sizes = [max(1000, rows // 4), rows]
    stores: dict[str, object] = {
        "sqlite": [in_subprocess(size, "") for size in sizes],
    }
    for size in sizes:
        created = postgres_database()
        if created is None:
            stores["postgresql"] = "unreachable at " + POSTGRES_ADMIN_URL
            break
        url, name = created
        try:
            stores.setdefault("postgresql", []).append(in_subprocess(size, url))  # type: ignore[union-attr]
        finally:
            drop_postgres_database(name)
    print(
        json.dumps(
            {
                "benchmark": "records_import",
                "kind": "travel_documents",
                "format": "csv",
                "batch_size": imports.BATCH_SIZE,
                "cpus": os.cpu_count(),
                "stores": stores,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
