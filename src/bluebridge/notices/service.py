"""The use cases of notices and diffusions: draft, change, submit (with the automatic checks),
send a diffusion, review and decide, cancel, withdraw, extend, expire, acknowledge receipt,
turn a diffusion into a notice request; and the reads: one notice as the principal may see
it, lists, the review queue and its dashboard, the notices screening tells officers about,
and the public extracts.

Every function takes a session and a principal, asks `access.notices` what the principal may
see or do, and audits what it changes; none commits (the request or the job does)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from bluebridge.access import notices as access
from bluebridge.access import records as record_access
from bluebridge.access.principal import Principal
from bluebridge.audit import service as audit
from bluebridge.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from bluebridge.members import reference
from bluebridge.members.models import Agency, AgencyKind, Country
from bluebridge.notices import checks
from bluebridge.notices import content as rules
from bluebridge.notices.enums import (
    ASKS,
    DIFFUSION_AS_NOTICE,
    DIFFUSION_ASKS,
    ENDED,
    LIVE,
    PUBLIC_TYPES,
    SCREENED_TYPES,
    Decision,
    DiffusionType,
    Kind,
    NoticeType,
    ReviewState,
    Status,
    SubjectRole,
)
from bluebridge.notices.models import (
    Notice,
    NoticeEvent,
    NoticeGrant,
    NoticeRecipient,
    NoticeSubject,
)
from bluebridge.records.models import Record
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page, paginate

VALIDITY = dt.timedelta(days=5 * 365 + 1)  # five years
RENEWAL_NOTICE = dt.timedelta(days=183)  # the requester is asked six months before expiry
REASONS_LENGTH = (10, 5000)
MAX_SUBJECTS = 50
PREFIXES = {
    NoticeType.RED: "R",
    NoticeType.YELLOW: "Y",
    NoticeType.BLUE: "BL",
    NoticeType.BLACK: "BK",
    NoticeType.GREEN: "G",
    NoticeType.ORANGE: "O",
    NoticeType.PURPLE: "P",
    NoticeType.SILVER: "S",
    NoticeType.UN: "UN",
}
OBJECT_KINDS = frozenset(
    {"vehicles", "vessels", "artworks", "firearms", "travel_documents", "admin_documents"}
)


@dataclass(frozen=True, slots=True)
class SubjectIn:
    record_id: int
    role: SubjectRole = SubjectRole.SUBJECT


@dataclass(frozen=True, slots=True)
class Recipients:
    """Whom a diffusion goes to: countries, whole regions, or every member."""

    countries: tuple[str, ...] = ()
    regions: tuple[reference.Region, ...] = ()
    all_members: bool = False


@dataclass(frozen=True, slots=True)
class Draft:
    """What the requester enters; content is checked against the kind's model."""

    content: dict[str, Any]
    subjects: tuple[SubjectIn, ...] = ()
    access_policy: record_access.AccessPolicy | None = None
    public_extract: bool = False
    recipients: Recipients | None = None


def _pilot(settings: Settings) -> frozenset[str]:
    return frozenset(c.upper() for c in settings.silver_pilot_countries)


def _kind_and_type(kind: str, type_: str) -> tuple[Kind, str]:
    try:
        parsed = Kind(kind)
    except ValueError:
        raise InvalidInput.on("kind", "must be notice or diffusion") from None
    allowed = [t.value for t in (NoticeType if parsed is Kind.NOTICE else DiffusionType)]
    if type_ not in allowed:
        raise InvalidInput.on("type", f"a {parsed.value} is one of: {', '.join(allowed)}")
    return parsed, type_


def _content(kind: Kind, type_: str, data: dict[str, Any]) -> rules.NoticeContent:
    """The content as the model reads it; every problem named by field."""
    try:
        parsed = rules.NoticeContent.model_validate(data)
    except ValidationError as exc:
        problems = [
            FieldProblem(
                ".".join(["content", *(str(p) for p in error["loc"])]),
                error["msg"].removeprefix("Value error, "),
            )
            for error in exc.errors()
        ]
        raise InvalidInput("the content is not valid", problems) from None
    notice_type = rules.notice_type_of(kind.value, type_)
    unused = rules.unused_fields(parsed, notice_type)
    if unused:
        what = f"a {type_} {kind.value}"
        raise InvalidInput(
            "the content has fields this kind does not use",
            [FieldProblem(f"content.{name}", f"not used by {what}") for name in unused],
        )
    return parsed


def _title(content: rules.NoticeContent, subjects: Sequence[Record]) -> str:
    people = [r.title for r in subjects if r.kind in ("persons", "organizations")]
    if people:
        return people[0][:300]
    return (content.summary or "untitled")[:300]


def _subject_records(
    session: Session, principal: Principal, subjects: Sequence[SubjectIn]
) -> list[Record]:
    if len(subjects) > MAX_SUBJECTS:
        raise InvalidInput.on("subjects", f"at most {MAX_SUBJECTS} records")
    problems = []
    records = []
    seen_ids: set[int] = set()
    for i, subject in enumerate(subjects):
        if subject.record_id in seen_ids:
            problems.append(FieldProblem(f"subjects.{i}", "this record is already named"))
            continue
        seen_ids.add(subject.record_id)
        record = session.get(Record, subject.record_id)
        # The requester refers only to records it sees in full; another's stays unnamed.
        if record is None or record_access.sight(principal, record) is not record_access.Sight.FULL:
            problems.append(
                FieldProblem(f"subjects.{i}", f"no record {subject.record_id} you can see")
            )
            continue
        records.append(record)
    if problems:
        raise InvalidInput("the subjects cannot be used", problems)
    return records


