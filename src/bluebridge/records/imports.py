"""Bulk imports of records: the streaming readers of each format (CSV with dotted-path
columns, JSON lines in the API's record shape, FollowTheMoney entities, a STIX 2.1 bundle of
cyber indicators), each yielding one row at a time with its line number, and the writer that
validates every row as a single create would and writes the good ones in batches, idempotent
by the owner's reference, with each rejected row kept with its line, field and reason.

An import is a long job: it commits after each batch, so that a large file never holds one
transaction (on SQLite, the store's write lock) for its whole length, and so that its
progress, its records and the audit event of each batch are visible while it runs. Memory
stays flat: the file is read a line at a time and only one batch is held."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import IO, Any, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import (
    Column,
    Insert,
    MetaData,
    Table,
    Update,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bluebridge.access import records as access
from bluebridge.access.principal import Principal
from bluebridge.access.rules import require_role
from bluebridge.audit import service as audit
from bluebridge.errors import FieldProblem, InvalidInput, NotFound, ServiceError
from bluebridge.records import flat, ftm, registry, sequence, service
from bluebridge.records.kinds import cyber_indicators
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    RecordKind,
    SourceGrading,
    SourceType,
)
from bluebridge.records.models import ImportJob, ImportRejection, Record, RecordGrant, RecordKey
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page, paginate
from bluebridge.text import has_control_characters

log = logging.getLogger("bluebridge.imports")
# The tables themselves (SQLAlchemy Core): the ORM's bulk insert costs more than the database
# does at these volumes (measured: half of an import's time).
RECORDS = cast(Table, Record.__table__)
KEYS = cast(Table, RecordKey.__table__)
GRANTS = cast(Table, RecordGrant.__table__)
REJECTIONS = cast(Table, ImportRejection.__table__)
RAW_RECORDS = Table("records", MetaData(), *[Column(c.name) for c in RECORDS.columns])

BATCH_SIZE = 10000
# A batch also ends after this much of the file, so that large rows (up to a line's limit
# each) keep memory to a bounded batch too.
BATCH_BYTES = 32 * 1024 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024  # one record's line; a longer one is refused, not buffered
MAX_PROBLEMS_PER_ROW = 10
REASON_LIMIT = 500
ENVELOPE_CACHE_LIMIT = 4096
# A row's envelope longer than this (as JSON) is validated but not cached: the cache holds at
# most ENVELOPE_CACHE_LIMIT small keys, however large or varied the file's envelopes.
ENVELOPE_KEY_LIMIT = 1024
REFERENCE_LIMIT = 100
STALE_UPLOAD_SECONDS = 24 * 3600  # an uploaded file this old belongs to no running job


class ImportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"  # one record per line, in the API's record shape
    FTM = "ftm"  # FollowTheMoney entities, one per line
    STIX = "stix"  # a STIX 2.1 bundle (cyber_indicators only)


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportFileError(Exception):
    """The file as a whole cannot be read (no header, a line past the limit, not a bundle):
    the job fails with this message; the rows written before it stay."""


# Envelope fields a row (a CSV column, a JSON line's key) may give, over the job's defaults.
ENVELOPE_FIELDS = (
    "source_type",
    "source_grading",
    "information_grading",
    "handling_codes",
    "access_policy",
)
ROW_FIELDS = frozenset({"owner_reference", *ENVELOPE_FIELDS})


class EnvelopeDefaults(BaseModel):
    """The envelope every row of an import takes unless it gives its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_type: SourceType | None = None
    source_grading: SourceGrading | None = None
    information_grading: InformationGrading | None = None
    handling_codes: list[HandlingCode] | None = Field(default=None, max_length=len(HandlingCode))
    access_policy: access.AccessPolicy | None = None


class _RowEnvelope(BaseModel):
    """A row's envelope once its own fields and the defaults are merged."""

    model_config = ConfigDict(extra="forbid")

    source_type: SourceType
    source_grading: SourceGrading
    information_grading: InformationGrading
    handling_codes: list[HandlingCode] = Field(default_factory=list, max_length=len(HandlingCode))
    access_policy: access.AccessPolicy | None = None

    @cached_property
    def columns(self) -> dict[str, Any]:
        """The envelope as record columns; computed once for the many rows that share it."""
        return {
            "source_type": self.source_type.value,
            "source_grading": self.source_grading.value,
            "information_grading": self.information_grading.value,
            "handling_codes": [c.value for c in self.handling_codes],
        }


@dataclass(slots=True)
class Row:
    """One row as a reader gives it: its line, its content, or what made it unreadable."""

    line: int
    owner_reference: Any = None
    payload: dict[str, Any] | None = None
    envelope: dict[str, Any] = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)


# ---------------------------------------------------------------- reading bytes


