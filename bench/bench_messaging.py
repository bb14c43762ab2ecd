"""The secure network, printed as JSON: how many messages a second are accepted, encrypted,
signed, stored and delivered, three ways:

- one message a transaction, as `POST /messages` makes them, in one process;
- batches of 50 a transaction, as `POST /messages/batch` makes them (`send_many`), in one
  process;
- the same batches from two worker processes at once on the same store, as an installation
  with two API workers on this 2-core machine runs;

and how long a broadcast to every NCB takes to reach every inbox: stored, committed, and told
live to each NCB's subject on the event bus (NATS JetStream when reachable, else in process).
Targets: at least 500 messages/s on this 2-core machine; a broadcast to all NCBs delivered to
every inbox within 1 second.

Run: `python bench/bench_messaging.py [--messages N] [--database-url URL] [--nats-url URL]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from rich.progress import Progress
from sqlalchemy import func, select

from bluebridge.access.principal import Channel, RequestContext, Role, operator_principal
from bluebridge.audit import service as audit
from bluebridge.members import authentication
from bluebridge.members import service as members
from bluebridge.messaging import service
from bluebridge.messaging.events import make_bus
from bluebridge.messaging.models import MessageRecipient
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.engine import unit_of_work

BODY = "The person named in the red notice was seen boarding a ferry to Tangier. " * 20


def officer(runtime: Runtime, agency: str):  # type: ignore[no-untyped-def]
    with unit_of_work(runtime.sessions) as session:
        row = members.get_agency_by_code(session, code=agency)
        user = members.create_user(
            session,
            settings=runtime.settings,
            principal=operator_principal("bench"),
            agency_id=row.id,
            username=f"bench.{agency.lower()}",
            display_name="Bench",
            roles=[Role.OFFICER.value],
            password=secrets.token_urlsafe(24),
        )
        session.flush()
        return authentication.principal_for_user(
            user, RequestContext(Channel.API), second_factor=True
        )


BATCH = 50


def drafts(start: int, count: int) -> list[service.Draft]:
    return [
        service.Draft(
            subject=f"Sighting {n}",
            body=BODY,
            address=service.Address(agencies=(("DEU-NCB", "ESP-NCB", "ITA-NCB")[n % 3],)),
            priority=("routine", "urgent", "immediate")[n % 3],
        )
        for n in range(start, start + count)
    ]


def send_batches(runtime: Runtime, principal, start: int, count: int, bus) -> float:  # type: ignore[no-untyped-def]
    """Send `count` messages in batches; the seconds it took."""
    t0 = time.perf_counter()
    for offset in range(0, count, BATCH):
        with unit_of_work(runtime.sessions) as session:
            service.send_many(
                session,
                settings=runtime.settings,
                principal=principal,
                bus=bus,
                drafts=drafts(start + offset, min(BATCH, count - offset)),
            )
    return time.perf_counter() - t0


def worker(settings: Settings, user_id: int, start: int, count: int, ready, go, out) -> None:  # type: ignore[no-untyped-def]
    """A second API worker: its own runtime and bus on the same store."""
    from bluebridge.members.models import User

    runtime = Runtime.start(settings)
    with runtime.sessions() as session:
        user = session.get(User, user_id)
        principal = authentication.principal_for_user(
            user, RequestContext(Channel.API), second_factor=True
        )
    bus = make_bus(settings.nats_url)
    ready.put(start)
    go.wait()
    out.put(send_batches(runtime, principal, start, count, bus))
    bus.close()
    runtime.stop()


def nats_reachable(url: str) -> bool:
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 4222), timeout=1
        ):
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--nats-url", default="nats://127.0.0.1:4222")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="bb-messaging-"))
    url = args.database_url or f"sqlite:///{directory / 'bench.sqlite3'}"
    nats = args.nats_url if nats_reachable(args.nats_url) else None
    settings = Settings(
        data_dir=directory,
        database_url=url,
        secret_key=secrets.token_hex(32),
        argon2_memory_kib=1024,
        nats_url=nats,
    )
    runtime = Runtime.start(settings)
    migrate.upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        audit.initialise(session)
        members.sync_reference(session)
    france = officer(runtime, "FRA-NCB")
    bus = make_bus(nats)
    # Keys are made on first use: once for every NCB before timing.
    service_draft = service.Draft(
        subject="warm-up", body="x", address=service.Address(all_members=True)
    )
    with unit_of_work(runtime.sessions) as session:
        service.send(session, settings=settings, principal=france, bus=None, draft=service_draft)

    latencies: list[float] = []
    started = time.perf_counter()
    with Progress(transient=True) as progress:
        task = progress.add_task("messages", total=args.messages)
        for n in range(args.messages):
            draft = service.Draft(
                subject=f"Sighting {n}",
                body=BODY,
                address=service.Address(agencies=(("DEU-NCB", "ESP-NCB", "ITA-NCB")[n % 3],)),
                priority=("routine", "urgent", "immediate")[n % 3],
            )
            t0 = time.perf_counter()
            with unit_of_work(runtime.sessions) as session:
                service.send(session, settings=settings, principal=france, bus=bus, draft=draft)
            latencies.append((time.perf_counter() - t0) * 1000)
            progress.advance(task)
    elapsed = time.perf_counter() - started

    # Batches of 50 a transaction, in this process.
    batched = send_batches(runtime, france, 0, args.messages, bus)

    # The same from two worker processes at once.
    with runtime.sessions() as session:
        from bluebridge.members.models import User

        user_id = session.scalar(select(User.id).where(User.username == "bench.fra-ncb"))
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    ready = context.Queue()
    out = context.Queue()
    half = args.messages // 2
    workers = [
        context.Process(target=worker, args=(settings, user_id, i * half, half, ready, go, out))
        for i in range(2)
    ]
    for process in workers:
        process.start()
    for _ in workers:
        ready.get(timeout=120)  # both started and connected
    t_two = time.perf_counter()
    go.set()
    worker_seconds = [out.get(timeout=600) for _ in workers]
    two_workers = time.perf_counter() - t_two
    for process in workers:
        process.join()

    # A broadcast to every NCB: stored and committed, and every NCB's subject told live.
    told: set[str] = set()
    everyone = threading.Event()
    ready = threading.Event()
    expected = 0
    with runtime.sessions() as session:
        from bluebridge.members.models import Agency

        expected = (
            session.scalar(
                select(func.count())
                .select_from(Agency)
                .where(Agency.kind == "ncb", Agency.code != "FRA-NCB")
            )
            or 0
        )

    def listen() -> None:
        async def run() -> None:
            async with bus.subscribe("inbox.>") as events:
                ready.set()
                async for event in events:
                    if event.data.get("kind") == "delivered" and event.data.get("broadcast"):
                        told.add(event.subject)
                    if event.data.get("message_id") == broadcast_id[0]:
                        told.add(event.subject)
                    if len(told) >= expected:
                        everyone.set()
                        return

        asyncio.run(run())

    broadcast_id = [0]
    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    ready.wait(10)
    time.sleep(0.2)
    t0 = time.perf_counter()
    with unit_of_work(runtime.sessions) as session:
        message = service.send(
            session,
            settings=settings,
            principal=france,
            bus=bus,
            draft=service.Draft(
                subject="To all NCBs",
                body=BODY,
                address=service.Address(all_members=True),
                priority="immediate",
            ),
        )
        broadcast_id[0] = message.id
    stored = time.perf_counter() - t0
    everyone.wait(10)
    live = time.perf_counter() - t0
    with runtime.sessions() as session:
        inboxes = session.scalar(
            select(func.count())
            .select_from(MessageRecipient)
            .where(MessageRecipient.message_id == broadcast_id[0])
        )
    bus.close()
    runtime.stop()
    print(
        json.dumps(
            {
                "store": runtime.engine.dialect.name,
                "bus": "nats" if nats else "in_process",
                "messages": args.messages,
                "one_a_transaction_per_second": round(args.messages / elapsed, 1),
                "send_p50_ms": round(statistics.median(latencies), 2),
                "send_p99_ms": round(sorted(latencies)[int(0.99 * (len(latencies) - 1))], 2),
                "batches_of_50_per_second": round(args.messages / batched, 1),
                "two_workers_batches_of_50_per_second": round(2 * half / two_workers, 1),
                "two_workers_slowest_seconds": round(max(worker_seconds), 2),
                "target_messages_per_second": 500,
                "broadcast_inboxes": inboxes,
                "broadcast_stored_and_committed_ms": round(stored * 1000, 1),
                "broadcast_told_live_ms": round(live * 1000, 1) if len(told) >= expected else None,
                "broadcast_subjects_told": len(told),
                "target_broadcast_ms": 1000,
            },
            indent=2,
        )
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