def _policy(kind: Kind, policy: record_access.AccessPolicy | None) -> record_access.AccessPolicy:
    policy = policy or record_access.AccessPolicy()
    if policy.mode is record_access.AccessMode.HIT_ONLY:
        raise InvalidInput.on(
            "access_policy.mode", "a notice is meant to be seen: all_members, listed or all_except"
        )
    if kind is Kind.DIFFUSION and policy.mode is not record_access.AccessMode.ALL_MEMBERS:
        raise InvalidInput.on(
            "access_policy", "a diffusion is seen by its recipients: choose them instead"
        )
    return policy


def _recipients(recipients: Recipients | None, own: str | None) -> list[str]:
    if recipients is None:
        return []
    members = {m.alpha3: m for m in reference.member_countries()}
    problems = []
    chosen: set[str] = set()
    if recipients.all_members:
        chosen.update(members)
    for region in recipients.regions:
        chosen.update(a for a, m in members.items() if m.region is region)
    for i, code in enumerate(recipients.countries):
        try:
            alpha3 = reference.resolve_country_code(code).alpha3
        except reference.UnknownCountryCode:
            alpha3 = None
        if alpha3 is None or alpha3 not in members:
            problems.append(FieldProblem(f"recipients.countries.{i}", "not a member country"))
        else:
            chosen.add(alpha3)
    if problems:
        raise InvalidInput("the recipients are not valid", problems)
    chosen.discard(own or "")
    return sorted(chosen)


