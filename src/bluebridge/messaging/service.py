"""The use cases of the secure network: send a message (addressed to agencies, countries,
regions, all members or sharing groups, with copies to specialized units), read it (the read
receipt), the inbox and the sent box, search, verify a signature, export the envelope for
verification elsewhere, escalate an unread immediate message, answer an access request, and
manage sharing groups.

A message's subject, body, form fields and attachments are encrypted under a key of its own,
wrapped for each agency that may read it (the recipients and the sender); the sender's
Ed25519 signature covers the envelope, which binds the content by a salted digest. A
principal reads only messages addressed to its agency, or sent by it, and learns nothing of
any other, not even that it exists: absent and unseen read the same."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import filetype  # type: ignore[import-untyped]
from pydantic import ValidationError
from sqlalchemy import Select, func, insert, null, or_, select, update
from sqlalchemy.orm import Session

from bluebridge.access import records as record_access
from bluebridge.access.principal import Channel, Principal, PrincipalKind, RequestContext, Role
from bluebridge.access.records import AccessMode
from bluebridge.audit import service as audit
from bluebridge.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from bluebridge.members import reference
from bluebridge.members.models import Agency, AgencyKind
from bluebridge.messaging import crypto, keys
from bluebridge.messaging.events import EventBus, publish_after_commit
from bluebridge.messaging.forms import SYSTEM_FORMS, Form, parse
from bluebridge.messaging.models import (
    AgencyKey,
    Message,
    MessageAttachment,
    MessageKey,
    MessageRecipient,
    SharingGroup,
    SharingGroupMember,
)
from bluebridge.records.kinds.base import HandlingCode
from bluebridge.records.models import Record, RecordAgencyGrant
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page
from bluebridge.text import has_control_characters

PRIORITIES = ("routine", "urgent", "immediate")
REFERENCE_TYPES = ("record", "notice", "hit", "case", "message", "payment_case", "payment_leg")
SENDER_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.BORDER_OFFICER, Role.ANALYST)
MAX_BODY = 100_000
MAX_ATTACHMENTS = 10
SEARCHED = 2_000  # the newest messages of an inbox a search decrypts and reads
SYSTEM_SENDER = "network"
ENVELOPE_FORMAT = "bluebridge-message/1"  # what a signature is over: a message, nothing else


@dataclass(frozen=True, slots=True)
class Address:
    """Whom a message goes to."""

    agencies: tuple[str, ...] = ()  # agency codes
    countries: tuple[str, ...] = ()  # the country's NCB
    regions: tuple[str, ...] = ()  # every NCB of the region
    all_members: bool = False  # every NCB
    groups: tuple[str, ...] = ()  # sharing group codes
    copies: tuple[str, ...] = ()  # agency codes in copy (specialized units)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Draft:
    subject: str
    body: str
    address: Address
    priority: str = "routine"
    form: str = Form.FREE.value
    form_data: dict[str, Any] | None = None
    handling_codes: tuple[str, ...] = ()
    references: tuple[tuple[str, int], ...] = ()
    attachments: tuple[Attachment, ...] = ()
    in_reply_to: int | None = None


def may_send(principal: Principal) -> bool:
    return principal.is_operator or principal.has_role(*SENDER_ROLES)


def _text(problems: list[FieldProblem], name: str, value: str, low: int, high: int) -> str:
    value = value.strip()
    if not low <= len(value) <= high:
        problems.append(FieldProblem(name, f"write {low} to {high} characters"))
    elif has_control_characters(value.translate({9: None, 10: None, 13: None})):
        problems.append(FieldProblem(name, "must not contain control characters"))
    return value


CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,39}")  # agency and sharing group codes


def _code(value: str) -> str | None:
    """A code as typed, normalised; None when it cannot be one (nothing else is looked up)."""
    code = value.strip().upper()
    return code if CODE.fullmatch(code) else None


def _group(session: Session, value: str) -> SharingGroup | None:
    code = _code(value)
    if code is None:
        return None
    return session.scalar(select(SharingGroup).where(SharingGroup.code == code))


class Directory:
    """The agencies a batch of messages is addressed to, each looked up once: by code, and
    each country's NCB."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._by_code: dict[str, Agency | None] = {}
        self._ncb_of: dict[str, Agency | None] = {}

    def by_code(self, codes: Iterable[str]) -> dict[str, Agency]:
        wanted = {code for c in codes if (code := _code(c)) is not None}
        missing = sorted(wanted - self._by_code.keys())
        if missing:
            self._by_code.update(dict.fromkeys(missing))
            for agency in self.session.scalars(
                select(Agency).where(Agency.code.in_(missing), Agency.active.is_(True))
            ):
                self._by_code[agency.code] = agency
        return {c: a for c in wanted if (a := self._by_code.get(c)) is not None}

    def ncbs(self, countries: Iterable[str]) -> dict[str, Agency]:
        wanted = set(countries)
        missing = sorted(wanted - self._ncb_of.keys())
        if missing:
            self._ncb_of.update(dict.fromkeys(missing))
            for agency in self.session.scalars(
                select(Agency).where(
                    Agency.kind == AgencyKind.NCB.value,
                    Agency.country.in_(missing),
                    Agency.active.is_(True),
                )
            ):
                if agency.country:
                    self._ncb_of[agency.country] = agency
        return {c: a for c in wanted if (a := self._ncb_of.get(c)) is not None}


def _agencies_by_code(session: Session, codes: Iterable[str]) -> dict[str, Agency]:
    return Directory(session).by_code(codes)


def _ncbs(session: Session, countries: Iterable[str]) -> dict[str, Agency]:
    return Directory(session).ncbs(countries)


def resolve(
    session: Session,
    principal: Principal,
    address: Address,
    directory: Directory | None = None,
) -> tuple[dict[int, str], list[FieldProblem]]:
    """The agencies a message goes to (id → "to" or "cc"), and the problems of the address."""
    directory = directory or Directory(session)
    problems: list[FieldProblem] = []
    chosen: dict[int, str] = {}
    found = directory.by_code(address.agencies)
    for i, code in enumerate(address.agencies):
        agency = found.get(code.strip().upper())
        if agency is None:
            problems.append(
                FieldProblem(f"address.agencies.{i}", "no active agency with this code")
            )
        else:
            chosen[agency.id] = "to"
    named: list[tuple[int, str]] = []  # (position, alpha-3) of the countries named
    for i, code in enumerate(address.countries):
        try:
            alpha3 = reference.resolve_country_code(code).alpha3
        except reference.UnknownCountryCode:
            alpha3 = None
        if alpha3 is None:
            problems.append(FieldProblem(f"address.countries.{i}", "not a member country"))
        else:
            named.append((i, alpha3))
    countries = [alpha3 for _, alpha3 in named]
    members = reference.member_countries()
    for i, region in enumerate(address.regions):
        inside = [m.alpha3 for m in members if m.region.value == region]
        if not inside:
            problems.append(FieldProblem(f"address.regions.{i}", "not one of the five regions"))
        countries.extend(inside)
    if address.all_members:
        countries.extend(m.alpha3 for m in members)
    if countries:
        ncbs = directory.ncbs(countries)
        for i, alpha3 in named:
            if alpha3 not in ncbs:
                problems.append(FieldProblem(f"address.countries.{i}", "this country has no NCB"))
        for agency in ncbs.values():
            chosen.setdefault(agency.id, "to")
    for i, code in enumerate(address.groups):
        group = _group(session, code)
        if group is None or not _may_use_group(principal, group):
            problems.append(
                FieldProblem(f"address.groups.{i}", "no sharing group with this code you belong to")
            )
            continue
        for member in group.members:
            chosen.setdefault(member.agency_id, "to")
    copies = directory.by_code(address.copies)
    for i, code in enumerate(address.copies):
        agency = copies.get(code.strip().upper())
        if agency is None:
            problems.append(FieldProblem(f"address.copies.{i}", "no active agency with this code"))
        else:
            chosen.setdefault(agency.id, "cc")
    if principal.agency_id is not None:
        chosen.pop(principal.agency_id, None)
    if not chosen and not problems:
        problems.append(
            FieldProblem(
                "address", "name at least one agency, country, region, group or all members"
            )
        )
    return chosen, problems


