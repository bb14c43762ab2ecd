"""HTTP routes of screening under /api/v1: `POST /screen` for batches (named example entities
in, scored and explained results out, in the spirit of yente's /match), `GET /screen/{schema}`
for single checks, `GET /screen/compare` for two names, the owner's hit inbox, and the upload
of hits made offline by a border post (MIND)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from bluebridge.access.principal import Principal
from bluebridge.api.deps import ApiPrincipal, DbSession, get_runtime
from bluebridge.errors import InvalidInput
from bluebridge.members.models import Agency
from bluebridge.screening import service
from bluebridge.screening.names import compare_names
from bluebridge.screening.queries import MAX_QUERIES, SCHEMAS, build_queries, build_query

router = APIRouter(tags=["screening"])


class EntityIn(BaseModel):
    """An example entity: what is known of the person, document or object screened."""

    model_config = ConfigDict(extra="forbid")

    schema_: str = Field(
        default="Person",
        alias="schema",
        description="Person, Passport, Vehicle, Vessel, Firearm, Artwork, BankAccount, "
        "CryptoWallet or Indicator",
        max_length=20,
    )
    properties: dict[str, list[str] | str] = Field(
        default_factory=dict,
        description='e.g. {"name": ["Mohamed Ali"], "birthDate": ["1980-04-17"], '
        '"nationality": ["EGY"]}; a Passport may carry its "mrz"',
    )


class ScreenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queries: dict[str, EntityIn] = Field(description=f"up to {MAX_QUERIES} named queries")
    threshold: float | None = Field(
        default=None, gt=0, le=1, description="the lowest score reported (default: the setting)"
    )
    limit: int = Field(default=10, ge=1, le=100, description="matches per query at most")
    place: str | None = Field(
        default=None, max_length=200, description="where the check is made (a border crossing)"
    )


class ContactOut(BaseModel):
    country: str | None
    agency_code: str | None
    agency_name: str | None


class NoticeOnMatchOut(BaseModel):
    id: int
    reference: str
    kind: str = Field(description="notice or diffusion")
    type: str
    asks: str = Field(description="what it asks of the officer")
    contact: ContactOut


class MatchOut(BaseModel):
    id: int = Field(description="the record's reference")
    possible_hit: bool = Field(description="a hit-only record: contact its owner's NCB")
    message: str
    kind: str | None = None
    owner_country: str | None = None
    score: float | None = None
    caption: str | None = None
    status: str | None = Field(default=None, description="what the owner asks (wanted...)")
    matched: str | None = None
    explanation: list[str] = Field(default_factory=list)
    features: dict[str, float] = Field(default_factory=dict)
    contact: ContactOut | None = None
    notices: list[NoticeOnMatchOut] = Field(
        default_factory=list, description="live notices and diffusions on the record"
    )


class ResponseOut(BaseModel):
    status: str = Field(description="hit, possible_hit or no_hit")
    query: dict[str, Any]
    notes: list[str] = Field(default_factory=list, description="e.g. a failed check digit")
    results: list[MatchOut]


class ScreenOut(BaseModel):
    threshold: float
    responses: dict[str, ResponseOut]


def match_out(match: service.Match) -> MatchOut:
    if match.possible_hit:
        contact = match.contact
        return MatchOut(
            id=match.record_id,
            possible_hit=True,
            message=match.message,
            owner_country=match.owner_country,
            contact=ContactOut(
                country=contact.country if contact else match.owner_country,
                agency_code=contact.agency_code if contact else None,
                agency_name=contact.agency_name if contact else None,
            ),
            notices=_notices_out(match),
        )
    return MatchOut(
        id=match.record_id,
        possible_hit=False,
        message=match.message,
        kind=match.kind,
        owner_country=match.owner_country,
        score=match.score,
        caption=match.title,
        status=match.status,
        matched=match.matched,
        explanation=match.explanation,
        features=match.features,
        notices=_notices_out(match),
    )


def _notices_out(match: service.Match) -> list[NoticeOnMatchOut]:
    return [
        NoticeOnMatchOut(
            id=n.notice_id,
            reference=n.reference,
            kind=n.kind,
            type=n.type,
            asks=n.asks,
            contact=ContactOut(
                country=n.contact_country,
                agency_code=n.contact_agency_code,
                agency_name=n.contact_agency_name,
            ),
        )
        for n in match.notices
    ]


def screen_out(results: list[service.Result], threshold: float) -> ScreenOut:
    return ScreenOut(
        threshold=threshold,
        responses={
            r.query.key: ResponseOut(
                status=r.status,
                query=r.query.summary(),
                notes=r.query.notes,
                results=[match_out(m) for m in r.matches],
            )
            for r in results
        },
    )


def json_response(model: BaseModel) -> Response:
    """The model as JSON, written once here: FastAPI would validate the returned model against
    the route's response model again, in a thread of its own, before writing it."""
    return Response(model.model_dump_json(by_alias=True), media_type="application/json")


