"""Exports: FTM JSON lines and STIX 2.1 bundles carry exactly the records the principal may
see in full (hypothesis draws policies and principals; the oracle of the access property
test decides), each exported record of another agency lands in its owner's access log, and
an owner's export imports back onto the same records."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from sqlalchemy import func, select

from bluebridge.access import records as access
from bluebridge.access.principal import Channel, Principal, PrincipalKind, RequestContext, Role
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import InvalidInput
from bluebridge.members import service as members
from bluebridge.records import exports, ftm, service
from bluebridge.records.kinds.base import HandlingCode
from bluebridge.records.models import Record, RecordAccess, RecordGrant
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work
from tests.records.test_access_property import (
    COUNTRIES,
    drawn_records,
    oracle,
    principals,
)
from tests.records.test_imports import DEFAULTS, run
from tests.records.test_records_service import ENVELOPE, enter, passport


@pytest.fixture
def french(world):
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


@pytest.fixture
def german(world):
    return world.principal(world.user("DEU-NCB", (Role.OFFICER,)))


def ftm_lines(runtime, principal, kind="travel_documents"):
    with runtime.sessions() as session:
        text = "".join(exports.export_ftm(session, principal=principal, kind_name=kind))
    return [json.loads(line) for line in text.splitlines()]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    drawn=drawn_records(),
    principal=principals(),
)
@example(
    # The General Secretariat's compliance reviewer sees a hit-only record, and may not export it.
    drawn=[
        ({"mode": "hit_only"}, "FRA", "active", []),
        ({"mode": "all_members"}, "DEU", "active", []),
    ],
    principal=Principal(
        kind=PrincipalKind.USER,
        id=1,
        name="reviewer",
        agency_id=100_002,
        agency_kind="general_secretariat",
        country=None,
        roles=frozenset({Role.COMPLIANCE_REVIEWER}),
        context=RequestContext(Channel.API),
        second_factor=True,
    ),
)
def test_an_export_carries_exactly_what_the_principal_sees_in_full(runtime, drawn, principal):
    marker = uuid.uuid4().hex[:8]
    expected: dict[int, str] = {}
    with unit_of_work(runtime.sessions) as session:
        ncbs = {c: members.get_agency_by_code(session, code=f"{c}-NCB").id for c in COUNTRIES}
        for n, (policy, owner, status, codes) in enumerate(drawn):
            parsed = access.AccessPolicy.model_validate(policy)
            number = f"{marker}{n}".upper()
            record = Record(
                kind="travel_documents",
                owner_agency_id=ncbs[owner],
                owner_country=owner,
                owner_reference=f"{marker}-{n}",
                status=status,
                source_type="police_investigation",
                source_grading="B",
                information_grading="2",
                handling_codes=list(codes),
                access_mode=parsed.mode.value,
                title=f"secret title {marker}-{n}",
                payload={
                    **passport(number=number, country=owner),
                    "holder_name": f"Holder {marker} {n}",
                },
                review_date=utcnow(),
                expires_at=utcnow() + dt.timedelta(days=1),
                seq=session.scalar(select(func.coalesce(func.max(Record.seq), 0))) + 1,
                created_by="test",
                updated_by="test",
            )
            record.grants = [RecordGrant(grant_type=t, value=v) for t, v in parsed.grants()]
            session.add(record)
            session.flush()
            seen = oracle(principal, owner, ncbs[owner], policy, status, codes)
            expected[record.id] = export_oracle(
                principal, owner, ncbs[owner], seen, codes, parsed.mode.value
            )
    try:
        with runtime.sessions() as session:
            text = "".join(
                exports.export_ftm(session, principal=principal, kind_name="travel_documents")
            )
            logged = set(
                session.scalars(
                    select(RecordAccess.record_id).where(
                        RecordAccess.action == "export", RecordAccess.record_id.in_(list(expected))
                    )
                )
            )
        entities = [json.loads(line) for line in text.splitlines()]
        full = {i for i, seen in expected.items() if seen == "full"}
        assert {e["id"] for e in entities} == {f"bluebridge-travel_documents-{i}" for i in full}
        assert logged == full
        # Nothing of a record it may not see in full, not even its reference or holder.
        hidden = {i for i, seen in expected.items() if seen != "full"}
        for record_id in hidden:
            n = next(k for k, i in enumerate(sorted(expected)) if i == record_id)
            assert f"{marker}-{n}" not in text
            assert f"Holder {marker} {n}" not in text
    finally:
        with unit_of_work(runtime.sessions) as session:
            session.execute(
                RecordAccess.__table__.delete().where(RecordAccess.record_id.in_(list(expected)))
            )
            for record_id in expected:
                session.delete(session.get(Record, record_id))


def export_oracle(principal, owner_country, owner_agency_id, seen, codes, mode) -> str:
    """An export is a copy leaving the platform: what is seen in full, less another agency's
    record marked not to be passed on or hit-only (its owner and the owner's NCB still
    export it; the General Secretariat's reviewers see hit-only records, and do not copy
    them out)."""
    if seen != "full":
        return seen
    own = principal.agency_id == owner_agency_id or (
        principal.agency_kind == "ncb" and principal.country == owner_country
    )
    if ("no_onward_transmission" in codes or mode == "hit_only") and not own:
        return "withheld"
    return "full"


def test_exports_are_in_the_owners_access_log_and_audited(runtime, french, german):
    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    (entity,) = ftm_lines(runtime, german)
    assert entity["schema"] == "Passport"
    assert entity["properties"]["number"] == ["12 ab-345/67"]
    assert entity["properties"]["country"] == ["fr"]
    with unit_of_work(runtime.sessions) as session:
        log = service.access_log(session, principal=french, record_id=record_id)
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "record.export")
        ).all()
    assert [(e.action, e.country) for e in log.items] == [("export", "DEU")]
    assert [json.loads(e.details)["records"] for e in events] == [[record_id]]
    assert json.loads(events[0].details)["countries"] == ["FRA"]
    # The owner's own export is audited but is no outside look.
    ftm_lines(runtime, french)
    with unit_of_work(runtime.sessions) as session:
        log = service.access_log(session, principal=french, record_id=record_id)
    assert len(log.items) == 1


def test_metadata_sight_exports_nothing(runtime, world):
    hit_only = service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        access_policy=access.AccessPolicy(mode=access.AccessMode.HIT_ONLY),
    )
    owner_unit, other_unit = world.unit("FRA"), world.unit("FRA")
    officer = world.principal(world.user(owner_unit.code, (Role.OFFICER,)))
    record_id, _, _ = enter(runtime, officer, "travel_documents", passport("77XX77"), hit_only)
    # A data protection officer of another French unit sees the record's metadata only.
    dpo = world.principal(world.user(other_unit.code, (Role.DATA_PROTECTION_OFFICER,)))
    with runtime.sessions() as session:
        seen = service.get_record(session, principal=dpo, record_id=record_id)
        assert seen.sight is access.Sight.METADATA
        session.rollback()
    assert ftm_lines(runtime, dpo) == []
    with runtime.sessions() as session:
        logged = session.scalar(select(func.count()).select_from(RecordAccess))
    assert logged == 0
    assert [e["properties"]["number"] for e in ftm_lines(runtime, officer)] == [["77XX77"]]


def test_an_owners_ftm_export_imports_back_onto_the_same_records(runtime, french):
    people = [
        {
            "names": [
                {"value": "Ana Lima", "type": "primary"},
                {"value": "Ana Silva", "type": "maiden"},
            ],
            "date_of_birth": {"year": 1980, "month": 4},
            "nationalities": ["FRA", "PRT"],
            "status": "wanted",
            "offences": ["fraud; forgery"],
            "gender": "female",
        },
        {"names": [{"value": "Bo"}], "status": "missing"},
    ]
    for n, payload in enumerate(people):
        enter(
            runtime,
            french,
            "persons",
            payload,
            service.Envelope(
                source_type=ENVELOPE.source_type,
                source_grading=ENVELOPE.source_grading,
                information_grading=ENVELOPE.information_grading,
                owner_reference=f"P-{n}",
            ),
        )
    with runtime.sessions() as session:
        before = {r.owner_reference: r.payload for r in session.scalars(select(Record)).all()}
    lines = ftm_lines(runtime, french, "persons")
    assert {e["id"] for e in lines} == {"P-0", "P-1"}
    first = next(e for e in lines if e["id"] == "P-0")
    assert first["properties"]["name"] == ["Ana Lima"]
    assert first["properties"]["alias"] == ["Ana Silva"]
    assert first["properties"]["birthDate"] == ["1980-04"]
    assert first["properties"]["nationality"] == ["fr", "pt"]
    data = "".join(json.dumps(e) + "\n" for e in lines)
    job, rejections = run(runtime, french, "persons", "ftm", data)
    assert rejections == []
    assert (job.created, job.updated) == (0, 2)
    with runtime.sessions() as session:
        after = {r.owner_reference: r.payload for r in session.scalars(select(Record)).all()}
    assert after == before


@pytest.mark.parametrize("kind", sorted(ftm.MAPPINGS))
def test_every_mapped_kinds_samples_survive_ftm_both_ways(runtime, kind):
    from bluebridge.records import registry, samples

    record_kind = registry.get(kind)
    for seed in range(25):
        for country in ("FRA", "EGY", "JPN", "BRA", "RUS"):
            given = samples.sample_payload(kind, country=country, rng=random.Random(seed))
            stored = service.validate_payload(record_kind, given, runtime.settings)
            payload = stored.model_dump(mode="json")
            entity = ftm.to_entity(kind, "e1", payload)
            assert entity["schema"] in ftm.MAPPINGS[kind].schemata
            json.dumps(entity)  # plain JSON: lists of text
            assert all(
                isinstance(v, str) for values in entity["properties"].values() for v in values
            )
            back = service.validate_payload(
                record_kind, ftm.to_payload(kind, entity), runtime.settings
            )
            assert back.model_dump(mode="json") == payload, (seed, country)


def test_a_stix_export_is_a_bundle_that_imports_back(runtime, world, french):
    unit = world.unit("FRA")
    officer = world.principal(world.user(unit.code, (Role.OFFICER,)))
    indicator = {
        "indicator_type": "url",
        "value": "https://Example.org/x",
        "threat": "information_stealer",
        "first_seen": "2025-05-01T10:00:00Z",
        "tlp": "amber_strict",
    }
    marked = service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        handling_codes=(HandlingCode.NOT_FOR_JUDICIAL_USE,),
    )
    enter(runtime, officer, "cyber_indicators", indicator, marked)
    with runtime.sessions() as session:
        text = "".join(exports.export_stix(session, principal=french, kind_name="cyber_indicators"))
    bundle = json.loads(text)
    assert bundle["type"] == "bundle"
    indicators = [o for o in bundle["objects"] if o["type"] == "indicator"]
    assert [o["pattern"] for o in indicators] == ["[url:value = 'https://example.org/x']"]
    assert indicators[0][ftm.HANDLING_PROPERTY] == ["not_for_judicial_use"]
    job, rejections = run(runtime, french, "cyber_indicators", "stix", text)
    assert rejections == []
    assert job.created == 1  # a copy for the French NCB, under the STIX id
    with runtime.sessions() as session:
        copy = session.scalars(
            select(Record).where(Record.owner_reference == indicators[0]["id"])
        ).one()
    assert copy.handling_codes == ["not_for_judicial_use"]


def test_formats_that_do_not_fit_the_kind_are_problems(runtime, french):
    with runtime.sessions() as session:
        with pytest.raises(InvalidInput, match="cyber_indicators only"):
            list(exports.export_stix(session, principal=french, kind_name="persons"))
        with pytest.raises(InvalidInput, match="FollowTheMoney"):
            list(exports.export_ftm(session, principal=french, kind_name="dna_profiles"))


def test_an_import_then_export_round_trip_through_csv(runtime, french):
    data = (
        "owner_reference,number,issuing_country,document_type,status,date_reported\n"
        "FR-1,11AA11,FRA,identity_card,lost,2026-01-15\n"
    )
    run(runtime, french, "travel_documents", "csv", data)
    (entity,) = ftm_lines(runtime, french)
    assert (entity["id"], entity["schema"]) == ("FR-1", "Identification")
    assert entity["properties"]["x_bluebridge_status"] == ["lost"]
    job, _ = run(
        runtime, french, "travel_documents", "ftm", json.dumps(entity) + "\n", defaults=DEFAULTS
    )
    assert (job.created, job.updated) == (0, 1)
    assert io  # imported for the helpers above


def test_handling_codes_travel_with_the_export_and_back(runtime, french, german):
    marked = service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        handling_codes=(HandlingCode.NOT_FOR_JUDICIAL_USE,),
        owner_reference="FR-J",
    )
    enter(runtime, french, "travel_documents", passport(), marked)
    (entity,) = ftm_lines(runtime, german)
    assert entity["properties"][ftm.HANDLING_PROPERTY] == ["not_for_judicial_use"]
    # The owner's export imports back with its codes; nothing lands in the payload.
    (own,) = ftm_lines(runtime, french)
    job, rejections = run(runtime, french, "travel_documents", "ftm", json.dumps(own) + "\n")
    assert (rejections, job.updated) == ([], 1)
    with runtime.sessions() as session:
        record = session.scalars(select(Record)).one()
    assert record.handling_codes == ["not_for_judicial_use"]
    assert ftm.HANDLING_PROPERTY.removeprefix(ftm.CUSTOM_PREFIX) not in record.payload


def test_an_owners_stix_export_imports_back_onto_the_same_records(runtime, french, german):
    from bluebridge.records import imports
    from bluebridge.records.kinds import cyber_indicators

    good = cyber_indicators.CyberIndicatorPayload.model_validate(
        {
            "indicator_type": "ip_address",
            "value": "198.51.100.7",
            "threat": "ransomware",
            "first_seen": "2025-05-01T10:00:00Z",
            "tlp": "amber",
        }
    )
    indicator = json.loads(cyber_indicators.to_stix(good, "theirs").serialize())
    bundle = {
        "type": "bundle",
        "id": "bundle--00000000-0000-4000-8000-000000000000",
        "objects": [json.loads(cyber_indicators.stix2.TLP_AMBER.serialize()), indicator],
    }
    shared = imports.EnvelopeDefaults(
        **DEFAULTS.model_dump(exclude_none=True),
        access_policy=access.AccessPolicy(mode=access.AccessMode.ALL_MEMBERS),
    )
    job, _ = run(runtime, french, "cyber_indicators", "stix", json.dumps(bundle), shared)
    assert job.created == 1

    def exported_ids(principal):
        with runtime.sessions() as session:
            text = "".join(
                exports.export_stix(session, principal=principal, kind_name="cyber_indicators")
            )
        return text, [o["id"] for o in json.loads(text)["objects"] if o["type"] == "indicator"]

    text, ids = exported_ids(french)
    assert ids == [indicator["id"]]  # the owner's own reference
    again, _ = run(runtime, french, "cyber_indicators", "stix", text)
    assert (again.created, again.updated) == (0, 1)
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Record)) == 1
    _, foreign = exported_ids(german)
    assert len(foreign) == 1
    assert foreign != ids  # nothing of the French NCB's references
