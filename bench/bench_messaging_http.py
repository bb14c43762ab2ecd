"""The secure network through HTTP, printed as JSON: the real server (`bluebridge serve`, 2
workers on this 2-core machine) and a load generator on the same machine, as a system that
sends many messages talks to it: `POST /api/v1/messages/batch` with 50 messages a request
over keep-alive connections, and, for comparison, `POST /api/v1/messages` one at a time.
Every message is authenticated, checked, encrypted for its readers, signed, stored,
delivered to its recipient's inbox, audited and told live; the store is counted afterwards.
Target: at least 500 messages/s accepted, stored encrypted and delivered.

Run: `python bench/bench_messaging_http.py [--batches N] [--connections C] [--database-url URL]`."""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screening_http import _database, free_port, start_server
from sqlalchemy import func, select

from bluebridge.access.principal import operator_principal
from bluebridge.audit import service as audit
from bluebridge.members import service as members
from bluebridge.messaging.models import Message, MessageKey, MessageRecipient
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.engine import unit_of_work

BODY = "The person named in the red notice was seen boarding a ferry to Tangier. " * 20
PER_BATCH = 50
TO = ("DEU-NCB", "ESP-NCB", "ITA-NCB")


def _message(n: int) -> dict[str, Any]:
    return {
        "subject": f"Sighting {n}",
        "body": BODY,
        "address": {"agencies": [TO[n % 3]]},
        "priority": ("routine", "urgent", "immediate")[n % 3],
    }


def _wait(port: int, key: str, seconds: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request(
                "GET", "/api/v1/messages/unread", headers={"Authorization": f"Bearer {key}"}
            )
            if connection.getresponse().status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer in time")


def _load(port: int, key: str, bodies: list[tuple[str, Any]], connections: int) -> dict[str, Any]:
    """Send the bodies over `connections` keep-alive connections; latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    cursor = [0]

    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def work() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # keep-alive
        while True:
            with lock:
                if cursor[0] >= len(bodies):
                    connection.close()
                    return
                path, body = bodies[cursor[0]]
                cursor[0] += 1
            data = json.dumps(body).encode()
            t0 = time.perf_counter()
            connection.request("POST", path, body=data, headers=headers)
            answer = connection.getresponse()
            text = answer.read()
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if answer.status != 201:
                    errors.append(f"{answer.status} {text[:200]!r}")

    threads = [threading.Thread(target=work) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "seconds": seconds,
        "requests": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "request_p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "request_p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1) if ordered else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=60, help="batch requests of 50")
    parser.add_argument("--singles", type=int, default=600, help="one-message requests")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    database_url, drop = _database(args.database_url)
    try:
        run(args, database_url)
    finally:
        drop()


def run(args: argparse.Namespace, database_url: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        secret = secrets.token_hex(16)
        settings = Settings(data_dir=Path(directory), database_url=database_url, secret_key=secret)
        runtime = Runtime.start(settings)
        migrate.upgrade(runtime.engine)
        with unit_of_work(runtime.sessions) as session:
            audit.initialise(session)
            members.sync_reference(session)
            agency = members.get_agency_by_code(session, code="FRA-NCB")
            _, key = members.create_api_key(
                session,
                settings=settings,
                principal=operator_principal("bench"),
                agency_id=agency.id,
                name="bench",
                roles=["officer"],
                expires_in_days=1,
            )
        runtime.engine.dispose()
        port = free_port()
        server, log = start_server(settings, port, args.workers)
        try:
            _wait(port, key, 120)
            # The keys of every agency are made on first use: once, before timing.
            _load(port, key, [("/api/v1/messages/batch", {"messages": [_message(0)] * 3})], 1)
            batches = [
                (
                    "/api/v1/messages/batch",
                    {"messages": [_message(b * PER_BATCH + n) for n in range(PER_BATCH)]},
                )
                for b in range(args.batches)
            ]
            batched = _load(port, key, batches, args.connections)
            singles = [("/api/v1/messages", _message(n)) for n in range(args.singles)]
            single = _load(port, key, singles, args.connections)
        except BaseException:
            log.flush()
            print((Path(directory) / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        runtime = Runtime.start(settings)
        with runtime.sessions() as session:
            stored = session.scalar(select(func.count()).select_from(Message)) or 0
            delivered = session.scalar(select(func.count()).select_from(MessageRecipient)) or 0
            wrapped = session.scalar(select(func.count()).select_from(MessageKey)) or 0
        runtime.stop()
    sent_batched = args.batches * PER_BATCH
    print(
        json.dumps(
            {
                "benchmark": "messaging_http",
                "store": "postgresql" if database_url else "sqlite",
                "workers": args.workers,
                "connections": args.connections,
                "batch": {
                    "messages": sent_batched,
                    "messages_per_second": round(sent_batched / batched["seconds"], 1),
                    **{k: v for k, v in batched.items() if k != "seconds"},
                },
                "one_a_request": {
                    "messages": args.singles,
                    "messages_per_second": round(args.singles / single["seconds"], 1),
                    **{k: v for k, v in single.items() if k != "seconds"},
                },
                "stored_messages": stored,
                "delivered_to_inboxes": delivered,
                "keys_wrapped": wrapped,
                "target_messages_per_second": 500,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
