"""The errors service functions raise. Each names what went wrong in words a user can act on;
the API turns them into RFC 9457 problem documents and the portal into messages by field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    reason: str


class ServiceError(Exception):
    """Base of all expected refusals."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, problems: list[FieldProblem] | None = None) -> None:
        self.problems = problems or []
        # The detail names every problem, so a log line or a CLI message is complete alone.
        if self.problems and not detail.startswith(self.problems[0].field + ":"):
            detail = f"{detail}: " + "; ".join(f"{p.field}: {p.reason}" for p in self.problems)
        super().__init__(detail)
        self.detail = detail


class InvalidInput(ServiceError):
    status = 422
    title = "Invalid input"

    @classmethod
    def on(cls, field: str, reason: str) -> InvalidInput:
        return cls(f"{field}: {reason}", [FieldProblem(field, reason)])


class NotFound(ServiceError):
    """Absent, or not visible to the principal: the two are never told apart."""

    status = 404
    title = "Not found"


class PermissionDenied(ServiceError):
    status = 403
    title = "Forbidden"


class AuthenticationFailed(ServiceError):
    status = 401
    title = "Unauthorized"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"


class TooManyRequests(ServiceError):
    """A client asked more often than a public endpoint allows; it may try again later."""

    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
