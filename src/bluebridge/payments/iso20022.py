"""The ISO 20022 messages of an I-GRIP leg: the payment cancellation request (camt.056.001.08)
we send to the beneficiary's bank, and the resolution of investigation (camt.029.001.09) it
answers with, read back into the leg's outcome. These are the versions of SWIFT CBPR+ and of the
EPC's SEPA recall. The documents are built and read with the pyiso20022 bindings (xsdata
dataclasses generated from ISO's XSDs); every document we produce or read is first checked
against the schema those bindings carry (element order, cardinality, choices, lengths,
patterns, digits, code lists) and refused with every problem at once, named by path. Incoming
XML is parsed without DTDs, entities or network access.

How a camt.029 answer maps to the leg's outcome (``Sts/Conf`` with the reason codes of
``CxlStsRsnInf/Rsn``; several reasons: the first in the order frozen, returned, moved_on,
nothing_found, bank_requested wins):

===========  ======================================  ===============  ===================================
status       reason                                  outcome          why
===========  ======================================  ===============  ===================================
CNCL         any                                     returned         cancelled as requested: the funds
                                                                      are sent back
PDCR         LEGL (legal decision)                   frozen           pending under a legal decision: the
                                                                      bank holds the funds until an order
PDCR         any other, or none                      bank_requested   pending: the bank waits for something
                                                                      (indemnity INDM, debit authority
                                                                      RQDA, its customer ARPL ...)
RJCR         ARDT (already returned)                 returned         refused because the funds already
                                                                      went back by a return
RJCR         AM04 (insufficient funds), AC04         moved_on         the money left the account (spent,
             (closed account), PTNA (passed to the                    sent on, account emptied and closed,
             next agent)                                              or forwarded down the chain): follow
                                                                      it to the next account
RJCR         NOOR (no original transaction           nothing_found    the bank never received the payment:
             received)                                                check the identifiers
RJCR         CUST, NOAS, LEGL, AGNT, INDM, RQDA,     bank_requested   the beneficiary or the bank will not
             ARPL, another code, or none                              return without more: a judicial
                                                                      order, an indemnity, a human reading
                                                                      of the answer
other        any                                     bank_requested   not an answer to a cancellation that
                                                                      settles the leg: a person reads it
===========  ======================================  ===============  ===================================

ISO has no code for "funds blocked". Only PDCR with LEGL is read as frozen; a refusal with LEGL
is not, because a wrong "frozen" lets the police stand down while the money leaves, and a wrong
"bank_requested" only costs a look. The free text of ``AddtlInf`` is kept but never searched
for words like "frozen": it is written in any language and says "not frozen" as easily."""

from __future__ import annotations

import dataclasses
import functools
import operator
import re
import types
import typing
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Literal

import iso4217
from lxml import etree  # type: ignore[import-untyped]
from pyiso20022.camt import camt_029_001_09 as c029  # type: ignore[import-untyped]
from pyiso20022.camt import camt_056_001_08 as c056
from schwifty import BIC, IBAN
from schwifty.exceptions import InvalidCountryCode, SchwiftyException
from xsdata.exceptions import XmlContextError
from xsdata.formats.dataclass.context import XmlContext
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig
from xsdata.formats.dataclass.parsers.handlers import LxmlEventHandler
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig
from xsdata.models.datatype import XmlDate, XmlDateTime, XmlTime

CAMT056 = "camt.056.001.08"
CAMT029 = "camt.029.001.09"
_NS_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_MESSAGE_BYTES = 1_000_000  # a camt.029 for one leg is a few kilobytes

Outcome = Literal["returned", "frozen", "moved_on", "nothing_found", "bank_requested"]

# ExternalCancellationReason1Code: the reasons a camt.056 may give. I-GRIP sends FRAD.
CANCELLATION_REASONS: Mapping[str, str] = {
    "AC03": "invalid creditor account number",
    "AGNT": "incorrect agent",
    "AM09": "wrong amount",
    "COVR": "cover cancelled or returned",
    "CURR": "incorrect currency",
    "CUST": "requested by customer",
    "CUTA": "cancel upon unable to apply",
    "DUPL": "duplicate payment",
    "FRAD": "fraudulent origin",
    "TECH": "technical problem",
    "UPAY": "undue payment",
}

