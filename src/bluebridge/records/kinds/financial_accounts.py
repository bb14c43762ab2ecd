"""Financial accounts used in crime: bank accounts (by IBAN, or by national account number and
bank code), cryptocurrency wallets and e-wallets, receiving the proceeds of fraud, frozen by
order or under investigation. IBANs and BICs are checked with schwifty; wallet addresses with
the checker cyber indicators use. Every account becomes an exact lookup key, so the same
account reported by two countries, or by IBAN in one and national number in the other, is
found as one."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from bluebridge.records.kinds import crypto_addresses
from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    Payload,
    RecordKind,
    compact_identifier,
    fold_compact,
    normalise_country,
)

_FAILED = ""  # what info.data.get gives for a field that failed its own validation


class AccountType(StrEnum):
    BANK_ACCOUNT = "bank_account"
    CRYPTO_WALLET = "crypto_wallet"
    E_WALLET = "e_wallet"


class Currency(StrEnum):
    BTC = "BTC"
    ETH = "ETH"
    USDT = "USDT"  # Tether, as an ERC-20 (Ethereum) or TRC-20 (Tron) token
    XMR = "XMR"
    OTHER = "other"


class AccountStatus(StrEnum):
    USED_IN_FRAUD = "used_in_fraud"
    FROZEN = "frozen"
    CLOSED = "closed"
    UNDER_INVESTIGATION = "under_investigation"


def wallet_address(value: str, currency: Currency) -> str:
    """A wallet address checked for its currency and normalised (lower case for Ethereum and
    bech32, as given for base58), or ValueError."""
    network = crypto_addresses.Network
    if currency is Currency.BTC:
        return crypto_addresses.bitcoin_address(value)
    if currency is Currency.ETH:
        return crypto_addresses.ethereum_address(value)
    if currency is Currency.USDT:
        return crypto_addresses.check_address(value, (network.ETHEREUM, network.TRON))
    if any(c.isspace() or not c.isprintable() for c in value):
        raise ValueError("a wallet address has no spaces or control characters")
    return value


def _iban(value: str) -> IBAN:
    try:
        return IBAN(value)
    except SchwiftyException as exc:
        reason = str(exc)
        raise ValueError(f"is not a valid IBAN: {reason[:1].lower()}{reason[1:]}") from None


def _refuse_unless(
    value: object, info: ValidationInfo, account_type: AccountType, what: str
) -> None:
    given = info.data.get("account_type")
    if value is not None and given is not None and given is not account_type:
        raise ValueError(f"{info.field_name} is only for {what} (account_type is {given.value})")


class FinancialAccount(Payload):
    """A bank account, a cryptocurrency wallet or an e-wallet."""

    account_type: AccountType
    # crypto wallets
    currency: Currency | None = Field(default=None, validate_default=True)
    wallet_address: str | None = Field(
        default=None, min_length=1, max_length=200, validate_default=True
    )
    # e-wallets
    provider: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        validate_default=True,
        description="e.g. PayPal, M-Pesa, Alipay",
    )
    wallet_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        validate_default=True,
        description="the account at the provider: an id, e-mail or phone number",
    )
    # bank accounts, by national number and bank code...
    national_account_number: str | None = Field(default=None, min_length=1, max_length=40)
    bank_code: str | None = Field(default=None, min_length=1, max_length=20, validate_default=True)
    # ...or by IBAN, with an optional BIC
    iban: str | None = Field(default=None, max_length=50, validate_default=True)
    bic: str | None = Field(default=None, max_length=20)
    country: CountryCode | None = Field(
        default=None,
        validate_default=True,
        description="of a bank account; derived from the IBAN when one is given",
    )
    holder_name: str | None = Field(default=None, min_length=1, max_length=200)
    status: AccountStatus

    @field_validator("currency", mode="before")
    @classmethod
    def _currency_case(cls, value: object) -> object:
        # "btc" is BTC; "Other" is other.
        if isinstance(value, str):
            text = value.strip()
            return "other" if text.lower() == "other" else text.upper()
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: Currency | None, info: ValidationInfo) -> Currency | None:
        _refuse_unless(value, info, AccountType.CRYPTO_WALLET, "a crypto wallet")
        if value is None and info.data.get("account_type") is AccountType.CRYPTO_WALLET:
            raise ValueError("a crypto wallet names its currency: BTC, ETH, USDT, XMR or other")
        return value

    @field_validator("wallet_address")
    @classmethod
    def _wallet_address(cls, value: str | None, info: ValidationInfo) -> str | None:
        _refuse_unless(value, info, AccountType.CRYPTO_WALLET, "a crypto wallet")
        if info.data.get("account_type") is not AccountType.CRYPTO_WALLET:
            return value
        if value is None:
            raise ValueError("a crypto wallet gives its wallet_address")
        currency = info.data.get("currency")
        return wallet_address(value, currency) if isinstance(currency, Currency) else value

    @field_validator("provider", "wallet_id")
    @classmethod
    def _e_wallet(cls, value: str | None, info: ValidationInfo) -> str | None:
        _refuse_unless(value, info, AccountType.E_WALLET, "an e-wallet")
        if value is None and info.data.get("account_type") is AccountType.E_WALLET:
            raise ValueError(f"an e-wallet gives its {info.field_name}")
        if value is not None and not fold_compact(value):
            raise ValueError("has no letters or digits")
        return value

    @field_validator("national_account_number")
    @classmethod
    def _national(cls, value: str | None, info: ValidationInfo) -> str | None:
        _refuse_unless(value, info, AccountType.BANK_ACCOUNT, "a bank account")
        if value is not None and not compact_identifier(value):
            raise ValueError("an account number has letters or digits")
        return value

    @field_validator("bank_code")
    @classmethod
    def _bank_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        _refuse_unless(value, info, AccountType.BANK_ACCOUNT, "a bank account")
        number = info.data.get("national_account_number", _FAILED)
        if value is None and number is not None and number != _FAILED:
            raise ValueError("a national_account_number goes with its bank_code")
        if value is not None and number is None:
            raise ValueError("a bank_code goes with a national_account_number (or give the IBAN)")
        if value is not None and not compact_identifier(value):
            raise ValueError("a bank code has letters or digits")
        return value

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str | None, info: ValidationInfo) -> str | None:
        _refuse_unless(value, info, AccountType.BANK_ACCOUNT, "a bank account")
        if info.data.get("account_type") is not AccountType.BANK_ACCOUNT:
            return value
        number = info.data.get("national_account_number", _FAILED)
        if value is None:
            if number is None:
                raise ValueError(
                    "a bank account gives its iban, or its national_account_number with "
                    "bank_code and country"
                )
            return None
        if number is not None:
            raise ValueError("give the iban or a national_account_number, not both")
        return _iban(value).compact

    @field_validator("bic")
    @classmethod
    def _bic(cls, value: str | None, info: ValidationInfo) -> str | None:
        _refuse_unless(value, info, AccountType.BANK_ACCOUNT, "a bank account")
        if value is None:
            return None
        try:
            bic = BIC(value)
        except SchwiftyException as exc:
            reason = str(exc)
            raise ValueError(f"is not a valid BIC: {reason[:1].lower()}{reason[1:]}") from None
        iban = info.data.get("iban")
        if isinstance(iban, str) and bic.country_code != IBAN(iban).country_code:
            raise ValueError(
                f"the BIC is of a bank in {bic.country_code}, the IBAN of an account in "
                f"{IBAN(iban).country_code}"
            )
        return str(bic.compact)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None, info: ValidationInfo) -> str | None:
        _refuse_unless(value, info, AccountType.BANK_ACCOUNT, "a bank account")
        if info.data.get("account_type") is not AccountType.BANK_ACCOUNT:
            return value
        iban = info.data.get("iban", _FAILED)
        if isinstance(iban, str) and iban:
            derived = normalise_country(IBAN(iban).country_code)
            if value is not None and value != derived:
                raise ValueError(f"the IBAN is of an account in {derived}, not {value}")
            return derived
        if value is None and info.data.get("national_account_number", _FAILED) is not None:
            raise ValueError("a national account number needs the country of its bank")
        return value


def _account_number_key(country: str, bank_code: str, number: str) -> str:
    """ "DEU:37040044:532013000": compacted, leading zeros of the number ignored, so that
    the number written nationally and the one inside the IBAN agree."""
    digits = compact_identifier(number).lstrip("0") or "0"
    return f"{country}:{compact_identifier(bank_code)}:{digits}"


def _keys(account: FinancialAccount) -> Sequence[LookupKey]:
    keys: list[LookupKey] = []
    if account.iban is not None:
        keys.append(LookupKey("iban", account.iban))
        iban = IBAN(account.iban)
        if account.country and iban.bank_code and iban.account_code:
            number = _account_number_key(account.country, iban.bank_code, iban.account_code)
            keys.append(LookupKey("bank_account", number))
    if account.national_account_number and account.bank_code and account.country:
        number = _account_number_key(
            account.country, account.bank_code, account.national_account_number
        )
        keys.append(LookupKey("bank_account", number))
    if account.wallet_address is not None:
        keys.append(LookupKey("wallet", account.wallet_address))
    if account.provider is not None and account.wallet_id is not None:
        wallet_id = "".join(account.wallet_id.casefold().split())
        keys.append(LookupKey("e_wallet", f"{fold_compact(account.provider)}:{wallet_id}"))
    return keys


def _title(account: FinancialAccount) -> str:
    status = account.status.value.replace("_", " ")
    if account.iban is not None:
        what = f"IBAN {IBAN(account.iban).formatted}"
    elif account.national_account_number is not None:
        what = f"Account {account.national_account_number} ({account.country} {account.bank_code})"
    elif account.wallet_address is not None:
        currency = account.currency.value if account.currency else "crypto"
        what = f"{currency} wallet {account.wallet_address}"
    else:
        what = f"{account.provider} e-wallet {account.wallet_id}"
    return f"{what}, {status}"


KIND = RecordKind(
    name="financial_accounts",
    label="Financial accounts",
    payload=FinancialAccount,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=True,  # an account identifies its holder
    description=(
        "Bank accounts, cryptocurrency wallets and e-wallets used in fraud or money "
        "laundering, frozen or under investigation."
    ),
)
