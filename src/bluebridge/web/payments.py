"""Portal pages of I-GRIP, the rapid interception of fraudulent payments: the cases the
visitor sees (filtered, paginated), the desk's queue (the most urgent first), the filing form
(the victim, the evidence and one to 100 payments, a row added without script; every problem
beside its input, nothing typed lost), a case's page (its legs as the visitor may see them,
the correlation alerts, the money flow drawn as an inline SVG graph with a table beside it,
and the close form of the requesting side), a leg's page (its fields, its events, the step
form of the leg's country with the onward transfers, the camt.056 to download and the bank's
camt.029 to upload) and the network's dashboard (charts and a world map).

Every page calls the I-GRIP service and asks `access.payments` what to offer, as the API and
the command line do. A leg past its target is marked overdue, by a class and in words, on
every page that shows it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from babel import numbers
from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from python_multipart.multipart import parse_options_header
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from bluebridge.access import notices as notice_access
from bluebridge.access import payments as access
from bluebridge.access.principal import Principal
from bluebridge.api.deps import DbSession, SettingsDep
from bluebridge.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from bluebridge.messaging import service as messaging
from bluebridge.notices import service as notices
from bluebridge.payments import iso20022, service, tracing
from bluebridge.payments.models import PaymentCase, PaymentLeg
from bluebridge.payments.schemas import (
    CRYPTO_DECIMALS,
    MAX_PAYMENTS,
    FraudType,
    LegState,
    currency_digits,
)
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page
from bluebridge.text import is_ascii_number
from bluebridge.web import i18n, uploads, worldmap
from bluebridge.web import messages as message_pages
from bluebridge.web.charts import Chart, bar_chart
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _
from bluebridge.web.portal import CsrfFailed, Visitor, visit
from bluebridge.web.record_form import Choices
from bluebridge.web.records import FormPairs

router = APIRouter(include_in_schema=False)

CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
LegId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]
Filter = Annotated[str | None, Query(max_length=100)]
IndexQuery = Annotated[int, Query(ge=0, le=MAX_PAYMENTS)]
PER_PAGE = 25
MAX_ONWARD = 20  # onward transfers in one step (schemas.StepIn)
MAX_EVIDENCE = 10  # files (schemas.FilingIn)
EVIDENCE = "evidence"  # the filing form's file input
RESOLUTION_FILE = "file"  # the camt.029 form's file input
ADD = "_add"  # the buttons that add a row without script: "payment" or "onward"
# A filing of 100 payments has some 2,500 values; none is longer than a summary.
FORM_BOUNDS = uploads.FormBounds(
    value_bytes=64 * 1024,
    values=4000,
    values_bytes=2 * 1024 * 1024,
    refusal="the form is too large",
)

# ---------------------------------------------------------------- the words

FRAUD_TYPE_LABELS = {
    FraudType.BUSINESS_EMAIL_COMPROMISE.value: N_("Business e-mail compromise"),
    FraudType.INVESTMENT.value: N_("Investment fraud"),
    FraudType.ROMANCE.value: N_("Romance scam"),
    FraudType.PHISHING.value: N_("Phishing"),
    FraudType.IMPERSONATION.value: N_("Impersonation"),
    FraudType.RANSOMWARE_PAYMENT.value: N_("Ransomware payment"),
    FraudType.OTHER.value: N_("Other fraud"),
}
LEG_STATE_LABELS = {
    LegState.RECEIVED.value: N_("Received"),
    LegState.ACKNOWLEDGED.value: N_("Acknowledged"),
    LegState.BANK_REQUESTED.value: N_("Bank asked"),
    LegState.FROZEN.value: N_("Frozen"),
    LegState.MOVED_ON.value: N_("Moved on"),
    LegState.NOTHING_FOUND.value: N_("Nothing found"),
    LegState.RETURNED.value: N_("Returned"),
    LegState.CLOSED.value: N_("Closed"),
}
# What each state means, beside its choice in the step form.
LEG_STATE_HINTS = {
    LegState.ACKNOWLEDGED.value: N_("Your desk has taken the leg."),
    LegState.BANK_REQUESTED.value: N_("The bank was asked: a camt.056 or the national channel."),
    LegState.FROZEN.value: N_("The bank holds the amount (part of it allowed)."),
    LegState.MOVED_ON.value: N_(
        "The funds left the account: give the onward transfers, each becomes a new leg."
    ),
    LegState.NOTHING_FOUND.value: N_("No such funds at the bank."),
    LegState.RETURNED.value: N_("Sent back to the victim, at most what was frozen."),
    LegState.CLOSED.value: N_("Nothing more to do on this leg."),
}
STATE_TONES = {
    LegState.RECEIVED.value: "info",
    LegState.ACKNOWLEDGED.value: "info",
    LegState.BANK_REQUESTED.value: "warning",
    LegState.FROZEN.value: "success",
    LegState.MOVED_ON.value: "danger",
    LegState.NOTHING_FOUND.value: "",
    LegState.RETURNED.value: "success",
    LegState.CLOSED.value: "",
}
STATE_COLOURS = {
    LegState.RECEIVED.value: "#4a5563",
    LegState.ACKNOWLEDGED.value: "#0b4f9c",
    LegState.BANK_REQUESTED.value: "#8a5a00",
    LegState.FROZEN.value: "#0f5132",
    LegState.MOVED_ON.value: "#b00020",
    LegState.NOTHING_FOUND.value: "#6b7280",
    LegState.RETURNED.value: "#146c43",
    LegState.CLOSED.value: "#17202a",
}
CASE_STATUS_LABELS = {"open": N_("Open"), "closed": N_("Closed")}
VICTIM_KIND_LABELS = {"person": N_("A person"), "company": N_("A company")}
# The kinds of account a beneficiary's is given as, each with its own inputs.
ACCOUNT_KIND_LABELS = {
    "iban": N_("IBAN, with its BIC"),
    "national": N_("National account number, bank code and country"),
    "crypto_wallet": N_("Crypto wallet"),
    "e_wallet": N_("E-wallet"),
}
ACCOUNT_FIELDS = {
    "iban": ("iban", "bic"),
    "national": ("national_account_number", "bank_code", "country"),
    "crypto_wallet": ("currency", "wallet_address"),
    "e_wallet": ("provider", "wallet_id"),
}
ACCOUNT_TYPES = {
    "iban": "bank_account",
    "national": "bank_account",
    "crypto_wallet": "crypto_wallet",
    "e_wallet": "e_wallet",
}
WALLET_CURRENCIES = ("BTC", "ETH", "USDT", "XMR", "other")
# Offered as the currency input's suggestions; any ISO 4217 code is accepted.
CURRENCIES = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "JPY",
    "CNY",
    "HKD",
    "SGD",
    "AED",
    "SAR",
    "EGP",
    "MAD",
    "NGN",
    "ZAR",
    "INR",
    "TRY",
    "RUB",
    "BRL",
    "MXN",
    "CAD",
    "AUD",
    "KWD",
    *CRYPTO_DECIMALS,
)
OVERDUE_LABELS = {
    "acknowledge": N_("Overdue: not acknowledged"),
    "answer": N_("Overdue: not answered"),
}
IDENTIFIER_LABELS = {
    "iban": N_("IBAN"),
    "bank_account": N_("National account"),
    "wallet": N_("Wallet address"),
    "e_wallet": N_("E-wallet"),
    "name": N_("Beneficiary's name"),
    "email": N_("E-mail address"),
}
# The filing form's inputs, for the summary of its errors (a payment's under PAYMENT_FIELDS).
FILING_FIELDS = {
    "fraud_type": N_("Kind of fraud"),
    "victim.kind": N_("The victim is"),
    "victim.name": N_("Victim's name"),
    "victim.country": N_("Victim's country"),
    "victim.email": N_("Victim's e-mail address"),
    "reported_at": N_("Reported at"),
    "summary": N_("Summary of the fraud"),
    "fraudster_emails": N_("Fraudsters' e-mail addresses"),
    "payments": N_("Payments"),
    "evidence": N_("Evidence"),
}
PAYMENT_FIELDS = {
    "amount": N_("Amount"),
    "currency": N_("Currency"),
    "value_at": N_("Value date and time (UTC)"),
    "ordering.iban": N_("IBAN of the account debited"),
    "ordering.bic": N_("BIC of the account debited"),
    "account": N_("Beneficiary's account"),
    "beneficiary.iban": N_("IBAN"),
    "beneficiary.bic": N_("BIC"),
    "beneficiary.national_account_number": N_("Account number"),
    "beneficiary.bank_code": N_("Bank code"),
    "beneficiary.country": N_("Country of the bank"),
    "beneficiary.currency": N_("Currency of the wallet"),
    "beneficiary.wallet_address": N_("Wallet address"),
    "beneficiary.provider": N_("E-wallet provider"),
    "beneficiary.wallet_id": N_("E-wallet account"),
    "beneficiary_name": N_("Beneficiary's name"),
    "beneficiary_bank": N_("Beneficiary's bank"),
    "beneficiary_country": N_("Beneficiary's country"),
    "beneficiary_email": N_("Beneficiary's e-mail address"),
    "uetr": N_("UETR"),
    "end_to_end_id": N_("End-to-end reference"),
}
ONWARD_FIELDS = {
    name: label
    for name, label in PAYMENT_FIELDS.items()
    if not name.startswith("ordering.") and name != "beneficiary_email"
}
STEP_FIELDS = {
    "state": N_("New state"),
    "amount": N_("Amount"),
    "note": N_("Note"),
    "onward": N_("Onward transfers"),
}
# The inputs of a row a visitor may leave as they are without filling the row: its choices.
_ROW_CHOICES = frozenset({"account", "beneficiary.currency", "currency"})

# The service's refusals that a form can provoke, said again in the visitor's language.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^must be more than zero$"), N_("must be more than zero")),
    (re.compile(r"^is too large$"), N_("is too large")),
    (
        re.compile(r"^has at most (?P<digits>\d+) decimals in (?P<currency>\w+)$"),
        N_("has at most %(digits)s decimals in %(currency)s"),
    ),
    (
        re.compile(r"^is not an ISO 4217 currency"),
        N_("is not an ISO 4217 currency code (nor BTC, ETH, USDT or XMR)"),
    ),
    (
        re.compile(r"^is not a currency payments are made in$"),
        N_("is not a currency payments are made in"),
    ),
    (re.compile(r"cannot lie in the future$"), N_("cannot lie in the future")),
    (re.compile(r"is dated after 2000$"), N_("must be after the year 2000")),
    (re.compile(r"^is not an e-mail address$"), N_("is not an e-mail address")),
    (re.compile(r"^is not a country code"), N_("is not a country code (ISO 3166)")),
    (
        re.compile(r"^the account is in (?P<derived>[A-Z]{3}), not (?P<given>[A-Z]{3})$"),
        N_("the account is in %(derived)s, not %(given)s"),
    ),
    (
        re.compile(r"^name the country of the beneficiary's bank or exchange$"),
        N_("name the country of the beneficiary's bank or exchange"),
    ),
    (re.compile(r"^is not a member country$"), N_("is not a member country")),
    (
        re.compile(r"^is not a valid IBAN: (?P<detail>.+)$"),
        N_("is not a valid IBAN (%(detail)s)"),
    ),
    (re.compile(r"^is not a valid BIC: (?P<detail>.+)$"), N_("is not a valid BIC (%(detail)s)")),
    (
        re.compile(
            r"^the BIC is of a bank in (?P<bic>\w+), the IBAN of an account in (?P<iban>\w+)"
        ),
        N_("the BIC is of a bank in %(bic)s, the IBAN of an account in %(iban)s"),
    ),
    (
        re.compile(r"^the IBAN is of an account in (?P<derived>\w+), not (?P<given>\w+)$"),
        N_("the IBAN is of an account in %(derived)s, not %(given)s"),
    ),
    (
        re.compile(r"^a bank account gives its iban"),
        N_("give the IBAN, or the national account number with its bank code and country"),
    ),
    (re.compile(r"^give the iban or a national_account_number"), N_("give one account only")),
    (
        re.compile(r"^a national_account_number goes with its bank_code$"),
        N_("give the bank code with the account number"),
    ),
    (
        re.compile(r"^a bank_code goes with a national_account_number"),
        N_("give the account number with the bank code"),
    ),
    (
        re.compile(r"^a national account number needs the country of its bank$"),
        N_("give the country of the bank"),
    ),
    (re.compile(r"^a crypto wallet names its currency"), N_("choose the wallet's currency")),
    (re.compile(r"^a crypto wallet gives its wallet_address$"), N_("give the wallet address")),
    (re.compile(r"^an e-wallet gives its provider$"), N_("give the e-wallet's provider")),
    (re.compile(r"^an e-wallet gives its wallet_id$"), N_("give the account at the provider")),
    (re.compile(r"^is not a UETR"), N_("is not a UETR (a UUID such as %(example)s)")),
    (re.compile(r"^a UETR is a version 4 UUID$"), N_("a UETR is a version 4 UUID")),
    (
        re.compile(r"^a leg (?P<state>\w+) can go to: (?P<allowed>.+)$"),
        N_("a leg that is %(state)s can go to: %(allowed)s"),
    ),
    (
        re.compile(r"^is more than the (?P<amount>\S+) (?P<currency>\w+) it can be$"),
        N_("is more than the %(amount)s %(currency)s it can be"),
    ),
    (
        re.compile(r"^only a freeze or a return has an amount$"),
        N_("only a freeze or a return has an amount"),
    ),
    (
        re.compile(r"^onward transfers go with moved_on$"),
        N_("onward transfers go with the state “Moved on”"),
    ),
    (
        re.compile(r"^a trail is followed for (?P<hops>\d+) hops$"),
        N_("a trail is followed for %(hops)s hops"),
    ),
    (
        re.compile(r"^is before the money reached the account$"),
        N_("is before the money reached the account"),
    ),
    (re.compile(r"^say why the case is closed"), N_("say why the case is closed")),
    (re.compile(r"^case (?P<case>\S+) is (already )?closed$"), N_("the case %(case)s is closed")),
    (
        re.compile(r"^the leg (?P<leg>\S+) is already (?P<state>\w+)$"),
        N_("the leg %(leg)s is already in that state (%(state)s)"),
    ),
    (
        re.compile(r"^no I-GRIP leg for case id (?P<case>.+)$"),
        N_("no leg that you see answers to the case id %(case)s of this file"),
    ),
    (
        re.compile(r"^the file is not a readable camt.029$"),
        N_("the file is not a readable camt.029"),
    ),
    (
        re.compile(r"^Input should be a valid decimal"),
        N_("give an amount in figures, such as 1250.50"),
    ),
    (
        re.compile(r"^List should have at least 1 item"),
        N_("give at least one payment"),
    ),
    (re.compile(r"^Input should be 'person' or 'company'"), N_("choose a person or a company")),
    (re.compile(r"^String should have at most (?P<n>\d+) characters"), N_("this text is too long")),
)
UETR_EXAMPLE = "8a562c67-ca16-48ba-b074-65581be6f011"


def reason_text(reason: str) -> str:
    """A refusal of the I-GRIP service in the visitor's language, where the portal knows it."""
    for pattern, msgid in _REASONS:
        if found := pattern.search(reason):
            values = found.groupdict()
            if "state" in values:
                values["state"] = _label(LEG_STATE_LABELS, values["state"])
            if "allowed" in values:
                values["allowed"] = ", ".join(
                    _label(LEG_STATE_LABELS, s.strip()) for s in values["allowed"].split(",")
                )
            return _(msgid) % {**values, "example": UETR_EXAMPLE}
    return message_pages.reason_text(reason)


