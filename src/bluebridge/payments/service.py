"""The use cases of I-GRIP: file a request (every payment becomes a leg, routed at once to the
beneficiary country's NCB and its financial investigations units as an urgent message on the
secure network), take a step on a leg (acknowledge, bank asked, frozen, moved on with the
onward transfers as new legs, nothing found, returned, closed), close a case, produce the
camt.056 cancellation request of a leg and read a bank's camt.029 answer back into it,
escalate the legs past their targets, correlate beneficiaries across cases, and the figures
of the dashboard.

Every read goes through `access.payments`, every change is a leg event and an audit event,
and the requesting side hears of each step as a reply in the leg's thread."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import statistics
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from anyascii import anyascii
from pydantic import ValidationError
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from bluebridge.access import payments as access
from bluebridge.access.principal import Channel, Principal, RequestContext
from bluebridge.access.records import AccessPolicy
from bluebridge.audit import service as audit
from bluebridge.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from bluebridge.members.models import Agency, AgencyKind, UnitSpecialty
from bluebridge.messaging import service as messaging
from bluebridge.messaging.events import EventBus
from bluebridge.messaging.forms import Form
from bluebridge.payments import iso20022
from bluebridge.payments.models import (
    CorrelationAlert,
    LegEvent,
    PaymentCase,
    PaymentIdentifier,
    PaymentLeg,
)
from bluebridge.payments.schemas import (
    AccountIn,
    FilingIn,
    LegState,
    PaymentIn,
    StepIn,
    as_payment,
    check_amount,
)
from bluebridge.records import service as records
from bluebridge.records.kinds import financial_accounts
from bluebridge.records.kinds.base import InformationGrading, SourceGrading, SourceType
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page

# Which step may follow which. A leg may be answered straight from "received": the first step
# taken acknowledges it too.
TRANSITIONS: dict[LegState, frozenset[LegState]] = {
    LegState.RECEIVED: frozenset(
        {
            LegState.ACKNOWLEDGED,
            LegState.BANK_REQUESTED,
            LegState.FROZEN,
            LegState.MOVED_ON,
            LegState.NOTHING_FOUND,
        }
    ),
    LegState.ACKNOWLEDGED: frozenset(
        {LegState.BANK_REQUESTED, LegState.FROZEN, LegState.MOVED_ON, LegState.NOTHING_FOUND}
    ),
    LegState.BANK_REQUESTED: frozenset(
        {LegState.FROZEN, LegState.MOVED_ON, LegState.NOTHING_FOUND, LegState.RETURNED}
    ),
    LegState.FROZEN: frozenset({LegState.RETURNED, LegState.MOVED_ON, LegState.CLOSED}),
    LegState.MOVED_ON: frozenset({LegState.CLOSED}),
    LegState.NOTHING_FOUND: frozenset({LegState.CLOSED}),
    LegState.RETURNED: frozenset({LegState.CLOSED}),
    LegState.CLOSED: frozenset(),
}
ANSWERS = frozenset({LegState.FROZEN, LegState.MOVED_ON, LegState.NOTHING_FOUND, LegState.RETURNED})
OPEN_STATES = frozenset({LegState.RECEIVED, LegState.ACKNOWLEDGED, LegState.BANK_REQUESTED})
MAX_HOPS = 20
SYSTEM = "i-grip"


def _problems(exc: ValidationError, prefix: str = "") -> list[FieldProblem]:
    return [
        FieldProblem(
            prefix + ".".join(str(p) for p in e["loc"]) or "body",
            str(e["msg"]).removeprefix("Value error, "),
        )
        for e in exc.errors()
    ]


def parse_filing(data: dict[str, Any]) -> FilingIn:
    """A filing from plain data (the command line, the portal), or InvalidInput naming every
    field."""
    try:
        return FilingIn.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput("the request is not valid", _problems(exc)) from None


def parse_step(data: dict[str, Any]) -> StepIn:
    try:
        return StepIn.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput("the step is not valid", _problems(exc)) from None


# ---------------------------------------------------------------- identifiers


_WORD = re.compile(r"[a-z0-9]+")
# Legal forms say nothing about who is behind a company.
_LEGAL_FORMS = frozenset(
    [
        "ltd",
        "limited",
        "llc",
        "inc",
        "corp",
        "co",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sarl",
        "sas",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "sl",
        "pty",
        "pte",
        "fzco",
        "fze",
        "llp",
        "lp",
        "kg",
    ]
)


def name_key(name: str) -> str | None:
    """A name as correlation compares it: in Latin letters, folded, its words sorted, legal
    forms dropped (so "Wei Chen Trading Ltd" and "CHEN WEI TRADING" agree)."""
    words = sorted(w for w in _WORD.findall(anyascii(name).casefold()) if w not in _LEGAL_FORMS)
    key = " ".join(words)
    return key if len(key) >= 4 else None


def _leg_identifiers(leg: PaymentLeg, email: str | None) -> list[tuple[str, str]]:
    account = AccountIn.model_validate(leg.beneficiary)
    found = [(k.key_type, k.value) for k in financial_accounts.KIND.keys(account)]
    if (key := name_key(leg.beneficiary_name)) is not None:
        found.append(("name", key))
    if email:
        found.append(("email", email))
    return found


@dataclass(frozen=True, slots=True)
class Alert:
    """Another case shares one of this case's beneficiary identifiers: what, and whom to ask."""

    kind: str
    value: str
    other_country: str
    other_reference: str | None  # shown only to who sees the other case
    at: dt.datetime


