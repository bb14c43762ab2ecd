"""HTTP routes of notices and diffusions under /api/v1/notices (request, change, submit, send,
decide, cancel, withdraw, extend, acknowledge, convert; read, list, the review queue and
dashboard; the PDF), and the public extracts under /public/notices, unauthenticated,
paginated and rate-limited."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status

from bluebridge.access import notices as access
from bluebridge.access import records as record_access
from bluebridge.access.principal import Principal
from bluebridge.api.deps import ApiPrincipal, DbSession, SettingsDep
from bluebridge.errors import TooManyRequests
from bluebridge.members.schemas import PageOut
from bluebridge.notices import service
from bluebridge.notices.content import NoticeContent
from bluebridge.notices.enums import Kind
from bluebridge.notices.models import Notice
from bluebridge.notices.schemas import (
    ContactOut,
    DashboardOut,
    DecisionIn,
    EventOut,
    ExpiryOut,
    FlagOut,
    NoticeChange,
    NoticeIn,
    NoticeOut,
    NoticeSummaryOut,
    PublicPageOut,
    ReasonsIn,
    RecipientOut,
    RecipientsIn,
    SubjectIn,
    SubjectOut,
)

router = APIRouter(prefix="/notices", tags=["notices"])
public_router = APIRouter(prefix="/public/notices", tags=["public notices"])

NoticeId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]


def summary_out(notice: Notice) -> NoticeSummaryOut:
    return NoticeSummaryOut(
        id=notice.id,
        kind=notice.kind,
        type=notice.type,
        reference=notice.reference,
        status=notice.status,
        review_state=notice.review_state,
        title=notice.title,
        requesting_country=notice.requesting_country,
        published_at=notice.published_at,
        expires_at=notice.expires_at,
        updated_at=notice.updated_at,
    )


def notice_out(principal: Principal, view: service.NoticeView) -> NoticeOut:
    notice = view.notice
    own = access.is_own(principal, notice) or principal.is_operator
    contact = view.contact
    return NoticeOut(
        **summary_out(notice).model_dump(),
        content=rules_content(notice),
        access_policy=record_access.AccessPolicy.model_validate(
            {
                "mode": notice.access_mode,
                **_grant_lists(notice),
            }
        )
        if own
        else None,
        public_extract=notice.public_extract,
        version=notice.version,
        asks=view.asks,
        contact=ContactOut(
            country=notice.requesting_country,
            agency_code=contact.code if contact else None,
            agency_name=contact.name if contact else None,
        ),
        subjects=[_subject_out(s) for s in view.subjects],
        flags=[FlagOut(**{k: f.get(k) for k in FlagOut.model_fields}) for f in view.flags],
        events=[
            EventOut(
                at=e.at,
                action=e.action,
                actor_name=e.actor_name,
                country=e.country,
                from_status=e.from_status,
                to_status=e.to_status,
                reasons=e.reasons,
            )
            for e in view.events
        ],
        others=[summary_out(n) for n in view.others],
        recipients=[
            RecipientOut(country=r.country, sent_at=r.sent_at, acknowledged_at=r.acknowledged_at)
            for r in view.recipients
        ],
        acknowledged=view.acknowledged,
        may_change=view.may_change,
        may_decide=view.may_decide,
        from_diffusion_id=notice.from_diffusion_id,
        submitted_at=notice.submitted_at,
        decided_at=notice.decided_at,
        renewal_asked_at=notice.renewal_asked_at,
        created_at=notice.created_at,
        created_by=notice.created_by,
    )


def rules_content(notice: Notice) -> NoticeContent:
    """The stored content, read back through its model (it was validated when saved)."""
    return NoticeContent.model_validate(notice.content or {})


def _subject_out(subject: service.SubjectView) -> SubjectOut:
    return SubjectOut(
        record_id=subject.record_id,
        role=subject.role,
        kind=subject.kind,
        title=subject.title,
        owner_country=subject.owner_country,
        linked=subject.linked,
    )


def _grant_lists(notice: Notice) -> dict[str, list[str]]:
    names = {
        "country": "countries",
        "region": "regions",
        "agency_kind": "agency_kinds",
        "specialty": "specialties",
        "exclude": "excluded_countries",
    }
    out: dict[str, list[str]] = {v: [] for v in names.values()}
    for grant in notice.grants:
        out[names[grant.grant_type]].append(grant.value)
    return out


def _recipients(body: RecipientsIn | None) -> service.Recipients | None:
    if body is None:
        return None
    return service.Recipients(tuple(body.countries), tuple(body.regions), body.all_members)


def _subjects(items: list[SubjectIn]) -> tuple[service.SubjectIn, ...]:
    return tuple(service.SubjectIn(s.record_id, s.role) for s in items)


def _view(session: Any, settings: Any, principal: Principal, notice_id: int) -> NoticeOut:
    view = service.get(session, settings=settings, principal=principal, notice_id=notice_id)
    return notice_out(principal, view)


@router.post("", response_model=NoticeOut, status_code=status.HTTP_201_CREATED)
def create_notice(
    session: DbSession, settings: SettingsDep, principal: ApiPrincipal, body: NoticeIn
) -> NoticeOut:
    """Save a notice request or diffusion as a draft."""
    notice = service.create(
        session,
        settings=settings,
        principal=principal,
        kind=body.kind,
        type=body.type,
        draft=service.Draft(
            content=body.content.model_dump(mode="json", exclude_defaults=True),
            subjects=_subjects(body.subjects),
            access_policy=body.access_policy,
            public_extract=body.public_extract,
            recipients=_recipients(body.recipients),
        ),
    )
    return _view(session, settings, principal, notice.id)


@router.get("", response_model=PageOut[NoticeSummaryOut], summary="Notices and diffusions you see")
def list_notices(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    kind: Annotated[str | None, Query(pattern=r"^[a-z]{3,12}$")] = None,
    type: Annotated[str | None, Query(pattern=r"^[a-z]{2,12}$")] = None,
    status_: Annotated[str | None, Query(alias="status", pattern=r"^[a-z_]{3,24}$")] = None,
    requesting_country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    mine: bool = False,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    result = service.list_notices(
        session,
        settings=settings,
        principal=principal,
        kind=kind,
        type=type,
        status=status_,
        requesting_country=requesting_country,
        mine=mine,
        search=q,
        page=page,
        per_page=per_page,
    )
    return {
        "items": [summary_out(n) for n in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
        "total_exact": result.total_exact,
    }


@router.get("/review/queue", response_model=PageOut[NoticeSummaryOut], summary="The review queue")
def review_queue(
    session: DbSession,
    principal: ApiPrincipal,
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    result = service.review_queue(session, principal=principal, page=page, per_page=per_page)
    return {
        "items": [summary_out(n) for n in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
    }


@router.get("/review/dashboard", response_model=DashboardOut, summary="The review's figures")
def review_dashboard(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    days: Annotated[int, Query(ge=1, le=3650)] = 90,
) -> DashboardOut:
    figures = service.dashboard(session, settings=settings, principal=principal, days=days)
    return DashboardOut(**vars(figures))


@router.post("/expiry", response_model=ExpiryOut, summary="Ask for renewals and expire (operators)")
def run_expiry(session: DbSession, principal: ApiPrincipal) -> ExpiryOut:
    from bluebridge.access.rules import is_platform_administrator
    from bluebridge.errors import PermissionDenied

    if not is_platform_administrator(principal):
        raise PermissionDenied("the expiry run is for the platform's administrators")
    result = service.run_expiry(session, principal=principal)
    return ExpiryOut(asked=result.asked, expired=result.expired)


@router.get("/{notice_id}", response_model=NoticeOut)
def get_notice(
    session: DbSession, settings: SettingsDep, principal: ApiPrincipal, notice_id: NoticeId
) -> NoticeOut:
    return _view(session, settings, principal, notice_id)


@router.put("/{notice_id}", response_model=NoticeOut)
def update_notice(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    notice_id: NoticeId,
    body: NoticeChange,
) -> NoticeOut:
    """Replace the request's content; a live one is checked again and goes back to review."""
    service.update(
        session,
        settings=settings,
        principal=principal,
        notice_id=notice_id,
        version=body.version,
        draft=service.Draft(
            content=body.content.model_dump(mode="json", exclude_defaults=True),
            subjects=_subjects(body.subjects),
            access_policy=body.access_policy,
            public_extract=body.public_extract,
            recipients=_recipients(body.recipients),
        ),
    )
    return _view(session, settings, principal, notice_id)


