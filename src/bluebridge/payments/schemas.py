"""Pydantic shapes of I-GRIP at its edges (API, command line, portal): the request a police
unit of the victim's country files, with its payments, and the steps the beneficiary's country
takes on a leg. A request is checked whole: every problem is named by its field at once
(`payments.2.beneficiary.iban`), amounts are decimals with at most the currency's minor-unit
digits, IBANs and BICs are checked with schwifty and give the account's country, and no date
lies in the future."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

import iso4217
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from bluebridge.members import reference
from bluebridge.records.kinds.financial_accounts import (
    AccountStatus,
    AccountType,
    FinancialAccount,
)
from bluebridge.store.base import utcnow

Line = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
# Crypto assets are not in ISO 4217; a ransomware payment is reported in them all the same.
CRYPTO_DECIMALS = {"BTC": 8, "ETH": 18, "USDT": 6, "XMR": 12}
MAX_PAYMENTS = 100


class FraudType(StrEnum):
    BUSINESS_EMAIL_COMPROMISE = "business_email_compromise"
    INVESTMENT = "investment"
    ROMANCE = "romance"
    PHISHING = "phishing"
    IMPERSONATION = "impersonation"
    RANSOMWARE_PAYMENT = "ransomware_payment"
    OTHER = "other"


class LegState(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    BANK_REQUESTED = "bank_requested"
    FROZEN = "frozen"
    MOVED_ON = "moved_on"
    NOTHING_FOUND = "nothing_found"
    RETURNED = "returned"
    CLOSED = "closed"


def currency_digits(code: str) -> int:
    """The minor-unit digits of a currency (2 for EUR, 0 for JPY, 8 for BTC), or ValueError."""
    if code in CRYPTO_DECIMALS:
        return CRYPTO_DECIMALS[code]
    try:
        digits = iso4217.Currency(code).exponent
    except ValueError:
        raise ValueError("is not an ISO 4217 currency (nor BTC, ETH, USDT or XMR)") from None
    if digits is None:
        raise ValueError("is not a currency payments are made in")
    return int(digits)


def check_amount(amount: Decimal, currency: str) -> Decimal:
    """An amount above zero with at most the currency's digits, or ValueError."""
    if not amount.is_finite() or amount <= 0:
        raise ValueError("must be more than zero")
    digits = currency_digits(currency)
    if amount >= Decimal(10) ** (18 - min(digits, 8)):
        raise ValueError("is too large")
    if amount != amount.quantize(Decimal(1).scaleb(-digits)):
        raise ValueError(f"has at most {digits} decimals in {currency}")
    return amount


EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # nothing older is intercepted


def _aware_past(value: dt.datetime, *, what: str) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # a time without an offset is read as UTC
    try:
        value = value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"{what} is dated after 2000") from None
    if value < EARLIEST:
        raise ValueError(f"{what} is dated after 2000")
    if value > utcnow() + dt.timedelta(minutes=5):
        raise ValueError(f"{what} cannot lie in the future")
    return value


class AccountIn(FinancialAccount):
    """An account as the banks know it: an IBAN (with its BIC), a national account number with
    its bank code and country, a crypto wallet or an e-wallet."""

    status: AccountStatus = AccountStatus.USED_IN_FRAUD


class VictimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["person", "company"]
    name: Line
    country: str | None = Field(default=None, description="where the victim lives or is based")
    email: str | None = Field(default=None, max_length=254)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return _country_code(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return _email_address(value)


def _country_code(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return reference.resolve_country_code(value).alpha3
    except reference.UnknownCountryCode:
        raise ValueError("is not a country code (ISO 3166)") from None


def _email_address(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text):
        raise ValueError("is not an e-mail address")
    return f"{local}@{domain.lower()}"


class PaymentIn(BaseModel):
    """One payment the victim made: where the money went, when, and how it can be found."""

    model_config = ConfigDict(extra="forbid")

    # The currency before the amount, the account before its country: each field's check
    # reads the one before it, so that every problem is named at once, by its own field.
    currency: str = Field(min_length=3, max_length=4, description="ISO 4217, or BTC/ETH/USDT/XMR")
    amount: Decimal = Field(description="in the currency's unit, e.g. 125000.00")
    value_at: dt.datetime = Field(description="the value date and time of the payment")
    ordering: AccountIn = Field(description="the victim's account the money left")
    beneficiary: AccountIn = Field(description="the account that received it")
    beneficiary_name: Line
    beneficiary_bank: Line | None = None
    beneficiary_country: str | None = Field(
        default=None,
        validate_default=True,
        description="derived from the IBAN, the BIC or the national account; give it for a "
        "wallet (the exchange's country)",
    )
    beneficiary_email: str | None = Field(default=None, max_length=254)
    uetr: str | None = Field(
        default=None, description="the SWIFT gpi Unique End-to-end Transaction Reference"
    )
    end_to_end_id: str | None = Field(default=None, min_length=1, max_length=35)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        code = value.strip().upper()
        currency_digits(code)
        return code

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        currency = info.data.get("currency")
        if isinstance(currency, str):
            return check_amount(value, currency)
        if not value.is_finite() or value <= 0:
            raise ValueError("must be more than zero")
        return value

    @field_validator("value_at")
    @classmethod
    def _value_at(cls, value: dt.datetime) -> dt.datetime:
        return _aware_past(value, what="a payment")

    @field_validator("beneficiary_country")
    @classmethod
    def _beneficiary_country(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Derived from the account, checked against the one given; a member country."""
        given = _country_code(value)
        account = info.data.get("beneficiary")
        if not isinstance(account, AccountIn):
            return given  # the account itself was refused: nothing to derive from
        derived = _account_country(account)
        if derived and given and derived != given:
            raise ValueError(f"the account is in {derived}, not {given}")
        country = derived or given
        if country is None:
            raise ValueError("name the country of the beneficiary's bank or exchange")
        if not _is_member(country):
            raise ValueError("is not a member country")
        return country

    @field_validator("beneficiary_email")
    @classmethod
    def _beneficiary_email(cls, value: str | None) -> str | None:
        return _email_address(value)

    @field_validator("uetr")
    @classmethod
    def _uetr(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parsed = uuid.UUID(value.strip())
        except ValueError:
            raise ValueError(
                "is not a UETR (a UUID such as 8a562c67-ca16-48ba-b074-65581be6f011)"
            ) from None
        if parsed.version != 4:
            raise ValueError("a UETR is a version 4 UUID")
        return str(parsed)


def _is_member(alpha3: str) -> bool:
    try:
        reference.member_by_alpha3(alpha3)
    except KeyError:
        return False
    return True


def _account_country(account: AccountIn) -> str | None:
    if account.country:
        return account.country
    if account.account_type is AccountType.BANK_ACCOUNT and account.bic:
        try:
            return _country_code(BIC(account.bic).country_code)
        except (SchwiftyException, ValueError):
            return None
    if account.iban:
        try:
            return _country_code(IBAN(account.iban).country_code)
        except (SchwiftyException, ValueError):
            return None
    return None


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(min_length=1)


class FilingIn(BaseModel):
    """A request for rapid interception: the fraud, the victim, the payments, the evidence."""

    model_config = ConfigDict(extra="forbid")

    fraud_type: FraudType
    victim: VictimIn
    reported_at: dt.datetime | None = Field(
        default=None, description="when the victim found the fraud; now when not given"
    )
    summary: str = Field(default="", max_length=5000)
    fraudster_emails: list[str] = Field(default_factory=list, max_length=20)
    payments: list[PaymentIn] = Field(min_length=1, max_length=MAX_PAYMENTS)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=10)

    @field_validator("reported_at")
    @classmethod
    def _reported(cls, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else _aware_past(value, what="a report")

    @field_validator("fraudster_emails")
    @classmethod
    def _emails(cls, values: list[str]) -> list[str]:
        return [e for v in values if (e := _email_address(v))]


class StepIn(BaseModel):
    """A step the beneficiary's country takes on a leg."""

    model_config = ConfigDict(extra="forbid")

    state: LegState
    note: str = Field(default="", max_length=5000)
    amount: Decimal | None = Field(
        default=None, description="frozen or returned, in the leg's currency; all when not given"
    )
    onward: list[OnwardIn] = Field(
        default_factory=list,
        max_length=20,
        description="for moved_on: where the bank says the money went",
    )


class OnwardIn(BaseModel):
    """An onward transfer the bank reports: a new leg to the receiving account's country."""

    model_config = ConfigDict(extra="forbid")

    amount: Decimal
    currency: str | None = Field(default=None, description="the leg's when not given")
    value_at: dt.datetime
    beneficiary: AccountIn
    beneficiary_name: Line
    beneficiary_bank: Line | None = None
    beneficiary_country: str | None = None
    uetr: str | None = None
    end_to_end_id: str | None = Field(default=None, min_length=1, max_length=35)


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=5000)


StepIn.model_rebuild()


def as_payment(onward: OnwardIn, currency: str, ordering: dict[str, Any]) -> PaymentIn:
    """An onward transfer as a payment from the account the money left."""
    return PaymentIn.model_validate(
        {
            "amount": onward.amount,
            "currency": onward.currency or currency,
            "value_at": onward.value_at,
            "ordering": ordering,
            "beneficiary": onward.beneficiary.model_dump(mode="json", exclude_none=True),
            "beneficiary_name": onward.beneficiary_name,
            "beneficiary_bank": onward.beneficiary_bank,
            "beneficiary_country": onward.beneficiary_country,
            "uetr": onward.uetr,
            "end_to_end_id": onward.end_to_end_id,
        }
    )