def _correlate(
    session: Session, case: PaymentCase, identifiers: Sequence[tuple[str, str, int | None]]
) -> int:
    """Raise an alert on both cases for every identifier another case shares; how many pairs
    of cases were linked."""
    wanted = sorted({(kind, value) for kind, value, _ in identifiers})
    if not wanted:
        return 0
    pairs = set(wanted)
    matches: list[Any] = []
    # One indexed lookup a chunk, by the index's first column: SQLite scans the whole index for
    # `(value, kind) IN (VALUES ...)`, but searches it for `value IN (...)`. The exact
    # (kind, value) pairs are kept after.
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        rows = session.execute(
            select(
                PaymentIdentifier.kind,
                PaymentIdentifier.value,
                PaymentIdentifier.case_id,
                PaymentIdentifier.country,
            )
            .where(
                PaymentIdentifier.value.in_(sorted({value for _, value in chunk})),
                PaymentIdentifier.kind.in_(sorted({kind for kind, _ in chunk})),
                PaymentIdentifier.case_id != case.id,
            )
            .distinct()
        ).all()
        matches += [row for row in rows if (row.kind, row.value) in pairs]
    if not matches:
        return 0
    existing: set[tuple[Any, ...]] = {
        tuple(row)
        for row in session.execute(
            select(
                CorrelationAlert.case_id,
                CorrelationAlert.other_case_id,
                CorrelationAlert.kind,
                CorrelationAlert.value,
            ).where(
                or_(
                    CorrelationAlert.case_id == case.id,
                    CorrelationAlert.other_case_id == case.id,
                )
            )
        )
    }
    now = utcnow()
    linked = set()
    alerts = []
    for kind, value, other_id, other_country in matches:
        for mine, theirs, country in (
            (case.id, other_id, other_country),
            (other_id, case.id, case.requesting_country),
        ):
            if (mine, theirs, kind, value) in existing:
                continue
            existing.add((mine, theirs, kind, value))
            alerts.append(
                {
                    "case_id": mine,
                    "other_case_id": theirs,
                    "other_country": country,
                    "kind": kind,
                    "value": value,
                    "created_at": now,
                }
            )
        linked.add(other_id)
    if alerts:  # one batch: a case linked to a busy mule account raises hundreds
        session.execute(insert(CorrelationAlert), alerts)
    for other_id in sorted(linked):
        audit.record(
            session,
            context=RequestContext(channel=Channel.SYSTEM),
            actor_name=SYSTEM,
            action="payment_case.correlated",
            object_type="payment_case",
            object_id=case.id,
            object_country=case.requesting_country,
            details={"other_case": other_id},
        )
    return len(linked)


def _add_identifiers(
    session: Session,
    case: PaymentCase,
    legs: Sequence[tuple[PaymentLeg, str | None]],
    emails: Sequence[str] = (),
) -> list[tuple[str, str, int | None]]:
    """Store the beneficiaries' identifiers of these legs (and the fraudsters' e-mails) for
    correlation; the identifiers, to correlate."""
    rows: list[tuple[str, str, int | None]] = []
    for leg, email in legs:
        rows += [(kind, value, leg.id) for kind, value in _leg_identifiers(leg, email)]
    rows += [("email", e, None) for e in emails]
    seen = set()
    for kind, value, leg_id in rows:
        if (kind, value) in seen:
            continue
        seen.add((kind, value))
        session.add(
            PaymentIdentifier(
                kind=kind,
                value=value[:300],
                case_id=case.id,
                leg_id=leg_id,
                country=case.requesting_country,
            )
        )
    return rows


# ---------------------------------------------------------------- routing


def account_text(account: dict[str, Any]) -> str:
    """An account as people read it: an IBAN, a national number, a wallet."""
    if account.get("iban"):
        return f"IBAN {account['iban']}"
    if account.get("national_account_number"):
        return (
            f"{account.get('country', '')} {account.get('bank_code', '')} "
            f"{account['national_account_number']}"
        ).strip()
    if account.get("wallet_address"):
        return f"{account.get('currency', '')} wallet {account['wallet_address']}".strip()
    if account.get("wallet_id"):
        return f"{account.get('provider', '')} {account['wallet_id']}".strip()
    return "?"


def _desks(session: Session, countries: Iterable[str]) -> dict[str, list[str]]:
    """Each country's I-GRIP desks: its NCB first, then its financial investigations units."""
    rows = session.execute(
        select(Agency.country, Agency.code, Agency.kind).where(
            Agency.country.in_(sorted(set(countries))),
            Agency.active.is_(True),
            or_(
                Agency.kind == AgencyKind.NCB.value,
                Agency.specialty == UnitSpecialty.FINANCIAL_INVESTIGATIONS.value,
            ),
        )
    ).all()
    desks: dict[str, list[str]] = defaultdict(list)
    for country, code, _kind in sorted(rows, key=lambda r: (r[2] != AgencyKind.NCB.value, r[1])):
        if country:
            desks[country].append(code)
    return desks


def _leg_draft(
    case: PaymentCase,
    leg: PaymentLeg,
    to: Sequence[str],
    attachments: Sequence[messaging.Attachment],
) -> messaging.Draft:
    account = account_text(leg.beneficiary)
    fields: dict[str, Any] = {
        "case": case.reference,
        "leg": leg.reference,
        "leg_id": leg.id,
        "hop": leg.hop,
        "fraud_type": case.fraud_type,
        "amount": leg.amount,
        "currency": leg.currency,
        "value_at": leg.value_at.isoformat(),
        "beneficiary_name": leg.beneficiary_name,
        "beneficiary_account": account,
        "ordering_account": account_text(leg.ordering),
        "answer_due_at": leg.answer_due_at.isoformat(),
    }
    for name in ("beneficiary_bic", "beneficiary_bank", "uetr", "end_to_end_id"):
        if getattr(leg, name):
            fields[name] = getattr(leg, name)
    onward = f" (onward transfer, hop {leg.hop})" if leg.hop > 1 else ""
    body = (
        f"I-GRIP {case.reference}: {case.fraud_type.replace('_', ' ')}. "
        f"{leg.amount} {leg.currency} were paid on {leg.value_at:%Y-%m-%d %H:%M} UTC to "
        f"{leg.beneficiary_name}, {account}"
        + (f" at {leg.beneficiary_bank}" if leg.beneficiary_bank else "")
        + (f" (BIC {leg.beneficiary_bic})" if leg.beneficiary_bic else "")
        + (f", UETR {leg.uetr}" if leg.uetr else "")
        + f"{onward}. Please ask the bank to freeze the funds at once, and answer in "
        f"I-GRIP by {leg.answer_due_at:%Y-%m-%d %H:%M} UTC."
    )
    return messaging.Draft(
        subject=f"I-GRIP {leg.reference}: intercept {leg.amount} {leg.currency}",
        body=body,
        address=messaging.Address(agencies=tuple(to)),
        priority="urgent",
        form=Form.PAYMENT_LEG.value,
        form_data=fields,
        references=(("payment_case", case.id), ("payment_leg", leg.id)),
        attachments=tuple(attachments),
    )


