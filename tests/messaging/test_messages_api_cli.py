"""The secure network through the API (send, inbox, read receipt, verification, export and
its offline check, attachments, the live stream of unread counts, sharing groups, problems by
field) and the command line (send, list, read, verify a stored message and an exported file,
export, escalate, rotate keys)."""

from __future__ import annotations

import base64
import json

from typer.testing import CliRunner

from bluebridge.access.principal import Role
from bluebridge.cli import app
from tests.conftest import bearer
from tests.test_cli import cli_env  # noqa: F401 - the fixture

runner = CliRunner()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_api_sends_reads_and_verifies(client, world):
    france = world.api_key("FRA-NCB", (Role.OFFICER,))
    germany = world.api_key("DEU-NCB", (Role.OFFICER,))
    spain = world.api_key("ESP-NCB", (Role.OFFICER,))
    body = {
        "subject": "Stolen passport used at the border",
        "body": "The holder was refused entry.",
        "address": {"agencies": ["DEU-NCB"]},
        "priority": "urgent",
        "attachments": [
            {"filename": "report.pdf", "content_base64": base64.b64encode(PDF).decode()}
        ],
    }
    sent = client.post("/api/v1/messages", json=body, headers=bearer(france))
    assert sent.status_code == 201, sent.text
    message = sent.json()
    assert message["verification"]["valid"]
    assert message["receipts"][0]["read_at"] is None
    assert client.get("/api/v1/messages/unread", headers=bearer(germany)).json() == {
        "routine": 0,
        "urgent": 1,
        "immediate": 0,
        "escalated": 0,
    }
    assert client.get("/api/v1/messages/unread", headers=bearer(spain)).json() == {
        "routine": 0,
        "urgent": 0,
        "immediate": 0,
        "escalated": 0,
    }
    inbox = client.get("/api/v1/messages", params={"unread": True}, headers=bearer(germany)).json()
    assert [m["subject"] for m in inbox["items"]] == [body["subject"]]
    opened = client.get(f"/api/v1/messages/{message['id']}", headers=bearer(germany))
    assert opened.status_code == 200
    assert opened.json()["body"] == body["body"]
    assert opened.json()["receipts"] == []  # receipts are the sender's to see
    receipts = client.get(f"/api/v1/messages/{message['id']}", headers=bearer(france)).json()[
        "receipts"
    ]
    assert receipts[0]["agency_code"] == "DEU-NCB"
    assert receipts[0]["read_at"]
    attached = client.get(
        f"/api/v1/messages/{message['id']}/attachments/0", headers=bearer(germany)
    )
    assert attached.status_code == 200
    assert attached.content == PDF
    assert attached.headers["content-type"] == "application/pdf"
    exported = client.get(
        f"/api/v1/messages/{message['id']}/export", headers=bearer(germany)
    ).json()
    checked = client.post(
        "/api/v1/messages/verify-export", json=exported, headers=bearer(spain)
    ).json()
    assert checked["valid"]
    assert checked["signer"] == "FRA-NCB"
    for path in (
        f"/api/v1/messages/{message['id']}",
        f"/api/v1/messages/{message['id']}/verify",
        "/api/v1/messages/99999999",
    ):
        assert client.get(path, headers=bearer(spain)).status_code == 404
    assert client.get("/api/v1/messages", headers=bearer(spain)).json()["total"] == 0
    bad = client.post(
        "/api/v1/messages",
        json={
            **body,
            "address": {"countries": ["ZZZ"]},
            "attachments": [
                {
                    "filename": "x.pdf",
                    "content_base64": base64.b64encode(b"MZ\x90\x00" + bytes(64)).decode(),
                }
            ],
        },
        headers=bearer(france),
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"address.countries.0", "attachments.0"}


def test_the_live_stream_starts_with_the_unread_counts(client, world):
    germany = world.api_key("DEU-NCB", (Role.OFFICER,))
    with client.stream("GET", "/api/v1/messages/events", headers=bearer(germany)) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        assert next(lines) == "event: unread"
        data = json.loads(next(lines).removeprefix("data: "))
    assert data == {"routine": 0, "urgent": 0, "immediate": 0, "escalated": 0}