def _may_use_group(principal: Principal, group: SharingGroup) -> bool:
    return (
        principal.is_operator
        or group.owner_agency_id == principal.agency_id
        or any(m.agency_id == principal.agency_id for m in group.members)
    )


def _references(
    session: Session, principal: Principal, references: Sequence[tuple[str, int]]
) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    problems = []
    out = []
    for i, (kind, ref_id) in enumerate(references):
        if kind not in REFERENCE_TYPES:
            problems.append(
                FieldProblem(f"references.{i}.type", f"one of: {', '.join(REFERENCE_TYPES)}")
            )
            continue
        if not 1 <= ref_id <= 2**53:
            problems.append(FieldProblem(f"references.{i}.id", "not a reference"))
            continue
        if kind == "record":
            record = session.get(Record, ref_id)
            # A sender names only what it may see; a hit-only record by its reference alone.
            if record is None or (
                record_access.sight(principal, record) is record_access.Sight.NONE
                and record.access_mode != AccessMode.HIT_ONLY.value
            ):
                problems.append(
                    FieldProblem(f"references.{i}.id", f"no record {ref_id} you can name")
                )
                continue
        out.append({"type": kind, "id": ref_id})
    return out, problems


def check_attachments(
    settings: Settings, attachments: Sequence[Attachment]
) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    problems = []
    described = []
    if len(attachments) > MAX_ATTACHMENTS:
        problems.append(FieldProblem("attachments", f"at most {MAX_ATTACHMENTS} files"))
        return [], problems
    for i, item in enumerate(attachments):
        name = item.filename.strip().replace("\\", "/").rsplit("/", 1)[-1][:200]
        if not name or has_control_characters(name):
            problems.append(FieldProblem(f"attachments.{i}.filename", "give the file a name"))
            continue
        if len(item.data) > settings.message_attachment_max_bytes:
            problems.append(
                FieldProblem(
                    f"attachments.{i}",
                    f"larger than {settings.message_attachment_max_bytes:,} bytes",
                )
            )
            continue
        media = media_type(item.data, name)
        if media not in settings.message_attachment_types:
            problems.append(
                FieldProblem(
                    f"attachments.{i}",
                    f"its content is {media or 'of no known type'}, which is not allowed "
                    f"(allowed: {', '.join(settings.message_attachment_types)})",
                )
            )
            continue
        described.append({"name": name, "type": media, "size": len(item.data)})
    return described, problems


def media_type(data: bytes, name: str) -> str | None:
    """The media type read from the content (magic numbers; text when it is UTF-8 without
    NUL), never from the name, which only tells CSV from other text."""
    guessed = filetype.guess_mime(data)
    if guessed:
        return str(guessed)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return "text/csv" if name.lower().endswith(".csv") else "text/plain"


def _associated(uid: str, part: str) -> bytes:
    return f"bluebridge-message:{uid}:{part}".encode()


@dataclass
class _Checked:
    """A draft found whole: what `_prepare` encrypts, signs and stores."""

    subject: str
    body: str
    priority: str
    form: Form
    form_fields: dict[str, Any]
    codes: list[str]
    references: list[dict[str, Any]]
    described: list[dict[str, Any]]
    attachments: list[bytes]
    parent: Message | None
    recipients: dict[int, str]


def _check(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    sender_id: int,
    draft: Draft,
    directory: Directory,
    prefix: str = "",
    system: bool = False,
) -> tuple[_Checked | None, list[FieldProblem]]:
    """One draft checked whole: every problem at once, each named by field (after `prefix`)."""
    problems: list[FieldProblem] = []
    subject = _text(problems, "subject", draft.subject, 1, 300)
    body = _text(problems, "body", draft.body, 0, MAX_BODY)
    if draft.priority not in PRIORITIES:
        problems.append(FieldProblem("priority", f"one of: {', '.join(PRIORITIES)}"))
    try:
        form = Form(draft.form)
    except ValueError:
        problems.append(FieldProblem("form", f"one of: {', '.join(f.value for f in Form)}"))
        form = Form.FREE
    if form in SYSTEM_FORMS and not system:
        problems.append(FieldProblem("form", "this form is filled in by the platform only"))
        form = Form.FREE
    form_fields: dict[str, Any] = {}
    try:
        form_fields = parse(form, draft.form_data)
    except ValidationError as exc:
        problems += [
            FieldProblem(
                ".".join(["form_data", *(str(p) for p in e["loc"])]),
                e["msg"].removeprefix("Value error, "),
            )
            for e in exc.errors()
        ]
    codes = list(draft.handling_codes)
    allowed_codes = {c.value for c in HandlingCode}
    for i, code in enumerate(codes):
        if code not in allowed_codes:
            problems.append(
                FieldProblem(f"handling_codes.{i}", f"one of: {', '.join(sorted(allowed_codes))}")
            )
    references, reference_problems = _references(session, principal, draft.references)
    problems += reference_problems
    described, attachment_problems = check_attachments(settings, draft.attachments)
    problems += attachment_problems
    parent = None
    if draft.in_reply_to is not None:
        parent = _readable(session, principal, draft.in_reply_to, sender_id)
        if parent is None:
            problems.append(
                FieldProblem("in_reply_to", f"no message {draft.in_reply_to} you can read")
            )
    recipients: dict[int, str] = {}
    if form is not Form.ACCESS_REQUEST:
        recipients, address_problems = resolve(session, principal, draft.address, directory)
        problems += address_problems
    if form is Form.ACCESS_REQUEST and not problems:
        # It goes to the NCB of the record's country: the contact screening already named.
        deciding = _deciding_agency(session, int(form_fields["record_id"]))
        if deciding is None:
            problems.append(
                FieldProblem("form_data.record_id", f"no record {form_fields['record_id']}")
            )
        else:
            recipients = {deciding: "to"}
            reference = {"type": "record", "id": int(form_fields["record_id"])}
            if reference not in references:
                references.append(reference)
    if form is Form.ACCESS_DECISION and not problems:
        problems += _decision_problems(session, sender_id, parent)
    if problems:
        return None, [FieldProblem(prefix + p.field, p.reason) for p in problems]
    checked = _Checked(
        subject=subject,
        body=body,
        priority=draft.priority,
        form=form,
        form_fields=form_fields,
        codes=codes,
        references=references,
        described=described,
        attachments=[a.data for a in draft.attachments],
        parent=parent,
        recipients=recipients,
    )
    return checked, []