# ExternalPaymentCancellationRejection1Code, as they bear on the leg (see the table above).
REJECTION_REASONS: Mapping[str, tuple[str, Outcome]] = {
    "AC04": ("closed account number", "moved_on"),
    "AGNT": ("agent decision", "bank_requested"),
    "AM04": ("insufficient funds", "moved_on"),
    "ARDT": ("already returned", "returned"),
    "ARPL": ("awaiting reply", "bank_requested"),
    "CUST": ("customer decision", "bank_requested"),
    "INDM": ("cancellation indemnity required", "bank_requested"),
    "LEGL": ("legal decision", "bank_requested"),
    "NOAS": ("no answer from customer", "bank_requested"),
    "NOOR": ("no original transaction received", "nothing_found"),
    "PTNA": ("passed to the next agent", "moved_on"),
    "RQDA": ("requested debit authority", "bank_requested"),
}

# The answers a bank gives to a cancellation request, and the camt.029 TxCxlSts of each.
ANSWER_STATUSES: Mapping[str, str] = {"CNCL": "ACCR", "RJCR": "RJCR", "PDCR": "PDCR"}

_PRIORITY: tuple[Outcome, ...] = (
    "frozen",
    "returned",
    "moved_on",
    "nothing_found",
    "bank_requested",
)