def test_sharing_groups_through_the_api(client, world):
    supervisor = world.api_key("FRA-NCB", (Role.SUPERVISOR,))
    officer = world.api_key("FRA-NCB", (Role.OFFICER,))
    made = client.post(
        "/api/v1/sharing-groups",
        json={"code": "jit-rhone", "name": "JIT Rhône", "members": ["ITA-NCB", "CHE-NCB"]},
        headers=bearer(supervisor),
    )
    assert made.status_code == 201, made.text
    assert made.json()["members"] == ["CHE-NCB", "FRA-NCB", "ITA-NCB"]
    assert (
        client.post(
            "/api/v1/sharing-groups", json={"code": "X2", "name": "n"}, headers=bearer(officer)
        ).status_code
        == 403
    )
    sent = client.post(
        "/api/v1/messages",
        json={"subject": "To the JIT", "address": {"groups": ["JIT-RHONE"]}},
        headers=bearer(officer),
    )
    assert sent.status_code == 201
    italy = world.api_key("ITA-NCB", (Role.OFFICER,))
    assert client.get("/api/v1/messages", headers=bearer(italy)).json()["total"] == 1
    assert [
        g["code"] for g in client.get("/api/v1/sharing-groups", headers=bearer(italy)).json()
    ] == ["JIT-RHONE"]


def test_the_command_line_sends_reads_verifies_and_exports(cli_env, world, tmp_path):  # noqa: F811
    world.user("FRA-NCB", (Role.OFFICER,), username="officer.fra")
    world.user("DEU-NCB", (Role.OFFICER,), username="officer.deu")
    attachment = tmp_path / "note.txt"
    attachment.write_text("plain words")
    sent = runner.invoke(
        app,
        [
            "messages",
            "send",
            "--subject",
            "Wanted person seen",
            "--body",
            "At Strasbourg station.",
            "--to",
            "DEU-NCB",
            "--priority",
            "immediate",
            "--attach",
            str(attachment),
            "--as",
            "officer.fra",
        ],
    )
    assert sent.exit_code == 0, sent.output
    message_id = int(sent.output.split("sent message ")[1].split()[0])
    listed = runner.invoke(app, ["messages", "list", "--unread", "--as", "officer.deu"])
    assert listed.exit_code == 0
    assert "Wanted" in listed.output
    read = runner.invoke(app, ["messages", "read", str(message_id), "--as", "officer.deu"])
    assert read.exit_code == 0
    assert "signature valid" in read.output
    assert "note.txt" in read.output
    verified = runner.invoke(app, ["messages", "verify", str(message_id), "--as", "officer.deu"])
    assert verified.exit_code == 0
    assert "valid: signed by FRA-NCB" in verified.output
    out = tmp_path / "message.json"
    exported = runner.invoke(
        app, ["messages", "export", str(message_id), "--as", "officer.deu", "--out", str(out)]
    )
    assert exported.exit_code == 0
    assert runner.invoke(app, ["messages", "verify", "--file", str(out)]).exit_code == 0
    data = json.loads(out.read_text())
    data["content"] = data["content"].replace("Strasbourg", "Lille")
    out.write_text(json.dumps(data))
    forged = runner.invoke(app, ["messages", "verify", "--file", str(out)])
    assert forged.exit_code == 1
    assert "content does not match" in forged.output
    hidden = runner.invoke(app, ["messages", "read", str(message_id), "--as", "officer.fra"])
    assert hidden.exit_code == 0  # the sender reads its own
    assert runner.invoke(app, ["messages", "escalate"]).exit_code == 0
    rotated = runner.invoke(app, ["messages", "rotate-keys", "DEU-NCB"])
    assert rotated.exit_code == 0
    assert "key version 2" in rotated.output
    again = runner.invoke(app, ["messages", "read", str(message_id), "--as", "officer.deu"])
    assert again.exit_code == 0
    assert "signature valid" in again.output
    refused = runner.invoke(
        app, ["messages", "send", "--subject", "x", "--to", "NOPE", "--as", "officer.fra"]
    )
    assert refused.exit_code == 1
    assert "address.agencies.0" in refused.output
