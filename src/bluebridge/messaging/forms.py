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
    PAYMENT_LEG = "payment_leg"
    PAYMENT_UPDATE = "payment_update"
    ASSETS_FOUND = "assets_found"


# Forms that only the platform fills in (I-GRIP's routing and its legs' news); a person does
# not compose them.
SYSTEM_FORMS = frozenset({Form.PAYMENT_LEG, Form.PAYMENT_UPDATE})


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


Amount = Annotated[str, Field(pattern=r"^\d{1,18}(\.\d{1,18})?$")]  # decimal text, signed as is


class PaymentLeg(_Form):
    """I-GRIP: a payment to intercept in the recipient's country, with what its banks need."""

    case: Line
    leg: Line
    leg_id: Id
    hop: int = Field(ge=1, le=100)
    fraud_type: Line
    amount: Amount
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3,4}$")]
    value_at: dt.datetime
    beneficiary_name: Line
    beneficiary_account: Line
    beneficiary_bic: Line | None = None
    beneficiary_bank: Line | None = None
    ordering_account: Line
    uetr: Line | None = None
    end_to_end_id: Line | None = None
    answer_due_at: dt.datetime
    requested: Text = (
        "Please ask the bank to freeze the funds at once and answer with what it holds."
    )


class PaymentUpdate(_Form):
    """I-GRIP: a step the leg's country took, told to the requesting side."""

    case: Line
    leg: Line
    leg_id: Id
    state: Line
    amount: Amount | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3,4}$")] | None = None
    note: Text | None = None


class AssetsFound(_Form):
    """An asset a country found in answer to a silver notice (the message refers to it)."""

    kind: Literal["account", "property", "vehicle", "company", "crypto_asset", "other"]
    description: Text
    location: Line | None = None
    identifier: Line | None = None  # the account, land parcel, registration or company number
    value: Amount | None = None  # an estimate, in the currency below
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3,4}$")] | None = None


MODELS: dict[Form, type[_Form] | None] = {
    Form.FREE: None,
    Form.HIT_FOUND: HitFound,
    Form.INFORMATION_SUPPLIED: InformationSupplied,
    Form.ACTION_TAKEN: ActionTaken,
    Form.ACCESS_REQUEST: AccessRequest,
    Form.ACCESS_DECISION: AccessDecision,
    Form.PAYMENT_LEG: PaymentLeg,
    Form.PAYMENT_UPDATE: PaymentUpdate,
    Form.ASSETS_FOUND: AssetsFound,
}


def parse(form: Form, data: dict[str, Any] | None) -> dict[str, Any]:
    """The form's fields as checked (ValidationError names each field), as JSON values."""
    model = MODELS[form]
    if model is None:
        return {}
    return model.model_validate(data or {}).model_dump(mode="json", exclude_none=True)
