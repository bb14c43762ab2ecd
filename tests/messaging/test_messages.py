"""Messages through the service: addressing (agencies, countries, regions, all members,
sharing groups, copies), encryption at rest (a dump of the database holds no plaintext),
signatures (a tampered message fails verification, an exported one verifies alone), receipts,
threads, attachments judged by their content, key rotation, forms and the access a record's
owner grants, escalation, and a principal that can neither see nor count others' messages."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from sqlalchemy import MetaData, select

from bluebridge.access import records as record_access
from bluebridge.access.principal import Role
from bluebridge.access.records import AccessMode, AccessPolicy
from bluebridge.errors import Conflict, InvalidInput, NotFound
from bluebridge.messaging import keys, service
from bluebridge.messaging.models import AgencyKey, Message, MessageAttachment, MessageRecipient
from bluebridge.records.models import Record
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work
from tests.messaging.conftest import read, run_async, send
from tests.screening.factories import enter, person

SECRET_SUBJECT = "Operation Nightjar: handover at Quai 7"
SECRET_BODY = "The informant Zoltan Kowalczyk meets the courier on Thursday at 04:40."
SECRET_FILE = b"Ledger of payments to Kowalczyk, confidential, 123456789"


def test_a_message_is_read_by_its_recipient_with_a_valid_signature_and_receipts(
    runtime, france, germany
):
    message_id = send(runtime, france, subject=SECRET_SUBJECT, body=SECRET_BODY, priority="urgent")
    view = read(runtime, germany, message_id)
    assert view.subject == SECRET_SUBJECT
    assert view.body == SECRET_BODY
    assert view.verification.valid
    assert view.verification.signer == "FRA-NCB"
    mine = read(runtime, france, message_id)
    assert mine.mine
    [(receipt, agency)] = mine.recipients
    assert agency.code == "DEU-NCB"
    assert receipt.delivered_at
    assert receipt.read_at
    assert receipt.read_by == germany.name


def test_a_principal_can_neither_see_nor_count_others_messages(runtime, france, germany, spain):
    message_id = send(runtime, france, subject=SECRET_SUBJECT)
    for action in (
        lambda s: service.read(
            s, settings=runtime.settings, principal=spain, bus=None, message_id=message_id
        ),
        lambda s: service.verify(
            s, settings=runtime.settings, principal=spain, message_id=message_id
        ),
        lambda s: service.export(
            s, settings=runtime.settings, principal=spain, message_id=message_id
        ),
    ):
        with runtime.sessions() as session, pytest.raises(NotFound) as hidden:
            action(session)
        with runtime.sessions() as session, pytest.raises(NotFound) as absent:
            service.read(
                session, settings=runtime.settings, principal=spain, bus=None, message_id=10**9
            )
        assert str(hidden.value).replace(str(message_id), "N") == str(absent.value).replace(
            str(10**9), "N"
        )
    with runtime.sessions() as session:
        assert service.inbox(session, settings=runtime.settings, principal=spain).total == 0
        assert (
            service.inbox(session, settings=runtime.settings, principal=spain, box="sent").total
            == 0
        )
        assert (
            service.inbox(
                session, settings=runtime.settings, principal=spain, search="Nightjar"
            ).total
            == 0
        )
        assert service.unread_counts(session, principal=spain) == {
            "routine": 0,
            "urgent": 0,
            "immediate": 0,
            "escalated": 0,
        }
        assert service.unread_counts(session, principal=germany)["routine"] == 1
    # Replying to it, or naming it, is refused as if it did not exist.
    with pytest.raises(InvalidInput) as refused:
        send(runtime, spain, in_reply_to=message_id)
    assert refused.value.problems[0].field == "in_reply_to"


def _dump(runtime) -> bytes:  # type: ignore[no-untyped-def]
    """Every row of every table, as a database copy would hold it."""
    metadata = MetaData()
    metadata.reflect(runtime.engine)
    out = []
    with runtime.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        out.append(bytes(value))
                    else:
                        out.append(str(value).encode())
    return b"\n".join(out)


def test_a_database_dump_holds_no_message_plaintext(runtime, france, germany):
    message_id = send(
        runtime,
        france,
        subject=SECRET_SUBJECT,
        body=SECRET_BODY,
        attachments=(service.Attachment("ledger.txt", SECRET_FILE),),
        form="information_supplied",
        form_data={"information": "Kowalczyk uses the alias Marek Nowak"},
    )
    read(runtime, germany, message_id)  # reading writes receipts, nothing of the content
    dump = _dump(runtime)
    if runtime.engine.dialect.name == "sqlite":
        path = runtime.engine.url.database
        with open(path, "rb") as handle:
            dump += handle.read()
    for secret in (
        SECRET_SUBJECT,
        SECRET_BODY,
        SECRET_FILE.decode(),
        "Kowalczyk",
        "Nightjar",
        "Marek Nowak",
        "ledger.txt",
    ):
        for form in (secret.encode(), base64.b64encode(secret.encode())):
            assert form not in dump, secret
    assert read(runtime, germany, message_id).body == SECRET_BODY


def test_a_tampered_message_fails_verification(runtime, france, germany):
    message_id = send(runtime, france, priority="routine")
    with runtime.sessions() as session:
        assert service.verify(
            session, settings=runtime.settings, principal=germany, message_id=message_id
        ).valid
    with unit_of_work(runtime.sessions) as session:
        message = session.get(Message, message_id)
        envelope = dict(message.envelope)
        envelope["priority"] = "immediate"  # someone with the database raises its priority
        message.envelope = envelope
    with runtime.sessions() as session:
        checked = service.verify(
            session, settings=runtime.settings, principal=germany, message_id=message_id
        )
    assert not checked.signature_valid
    assert not checked.valid
    assert not read(runtime, germany, message_id).verification.valid


def test_an_altered_ciphertext_is_refused_not_served(runtime, france, germany):
    message_id = send(runtime, france)
    with unit_of_work(runtime.sessions) as session:
        message = session.get(Message, message_id)
        blob = bytearray(message.content)
        blob[-1] ^= 1
        message.content = bytes(blob)
    with pytest.raises(Conflict, match="altered"):
        read(runtime, germany, message_id)
    with runtime.sessions() as session:
        checked = service.verify(
            session, settings=runtime.settings, principal=germany, message_id=message_id
        )
    assert checked.signature_valid
    assert checked.content_matches is False
    assert not checked.valid


def test_an_exported_message_verifies_alone_and_fails_when_altered(runtime, france, germany):
    message_id = send(runtime, france, subject=SECRET_SUBJECT, body=SECRET_BODY)
    with runtime.sessions() as session:
        exported = service.export(
            session, settings=runtime.settings, principal=germany, message_id=message_id
        )
    assert service.verify_export(exported).valid
    altered = {**exported, "content": exported["content"].replace("04:40", "05:40")}
    assert service.verify_export(altered).content_matches is False
    resigned = {**exported, "envelope": {**exported["envelope"], "to": ["ESP-NCB"]}}
    assert not service.verify_export(resigned).signature_valid
    assert not service.verify_export({"envelope": "x"}).valid


def test_addressing_countries_regions_all_members_groups_and_copies(runtime, world, france):
    unit = world.unit("DEU", code="DEU-CYBER")
    with unit_of_work(runtime.sessions) as session:
        group = service.create_group(
            session,
            principal=world.principal(world.user("FRA-NCB", (Role.SUPERVISOR,))),
            code="JIT-RHINE",
            name="Joint investigation team Rhine",
            members=["DEU-CYBER", "NLD-NCB"],
        )
        assert len(group.members) == 3
    message_id = send(
        runtime,
        france,
        address=service.Address(
            countries=("ES", "ITA"), groups=("JIT-RHINE",), copies=("DEU-CYBER",)
        ),
    )
    with runtime.sessions() as session:
        roles = {
            r.agency_id: r.role
            for r in session.scalars(
                select(MessageRecipient).where(MessageRecipient.message_id == message_id)
            )
        }
    codes = _codes(runtime, roles)
    assert codes == {"ESP-NCB": "to", "ITA-NCB": "to", "DEU-CYBER": "to", "NLD-NCB": "to"}
    assert unit.code == "DEU-CYBER"
    everyone = send(runtime, france, address=service.Address(all_members=True))
    europe = send(runtime, france, address=service.Address(regions=("europe",)))
    with runtime.sessions() as session:

        def count(m):
            return len(
                session.scalars(
                    select(MessageRecipient).where(MessageRecipient.message_id == m)
                ).all()
            )

        assert count(everyone) == 195  # every NCB but the sender's
        assert 40 < count(europe) < 60
    with pytest.raises(InvalidInput) as refused:
        send(
            runtime,
            france,
            address=service.Address(
                agencies=("NOPE",),
                countries=("XX",),
                regions=("mars",),
                groups=("JIT-RHINE", "OTHER"),
            ),
        )
    fields = [p.field for p in refused.value.problems]
    assert fields == [
        "address.agencies.0",
        "address.countries.0",
        "address.regions.0",
        "address.groups.1",
    ]
    with pytest.raises(InvalidInput) as refused:
        send(runtime, france, address=service.Address())
    assert refused.value.problems[0].field == "address"


def _codes(runtime, roles):  # type: ignore[no-untyped-def]
    from bluebridge.members.models import Agency

    with runtime.sessions() as session:
        return {session.get(Agency, a).code: role for a, role in roles.items()}


def test_a_group_is_used_only_by_its_members(runtime, world, france, spain):
    with unit_of_work(runtime.sessions) as session:
        service.create_group(
            session,
            principal=world.principal(world.user("FRA-NCB", (Role.SUPERVISOR,))),
            code="OP-ALPHA",
            name="Operation Alpha",
            members=["DEU-NCB"],
        )
    with pytest.raises(InvalidInput) as refused:
        send(runtime, spain, address=service.Address(groups=("OP-ALPHA",)))
    assert refused.value.problems[0].field == "address.groups.0"


def test_replies_make_a_thread(runtime, france, germany):
    first = send(runtime, france)
    reply = send(
        runtime,
        germany,
        address=service.Address(agencies=("FRA-NCB",)),
        body="Confirmed.",
        in_reply_to=first,
    )
    again = send(runtime, france, body="Thank you.", in_reply_to=reply)
    view = read(runtime, germany, again)
    assert [m.id for m in view.thread] == [first, reply, again]
    assert view.message.envelope["thread"] == read(runtime, france, first).message.envelope["uid"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_attachments_are_judged_by_their_content(runtime, france, germany):
    message_id = send(
        runtime,
        france,
        attachments=(service.Attachment("report.pdf", PDF), service.Attachment("photo.bin", PNG)),
    )
    with runtime.sessions() as session:
        name, media, data = service.attachment(
            session, settings=runtime.settings, principal=germany, message_id=message_id, position=1
        )
    assert (name, media, data) == ("photo.bin", "image/png", PNG)
    executable = b"MZ\x90\x00\x03" + bytes(200)
    with pytest.raises(InvalidInput) as refused:
        send(
            runtime,
            france,
            attachments=(
                service.Attachment("invoice.pdf", executable),
                service.Attachment("ok.txt", b"plain text"),
            ),
        )
    [problem] = refused.value.problems
    assert problem.field == "attachments.0"
    assert "not allowed" in problem.reason
    big = b"a" * (runtime.settings.message_attachment_max_bytes + 1)
    with pytest.raises(InvalidInput, match="larger than"):
        send(runtime, france, attachments=(service.Attachment("big.txt", big),))
    with unit_of_work(runtime.sessions) as session:
        row = session.scalar(
            select(MessageAttachment).where(
                MessageAttachment.message_id == message_id, MessageAttachment.position == 0
            )
        )
        row.content = row.content[:-1] + bytes([row.content[-1] ^ 1])
    with runtime.sessions() as session, pytest.raises(Conflict, match="altered"):
        service.attachment(
            session, settings=runtime.settings, principal=germany, message_id=message_id, position=0
        )


def test_key_rotation_keeps_old_messages_readable(runtime, world, france, germany):
    old = send(runtime, france, body="before the rotation")
    admin = world.principal(world.user("DEU-NCB", (Role.ADMINISTRATOR,)))
    with unit_of_work(runtime.sessions) as session:
        agency_id = germany.agency_id
        key = keys.rotate(session, settings=runtime.settings, principal=admin, agency_id=agency_id)
        assert key.version == 2
    new = send(runtime, france, body="after the rotation")
    assert read(runtime, germany, old).body == "before the rotation"
    assert read(runtime, germany, new).body == "after the rotation"
    with runtime.sessions() as session:
        versions = session.scalars(
            select(AgencyKey.version).where(
                AgencyKey.agency_id == agency_id, AgencyKey.active.is_(True)
            )
        ).all()
        assert versions == [2]
    # The sender's own key rotates too, and its old signatures still verify.
    with unit_of_work(runtime.sessions) as session:
        keys.rotate(
            session,
            settings=runtime.settings,
            principal=world.principal(world.user("FRA-NCB", (Role.ADMINISTRATOR,))),
            agency_id=france.agency_id,
        )
    assert read(runtime, germany, old).verification.valid


def test_a_wrong_master_key_reads_nothing(runtime, france, germany):
    from pydantic import SecretStr

    from bluebridge.messaging.crypto import CryptoError

    message_id = send(runtime, france, body=SECRET_BODY)
    other = runtime.settings.model_copy(
        update={"messaging_master_key": SecretStr("another master key entirely")}
    )
    other.__dict__.pop("messaging_master", None)
    with runtime.sessions() as session:
        message = session.get(Message, message_id)
        with pytest.raises(CryptoError):
            service._open(session, other, message, germany.agency_id)


def test_forms_are_checked_by_field(runtime, france):
    with pytest.raises(InvalidInput) as refused:
        send(runtime, france, form="action_taken", form_data={"action": "torture", "place": ""})
    fields = {p.field for p in refused.value.problems}
    assert {"form_data.action", "form_data.date", "form_data.place"} <= fields
    send(
        runtime,
        france,
        form="action_taken",
        form_data={"action": "arrest", "date": "2026-11-30", "place": "Frankfurt airport"},
    )


def test_an_access_request_goes_to_the_ncb_and_a_grant_opens_the_record(
    runtime, world, france, germany
):
    secret = enter(
        runtime,
        germany,
        "persons",
        person(["Hans Gruber"], (1970, 2, 2), ["DEU"]),
        AccessPolicy(mode=AccessMode.HIT_ONLY),
    )
    with runtime.sessions() as session:
        assert record_access.sight(france, session.get(Record, secret)) is record_access.Sight.NONE
    request = send(
        runtime,
        france,
        address=service.Address(),
        form="access_request",
        form_data={
            "record_id": secret,
            "reason": "Screening hit at CDG; we need the warrant details.",
            "days": 7,
        },
    )
    with runtime.sessions() as session:
        recipients = session.scalars(
            select(MessageRecipient.agency_id).where(MessageRecipient.message_id == request)
        ).all()
    assert recipients == [germany.agency_id]  # the NCB of the record's country
    # Only the owner (or its NCB) decides; France cannot grant itself.
    with pytest.raises(InvalidInput) as refused:
        send(
            runtime,
            france,
            address=service.Address(agencies=("DEU-NCB",)),
            form="access_decision",
            form_data={"decision": "grant", "days": 7, "reason": "ok"},
            in_reply_to=request,
        )
    assert refused.value.problems[0].field == "in_reply_to"
    send(
        runtime,
        germany,
        address=service.Address(agencies=("FRA-NCB",)),
        form="access_decision",
        form_data={"decision": "grant", "days": 7, "reason": "Granted for the extradition file."},
        in_reply_to=request,
    )
    with runtime.sessions() as session:
        record = session.get(Record, secret)
        assert record_access.sight(france, record) is record_access.Sight.FULL
        visible = session.scalars(
            select(Record.id).where(Record.id == secret, record_access.content_filter(france))
        ).all()
        assert visible == [secret]
    with unit_of_work(runtime.sessions) as session:
        for grant in session.get(Record, secret).agency_grants:
            grant.until = utcnow() - dt.timedelta(seconds=1)
    with runtime.sessions() as session:
        assert record_access.sight(france, session.get(Record, secret)) is record_access.Sight.NONE


def test_an_unread_immediate_message_is_escalated_to_the_ncb(runtime, world, france):
    world.unit("DEU", code="DEU-CT", kind="specialized_unit")
    message_id = send(
        runtime, france, priority="immediate", address=service.Address(agencies=("DEU-CT",))
    )
    later = utcnow() + dt.timedelta(minutes=runtime.settings.message_escalation_minutes + 1)
    with unit_of_work(runtime.sessions) as session:
        assert service.escalate(session, settings=runtime.settings, bus=None, now=utcnow()) == 0
    with unit_of_work(runtime.sessions) as session:
        assert service.escalate(session, settings=runtime.settings, bus=None, now=later) == 1
    with unit_of_work(runtime.sessions) as session:
        assert (
            service.escalate(session, settings=runtime.settings, bus=None, now=later) == 0
        )  # once
    ncb = world.principal(world.user("DEU-NCB", (Role.SUPERVISOR,)))
    view = read(runtime, ncb, message_id)
    assert view.verification.valid
    with runtime.sessions() as session:
        roles = dict(
            session.execute(
                select(MessageRecipient.agency_id, MessageRecipient.role).where(
                    MessageRecipient.message_id == message_id
                )
            ).all()
        )
    assert roles[ncb.agency_id] == "esc"


def test_search_filters_and_the_sent_box(runtime, france, germany):
    send(runtime, france, subject="Stolen Audi", body="VIN WAUZZZ8V0JA012345", priority="urgent")
    send(
        runtime,
        france,
        subject="Missing child",
        body="Seen in Strasbourg",
        references=(("record", 1),),
    ) if False else None
    send(runtime, france, subject="Missing child", body="Seen in Strasbourg")
    with runtime.sessions() as session:
        found = service.inbox(
            session, settings=runtime.settings, principal=germany, search="strasbourg"
        )
        assert [i.subject for i in found.items] == ["Missing child"]
        urgent = service.inbox(
            session, settings=runtime.settings, principal=germany, priority="urgent"
        )
        assert [i.subject for i in urgent.items] == ["Stolen Audi"]
        sent = service.inbox(session, settings=runtime.settings, principal=france, box="sent")
        assert sent.total == 2
        with pytest.raises(InvalidInput) as refused:
            service.inbox(
                session,
                settings=runtime.settings,
                principal=germany,
                priority="whenever",
                box="trash",
            )
        assert {p.field for p in refused.value.problems} == {"priority", "box"}


def test_a_delivery_is_told_live_after_the_commit(runtime, france, bus):
    import asyncio

    async def listen() -> list[dict]:
        async with bus.subscribe("inbox.DEU-NCB") as events:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, lambda: send(runtime, france, bus=bus))
            event = await asyncio.wait_for(events.__aiter__().__anext__(), 5)
            return [event.data]

    [data] = run_async(listen())
    assert data["kind"] == "delivered"
    assert data["priority"] == "routine"


def test_a_screening_hit_arrives_as_a_message_to_the_owners_ncb_and_its_conversation(
    runtime, world, germany
):
    from bluebridge.screening import service as screening
    from bluebridge.screening.models import ScreeningHit
    from bluebridge.screening.queries import person_query

    record_id = enter(runtime, germany, "persons", person(["Klaus Becker"], (1975, 5, 5), ["DEU"]))
    border = world.principal(world.user("FRA-NCB", (Role.BORDER_OFFICER,)))
    with unit_of_work(runtime.sessions) as session:
        screening.screen(
            session,
            runtime.screening,
            principal=border,
            queries=[person_query("q", ["Klaus Becker"], birth="1975-05-05")],
            place="Paris CDG",
        )
    with runtime.sessions() as session:
        hit_id = session.scalar(select(ScreeningHit.id).where(ScreeningHit.record_id == record_id))
        # The hit waits in the outbox for its message, which `serve` sends moments later.
        assert (
            service.inbox(
                session, settings=runtime.settings, principal=germany, form="hit_found"
            ).items
            == []
        )
    assert runtime.hit_outbox.drain() == 1
    with runtime.sessions() as session:
        [item] = service.inbox(
            session, settings=runtime.settings, principal=germany, form="hit_found"
        ).items
    view = read(runtime, germany, item.message.id)
    assert view.form_data["hit_id"] == hit_id
    assert view.form_data["record_id"] == record_id
    assert view.form_data["place"] == "Paris CDG"
    assert view.verification.valid
    assert view.message.priority == "urgent"
    # The owner answers with what to do; the border post reports the action taken.
    answer = send(
        runtime,
        germany,
        address=service.Address(agencies=(view.sender.code,)),
        form="information_supplied",
        form_data={"information": "Arrest warrant 2026/17 is valid: detain him."},
        in_reply_to=item.message.id,
    )
    send(
        runtime,
        border,
        address=service.Address(agencies=("DEU-NCB",)),
        form="action_taken",
        form_data={"action": "arrest", "date": "2026-12-01", "place": "Paris CDG"},
        in_reply_to=answer,
    )
    for principal in (germany, border):
        with runtime.sessions() as session:
            conversation = service.hit_conversation(
                session, settings=runtime.settings, principal=principal, hit_id=hit_id
            )
        assert [i.message.form for i in conversation] == [
            "hit_found",
            "information_supplied",
            "action_taken",
        ]
    spain = world.principal(world.user("ESP-NCB", (Role.OFFICER,)))
    with runtime.sessions() as session:
        assert (
            service.hit_conversation(
                session, settings=runtime.settings, principal=spain, hit_id=hit_id
            )
            == []
        )