def send(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    bus: EventBus | None,
    draft: Draft,
    sender_agency_id: int | None = None,
) -> Message:
    """Send a message: check it whole (every problem at once), encrypt it for its readers,
    sign it, deliver it to every recipient's inbox and tell them live after the commit."""
    return send_many(
        session,
        settings=settings,
        principal=principal,
        bus=bus,
        drafts=[draft],
        sender_agency_id=sender_agency_id,
        numbered=False,
    )[0]


MAX_BATCH = 500  # messages sent in one request


def send_many(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    bus: EventBus | None,
    drafts: Sequence[Draft],
    sender_agency_id: int | None = None,
    numbered: bool = True,
    system: bool = False,
) -> list[Message]:
    """Send several messages in one transaction, all or none: a problem in any draft is named
    `messages.<n>.<field>` and nothing is sent. Agencies, keys and the sender's private key
    are looked up once for the batch."""
    if not may_send(principal):
        raise PermissionDenied(
            "sending messages needs the officer, supervisor, border officer or analyst role"
        )
    sender_id = sender_agency_id or principal.agency_id
    if sender_id is None:
        raise InvalidInput.on("sender", "the operator sends for an agency: name it")
    sender = session.get(Agency, sender_id)
    if sender is None:
        raise NotFound(f"no agency {sender_id}")
    if not 1 <= len(drafts) <= MAX_BATCH:
        raise InvalidInput.on("messages", f"send 1 to {MAX_BATCH} messages at once")
    directory = Directory(session)
    problems: list[FieldProblem] = []
    checked: list[_Checked] = []
    for n, draft in enumerate(drafts):
        one, found = _check(
            session,
            settings=settings,
            principal=principal,
            sender_id=sender_id,
            draft=draft,
            directory=directory,
            prefix=f"messages.{n}." if numbered else "",
            system=system,
        )
        problems += found
        if one is not None:
            checked.append(one)
    if problems:
        raise InvalidInput(
            "the message cannot be sent" if not numbered else "the messages cannot be sent",
            problems,
        )
    agency_ids = sorted({a for c in checked for a in c.recipients} | {sender_id})
    agencies = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))}
    agency_keys = keys.active_keys(session, settings, agency_ids)
    signing_private = crypto.signing_key(keys.private(settings, agency_keys[sender_id]).signing)
    prepared = [
        _prepare(
            principal=principal,
            sender=sender,
            agencies=agencies,
            agency_keys=agency_keys,
            signing_private=signing_private,
            recipients=c.recipients,
            subject=c.subject,
            body=c.body,
            priority=c.priority,
            form=c.form,
            form_fields=c.form_fields,
            described=c.described,
            attachments=c.attachments,
            codes=c.codes,
            references=c.references,
            parent=c.parent,
        )
        for c in checked
    ]
    messages = _store(session, bus=bus, prepared=prepared)
    for c, message in zip(checked, messages, strict=True):
        if (
            c.form is Form.ACCESS_DECISION
            and c.parent is not None
            and c.form_fields["decision"] == "grant"
        ):
            _grant(session, principal, c.parent, c.form_fields, message, message.sent_at)
    return messages


@dataclass
class _Prepared:
    """A message encrypted and signed, not yet stored, as the plain values of its row and of
    its recipients' rows; its content key is wrapped for each reading agency once the message
    has its id."""

    principal: Principal  # who sends it, for the audit
    values: dict[str, Any]  # the message's columns but its id
    recipients: list[dict[str, Any]]  # its recipients' columns but the message's id
    content_key: bytes
    wrapped_for: list[tuple[int, AgencyKey]]
    attachment_blobs: list[tuple[int, bytes]]  # (size, sealed)
    recipient_codes: list[str]
    sender_country: str | None
    described: int


def _prepare(
    *,
    principal: Principal,
    sender: Agency,
    recipients: dict[int, str],
    agencies: dict[int, Agency],
    agency_keys: dict[int, AgencyKey],
    signing_private: bytes | Any,  # the raw key, or one loaded by crypto.signing_key
    subject: str,
    body: str,
    priority: str,
    form: Form,
    form_fields: dict[str, Any],
    described: list[dict[str, Any]],
    attachments: list[bytes],
    codes: list[str],
    references: list[dict[str, Any]],
    parent: Message | None,
    hit_id: int | None = None,
) -> _Prepared:
    """Encrypt a checked message for its readers and sign it."""
    sender_id = sender.id
    agency_ids = sorted(set(recipients) | {sender_id})
    now = utcnow()
    uid = uuid.uuid4().hex
    salt = secrets.token_hex(16)
    content = {
        "subject": subject,
        "body": body,
        "form": form_fields,
        "attachments": described,
        "salt": salt,
    }
    plaintext = crypto.canonical(content)
    content_key, blob = crypto.encrypt_content(
        plaintext, associated_data=_associated(uid, "content")
    )
    attachment_blobs = []
    digests = []
    for position, data in enumerate(attachments):
        _, sealed = crypto.encrypt_content(
            data,
            associated_data=_associated(uid, f"attachment:{position}"),
            content_key=content_key,
        )
        attachment_blobs.append((len(data), sealed))
        digests.append(crypto.content_digest(salt.encode() + data))
    thread_uid = (
        parent.envelope.get("thread", parent.envelope["uid"]) if parent is not None else uid
    )
    envelope = {
        "format": ENVELOPE_FORMAT,
        "uid": uid,
        "sender": sender.code,
        "sender_key": crypto.fingerprint(agency_keys[sender_id].signing_public),
        "sent_at": now.isoformat(),
        "priority": priority,
        "form": form.value,
        "handling_codes": sorted(codes),
        "references": references,
        "to": sorted(agencies[a].code for a, role in recipients.items() if role == "to"),
        "cc": sorted(agencies[a].code for a, role in recipients.items() if role == "cc"),
        "thread": thread_uid,
        "in_reply_to": parent.envelope["uid"] if parent is not None else None,
        "content": crypto.content_digest(plaintext),
        "attachments": digests,
    }
    signature = crypto.sign(signing_private, envelope)
    values = {
        "thread_id": (parent.thread_id or parent.id) if parent is not None else None,
        "in_reply_to_id": parent.id if parent is not None else None,
        "sender_agency_id": sender_id,
        "sender_country": sender.country,
        "sender_name": principal.name,
        "priority": priority,
        "form": form.value,
        "handling_codes": sorted(codes),
        "references": references,
        "hit_id": hit_id,
        "sent_at": now,
        "content": blob,
        "envelope": envelope,
        "signature": signature,
        "signing_key_id": agency_keys[sender_id].id,
    }
    return _Prepared(
        principal=principal,
        values=values,
        recipients=[
            {"agency_id": a, "role": role, "priority": priority, "delivered_at": now}
            for a, role in sorted(recipients.items())
        ],
        content_key=content_key,
        wrapped_for=[(a, agency_keys[a]) for a in agency_ids],
        attachment_blobs=attachment_blobs,
        recipient_codes=[agencies[a].code for a in recipients],
        sender_country=sender.country,
        described=len(described),
    )