def _agency_code(session: DbSession, principal: Principal) -> str | None:
    if principal.agency_id is None:
        return None
    agency = session.get(Agency, principal.agency_id)
    return agency.code if agency else None


def _caller_agency_code(request: Request, session: DbSession, principal: Principal) -> str | None:
    """The screening agency's code, for its hits: read with the principal as it signed in."""
    known: str | None = getattr(request.state, "agency_code", None)
    return known if known is not None else _agency_code(session, principal)


def threshold_of(request: Request, given: float | None) -> float:
    return given if given is not None else get_runtime(request).settings.screening_threshold


@router.post(
    "/screen",
    response_model=ScreenOut,
    summary="Screen up to 1,000 persons, documents or objects",
)
def screen_batch(
    body: ScreenIn, request: Request, principal: ApiPrincipal, session: DbSession
) -> Response:
    entities = {
        key: {"schema": e.schema_, "properties": e.properties} for key, e in body.queries.items()
    }
    queries = build_queries(entities)
    threshold = threshold_of(request, body.threshold)
    results = service.screen(
        session,
        get_runtime(request).screening,
        principal=principal,
        queries=queries,
        threshold=threshold,
        limit=body.limit,
        place=body.place,
        agency_code=_caller_agency_code(request, session, principal),
        possible_threshold=get_runtime(request).settings.screening_threshold,
    )
    return json_response(screen_out(results, threshold))


class CompareOut(BaseModel):
    score: float
    explanation: list[str]


@router.get("/screen/compare", response_model=CompareOut, summary="Compare two names")
def compare(
    principal: ApiPrincipal,
    a: Annotated[str, Query(min_length=1, max_length=300, description="a name, any script")],
    b: Annotated[str, Query(min_length=1, max_length=300, description="another name")],
) -> CompareOut:
    result = compare_names(a, b)
    return CompareOut(score=result.score, explanation=result.explain())


