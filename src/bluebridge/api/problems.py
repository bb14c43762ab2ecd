"""RFC 9457 problem documents for every error the API returns, naming the field and the
reason; and the last-resort handler that turns an unexpected failure into a logged 500
without leaking its cause."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from bluebridge.errors import FieldProblem, ServiceError, TooManyRequests
from bluebridge.members.schemas import SINGLE_LINE

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("bluebridge.api")

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
}


class ProblemField(BaseModel):
    field: str
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem document: how the API answers every error."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemField] | None = None


def document_problems(schema: dict[str, Any], path_prefix: str | tuple[str, ...]) -> dict[str, Any]:
    """Describe the errors of the operations under a prefix as they are sent: problem
    documents (application/problem+json), in place of FastAPI's own validation error shape."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    answer = {
        "description": "A problem document naming what went wrong, and for invalid input "
        "each field and the reason (RFC 9457).",
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith(path_prefix):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            responses["4XX"] = answer
    for name in ("HTTPValidationError", "ValidationError"):  # in this order: one uses the other
        if f'"#/components/schemas/{name}"' not in json.dumps(schema):
            components.pop(name, None)
    return schema


def problem_response(
    status: int,
    detail: str,
    *,
    request: Request | None = None,
    errors: list[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
        request_id = getattr(request.state, "request_id", None)
        if request_id:
            body["request_id"] = request_id
    if errors:
        body["errors"] = [{"field": p.field, "reason": p.reason} for p in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        source, rest = parts[0], parts[1:]
        return ".".join(rest) if rest and source == "body" else ".".join([source, *rest])
    return ".".join(parts) or "body"


def _validation_problems(exc: RequestValidationError) -> list[FieldProblem]:
    problems = []
    for error in exc.errors():
        field = _field_name(error.get("loc", ()))
        kind = error.get("type", "")
        if kind == "json_invalid":
            field, reason = "body", "is not valid JSON"
        elif kind == "missing":
            reason = "is required"
        elif (
            kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == SINGLE_LINE
        ):
            reason = "must not contain control characters (such as NUL, tab or line breaks)"
        else:
            reason = str(error.get("msg", "is invalid"))
        problems.append(FieldProblem(field or "body", reason))
    return problems


# Renders an error as a portal page: (request, status, message) -> Response. The portal
# registers one; without it every error is a problem document.
PortalErrorPage = Callable[[Request, int, str], Response]
API_PATHS = ("/api", "/healthz", "/readyz", "/public/")


def _portal_page(request: Request) -> PortalErrorPage | None:
    if request.url.path.startswith(API_PATHS):
        return None
    page: PortalErrorPage | None = getattr(request.app.state, "portal_error_page", None)
    return page


def install(app: FastAPI) -> None:
    """Register the handlers on an application."""

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> Response:
        if (page := _portal_page(request)) is not None:
            return page(request, exc.status, exc.detail)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, TooManyRequests):
            headers = {"Retry-After": str(exc.retry_after)}
        return problem_response(
            exc.status, exc.detail, request=request, errors=exc.problems, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = _validation_problems(exc)
        summary = "; ".join(f"{p.field}: {p.reason}" for p in problems[:5])
        if (page := _portal_page(request)) is not None:
            # A portal address with an impossible part (an id out of range) names nothing.
            status = 404 if any(p.field.startswith("path") for p in problems) else 400
            return page(request, status, summary or "invalid input")
        return problem_response(422, summary or "invalid input", request=request, errors=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = (
            exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        )
        if (page := _portal_page(request)) is not None and exc.status_code in (404, 405):
            return page(request, exc.status_code, detail)
        return problem_response(exc.status_code, detail, request=request, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected failure on %s %s", request.method, request.url.path)
        return problem_response(
            500, "an unexpected error occurred; it has been logged", request=request
        )
