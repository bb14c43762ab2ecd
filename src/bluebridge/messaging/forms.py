"""The structured forms a message may carry besides free text, declared as data: what each
asks for and how it is checked. A hit found asks for further information; information
supplied answers; action taken says what was done (arrest, seizure, refusal of entry,
surveillance); a request for access to a hit-only record goes to the record's owner, who
grants it (to that agency, for a period) or refuses it with a reason."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Id = Annotated[int, Field(ge=1, le=2**53)]


class Form(StrEnum):
    FREE = "free"
    HIT_FOUND = "hit_found"
    INFORMATION_SUPPLIED = "information_supplied"
    ACTION_TAKEN = "action_taken"
    ACCESS_REQUEST = "access_request"
    ACCESS_DECISION = "access_decision"


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HitFound(_Form):
    """A hit on the recipient's record, and what further information is asked for."""

    hit_id: Id | None = None
    record_id: Id
    place: Line | None = None
    screened_at: dt.datetime | None = None
    # As text: what is signed holds no floating-point numbers (RFC 8785 would write them).
    score: str | None = Field(default=None, pattern=r"^(0(\.\d{1,3})?|1(\.0{1,3})?)$")
    requested: Text = "Please confirm the record and send what the officer must do."


class InformationSupplied(_Form):
    information: Text


class ActionTaken(_Form):
    action: Literal["arrest", "seizure", "refusal_of_entry", "surveillance", "other"]
    date: dt.date
    place: Line
    details: Text | None = None


class AccessRequest(_Form):
    """A request to see a hit-only record, addressed to its owner."""

    record_id: Id
    reason: Text
    days: int = Field(default=30, ge=1, le=90, description="for how long")


class AccessDecision(_Form):
    """The owner's answer to an access request (the message it replies to)."""

    decision: Literal["grant", "refuse"]
    days: int | None = Field(default=None, ge=1, le=90)
    reason: Text


MODELS: dict[Form, type[_Form] | None] = {
    Form.FREE: None,
    Form.HIT_FOUND: HitFound,
    Form.INFORMATION_SUPPLIED: InformationSupplied,
    Form.ACTION_TAKEN: ActionTaken,
    Form.ACCESS_REQUEST: AccessRequest,
    Form.ACCESS_DECISION: AccessDecision,
}


def parse(form: Form, data: dict[str, Any] | None) -> dict[str, Any]:
    """The form's fields as checked (ValidationError names each field), as JSON values."""
    model = MODELS[form]
    if model is None:
        return {}
    return model.model_validate(data or {}).model_dump(mode="json", exclude_none=True)