@router.get(
    "/screen/{schema}",
    response_model=ResponseOut,
    summary="Screen one person, document or object (its properties as query parameters)",
)
def screen_one(
    request: Request,
    principal: ApiPrincipal,
    session: DbSession,
    schema: Annotated[str, Path(pattern=r"^[A-Za-z]{3,20}$", description=", ".join(SCHEMAS))],
    threshold: Annotated[float | None, Query(gt=0, le=1)] = None,
    place: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    wanted = {s.lower(): s for s in SCHEMAS}.get(schema.lower())
    if wanted is None:
        raise InvalidInput.on("schema", "must be one of " + ", ".join(SCHEMAS))
    properties: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if name in ("threshold", "place"):
            continue
        properties.setdefault(name, []).append(value)
    query = build_query("query", wanted, properties, "query")
    chosen_threshold = threshold_of(request, threshold)
    results = service.screen(
        session,
        get_runtime(request).screening,
        principal=principal,
        queries=[query],
        threshold=chosen_threshold,
        place=place,
        agency_code=_caller_agency_code(request, session, principal),
        possible_threshold=get_runtime(request).settings.screening_threshold,
    )
    return json_response(screen_out(results, chosen_threshold).responses["query"])


class HitOut(BaseModel):
    id: int
    at: dt.datetime
    screened_at: dt.datetime
    record_id: int
    record_kind: str
    owner_country: str | None
    score: float
    hit_only: bool
    query: dict[str, Any]
    explanation: list[str]
    action: str | None
    screened_by: str
    agency_code: str | None
    country: str | None
    place: str | None
    channel: str
    source: str
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


class HitPageOut(BaseModel):
    items: list[HitOut]
    total: int
    page: int
    per_page: int


def hit_out(hit: Any) -> HitOut:
    return HitOut(
        id=hit.id,
        at=hit.at,
        screened_at=hit.screened_at,
        record_id=hit.record_id,
        record_kind=hit.record_kind,
        owner_country=hit.owner_country,
        score=hit.score,
        hit_only=hit.hit_only,
        query=hit.query,
        explanation=hit.explanation or [],
        action=hit.action,
        screened_by=hit.actor_name,
        agency_code=hit.agency_code,
        country=hit.country,
        place=hit.place,
        channel=hit.channel,
        source=hit.source,
        acknowledged_at=hit.acknowledged_at,
        acknowledged_by=hit.acknowledged_by,
    )


@router.get("/hits", response_model=HitPageOut, summary="Hits on your records (the hit inbox)")
def list_hits(
    principal: ApiPrincipal,
    session: DbSession,
    unacknowledged: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> HitPageOut:
    rows, total = service.hit_inbox(
        session,
        principal=principal,
        unacknowledged_only=unacknowledged,
        page=page,
        per_page=per_page,
    )
    return HitPageOut(items=[hit_out(r) for r in rows], total=total, page=page, per_page=per_page)


@router.post(
    "/hits/{hit_id}/acknowledge", response_model=HitOut, summary="Mark a hit as seen and acted on"
)
def acknowledge(
    principal: ApiPrincipal,
    session: DbSession,
    hit_id: Annotated[int, Path(ge=1, le=2**53)],
) -> HitOut:
    return hit_out(service.acknowledge_hit(session, principal=principal, hit_id=hit_id))


class OfflineHitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_id: int = Field(ge=1, le=2**53)
    score: float | None = Field(default=None, ge=0, le=1)
    query: dict[str, Any] = Field(default_factory=dict)
    explanation: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=50
    )
    screened_at: dt.datetime
    place: str | None = Field(default=None, max_length=200)


class OfflineHitsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hits: list[OfflineHitIn] = Field(min_length=1, max_length=1000)


class OfflineHitsOut(BaseModel):
    stored: int
    refused: list[int] = Field(description="records the post may not learn of (any more)")


@router.post(
    "/mind/hits",
    response_model=OfflineHitsOut,
    summary="Upload hits made offline at a border post (MIND)",
)
def upload_offline_hits(
    request: Request, body: OfflineHitsIn, principal: ApiPrincipal, session: DbSession
) -> OfflineHitsOut:
    from bluebridge.screening import mind

    if len(json.dumps([h.query for h in body.hits])) > 2_000_000:
        raise InvalidInput.on("hits", "the queries are too large")
    now = dt.datetime.now(dt.UTC)
    hits = []
    for position, item in enumerate(body.hits):
        when = item.screened_at
        if when.tzinfo is None:
            raise InvalidInput.on(f"hits[{position}].screened_at", "needs a time zone")
        if when > now + dt.timedelta(minutes=5):
            raise InvalidInput.on(f"hits[{position}].screened_at", "is in the future")
        hits.append(
            mind.OfflineHit(
                item.record_id, item.score, item.query, item.explanation, when, item.place
            )
        )
    stored, refused = mind.upload_hits(session, principal=principal, hits=hits)
    return OfflineHitsOut(stored=stored, refused=refused)
