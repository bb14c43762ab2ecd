"""The portal's import pages: the upload form, the job started in the background, its page
with a progress bar htmx refreshes while it runs, the rejected rows paginated and as CSV,
and nothing of another agency's imports."""

from __future__ import annotations

import re
import time

from bluebridge.access.principal import Role
from tests.web.test_portal_flow import csrf_of, sign_in

CSV = (
    "owner_reference,number,issuing_country,document_type,status,date_reported\n"
    "FR-1,11AA11,FRA,passport,lost,2026-01-15\n"
    "FR-2,22BB22,FRA,scroll,lost,2026-01-15\n"
    "FR-3,1,FRA,passport,lost,2026-01-15\n"
)


def signed_in(client, world, agency="FRA-NCB", roles=(Role.OFFICER,)):
    account = world.user(agency, roles)
    assert sign_in(client, account).status_code == 303
    return account


def upload(client, data=CSV, **fields):
    form = client.get("/records/travel_documents/import")
    assert form.status_code == 200
    values = {
        "csrf_token": csrf_of(form.text),
        "format": "csv",
        "source_type": "border_control",
        "source_grading": "B",
        "information_grading": "2",
        **fields,
    }
    return client.post(
        "/records/travel_documents/import",
        data=values,
        files={"file": ("sltd.csv", data.encode(), "text/csv")},
        follow_redirects=False,
    )


def finished(client, path):
    for _ in range(200):
        fragment = client.get(path + "/progress")
        if "hx-trigger" not in fragment.text:
            return fragment
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_upload_runs_the_job_and_its_page_shows_progress_and_rejections(client, world):
    signed_in(client, world)
    form = client.get("/records/travel_documents/import")
    assert 'enctype="multipart/form-data"' in form.text
    # No inline script under a strict CSP (scripts come from files, as the live inbox badge's).
    assert not re.search(r"<script(?![^>]*\bsrc=)", form.text.split("</head>")[1])
    response = upload(client)
    assert response.status_code == 303, response.text
    path = response.headers["location"]
    assert re.fullmatch(r"/imports/\d+", path)
    fragment = finished(client, path)
    assert "<progress" in fragment.text
    page = client.get(path)
    assert page.status_code == 200
    assert "sltd.csv" in page.text
    assert "payload.document_type" in page.text
    assert "<td>3</td>" in page.text  # the line of the refused row
    csv_text = client.get(path + "/rejections.csv")
    assert csv_text.status_code == 200
    assert csv_text.headers["content-type"].startswith("text/csv")
    lines = csv_text.text.splitlines()
    assert lines[0] == "line,field,reason"
    assert [line.split(",")[0] for line in lines[1:]] == ["3", "4"]
    listing = client.get("/imports")
    assert path in listing.text
    assert 'href="/records/persons/import"' in listing.text


def test_a_running_job_asks_for_its_progress_every_second(client, world, runtime):
    from bluebridge.records.models import ImportJob
    from bluebridge.store.engine import unit_of_work

    account = signed_in(client, world)
    with unit_of_work(runtime.sessions) as session:
        job = ImportJob(
            kind="travel_documents",
            format="csv",
            filename="big.csv",
            agency_id=account.agency_id,
            country="FRA",
            created_by=account.username,
            status="running",
            bytes_total=1000,
            bytes_read=250,
        )
        session.add(job)
        session.flush()
        job_id = job.id
    fragment = client.get(f"/imports/{job_id}/progress")
    assert f'hx-get="/imports/{job_id}/progress"' in fragment.text
    assert 'hx-trigger="every 1s"' in fragment.text
    assert 'value="250"' in fragment.text
    assert 'max="1000"' in fragment.text
    assert 'style="' not in fragment.text


def test_form_errors_are_shown_by_field_and_no_job_starts(client, world):
    signed_in(client, world)
    no_file = upload(client, data="")
    assert no_file.status_code == 422
    assert 'id="e-file"' in no_file.text
    bad_policy = upload(client, access_mode="listed", access_countries="")
    assert bad_policy.status_code == 422
    assert "has-error" in bad_policy.text
    assert "No import yet." in client.get("/imports").text


