"""HTTP routes of I-GRIP under /api/v1/igrip: file a request, the cases and one case (its legs,
alerts and money flow as the caller may see them), close a case, the desk's queue, one leg,
a step on a leg, a leg's camt.056, a bank's camt.029 read into its leg, the dashboard's
figures, and the escalation run."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from bluebridge.access.principal import Principal
from bluebridge.api.deps import ApiPrincipal, DbSession, SettingsDep, get_runtime
from bluebridge.payments import service, tracing
from bluebridge.payments.models import LegEvent, PaymentCase, PaymentLeg
from bluebridge.payments.schemas import CloseIn, FilingIn, FraudType, StepIn
from bluebridge.settings import Settings

router = APIRouter(prefix="/igrip", tags=["I-GRIP"])
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
LegId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class EventOut(BaseModel):
    at: dt.datetime
    actor: str
    from_state: str | None
    to_state: str
    note: str
    details: dict[str, Any]


class LegOut(BaseModel):
    id: int
    reference: str
    case_id: int
    case_reference: str
    parent_id: int | None
    hop: int
    amount: str
    currency: str
    value_at: dt.datetime
    ordering: dict[str, Any]
    beneficiary: dict[str, Any]
    beneficiary_name: str
    beneficiary_bank: str | None
    beneficiary_bic: str | None
    beneficiary_country: str
    uetr: str | None
    end_to_end_id: str | None
    state: str
    frozen_amount: str | None
    returned_amount: str | None
    acknowledge_due_at: dt.datetime
    answer_due_at: dt.datetime
    overdue: str | None = Field(description="acknowledge or answer: the target it is past")
    escalated: list[str]
    message_id: int | None
    financial_record_id: int | None
    events: list[EventOut]


class AlertOut(BaseModel):
    kind: str
    value: str
    other_country: str
    other_reference: str | None = Field(description="only when you see the other case")
    at: dt.datetime


class CaseSummaryOut(BaseModel):
    id: int
    reference: str
    fraud_type: str
    status: str
    requesting_country: str
    victim: dict[str, Any]
    created_at: dt.datetime
    legs: int = Field(description="the legs you see")


class FindingOut(BaseModel):
    message_id: int
    sender: str
    notice_id: int
    kind: str
    description: str
    location: str | None
    identifier: str | None
    value: str | None
    currency: str | None
    sent_at: dt.datetime


class AssetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["account", "property", "vehicle", "company", "crypto_asset", "other"]
    description: str = Field(min_length=1, max_length=5000)
    location: str | None = Field(default=None, max_length=300)


class TracingIn(BaseModel):
    """A silver notice drafted from the case: the persons or companies whose assets are traced
    (their record ids), and assets to locate beyond the case's accounts."""

    model_config = ConfigDict(extra="forbid")

    subjects: list[Annotated[int, Field(ge=1, le=2**53)]] = Field(
        default_factory=list, max_length=20
    )
    summary: str | None = Field(default=None, min_length=1, max_length=300)
    assets: list[AssetIn] = Field(default_factory=list, max_length=40)


class TracingOut(BaseModel):
    notice_id: int
    reference: str
    status: str


class CaseOut(CaseSummaryOut):
    summary: str
    fraudster_emails: list[str]
    reported_at: dt.datetime
    closed_at: dt.datetime | None
    closing_note: str | None
    whole: bool = Field(description="whether you see the whole case (the requesting side)")
    leg_list: list[LegOut]
    alerts: list[AlertOut]
    notices: list[int] = Field(description="the silver notices asked from the case")
    findings: list[FindingOut] = Field(description="the assets found for them")


class PairOut(BaseModel):
    from_country: str = Field(description="the requesting country")
    to_country: str = Field(description="the beneficiary's country")
    legs: int


class DashboardOut(BaseModel):
    cases: int
    legs: int
    reported: dict[str, Decimal]
    frozen: dict[str, Decimal]
    returned: dict[str, Decimal]
    reported_usd: Decimal
    frozen_usd: Decimal
    returned_usd: Decimal
    unconverted: list[str]
    median_hours_to_first_freeze: float | None
    overdue: int
    by_fraud_type: dict[str, int]
    by_state: dict[str, int]
    country_pairs: list[PairOut]
    reported_usd_by_country: dict[str, Decimal]
    frozen_usd_by_country: dict[str, Decimal]


