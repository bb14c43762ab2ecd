"""No file crashes a reader: hypothesis draws bytes (and near-valid lines) for every format;
each reader yields rows with a line number and a content or a reason, or stops with an
ImportFileError naming what is wrong with the file, and nothing else."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluebridge.records import imports, registry

KINDS = {
    imports.ImportFormat.CSV: "persons",
    imports.ImportFormat.JSONL: "travel_documents",
    imports.ImportFormat.FTM: "persons",
    imports.ImportFormat.STIX: "cyber_indicators",
}
PIECES = st.sampled_from(
    [
        b"owner_reference,names.0.value,status\n",
        b"R1,Ana,wanted\n",
        b'"R2,"x\n',
        b",,,\n",
        b"\xff\xfe\n",
        b'{"type": "bundle", "id": "bundle--1", "objects": [',
        b'{"type": "indicator", "pattern": "[x:value = \'1\']"},',
        b"]}",
        json.dumps({"id": "e1", "schema": "Person", "properties": {"name": ["A"]}}).encode()
        + b"\n",
        json.dumps({"owner_reference": "R", "payload": {"number": 1}}).encode() + b"\n",
        b"\n",
        b"\r\n",
        b"\x00",
        b'"',
        b"[" * 5000 + b"\n",  # deeper than the JSON decoder's recursion
        json.dumps(
            {"id": "e2", "schema": "Person", "properties": {"x_bluebridge_names": ["[" * 5000]}}
        ).encode()
        + b"\n",
    ]
)
FILES = st.one_of(st.binary(max_size=400), st.lists(PIECES, max_size=12).map(b"".join))


@settings(max_examples=400, deadline=None)
@given(format=st.sampled_from(list(imports.ImportFormat)), data=FILES)
def test_readers_yield_rows_or_a_file_error(format, data):
    kind = registry.get(KINDS[format])
    stream = imports.CountingStream(io.BytesIO(data))
    rows = []
    failure = None
    try:
        rows.extend(imports.READERS[format](stream, kind))
    except imports.ImportFileError as exc:
        failure = str(exc)
    assert failure is None or failure
    for row in rows:
        assert row.line >= 1
        assert row.problems or row.payload is not None
        assert all(p.field and p.reason for p in row.problems)
    assert stream.bytes_read <= len(data)
    lines = [row.line for row in rows]
    assert lines == sorted(lines)


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("format", "data"),
    [
        (imports.ImportFormat.JSONL, DEEP + b"\n"),
        (imports.ImportFormat.FTM, DEEP + b"\n"),
        (
            imports.ImportFormat.FTM,
            json.dumps(
                {"id": "e", "schema": "Person", "properties": {"x_bluebridge_names": ["[" * 10**5]}}
            ).encode(),
        ),
    ],
    ids=["jsonl", "ftm", "ftm-custom-property"],
)
def test_a_line_nested_too_deeply_is_a_rejected_row(format, data):
    # RecursionError is no ValueError: it once escaped the readers and failed the whole job.
    stream = imports.CountingStream(io.BytesIO(data))
    (row,) = imports.READERS[format](stream, registry.get(KINDS[format]))
    assert [p.reason for p in row.problems] == ["is JSON nested too deeply to be read"]


def test_a_stix_object_nested_too_deeply_is_a_file_error():
    stream = imports.CountingStream(io.BytesIO(b'{"type": "bundle", "objects": [' + DEEP + b"]}"))
    kind = registry.get("cyber_indicators")
    with pytest.raises(imports.ImportFileError, match="nested too deeply"):
        list(imports.read_stix(stream, kind))