def test_an_upload_without_the_forms_token_is_refused(client, world):
    signed_in(client, world)
    response = client.post(
        "/records/travel_documents/import",
        data={"format": "csv"},
        files={"file": ("x.csv", CSV.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "No import yet." in client.get("/imports").text


def test_analysts_do_not_import(client, world):
    signed_in(client, world, roles=(Role.ANALYST,))
    assert client.get("/records/travel_documents/import").status_code == 403


def test_another_agencys_import_is_not_found(client, world):
    signed_in(client, world)
    path = upload(client).headers["location"]
    finished(client, path)
    client.cookies.clear()
    signed_in(client, world, agency="DEU-NCB")
    for suffix in ("", "/progress", "/rejections.csv"):
        assert client.get(path + suffix).status_code == 404
    assert "sltd.csv" not in client.get("/imports").text


def test_the_pages_render_in_every_language(client, world):
    signed_in(client, world)
    path = upload(client).headers["location"]
    finished(client, path)
    for lang in ("ar", "es", "fr", "en"):
        client.cookies.set("bb_lang", lang)
        for page in ("/records/travel_documents/import", "/imports", path, path + "/progress"):
            response = client.get(page)
            assert response.status_code == 200, (lang, page)
    client.cookies.set("bb_lang", "ar")
    assert 'dir="rtl"' in client.get(path).text


# ---------------------------------------------------------------- the upload as it streams

BOUNDARY = "bluebridge-test-boundary"


def part(name, value, filename=None):
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if filename is not None:
        head += "Content-Type: text/csv\r\n"
    return (
        head.encode() + b"\r\n" + (value if isinstance(value, bytes) else value.encode()) + b"\r\n"
    )


def form_parts(token, **fields):
    values = {
        "csrf_token": token,
        "format": "csv",
        "source_type": "border_control",
        "source_grading": "B",
        "information_grading": "2",
        **fields,
    }
    return [part(name, value) for name, value in values.items()]


def post_raw(client, body):
    return client.post(
        "/records/travel_documents/import",
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        follow_redirects=False,
    )


def closing():
    return f"--{BOUNDARY}--\r\n".encode()


def token_of(client):
    return csrf_of(client.get("/records/travel_documents/import").text)


def no_upload_on_disk(runtime):
    directory = runtime.settings.data_dir / "imports"
    return not directory.exists() or not any(directory.iterdir())


def _open_transactions(runtime, store_kind):
    """Whether any connection holds a transaction open (SQLite: the store's write lock)."""
    if store_kind == "sqlite":
        import sqlite3

        other = sqlite3.connect(runtime.engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:  # database is locked
            return True
        finally:
            other.close()
    from sqlalchemy import text

    with runtime.engine.connect() as connection:
        return bool(
            connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                )
            )
        )


def test_no_transaction_is_open_while_the_file_streams_in(client, world, runtime, store_kind):
    signed_in(client, world)
    head = b"".join(form_parts(token_of(client)))
    seen = {}

    def body():
        yield head + part("file", CSV, filename="sltd.csv")[:-2]
        # The request's handler is reading the body: another writer must not wait for it.
        seen["open"] = _open_transactions(runtime, store_kind)
        yield b"\r\n" + closing()

    response = post_raw(client, body())
    assert response.status_code == 303, response.text
    assert seen == {"open": False}
    finished(client, response.headers["location"])


def test_the_forms_values_are_bounded(client, world, runtime):
    signed_in(client, world)
    token = token_of(client)
    file_part = part("file", CSV, filename="sltd.csv")
    cases = {
        "too many": (b"".join(part("note", "x") for _ in range(250)), "note"),
        "one too long": (part("note", "x" * 20_001), "note"),
        "too long all together": (b"".join(part(f"n{i}", "x" * 19_000) for i in range(15)), "n13"),
    }
    for label, (extra, field) in cases.items():
        body = b"".join(form_parts(token)) + extra + file_part + closing()
        response = post_raw(client, body)
        assert response.status_code == 422, label
        assert f"{field}: " in response.text, label
    assert "No import yet." in client.get("/imports").text
    assert no_upload_on_disk(runtime)


def test_the_file_is_not_taken_before_the_forms_token(client, world, runtime):
    signed_in(client, world)
    token = token_of(client)
    file_part = part("file", CSV, filename="sltd.csv")
    fields = form_parts(token)
    for label, body in {
        "the token after the file": b"".join([file_part, *fields]),
        "a wrong token": b"".join([*form_parts("forged"), file_part]),
        "no token": b"".join([*fields[1:], file_part]),
    }.items():
        response = post_raw(client, body + closing())
        assert response.status_code == 403, label
        assert no_upload_on_disk(runtime), label
    assert "No import yet." in client.get("/imports").text
    accepted = post_raw(client, b"".join([*fields, file_part]) + closing())
    assert accepted.status_code == 303, accepted.text
    finished(client, accepted.headers["location"])


def test_a_file_name_with_control_characters_is_refused(client, world, runtime):
    signed_in(client, world)
    body = b"".join(form_parts(token_of(client)))
    body += part("file", CSV, filename="sltd\x1b[2J.csv") + closing()
    response = post_raw(client, body)
    assert response.status_code == 422
    assert 'id="e-file"' in response.text
    assert "No import yet." in client.get("/imports").text
    assert no_upload_on_disk(runtime)


def test_an_upload_removes_the_files_a_stopped_process_left(client, world, runtime):
    import os

    from bluebridge.records import imports

    signed_in(client, world)
    left = imports.upload_directory(runtime.settings) / "upload-left-behind"
    left.write_text(CSV)
    old = time.time() - 2 * 24 * 3600
    os.utime(left, (old, old))
    response = upload(client)
    assert response.status_code == 303, response.text
    assert not left.exists()
    finished(client, response.headers["location"])