def _route(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    bus: EventBus | None,
    case: PaymentCase,
    legs: Sequence[PaymentLeg],
    attachments: Sequence[messaging.Attachment] = (),
) -> None:
    """Send each leg, in one batch, to its country's desks (the sender's own agency aside)."""
    desks = _desks(session, (leg.beneficiary_country for leg in legs))
    own = None
    if principal.agency_id is not None:
        own = session.scalar(select(Agency.code).where(Agency.id == principal.agency_id))
    drafts = []
    routed = []
    for leg in legs:
        to = [code for code in desks.get(leg.beneficiary_country, []) if code != own]
        if to:
            drafts.append(_leg_draft(case, leg, to, attachments))
            routed.append(leg)
    if not drafts:
        return
    sent = messaging.send_many(
        session,
        settings=settings,
        principal=principal,
        bus=bus,
        drafts=drafts,
        system=True,
    )
    for leg, message in zip(routed, sent, strict=True):
        leg.message_id = message.id
    case.message_ids = [*case.message_ids, *(m.id for m in sent)]


def _new_leg(
    settings: Settings,
    principal: Principal,
    case: PaymentCase,
    payment: PaymentIn,
    *,
    number: int,
    parent: PaymentLeg | None,
    now: dt.datetime,
) -> PaymentLeg:
    beneficiary = payment.beneficiary
    return PaymentLeg(
        reference=f"{case.reference}-{number}",
        case=case,
        parent_id=parent.id if parent is not None else None,
        hop=parent.hop + 1 if parent is not None else 1,
        amount=str(payment.amount),
        currency=payment.currency,
        value_at=payment.value_at,
        ordering=payment.ordering.model_dump(mode="json", exclude_none=True),
        beneficiary=beneficiary.model_dump(mode="json", exclude_none=True),
        beneficiary_name=payment.beneficiary_name,
        beneficiary_bank=payment.beneficiary_bank,
        beneficiary_bic=beneficiary.bic,
        beneficiary_country=payment.beneficiary_country or "",
        uetr=payment.uetr,
        end_to_end_id=payment.end_to_end_id,
        state=LegState.RECEIVED.value,
        created_at=now,
        created_by=principal.name,
        changed_at=now,
        acknowledge_due_at=now + dt.timedelta(minutes=settings.igrip_acknowledge_minutes),
        answer_due_at=now + dt.timedelta(hours=settings.igrip_answer_hours),
        escalated=[],
    )


def _feed_records(
    session: Session, settings: Settings, principal: Principal, legs: Sequence[PaymentLeg]
) -> None:
    """Each beneficiary account becomes a financial_accounts record of the filing agency, seen
    by every member and screened like any other: an account flagged in one country is known to
    the others. Entering it again (an onward leg to the same account) updates it."""
    for leg in legs:
        payload = dict(leg.beneficiary)
        payload["status"] = financial_accounts.AccountStatus.USED_IN_FRAUD.value
        payload.setdefault("holder_name", leg.beneficiary_name)
        key = account_text(leg.beneficiary)
        record = records.create_record(
            session,
            settings=settings,
            principal=principal,
            kind_name="financial_accounts",
            payload=payload,
            envelope=records.Envelope(
                source_type=SourceType.POLICE_INVESTIGATION,
                source_grading=SourceGrading.B,
                information_grading=InformationGrading.PROBABLY_TRUE,
                access_policy=AccessPolicy(),
                owner_reference=f"igrip:{key}"[:200],
            ),
        )
        leg.financial_record_id = record.id


def _evidence(filing: FilingIn) -> tuple[list[messaging.Attachment], list[FieldProblem]]:
    attachments = []
    problems = []
    for i, item in enumerate(filing.evidence):
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problems.append(FieldProblem(f"evidence.{i}.content_base64", "not base64"))
            continue
        attachments.append(messaging.Attachment(item.filename, data))
    return attachments, problems


