"""Foundation figures, printed as JSON: audit-chain append rate, the latency of an API request
authenticated by key through the whole ASGI stack, and the cost of one password check.

Run: `python bench/bench_foundation.py [--database-url URL]` (default: a temporary SQLite)."""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from bluebridge.access.principal import Role, operator_principal
from bluebridge.api.app import create_app
from bluebridge.audit import service as audit
from bluebridge.members import service
from bluebridge.members.security import hash_password, verify_password
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.engine import unit_of_work


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=2_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            data_dir=Path(directory),
            database_url=args.database_url,
            secret_key=secrets.token_hex(16),
        )
        runtime = Runtime.start(settings)
        migrate.upgrade(runtime.engine)
        with unit_of_work(runtime.sessions) as session:
            audit.initialise(session)
            service.sync_reference(session)
        operator = operator_principal("bench")

        # Audit appends, 100 events a transaction as a busy service would write them.
        started = time.perf_counter()
        for _batch in range(args.events // 100):
            with unit_of_work(runtime.sessions) as session:
                for n in range(100):
                    audit.record(
                        session, principal=operator, action="bench.event", details={"n": n}
                    )
        append_seconds = time.perf_counter() - started

        started = time.perf_counter()
        with runtime.sessions() as session:
            report = audit.verify_chain(session)
        verify_seconds = time.perf_counter() - started
        assert report.intact

        # One event a transaction: the worst case, each commit takes the chain's head.
        started = time.perf_counter()
        for n in range(500):
            with unit_of_work(runtime.sessions) as session:
                audit.record(session, principal=operator, action="bench.single", details={"n": n})
        single_seconds = time.perf_counter() - started

        with unit_of_work(runtime.sessions) as session:
            agency = service.get_agency_by_code(session, code="FRA-NCB")
            _key, plaintext = service.create_api_key(
                session,
                settings=settings,
                principal=operator,
                agency_id=agency.id,
                name="bench",
                roles=[Role.OFFICER.value],
                expires_in_days=1,
            )
        warnings.filterwarnings("ignore", message="Using .httpx. with .starlette.testclient.")
        from fastapi.testclient import TestClient

        latencies: list[float] = []
        with TestClient(create_app(runtime=runtime)) as client:
            headers = {"Authorization": f"Bearer {plaintext}"}
            for _ in range(50):
                client.get("/api/v1/me", headers=headers)
            for _ in range(args.requests):
                started = time.perf_counter()
                response = client.get("/api/v1/me", headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200

        stored = hash_password(settings, "correct horse battery staple")
        started = time.perf_counter()
        for _ in range(20):
            verify_password(settings, stored, "correct horse battery staple")
        password_ms = (time.perf_counter() - started) / 20 * 1000
        runtime.engine.dispose()

    print(
        json.dumps(
            {
                "benchmark": "foundation",
                "store": runtime.engine.dialect.name,
                "audit_events_per_second_batched": round(args.events / append_seconds),
                "audit_events_per_second_one_per_commit": round(500 / single_seconds),
                "audit_verify_events_per_second": round(report.events_checked / verify_seconds),
                "api_key_request_ms": {
                    "p50": round(statistics.median(latencies), 3),
                    "p95": round(percentile(latencies, 0.95), 3),
                    "p99": round(percentile(latencies, 0.99), 3),
                    "requests": len(latencies),
                },
                "password_check_ms": round(password_ms, 1),
                "argon2": {
                    "time_cost": settings.argon2_time_cost,
                    "memory_kib": settings.argon2_memory_kib,
                    "parallelism": settings.argon2_parallelism,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
