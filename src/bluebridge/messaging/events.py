"""Live events: the small notices ("FRA-NCB's inbox has a new urgent message, unread counts
now ...") that tell open portal pages to refresh. They travel between the threads of one
process (InProcessBus, when no NATS URL is set) or, through NATS JetStream, between worker
processes and sites (NatsBus); both implement EventBus, and make_bus picks one.
publish_after_commit ties an event to a database transaction. Events carry identifiers and
counts, never message content: the database stays the record, and the inbox still works by
polling when the bus is down, so publishing never fails its caller."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import re
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js import api as js_api
from nats.js.errors import BadRequestError, NoStreamResponseError, NotFoundError
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger("bluebridge.events")

MAX_EVENT_BYTES = 64 * 1024
# A subscriber that falls this far behind loses its oldest events: each event carries the
# current counts, so the newest ones supersede the rest.
SUBSCRIBER_BACKLOG = 1000
OUTBOX_LIMIT = 10_000
REPORT_SECONDS = 10.0

_TOKEN = re.compile(r"[^\s.*>]+")
_STREAM_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NATS_SCHEMES = {"nats", "tls", "ws", "wss"}


@dataclass(frozen=True, slots=True)
class Event:
    """Something happened on a subject (e.g. "inbox.FRA-NCB"); data is small JSON."""

    subject: str
    data: dict[str, Any]


class EventBus(Protocol):
    """Carries events from synchronous service code to async subscribers (the SSE endpoints)."""

    @property
    def connected(self) -> bool:
        """Whether events can be delivered now (NATS: connected, and the stream in place)."""
        ...

    def publish(self, subject: str, data: Mapping[str, Any]) -> None:
        """Send an event, from any thread, without blocking for long. Never raises because
        the bus is down (it logs and drops the event); raises ValueError or TypeError for a
        malformed subject or data that is not small JSON."""
        ...

    def subscribe(self, subject: str) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """`async with bus.subscribe("inbox.>") as events: async for event in events: ...`:
        the events published after subscribing, on a subject that may contain the wildcards
        `*` (one token) and `>` (the rest). The iteration ends when the bus closes."""
        ...

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until the events published so far have been delivered or handed to NATS and
        acknowledged; False if that took longer than timeout or the bus is closed."""
        ...

    def close(self) -> None:
        """Flush, end all subscriptions, and release the connection; idempotent. It may
        block for a few seconds: from async code, call it through asyncio.to_thread."""
        ...


# ---------------------------------------------------------------- subjects and payloads


def _check_subject(subject: str, *, pattern: bool) -> None:
    tokens = subject.split(".")
    for index, part in enumerate(tokens):
        if _TOKEN.fullmatch(part):
            continue
        if pattern and (part == "*" or (part == ">" and index == len(tokens) - 1)):
            continue
        what = "subscription subject" if pattern else "event subject"
        raise ValueError(
            f"invalid {what} {subject!r}: dot-separated tokens without spaces"
            + (", `*` for one token, `>` last for the rest" if pattern else " or wildcards")
        )


def _matches(pattern: str, subject: str) -> bool:
    """NATS subject matching, for the in-process bus."""
    wanted, actual = pattern.split("."), subject.split(".")
    for index, part in enumerate(wanted):
        if part == ">":
            return len(actual) > index
        if index >= len(actual) or part not in ("*", actual[index]):
            return False
    return len(wanted) == len(actual)


