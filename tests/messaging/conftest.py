"""Principals for the messaging tests, and a helper to send as one of them."""

from __future__ import annotations

import pytest

from bluebridge.access.principal import Role
from bluebridge.messaging import service
from bluebridge.messaging.events import InProcessBus
from bluebridge.store.engine import unit_of_work


@pytest.fixture
def france(world):  # type: ignore[no-untyped-def]
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


@pytest.fixture
def germany(world):  # type: ignore[no-untyped-def]
    return world.principal(world.user("DEU-NCB", (Role.OFFICER,)))


@pytest.fixture
def spain(world):  # type: ignore[no-untyped-def]
    return world.principal(world.user("ESP-NCB", (Role.OFFICER,)))


@pytest.fixture
def bus():  # type: ignore[no-untyped-def]
    bus = InProcessBus()
    yield bus
    bus.close()


def send(runtime, principal, bus=None, **fields):  # type: ignore[no-untyped-def]
    """Send a message in its own transaction; its id."""
    address = fields.pop("address", service.Address(agencies=("DEU-NCB",)))
    draft = service.Draft(
        subject=fields.pop("subject", "Request for information"),
        body=fields.pop("body", "Please confirm the identity of the person."),
        address=address,
        **fields,
    )
    with unit_of_work(runtime.sessions) as session:
        return service.send(
            session, settings=runtime.settings, principal=principal, bus=bus, draft=draft
        ).id


def read(runtime, principal, message_id):  # type: ignore[no-untyped-def]
    with unit_of_work(runtime.sessions) as session:
        view = service.read(
            session, settings=runtime.settings, principal=principal, bus=None, message_id=message_id
        )
        session.expunge_all()
        return view


def run_async(awaitable):  # type: ignore[no-untyped-def]
    """Run a coroutine to its end in this thread. `asyncio.run` refuses to start where another
    test left an event loop marked running (Playwright's sync API does, in the xdist worker
    that ran the browser tests): that mark is set aside for the run, then put back."""
    import asyncio

    running = asyncio.events._get_running_loop()
    if running is None:
        return asyncio.run(awaitable)
    asyncio.events._set_running_loop(None)
    try:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(awaitable)
        finally:
            loop.close()
    finally:
        asyncio.events._set_running_loop(running)
