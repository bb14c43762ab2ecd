"""The index of every process follows the store: a record entered, changed or deleted in one
process is screened as such by another process's index, which follows the change sequence on
its own (a background thread), without being asked to catch up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bluebridge.access.principal import Role
from bluebridge.records import service as records
from bluebridge.store.engine import unit_of_work
from tests.screening.factories import enter, person

WORKER = Path(__file__).with_name("screening_worker.py")


class Worker:
    def __init__(self, runtime) -> None:
        env = dict(os.environ)
        env["BLUEBRIDGE_DATABASE_URL"] = runtime.settings.resolved_database_url
        env["BLUEBRIDGE_DATA_DIR"] = str(runtime.settings.data_dir)
        env["BLUEBRIDGE_SECRET_KEY"] = runtime.settings.secret.decode()
        env["PYTHONPATH"] = os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")])
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.ask_line() == "ready"

    def ask_line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def ask(self, command: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.ask_line()

    def wait_for_sequence(self, sequence: int, limit: float = 20.0) -> float:
        """Seconds until the worker's own follower reached the sequence (fails past limit)."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if int(self.ask("seq")) >= sequence:
                return time.monotonic() - started
            time.sleep(0.05)
        raise AssertionError(f"the worker's index never reached sequence {sequence}")

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)


def _seq(runtime, record_id: int) -> int:
    from bluebridge.records.models import Record

    with runtime.sessions() as session:
        record = session.get(Record, record_id)
        assert record is not None
        return record.seq


def test_two_worker_processes_follow_new_changed_and_deleted_records(runtime, world):
    officer = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    workers = [Worker(runtime), Worker(runtime)]
    try:
        for worker in workers:
            assert worker.ask("screen Amélie Poulain") == "no_hit"
        record_id = enter(runtime, officer, "persons", person(["Amélie Poulain"]))
        for worker in workers:
            worker.wait_for_sequence(_seq(runtime, record_id))
            assert worker.ask("screen Amelie Poulain") == "hit"
        with unit_of_work(runtime.sessions) as session:
            records.update_record(
                session,
                settings=runtime.settings,
                principal=officer,
                record_id=record_id,
                payload=person(["Amélie Dupont"]),
                expected_version=1,
            )
        for worker in workers:
            worker.wait_for_sequence(_seq(runtime, record_id))
            assert worker.ask("screen Amelie Poulain") == "no_hit"
            assert worker.ask("screen Amelie Dupont") == "hit"
        with unit_of_work(runtime.sessions) as session:
            records.delete_record(session, principal=officer, record_id=record_id)
        for worker in workers:
            worker.wait_for_sequence(_seq(runtime, record_id))
            assert worker.ask("screen Amelie Dupont") == "no_hit"
    finally:
        for worker in workers:
            worker.close()