class EscalationOut(BaseModel):
    escalated: int


def _event_out(event: LegEvent) -> EventOut:
    return EventOut(
        at=event.at,
        actor=event.actor_name,
        from_state=event.from_state,
        to_state=event.to_state,
        note=event.note,
        details=event.details,
    )


def leg_out(leg: PaymentLeg) -> LegOut:
    return LegOut(
        id=leg.id,
        reference=leg.reference,
        case_id=leg.case_id,
        case_reference=leg.case.reference,
        parent_id=leg.parent_id,
        hop=leg.hop,
        amount=leg.amount,
        currency=leg.currency,
        value_at=leg.value_at,
        ordering=leg.ordering,
        beneficiary=leg.beneficiary,
        beneficiary_name=leg.beneficiary_name,
        beneficiary_bank=leg.beneficiary_bank,
        beneficiary_bic=leg.beneficiary_bic,
        beneficiary_country=leg.beneficiary_country,
        uetr=leg.uetr,
        end_to_end_id=leg.end_to_end_id,
        state=leg.state,
        frozen_amount=leg.frozen_amount,
        returned_amount=leg.returned_amount,
        acknowledge_due_at=leg.acknowledge_due_at,
        answer_due_at=leg.answer_due_at,
        overdue=service.is_overdue(leg),
        escalated=list(leg.escalated),
        message_id=leg.message_id,
        financial_record_id=leg.financial_record_id,
        events=[_event_out(e) for e in leg.events],
    )


def _summary(principal: Principal, case: PaymentCase) -> dict[str, Any]:
    from bluebridge.access import payments as access

    return {
        "id": case.id,
        "reference": case.reference,
        "fraud_type": case.fraud_type,
        "status": case.status,
        "requesting_country": case.requesting_country,
        "victim": case.victim,
        "created_at": case.created_at,
        "legs": len(access.visible_legs(principal, case)),
    }


def case_out(
    session: DbSession, settings: Settings, principal: Principal, case: PaymentCase
) -> CaseOut:
    from bluebridge.access import payments as access

    whole = access.sees_whole_case(principal, case)
    found = (
        tracing.findings(
            session, settings=settings, principal=principal, notice_ids=case.notice_ids
        )
        if whole
        else []
    )
    return CaseOut(
        **_summary(principal, case),
        summary=case.summary if whole else "",
        fraudster_emails=case.fraudster_emails if whole else [],
        reported_at=case.reported_at,
        closed_at=case.closed_at,
        closing_note=case.closing_note if whole else None,
        whole=whole,
        leg_list=[leg_out(leg) for leg in access.visible_legs(principal, case)],
        alerts=[
            AlertOut(
                kind=a.kind,
                value=a.value,
                other_country=a.other_country,
                other_reference=a.other_reference,
                at=a.at,
            )
            for a in service.alerts(session, principal=principal, case=case)
        ],
        notices=list(case.notice_ids) if whole else [],
        findings=[FindingOut(**dataclasses.asdict(f)) for f in found],
    )


@router.post("/cases", response_model=CaseOut, status_code=status.HTTP_201_CREATED)
def file_case(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    body: FilingIn,
) -> CaseOut:
    """File a request: each payment becomes a leg, routed at once to its country's NCB and
    financial investigations units as an urgent message on the secure network."""
    case = service.file_case(
        session,
        settings=settings,
        principal=principal,
        bus=get_runtime(request).bus,
        filing=body,
    )
    return case_out(session, settings, principal, case)


