"""Tracing assets (the silver notice pilot): from an I-GRIP case, or alone, a country of the
pilot requests the tracing of the assets linked to a person or a company. The request is the
notices domain's silver notice, so it goes through the same checks and compliance review, and
is seen only in the pilot's countries. From a case, the notice is drafted with the case's
facts and every beneficiary account of its legs as an asset to locate, and the case keeps a
link to it.

The participating countries answer with what they find, each asset as an `assets_found`
message that refers to the notice; the requesting NCB reads the answers with the notice, and
they support its bilateral requests for seizure or confiscation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluebridge.access import payments as access
from bluebridge.access.principal import Principal
from bluebridge.audit import service as audit
from bluebridge.errors import Conflict, PermissionDenied
from bluebridge.messaging import service as messaging
from bluebridge.messaging.forms import Form
from bluebridge.messaging.models import Message
from bluebridge.notices import service as notices
from bluebridge.notices.enums import Kind, NoticeType
from bluebridge.notices.models import Notice
from bluebridge.payments import service
from bluebridge.payments.models import PaymentCase
from bluebridge.settings import Settings

ASSET_KINDS = ("account", "property", "vehicle", "company", "crypto_asset", "other")


def _assets(case: PaymentCase) -> list[dict[str, Any]]:
    """Every beneficiary account of the case, once, as an asset to locate."""
    seen: dict[str, dict[str, Any]] = {}
    for leg in case.legs:
        account = service.account_text(leg.beneficiary)
        if account in seen:
            continue
        crypto = leg.beneficiary.get("account_type") == "crypto_wallet"
        held = f", {leg.frozen_amount} {leg.currency} frozen" if leg.frozen_amount else ""
        seen[account] = {
            "kind": "crypto_asset" if crypto else "account",
            "description": (
                f"{account} held by {leg.beneficiary_name}"
                + (f" at {leg.beneficiary_bank}" if leg.beneficiary_bank else "")
                + f": received {leg.amount} {leg.currency} ({leg.reference}){held}"
            )[:5000],
            "location": leg.beneficiary_country,
        }
    return list(seen.values())[:50]


def request_tracing(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    case_id: int,
    subjects: Sequence[int],
    summary: str | None = None,
    assets: Sequence[dict[str, Any]] = (),
) -> Notice:
    """Draft a silver notice from a case: its facts, the fraud as the offence, the case's
    beneficiary accounts (and any other assets given) to locate, the person or company records
    named as subjects. The requesting side of the case drafts it; the notices rules decide the
    rest (the pilot's NCBs only, then the checks and the review when it is submitted)."""
    case = service.get_case(session, principal=principal, case_id=case_id)
    if not access.is_requesting_side(principal, case):
        raise PermissionDenied("the requesting side of the case asks for its assets' tracing")
    if case.status != "open":
        raise Conflict(f"case {case.reference} is closed")
    content = {
        "summary": (summary or f"Assets linked to the fraud of I-GRIP case {case.reference}")[:300],
        "facts": (
            f"I-GRIP case {case.reference} ({case.fraud_type.replace('_', ' ')}): "
            f"{case.summary or 'payments obtained by fraud'}"
        )[:5000],
        "offences": [
            {
                "category": "fraud",
                "description": f"{case.fraud_type.replace('_', ' ')} (I-GRIP {case.reference})",
            }
        ],
        "assets": [*_assets(case), *assets][:50],
    }
    notice = notices.create(
        session,
        settings=settings,
        principal=principal,
        kind=Kind.NOTICE.value,
        type=NoticeType.SILVER.value,
        draft=notices.Draft(
            content=content,
            subjects=tuple(notices.SubjectIn(record_id=r) for r in subjects),
        ),
    )
    case.notice_ids = [*case.notice_ids, notice.id]
    audit.record(
        session,
        principal=principal,
        action="payment_case.tracing_requested",
        object_type="payment_case",
        object_id=case.id,
        object_country=case.requesting_country,
        details={"notice": notice.id},
    )
    return notice


@dataclass(frozen=True, slots=True)
class Finding:
    """An asset a country found for a silver notice, as its answer said."""

    message_id: int
    sender: str
    notice_id: int
    kind: str
    description: str
    location: str | None
    identifier: str | None
    value: str | None
    currency: str | None
    sent_at: Any


def findings(
    session: Session, *, settings: Settings, principal: Principal, notice_ids: Sequence[int]
) -> list[Finding]:
    """The assets found for these silver notices, in the answers the principal may read."""
    if not notice_ids:
        return []
    wanted = set(notice_ids)
    candidates = session.scalars(
        select(Message)
        .where(Message.form == Form.ASSETS_FOUND.value, messaging.visible(session, principal))
        .order_by(Message.sent_at, Message.id)
        .limit(2000)
    ).all()
    found = []
    for message in candidates:
        about = [r["id"] for r in message.references if r.get("type") == "notice"]
        matching = [n for n in about if n in wanted]
        if not matching:
            continue
        try:
            content = messaging.content_of(
                session, settings=settings, principal=principal, message=message
            )
        except Conflict:
            continue  # an altered answer is not taken for a finding
        fields = content.get("form") or {}
        found.append(
            Finding(
                message_id=message.id,
                sender=str(message.envelope.get("sender", "?")),
                notice_id=matching[0],
                kind=str(fields.get("kind", "other")),
                description=str(fields.get("description", "")),
                location=fields.get("location"),
                identifier=fields.get("identifier"),
                value=fields.get("value"),
                currency=fields.get("currency"),
                sent_at=message.sent_at,
            )
        )
    return found


__all__ = ["ASSET_KINDS", "Finding", "findings", "request_tracing"]
