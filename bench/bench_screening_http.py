"""Screening through HTTP, printed as JSON: the real server (`bluebridge serve`, 2 workers), a
store of generated persons (bench/world.py), and a load generator on the same machine.

Measures how long a restarted server takes to answer screening (each worker rebuilds its index
from the store), then sends single-person screenings (`GET /api/v1/screen/person`) over keep-alive
connections for a fixed number of requests, and reports throughput, latency percentiles and
errors, and the CPU time a request costs in the server's processes, the load generator and the
database's backends. Every request is a real screening: authenticated, access-filtered,
audited, and its hits stored. Target: >= 1,000 person screenings/s with p99 <= 50 ms and no
errors (100,000 persons). With `--batch B`, each request carries B persons (`POST
/api/v1/screen`), as a manifest or a border system's queue would, and the figures count persons.

Each hit's message to the record's owner is sent by the servers' hit outbox after the check:
the CPU figures count until the outbox is empty (`outbox_empty_after_seconds` after the last
answer). `--absent-fraction` sets the share of queries for people not in the world (0.3 by
default, so most checks hit; at a real border nearly all travellers are absent).

Run: `python bench/bench_screening_http.py [--persons N] [--requests R] [--connections C]
[--batch B] [--absent-fraction F] [--database-url postgresql+psycopg://...]`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, select
from world import generate_persons, generate_queries

from bluebridge.access.principal import operator_principal
from bluebridge.audit import service as audit
from bluebridge.members import service as members
from bluebridge.members.models import Agency
from bluebridge.records.models import ChangeSequence, Record, RecordKey
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.engine import unit_of_work

CHUNK = 10_000


def load(runtime: Runtime, total: int) -> tuple[list, float]:  # type: ignore[type-arg]
    """Persons straight into the tables (as an import would leave them); a sample kept."""
    with runtime.sessions() as session:
        ncbs = {
            a.country: a.id for a in session.scalars(select(Agency).where(Agency.kind == "ncb"))
        }
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    sample = []
    records, keys = [], []
    record_id = 0

    def flush() -> None:
        with runtime.engine.begin() as connection:
            connection.execute(insert(Record), records)
            connection.execute(insert(RecordKey), keys)
        records.clear()
        keys.clear()

    for person in generate_persons(total, seed=1):
        record_id += 1
        if len(sample) < 20_000:
            sample.append(person)
        country = person.country if person.country in ncbs else "FRA"
        names = [
            {"value": n.value, "type": "primary" if i == 0 else "alias", "script": n.script}
            for i, n in enumerate(person.names)
        ]
        year, month, day = person.birth
        records.append(
            {
                "id": record_id,
                "kind": "persons",
                "owner_agency_id": ncbs[country],
                "owner_country": country,
                "status": "active",
                "source_type": "police_investigation",
                "source_grading": "B",
                "information_grading": "2",
                "handling_codes": [],
                "access_mode": "all_members",
                "title": f"{person.names[0].value} ({year:04d}-{month:02d}-{day:02d})",
                "payload": {
                    "names": names,
                    "gender": person.gender,
                    "date_of_birth": {"year": year, "month": month, "day": day},
                    "nationalities": [person.country],
                    "status": "wanted",
                },
                "review_date": now + dt.timedelta(days=1600),
                "expires_at": now + dt.timedelta(days=1826),
                "version": 1,
                "seq": record_id,
                "created_at": now,
                "created_by": "bench",
                "updated_at": now,
                "updated_by": "bench",
            }
        )
        keys.append({"record_id": record_id, "key_type": "name", "value": person.ref})
        if len(records) >= CHUNK:
            flush()
    if records:
        flush()
    with unit_of_work(runtime.sessions) as session:
        session.merge(ChangeSequence(id=1, value=record_id))
    return sample, time.perf_counter() - started


def start_server(
    settings: Settings, port: int, workers: int
) -> tuple[subprocess.Popen[bytes], Any]:
    """`bluebridge serve` on the settings' store and folder, its errors logged to
    server.log there; the process and the open log."""
    env = dict(os.environ)
    env.update(
        {
            "BLUEBRIDGE_DATA_DIR": str(settings.data_dir),
            "BLUEBRIDGE_DATABASE_URL": settings.resolved_database_url,
            "BLUEBRIDGE_LOG_LEVEL": "WARNING",
        }
    )
    if settings.secret_key is not None:  # else the server reads the folder's key file
        env["BLUEBRIDGE_SECRET_KEY"] = settings.secret_key.get_secret_value()
    log = (Path(settings.data_dir) / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "bluebridge.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    return server, log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


Request = tuple[str, bytes | None]  # a GET's path and query, or POST /api/v1/screen's body


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: Request, key: str
) -> int:
    path, body = request
    head = f"Host: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nConnection: keep-alive\r\n"
    if body is None:
        writer.write(f"GET {path} HTTP/1.1\r\n{head}\r\n".encode())
    else:
        writer.write(
            f"POST {path} HTTP/1.1\r\n{head}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value:
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    return status


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process (Linux /proc; 0 where it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    """The process and its children's children (the server's workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