@router.get("/cases", response_model=dict[str, Any])
def list_cases(
    session: DbSession,
    principal: ApiPrincipal,
    status_: Annotated[str | None, Query(alias="status", pattern=r"^(open|closed)$")] = None,
    fraud_type: FraudType | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The cases you see, newest first."""
    result = service.list_cases(
        session,
        principal=principal,
        status=status_,
        fraud_type=fraud_type.value if fraud_type else None,
        page=page,
        per_page=per_page,
    )
    return {
        "items": [CaseSummaryOut(**_summary(principal, c)) for c in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
    }


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(
    session: DbSession, settings: SettingsDep, principal: ApiPrincipal, case_id: CaseId
) -> CaseOut:
    """One case as you may see it: the whole of it for the requesting side; for a leg's
    country, its legs and those next to them on the money's path."""
    case = service.get_case(session, principal=principal, case_id=case_id)
    return case_out(session, settings, principal, case)


@router.post("/cases/{case_id}/close", response_model=CaseOut)
def close_case(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    case_id: CaseId,
    body: CloseIn,
) -> CaseOut:
    """Close a case (the requesting side only)."""
    case = service.close_case(session, principal=principal, case_id=case_id, note=body.note)
    return case_out(session, settings, principal, case)


@router.post(
    "/cases/{case_id}/tracing", response_model=TracingOut, status_code=status.HTTP_201_CREATED
)
def request_tracing(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    case_id: CaseId,
    body: TracingIn,
) -> TracingOut:
    """Draft a silver notice from the case (countries of the silver pilot): its facts, its
    beneficiary accounts and the assets given, to locate; submit it through /notices."""
    notice = tracing.request_tracing(
        session,
        settings=settings,
        principal=principal,
        case_id=case_id,
        subjects=body.subjects,
        summary=body.summary,
        assets=[a.model_dump(exclude_none=True) for a in body.assets],
    )
    return TracingOut(notice_id=notice.id, reference=notice.reference, status=notice.status)


@router.get("/queue", response_model=list[LegOut])
def desk_queue(session: DbSession, principal: ApiPrincipal) -> list[LegOut]:
    """The legs waiting on your country, the most urgent first."""
    return [leg_out(leg) for leg in service.queue(session, principal=principal)]


@router.get("/legs/{leg_id}", response_model=LegOut)
def get_leg(session: DbSession, principal: ApiPrincipal, leg_id: LegId) -> LegOut:
    return leg_out(service.get_leg(session, principal=principal, leg_id=leg_id))


@router.post("/legs/{leg_id}/steps", response_model=LegOut)
def take_step(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    leg_id: LegId,
    body: StepIn,
) -> LegOut:
    """A step on a leg, by its country: acknowledged, bank_requested, frozen (with the amount,
    part allowed), moved_on (with the onward transfers, each a new leg), nothing_found,
    returned, closed."""
    leg = service.step(
        session,
        settings=settings,
        principal=principal,
        bus=get_runtime(request).bus,
        leg_id=leg_id,
        change=body,
    )
    return leg_out(leg)


@router.get(
    "/legs/{leg_id}/camt056",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def camt056(session: DbSession, principal: ApiPrincipal, leg_id: LegId) -> Response:
    """The leg's payment cancellation request (ISO 20022 camt.056.001.08), validated."""
    name, xml = service.cancellation_request(session, principal=principal, leg_id=leg_id)
    return Response(
        xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/resolutions", response_model=LegOut)
def resolution(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    body: Annotated[bytes, Body(media_type="application/xml")],
) -> LegOut:
    """A bank's resolution of investigation (ISO 20022 camt.029.001.09, as the request body)
    read into its leg's state."""
    from bluebridge.errors import InvalidInput

    if not body:
        raise InvalidInput.on("body", "send the camt.029 document as the request body")
    leg = service.apply_resolution(
        session, settings=settings, principal=principal, bus=get_runtime(request).bus, xml=body
    )
    return leg_out(leg)


@router.get("/dashboard", response_model=DashboardOut)
def dashboard(session: DbSession, settings: SettingsDep, principal: ApiPrincipal) -> DashboardOut:
    """The network's figures: amounts reported, frozen and returned (per currency and in US
    dollars at the rates table), the median time to the first freeze, the legs overdue, the
    cases by fraud type and the legs by country pair."""
    figures = service.dashboard(session, settings=settings, principal=principal)
    values = vars(figures) | {
        "country_pairs": [
            PairOut(from_country=a, to_country=b, legs=n)
            for (a, b), n in figures.country_pairs.items()
        ]
    }
    return DashboardOut(**values)


@router.post(
    "/escalation", response_model=EscalationOut, summary="Escalate overdue legs (operators)"
)
def escalation(
    request: Request, session: DbSession, settings: SettingsDep, principal: ApiPrincipal
) -> EscalationOut:
    from bluebridge.access.rules import is_platform_administrator
    from bluebridge.errors import PermissionDenied

    if not is_platform_administrator(principal):
        raise PermissionDenied("the escalation run is for the platform's administrators")
    count = service.escalate_overdue(session, settings=settings, bus=get_runtime(request).bus)
    return EscalationOut(escalated=count)


__all__ = ["router"]