class Iso20022Error(ValueError):
    """An ISO 20022 message that cannot be made or read; ``problems`` lists every
    (field or path, reason) at once."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems: list[tuple[str, str]] = list(problems)
        super().__init__("; ".join(f"{where}: {reason}" for where, reason in self.problems))


@dataclass(frozen=True)
class CancellationRequest:
    """What a camt.056 asks: cancel (recall) one payment of an I-GRIP leg."""

    message_id: str
    case_id: str
    created_at: datetime
    assigner_bic: str | None
    assigner_name: str
    assignee_bic: str | None
    assignee_name: str
    uetr: str | None
    end_to_end_id: str | None
    instruction_id: str | None
    amount: Decimal
    currency: str
    value_date: date
    debtor_name: str
    debtor_account: str
    creditor_name: str
    creditor_account: str
    reason_code: str = "FRAD"
    additional_information: tuple[str, ...] = ()
    # OrgnlGrpInf: the original pacs message, when the victim's bank knows it.
    original_message_id: str | None = None
    original_message_name: str = "pacs.008.001.08"


@dataclass(frozen=True)
class ResolutionAnswer:
    """What a bank answers in a camt.029; made by the demo world and the tests."""

    message_id: str
    case_id: str
    created_at: datetime
    assigner_bic: str | None
    assigner_name: str
    assignee_bic: str | None
    assignee_name: str
    status: str
    reason_codes: tuple[str, ...] = ()
    additional_information: tuple[str, ...] = ()
    uetr: str | None = None
    end_to_end_id: str | None = None
    returned_amount: Decimal | None = None
    returned_currency: str | None = None

    @classmethod
    def replying_to(
        cls,
        request: CancellationRequest,
        *,
        message_id: str,
        created_at: datetime,
        status: str,
        reason_codes: tuple[str, ...] = (),
        additional_information: tuple[str, ...] = (),
        returned_amount: Decimal | None = None,
    ) -> ResolutionAnswer:
        """The answer of the request's assignee, naming the request's case and payment."""
        return cls(
            message_id=message_id,
            case_id=request.case_id,
            created_at=created_at,
            assigner_bic=request.assignee_bic,
            assigner_name=request.assignee_name,
            assignee_bic=request.assigner_bic,
            assignee_name=request.assigner_name,
            status=status,
            reason_codes=reason_codes,
            additional_information=additional_information,
            uetr=request.uetr,
            end_to_end_id=request.end_to_end_id,
            returned_amount=returned_amount,
            returned_currency=None if returned_amount is None else request.currency,
        )


@dataclass(frozen=True)
class Resolution:
    """What a camt.029 said, and the leg outcome it maps to."""

    message_id: str
    case_id: str
    created_at: datetime | None  # None when the bank gave a local time without offset
    status: str
    reason_codes: tuple[str, ...]
    additional_information: tuple[str, ...]
    uetr: str | None
    end_to_end_id: str | None
    returned_amount: Decimal | None
    returned_currency: str | None
    outcome: Outcome


def outcome_for(status: str, reason_codes: Iterable[str]) -> Outcome:
    """The leg outcome of a camt.029 status and its reasons (the module's table)."""
    if status == "CNCL":
        return "returned"
    reasons = list(reason_codes)
    if status == "PDCR":
        return "frozen" if "LEGL" in reasons else "bank_requested"
    if status != "RJCR":
        return "bank_requested"
    found = {REJECTION_REASONS[code][1] for code in reasons if code in REJECTION_REASONS}
    return next((outcome for outcome in _PRIORITY if outcome in found), "bank_requested")


def camt056(request: CancellationRequest) -> bytes:
    """The camt.056.001.08 for a request, as UTF-8 XML checked against its schema, or
    Iso20022Error naming every field that is wrong."""
    problems: list[tuple[str, str]] = []
    _check_text(problems, "message_id", request.message_id, 35)
    _check_text(problems, "case_id", request.case_id, 35)
    _check_moment(problems, "created_at", request.created_at)
    _check_party(problems, "assigner", request.assigner_bic, request.assigner_name)
    _check_party(problems, "assignee", request.assignee_bic, request.assignee_name)
    _check_uetr(problems, "uetr", request.uetr)
    _check_text(problems, "end_to_end_id", request.end_to_end_id, 35, required=False)
    _check_text(problems, "instruction_id", request.instruction_id, 35, required=False)
    if request.uetr is None and request.end_to_end_id is None and request.instruction_id is None:
        problems.append(("uetr", "one of uetr, end_to_end_id or instruction_id is required"))
    amount = _check_amount(problems, "amount", "currency", request.amount, request.currency)
    if not isinstance(request.value_date, date) or isinstance(request.value_date, datetime):
        problems.append(("value_date", "must be a date"))
    _check_text(problems, "debtor_name", request.debtor_name, 140)
    debtor_account = _check_account(problems, "debtor_account", request.debtor_account)
    _check_text(problems, "creditor_name", request.creditor_name, 140)
    creditor_account = _check_account(problems, "creditor_account", request.creditor_account)
    if request.reason_code not in CANCELLATION_REASONS:
        problems.append(
            (
                "reason_code",
                f"must be one of {', '.join(CANCELLATION_REASONS)} (ISO cancellation reasons)",
            )
        )
    _check_lines(problems, "additional_information", request.additional_information)
    _check_text(problems, "original_message_id", request.original_message_id, 35, required=False)
    _check_text(problems, "original_message_name", request.original_message_name, 35)
    if problems:
        raise Iso20022Error(problems)

    transaction = c056.PaymentTransaction106(
        case=c056.Case5(
            id=request.case_id, cretr=_party(c056, request.assigner_bic, request.assigner_name)
        ),
        orgnl_grp_inf=None
        if request.original_message_id is None
        else c056.OriginalGroupInformation29(
            orgnl_msg_id=request.original_message_id,
            orgnl_msg_nm_id=request.original_message_name,
        ),
        orgnl_instr_id=request.instruction_id,
        orgnl_end_to_end_id=request.end_to_end_id,
        orgnl_uetr=request.uetr,
        orgnl_intr_bk_sttlm_amt=c056.ActiveOrHistoricCurrencyAndAmount(
            value=amount, ccy=request.currency
        ),
        orgnl_intr_bk_sttlm_dt=XmlDate.from_date(request.value_date),
        cxl_rsn_inf=[
            c056.PaymentCancellationReason5(
                orgtr=c056.PartyIdentification135(nm=request.assigner_name),
                rsn=c056.CancellationReason33Choice(cd=request.reason_code),
                addtl_inf=list(request.additional_information),
            )
        ],
        orgnl_tx_ref=c056.OriginalTransactionReference28(
            dbtr=c056.Party40Choice(pty=c056.PartyIdentification135(nm=request.debtor_name)),
            dbtr_acct=c056.CashAccount38(id=_account_id(c056, *debtor_account)),
            dbtr_agt=_agent(c056, request.assigner_bic),
            cdtr_agt=_agent(c056, request.assignee_bic),
            cdtr=c056.Party40Choice(pty=c056.PartyIdentification135(nm=request.creditor_name)),
            cdtr_acct=c056.CashAccount38(id=_account_id(c056, *creditor_account)),
        ),
    )
    document = c056.Document(
        fito_fipmt_cxl_req=c056.FitoFipaymentCancellationRequestV08(
            assgnmt=_assignment(c056, request),
            undrlyg=[c056.UnderlyingTransaction23(tx_inf=[transaction])],
        )
    )
    return _render(document, CAMT056)


def camt029(answer: ResolutionAnswer) -> bytes:
    """The camt.029.001.09 of a bank's answer, as UTF-8 XML checked against its schema, or
    Iso20022Error naming every field that is wrong."""
    problems: list[tuple[str, str]] = []
    _check_text(problems, "message_id", answer.message_id, 35)
    _check_text(problems, "case_id", answer.case_id, 35)
    _check_moment(problems, "created_at", answer.created_at)
    _check_party(problems, "assigner", answer.assigner_bic, answer.assigner_name)
    _check_party(problems, "assignee", answer.assignee_bic, answer.assignee_name)
    if answer.status not in ANSWER_STATUSES:
        problems.append(("status", f"must be one of {', '.join(ANSWER_STATUSES)}"))
    if not isinstance(answer.reason_codes, tuple):
        problems.append(("reason_codes", "must be a tuple of codes"))
    for index, code in enumerate(
        answer.reason_codes if isinstance(answer.reason_codes, tuple) else ()
    ):
        if code not in REJECTION_REASONS:
            problems.append(
                (f"reason_codes[{index}]", "is not a known ISO cancellation rejection reason")
            )
    if answer.reason_codes and answer.status == "CNCL":
        problems.append(("reason_codes", "a cancellation done as requested (CNCL) gives no reason"))
    _check_lines(problems, "additional_information", answer.additional_information)
    _check_uetr(problems, "uetr", answer.uetr)
    _check_text(problems, "end_to_end_id", answer.end_to_end_id, 35, required=False)
    returned: Decimal | None = None
    if answer.returned_amount is not None or answer.returned_currency is not None:
        returned = _check_amount(
            problems,
            "returned_amount",
            "returned_currency",
            answer.returned_amount,
            answer.returned_currency,
        )
    if problems:
        raise Iso20022Error(problems)

    lines = list(answer.additional_information)
    # One CxlStsRsnInf a reason; the lines go with the first (or alone, without a reason).
    codes: list[str | None] = list(answer.reason_codes) or ([None] if lines else [])
    status_reasons = [
        c029.CancellationStatusReason4(
            rsn=None if code is None else c029.CancellationStatusReason3Choice(cd=code),
            addtl_inf=lines if index == 0 else [],
        )
        for index, code in enumerate(codes)
    ]
    transaction = c029.PaymentTransaction102(
        orgnl_end_to_end_id=answer.end_to_end_id,
        orgnl_uetr=answer.uetr,
        tx_cxl_sts=c029.CancellationIndividualStatus1Code(ANSWER_STATUSES[answer.status]),
        cxl_sts_rsn_inf=status_reasons,
        rsltn_rltd_inf=None
        if returned is None
        else c029.ResolutionData1(
            intr_bk_sttlm_amt=c029.ActiveOrHistoricCurrencyAndAmount(
                value=returned, ccy=answer.returned_currency
            )
        ),
    )
    document = c029.Document(
        rsltn_of_invstgtn=c029.ResolutionOfInvestigationV09(
            assgnmt=_assignment(c029, answer),
            rslvd_case=c029.Case5(
                id=answer.case_id, cretr=_party(c029, answer.assignee_bic, answer.assignee_name)
            ),
            sts=c029.InvestigationStatus5Choice(conf=answer.status),
            cxl_dtls=[c029.UnderlyingTransaction22(tx_inf_and_sts=[transaction])],
        )
    )
    return _render(document, CAMT029)


def read_camt029(xml: bytes) -> Resolution:
    """The resolution a camt.029.001.09 gives for one leg, or Iso20022Error naming every
    problem: XML that is not well formed or declares a DTD, another message, a schema
    violation, or an answer that is not about one payment."""
    document = _parse(xml, CAMT029, c029.Document)
    resolution = document.rsltn_of_invstgtn
    problems: list[tuple[str, str]] = []
    where = "/Document/RsltnOfInvstgtn"
    if resolution.sts.conf is None:
        problems.append(
            (f"{where}/Sts", "only a confirmation code (Conf) answers a cancellation request")
        )
    transactions = [tx for details in resolution.cxl_dtls for tx in details.tx_inf_and_sts]
    if len(transactions) > 1:
        problems.append(
            (f"{where}/CxlDtls", f"answers {len(transactions)} payments; an I-GRIP leg has one")
        )
    transaction = transactions[0] if transactions else None
    case = resolution.rslvd_case or (transaction.rslvd_case if transaction else None)
    if case is None:
        problems.append((f"{where}/RslvdCase", "is missing: the answer names no case"))
    if problems or case is None:
        raise Iso20022Error(problems)

    reasons: list[str] = []
    lines: list[str] = []
    returned = None
    if transaction is not None:
        for info in transaction.cxl_sts_rsn_inf:
            if info.rsn is not None:
                reasons.append(info.rsn.cd if info.rsn.cd is not None else info.rsn.prtry)
            lines.extend(info.addtl_inf)
        returned = transaction.rsltn_rltd_inf
    returned = returned or resolution.rsltn_rltd_inf
    amount = returned.intr_bk_sttlm_amt if returned is not None else None
    created: XmlDateTime = resolution.assgnmt.cre_dt_tm
    status = str(resolution.sts.conf)
    return Resolution(
        message_id=str(resolution.assgnmt.id),
        case_id=str(case.id),
        created_at=None if created.offset is None else created.to_datetime().astimezone(UTC),
        status=status,
        reason_codes=tuple(reasons),
        additional_information=tuple(lines),
        uetr=None if transaction is None else transaction.orgnl_uetr,
        end_to_end_id=None if transaction is None else transaction.orgnl_end_to_end_id,
        returned_amount=None if amount is None else Decimal(amount.value),
        returned_currency=None if amount is None else str(amount.ccy),
        outcome=outcome_for(status, reasons),
    )


# Checks of our own fields, before a document is built: each names the field it refuses.

_BIC = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")
_UETR = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Za-z0-9]{1,30}")
_CURRENCY = re.compile(r"[A-Z]{3}")


