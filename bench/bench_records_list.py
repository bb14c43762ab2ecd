"""Visibility-filtered record lists over a large store, printed as JSON.

Loads N travel-document records (default 1,000,000) straight into the tables, owned by the
196 NCBs with a spread of access policies (70% all members, 15% listed countries, 10% all
but some countries, 5% hit-only), then times `records.service.list_records` for principals of
several countries: first pages, deep pages, and a filter by owner country.

Run: `python bench/bench_records_list.py [--records N] [--database-url URL]`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from bluebridge.access.principal import Channel, Principal, PrincipalKind, RequestContext, Role
from bluebridge.audit import service as audit
from bluebridge.members import reference
from bluebridge.members import service as members
from bluebridge.members.models import Agency
from bluebridge.records import service
from bluebridge.records.models import ChangeSequence, Record, RecordGrant, RecordKey
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.engine import unit_of_work

CHUNK = 20_000


def load(runtime: Runtime, total: int, rng: random.Random) -> float:
    with runtime.sessions() as session:
        ncbs = [
            (a.id, a.country) for a in session.scalars(select(Agency).where(Agency.kind == "ncb"))
        ]
    countries = [c for _, c in ncbs]
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    next_id = 1
    while next_id <= total:
        records, grants, keys = [], [], []
        for record_id in range(next_id, min(total, next_id + CHUNK - 1) + 1):
            agency_id, country = ncbs[rng.randrange(len(ncbs))]
            draw = rng.random()
            mode = (
                "all_members"
                if draw < 0.70
                else "listed"
                if draw < 0.85
                else "all_except"
                if draw < 0.95
                else "hit_only"
            )
            if mode == "listed":
                for c in rng.sample(countries, 3):
                    grants.append({"record_id": record_id, "grant_type": "country", "value": c})
            elif mode == "all_except":
                for c in rng.sample(countries, 2):
                    grants.append({"record_id": record_id, "grant_type": "exclude", "value": c})
            number = f"{rng.randrange(10**8):08d}{rng.choice('ABCDEFGHJK')}"
            records.append(
                {
                    "id": record_id,
                    "kind": "travel_documents",
                    "owner_agency_id": agency_id,
                    "owner_country": country,
                    "status": "active",
                    "source_type": "border_control",
                    "source_grading": "B",
                    "information_grading": "2",
                    "handling_codes": [],
                    "access_mode": mode,
                    "title": f"passport {country} {number}",
                    "payload": {
                        "number": number,
                        "issuing_country": country,
                        "document_type": "passport",
                        "status": "stolen_issued",
                        "date_reported": "2026-01-15",
                    },
                    "review_date": now + dt.timedelta(days=1600),
                    "expires_at": now + dt.timedelta(days=1826),
                    "version": 1,
                    "seq": record_id,
                    "created_at": now,
                    "created_by": "bench",
                    "updated_at": now,
                    "updated_by": "bench",
                }
            )
            keys.append(
                {"record_id": record_id, "key_type": "document", "value": f"{country}:{number}"}
            )
        with runtime.engine.begin() as connection:
            connection.execute(insert(Record), records)
            if grants:
                connection.execute(insert(RecordGrant), grants)
            connection.execute(insert(RecordKey), keys)
        next_id += CHUNK
    with unit_of_work(runtime.sessions) as session:
        session.merge(ChangeSequence(id=1, value=total))
    return time.perf_counter() - started


def principal_of(session, alpha3: str) -> Principal:  # type: ignore[no-untyped-def]
    agency = members.get_agency_by_code(session, code=f"{alpha3}-NCB")
    return Principal(
        kind=PrincipalKind.USER,
        id=1,
        name=f"bench-{alpha3}",
        agency_id=agency.id,
        agency_kind="ncb",
        country=alpha3,
        roles=frozenset({Role.OFFICER}),
        context=RequestContext(Channel.API),
        second_factor=True,
        region=agency.region,
    )


def timed(
    runtime: Runtime, principal: Principal, repeats: int, **query: object
) -> dict[str, float]:
    latencies = []
    for _ in range(repeats):
        with runtime.sessions() as session:
            started = time.perf_counter()
            page = service.list_records(
                session, principal=principal, kind_name="travel_documents", **query
            )  # type: ignore[arg-type]
            latencies.append((time.perf_counter() - started) * 1000)
            session.rollback()
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "total_visible": page.total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            data_dir=Path(directory),
            database_url=args.database_url,
            secret_key=secrets.token_hex(16),
        )
        runtime = Runtime.start(settings)
        migrate.upgrade(runtime.engine)
        with unit_of_work(runtime.sessions) as session:
            audit.initialise(session)
            members.sync_reference(session)
        load_seconds = load(runtime, args.records, rng)
        if runtime.engine.dialect.name == "postgresql":
            with runtime.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            ) as connection:
                connection.exec_driver_sql("ANALYZE")
        else:
            with runtime.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        results = {}
        with runtime.sessions() as session:
            viewers = {c: principal_of(session, c) for c in ("FRA", "BRA", "JPN")}
        for alpha3, principal in viewers.items():
            results[alpha3] = {
                "first_page": timed(runtime, principal, args.repeats, page=1, per_page=50),
                "page_100": timed(runtime, principal, args.repeats, page=100, per_page=50),
                "owner_country_filter": timed(
                    runtime, principal, args.repeats, owner_country="DEU", per_page=50
                ),
            }
        runtime.engine.dispose()
    print(
        json.dumps(
            {
                "benchmark": "records_list",
                "store": runtime.engine.dialect.name,
                "records": args.records,
                "load_records_per_second": round(args.records / load_seconds),
                "members": len(reference.member_countries()),
                "list": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