def file_case(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    bus: EventBus | None,
    filing: FilingIn,
    attachments: Sequence[messaging.Attachment] | None = None,
) -> PaymentCase:
    """File a request: every payment checked (every problem at once, by field), each a leg
    routed to its country's desks in the same transaction, its beneficiary correlated with
    every past case and entered as a financial account record."""
    if not access.may_file(principal):
        raise PermissionDenied(
            "I-GRIP requests are filed by an officer or supervisor of an NCB or of a financial "
            "investigations or cybercrime unit"
        )
    assert principal.agency_id is not None
    assert principal.country is not None
    problems: list[FieldProblem] = []
    evidence, evidence_problems = _evidence(filing)
    problems += evidence_problems
    evidence = [*evidence, *(attachments or ())]
    _described, attachment_problems = messaging.check_attachments(settings, evidence)
    problems += [
        FieldProblem(p.field.replace("attachments", "evidence", 1), p.reason)
        for p in attachment_problems
    ]
    if problems:
        raise InvalidInput("the request is not valid", problems)
    now = utcnow()
    case = PaymentCase(
        reference=f"pending-{uuid.uuid4().hex[:20]}",
        requesting_agency_id=principal.agency_id,
        requesting_country=principal.country,
        fraud_type=filing.fraud_type.value,
        status="open",
        victim=filing.victim.model_dump(mode="json", exclude_none=True),
        summary=filing.summary.strip(),
        fraudster_emails=sorted(set(filing.fraudster_emails)),
        reported_at=filing.reported_at or now,
        created_at=now,
        created_by=principal.name,
        message_ids=[],
    )
    session.add(case)
    session.flush()
    case.reference = f"IGRIP-{now.year}-{case.id:06d}"
    legs = [
        _new_leg(settings, principal, case, payment, number=n, parent=None, now=now)
        for n, payment in enumerate(filing.payments, start=1)
    ]
    session.add_all(legs)
    session.flush()
    for leg in legs:
        _event(session, principal, leg, None, LegState.RECEIVED, "filed", now=now)
    identifiers = _add_identifiers(
        session,
        case,
        [
            (leg, payment.beneficiary_email)
            for leg, payment in zip(legs, filing.payments, strict=True)
        ],
        case.fraudster_emails,
    )
    _correlate(session, case, identifiers)
    _feed_records(session, settings, principal, legs)
    _route(
        session,
        settings=settings,
        principal=principal,
        bus=bus,
        case=case,
        legs=legs,
        attachments=evidence,
    )
    audit.record(
        session,
        principal=principal,
        action="payment_case.file",
        object_type="payment_case",
        object_id=case.id,
        object_country=case.requesting_country,
        details={
            "legs": len(legs),
            "countries": sorted({leg.beneficiary_country for leg in legs}),
            "fraud_type": case.fraud_type,
        },
    )
    return case


# ---------------------------------------------------------------- reading


def get_case(session: Session, *, principal: Principal, case_id: int) -> PaymentCase:
    """One case the principal sees (absent and unseen read the same), its read audited."""
    case = (
        session.scalar(
            select(PaymentCase).where(PaymentCase.id == case_id, access.case_filter(principal))
        )
        if 1 <= case_id <= 2**31 - 1
        else None
    )
    if case is None:
        raise NotFound(f"no I-GRIP case {case_id}")
    audit.record(
        session,
        principal=principal,
        action="payment_case.read",
        object_type="payment_case",
        object_id=case.id,
        object_country=case.requesting_country,
    )
    return case


def get_leg(session: Session, *, principal: Principal, leg_id: int) -> PaymentLeg:
    leg = session.get(PaymentLeg, leg_id) if 1 <= leg_id <= 2**31 - 1 else None
    if leg is None or leg not in access.visible_legs(principal, leg.case):
        raise NotFound(f"no I-GRIP leg {leg_id}")
    return leg


def list_cases(
    session: Session,
    *,
    principal: Principal,
    status: str | None = None,
    fraud_type: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[PaymentCase]:
    """The cases the principal sees, newest first."""
    if not access.may_use(principal):
        raise PermissionDenied("I-GRIP is for NCBs, financial and cyber units, and the GS")
    query = select(PaymentCase).where(access.case_filter(principal))
    if status:
        query = query.where(PaymentCase.status == status)
    if fraud_type:
        query = query.where(PaymentCase.fraud_type == fraud_type)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(PaymentCase.created_at.desc(), PaymentCase.id.desc())
        .limit(per_page)
        .offset((max(1, page) - 1) * per_page)
    ).all()
    return Page(list(rows), max(1, page), per_page, int(total))


def overdue_stages(leg: PaymentLeg, now: dt.datetime | None = None) -> list[str]:
    """The targets a leg is past: "acknowledge" (still received after its acknowledgement
    target), "answer" (no first answer after its answer target)."""
    now = now or utcnow()
    if leg.case.status != "open":
        return []  # a closed case has nothing overdue
    state = LegState(leg.state)
    stages = []
    if state is LegState.RECEIVED and now > _aware(leg.acknowledge_due_at):
        stages.append("acknowledge")
    if state in OPEN_STATES and now > _aware(leg.answer_due_at):
        stages.append("answer")
    return stages


def is_overdue(leg: PaymentLeg, now: dt.datetime | None = None) -> str | None:
    """The most pressing target the leg is past ("answer", then "acknowledge"), or None."""
    stages = overdue_stages(leg, now)
    return stages[-1] if stages else None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def queue(session: Session, *, principal: Principal) -> list[PaymentLeg]:
    """The legs waiting on the principal's country, the most urgent first."""
    if not (access.is_desk(principal) and access.may_use(principal)):
        raise PermissionDenied("the I-GRIP queue is a desk's: an NCB's or a financial unit's")
    rows = session.scalars(
        select(PaymentLeg)
        .join(PaymentCase, PaymentCase.id == PaymentLeg.case_id)
        .where(
            PaymentLeg.beneficiary_country == principal.country,
            PaymentLeg.state.in_([s.value for s in OPEN_STATES | {LegState.FROZEN}]),
            PaymentCase.status == "open",
        )
        .order_by(PaymentLeg.answer_due_at, PaymentLeg.id)
        .limit(500)
    ).all()
    return list(rows)


def alerts(session: Session, *, principal: Principal, case: PaymentCase) -> list[Alert]:
    """The correlation alerts of a case the principal sees; the other case is named only to
    who sees it too."""
    if not access.sees_whole_case(principal, case):
        return []
    rows = session.scalars(
        select(CorrelationAlert)
        .where(CorrelationAlert.case_id == case.id)
        .order_by(CorrelationAlert.created_at, CorrelationAlert.id)
    ).all()
    others = {r.other_case_id for r in rows}
    visible = set(
        session.scalars(
            select(PaymentCase.id).where(PaymentCase.id.in_(others), access.case_filter(principal))
        )
    )
    references = dict(
        session.execute(
            select(PaymentCase.id, PaymentCase.reference).where(PaymentCase.id.in_(visible))
        ).all()
    )
    return [
        Alert(r.kind, r.value, r.other_country, references.get(r.other_case_id), r.created_at)
        for r in rows
    ]


