"""The portal pages of the secure network: the inbox and the sent box for the right people
(another agency's message is absent and never counted), the compose form (each refusal
beside its field, everything typed kept; attachments judged by their content; a reply
pre-filled), a message sent, found unread, opened and its read receipt seen by the sender,
the signature badge after the stored envelope was tampered with, the owner granting a request
for access from the request's page, the sharing groups, the Arabic inbox right to left, and
the live stream of unread counts that the portal's script reads."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bluebridge.access import records as record_access
from bluebridge.access.principal import Role
from bluebridge.access.records import AccessMode, AccessPolicy
from bluebridge.api.app import create_app
from bluebridge.messaging import forms, service
from bluebridge.messaging.models import Message
from bluebridge.records.models import Record
from bluebridge.store.engine import unit_of_work
from bluebridge.web import i18n
from bluebridge.web import messages as pages
from tests.messaging.conftest import send
from tests.screening.factories import enter, person
from tests.web.test_notices_pages import field_error, signed_in, text_of
from tests.web.test_portal_flow import csrf_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def app(runtime):  # type: ignore[no-untyped-def]
    return create_app(runtime=runtime)


def other_client(app, world, agency="DEU-NCB", roles=(Role.OFFICER,)):  # type: ignore[no-untyped-def]
    """A second browser, signed in at another agency."""
    client = TestClient(app, raise_server_exceptions=False)
    principal = signed_in(client, world, agency, roles)
    return client, principal


def compose(client, fields, files=None, page="/messages/new"):  # type: ignore[no-untyped-def]
    """The compose form posted with the token of its page (multipart when files are given)."""
    token = csrf_of(client.get(page).text)
    data: dict[str, list[str]] = {"csrf_token": [token]}
    for name, value in fields.items():
        data.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return client.post("/messages/new", data=data, files=files, follow_redirects=False)


def sent_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/messages/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return int(found[1])


def counts_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-unread-count="(\w+)">([^<]*)<', html))


# ---------------------------------------------------------------- the words


def test_every_structured_form_field_has_a_label_and_a_control():
    for form in forms.Form:
        assert form.value in pages.FORM_LABELS
        model = forms.MODELS[form]
        inputs = pages.form_inputs(form.value)
        assert [i.name for i in inputs] == list(model.model_fields if model else [])
        for spec in inputs:
            assert spec.name in pages.FIELD_LABELS, spec.name
            if spec.widget == "select":
                assert spec.name in pages.OPTION_LABELS
                assert {v for v, _label in spec.options} == set(pages.OPTION_LABELS[spec.name])
    widgets = {i.name: i.widget for i in pages.form_inputs("action_taken")}
    assert widgets == {"action": "select", "date": "date", "place": "text", "details": "textarea"}
    hit_found = {i.name: i for i in pages.form_inputs("hit_found")}
    assert hit_found["record_id"].widget == "integer"
    assert hit_found["record_id"].required
    assert hit_found["screened_at"].widget == "datetime"
    assert not hit_found["hit_id"].required
    assert set(pages.PRIORITY_LABELS) == set(service.PRIORITIES)


def test_a_service_refusal_is_said_again_in_the_visitors_language():
    with i18n.use_language("en"):
        assert pages.reason_text("write 1 to 300 characters") == "write 1 to 300 characters"
        assert pages.reason_text("larger than 10,485,760 bytes") == "larger than 10485760 bytes"
        assert pages.reason_text("one of: routine, urgent, immediate") == (
            "choose one of the options"
        )
        assert pages.reason_text("Field required") == "give a value"
        assert pages.reason_text("no record 12 you can name") == "no record 12 that you may name"


# ---------------------------------------------------------------- who sees what


def test_the_pages_render_for_the_right_people(client, app, world):
    assert client.get("/messages", follow_redirects=False).status_code == 303  # signed out
    signed_in(client, world)
    inbox = client.get("/messages")
    assert inbox.status_code == 200, inbox.text
    assert 'href="/messages/new"' in inbox.text
    assert counts_of(inbox.text) == {"routine": "0", "urgent": "0", "immediate": "0"}
    assert "data-unread-badge hidden" in inbox.text  # the navigation's badge, for the script
    assert "/static/js/messages.js" in inbox.text
    assert client.get("/messages?box=sent").status_code == 200
    assert client.get("/messages/new").status_code == 200
    assert client.get("/messages/groups").status_code == 200
    # A data protection officer reads the agency's messages but sends none.
    dpo, _principal = other_client(app, world, "FRA-NCB", (Role.DATA_PROTECTION_OFFICER,))
    page = dpo.get("/messages")
    assert page.status_code == 200
    assert 'href="/messages/new"' not in page.text
    assert dpo.get("/messages/new").status_code == 403


def test_another_agencys_message_is_absent_and_never_counted(client, app, world, runtime):
    france = world.principal(world.user("FRA-NCB"))
    message_id = send(
        runtime,
        france,
        subject="Operation Nightjar",
        priority="immediate",
        attachments=(service.Attachment("ledger.txt", b"payments"),),
    )
    signed_in(client, world, "ESP-NCB")
    absent = client.get("/messages/999999999")
    for path in (
        f"/messages/{message_id}",
        f"/messages/{message_id}/export",
        f"/messages/{message_id}/attachments/0",
        f"/messages/new?reply_to={message_id}",
    ):
        hidden = client.get(path)
        assert hidden.status_code == 404, path
        assert "Nightjar" not in hidden.text
    assert absent.status_code == 404
    for path in (
        "/messages",
        "/messages?box=sent",
        "/messages?q=Nightjar",
        "/messages?unread=true",
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert f'href="/messages/{message_id}"' not in page.text
        assert "Operation Nightjar" not in page.text.replace('value="Nightjar"', "")
        assert "0 results" in page.text
        assert counts_of(page.text) == {"routine": "0", "urgent": "0", "immediate": "0"}
    with client.stream("GET", "/api/v1/messages/events") as stream:
        lines = stream.iter_lines()
        assert next(lines) == "event: unread"
        assert json.loads(next(lines).removeprefix("data: ")) == {
            "routine": 0,
            "urgent": 0,
            "immediate": 0,
            "escalated": 0,
        }


# ---------------------------------------------------------------- sending and reading


def test_a_message_sent_is_unread_then_read_and_the_sender_sees_the_receipt(client, app, world):
    sender = signed_in(client, world)
    sent = compose(
        client,
        {
            "to": "DEU-NCB",
            "subject": "Request for information on a vehicle",
            "body": "Please confirm the owner of the car.\nPlate AB-123-CD.",
            "priority": "urgent",
            "handling_codes": "police_use_only",
            "form": "free",
        },
    )
    message_id = sent_id(sent)
    mine = client.get(f"/messages/{message_id}")
    assert mine.status_code == 200
    assert "Signature valid" in mine.text
    assert "Not read yet" in mine.text
    assert 'id="receipts"' in mine.text

    germany, reader = other_client(app, world)
    inbox = germany.get("/messages")
    assert counts_of(inbox.text)["urgent"] == "1"
    row = re.search(
        rf'<tr class="(\w+)">(?:(?!</tr>).)*href="/messages/{message_id}"', inbox.text, re.S
    )
    assert row
    assert row[1] == "unread"
    assert "<strong><a" in row[0]
    assert "FRA-NCB" in row[0]
    assert "Request for information on a vehicle" in inbox.text
    assert germany.get("/messages?priority=routine").text.count(f'/messages/{message_id}"') == 0
    assert (
        germany.get("/messages?form=free&unread=true&q=vehicle").text.count(
            f'href="/messages/{message_id}"'
        )
        == 1
    )

    opened = germany.get(f"/messages/{message_id}")
    assert opened.status_code == 200
    assert "Plate AB-123-CD." in opened.text
    assert "Signature valid" in opened.text
    assert "FRA-NCB" in opened.text
    assert 'id="receipts"' not in opened.text  # the sender's alone
    assert "For police use only" in opened.text
    after = germany.get("/messages")
    assert counts_of(after.text)["urgent"] == "0"
    assert re.search(rf'<tr class="read">(?:(?!</tr>).)*/messages/{message_id}"', after.text, re.S)

    receipt = client.get(f"/messages/{message_id}")
    assert "Not read yet" not in receipt.text
    assert '<span class="badge success">Read</span>' in receipt.text
    assert reader.name in receipt.text
    box = client.get("/messages?box=sent")
    assert "1 of 1" in text_of(box.text)
    assert sender.name  # signed in as the officer who sent it

    # A reply: to the sender, in the thread, with the subject.
    reply = germany.get(f"/messages/new?reply_to={message_id}")
    assert 'value="FRA-NCB"' in reply.text
    assert 'value="Re: Request for information on a vehicle"' in reply.text
    assert f'name="in_reply_to" value="{message_id}"' in reply.text
    answer = sent_id(
        compose(
            germany,
            {
                "to": "FRA-NCB",
                "subject": "Re: Request for information on a vehicle",
                "body": "The owner is Hans Weber.",
                "priority": "urgent",
                "in_reply_to": str(message_id),
                "form": "information_supplied",
                "fd.information_supplied.information": "Registered to Hans Weber, Köln.",
            },
            page=f"/messages/new?reply_to={message_id}",
        )
    )
    thread = client.get(f"/messages/{answer}")
    assert "Registered to Hans Weber, Köln." in thread.text
    assert f'href="/messages/{message_id}"' in thread.text
    assert 'id="thread"' in thread.text

    exported = client.get(f"/messages/{message_id}/export")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith("attachment;")
    assert service.verify_export(exported.json()).valid


def test_compose_refusals_are_shown_by_field_and_nothing_typed_is_lost(client, world):
    signed_in(client, world)
    refused = compose(
        client,
        {
            "to": "XXX-NOPE, DEU-NCB",
            "countries": "ZZZ",
            "subject": "   ",
            "body": "Keep this body, it took a while to write.",
            "priority": "immediate",
            "references": "record:abc, notice:7",
            "handling_codes": "police_use_only",
            "form": "action_taken",
            "fd.action_taken.place": "Port of Le Havre",
            "fd.action_taken.date": "not a date",
        },
    )
    assert refused.status_code == 422, refused.text
    html = refused.text
    assert field_error(html, "f-to") == "XXX-NOPE: no active agency with this code"
    assert "ZZZ" in field_error(html, "f-countries")
    assert field_error(html, "f-subject") == "write 1 to 300 characters"
    assert "record:abc" in field_error(html, "f-references")
    assert field_error(html, "f-fd-action_taken-action") == "give a value"
    assert field_error(html, "f-fd-action_taken-date") == "give a date (YYYY-MM-DD)"
    assert 'class="error-summary"' in html
    assert 'href="#f-to"' in html
    # What was typed is all there.
    assert 'value="XXX-NOPE, DEU-NCB"' in html
    assert ">Keep this body, it took a while to write.</textarea>" in html
    assert re.search(r'value="immediate" checked', html)
    assert re.search(r'value="police_use_only" checked', html)
    assert 'value="record:abc, notice:7"' in html
    assert 'value="Port of Le Havre"' in html
    assert 'value="not a date"' in html
    assert re.search(r'<option value="action_taken" selected>', html)
    assert '<option value="ZZZ" selected>' in html
    # The chosen form's fields are shown, the others hidden until chosen.
    assert re.search(r'data-form-fields="action_taken"(?! hidden)>', html)
    assert 'data-form-fields="hit_found" hidden' in html
    # Without script, a button shows the fields of the form chosen, sending nothing.
    shown = compose(
        client,
        {"to": "DEU-NCB", "subject": "A hit", "form": "hit_found", "_show": "1"},
    )
    assert shown.status_code == 200
    assert re.search(r'data-form-fields="hit_found"(?! hidden)>', shown.text)
    assert 'value="A hit"' in shown.text
    assert 'class="error-summary"' not in shown.text
    # Nothing was sent.
    assert "0 results" in client.get("/messages?box=sent").text


def test_a_value_past_the_forms_bounds_is_named_and_the_rest_kept(client, world):
    signed_in(client, world)
    response = compose(
        client,
        {"to": "DEU-NCB", "subject": "A long one", "body": "x" * (600 * 1024)},
        files=[("attachments", ("", b"", "application/octet-stream"))],  # no file chosen
    )
    assert response.status_code == 422
    assert field_error(response.text, "f-body") == "This value is longer than the form allows."
    assert 'value="DEU-NCB"' in response.text
    assert 'value="A long one"' in response.text


def test_no_input_makes_the_pages_fail(client, world):
    signed_in(client, world)
    for path in (
        "/messages?priority=extreme&form=nope&reference=bogus",
        "/messages?box=elsewhere",
        "/messages?q=" + "x" * 300,
        "/messages?reference=record:99999999999999999",
        "/messages?page=99999",
        "/messages/new?form=nope&reference=record:x",
        "/messages/0",
        "/messages/abc",
        "/messages/1/attachments/7",
    ):
        response = client.get(path)
        assert response.status_code < 500, path
    assert client.get("/messages?priority=extreme").status_code == 422
    assert "write it as type:number" in client.get("/messages?reference=bogus").text
    odd = compose(
        client,
        {
            "to": "DEU-NCB",
            "subject": "x",
            "priority": "loud",
            "form": "telegram",
            "handling_codes": "secret",
            "in_reply_to": "12345678",
            "regions": "atlantis",
            "groups": "NOPE",
            "fd.telegram.x": "y",
        },
    )
    assert odd.status_code == 422, odd.text
    for name in ("f-priority", "f-form", "f-handling_codes", "f-regions", "f-groups"):
        assert field_error(odd.text, name)
    assert "no message 12345678 that you can read" in odd.text
    assert compose(client, {"subject": "x", "priority": "routine"}).status_code == 422
    forged = client.post(
        "/messages/new", data={"csrf_token": "forged", "to": "DEU-NCB", "subject": "x"}
    )
    assert forged.status_code == 403
    broken = client.post(
        "/messages/new",
        content=b"--xx\r\nnot a form",
        headers={"content-type": "multipart/form-data; boundary=xx"},
    )
    assert broken.status_code == 403


def test_an_envelope_tampered_with_shows_an_invalid_signature(client, app, world, runtime):
    france = world.principal(world.user("FRA-NCB"))
    message_id = send(runtime, france, subject="Routine check", priority="routine")
    signed_in(client, world, "DEU-NCB")
    assert "Signature valid" in client.get(f"/messages/{message_id}").text
    with unit_of_work(runtime.sessions) as session:
        message = session.get(Message, message_id)
        envelope = dict(message.envelope)
        envelope["priority"] = "immediate"  # someone with the database raises its priority
        message.envelope = envelope
    page = client.get(f"/messages/{message_id}")
    assert page.status_code == 200
    assert "Signature INVALID" in page.text
    assert "Signature valid" not in page.text
    assert 'class="signature invalid"' in page.text
    # The ciphertext altered: nothing of the content, the verdict still shown.
    with unit_of_work(runtime.sessions) as session:
        message = session.get(Message, message_id)
        blob = bytearray(message.content)
        blob[-1] ^= 1
        message.content = bytes(blob)
    broken = client.get(f"/messages/{message_id}")
    assert broken.status_code == 409
    assert "Signature INVALID" in broken.text
    assert "Routine check" not in broken.text
    assert client.get(f"/messages/{message_id}/export").status_code == 409
    searched = client.get("/messages?q=Routine")
    assert searched.status_code == 200  # an altered message matches no search
    assert f"/messages/{message_id}" not in searched.text
    assert client.get("/messages").status_code == 200  # the list itself still reads


def test_attachments_are_judged_by_their_content_not_their_name(client, app, world):
    signed_in(client, world)
    fields = {"to": "DEU-NCB", "subject": "The seizure report", "priority": "routine"}
    refused = compose(
        client,
        fields,
        files=[("attachments", ("report.pdf", b"MZ\x90\x00" + bytes(64), "application/pdf"))],
    )
    assert refused.status_code == 422, refused.text
    error = field_error(refused.text, "f-attachments")
    assert error.startswith("report.pdf: its content is")
    assert "not allowed" in error
    assert 'value="The seizure report"' in refused.text
    assert "Choose the files to attach again: report.pdf" in refused.text
    accepted = compose(
        client,
        fields,
        files=[
            ("attachments", ("report.pdf", PDF, "application/pdf")),
            ("attachments", ("notes é.txt", "Vu à Lyon".encode(), "text/plain")),
        ],
    )
    message_id = sent_id(accepted)
    germany, _principal = other_client(app, world)
    page = germany.get(f"/messages/{message_id}")
    assert f'href="/messages/{message_id}/attachments/0"' in page.text
    assert "notes é.txt" in page.text
    download = germany.get(f"/messages/{message_id}/attachments/0")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith('attachment; filename="report.pdf"')
    text = germany.get(f"/messages/{message_id}/attachments/1")
    assert text.content == "Vu à Lyon".encode()
    assert "filename*=UTF-8''notes%20%C3%A9.txt" in text.headers["content-disposition"]
    assert germany.get(f"/messages/{message_id}/attachments/2").status_code == 404


def test_attachments_too_large_or_too_many_are_refused_by_name(client, world, runtime):
    runtime.settings.message_attachment_max_bytes = 1024
    signed_in(client, world)
    fields = {"to": "DEU-NCB", "subject": "Files", "priority": "routine"}
    large = compose(client, fields, files=[("attachments", ("big.txt", b"a" * 5000, "text/plain"))])
    assert large.status_code == 422
    assert field_error(large.text, "f-attachments") == "big.txt: larger than 1024 bytes"
    many = [("attachments", (f"n{i}.txt", b"note", "text/plain")) for i in range(12)]
    refused = compose(client, fields, files=many)
    assert refused.status_code == 422
    assert field_error(refused.text, "f-attachments") == "at most 10 files"


def test_an_access_request_is_granted_from_its_page(client, app, world, runtime):
    germany = world.principal(world.user("DEU-NCB"))
    secret = enter(
        runtime,
        germany,
        "persons",
        person(["Hans Gruber"], (1970, 2, 2), ["DEU"]),
        AccessPolicy(mode=AccessMode.HIT_ONLY),
    )
    france = signed_in(client, world)
    form = client.get(f"/messages/new?form=access_request&reference=record:{secret}")
    assert f'name="fd.access_request.record_id" type="number" value="{secret}"' in form.text
    request_id = sent_id(
        compose(
            client,
            {
                "subject": "Access to a hit",
                "priority": "urgent",
                "form": "access_request",
                "fd.access_request.record_id": str(secret),
                "fd.access_request.reason": "Screening hit at CDG; we need the warrant.",
                "fd.access_request.days": "7",
            },
        )
    )
    mine = client.get(f"/messages/{request_id}")
    assert "Grant access" not in mine.text
    assert "Not answered yet." in mine.text
    assert f"Record {secret}" in mine.text
    assert "you do not see this record" in mine.text

    owner, _owner_principal = other_client(app, world, "DEU-NCB")
    page = owner.get(f"/messages/{request_id}")
    assert "Grant access" in page.text
    assert "Refuse access" in page.text
    assert f'href="/records/persons/{secret}"' in page.text  # the owner sees its record
    token = csrf_of(page.text)
    refused = owner.post(
        f"/messages/{request_id}/decide",
        data={"csrf_token": token, "decision": "grant", "days": "900", "reason": "Granted."},
    )
    assert refused.status_code == 422
    assert field_error(refused.text, "f-grant-days") == "the number is too large"
    assert 'value="900"' in refused.text
    assert ">Granted.</textarea>" in refused.text
    no_reason = owner.post(
        f"/messages/{request_id}/decide",
        data={"csrf_token": token, "decision": "refuse", "reason": "  "},
    )
    assert field_error(no_reason.text, "f-refuse-reason") == "give a value"
    granted = owner.post(
        f"/messages/{request_id}/decide",
        data={"csrf_token": token, "decision": "grant", "days": "7", "reason": ""},
        follow_redirects=False,
    )
    assert granted.status_code == 303, granted.text
    answered = owner.get(f"/messages/{request_id}")
    assert "Access granted; the requesting agency has been told." in answered.text
    assert "Grant access" not in answered.text
    assert "Answered by DEU-NCB" in answered.text
    with runtime.sessions() as session:
        record = session.get(Record, secret)
        assert record_access.sight(france, record) is record_access.Sight.FULL
        decision = session.scalars(
            select(Message).where(Message.in_reply_to_id == request_id)
        ).one()
    inbox = client.get("/messages")
    assert f'href="/messages/{decision.id}"' in inbox.text
    answer = client.get(f"/messages/{decision.id}")
    assert "Access granted" in answer.text
    assert "Signature valid" in answer.text
    assert f'href="/records/persons/{secret}"' in answer.text  # now France sees it
    again = owner.post(
        f"/messages/{request_id}/decide",
        data={"csrf_token": token, "decision": "refuse", "reason": "Too late."},
    )
    assert again.status_code == 409
    assert "answered already" in again.text


def test_sharing_groups_are_made_and_changed_from_their_page(client, app, world):
    signed_in(client, world, "FRA-NCB", (Role.SUPERVISOR,))
    page = client.get("/messages/groups")
    token = csrf_of(page.text)
    refused = client.post(
        "/messages/groups",
        data={"csrf_token": token, "code": "x", "name": "JIT Rhône", "members": "ITA-NCB, NOPE-1"},
    )
    assert refused.status_code == 422
    assert field_error(refused.text, "f-new-code") == "2-40 capital letters, digits and hyphens"
    assert field_error(refused.text, "f-new-members") == "NOPE-1: no active agency with this code"
    assert 'value="JIT Rhône"' in refused.text
    assert ">ITA-NCB, NOPE-1</textarea>" in refused.text
    made = client.post(
        "/messages/groups",
        data={"csrf_token": token, "code": "jit-rhone", "name": "JIT Rhône", "members": "ITA-NCB"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    listed = client.get("/messages/groups")
    assert "JIT-RHONE" in listed.text
    assert "FRA-NCB, ITA-NCB" in listed.text
    changed = client.post(
        "/messages/groups/JIT-RHONE/members",
        data={"csrf_token": token, "members": "ITA-NCB, CHE-NCB"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert "CHE-NCB, FRA-NCB, ITA-NCB" in client.get("/messages/groups").text
    # A member addresses it from the compose form; an officer makes no group.
    italy, _principal = other_client(app, world, "ITA-NCB")
    assert 'value="JIT-RHONE"' in italy.get("/messages/new").text
    assert "Make a sharing group" not in italy.get("/messages/groups").text
    assert sent_id(
        compose(italy, {"groups": "JIT-RHONE", "subject": "To the JIT", "priority": "routine"})
    )
    assert (
        italy.post(
            "/messages/groups/JIT-RHONE/members",
            data={"csrf_token": csrf_of(italy.get("/messages/groups").text), "members": ""},
        ).status_code
        == 403
    )


def test_the_arabic_inbox_reads_right_to_left(client, world):
    signed_in(client, world)
    client.get("/language/ar?next=/messages")
    page = client.get("/messages")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert client.get("/messages/new").status_code == 200


def test_the_event_stream_starts_with_the_unread_counts(client, world, runtime):
    france = world.principal(world.user("FRA-NCB"))
    send(runtime, france, priority="immediate")
    send(runtime, france, priority="routine")
    signed_in(client, world, "DEU-NCB")
    with client.stream("GET", "/api/v1/messages/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        assert next(lines) == "event: unread"
        data = json.loads(next(lines).removeprefix("data: "))
    assert data == {"routine": 1, "urgent": 0, "immediate": 1, "escalated": 0}


def test_the_ncbs_supervisors_have_an_escalated_tab_with_its_count(client, world, runtime):
    import datetime as dt

    from bluebridge.store.base import utcnow

    world.unit("DEU", code="DEU-CT", kind="specialized_unit")
    france = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    message_id = send(
        runtime,
        france,
        subject="Stadium threat",
        priority="immediate",
        address=service.Address(agencies=("DEU-CT",)),
    )
    later = utcnow() + dt.timedelta(minutes=runtime.settings.message_escalation_minutes + 1)
    with unit_of_work(runtime.sessions) as session:
        service.escalate(session, settings=runtime.settings, bus=None, now=later)
    signed_in(client, world, agency="DEU-NCB", roles=(Role.SUPERVISOR,))
    page = client.get("/messages")
    assert 'href="/messages?box=escalated"' in page.text
    escalated = client.get("/messages?box=escalated")
    assert escalated.status_code == 200
    assert f'href="/messages/{message_id}"' in escalated.text
    assert "Stadium threat" in escalated.text
    assert 'name="box" value="escalated"' in escalated.text
    # The system's own forms are never offered to compose.
    compose_page = client.get("/messages/new?form=payment_leg").text
    assert 'value="payment_leg"' not in compose_page