def _label(labels: Mapping[str, str], value: str) -> str:
    return _(labels[value]) if value in labels else value


# ---------------------------------------------------------------- figures and words


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _isolated(text: str, lang: str) -> str:
    """A figure kept left to right inside Arabic words (Unicode isolates), as is elsewhere."""
    return f"\u2066{text}\u2069" if i18n.direction(lang) == "rtl" else text


def amount_text(amount: str | Decimal | None, currency: str, lang: str) -> str:
    """An amount in its currency, grouped as the visitor reads numbers ("125 000,00 EUR"):
    the currency's decimals, or more where a crypto amount has them."""
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return f"{amount} {currency}"
    try:
        digits = currency_digits(currency)
    except ValueError:
        digits = 2
    exponent = value.normalize().as_tuple().exponent if value.is_finite() else 0
    given = -exponent if isinstance(exponent, int) else 0
    shown = min(digits, max(min(digits, 2), given))
    pattern = "#,##0" + ("." + "0" * shown if shown else "")
    text = numbers.format_decimal(value, format=pattern, locale=lang)
    return _isolated(f"{text} {currency}", lang)


def usd_text(value: Decimal | float, lang: str) -> str:
    """US dollars, whole, as the visitor writes money."""
    whole = Decimal(str(value)).quantize(Decimal(1))
    text = numbers.format_currency(
        whole, "USD", format="¤#,##0", locale=lang, currency_digits=False
    )
    return _isolated(str(text), lang)


