"""Use cases of the records domain: enter, read, list, change and delete records, look them up
by key, and follow the change sequence. Every read goes through `access.records`, every change
is audited and takes the next number of the change sequence."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session, aliased

from bluebridge.access import records as access
from bluebridge.access.principal import Principal, Role
from bluebridge.access.rules import require_role
from bluebridge.audit import service as audit
from bluebridge.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from bluebridge.members.models import Agency, AgencyKind
from bluebridge.members.security import derive_key
from bluebridge.records import registry, sequence
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    KeyedHash,
    Payload,
    RecordKind,
    SourceGrading,
    SourceType,
)
from bluebridge.records.models import Record, RecordAccess, RecordGrant, RecordKey, RecordLink
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page, paginate
from bluebridge.text import LIKE_ESCAPE, check_text, contains_pattern

# Who enters and maintains records for their agency.
WRITER_ROLES = (Role.OFFICER, Role.SUPERVISOR)
REVIEW_NOTICE = dt.timedelta(days=183)  # the owner is asked to review 6 months before expiry
LIST_COUNT_CAP = 10_000  # lists count exactly up to here, then say "more than"


@dataclass(frozen=True, slots=True)
class Envelope:
    """What every record carries besides its payload, as the owner gives it."""

    source_type: SourceType
    source_grading: SourceGrading
    information_grading: InformationGrading
    handling_codes: tuple[HandlingCode, ...] = ()
    access_policy: access.AccessPolicy | None = None
    owner_reference: str | None = None


@dataclass(frozen=True, slots=True)
class RecordView:
    """A record as one principal may see it: the content only with full sight."""

    record: Record
    sight: access.Sight

    @property
    def payload(self) -> dict[str, Any] | None:
        return self.record.payload if self.sight is access.Sight.FULL else None


def _keyed_hash(settings: Settings) -> KeyedHash:
    """HMAC-SHA256 under a key derived per purpose: matches without storing the value."""

    def keyed_hash(purpose: str, value: str) -> str:
        key = derive_key(settings, f"record-key:{purpose}")
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

    return keyed_hash


def _problems(exc: ValidationError, prefix: str) -> list[FieldProblem]:
    problems = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()))
        field = f"{prefix}.{location}" if location else prefix
        reason = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
        if error.get("type") == "missing":
            reason = "is required"
        problems.append(FieldProblem(field, reason))
    return problems


def validate_payload(kind: RecordKind[Any], data: dict[str, Any], settings: Settings) -> Payload:
    """The stored payload for an owner's input, or InvalidInput naming each field."""
    try:
        given = kind.input_schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            f"the {kind.name} record is not valid", _problems(exc, "payload")
        ) from None
    stored: Payload = kind.to_stored(given, _keyed_hash(settings))
    return stored


def _owner_agency(session: Session, principal: Principal) -> Agency:
    if principal.agency_id is None:
        raise PermissionDenied("records are entered for an agency; the operator enters none")
    agency = session.get(Agency, principal.agency_id)
    if agency is None:
        raise PermissionDenied("your agency does not exist")
    return agency


KEY_VALUE_LIMIT = 300


def stored_key_value(value: str) -> str:
    """A key as stored: as it is when short, else its SHA-256 (a full DNA profile, a long
    URL), so that an exact lookup of the whole value still finds it and nothing is cut."""
    if len(value) <= KEY_VALUE_LIMIT:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def _set_keys(session: Session, record: Record, kind: RecordKind[Any], payload: Payload) -> None:
    session.execute(delete(RecordKey).where(RecordKey.record_id == record.id))
    for key in kind.lookup_keys(payload):
        session.add(
            RecordKey(record_id=record.id, key_type=key.key_type, value=stored_key_value(key.value))
        )


def _set_grants(record: Record, policy: access.AccessPolicy) -> None:
    record.access_mode = policy.mode.value
    wanted = set(policy.grants())
    record.grants[:] = [g for g in record.grants if (g.grant_type, g.value) in wanted]
    present = {(g.grant_type, g.value) for g in record.grants}
    for grant_type, value in sorted(wanted - present):
        record.grants.append(RecordGrant(grant_type=grant_type, value=value))


