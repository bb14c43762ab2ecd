"""Multipart forms read as they stream in, for the portal's pages that take files (an import's
upload, a passenger manifest, a message's attachments): each value kept within the page's
bounds (InvalidInput naming the value past one), each part's headers within theirs, and each
file's bytes handed to the page as they arrive, to keep on disk or in memory as it chooses.
A page sends its form's token before its files and checks it before it takes the first."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from python_multipart.multipart import MultipartParser, parse_options_header

from bluebridge.errors import FieldProblem, InvalidInput
from bluebridge.web.i18n import N_
from bluebridge.web.portal import CsrfFailed

HEADERS_LIMIT = 16 * 1024  # a part's headers
VALUE_TOO_LONG = N_("This value is longer than the form allows.")
TOO_MANY_VALUES = N_("The form has more values than it allows.")
VALUES_TOO_LONG = N_("The form's values are longer than it allows all together.")


class Unreadable(Exception):
    """The body is not a multipart form that can be read."""


@dataclass(frozen=True, slots=True)
class FormBounds:
    """How much of a form, everything but its files, a page reads: each bound is its own,
    since a body may be as large as its files."""

    value_bytes: int  # one value
    values: int  # values, all told
    values_bytes: int  # their bytes, all told
    refusal: str  # what the InvalidInput says when a value goes past one


class StreamedForm(ABC):
    """A multipart form read part by part, its values put into the mapping it is given. A
    part with a file name goes to `begin_file`, which says whether the page takes it as a
    file (its bytes then go to `file_data` and its end to `end_file`) or as one more value.
    A name is read to its first 100 characters."""

    def __init__(self, bounds: FormBounds, values: dict[str, list[str]]) -> None:
        self.bounds = bounds
        self.name = ""
        self._into = values
        self._value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._headers_size = 0
        self._header_name = b""
        self._header_value = b""
        self._in_file = False
        self._values = 0
        self._values_size = 0

    @abstractmethod
    def begin_file(self, filename: str) -> bool:
        """A part with this file name begins: True to take it as a file."""

    @abstractmethod
    def file_data(self, data: bytes) -> None:
        """The next bytes of the file taken."""

    @abstractmethod
    def end_file(self) -> None:
        """The file taken has ended."""

    def on_part_begin(self) -> None:
        self._headers, self._value, self._in_file = {}, bytearray(), False
        self._headers_size = 0

    def _header_bytes(self, count: int) -> None:
        self._headers_size += count
        if self._headers_size > HEADERS_LIMIT:
            raise Unreadable

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_bytes(end - start)
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_bytes(end - start)
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_name.decode("latin-1").lower()] = self._header_value
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _kind, options = parse_options_header(self._headers.get("content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")[:100]
        filename = options.get(b"filename")
        if filename is not None:
            self._in_file = self.begin_file(filename.decode("utf-8", "replace"))

    def _refuse(self, reason: str) -> InvalidInput:
        return InvalidInput(self.bounds.refusal, [FieldProblem(self.name or "_", reason)])

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.file_data(data[start:end])
            return
        self._values_size += end - start
        if self._values_size > self.bounds.values_bytes:
            raise self._refuse(VALUES_TOO_LONG)
        if len(self._value) + end - start > self.bounds.value_bytes:
            raise self._refuse(VALUE_TOO_LONG)
        self._value += data[start:end]

    def on_part_end(self) -> None:
        if self._in_file:
            self.end_file()
            self._in_file = False
            return
        self._values += 1
        if self._values > self.bounds.values:
            raise self._refuse(TOO_MANY_VALUES)
        if self.name:
            self._into.setdefault(self.name, []).append(self._value.decode("utf-8", "replace"))


async def read_multipart(request: Request, form: StreamedForm) -> None:
    """Feed the request's body to the form as it arrives, each chunk parsed in a worker
    thread (where a file's bytes may be written to disk); Unreadable for a body that is no
    multipart form or cannot be read to its end, CsrfFailed or InvalidInput as the form
    raises them."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise Unreadable
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": form.on_part_begin,
            "on_header_field": form.on_header_field,
            "on_header_value": form.on_header_value,
            "on_header_end": form.on_header_end,
            "on_headers_finished": form.on_headers_finished,
            "on_part_data": form.on_part_data,
            "on_part_end": form.on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            await run_in_threadpool(parser.write, chunk)
        await run_in_threadpool(parser.finalize)
    except (CsrfFailed, InvalidInput):
        raise
    except Exception:
        raise Unreadable from None
