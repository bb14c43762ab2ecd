"""A second process that screens from its own index (for the freshness test): reads commands
on standard input, one per line, and answers each with one line.

  seq            the change sequence its index is current to (no catching up)
  screen NAME    the status of screening NAME as the General Secretariat's operator
"""

from __future__ import annotations

import sys

from bluebridge.access.principal import operator_principal
from bluebridge.runtime import Runtime
from bluebridge.screening import service
from bluebridge.screening.queries import person_query
from bluebridge.settings import Settings
from bluebridge.store.engine import unit_of_work


def main() -> None:
    runtime = Runtime.start(Settings())
    screening = runtime.screening
    screening.start()
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "seq":
            print(screening.index.sequence, flush=True)
        elif command == "screen":
            with unit_of_work(runtime.sessions) as session:
                [result] = service.screen(
                    session,
                    screening,
                    principal=operator_principal("worker"),
                    queries=[person_query("q", [argument])],
                )
            print(result.status, flush=True)
        else:
            print("?", flush=True)


if __name__ == "__main__":
    main()