def _store(
    session: Session,
    *,
    bus: EventBus | None,
    prepared: Sequence[_Prepared],
) -> list[Message]:
    """Store prepared messages in one flush, wrap their keys, audit each, and tell their
    recipients after the commit; the messages, as objects of the session."""
    messages = []
    for p in prepared:
        message = Message(**p.values)
        message.recipients = [MessageRecipient(**r) for r in p.recipients]
        messages.append(message)
    session.add_all(messages)
    session.flush()
    for message in messages:
        if message.thread_id is None:
            message.thread_id = message.id
    _seal_and_tell(session, bus, prepared, [m.id for m in messages])
    return messages


def _store_rows(session: Session, *, bus: EventBus | None, prepared: Sequence[_Prepared]) -> int:
    """Store prepared messages as rows, a statement a table (no objects of the session: for
    the many messages the network sends itself, such as hits'); the number stored."""
    if not prepared:
        return 0
    connection = session.connection()
    ids = list(
        connection.scalars(
            insert(Message).returning(Message.id, sort_by_parameter_order=True),
            [p.values for p in prepared],
        )
    )
    new_threads = [i for i, p in zip(ids, prepared, strict=True) if p.values["thread_id"] is None]
    if new_threads:
        connection.execute(
            update(Message).where(Message.id.in_(new_threads)).values(thread_id=Message.id)
        )
    connection.execute(
        insert(MessageRecipient),
        [{**r, "message_id": i} for i, p in zip(ids, prepared, strict=True) for r in p.recipients],
    )
    _seal_and_tell(session, bus, prepared, ids)
    return len(ids)


def _seal_and_tell(
    session: Session, bus: EventBus | None, prepared: Sequence[_Prepared], ids: Sequence[int]
) -> None:
    """For stored messages: each reader's wrapped content key and the attachments, an audit
    event each, and the recipients told after the commit."""
    key_rows = []
    attachment_rows = []
    for p, message_id in zip(prepared, ids, strict=True):
        uid = p.values["envelope"]["uid"]
        priority = p.values["priority"]
        key_rows += [
            {
                "message_id": message_id,
                "agency_id": a,
                "key_id": key.id,
                "wrapped": crypto.wrap_key(
                    p.content_key, key.encryption_public, context=_associated(uid, f"key:{a}")
                ),
            }
            for a, key in p.wrapped_for
        ]
        attachment_rows += [
            {"message_id": message_id, "position": i, "size": size, "content": sealed}
            for i, (size, sealed) in enumerate(p.attachment_blobs)
        ]
        audit.record(
            session,
            principal=p.principal,
            action="message.send",
            object_type="message",
            object_id=message_id,
            object_country=p.sender_country,
            details={
                "priority": priority,
                "form": p.values["form"],
                "recipients": len(p.recipient_codes),
                "attachments": p.described,
            },
        )
        if bus is not None:
            for code in p.recipient_codes:
                publish_after_commit(
                    session,
                    bus,
                    f"inbox.{code}",
                    {"message_id": message_id, "priority": priority, "kind": "delivered"},
                )
    connection = session.connection()
    connection.execute(insert(MessageKey), key_rows)
    if attachment_rows:
        connection.execute(insert(MessageAttachment), attachment_rows)


def _deciding_agency(session: Session, record_id: int) -> int | None:
    """Who answers a request for access to a record: the NCB of its owning country (or the
    owning agency, for a record of no country)."""
    row = session.execute(
        select(Record.owner_agency_id, Record.owner_country).where(
            Record.id == record_id, Record.status == "active"
        )
    ).first()
    if row is None:
        return None
    owner, country = row
    if country:
        ncb = _ncbs(session, [country]).get(country)
        if ncb is not None:
            return int(ncb.id)
    return int(owner)


def _decision_problems(
    session: Session, sender_id: int, parent: Message | None
) -> list[FieldProblem]:
    if parent is None or parent.form != Form.ACCESS_REQUEST:
        return [FieldProblem("in_reply_to", "an access decision answers an access request")]
    record_id = int(_request_fields(session, parent).get("record_id") or 0)
    owner = session.scalar(select(Record.owner_agency_id).where(Record.id == record_id))
    if sender_id not in {owner, _deciding_agency(session, record_id)}:
        return [
            FieldProblem(
                "in_reply_to", "only the record's owner or its NCB decides on access to it"
            )
        ]
    return []


def _request_fields(session: Session, parent: Message) -> dict[str, Any]:
    references = {r["type"]: r["id"] for r in parent.references}
    return {"record_id": references.get("record")}


def _grant(
    session: Session,
    principal: Principal,
    request: Message,
    decision: dict[str, Any],
    answer: Message,
    now: dt.datetime,
) -> None:
    record_id = _request_fields(session, request)["record_id"]
    days = int(decision.get("days") or 30)
    grant = RecordAgencyGrant(
        record_id=record_id,
        agency_id=request.sender_agency_id,
        until=now + dt.timedelta(days=days),
        granted_by=principal.name,
        granted_at=now,
        message_id=answer.id,
    )
    session.add(grant)
    record = session.get(Record, record_id)
    audit.record(
        session,
        principal=principal,
        action="record.access_granted",
        object_type="record",
        object_id=record_id,
        object_country=record.owner_country if record else None,
        details={"agency_id": request.sender_agency_id, "days": days, "message": answer.id},
    )


# ---------------------------------------------------------------- reading


# Who, in a national agency that is not the NCB, also reads the NCB's messages: the NCB
# dispatches its country's traffic, and a unit's or border post's supervisor takes part.
NCB_READER_ROLES = (Role.SUPERVISOR,)


def _reader_agencies(session: Session, principal: Principal) -> list[int]:
    """The agencies whose messages the principal reads: its own, first; and its country's
    NCB's, for a supervisor of another agency of that country."""
    if principal.agency_id is None:
        return []
    agencies = [principal.agency_id]
    if (
        principal.country
        and principal.agency_kind != AgencyKind.NCB.value
        and principal.has_role(*NCB_READER_ROLES)
    ):
        ncb = Directory(session).ncbs([principal.country]).get(principal.country)
        if ncb is not None and ncb.id != principal.agency_id:
            agencies.append(ncb.id)
    return agencies


