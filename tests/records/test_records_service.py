"""Entering, reading, changing and deleting records through the service, with owner rules,
retention, idempotent re-import, the change sequence and the audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bluebridge.access.principal import Role
from bluebridge.access.records import AccessPolicy
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bluebridge.records import service
from bluebridge.records.kinds.base import InformationGrading, SourceGrading, SourceType
from bluebridge.records.models import RecordKey
from bluebridge.store.engine import unit_of_work

ENVELOPE = service.Envelope(
    source_type=SourceType.POLICE_INVESTIGATION,
    source_grading=SourceGrading.B,
    information_grading=InformationGrading.PROBABLY_TRUE,
)


def passport(number: str = "12 ab-345/67", country: str = "FRA") -> dict[str, object]:
    return {
        "number": number,
        "issuing_country": country,
        "document_type": "passport",
        "status": "stolen_issued",
        "date_reported": "2026-01-15",
    }


def enter(
    runtime, principal, kind: str, payload: dict[str, object], envelope: service.Envelope = ENVELOPE
):
    with unit_of_work(runtime.sessions) as session:
        record = service.create_record(
            session,
            settings=runtime.settings,
            principal=principal,
            kind_name=kind,
            payload=payload,
            envelope=envelope,
        )
        return record.id, record.seq, record.version


@pytest.fixture
def french(world):
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


@pytest.fixture
def german(world):
    return world.principal(world.user("DEU-NCB", (Role.OFFICER,)))


def test_a_travel_document_is_entered_with_keys_retention_and_audit(runtime, french):
    record_id, seq, version = enter(runtime, french, "travel_documents", passport())
    assert version == 1
    with runtime.sessions() as session:
        view = service.get_record(session, principal=french, record_id=record_id)
        record = view.record
        keys = set(session.scalars(select(RecordKey.value).where(RecordKey.record_id == record_id)))
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "record.create")
        ).one()
    assert keys == {"FRA:12AB34567"}
    assert record.owner_country == "FRA"
    assert record.seq == seq
    years = (record.expires_at - record.created_at).days / 365.25
    assert 4.99 < years < 5.01
    assert dt.timedelta(days=180) < record.expires_at - record.review_date < dt.timedelta(days=186)
    assert event.object_id == str(record_id)
    assert event.object_country == "FRA"


def test_only_the_issuing_country_enters_its_documents(runtime, german):
    with pytest.raises(InvalidInput) as caught:
        enter(runtime, german, "travel_documents", passport(country="FRA"))
    assert caught.value.problems[0].field == "issuing_country"


def test_payload_errors_name_the_field(runtime, french):
    with pytest.raises(InvalidInput) as caught:
        enter(
            runtime,
            french,
            "travel_documents",
            {**passport(), "document_type": "scroll", "extra": 1},
        )
    fields = {p.field for p in caught.value.problems}
    assert "payload.document_type" in fields
    assert "payload.extra" in fields


def test_reimport_by_owner_reference_updates(runtime, french):
    envelope = service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        owner_reference="FR-2026-0001",
    )
    first, first_seq, _ = enter(runtime, french, "travel_documents", passport(), envelope)
    again, again_seq, version = enter(
        runtime, french, "travel_documents", passport(number="99XY"), envelope
    )
    assert again == first
    assert version == 2
    assert again_seq > first_seq


def test_others_read_but_never_change(runtime, french, german):
    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    with runtime.sessions() as session:
        assert (
            service.get_record(session, principal=german, record_id=record_id).payload is not None
        )
        with pytest.raises(PermissionDenied):
            service.update_record(
                session,
                settings=runtime.settings,
                principal=german,
                record_id=record_id,
                expected_version=1,
                payload=passport(),
            )
        with pytest.raises(PermissionDenied):
            service.delete_record(session, principal=german, record_id=record_id)


def test_a_stale_version_is_refused(runtime, french):
    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    with unit_of_work(runtime.sessions) as session:
        service.update_record(
            session,
            settings=runtime.settings,
            principal=french,
            record_id=record_id,
            expected_version=1,
            payload=passport(number="11"),
        )
    with runtime.sessions() as session, pytest.raises(Conflict):
        service.update_record(
            session,
            settings=runtime.settings,
            principal=french,
            record_id=record_id,
            expected_version=1,
            payload=passport(number="22"),
        )


def test_hit_only_records_are_absent_for_others(runtime, french, german):
    envelope = service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        access_policy=AccessPolicy.model_validate({"mode": "hit_only"}),
    )
    record_id, _, _ = enter(runtime, french, "travel_documents", passport(), envelope)
    with runtime.sessions() as session:
        with pytest.raises(NotFound) as caught:
            service.get_record(session, principal=german, record_id=record_id)
        assert (
            str(record_id) in caught.value.detail
        )  # the same words as for a record that never was
        assert (
            service.list_records(session, principal=german, kind_name="travel_documents").total == 0
        )
        assert (
            service.lookup(session, principal=german, key_type="document", values=["FRA:12AB34567"])
            == []
        )
        assert service.lookup(
            session, principal=french, key_type="document", values=["FRA:12AB34567"]
        )


def test_deletion_leaves_every_read_path_and_moves_the_sequence(runtime, french):
    record_id, seq, _ = enter(runtime, french, "travel_documents", passport())
    with unit_of_work(runtime.sessions) as session:
        deleted = service.delete_record(session, principal=french, record_id=record_id)
        assert deleted.seq > seq
    with runtime.sessions() as session:
        with pytest.raises(NotFound):
            service.get_record(session, principal=french, record_id=record_id)
        assert (
            service.lookup(session, principal=french, key_type="document", values=["FRA:12AB34567"])
            == []
        )
        changes = service.changes_since(session, after_seq=seq)
        assert [(c.id, c.status) for c in changes] == [(record_id, "deleted")]


def test_reading_another_countrys_record_is_audited(runtime, french, german):
    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    with unit_of_work(runtime.sessions) as session:
        service.get_record(session, principal=german, record_id=record_id)
    with runtime.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "record.read")).one()
    assert (event.country, event.object_country) == ("DEU", "FRA")


def test_sequence_is_monotonic_across_changes(runtime, french):
    seqs = [
        enter(runtime, french, "travel_documents", passport(number=f"N{n}"))[1] for n in range(5)
    ]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 5


def test_officers_enter_records_analysts_do_not(runtime, world):
    analyst = world.principal(world.user("FRA-NCB", (Role.ANALYST,)))
    with pytest.raises(PermissionDenied):
        enter(runtime, analyst, "travel_documents", passport())


def test_unknown_kind_names_the_kinds(runtime, french):
    with pytest.raises(NotFound, match="travel_documents"):
        enter(runtime, french, "spaceships", {})


def test_a_deleted_records_reference_can_be_used_again(runtime, french):
    envelope = service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        owner_reference="FR-REUSED",
    )
    first, _, _ = enter(runtime, french, "travel_documents", passport(), envelope)
    with unit_of_work(runtime.sessions) as session:
        service.delete_record(session, principal=french, record_id=first)
    second, _, version = enter(runtime, french, "travel_documents", passport(), envelope)
    assert second != first
    assert version == 1


def test_only_writers_of_the_owning_agency_change_or_delete(runtime, world, french):
    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    analyst = world.principal(world.user("FRA-NCB", (Role.ANALYST,)))
    with runtime.sessions() as session:
        with pytest.raises(PermissionDenied):
            service.delete_record(session, principal=analyst, record_id=record_id)
        with pytest.raises(PermissionDenied):
            service.update_record(
                session,
                settings=runtime.settings,
                principal=analyst,
                record_id=record_id,
                expected_version=1,
                payload=passport(),
            )


def test_long_keys_are_found_whole(runtime, french):
    alleles = {f"LOCUS{n:02d}": ["12", "13.2"] for n in range(30)}
    profile = {"kit": "GlobalFiler", "loci": alleles, "sample_kind": "crime_scene"}
    record_id, _, _ = enter(runtime, french, "dna_profiles", profile)
    with runtime.sessions() as session:
        (key,) = session.scalars(select(RecordKey).where(RecordKey.record_id == record_id)).all()
        assert key.value.startswith("sha256:")
        from bluebridge.records import registry

        kind = registry.get("dna_profiles")
        full = kind.lookup_keys(
            kind.payload.model_validate(
                service.get_record(session, principal=french, record_id=record_id).record.payload
            )
        )[0]
        assert len(full.value) > 300
        found = service.lookup(
            session, principal=french, key_type="dna_profile", values=[full.value]
        )
    assert [v.record.id for v in found] == [record_id]


def test_a_list_searches_titles_of_records_seen_in_full_only(runtime, world, french, german):
    enter(runtime, french, "travel_documents", passport("AB100001"))
    enter(runtime, french, "travel_documents", passport("CD200002"))
    spain_only = service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        access_policy=AccessPolicy.model_validate({"mode": "listed", "countries": ["ESP"]}),
    )
    hidden, _, _ = enter(runtime, french, "travel_documents", passport("EF300003"), spain_only)
    unit = world.unit("FRA")
    dpo = world.principal(world.user(unit.code, (Role.DATA_PROTECTION_OFFICER,)))
    with runtime.sessions() as session:
        found = service.list_records(
            session, principal=german, kind_name="travel_documents", search="ab1000"
        )
        assert [v.record.title for v in found.items] == ["Passport FRA AB100001 (stolen issued)"]
        assert found.total == 1
        wildcard = service.list_records(session, principal=german, search="%")
        assert wildcard.total == 0
        # Metadata sight never searches content, not even the title.
        assert hidden in {v.record.id for v in service.list_records(session, principal=dpo).items}
        assert service.list_records(session, principal=dpo, search="EF3000").total == 0
        session.rollback()


def test_a_title_search_folds_case_in_every_alphabet(runtime, french, german):
    for name in ("Братва Севера", "Élan Noir"):
        enter(
            runtime,
            french,
            "organizations",
            {"name": name, "organization_type": "criminal_group"},
        )
    with runtime.sessions() as session:
        for term in ("братва", "БРАТВА", "élan", "ÉLAN"):
            found = service.list_records(
                session, principal=german, kind_name="organizations", search=term
            )
            assert found.total == 1, term
        session.rollback()
