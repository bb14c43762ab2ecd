"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from bluebridge.api.deps import get_runtime
from bluebridge.runtime import Runtime
from bluebridge.store import migrate

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database is reachable and its migrations are current",
    responses={503: {"description": "Not ready: the database is unreachable or behind."}},
)
def readyz(runtime: Runtime = Depends(get_runtime)) -> JSONResponse:
    try:
        current = migrate.current_revision(runtime.engine)
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    head = migrate.head_revision()
    if current != head:
        return JSONResponse(
            {
                "status": "unavailable",
                "database": "reachable",
                "migrations": "behind",
                "current": current,
                "head": head,
            },
            status_code=503,
        )
    return JSONResponse(
        {"status": "ok", "database": "reachable", "migrations": "current", "revision": head}
    )
