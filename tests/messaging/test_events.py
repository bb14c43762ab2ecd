"""The event bus: the same behaviour from the in-process bus and from NATS JetStream (a real
server, 127.0.0.1:4222 unless BLUEBRIDGE_TEST_NATS_URL says otherwise), two worker processes
passing live events through NATS, a restarted and a dead server, and events tied to a
database transaction. Without a reachable NATS the NATS tests are skipped, unless
BLUEBRIDGE_REQUIRE_NATS is set (as in CI): then they fail."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest
from nats.aio.client import Client as NatsClient
from nats.js.api import StorageType
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session

import bluebridge
from bluebridge.messaging.events import (
    Event,
    EventBus,
    InProcessBus,
    NatsBus,
    make_bus,
    publish_after_commit,
)
from tests.messaging.conftest import run_async

NATS_URL = os.environ.get("BLUEBRIDGE_TEST_NATS_URL", "nats://127.0.0.1:4222")
ANCHOR_STREAM = "BLUEBRIDGE_TEST_ANCHOR"
DEAD_URL = "nats://127.0.0.1:1"
SECOND_WORKER = Path(__file__).with_name("second_worker.py")
WAIT = 5.0  # seconds an expected event may take before the test fails
QUIET = 0.3  # seconds of silence taken as "nothing more arrives"


def _missing(reason: str) -> NoReturn:
    if os.environ.get("BLUEBRIDGE_REQUIRE_NATS"):
        pytest.fail(f"{reason} (BLUEBRIDGE_REQUIRE_NATS is set)", pytrace=False)
    pytest.skip(reason)


async def _quiet(_exc: Exception) -> None:
    pass  # the probe reports the failure itself


async def _jetstream_problem(url: str) -> str | None:
    address = urlsplit(url)
    try:
        socket.create_connection((address.hostname, address.port or 4222), timeout=2).close()
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    client = NatsClient()
    try:
        # nats-py retries even without reconnecting (60 times, 2 s apart, by default).
        await client.connect(
            url, connect_timeout=2, allow_reconnect=False, max_reconnect_attempts=1, error_cb=_quiet
        )
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    try:
        await client.jetstream().account_info()
        # A stream kept for good: the server removes an account's folder with its last
        # stream, and a stream another test process creates meanwhile then finds no folder
        # to be stored in ("error creating store for stream").
        with contextlib.suppress(Exception):
            await client.jetstream().add_stream(
                name=ANCHOR_STREAM, subjects=[f"{ANCHOR_STREAM.lower()}.>"], max_msgs=1
            )
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        await client.close()
    return None


@pytest.fixture(scope="session")
def nats_url() -> str:
    problem = run_async(_jetstream_problem(NATS_URL))
    if problem is not None:
        _missing(
            f"NATS with JetStream is not reachable at {NATS_URL} ({problem}): "
            "run `nats-server -js` to run the NATS event-bus tests"
        )
    return NATS_URL


async def _stream_info(url: str, stream: str) -> Any:
    client = NatsClient()
    await client.connect(url, connect_timeout=2, allow_reconnect=False)
    try:
        return await client.jetstream().stream_info(stream)
    finally:
        await client.close()


async def _delete_stream(url: str, stream: str) -> None:
    client = NatsClient()
    await client.connect(url, connect_timeout=2, allow_reconnect=False)
    try:
        with contextlib.suppress(Exception):
            await client.jetstream().delete_stream(stream)
    finally:
        await client.close()


@pytest.fixture
def stream(nats_url: str) -> Iterator[str]:
    """A stream of this test's own, deleted afterwards: test runs sharing a server (and a
    real installation's "BLUEBRIDGE" stream) never see each other's events."""
    name = f"BLUEBRIDGE_TEST_{uuid.uuid4().hex[:12].upper()}"
    yield name
    run_async(_delete_stream(nats_url, name))


@pytest.fixture
def nats_bus(nats_url: str, stream: str) -> Iterator[NatsBus]:
    bus = NatsBus(nats_url, stream=stream)
    yield bus
    bus.close()


@pytest.fixture(params=["in-process", "nats"])
def bus(request: pytest.FixtureRequest) -> Iterator[EventBus]:
    """Each behaviour test runs on both implementations."""
    if request.param == "nats":
        made: EventBus = request.getfixturevalue("nats_bus")
        yield made
    else:
        made = InProcessBus()
        yield made
        made.close()


async def receive(events: AsyncIterator[Event], timeout: float = WAIT) -> Event:
    return await asyncio.wait_for(anext(events), timeout)


async def nothing_more(events: AsyncIterator[Event], seconds: float = QUIET) -> None:
    try:
        extra = await asyncio.wait_for(anext(events), seconds)
    except TimeoutError:
        return
    pytest.fail(f"unexpected event {extra}")


# ---------------------------------------------------------------- both implementations


def test_an_event_published_from_another_thread_reaches_an_async_subscriber(
    bus: EventBus,
) -> None:
    data = {"message_id": 12, "priority": "urgent", "unread": {"urgent": 1, "routine": 3}}

    async def scenario() -> Event:
        async with bus.subscribe("inbox.FRA-NCB") as events:
            publisher = threading.Thread(target=bus.publish, args=("inbox.FRA-NCB", data))
            publisher.start()
            publisher.join()
            return await receive(events)

    assert run_async(scenario()) == Event("inbox.FRA-NCB", data)


def test_each_subscriber_gets_its_own_copy_of_the_data(bus: EventBus) -> None:
    async def scenario() -> tuple[Event, Event]:
        async with (
            bus.subscribe("inbox.GS") as first,
            bus.subscribe("inbox.GS") as second,
        ):
            bus.publish("inbox.GS", {"unread": {"urgent": 1}})
            one = await receive(first)
            one.data["unread"]["urgent"] = 99
            return one, await receive(second)

    _one, other = run_async(scenario())
    assert other.data == {"unread": {"urgent": 1}}


SUBJECTS = [
    "inbox.FRA-NCB",
    "inbox.GS",
    "inbox.FRA-NCB.urgent",
    "notices.GS",
    "inboxes.DEU-NCB",
]
WILDCARDS = {
    "inbox.FRA-NCB": ["inbox.FRA-NCB"],
    "inbox.*": ["inbox.FRA-NCB", "inbox.GS"],
    "inbox.>": ["inbox.FRA-NCB", "inbox.GS", "inbox.FRA-NCB.urgent"],
    "*.GS": ["inbox.GS", "notices.GS"],
    "inbox.*.urgent": ["inbox.FRA-NCB.urgent"],
    ">": SUBJECTS,
}


def test_wildcard_subjects_match_as_in_nats(bus: EventBus) -> None:
    """The same table on both buses: the in-process matching agrees with the NATS server's."""

    async def scenario() -> dict[str, list[str]]:
        async with contextlib.AsyncExitStack() as stack:
            subscriptions = {
                pattern: await stack.enter_async_context(bus.subscribe(pattern))
                for pattern in WILDCARDS
            }
            for number, subject in enumerate(SUBJECTS):
                bus.publish(subject, {"n": number})
            received: dict[str, list[str]] = {}
            for pattern, events in subscriptions.items():
                received[pattern] = [(await receive(events)).subject for _ in WILDCARDS[pattern]]
            for events in subscriptions.values():
                await nothing_more(events, 0.1)
            return received

    assert run_async(scenario()) == WILDCARDS


