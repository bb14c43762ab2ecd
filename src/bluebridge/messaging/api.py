"""HTTP routes of the secure network under /api/v1: send, the inbox and the sent box, one
message (its first read is its read receipt), attachments, signature checks, the exported
envelope, unread counts and their live stream (server-sent events), sharing groups, and key
rotation."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from bluebridge.access.principal import Principal
from bluebridge.api.deps import ApiPrincipal, DbSession, SettingsDep, get_runtime
from bluebridge.errors import FieldProblem, InvalidInput
from bluebridge.members.models import Agency
from bluebridge.members.schemas import PageOut
from bluebridge.messaging import keys, service
from bluebridge.messaging.events import Event
from bluebridge.messaging.schemas import (
    BatchIn,
    BatchOut,
    GroupIn,
    GroupMembersIn,
    GroupOut,
    MessageIn,
    MessageOut,
    MessageSummaryOut,
    ReceiptOut,
    SentOut,
    UnreadOut,
    VerificationOut,
)
from bluebridge.store.engine import READ_ONLY

router = APIRouter(tags=["messages"])
MessageId = Annotated[int, Path(ge=1, le=2**53)]
KEEPALIVE_SECONDS = 15.0


def _draft(body: MessageIn, problems: list[FieldProblem], prefix: str = "") -> service.Draft:
    attachments = []
    for i, item in enumerate(body.attachments):
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problems.append(FieldProblem(f"{prefix}attachments.{i}.content_base64", "not base64"))
            continue
        attachments.append(service.Attachment(item.filename, data))
    address = body.address
    return service.Draft(
        subject=body.subject,
        body=body.body,
        address=service.Address(
            agencies=tuple(address.agencies),
            countries=tuple(address.countries),
            regions=tuple(address.regions),
            all_members=address.all_members,
            groups=tuple(address.groups),
            copies=tuple(address.copies),
        ),
        priority=body.priority,
        form=body.form.value,
        form_data=body.form_data,
        handling_codes=tuple(body.handling_codes),
        references=tuple((r.type, r.id) for r in body.references),
        attachments=tuple(attachments),
        in_reply_to=body.in_reply_to,
    )


def verification_out(v: service.Verification) -> VerificationOut:
    return VerificationOut(
        valid=v.valid,
        signature_valid=v.signature_valid,
        content_matches=v.content_matches,
        signer=v.signer,
        key=v.key,
    )


def message_out(view: service.MessageView) -> MessageOut:
    m = view.message
    return MessageOut(
        id=m.id,
        thread_id=m.thread_id,
        sender=view.sender.code if view.sender else "?",
        subject=view.subject,
        priority=m.priority,
        form=m.form,
        sent_at=m.sent_at,
        read_at=None,
        references=m.references,
        body=view.body,
        form_data=view.form_data,
        handling_codes=m.handling_codes,
        attachments=view.attachments,
        in_reply_to_id=m.in_reply_to_id,
        verification=verification_out(view.verification),
        receipts=[
            ReceiptOut(
                agency_code=agency.code,
                role=r.role,
                delivered_at=r.delivered_at,
                read_at=r.read_at,
                escalated_at=r.escalated_at,
            )
            for r, agency in view.recipients
        ]
        if view.mine
        else [],
        thread=[t.id for t in view.thread],
    )


@router.post("/messages", response_model=MessageOut, status_code=status.HTTP_201_CREATED)
def send_message(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    body: MessageIn,
) -> MessageOut:
    """Send a message: encrypted for its readers, signed by your agency, delivered at once."""
    bus = get_runtime(request).bus
    problems: list[FieldProblem] = []
    draft = _draft(body, problems)
    if problems:
        raise InvalidInput("the attachments are not valid", problems)
    message = service.send(session, settings=settings, principal=principal, bus=bus, draft=draft)
    view = service.read(
        session, settings=settings, principal=principal, bus=None, message_id=message.id
    )
    return message_out(view)


@router.post("/messages/batch", response_model=BatchOut, status_code=status.HTTP_201_CREATED)
def send_messages(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    body: BatchIn,
) -> BatchOut:
    """Send up to 500 messages in one request, all or none: a problem in any of them is named
    `messages.<n>.<field>` and nothing is sent. For systems that send many (hit follow-ups,
    payment legs)."""
    bus = get_runtime(request).bus
    problems: list[FieldProblem] = []
    drafts = [_draft(m, problems, f"messages.{n}.") for n, m in enumerate(body.messages)]
    if problems:
        raise InvalidInput("the attachments are not valid", problems)
    sent = service.send_many(
        session, settings=settings, principal=principal, bus=bus, drafts=drafts
    )
    return BatchOut(
        sent=[
            SentOut(
                id=m.id,
                uid=m.envelope["uid"],
                thread_id=m.thread_id,
                recipients=sorted([*m.envelope["to"], *m.envelope["cc"]]),
            )
            for m in sent
        ]
    )


@router.get("/messages", response_model=PageOut[MessageSummaryOut])
def list_messages(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    box: Annotated[str, Query(pattern=r"^(inbox|sent|escalated)$")] = "inbox",
    priority: Annotated[str | None, Query(pattern=r"^(routine|urgent|immediate)$")] = None,
    form: Annotated[str | None, Query(pattern=r"^[a-z_]{3,32}$")] = None,
    reference: Annotated[
        str | None,
        Query(
            pattern=r"^(record|notice|hit|case|message|payment_case|payment_leg):[1-9][0-9]{0,15}$"
        ),
    ] = None,
    unread: bool = False,
    q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    """Your agency's inbox (or sent box), newest first; `q` searches subjects and bodies."""
    ref = None
    if reference:
        kind, _, number = reference.partition(":")
        ref = (kind, int(number))
    result = service.inbox(
        session,
        settings=settings,
        principal=principal,
        box=box,
        priority=priority,
        form=form,
        reference=ref,
        unread=unread,
        search=q,
        page=page,
        per_page=per_page,
    )
    return {
        "items": [
            MessageSummaryOut(
                id=item.message.id,
                thread_id=item.message.thread_id,
                sender=item.sender_code,
                subject=item.subject,
                priority=item.message.priority,
                form=item.message.form,
                sent_at=item.message.sent_at,
                read_at=item.recipient.read_at if item.recipient else None,
                references=item.message.references,
            )
            for item in result.items
        ],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
        "total_exact": result.total_exact,
    }