def reader_codes(session: Session, principal: Principal) -> list[str]:
    """The codes of the agencies whose inboxes the principal reads (their live subjects)."""
    ids = _reader_agencies(session, principal)
    if not ids:
        return []
    found = dict(session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(ids))).all())
    return [found[i] for i in ids if i in found]


def _reading_as(session: Session, principal: Principal, message: Message) -> int:
    """The agency the principal reads a message as: its own where it may, else its NCB."""
    agencies = _reader_agencies(session, principal)
    involved = {message.sender_agency_id, *(r.agency_id for r in message.recipients)}
    for agency_id in agencies:
        if agency_id in involved:
            return agency_id
    raise NotFound(f"no message {message.id}")


def visible(session: Session, principal: Principal) -> Any:
    """Messages addressed to the agencies the principal reads for, or sent by them."""
    agencies = _reader_agencies(session, principal)
    if not agencies:
        return Message.id.in_([])
    delivered = select(MessageRecipient.message_id).where(MessageRecipient.agency_id.in_(agencies))
    return or_(Message.id.in_(delivered), Message.sender_agency_id.in_(agencies))


def content_of(
    session: Session, *, settings: Settings, principal: Principal, message: Message
) -> dict[str, Any]:
    """A message's decrypted content (subject, body, form fields, attachments) for a principal
    who may read it, without a read receipt: for the domains that show what messages said
    (an I-GRIP case's tracing answers). Conflict when it was altered."""
    content, _, _ = _opened(session, settings, message, _reading_as(session, principal, message))
    return content


def _readable(
    session: Session, principal: Principal, message_id: int, agency_id: int | None = None
) -> Message | None:
    if not 1 <= message_id <= 2**53:
        return None
    agencies = [agency_id] if agency_id is not None else _reader_agencies(session, principal)
    message = session.get(Message, message_id)
    if message is None:
        return None
    if message.sender_agency_id in agencies or any(
        r.agency_id in agencies for r in message.recipients
    ):
        return message
    return None


@dataclass
class Verification:
    signature_valid: bool
    content_matches: bool | None  # None when the content was not read
    signer: str
    key: str

    @property
    def valid(self) -> bool:
        return self.signature_valid and self.content_matches is not False


@dataclass
class MessageView:
    message: Message
    subject: str
    body: str
    form_data: dict[str, Any]
    attachments: list[dict[str, Any]]
    verification: Verification
    sender: Agency | None
    recipients: list[tuple[MessageRecipient, Agency]] = field(default_factory=list)
    thread: list[Message] = field(default_factory=list)
    mine: bool = False  # the principal's agency sent it


def _content_key(session: Session, settings: Settings, message: Message, agency_id: int) -> bytes:
    row = session.get(MessageKey, (message.id, agency_id))
    if row is None:
        raise NotFound(f"no message {message.id}")
    key = session.get(AgencyKey, row.key_id)
    assert key is not None
    private = keys.private(settings, key)
    return crypto.unwrap_key(
        row.wrapped,
        private.encryption,
        context=_associated(message.envelope["uid"], f"key:{agency_id}"),
    )


def _open(
    session: Session, settings: Settings, message: Message, agency_id: int
) -> tuple[dict[str, Any], bytes, bytes]:
    content_key = _content_key(session, settings, message, agency_id)
    plaintext = crypto.decrypt_content(
        content_key,
        message.content,
        associated_data=_associated(message.envelope["uid"], "content"),
    )
    return json.loads(plaintext), plaintext, content_key


def _opened(
    session: Session, settings: Settings, message: Message, agency_id: int
) -> tuple[dict[str, Any], bytes, bytes]:
    """The content, or a refusal naming the message when it was altered after sending."""
    try:
        return _open(session, settings, message, agency_id)
    except crypto.CryptoError:
        raise Conflict(
            f"message {message.id} was altered after it was sent: its content does not decrypt"
        ) from None


def verify_message(session: Session, message: Message, plaintext: bytes | None) -> Verification:
    """Whether the sender's signature holds over the envelope, and the content matches it."""
    key = session.get(AgencyKey, message.signing_key_id)
    sender = session.get(Agency, message.sender_agency_id)
    valid = key is not None and crypto.verify(
        key.signing_public, message.envelope, message.signature
    )
    matches = None
    if plaintext is not None:
        matches = crypto.content_digest(plaintext) == message.envelope.get("content")
    return Verification(
        signature_valid=valid,
        content_matches=matches,
        signer=sender.code if sender else "?",
        key=crypto.fingerprint(key.signing_public) if key else "?",
    )


def read(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    bus: EventBus | None,
    message_id: int,
) -> MessageView:
    """One message, decrypted for the principal's agency; the first read by a recipient is
    its read receipt."""
    message = _readable(session, principal, message_id)
    if message is None:
        raise NotFound(f"no message {message_id}")
    agency_id = _reading_as(session, principal, message)
    content, plaintext, _ = _opened(session, settings, message, agency_id)
    verification = verify_message(session, message, plaintext)
    now = utcnow()
    mine = message.sender_agency_id == agency_id
    for recipient in message.recipients:
        if recipient.agency_id == agency_id and recipient.read_at is None:
            recipient.read_at = now
            recipient.read_by = principal.name
            if bus is not None:
                # The reader's counts change, and the sender's page may show the receipt.
                for told in {agency_id, message.sender_agency_id}:
                    agency = session.get(Agency, told)
                    publish_after_commit(
                        session,
                        bus,
                        f"inbox.{agency.code if agency else told}",
                        {"message_id": message.id, "priority": message.priority, "kind": "read"},
                    )
    audit.record(
        session,
        principal=principal,
        action="message.read",
        object_type="message",
        object_id=message.id,
        object_country=message.sender_country,
        details={"verified": verification.valid, "as": agency_id},
    )
    agencies = {
        a.id: a
        for a in session.scalars(
            select(Agency).where(
                Agency.id.in_(
                    [r.agency_id for r in message.recipients] + [message.sender_agency_id]
                )
            )
        )
    }
    thread = list(
        session.scalars(
            select(Message)
            .where(Message.thread_id == message.thread_id, visible(session, principal))
            .order_by(Message.sent_at, Message.id)
        )
    )
    return MessageView(
        message=message,
        subject=content["subject"],
        body=content["body"],
        form_data=content.get("form") or {},
        attachments=content.get("attachments") or [],
        verification=verification,
        sender=agencies.get(message.sender_agency_id),
        # The sender sees every recipient's receipt; a recipient sees who else it went to.
        recipients=[
            (r, agencies[r.agency_id]) for r in message.recipients if r.agency_id in agencies
        ],
        thread=thread,
        mine=mine,
    )