def _event(
    session: Session,
    principal: Principal,
    notice: Notice,
    action: str,
    *,
    from_status: str | None,
    reasons: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    now = utcnow()
    session.add(
        NoticeEvent(
            notice_id=notice.id,
            at=now,
            action=action,
            actor_name=principal.name,
            agency_id=principal.agency_id,
            country=principal.country,
            from_status=from_status,
            to_status=notice.status,
            reasons=reasons,
            details=details or {},
        )
    )
    audit.record(
        session,
        principal=principal,
        action=f"{notice.kind}.{action}",
        object_type=notice.kind,
        object_id=notice.id,
        object_country=notice.requesting_country,
        details={
            "reference": notice.reference,
            "type": notice.type,
            "from": from_status,
            "to": notice.status,
            "version": notice.version,
            **(details or {}),
        },
    )


def _reasons(reasons: str | None, *, required: bool = True) -> str | None:
    text = (reasons or "").strip()
    if not text:
        if required:
            raise InvalidInput.on("reasons", "give the reasons in writing")
        return None
    low, high = REASONS_LENGTH
    if not low <= len(text) <= high:
        raise InvalidInput.on("reasons", f"write {low} to {high} characters")
    from bluebridge.text import has_control_characters

    if has_control_characters(text.translate({9: None, 10: None, 13: None})):
        raise InvalidInput.on("reasons", "must not contain control characters")
    return text


def _set_grants(notice: Notice, policy: record_access.AccessPolicy) -> None:
    notice.access_mode = policy.mode.value
    wanted = set(policy.grants())
    notice.grants = [g for g in notice.grants if (g.grant_type, g.value) in wanted]
    have = {(g.grant_type, g.value) for g in notice.grants}
    for grant_type, value in sorted(wanted - have):
        notice.grants.append(NoticeGrant(grant_type=grant_type, value=value))


def _set_subjects(notice: Notice, subjects: Sequence[SubjectIn]) -> None:
    notice.subjects = [
        NoticeSubject(record_id=s.record_id, role=SubjectRole(s.role).value, position=i)
        for i, s in enumerate(subjects)
    ]


def create(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    kind: str,
    type: str,
    draft: Draft,
) -> Notice:
    """A new request, as a draft of the principal's NCB."""
    parsed_kind, type_ = _kind_and_type(kind, type)
    if not access.may_request(principal, type_, pilot=_pilot(settings)):
        if type_ == NoticeType.SILVER:
            raise PermissionDenied(
                "silver notices are requested only by NCBs of the pilot's countries"
            )
        raise PermissionDenied("notices and diffusions are requested by an NCB's officers")
    parsed = _content(parsed_kind, type_, draft.content)
    records = _subject_records(session, principal, draft.subjects)
    policy = _policy(parsed_kind, draft.access_policy)
    _check_public(parsed_kind, type_, draft.public_extract)
    now = utcnow()
    notice = Notice(
        kind=parsed_kind.value,
        type=type_,
        reference=f"new-{time.monotonic_ns()}",
        requesting_agency_id=principal.agency_id or _operator_agency(session),
        requesting_country=principal.country,
        status=Status.DRAFT.value,
        review_state=ReviewState.NONE.value,
        title=_title(parsed, records),
        content=parsed.model_dump(mode="json", exclude_defaults=True),
        flags=[],
        access_mode=policy.mode.value,
        public_extract=draft.public_extract,
        created_at=now,
        created_by=principal.name,
        updated_at=now,
        updated_by=principal.name,
    )
    _set_grants(notice, policy)
    _set_subjects(notice, draft.subjects)
    session.add(notice)
    session.flush()
    notice.reference = _reference(notice, now)
    if parsed_kind is Kind.DIFFUSION and draft.recipients is not None:
        _set_recipients(notice, _recipients(draft.recipients, principal.country), now)
    _event(session, principal, notice, "create", from_status=None)
    return notice


def _operator_agency(session: Session) -> int:
    from bluebridge.members.service import GENERAL_SECRETARIAT_CODE

    agency_id = session.scalar(select(Agency.id).where(Agency.code == GENERAL_SECRETARIAT_CODE))
    assert agency_id is not None
    return agency_id


def _reference(notice: Notice, now: dt.datetime) -> str:
    if notice.kind == Kind.DIFFUSION:
        return f"D-{notice.id:06d}/{now.year}"
    return f"{PREFIXES[NoticeType(notice.type)]}-{notice.id:06d}/{now.year}"


def _check_public(kind: Kind, type_: str, public: bool) -> None:
    if public and (kind is not Kind.NOTICE or type_ not in PUBLIC_TYPES):
        raise InvalidInput.on(
            "public_extract", "only red, yellow and UN notices may have a public extract"
        )


def _set_recipients(notice: Notice, countries: Iterable[str], now: dt.datetime) -> None:
    have = {r.country: r for r in notice.recipients}
    notice.recipients = [have.get(c) or NoticeRecipient(country=c, sent_at=now) for c in countries]


MAX_ID = 2**31 - 1  # notices are numbered in a 32-bit column


def _load(session: Session, principal: Principal, settings: Settings, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id) if 1 <= notice_id <= MAX_ID else None
    if notice is None or not access.sees(principal, notice, pilot=_pilot(settings)):
        raise NotFound(f"no notice or diffusion {notice_id}")
    return notice


def _own(session: Session, principal: Principal, settings: Settings, notice_id: int) -> Notice:
    notice = _load(session, principal, settings, notice_id)
    if not access.may_change(principal, notice):
        raise PermissionDenied("only the requesting NCB changes its request")
    return notice


CHANGEABLE = frozenset(
    {Status.DRAFT, Status.INFORMATION_REQUESTED, Status.PUBLISHED, Status.CIRCULATED}
)


def update(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    notice_id: int,
    draft: Draft,
    version: int | None = None,
) -> Notice:
    """Change a request. A draft or a request sent back for information changes freely; a
    published notice or a circulated diffusion changes in place, is checked again at once, and
    goes back to the reviewers."""
    notice = _own(session, principal, settings, notice_id)
    status = Status(notice.status)
    if status not in CHANGEABLE:
        raise Conflict(f"a {status.value} {notice.kind} cannot be changed")
    if version is not None and version != notice.version:
        raise Conflict(
            f"the {notice.kind} changed meanwhile (version {notice.version}); reload it",
            [FieldProblem("version", f"is {notice.version}")],
        )
    kind = Kind(notice.kind)
    parsed = _content(kind, notice.type, draft.content)
    records = _subject_records(session, principal, draft.subjects)
    policy = _policy(kind, draft.access_policy)
    _check_public(kind, notice.type, draft.public_extract)
    now = utcnow()
    notice.content = parsed.model_dump(mode="json", exclude_defaults=True)
    notice.title = _title(parsed, records)
    notice.public_extract = draft.public_extract
    _set_grants(notice, policy)
    _set_subjects(notice, draft.subjects)
    if kind is Kind.DIFFUSION and draft.recipients is not None:
        if status is Status.CIRCULATED:
            # Countries are added to a circulated diffusion, never taken away silently.
            added = _recipients(draft.recipients, notice.requesting_country)
            current = {r.country for r in notice.recipients}
            _set_recipients(notice, sorted(current | set(added)), now)
        else:
            _set_recipients(notice, _recipients(draft.recipients, notice.requesting_country), now)
    notice.version += 1
    notice.updated_at, notice.updated_by = now, principal.name
    session.flush()
    session.expire(notice, ["subjects"])
    if status in (Status.PUBLISHED, Status.CIRCULATED):
        report = _checked(session, notice, now)
        notice.review_state = ReviewState.PENDING.value
        notice.queued_at = now
        _event(
            session, principal, notice, "change", from_status=status.value, details=_timing(report)
        )
    else:
        _event(session, principal, notice, "change", from_status=status.value)
    return notice


@dataclass
class _Timed:
    report: checks.CheckReport
    milliseconds: float


def _checked(session: Session, notice: Notice, now: dt.datetime) -> _Timed:
    """Run the automatic checks; refuse with every problem at once, else keep the flags."""
    started = time.perf_counter()
    report = checks.run(session, notice, today=now.date())
    elapsed = (time.perf_counter() - started) * 1000
    if report.problems:
        raise InvalidInput(f"the {notice.kind} cannot be sent for review", report.problems)
    notice.flags = report.flags
    notice.checked_at = now
    return _Timed(report, elapsed)


def _timing(timed: _Timed) -> dict[str, Any]:
    return {"checks_ms": round(timed.milliseconds, 1), "flags": len(timed.report.flags)}


def submit(session: Session, *, settings: Settings, principal: Principal, notice_id: int) -> Notice:
    """Send a notice request to the compliance review, after the automatic checks."""
    notice = _own(session, principal, settings, notice_id)
    if notice.kind != Kind.NOTICE:
        raise Conflict("a diffusion is sent, not submitted: send it to its recipients")
    if notice.status not in (Status.DRAFT, Status.INFORMATION_REQUESTED):
        raise Conflict(f"a {notice.status} notice cannot be submitted")
    from_status = notice.status
    now = utcnow()
    notice.status = Status.SUBMITTED.value
    notice.submitted_at = notice.submitted_at or now
    _event(session, principal, notice, "submit", from_status=from_status)
    timed = _checked(session, notice, now)
    notice.status = Status.IN_REVIEW.value
    notice.review_state = ReviewState.PENDING.value
    notice.queued_at = now
    _event(
        session,
        principal,
        notice,
        "check",
        from_status=Status.SUBMITTED.value,
        details=_timing(timed),
    )
    return notice


def send(session: Session, *, settings: Settings, principal: Principal, notice_id: int) -> Notice:
    """Send a diffusion to its recipients at once; the compliance review follows."""
    notice = _own(session, principal, settings, notice_id)
    if notice.kind != Kind.DIFFUSION:
        raise Conflict("a notice is submitted for review, not sent")
    if notice.status != Status.DRAFT:
        raise Conflict(f"a {notice.status} diffusion cannot be sent again")
    if not notice.recipients:
        raise InvalidInput.on(
            "recipients", "choose the countries, regions or all members to send to"
        )
    now = utcnow()
    timed = _checked(session, notice, now)
    notice.status = Status.CIRCULATED.value
    notice.review_state = ReviewState.PENDING.value
    notice.submitted_at = now
    notice.published_at = now
    notice.expires_at = now + VALIDITY
    notice.queued_at = now
    for recipient in notice.recipients:
        recipient.sent_at = now
    _event(
        session,
        principal,
        notice,
        "send",
        from_status=Status.DRAFT.value,
        details={**_timing(timed), "recipients": len(notice.recipients)},
    )
    return notice


def decide(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    notice_id: int,
    decision: str,
    reasons: str,
) -> Notice:
    """A compliance reviewer's decision, with written reasons: publish (or, for a diffusion or
    a change, find compliant), ask for information, or refuse (a diffusion or a changed notice
    found non-compliant is withdrawn from every recipient and from screening)."""
    if not access.may_decide(principal):
        raise PermissionDenied(
            "decisions are taken by the General Secretariat's compliance reviewers, "
            "signed in with their second factor"
        )
    try:
        chosen = Decision(decision)
    except ValueError:
        raise InvalidInput.on(
            "decision", "must be publish, request_information or refuse"
        ) from None
    notice = _load(session, principal, settings, notice_id)
    text = _reasons(reasons)
    if notice.review_state != ReviewState.PENDING:
        raise Conflict(f"the {notice.kind} {notice.reference} is not waiting for a decision")
    own = {principal.nationality, principal.country} - {None}
    if notice.requesting_country in own:
        raise PermissionDenied("a reviewer decides on no request of their own country")
    now = utcnow()
    from_status = notice.status
    first_publication = notice.kind == Kind.NOTICE and notice.status == Status.IN_REVIEW
    if chosen is Decision.PUBLISH:
        notice.review_state = ReviewState.COMPLIANT.value
        if first_publication:
            notice.status = Status.PUBLISHED.value
            notice.published_at = now
            notice.expires_at = now + VALIDITY
    elif chosen is Decision.REQUEST_INFORMATION:
        notice.review_state = ReviewState.INFORMATION_REQUESTED.value
        if first_publication:
            notice.status = Status.INFORMATION_REQUESTED.value
    else:
        notice.review_state = ReviewState.NON_COMPLIANT.value
        notice.status = (Status.REFUSED if first_publication else Status.WITHDRAWN).value
        notice.ended_at = now
    notice.decided_at, notice.decided_by = now, principal.name
    waited = (now - notice.queued_at).total_seconds() / 3600 if notice.queued_at else None
    _event(
        session,
        principal,
        notice,
        f"decide.{chosen.value}",
        from_status=from_status,
        reasons=text,
        details={"hours_waited": round(waited, 2) if waited is not None else None},
    )
    return notice


def _end(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    notice_id: int,
    reasons: str,
    status: Status,
) -> Notice:
    notice = _own(session, principal, settings, notice_id)
    if Status(notice.status) in ENDED:
        raise Conflict(f"the {notice.kind} {notice.reference} is already {notice.status}")
    text = _reasons(reasons)
    from_status = notice.status
    notice.status = status.value
    notice.ended_at = utcnow()
    if notice.review_state == ReviewState.PENDING:
        notice.review_state = ReviewState.NONE.value
    _event(session, principal, notice, _END_ACTIONS[status], from_status=from_status, reasons=text)
    return notice


_END_ACTIONS = {Status.CANCELLED: "cancel", Status.WITHDRAWN: "withdraw"}


def cancel(
    session: Session, *, settings: Settings, principal: Principal, notice_id: int, reasons: str
) -> Notice:
    """The requester cancels: the subject is found, the case is closed."""
    return _end(
        session,
        settings=settings,
        principal=principal,
        notice_id=notice_id,
        reasons=reasons,
        status=Status.CANCELLED,
    )


def withdraw(
    session: Session, *, settings: Settings, principal: Principal, notice_id: int, reasons: str
) -> Notice:
    """The requester withdraws its request."""
    return _end(
        session,
        settings=settings,
        principal=principal,
        notice_id=notice_id,
        reasons=reasons,
        status=Status.WITHDRAWN,
    )


def extend(session: Session, *, settings: Settings, principal: Principal, notice_id: int) -> Notice:
    """The requester extends a live request by five years, from six months before it expires."""
    notice = _own(session, principal, settings, notice_id)
    if notice.status not in LIVE or notice.expires_at is None:
        raise Conflict(f"a {notice.status} {notice.kind} cannot be extended")
    now = utcnow()
    if notice.expires_at - now > RENEWAL_NOTICE:
        raise Conflict(
            f"the {notice.kind} may be extended from six months before it expires "
            f"({(notice.expires_at - RENEWAL_NOTICE).date().isoformat()})"
        )
    before = notice.expires_at
    notice.expires_at = notice.expires_at + VALIDITY
    notice.renewal_asked_at = None
    _event(
        session,
        principal,
        notice,
        "extend",
        from_status=notice.status,
        details={"expired_at": before.isoformat(), "expires_at": notice.expires_at.isoformat()},
    )
    return notice


@dataclass(frozen=True, slots=True)
class ExpiryRun:
    asked: int
    expired: int


def run_expiry(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> ExpiryRun:
    """Ask requesters six months before expiry, and expire what was not extended in time."""
    now = now or utcnow()
    asked = session.scalars(
        select(Notice).where(
            Notice.status.in_([s.value for s in LIVE]),
            Notice.expires_at <= now + RENEWAL_NOTICE,
            Notice.expires_at > now,
            Notice.renewal_asked_at.is_(None),
        )
    ).all()
    for notice in asked:
        notice.renewal_asked_at = now
        _event(
            session,
            principal,
            notice,
            "renewal_asked",
            from_status=notice.status,
            details={"expires_at": notice.expires_at.isoformat() if notice.expires_at else None},
        )
    expired = session.scalars(
        select(Notice).where(Notice.status.in_([s.value for s in LIVE]), Notice.expires_at <= now)
    ).all()
    for notice in expired:
        from_status = notice.status
        notice.status = Status.EXPIRED.value
        notice.ended_at = notice.expires_at  # when it ended, also when the job runs late
        if notice.review_state == ReviewState.PENDING:
            notice.review_state = ReviewState.NONE.value
        _event(session, principal, notice, "expire", from_status=from_status)
    return ExpiryRun(asked=len(asked), expired=len(expired))


def acknowledge(
    session: Session, *, settings: Settings, principal: Principal, notice_id: int
) -> NoticeRecipient:
    """A recipient NCB acknowledges receipt of a diffusion."""
    notice = _load(session, principal, settings, notice_id)
    recipient = next((r for r in notice.recipients if r.country == principal.country), None)
    if (
        notice.kind != Kind.DIFFUSION
        or recipient is None
        or principal.agency_kind != AgencyKind.NCB.value
    ):
        raise PermissionDenied("receipt is acknowledged by the NCB of a country it was sent to")
    if notice.status != Status.CIRCULATED:
        raise Conflict(f"a {notice.status} diffusion needs no acknowledgement")
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at = utcnow()
        recipient.acknowledged_by = principal.name
        _event(session, principal, notice, "acknowledge", from_status=notice.status)
    return recipient


def convert(
    session: Session, *, settings: Settings, principal: Principal, notice_id: int
) -> Notice:
    """Turn a diffusion into a notice request (a draft of the same content and subjects)."""
    diffusion = _own(session, principal, settings, notice_id)
    if diffusion.kind != Kind.DIFFUSION:
        raise Conflict("only a diffusion is turned into a notice request")
    if Status(diffusion.status) in ENDED:
        raise Conflict(f"a {diffusion.status} diffusion cannot become a notice")
    notice_type = DIFFUSION_AS_NOTICE[DiffusionType(diffusion.type)]
    content = dict(diffusion.content)
    if notice_type is NoticeType.RED:
        content.setdefault("purpose", "prosecution")
    notice = create(
        session,
        settings=settings,
        principal=principal,
        kind=Kind.NOTICE.value,
        type=notice_type.value,
        draft=Draft(
            content=content,
            subjects=tuple(SubjectIn(s.record_id, SubjectRole(s.role)) for s in diffusion.subjects),
        ),
    )
    notice.from_diffusion_id = diffusion.id
    _event(
        session,
        principal,
        diffusion,
        "convert",
        from_status=diffusion.status,
        details={"notice": notice.reference},
    )
    return notice


# ---------------------------------------------------------------- reads


@dataclass(frozen=True, slots=True)
class SubjectView:
    record_id: int
    role: str
    kind: str | None
    title: str | None  # None: the principal does not see the record's content
    owner_country: str | None
    linked: bool = False  # a biometric record linked to the subject, flowing into the notice


@dataclass
class NoticeView:
    notice: Notice
    subjects: list[SubjectView]
    flags: list[dict[str, Any]]
    events: list[NoticeEvent]
    others: list[Notice]  # the subjects' other requests (reviewers only)
    may_change: bool
    may_decide: bool
    acknowledged: bool | None = None  # for a recipient NCB: whether it acknowledged
    asks: str = ""
    contact: Agency | None = None
    recipients: list[NoticeRecipient] = field(default_factory=list)


def asks(notice: Notice) -> str:
    return _asks(notice.kind, notice.type)


def _asks(kind: str, type_: str) -> str:
    if kind == Kind.DIFFUSION:
        return DIFFUSION_ASKS[DiffusionType(type_)]
    return ASKS[NoticeType(type_)]


def _contact(session: Session, notice: Notice) -> Agency | None:
    if not notice.requesting_country:
        return session.get(Agency, notice.requesting_agency_id)
    return session.scalar(
        select(Agency).where(
            Agency.kind == AgencyKind.NCB.value, Agency.country == notice.requesting_country
        )
    )


def _subject_views(session: Session, principal: Principal, notice: Notice) -> list[SubjectView]:
    ids = [s.record_id for s in notice.subjects]
    records = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_(ids)))}
    views = []
    for subject in notice.subjects:
        record = records.get(subject.record_id)
        full = (
            record is not None
            and record_access.sight(principal, record) is record_access.Sight.FULL
        )
        views.append(
            SubjectView(
                subject.record_id,
                subject.role,
                record.kind if full and record else None,
                record.title if full and record else None,
                record.owner_country if record else None,
            )
        )
    people = [s.record_id for s in notice.subjects if s.role == SubjectRole.SUBJECT]
    if people:
        linked = session.scalars(
            select(Record)
            .where(
                Record.id.in_(checks.linked_biometrics(people)),
                Record.id.not_in(ids),
                record_access.content_filter(principal),
            )
            .order_by(Record.id)
        ).all()
        views += [
            SubjectView(r.id, SubjectRole.BIOMETRIC.value, r.kind, r.title, r.owner_country, True)
            for r in linked
        ]
    return views


