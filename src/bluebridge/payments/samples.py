"""The demo world's I-GRIP cases: what the showcase NCB finds on its first morning. A business
e-mail compromise against a large company of the showcase country, with a freeze in full, a
money trail of three hops ending in a partial freeze, and a leg left unanswered until it was
escalated; an investment scam of another country whose money reached the showcase country,
answered there through the bank's camt.029; a romance scam of a third country that paid the
same mule account, so that both cases carry correlation alerts; and a ransomware payment in
bitcoin to an exchange's wallet, closed by its requester when nothing was found.

Everything goes through the I-GRIP service, as each country's NCB officer: every request and
step is checked, routed and audited as in real use. The accounts are valid ones, made with
schwifty (IBANs where the country has them, national numbers elsewhere) and the wallet
formats' own checksums, and are the same for the same seed text. In a world of only a few
countries, what cannot be made is left out."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import select
from sqlalchemy.orm import Session

from bluebridge.access.principal import Channel, Principal, RequestContext
from bluebridge.members import authentication, reference
from bluebridge.members.models import User
from bluebridge.payments import iso20022, service
from bluebridge.payments.models import PaymentLeg
from bluebridge.records.kinds.crypto_addresses import BASE58_ALPHABET
from bluebridge.runtime import Runtime
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work

# ---------------------------------------------------------------- accounts

# Bank code and account number lengths of some countries without IBANs; others get 4 and 10.
NATIONAL_FORMATS = {
    "USA": (9, 10),  # ABA routing number
    "JPN": (4, 7),
    "KOR": (3, 12),
    "CHN": (3, 19),
    "SGP": (4, 10),
    "ARG": (7, 13),  # the bank and branch of the CBU
    "NGA": (3, 10),  # NUBAN
    "AUS": (6, 9),  # BSB
    "CAN": (8, 7),  # institution and transit
    "IND": (4, 12),
    "MEX": (3, 11),
}


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def bank_account(alpha3: str, seed: str) -> dict[str, str]:
    """A valid bank account in a member country, the same for the same seed: an IBAN (with its
    bank's BIC where schwifty's registry knows it) where the country has IBANs, else a national
    account number with its bank code."""
    rng = random.Random(f"{alpha3}:{seed}")  # noqa: S311 - demo data, the same for a seed
    alpha2 = reference.member_by_alpha3(alpha3).alpha2
    try:
        iban = IBAN.random(alpha2, random=rng)
    except SchwiftyException:  # no IBANs in this country
        bank_length, number_length = NATIONAL_FORMATS.get(alpha3, (4, 10))
        return {
            "account_type": "bank_account",
            "national_account_number": _digits(rng, number_length),
            "bank_code": _digits(rng, bank_length),
            "country": alpha3,
        }
    # The patterns allow letters where most banks use digits: a bank the registry does not
    # know gets a bank code in digits, and every account a number.
    bank = {"bank_code": iban.bank_code}
    if iban.bank is None and iban.bank_code and not iban.bank_code.isdigit():
        bank["bank_code"] = _digits(rng, len(iban.bank_code))
    number = {}
    if iban.account_code and not iban.account_code.isdigit():
        number["account_code"] = _digits(rng, len(iban.account_code))
    for pins in ({**bank, **number}, {"bank_code": iban.bank_code, **number}):
        if pins["bank_code"] == iban.bank_code and not number:
            break
        try:
            iban = IBAN.random(alpha2, random=rng, use_registry=True, **pins)
            break
        except SchwiftyException:  # letters required, or a check digit inside the number
            continue
    account = {"account_type": "bank_account", "iban": iban.compact}
    bic = iban.bic
    if bic is not None and bic.country_code == alpha2:
        account["bic"] = bic.compact
    return account


def bank_name(account: dict[str, str]) -> str | None:
    """The name of an IBAN's bank, where schwifty's registry knows it."""
    if "iban" not in account:
        return None
    name = " ".join((IBAN(account["iban"]).bank_name or "").split())  # some hold line breaks
    name = "".join(c for c in name if c.isprintable())
    return name[:200] or None


def _base58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, rest = divmod(number, 58)
        text = BASE58_ALPHABET[rest] + text
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + text


def _hash(seed: str, size: int) -> bytes:
    return hashlib.sha256(seed.encode()).digest()[:size]


def bitcoin_address(seed: str) -> str:
    """A valid Bitcoin main-network address (pay to public key hash), the same for a seed."""
    return _base58check(b"\x00" + _hash(f"btc:{seed}", 20))


def ethereum_address(seed: str) -> str:
    """A valid Ethereum address, in lower case, the same for a seed."""
    return "0x" + _hash(f"eth:{seed}", 20).hex()


def tron_address(seed: str) -> str:
    """A valid Tron address (where TRC-20 USDT lives), the same for a seed."""
    return _base58check(b"\x41" + _hash(f"trx:{seed}", 20))


def uetr(seed: str) -> str:
    """A SWIFT gpi UETR (a version 4 UUID), the same for a seed."""
    return str(uuid.UUID(bytes=_hash(f"uetr:{seed}", 16), version=4))


# ---------------------------------------------------------------- the demo's desks


@dataclass
class _Demo:
    runtime: Runtime
    showcase: str
    countries: list[str]  # the others, in the world's order
    users: dict[str, User]
    now: dt.datetime = field(default_factory=utcnow)
    filed: int = 0

    def officer(self, alpha3: str) -> Principal | None:
        user = self.users.get(alpha3)
        if user is None:
            return None
        return authentication.principal_for_user(
            user, RequestContext(Channel.CLI), second_factor=True
        )

    def pick(self, preferred: Sequence[str], besides: Sequence[str | None] = ()) -> str | None:
        """The first preferred country in the world (else any other), not among `besides`."""
        for code in (*preferred, *self.countries):
            if code in self.users and code not in besides and code != self.showcase:
                return code
        return None

    def ago(self, **delta: float) -> str:
        return (self.now - dt.timedelta(**delta)).isoformat()

    def file(self, alpha3: str, data: dict[str, Any]) -> list[int]:
        """File a request as the country's NCB officer; its legs' ids."""
        principal = self.officer(alpha3)
        assert principal is not None
        with unit_of_work(self.runtime.sessions) as session:
            case = service.file_case(
                session,
                settings=self.runtime.settings,
                principal=principal,
                bus=None,
                filing=service.parse_filing(data),
            )
            session.flush()
            self.filed += 1
            return [leg.id for leg in case.legs]

    def step(self, alpha3: str, leg_id: int, **change: Any) -> list[int]:
        """A step on a leg as its country's NCB officer; the onward legs it made."""
        principal = self.officer(alpha3)
        assert principal is not None
        with unit_of_work(self.runtime.sessions) as session:
            service.step(
                session,
                settings=self.runtime.settings,
                principal=principal,
                bus=None,
                leg_id=leg_id,
                change=service.parse_step(change),
            )
            session.flush()
            return list(
                session.scalars(
                    select(PaymentLeg.id)
                    .where(PaymentLeg.parent_id == leg_id)
                    .order_by(PaymentLeg.id)
                )
            )


