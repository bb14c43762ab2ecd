"""HTTP routes of the records domain under /api/v1/records: the kinds, and each kind's records
(enter, read, list, change, delete) and exact lookups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from bluebridge.access import records as access
from bluebridge.access.principal import Principal
from bluebridge.api.deps import ApiPrincipal, DbSession, SettingsDep
from bluebridge.members.schemas import PageOut
from bluebridge.records import registry, retention, service
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    SourceGrading,
    SourceType,
)
from bluebridge.records.schemas import (
    AccessEntryOut,
    KindOut,
    LinkIn,
    LinkOut,
    LookupOut,
    PossibleHitOut,
    RecordChange,
    RecordIn,
    RecordOut,
    ReviewIn,
)

router = APIRouter(prefix="/records", tags=["records"])

KindName = Annotated[str, Path(pattern=r"^[a-z_]{3,40}$", description="a kind of record")]
RecordId = Annotated[int, Path(ge=1, le=2**53)]


def record_out(principal: Principal, view: service.RecordView) -> RecordOut:
    record = view.record
    owner = access.may_change(principal, record)
    return RecordOut(
        id=record.id,
        kind=record.kind,
        title=record.title if view.sight is access.Sight.FULL else f"{record.kind} #{record.id}",
        sight=view.sight.value,
        owner_agency_id=record.owner_agency_id,
        owner_country=record.owner_country,
        status=record.status,
        source_type=record.source_type,
        source_grading=record.source_grading,
        information_grading=record.information_grading,
        handling_codes=list(record.handling_codes),
        access_policy=access.AccessPolicy.from_record(record) if owner else None,
        payload=view.payload,
        version=record.version,
        seq=record.seq,
        review_date=record.review_date,
        expires_at=record.expires_at,
        created_at=record.created_at,
        created_by=record.created_by,
        updated_at=record.updated_at,
        updated_by=record.updated_by,
    )


def _envelope(body: RecordIn) -> service.Envelope:
    return service.Envelope(
        source_type=body.source_type,
        source_grading=body.source_grading,
        information_grading=body.information_grading,
        handling_codes=tuple(body.handling_codes),
        access_policy=body.access_policy,
        owner_reference=body.owner_reference,
    )


@router.get("/kinds", response_model=list[KindOut], summary="The kinds of record and their schemas")
def list_kinds(principal: ApiPrincipal) -> list[KindOut]:
    return [
        KindOut(
            name=kind.name,
            label=kind.label,
            description=kind.description,
            personal_data=kind.personal_data,
            payload_schema=kind.input_schema.model_json_schema(),
        )
        for kind in registry.kinds().values()
    ]


@router.get("/lookup/{key_type}", response_model=LookupOut, summary="Exact lookup by key")
def lookup(
    session: DbSession,
    principal: ApiPrincipal,
    key_type: Annotated[str, Path(pattern=r"^[a-z_]{2,40}$")],
    value: Annotated[list[str], Query(min_length=1, max_length=1000)],
) -> LookupOut:
    views = service.lookup(session, principal=principal, key_type=key_type, values=value)
    hits = service.possible_hits(session, principal=principal, key_type=key_type, values=value)
    return LookupOut(
        records=[record_out(principal, v) for v in views],
        possible_hits=[
            PossibleHitOut(
                reference=h.reference,
                kind=h.kind,
                owner_country=h.owner_country,
                contact_agency_code=h.contact_agency_code,
                contact_agency_name=h.contact_agency_name,
                message=f"possible hit: contact the NCB of {h.owner_country}, "
                f"reference {h.reference}",
            )
            for h in hits
        ],
    )


@router.get("/review-due", response_model=PageOut[RecordOut], summary="Your records due for review")
def review_due(
    session: DbSession,
    principal: ApiPrincipal,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    result = retention.due_for_review(session, principal=principal, page=page, per_page=per_page)
    return {
        "items": [
            record_out(principal, service.RecordView(r, access.Sight.FULL)) for r in result.items
        ],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
    }


@router.post("/{kind}", response_model=RecordOut, status_code=status.HTTP_201_CREATED)
def create_record(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    kind: KindName,
    body: RecordIn,
) -> RecordOut:
    record = service.create_record(
        session,
        settings=settings,
        principal=principal,
        kind_name=kind,
        payload=body.payload,
        envelope=_envelope(body),
    )
    return record_out(principal, service.RecordView(record, access.Sight.FULL))


@router.get("/{kind}", response_model=PageOut[RecordOut], summary="Records you may see")
def list_records(
    session: DbSession,
    principal: ApiPrincipal,
    kind: KindName,
    owner_country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="words in the title of records seen in full")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    result = service.list_records(
        session,
        principal=principal,
        kind_name=kind,
        owner_country=owner_country,
        search=q,
        page=page,
        per_page=per_page,
    )
    return {
        "items": [record_out(principal, v) for v in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
        "total_exact": result.total_exact,
    }


@router.get("/{kind}/{record_id}", response_model=RecordOut)
def get_record(
    session: DbSession, principal: ApiPrincipal, kind: KindName, record_id: RecordId
) -> RecordOut:
    view = service.get_record(session, principal=principal, record_id=record_id, kind_name=kind)
    return record_out(principal, view)


@router.patch("/{kind}/{record_id}", response_model=RecordOut)
def update_record(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    kind: KindName,
    record_id: RecordId,
    body: RecordChange,
) -> RecordOut:
    current = service.get_record(
        session, principal=principal, record_id=record_id, kind_name=kind
    ).record
    envelope = None
    if any(
        v is not None
        for v in (
            body.source_type,
            body.source_grading,
            body.information_grading,
            body.handling_codes,
            body.access_policy,
        )
    ):
        envelope = service.Envelope(
            source_type=body.source_type or SourceType(current.source_type),
            source_grading=body.source_grading or SourceGrading(current.source_grading),
            information_grading=body.information_grading
            or InformationGrading(current.information_grading),
            handling_codes=tuple(body.handling_codes)
            if body.handling_codes is not None
            else tuple(HandlingCode(c) for c in current.handling_codes),
            access_policy=body.access_policy,
        )
    record = service.update_record(
        session,
        settings=settings,
        principal=principal,
        record_id=record_id,
        kind_name=kind,
        expected_version=body.version,
        payload=body.payload,
        envelope=envelope,
    )
    return record_out(principal, service.RecordView(record, access.Sight.FULL))


@router.post(
    "/{kind}/{record_id}/review",
    response_model=RecordOut,
    summary="Open a record's content for a data protection review, giving the reason",
)
def open_for_review(
    session: DbSession, principal: ApiPrincipal, kind: KindName, record_id: RecordId, body: ReviewIn
) -> RecordOut:
    view = service.open_for_review(
        session, principal=principal, record_id=record_id, kind_name=kind, reason=body.reason
    )
    return record_out(principal, view)


@router.post(
    "/{kind}/{record_id}/extend",
    response_model=RecordOut,
    summary="Keep a record for another period",
)
def extend_record(
    session: DbSession, principal: ApiPrincipal, kind: KindName, record_id: RecordId
) -> RecordOut:
    record = retention.extend(session, principal=principal, record_id=record_id, kind_name=kind)
    return record_out(principal, service.RecordView(record, access.Sight.FULL))


@router.get(
    "/{kind}/{record_id}/access-log",
    response_model=PageOut[AccessEntryOut],
    summary="Who outside the owning agency read, listed, exported or hit the record",
)
def access_log(
    session: DbSession,
    principal: ApiPrincipal,
    kind: KindName,
    record_id: RecordId,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    result = service.access_log(
        session,
        principal=principal,
        record_id=record_id,
        kind_name=kind,
        page=page,
        per_page=per_page,
    )
    return {
        "items": [AccessEntryOut.model_validate(e, from_attributes=True) for e in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
        "total_exact": result.total_exact,
    }


def _link_out(principal: Principal, link: service.LinkView) -> LinkOut:
    return LinkOut(
        id=link.id,
        relation=link.relation,
        from_record=record_out(principal, link.from_record),
        to_record=record_out(principal, link.to_record),
    )


@router.get("/{kind}/{record_id}/links", response_model=list[LinkOut], summary="Links you may see")
def list_links(
    session: DbSession, principal: ApiPrincipal, kind: KindName, record_id: RecordId
) -> list[LinkOut]:
    service.visible_record(session, principal, record_id, kind)
    return [
        _link_out(principal, link)
        for link in service.links_of(session, principal=principal, record_id=record_id)
    ]


@router.post(
    "/{kind}/{record_id}/links", response_model=list[LinkOut], status_code=status.HTTP_201_CREATED
)
def create_link(
    session: DbSession, principal: ApiPrincipal, kind: KindName, record_id: RecordId, body: LinkIn
) -> list[LinkOut]:
    service.visible_record(session, principal, record_id, kind)
    service.link_records(
        session,
        principal=principal,
        from_id=record_id,
        to_id=body.to_record_id,
        relation=body.relation,
    )
    return [
        _link_out(principal, link)
        for link in service.links_of(session, principal=principal, record_id=record_id)
    ]


@router.delete("/{kind}/{record_id}/links/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_link(
    session: DbSession,
    principal: ApiPrincipal,
    kind: KindName,
    record_id: RecordId,
    link_id: RecordId,
) -> None:
    service.visible_record(session, principal, record_id, kind)
    service.unlink_records(session, principal=principal, record_id=record_id, link_id=link_id)


@router.delete("/{kind}/{record_id}", response_model=RecordOut)
def delete_record(
    session: DbSession, principal: ApiPrincipal, kind: KindName, record_id: RecordId
) -> RecordOut:
    record = service.delete_record(
        session, principal=principal, record_id=record_id, kind_name=kind
    )
    return record_out(principal, service.RecordView(record, access.Sight.FULL))