def attachment(
    session: Session, *, settings: Settings, principal: Principal, message_id: int, position: int
) -> tuple[str, str, bytes]:
    """One attachment of a message the principal reads: its name, type and content."""
    message = _readable(session, principal, message_id)
    if message is None:
        raise NotFound(f"no message {message_id}")
    content, _, content_key = _opened(
        session, settings, message, _reading_as(session, principal, message)
    )
    described = content.get("attachments") or []
    row = session.scalar(
        select(MessageAttachment).where(
            MessageAttachment.message_id == message.id, MessageAttachment.position == position
        )
    )
    if row is None or position >= len(described):
        raise NotFound(f"no attachment {position} of message {message_id}")
    try:
        data = crypto.decrypt_content(
            content_key,
            row.content,
            associated_data=_associated(message.envelope["uid"], f"attachment:{position}"),
        )
    except crypto.CryptoError:
        raise Conflict(f"attachment {position} of message {message.id} was altered") from None
    expected = message.envelope["attachments"][position]
    if not crypto.digest_matches(content["salt"].encode() + data, expected):
        raise Conflict(
            f"attachment {position} of message {message.id} does not match its signature"
        )
    audit.record(
        session,
        principal=principal,
        action="message.attachment",
        object_type="message",
        object_id=message.id,
        details={"position": position},
    )
    return described[position]["name"], described[position]["type"], data


@dataclass
class InboxItem:
    message: Message
    recipient: MessageRecipient | None  # None in the sent box
    subject: str
    sender_code: str


BOXES = ("inbox", "sent", "escalated")


def _inbox_query(
    session: Session,
    principal: Principal,
    *,
    box: str,
    priority: str | None,
    form: str | None,
    reference: tuple[str, int] | None,
    unread: bool,
) -> Select[Any]:
    agencies = _reader_agencies(session, principal)
    if box == "sent":
        query: Any = select(Message, null()).where(Message.sender_agency_id.in_(agencies or [-1]))
    else:
        query = (
            select(Message, MessageRecipient)
            .join(MessageRecipient, MessageRecipient.message_id == Message.id)
            .where(MessageRecipient.agency_id.in_(agencies or [-1]))
        )
        if unread:
            query = query.where(MessageRecipient.read_at.is_(None))
        if box == "escalated":
            # Reached by escalation (the NCB's copy), or the NCB's own delivery escalated.
            query = query.where(
                or_(MessageRecipient.role == "esc", MessageRecipient.escalated_at.is_not(None))
            )
    if priority:
        query = query.where(Message.priority == priority)
    if form:
        query = query.where(Message.form == form)
    ordered: Select[Any] = query.order_by(Message.sent_at.desc(), Message.id.desc())
    return ordered


def inbox(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    box: str = "inbox",
    priority: str | None = None,
    form: str | None = None,
    reference: tuple[str, int] | None = None,
    unread: bool = False,
    search: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[InboxItem]:
    """The messages delivered to the principal's agency (or sent by it), newest first; a
    search reads the subjects and bodies of the newest messages, decrypted for the agency."""
    problems = []
    if box not in BOXES:
        problems.append(FieldProblem("box", f"one of: {', '.join(BOXES)}"))
    if priority is not None and priority not in PRIORITIES:
        problems.append(FieldProblem("priority", f"one of: {', '.join(PRIORITIES)}"))
    if form is not None and form not in {f.value for f in Form}:
        problems.append(FieldProblem("form", f"one of: {', '.join(f.value for f in Form)}"))
    if reference is not None and reference[0] not in REFERENCE_TYPES:
        problems.append(FieldProblem("reference", f"a type among: {', '.join(REFERENCE_TYPES)}"))
    if search is not None and not 1 <= len(search.strip()) <= 200:
        problems.append(FieldProblem("q", "1 to 200 characters"))
    if problems:
        raise InvalidInput("the filters are not valid", problems)
    query = _inbox_query(
        session,
        principal,
        box=box,
        priority=priority,
        form=form,
        reference=reference,
        unread=unread,
    )
    codes: dict[int, str] = {}
    rows: list[tuple[Message, MessageRecipient | None]]
    total_exact = True
    if search or reference:
        # References and contents are matched in Python: the references are JSON, the contents
        # encrypted. A search reads at most the newest SEARCHED messages.
        candidates = session.execute(query.limit(SEARCHED)).all()
        needle = (search or "").strip().casefold()
        matched = []
        for message, recipient in candidates:
            if reference and {"type": reference[0], "id": reference[1]} not in message.references:
                continue
            subject = ""
            if needle:
                try:
                    content, _, _ = _open(session, settings, message, _as(message, recipient))
                except crypto.CryptoError:
                    continue  # an altered message matches no search
                subject = content["subject"]
                if needle not in (subject + "\n" + content["body"]).casefold():
                    continue
            matched.append((message, recipient))
        total = len(matched)
        total_exact = len(candidates) < SEARCHED
        start = (max(1, page) - 1) * per_page
        rows = matched[start : start + per_page]
        result_page, result_per_page = max(1, page), per_page
    else:
        counted = (
            session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
        )
        rows = [
            tuple(r)
            for r in session.execute(
                query.limit(per_page).offset((max(1, page) - 1) * per_page)
            ).all()
        ]
        total = counted
        result_page, result_per_page = max(1, page), per_page
    sender_ids = {m.sender_agency_id for m, _ in rows}
    if sender_ids:
        codes = dict(
            session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(sender_ids))).all()
        )
    items = []
    for message, recipient in rows:
        try:
            content, _, _ = _open(session, settings, message, _as(message, recipient))
        except crypto.CryptoError:
            content = {"subject": "(altered: does not decrypt)"}
        items.append(
            InboxItem(
                message, recipient, content["subject"], codes.get(message.sender_agency_id, "?")
            )
        )
    return Page(items, result_page, result_per_page, total, total_exact)


def _as(message: Message, recipient: MessageRecipient | None) -> int:
    """The agency an inbox row is read as: its recipient, or the sender in the sent box."""
    return recipient.agency_id if recipient is not None else message.sender_agency_id


def unread_counts(session: Session, *, principal: Principal) -> dict[str, int]:
    """Unread messages of the agencies the principal reads for, by priority (every priority
    named), and how many of them reached them by escalation."""
    counts = dict.fromkeys((*PRIORITIES, "escalated"), 0)
    agencies = _reader_agencies(session, principal)
    if not agencies:
        return counts
    escalated = or_(MessageRecipient.role == "esc", MessageRecipient.escalated_at.is_not(None))
    rows = session.execute(
        select(MessageRecipient.priority, escalated, func.count())
        .where(MessageRecipient.agency_id.in_(agencies), MessageRecipient.read_at.is_(None))
        .group_by(MessageRecipient.priority, escalated)
    ).all()
    for priority, was_escalated, count in rows:
        counts[str(priority)] += int(count)
        if was_escalated:
            counts["escalated"] += int(count)
    return counts


