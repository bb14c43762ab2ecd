"""I-GRIP through the API (file, cases, a case as each side sees it, steps, the desk's queue,
the camt.056 and camt.029 round trip, the dashboard, problems named by field, nothing to
strangers) and the command line (file, list, show, step with onward transfers, camt056,
camt029, close, escalate, dashboard)."""

from __future__ import annotations

import json
from decimal import Decimal

from typer.testing import CliRunner

from bluebridge.access.principal import Role
from bluebridge.cli import app
from bluebridge.payments import iso20022
from bluebridge.store.base import utcnow
from tests.conftest import bearer
from tests.payments.conftest import ACCOUNTS, filing, payment
from tests.test_cli import cli_env  # noqa: F401 - the fixture

runner = CliRunner()


def _keys(world):  # type: ignore[no-untyped-def]
    world.unit("DEU", code="DEU-FIU", specialty="financial_investigations")
    return {
        "fra": world.api_key("FRA-NCB", (Role.OFFICER,)),
        "deu": world.api_key("DEU-NCB", (Role.OFFICER,)),
        "fiu": world.api_key("DEU-FIU", (Role.OFFICER,)),
        "esp": world.api_key("ESP-NCB", (Role.OFFICER,)),
        "egy": world.api_key("EGY-NCB", (Role.OFFICER,)),
    }