# ---------------------------------------------------------------- steps


def _event(
    session: Session,
    principal: Principal,
    leg: PaymentLeg,
    before: LegState | None,
    after: LegState,
    note: str,
    *,
    now: dt.datetime,
    details: dict[str, Any] | None = None,
) -> None:
    leg.events.append(
        LegEvent(
            at=now,
            actor_name=principal.name,
            agency_id=principal.agency_id,
            from_state=before.value if before else None,
            to_state=after.value,
            note=note,
            details=details or {},
        )
    )


def _step_amount(
    leg: PaymentLeg, state: LegState, amount: Decimal | None
) -> tuple[str | None, list[FieldProblem]]:
    if state not in (LegState.FROZEN, LegState.RETURNED):
        if amount is not None:
            return None, [FieldProblem("amount", "only a freeze or a return has an amount")]
        return None, []
    ceiling = Decimal(leg.amount)
    if state is LegState.RETURNED and leg.frozen_amount:
        ceiling = Decimal(leg.frozen_amount)
    if amount is None:
        return str(ceiling), []
    try:
        check_amount(amount, leg.currency)
    except ValueError as exc:
        return None, [FieldProblem("amount", str(exc))]
    if amount > ceiling:
        return None, [
            FieldProblem("amount", f"is more than the {ceiling} {leg.currency} it can be")
        ]
    return str(amount), []


def step(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    bus: EventBus | None,
    leg_id: int,
    change: StepIn,
    details: dict[str, Any] | None = None,
) -> PaymentLeg:
    """A step on a leg by its country: checked against the state it is in; a freeze or a
    return with its amount (all of it when not given; part of it allowed); funds moved on
    with the onward transfers the bank reported, each a new leg routed to its country. The
    requesting side is told in the leg's thread."""
    leg = session.get(PaymentLeg, leg_id) if 1 <= leg_id <= 2**31 - 1 else None
    if leg is None or leg not in access.visible_legs(principal, leg.case):
        raise NotFound(f"no I-GRIP leg {leg_id}")
    if not access.may_act_on_leg(principal, leg):
        raise PermissionDenied("only the leg's country changes its state")
    case = leg.case
    if case.status != "open":
        raise Conflict(f"case {case.reference} is closed")
    before = LegState(leg.state)
    after = change.state
    problems: list[FieldProblem] = []
    if after not in TRANSITIONS[before]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[before])) or "none"
        problems.append(FieldProblem("state", f"a leg {before.value} can go to: {allowed}"))
    amount, amount_problems = _step_amount(leg, after, change.amount)
    problems += amount_problems
    onward_payments: list[PaymentIn] = []
    if change.onward and after is not LegState.MOVED_ON:
        problems.append(FieldProblem("onward", "onward transfers go with moved_on"))
    if after is LegState.MOVED_ON and leg.hop >= MAX_HOPS:
        problems.append(FieldProblem("onward", f"a trail is followed for {MAX_HOPS} hops"))
    for n, onward in enumerate(change.onward if after is LegState.MOVED_ON else ()):
        try:
            payment = as_payment(onward, leg.currency, leg.beneficiary)
        except ValidationError as exc:
            problems += _problems(exc, f"onward.{n}.")
            continue
        if payment.value_at < _aware(leg.value_at):
            problems.append(
                FieldProblem(f"onward.{n}.value_at", "is before the money reached the account")
            )
        onward_payments.append(payment)
    if problems:
        raise InvalidInput("the step cannot be taken", problems)
    now = utcnow()
    leg.state = after.value
    leg.changed_at = now
    if leg.acknowledged_at is None:
        leg.acknowledged_at = now
    if after in ANSWERS and leg.answered_at is None:
        leg.answered_at = now
    if after is LegState.FROZEN:
        leg.frozen_amount = amount
        leg.frozen_at = leg.frozen_at or now
    if after is LegState.RETURNED:
        leg.returned_amount = amount
    _event(
        session,
        principal,
        leg,
        before,
        after,
        change.note.strip(),
        now=now,
        details={
            **({"amount": amount} if amount else {}),
            **(details or {}),
        },
    )
    new_legs = []
    if onward_payments:
        number = len(case.legs)
        for payment in onward_payments:
            number += 1
            new_legs.append(
                _new_leg(settings, principal, case, payment, number=number, parent=leg, now=now)
            )
        session.add_all(new_legs)
        session.flush()
        for new in new_legs:
            _event(
                session,
                principal,
                new,
                None,
                LegState.RECEIVED,
                f"onward from {leg.reference}",
                now=now,
            )
        identifiers = _add_identifiers(session, case, [(n, None) for n in new_legs])
        _correlate(session, case, identifiers)
        _route(session, settings=settings, principal=principal, bus=bus, case=case, legs=new_legs)
    audit.record(
        session,
        principal=principal,
        action="payment_leg.step",
        object_type="payment_leg",
        object_id=leg.id,
        object_country=case.requesting_country,
        details={
            "from": before.value,
            "to": after.value,
            **({"amount": amount, "currency": leg.currency} if amount else {}),
            "onward": [n.id for n in new_legs],
        },
    )
    _tell_requester(session, settings, principal, bus, leg, after, amount, change.note)
    return leg