def verify(
    session: Session, *, settings: Settings, principal: Principal, message_id: int
) -> Verification:
    """Check a message the principal reads: the signature, and its content against it."""
    message = _readable(session, principal, message_id)
    if message is None and not principal.is_operator:
        raise NotFound(f"no message {message_id}")
    if message is None:
        message = session.get(Message, message_id) if 1 <= message_id <= 2**53 else None
        if message is None:
            raise NotFound(f"no message {message_id}")
        # The operator checks the signature without reading the content.
        return verify_message(session, message, None)
    try:
        _, plaintext, _ = _open(
            session, settings, message, _reading_as(session, principal, message)
        )
    except crypto.CryptoError:
        checked = verify_message(session, message, None)
        checked.content_matches = False
        return checked
    return verify_message(session, message, plaintext)


def export(
    session: Session, *, settings: Settings, principal: Principal, message_id: int
) -> dict[str, Any]:
    """The signed envelope with the content and the signer's public key: enough for a recipient
    to verify the message elsewhere, with `verify_export` alone."""
    message = _readable(session, principal, message_id)
    if message is None:
        raise NotFound(f"no message {message_id}")
    _content, plaintext, _ = _opened(
        session, settings, message, _reading_as(session, principal, message)
    )
    key = session.get(AgencyKey, message.signing_key_id)
    assert key is not None
    audit.record(
        session,
        principal=principal,
        action="message.export",
        object_type="message",
        object_id=message.id,
    )
    return {
        "format": ENVELOPE_FORMAT,
        "envelope": message.envelope,
        "signature": base64.b64encode(message.signature).decode(),
        "signing_public_key": base64.b64encode(key.signing_public).decode(),
        "content": plaintext.decode("utf-8"),
    }


def verify_export(exported: dict[str, Any]) -> Verification:
    """Verify an exported message with nothing but itself (and, to trust the key, the signer's
    fingerprint learnt elsewhere)."""
    try:
        envelope = exported["envelope"]
        signature = base64.b64decode(exported["signature"], validate=True)
        public = base64.b64decode(exported["signing_public_key"], validate=True)
        content = str(exported["content"]).encode("utf-8")
    except (KeyError, TypeError, ValueError):
        return Verification(False, None, "?", "?")
    valid = isinstance(envelope, dict) and crypto.verify(public, envelope, signature)
    matches = (
        crypto.content_digest(content) == envelope.get("content")
        if isinstance(envelope, dict)
        else False
    )
    fingerprint = crypto.fingerprint(public)
    if isinstance(envelope, dict) and envelope.get("sender_key") != fingerprint:
        valid = False
    return Verification(
        valid,
        matches,
        str(envelope.get("sender", "?")) if isinstance(envelope, dict) else "?",
        fingerprint,
    )


# ---------------------------------------------------------------- escalation


def escalate(
    session: Session, *, settings: Settings, bus: EventBus | None, now: dt.datetime | None = None
) -> int:
    """Escalate immediate messages unread for longer than the setting: to the recipient
    country's NCB (it receives the message too, its key wrapped for it) and, live, to its
    supervisors. Each is escalated once."""
    now = now or utcnow()
    limit = now - dt.timedelta(minutes=settings.message_escalation_minutes)
    due = session.scalars(
        select(MessageRecipient)
        .where(
            MessageRecipient.priority == "immediate",
            MessageRecipient.read_at.is_(None),
            MessageRecipient.escalated_at.is_(None),
            MessageRecipient.delivered_at <= limit,
        )
        # Several workers run the job: each row is taken by one (PostgreSQL; SQLite writes
        # one at a time anyway).
        .with_for_update(skip_locked=True)
    ).all()
    for recipient in due:
        recipient.escalated_at = now
        message = session.get(Message, recipient.message_id)
        agency = session.get(Agency, recipient.agency_id)
        if message is None or agency is None:
            continue
        ncb = (
            agency
            if agency.kind == AgencyKind.NCB.value
            else (_ncbs(session, [agency.country]).get(agency.country) if agency.country else None)
        )
        if (
            ncb is not None
            and ncb.id != agency.id
            and not any(r.agency_id == ncb.id for r in message.recipients)
        ):
            _add_reader(session, settings, message, ncb.id, role="esc", now=now)
        audit.record(
            session,
            context=_system_context(),
            actor_name=SYSTEM_SENDER,
            action="message.escalate",
            object_type="message",
            object_id=message.id,
            object_country=agency.country,
            details={"agency": agency.code, "to": ncb.code if ncb else None},
        )
        if bus is not None and ncb is not None:
            publish_after_commit(
                session,
                bus,
                f"inbox.{ncb.code}",
                {
                    "message_id": message.id,
                    "priority": "immediate",
                    "kind": "escalated",
                    "agency": agency.code,
                },
            )
    return len(due)


def _system_context() -> Any:
    from bluebridge.access.principal import Channel, RequestContext

    return RequestContext(channel=Channel.SYSTEM)


def _add_reader(
    session: Session,
    settings: Settings,
    message: Message,
    agency_id: int,
    *,
    role: str,
    now: dt.datetime,
) -> None:
    """Let one more agency read a message: the content key, unwrapped with the sender's own
    copy, wrapped again for it."""
    content_key = _content_key(session, settings, message, message.sender_agency_id)
    key = keys.active_keys(session, settings, [agency_id])[agency_id]
    session.add(
        MessageKey(
            message_id=message.id,
            agency_id=agency_id,
            key_id=key.id,
            wrapped=crypto.wrap_key(
                content_key,
                key.encryption_public,
                context=_associated(message.envelope["uid"], f"key:{agency_id}"),
            ),
        )
    )
    message.recipients.append(
        MessageRecipient(
            agency_id=agency_id, role=role, priority=message.priority, delivered_at=now
        )
    )


# ---------------------------------------------------------------- sharing groups


def create_group(
    session: Session, *, principal: Principal, code: str, name: str, members: Sequence[str]
) -> SharingGroup:
    """A sharing group the principal's agency owns (it is a member)."""
    if principal.agency_id is None or not principal.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise PermissionDenied("a sharing group is made by an agency's supervisor or administrator")
    problems = []
    code = code.strip().upper()

    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{1,39}", code):
        problems.append(FieldProblem("code", "2-40 capital letters, digits and hyphens"))
    name = _text(problems, "name", name, 1, 200)
    found = _agencies_by_code(session, members)
    ids = {principal.agency_id}
    for i, member in enumerate(members):
        agency = found.get(member.strip().upper())
        if agency is None:
            problems.append(FieldProblem(f"members.{i}", "no active agency with this code"))
        else:
            ids.add(agency.id)
    if not problems and _group(session, code) is not None:
        problems.append(FieldProblem("code", "already in use"))
    if problems:
        raise InvalidInput("the group cannot be made", problems)
    group = SharingGroup(
        code=code, name=name, owner_agency_id=principal.agency_id, created_by=principal.name
    )
    group.members = [SharingGroupMember(agency_id=a) for a in sorted(ids)]
    session.add(group)
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="sharing_group.create",
        object_type="sharing_group",
        object_id=group.id,
        details={"code": code, "members": len(ids)},
    )
    return group


