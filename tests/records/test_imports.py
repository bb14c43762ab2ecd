"""Bulk imports through the service: each format, idempotent re-import by the owner's
reference, every rejected row kept with its line, field and reason while the good rows are
written, a file that cannot be read failing its job with a clear error, batches audited, and
the jobs of one agency hidden from every other."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from bluebridge.access.principal import Role
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import InvalidInput, NotFound, PermissionDenied
from bluebridge.records import imports, service
from bluebridge.records.kinds import cyber_indicators
from bluebridge.records.models import ImportRejection, Record, RecordGrant, RecordKey

DEFAULTS = imports.EnvelopeDefaults(
    source_type="police_investigation", source_grading="B", information_grading="2"
)
HEADER = "owner_reference,number,issuing_country,document_type,status,date_reported\n"


@pytest.fixture
def french(world):
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


@pytest.fixture
def german(world):
    return world.principal(world.user("DEU-NCB", (Role.OFFICER,)))


def run(runtime, principal, kind, fmt, data, defaults=DEFAULTS, batch_size=imports.BATCH_SIZE):
    with runtime.sessions() as session:
        job = imports.import_file(
            session,
            settings=runtime.settings,
            principal=principal,
            kind_name=kind,
            format=imports.ImportFormat(fmt),
            source=io.BytesIO(data if isinstance(data, bytes) else data.encode()),
            filename=f"test.{fmt}",
            bytes_total=len(data),
            defaults=defaults,
            batch_size=batch_size,
        )
        rejections = [
            (r.line, r.field, r.reason)
            for r in session.scalars(
                select(ImportRejection)
                .where(ImportRejection.job_id == job.id)
                .order_by(ImportRejection.line, ImportRejection.id)
            )
        ]
        return job, rejections


def records_of(runtime, kind="travel_documents"):
    with runtime.sessions() as session:
        return {
            r.owner_reference: (r.id, r.version, r.payload, r.seq)
            for r in session.scalars(select(Record).where(Record.kind == kind))
        }


def test_a_csv_imports_and_a_reimport_updates_instead_of_duplicating(runtime, french):
    data = HEADER + "".join(
        f"FR-{n},{n:04d}AB{n},FRA,passport,lost,2026-01-15\n" for n in range(1, 6)
    )
    job, rejections = run(runtime, french, "travel_documents", "csv", data, batch_size=2)
    assert (job.status, job.created, job.updated, job.rejected, job.rows_read) == (
        "done",
        5,
        0,
        0,
        5,
    )
    assert rejections == []
    assert job.bytes_read == len(data)
    first = records_of(runtime)
    assert sorted(first) == [f"FR-{n}" for n in range(1, 6)]
    again, _ = run(runtime, french, "travel_documents", "csv", data.replace("lost", "revoked"))
    assert (again.created, again.updated) == (0, 5)
    second = records_of(runtime)
    assert {ref: v[0] for ref, v in second.items()} == {ref: v[0] for ref, v in first.items()}
    assert all(v[1] == 2 and v[2]["status"] == "revoked" for v in second.values())
    assert min(v[3] for v in second.values()) > max(v[3] for v in first.values())
    with runtime.sessions() as session:
        keys = set(session.scalars(select(RecordKey.value)))
    assert keys == {f"FRA:{n:04d}AB{n}" for n in range(1, 6)}


def test_rejected_rows_name_line_field_and_reason_and_good_rows_are_kept(runtime, french):
    data = (
        HEADER
        + "FR-1,11AA11,FRA,passport,lost,2026-01-15\n"  # line 2: good
        + "FR-2,22BB22,FRA,scroll,lost,2026-01-15\n"  # line 3: unknown document type
        + ",33CC33,FRA,passport,lost,2026-01-15\n"  # line 4: no reference
        + "FR-4,44DD44,DEU,passport,lost,2026-01-15\n"  # line 5: not our document
        + "FR-5,55EE55,FRA,passport\n"  # line 6: too few cells
        + '"FR-6","66\nFF66",FRA,passport,lost,2099-01-01\n'  # lines 7-8: future date
        + "FR-7,77GG77,FRA,passport,lost,2026-01-15\n"  # line 9: good
    )
    job, rejections = run(runtime, french, "travel_documents", "csv", data)
    assert (job.status, job.created, job.rejected, job.rows_read) == ("done", 2, 5, 7)
    lines = {line for line, _, _ in rejections}
    assert lines == {3, 4, 5, 6, 7}
    fields = {(line, field) for line, field, _ in rejections}
    assert (3, "payload.document_type") in fields
    assert (4, "owner_reference") in fields
    assert (5, "issuing_country") in fields
    assert (6, "line") in fields
    assert (7, "payload.date_reported") in fields
    assert any("6 cells" in reason or "4 cells" in reason for _, _, reason in rejections)
    assert sorted(records_of(runtime)) == ["FR-1", "FR-7"]


def test_a_later_row_with_the_same_reference_wins(runtime, french):
    data = (
        HEADER
        + "FR-1,11AA11,FRA,passport,lost,2026-01-15\n"
        + "FR-1,11AA11,FRA,passport,revoked,2026-01-15\n"
    )
    job, _ = run(runtime, french, "travel_documents", "csv", data)
    assert (job.created, job.updated) == (1, 1)
    ((_, version, payload, _),) = records_of(runtime).values()
    assert (version, payload["status"]) == (2, "revoked")


def test_per_row_envelope_columns_override_the_defaults(runtime, french, german):
    data = (
        "owner_reference,number,issuing_country,document_type,status,date_reported,"
        "source_grading,handling_codes,access_policy.mode,access_policy.countries\n"
        "FR-1,11AA11,FRA,passport,lost,2026-01-15,A,police_use_only;no_onward_transmission,"
        "listed,ITA;ESP\n"
        "FR-2,22BB22,FRA,passport,lost,2026-01-15,,,,\n"
        "FR-3,33CC33,FRA,passport,lost,2026-01-15,Z,,,\n"
    )
    job, rejections = run(runtime, french, "travel_documents", "csv", data)
    assert (job.created, job.rejected) == (2, 1)
    assert [(line, field) for line, field, _ in rejections] == [(4, "source_grading")]
    with runtime.sessions() as session:
        one = session.scalars(select(Record).where(Record.owner_reference == "FR-1")).one()
        two = session.scalars(select(Record).where(Record.owner_reference == "FR-2")).one()
        grants = set(
            session.execute(
                select(RecordGrant.grant_type, RecordGrant.value).where(
                    RecordGrant.record_id == one.id
                )
            ).all()
        )
        assert (one.source_grading, one.access_mode) == ("A", "listed")
        assert sorted(one.handling_codes) == ["no_onward_transmission", "police_use_only"]
        assert grants == {("country", "ITA"), ("country", "ESP")}
        assert (two.source_grading, two.access_mode, two.handling_codes) == (
            "B",
            "all_members",
            [],
        )
        # The listed policy is honoured on the way out: Germany sees only the second.
        seen = service.list_records(session, principal=german, kind_name="travel_documents")
        assert [v.record.owner_reference for v in seen.items] == ["FR-2"]
        session.rollback()


def test_without_defaults_the_envelope_is_required_by_name(runtime, french):
    data = HEADER + "FR-1,11AA11,FRA,passport,lost,2026-01-15\n"
    job, rejections = run(
        runtime, french, "travel_documents", "csv", data, defaults=imports.EnvelopeDefaults()
    )
    assert job.created == 0
    assert {field for _, field, _ in rejections} == {
        "source_type",
        "source_grading",
        "information_grading",
    }
    assert all("default" in reason for _, _, reason in rejections)


def test_nested_csv_columns_build_a_person(runtime, french):
    data = (
        "owner_reference,names.0.value,names.1.value,names.1.type,date_of_birth.year,"
        "nationalities,status\n"
        "P-1,Ana Lima,Ana Lyma,alias,1980,FRA;PRT,wanted\n"
        "P-2,Bo,,,nineteen,FRA,wanted\n"
    )
    job, rejections = run(runtime, french, "persons", "csv", data)
    assert (job.created, job.rejected) == (1, 1)
    assert rejections[0][:2] == (3, "payload.date_of_birth.year")
    ((_, _, payload, _),) = records_of(runtime, "persons").values()
    assert payload["nationalities"] == ["FRA", "PRT"]
    assert [n["value"] for n in payload["names"]] == ["Ana Lima", "Ana Lyma"]


def test_json_lines_take_the_api_shape(runtime, french):
    good = {
        "owner_reference": "FR-J1",
        "payload": {
            "number": "11AA11",
            "issuing_country": "FRA",
            "document_type": "passport",
            "status": "lost",
            "date_reported": "2026-01-15",
        },
        "source_grading": "C",
    }
    lines = [
        json.dumps(good),
        "",
        "{not json",
        json.dumps([1, 2]),
        json.dumps({**good, "owner_reference": "FR-J2", "colour": "red"}),
        json.dumps({"owner_reference": "FR-J3"}),
    ]
    job, rejections = run(runtime, french, "travel_documents", "jsonl", "\n".join(lines) + "\n")
    assert (job.created, job.rejected, job.rows_read) == (1, 4, 5)
    assert [(line, field) for line, field, _ in rejections] == [
        (3, "line"),
        (4, "line"),
        (5, "colour"),
        (6, "payload"),
    ]
    ((_, _, payload, _),) = records_of(runtime).values()
    assert payload["number"] == "11AA11"


def test_undecodable_and_overlong_lines_are_rejections_not_failures(runtime, french, monkeypatch):
    monkeypatch.setattr(imports, "MAX_LINE_BYTES", 200)
    good = b"FR-1,11AA11,FRA,passport,lost,2026-01-15\n"
    data = (
        HEADER.encode()
        + good
        + b"FR-2,22\xff\xfeBB,FRA,passport,lost,2026-01-15\n"
        + b"FR-3,"
        + b"9" * 400
        + b",FRA,passport,lost,2026-01-15\n"
        + b"\xfe\n"  # a row of one undecodable cell: refused, and the next row is not
        + good.replace(b"FR-1", b"FR-4").replace(b"11AA11", b"44DD44")
    )
    job, rejections = run(runtime, french, "travel_documents", "csv", data)
    assert (job.status, job.created, job.rejected) == ("done", 2, 3)
    assert [(line, field) for line, field, _ in rejections] == [
        (3, "line"),
        (4, "line"),
        (5, "line"),
    ]
    assert "UTF-8" in rejections[0][2]
    assert "longer" in rejections[1][2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "empty"),
        ("owner_reference,number,wings\n", "wings"),
        ("number,number\n", "twice"),
    ],
)
def test_an_unreadable_file_fails_its_job_with_a_clear_error(runtime, french, data, message):
    job, _ = run(runtime, french, "travel_documents", "csv", data)
    assert job.status == "failed"
    assert message in (job.error or "")
    assert job.finished_at is not None


def test_ftm_entities_import_by_their_id(runtime, french):
    entities = [
        {
            "id": "ftm-person-1",
            "schema": "Person",
            "properties": {
                "name": ["Ana Lima"],
                "alias": ["Ana Lyma"],
                "birthDate": ["1980-04"],
                "nationality": ["fr"],
                "gender": ["female"],
                "x_bluebridge_status": ["wanted"],
            },
        },
        {"id": "ftm-passport-1", "schema": "Passport", "properties": {"number": ["X1"]}},
        {"id": "ftm-person-2", "schema": "Person", "properties": {"name": ["No Status"]}},
    ]
    data = "\n".join(json.dumps(e) for e in entities) + "\n"
    job, rejections = run(runtime, french, "persons", "ftm", data)
    assert (job.created, job.rejected) == (1, 2)
    assert rejections[0][:2] == (2, "schema")
    assert "travel_documents" in rejections[0][2]
    assert rejections[1][:2] == (3, "payload.status")
    ((reference, (_, _, payload, _)),) = records_of(runtime, "persons").items()
    assert reference == "ftm-person-1"
    assert payload["date_of_birth"] == {"year": 1980, "month": 4, "day": None}
    assert payload["nationalities"] == ["FRA"]
    assert [(n["value"], n["type"]) for n in payload["names"]] == [
        ("Ana Lima", "primary"),
        ("Ana Lyma", "alias"),
    ]


def test_a_stix_bundle_imports_its_indicators(runtime, french):
    good = cyber_indicators.CyberIndicatorPayload.model_validate(
        {
            "indicator_type": "ip_address",
            "value": "198.51.100.7",
            "threat": "ransomware",
            "first_seen": "2025-05-01T10:00:00Z",
            "tlp": "amber",
        }
    )
    indicator = json.loads(cyber_indicators.to_stix(good, "r1").serialize())
    unmarked = {**indicator, "id": "indicator--00000000-0000-4000-8000-000000000001"}
    unmarked.pop("object_marking_refs")
    bundle = {
        "type": "bundle",
        "id": "bundle--00000000-0000-4000-8000-000000000000",
        "objects": [json.loads(cyber_indicators.stix2.TLP_AMBER.serialize()), indicator, unmarked],
    }
    data = json.dumps(bundle, indent=2)
    job, rejections = run(runtime, french, "cyber_indicators", "stix", data)
    assert (job.status, job.created, job.rejected) == ("done", 1, 1)
    assert rejections[0][1] == "indicator"
    assert "TLP" in rejections[0][2]
    # The line the refused object starts on: the last "{" of the list before its id.
    lines = data.splitlines()
    id_line = next(n for n, text in enumerate(lines) if unmarked["id"] in text)
    start = max(n for n in range(id_line) if lines[n] == "    {") + 1
    assert rejections[0][0] == start
    ((reference, (_, _, payload, _)),) = records_of(runtime, "cyber_indicators").items()
    assert reference == indicator["id"]
    assert payload["value"] == "198.51.100.7"
    again, _ = run(runtime, french, "cyber_indicators", "stix", data)
    assert (again.created, again.updated) == (0, 1)


def test_a_truncated_stix_bundle_fails_but_keeps_what_came_before(runtime, french):
    good = cyber_indicators.CyberIndicatorPayload.model_validate(
        {
            "indicator_type": "domain",
            "value": "example.org",
            "threat": "other",
            "first_seen": "2025-05-01T10:00:00Z",
            "tlp": "green",
        }
    )
    indicator = cyber_indicators.to_stix(good, "r1").serialize()
    data = '{"type": "bundle", "id": "bundle--1", "objects": [' + indicator + ', {"type": "indi'
    job, _ = run(runtime, french, "cyber_indicators", "stix", data)
    assert job.status == "failed"
    assert "ends" in (job.error or "") or "not valid JSON" in (job.error or "")
    assert job.created == 1


def test_formats_that_do_not_fit_the_kind_are_refused_before_reading(runtime, french):
    with runtime.sessions() as session:
        with pytest.raises(InvalidInput, match="cyber_indicators"):
            imports.create_job(
                session,
                principal=french,
                kind_name="travel_documents",
                format=imports.ImportFormat.STIX,
                filename="x",
            )
        with pytest.raises(InvalidInput, match="FollowTheMoney"):
            imports.create_job(
                session,
                principal=french,
                kind_name="dna_profiles",
                format=imports.ImportFormat.FTM,
                filename="x",
            )


def test_only_writers_import(runtime, world):
    analyst = world.principal(world.user("FRA-NCB", (Role.ANALYST,)))
    with runtime.sessions() as session, pytest.raises(PermissionDenied):
        imports.create_job(
            session,
            principal=analyst,
            kind_name="travel_documents",
            format=imports.ImportFormat.CSV,
            filename="x",
        )


def test_each_batch_is_one_audit_event_naming_its_records(runtime, french):
    data = HEADER + "".join(f"FR-{n},{n:04d}AB,FRA,passport,lost,2026-01-15\n" for n in range(1, 6))
    job, _ = run(runtime, french, "travel_documents", "csv", data, batch_size=2)
    with runtime.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "record.import").order_by(AuditEvent.seq)
        ).all()
        ids = sorted(session.scalars(select(Record.id)))
        actions = set(session.scalars(select(AuditEvent.action)))
    assert len(events) == 3
    named = [i for e in events for i in json.loads(e.details)["created"]]
    assert sorted(named) == ids
    assert all(e.object_id == str(job.id) and e.object_country == "FRA" for e in events)
    assert {"import.start", "import.finish"} <= actions


def test_jobs_and_rejections_are_seen_only_by_the_importing_agency(runtime, french, german):
    data = HEADER + "FR-1,11AA11,FRA,scroll,lost,2026-01-15\n"
    job, _ = run(runtime, french, "travel_documents", "csv", data)
    with runtime.sessions() as session:
        assert imports.get_job(session, principal=french, job_id=job.id).rejected == 1
        assert imports.list_jobs(session, principal=french).total == 1
        assert imports.list_jobs(session, principal=german).total == 0
        page = imports.list_rejections(session, principal=french, job_id=job.id)
        assert [r.line for r in page.items] == [2]
        with pytest.raises(NotFound) as hidden:
            imports.get_job(session, principal=german, job_id=job.id)
        with pytest.raises(NotFound) as absent:
            imports.get_job(session, principal=german, job_id=job.id + 100)
        assert str(hidden.value).replace(str(job.id), "N") == str(absent.value).replace(
            str(job.id + 100), "N"
        )
        with pytest.raises(NotFound):
            list(imports.rejections_csv(session, principal=german, job_id=job.id))
        text = "".join(imports.rejections_csv(session, principal=french, job_id=job.id))
    assert text.splitlines()[0] == "line,field,reason"
    assert text.splitlines()[1].startswith("2,payload.document_type,")


def test_the_reader_takes_one_line_at_a_time(runtime, french):
    """The reader is lazy: rows come one at a time, never the whole file."""
    consumed = []

    class Source(io.RawIOBase):
        def __init__(self) -> None:
            self.lines = iter(
                [HEADER.encode()]
                + [f"FR-{n},{n:04d}AB,FRA,passport,lost,2026-01-15\n".encode() for n in range(50)]
            )

        def readable(self) -> bool:
            return True

        def readline(self, size: int = -1) -> bytes:
            line = next(self.lines, b"")
            consumed.append(line)
            return line

    stream = imports.CountingStream(Source())
    from bluebridge.records import registry

    rows = imports.read_csv(stream, registry.get("travel_documents"))
    first = next(rows)
    assert first.line == 2
    assert len(consumed) <= 3
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Record)) == 0


def test_the_rejections_csv_never_hands_a_spreadsheet_a_formula(runtime, french):
    line = json.dumps({"owner_reference": "FR-1", "payload": {}, "=HYPERLINK(1)": 1})
    job, rejections = run(runtime, french, "travel_documents", "jsonl", line + "\n")
    assert rejections[0][1] == "=HYPERLINK(1)"
    with runtime.sessions() as session:
        text = "".join(imports.rejections_csv(session, principal=french, job_id=job.id))
    assert "\n1,'=HYPERLINK(1)," in text.replace("\r\n", "\n")


def test_a_job_refused_when_it_starts_is_failed_and_its_file_removed(runtime, world, french):
    analyst = world.principal(world.user("FRA-NCB", (Role.ANALYST,)))
    with runtime.sessions() as session:
        job = imports.create_job(
            session,
            principal=french,
            kind_name="travel_documents",
            format=imports.ImportFormat.CSV,
            filename="x.csv",
        )
        session.commit()
        job_id = job.id
    path = imports.upload_directory(runtime.settings) / "waiting.csv"
    path.write_text(HEADER)
    # The same agency, but without the writer's role (as if it had been taken away).
    imports.run_file(runtime.sessions, runtime.settings, analyst, job_id, path, DEFAULTS)
    assert not path.exists()
    with runtime.sessions() as session:
        failed = imports.get_job(session, principal=french, job_id=job_id)
    assert failed.status == "failed"
    assert "role" in (failed.error or "")


# ---------------------------------------------------------------- one bad line, not the file


def _passport_line(reference):
    payload = {
        "number": f"12AB{reference}",
        "issuing_country": "FRA",
        "document_type": "passport",
        "status": "lost",
        "date_reported": "2026-01-15",
    }
    return json.dumps({"owner_reference": reference, "payload": payload})


def _vehicle_entity(reference, **properties):
    import random

    from bluebridge.records import ftm, registry, samples

    given = samples.sample_payload("vehicles", country="FRA", rng=random.Random(1))
    stored = service.validate_payload(registry.get("vehicles"), given, None)
    entity = ftm.to_entity("vehicles", reference, stored.model_dump(mode="json"))
    entity["properties"].update(properties)
    return entity


def _vehicle_line(reference):
    return json.dumps(_vehicle_entity(reference))


def _person_line(reference, **properties):
    names = {"name": ["Ana Lima"], "x_bluebridge_status": ["wanted"], **properties}
    return json.dumps({"id": reference, "schema": "Person", "properties": names})


def _plateless_vehicle(country):
    entity = _vehicle_entity("BAD", registrationNumber=["AB123CD"], country=country)
    entity["properties"].pop("x_bluebridge_plates", None)
    return json.dumps(entity)


@pytest.mark.parametrize(
    ("kind", "fmt", "good", "bad", "field"),
    [
        ("vehicles", "ftm", _vehicle_line, _plateless_vehicle([]), "payload.plates.0.country"),
        ("vehicles", "ftm", _vehicle_line, _plateless_vehicle([" "]), "payload.plates.0.country"),
        ("travel_documents", "jsonl", _passport_line, "[" * 100_000, "line"),
        (
            "persons",
            "ftm",
            _person_line,
            _person_line("BAD", x_bluebridge_date_of_birth=["[" * 100_000]),
            "properties.x_bluebridge_date_of_birth",
        ),
        (
            "travel_documents",
            "jsonl",
            _passport_line,
            _passport_line("X").replace('"owner_reference": "X"', '"owner_reference": "\\ud800"'),
            "owner_reference",
        ),
        (
            "travel_documents",
            "jsonl",
            _passport_line,
            _passport_line("R\x85\x9b9"),
            "owner_reference",
        ),
    ],
    ids=["empty-country", "blank-country", "deep-json", "deep-ftm-json", "surrogate", "c1-control"],
)
def test_a_line_that_crashed_the_import_is_one_rejected_row(
    runtime, french, kind, fmt, good, bad, field
):
    data = "\n".join([good("G-1"), bad, good("G-2")]) + "\n"
    job, rejections = run(runtime, french, kind, fmt, data)
    assert (job.status, job.error, job.created, job.rejected) == ("done", None, 2, 1)
    assert {line for line, _, _ in rejections} == {2}
    assert field in {name for _, name, _ in rejections}
    assert sorted(records_of(runtime, kind)) == ["G-1", "G-2"]


def _indicator(value):
    good = cyber_indicators.CyberIndicatorPayload.model_validate(
        {
            "indicator_type": "domain",
            "value": value,
            "threat": "other",
            "first_seen": "2025-05-01T10:00:00Z",
            "tlp": "green",
        }
    )
    return cyber_indicators.to_stix(good, value).serialize()


def test_a_stix_object_nested_too_deeply_fails_the_file_and_keeps_what_came_before(runtime, french):
    deep = "[" * 100_000 + "]" * 100_000
    data = (
        '{"type": "bundle", "id": "bundle--1", "objects": [\n'
        + _indicator("example.org")
        + ",\n"
        + deep
        + ",\n"
        + _indicator("example.net")
        + "\n]}"
    )
    job, _ = run(runtime, french, "cyber_indicators", "stix", data)
    assert job.status == "failed"
    assert job.error == "the object at line 3 is JSON nested too deeply to be read"
    assert job.created == 1


def test_a_row_whose_check_fails_unexpectedly_is_rejected_and_the_rest_kept(
    runtime, french, monkeypatch, caplog
):
    check = imports._Writer.check

    def failing(self, row):
        if row.line == 2:
            raise RuntimeError("Ana Lima, born 1980")  # a message that may hold personal data
        return check(self, row)

    monkeypatch.setattr(imports._Writer, "check", failing)
    data = "\n".join(_passport_line(f"G-{n}") for n in range(1, 4)) + "\n"
    job, rejections = run(runtime, french, "travel_documents", "jsonl", data)
    assert (job.status, job.created, job.rejected) == ("done", 2, 1)
    assert rejections == [(2, "line", imports.COULD_NOT_BE_READ)]
    assert "RuntimeError" in caplog.text
    assert "Ana Lima" not in caplog.text


def test_a_reader_that_fails_unexpectedly_keeps_the_rows_read_before_it(
    runtime, french, monkeypatch
):
    real = imports.READERS[imports.ImportFormat.JSONL]

    def failing(stream, kind):
        for row in real(stream, kind):
            if row.line == 3:
                raise OSError("the disk went away")
            yield row

    monkeypatch.setitem(imports.READERS, imports.ImportFormat.JSONL, failing)
    data = "\n".join(_passport_line(f"G-{n}") for n in range(1, 5)) + "\n"
    job, _ = run(runtime, french, "travel_documents", "jsonl", data)
    assert (job.status, job.created) == ("failed", 2)
    assert "after line 2" in (job.error or "")
    assert "the rows before it are kept" in (job.error or "")
    assert "disk" not in (job.error or "")
    assert sorted(records_of(runtime)) == ["G-1", "G-2"]


@pytest.mark.parametrize("error", [NotFound("no agency"), RuntimeError("boom")])
def test_a_job_that_fails_once_running_ends_as_failed_never_running(
    runtime, french, monkeypatch, error
):
    with runtime.sessions() as session:
        job = imports.create_job(
            session,
            principal=french,
            kind_name="travel_documents",
            format=imports.ImportFormat.JSONL,
            filename="x.jsonl",
        )
        session.commit()
        job_id = job.id

    def broken(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(imports._Writer, "__init__", broken)
    path = imports.upload_directory(runtime.settings) / "waiting.jsonl"
    path.write_text(_passport_line("G-1") + "\n")
    imports.run_file(runtime.sessions, runtime.settings, french, job_id, path, DEFAULTS)
    assert not path.exists()
    with runtime.sessions() as session:
        failed = imports.get_job(session, principal=french, job_id=job_id)
    assert failed.status == "failed"
    assert failed.finished_at is not None
    assert "boom" not in (failed.error or "")


def test_the_envelope_cache_keeps_only_small_valid_envelopes(runtime, french):
    import pycountry

    from bluebridge.records import registry

    with runtime.sessions() as session:
        job = imports.create_job(
            session,
            principal=french,
            kind_name="travel_documents",
            format=imports.ImportFormat.JSONL,
            filename="x.jsonl",
        )
        writer = imports._Writer(
            session,
            runtime.settings,
            french,
            job,
            registry.get("travel_documents"),
            DEFAULTS,
            None,
        )
        # Invalid envelopes, each a megabyte and each different: none is kept.
        for n in range(20):
            refused = writer._envelope({"source_type": f"{n}" + "x" * 1_000_000})
            assert isinstance(refused, list)
            assert refused[0].field == "source_type"
        assert writer._envelopes == {}
        # A valid envelope longer than the key limit is validated, not kept.
        countries = [c.alpha_3 for c in pycountry.countries][:200]
        large = {"access_policy": {"mode": "listed", "countries": countries}}
        assert len(json.dumps(large)) > imports.ENVELOPE_KEY_LIMIT
        assert not isinstance(writer._envelope(large), list)
        assert writer._envelopes == {}
        # A small one is validated once for the many rows that share it.
        small = {"source_grading": "A"}
        assert writer._envelope(small) is writer._envelope(dict(small))
        assert len(writer._envelopes) == 1
        session.rollback()


def test_uploads_left_by_a_stopped_process_are_removed_when_an_upload_starts(runtime):
    import os
    import time

    directory = imports.upload_directory(runtime.settings)
    stale = directory / "upload-left-behind"
    stale.write_bytes(b"owner_reference\n")
    old = time.time() - imports.STALE_UPLOAD_SECONDS - 60
    os.utime(stale, (old, old))
    current = directory / "import-7-arriving"
    current.write_bytes(b"owner_reference\n")
    assert imports.upload_directory(runtime.settings) == directory
    assert not stale.exists()
    assert current.exists()


def test_a_file_name_the_store_cannot_encode_is_kept_readable(runtime, french):
    with runtime.sessions() as session:
        job = imports.create_job(
            session,
            principal=french,
            kind_name="travel_documents",
            format=imports.ImportFormat.CSV,
            filename="sltd-\udcff\x1b.csv",  # a name of bytes that are not UTF-8, from a disk
        )
        session.commit()
        assert job.filename == "sltd-??.csv"


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_every_kind_imports_from_json_lines_and_csv_and_reimports_as_updates(
    runtime, world, french, fmt
):
    import csv
    import random

    from bluebridge.records import flat, registry, samples

    secretariat = world.principal(world.user("GS", (Role.OFFICER,)))
    rng = random.Random(19)
    for kind in registry.kinds():
        owner = secretariat if kind == "firearm_references" else french
        country = None if kind == "firearm_references" else "FRA"
        payloads = [samples.sample_payload(kind, country=country, rng=rng) for _ in range(3)]
        if fmt == "jsonl":
            data = "".join(
                json.dumps({"owner_reference": f"{kind}-{n}", "payload": p}) + "\n"
                for n, p in enumerate(payloads)
            )
        else:
            rows = [
                {"owner_reference": f"{kind}-{n}", **dict(flat.flatten(p))}
                for n, p in enumerate(payloads)
            ]
            header = sorted({column for row in rows for column in row})
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
            data = out.getvalue()
        job, rejections = run(runtime, owner, kind, fmt, data)
        assert rejections == [], (kind, rejections)
        assert (job.created, job.updated) == (3, 0), kind
        again, _ = run(runtime, owner, kind, fmt, data)
        assert (again.created, again.updated) == (0, 3), kind
        assert len(records_of(runtime, kind)) == 3, kind


def test_a_batch_also_ends_after_so_many_bytes_of_the_file(runtime, french, monkeypatch):
    # Large rows keep memory to a bounded batch as well as many small ones do.
    monkeypatch.setattr(imports, "BATCH_BYTES", 1)
    data = HEADER + "".join(f"FR-{n},{n:04d}AB,FRA,passport,lost,2026-01-15\n" for n in range(1, 6))
    job, rejections = run(runtime, french, "travel_documents", "csv", data, batch_size=10_000)
    assert (job.created, rejections) == (5, [])
    with runtime.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "record.import"))
        assert len(events.all()) > 1
