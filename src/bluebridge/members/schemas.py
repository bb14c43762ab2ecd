"""Pydantic shapes of the members domain at the API's edge."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from bluebridge.access.principal import Role
from bluebridge.members.models import AgencyKind, UnitSpecialty

T = TypeVar("T")

#: Text that is stored, searched or compared in the database holds no control characters:
#: PostgreSQL refuses NUL in text (the request would fail with a server error), and the
#: others have no place in names, codes or search terms. Also documented in the OpenAPI schema.
SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int
    pages: int
    total_exact: bool = Field(
        default=True, description="false when the count stopped at a cap: there are more"
    )


class CountryOut(BaseModel):
    alpha2: str
    alpha3: str
    numeric: str
    icao_code: str
    region: str
    names: dict[str, str]


class AgencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: str
    specialty: str | None
    country: str | None
    region: str | None
    parent_id: int | None
    active: bool


class AgencyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=2, max_length=40, pattern=SINGLE_LINE, examples=["FRA-CYBER"])
    name: str = Field(min_length=1, max_length=200, pattern=SINGLE_LINE)
    kind: AgencyKind
    country: str | None = Field(
        default=None, max_length=3, pattern=SINGLE_LINE, description="ISO or ICAO code"
    )
    specialty: UnitSpecialty | None = None
    region: str | None = Field(default=None, max_length=32, pattern=SINGLE_LINE)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    email: str | None
    agency_id: int
    roles: list[str]
    active: bool
    second_factor_enrolled: bool = Field(validation_alias="totp_confirmed")
    must_change_password: bool
    nationality: str | None = None
    created_at: dt.datetime
    last_login_at: dt.datetime | None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_id: int = Field(ge=1, le=2**31 - 1)
    username: str = Field(min_length=3, max_length=64, pattern=SINGLE_LINE)
    display_name: str = Field(min_length=1, max_length=200, pattern=SINGLE_LINE)
    email: str | None = Field(default=None, max_length=254, pattern=SINGLE_LINE)
    roles: list[Role] = Field(min_length=1, max_length=len(Role))
    password: str = Field(
        min_length=1, max_length=256, description="Temporary; changed at first sign-in."
    )
    nationality: str | None = Field(
        default=None,
        min_length=2,
        max_length=3,
        pattern=r"^[A-Za-z]{2,3}$",
        description="The person's own nationality: a compliance reviewer decides on no request of it.",
    )


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(
        default=None, min_length=1, max_length=200, pattern=SINGLE_LINE
    )
    email: str | None = Field(default=None, max_length=254, pattern=SINGLE_LINE)
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=len(Role))
    active: bool | None = None


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    new_password: str = Field(min_length=1, max_length=256)


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str
    name: str
    agency_id: int
    roles: list[str]
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_id: int = Field(ge=1, le=2**31 - 1)
    name: str = Field(min_length=1, max_length=120, pattern=SINGLE_LINE)
    roles: list[Role] = Field(min_length=1, max_length=len(Role))
    expires_in_days: int = Field(default=90, ge=1, le=3650)


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself, shown this once and never again.")


class MeOut(BaseModel):
    kind: str
    name: str
    agency_id: int | None
    country: str | None
    roles: list[str]