def _users(session: Session, members: Sequence[reference.MemberCountry]) -> dict[str, User]:
    by_name = {f"{m.alpha2.lower()}.officer": m.alpha3 for m in members}
    users = session.scalars(select(User).where(User.username.in_(sorted(by_name)))).all()
    for user in users:
        session.expunge(user)
    return {by_name[u.username]: u for u in users}


def _payment(
    demo: _Demo,
    amount: str,
    currency: str,
    *,
    hours_ago: float,
    ordering: dict[str, str],
    beneficiary: dict[str, str],
    name: str,
    seed: str,
    country: str | None = None,
    email: str | None = None,
) -> dict[str, Any]:
    payment: dict[str, Any] = {
        "amount": amount,
        "currency": currency,
        "value_at": demo.ago(hours=hours_ago),
        "ordering": ordering,
        "beneficiary": beneficiary,
        "beneficiary_name": name,
    }
    if (bank := bank_name(beneficiary)) is not None:
        payment["beneficiary_bank"] = bank
    if country is not None:
        payment["beneficiary_country"] = country
    if email is not None:
        payment["beneficiary_email"] = email
    if beneficiary["account_type"] == "bank_account":
        payment["uetr"] = uetr(seed)
        payment["end_to_end_id"] = f"E2E{_hash(seed, 8).hex().upper()}"
    return payment


# ---------------------------------------------------------------- the cases


@dataclass
class _Mule:
    country: str
    account: dict[str, str]
    name: str


