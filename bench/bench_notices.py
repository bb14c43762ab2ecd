"""Notices and diffusions, printed as JSON: how long the automatic checks take when a request
is submitted (target: within 1 second), how long a reviewer's decision takes, and what the
notices add to a screening that matched records (one query for the matched ids).

A store of person records (SQLite in a temporary directory, or `--database-url`) with notices
on part of them: every request is made through the service functions, checked, audited and
decided as in real use.

Run: `python bench/bench_notices.py [--persons N] [--notices M] [--database-url URL]`."""

from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.progress import Progress

from bluebridge.access.principal import Channel, RequestContext, Role, operator_principal
from bluebridge.audit import service as audit
from bluebridge.members import authentication
from bluebridge.members import service as members
from bluebridge.notices import service
from bluebridge.records import service as records
from bluebridge.records.kinds.base import InformationGrading, SourceGrading, SourceType
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.engine import unit_of_work

FACTS = (
    "On 3 March the person robbed a jewellery shop at gunpoint with two accomplices.",
    "Il a organisé une manifestation illégale et outragé le président.",
    "Acusado de blanqueo de capitales procedentes del narcotráfico.",
    "متهم بالاتجار بالمخدرات عبر الحدود",
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def figures(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
        "max_ms": round(max(values), 2),
    }


def user(runtime: Runtime, agency: str, role: Role, name: str, nationality: str | None = None):  # type: ignore[no-untyped-def]
    with unit_of_work(runtime.sessions) as session:
        row = members.get_agency_by_code(session, code=agency)
        account = members.create_user(
            session,
            settings=runtime.settings,
            principal=operator_principal("bench"),
            agency_id=row.id,
            username=name,
            display_name=name,
            roles=[role.value],
            password=secrets.token_urlsafe(24),
            nationality=nationality,
        )
        session.flush()
        return authentication.principal_for_user(
            account, RequestContext(Channel.API), second_factor=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--notices", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="bb-notices-"))
    url = args.database_url or f"sqlite:///{directory / 'bench.sqlite3'}"
    runtime = Runtime.start(
        Settings(
            data_dir=directory,
            database_url=url,
            secret_key=secrets.token_hex(32),
            argon2_memory_kib=1024,
        )
    )
    migrate.upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        audit.initialise(session)
        members.sync_reference(session)
    officer = user(runtime, "FRA-NCB", Role.OFFICER, "bench.officer")
    reviewer = user(runtime, "GS", Role.COMPLIANCE_REVIEWER, "bench.reviewer", "CHE")
    rng = random.Random(7)
    envelope = records.Envelope(
        source_type=SourceType.POLICE_INVESTIGATION,
        source_grading=SourceGrading.B,
        information_grading=InformationGrading.PROBABLY_TRUE,
    )
    person_ids: list[int] = []
    checks: list[float] = []
    decisions: list[float] = []
    with Progress() as progress:
        task = progress.add_task("persons", total=args.persons)
        for start in range(0, args.persons, 500):
            with unit_of_work(runtime.sessions) as session:
                for i in range(start, min(args.persons, start + 500)):
                    payload = {
                        "names": [{"value": f"Jean{i} Dupont{i % 97}", "type": "primary"}],
                        "date_of_birth": {
                            "year": 1950 + i % 50,
                            "month": 1 + i % 12,
                            "day": 1 + i % 28,
                        },
                        "nationalities": ["FRA"],
                        "gender": "male",
                        "status": "wanted",
                    }
                    record = records.create_record(
                        session,
                        settings=runtime.settings,
                        principal=officer,
                        kind_name="persons",
                        payload=payload,
                        envelope=envelope,
                    )
                    person_ids.append(record.id)
            progress.advance(task, min(500, args.persons - start))
        task = progress.add_task("notices", total=args.notices)
        for n in range(args.notices):
            content = {
                "summary": "Armed robbery",
                "facts": rng.choice(FACTS),
                "offences": [
                    {
                        "category": "robbery",
                        "description": "Armed robbery",
                        "legal_provision": "Code pénal 311-9",
                        "max_penalty_months": 240,
                    }
                ],
                "purpose": "prosecution",
                "legal_basis": {
                    "kind": "arrest_warrant",
                    "reference": f"MA-{n}",
                    "date": "2026-01-02",
                    "authority": "Tribunal judiciaire de Lyon",
                },
            }
            with unit_of_work(runtime.sessions) as session:
                notice = service.create(
                    session,
                    settings=runtime.settings,
                    principal=officer,
                    kind="notice",
                    type="red",
                    draft=service.Draft(
                        content=content, subjects=(service.SubjectIn(person_ids[n]),)
                    ),
                )
                notice_id = notice.id
            started = time.perf_counter()
            with unit_of_work(runtime.sessions) as session:
                service.submit(
                    session, settings=runtime.settings, principal=officer, notice_id=notice_id
                )
            checks.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with unit_of_work(runtime.sessions) as session:
                service.decide(
                    session,
                    settings=runtime.settings,
                    principal=reviewer,
                    notice_id=notice_id,
                    decision="publish",
                    reasons="Complies with Articles 2 and 3.",
                )
            decisions.append((time.perf_counter() - started) * 1000)
            progress.advance(task)
    border = user(runtime, "ESP-NCB", Role.BORDER_OFFICER, "bench.border")
    lookups: list[float] = []
    with runtime.sessions() as session:
        for _ in range(500):
            ids = rng.sample(person_ids, 5)
            started = time.perf_counter()
            service.on_records(session, principal=border, record_ids=ids)
            lookups.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {
                "store": runtime.engine.dialect.name,
                "persons": args.persons,
                "notices": args.notices,
                "submit_with_checks": figures(checks),
                "checks_target_ms": 1000,
                "decision": figures(decisions),
                "notices_on_5_matched_records": figures(lookups),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
