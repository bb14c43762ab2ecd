"""HTTP routes of the audit domain: reading the log and checking the chain."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from bluebridge.access import rules
from bluebridge.access.principal import Role
from bluebridge.api.deps import ApiPrincipal, DbSession
from bluebridge.audit import service
from bluebridge.errors import PermissionDenied
from bluebridge.members.schemas import SINGLE_LINE, PageOut

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: dt.datetime
    actor_kind: str
    actor_id: int | None
    actor_name: str
    agency_id: int | None
    country: str | None
    channel: str
    action: str
    outcome: str
    object_type: str | None
    object_id: str | None
    object_country: str | None
    request_id: str | None
    client_address: str | None
    details: str
    hash: str


class ChainReportOut(BaseModel):
    intact: bool
    events_checked: int
    first_problem_seq: int | None
    reason: str | None


@router.get("/events", response_model=PageOut[AuditEventOut])
def list_events(
    session: DbSession,
    principal: ApiPrincipal,
    action: Annotated[str | None, Query(max_length=64, pattern=SINGLE_LINE)] = None,
    object_type: Annotated[str | None, Query(max_length=40, pattern=SINGLE_LINE)] = None,
    object_id: Annotated[str | None, Query(max_length=64, pattern=SINGLE_LINE)] = None,
    actor: Annotated[str | None, Query(max_length=200, pattern=SINGLE_LINE)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    result = service.list_events(
        session,
        principal=principal,
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor_name=actor,
        page=page,
        per_page=per_page,
    )
    return {
        "items": [AuditEventOut.model_validate(e) for e in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
    }


@router.get("/verify", response_model=ChainReportOut, summary="Check the whole chain")
def verify(session: DbSession, principal: ApiPrincipal) -> ChainReportOut:
    if not rules.is_platform_administrator(principal) and not (
        principal.agency_kind == rules.GENERAL_SECRETARIAT
        and principal.has_role(Role.DATA_PROTECTION_OFFICER)
    ):
        raise PermissionDenied(
            "only the General Secretariat's administrators and DPO check the chain"
        )
    report = service.verify_chain(session)
    service.record(
        session,
        principal=principal,
        action="audit.verify",
        outcome=service.Outcome.SUCCESS if report.intact else service.Outcome.FAILURE,
        details={"intact": report.intact, "events": report.events_checked},
    )
    return ChainReportOut(
        intact=report.intact,
        events_checked=report.events_checked,
        first_problem_seq=report.problem.seq if report.problem else None,
        reason=report.problem.reason if report.problem else None,
    )
