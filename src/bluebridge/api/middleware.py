"""ASGI middleware around every request: a request id, a limit on body size enforced while
the body streams in, and security headers."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
_SAFE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{8,64}")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

_DOCS_HEADERS = [h for h in SECURITY_HEADERS if h[0] != b"content-security-policy"]


class _BodyTooLarge(Exception):
    """Raised while the body streams in, once it passes the limit."""


def _problem(
    status: int, title: str, detail: str, request_id: str, instance: str
) -> tuple[list[Any], bytes]:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": instance,
            "request_id": request_id,
        }
    ).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    return headers, body


class RequestGuard:
    """Give each request an id (kept from the client when well-formed), refuse bodies over
    the limit with 413 whether or not they declare a length, and add security headers."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        docs_paths: tuple[str, ...] = (),
        upload_paths: re.Pattern[str] | None = None,
        max_upload_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.docs_paths = docs_paths
        # Paths that take a whole file (an import), streamed to disk as it arrives.
        self.upload_paths = upload_paths
        self.max_upload_bytes = max_upload_bytes or max_body_bytes

    def _limit(self, path: str, method: str) -> int:
        if method == "POST" and self.upload_paths is not None and self.upload_paths.fullmatch(path):
            return self.max_upload_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        incoming = headers.get(REQUEST_ID_HEADER, b"")
        request_id = incoming.decode() if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        is_docs = scope.get("path", "") in self.docs_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(REQUEST_ID_HEADER, request_id.encode())]
                # The API explorer page runs an inline script, which the CSP would block; it
                # keeps the other headers (no framing, no sniffing).
                extra += _DOCS_HEADERS if is_docs else SECURITY_HEADERS
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        path = str(scope.get("path", ""))
        limit = self._limit(path, str(scope.get("method", "")))
        declared = headers.get(b"content-length")
        if declared is not None:
            # Digits only: int() would also take "+1", " 1" or "1_000".
            length = int(declared) if declared.isdigit() else -1
            if length < 0:
                await self._send_problem(
                    send_with_headers,
                    400,
                    "Bad request",
                    "invalid Content-Length",
                    request_id,
                    path,
                )
                return
            if length > limit:
                await self._refuse(send_with_headers, request_id, path, limit)
                return

        received = 0
        exceeded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                # The framework answers a body it could not read on its own terms (FastAPI:
                # 400 "error parsing the body"); that answer is replaced by the 413 below.
                return
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(send_with_headers, request_id, path, limit)

    async def _refuse(self, send: Send, request_id: str, path: str, limit: int) -> None:
        detail = f"the request body exceeds the limit of {limit} bytes"
        await self._send_problem(send, 413, "Content too large", detail, request_id, path)

    @staticmethod
    async def _send_problem(
        send: Send, status: int, title: str, detail: str, request_id: str, path: str
    ) -> None:
        headers, body = _problem(status, title, detail, request_id, path)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