def test_no_event_published_before_subscribing_is_delivered(bus: EventBus) -> None:
    async def scenario() -> Event:
        bus.publish("inbox.FRA-NCB", {"message_id": 1})
        assert bus.flush()
        async with bus.subscribe("inbox.FRA-NCB") as events:
            bus.publish("inbox.FRA-NCB", {"message_id": 2})
            first = await receive(events)
            await nothing_more(events)
            return first

    assert run_async(scenario()).data == {"message_id": 2}


def test_closing_ends_subscriptions_and_later_events_are_dropped_with_a_log(
    bus: EventBus, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bluebridge.events")

    async def scenario() -> list[Event]:
        async with bus.subscribe("inbox.>") as events:
            bus.publish("inbox.GS", {"message_id": 1})
            assert (await receive(events)).data == {"message_id": 1}
            await asyncio.to_thread(bus.close)
            left = [event async for event in events]
        bus.publish("inbox.GS", {"message_id": 2})  # neither raises nor blocks
        async with bus.subscribe("inbox.>") as late:
            assert [event async for event in late] == []
        return left

    assert run_async(asyncio.wait_for(scenario(), WAIT)) == []
    assert not bus.connected
    assert not bus.flush(0.1)
    bus.close()  # idempotent
    assert "live event dropped" in caplog.text
    assert "closed" in caplog.text


@pytest.mark.parametrize("subject", ["", "inbox.*", "inbox.>", "inbox..GS", "inbox.FRA NCB"])
def test_a_malformed_event_subject_is_refused(bus: EventBus, subject: str) -> None:
    with pytest.raises(ValueError, match="invalid event subject"):
        bus.publish(subject, {})


def test_data_that_is_not_small_json_is_refused(bus: EventBus) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        bus.publish("inbox.GS", {"when": object()})
    with pytest.raises(ValueError, match="at most"):
        bus.publish("inbox.GS", {"body": "x" * 70_000})


@pytest.mark.parametrize("pattern", ["inbox.>.urgent", "inbox.*GS", ""])
def test_a_malformed_subscription_subject_is_refused(bus: EventBus, pattern: str) -> None:
    async def scenario() -> None:
        async with bus.subscribe(pattern):
            pass

    with pytest.raises(ValueError, match="invalid subscription subject"):
        run_async(scenario())


# ---------------------------------------------------------------- NATS


class Worker:
    """The second worker process, its JSON lines read by a thread so reads can time out."""

    def __init__(self, *arguments: str) -> None:
        source = str(Path(bluebridge.__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, str(SECOND_WORKER), *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def next_step(self, timeout: float = 20.0) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line is None:
            self.stop()
            assert self.process.stderr is not None
            pytest.fail(
                f"the second worker said nothing more; its errors:\n{self.process.stderr.read()}"
            )
        step: dict[str, Any] = json.loads(line)
        return step

    def exit_status(self, timeout: float = 10.0) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)


def test_an_event_published_here_reaches_a_second_worker_process(
    nats_bus: NatsBus, nats_url: str, stream: str
) -> None:
    worker = Worker("subscribe", nats_url, stream, "inbox.FRA-NCB", "1")
    try:
        assert worker.next_step()["step"] == "ready"
        published = time.time()
        nats_bus.publish("inbox.FRA-NCB", {"message_id": 7, "priority": "immediate"})
        received = worker.next_step()
        assert worker.exit_status() == 0
    finally:
        worker.stop()
    assert received["step"] == "received"
    assert received["subject"] == "inbox.FRA-NCB"
    assert received["data"] == {"message_id": 7, "priority": "immediate"}
    assert received["time"] - published < 1.0


def test_an_event_published_by_a_second_worker_process_arrives_here(
    nats_bus: NatsBus, nats_url: str, stream: str
) -> None:
    async def scenario() -> tuple[Event, float, dict[str, Any]]:
        async with nats_bus.subscribe("inbox.>") as events:
            worker = Worker("publish", nats_url, stream, "inbox.GS", '{"message_id": 8}')
            try:
                event = await receive(events, 20.0)
                arrived = time.time()
                assert worker.next_step()["step"] == "ready"
                published = worker.next_step()
                assert worker.exit_status() == 0
            finally:
                worker.stop()
            return event, arrived, published

    event, arrived, published = run_async(scenario())
    assert event == Event("inbox.GS", {"message_id": 8})
    assert published["step"] == "published"
    assert arrived - published["time"] < 1.0


def test_the_stream_is_created_with_limits_and_a_prefix_of_its_own(
    nats_bus: NatsBus, nats_url: str, stream: str
) -> None:
    info = run_async(_stream_info(nats_url, stream))
    assert nats_bus.connected
    assert nats_bus.prefix == f"{stream.lower()}."
    assert info.config.subjects == [f"{stream.lower()}.>"]
    assert info.config.storage == StorageType.FILE
    assert info.config.max_age == 3600
    assert info.config.max_msg_size == 64 * 1024


def test_a_dead_nats_url_degrades_logs_and_never_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No server needed: nothing listens on port 1."""
    caplog.set_level(logging.WARNING, logger="bluebridge.events")
    started = time.monotonic()
    bus = make_bus(DEAD_URL, stream="BLUEBRIDGE_TEST_DEAD")
    try:
        assert time.monotonic() - started < 4.0  # the constructor waits two seconds at most
        assert isinstance(bus, NatsBus)
        assert not bus.connected
        assert "not reachable" in caplog.text
        bus.publish("inbox.GS", {"message_id": 1})
        assert bus.flush(2.0)  # nothing waits: the event was dropped at once

        async def scenario() -> None:
            async with bus.subscribe("inbox.GS") as events:
                await nothing_more(events)

        run_async(scenario())
    finally:
        bus.close()
    assert time.monotonic() - started < 8.0
    assert "live event dropped" in caplog.text
    assert "not connected to NATS at nats://127.0.0.1:1" in caplog.text


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4222", "nats://127.0.0.1:port", "nats://", " , "]
)
def test_a_malformed_nats_url_fails_at_once(url: str) -> None:
    with pytest.raises(ValueError, match="NATS URL"):
        make_bus(url)


def test_a_malformed_stream_name_fails_at_once() -> None:
    with pytest.raises(ValueError, match="invalid stream name"):
        make_bus(DEAD_URL, stream="BLUE.BRIDGE")


@pytest.mark.parametrize("url", [None, ""])
def test_without_a_nats_url_the_bus_is_in_process(url: str | None) -> None:
    assert isinstance(make_bus(url), InProcessBus)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateNats:
    """A nats-server of the test's own, on a free port, so that it can be stopped and started."""

    def __init__(self, binary: str, store: Path) -> None:
        port = _free_port()
        self.url = f"nats://127.0.0.1:{port}"
        self._command = [binary, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store)]
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            self._command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while run_async(_jetstream_problem(self.url)) is not None:
            if time.monotonic() > deadline:
                pytest.fail("the private nats-server did not start", pytrace=False)
            time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def private_nats(nats_url: str, tmp_path: Path) -> Iterator[PrivateNats]:
    binary = shutil.which("nats-server") or shutil.which("nats-server", path="/usr/sbin")
    if binary is None:
        _missing("nats-server not found: the restart test runs a server of its own")
    server = PrivateNats(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def test_the_bus_reconnects_after_nats_restarts(
    private_nats: PrivateNats, caplog: pytest.LogCaptureFixture
) -> None:
    """Subscriptions made before the restart get the events published after it: one that
    had received an event (without getting it twice), one that had not (and does not get
    the event from before it subscribed, though its consumer restarts from the stream's
    first message). An event published while the server is down may be dropped or, if the
    client buffered it during its reconnect, arrive late."""
    caplog.set_level(logging.INFO, logger="bluebridge.events")
    bus = NatsBus(
        private_nats.url, stream="BLUEBRIDGE_TEST", heartbeat_seconds=0.5, retry_seconds=0.2
    )

    async def until(events: AsyncIterator[Event], last: str) -> list[str]:
        notes: list[str] = []
        while not notes or notes[-1] != last:
            notes.append((await receive(events, 10.0)).data["note"])
        await nothing_more(events, 1.0)
        return notes

    async def scenario() -> tuple[list[str], list[str]]:
        bus.publish("inbox.DEU-NCB", {"note": "before subscribing"})
        assert bus.flush()
        async with bus.subscribe("inbox.GS") as seen, bus.subscribe("inbox.DEU-NCB") as unseen:
            bus.publish("inbox.GS", {"note": "before the restart"})
            assert (await receive(seen)).data == {"note": "before the restart"}
            private_nats.stop()
            bus.publish("inbox.GS", {"note": "while down"})  # never raises
            await asyncio.to_thread(private_nats.start)
            deadline = time.monotonic() + 10
            while not bus.connected:
                assert time.monotonic() < deadline, "the bus did not reconnect"
                await asyncio.sleep(0.05)
            bus.publish("inbox.GS", {"note": "after the restart"})
            bus.publish("inbox.DEU-NCB", {"note": "after the restart"})
            return await until(seen, "after the restart"), await until(unseen, "after the restart")

    try:
        seen, unseen = run_async(scenario())
    finally:
        bus.close()
    assert seen in (["after the restart"], ["while down", "after the restart"])
    assert unseen == ["after the restart"]
    assert "lost the connection to NATS" in caplog.text
    assert "reconnected to NATS" in caplog.text


# ---------------------------------------------------------------- after the commit


@pytest.fixture
def engine() -> Iterator[Engine]:
    """In-memory SQLite with pysqlite's own transaction handling off, so savepoints work."""
    made = create_engine("sqlite://")

    @event.listens_for(made, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(made, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    with made.begin() as connection:
        connection.execute(text("CREATE TABLE note (body TEXT)"))
    yield made
    made.dispose()


def _note(session: Session, bus: EventBus, body: str) -> None:
    session.execute(text("INSERT INTO note (body) VALUES (:body)"), {"body": body})
    publish_after_commit(session, bus, "inbox.GS", {"note": body})


def _received_after(work: Callable[[InProcessBus], None]) -> list[str]:
    """Run work (sync, with the bus) while subscribed; the notes of the events it published."""
    bus = InProcessBus()

    async def scenario() -> list[str]:
        async with bus.subscribe("inbox.GS") as events:
            work(bus)
            bus.close()
            return [event.data["note"] async for event in events]

    return run_async(scenario())


def _notes(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT body FROM note")).scalars())


def test_events_are_published_in_order_when_their_transaction_commits(
    engine: Engine,
) -> None:
    def work(bus: InProcessBus) -> None:
        with Session(engine) as session:
            _note(session, bus, "first")
            _note(session, bus, "second")
            session.commit()

    assert _received_after(work) == ["first", "second"]
    assert _notes(engine) == ["first", "second"]


def test_nothing_is_published_before_the_commit(engine: Engine) -> None:
    bus = InProcessBus()

    async def scenario() -> None:
        async with bus.subscribe("inbox.GS") as events:
            with Session(engine) as session:
                _note(session, bus, "pending")
                session.flush()
                await nothing_more(events)
                session.commit()
            assert (await receive(events)).data == {"note": "pending"}

    run_async(scenario())


def test_an_event_is_dropped_when_its_transaction_rolls_back(engine: Engine) -> None:
    def work(bus: InProcessBus) -> None:
        with Session(engine) as session:
            _note(session, bus, "rolled back")
            session.rollback()
            _note(session, bus, "next transaction")
            session.commit()
        with Session(engine) as session:
            _note(session, bus, "never committed")  # closed without a commit

    assert _received_after(work) == ["next transaction"]
    assert _notes(engine) == ["next transaction"]


def test_an_event_queued_in_a_rolled_back_savepoint_is_dropped(engine: Engine) -> None:
    def work(bus: InProcessBus) -> None:
        with Session(engine) as session:
            _note(session, bus, "outer")
            savepoint = session.begin_nested()
            _note(session, bus, "inner, rolled back")
            savepoint.rollback()
            with session.begin_nested():
                _note(session, bus, "inner, released")
            session.commit()

    assert _received_after(work) == ["outer", "inner, released"]
    assert _notes(engine) == ["outer", "inner, released"]


def test_a_released_savepoint_still_depends_on_the_outer_commit(engine: Engine) -> None:
    def work(bus: InProcessBus) -> None:
        with Session(engine) as session:
            with session.begin_nested():
                _note(session, bus, "released")
            session.rollback()

    assert _received_after(work) == []
    assert _notes(engine) == []


def test_a_session_transaction_block_publishes_on_leaving(engine: Engine) -> None:
    def work(bus: InProcessBus) -> None:
        with Session(engine) as session, session.begin():
            _note(session, bus, "in a block")
        with Session(engine) as session, contextlib.suppress(RuntimeError), session.begin():
            _note(session, bus, "failed block")
            raise RuntimeError("the request failed")

    assert _received_after(work) == ["in a block"]


def test_bad_event_data_raises_where_it_is_queued(engine: Engine) -> None:
    bus = InProcessBus()
    with Session(engine) as session:
        with pytest.raises(TypeError):
            publish_after_commit(session, bus, "inbox.GS", {"when": object()})
        with pytest.raises(ValueError, match="invalid event subject"):
            publish_after_commit(session, bus, "inbox.*", {})
