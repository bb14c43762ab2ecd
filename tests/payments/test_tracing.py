"""Tracing assets from an I-GRIP case: a silver notice drafted with the case's facts and its
beneficiary accounts, only by the requesting side of a pilot country, and the assets the
participating countries report back as answers to the notice."""

from __future__ import annotations

import pytest

from bluebridge.errors import PermissionDenied
from bluebridge.messaging import service as messaging
from bluebridge.notices.models import Notice
from bluebridge.payments import tracing
from bluebridge.payments.models import PaymentCase
from bluebridge.store.engine import unit_of_work
from tests.payments.conftest import ACCOUNTS, file, filing, legs_of, payment, take
from tests.screening.factories import enter, person


def test_a_case_asks_for_its_assets_to_be_traced_and_reads_what_was_found(runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU"), payment("ESP", "9000.00")))
    first, _ = legs_of(runtime, case_id)
    take(runtime, desks["deu"], first.id, state="frozen", amount="5000.00")
    suspect = enter(runtime, desks["fra"], "persons", person(["Marc Dubois"], (1980, 5, 17)))
    with unit_of_work(runtime.sessions) as session:
        notice = tracing.request_tracing(
            session,
            settings=runtime.settings,
            principal=desks["fra"],
            case_id=case_id,
            subjects=[suspect],
        )
        notice_id = notice.id
    with runtime.sessions() as session:
        stored = session.get(Notice, notice_id)
        assert stored is not None
        assert (stored.kind, stored.type, stored.status) == ("notice", "silver", "draft")
        assets = stored.content["assets"]
        assert [a["location"] for a in assets] == ["DEU", "ESP"]
        assert ACCOUNTS["DEU"]["iban"] in assets[0]["description"]
        assert "5000.00 EUR frozen" in assets[0]["description"]
        assert stored.content["offences"][0]["category"] == "fraud"
        assert session.get(PaymentCase, case_id).notice_ids == [notice_id]  # type: ignore[union-attr]
    # Spain (in the pilot) reports an asset it found; France reads it with the case.
    with unit_of_work(runtime.sessions) as session:
        messaging.send(
            session,
            settings=runtime.settings,
            principal=desks["esp"],
            bus=None,
            draft=messaging.Draft(
                subject="Silver notice: a flat in Marbella",
                body="The land registry holds a flat in the suspect's name.",
                address=messaging.Address(agencies=("FRA-NCB",)),
                form="assets_found",
                form_data={
                    "kind": "property",
                    "description": "A flat of 80 m2 in Marbella",
                    "location": "Marbella, Spain",
                    "identifier": "Finca 12345",
                    "value": "350000",
                    "currency": "EUR",
                },
                references=(("notice", notice_id),),
            ),
        )
    with runtime.sessions() as session:
        found = tracing.findings(
            session, settings=runtime.settings, principal=desks["fra"], notice_ids=[notice_id]
        )
        assert [(f.sender, f.kind, f.identifier, f.value) for f in found] == [
            ("ESP-NCB", "property", "Finca 12345", "350000")
        ]
        # Nobody else reads them.
        assert (
            tracing.findings(
                session, settings=runtime.settings, principal=desks["ita"], notice_ids=[notice_id]
            )
            == []
        )


def test_only_the_requesting_side_of_a_pilot_country_asks_for_tracing(runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU")))
    with unit_of_work(runtime.sessions) as session, pytest.raises(PermissionDenied):
        tracing.request_tracing(
            session,
            settings=runtime.settings,
            principal=desks["deu"],  # the leg's country, not the requester
            case_id=case_id,
            subjects=[],
        )
    german_case = file(runtime, desks["deu"], filing(payment("ESP")))
    with unit_of_work(runtime.sessions) as session, pytest.raises(PermissionDenied):
        tracing.request_tracing(  # Germany is not in the pilot
            session,
            settings=runtime.settings,
            principal=desks["deu"],
            case_id=german_case,
            subjects=[],
        )
