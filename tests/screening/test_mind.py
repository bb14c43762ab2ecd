"""MIND: a border post's offline copy written at the hub, screened with no network and no
database, refused when tampered, expired, for another post or out of order, and its hits
uploaded into the normal hit workflow."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time

import pytest
import uvicorn
from sqlalchemy import select
from typer.testing import CliRunner

from bluebridge.access.principal import Role, operator_principal
from bluebridge.access.records import AccessMode, AccessPolicy
from bluebridge.api.app import create_app
from bluebridge.cli import app
from bluebridge.messaging.models import Message, MessageRecipient
from bluebridge.records import service as records
from bluebridge.screening import mind, package
from bluebridge.screening.models import ScreeningHit
from bluebridge.screening.queries import person_query
from bluebridge.store.engine import unit_of_work
from tests.screening.factories import enter, person

runner = CliRunner()


@pytest.fixture
def post(world):
    return world.unit("DEU", "DEU-BP-FRA", kind="border_post")


@pytest.fixture
def owners(world):
    return {
        "FRA": world.principal(world.user("FRA-NCB", (Role.OFFICER,))),
        "EGY": world.principal(world.user("EGY-NCB", (Role.OFFICER,))),
    }


def _register(runtime, tmp_path, post):
    key = package.PostKey.generate()
    key.save(tmp_path / "post.key")
    with unit_of_work(runtime.sessions) as session:
        mind.register_post_key(
            session,
            principal=operator_principal("t"),
            agency_code=post.code,
            public_key=key.public_b64(),
        )
    return key


def _export(runtime, post, since=None, now=None):
    with unit_of_work(runtime.sessions) as session:
        return mind.export_package(
            session,
            settings=runtime.settings,
            principal=operator_principal("t"),
            agency_code=post.code,
            since=since,
            now=now,
        )


def test_a_package_holds_only_what_the_post_may_see_and_screens_offline(
    runtime, tmp_path, post, owners
):
    key = _register(runtime, tmp_path, post)
    visible = enter(runtime, owners["EGY"], "persons", person(["محمد حسن"], (1980, 4, 17), ["EGY"]))
    hidden = enter(
        runtime,
        owners["FRA"],
        "persons",
        person(["Pierre Martin"], (1969, 5, 5)),
        AccessPolicy(mode=AccessMode.HIT_ONLY),
    )
    enter(
        runtime,
        owners["FRA"],
        "persons",
        person(["Jean Secret"], (1970, 1, 1)),
        AccessPolicy(mode=AccessMode.LISTED, countries=["ESP"]),
    )
    data, summary = _export(runtime, post)
    assert (summary.entries, summary.hidden) == (1, 1)
    # Data minimisation: the hit-only and the unlisted names are nowhere in the plaintext.
    hub = mind.hub_key(runtime.settings)
    _, payload = package.read_package(
        data,
        hub_public=hub.public_bytes(),
        post=key,
        recipient_agency=post.code,
        current_sequence=None,
    )
    text = payload.decode()
    assert "Pierre" not in text
    assert "Martin" not in text
    assert "Secret" not in text
    assert "محمد حسن" in text
    copy = mind.OfflineCopy(agency=post.code)
    copy.apply(data, hub_public=hub.public_bytes(), post=key)
    [match] = copy.screen(person_query("q", ["Mohamed Hassan"], "1980-04-17"))
    assert match.record_id == visible
    assert not match.possible_hit
    assert match.score >= 0.8
    [possible] = copy.screen(person_query("q", ["Pierre Martin"], "1969-05-05"))
    assert possible.possible_hit
    assert possible.record_id == hidden
    assert possible.title is None
    assert possible.message.startswith("possible hit: contact")
    assert str(hidden) in possible.message
    assert copy.screen(person_query("q", ["Jean Secret"], "1970-01-01")) == []


def test_a_delta_brings_new_and_removed_records_in_order(runtime, tmp_path, post, owners):
    key = _register(runtime, tmp_path, post)
    first = enter(runtime, owners["EGY"], "persons", person(["Ahmed Saleh"], (1975, 2, 2)))
    full, summary = _export(runtime, post)
    hub = mind.hub_key(runtime.settings).public_bytes()
    second = enter(runtime, owners["EGY"], "persons", person(["Omar Farouk"], (1982, 8, 8)))
    with unit_of_work(runtime.sessions) as session:
        records.delete_record(session, principal=owners["EGY"], record_id=first)
    delta, delta_summary = _export(runtime, post, since=summary.sequence)
    assert (delta_summary.entries, delta_summary.removals) == (1, 1)
    copy = mind.OfflineCopy(agency=post.code)
    with pytest.raises(package.PackageRefused) as refused:
        copy.apply(delta, hub_public=hub, post=key)  # a delta with no base
    assert refused.value.reason == "out_of_order"
    copy.apply(full, hub_public=hub, post=key)
    copy.apply(delta, hub_public=hub, post=key)
    assert [m.record_id for m in copy.screen(person_query("q", ["Omar Farouk"], "1982-08-08"))] == [
        second
    ]
    assert copy.screen(person_query("q", ["Ahmed Saleh"], "1975-02-02")) == []
    with pytest.raises(package.PackageRefused) as replay:
        copy.apply(delta, hub_public=hub, post=key)  # the same delta again
    assert replay.value.reason == "out_of_order"


def test_tampered_expired_and_wrong_recipient_packages_are_refused(
    runtime, tmp_path, world, post, owners
):
    key = _register(runtime, tmp_path, post)
    enter(runtime, owners["EGY"], "persons", person(["Ahmed Saleh"], (1975, 2, 2)))
    data, _ = _export(runtime, post)
    hub = mind.hub_key(runtime.settings).public_bytes()
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    with pytest.raises(package.PackageRefused) as caught:
        mind.OfflineCopy(agency=post.code).apply(bytes(tampered), hub_public=hub, post=key)
    assert caught.value.reason == "tampered"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=runtime.settings.mind_package_days + 1)
    with pytest.raises(package.PackageRefused) as caught:
        mind.OfflineCopy(agency=post.code).apply(data, hub_public=hub, post=key, now=later)
    assert caught.value.reason == "expired"
    other = world.unit("DEU", "DEU-BP-MUC", kind="border_post")
    with pytest.raises(package.PackageRefused) as caught:
        mind.OfflineCopy(agency=other.code).apply(data, hub_public=hub, post=key)
    assert caught.value.reason == "wrong_recipient"
    with pytest.raises(package.PackageRefused) as caught:
        mind.OfflineCopy(agency=post.code).apply(
            data, hub_public=hub, post=package.PostKey.generate()
        )
    assert caught.value.reason == "wrong_recipient"
    with pytest.raises(package.PackageRefused) as caught:
        mind.OfflineCopy(agency=post.code).apply(
            data, hub_public=package.HubKey.generate().public_bytes(), post=key
        )
    assert caught.value.reason in ("unknown_signer", "tampered")


def test_only_a_border_post_with_a_registered_key_gets_a_package(runtime, tmp_path, post):
    from bluebridge.errors import InvalidInput

    with pytest.raises(InvalidInput, match="no registered key"):
        _export(runtime, post)
    with (
        pytest.raises(InvalidInput, match="not a border post"),
        unit_of_work(runtime.sessions) as session,
    ):
        mind.register_post_key(
            session,
            principal=operator_principal("t"),
            agency_code="FRA-NCB",
            public_key=package.PostKey.generate().public_b64(),
        )
    with pytest.raises(InvalidInput, match="public_key"), unit_of_work(runtime.sessions) as session:
        mind.register_post_key(
            session,
            principal=operator_principal("t"),
            agency_code=post.code,
            public_key="not a key",
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_command_line_exports_screens_offline_and_syncs_the_hits(
    cli_env, tmp_path, world, post, owners
):
    runtime = cli_env
    record_id = enter(
        runtime,
        owners["EGY"],
        "persons",
        person(["محمد حسن"], (1980, 4, 17), ["EGY"], status="wanted"),
    )
    keygen = runner.invoke(app, ["mind", "keygen", "--out", str(tmp_path / "post.key")])
    assert keygen.exit_code == 0, keygen.output
    public = keygen.output.split("public key: ")[1].strip()
    assert (
        runner.invoke(
            app, ["mind", "register", "--agency", post.code, "--public-key", public]
        ).exit_code
        == 0
    )
    hub = runner.invoke(app, ["mind", "hub-key"]).output.strip()
    exported = runner.invoke(
        app, ["mind", "export", "--agency", post.code, "--out", str(tmp_path / "full.pkg")]
    )
    assert exported.exit_code == 0, exported.output
    assert "1 entries" in exported.output
    journal = tmp_path / "hits.jsonl"
    common = [
        "mind",
        "screen",
        "--package",
        str(tmp_path / "full.pkg"),
        "--key",
        str(tmp_path / "post.key"),
        "--hub-public-key",
        hub,
        "--agency",
        post.code,
        "--journal",
        str(journal),
    ]
    screened = runner.invoke(
        app, [*common, "--name", "Mohamed Hassan", "--dob", "1980-04-17", "--place", "Frankfurt T1"]
    )
    assert screened.exit_code == 0, screened.output
    assert str(record_id) in screened.output
    assert len(journal.read_text().splitlines()) == 1
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "name,birth_date\nMuhammad Hasan,1980-04-17\nPeter Brown,1970-01-01\nBad Date,1980-13-01\n"
    )
    batch = runner.invoke(
        app, [*common, "--file", str(manifest), "--out", str(tmp_path / "out.csv")]
    )
    assert batch.exit_code == 0, batch.output
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert lines[1].startswith("2,hit,")
    assert lines[2].startswith("3,no_hit")
    assert "birth_date" in lines[3]
    broken = tmp_path / "broken.pkg"
    raw = bytearray((tmp_path / "full.pkg").read_bytes())
    raw[-10] ^= 0xFF
    broken.write_bytes(bytes(raw))
    refused = runner.invoke(
        app,
        [
            "mind",
            "screen",
            "--package",
            str(broken),
            "--key",
            str(tmp_path / "post.key"),
            "--hub-public-key",
            hub,
            "--agency",
            post.code,
            "--name",
            "X Y",
        ],
    )
    assert refused.exit_code == 1
    assert "tampered" in refused.output or "refused" in refused.output

    # The hub, served for real; the post's officer uploads the journal with an API key.
    key = world.api_key(post.code, (Role.BORDER_OFFICER,))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime=runtime), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        synced = runner.invoke(
            app,
            [
                "mind",
                "sync",
                "--url",
                f"http://127.0.0.1:{port}",
                "--api-key",
                key,
                "--journal",
                str(journal),
            ],
        )
        assert synced.exit_code == 0, synced.output
        assert "2 offline hits uploaded" in synced.output
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert journal.read_text() == ""
    with runtime.sessions() as session:
        hits = session.scalars(select(ScreeningHit).where(ScreeningHit.source == "offline")).all()
    assert len(hits) == 2
    assert {h.record_id for h in hits} == {record_id}
    assert hits[0].owner_country == "EGY"
    assert hits[0].agency_code == post.code
    assert any(h.place == "Frankfurt T1" for h in hits)
    # Uploaded hits enter the normal workflow: each is told to the owner's NCB as a message.
    assert runtime.hit_outbox.drain() == 2
    with runtime.sessions() as session:
        told = session.execute(
            select(Message.hit_id, MessageRecipient.agency_id).join(
                MessageRecipient, MessageRecipient.message_id == Message.id
            )
        ).all()
    egypt = world.agency("EGY-NCB").id
    assert sorted(told) == sorted((h.id, egypt) for h in hits)


def test_an_upload_naming_a_record_the_post_may_not_see_stores_nothing_for_it(
    client, runtime, world, tmp_path, post, owners
):
    secret = enter(
        runtime,
        owners["FRA"],
        "persons",
        person(["Jean Secret"]),
        AccessPolicy(mode=AccessMode.LISTED, countries=["ESP"]),
    )
    gone = enter(runtime, owners["FRA"], "persons", person(["Jean Parti"]))
    with unit_of_work(runtime.sessions) as session:
        records.delete_record(session, principal=owners["FRA"], record_id=gone)
    now = dt.datetime.now(dt.UTC).isoformat()
    body = {
        "hits": [{"record_id": secret, "screened_at": now}, {"record_id": gone, "screened_at": now}]
    }
    key = world.api_key(post.code, (Role.BORDER_OFFICER,))
    headers = {"Authorization": f"Bearer {key}"}
    # Only a border post with a registered key uploads offline hits.
    assert client.post("/api/v1/mind/hits", json=body, headers=headers).status_code == 403
    officer = world.api_key("DEU-NCB", (Role.OFFICER,))
    assert (
        client.post(
            "/api/v1/mind/hits", json=body, headers={"Authorization": f"Bearer {officer}"}
        ).status_code
        == 403
    )
    _register(runtime, tmp_path, post)
    response = client.post("/api/v1/mind/hits", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"stored": 0, "refused": [secret, gone]}
    bad = client.post(
        "/api/v1/mind/hits",
        json={"hits": [{"record_id": secret, "screened_at": "2099-01-01T00:00:00Z"}]},
        headers=headers,
    )
    assert bad.status_code == 422
    assert "hits[0].screened_at" in bad.text
    with runtime.sessions() as session:
        assert session.scalars(select(ScreeningHit)).all() == []


def test_biometric_and_financial_records_stay_at_the_hub(runtime, tmp_path, post, owners):
    import random

    from bluebridge.records.samples import sample_payload

    _register(runtime, tmp_path, post)
    rng = random.Random(3)
    for kind in ("dna_profiles", "financial_accounts", "cyber_indicators"):
        enter(runtime, owners["EGY"], kind, sample_payload(kind, country="EGY", rng=rng))
    enter(runtime, owners["EGY"], "vehicles", sample_payload("vehicles", country="EGY", rng=rng))
    _, summary = _export(runtime, post)
    assert (summary.entries, summary.hidden) == (1, 0)  # the vehicle alone