def _route(name: str, summary: str, endpoint: Any) -> None:
    endpoint.__name__ = f"{name}_notice"
    endpoint.__doc__ = summary
    router.add_api_route(
        f"/{{notice_id}}/{name}",
        endpoint,
        methods=["POST"],
        response_model=NoticeOut,
        summary=summary,
    )


def _action(name: str, summary: str) -> None:
    """A step of the requester or a recipient that takes nothing but the notice."""
    action = getattr(service, name)

    def endpoint(
        session: DbSession, settings: SettingsDep, principal: ApiPrincipal, notice_id: NoticeId
    ) -> NoticeOut:
        action(session, settings=settings, principal=principal, notice_id=notice_id)
        return _view(session, settings, principal, notice_id)

    _route(name, summary, endpoint)


def _reasoned(name: str, summary: str) -> None:
    """A step that ends a request, with the requester's reasons."""
    action = getattr(service, name)

    def endpoint(
        session: DbSession,
        settings: SettingsDep,
        principal: ApiPrincipal,
        notice_id: NoticeId,
        body: ReasonsIn,
    ) -> NoticeOut:
        action(
            session,
            settings=settings,
            principal=principal,
            notice_id=notice_id,
            reasons=body.reasons,
        )
        return _view(session, settings, principal, notice_id)

    _route(name, summary, endpoint)


