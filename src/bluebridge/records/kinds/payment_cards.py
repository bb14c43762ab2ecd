"""Compromised, counterfeit and skimmed payment cards. A full card number is never stored: the
owner sends it, it is checked (length, Luhn), and the stored payload keeps only a keyed hash
of the digits (for exact lookup: the same number hashes alike under the installation's key),
the last four digits and the brand read from the issuer identification number (IIN)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from pydantic import ConfigDict, Field, field_validator

from bluebridge.records.kinds.base import KeyedHash, LookupKey, Payload, RecordKind

HASH_PURPOSE = "payment_card"
_SEPARATORS = re.compile(r"[\s-]")
_DIGITS = re.compile(r"[0-9]{13,19}")
_HEX_DIGEST = re.compile(r"[0-9a-f]{32,128}")


class CardBrand(StrEnum):
    VISA = "visa"
    MASTERCARD = "mastercard"
    AMEX = "amex"
    DISCOVER = "discover"
    UNIONPAY = "unionpay"
    JCB = "jcb"
    OTHER = "other"


class CardStatus(StrEnum):
    COMPROMISED = "compromised"
    COUNTERFEIT = "counterfeit"
    SKIMMED = "skimmed"


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn (mod 10) check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_digits(value: str) -> str:
    """The digits of a card number (spaces and hyphens removed), checked for length and by
    Luhn, or ValueError; the message never repeats the number."""
    digits = _SEPARATORS.sub("", value)
    if not _DIGITS.fullmatch(digits):
        raise ValueError(
            "a card number has 13 to 19 digits (spaces and hyphens are ignored), and nothing else"
        )
    if not luhn_valid(digits):
        raise ValueError("fails the Luhn check: a digit is probably mistyped")
    return digits


def card_brand(digits: str) -> CardBrand:
    """The brand from the issuer identification number (the leading digits)."""
    two, four = int(digits[:2]), int(digits[:4])
    if digits.startswith("4"):
        return CardBrand.VISA
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return CardBrand.MASTERCARD
    if two in (34, 37):
        return CardBrand.AMEX
    if four == 6011 or two == 65:
        return CardBrand.DISCOVER
    if two == 62:
        return CardBrand.UNIONPAY
    if 3528 <= four <= 3589:
        return CardBrand.JCB
    return CardBrand.OTHER


def normalise_expiry(value: str) -> str:
    """An expiry "MM/YY" or "YYYY-MM" as "YYYY-MM", or ValueError."""
    short = re.fullmatch(r"([0-9]{2})/([0-9]{2})", value)
    full = re.fullmatch(r"([0-9]{4})-([0-9]{2})", value)
    if short:
        month, year = int(short[1]), 2000 + int(short[2])
    elif full:
        year, month = int(full[1]), int(full[2])
    else:
        raise ValueError("an expiry is MM/YY (as on the card) or YYYY-MM")
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 01 to 12, not {month:02d}")
    if not 1950 <= year <= 2099:
        raise ValueError(f"year {year} is out of range")
    return f"{year:04d}-{month:02d}"


class PaymentCardInput(Payload):
    """What the owner sends: the full card number, checked, then replaced before storage."""

    # Validation errors never echo the input: it may be a full card number.
    model_config = ConfigDict(hide_input_in_errors=True)

    card_number: str = Field(
        min_length=1, max_length=40, repr=False, description="13 to 19 digits; never stored"
    )
    expiry: str | None = Field(default=None, description="MM/YY or YYYY-MM")
    issuer: str | None = Field(default=None, min_length=1, max_length=200)
    status: CardStatus

    @field_validator("card_number")
    @classmethod
    def _card_number(cls, value: str) -> str:
        return card_digits(value)

    @field_validator("expiry")
    @classmethod
    def _expiry(cls, value: str | None) -> str | None:
        return normalise_expiry(value) if value is not None else None


class PaymentCard(Payload):
    """What is stored: a keyed hash of the number, its last four digits and the brand."""

    card_hash: str = Field(description="keyed hash (hex) of the card's digits")
    last_four: str = Field(pattern=r"^[0-9]{4}$")
    brand: CardBrand
    expiry: str | None = Field(default=None, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")
    issuer: str | None = Field(default=None, min_length=1, max_length=200)
    status: CardStatus

    @field_validator("card_hash")
    @classmethod
    def _card_hash(cls, value: str) -> str:
        if not _HEX_DIGEST.fullmatch(value):
            raise ValueError("is a keyed hash in lower-case hex, never a card number")
        return value


def prepare(given: Payload, keyed_hash: KeyedHash) -> PaymentCard:
    """The stored payload for a validated input: the number becomes its keyed hash."""
    if not isinstance(given, PaymentCardInput):
        raise TypeError(f"expected a PaymentCardInput, got {type(given).__name__}")
    digits = given.card_number
    return PaymentCard(
        card_hash=keyed_hash(HASH_PURPOSE, digits),
        last_four=digits[-4:],
        brand=card_brand(digits),
        expiry=given.expiry,
        issuer=given.issuer,
        status=given.status,
    )


def _keys(card: PaymentCard) -> Sequence[LookupKey]:
    return [LookupKey("payment_card", card.card_hash)]


_BRAND_NAMES = {
    CardBrand.VISA: "Visa",
    CardBrand.MASTERCARD: "Mastercard",
    CardBrand.AMEX: "American Express",
    CardBrand.DISCOVER: "Discover",
    CardBrand.UNIONPAY: "UnionPay",
    CardBrand.JCB: "JCB",
    CardBrand.OTHER: "Card",
}


def _title(card: PaymentCard) -> str:
    return f"{_BRAND_NAMES[card.brand]} ending {card.last_four} ({card.status.value})"


KIND = RecordKind(
    name="payment_cards",
    label="Payment cards",
    payload=PaymentCard,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=True,  # a card identifies its holder's account
    description=(
        "Compromised, counterfeit and skimmed payment cards, kept as a keyed hash of the "
        "number and its last four digits, never the full number."
    ),
    input_payload=PaymentCardInput,
    prepare=prepare,
)