def _check_text(
    problems: list[tuple[str, str]], field: str, value: object, limit: int, *, required: bool = True
) -> None:
    if value is None:
        if required:
            problems.append((field, "is required"))
        return
    if not isinstance(value, str):
        problems.append((field, "must be text"))
        return
    if not value.strip():
        problems.append((field, "must not be blank"))
        return
    if len(value) > limit:
        problems.append((field, f"must be at most {limit} characters, not {len(value)}"))
    if value != value.strip():
        problems.append((field, "must not start or end with white space"))
    # XML 1.0 cannot carry most control characters, and a line break inside a name or id
    # would be read back differently by the bank.
    if any(unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff" for char in value):
        problems.append((field, "must not contain control characters"))


def _check_lines(problems: list[tuple[str, str]], field: str, lines: object) -> None:
    if not isinstance(lines, tuple):
        problems.append((field, "must be a tuple of lines"))
        return
    for index, line in enumerate(lines):
        _check_text(problems, f"{field}[{index}]", line, 105)


def _check_moment(problems: list[tuple[str, str]], field: str, value: object) -> None:
    if not isinstance(value, datetime):
        problems.append((field, "must be a date and time"))
    elif value.utcoffset() is None:
        problems.append((field, "must be aware (carry its UTC offset)"))


def _check_party(problems: list[tuple[str, str]], side: str, bic: object, name: object) -> None:
    _check_text(problems, f"{side}_name", name, 140)
    _check_bic(problems, f"{side}_bic", bic)


def _check_bic(problems: list[tuple[str, str]], field: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not _BIC.fullmatch(value):
        problems.append((field, "must be a BIC: 8 or 11 capital letters and digits"))
        return
    try:
        BIC(value)
    except SchwiftyException as error:
        problems.append((field, f"is not a valid BIC: {error}"))


def _check_uetr(problems: list[tuple[str, str]], field: str, value: object) -> None:
    if value is not None and (not isinstance(value, str) or not _UETR.fullmatch(value)):
        problems.append((field, "must be a UETR: a UUID version 4 in lower case, with hyphens"))


def _check_amount(
    problems: list[tuple[str, str]],
    field: str,
    currency_field: str,
    amount: object,
    currency: object,
) -> Decimal:
    """The amount written with its currency's minor-unit digits (2 for EUR, 0 for JPY, 3 for
    KWD); problems are added for a bad amount or currency."""
    digits: int | None = None
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        problems.append((currency_field, "must be an ISO 4217 code: three capital letters"))
    else:
        try:
            digits = iso4217.Currency(currency).exponent
        except ValueError:
            problems.append((currency_field, "is not an ISO 4217 currency"))
        else:
            if digits is None:
                problems.append(
                    (currency_field, "has no minor unit: not a currency payments are made in")
                )
    if not isinstance(amount, Decimal) or not amount.is_finite():
        problems.append((field, "must be a finite Decimal"))
        return Decimal(0)
    if amount <= 0:
        problems.append((field, "must be more than zero"))
    if digits is None:
        return amount
    # ISO 20022 amounts have at most 18 digits, the minor-unit ones included.
    if abs(amount) >= Decimal(10) ** (18 - digits):
        problems.append((field, f"must be less than {Decimal(10) ** (18 - digits):f}"))
        return amount
    written = amount.quantize(Decimal(1).scaleb(-digits))
    if written != amount:
        problems.append((field, f"must have at most {digits} decimals in {currency}"))
    return written


def _check_account(problems: list[tuple[str, str]], field: str, value: object) -> tuple[str, str]:
    """("iban", the IBAN in electronic form, spaces taken out) when the account is an IBAN,
    else ("other", the account as given)."""
    if isinstance(value, str) and _IBAN_SHAPE.fullmatch(compact := value.replace(" ", "")):
        try:
            return ("iban", IBAN(compact).compact)
        except InvalidCountryCode:
            pass  # not an IBAN country: a national account number that happens to look alike
        except SchwiftyException as error:
            problems.append((field, f"looks like an IBAN but is not valid: {error}"))
            return ("iban", compact)
    _check_text(problems, field, value, 34)
    return ("other", value if isinstance(value, str) else "")


# Building the documents. Both messages share the types below; ``schema`` is the binding module.


def _party(schema: types.ModuleType, bic: str | None, name: str) -> Any:
    if bic is None:
        return schema.Party40Choice(pty=schema.PartyIdentification135(nm=name))
    return schema.Party40Choice(
        agt=schema.BranchAndFinancialInstitutionIdentification6(
            fin_instn_id=schema.FinancialInstitutionIdentification18(bicfi=bic, nm=name)
        )
    )


def _agent(schema: types.ModuleType, bic: str | None) -> Any:
    if bic is None:
        return None
    return schema.BranchAndFinancialInstitutionIdentification6(
        fin_instn_id=schema.FinancialInstitutionIdentification18(bicfi=bic)
    )


def _account_id(schema: types.ModuleType, kind: str, value: str) -> Any:
    if kind == "iban":
        return schema.AccountIdentification4Choice(iban=value)
    return schema.AccountIdentification4Choice(othr=schema.GenericAccountIdentification1(id=value))


def _assignment(schema: types.ModuleType, message: CancellationRequest | ResolutionAnswer) -> Any:
    return schema.CaseAssignment5(
        id=message.message_id,
        assgnr=_party(schema, message.assigner_bic, message.assigner_name),
        assgne=_party(schema, message.assignee_bic, message.assignee_name),
        cre_dt_tm=_iso_moment(message.created_at),
    )


def _iso_moment(moment: datetime) -> str:
    # Written with "+00:00", not "Z": CBPR+ accepts only a numeric offset.
    return moment.astimezone(UTC).isoformat()


_CONTEXT = XmlContext()


def _render(document: Any, message: str) -> bytes:
    serializer = XmlSerializer(context=_CONTEXT, config=SerializerConfig(indent="  "))
    xml = serializer.render(document, ns_map={None: _NS_PREFIX + message}).encode("utf-8")
    try:
        _parse(xml, message, type(document))
    except Iso20022Error as error:
        # The fields were checked above, so this is a mistake of ours, not of the caller.
        raise Iso20022Error(
            [(f"generated {message}{where}", reason) for where, reason in error.problems]
        ) from None
    return xml


# Reading: a hardened parse, the schema check, then the bindings.

_DTD_REFUSED = "declares a DTD (<!DOCTYPE>): refused, entities are never expanded"
_HARDENED: Mapping[str, bool] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "dtd_validation": False,
    "huge_tree": False,
}


class _DoctypeFound(Exception):
    pass


class _RootReached(Exception):
    pass


class _DoctypeProbe:
    """An lxml parser target that only tells whether a DOCTYPE comes before the root."""

    def doctype(self, name: str, public_id: str | None, system_url: str | None) -> None:
        raise _DoctypeFound

    def start(self, tag: str, attributes: Mapping[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def _parse(xml: bytes, message: str, document_class: type) -> Any:
    if not isinstance(xml, bytes):
        raise Iso20022Error([("document", "must be bytes")])
    if len(xml) > MAX_MESSAGE_BYTES:
        raise Iso20022Error([("document", f"is larger than {MAX_MESSAGE_BYTES} bytes")])
    # A first pass stops at the DOCTYPE or at the root's start tag, whichever comes first, so
    # that a document declaring entities is refused before any is read, let alone expanded.
    try:
        etree.fromstring(xml, etree.XMLParser(target=_DoctypeProbe(), **_HARDENED))
    except _DoctypeFound:
        raise Iso20022Error([("document", _DTD_REFUSED)]) from None
    except _RootReached:
        pass
    except etree.XMLSyntaxError as error:
        raise Iso20022Error([("document", f"is not well-formed XML: {error}")]) from None
    parser = etree.XMLParser(**_HARDENED, remove_comments=True, remove_pis=True, collect_ids=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise Iso20022Error([("document", f"is not well-formed XML: {error}")]) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise Iso20022Error([("document", _DTD_REFUSED)])
    name = etree.QName(root)
    namespace = _NS_PREFIX + message
    if name.localname != "Document" or name.namespace != namespace:
        found = name.namespace or ""
        if name.localname == "Document" and found.startswith(_NS_PREFIX):
            reason = f"is a {found.removeprefix(_NS_PREFIX)} document, not {message}"
        else:
            reason = f"must be the Document of {namespace}, not {{{found}}}{name.localname}"
        raise Iso20022Error([("/" + name.localname, reason)])
    problems: list[tuple[str, str]] = []
    _check_element(root, document_class, "/Document", namespace, problems)
    if problems:
        raise Iso20022Error(problems)
    config = ParserConfig(fail_on_unknown_properties=True, fail_on_converter_warnings=True)
    try:
        return XmlParser(context=_CONTEXT, config=config, handler=LxmlEventHandler).parse(
            root, document_class
        )
    except (XmlContextError, TypeError, ValueError) as error:
        raise Iso20022Error([("/Document", f"cannot be read: {error}")]) from None


# The schema check. The bindings are generated from ISO's XSDs and keep, for every field, its
# element name, order, cardinality and facets; this walks an XML tree against them, so that a
# document is refused for what an XSD validator would refuse it for, without shipping the XSD.
# ISO 20022 names every xs:choice type "...Choice", which is how a choice is recognised.


@dataclass(frozen=True)
class _Slot:
    name: str
    kind: str  # Element, Attribute, Text or Wildcard, as xsdata writes it
    target: Any
    many: bool
    min_occurs: int
    max_occurs: int | None
    facets: Mapping[str, Any]


@functools.cache
def _slots(cls: type) -> tuple[_Slot, ...]:
    hints = typing.get_type_hints(cls)
    slots = []
    for field in dataclasses.fields(cls):
        meta = field.metadata
        hint = hints[field.name]
        many = typing.get_origin(hint) is list
        targets = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
        has_default = (
            field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING
        )
        required = bool(meta.get("required")) or not has_default
        slots.append(
            _Slot(
                name=meta.get("name", field.name),
                kind=meta.get("type", "Text"),
                target=targets[0],
                many=many,
                min_occurs=meta.get("min_occurs", 0) if many else int(required),
                max_occurs=meta.get("max_occurs") if many else 1,
                facets=meta,
            )
        )
    return tuple(slots)


def _check_element(
    element: Any, cls: type, path: str, namespace: str, problems: list[tuple[str, str]]
) -> None:
    slots = _slots(cls)
    attributes = {slot.name: slot for slot in slots if slot.kind == "Attribute"}
    for key in element.attrib:
        if key not in attributes and not key.startswith(f"{{{_XSI}}}"):
            problems.append((f"{path}/@{key}", "is not an attribute of this element"))
    for slot in attributes.values():
        value = element.get(slot.name)
        if value is None:
            if slot.min_occurs:
                problems.append((f"{path}/@{slot.name}", "is missing"))
        elif reason := _value_problem(value, slot):
            problems.append((f"{path}/@{slot.name}", reason))
    text = next((slot for slot in slots if slot.kind == "Text"), None)
    if text is not None:
        if len(element):
            problems.append((path, "must hold a value, not elements"))
        elif reason := _value_problem(element.text or "", text):
            problems.append((path, reason))
        return

    elements = [slot for slot in slots if slot.kind == "Element"]
    position = {slot.name: index for index, slot in enumerate(elements)}
    open_content = any(slot.kind == "Wildcard" for slot in slots)
    if (element.text or "").strip() and not open_content:
        problems.append((path, "must hold elements, not text"))
    counts: Counter[str] = Counter()
    last = -1
    for child in element:
        if not isinstance(child.tag, str):
            problems.append((path, "holds an entity reference"))
            continue
        if (child.tail or "").strip() and not open_content:
            problems.append((path, "must hold elements, not text"))
        name = etree.QName(child)
        if name.namespace != namespace or name.localname not in position:
            if not open_content:
                problems.append((f"{path}/{name.localname}", "is not an element of this place"))
            continue
        index = position[name.localname]
        slot = elements[index]
        counts[slot.name] += 1
        where = f"{path}/{slot.name}[{counts[slot.name]}]" if slot.many else f"{path}/{slot.name}"
        if not slot.many and counts[slot.name] > 1:
            problems.append((where, "may occur only once"))
            continue
        if index < last:
            problems.append((where, f"is out of order: it must come before {elements[last].name}"))
        last = max(last, index)
        if isinstance(slot.target, type) and dataclasses.is_dataclass(slot.target):
            _check_element(child, slot.target, where, namespace, problems)
        elif len(child) or child.attrib:
            problems.append((where, "must hold a value, not elements or attributes"))
        elif reason := _value_problem(child.text or "", slot):
            problems.append((where, reason))
    for slot in elements:
        count = counts[slot.name]
        if count < slot.min_occurs:
            problems.append(
                (
                    f"{path}/{slot.name}",
                    "is missing"
                    if slot.min_occurs == 1
                    else f"must occur at least {slot.min_occurs} times",
                )
            )
        if slot.many and slot.max_occurs is not None and count > slot.max_occurs:
            problems.append((f"{path}/{slot.name}", f"may occur at most {slot.max_occurs} times"))
    if cls.__name__.endswith("Choice"):
        present = [slot.name for slot in elements if counts[slot.name]]
        if len(present) != 1:
            options = ", ".join(slot.name for slot in elements)
            problems.append(
                (
                    path,
                    f"must hold exactly one of {options}"
                    + (f", not {len(present)}" if present else ""),
                )
            )


_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_BOOLEAN = frozenset({"true", "false", "1", "0"})


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _value_problem(text: str, slot: _Slot) -> str | None:
    """Why a text breaks its slot's type and facets, or None."""
    target, facets = slot.target, slot.facets
    if isinstance(target, type) and issubclass(target, Enum):
        allowed = [member.value for member in target]
        return None if text in allowed else f"must be one of {', '.join(allowed)}"
    if target is Decimal:
        return _decimal_problem(text.strip(), facets)
    if target is bool:
        return None if text.strip() in _BOOLEAN else "must be true or false"
    for kind, label in ((XmlDateTime, "a date and time"), (XmlDate, "a date"), (XmlTime, "a time")):
        if target is kind:
            try:
                kind.from_string(text.strip())
            except ValueError:
                return f"must be {label} in ISO 8601 form"
            return None
    if target is int:
        return None if re.fullmatch(r"[+-]?\d+", text.strip()) else "must be a whole number"
    if "min_length" in facets and len(text) < facets["min_length"]:
        return (
            "must not be empty"
            if facets["min_length"] == 1
            else f"must be at least {facets['min_length']} characters"
        )
    if "max_length" in facets and len(text) > facets["max_length"]:
        return f"must be at most {facets['max_length']} characters, not {len(text)}"
    if "pattern" in facets and not _pattern(facets["pattern"]).fullmatch(text):
        return f"does not match the pattern {facets['pattern']}"
    return None


def _decimal_problem(text: str, facets: Mapping[str, Any]) -> str | None:
    if not _DECIMAL.fullmatch(text):
        return "must be a decimal number"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return "must be a decimal number"
    # The facets bind the value, not the spelling: "1.500000" has one fraction digit.
    _, digits, exponent = value.normalize().as_tuple()
    exponent = int(exponent)
    fraction = max(0, -exponent)
    total = len(digits) + max(0, exponent)
    if "fraction_digits" in facets and fraction > facets["fraction_digits"]:
        return f"must have at most {facets['fraction_digits']} decimals"
    if "total_digits" in facets and total > facets["total_digits"]:
        return f"must have at most {facets['total_digits']} digits"
    for facet, holds in (
        ("min_inclusive", operator.ge),
        ("max_inclusive", operator.le),
        ("min_exclusive", operator.gt),
        ("max_exclusive", operator.lt),
    ):
        if facet in facets and not holds(value, Decimal(facets[facet])):
            return f"breaks {facet.replace('_', ' ')} {facets[facet]}"
    return None
