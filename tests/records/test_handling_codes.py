"""Handling codes decided in access/handling.py: the SQL filter and the single-record check of
export agree, and police-use-only records stay away from private partners on every path."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from bluebridge.access import handling
from bluebridge.access.principal import Role
from bluebridge.access.records import AccessPolicy
from bluebridge.errors import NotFound
from bluebridge.records import service
from bluebridge.records.models import Record
from bluebridge.store.engine import unit_of_work
from tests.records.test_records_service import ENVELOPE, enter, passport

CODES = ("not_for_judicial_use", "no_onward_transmission", "police_use_only")


def _envelope(codes, policy=None) -> service.Envelope:
    return service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        handling_codes=tuple(service.HandlingCode(c) for c in codes),
        access_policy=policy,
    )


def test_export_filter_and_check_agree_for_every_code_combination(runtime, world):
    owner = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    ids = {}
    for n, codes in enumerate(
        c for size in range(len(CODES) + 1) for c in itertools.combinations(CODES, size)
    ):
        record_id, _, _ = enter(
            runtime, owner, "travel_documents", passport(f"X{n:04d}99"), _envelope(codes)
        )
        ids[record_id] = codes
    hit_only, _, _ = enter(
        runtime,
        owner,
        "travel_documents",
        passport("H000199"),
        _envelope([], AccessPolicy(mode="hit_only")),
    )
    readers = [
        owner,
        world.principal(world.user("FRA-NCB", (Role.ANALYST,))),  # the owner's own NCB
        world.principal(world.user("DEU-NCB", (Role.OFFICER,))),
        world.principal(world.user(world.unit("FRA").code, (Role.OFFICER,))),
        world.principal(world.user("GS", (Role.COMPLIANCE_REVIEWER,))),  # sees it, never exports
    ]
    ids[hit_only] = ()
    with runtime.sessions() as session:
        for reader in readers:
            filtered = set(
                session.scalars(
                    select(Record.id).where(
                        Record.id.in_(list(ids)), handling.export_filter(reader)
                    )
                )
            )
            checked = {i for i in ids if handling.may_export(reader, session.get(Record, i))}
            assert filtered == checked
            withheld = {i for i, codes in ids.items() if "no_onward_transmission" in codes}
            withheld.add(hit_only)
            if reader.country == "FRA" and reader.agency_kind == "ncb":
                assert filtered == set(ids)
            else:
                assert filtered == set(ids) - withheld


def test_a_private_partner_never_sees_a_police_use_only_record(runtime, world):
    owner = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    partners = AccessPolicy.model_validate({"mode": "listed", "agency_kinds": ["private_partner"]})
    police_only, _, _ = enter(
        runtime,
        owner,
        "travel_documents",
        passport("P0000001"),
        _envelope(["police_use_only"], partners),
    )
    shared, _, _ = enter(
        runtime, owner, "travel_documents", passport("P0000002"), _envelope([], partners)
    )
    partner_agency = world.unit(None, code="AIRLINE-T", kind="private_partner")
    partner = world.principal(world.user(partner_agency.code, (Role.BORDER_OFFICER,)))
    with unit_of_work(runtime.sessions) as session:
        listed = service.list_records(session, principal=partner, kind_name="travel_documents")
        assert [v.record.id for v in listed.items] == [shared]
        assert listed.total == 1
        with pytest.raises(NotFound):
            service.get_record(session, principal=partner, record_id=police_only)