def _tell_requester(
    session: Session,
    settings: Settings,
    principal: Principal,
    bus: EventBus | None,
    leg: PaymentLeg,
    state: LegState,
    amount: str | None,
    note: str,
) -> None:
    """The requesting agency hears of the step as a reply in the leg's thread."""
    case = leg.case
    requester = session.get(Agency, case.requesting_agency_id)
    if requester is None or requester.id == principal.agency_id or leg.message_id is None:
        return
    words = state.value.replace("_", " ")
    fields: dict[str, Any] = {
        "case": case.reference,
        "leg": leg.reference,
        "leg_id": leg.id,
        "state": state.value,
    }
    if amount:
        fields |= {"amount": amount, "currency": leg.currency}
    if note.strip():
        fields["note"] = note.strip()[:5000]
    messaging.send_many(
        session,
        settings=settings,
        principal=principal,
        bus=bus,
        drafts=[
            messaging.Draft(
                subject=f"I-GRIP {leg.reference}: {words}"
                + (f" ({amount} {leg.currency})" if amount else ""),
                body=(
                    f"The leg {leg.reference} of case {case.reference} is now {words}"
                    + (f": {amount} {leg.currency}" if amount else "")
                    + "."
                    + (f" {note.strip()}" if note.strip() else "")
                ),
                address=messaging.Address(agencies=(requester.code,)),
                priority="urgent" if state in (LegState.FROZEN, LegState.MOVED_ON) else "routine",
                form=Form.PAYMENT_UPDATE.value,
                form_data=fields,
                references=(("payment_case", case.id), ("payment_leg", leg.id)),
                in_reply_to=leg.message_id,
            )
        ],
        system=True,
    )


def close_case(session: Session, *, principal: Principal, case_id: int, note: str) -> PaymentCase:
    """The requesting side closes its case (nothing more is done on its legs)."""
    case = get_case(session, principal=principal, case_id=case_id)
    if not access.may_close(principal, case):
        raise PermissionDenied("only the requesting side closes the case")
    if case.status != "open":
        raise Conflict(f"case {case.reference} is already closed")
    text = note.strip()
    if not 1 <= len(text) <= 5000:
        raise InvalidInput.on("note", "say why the case is closed (1 to 5,000 characters)")
    case.status = "closed"
    case.closed_at = utcnow()
    case.closed_by = principal.name
    case.closing_note = text
    audit.record(
        session,
        principal=principal,
        action="payment_case.close",
        object_type="payment_case",
        object_id=case.id,
        object_country=case.requesting_country,
    )
    return case


# ---------------------------------------------------------------- ISO 20022


def cancellation_request(
    session: Session, *, principal: Principal, leg_id: int
) -> tuple[str, bytes]:
    """The leg's payment cancellation request (camt.056.001.08), validated; its file name."""
    leg = get_leg(session, principal=principal, leg_id=leg_id)
    case = leg.case
    ordering = leg.ordering
    requester = session.get(Agency, case.requesting_agency_id)
    victim = case.victim
    request = iso20022.CancellationRequest(
        message_id=f"BB{uuid.uuid4().hex[:30]}",
        case_id=leg.reference,
        created_at=utcnow().replace(microsecond=0),
        assigner_bic=ordering.get("bic"),
        assigner_name=(requester.name if requester else case.requesting_country)[:140],
        assignee_bic=leg.beneficiary_bic,
        assignee_name=(leg.beneficiary_bank or leg.beneficiary_name)[:140],
        uetr=leg.uetr,
        end_to_end_id=leg.end_to_end_id,
        instruction_id=None if (leg.uetr or leg.end_to_end_id) else leg.reference,
        amount=Decimal(leg.amount),
        currency=leg.currency,
        value_date=_aware(leg.value_at).date(),
        debtor_name=str(victim.get("name", "?"))[:140],
        debtor_account=_iso_account(ordering),
        creditor_name=leg.beneficiary_name[:140],
        creditor_account=_iso_account(leg.beneficiary),
        reason_code="FRAD",
        additional_information=(f"Police request {case.reference}: fraud",),
    )
    try:
        xml = iso20022.camt056(request)
    except iso20022.Iso20022Error as exc:
        raise InvalidInput(
            "the leg cannot be written as a camt.056", [FieldProblem(f, r) for f, r in exc.problems]
        ) from None
    audit.record(
        session,
        principal=principal,
        action="payment_leg.camt056",
        object_type="payment_leg",
        object_id=leg.id,
        object_country=case.requesting_country,
    )
    return f"{leg.reference}-camt.056.xml", xml


def _iso_account(account: dict[str, Any]) -> str:
    if account.get("iban"):
        return str(account["iban"])
    for name in ("national_account_number", "wallet_address", "wallet_id"):
        if account.get(name):
            return str(account[name])[:34]
    return "UNKNOWN"


OUTCOME_STATES = {
    "returned": LegState.RETURNED,
    "frozen": LegState.FROZEN,
    "moved_on": LegState.MOVED_ON,
    "nothing_found": LegState.NOTHING_FOUND,
    "bank_requested": LegState.BANK_REQUESTED,
}