class CountingStream:
    """A binary stream read by lines of bounded length, counting the bytes read so far."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.bytes_read = 0

    def read(self, size: int) -> bytes:
        chunk = self.raw.read(size)
        self.bytes_read += len(chunk)
        return chunk

    def lines(self) -> Iterator[tuple[bytes, bool]]:
        """Each line with its ending, and False for a line past MAX_LINE_BYTES (its content
        is skipped up to the next line break, never held)."""
        while True:
            line = self.raw.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            self.bytes_read += len(line)
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while True:
                    rest = self.raw.readline(MAX_LINE_BYTES)
                    self.bytes_read += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield b"", False
                continue
            yield line, True


def _decode(line: bytes, first: bool) -> tuple[str, bool]:
    """A line as text, and whether it was UTF-8. Undecodable bytes become lone surrogates,
    so that the row they are in is refused by name rather than the whole file."""
    try:
        text, valid = line.decode("utf-8"), True
    except UnicodeDecodeError:
        text, valid = line.decode("utf-8", "surrogateescape"), False
    return (text.removeprefix("\ufeff") if first else text), valid


NOT_UTF8 = "is not UTF-8 text"
TOO_LONG = f"is longer than {MAX_LINE_BYTES} bytes"
NESTED_TOO_DEEPLY = ftm.NESTED_TOO_DEEPLY
COULD_NOT_BE_READ = "could not be read (an unexpected error, logged for the administrators)"


def _unreadable(line: int, exc: Exception) -> FieldProblem:
    """The problem of a row that failed in a way no check foresaw: the row is refused and
    the import goes on. Only the error's type is logged (its message may hold the row's
    personal data); the traceback at debug level."""
    log.warning("an import row at line %s could not be read (%s)", line, type(exc).__name__)
    log.debug("the row's error", exc_info=exc)
    return FieldProblem("line", COULD_NOT_BE_READ)


# ---------------------------------------------------------------- CSV


def _csv_lines(stream: CountingStream, too_long: list[int], bad: list[int]) -> Iterator[str]:
    # The numbers of lines too long or not UTF-8 are noted for the reader, which refuses
    # the row they belong to (csv.reader sees only text).
    for number, (line, within) in enumerate(stream.lines(), start=1):
        if not within:
            too_long.append(number)
            yield "\n"
            continue
        text, valid = _decode(line, number == 1)
        if not valid:
            bad.append(number)
        yield text


def _check_header(header: list[str], kind: RecordKind[Any]) -> None:
    schema = kind.input_schema.model_json_schema()
    fields = set(schema.get("properties", {}))
    seen: set[str] = set()
    for column in header:
        name = column.strip()
        if not name:
            raise ImportFileError("the header has an empty column name")
        if name in seen:
            raise ImportFileError(f"the header names the column {name!r} twice")
        seen.add(name)
        top = name.split(".", 1)[0]
        if top in ROW_FIELDS or top in fields:
            continue
        raise ImportFileError(
            f"the column {name!r} is neither a field of {kind.name} nor one of "
            f"{', '.join(sorted(ROW_FIELDS))}; the fields are {', '.join(sorted(fields))}"
        )


def read_csv(stream: CountingStream, kind: RecordKind[Any]) -> Iterator[Row]:
    """Rows of a CSV file whose header names payload fields by dotted path
    (names.0.value, date_of_birth.year) and envelope columns (owner_reference, source_type,
    source_grading, information_grading, handling_codes, access_policy.mode, …)."""
    too_long: list[int] = []
    bad: list[int] = []
    reader = csv.reader(_csv_lines(stream, too_long, bad), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty: a CSV import starts with a header") from None
    except csv.Error as exc:
        raise ImportFileError(f"line 1 (the header) is not CSV: {exc}") from None
    if too_long:
        raise ImportFileError(f"line 1 (the header) {TOO_LONG}")
    if bad:
        raise ImportFileError(f"line 1 (the header) {NOT_UTF8}")
    header = [c.strip() for c in header]
    _check_header(header, kind)
    schema = kind.input_schema.model_json_schema()
    payload_columns = [(i, c) for i, c in enumerate(header) if c.split(".", 1)[0] not in ROW_FIELDS]
    envelope_columns = [(i, c) for i, c in enumerate(header) if c.split(".", 1)[0] in ROW_FIELDS]
    build = _payload_builder([c for _, c in payload_columns], schema)
    width = len(header)
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = previous_end + 1
            previous_end = reader.line_num
            yield Row(line, problems=[FieldProblem("line", f"is not CSV: {exc}")])
            continue
        line, previous_end = previous_end + 1, reader.line_num
        # Lines of this row (it may span several) that were too long or not UTF-8.
        overlong, undecodable = _noted(too_long, previous_end), _noted(bad, previous_end)
        if overlong:
            yield Row(line, problems=[FieldProblem("line", TOO_LONG)])
            continue
        if undecodable:
            yield Row(line, problems=[FieldProblem("line", NOT_UTF8)])
            continue
        if not cells or all(not c.strip() for c in cells):
            continue  # blank lines are not rows
        if len(cells) != width:
            reason = f"has {len(cells)} cells; the header has {width}"
            yield Row(line, problems=[FieldProblem("line", reason)])
            continue
        envelope: dict[str, Any] = {}
        policy_pairs = []
        for index, name in envelope_columns:
            value = cells[index].strip()
            if not value:
                continue
            if name.startswith("access_policy."):
                policy_pairs.append((name.removeprefix("access_policy."), value))
            elif name == "handling_codes":
                envelope[name] = [c.strip() for c in value.split(flat.LIST_SEPARATOR) if c.strip()]
            else:
                envelope[name] = value
        reference = envelope.pop("owner_reference", None)
        try:
            if policy_pairs:
                envelope["access_policy"] = flat.unflatten(policy_pairs, _POLICY_SCHEMA)
            payload = build([cells[i] for i, _ in payload_columns])
        except InvalidInput as exc:
            yield Row(line, problems=exc.problems)
            continue
        except Exception as exc:
            yield Row(line, problems=[_unreadable(line, exc)])
            continue
        yield Row(line, reference, payload, envelope)


_POLICY_SCHEMA = access.AccessPolicy.model_json_schema()


def _noted(lines: list[int], last: int) -> bool:
    """Whether any noted line number is up to `last`, forgetting those (a row's lines)."""
    found = False
    while lines and lines[0] <= last:
        lines.pop(0)
        found = True
    return found


def _payload_builder(
    columns: list[str], schema: dict[str, Any]
) -> Callable[[list[str]], dict[str, Any]]:
    """A function from a row's payload cells to the payload. Where every column is a plain
    top-level value (a travel document), the paths are resolved once for the file rather than
    once a row: the common case of a bulk import, and its hottest loop."""
    properties = schema.get("properties", {})
    nodes = [flat._resolve(properties.get(c), schema) for c in columns]
    plain = all(
        "." not in c and node is not None and node.get("type") in ("string", "integer", "number")
        for c, node in zip(columns, nodes, strict=True)
    )
    if plain:
        strings = [node is not None and node.get("type") == "string" for node in nodes]
        plan = list(zip(columns, nodes, strings, strict=True))

        def build_plain(cells: list[str]) -> dict[str, Any]:
            payload: dict[str, Any] = {}
            for (name, node, is_string), cell in zip(plan, cells, strict=True):
                value = cell.strip()
                if value:
                    payload[name] = value if is_string else flat.coerce(value, node)
            return payload

        return build_plain

    def build_nested(cells: list[str]) -> dict[str, Any]:
        return flat.unflatten(zip(columns, cells, strict=True), schema)

    return build_nested


# ---------------------------------------------------------------- JSON lines and FTM


def _json_lines(stream: CountingStream) -> Iterator[tuple[int, Any, FieldProblem | None]]:
    for number, (line, within) in enumerate(stream.lines(), start=1):
        if not within:
            yield number, None, FieldProblem("line", TOO_LONG)
            continue
        text, valid = _decode(line, number == 1)
        if not text.strip():
            continue
        if not valid:
            yield number, None, FieldProblem("line", NOT_UTF8)
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            yield number, None, FieldProblem("line", f"is not valid JSON: {exc}")
            continue
        except RecursionError:  # not a ValueError: "[[[[…" a hundred thousand deep
            yield number, None, FieldProblem("line", NESTED_TOO_DEEPLY)
            continue
        yield number, value, None


def read_jsonl(stream: CountingStream, kind: RecordKind[Any]) -> Iterator[Row]:
    """Rows of JSON lines, each a record as the API takes it: {"owner_reference", "payload",
    and optionally "source_type", "source_grading", "information_grading", "handling_codes",
    "access_policy"} (envelope fields absent from a line come from the import's defaults)."""
    for line, value, problem in _json_lines(stream):
        if problem is not None:
            yield Row(line, problems=[problem])
            continue
        if not isinstance(value, dict):
            yield Row(line, problems=[FieldProblem("line", "is not a JSON object")])
            continue
        unknown = sorted(set(value) - ROW_FIELDS - {"payload"})
        if unknown:
            problems = [FieldProblem(name, "is not a field of a record") for name in unknown]
            yield Row(line, problems=problems[:MAX_PROBLEMS_PER_ROW])
            continue
        payload = value.get("payload")
        if not isinstance(payload, dict):
            yield Row(line, problems=[FieldProblem("payload", "is required: a JSON object")])
            continue
        envelope = {k: v for k, v in value.items() if k in ENVELOPE_FIELDS and v is not None}
        yield Row(line, value.get("owner_reference"), payload, envelope)


def read_ftm(stream: CountingStream, kind: RecordKind[Any]) -> Iterator[Row]:
    """Rows of FollowTheMoney entities, one per line ({id, schema, properties}); the
    entity's id is the owner's reference."""
    if ftm.mapping_for(kind.name) is None:
        kinds = ", ".join(sorted(ftm.MAPPINGS))
        raise ImportFileError(f"{kind.name} has no FollowTheMoney schema; FTM imports: {kinds}")
    for line, value, problem in _json_lines(stream):
        if problem is not None:
            yield Row(line, problems=[problem])
            continue
        try:
            payload = ftm.to_payload(kind.name, value)
        except ftm.FtmProblem as exc:
            yield Row(line, problems=[FieldProblem(exc.field, exc.reason)])
            continue
        except Exception as exc:
            yield Row(line, problems=[_unreadable(line, exc)])
            continue
        yield Row(line, value.get("id"), payload, ftm.envelope_of(value))


# ---------------------------------------------------------------- STIX 2.1 bundle

_OBJECTS = re.compile(r'"objects"\s*:\s*\[')
_CHUNK = 1 << 16


def _bundle_objects(stream: CountingStream) -> Iterator[tuple[int, Any]]:
    """The objects of a STIX bundle, one at a time with the line each starts on, without
    reading the whole bundle: the text is decoded in chunks and each object parsed from it
    as soon as it is complete."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    json_decoder = json.JSONDecoder()
    buffer, line, eof = "", 1, False

    def more() -> bool:
        nonlocal buffer, eof
        if eof:
            return False
        chunk = stream.read(_CHUNK)
        try:
            buffer += decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise ImportFileError(f"the bundle {NOT_UTF8} (near line {line})") from None
        eof = not chunk
        return True

    while not (found := _OBJECTS.search(buffer)):
        if len(buffer) > MAX_LINE_BYTES or not more():
            raise ImportFileError('the file is not a STIX 2.1 bundle: no "objects" list found')
    head = buffer[: found.end()].lstrip("\ufeff").lstrip()
    if not head.startswith("{"):
        raise ImportFileError("the file is not a STIX 2.1 bundle (a JSON object)")
    line += buffer.count("\n", 0, found.end())
    buffer = buffer[found.end() :]
    while True:
        stripped = buffer.lstrip(" \t\r\n,")
        line += buffer.count("\n", 0, len(buffer) - len(stripped))
        buffer = stripped
        if not buffer:
            if not more():
                raise ImportFileError("the bundle ends before its objects list closes")
            continue
        if buffer[0] == "]":
            return
        try:
            value, end = json_decoder.raw_decode(buffer)
        except RecursionError:
            # Where the object ends cannot be found without parsing it: the file stops here.
            raise ImportFileError(f"the object at line {line} {NESTED_TOO_DEEPLY}") from None
        except ValueError as exc:
            if len(buffer) > MAX_LINE_BYTES:
                raise ImportFileError(
                    f"the object at line {line} is not valid JSON or longer than "
                    f"{MAX_LINE_BYTES} bytes"
                ) from None
            if not more():
                raise ImportFileError(
                    f"the object at line {line} is not valid JSON: {exc}"
                ) from None
            continue
        yield line, value
        line += buffer.count("\n", 0, end)
        buffer = buffer[end:]


def read_stix(stream: CountingStream, kind: RecordKind[Any]) -> Iterator[Row]:
    """Rows of a STIX 2.1 bundle's indicators (other objects, such as marking definitions,
    are skipped); the indicator's id is the owner's reference."""
    if kind.name != cyber_indicators.KIND.name:
        raise ImportFileError("STIX 2.1 imports into cyber_indicators only")
    for line, value in _bundle_objects(stream):
        if not isinstance(value, dict) or value.get("type") != "indicator":
            continue
        try:
            payload = cyber_indicators.from_stix(value).model_dump(mode="json")
        except ValidationError as exc:
            problems = service._problems(exc, "payload")[:MAX_PROBLEMS_PER_ROW]
            yield Row(line, problems=problems)
            continue
        except (ValueError, KeyError, TypeError) as exc:
            yield Row(line, problems=[FieldProblem("indicator", str(exc) or "is not valid")])
            continue
        except Exception as exc:
            yield Row(line, problems=[_unreadable(line, exc)])
            continue
        codes = value.get(ftm.HANDLING_PROPERTY)
        envelope = {"handling_codes": codes} if isinstance(codes, list) and codes else {}
        yield Row(line, value.get("id"), payload, envelope)


READERS: dict[ImportFormat, Callable[[CountingStream, RecordKind[Any]], Iterator[Row]]] = {
    ImportFormat.CSV: read_csv,
    ImportFormat.JSONL: read_jsonl,
    ImportFormat.FTM: read_ftm,
    ImportFormat.STIX: read_stix,
}


# ---------------------------------------------------------------- writing


@dataclass(slots=True)
class _Good:
    line: int
    reference: str
    envelope: _RowEnvelope
    payload: dict[str, Any]
    title: str
    keys: list[tuple[str, str]]
    retention_years: int


@dataclass
class _Batch:
    rows: list[_Good] = field(default_factory=list)
    references: set[str] = field(default_factory=set)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    rejected_rows: int = 0


class _Writer:
    """Validates rows as service.create_record would and writes them a batch at a time."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        principal: Principal,
        job: ImportJob,
        kind: RecordKind[Any],
        defaults: EnvelopeDefaults,
        operator: str | None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.principal = principal
        self.job = job
        self.kind = kind
        self.defaults = defaults.model_dump(exclude_none=True)
        self.operator = operator
        agency = service._owner_agency(session, principal)
        self.agency_id, self.agency_country, self.agency_kind = (
            agency.id,
            agency.country,
            agency.kind,
        )
        self.default_policy = service.default_policy(kind)
        self._envelopes: dict[str, _RowEnvelope] = {}
        self._analyzed_at = 0

    # -- one row

    def _envelope(self, given: dict[str, Any]) -> _RowEnvelope | list[FieldProblem]:
        # The many rows that share an envelope validate it once. Only small, valid envelopes
        # are kept, so the cache stays a few MiB whatever the file holds.
        key = json.dumps(given, sort_keys=True, default=str) if given else ""
        cacheable = len(key) <= ENVELOPE_KEY_LIMIT
        cached = self._envelopes.get(key) if cacheable else None
        if cached is not None:
            return cached
        try:
            result = _RowEnvelope.model_validate({**self.defaults, **given})
        except ValidationError as exc:
            problems = []
            for problem in service._problems(exc, "")[:MAX_PROBLEMS_PER_ROW]:
                name = problem.field.strip(".")
                reason = problem.reason
                if problem.reason == "is required" and "." not in name:
                    reason = "is required: give a column or a default for the import"
                problems.append(FieldProblem(name, reason))
            return problems
        if cacheable:
            if len(self._envelopes) >= ENVELOPE_CACHE_LIMIT:
                self._envelopes.clear()
            self._envelopes[key] = result
        return result

    def check(self, row: Row) -> _Good | list[FieldProblem]:
        if row.problems:
            return row.problems
        problems: list[FieldProblem] = []
        reference = row.owner_reference
        if isinstance(reference, int | float) and not isinstance(reference, bool):
            reference = str(reference)
        if not isinstance(reference, str) or not reference.strip():
            problems.append(
                FieldProblem("owner_reference", "is required: your own reference for the record")
            )
        elif len(reference.strip()) > REFERENCE_LIMIT or has_control_characters(reference.strip()):
            # Control characters include lone surrogates ("\ud800" in JSON), which neither
            # store can encode: refused here, not by the batch's insert.
            problems.append(
                FieldProblem(
                    "owner_reference",
                    f"has 1 to {REFERENCE_LIMIT} characters and no control characters",
                )
            )
        envelope = self._envelope(row.envelope)
        if isinstance(envelope, list):
            problems.extend(envelope)
        stored = None
        try:
            stored = service.validate_payload(self.kind, row.payload or {}, self.settings)
        except InvalidInput as exc:
            problems.extend(exc.problems)
        if stored is not None and self.kind.owner_rule is not None:
            problems.extend(self.kind.owner_rule(stored, self.agency_country, self.agency_kind))
        if problems or stored is None or isinstance(envelope, list):
            return problems
        assert isinstance(reference, str)
        return _Good(
            line=row.line,
            reference=reference.strip(),
            envelope=envelope,
            payload=stored.model_dump(mode="json"),
            title=self.kind.title(stored)[:300],
            keys=[
                (k.key_type, service.stored_key_value(k.value))
                for k in self.kind.lookup_keys(stored)
            ],
            retention_years=self.kind.retention_for(stored),
        )

    # -- one batch

    def write(self, batch: _Batch) -> tuple[int, int]:
        """Write a batch of good rows and rejections; (created, updated)."""
        created_ids: list[int] = []
        updated_ids: list[int] = []
        if batch.rows:
            created_ids, updated_ids = self._write_records(batch.rows)
        if batch.rejections:
            self.session.execute(insert(REJECTIONS), batch.rejections)
        if created_ids or updated_ids:
            details: dict[str, Any] = {
                "job": self.job.id,
                "format": self.job.format,
                "lines": [batch.rows[0].line, batch.rows[-1].line],
                "created": created_ids,
                "updated": updated_ids,
            }
            if self.operator:
                details["operator"] = self.operator
            audit.record(
                self.session,
                principal=self.principal,
                action="record.import",
                object_type=self.kind.name,
                object_id=self.job.id,
                object_country=self.agency_country,
                details=details,
            )
        return len(created_ids), len(updated_ids)

    def _refresh_statistics(self) -> None:
        """ANALYZE the records on PostgreSQL each time this import has doubled them: with the
        statistics of a smaller table, the planner reads a batch's references by scanning
        the agency's whole kind instead of probing the unique index (measured: the import
        slowed to a crawl after 100,000 rows). A handful of runs for any file."""
        created = self.job.created
        if created < BATCH_SIZE or created < 2 * self._analyzed_at:
            return
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("ANALYZE records"))
        self._analyzed_at = created

    def _write_records(self, rows: list[_Good]) -> tuple[list[int], list[int]]:
        session = self.session
        self._refresh_statistics()
        # Exactly the columns of the unique index (agency, kind, reference): with a status
        # condition too, PostgreSQL without fresh statistics scanned every record of the
        # kind for each batch. Only active records hold a reference (expiry and deletion
        # release it), so the status adds nothing.
        existing = {
            ref: (record_id, mode)
            for record_id, ref, mode in session.execute(
                select(Record.id, Record.owner_reference, Record.access_mode).where(
                    Record.owner_agency_id == self.agency_id,
                    Record.kind == self.kind.name,
                    Record.owner_reference.in_([r.reference for r in rows]),
                )
            )
        }
        first_seq = sequence.take(session, len(rows))
        db = _Processed(session)
        now = db("created_at", db.now)
        name = self.principal.name
        constant = {
            "kind": self.kind.name,
            "owner_agency_id": self.agency_id,
            "owner_country": self.agency_country,
            "status": access.ACTIVE,
            "version": 1,
            "created_at": now,
            "created_by": name,
            "updated_at": now,
            "updated_by": name,
        }
        envelopes: dict[int, dict[str, Any]] = {}
        periods: dict[int, tuple[Any, Any]] = {}
        creates: list[dict[str, Any]] = []
        create_rows: list[_Good] = []
        updates: list[dict[str, Any]] = []
        update_rows: list[tuple[int, _Good]] = []
        for offset, row in enumerate(rows):
            env = row.envelope
            columns = envelopes.get(id(env))
            if columns is None:
                columns = envelopes[id(env)] = {
                    **env.columns,
                    "handling_codes": db("handling_codes", env.columns["handling_codes"]),
                }
            common = {
                **columns,
                "title": row.title,
                "payload": db("payload", row.payload),
                "seq": first_seq + offset,
            }
            found = existing.get(row.reference)
            if found is None:
                period = periods.get(row.retention_years)
                if period is None:
                    expires = db.now + dt.timedelta(days=round(365.25 * row.retention_years))
                    period = periods[row.retention_years] = (
                        db("review_date", expires - service.REVIEW_NOTICE),
                        db("expires_at", expires),
                    )
                policy = env.access_policy or self.default_policy
                creates.append(
                    {
                        **constant,
                        **common,
                        "owner_reference": row.reference,
                        "access_mode": policy.mode.value,
                        "review_date": period[0],
                        "expires_at": period[1],
                    }
                )
                create_rows.append(row)
            else:
                record_id, mode = found
                policy_mode = env.access_policy.mode.value if env.access_policy else mode
                updates.append(
                    {
                        **common,
                        "_id": record_id,
                        "access_mode": policy_mode,
                        "updated_at": now,
                        "updated_by": name,
                    }
                )
                update_rows.append((record_id, row))
        created_ids: list[int] = []
        if creates:
            created_ids = _reserve_ids(session, len(creates))
            for record_id, values in zip(created_ids, creates, strict=True):
                values["id"] = record_id
            _execute_many(session, insert(RAW_RECORDS), creates)
        if updates:
            raw = RAW_RECORDS
            _execute_many(
                session,
                update(raw).where(raw.c.id == bindparam("_id")).values(version=raw.c.version + 1),
                updates,
            )
        updated_ids = [record_id for record_id, _ in update_rows]
        if updated_ids:
            session.execute(delete(KEYS).where(KEYS.c.record_id.in_(updated_ids)))
            replaced = [i for i, row in update_rows if row.envelope.access_policy is not None]
            if replaced:
                session.execute(delete(GRANTS).where(GRANTS.c.record_id.in_(replaced)))
        keys: list[dict[str, Any]] = []
        grants: list[dict[str, Any]] = []
        for record_id, row in [*zip(created_ids, create_rows, strict=True), *update_rows]:
            keys += [{"record_id": record_id, "key_type": t, "value": v} for t, v in row.keys]
        for record_id, row in zip(created_ids, create_rows, strict=True):
            policy = row.envelope.access_policy or self.default_policy
            grants += [
                {"record_id": record_id, "grant_type": t, "value": v} for t, v in policy.grants()
            ]
        for record_id, row in update_rows:
            if row.envelope.access_policy is not None:
                grants += [
                    {"record_id": record_id, "grant_type": t, "value": v}
                    for t, v in row.envelope.access_policy.grants()
                ]
        if keys:
            _execute_many(session, insert(KEYS), keys)
        if grants:
            _execute_many(session, insert(GRANTS), grants)
        return created_ids, updated_ids