def account_text(account: Mapping[str, Any]) -> str:
    """A beneficiary's or an ordering account in words."""
    if account.get("iban"):
        return _("IBAN %(iban)s") % {"iban": account["iban"]}
    if account.get("national_account_number"):
        return _("Account %(number)s, bank code %(code)s (%(country)s)") % {
            "number": account["national_account_number"],
            "code": account.get("bank_code", "—"),
            "country": account.get("country", "—"),
        }
    if account.get("wallet_address"):
        return _("%(currency)s wallet %(address)s") % {
            "currency": account.get("currency", ""),
            "address": account["wallet_address"],
        }
    if account.get("wallet_id"):
        return _("%(provider)s account %(id)s") % {
            "provider": account.get("provider", ""),
            "id": account["wallet_id"],
        }
    return "—"


def _country_name(code: str | None, lang: str) -> str:
    return worldmap.country_name(code, lang) if code else "—"


def _common(visitor: Visitor, now: dt.datetime | None = None) -> dict[str, Any]:
    lang = visitor.lang
    moment = now or utcnow()
    return {
        "fraud_label": lambda value: _label(FRAUD_TYPE_LABELS, value),
        "state_label": lambda value: _label(LEG_STATE_LABELS, value),
        "state_tone": lambda value: STATE_TONES.get(value, ""),
        "status_label": lambda value: _label(CASE_STATUS_LABELS, value),
        "victim_kind_label": lambda value: _label(VICTIM_KIND_LABELS, value),
        "overdue_label": lambda stage: _label(OVERDUE_LABELS, stage),
        "overdue": lambda leg: service.is_overdue(leg, moment),
        "country": lambda code: _country_name(code, lang),
        "when": lambda value: i18n.format_datetime(_aware(value), lang) if value else "—",
        "money": lambda amount, currency: amount_text(amount, currency, lang),
        "number": lambda value: i18n.format_number(value, lang),
        "account": account_text,
    }


def _may_see_queue(principal: Principal) -> bool:
    return access.is_desk(principal) and access.may_use(principal)


def _user(visitor: Visitor) -> Principal:
    """The signed-in principal, refused unless it has I-GRIP at all."""
    principal = visitor.principal()
    if not access.may_use(principal):
        raise PermissionDenied("I-GRIP is for NCBs, financial and cyber units, and the GS")
    return principal


# ---------------------------------------------------------------- the cases


@dataclass(frozen=True)
class CaseRow:
    case: PaymentCase
    legs: int
    overdue: int
    states: list[tuple[str, int]]