def apply_resolution(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    bus: EventBus | None,
    xml: bytes,
) -> PaymentLeg:
    """A bank's resolution of investigation (camt.029) read into its leg's state: the leg is
    found by the case id we wrote in the camt.056 (its reference) or by the UETR."""
    try:
        resolution = iso20022.read_camt029(xml)
    except iso20022.Iso20022Error as exc:
        raise InvalidInput(
            "the file is not a readable camt.029",
            [
                FieldProblem(f"file{'' if f.startswith('/') else '.'}{f}", r)
                for f, r in exc.problems
            ],
        ) from None
    leg = session.scalar(select(PaymentLeg).where(PaymentLeg.reference == resolution.case_id))
    if leg is None and resolution.uetr:
        leg = session.scalar(
            select(PaymentLeg)
            .where(PaymentLeg.uetr == resolution.uetr)
            .order_by(PaymentLeg.id.desc())
            .limit(1)
        )
    if leg is None or leg not in access.visible_legs(principal, leg.case):
        raise NotFound(f"no I-GRIP leg for case id {resolution.case_id!r}")
    target = OUTCOME_STATES[resolution.outcome]
    if target is LegState(leg.state):
        raise Conflict(f"the leg {leg.reference} is already {target.value}")
    amount = resolution.returned_amount if target is LegState.RETURNED else None
    if amount is not None and resolution.returned_currency not in (None, leg.currency):
        amount = None  # returned in another currency: the amount is noted, not compared
    note = "; ".join(
        [
            f"camt.029 {resolution.status}"
            + (f" ({', '.join(resolution.reason_codes)})" if resolution.reason_codes else ""),
            *resolution.additional_information,
        ]
    )[:5000]
    return step(
        session,
        settings=settings,
        principal=principal,
        bus=bus,
        leg_id=leg.id,
        change=StepIn(state=target, note=note, amount=amount),
        details={
            "camt029": resolution.message_id,
            "status": resolution.status,
            "reasons": list(resolution.reason_codes),
        },
    )


# ---------------------------------------------------------------- escalation


def escalate_overdue(
    session: Session, *, settings: Settings, bus: EventBus | None, now: dt.datetime | None = None
) -> int:
    """Each leg past its acknowledgement or answer target is escalated once per target: an
    immediate message to its country's NCB from the requesting agency, and an event on the
    leg. How many were escalated."""
    now = now or utcnow()
    candidates = session.scalars(
        select(PaymentLeg)
        .join(PaymentCase, PaymentCase.id == PaymentLeg.case_id)
        .where(
            PaymentCase.status == "open",
            PaymentLeg.state.in_([s.value for s in OPEN_STATES]),
            or_(PaymentLeg.acknowledge_due_at < now, PaymentLeg.answer_due_at < now),
        )
        .with_for_update(skip_locked=True)
    ).all()
    escalated = 0
    by_requester: dict[int, list[tuple[PaymentLeg, str]]] = defaultdict(list)
    for leg in candidates:
        missed = [s for s in overdue_stages(leg, now) if s not in leg.escalated]
        if not missed:
            continue
        stage = missed[-1]
        leg.escalated = [*leg.escalated, *missed]
        by_requester[leg.case.requesting_agency_id].append((leg, stage))
        escalated += 1
        audit.record(
            session,
            context=RequestContext(channel=Channel.SYSTEM),
            actor_name=SYSTEM,
            action="payment_leg.escalate",
            object_type="payment_leg",
            object_id=leg.id,
            object_country=leg.case.requesting_country,
            details={"stages": missed, "country": leg.beneficiary_country},
        )
    for agency_id, legs in by_requester.items():
        sender = _agency_principal(session, agency_id)
        if sender is None:
            continue
        ncbs = messaging.Directory(session).ncbs(leg.beneficiary_country for leg, _ in legs)
        drafts = []
        for leg, stage in legs:
            ncb = ncbs.get(leg.beneficiary_country)
            if ncb is None or ncb.id == agency_id:
                continue
            what = "acknowledged" if stage == "acknowledge" else "answered"
            drafts.append(
                messaging.Draft(
                    subject=f"I-GRIP {leg.reference}: overdue, not {what}",
                    body=(
                        f"The leg {leg.reference} ({leg.amount} {leg.currency} to "
                        f"{leg.beneficiary_name}) has not been {what} in time. Every hour "
                        "lowers the chance of stopping the money: please act now."
                    ),
                    address=messaging.Address(agencies=(ncb.code,)),
                    priority="immediate",
                    references=(("payment_case", leg.case_id), ("payment_leg", leg.id)),
                    in_reply_to=leg.message_id,
                )
            )
        if drafts:
            messaging.send_many(
                session, settings=settings, principal=sender, bus=bus, drafts=drafts, system=True
            )
    return escalated


def _agency_principal(session: Session, agency_id: int) -> Principal | None:
    """The platform acting for an agency (its escalations), with the officer's rights."""
    from bluebridge.access.principal import PrincipalKind, Role

    agency = session.get(Agency, agency_id)
    if agency is None:
        return None
    return Principal(
        kind=PrincipalKind.OPERATOR,
        id=None,
        name=SYSTEM,
        agency_id=agency.id,
        agency_kind=agency.kind,
        country=agency.country,
        roles=frozenset({Role.OFFICER}),
        context=RequestContext(channel=Channel.SYSTEM),
        second_factor=True,
        region=agency.region,
        specialty=agency.specialty,
    )


# ---------------------------------------------------------------- the dashboard


@dataclass
class Dashboard:
    """What everyone with I-GRIP sees: the network's figures, no case's content."""

    cases: int = 0
    legs: int = 0
    reported: dict[str, Decimal] = field(default_factory=dict)  # per currency
    frozen: dict[str, Decimal] = field(default_factory=dict)
    returned: dict[str, Decimal] = field(default_factory=dict)
    reported_usd: Decimal = Decimal(0)
    frozen_usd: Decimal = Decimal(0)
    returned_usd: Decimal = Decimal(0)
    unconverted: list[str] = field(default_factory=list)  # currencies with no rate
    median_hours_to_first_freeze: float | None = None
    overdue: int = 0
    by_fraud_type: dict[str, int] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)
    country_pairs: dict[tuple[str, str], int] = field(default_factory=dict)  # legs
    frozen_usd_by_country: dict[str, Decimal] = field(default_factory=dict)
    reported_usd_by_country: dict[str, Decimal] = field(default_factory=dict)