class CpuMeter:
    """CPU seconds spent during the load by the server's processes, the load generator and the
    database's backends serving the server: where a request's milliseconds of CPU go."""

    def __init__(self, server_pid: int, backends: Callable[[], list[int]]) -> None:
        self.server_pid = server_pid
        self.backends = backends
        self.start: dict[str, dict[int, float]] = {}

    def _sample(self) -> dict[str, dict[int, float]]:
        groups = {
            "server": _descendants(self.server_pid),
            "load_generator": [os.getpid()],
            "database": self.backends(),
        }
        return {name: {pid: _cpu_seconds(pid) for pid in pids} for name, pids in groups.items()}

    def __enter__(self) -> CpuMeter:
        self.start = self._sample()
        return self

    def __exit__(self, *_: object) -> None:
        end = self._sample()
        # A process absent at the start (a connection the pool opened meanwhile) counts whole.
        self.spent = {
            name: sum(max(0.0, cpu - self.start[name].get(pid, 0.0)) for pid, cpu in pids.items())
            for name, pids in end.items()
        }

    def per_request_ms(self, requests: int) -> dict[str, float]:
        return {name: round(spent * 1000 / requests, 2) for name, spent in self.spent.items()}


def _backend_pids(database_url: str) -> Callable[[], list[int]]:
    """The PostgreSQL backends connected to the benchmark's database (none on SQLite)."""
    if not database_url:
        return list
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    engine = create_engine(url)

    def pids() -> list[int]:
        with engine.connect() as connection:
            return list(
                connection.scalars(
                    text(
                        "SELECT pid FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": url.database},
                )
            )

    return pids


async def load_test(
    port: int, key: str, requests: list[Request], connections: int, batch: int
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[Request] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                try:
                    request = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                status = await _request(reader, writer, request, key)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "persons_per_request": batch,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed),
        "screenings_per_second": round(len(latencies) * batch / elapsed),
        "latency_ms_p50": round(statistics.median(ordered) * 1000, 2),
        "latency_ms_p99": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 2),
    }


def _requests(persons: list[dict[str, str]], batch: int) -> list[Request]:
    """Single checks, or batches of `batch` persons (the last whole batch ends the run)."""
    if batch <= 1:
        return [
            ("/api/v1/screen/person?" + urllib.parse.urlencode(person), None) for person in persons
        ]
    requests: list[Request] = []
    for start in range(0, len(persons) - batch + 1, batch):
        entities = {
            f"q{n}": {
                "schema": "Person",
                "properties": {k: [v] for k, v in person.items()},
            }
            for n, person in enumerate(persons[start : start + batch])
        }
        requests.append(("/api/v1/screen", json.dumps({"queries": entities}).encode()))
    return requests


def _hits_stored(settings: Settings) -> tuple[int, int]:
    """Hits in the store, and those whose message to the owner waits in the outbox."""
    from sqlalchemy import create_engine, func

    from bluebridge.screening.models import ScreeningHit

    engine = create_engine(settings.resolved_database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(
                    func.count(),
                    func.count().filter(ScreeningHit.notified_at.is_(None)),
                ).select_from(ScreeningHit)
            ).one()
            return int(row[0]), int(row[1])
    finally:
        engine.dispose()


def _outbox_emptied(settings: Settings, limit: float) -> float:
    """Seconds until every hit's message has been sent (the servers' outboxes drain)."""
    started = time.perf_counter()
    while _hits_stored(settings)[1] and time.perf_counter() - started < limit:
        time.sleep(0.1)
    return round(time.perf_counter() - started, 2)