@router.get("/igrip", response_class=HTMLResponse)
def case_list(
    request: Request,
    session: DbSession,
    status: Filter = None,
    fraud_type: Filter = None,
    page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    principal = _user(visitor)
    filters = {"status": (status or "").strip(), "fraud_type": (fraud_type or "").strip()}
    errors: dict[str, str] = {}
    if filters["status"] and filters["status"] not in CASE_STATUS_LABELS:
        errors["status"] = _("choose one of the options")
    if filters["fraud_type"] and filters["fraud_type"] not in FRAUD_TYPE_LABELS:
        errors["fraud_type"] = _("choose one of the options")
    result: Page[PaymentCase] = Page([], 1, PER_PAGE, 0)
    if not errors:
        result = service.list_cases(
            session,
            principal=principal,
            status=filters["status"] or None,
            fraud_type=filters["fraud_type"] or None,
            page=page,
            per_page=PER_PAGE,
        )
    now = utcnow()
    rows = []
    for case in result.items:
        legs = access.visible_legs(principal, case)
        states = Counter(leg.state for leg in legs)
        rows.append(
            CaseRow(
                case=case,
                legs=len(legs),
                overdue=sum(1 for leg in legs if service.is_overdue(leg, now)),
                states=[(s.value, states[s.value]) for s in LegState if states[s.value]],
            )
        )
    kept = {k: v for k, v in filters.items() if v and k not in errors}
    query = "&".join(f"{k}={v}" for k, v in kept.items())
    return visitor.render(
        "payments/list.html",
        status_code=422 if errors else 200,
        page=result,
        rows=rows,
        filters=filters,
        errors=errors,
        base=f"/igrip?{query}&" if query else "/igrip?",
        fraud_types=[(v, _(label)) for v, label in FRAUD_TYPE_LABELS.items()],
        statuses=[(v, _(label)) for v, label in CASE_STATUS_LABELS.items()],
        may_file=access.may_file(principal),
        may_see_queue=_may_see_queue(principal),
        **_common(visitor, now),
    )


# ---------------------------------------------------------------- the queue


@router.get("/igrip/queue", response_class=HTMLResponse)
def desk_queue(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    legs = service.queue(session, principal=principal)
    now = utcnow()
    return visitor.render(
        "payments/queue.html",
        legs=legs,
        overdue_count=sum(1 for leg in legs if service.is_overdue(leg, now)),
        country_name=_country_name(principal.country, visitor.lang),
        **_common(visitor, now),
    )


# ---------------------------------------------------------------- form values

Values = dict[str, list[str]]


def _one(values: Mapping[str, Sequence[str]], name: str) -> str:
    found = values.get(name) or [""]
    return found[-1]


def _pairs_values(pairs: Iterable[tuple[str, str]]) -> Values:
    values: Values = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    return values


def _rows(values: Mapping[str, Sequence[str]], prefix: str, *, most: int, more: bool) -> int:
    """How many rows of a list the form shows: those submitted (at least one), one more when
    asked, never past the list's limit."""
    found = re.compile(rf"^{re.escape(prefix)}\.(\d{{1,3}})\.")
    indices = [int(m[1]) for name in values if (m := found.match(name))]
    count = max(1, max(indices, default=-1) + 1) + (1 if more else 0)
    return min(count, most)


_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_GROUPED_BY_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_GROUPED_BY_POINTS = re.compile(r"^\d{1,3}(\.\d{3})+,\d+$")


def decimal_text(text: str, lang: str) -> str:
    """An amount as typed, read without guessing: spaces and Arabic-Indic digits are taken
    in, "1,250.50" and "1.250,50" are read as grouped, and a lone comma is the decimal sign
    in French and Spanish. Anything else goes to the service as typed, to be named."""
    compact = re.sub(r"[\s\u00a0\u202f']", "", text.translate(_ARABIC_DIGITS))
    if _GROUPED_BY_COMMAS.match(compact):
        return compact.replace(",", "")
    if _GROUPED_BY_POINTS.match(compact):
        return compact.replace(".", "").replace(",", ".")
    if lang in ("fr", "es") and compact.count(",") == 1 and "." not in compact:
        return compact.replace(",", ".")
    return compact


def _account(values: Mapping[str, Sequence[str]], prefix: str) -> dict[str, Any]:
    kind = _one(values, f"{prefix}account").strip()
    kind = kind if kind in ACCOUNT_FIELDS else "iban"
    account: dict[str, Any] = {"account_type": ACCOUNT_TYPES[kind]}
    for name in ACCOUNT_FIELDS[kind]:
        if given := _one(values, f"{prefix}beneficiary.{name}").strip():
            account[name] = given
    return account


def _row_filled(values: Mapping[str, Sequence[str]], prefix: str, fields: Iterable[str]) -> bool:
    return any(_one(values, prefix + name).strip() for name in fields if name not in _ROW_CHOICES)


def _payment(
    values: Mapping[str, Sequence[str]], prefix: str, lang: str, *, onward: bool
) -> dict[str, Any]:
    """A payment row (or an onward transfer's) as the service's schema reads it."""
    names = [
        "amount",
        "currency",
        "value_at",
        "beneficiary_name",
        "beneficiary_bank",
        "beneficiary_country",
        "uetr",
        "end_to_end_id",
    ]
    if not onward:
        names.append("beneficiary_email")
    data: dict[str, Any] = {}
    for name in names:
        if given := _one(values, prefix + name).strip():
            data[name] = decimal_text(given, lang) if name == "amount" else given
    if not onward:
        ordering: dict[str, Any] = {"account_type": "bank_account"}
        for name in ("iban", "bic"):
            if given := _one(values, f"{prefix}ordering.{name}").strip():
                ordering[name] = given
        data["ordering"] = ordering
    data["beneficiary"] = _account(values, prefix)
    return data


def _tokens(text: str) -> list[str]:
    return [token for token in re.split(r"[\s,;]+", text) if token]


def filing_data(
    values: Mapping[str, Sequence[str]], lang: str, rows: int
) -> tuple[dict[str, Any], list[int]]:
    """The filing as typed, for `service.parse_filing`, and the form's row of each payment
    sent (the rows left empty are not)."""
    data: dict[str, Any] = {}
    if fraud_type := _one(values, "fraud_type").strip():
        data["fraud_type"] = fraud_type
    victim: dict[str, Any] = {}
    for name in ("kind", "name", "country", "email"):
        if given := _one(values, f"victim.{name}").strip():
            victim[name] = given
    data["victim"] = victim
    data["summary"] = _one(values, "summary").strip()
    data["fraudster_emails"] = _tokens(_one(values, "fraudster_emails"))
    kept = [n for n in range(rows) if _row_filled(values, f"payments.{n}.", PAYMENT_FIELDS)]
    data["payments"] = [_payment(values, f"payments.{n}.", lang, onward=False) for n in kept]
    return data, kept


def step_data(
    values: Mapping[str, Sequence[str]], lang: str, rows: int
) -> tuple[dict[str, Any], list[int]]:
    """A step as typed, for `service.parse_step`, and the form's row of each onward transfer."""
    data: dict[str, Any] = {"note": _one(values, "note").strip()}
    if state := _one(values, "state").strip():
        data["state"] = state
    if amount := _one(values, "amount").strip():
        data["amount"] = decimal_text(amount, lang)
    kept = [n for n in range(rows) if _row_filled(values, f"onward.{n}.", ONWARD_FIELDS)]
    data["onward"] = [_payment(values, f"onward.{n}.", lang, onward=True) for n in kept]
    return data, kept


def _row_places(list_name: str, rows: int, fields: Iterable[str]) -> dict[str, str]:
    """Where the service's names of a list's rows go in the form: each input, the account's
    problems at its kind, the row's own at its fieldset, the list's at the list's."""
    places = {list_name: list_name}
    names = list(fields)
    for n in range(rows):
        prefix = f"{list_name}.{n}"
        places[prefix] = prefix
        places |= {f"{prefix}.{name}": f"{prefix}.{name}" for name in names}
        places[f"{prefix}.beneficiary"] = f"{prefix}.account"
        places[f"{prefix}.beneficiary.account_type"] = f"{prefix}.account"
        if "ordering.iban" in names:
            places[f"{prefix}.ordering"] = f"{prefix}.ordering.iban"
            places[f"{prefix}.ordering.account_type"] = f"{prefix}.ordering.iban"
    return places


def place_problems(
    problems: Iterable[FieldProblem],
    places: Mapping[str, str],
    *,
    rows: Mapping[str, Sequence[int]] | None = None,
    given: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    """Each problem beside the input it names. `places` maps the service's names to the
    form's; `rows` gives the form's row of each item the service numbered (empty rows were
    not sent); a problem about one of several values names that value (`given`)."""
    errors: dict[str, str] = {}
    for problem in problems:
        parts = problem.field.split(".")
        if rows and len(parts) > 1 and parts[0] in rows and is_ascii_number(parts[1]):
            kept = rows[parts[0]]
            index = int(parts[1])
            if index < len(kept):
                parts[1] = str(kept[index])
        target, value = "_", ""
        for end in range(len(parts), 0, -1):
            head = ".".join(parts[:end])
            if head in places:
                target = places[head]
                rest = parts[end:]
                if rest and is_ascii_number(rest[0]) and given and head in given:
                    index = int(rest[0])
                    values = given[head]
                    value = values[index] if index < len(values) else ""
                break
        text = reason_text(problem.reason)
        if value:
            text = f"{value}: {text}"
        errors[target] = f"{errors[target]}; {text}" if target in errors else text
    return errors


def _row_label(name: str, list_name: str, item: str, fields: Mapping[str, str]) -> str:
    _list, _sep, rest = name.partition(".")
    index, _sep, field_name = rest.partition(".")
    number = int(index) + 1 if is_ascii_number(index) else 0
    if not field_name:
        return _(item) % {"number": number}
    return _("%(item)s: %(field)s") % {
        "item": _(item) % {"number": number},
        "field": _label(fields, field_name),
    }


def error_summary(
    errors: Mapping[str, str], order: Sequence[str], labels: Callable[[str], str]
) -> list[tuple[str, str, str]]:
    """The errors as (label, the input's id, text), in the order of the form's inputs."""
    return [
        (labels(name), "f-" + name.replace(".", "-"), errors[name])
        for name in sorted(
            (n for n in errors if n != "_"),
            key=lambda n: order.index(n) if n in order else len(order),
        )
    ]


def _filing_label(name: str) -> str:
    if name.startswith("payments."):
        return _row_label(name, "payments", N_("Payment %(number)s"), PAYMENT_FIELDS)
    return _label(FILING_FIELDS, name)


def _step_label(name: str) -> str:
    if name.startswith("onward."):
        return _row_label(name, "onward", N_("Onward transfer %(number)s"), ONWARD_FIELDS)
    if name == RESOLUTION_FILE:
        return _("The bank's answer (camt.029)")
    return _label(STEP_FIELDS, name)


def _row_order(list_name: str, rows: int, fields: Iterable[str]) -> list[str]:
    names = list(fields)
    order = [list_name]
    for n in range(rows):
        order += [f"{list_name}.{n}", *(f"{list_name}.{n}.{name}" for name in names)]
    return order


# ---------------------------------------------------------------- uploads


class _TooLarge(Exception):
    """A value of the form went past its bounds: the values read before it, and why."""

    def __init__(self, values: Values, refusal: InvalidInput) -> None:
        super().__init__(refusal.detail)
        self.values = values
        self.refusal = refusal


class _Upload(uploads.StreamedForm):
    """A form with files read as it streams in: its values within FORM_BOUNDS, and the files
    of one input held in memory each up to one byte past its limit, one file past the count,
    so that the service names the file too large or the files too many. The first file is
    taken only once the form's token, sent before the files, has been checked."""

    def __init__(
        self, check_token: Callable[[str], None], field_name: str, max_bytes: int, max_files: int
    ) -> None:
        self.values: Values = {}
        super().__init__(FORM_BOUNDS, self.values)
        self.files: list[tuple[str, bytes]] = []
        self.check_token = check_token
        self.field_name = field_name
        self.max_bytes = max_bytes
        self.max_files = max_files
        self._checked = False
        self._filename = ""
        self._file: bytearray | None = None

    def begin_file(self, filename: str) -> bool:
        self._filename, self._file = filename[:300], None
        if self.name != self.field_name or not self._filename:
            return True  # another file input, or none chosen: nothing is kept
        if not self._checked:
            self.check_token(_one(self.values, "csrf_token"))
            self._checked = True
        if len(self.files) <= self.max_files:
            self._file = bytearray()
        return True

    def file_data(self, data: bytes) -> None:
        if self._file is not None and len(self._file) <= self.max_bytes:
            self._file += data[: self.max_bytes + 1 - len(self._file)]

    def end_file(self) -> None:
        if self._file is not None:
            self.files.append((self._filename, bytes(self._file)))
        self._file = None


async def _receive(
    request: Request, visitor: Visitor, field_name: str, max_bytes: int, max_files: int
) -> tuple[Values, list[tuple[str, bytes]]]:
    """A submitted form: multipart as it streams in, or a plain form without files;
    CsrfFailed without the form's token, _TooLarge past its bounds."""
    content_type, _options = parse_options_header(request.headers.get("content-type", ""))
    if content_type == b"application/x-www-form-urlencoded":
        try:
            plain = await request.form(max_fields=FORM_BOUNDS.values, max_files=0)
        except HTTPException as exc:
            raise _TooLarge({}, InvalidInput(str(exc.detail))) from None
        values = _pairs_values(
            (name, value) for name, value in plain.multi_items() if isinstance(value, str)
        )
        visitor.check_csrf(_one(values, "csrf_token"))
        return values, []
    upload = _Upload(visitor.check_csrf, field_name, max_bytes, max_files)
    try:
        await uploads.read_multipart(request, upload)
    except uploads.Unreadable:
        raise CsrfFailed from None  # no readable form, so no token: an expired form
    except InvalidInput as exc:
        visitor.check_csrf(_one(upload.values, "csrf_token"))
        raise _TooLarge(upload.values, exc) from None
    visitor.check_csrf(_one(upload.values, "csrf_token"))
    return upload.values, upload.files


def _too_large(exc: _TooLarge) -> tuple[str, str]:
    problem = (exc.refusal.problems or [FieldProblem("_", exc.refusal.detail)])[0]
    return problem.field, _(problem.reason)


# ---------------------------------------------------------------- the filing form


def _filer(visitor: Visitor) -> Principal:
    principal = visitor.principal()
    if not access.may_file(principal):
        raise PermissionDenied(
            "I-GRIP requests are filed by an officer or supervisor of an NCB or of a financial "
            "investigations or cybercrime unit"
        )
    return principal


def _row_context(visitor: Visitor) -> dict[str, Any]:
    """What the rows of payments and onward transfers offer, in the visitor's language (a
    value given that is none of the options is kept by the template as its own)."""
    return {
        "countries": list(Choices.for_language(visitor.lang).countries),
        "account_kinds": [(k, _(label)) for k, label in ACCOUNT_KIND_LABELS.items()],
        "wallet_currencies": [(c, c if c != "other" else _("Other")) for c in WALLET_CURRENCIES],
        "currencies": CURRENCIES,
        "uetr_example": UETR_EXAMPLE,
    }


def _render_filing(
    visitor: Visitor,
    values: Mapping[str, Sequence[str]],
    rows: int,
    *,
    errors: Mapping[str, str] | None = None,
    files_lost: Sequence[str] = (),
    status_code: int = 200,
) -> Response:
    errors = dict(errors or {})
    settings = visitor.runtime.settings
    order = [
        *list(FILING_FIELDS)[:-2],
        *_row_order("payments", rows, PAYMENT_FIELDS),
        "evidence",
    ]
    return visitor.render(
        "payments/new.html",
        status_code=status_code,
        one=lambda name: _one(values, name),
        errors=errors,
        summary=error_summary(errors, order, _filing_label),
        rows=list(range(rows)),
        more=rows < MAX_PAYMENTS,
        fraud_types=[(v, _(label)) for v, label in FRAUD_TYPE_LABELS.items()],
        victim_kinds=[(v, _(label)) for v, label in VICTIM_KIND_LABELS.items()],
        files_lost=list(files_lost),
        max_evidence=MAX_EVIDENCE,
        max_mb=max(1, settings.message_attachment_max_bytes // (1024 * 1024)),
        allowed_types=", ".join(settings.message_attachment_types),
        **_row_context(visitor),
        **_common(visitor),
    )


@router.get("/igrip/new", response_class=HTMLResponse)
def new_case(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    _filer(visitor)
    return _render_filing(visitor, {"victim.kind": ["company"]}, 1)


@router.get("/igrip/new/payment", response_class=HTMLResponse)
def payment_row(request: Request, session: DbSession, index: IndexQuery = 1) -> Response:
    """One more payment row, for the form's "Add a payment" button under htmx."""
    visitor = visit(request, session)
    _filer(visitor)
    return visitor.render(
        "payments/payment_row.html",
        index=min(index, MAX_PAYMENTS - 1),
        more=index + 1 < MAX_PAYMENTS,
        one=lambda name: "",
        errors={},
        **_row_context(visitor),
    )


@router.post("/igrip/new", response_class=HTMLResponse)
async def file_case(request: Request, session: DbSession) -> Response:
    # Async only to read the evidence as it arrives; database work runs in worker threads.
    visitor = await run_in_threadpool(visit, request, session)
    principal = await run_in_threadpool(_filer, visitor)
    # The visit's transaction ends before the body streams in (on SQLite it holds the lock).
    await run_in_threadpool(session.commit)
    settings = visitor.runtime.settings
    try:
        values, files = await _receive(
            request, visitor, EVIDENCE, settings.message_attachment_max_bytes, MAX_EVIDENCE
        )
    except _TooLarge as exc:
        i18n.activate(visitor.lang)
        name, reason = _too_large(exc)
        rows = _rows(exc.values, "payments", most=MAX_PAYMENTS, more=False)
        place = name if name in FILING_FIELDS or name.startswith("payments.") else "_"
        return await run_in_threadpool(
            _render_filing, visitor, exc.values, rows, errors={place: reason}, status_code=422
        )
    return await run_in_threadpool(_file, visitor, session, principal, values, files)


def _file(
    visitor: Visitor,
    session: Session,
    principal: Principal,
    values: Values,
    files: list[tuple[str, bytes]],
) -> Response:
    i18n.activate(visitor.lang)  # this worker thread's language, for the messages below
    more = _one(values, ADD) == "payment"
    rows = _rows(values, "payments", most=MAX_PAYMENTS, more=more)
    names = [name for name, _data in files]
    if more:
        return _render_filing(visitor, values, rows, files_lost=names)
    data, kept = filing_data(values, visitor.lang, rows)
    try:
        filing = service.parse_filing(data)
        case = service.file_case(
            session,
            settings=visitor.runtime.settings,
            principal=principal,
            bus=visitor.runtime.bus,
            filing=filing,
            attachments=[messaging.Attachment(name, content) for name, content in files],
        )
    except InvalidInput as exc:
        session.rollback()
        places = {name: name for name in FILING_FIELDS} | _row_places(
            "payments", rows, PAYMENT_FIELDS
        )
        errors = place_problems(
            exc.problems,
            places,
            rows={"payments": kept},
            given={"evidence": names, "fraudster_emails": data["fraudster_emails"]},
        ) or {"_": reason_text(exc.detail)}
        return _render_filing(
            visitor, values, rows, errors=errors, files_lost=names, status_code=422
        )
    return visitor.redirect(
        f"/igrip/cases/{case.id}",
        flash=(
            "success",
            _(
                "The request %(reference)s has been filed: each payment has been sent at once "
                "to the desks of its country."
            )
            % {"reference": case.reference},
        ),
    )


# ---------------------------------------------------------------- the money flow

FLOW_COLUMN = 380
FLOW_BOX_WIDTH = 240
FLOW_BOX_HEIGHT = 84
FLOW_ROW = 112
FLOW_PAD = 12
FLOW_LOOP = 56  # room below the boxes for a transfer back to an earlier account


@dataclass(frozen=True)
class FlowBox:
    """An account of the money flow, placed in its column (the hop that reached it)."""

    node: service.FlowNode
    number: int
    x: float
    y: float
    width: int
    height: int
    centre: float
    lines: tuple[str, ...]
    frozen_text: str
    victim: bool
    title: str


@dataclass(frozen=True)
class FlowArrow:
    """A transfer (a leg) from one account to another, with its amount."""

    leg: PaymentLeg
    path: str
    label: str
    label_x: float
    label_y: float
    overdue_text: str
    title: str


@dataclass(frozen=True)
class FlowGraph:
    width: int
    height: int
    boxes: list[FlowBox]
    arrows: list[FlowArrow]


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _round(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def flow_graph(
    nodes: Sequence[service.FlowNode],
    edges: Sequence[service.FlowEdge],
    *,
    lang: str,
    now: dt.datetime,
) -> FlowGraph:
    """The money flow laid out for an SVG: the accounts in columns by the hop that reached
    them (the victim's first; right to left in Arabic), each transfer an arrow labelled with
    its amount, the frozen amounts written on the accounts that hold them."""
    if not edges:
        return FlowGraph(0, 0, [], [])
    rtl = i18n.direction(lang) == "rtl"
    column: dict[str, int] = {}
    for edge in edges:
        for node_id, col in ((edge.source, edge.leg.hop - 1), (edge.target, edge.leg.hop)):
            column[node_id] = min(column.get(node_id, col), col)
    first = min(column.values())
    known = [node for node in nodes if node.id in column]
    rows: dict[int, list[str]] = defaultdict(list)
    for node in known:
        rows[column[node.id] - first].append(node.id)
    deepest = max(len(ids) for ids in rows.values())
    columns = max(rows) + 1
    backwards = any(column[e.target] <= column[e.source] for e in edges)
    width = 2 * FLOW_PAD + (columns - 1) * FLOW_COLUMN + FLOW_BOX_WIDTH
    height = 2 * FLOW_PAD + (deepest - 1) * FLOW_ROW + FLOW_BOX_HEIGHT
    height += FLOW_LOOP if backwards else 0

    accounts: dict[str, Mapping[str, Any]] = {}
    for edge in edges:
        accounts.setdefault(edge.source, edge.leg.ordering)
        accounts.setdefault(edge.target, edge.leg.beneficiary)

    places: dict[str, FlowBox] = {}
    number = 0
    for col, ids in sorted(rows.items()):
        top = FLOW_PAD + (deepest - len(ids)) * FLOW_ROW / 2
        for row, node_id in enumerate(ids):
            node = next(n for n in known if n.id == node_id)
            x = FLOW_PAD + col * FLOW_COLUMN
            if rtl:
                x = width - FLOW_PAD - col * FLOW_COLUMN - FLOW_BOX_WIDTH
            y = top + row * FLOW_ROW
            holder = _("Holder not known") if node.holder in ("?", "") else node.holder
            victim = node.victim
            place = (
                _("Victim") if victim and not node.country else _country_name(node.country, lang)
            )
            frozen_text = ""
            if node.frozen:
                figure = ", ".join(
                    amount_text(amount, currency, lang)
                    for currency, amount in sorted(node.frozen.items())
                )
                frozen_text = _("Frozen: %(amount)s") % {"amount": figure}
            words = account_text(accounts.get(node_id, {}))
            number += 1
            places[node_id] = FlowBox(
                node=node,
                number=number,
                x=round(x, 1),
                y=round(y, 1),
                width=FLOW_BOX_WIDTH,
                height=FLOW_BOX_HEIGHT,
                centre=round(x + FLOW_BOX_WIDTH / 2, 1),
                lines=(_short(holder, 32), _short(words, 38), _short(place, 32)),
                frozen_text=frozen_text,
                victim=victim,
                title=" · ".join(t for t in (holder, words, place, frozen_text) if t),
            )

    pairs = Counter((e.source, e.target) for e in edges)
    seen: Counter[tuple[str, str]] = Counter()
    arrows = []
    for edge in edges:
        source, target = places[edge.source], places[edge.target]
        pair = (edge.source, edge.target)
        offset = (seen[pair] - (pairs[pair] - 1) / 2) * 16
        seen[pair] += 1
        leg = edge.leg
        label = amount_text(leg.amount, leg.currency, lang)
        if column[edge.target] > column[edge.source]:
            x1 = source.x if rtl else source.x + FLOW_BOX_WIDTH
            x2 = target.x + FLOW_BOX_WIDTH if rtl else target.x
            y1 = source.y + FLOW_BOX_HEIGHT / 2 + offset
            y2 = target.y + FLOW_BOX_HEIGHT / 2 + offset
            middle = (x1 + x2) / 2
            path = (
                f"M{_round(x1)} {_round(y1)}C{_round(middle)} {_round(y1)} "
                f"{_round(middle)} {_round(y2)} {_round(x2)} {_round(y2)}"
            )
            label_x, label_y = middle, (y1 + y2) / 2 - 6
        else:  # back to an account met before: a loop under the boxes
            x1 = source.centre + offset - 20
            x2 = target.centre + offset + 20
            y1 = source.y + FLOW_BOX_HEIGHT
            y2 = target.y + FLOW_BOX_HEIGHT
            below = max(y1, y2) + FLOW_LOOP - 12
            path = (
                f"M{_round(x1)} {_round(y1)}C{_round(x1)} {_round(below)} "
                f"{_round(x2)} {_round(below)} {_round(x2)} {_round(y2)}"
            )
            label_x, label_y = (x1 + x2) / 2, below - 2
        stage = service.is_overdue(leg, now)
        overdue_text = _label(OVERDUE_LABELS, stage) if stage else ""
        state = _label(LEG_STATE_LABELS, leg.state)
        title = _("%(leg)s: %(amount)s from %(source)s to %(target)s, %(state)s") % {
            "leg": leg.reference,
            "amount": label,
            "source": source.lines[0],
            "target": target.lines[0],
            "state": state,
        }
        arrows.append(
            FlowArrow(
                leg=leg,
                path=path,
                label=label,
                label_x=round(label_x, 1),
                label_y=round(label_y, 1),
                overdue_text=overdue_text,
                title=f"{title}. {overdue_text}" if overdue_text else title,
            )
        )
    return FlowGraph(width, height, list(places.values()), arrows)


# ---------------------------------------------------------------- a case's page


def _render_case(
    visitor: Visitor,
    session: Session,
    case_id: int,
    *,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    principal = _user(visitor)
    settings = visitor.runtime.settings
    case = service.get_case(session, principal=principal, case_id=case_id)
    legs = access.visible_legs(principal, case)
    nodes, edges = service.money_flow(principal, case)
    now = utcnow()
    errors = dict(errors or {})
    whole = access.sees_whole_case(principal, case)
    linked = []
    if whole:
        for notice_id in case.notice_ids:
            try:
                linked.append(
                    notices.get(
                        session, settings=settings, principal=principal, notice_id=notice_id
                    )
                )
            except NotFound:
                continue  # a notice the visitor no longer sees is not named
    pilot = frozenset(c.upper() for c in settings.silver_pilot_countries)
    return visitor.render(
        "payments/case.html",
        tracing_notices=[view.notice for view in linked],
        findings=(
            tracing.findings(
                session, settings=settings, principal=principal, notice_ids=case.notice_ids
            )
            if whole
            else []
        ),
        may_trace=(
            case.status == "open"
            and access.is_requesting_side(principal, case)
            and notice_access.may_request(principal, "silver", pilot=pilot)
        ),
        asset_label=lambda kind: _label(message_pages.OPTION_LABELS["kind"], kind),
        status_code=status_code,
        case=case,
        legs=legs,
        whole=whole,
        alerts=service.alerts(session, principal=principal, case=case),
        identifier_label=lambda kind: _label(IDENTIFIER_LABELS, kind),
        graph=flow_graph(nodes, edges, lang=visitor.lang, now=now),
        edges=edges,
        may_close=access.may_close(principal, case) and case.status == "open",
        may_act=lambda leg: access.may_act_on_leg(principal, leg),
        overdue_count=sum(1 for leg in legs if service.is_overdue(leg, now)),
        errors=errors,
        summary=error_summary(errors, ["note"], lambda name: _("Reason for closing")),
        one=lambda name: (values or {}).get(name, ""),
        **_common(visitor, now),
    )


@router.get("/igrip/cases/{case_id:int}", response_class=HTMLResponse)
def case_page(request: Request, session: DbSession, case_id: CaseId) -> Response:
    visitor = visit(request, session)
    return _render_case(visitor, session, case_id)


@router.post("/igrip/cases/{case_id:int}/tracing", response_class=HTMLResponse)
def request_tracing(
    request: Request, session: DbSession, case_id: CaseId, pairs: FormPairs
) -> Response:
    """Draft the case's silver notice; the requester checks and submits it on its page."""
    visitor = visit(request, session)
    principal = _user(visitor)
    values = _pairs_values(pairs)
    visitor.check_csrf(_one(values, "csrf_token"))
    raw = _one(values, "subjects")
    words = [w for w in re.split(r"[\s,;]+", raw) if w]
    problems = [
        FieldProblem("subjects", _("record numbers, separated by commas"))
        for w in words[:1]
        if not all(is_ascii_number(x) and len(x) < 16 for x in words)
    ]
    try:
        if problems:
            raise InvalidInput("the request is not valid", problems)
        notice = tracing.request_tracing(
            session,
            settings=visitor.runtime.settings,
            principal=principal,
            case_id=case_id,
            subjects=[int(w) for w in words],
            summary=_one(values, "summary").strip() or None,
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = place_problems(
            [
                FieldProblem("subjects" if p.field.startswith("subjects") else p.field, p.reason)
                for p in exc.problems
            ],
            {"subjects": "subjects", "summary": "summary"},
        ) or {"_": reason_text(exc.detail)}
        return _render_case(
            visitor,
            session,
            case_id,
            errors=errors,
            values={"subjects": raw, "summary": _one(values, "summary")},
            status_code=422,
        )
    return visitor.redirect(
        f"/notices/{notice.id}",
        flash=(
            "success",
            _("The silver notice %(reference)s is drafted: check it and submit it for review.")
            % {"reference": notice.reference},
        ),
    )


@router.post("/igrip/cases/{case_id:int}/close", response_class=HTMLResponse)
def close_case(request: Request, session: DbSession, case_id: CaseId, pairs: FormPairs) -> Response:
    visitor = visit(request, session)
    principal = _user(visitor)
    values = _pairs_values(pairs)
    visitor.check_csrf(_one(values, "csrf_token"))
    note = _one(values, "note")
    try:
        case = service.close_case(session, principal=principal, case_id=case_id, note=note)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = place_problems(exc.problems, {"note": "note"}) or {"_": reason_text(exc.detail)}
        return _render_case(
            visitor, session, case_id, errors=errors, values={"note": note}, status_code=422
        )
    return visitor.redirect(
        f"/igrip/cases/{case.id}",
        flash=("success", _("The case %(reference)s is closed.") % {"reference": case.reference}),
    )


# ---------------------------------------------------------------- a leg's page


def _step_states(leg: PaymentLeg) -> list[tuple[str, str, str]]:
    allowed = service.TRANSITIONS[LegState(leg.state)]
    return [
        (s.value, _(LEG_STATE_LABELS[s.value]), _label(LEG_STATE_HINTS, s.value))
        for s in LegState
        if s in allowed
    ]


def _render_leg(
    visitor: Visitor,
    session: Session,
    leg_id: int,
    *,
    values: Mapping[str, Sequence[str]] | None = None,
    errors: Mapping[str, str] | None = None,
    onward_rows: int = 1,
    status_code: int = 200,
) -> Response:
    principal = _user(visitor)
    leg = service.get_leg(session, principal=principal, leg_id=leg_id)
    case = leg.case
    visible = access.visible_legs(principal, case)
    states = _step_states(leg)
    may_act = access.may_act_on_leg(principal, leg) and case.status == "open"
    values = values if values is not None else {"onward.0.currency": [leg.currency]}
    errors = dict(errors or {})
    order = [
        *STEP_FIELDS,
        *_row_order("onward", onward_rows, ONWARD_FIELDS),
        RESOLUTION_FILE,
    ]
    now = utcnow()
    return visitor.render(
        "payments/leg.html",
        status_code=status_code,
        leg=leg,
        case=case,
        parent=next((other for other in visible if other.id == leg.parent_id), None),
        onward_legs=[other for other in visible if other.parent_id == leg.id],
        whole=access.sees_whole_case(principal, case),
        may_act=may_act and bool(states),
        may_answer=may_act,
        states=states,
        moves_on=LegState.MOVED_ON in service.TRANSITIONS[LegState(leg.state)],
        one=lambda name: _one(values, name),
        errors=errors,
        summary=error_summary(errors, order, _step_label),
        onward_rows=list(range(onward_rows)),
        more=onward_rows < MAX_ONWARD,
        **_row_context(visitor),
        **_common(visitor, now),
    )


@router.get("/igrip/legs/{leg_id:int}", response_class=HTMLResponse)
def leg_page(request: Request, session: DbSession, leg_id: LegId) -> Response:
    visitor = visit(request, session)
    return _render_leg(visitor, session, leg_id)


@router.get("/igrip/legs/{leg_id:int}/onward", response_class=HTMLResponse)
def onward_row(
    request: Request, session: DbSession, leg_id: LegId, index: IndexQuery = 1
) -> Response:
    """One more onward transfer, for the step form's button under htmx."""
    visitor = visit(request, session)
    principal = _user(visitor)
    leg = service.get_leg(session, principal=principal, leg_id=leg_id)
    if not access.may_act_on_leg(principal, leg):
        raise PermissionDenied("only the leg's country changes its state")
    index = min(index, MAX_ONWARD - 1)
    values = {f"onward.{index}.currency": [leg.currency]}
    return visitor.render(
        "payments/onward_row.html",
        index=index,
        leg_id=leg.id,
        more=index + 1 < MAX_ONWARD,
        one=lambda name: _one(values, name),
        errors={},
        **_row_context(visitor),
    )


@router.post("/igrip/legs/{leg_id:int}/step", response_class=HTMLResponse)
def take_step(
    request: Request, session: DbSession, settings: SettingsDep, leg_id: LegId, pairs: FormPairs
) -> Response:
    visitor = visit(request, session)
    principal = _user(visitor)
    values = _pairs_values(pairs)
    visitor.check_csrf(_one(values, "csrf_token"))
    more = _one(values, ADD) == "onward"
    rows = _rows(values, "onward", most=MAX_ONWARD, more=more)
    if more:
        leg = service.get_leg(session, principal=principal, leg_id=leg_id)
        if not access.may_act_on_leg(principal, leg):
            raise PermissionDenied("only the leg's country changes its state")
        return _render_leg(visitor, session, leg_id, values=values, onward_rows=rows)
    data, kept = step_data(values, visitor.lang, rows)
    try:
        leg = service.step(
            session,
            settings=settings,
            principal=principal,
            bus=visitor.runtime.bus,
            leg_id=leg_id,
            change=service.parse_step(data),
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        places = {name: name for name in STEP_FIELDS} | _row_places("onward", rows, ONWARD_FIELDS)
        errors = place_problems(exc.problems, places, rows={"onward": kept}) or {
            "_": reason_text(exc.detail)
        }
        return _render_leg(
            visitor,
            session,
            leg_id,
            values=values,
            errors=errors,
            onward_rows=rows,
            status_code=422,
        )
    onward = [other for other in leg.case.legs if other.parent_id == leg.id]
    done = _("The leg %(leg)s is now %(state)s.") % {
        "leg": leg.reference,
        "state": _label(LEG_STATE_LABELS, leg.state),
    }
    if onward and leg.state == LegState.MOVED_ON.value:
        done += " " + _("Onward legs sent to their countries: %(legs)s.") % {
            "legs": ", ".join(other.reference for other in onward)
        }
    return visitor.redirect(f"/igrip/legs/{leg.id}", flash=("success", done))


@router.get("/igrip/legs/{leg_id:int}/camt056")
def camt056(request: Request, session: DbSession, leg_id: LegId) -> Response:
    """The leg's payment cancellation request (camt.056.001.08), to send to the bank."""
    visitor = visit(request, session)
    principal = _user(visitor)
    name, xml = service.cancellation_request(session, principal=principal, leg_id=leg_id)
    response = Response(xml, media_type="application/xml")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    response.headers["content-disposition"] = f'attachment; filename="{safe}"'
    visitor.finish(response)
    return response


@router.post("/igrip/resolutions", response_class=HTMLResponse)
async def resolution(request: Request, session: DbSession) -> Response:
    """A bank's resolution of investigation (camt.029), read into its leg's state."""
    visitor = await run_in_threadpool(visit, request, session)
    principal = await run_in_threadpool(_user, visitor)
    await run_in_threadpool(session.commit)
    try:
        values, files = await _receive(
            request, visitor, RESOLUTION_FILE, iso20022.MAX_MESSAGE_BYTES, 1
        )
    except _TooLarge as exc:
        i18n.activate(visitor.lang)
        _name, reason = _too_large(exc)
        return await run_in_threadpool(
            _refused_resolution, visitor, session, exc.values, {RESOLUTION_FILE: reason}
        )
    return await run_in_threadpool(_resolve, visitor, session, principal, values, files)


def _refused_resolution(
    visitor: Visitor, session: Session, values: Values, errors: Mapping[str, str]
) -> Response:
    """The leg's page again (the one the form was sent from), saying what is wrong."""
    i18n.activate(visitor.lang)
    raw = _one(values, "leg_id").strip()
    if not (is_ascii_number(raw) and 1 <= len(raw) <= 10 and 1 <= int(raw) <= 2**31 - 1):
        raise InvalidInput("; ".join(errors.values()))
    return _render_leg(visitor, session, int(raw), errors=errors, status_code=422)


def _resolve(
    visitor: Visitor,
    session: Session,
    principal: Principal,
    values: Values,
    files: list[tuple[str, bytes]],
) -> Response:
    i18n.activate(visitor.lang)
    data = files[0][1] if files else b""
    if not data:
        return _refused_resolution(
            visitor, session, values, {RESOLUTION_FILE: _("Choose the bank's camt.029 file.")}
        )
    try:
        leg = service.apply_resolution(
            session,
            settings=visitor.runtime.settings,
            principal=principal,
            bus=visitor.runtime.bus,
            xml=data,
        )
    except InvalidInput as exc:
        session.rollback()
        details = "; ".join(
            f"{p.field.removeprefix('file').lstrip('.') or '/'}: {p.reason}" for p in exc.problems
        )
        text = reason_text(exc.detail) + (f" ({details})" if details else "")
        return _refused_resolution(visitor, session, values, {RESOLUTION_FILE: text})
    except (NotFound, Conflict) as exc:
        session.rollback()
        return _refused_resolution(
            visitor, session, values, {RESOLUTION_FILE: reason_text(exc.detail)}
        )
    done = _("The bank's answer has been read: the leg %(leg)s is now %(state)s.") % {
        "leg": leg.reference,
        "state": _label(LEG_STATE_LABELS, leg.state),
    }
    return visitor.redirect(f"/igrip/legs/{leg.id}", flash=("success", done))


# ---------------------------------------------------------------- the dashboard


@dataclass(frozen=True)
class CurrencyRow:
    currency: str
    reported: Decimal
    frozen: Decimal
    returned: Decimal
    rate: Decimal | None


def _currency_rows(figures: service.Dashboard, rates: Mapping[str, str]) -> list[CurrencyRow]:
    """Each currency with its amounts reported, frozen and returned, the largest in dollars
    first (those without a rate last)."""
    codes = set(figures.reported) | set(figures.frozen) | set(figures.returned)
    table = {code.upper(): Decimal(rate) for code, rate in rates.items()}
    rows = [
        CurrencyRow(
            currency=code,
            reported=figures.reported.get(code, Decimal(0)),
            frozen=figures.frozen.get(code, Decimal(0)),
            returned=figures.returned.get(code, Decimal(0)),
            rate=table.get(code),
        )
        for code in codes
    ]
    return sorted(
        rows,
        key=lambda r: (r.rate is None, -(r.reported * (r.rate or 0)), -r.reported, r.currency),
    )


def _currency_chart(row: CurrencyRow, lang: str, rtl: bool) -> Chart:
    amounts = [
        (_("Reported"), row.reported, "#1d4e89"),
        (_("Frozen"), row.frozen, "#0f5132"),
        (_("Returned"), row.returned, "#146c43"),
    ]
    return bar_chart(
        f"chart-currency-{row.currency.lower()}",
        _("Amounts in %(currency)s") % {"currency": row.currency},
        [
            (label, float(value), amount_text(value, row.currency, lang))
            for label, value, _c in amounts
        ],
        rtl,
        [colour for _label, _value, colour in amounts],
    )


MAP_ARCS = 10  # the country pairs drawn on the map, the busiest
PAIRS_SHOWN = 20  # and in the table


@router.get("/igrip/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, session: DbSession, settings: SettingsDep) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    figures = service.dashboard(session, settings=settings, principal=principal)
    lang = visitor.lang
    rtl = i18n.direction(lang) == "rtl"

    def number(value: float | int | Decimal) -> str:
        return i18n.format_number(value, lang)

    currencies = _currency_rows(figures, settings.igrip_rates)
    states = [
        (_(LEG_STATE_LABELS[s]), float(n), number(n)) for s, n in figures.by_state.items() if n
    ]
    by_type = sorted(figures.by_fraud_type.items(), key=lambda item: (-item[1], item[0]))
    pairs = list(figures.country_pairs.items())[:MAP_ARCS]
    world = worldmap.world_map(
        "igrip-map",
        _("Reported in US dollars, by the beneficiary's country"),
        {code: float(value) for code, value in figures.reported_usd_by_country.items()},
        arcs=[
            (
                source,
                target,
                float(count),
                _("%(source)s to %(target)s, legs: %(legs)s")
                % {
                    "source": _country_name(source, lang),
                    "target": _country_name(target, lang),
                    "legs": number(count),
                },
            )
            for (source, target), count in pairs
        ],
        format_value=lambda value: usd_text(value, lang),
        lang=lang,
        value_title="",
    )
    # The arcs count legs, not dollars: their figures say so.
    world = dataclasses.replace(
        world,
        arcs=[
            dataclasses.replace(a, value_text=_("Legs: %(legs)s") % {"legs": number(a.weight)})
            for a in world.arcs
        ],
        top_arcs=[
            dataclasses.replace(a, value_text=_("Legs: %(legs)s") % {"legs": number(a.weight)})
            for a in world.top_arcs
        ],
    )
    median = figures.median_hours_to_first_freeze
    return visitor.render(
        "payments/dashboard.html",
        figures=figures,
        reported_usd=usd_text(figures.reported_usd, lang),
        frozen_usd=usd_text(figures.frozen_usd, lang),
        returned_usd=usd_text(figures.returned_usd, lang),
        median=number(median) if median is not None else None,
        currencies=currencies,
        currency_charts=[_currency_chart(row, lang, rtl) for row in currencies[:6]],
        state_chart=bar_chart(
            "chart-states",
            _("Legs by state"),
            states,
            rtl,
            [STATE_COLOURS[s] for s, n in figures.by_state.items() if n],
        ),
        type_chart=bar_chart(
            "chart-fraud-types",
            _("Cases by kind of fraud"),
            [(_label(FRAUD_TYPE_LABELS, t), float(n), number(n)) for t, n in by_type],
            rtl,
        ),
        pairs=list(figures.country_pairs.items())[:PAIRS_SHOWN],
        pairs_total=len(figures.country_pairs),
        world=world,
        usd=lambda value: usd_text(value, lang),
        may_see_queue=_may_see_queue(principal),
        **_common(visitor),
    )


__all__ = [
    "amount_text",
    "decimal_text",
    "filing_data",
    "flow_graph",
    "place_problems",
    "reason_text",
    "router",
    "step_data",
]