def dashboard(session: Session, *, settings: Settings, principal: Principal) -> Dashboard:
    """The network's figures: amounts reported, frozen and returned per currency and in US
    dollars at the rates table, the median time from report to first freeze, the legs
    overdue, cases by fraud type and legs by country pair."""
    if not access.may_use(principal):
        raise PermissionDenied("I-GRIP is for NCBs, financial and cyber units, and the GS")
    rates = {code.upper(): Decimal(rate) for code, rate in settings.igrip_rates.items()}
    figures = Dashboard()
    figures.cases = int(session.scalar(select(func.count()).select_from(PaymentCase)) or 0)
    figures.by_fraud_type = dict(
        Counter(
            dict(
                session.execute(
                    select(PaymentCase.fraud_type, func.count()).group_by(PaymentCase.fraud_type)
                ).all()
            )
        )
    )
    reported: dict[str, Decimal] = defaultdict(Decimal)
    frozen: dict[str, Decimal] = defaultdict(Decimal)
    returned: dict[str, Decimal] = defaultdict(Decimal)
    unconverted = set()
    hours = []
    now = utcnow()
    rows = session.execute(
        select(
            PaymentLeg.amount,
            PaymentLeg.currency,
            PaymentLeg.frozen_amount,
            PaymentLeg.returned_amount,
            PaymentLeg.state,
            PaymentLeg.hop,
            PaymentLeg.beneficiary_country,
            PaymentLeg.frozen_at,
            PaymentLeg.acknowledge_due_at,
            PaymentLeg.answer_due_at,
            PaymentCase.requesting_country,
            PaymentCase.reported_at,
            PaymentCase.status,
        ).join(PaymentCase, PaymentCase.id == PaymentLeg.case_id)
    ).all()

    def usd(amount: Decimal, currency: str) -> Decimal:
        rate = rates.get(currency)
        if rate is None:
            unconverted.add(currency)
            return Decimal(0)
        return amount * rate

    states: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    frozen_by: dict[str, Decimal] = defaultdict(Decimal)
    reported_by: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        figures.legs += 1
        states[row.state] += 1
        pairs[(row.requesting_country, row.beneficiary_country)] += 1
        if row.hop == 1:  # onward legs move the same money again: counted once
            reported[row.currency] += Decimal(row.amount)
            reported_by[row.beneficiary_country] += usd(Decimal(row.amount), row.currency)
        if row.frozen_amount:
            frozen[row.currency] += Decimal(row.frozen_amount)
            frozen_by[row.beneficiary_country] += usd(Decimal(row.frozen_amount), row.currency)
        if row.returned_amount:
            returned[row.currency] += Decimal(row.returned_amount)
        if row.frozen_at is not None and row.reported_at is not None:
            hours.append((_aware(row.frozen_at) - _aware(row.reported_at)).total_seconds() / 3600)
        leg_state = LegState(row.state)
        if row.status == "open" and (
            (leg_state is LegState.RECEIVED and now > _aware(row.acknowledge_due_at))
            or (leg_state in OPEN_STATES and now > _aware(row.answer_due_at))
        ):
            figures.overdue += 1
    figures.reported = dict(sorted(reported.items()))
    figures.frozen = dict(sorted(frozen.items()))
    figures.returned = dict(sorted(returned.items()))
    figures.reported_usd = sum((usd(a, c) for c, a in reported.items()), Decimal(0))
    figures.frozen_usd = sum((usd(a, c) for c, a in frozen.items()), Decimal(0))
    figures.returned_usd = sum((usd(a, c) for c, a in returned.items()), Decimal(0))
    figures.unconverted = sorted(unconverted)
    figures.median_hours_to_first_freeze = round(statistics.median(hours), 1) if hours else None
    figures.by_state = {s.value: states.get(s.value, 0) for s in LegState}
    figures.country_pairs = dict(pairs.most_common())
    figures.frozen_usd_by_country = dict(frozen_by)
    figures.reported_usd_by_country = dict(reported_by)
    return figures


# ---------------------------------------------------------------- the money flow


@dataclass(frozen=True, slots=True)
class FlowNode:
    """An account of the money flow: who holds it, where, and what is frozen on it."""

    id: str  # the account as people read it
    holder: str  # "?" when not known
    country: str  # "" for the victim's account
    frozen: dict[str, Decimal]  # per currency
    victim: bool = False


@dataclass(frozen=True, slots=True)
class FlowEdge:
    source: str
    target: str
    leg: PaymentLeg


def money_flow(principal: Principal, case: PaymentCase) -> tuple[list[FlowNode], list[FlowEdge]]:
    """The case's money flow as the principal may see it: accounts as nodes (the victim's
    first), transfers as edges, the frozen amounts on the accounts that hold them."""
    legs = access.visible_legs(principal, case)
    nodes: dict[str, FlowNode] = {}
    edges = []
    for leg in legs:
        source = account_text(leg.ordering)
        target = account_text(leg.beneficiary)
        if source not in nodes:
            first = leg.hop == 1
            holder = str(case.victim.get("name", "?")) if first else "?"
            nodes[source] = FlowNode(source, holder, "", {}, victim=first)
        held = nodes.get(target)
        frozen = dict(held.frozen) if held else {}
        if leg.frozen_amount:
            frozen[leg.currency] = frozen.get(leg.currency, Decimal(0)) + Decimal(leg.frozen_amount)
        nodes[target] = FlowNode(
            target,
            leg.beneficiary_name,
            leg.beneficiary_country,
            frozen,
            victim=held.victim if held else False,
        )
        edges.append(FlowEdge(source, target, leg))
    return list(nodes.values()), edges


__all__ = [
    "TRANSITIONS",
    "Alert",
    "Dashboard",
    "alerts",
    "apply_resolution",
    "cancellation_request",
    "close_case",
    "dashboard",
    "escalate_overdue",
    "file_case",
    "get_case",
    "get_leg",
    "is_overdue",
    "list_cases",
    "money_flow",
    "name_key",
    "parse_filing",
    "parse_step",
    "queue",
    "step",
]
