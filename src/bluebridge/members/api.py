"""HTTP routes of the members domain under /api/v1: countries, agencies, users, API keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel

from bluebridge.api.deps import ApiPrincipal, DbSession, SettingsDep
from bluebridge.errors import NotFound
from bluebridge.members import reference, service
from bluebridge.members.models import AgencyKind
from bluebridge.members.schemas import (
    SINGLE_LINE,
    AgencyCreate,
    AgencyOut,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    CountryOut,
    MeOut,
    PageOut,
    PasswordReset,
    UserCreate,
    UserOut,
    UserUpdate,
)
from bluebridge.store.pagination import Page

router = APIRouter(tags=["members"])

PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
PerPage = Annotated[int, Query(ge=1, le=200)]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
# Ids are 32-bit in the store: a larger filter value fails in the driver (SQLite raises
# OverflowError), so it is refused here as invalid input.
AgencyFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _page(page: Page[Any], shape: type[BaseModel]) -> dict[str, object]:
    return {
        "items": [shape.model_validate(item) for item in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


def _country_out(member: reference.MemberCountry) -> CountryOut:
    return CountryOut(
        alpha2=member.alpha2,
        alpha3=member.alpha3,
        numeric=member.numeric,
        icao_code=member.icao_code,
        region=member.region.value,
        names=dict(member.names),
    )


@router.get("/me", response_model=MeOut, summary="Who the caller acts as")
def me(principal: ApiPrincipal) -> MeOut:
    return MeOut(
        kind=principal.kind.value,
        name=principal.name,
        agency_id=principal.agency_id,
        country=principal.country,
        roles=sorted(r.value for r in principal.roles),
    )


@router.get("/members", response_model=list[CountryOut], summary="The member countries")
def list_members(
    principal: ApiPrincipal, region: Annotated[reference.Region | None, Query()] = None
) -> list[CountryOut]:
    members = reference.countries_in_region(region) if region else reference.member_countries()
    return [_country_out(m) for m in members]


@router.get("/members/{code}", response_model=CountryOut, summary="One member by any code")
def get_member(principal: ApiPrincipal, code: str) -> CountryOut:
    try:
        resolved = reference.resolve_country_code(code)
    except reference.UnknownCountryCode as exc:
        raise NotFound(str(exc)) from None
    if resolved.member is None:
        raise NotFound(f"{code!r} is not a member country")
    return _country_out(resolved.member)


@router.get("/agencies", response_model=PageOut[AgencyOut], summary="The agency directory")
def list_agencies(
    session: DbSession,
    principal: ApiPrincipal,
    country: Annotated[str | None, Query(max_length=3, pattern=SINGLE_LINE)] = None,
    kind: AgencyKind | None = None,
    q: Annotated[str | None, Query(max_length=100, pattern=SINGLE_LINE)] = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> dict[str, object]:
    result = service.list_agencies(
        session,
        principal=principal,
        country=country,
        kind=kind.value if kind else None,
        search=q,
        page=page,
        per_page=per_page,
    )
    return _page(result, AgencyOut)


@router.get("/agencies/{agency_id}", response_model=AgencyOut)
def get_agency(session: DbSession, principal: ApiPrincipal, agency_id: Id) -> AgencyOut:
    return AgencyOut.model_validate(
        service.get_agency(session, principal=principal, agency_id=agency_id)
    )


@router.post("/agencies", response_model=AgencyOut, status_code=status.HTTP_201_CREATED)
def create_agency(session: DbSession, principal: ApiPrincipal, body: AgencyCreate) -> AgencyOut:
    agency = service.create_agency(
        session,
        principal=principal,
        code=body.code,
        name=body.name,
        kind=body.kind,
        country=body.country,
        specialty=body.specialty,
        region=body.region,
    )
    return AgencyOut.model_validate(agency)


@router.get("/users", response_model=PageOut[UserOut], summary="Accounts you administer")
def list_users(
    session: DbSession,
    principal: ApiPrincipal,
    agency_id: AgencyFilter = None,
    q: Annotated[str | None, Query(max_length=100, pattern=SINGLE_LINE)] = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> dict[str, object]:
    result = service.list_users(
        session, principal=principal, agency_id=agency_id, search=q, page=page, per_page=per_page
    )
    return _page(result, UserOut)


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(
    session: DbSession, settings: SettingsDep, principal: ApiPrincipal, body: UserCreate
) -> UserOut:
    user = service.create_user(
        session,
        settings=settings,
        principal=principal,
        agency_id=body.agency_id,
        username=body.username,
        display_name=body.display_name,
        email=body.email,
        roles=[r.value for r in body.roles],
        password=body.password,
        nationality=body.nationality,
    )
    return UserOut.model_validate(user)


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(session: DbSession, principal: ApiPrincipal, user_id: Id) -> UserOut:
    return UserOut.model_validate(service.get_user(session, principal=principal, user_id=user_id))


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(
    session: DbSession, principal: ApiPrincipal, user_id: Id, body: UserUpdate
) -> UserOut:
    user = service.update_user(
        session,
        principal=principal,
        user_id=user_id,
        display_name=body.display_name,
        email=body.email,
        roles=[r.value for r in body.roles] if body.roles is not None else None,
        active=body.active,
    )
    return UserOut.model_validate(user)


@router.post(
    "/users/{user_id}/password", response_model=UserOut, summary="Set a temporary password"
)
def reset_password(
    session: DbSession,
    settings: SettingsDep,
    principal: ApiPrincipal,
    user_id: Id,
    body: PasswordReset,
) -> UserOut:
    user = service.reset_password(
        session,
        settings=settings,
        principal=principal,
        user_id=user_id,
        new_password=body.new_password,
    )
    return UserOut.model_validate(user)


@router.post("/users/{user_id}/unlock", response_model=UserOut)
def unlock_user(session: DbSession, principal: ApiPrincipal, user_id: Id) -> UserOut:
    return UserOut.model_validate(
        service.unlock_user(session, principal=principal, user_id=user_id)
    )


@router.get("/api-keys", response_model=PageOut[ApiKeyOut], summary="Keys you administer")
def list_api_keys(
    session: DbSession,
    principal: ApiPrincipal,
    agency_id: AgencyFilter = None,
    include_revoked: bool = False,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> dict[str, object]:
    result = service.list_api_keys(
        session,
        principal=principal,
        agency_id=agency_id,
        include_revoked=include_revoked,
        page=page,
        per_page=per_page,
    )
    return _page(result, ApiKeyOut)


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
def create_api_key(
    session: DbSession, settings: SettingsDep, principal: ApiPrincipal, body: ApiKeyCreate
) -> ApiKeyCreated:
    key, plaintext = service.create_api_key(
        session,
        settings=settings,
        principal=principal,
        agency_id=body.agency_id,
        name=body.name,
        roles=[r.value for r in body.roles],
        expires_in_days=body.expires_in_days,
    )
    return ApiKeyCreated.model_validate(
        {**ApiKeyOut.model_validate(key).model_dump(), "key": plaintext}
    )


@router.get("/api-keys/{key_id}", response_model=ApiKeyOut, summary="One key")
def get_api_key(session: DbSession, principal: ApiPrincipal, key_id: Id) -> ApiKeyOut:
    return ApiKeyOut.model_validate(
        service.get_api_key(session, principal=principal, key_id=key_id)
    )


@router.delete("/api-keys/{key_id}", response_model=ApiKeyOut, summary="Revoke a key")
def revoke_api_key(session: DbSession, principal: ApiPrincipal, key_id: Id) -> ApiKeyOut:
    return ApiKeyOut.model_validate(
        service.revoke_api_key(session, principal=principal, key_id=key_id)
    )
