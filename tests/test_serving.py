"""`bluebridge serve` with several workers: the real command in a subprocess, on a fresh data
directory. Each worker listens on the address itself (SO_REUSEPORT), so connections spread
over the workers; a worker that dies is replaced; SIGTERM stops them all; an address another
program holds is refused at once with the reason."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bluebridge import serving
from tests.servers import free_port, server_env

pytestmark = pytest.mark.skipif(
    not serving.balanced() or not Path("/proc/net/tcp").exists(),
    reason="needs SO_REUSEPORT and /proc (Linux)",
)

START_SECONDS = 60


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bluebridge", *args]


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _workers(pid: int) -> set[int]:
    """The serving workers among the command's children (multiprocessing's resource tracker,
    a child too, is not one)."""
    workers = set()
    for child in _children(pid):
        try:
            line = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"resource_tracker" not in line:
            workers.add(child)
    return workers


def _established_on(port: int) -> set[str]:
    """Socket inodes of established TCP connections whose local port is `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False


def _wait(condition: object, what: str, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {seconds} s; the server's log:\n{log.read_text()[-4000:]}")


class Served:
    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
            env=server_env(tmp_path / "data"),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Served(process, port, log)
    try:
        _wait(
            lambda: len(_workers(process.pid)) == 2 and _healthy(port),
            "two workers did not answer",
            START_SECONDS,
            log,
        )
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_connections_spread_over_both_workers(served: Served) -> None:
    # Every worker must have answered before counting: a worker still starting has no socket.
    _wait(
        lambda: all(_socket_inodes(w) for w in _workers(served.process.pid)),
        "the workers did not listen",
        START_SECONDS,
        served.log,
    )
    connections = []
    try:
        for _ in range(32):
            connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
            connections.append(connection)  # kept open: keep-alive, as a client pool holds
        established = _established_on(served.port)
        owned = {w: _socket_inodes(w) & established for w in _workers(served.process.pid)}
        assert len(owned) == 2
        # 32 connections all on one of two workers by the kernel's hash: about 1 in 2**31.
        assert all(owned.values()), (
            f"connections per worker: { {w: len(s) for w, s in owned.items()} }"
        )
        assert sum(len(s) for s in owned.values()) == 32
    finally:
        for connection in connections:
            connection.close()


def test_a_dead_worker_is_replaced(served: Served) -> None:
    before = _workers(served.process.pid)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    _wait(
        lambda: (now := _workers(served.process.pid)) and victim not in now and len(now) == 2,
        "no worker replaced the one killed",
        START_SECONDS,
        served.log,
    )
    _wait(lambda: _healthy(served.port), "the server did not answer", START_SECONDS, served.log)
    assert "starting another" in served.log.read_text()


def test_sigterm_stops_every_worker(served: Served) -> None:
    workers = _workers(served.process.pid)
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(30) == 0
    for worker in workers:
        assert not Path(f"/proc/{worker}").exists() or _zombie(worker)
    assert not _healthy(served.port)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except OSError:
        return True


def test_an_address_in_use_is_refused_with_the_reason(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        result = subprocess.run(
            _command("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
            env=server_env(tmp_path / "data"),
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert result.returncode != 0
    output = (result.stdout + result.stderr).decode()
    assert f"cannot listen on 127.0.0.1:{port}" in output
    assert "Address already in use" in output
    assert "Traceback" not in output


def test_listening_socket_shares_the_address_with_another_worker() -> None:
    port = free_port()
    first = serving.listening_socket("127.0.0.1", port)
    second = serving.listening_socket("127.0.0.1", port)
    try:
        assert first.getsockname() == second.getsockname()
        assert not first.get_inheritable()
    finally:
        first.close()
        second.close()


def test_workers_stop_when_the_supervisor_is_killed(served: Served) -> None:
    workers = _workers(served.process.pid)
    served.process.kill()  # SIGKILL: no chance to stop the workers itself
    served.process.wait(10)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
        Path(f"/proc/{w}").exists() and not _zombie(w) for w in workers
    ):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists() and not _zombie(w)]
    for worker in alive:  # leave nothing behind, whatever the outcome
        os.kill(worker, signal.SIGKILL)
    assert not alive, "orphaned workers kept serving"
