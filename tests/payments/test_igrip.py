"""I-GRIP through the service: filing (every payment checked, every problem named), routing
each leg to its country's desks as an urgent message, every state change and who may make it,
a three-hop money trail followed without retyping, escalation of overdue legs, cross-case
correlation within what each side sees, the financial account records fed, and the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bluebridge.access import payments as access
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bluebridge.messaging import service as messaging
from bluebridge.messaging.models import Message
from bluebridge.payments import iso20022, service
from bluebridge.payments.models import PaymentCase, PaymentLeg
from bluebridge.records.models import Record
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work
from tests.payments.conftest import ACCOUNTS, file, filing, legs_of, payment, take


def _inbox(runtime, principal):  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return service_inbox(session, runtime, principal)


def service_inbox(session, runtime, principal):  # type: ignore[no-untyped-def]
    page = messaging.inbox(session, settings=runtime.settings, principal=principal, per_page=200)
    return [(i.subject, i.message.form, i.message.priority) for i in page.items]


def test_a_request_becomes_legs_routed_to_each_countrys_desks(runtime, desks):
    case_id = file(
        runtime,
        desks["fra"],
        filing(payment("DEU"), payment("ESP", "40000.00"), payment("DEU", "10000.50")),
    )
    legs = legs_of(runtime, case_id)
    assert [(leg.beneficiary_country, leg.state, leg.hop) for leg in legs] == [
        ("DEU", "received", 1),
        ("ESP", "received", 1),
        ("DEU", "received", 1),
    ]
    assert all(leg.message_id for leg in legs)
    assert legs[0].reference.endswith("-1")
    assert legs[0].reference.startswith("IGRIP-")
    assert legs[0].acknowledge_due_at - legs[0].created_at == dt.timedelta(minutes=60)
    # The NCB and the financial investigations unit of each country have the legs, urgent.
    for principal, count in (("deu", 2), ("deu_fiu", 2), ("esp", 1), ("esp_fiu", 1)):
        got = [m for m in _inbox(runtime, desks[principal]) if m[1] == "payment_leg"]
        assert len(got) == count, principal
        assert {m[2] for m in got} == {"urgent"}
    assert _inbox(runtime, desks["ita"]) == []
    with runtime.sessions() as session:
        message = session.get(Message, legs[0].message_id)
        assert message is not None
        view = messaging.read(
            session,
            settings=runtime.settings,
            principal=desks["deu"],
            bus=None,
            message_id=message.id,
        )
        assert view.verification.valid
        assert view.form_data["amount"] == "125000.00"
        assert view.form_data["beneficiary_account"] == "IBAN DE89370400440532013000"
        assert {"type": "payment_leg", "id": legs[0].id} in message.references
        # Each beneficiary account is a financial account record, seen by every member.
        accounts = session.scalars(select(Record).where(Record.kind == "financial_accounts")).all()
        assert sorted(r.payload["iban"] for r in accounts) == sorted(
            {ACCOUNTS["DEU"]["iban"], ACCOUNTS["ESP"]["iban"]}
        )
        assert all(r.payload["status"] == "used_in_fraud" for r in accounts)
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "payment_case.file")
            )
            == 1
        )


def test_a_bad_request_names_every_problem_and_keeps_nothing(runtime, desks):
    future = (utcnow() + dt.timedelta(days=2)).isoformat()
    data = filing(
        payment("DEU", beneficiary={"account_type": "bank_account", "iban": "DE00123"}),
        payment("ESP", amount="10.001"),
        payment("ESP", currency="XYZ"),
        payment("ITA", value_at=future),
        payment(
            "ITA",
            beneficiary={
                "account_type": "crypto_wallet",
                "currency": "BTC",
                "wallet_address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            },
        ),
        payment("ESP", amount="100", currency="JPY", uetr="not-a-uetr"),
    )
    with pytest.raises(InvalidInput) as raised:
        file(runtime, desks["fra"], data)
    fields = {p.field for p in raised.value.problems}
    assert "payments.0.beneficiary.iban" in fields
    assert "payments.1.amount" in fields  # with the others, at once
    assert "payments.4.beneficiary_country" in fields  # a wallet names its exchange's country
    assert "payments.2.currency" in fields
    assert "payments.3.value_at" in fields
    assert "payments.5.uetr" in fields
    with pytest.raises(InvalidInput) as raised:
        file(
            runtime,
            desks["fra"],
            filing(
                payment("ESP", amount="10.001"),
                payment(
                    "ITA",
                    beneficiary={
                        "account_type": "crypto_wallet",
                        "currency": "BTC",
                        "wallet_address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                    },
                ),
                payment("DEU", amount="12.5", currency="JPY"),
            ),
        )
    assert {p.field for p in raised.value.problems} == {
        "payments.0.amount",
        "payments.1.beneficiary_country",
        "payments.2.amount",
    }
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PaymentCase)) == 0
        assert session.scalar(select(func.count()).select_from(Message)) == 0


def test_only_desks_file_and_others_neither_see_nor_count_a_case(runtime, desks):
    with pytest.raises(PermissionDenied):
        file(runtime, desks["fra_border"], filing())
    with pytest.raises(PermissionDenied):
        file(runtime, desks["deu_analyst"], filing())
    case_id = file(runtime, desks["fra"], filing(payment("DEU")))
    with runtime.sessions() as session:
        for seer in ("fra", "fra_supervisor", "deu", "deu_fiu", "deu_analyst", "gs"):
            assert service.get_case(session, principal=desks[seer], case_id=case_id)
            assert service.list_cases(session, principal=desks[seer]).total == 1
        for stranger in ("esp", "ita", "egy"):
            with pytest.raises(NotFound) as hidden:
                service.get_case(session, principal=desks[stranger], case_id=case_id)
            with pytest.raises(NotFound) as absent:
                service.get_case(session, principal=desks[stranger], case_id=case_id + 1000)
            assert str(hidden.value).replace(str(case_id), "N") == str(absent.value).replace(
                str(case_id + 1000), "N"
            )
            assert service.list_cases(session, principal=desks[stranger]).total == 0
        with pytest.raises(PermissionDenied):
            service.list_cases(session, principal=desks["fra_border"])


def test_every_state_change_by_the_legs_country_only(runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU", "1000.00")))
    [leg] = legs_of(runtime, case_id)
    for outsider in ("fra", "esp", "deu_analyst"):
        with pytest.raises((PermissionDenied, NotFound)):
            take(runtime, desks[outsider], leg.id, state="acknowledged")
    assert take(runtime, desks["deu"], leg.id, state="acknowledged") == "acknowledged"
    with pytest.raises(InvalidInput) as raised:
        take(runtime, desks["deu"], leg.id, state="closed")
    assert raised.value.problems[0].field == "state"
    assert "can go to" in raised.value.problems[0].reason
    assert take(runtime, desks["deu_fiu"], leg.id, state="bank_requested") == "bank_requested"
    with pytest.raises(InvalidInput) as raised:
        take(runtime, desks["deu"], leg.id, state="frozen", amount="1000.01")
    assert raised.value.problems[0].field == "amount"
    assert take(runtime, desks["deu"], leg.id, state="frozen", amount="600.00") == "frozen"
    with pytest.raises(InvalidInput):
        take(runtime, desks["deu"], leg.id, state="returned", amount="700")  # more than frozen
    assert take(runtime, desks["deu"], leg.id, state="returned") == "returned"
    assert take(runtime, desks["deu"], leg.id, state="closed", note="Returned in full.") == "closed"
    [leg] = legs_of(runtime, case_id)
    assert leg.frozen_amount == "600.00"
    assert leg.returned_amount == "600.00"
    assert leg.acknowledged_at
    assert leg.answered_at
    assert leg.frozen_at
    with runtime.sessions() as session:
        events = [
            (e.from_state, e.to_state)
            for e in session.get(PaymentLeg, leg.id).events  # type: ignore[union-attr]
        ]
        assert events == [
            (None, "received"),
            ("received", "acknowledged"),
            ("acknowledged", "bank_requested"),
            ("bank_requested", "frozen"),
            ("frozen", "returned"),
            ("returned", "closed"),
        ]
        steps = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "payment_leg.step")
        )
        assert steps == 5
    # The requesting side heard of each step in the leg's thread.
    told = [m for m in _inbox(runtime, desks["fra"]) if m[1] == "payment_update"]
    assert len(told) == 5
    assert ("I-GRIP " + leg.reference + ": frozen (600.00 EUR)", "payment_update", "urgent") in told
    # Nothing was nothing found and nothing was moved on: the other answers, from the start.
    case_id = file(runtime, desks["fra"], filing(payment("DEU"), payment("ESP")))
    first, second = legs_of(runtime, case_id)
    assert take(runtime, desks["deu"], first.id, state="nothing_found") == "nothing_found"
    assert take(runtime, desks["esp"], second.id, state="moved_on") == "moved_on"


def test_only_the_requester_closes_its_case_and_a_closed_case_takes_no_step(runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU")))
    [leg] = legs_of(runtime, case_id)
    with unit_of_work(runtime.sessions) as session, pytest.raises(PermissionDenied):
        service.close_case(session, principal=desks["deu"], case_id=case_id, note="not mine")
    with unit_of_work(runtime.sessions) as session, pytest.raises(InvalidInput):
        service.close_case(session, principal=desks["fra"], case_id=case_id, note=" ")
    with unit_of_work(runtime.sessions) as session:
        service.close_case(session, principal=desks["fra"], case_id=case_id, note="Recovered.")
    with pytest.raises(Conflict):
        take(runtime, desks["deu"], leg.id, state="acknowledged")
    with unit_of_work(runtime.sessions) as session, pytest.raises(Conflict):
        service.close_case(session, principal=desks["fra"], case_id=case_id, note="again")


def test_a_three_hop_money_trail_is_followed_without_retyping(runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU", "90000.00")))
    [first] = legs_of(runtime, case_id)
    later = (utcnow() - dt.timedelta(hours=1)).isoformat()
    take(
        runtime,
        desks["deu"],
        first.id,
        state="moved_on",
        note="The bank says the funds left on the same day.",
        onward=[
            {
                "amount": "85000.00",
                "value_at": later,
                "beneficiary": ACCOUNTS["ESP"],
                "beneficiary_name": "Costa Imports SL",
            }
        ],
    )
    legs = legs_of(runtime, case_id)
    assert [(leg.beneficiary_country, leg.hop, leg.parent_id) for leg in legs] == [
        ("DEU", 1, None),
        ("ESP", 2, first.id),
    ]
    second = legs[1]
    assert second.ordering["iban"] == ACCOUNTS["DEU"]["iban"]  # from the account it left
    assert any(m[1] == "payment_leg" for m in _inbox(runtime, desks["esp_fiu"]))
    take(
        runtime,
        desks["esp"],
        second.id,
        state="moved_on",
        onward=[
            {
                "amount": "80000.00",
                "value_at": later,
                "beneficiary": ACCOUNTS["ITA"],
                "beneficiary_name": "Rossi Holding SRL",
            }
        ],
    )
    third = legs_of(runtime, case_id)[2]
    assert (third.beneficiary_country, third.hop, third.parent_id) == ("ITA", 3, second.id)
    take(runtime, desks["ita"], third.id, state="frozen", amount="80000.00")
    with runtime.sessions() as session:
        case = session.get(PaymentCase, case_id)
        assert case is not None
        nodes, edges = service.money_flow(desks["fra"], case)
        assert len(edges) == 3
        frozen = {n.id: n.frozen for n in nodes}
        assert frozen[f"IBAN {ACCOUNTS['ITA']['iban']}"] == {"EUR": Decimal("80000.00")}
        # Spain sees its leg and those next to it; Italy its own and the one before.
        assert [leg.hop for leg in access.visible_legs(desks["esp"], case)] == [1, 2, 3]
        assert [leg.hop for leg in access.visible_legs(desks["ita"], case)] == [2, 3]
        assert [leg.hop for leg in access.visible_legs(desks["deu"], case)] == [1, 2]
    # An onward transfer is checked like any payment: named under onward.
    with pytest.raises(InvalidInput) as raised:
        take(
            runtime,
            desks["ita"],
            third.id,
            state="moved_on",
            onward=[
                {
                    "amount": "-5",
                    "value_at": later,
                    "beneficiary": {"account_type": "bank_account", "iban": "XX00"},
                    "beneficiary_name": "Nobody",
                }
            ],
        )
    assert {p.field.split(".")[2] for p in raised.value.problems} >= {"beneficiary"}


def test_overdue_legs_are_escalated_once_to_the_countrys_ncb(runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU"), payment("ESP")))
    first, second = legs_of(runtime, case_id)
    take(runtime, desks["esp"], second.id, state="frozen")  # answered in time
    with unit_of_work(runtime.sessions) as session:
        assert service.escalate_overdue(session, settings=runtime.settings, bus=None) == 0
    an_hour_later = utcnow() + dt.timedelta(minutes=61)
    with unit_of_work(runtime.sessions) as session:
        assert (
            service.escalate_overdue(
                session, settings=runtime.settings, bus=None, now=an_hour_later
            )
            == 1
        )
    with unit_of_work(runtime.sessions) as session:
        assert (
            service.escalate_overdue(
                session, settings=runtime.settings, bus=None, now=an_hour_later
            )
            == 0
        )
    overdue = [m for m in _inbox(runtime, desks["deu"]) if m[2] == "immediate"]
    assert overdue == [
        (f"I-GRIP {first.reference}: overdue, not acknowledged", "free", "immediate")
    ]
    a_day_later = utcnow() + dt.timedelta(hours=25)
    with unit_of_work(runtime.sessions) as session:
        assert (
            service.escalate_overdue(session, settings=runtime.settings, bus=None, now=a_day_later)
            == 1
        )
    [leg, _] = legs_of(runtime, case_id)
    assert leg.escalated == ["acknowledge", "answer"]
    with runtime.sessions() as session:
        loaded = session.get(PaymentLeg, leg.id)
        assert service.is_overdue(loaded, a_day_later) == "answer"
        loaded.case.status = "closed"  # a closed case has nothing overdue
        assert service.is_overdue(loaded, a_day_later) is None


def test_a_shared_beneficiary_raises_an_alert_on_both_cases_within_what_each_sees(runtime, desks):
    first = file(runtime, desks["fra"], filing(payment("DEU")))
    second = file(
        runtime,
        desks["esp"],
        filing(
            payment(
                "NLD",
                beneficiary_name="Jansen BV",
                ordering={"account_type": "bank_account", "iban": "ES9121000418450200051332"},
            ),
            payment(
                "DEU",
                beneficiary_name="Mule Trading DEU",
                ordering={"account_type": "bank_account", "iban": "ES9121000418450200051332"},
            ),
        ),
    )
    with runtime.sessions() as session:
        mine = service.get_case(session, principal=desks["fra"], case_id=first)
        alerts = service.alerts(session, principal=desks["fra"], case=mine)
        assert {(a.kind, a.other_country) for a in alerts} >= {
            ("iban", "ESP"),
            ("name", "ESP"),
        }
        assert all(a.other_reference is None for a in alerts)  # France does not see Spain's
        theirs = service.get_case(session, principal=desks["esp"], case_id=second)
        assert {a.kind for a in service.alerts(session, principal=desks["esp"], case=theirs)} >= {
            "iban"
        }
        # The coordinators see which case it is.
        seen = service.alerts(session, principal=desks["gs"], case=mine)
        assert {a.other_reference for a in seen} == {theirs.reference}
        # Germany sees France's case through its leg, not its alerts.
        assert (
            service.alerts(
                session,
                principal=desks["deu"],
                case=service.get_case(session, principal=desks["deu"], case_id=first),
            )
            == []
        )


def test_the_dashboard_sums_per_currency_and_in_dollars(runtime, desks):
    case_id = file(
        runtime,
        desks["fra"],
        filing(payment("DEU", "1000.00"), payment("ESP", "500000", currency="JPY")),
    )
    first, second = legs_of(runtime, case_id)
    take(runtime, desks["deu"], first.id, state="frozen", amount="400.00")
    take(runtime, desks["esp"], second.id, state="nothing_found")
    with runtime.sessions() as session:
        figures = service.dashboard(session, settings=runtime.settings, principal=desks["egy"])
    assert figures.cases == 1
    assert figures.legs == 2
    assert figures.reported == {"EUR": Decimal("1000.00"), "JPY": Decimal("500000")}
    assert figures.frozen == {"EUR": Decimal("400.00")}
    rates = runtime.settings.igrip_rates
    assert figures.reported_usd == Decimal("1000.00") * Decimal(rates["EUR"]) + Decimal(
        "500000"
    ) * Decimal(rates["JPY"])
    assert figures.by_state["frozen"] == 1
    assert figures.by_state["nothing_found"] == 1
    assert figures.country_pairs == {("FRA", "DEU"): 1, ("FRA", "ESP"): 1}
    assert figures.median_hours_to_first_freeze is not None
    assert figures.by_fraud_type == {"business_email_compromise": 1}
    with runtime.sessions() as session, pytest.raises(PermissionDenied):
        service.dashboard(session, settings=runtime.settings, principal=desks["fra_border"])


def test_name_keys_fold_scripts_case_order_and_legal_forms():
    assert service.name_key("Wei Chen Trading Ltd") == service.name_key("CHEN WEI TRADING")
    assert service.name_key("Müller GmbH") == service.name_key("muller")
    assert service.name_key("Co") is None


def _answer(leg, status, *reasons, returned=None):  # type: ignore[no-untyped-def]
    return iso20022.camt029(
        iso20022.ResolutionAnswer(
            message_id=f"ANS{leg.id}{status}",
            case_id=leg.reference,
            created_at=utcnow().replace(microsecond=0),
            assigner_bic="COBADEFFXXX",
            assigner_name="Bank of DEU",
            assignee_bic="BNPAFRPP",
            assignee_name="Victim bank",
            status=status,
            reason_codes=reasons,
            uetr=leg.uetr,
            returned_amount=returned,
            returned_currency="EUR" if returned is not None else None,
        )
    )


def test_camt056_out_and_camt029_in_round_trip(runtime, desks):
    uetr = "8a562c67-ca16-48ba-b074-65581be6f011"
    case_id = file(runtime, desks["fra"], filing(payment("DEU", "5000.00", uetr=uetr)))
    [leg] = legs_of(runtime, case_id)
    with unit_of_work(runtime.sessions) as session:
        name, xml = service.cancellation_request(session, principal=desks["deu"], leg_id=leg.id)
    assert name == f"{leg.reference}-camt.056.xml"
    text = xml.decode()
    assert "camt.056.001.08" in text
    assert uetr in text
    assert ">5000.00<" in text
    assert ACCOUNTS["DEU"]["iban"] in text
    assert "FRAD" in text
    with unit_of_work(runtime.sessions) as session, pytest.raises(NotFound):
        service.cancellation_request(session, principal=desks["ita"], leg_id=leg.id)

    def apply(principal, data):  # type: ignore[no-untyped-def]
        with unit_of_work(runtime.sessions) as session:
            return service.apply_resolution(
                session, settings=runtime.settings, principal=principal, bus=None, xml=data
            ).state

    # Pending under a legal decision: frozen; then cancelled as asked: returned.
    assert apply(desks["deu"], _answer(leg, "PDCR", "LEGL")) == "frozen"
    with pytest.raises(PermissionDenied):
        apply(desks["fra"], _answer(leg, "CNCL", returned=Decimal("5000.00")))
    assert apply(desks["deu"], _answer(leg, "CNCL", returned=Decimal("5000.00"))) == "returned"
    [leg] = legs_of(runtime, case_id)
    assert leg.returned_amount == "5000.00"
    assert leg.events[-1].details["status"] == "CNCL"
    with pytest.raises(Conflict):
        apply(desks["deu"], _answer(leg, "CNCL", returned=Decimal("5000.00")))
    with pytest.raises(InvalidInput) as raised:
        apply(desks["deu"], b"<not-xml")
    assert raised.value.problems[0].field.startswith("file")
    # A refusal because the money left the account: moved on.
    other = file(runtime, desks["fra"], filing(payment("DEU", "700.00")))
    [leg] = legs_of(runtime, other)
    assert apply(desks["deu_fiu"], _answer(leg, "RJCR", "AM04")) == "moved_on"


def test_a_payment_in_a_crypto_asset_to_an_exchanges_wallet(runtime, desks):
    wallet = {
        "account_type": "crypto_wallet",
        "currency": "USDT",
        "wallet_address": "0x52908400098527886e0f7030069857d2e4169ee7",
    }
    case_id = file(
        runtime,
        desks["fra"],
        filing(
            payment(
                "ESP",
                "15000.000001",
                currency="USDT",
                beneficiary=wallet,
                beneficiary_country="ESP",
            ),
            fraud_type="investment",
        ),
    )
    [leg] = legs_of(runtime, case_id)
    assert (leg.currency, leg.amount, leg.beneficiary_country) == ("USDT", "15000.000001", "ESP")
    with pytest.raises(InvalidInput) as raised:
        file(
            runtime,
            desks["fra"],
            filing(
                payment(
                    "ESP",
                    "1.0000001",
                    currency="USDT",
                    beneficiary=wallet,
                    beneficiary_country="ESP",
                )
            ),
        )
    assert [p.field for p in raised.value.problems] == ["payments.0.amount"]