_action("submit", "Submit a notice request: the automatic checks, then the review queue")
_action("send", "Send a diffusion to its recipients; the checks and review follow")
_action("extend", "Extend a live request by five years (from six months before expiry)")
_action("acknowledge", "Acknowledge receipt of a diffusion (a recipient NCB)")
_reasoned("cancel", "Cancel a request (the subject is found, the case closed)")
_reasoned("withdraw", "Withdraw a request")


@router.post("/{notice_id}/decide", response_model=NoticeOut, summary="A compliance decision")
def decide_notice(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    notice_id: NoticeId,
    body: DecisionIn,
) -> NoticeOut:
    service.decide(
        session,
        settings=settings,
        principal=principal,
        notice_id=notice_id,
        decision=body.decision,
        reasons=body.reasons,
    )
    return _view(session, settings, principal, notice_id)


@router.post(
    "/{notice_id}/convert",
    response_model=NoticeOut,
    status_code=status.HTTP_201_CREATED,
    summary="Turn a diffusion into a notice request (a new draft)",
)
def convert_diffusion(
    session: DbSession, settings: SettingsDep, principal: ApiPrincipal, notice_id: NoticeId
) -> NoticeOut:
    notice = service.convert(session, settings=settings, principal=principal, notice_id=notice_id)
    return _view(session, settings, principal, notice.id)


# ---------------------------------------------------------------- the public extracts


class RateLimit:
    """At most `limit` requests a minute from one client address, in this process (a sliding
    window; several workers each keep their own, so the whole allows workers x limit)."""

    WINDOW = 60.0
    MAX_CLIENTS = 100_000

    def __init__(self) -> None:
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, limit: int) -> tuple[bool, int]:
        """Whether this request may go on, and the seconds to wait when not."""
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > self.MAX_CLIENTS:
                self._seen = {
                    k: v for k, v in self._seen.items() if v and now - v[-1] < self.WINDOW
                }
            hits = self._seen.setdefault(client, deque())
            while hits and now - hits[0] >= self.WINDOW:
                hits.popleft()
            if len(hits) >= limit:
                return False, max(1, int(self.WINDOW - (now - hits[0])) + 1)
            hits.append(now)
            return True, 0


def public_rate_limit(request: Request, settings: SettingsDep) -> None:
    """Refuse a client address that asked more than the setting allows this minute (one
    window per application, shared by the JSON endpoint and the public page)."""
    limit: RateLimit | None = getattr(request.app.state, "public_notice_limit", None)
    if limit is None:
        limit = request.app.state.public_notice_limit = RateLimit()
    client = request.client.host if request.client else "unknown"
    allowed, wait = limit.allow(client, settings.public_notices_per_minute)
    if not allowed:
        raise TooManyRequests(
            f"at most {settings.public_notices_per_minute} requests a minute: try again in {wait} s",
            wait,
        )


PublicType = Annotated[str, Path(pattern=r"^(red|yellow|un)$", description="red, yellow or un")]


@public_router.get(
    "/{notice_type}",
    response_model=PublicPageOut,
    dependencies=[Depends(public_rate_limit)],
    summary="Public extracts of published notices (no sign-in)",
)
def public_notices(
    session: DbSession,
    notice_type: PublicType,
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=50)] = 20,
) -> PublicPageOut:
    result = service.public_notices(session, notice_type=notice_type, page=page, per_page=per_page)
    return PublicPageOut(
        items=result.items,
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        pages=result.pages,
    )


@public_router.get(
    "/{notice_type}/{reference:path}",
    response_model=dict[str, Any],
    dependencies=[Depends(public_rate_limit)],
    summary="One public extract",
)
def public_notice(
    session: DbSession, notice_type: PublicType, reference: Annotated[str, Path(max_length=32)]
) -> dict[str, Any]:
    return service.public_notice(session, notice_type=notice_type, reference=reference)


__all__ = ["Kind", "public_router", "router"]
