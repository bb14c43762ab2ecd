"""Serving the application with several worker processes, each listening on a socket of its own.

uvicorn's own workers share one listening socket: whichever worker wakes first accepts every
connection waiting, so a burst of keep-alive connections (a border system's pool, a load
balancer's) lands on one worker while the others idle, and one process's interpreter lock
caps the installation (measured: 15 of 16 connections on one of two workers). Here each worker
binds the address with `SO_REUSEPORT`, and the kernel spreads new connections over the
workers' sockets by a hash of their addresses.

The parent process only supervises: it starts the workers, starts a new one when one dies
(not when one failed before serving: that would fail again), and on SIGINT or SIGTERM stops
them all. Where `SO_REUSEPORT` is missing (not Linux, BSD or macOS), and for one worker,
uvicorn serves as it is."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.context import SpawnProcess
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

logger = logging.getLogger("bluebridge.serving")

BACKLOG = 2048
PR_SET_PDEATHSIG = 1  # prctl(2)
STOP_SECONDS = 15.0  # how long a stopping worker may take to finish its requests
_spawn = multiprocessing.get_context("spawn")


class ServeError(RuntimeError):
    """The address cannot be served (in use, not this machine's, not allowed)."""


def balanced() -> bool:
    """Whether this platform lets each worker listen on the address itself."""
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to the address with `SO_REUSEPORT`, listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(False)
    return sock


def _check_address(host: str, port: int) -> None:
    """Fail at once, in the parent, where no worker could listen (a port another program
    holds): bound but not listening, the probe is given no connection."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def _die_with_parent(parent: int) -> None:
    """Ask Linux to stop this worker when the supervisor dies, even by SIGKILL (the OOM
    killer's): with SO_REUSEPORT a new `serve` could otherwise bind beside orphaned workers,
    and connections would go on reaching them. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # no libc to ask: the supervisor's stop still applies
        return
    if os.getppid() != parent:  # the supervisor died before the request took effect
        sys.exit(0)


def _worker(app: str, host: str, port: int, options: dict[str, Any], parent: int) -> None:
    """One worker: its own socket, one uvicorn server on it."""
    _die_with_parent(parent)
    config = uvicorn.Config(app, host=host, port=port, **options)
    try:
        sock = listening_socket(host, port)
    except ServeError as exc:
        logger.error("%s", exc)
        sys.exit(STARTUP_FAILURE)
    server = uvicorn.Server(config)
    with contextlib.suppress(KeyboardInterrupt):  # the parent stops the workers: no traceback
        server.run(sockets=[sock])
    if not server.started:  # the application's startup failed: so would a replacement's
        sys.exit(STARTUP_FAILURE)


class Supervisor:
    """Starts `workers` processes serving `app` on the address and keeps them running."""

    def __init__(
        self, app: str, *, host: str, port: int, workers: int, options: dict[str, Any]
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.count = workers
        self.options = options
        self.processes: list[SpawnProcess] = []
        self.stopping = False

    def _start_one(self) -> SpawnProcess:
        process = _spawn.Process(
            target=_worker,
            args=(self.app, self.host, self.port, self.options, os.getpid()),
            name="bluebridge-worker",
        )
        process.start()
        logger.info("worker %s started", process.pid)
        return process

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM; the exit status (non-zero when the workers could
        not start)."""
        _check_address(self.host, self.port)
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        status = 0
        try:
            self.processes = [self._start_one() for _ in range(self.count)]
            while not self.stopping:
                time.sleep(0.2)
                for place, process in enumerate(self.processes):
                    if process.is_alive() or self.stopping:
                        continue
                    if process.exitcode == STARTUP_FAILURE:
                        logger.error("worker %s could not start; stopping", process.pid)
                        self.stopping = True
                        status = STARTUP_FAILURE
                        break
                    logger.warning(
                        "worker %s ended (status %s); starting another",
                        process.pid,
                        process.exitcode,
                    )
                    self.processes[place] = self._start_one()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return status

    def _stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                logger.warning("worker %s did not stop in time; killed", process.pid)
                process.kill()
                process.join()


def serve(app: str, *, host: str, port: int, workers: int, **options: Any) -> int:
    """Serve the ASGI application (an import string) on the address; the exit status."""
    if workers <= 1 or not balanced():
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return 0
    return Supervisor(app, host=host, port=port, workers=workers, options=options).run()