def test_the_api_files_routes_steps_and_shows_each_side_its_part(client, world):
    keys = _keys(world)
    uetr = "8a562c67-ca16-48ba-b074-65581be6f011"
    filed = client.post(
        "/api/v1/igrip/cases",
        json=filing(payment("DEU", "250000.00", uetr=uetr)),
        headers=bearer(keys["fra"]),
    )
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["whole"] is True
    [leg] = case["leg_list"]
    assert leg["state"] == "received"
    assert leg["beneficiary_country"] == "DEU"
    assert leg["overdue"] is None
    queue = client.get("/api/v1/igrip/queue", headers=bearer(keys["fiu"])).json()
    assert [q["reference"] for q in queue] == [leg["reference"]]
    # Strangers get nothing, not even a count.
    assert (
        client.get(f"/api/v1/igrip/cases/{case['id']}", headers=bearer(keys["egy"])).status_code
        == 404
    )
    assert client.get("/api/v1/igrip/cases", headers=bearer(keys["egy"])).json()["total"] == 0
    assert (
        client.get(f"/api/v1/igrip/legs/{leg['id']}", headers=bearer(keys["esp"])).status_code
        == 404
    )
    # Only the leg's country takes a step.
    refused = client.post(
        f"/api/v1/igrip/legs/{leg['id']}/steps",
        json={"state": "acknowledged"},
        headers=bearer(keys["fra"]),
    )
    assert refused.status_code == 403
    done = client.post(
        f"/api/v1/igrip/legs/{leg['id']}/steps",
        json={"state": "bank_requested", "note": "Recall sent to the bank."},
        headers=bearer(keys["fiu"]),
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "bank_requested"
    bad = client.post(
        f"/api/v1/igrip/legs/{leg['id']}/steps",
        json={"state": "frozen", "amount": "999999.00"},
        headers=bearer(keys["deu"]),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "amount"
    # The camt.056 goes to the bank; its camt.029 comes back.
    xml = client.get(f"/api/v1/igrip/legs/{leg['id']}/camt056", headers=bearer(keys["deu"]))
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert uetr in xml.text
    answer = iso20022.camt029(
        iso20022.ResolutionAnswer(
            message_id="BANKANSWER1",
            case_id=leg["reference"],
            created_at=utcnow().replace(microsecond=0),
            assigner_bic="COBADEFFXXX",
            assigner_name="Commerzbank",
            assignee_bic="BNPAFRPP",
            assignee_name="BNP Paribas",
            status="PDCR",
            reason_codes=("LEGL",),
            uetr=uetr,
        )
    )
    read = client.post(
        "/api/v1/igrip/resolutions",
        content=answer,
        headers={**bearer(keys["deu"]), "Content-Type": "application/xml"},
    )
    assert read.status_code == 200, read.text
    assert read.json()["state"] == "frozen"
    assert read.json()["frozen_amount"] == "250000.00"
    junk = client.post(
        "/api/v1/igrip/resolutions",
        content=b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
        headers={**bearer(keys["deu"]), "Content-Type": "application/xml"},
    )
    assert junk.status_code == 422
    # Germany sees the case through its leg, not the requester's summary.
    seen = client.get(f"/api/v1/igrip/cases/{case['id']}", headers=bearer(keys["deu"])).json()
    assert seen["whole"] is False
    assert seen["summary"] == ""
    figures = client.get("/api/v1/igrip/dashboard", headers=bearer(keys["egy"])).json()
    assert figures["frozen"] == {"EUR": "250000.00"}
    assert figures["country_pairs"] == [{"from_country": "FRA", "to_country": "DEU", "legs": 1}]
    closed = client.post(
        f"/api/v1/igrip/cases/{case['id']}/close",
        json={"note": "Frozen in full."},
        headers=bearer(keys["fra"]),
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"


def test_the_api_names_every_bad_field(client, world):
    keys = _keys(world)
    data = filing(
        payment("DEU", amount="-1"),
        payment("ESP", beneficiary={"account_type": "bank_account", "iban": "ES00"}),
    )
    data["victim"]["country"] = "Atlantis"
    refused = client.post("/api/v1/igrip/cases", json=data, headers=bearer(keys["fra"]))
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"victim.country", "payments.1.beneficiary.iban"} <= fields
    data = filing(payment("DEU", amount="-1"))
    refused = client.post("/api/v1/igrip/cases", json=data, headers=bearer(keys["fra"]))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["payments.0.amount"]
    assert client.get("/api/v1/igrip/cases", headers=bearer(keys["fra"])).json()["total"] == 0


def test_the_command_line_follows_a_case(cli_env, world, tmp_path):  # noqa: F811
    world.unit("DEU", code="DEU-FIU", specialty="financial_investigations")
    world.user("FRA-NCB", (Role.OFFICER,), username="officer.fra")
    world.user("DEU-FIU", (Role.OFFICER,), username="fiu.deu")
    world.user("ESP-NCB", (Role.OFFICER,), username="officer.esp")
    request = tmp_path / "request.json"
    request.write_text(json.dumps(filing(payment("DEU", "48000.00"))))
    filed = runner.invoke(app, ["igrip", "file", "--file", str(request), "--as", "officer.fra"])
    assert filed.exit_code == 0, filed.output
    case_id = int(filed.output.split("(case ")[1].split(")")[0])
    leg_id = int(filed.output.split("  leg ")[1].split()[0])
    listed = runner.invoke(app, ["igrip", "list", "--as", "fiu.deu"])
    assert "IGRIP-" in listed.output
    onward = tmp_path / "onward.json"
    onward.write_text(
        json.dumps(
            [
                {
                    "amount": "47000.00",
                    "value_at": utcnow().isoformat(),
                    "beneficiary": ACCOUNTS["ESP"],
                    "beneficiary_name": "Costa Imports SL",
                }
            ]
        )
    )
    moved = runner.invoke(
        app,
        [
            "igrip",
            "step",
            str(leg_id),
            "--state",
            "moved_on",
            "--onward",
            str(onward),
            "--as",
            "fiu.deu",
        ],
    )
    assert moved.exit_code == 0, moved.output
    assert "onward leg" in moved.output
    second = int(moved.output.split("onward leg ")[1].split()[0])
    frozen = runner.invoke(
        app,
        [
            "igrip",
            "step",
            str(second),
            "--state",
            "frozen",
            "--amount",
            "20000",
            "--as",
            "officer.esp",
        ],
    )
    assert frozen.exit_code == 0, frozen.output
    refused = runner.invoke(
        app, ["igrip", "step", str(second), "--state", "closed", "--as", "officer.fra"]
    )
    assert refused.exit_code == 1
    shown = runner.invoke(app, ["igrip", "show", str(case_id), "--as", "officer.fra"])
    assert shown.exit_code == 0
    assert "moved_on" in shown.output
    assert "frozen" in shown.output
    out = tmp_path / "recall.xml"
    written = runner.invoke(
        app, ["igrip", "camt056", str(second), "--out", str(out), "--as", "officer.esp"]
    )
    assert written.exit_code == 0, written.output
    assert b"camt.056.001.08" in out.read_bytes()
    answer = tmp_path / "answer.xml"
    leg_reference = f"IGRIP-{utcnow().year}-{case_id:06d}-2"
    answer.write_bytes(
        iso20022.camt029(
            iso20022.ResolutionAnswer(
                message_id="ANSWER2",
                case_id=leg_reference,
                created_at=utcnow().replace(microsecond=0),
                assigner_bic="CAIXESBBXXX",
                assigner_name="CaixaBank",
                assignee_bic=None,
                assignee_name="Police",
                status="CNCL",
                returned_amount=Decimal("20000.00"),
                returned_currency="EUR",
            )
        )
    )
    read = runner.invoke(app, ["igrip", "camt029", str(answer), "--as", "officer.esp"])
    assert read.exit_code == 0, read.output
    assert "returned" in read.output
    figures = runner.invoke(app, ["igrip", "dashboard", "--as", "officer.esp"])
    assert figures.exit_code == 0
    assert json.loads(figures.output)["returned"] == {"EUR": "20000.00"}
    assert runner.invoke(app, ["igrip", "escalate"]).exit_code == 0
    closed = runner.invoke(
        app, ["igrip", "close", str(case_id), "--note", "Recovered.", "--as", "officer.fra"]
    )
    assert closed.exit_code == 0, closed.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    failed = runner.invoke(app, ["igrip", "file", "--file", str(bad), "--as", "officer.fra"])
    assert failed.exit_code == 1