def default_policy(kind: RecordKind[Any]) -> access.AccessPolicy:
    """The policy a record of the kind gets when its owner gives none."""
    if kind.default_policy is not None:
        return access.AccessPolicy.model_validate(kind.default_policy)
    return access.AccessPolicy()


def create_record(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    kind_name: str,
    payload: dict[str, Any],
    envelope: Envelope,
) -> Record:
    """Enter a record for the principal's agency, which owns it from now on. With an
    owner_reference already used by this agency for this kind, the existing record is
    updated instead (re-importing never duplicates)."""
    kind = registry.get(kind_name)
    require_role(principal, *WRITER_ROLES)
    agency = _owner_agency(session, principal)
    stored = validate_payload(kind, payload, settings)
    if kind.owner_rule is not None:
        problems = kind.owner_rule(stored, agency.country, agency.kind)
        if problems:
            raise InvalidInput(f"your agency may not enter this {kind.name} record", problems)
    if envelope.owner_reference:
        existing = session.scalar(
            select(Record).where(
                Record.owner_agency_id == agency.id,
                Record.kind == kind.name,
                Record.owner_reference == envelope.owner_reference,
                Record.status == access.ACTIVE,
            )
        )
        if existing is not None:
            return _apply_change(session, settings, principal, existing, kind, stored, envelope)
    now = utcnow()
    expires = now + dt.timedelta(days=round(365.25 * kind.retention_for(stored)))
    record = Record(
        kind=kind.name,
        owner_agency_id=agency.id,
        owner_country=agency.country,
        owner_reference=envelope.owner_reference,
        status=access.ACTIVE,
        source_type=envelope.source_type.value,
        source_grading=envelope.source_grading.value,
        information_grading=envelope.information_grading.value,
        handling_codes=[c.value for c in envelope.handling_codes],
        access_mode=access.AccessMode.ALL_MEMBERS.value,
        title=kind.title(stored)[:300],
        payload=stored.model_dump(mode="json"),
        review_date=expires - REVIEW_NOTICE,
        expires_at=expires,
        version=1,
        seq=sequence.take(session),
        created_at=now,
        created_by=principal.name,
        updated_at=now,
        updated_by=principal.name,
    )
    _set_grants(record, envelope.access_policy or default_policy(kind))
    session.add(record)
    session.flush()
    _set_keys(session, record, kind, stored)
    audit_record(
        session,
        principal,
        record,
        "record.create",
        {"access_mode": record.access_mode, "seq": record.seq},
    )
    return record