@router.get("/messages/unread", response_model=UnreadOut, summary="Unread messages by priority")
def unread(session: DbSession, principal: ApiPrincipal) -> UnreadOut:
    return UnreadOut(**service.unread_counts(session, principal=principal))


def _reading(request: Request) -> Session:
    """A read-only session: on SQLite it does not queue behind the writers (WAL)."""
    connection = get_runtime(request).engine.connect().execution_options(**{READ_ONLY: True})
    return Session(bind=connection)


async def _counts(request: Request, principal: Principal) -> dict[str, int]:
    def read() -> dict[str, int]:
        with _reading(request) as session:
            try:
                return service.unread_counts(session, principal=principal)
            finally:
                session.commit()
                session.connection().close()

    return await asyncio.to_thread(read)


@router.get(
    "/messages/events",
    summary="Unread counts, live (server-sent events)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def message_events(request: Request, principal: ApiPrincipal) -> StreamingResponse:
    """A stream of `unread` events: the counts now, then again at each delivery, read or
    escalation in your agency's inbox, from any worker (through NATS when it is set)."""
    runtime = get_runtime(request)

    def reader_codes() -> list[str]:
        with _reading(request) as session:
            try:
                return service.reader_codes(session, principal)
            finally:
                session.commit()
                session.connection().close()

    codes = await asyncio.to_thread(reader_codes)

    async def stream() -> AsyncIterator[bytes]:
        yield _event("unread", await _counts(request, principal))
        if not codes:
            return
        async with AsyncExitStack() as stack:
            queue: asyncio.Queue[Event] = asyncio.Queue()

            async def pump(events: AsyncIterator[Event]) -> None:
                async for event in events:
                    await queue.put(event)

            # One subscription per agency read for (a supervisor's NCB too), merged.
            for code in codes:
                events = await stack.enter_async_context(runtime.bus.subscribe(f"inbox.{code}"))
                task = asyncio.create_task(pump(events))
                stack.callback(task.cancel)
            while not await request.is_disconnected():
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                yield _event("unread", {**await _counts(request, principal), "last": event.data})

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


@router.get("/messages/{message_id}", response_model=MessageOut)
def get_message(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    message_id: MessageId,
) -> MessageOut:
    """One message, decrypted for your agency; the first read is the read receipt."""
    view = service.read(
        session,
        settings=settings,
        principal=principal,
        bus=get_runtime(request).bus,
        message_id=message_id,
    )
    return message_out(view)


@router.get(
    "/messages/{message_id}/attachments/{position}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_attachment(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    message_id: MessageId,
    position: Annotated[int, Path(ge=0, le=100)],
) -> Response:
    name, media, data = service.attachment(
        session, settings=settings, principal=principal, message_id=message_id, position=position
    )
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:100] or "attachment"
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