def get(
    session: Session, *, settings: Settings, principal: Principal, notice_id: int
) -> NoticeView:
    """One notice or diffusion as the principal may see it; absent and hidden read the same."""
    notice = _load(session, principal, settings, notice_id)
    reviewer = access.is_reviewer(principal)
    own = access.is_own(principal, notice)
    flags = [f for f in notice.flags if reviewer or (own and not f.get("internal"))]
    events: list[NoticeEvent] = []
    if reviewer or own:
        events = list(
            session.scalars(
                select(NoticeEvent)
                .where(NoticeEvent.notice_id == notice.id)
                .order_by(NoticeEvent.at, NoticeEvent.id)
            )
        )
    others: list[Notice] = []
    ids = [s.record_id for s in notice.subjects]
    if reviewer and ids:
        on_same = select(NoticeSubject.notice_id).where(NoticeSubject.record_id.in_(ids))
        others = list(
            session.scalars(
                select(Notice)
                .where(Notice.id.in_(on_same), Notice.id != notice.id)
                .order_by(Notice.id.desc())
            )
        )
    acknowledged = None
    if notice.kind == Kind.DIFFUSION and not own:
        mine = next((r for r in notice.recipients if r.country == principal.country), None)
        acknowledged = mine.acknowledged_at is not None if mine else None
    if not own and not reviewer:
        audit.record(
            session,
            principal=principal,
            action=f"{notice.kind}.read",
            object_type=notice.kind,
            object_id=notice.id,
            object_country=notice.requesting_country,
            details={"reference": notice.reference},
        )
    return NoticeView(
        notice=notice,
        subjects=_subject_views(session, principal, notice),
        flags=flags,
        events=events,
        others=others,
        may_change=access.may_change(principal, notice) and Status(notice.status) in CHANGEABLE,
        may_decide=access.may_decide(principal)
        and notice.review_state == ReviewState.PENDING
        and notice.requesting_country not in {principal.nationality, principal.country} - {None},
        acknowledged=acknowledged,
        asks=asks(notice),
        contact=_contact(session, notice),
        recipients=list(notice.recipients) if (own or reviewer) else [],
    )