def _business_email_compromise(demo: _Demo) -> _Mule | None:
    """A large company of the showcase country paid three fake invoices: one account froze it
    all, one sent the money on twice (three hops, the last frozen in part), one never answered.
    The first account is a mule that another country's case pays too."""
    showcase = demo.showcase
    victim = bank_account(showcase, "bec:victim")
    first = demo.pick(["GBR", "DEU", "GRC", "POL"])
    if first is None:
        return None
    mule = _Mule(first, bank_account(first, "bec:mule"), "Harcourt Wells Trading Ltd")
    hop1 = demo.pick(["ESP", "BRA", "PRT"], besides=[first])
    hop2 = demo.pick(["ARE", "EGY", "TUR"], besides=[first, hop1])
    hop3 = demo.pick(["CHN", "RUS", "KAZ"], besides=[first, hop1, hop2])
    late = demo.pick(["USA", "JPN", "CAN"], besides=[first, hop1, hop2, hop3])
    payments = [
        _payment(
            demo,
            "480000.00",
            "EUR",
            hours_ago=30,
            ordering=victim,
            beneficiary=mule.account,
            name=mule.name,
            seed="bec:1",
            email="accounts@harcourt-wells.co",
        )
    ]
    legs: list[str] = [first]
    if hop1 is not None:
        payments.append(
            _payment(
                demo,
                "1250000.00",
                "EUR",
                hours_ago=29,
                ordering=victim,
                beneficiary=bank_account(hop1, "bec:hop1"),
                name="Iberia Logistica Global SL",
                seed="bec:2",
            )
        )
        legs.append(hop1)
    if late is not None:
        payments.append(
            _payment(
                demo,
                "95000.00",
                "EUR",
                hours_ago=6,
                ordering=victim,
                beneficiary=bank_account(late, "bec:late"),
                name="Northgate Industrial Parts Inc",
                seed="bec:3",
            )
        )
        legs.append(late)
    ids = demo.file(
        showcase,
        {
            "fraud_type": "business_email_compromise",
            "victim": {
                "kind": "company",
                "name": "Aéroval Industries SA",
                "country": showcase,
                "email": "tresorerie@aeroval-industries.example",
            },
            "reported_at": demo.ago(hours=8),
            "summary": (
                "The accounts department received e-mails from a supplier's finance director "
                "announcing new bank details, and paid three invoices to them. The supplier "
                "never sent the e-mails: its mailbox had been taken over. Turbine parts worth "
                "EUR 1.8 million are now unpaid."
            ),
            "fraudster_emails": [
                "finance.director@supplier-aerotech.example",
                "billing@aerotech-invoices.example",
            ],
            "payments": payments,
        },
    )
    by_country = dict(zip(legs, ids, strict=True))
    # The mule's country froze the whole amount.
    demo.step(first, by_country[first], state="acknowledged", note="Taken by the duty officer.")
    demo.step(
        first,
        by_country[first],
        state="bank_requested",
        note="The bank was sent a camt.056 recall with reason FRAD.",
    )
    demo.step(
        first,
        by_country[first],
        state="frozen",
        note="The bank holds the whole amount on the account.",
    )
    if hop1 is not None:
        leg = by_country[hop1]
        if hop2 is None:
            demo.step(hop1, leg, state="acknowledged")
            return mule
        # The money left the same day: followed for three hops.
        [second] = demo.step(
            hop1,
            leg,
            state="moved_on",
            note="The bank reports the funds left the account two hours after arriving.",
            onward=[
                {
                    "amount": "1200000.00",
                    "value_at": demo.ago(hours=27),
                    "beneficiary": bank_account(hop2, "bec:hop2"),
                    "beneficiary_name": "Desert Falcon General Trading LLC",
                    "uetr": uetr("bec:hop2"),
                }
            ],
        )
        if hop3 is None:
            demo.step(hop2, second, state="bank_requested")
            return mule
        [third] = demo.step(
            hop2,
            second,
            state="moved_on",
            note="Sent on to an account abroad before the bank could act.",
            onward=[
                {
                    "amount": "700000.00",
                    "value_at": demo.ago(hours=24),
                    "beneficiary": bank_account(hop3, "bec:hop3"),
                    "beneficiary_name": "Golden Steppe Import Export",
                    "uetr": uetr("bec:hop3"),
                }
            ],
        )
        demo.step(hop3, third, state="acknowledged")
        demo.step(
            hop3,
            third,
            state="frozen",
            amount="450000.00",
            note="EUR 450,000 were still on the account; the rest was withdrawn in cash.",
        )
    return mule


