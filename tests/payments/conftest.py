"""Desks and filings for the I-GRIP tests: France's NCB files for a victim, the money goes to
Germany, Spain and Italy, each with its NCB and a financial investigations unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bluebridge.access.principal import Role
from bluebridge.payments import service
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work

ACCOUNTS = {
    "DEU": {"account_type": "bank_account", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
    "ESP": {
        "account_type": "bank_account",
        "iban": "ES9121000418450200051332",
        "bic": "CAIXESBBXXX",
    },
    "ITA": {"account_type": "bank_account", "iban": "IT60X0542811101000000123456"},
    "NLD": {"account_type": "bank_account", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"},
}
VICTIM_ACCOUNT = {
    "account_type": "bank_account",
    "iban": "FR1420041010050500013M02606",
    "bic": "BNPAFRPP",
}


@pytest.fixture
def desks(world):  # type: ignore[no-untyped-def]
    """The principals of the test: officers of NCBs and units, by name."""
    for country in ("DEU", "ESP", "ITA"):
        world.unit(country, code=f"{country}-FIU", specialty="financial_investigations")
    world.unit("FRA", code="FRA-BP1", kind="border_post")
    return {
        "fra": world.principal(world.user("FRA-NCB", (Role.OFFICER,))),
        "fra_supervisor": world.principal(world.user("FRA-NCB", (Role.SUPERVISOR,))),
        "fra_border": world.principal(world.user("FRA-BP1", (Role.BORDER_OFFICER,))),
        "deu": world.principal(world.user("DEU-NCB", (Role.OFFICER,))),
        "deu_fiu": world.principal(world.user("DEU-FIU", (Role.OFFICER,))),
        "deu_analyst": world.principal(world.user("DEU-NCB", (Role.ANALYST,))),
        "esp": world.principal(world.user("ESP-NCB", (Role.OFFICER,))),
        "esp_fiu": world.principal(world.user("ESP-FIU", (Role.OFFICER,))),
        "ita": world.principal(world.user("ITA-NCB", (Role.OFFICER,))),
        "egy": world.principal(world.user("EGY-NCB", (Role.OFFICER,))),
        "gs": world.principal(world.user("GS", (Role.ANALYST,))),
    }


def payment(country: str = "DEU", amount: str = "125000.00", **fields: Any) -> dict[str, Any]:
    return {
        "amount": amount,
        "currency": fields.pop("currency", "EUR"),
        "value_at": fields.pop("value_at", (utcnow() - dt.timedelta(hours=3)).isoformat()),
        "ordering": fields.pop("ordering", VICTIM_ACCOUNT),
        "beneficiary": fields.pop("beneficiary", ACCOUNTS[country]),
        "beneficiary_name": fields.pop("beneficiary_name", f"Mule Trading {country} GmbH"),
        "beneficiary_bank": fields.pop("beneficiary_bank", f"Bank of {country}"),
        **fields,
    }


def filing(*payments: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "fraud_type": fields.pop("fraud_type", "business_email_compromise"),
        "victim": fields.pop(
            "victim", {"kind": "company", "name": "Lyon Turbines SA", "country": "FRA"}
        ),
        "summary": fields.pop("summary", "A fake supplier e-mail changed the bank details."),
        "payments": list(payments) or [payment()],
        **fields,
    }


def file(runtime, principal, data: dict[str, Any], bus=None) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(runtime.sessions) as session:
        case = service.file_case(
            session,
            settings=runtime.settings,
            principal=principal,
            bus=bus,
            filing=service.parse_filing(data),
        )
        return case.id


def take(runtime, principal, leg_id: int, **change: Any):  # type: ignore[no-untyped-def]
    """Take a step on a leg in its own transaction; the leg's state after it."""
    with unit_of_work(runtime.sessions) as session:
        leg = service.step(
            session,
            settings=runtime.settings,
            principal=principal,
            bus=None,
            leg_id=leg_id,
            change=service.parse_step(change),
        )
        return leg.state


def legs_of(runtime, case_id: int) -> list[Any]:  # type: ignore[no-untyped-def]
    from bluebridge.payments.models import PaymentLeg

    with runtime.sessions() as session:
        rows = (
            session.query(PaymentLeg).filter(PaymentLeg.case_id == case_id).order_by(PaymentLeg.id)
        ).all()
        session.expunge_all()
        return rows