def wait_for_screening(port: int, key: str, limit: float) -> float:
    """Seconds until the server answers a screening (its index built)."""
    import urllib.request

    started = time.perf_counter()
    url = f"http://127.0.0.1:{port}/api/v1/screen/person?name=Warm%20Up"
    while time.perf_counter() - started < limit:
        try:
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
            with urllib.request.urlopen(request, timeout=limit) as response:  # noqa: S310
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer a screening in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument(
        "--connections",
        type=int,
        default=None,
        help="concurrent connections (default 16 on PostgreSQL, 4 on SQLite, whose single "
        "writer queues every request's audit)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--batch",
        type=int,
        default=1,
        help="persons a request: 1 sends single checks (GET /api/v1/screen/person), more "
        "sends them together (POST /api/v1/screen), as an airline's manifest or a border "
        "system's queue would; --requests counts persons",
    )
    parser.add_argument(
        "--absent-fraction",
        type=float,
        default=0.3,
        help="share of the queries for people who are not in the world (near-misses); the "
        "rest are people of the world under variation, most of them hits. At a border nearly "
        "every traveller is absent: 0.99 sends about one hit in a hundred checks",
    )
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if not 0.0 <= args.absent_fraction <= 1.0:
        parser.error("--absent-fraction must lie between 0 and 1")
    database_url, drop = _database(args.database_url)
    if args.connections is None:
        args.connections = 16 if database_url else 4
    try:
        run(args, database_url)
    finally:
        drop()


def _database(admin_url: str) -> tuple[str, Callable[[], None]]:
    """SQLite in the temporary folder, or a new PostgreSQL database made with the admin URL
    (dropped at the end)."""
    if not admin_url.startswith("postgresql"):
        return "", lambda: None
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"bluebridge_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def run(args: argparse.Namespace, database_url: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        secret = secrets.token_hex(16)
        settings = Settings(data_dir=Path(directory), database_url=database_url, secret_key=secret)
        runtime = Runtime.start(settings)
        migrate.upgrade(runtime.engine)
        with unit_of_work(runtime.sessions) as session:
            audit.initialise(session)
            members.sync_reference(session)
        sample, load_seconds = load(runtime, args.persons)
        with unit_of_work(runtime.sessions) as session:
            agency = members.get_agency_by_code(session, code="DEU-NCB")
            _, key = members.create_api_key(
                session,
                settings=settings,
                principal=operator_principal("bench"),
                agency_id=agency.id,
                name="bench",
                roles=["border_officer"],
                expires_in_days=1,
            )
        runtime.engine.dispose()
        port = free_port()
        server, log = start_server(settings, port, args.workers)
        try:
            ready_seconds = wait_for_screening(port, key, 600)
            queries = generate_queries(
                sample, args.requests, seed=9, absent_fraction=args.absent_fraction
            )
            persons = []
            for query in queries:
                params = {"name": query.name}
                if query.birth and len(query.birth) == 10:
                    params["birthDate"] = query.birth
                persons.append(params)
            random.Random(1).shuffle(persons)
            requests = _requests(persons, args.batch)
            warm_up = requests[: max(1, 500 // args.batch)]
            asyncio.run(load_test(port, key, warm_up, args.connections, args.batch))
            hits_before = _hits_stored(settings)[0]
            with CpuMeter(server.pid, _backend_pids(database_url)) as cpu:
                figures = asyncio.run(load_test(port, key, requests, args.connections, args.batch))
                # The hits' messages are part of the work: the CPU counts until they are sent.
                figures["outbox_waiting_at_end"] = _hits_stored(settings)[1]
                figures["outbox_empty_after_seconds"] = _outbox_emptied(settings, 120)
            figures["hits_stored"] = _hits_stored(settings)[0] - hits_before
            figures["cpu_ms_per_request"] = cpu.per_request_ms(len(requests))
            figures["cpu_ms_per_screening"] = cpu.per_request_ms(len(requests) * args.batch)
        except BaseException:
            log.flush()
            print((Path(directory) / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    print(
        json.dumps(
            {
                "benchmark": "screening_http",
                "store": "postgresql" if database_url else "sqlite",
                "persons": args.persons,
                "workers": args.workers,
                "connections": args.connections,
                "batch": args.batch,
                "absent_fraction": args.absent_fraction,
                "load_seconds": round(load_seconds, 1),
                "start_to_first_screening_seconds": round(ready_seconds, 1),
                **figures,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