def list_notices(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    kind: str | None = None,
    type: str | None = None,
    status: str | None = None,
    requesting_country: str | None = None,
    mine: bool = False,
    search: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[Notice]:
    """The notices and diffusions the principal sees, newest first, filtered."""
    problems = []
    if kind is not None and kind not in {k.value for k in Kind}:
        problems.append(FieldProblem("kind", "must be notice or diffusion"))
    types = {t.value for t in NoticeType} | {t.value for t in DiffusionType}
    if type is not None and type not in types:
        problems.append(FieldProblem("type", f"one of: {', '.join(sorted(types))}"))
    if status is not None and status not in {s.value for s in Status}:
        problems.append(FieldProblem("status", f"one of: {', '.join(s.value for s in Status)}"))
    if problems:
        raise InvalidInput("the filters are not valid", problems)
    query: Select[Any] = select(Notice).where(
        access.visible_filter(principal, pilot=_pilot(settings))
    )
    if kind:
        query = query.where(Notice.kind == kind)
    if type:
        query = query.where(Notice.type == type)
    if status:
        query = query.where(Notice.status == status)
    if requesting_country:
        query = query.where(Notice.requesting_country == requesting_country.upper())
    if mine:
        query = query.where(access._own(principal))
    if search:
        from bluebridge.text import LIKE_ESCAPE, contains_pattern

        pattern = contains_pattern(search)
        query = query.where(
            or_(
                Notice.reference.ilike(pattern, escape=LIKE_ESCAPE),
                Notice.title.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    query = query.order_by(Notice.id.desc())
    return paginate(session, query, page=page, per_page=per_page, count_cap=10_000)


def review_queue(
    session: Session, *, principal: Principal, page: int = 1, per_page: int = 50
) -> Page[Notice]:
    """What waits for a compliance decision, oldest first."""
    if not access.is_reviewer(principal):
        raise PermissionDenied("the review queue is for the compliance reviewers")
    query = (
        select(Notice)
        .where(Notice.review_state == ReviewState.PENDING.value)
        .order_by(Notice.queued_at, Notice.id)
    )
    return paginate(session, query, page=page, per_page=per_page)


@dataclass
class Dashboard:
    """The review's figures over a period: the queue, time to decision against the target,
    and counts by type, region and outcome."""

    since: dt.datetime
    target_hours: int
    waiting: int
    waiting_over_target: int
    oldest_waiting_hours: float | None
    decisions: int
    median_hours: float | None
    p90_hours: float | None
    within_target: float | None  # the share of decisions taken within the target
    by_type: dict[str, int]
    by_region: dict[str, int]
    by_outcome: dict[str, int]
    by_day: list[tuple[str, int]]


def dashboard(
    session: Session, *, settings: Settings, principal: Principal, days: int = 90
) -> Dashboard:
    if not access.is_reviewer(principal):
        raise PermissionDenied("the review dashboard is for the compliance reviewers")
    if not 1 <= days <= 3650:
        raise InvalidInput.on("days", "1 to 3650")
    now = utcnow()
    since = now - dt.timedelta(days=days)
    target = settings.notice_review_target_hours
    waiting_rows = session.scalars(
        select(Notice.queued_at).where(Notice.review_state == ReviewState.PENDING.value)
    ).all()
    ages = [(now - q).total_seconds() / 3600 for q in waiting_rows if q is not None]
    decided = session.execute(
        select(NoticeEvent.action, NoticeEvent.details, NoticeEvent.at, Notice.type, Country.region)
        .join(Notice, Notice.id == NoticeEvent.notice_id)
        .outerjoin(Country, Country.alpha3 == Notice.requesting_country)
        .where(NoticeEvent.action.like("decide.%"), NoticeEvent.at >= since)
    ).all()
    hours = sorted(
        float(d["hours_waited"]) for _, d, _, _, _ in decided if d.get("hours_waited") is not None
    )
    by_type: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    by_day: Counter[str] = Counter()
    for action, _, at, type_, region in decided:
        by_type[type_] += 1
        by_region[region or "none"] += 1
        by_outcome[action.removeprefix("decide.")] += 1
        by_day[at.date().isoformat()] += 1
    p90 = None
    if hours:
        p90 = hours[min(len(hours) - 1, round(0.9 * (len(hours) - 1)))]
    return Dashboard(
        since=since,
        target_hours=target,
        waiting=len(waiting_rows),
        waiting_over_target=sum(1 for a in ages if a > target),
        oldest_waiting_hours=round(max(ages), 1) if ages else None,
        decisions=len(decided),
        median_hours=round(statistics.median(hours), 1) if hours else None,
        p90_hours=round(p90, 1) if p90 is not None else None,
        within_target=round(sum(1 for h in hours if h <= target) / len(hours), 3)
        if hours
        else None,
        by_type=dict(by_type.most_common()),
        by_region=dict(by_region.most_common()),
        by_outcome=dict(by_outcome.most_common()),
        by_day=sorted(by_day.items()),
    )


# ---------------------------------------------------------------- screening


@dataclass(frozen=True, slots=True)
class ScreeningNotice:
    """What screening tells an officer of a live notice on a record it matched."""

    notice_id: int
    reference: str
    kind: str
    type: str
    asks: str
    contact_country: str | None
    contact_agency_code: str | None
    contact_agency_name: str | None


# The query of `on_records` for each shape of principal (`access.shape`), the records' ids a
# parameter: it runs on every check with a match, and building it and working out its cache
# key were most of its cost in Python.
_ON_RECORDS: dict[tuple[object, ...], Executable] = {}


def _on_records_query(principal: Principal) -> Executable:
    key = access.shape(principal, pilot=())
    found = _ON_RECORDS.get(key)
    if found is None:
        # Plain rows of the columns needed, not ORM objects.
        query = (
            select(
                NoticeSubject.record_id,
                Notice.id,
                Notice.reference,
                Notice.kind,
                Notice.type,
                Notice.requesting_country,
                Record.kind,
            )
            .join(Notice, Notice.id == NoticeSubject.notice_id)
            .join(Record, Record.id == NoticeSubject.record_id)
            .where(
                NoticeSubject.record_id.in_(bindparam("record_ids", expanding=True)),
                Notice.status.in_([s.value for s in LIVE]),
                Notice.type.in_(
                    [t.value for t in SCREENED_TYPES] + [t.value for t in DiffusionType]
                ),
                access.visible_filter(principal, pilot=()),
            )
            .order_by(Notice.id)
        )
        if len(_ON_RECORDS) >= 4096:
            _ON_RECORDS.clear()
        _ON_RECORDS[key] = found = query
    return found


def on_records(
    session: Session, *, principal: Principal, record_ids: Collection[int]
) -> dict[int, list[ScreeningNotice]]:
    """The live notices and diffusions the principal sees on each matched record: read at the
    moment of the check, so that a cancelled, withdrawn or expired one is gone at once. (Silver
    notices never enter screening, so the pilot's countries play no part here.)"""
    if not record_ids:
        return {}
    rows = session.execute(_on_records_query(principal), {"record_ids": sorted(record_ids)}).all()
    if not rows:
        return {}
    countries = {row[5] for row in rows if row[5]}
    ncbs = {
        a.country: a
        for a in session.scalars(
            select(Agency).where(
                Agency.kind == AgencyKind.NCB.value, Agency.country.in_(sorted(countries))
            )
        )
    }
    found: dict[int, list[ScreeningNotice]] = {}
    for record_id, notice_id, notice_reference, kind, type_, country, record_kind in rows:
        # Purple and orange notices enter screening through the objects they name.
        if type_ in (NoticeType.PURPLE, NoticeType.ORANGE) and record_kind not in OBJECT_KINDS:
            continue
        ncb = ncbs.get(country or "")
        found.setdefault(record_id, []).append(
            ScreeningNotice(
                notice_id,
                notice_reference,
                kind,
                type_,
                _asks(kind, type_),
                country,
                ncb.code if ncb else None,
                ncb.name if ncb else None,
            )
        )
    return found


# ---------------------------------------------------------------- the public extracts

# The fields a public extract shows, by kind: nothing else of the notice leaves the network.
PUBLIC_FIELDS: dict[NoticeType, tuple[str, ...]] = {
    NoticeType.RED: (
        "reference",
        "name",
        "forenames",
        "sex",
        "date_of_birth",
        "place_of_birth",
        "nationalities",
        "charges",
        "wanted_by",
        "published_on",
    ),
    NoticeType.YELLOW: (
        "reference",
        "name",
        "forenames",
        "sex",
        "date_of_birth",
        "place_of_birth",
        "nationalities",
        "missing_since",
        "missing_from",
        "published_on",
    ),
    NoticeType.UN: (
        "reference",
        "name",
        "forenames",
        "date_of_birth",
        "nationalities",
        "committee",
        "un_reference",
        "measures",
        "listed_on",
        "published_on",
    ),
}


# Scripts whose names are written family name first (Chinese, Japanese, Korean).
FAMILY_FIRST_SCRIPTS = frozenset({"Hani", "Hang", "Hira", "Kana"})


def _split_name(value: str) -> tuple[str, str | None]:
    """The family name and the forenames of a name as written: family name first in Chinese,
    Japanese and Korean (a Korean name written without a space: its first syllable), last
    elsewhere."""
    from bluebridge.records.kinds.persons import detect_script

    parts = value.split()
    if detect_script(value) in FAMILY_FIRST_SCRIPTS:
        if len(parts) >= 2:
            return parts[0], " ".join(parts[1:])
        if detect_script(value) == "Hang" and len(value) in (2, 3):
            return value[0], value[1:]
        return value, None
    if len(parts) < 2:
        return value, None
    return parts[-1], " ".join(parts[:-1])


def public_extract(notice: Notice, subject: Record | None) -> dict[str, Any]:
    """The public extract of one published notice: only its kind's public fields."""
    notice_type = NoticeType(notice.type)
    data = notice.content or {}
    payload = (subject.payload if subject is not None else None) or {}
    names = payload.get("names") or []
    primary = next((n["value"] for n in names if n.get("type") == "primary"), None)
    if primary is None and subject is not None and subject.kind == "organizations":
        primary = payload.get("name")
    family, forenames = _split_name(primary) if primary else (None, None)
    birth = payload.get("date_of_birth")
    values: dict[str, Any] = {
        "reference": notice.reference,
        "name": family,
        "forenames": forenames,
        "sex": payload.get("gender"),
        "date_of_birth": _iso_birth(birth),
        "place_of_birth": payload.get("place_of_birth"),
        "nationalities": payload.get("nationalities") or [],
        "charges": [o.get("description") for o in data.get("offences", []) if o.get("description")],
        "wanted_by": notice.requesting_country,
        "missing_since": (data.get("disappearance") or {}).get("date"),
        "missing_from": (data.get("disappearance") or {}).get("place"),
        "committee": (data.get("sanction") or {}).get("committee"),
        "un_reference": (data.get("sanction") or {}).get("reference"),
        "measures": (data.get("sanction") or {}).get("measures") or [],
        "listed_on": (data.get("sanction") or {}).get("listed_on"),
        "published_on": notice.published_at.date().isoformat() if notice.published_at else None,
    }
    return {name: values[name] for name in PUBLIC_FIELDS[notice_type]}


def _iso_birth(birth: Any) -> str | None:
    if not isinstance(birth, dict) or not birth.get("year"):
        return None
    parts = [f"{birth['year']:04d}"]
    if birth.get("month"):
        parts.append(f"{birth['month']:02d}")
        if birth.get("day"):
            parts.append(f"{birth['day']:02d}")
    return "-".join(parts)


def public_notices(
    session: Session, *, notice_type: str, page: int = 1, per_page: int = 20
) -> Page[dict[str, Any]]:
    """The published notices of a public kind whose requester consented, newest first."""
    if notice_type not in {t.value for t in PUBLIC_TYPES}:
        raise NotFound(f"no public list of {notice_type} notices")
    query = (
        select(Notice)
        .where(
            Notice.kind == Kind.NOTICE.value,
            Notice.type == notice_type,
            Notice.status == Status.PUBLISHED.value,
            Notice.public_extract.is_(True),
        )
        .order_by(Notice.published_at.desc(), Notice.id.desc())
    )
    result = paginate(session, query, page=page, per_page=min(per_page, 50))
    subject_ids = [
        next((s.record_id for s in n.subjects if s.role == SubjectRole.SUBJECT), None)
        for n in result.items
    ]
    records = {
        r.id: r
        for r in session.scalars(
            select(Record).where(
                Record.id.in_([i for i in subject_ids if i]), Record.status == "active"
            )
        )
    }
    items = [
        public_extract(n, records.get(i) if i else None)
        for n, i in zip(result.items, subject_ids, strict=True)
    ]
    return Page(items, result.page, result.per_page, result.total, result.total_exact)


def public_notice(session: Session, *, notice_type: str, reference: str) -> dict[str, Any]:
    """One public extract by reference (the same rule as the list)."""
    if notice_type not in {t.value for t in PUBLIC_TYPES}:
        raise NotFound(f"no public list of {notice_type} notices")
    notice = session.scalar(
        select(Notice).where(
            Notice.reference == reference,
            Notice.kind == Kind.NOTICE.value,
            Notice.type == notice_type,
            Notice.status == Status.PUBLISHED.value,
            Notice.public_extract.is_(True),
        )
    )
    if notice is None:
        raise NotFound(f"no public notice {reference}")
    subject_id = next((s.record_id for s in notice.subjects if s.role == SubjectRole.SUBJECT), None)
    subject = session.get(Record, subject_id) if subject_id else None
    if subject is not None and subject.status != "active":
        subject = None
    return public_extract(notice, subject)


def counts_by_state(
    session: Session, *, settings: Settings, principal: Principal
) -> dict[str, int]:
    """How many notices and diffusions the principal sees, by state."""
    rows = session.execute(
        select(Notice.status, func.count())
        .where(access.visible_filter(principal, pilot=_pilot(settings)))
        .group_by(Notice.status)
    ).all()
    return {str(status): int(count) for status, count in rows}