def _investment(demo: _Demo) -> str | None:
    """An investment scam of another country: two payments reached the showcase country, one
    returned in full on the bank's camt.029, the other taken but not yet answered; a third
    account had nothing."""
    showcase = demo.showcase
    requester = demo.pick(["DEU", "KOR", "EGY"])
    if requester is None:
        return None
    elsewhere = demo.pick(["CYP", "GRC", "MLT", "BRA"], besides=[requester])
    victim = bank_account(requester, "investment:victim")
    payments = [
        _payment(
            demo,
            "25000.00",
            "EUR",
            hours_ago=70,
            ordering=victim,
            beneficiary=bank_account(showcase, "investment:1"),
            name="Quantum Yield Partners SAS",
            seed="investment:1",
        ),
        _payment(
            demo,
            "12500.00",
            "EUR",
            hours_ago=50,
            ordering=victim,
            beneficiary=bank_account(showcase, "investment:2"),
            name="Quantum Yield Partners SAS",
            seed="investment:2",
        ),
    ]
    if elsewhere is not None:
        payments.append(
            _payment(
                demo,
                "40000.00",
                "EUR",
                hours_ago=48,
                ordering=victim,
                beneficiary=bank_account(elsewhere, "investment:3"),
                name="Aurum Capital Markets Ltd",
                seed="investment:3",
            )
        )
    ids = demo.file(
        requester,
        {
            "fraud_type": "investment",
            "victim": {"kind": "person", "name": "Helga Brandt", "country": requester},
            "reported_at": demo.ago(hours=20),
            "summary": (
                "A trading platform advertised on social media showed the victim growing "
                "profits on a crypto-asset portfolio and asked for three top-ups before any "
                "withdrawal. The platform is unreachable since."
            ),
            "fraudster_emails": ["support@quantumyield-trade.example"],
            "payments": payments,
        },
    )
    returned, taken = ids[0], ids[1]
    demo.step(showcase, returned, state="acknowledged")
    demo.step(
        showcase,
        returned,
        state="bank_requested",
        note="Recall sent to the bank as a camt.056.",
    )
    principal = demo.officer(showcase)
    assert principal is not None
    with unit_of_work(demo.runtime.sessions) as session:
        service.cancellation_request(session, principal=principal, leg_id=returned)
        leg = session.get(PaymentLeg, returned)
        assert leg is not None
        answer = iso20022.camt029(
            iso20022.ResolutionAnswer(
                message_id=f"RES{_hash('investment:camt029', 8).hex().upper()}",
                case_id=leg.reference,
                created_at=utcnow().replace(microsecond=0),
                assigner_bic=leg.beneficiary_bic,
                assigner_name=(leg.beneficiary_bank or leg.beneficiary_name)[:140],
                assignee_bic=leg.ordering.get("bic"),
                assignee_name="Victim's bank",
                status="CNCL",
                additional_information=("Funds returned to the debtor's account.",),
                uetr=leg.uetr,
                end_to_end_id=leg.end_to_end_id,
                returned_amount=Decimal(leg.amount),
                returned_currency=leg.currency,
            )
        )
        service.apply_resolution(
            session, settings=demo.runtime.settings, principal=principal, bus=None, xml=answer
        )
    demo.step(showcase, taken, state="acknowledged", note="The bank is being asked today.")
    if elsewhere is not None:
        demo.step(
            elsewhere,
            ids[2],
            state="nothing_found",
            note="The account was closed a month ago; the payment was rejected.",
        )
    return requester