def _execute_many(session: Session, statement: Insert | Update, rows: list[dict[str, Any]]) -> None:
    """Run an insert or update for rows of driver-ready values (every row with the same keys)
    straight through the driver's executemany: SQLAlchemy's per-row parameter building was
    an eighth of an import's time. The statement is still SQLAlchemy's, compiled for the store."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(rows[0]))
    given = set(rows[0])
    # Each parameter is a row's value, or a constant of the statement (the 1 in version + 1).
    params = {name: compiled.binds[name] for name in compiled.binds}
    constants = {
        name: bind.effective_value for name, bind in params.items() if bind.key not in given
    }
    if compiled.positional:
        order = list(compiled.positiontup or ())
        keys = [params[name].key for name in order]
        connection.exec_driver_sql(
            compiled.string,
            [
                tuple(
                    row[key] if name not in constants else constants[name]
                    for name, key in zip(order, keys, strict=True)
                )
                for row in rows
            ],
        )
    else:
        named = {params[name].key: name for name in params if name not in constants}
        connection.exec_driver_sql(
            compiled.string,
            [{**constants, **{named[key]: value for key, value in row.items()}} for row in rows],
        )


class _Processed:
    """Values of the records table as the driver takes them, converted by the columns' own
    types (JSON, aware UTC times). The bulk insert goes through an untyped copy of the table
    (RAW_RECORDS) with values converted here, so that what is the same for a whole batch
    (the times, the envelope) is converted once rather than once a row: that conversion was
    a third of an import's time."""

    def __init__(self, session: Session) -> None:
        dialect = session.get_bind().dialect
        self.now = utcnow()
        self.processors = _processors(dialect.name, dialect)

    def __call__(self, column: str, value: Any) -> Any:
        processor = self.processors.get(column)
        return processor(value) if processor is not None else value


