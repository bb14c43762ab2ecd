"""The demo world's traffic on the secure network: what a showcase NCB finds in its inbox on
the first morning. Requests and answers between NCBs in a thread, each structured form, every
priority read and unread, a sharing group of a joint operation's units with its message, a
broadcast to all members, and an immediate message to a specialized unit left unread until it
was escalated to its NCB. Everything goes through the messaging service, so each message is
signed, encrypted, delivered and audited as in real use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluebridge.access.principal import Channel, Principal, RequestContext
from bluebridge.members import authentication, reference
from bluebridge.members.models import Agency, AgencyKind, User
from bluebridge.messaging import service
from bluebridge.records.models import Record
from bluebridge.runtime import Runtime
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work

OPERATION = "OP-NIGHTJAR"


def _officer(
    session: Session, member: reference.MemberCountry, role: str = "officer"
) -> Principal | None:
    user = session.scalars(
        select(User).where(User.username == f"{member.alpha2.lower()}.{role}")
    ).first()
    if user is None:
        return None
    return authentication.principal_for_user(user, RequestContext(Channel.CLI), second_factor=True)


def _send(session: Session, runtime: Runtime, principal: Principal, **fields: object) -> int:
    draft = service.Draft(**fields)  # type: ignore[arg-type]
    return service.send(
        session, settings=runtime.settings, principal=principal, bus=None, draft=draft
    ).id


def _read(session: Session, runtime: Runtime, principal: Principal, message_id: int) -> None:
    service.read(
        session, settings=runtime.settings, principal=principal, bus=None, message_id=message_id
    )


def add_messages(
    runtime: Runtime, members: Sequence[reference.MemberCountry], *, showcase: str
) -> int:
    """The showcase country's first morning on the network; how many messages were sent.
    Nothing is sent when the showcase country or a partner for it is not in the world."""
    by_code = {m.alpha3: m for m in members}
    if showcase not in by_code:
        return 0
    partners = [m for m in members if m.alpha3 != showcase][:4]
    if not partners:
        return 0
    sent = 0
    unit = None
    with unit_of_work(runtime.sessions) as session:
        home = _officer(session, by_code[showcase])
        others = [p for m in partners if (p := _officer(session, m)) is not None]
        if home is None or not others:
            return 0
        record = session.scalar(
            select(Record.id)
            .where(Record.owner_country == showcase, Record.kind == "persons")
            .order_by(Record.id)
            .limit(1)
        )
        references = (("record", int(record)),) if record is not None else ()
        first = others[0]
        # A request and its answer, in one thread.
        request = _send(
            session,
            runtime,
            first,
            subject="Identity check: traveller with two passports",
            body=(
                "A traveller stopped this morning carried two passports with the same photograph "
                "and different names. Could you confirm whether your records know either name, "
                "and whether a notice is pending?"
            ),
            address=service.Address(countries=(showcase,)),
            priority="urgent",
        )
        _read(session, runtime, home, request)
        answer = _send(
            session,
            runtime,
            home,
            subject="Re: Identity check: traveller with two passports",
            body=(
                "One of the names is known to us: a person wanted for fraud since 2024. The "
                "fingerprints are on their way through the usual channel. Please hold the person "
                "until we confirm."
            ),
            address=service.Address(agencies=(f"{partners[0].alpha3}-NCB",)),
            priority="urgent",
            references=references,  # the showcase's own record
            in_reply_to=request,
            form="information_supplied",
            form_data={
                "information": "One name is known: wanted for fraud since 2024. Fingerprints "
                "follow; please hold the person until we confirm."
            },
        )
        _read(session, runtime, first, answer)
        sent += 2
        # Action taken, in the same thread, left unread for the showcase NCB.
        _send(
            session,
            runtime,
            first,
            subject="Re: Identity check: action taken",
            body="The person was held at the border post and handed over to the prosecutor.",
            address=service.Address(countries=(showcase,)),
            priority="urgent",
            in_reply_to=answer,
            form="action_taken",
            form_data={
                "action": "arrest",
                "date": (utcnow().date() - dt.timedelta(days=1)).isoformat(),
                "place": "Border post",
                "details": "Handed over to the prosecutor; extradition request expected.",
            },
        )
        sent += 1
        # One of each priority from the other partners, unread.
        for n, (officer, priority) in enumerate(
            zip(others[1:] + others[:1], ("routine", "urgent", "immediate"), strict=False)
        ):
            _send(
                session,
                runtime,
                officer,
                subject=(
                    "Stolen vehicle sought: grey estate car",
                    "Counterfeit medicines seized at the port",
                    "Missing child possibly crossing your border tonight",
                )[n],
                body=(
                    "A grey estate car stolen last week may be on its way to your country. "
                    "Its chassis number is in the stolen vehicles database.",
                    "A container of counterfeit medicines bound for your capital was seized. "
                    "The consignee's company is registered in your country.",
                    "A 12-year-old girl taken by a parent without consent may cross your border "
                    "tonight. A yellow notice has been requested. Please alert your border posts.",
                )[n],
                address=service.Address(countries=(showcase,)),
                priority=priority,
            )
            sent += 1
        # A sharing group of a joint operation, and a message to it.
        units = list(
            session.scalars(
                select(Agency.code)
                .where(
                    Agency.kind == AgencyKind.SPECIALIZED_UNIT.value,
                    Agency.country.in_([showcase, *(m.alpha3 for m in partners[:2])]),
                )
                .order_by(Agency.code)
                .limit(4)
            )
        )
        supervisor = _officer(session, by_code[showcase], "supervisor")
        if units and supervisor is not None:
            service.create_group(
                session,
                principal=supervisor,
                code=OPERATION,
                name="Operation Nightjar (joint investigation team)",
                members=units,
            )
            _send(
                session,
                runtime,
                home,
                subject="Operation Nightjar: coordination meeting",
                body="The joint team meets on Thursday; please send your updates by Wednesday.",
                address=service.Address(groups=(OPERATION,)),
                priority="routine",
            )
            sent += 1
        # A broadcast to every member.
        _send(
            session,
            runtime,
            others[-1],
            subject="New modus operandi: fake payment-order e-mails to companies",
            body=(
                "Companies receive e-mails that imitate their suppliers and ask for payments to "
                "new accounts. Alert your financial intelligence units."
            ),
            address=service.Address(all_members=True),
            priority="routine",
        )
        sent += 1
        # An immediate message to a specialized unit, escalated to its NCB when left unread.
        unit = session.scalar(
            select(Agency.code)
            .where(Agency.kind == AgencyKind.SPECIALIZED_UNIT.value, Agency.country == showcase)
            .order_by(Agency.code)
            .limit(1)
        )
        if unit is not None:
            _send(
                session,
                runtime,
                first,
                subject="Immediate: planned attack on a stadium",
                body="A source reports a planned attack during Saturday's match. Call us now.",
                address=service.Address(agencies=(unit,)),
                priority="immediate",
            )
            sent += 1
    if unit is not None:
        with unit_of_work(runtime.sessions) as session:
            later = utcnow() + dt.timedelta(minutes=runtime.settings.message_escalation_minutes + 1)
            service.escalate(session, settings=runtime.settings, bus=None, now=later)
    return sent