def set_group_members(
    session: Session, *, principal: Principal, code: str, members: Sequence[str]
) -> SharingGroup:
    """The owner replaces a group's members (its own agency stays in)."""
    group = _group(session, code)
    if group is None or not _may_use_group(principal, group):
        raise NotFound(f"no sharing group {code}")
    if group.owner_agency_id != principal.agency_id and not principal.is_operator:
        raise PermissionDenied("only the group's owner changes its members")
    found = _agencies_by_code(session, members)
    problems = [
        FieldProblem(f"members.{i}", "no active agency with this code")
        for i, m in enumerate(members)
        if m.strip().upper() not in found
    ]
    if problems:
        raise InvalidInput("the members are not valid", problems)
    ids = {a.id for a in found.values()} | {group.owner_agency_id}
    group.members = [SharingGroupMember(agency_id=a) for a in sorted(ids)]
    audit.record(
        session,
        principal=principal,
        action="sharing_group.members",
        object_type="sharing_group",
        object_id=group.id,
        details={"members": len(ids)},
    )
    return group


def groups_of(session: Session, *, principal: Principal) -> list[SharingGroup]:
    """The sharing groups the principal's agency belongs to."""
    if principal.agency_id is None:
        return []
    member_of = select(SharingGroupMember.group_id).where(
        SharingGroupMember.agency_id == principal.agency_id
    )
    return list(
        session.scalars(
            select(SharingGroup).where(SharingGroup.id.in_(member_of)).order_by(SharingGroup.code)
        )
    )


__all__ = [
    "Address",
    "Attachment",
    "Draft",
    "InboxItem",
    "MessageView",
    "Verification",
    "content_of",
    "escalate",
    "export",
    "inbox",
    "read",
    "reader_codes",
    "send",
    "send_many",
    "unread_counts",
    "verify",
    "verify_export",
    "visible",
]


# ---------------------------------------------------------------- hits


@dataclass(frozen=True, slots=True)
class HitNote:
    """One screening hit to tell the owner of the record hit about, and who made it: the
    screening agency sends the message, in the name of the officer or system that screened."""

    hit_id: int
    record_id: int
    record_kind: str
    owner_agency_id: int
    owner_country: str | None
    score: float | None
    place: str | None
    screened_at: dt.datetime
    hit_only: bool
    agency_id: int | None  # the screening agency
    actor_name: str
    country: str | None
    request_id: str | None  # the screening request's, for the audit trail


def _hit_sender(hit: HitNote) -> Principal:
    """The platform sending a hit's message for the screening agency, after the screening's
    commit: named as the screener, with no role, on the system channel, under the screening
    request's id (so the audit links the message to the check)."""
    return Principal(
        kind=PrincipalKind.SYSTEM,
        id=None,
        name=hit.actor_name,
        agency_id=hit.agency_id,
        agency_kind=None,
        country=hit.country,
        roles=frozenset(),
        context=RequestContext(
            channel=Channel.SYSTEM, request_id=hit.request_id or uuid.uuid4().hex
        ),
    )


def notify_hits(
    session: Session,
    *,
    settings: Settings,
    bus: EventBus | None,
    hits: Sequence[HitNote],
) -> int:
    """Each hit as a message to the owning country's NCB (the owning agency, for a record of
    no country), its hit form filled in, from the screening agency: the start of the hit's
    conversation. Hits on the screening agency's own records, and hits of no agency, are not
    messaged. The hits may come from many screenings: they are sent together."""
    if not hits:
        return 0
    countries = {h.owner_country for h in hits if h.owner_country}
    ncbs = _ncbs(session, countries) if countries else {}
    deciding: dict[int, int] = {}
    for hit in hits:
        ncb = ncbs.get(hit.owner_country or "")
        deciding[hit.hit_id] = ncb.id if ncb is not None else hit.owner_agency_id
    wanted = [
        h
        for h in hits
        if h.agency_id is not None
        and deciding[h.hit_id] != h.agency_id
        and h.owner_agency_id != h.agency_id
    ]
    if not wanted:
        return 0
    senders = sorted({h.agency_id for h in wanted if h.agency_id is not None})
    agency_ids = sorted({deciding[h.hit_id] for h in wanted} | set(senders))
    agencies = {a.id: a for a in ncbs.values() if a.id in agency_ids}  # read just above
    unread = [i for i in agency_ids if i not in agencies]
    if unread:
        agencies.update(
            (a.id, a) for a in session.scalars(select(Agency).where(Agency.id.in_(unread)))
        )
    agency_keys = keys.active_keys(session, settings, agency_ids)
    signing = {
        a: crypto.signing_key(keys.private(settings, agency_keys[a]).signing) for a in senders
    }
    prepared = []
    for hit in wanted:
        sender_id = hit.agency_id
        assert sender_id is not None  # filtered above
        sender = agencies[sender_id]
        where = f" at {hit.place}" if hit.place else ""
        fields: dict[str, Any] = {
            "hit_id": hit.hit_id,
            "record_id": hit.record_id,
            "screened_at": hit.screened_at.isoformat(),
            "requested": "Please confirm the record and send what the officer must do.",
        }
        if hit.place:
            fields["place"] = hit.place
        if hit.score is not None:
            fields["score"] = f"{hit.score:.3f}"
        prepared.append(
            _prepare(
                principal=_hit_sender(hit),
                sender=sender,
                recipients={deciding[hit.hit_id]: "to"},
                agencies=agencies,
                agency_keys=agency_keys,
                signing_private=signing[sender_id],
                subject=f"Hit on record {hit.record_id}{where}",
                body=(
                    f"{sender.name} screened a person, document or object that matches record "
                    f"{hit.record_id}{where} on {hit.screened_at:%Y-%m-%d %H:%M} UTC. "
                    "Please confirm the record and say what the officer must do."
                ),
                priority="urgent",
                form=Form.HIT_FOUND,
                form_fields=fields,
                described=[],
                attachments=[],
                codes=[],
                references=[
                    {"type": "hit", "id": hit.hit_id},
                    {"type": "record", "id": hit.record_id},
                ],
                parent=None,
                hit_id=hit.hit_id,
            )
        )
    return _store_rows(session, bus=bus, prepared=prepared)


def hit_conversation(
    session: Session, *, settings: Settings, principal: Principal, hit_id: int
) -> list[InboxItem]:
    """The messages about one hit the principal's agency may read, oldest first."""
    threads = set(
        session.scalars(
            select(Message.thread_id).where(Message.hit_id == hit_id, visible(session, principal))
        )
    )
    if not threads:
        return []
    messages = session.scalars(
        select(Message)
        .where(Message.thread_id.in_(threads), visible(session, principal))
        .order_by(Message.sent_at, Message.id)
    ).all()
    items = []
    senders = {m.sender_agency_id for m in messages}
    codes = dict(
        session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(senders))).all()
    )
    for message in messages:
        content, _, _ = _opened(
            session, settings, message, _reading_as(session, principal, message)
        )
        items.append(
            InboxItem(message, None, content["subject"], codes.get(message.sender_agency_id, "?"))
        )
    return items