_PROCESSORS: dict[str, dict[str, Callable[[Any], Any]]] = {}


def _processors(name: str, dialect: Any) -> dict[str, Callable[[Any], Any]]:
    found = _PROCESSORS.get(name)
    if found is None:
        found = {}
        for column in RECORDS.columns:
            processor = column.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                found[column.name] = processor
        _PROCESSORS[name] = found
    return found


def _reserve_ids(session: Session, count: int) -> list[int]:
    """Ids for `count` new records, taken before the insert so that it needs no RETURNING:
    SQLAlchemy's RETURNING of many rows cost three times the insert itself (measured)."""
    if session.get_bind().dialect.name == "postgresql":
        taken = session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('records', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return [int(i) for i in taken]
    # SQLite: this transaction holds the store's write lock (BEGIN IMMEDIATE, see
    # store/engine.py), so no other writer takes an id between this read and the insert.
    last = session.scalar(select(func.max(RECORDS.c.id))) or 0
    return list(range(last + 1, last + 1 + count))


def _rejection(job_id: int, line: int, problem: FieldProblem) -> dict[str, Any]:
    return {
        "job_id": job_id,
        "line": line,
        "field": (problem.field or "line")[:200],
        "reason": problem.reason[:REASON_LIMIT],
    }


# ---------------------------------------------------------------- jobs


def _kind_for_format(kind_name: str, format: ImportFormat) -> RecordKind[Any]:
    kind = registry.get(kind_name)
    if format is ImportFormat.STIX and kind.name != cyber_indicators.KIND.name:
        raise InvalidInput.on("format", "STIX 2.1 imports into cyber_indicators only")
    if format is ImportFormat.FTM and ftm.mapping_for(kind.name) is None:
        kinds = ", ".join(sorted(ftm.MAPPINGS))
        raise InvalidInput.on("format", f"{kind.name} has no FollowTheMoney schema; FTM: {kinds}")
    return kind


def create_job(
    session: Session,
    *,
    principal: Principal,
    kind_name: str,
    format: ImportFormat,
    filename: str,
    bytes_total: int | None = None,
) -> ImportJob:
    """A queued import of a file into the principal's agency, checked before any byte is read:
    the writer's role, an agency, a kind the format fits."""
    require_role(principal, *service.WRITER_ROLES)
    agency = service._owner_agency(session, principal)
    kind = _kind_for_format(kind_name, format)
    # A file's name as the command line has it may hold control characters or, for bytes
    # that are not UTF-8, lone surrogates, which the store cannot encode.
    shown = "".join("?" if has_control_characters(c) else c for c in filename[:300])
    job = ImportJob(
        kind=kind.name,
        format=format.value,
        filename=shown or "upload",
        agency_id=agency.id,
        country=agency.country,
        created_by=principal.name,
        status=JobStatus.QUEUED.value,
        bytes_total=bytes_total,
    )
    session.add(job)
    session.flush()
    return job


def run_job(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    job_id: int,
    source: IO[bytes],
    defaults: EnvelopeDefaults | None = None,
    batch_size: int = BATCH_SIZE,
    operator: str | None = None,
    progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Read the file and write its records, committing after each batch (a long job: see
    the module's docstring). A rejected row is stored with its line, field and reason and
    the good rows are kept; a file that cannot be read at all fails the job with a clear
    error. Never raises for the file's content: the job's status and error say what
    happened. `progress` is called with the job after each batch."""
    job = session.get(ImportJob, job_id)
    if job is None or job.agency_id != principal.agency_id:
        raise NotFound(f"no import {job_id}")
    require_role(principal, *service.WRITER_ROLES)
    kind = _kind_for_format(job.kind, ImportFormat(job.format))
    job.status, job.started_at = JobStatus.RUNNING.value, utcnow()
    audit.record(
        session,
        principal=principal,
        action="import.start",
        object_type="import",
        object_id=job.id,
        object_country=job.country,
        details={"kind": job.kind, "format": job.format, "filename": job.filename}
        | ({"operator": operator} if operator else {}),
    )
    session.commit()
    stream = CountingStream(source)
    error: str | None = None
    try:
        # Inside the try: whatever stops the job once it runs, its setup included, ends it.
        writer = _Writer(
            session, settings, principal, job, kind, defaults or EnvelopeDefaults(), operator
        )
        _run(
            session,
            writer,
            READERS[ImportFormat(job.format)](stream, kind),
            stream,
            batch_size,
            progress,
        )
    except ImportFileError as exc:
        session.rollback()
        error = str(exc)
    except _BatchNotWritten as exc:
        session.rollback()
        log.error("import %s: a batch was not written", job_id, exc_info=exc.__cause__)
        if isinstance(exc.__cause__, IntegrityError | OperationalError):
            error = (
                "the store refused a batch (another import of the same references at once?); "
                "the batches before it are kept: import the file again"
            )
        else:
            error = (
                "an unexpected error stopped the writing of a batch; it has been logged; "
                "the batches before it are kept: import the file again"
            )
    except _ReadingStopped as exc:
        session.rollback()
        log.error(
            "import %s stopped reading after line %s", job_id, exc.line, exc_info=exc.__cause__
        )
        error = (
            f"an unexpected error stopped the reading of the file after line {exc.line}; it has "
            "been logged; the rows before it are kept"
        )
    except ServiceError as exc:  # the writer's setup: the agency is no more
        session.rollback()
        error = exc.detail
    except Exception:
        session.rollback()
        log.exception("import %s stopped on an unexpected error", job_id)
        error = "an unexpected error stopped the import; it has been logged"
    job = session.get(ImportJob, job_id, populate_existing=True)
    assert job is not None
    job.status = JobStatus.FAILED.value if error else JobStatus.DONE.value
    job.error = error
    if error is None:
        job.bytes_read = stream.bytes_read
    job.finished_at = utcnow()
    audit.record(
        session,
        principal=principal,
        action="import.finish",
        outcome=audit.Outcome.FAILURE if error else audit.Outcome.SUCCESS,
        object_type="import",
        object_id=job.id,
        object_country=job.country,
        details={
            "rows": job.rows_read,
            "created": job.created,
            "updated": job.updated,
            "rejected": job.rejected,
            "error": error,
        },
    )
    session.commit()
    if progress is not None:
        progress(job)
    return job


class _BatchNotWritten(Exception):
    """Writing a batch failed (its cause says why): it is rolled back, the batches before it
    stay, and there is nothing left to write."""


class _ReadingStopped(Exception):
    """The reader failed in a way no check foresaw after `line`: the rows before it are
    written, and the job fails."""

    def __init__(self, line: int) -> None:
        super().__init__(f"stopped after line {line}")
        self.line = line


def _run(
    session: Session,
    writer: _Writer,
    rows: Iterator[Row],
    stream: CountingStream,
    batch_size: int,
    progress: Callable[[ImportJob], None] | None,
) -> None:
    job = writer.job
    batch = _Batch()
    last_line = 0
    batch_from = stream.bytes_read

    def flush() -> None:
        nonlocal batch, batch_from
        batch_from = stream.bytes_read
        try:
            created, updated = writer.write(batch)
            job.rows_read += len(batch.rows) + batch.rejected_rows
            job.created += created
            job.updated += updated
            job.rejected += batch.rejected_rows
            job.bytes_read = stream.bytes_read
            session.commit()
        except Exception as exc:
            raise _BatchNotWritten from exc
        batch.rows, batch.references, batch.rejections = [], set(), []
        batch.rejected_rows = 0
        if progress is not None:
            progress(job)

    try:
        for row in rows:
            last_line = row.line
            _take(writer, batch, row, flush)
            if (
                len(batch.rows) + batch.rejected_rows >= batch_size
                or stream.bytes_read - batch_from >= BATCH_BYTES
            ):
                flush()
    except _BatchNotWritten:
        raise
    except ImportFileError:
        flush()  # what was read before the file turned unreadable is kept
        raise
    except Exception as exc:
        flush()  # and so it is whatever stopped the reader
        raise _ReadingStopped(last_line) from exc
    flush()


def _take(writer: _Writer, batch: _Batch, row: Row, flush: Callable[[], None]) -> None:
    try:
        checked = writer.check(row)
    except Exception as exc:  # a check that failed where none was foreseen refuses its row
        checked = [_unreadable(row.line, exc)]
    if isinstance(checked, list):
        batch.rejected_rows += 1
        problems = checked or [FieldProblem("line", "is not a record")]
        batch.rejections += [
            _rejection(writer.job.id, row.line, p) for p in problems[:MAX_PROBLEMS_PER_ROW]
        ]
        return
    if checked.reference in batch.references:
        # The same reference again in this file: the later row wins, as a change of the
        # record the earlier one wrote, so the batch holding the earlier row is written first.
        flush()
    batch.rows.append(checked)
    batch.references.add(checked.reference)


def import_file(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    kind_name: str,
    format: ImportFormat,
    source: IO[bytes],
    filename: str,
    bytes_total: int | None = None,
    defaults: EnvelopeDefaults | None = None,
    batch_size: int = BATCH_SIZE,
    operator: str | None = None,
    progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Create an import job and run it to the end in this thread (see run_job)."""
    job = create_job(
        session,
        principal=principal,
        kind_name=kind_name,
        format=format,
        filename=filename,
        bytes_total=bytes_total,
    )
    session.commit()
    return run_job(
        session,
        settings=settings,
        principal=principal,
        job_id=job.id,
        source=source,
        defaults=defaults,
        batch_size=batch_size,
        operator=operator,
        progress=progress,
    )


def upload_directory(settings: Settings) -> Path:
    """Where uploaded files wait, under the data directory, while their import runs; called
    as each upload starts, it first removes the files a stopped process left behind."""
    directory = settings.data_dir / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    remove_stale_uploads(directory)
    return directory


def remove_stale_uploads(directory: Path, *, now: float | None = None) -> int:
    """Remove the files of the upload directory untouched for a day: a file being uploaded
    is written to as it arrives and a job reads its file as soon as it is complete, so one
    that old was left by a process stopped in the middle. The number removed."""
    cutoff = (time.time() if now is None else now) - STALE_UPLOAD_SECONDS
    removed = 0
    with os.scandir(directory) as entries:
        for entry in entries:
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:  # gone already, or another process's to remove
                continue
    if removed:
        log.info("removed %s stale uploads from %s", removed, directory)
    return removed


def run_file(
    sessions: sessionmaker[Session],
    settings: Settings,
    principal: Principal,
    job_id: int,
    path: Path,
    defaults: EnvelopeDefaults,
) -> None:
    """Run a queued job on an uploaded file in a session of its own, then remove the file.
    Whatever stops it (a refusal at the start: the principal lost the writer's role; an
    error while it runs) ends the job as failed, never left queued or running."""
    try:
        with sessions() as session:
            try:
                with path.open("rb") as source:
                    run_job(
                        session,
                        settings=settings,
                        principal=principal,
                        job_id=job_id,
                        source=source,
                        defaults=defaults,
                    )
            except Exception as exc:
                session.rollback()
                if isinstance(exc, ServiceError):
                    reason = exc.detail
                else:
                    log.exception("import %s could not run", job_id)
                    reason = "an unexpected error stopped the import; it has been logged"
                job = session.get(ImportJob, job_id, populate_existing=True)
                if job is not None and job.status in (
                    JobStatus.QUEUED.value,
                    JobStatus.RUNNING.value,
                ):
                    job.status, job.error = JobStatus.FAILED.value, reason
                    job.finished_at = utcnow()
                    session.commit()
    finally:
        path.unlink(missing_ok=True)


def start_in_background(
    sessions: sessionmaker[Session],
    settings: Settings,
    principal: Principal,
    job_id: int,
    path: Path,
    defaults: EnvelopeDefaults,
) -> threading.Thread:
    """Run a queued job in a thread of its own (the portal's uploads, the API's wait=false);
    whatever stops it is logged and on the job, never lost in the thread."""

    def work() -> None:
        try:
            run_file(sessions, settings, principal, job_id, path, defaults)
        except Exception:
            log.exception("import %s could not run", job_id)

    thread = threading.Thread(target=work, name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread


def _visible_job(session: Session, principal: Principal, job_id: int) -> ImportJob:
    job = session.get(ImportJob, job_id)
    # Only the importing agency sees its jobs; to anyone else the job does not exist.
    if job is None or not (principal.is_operator or job.agency_id == principal.agency_id):
        raise NotFound(f"no import {job_id}")
    return job


def get_job(session: Session, *, principal: Principal, job_id: int) -> ImportJob:
    """One import of the principal's agency."""
    return _visible_job(session, principal, job_id)


def list_jobs(
    session: Session, *, principal: Principal, page: int = 1, per_page: int = 50
) -> Page[ImportJob]:
    """The imports of the principal's agency, newest first."""
    query = select(ImportJob).order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
    if not principal.is_operator:
        query = query.where(ImportJob.agency_id == (principal.agency_id or -1))
    return paginate(session, query, page=page, per_page=per_page)


def list_rejections(
    session: Session, *, principal: Principal, job_id: int, page: int = 1, per_page: int = 50
) -> Page[ImportRejection]:
    """The rejected rows of one import, by line."""
    job = _visible_job(session, principal, job_id)
    query = (
        select(ImportRejection)
        .where(ImportRejection.job_id == job.id)
        .order_by(ImportRejection.line, ImportRejection.id)
    )
    return paginate(session, query, page=page, per_page=per_page, count_cap=service.LIST_COUNT_CAP)


def rejections_csv(session: Session, *, principal: Principal, job_id: int) -> Iterator[str]:
    """Every rejected row of one import as CSV text (line, field, reason), streamed by pages
    of ids so that a file of a million bad rows never sits in memory."""
    job = _visible_job(session, principal, job_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["line", "field", "reason"])
    yield buffer.getvalue()
    last = 0
    while True:
        rows = session.execute(
            select(
                ImportRejection.id,
                ImportRejection.line,
                ImportRejection.field,
                ImportRejection.reason,
            )
            .where(ImportRejection.job_id == job.id, ImportRejection.id > last)
            .order_by(ImportRejection.id)
            .limit(5000)
        ).all()
        if not rows:
            return
        buffer.seek(0)
        buffer.truncate()
        for _id, line, name, reason in rows:
            # A cell starting with = + - @ would run as a formula in a spreadsheet.
            writer.writerow([line, _safe_cell(name), _safe_cell(reason)])
        last = rows[-1][0]
        yield buffer.getvalue()


def _safe_cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


__all__ = [
    "BATCH_SIZE",
    "EnvelopeDefaults",
    "ImportFileError",
    "ImportFormat",
    "JobStatus",
    "create_job",
    "get_job",
    "import_file",
    "list_jobs",
    "list_rejections",
    "read_csv",
    "read_ftm",
    "read_jsonl",
    "read_stix",
    "rejections_csv",
    "remove_stale_uploads",
    "run_file",
    "run_job",
    "start_in_background",
    "upload_directory",
]
