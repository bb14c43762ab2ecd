"""A second worker process for the event-bus tests, passing live events through NATS with the
test process. It prints one JSON line per step ("ready", "received", "published"), each with
its wall-clock time, so the test can tell how long an event took.

    python second_worker.py subscribe URL STREAM SUBJECT COUNT   # print COUNT events, exit
    python second_worker.py publish URL STREAM SUBJECT DATA      # publish DATA (JSON), exit
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from bluebridge.messaging.events import NatsBus

WAIT_SECONDS = 30


def say(step: str, **fields: Any) -> None:
    print(json.dumps({"step": step, "time": time.time(), **fields}), flush=True)


async def print_events(bus: NatsBus, subject: str, count: int) -> None:
    async with bus.subscribe(subject) as events:
        say("ready")
        async for event in events:
            say("received", subject=event.subject, data=event.data)
            count -= 1
            if count == 0:
                return


def main(mode: str, url: str, stream: str, subject: str, argument: str) -> None:
    bus = NatsBus(url, stream=stream)
    try:
        if mode == "subscribe":
            asyncio.run(asyncio.wait_for(print_events(bus, subject, int(argument)), WAIT_SECONDS))
        elif mode == "publish":
            say("ready")
            bus.publish(subject, json.loads(argument))
            say("published")
        else:
            raise SystemExit(f"unknown mode {mode!r}")
    finally:
        bus.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