def _encode(subject: str, data: Mapping[str, Any]) -> bytes:
    _check_subject(subject, pattern=False)
    payload = json.dumps(
        dict(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()
    if len(payload) > MAX_EVENT_BYTES:
        raise ValueError(
            f"event on {subject!r} is {len(payload)} bytes; events carry identifiers and "
            f"counts, at most {MAX_EVENT_BYTES} bytes"
        )
    return payload


class _Throttled:
    """A recurring warning, logged at most once per REPORT_SECONDS with how often it occurred."""

    def __init__(self, message: str) -> None:
        self._message = message
        self._lock = threading.Lock()
        self._unreported = 0
        self._last = float("-inf")

    def __call__(self, detail: str) -> None:
        with self._lock:
            self._unreported += 1
            now = time.monotonic()
            if now - self._last < REPORT_SECONDS:
                return
            count, self._unreported, self._last = self._unreported, 0, now
        log.warning("%s: %s (%d time(s) since the last report)", self._message, detail, count)


_DROPPED = "live event dropped; open inboxes still update by polling"


# ---------------------------------------------------------------- the subscriber's side


class _Inbox:
    """One subscription's queue on the subscriber's event loop, filled from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.open = True
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._ended = False
        self._warned = False

    def deliver(self, event: Event) -> bool:
        """From any thread; False once the subscriber's loop is gone."""
        try:
            self.loop.call_soon_threadsafe(self._offer, event)
        except RuntimeError:
            self.open = False
        return self.open

    def finish(self) -> None:
        """From any thread: end the iteration after the events already handed over."""
        with suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._end)

    def _offer(self, event: Event) -> None:
        if not self.open or self._ended:
            return
        if self._queue.qsize() >= SUBSCRIBER_BACKLOG:
            self._queue.get_nowait()
            if not self._warned:
                self._warned = True
                log.warning(
                    "a subscriber is falling behind on %s; oldest events dropped", event.subject
                )
        self._queue.put_nowait(event)

    def _end(self) -> None:
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(None)

    def __aiter__(self) -> _Inbox:
        return self

    async def __anext__(self) -> Event:
        event = await self._queue.get()
        if event is None:
            self._queue.put_nowait(None)  # a second iteration ends too
            raise StopAsyncIteration
        return event


# ---------------------------------------------------------------- in process


class InProcessBus:
    """Events reach subscribers in this process only: the bus for one worker process, the
    CLI and tests. Delivery is synchronous up to the subscribers' loops, so flush is a no-op."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: list[tuple[str, _Inbox]] = []
        self._closed = False
        self._dropped = _Throttled(_DROPPED)

    @property
    def connected(self) -> bool:
        return not self._closed

    def publish(self, subject: str, data: Mapping[str, Any]) -> None:
        payload = _encode(subject, data)
        with self._lock:
            closed = self._closed
            targets = [
                inbox for pattern, inbox in self._subscriptions if _matches(pattern, subject)
            ]
        if closed:
            self._dropped("the event bus is closed")
            return
        for inbox in targets:
            # Each subscriber gets its own copy of the data.
            if not inbox.deliver(Event(subject, json.loads(payload))):
                self._forget(inbox)

    @asynccontextmanager
    async def subscribe(self, subject: str) -> AsyncIterator[AsyncIterator[Event]]:
        _check_subject(subject, pattern=True)
        inbox = _Inbox(asyncio.get_running_loop())
        with self._lock:
            if self._closed:
                inbox.finish()
            else:
                self._subscriptions.append((subject, inbox))
        try:
            yield inbox
        finally:
            inbox.open = False
            self._forget(inbox)

    def flush(self, timeout: float = 5.0) -> bool:
        return not self._closed

    def close(self) -> None:
        with self._lock:
            self._closed = True
            ended, self._subscriptions = self._subscriptions, []
        for _pattern, inbox in ended:
            inbox.finish()

    def _forget(self, inbox: _Inbox) -> None:
        with self._lock:
            self._subscriptions = [entry for entry in self._subscriptions if entry[1] is not inbox]


# ---------------------------------------------------------------- NATS JetStream


def _servers(url: str) -> list[str]:
    """The server URLs of a comma-separated NATS URL; ValueError if one is malformed."""
    servers = [part.strip() for part in url.split(",") if part.strip()]
    if not servers:
        raise ValueError("empty NATS URL")
    for index, server in enumerate(servers):
        if "://" not in server:
            server = servers[index] = f"nats://{server}"
        parts = urlsplit(server)
        try:
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise ValueError(f"not a NATS URL: {_display(server)!r} ({exc})") from None
        if parts.scheme not in _NATS_SCHEMES or not parts.hostname:
            raise ValueError(f"not a NATS URL: {_display(server)!r} (expected nats://host:4222)")
    return servers


def _display(server: str) -> str:
    """A server URL without its user name and password, for logs."""
    parts = urlsplit(server)
    if "@" not in parts.netloc:
        return server
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@dataclass(eq=False)
class _NatsSubscription:
    pattern: str
    inbox: _Inbox
    consumer: JetStreamContext.PushSubscription | None = None
    # The server's time when the consumer was made: an ordered consumer that resets before it
    # has delivered anything restarts from the stream's first message, and these are dropped.
    since: datetime | None = None
    detached: bool = False


_OutboxItem = tuple[str, bytes] | concurrent.futures.Future[None]


@dataclass(eq=False)
class _Connection:
    """What lives on the bus's own loop; touched from that loop only."""

    client: NatsClient | None = None
    jetstream: JetStreamContext | None = None
    stream_ready: bool = False
    outbox: asyncio.Queue[_OutboxItem] = field(default_factory=asyncio.Queue)
    unacknowledged: set[asyncio.Future[js_api.PubAck]] = field(default_factory=set)
    subscriptions: set[_NatsSubscription] = field(default_factory=set)
    attaching: asyncio.Lock = field(default_factory=asyncio.Lock)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run work in the background, keeping a reference until it is done."""
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("the event bus's %s failed: %s", task.get_coro(), _describe(exc))


class NatsBus:
    """Events through a NATS JetStream stream, between processes and sites.

    The stream (default "BLUEBRIDGE") takes the subjects `<stream in lower case>.>`, so
    "inbox.FRA-NCB" travels as "bluebridge.inbox.FRA-NCB"; installations sharing a NATS
    server need different stream names (two streams cannot take the same subjects). It is
    created if absent, with file storage (so a NATS restart keeps its sequence, which the
    subscribers' ordered consumers resume from; memory storage would lose it), events kept
    one hour (enough to replay what a subscriber missed during a reconnect, short enough
    that traffic metadata does not linger), 64 MiB and 64 KiB an event at most. An existing
    stream is used as it is.

    The bus runs its own asyncio loop in a daemon thread: publish hands the event over and
    returns at once; the JetStream acknowledgement is awaited on that loop, and a failure is
    logged (throttled) and dropped. Each subscription is an ephemeral ordered consumer
    delivering new messages only; its events reach the subscriber's loop through
    call_soon_threadsafe. The client reconnects forever (every retry_seconds), buffering
    what is published meanwhile; an ordered consumer that the server lost recreates itself
    after two missed heartbeats, resuming after the last event it delivered.

    An unreachable server is not an error: the constructor waits up to connect_timeout for
    it, then logs an error and keeps trying in the background, and publishing drops events
    (logged) until it connects. A malformed URL or stream name raises ValueError at once.
    Call close() at shutdown, or events published just before may be lost; the constructor
    and close() block (seconds at most), so async code calls them through a thread."""

    def __init__(
        self,
        url: str,
        *,
        stream: str = "BLUEBRIDGE",
        storage: Literal["file", "memory"] = "file",
        max_age_seconds: float = 3600.0,
        connect_timeout: float = 2.0,
        ack_timeout: float = 5.0,
        heartbeat_seconds: float = 5.0,
        retry_seconds: float = 2.0,
    ) -> None:
        self._servers = _servers(url)
        if not _STREAM_NAME.fullmatch(stream):
            raise ValueError(f"invalid stream name {stream!r}: letters, digits, _ and - only")
        self.stream = stream
        self.prefix = f"{stream.lower()}."
        self.url_for_display = ",".join(_display(server) for server in self._servers)
        self._storage = storage
        self._max_age = max_age_seconds
        self._ack_timeout = ack_timeout
        self._heartbeat = heartbeat_seconds
        self._retry = retry_seconds
        self._lock = threading.Lock()
        self._closed = False
        self._ready = threading.Event()
        self._dropped = _Throttled(_DROPPED)
        self._nats_error = _Throttled(f"NATS at {self.url_for_display}")
        self._loop = asyncio.new_event_loop()
        self._state = _Connection()
        self._thread = threading.Thread(
            target=self._run_loop, name=f"bluebridge-events-{stream}", daemon=True
        )
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result()
        if not self._ready.wait(connect_timeout):
            log.error(
                "NATS JetStream at %s is not reachable (or its stream cannot be set up) after "
                "%.1f s: live events are dropped, and open inboxes update by polling, until it "
                "is; still trying",
                self.url_for_display,
                connect_timeout,
            )

    # ------------------------------------------------------------ the public side (any thread)

    @property
    def connected(self) -> bool:
        client = self._state.client
        return client is not None and client.is_connected and self._state.stream_ready

    def publish(self, subject: str, data: Mapping[str, Any]) -> None:
        payload = _encode(subject, data)
        if self._closed:
            self._dropped("the event bus is closed")
            return
        try:
            self._loop.call_soon_threadsafe(self._enqueue, self.prefix + subject, payload)
        except RuntimeError:
            self._dropped("the event bus is closed")

    @asynccontextmanager
    async def subscribe(self, subject: str) -> AsyncIterator[AsyncIterator[Event]]:
        _check_subject(subject, pattern=True)
        subscription = _NatsSubscription(subject, _Inbox(asyncio.get_running_loop()))
        try:
            if self._closed:
                subscription.inbox.finish()
            else:
                await self._await_on_bus_loop(subscription)
            yield subscription.inbox
        finally:
            subscription.inbox.open = False
            with suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._detach, subscription)

    def flush(self, timeout: float = 5.0) -> bool:
        return not self._closed and self._drain(timeout)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if threading.current_thread() is self._thread:
            raise RuntimeError("NatsBus.close() called from the bus's own thread")
        if not self._drain(self._ack_timeout + 1):
            log.warning("event bus closed with events not yet acknowledged by NATS")
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(
                self._ack_timeout + 1
            )
        except (concurrent.futures.TimeoutError, RuntimeError) as exc:
            log.warning("the NATS connection did not close cleanly: %s", _describe(exc))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(self._ack_timeout + 1)

    async def _await_on_bus_loop(self, subscription: _NatsSubscription) -> None:
        try:
            await asyncio.wrap_future(
                asyncio.run_coroutine_threadsafe(self._attach(subscription), self._loop)
            )
        except RuntimeError:  # the bus loop closed meanwhile
            subscription.inbox.finish()
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if not self._closed or (task is not None and task.cancelling()):
                raise
            subscription.inbox.finish()  # the bus loop was stopped under us

    def _drain(self, timeout: float) -> bool:
        if threading.current_thread() is self._thread:
            raise RuntimeError("NatsBus.flush() called from the bus's own thread")
        marker: concurrent.futures.Future[None] = concurrent.futures.Future()
        try:
            self._loop.call_soon_threadsafe(self._state.outbox.put_nowait, marker)
            marker.result(timeout)
        except (concurrent.futures.TimeoutError, RuntimeError):
            return False
        return True

    # ------------------------------------------------------------ the bus's own loop

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            leftover = asyncio.all_tasks(self._loop)
            for task in leftover:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
            self._loop.close()

    async def _start(self) -> None:
        for work in (self._connect(), self._send_outbox(), self._maintain()):
            self._state.spawn(work)

    async def _connect(self) -> None:
        client = self._state.client = NatsClient()
        await client.connect(
            servers=self._servers,
            name="bluebridge",
            connect_timeout=2,
            reconnect_time_wait=self._retry,  # type: ignore[arg-type]  # annotated int, any number works
            max_reconnect_attempts=-1,
            # A silent network partition shows within half a minute, not nats-py's four.
            ping_interval=10,
            max_outstanding_pings=3,
            error_cb=self._on_error,
            disconnected_cb=self._on_disconnected,
            reconnected_cb=self._on_reconnected,
        )
        self._state.jetstream = client.jetstream(timeout=self._ack_timeout)
        log.info("connected to NATS at %s", self.url_for_display)
        await self._prepare()

    async def _on_error(self, exc: Exception) -> None:
        self._nats_error(_describe(exc))

    async def _on_disconnected(self) -> None:
        if not self._closed:
            log.warning("lost the connection to NATS at %s; reconnecting", self.url_for_display)

    async def _on_reconnected(self) -> None:
        log.info("reconnected to NATS at %s", self.url_for_display)
        # The stream may be gone (memory storage on a restarted server): check it again.
        self._state.stream_ready = False
        self._state.spawn(self._prepare())

    async def _maintain(self) -> None:
        """Retry what failed: the stream, subscriptions made while NATS was out of reach."""
        while True:
            await asyncio.sleep(self._retry)
            client = self._state.client
            pending = any(s.consumer is None for s in self._state.subscriptions)
            if (
                client is not None
                and client.is_connected
                and (pending or not self._state.stream_ready)
            ):
                await self._prepare()

    async def _prepare(self) -> None:
        js = self._state.jetstream
        if js is None:
            return
        async with self._state.attaching:
            try:
                if not self._state.stream_ready:
                    await self._ensure_stream(js)
                for subscription in list(self._state.subscriptions):
                    if subscription.consumer is None:
                        await self._consume(js, subscription)
            except Exception as exc:  # logged; the maintenance loop retries
                self._nats_error(f"setting up the stream {self.stream} failed: {_describe(exc)}")
                return
        self._ready.set()

    async def _ensure_stream(self, js: JetStreamContext) -> None:
        subjects = f"{self.prefix}>"
        try:
            info = await js.stream_info(self.stream)
        except NotFoundError:
            try:
                await js.add_stream(self._stream_config(subjects))
                log.info("created the JetStream stream %s for %s", self.stream, subjects)
            except BadRequestError:  # another worker made it meanwhile
                info = await js.stream_info(self.stream)
            else:
                self._state.stream_ready = True
                return
        if subjects not in (info.config.subjects or []):
            raise RuntimeError(
                f"the stream {self.stream} exists but does not take {subjects!r} "
                f"(it takes {info.config.subjects}); choose another stream name"
            )
        self._state.stream_ready = True

    def _stream_config(self, subjects: str) -> js_api.StreamConfig:
        return js_api.StreamConfig(
            name=self.stream,
            description="Bluebridge live events: identifiers and counts, never content",
            subjects=[subjects],
            retention=js_api.RetentionPolicy.LIMITS,
            storage=(
                js_api.StorageType.FILE if self._storage == "file" else js_api.StorageType.MEMORY
            ),
            max_age=self._max_age,
            max_bytes=64 * 1024 * 1024,
            max_msg_size=MAX_EVENT_BYTES,
            discard=js_api.DiscardPolicy.OLD,
            num_replicas=1,
            duplicate_window=min(120.0, self._max_age),
        )

    # publishing

    def _enqueue(self, subject: str, payload: bytes) -> None:
        client = self._state.client
        if client is None or not (client.is_connected or client.is_reconnecting):
            self._dropped(f"not connected to NATS at {self.url_for_display}")
        elif self._state.outbox.qsize() >= OUTBOX_LIMIT:
            self._dropped(f"{OUTBOX_LIMIT} events already waiting for NATS")
        else:
            self._state.outbox.put_nowait((subject, payload))

    async def _send_outbox(self) -> None:
        # One sender keeps each thread's events in the order they were published.
        loop = asyncio.get_running_loop()
        while True:
            item = await self._state.outbox.get()
            if isinstance(item, concurrent.futures.Future):
                self._state.spawn(self._settle(item, set(self._state.unacknowledged)))
                continue
            js = self._state.jetstream
            if js is None:
                self._dropped(f"not connected to NATS at {self.url_for_display}")
                continue
            subject, payload = item
            try:
                ack = await js.publish_async(
                    subject, payload, wait_stall=self._ack_timeout, stream=self.stream
                )
            except Exception as exc:
                self._dropped(_describe(exc))
                continue
            self._state.unacknowledged.add(ack)
            deadline = loop.call_later(self._ack_timeout, ack.cancel)
            ack.add_done_callback(partial(self._acknowledged, deadline))

    def _acknowledged(self, deadline: asyncio.TimerHandle, ack: asyncio.Future[Any]) -> None:
        deadline.cancel()
        self._state.unacknowledged.discard(ack)
        if ack.cancelled():
            self._dropped(f"no acknowledgement from JetStream within {self._ack_timeout} s")
        elif (exc := ack.exception()) is not None:
            if isinstance(exc, NoStreamResponseError):
                self._state.stream_ready = False  # the maintenance loop recreates it
            self._dropped(f"JetStream refused it: {_describe(exc)}")

    async def _settle(
        self, marker: concurrent.futures.Future[None], acks: set[asyncio.Future[Any]]
    ) -> None:
        if acks:
            await asyncio.wait(acks)
        if not marker.done():
            marker.set_result(None)

    # subscribing

    async def _attach(self, subscription: _NatsSubscription) -> None:
        self._state.subscriptions.add(subscription)
        js = self._state.jetstream
        client = self._state.client
        if js is None or client is None or not client.is_connected:
            return  # attached by _prepare once connected
        async with self._state.attaching:
            if subscription.consumer is not None or subscription.detached:
                return
            try:
                await self._consume(js, subscription)
            except Exception as exc:  # logged; the maintenance loop retries
                self._nats_error(f"subscribing to {subscription.pattern}: {_describe(exc)}")

    async def _consume(self, js: JetStreamContext, subscription: _NatsSubscription) -> None:
        consumer = await js.subscribe(
            self.prefix + subscription.pattern,
            stream=self.stream,
            ordered_consumer=True,
            deliver_policy=js_api.DeliverPolicy.NEW,
            idle_heartbeat=self._heartbeat,
            cb=partial(self._on_message, subscription),
        )
        if subscription.detached:
            await consumer.unsubscribe()
            return
        subscription.consumer = consumer
        try:
            subscription.since = (await consumer.consumer_info()).created
        except Exception as exc:
            log.debug("no consumer info, using the local clock: %s", _describe(exc))
            subscription.since = datetime.now(UTC)

    async def _on_message(self, subscription: _NatsSubscription, message: Msg) -> None:
        if not subscription.inbox.open:
            return
        since = subscription.since
        if since is not None and message.metadata.timestamp < since:
            return
        try:
            data = json.loads(message.data)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            log.warning("ignored an event that is not a JSON object on %s", message.subject)
            return
        event = Event(message.subject.removeprefix(self.prefix), data)
        if not subscription.inbox.deliver(event):
            self._detach(subscription)

    def _detach(self, subscription: _NatsSubscription) -> None:
        subscription.detached = True
        self._state.subscriptions.discard(subscription)
        consumer, subscription.consumer = subscription.consumer, None
        if consumer is not None:
            self._state.spawn(self._unsubscribe(consumer))

    async def _unsubscribe(self, consumer: JetStreamContext.PushSubscription) -> None:
        try:
            await consumer.unsubscribe()
        except Exception as exc:  # the server drops an ephemeral consumer without interest
            log.debug("unsubscribing failed: %s", _describe(exc))

    async def _shutdown(self) -> None:
        for task in list(self._state.tasks):
            if task is not asyncio.current_task():
                task.cancel()
        for subscription in list(self._state.subscriptions):
            subscription.inbox.finish()
        self._state.subscriptions.clear()
        client = self._state.client
        if client is not None and not client.is_closed:
            try:
                await client.close()
            except Exception as exc:
                log.debug("closing the NATS connection: %s", _describe(exc))


def make_bus(nats_url: str | None, *, stream: str = "BLUEBRIDGE") -> EventBus:
    """NatsBus when a NATS URL is set, InProcessBus otherwise. It degrades rather than fails:
    an unreachable server is logged and retried in the background while the portal runs on
    polling, because live updates are a convenience over the inbox and NATS being down must
    not stop the portal or the CLI; only a malformed URL raises (ValueError), at once."""
    if not nats_url:
        return InProcessBus()
    return NatsBus(nats_url, stream=stream)


# ---------------------------------------------------------------- after the transaction

_PENDING = "bluebridge.events.pending"


@dataclass(frozen=True, slots=True)
class _PendingEvent:
    bus: EventBus
    subject: str
    data: dict[str, Any]
    # The innermost transaction when it was queued; None: the session's next one.
    transaction: SessionTransaction | None


def publish_after_commit(
    session: Session, bus: EventBus, subject: str, data: Mapping[str, Any]
) -> None:
    """Queue an event on a SQLAlchemy session, published only if and when its transaction
    commits (dropped on rollback, also of the savepoint it was queued in). The data is
    checked and copied now, so a mistake raises here rather than at commit."""
    payload = _encode(subject, data)
    pending: list[_PendingEvent] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        orm_event.listen(session, "after_commit", _publish_pending)
        orm_event.listen(session, "after_soft_rollback", _drop_rolled_back)
        orm_event.listen(session, "after_transaction_end", _drop_uncommitted)
    transaction = session.get_nested_transaction() or session.get_transaction()
    pending.append(_PendingEvent(bus, subject, json.loads(payload), transaction))


def _publish_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: its events wait for the outer commit
    pending: list[_PendingEvent] = session.info.get(_PENDING, [])
    queued = list(pending)
    pending.clear()
    for item in queued:
        item.bus.publish(item.subject, item.data)


def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending: list[_PendingEvent] = session.info.get(_PENDING, [])
    pending[:] = [item for item in pending if not _within(item, previous_transaction)]


def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    # After a commit (after_commit ran first) nothing is left; after close() without one,
    # what is left was never committed.
    if transaction.parent is None:
        session.info.get(_PENDING, []).clear()


def _within(item: _PendingEvent, ended: SessionTransaction) -> bool:
    if item.transaction is None:
        return ended.parent is None
    current: SessionTransaction | None = item.transaction
    while current is not None:
        if current is ended:
            return True
        current = current.parent
    return False