@router.get("/messages/{message_id}/verify", response_model=VerificationOut)
def verify_message(
    session: DbSession, settings: SettingsDep, principal: ApiPrincipal, message_id: MessageId
) -> VerificationOut:
    """Whether the sender's signature holds, and the content matches what was signed."""
    return verification_out(
        service.verify(session, settings=settings, principal=principal, message_id=message_id)
    )


@router.get("/messages/{message_id}/export", response_model=dict[str, Any])
def export_message(
    session: DbSession, settings: SettingsDep, principal: ApiPrincipal, message_id: MessageId
) -> dict[str, Any]:
    """The signed envelope, the content and the signer's public key, to verify elsewhere."""
    return service.export(session, settings=settings, principal=principal, message_id=message_id)


@router.post("/messages/verify-export", response_model=VerificationOut)
def verify_exported(principal: ApiPrincipal, body: dict[str, Any]) -> VerificationOut:
    """Verify an exported message with nothing but itself."""
    return verification_out(service.verify_export(body))


def group_out(session: Any, group: Any) -> GroupOut:
    ids = [m.agency_id for m in group.members] + [group.owner_agency_id]
    codes = {a.id: a.code for a in session.query(Agency).filter(Agency.id.in_(ids))}
    return GroupOut(
        code=group.code,
        name=group.name,
        owner=codes.get(group.owner_agency_id, "?"),
        members=sorted(codes[m.agency_id] for m in group.members if m.agency_id in codes),
    )


@router.get("/sharing-groups", response_model=list[GroupOut], tags=["messages"])
def list_groups(session: DbSession, principal: ApiPrincipal) -> list[GroupOut]:
    """The sharing groups your agency belongs to."""
    return [group_out(session, g) for g in service.groups_of(session, principal=principal)]


@router.post("/sharing-groups", response_model=GroupOut, status_code=status.HTTP_201_CREATED)
def create_group(session: DbSession, principal: ApiPrincipal, body: GroupIn) -> GroupOut:
    group = service.create_group(
        session, principal=principal, code=body.code, name=body.name, members=body.members
    )
    return group_out(session, group)


@router.put("/sharing-groups/{code}/members", response_model=GroupOut)
def set_members(
    session: DbSession,
    principal: ApiPrincipal,
    code: Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{2,40}$")],
    body: GroupMembersIn,
) -> GroupOut:
    group = service.set_group_members(session, principal=principal, code=code, members=body.members)
    return group_out(session, group)


@router.post("/agencies/{agency_id}/keys/rotate", summary="A new key version for an agency")
def rotate_keys(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    agency_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> dict[str, Any]:
    from bluebridge.messaging import crypto

    key = keys.rotate(session, settings=settings, principal=principal, agency_id=agency_id)
    return {
        "version": key.version,
        "signing": crypto.fingerprint(key.signing_public),
        "encryption": crypto.fingerprint(key.encryption_public),
    }