def audit_record(
    session: Session,
    principal: Principal,
    record: Record,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    """An audit event about one record, naming its kind, id and owner country."""
    audit.record(
        session,
        principal=principal,
        action=action,
        object_type=record.kind,
        object_id=record.id,
        object_country=record.owner_country,
        details=details,
    )


def record_changed(
    session: Session, principal: Principal, record: Record, action: str, details: dict[str, Any]
) -> None:
    """What every change of a record does: a new version, the next change number (so indexes
    follow), who and when, and the audit event."""
    record.version += 1
    record.seq = sequence.take(session)
    record.updated_at = utcnow()
    record.updated_by = principal.name
    audit_record(
        session,
        principal,
        record,
        action,
        {**details, "version": record.version, "seq": record.seq},
    )


def _apply_change(
    session: Session,
    settings: Settings,
    principal: Principal,
    record: Record,
    kind: RecordKind[Any],
    stored: Payload | None,
    envelope: Envelope | None,
) -> Record:
    changed: list[str] = []
    if stored is not None:
        record.payload = stored.model_dump(mode="json")
        record.title = kind.title(stored)[:300]
        _set_keys(session, record, kind, stored)
        changed.append("payload")
    if envelope is not None:
        record.source_type = envelope.source_type.value
        record.source_grading = envelope.source_grading.value
        record.information_grading = envelope.information_grading.value
        record.handling_codes = [c.value for c in envelope.handling_codes]
        if envelope.access_policy is not None:
            _set_grants(record, envelope.access_policy)
            changed.append("access_policy")
        changed.append("envelope")
    record_changed(session, principal, record, "record.update", {"changed": changed})
    session.flush()
    return record


def visible_record(
    session: Session, principal: Principal, record_id: int, kind_name: str | None
) -> tuple[Record, access.Sight]:
    """A record and how much of it the principal sees; NotFound when it sees nothing."""
    record = session.get(Record, record_id)
    if record is None or (kind_name is not None and record.kind != kind_name):
        raise NotFound(f"no record {record_id}")
    seen = access.sight(principal, record)
    if seen is access.Sight.NONE:
        raise NotFound(f"no record {record_id}")  # never a 403 that confirms it exists
    return record, seen


class AccessAction(StrEnum):
    """What someone outside the owning agency did with a record, for the owner's access log."""

    READ = "read"
    READ_METADATA = "read_metadata"
    LIST = "list"
    LOOKUP = "lookup"
    LINK = "link"  # seen at the other end of a link
    EXPORT = "export"
    HIT = "hit"  # matched in screening
    REVIEW = "review"  # content opened by a data protection officer for a review


def _outsider(principal: Principal, record: Record) -> bool:
    return principal.agency_id != record.owner_agency_id


def note_access(
    session: Session, principal: Principal, records: Iterable[Record], action: AccessAction
) -> None:
    """Write the owner's access log for records seen by someone outside the owning agency."""
    rows = [
        {
            "record_id": record.id,
            "at": utcnow(),
            "action": action.value,
            "actor_name": principal.name,
            "agency_id": principal.agency_id,
            "country": principal.country,
            "channel": principal.context.channel.value,
            "request_id": principal.context.request_id,
        }
        for record in records
        if _outsider(principal, record)
    ]
    if rows:
        session.execute(insert(RecordAccess), rows)


def _audit_read(
    session: Session,
    principal: Principal,
    record: Record,
    seen: access.Sight,
    action: AccessAction | None = None,
) -> None:
    if _outsider(principal, record):
        audit_record(
            session,
            principal,
            record,
            "record.read" if seen is access.Sight.FULL else "record.read_metadata",
        )
        if action is None:
            action = AccessAction.READ if seen is access.Sight.FULL else AccessAction.READ_METADATA
        note_access(session, principal, [record], action)


def get_record(
    session: Session, *, principal: Principal, record_id: int, kind_name: str | None = None
) -> RecordView:
    """One record as the principal may see it; absent and hidden read the same."""
    record, seen = visible_record(session, principal, record_id, kind_name)
    _audit_read(session, principal, record, seen)
    return RecordView(record, seen)


REVIEW_REASON_LENGTH = (10, 500)


def open_for_review(
    session: Session,
    *,
    principal: Principal,
    record_id: int,
    reason: str,
    kind_name: str | None = None,
) -> RecordView:
    """The content of a record that a data protection officer sees as metadata, opened for a
    review with the reason given: audited with the reason and written to the owner's access
    log. Everyone else reads the record as `get_record` gives it."""
    record, seen = visible_record(session, principal, record_id, kind_name)
    text = " ".join(check_text("reason", reason).split())
    low, high = REVIEW_REASON_LENGTH
    if not low <= len(text) <= high:
        raise InvalidInput.on(
            "reason", "say why the review needs the content in 10 to 500 characters"
        )
    if seen is not access.Sight.METADATA or not principal.has_role(Role.DATA_PROTECTION_OFFICER):
        _audit_read(session, principal, record, seen)
        return RecordView(record, seen)
    audit_record(session, principal, record, "record.review_read", {"reason": text})
    note_access(session, principal, [record], AccessAction.REVIEW)
    return RecordView(record, access.Sight.FULL)


def list_records(
    session: Session,
    *,
    principal: Principal,
    kind_name: str | None = None,
    owner_country: str | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[RecordView]:
    """Records the principal may see, newest change first, filtered in the query. A search
    term matches the title of records seen in full (never the content of the others)."""
    if kind_name is not None:
        registry.get(kind_name)
    query = select(Record).where(access.visible_filter(principal)).order_by(Record.seq.desc())
    if kind_name is not None:
        query = query.where(Record.kind == kind_name)
    if owner_country is not None:
        query = query.where(Record.owner_country == owner_country.upper())
    if search and search.strip():
        pattern = contains_pattern(search)
        query = query.where(
            access.content_filter(principal),
            func.lower(Record.title).like(pattern, escape=LIKE_ESCAPE),
        )
    result = paginate(session, query, page=page, per_page=per_page, count_cap=LIST_COUNT_CAP)
    views = [RecordView(r, access.sight(principal, r)) for r in result.items]
    foreign = sorted(
        {r.owner_country or "-" for r in result.items if r.owner_country != principal.country}
    )
    note_access(session, principal, result.items, AccessAction.LIST)
    if foreign:
        audit.record(
            session,
            principal=principal,
            action="record.list",
            object_type=kind_name,
            details={
                "countries": foreign,
                "records": [r.id for r in result.items if r.owner_country != principal.country],
            },
        )
    return Page(
        items=views,
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        total_exact=result.total_exact,
    )


def update_record(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    record_id: int,
    expected_version: int,
    payload: dict[str, Any] | None = None,
    envelope: Envelope | None = None,
    kind_name: str | None = None,
) -> Record:
    """Change a record: only its owner may, and only from the version it last read."""
    record, _seen = visible_record(session, principal, record_id, kind_name)
    if not access.may_change(principal, record):
        raise PermissionDenied("only the owning agency changes its records")
    require_role(principal, *WRITER_ROLES)
    if record.version != expected_version:
        raise Conflict(
            f"the record is at version {record.version}, not {expected_version}: read it again",
            [FieldProblem("version", f"is {record.version} now")],
        )
    kind = registry.get(record.kind)
    stored = validate_payload(kind, payload, settings) if payload is not None else None
    if stored is not None and kind.owner_rule is not None:
        agency = _owner_agency(session, principal) if principal.agency_id else None
        problems = kind.owner_rule(stored, record.owner_country, agency.kind if agency else "")
        if problems:
            raise InvalidInput(f"your agency may not hold this {kind.name} record", problems)
    return _apply_change(session, settings, principal, record, kind, stored, envelope)


def delete_record(
    session: Session, *, principal: Principal, record_id: int, kind_name: str | None = None
) -> Record:
    """Delete a record: it leaves every read path and index at once (its lookup keys go now;
    the row stays, marked deleted, until the retention job purges it)."""
    record, _seen = visible_record(session, principal, record_id, kind_name)
    if not access.may_change(principal, record):
        raise PermissionDenied("only the owning agency deletes its records")
    require_role(principal, *WRITER_ROLES)
    record.status = "deleted"
    # The owner's reference is free again: a new record may take it (the audit keeps it).
    released_reference = record.owner_reference
    record.owner_reference = None
    session.execute(delete(RecordKey).where(RecordKey.record_id == record.id))
    record_changed(
        session, principal, record, "record.delete", {"owner_reference": released_reference}
    )
    return record


def _with_key(key_type: str, values: Sequence[str]) -> Select[Record]:
    """Records holding one of the exact keys (at most 1,000 values), by id."""
    return (
        select(Record)
        .join(RecordKey, RecordKey.record_id == Record.id)
        .where(
            RecordKey.key_type == key_type,
            RecordKey.value.in_([stored_key_value(v) for v in list(values)[:1000]]),
        )
        .order_by(Record.id)
    )


def lookup(
    session: Session, *, principal: Principal, key_type: str, values: Sequence[str]
) -> list[RecordView]:
    """Records with one of the exact keys, among those the principal may see."""
    if not values:
        return []
    query = _with_key(key_type, values).where(access.visible_filter(principal))
    records = list(session.scalars(query).unique())
    for record in records:
        _audit_read(
            session, principal, record, access.sight(principal, record), AccessAction.LOOKUP
        )
    return [RecordView(r, access.sight(principal, r)) for r in records]


@dataclass(frozen=True, slots=True)
class PossibleHit:
    """A hit-only record matched by a lookup: whom to contact and the reference to quote,
    nothing of the content."""

    reference: int
    kind: str
    owner_country: str | None
    contact_agency_code: str | None
    contact_agency_name: str | None


def _contact_ncbs(session: Session, countries: Iterable[str | None]) -> dict[str, Agency]:
    wanted = sorted({c for c in countries if c})
    if not wanted:
        return {}
    rows = session.scalars(
        select(Agency).where(Agency.kind == AgencyKind.NCB.value, Agency.country.in_(wanted))
    )
    return {a.country: a for a in rows if a.country}


def possible_hits(
    session: Session, *, principal: Principal, key_type: str, values: Sequence[str]
) -> list[PossibleHit]:
    """Hit-only records with one of the exact keys that the principal does not see: a member
    agency learns that a record exists and which NCB to contact; the owner learns it was hit
    (its access log and the audit). Partners outside the member agencies learn nothing."""
    if not values or principal.agency_kind not in access.MEMBER_AGENCY_KINDS:
        return []
    query = _with_key(key_type, values).where(
        Record.status == access.ACTIVE, Record.access_mode == access.AccessMode.HIT_ONLY.value
    )
    # Those the principal sees (its own, its NCB's) are in the lookup's records already.
    records = [
        r
        for r in session.scalars(query).unique()
        if access.sight(principal, r) is access.Sight.NONE
    ]
    ncbs = _contact_ncbs(session, (r.owner_country for r in records))
    hits = []
    for record in records:
        ncb = ncbs.get(record.owner_country or "")
        hits.append(
            PossibleHit(
                reference=record.id,
                kind=record.kind,
                owner_country=record.owner_country,
                contact_agency_code=ncb.code if ncb else None,
                contact_agency_name=ncb.name if ncb else None,
            )
        )
        audit_record(
            session, principal, record, "record.hit", {"key_type": key_type, "hit_only": True}
        )
    note_access(session, principal, records, AccessAction.HIT)
    return hits


class Relation(StrEnum):
    """How two records relate (read: the first record is … of / to the second)."""

    HOLDER = "holder"  # a person holds a document, a vehicle, an account
    MEMBER = "member"  # a person is a member of an organization
    SUSPECT = "suspect"  # a person is a suspect in an incident
    VICTIM = "victim"
    RECOVERED_AT = "recovered_at"  # evidence recovered at an incident
    AFFILIATE = "affiliate"  # an organization is affiliated with another
    ASSOCIATE = "associate"  # people known to act together
    SAME_AS = "same_as"  # two records describe the same thing


@dataclass(frozen=True, slots=True)
class LinkView:
    id: int
    relation: str
    from_record: RecordView
    to_record: RecordView


def link_records(
    session: Session, *, principal: Principal, from_id: int, to_id: int, relation: Relation
) -> RecordLink:
    """Link one of the principal's records to a record it may see."""
    source, _ = visible_record(session, principal, from_id, None)
    if not access.may_change(principal, source):
        raise PermissionDenied("only the owning agency links its records")
    require_role(principal, *WRITER_ROLES)
    if to_id == from_id:
        raise InvalidInput.on("to_record_id", "a record cannot be linked to itself")
    try:
        target, _ = visible_record(session, principal, to_id, None)
    except NotFound:
        raise InvalidInput.on("to_record_id", f"no record {to_id} that you may see") from None
    existing = session.scalar(
        select(RecordLink).where(
            RecordLink.from_record_id == source.id,
            RecordLink.to_record_id == target.id,
            RecordLink.relation == relation.value,
        )
    )
    if existing is not None:
        return existing
    link = RecordLink(
        from_record_id=source.id,
        to_record_id=target.id,
        relation=relation.value,
        created_by=principal.name,
    )
    session.add(link)
    session.flush()
    record_changed(
        session,
        principal,
        source,
        "record.link",
        {"to": target.id, "relation": relation.value, "link": link.id},
    )
    return link


def unlink_records(session: Session, *, principal: Principal, record_id: int, link_id: int) -> None:
    """Remove a link from one of the principal's records."""
    source, _ = visible_record(session, principal, record_id, None)
    link = session.get(RecordLink, link_id)
    if link is None or link.from_record_id != source.id:
        raise NotFound(f"no link {link_id} from record {record_id}")
    if not access.may_change(principal, source):
        raise PermissionDenied("only the owning agency unlinks its records")
    require_role(principal, *WRITER_ROLES)
    session.delete(link)
    record_changed(session, principal, source, "record.unlink", {"link": link_id})


def links_of(session: Session, *, principal: Principal, record_id: int) -> list[LinkView]:
    """The links of a record the principal sees, in both directions, leaving out every link
    whose other end the principal may not see (it is absent, not hidden)."""
    record, seen = visible_record(session, principal, record_id, None)
    other = aliased(Record)
    visible_other = access.visible_filter(principal)
    rows = session.execute(
        select(RecordLink, other)
        .join(
            other,
            or_(
                (RecordLink.to_record_id == other.id) & (RecordLink.from_record_id == record.id),
                (RecordLink.from_record_id == other.id) & (RecordLink.to_record_id == record.id),
            ),
        )
        .where(other.id.in_(select(Record.id).where(visible_other)))
        .order_by(RecordLink.id)
    ).all()
    this = RecordView(record, seen)
    views = []
    for link, end in rows:
        end_view = RecordView(end, access.sight(principal, end))
        _audit_read(session, principal, end, end_view.sight, AccessAction.LINK)
        if link.from_record_id == record.id:
            views.append(LinkView(link.id, link.relation, this, end_view))
        else:
            views.append(LinkView(link.id, link.relation, end_view, this))
    return views


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One line of a record's access log, with the agency named."""

    at: dt.datetime
    action: str
    actor_name: str
    agency_code: str | None
    agency_name: str | None
    country: str | None
    channel: str


def may_read_access_log(principal: Principal, record: Record) -> bool:
    """The owning agency, its country's NCB, that country's data protection officer, and the
    General Secretariat's compliance reviewers and data protection officers read the log."""
    if principal.is_operator or access.may_change(principal, record):
        return True
    same_country = principal.country is not None and principal.country == record.owner_country
    general_secretariat = principal.agency_kind == AgencyKind.GENERAL_SECRETARIAT.value
    if principal.agency_kind == AgencyKind.NCB.value and same_country:
        return True
    if principal.has_role(Role.DATA_PROTECTION_OFFICER) and (same_country or general_secretariat):
        return True
    return general_secretariat and principal.has_role(Role.COMPLIANCE_REVIEWER)


def access_log(
    session: Session,
    *,
    principal: Principal,
    record_id: int,
    kind_name: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[AccessEntry]:
    """Who outside the owning agency read, listed, exported or hit a record, newest first:
    for the owner and those who watch over it; to anyone else the record does not exist."""
    record, _seen = visible_record(session, principal, record_id, kind_name)
    if not may_read_access_log(principal, record):
        raise NotFound(f"no record {record_id}")
    query = (
        select(RecordAccess)
        .where(RecordAccess.record_id == record.id)
        .order_by(RecordAccess.at.desc(), RecordAccess.id.desc())
    )
    result = paginate(session, query, page=page, per_page=per_page, count_cap=LIST_COUNT_CAP)
    agency_ids = {e.agency_id for e in result.items if e.agency_id is not None}
    agencies = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))}
    entries = []
    for entry in result.items:
        agency = agencies.get(entry.agency_id) if entry.agency_id is not None else None
        entries.append(
            AccessEntry(
                at=entry.at,
                action=entry.action,
                actor_name=entry.actor_name,
                agency_code=agency.code if agency else None,
                agency_name=agency.name if agency else None,
                country=entry.country,
                channel=entry.channel,
            )
        )
    if principal.agency_id != record.owner_agency_id:
        audit_record(session, principal, record, "record.access_log")
    return Page(
        items=entries,
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        total_exact=result.total_exact,
    )


def changes_since(session: Session, *, after_seq: int, limit: int = 1000) -> list[Record]:
    """Records changed after a sequence number, oldest change first, whatever their status:
    for the indexes that follow the store (not a read path: no principal, no content out)."""
    return list(
        session.scalars(
            select(Record).where(Record.seq > after_seq).order_by(Record.seq).limit(limit)
        )
    )


def kinds_summary() -> Iterable[RecordKind[Any]]:
    return registry.kinds().values()


__all__ = [
    "AccessAction",
    "AccessEntry",
    "Envelope",
    "LinkView",
    "PossibleHit",
    "RecordView",
    "Relation",
    "access_log",
    "changes_since",
    "create_record",
    "default_policy",
    "delete_record",
    "get_record",
    "link_records",
    "links_of",
    "list_records",
    "lookup",
    "may_read_access_log",
    "note_access",
    "open_for_review",
    "possible_hits",
    "unlink_records",
    "update_record",
]