def _romance(demo: _Demo, mule: _Mule | None, taken: Sequence[str | None]) -> None:
    """A romance scam of a third country paid the business e-mail compromise's mule account
    too (both cases get correlation alerts) and a second account, which returned the money."""
    mule_country = mule.country if mule is not None else None
    requester = demo.pick(["ESP", "ARG", "JPN"], besides=[mule_country, *taken]) or demo.pick(
        ["ESP"], besides=[mule_country]
    )
    if requester is None:
        return
    second = demo.pick(["TUR", "EGY", "NGA"], besides=[requester, mule_country])
    victim = bank_account(requester, "romance:victim")
    payments = []
    if mule is not None and mule.country != requester:
        payments.append(
            _payment(
                demo,
                "8500.00",
                "USD",
                hours_ago=40,
                ordering=victim,
                beneficiary=mule.account,
                name=mule.name,
                seed="romance:1",
            )
        )
    if second is not None:
        payments.append(
            _payment(
                demo,
                "3200.00",
                "USD",
                hours_ago=30,
                ordering=victim,
                beneficiary=bank_account(second, "romance:2"),
                name="Daniel Whitmore",
                seed="romance:2",
                email="d.whitmore.engineer@mail.example",
            )
        )
    if not payments:
        return
    ids = demo.file(
        requester,
        {
            "fraud_type": "romance",
            "victim": {"kind": "person", "name": "Carmen Ruiz Ortega", "country": requester},
            "reported_at": demo.ago(hours=10),
            "summary": (
                "The victim met a man calling himself an engineer on an offshore platform on a "
                "dating site; after months of messages he asked for money to pay customs fees "
                "and a flight home."
            ),
            "payments": payments,
        },
    )
    legs = iter(ids)
    if mule is not None and mule.country != requester:
        demo.step(mule.country, next(legs), state="bank_requested")
    if second is not None:
        leg = next(legs)
        demo.step(second, leg, state="frozen")
        demo.step(second, leg, state="returned", note="Returned to the victim's bank.")
        demo.step(second, leg, state="closed", note="Returned in full.")


def _ransomware(demo: _Demo) -> None:
    """A hospital of the showcase country paid a ransom in bitcoin to a wallet at an exchange
    abroad; the exchange found nothing left, and the requester closed the case."""
    showcase = demo.showcase
    exchange = demo.pick(["SGP", "USA", "KOR", "JPN"])
    if exchange is None:
        return
    [leg] = demo.file(
        showcase,
        {
            "fraud_type": "ransomware_payment",
            "victim": {
                "kind": "company",
                "name": "Centre hospitalier de la Vallée",
                "country": showcase,
            },
            "reported_at": demo.ago(hours=60),
            "summary": (
                "The hospital's systems were encrypted; the ransom was paid in bitcoin to the "
                "wallet named in the ransom note, held at an exchange."
            ),
            "fraudster_emails": ["decrypt-support@onionmail.example"],
            "payments": [
                _payment(
                    demo,
                    "2.50000000",
                    "BTC",
                    hours_ago=62,
                    ordering={
                        "account_type": "crypto_wallet",
                        "currency": "BTC",
                        "wallet_address": bitcoin_address("ransomware:victim"),
                    },
                    beneficiary={
                        "account_type": "crypto_wallet",
                        "currency": "BTC",
                        "wallet_address": bitcoin_address("ransomware:wallet"),
                    },
                    name="Unknown holder",
                    seed="ransomware:1",
                    country=exchange,
                )
            ],
        },
    )
    demo.step(exchange, leg, state="acknowledged")
    demo.step(
        exchange,
        leg,
        state="nothing_found",
        note="The exchange reports the coins were sent on through a mixer within the hour.",
    )
    demo.step(exchange, leg, state="closed")
    principal = demo.officer(showcase)
    assert principal is not None
    with unit_of_work(demo.runtime.sessions) as session:
        [case_id] = session.scalars(select(PaymentLeg.case_id).where(PaymentLeg.id == leg))
        service.close_case(
            session,
            principal=principal,
            case_id=case_id,
            note="Nothing left to recover; the hospital restored its systems from backups.",
        )


def add_cases(
    runtime: Runtime, members: Sequence[reference.MemberCountry], *, showcase: str
) -> int:
    """The showcase country's I-GRIP cases, made through the service; how many were filed.
    Nothing is made when the showcase country or its officer is not in the world."""
    with runtime.sessions() as session:
        users = _users(session, members)
    if showcase not in users:
        return 0
    demo = _Demo(
        runtime=runtime,
        showcase=showcase,
        countries=[m.alpha3 for m in members if m.alpha3 != showcase],
        users=users,
    )
    mule = _business_email_compromise(demo)
    investor = _investment(demo)
    _romance(demo, mule, [investor])
    _ransomware(demo)
    # The next morning's check: the legs nobody took within the target are escalated.
    later = utcnow() + dt.timedelta(minutes=runtime.settings.igrip_acknowledge_minutes + 1)
    with unit_of_work(runtime.sessions) as session:
        service.escalate_overdue(session, settings=runtime.settings, bus=None, now=later)
    return demo.filed
