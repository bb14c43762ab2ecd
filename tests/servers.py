"""Helpers of the tests that run the real server in a subprocess (the browser tests, the
serving tests)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import bluebridge


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at the moment of asking."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(data_dir: Path) -> dict[str, str]:
    """The environment of a `bluebridge` command run by a test: none of the caller's
    BLUEBRIDGE_ settings (a developer's database URL must not leak in), this checkout's
    source first on the path, fast password hashing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLUEBRIDGE_")}
    source = str(Path(bluebridge.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)
    env.update(
        PYTHONUNBUFFERED="1",
        BLUEBRIDGE_DATA_DIR=str(data_dir),
        BLUEBRIDGE_SECRET_KEY="tests-secret-key-not-for-production",
        BLUEBRIDGE_ARGON2_TIME_COST="1",
        BLUEBRIDGE_ARGON2_MEMORY_KIB="1024",
        BLUEBRIDGE_ARGON2_PARALLELISM="1",
        BLUEBRIDGE_LOG_LEVEL="INFO",
    )
    return env
