"""The FastAPI application factory: middleware, error handling, the API routers of each
domain under /api/v1, the health probes, the portal and its static files."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bluebridge import __version__
from bluebridge.api import health, problems
from bluebridge.api.middleware import RequestGuard
from bluebridge.audit import api as audit_api
from bluebridge.members import api as members_api
from bluebridge.messaging import api as messaging_api
from bluebridge.notices import api as notices_api
from bluebridge.payments import api as payments_api
from bluebridge.records import api as records_api
from bluebridge.records import transfer_api
from bluebridge.runtime import Runtime
from bluebridge.screening import api as screening_api
from bluebridge.settings import Settings
from bluebridge.web import imports as web_imports
from bluebridge.web import messages as web_messages
from bluebridge.web import notices as web_notices
from bluebridge.web import payments as web_payments
from bluebridge.web import records as web_records
from bluebridge.web import routes as web_routes
from bluebridge.web import screening as web_screening

API_PREFIX = "/api/v1"
OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"
# The imports, whose bodies are whole files (streamed to disk, up to max_import_bytes).
UPLOAD_PATHS = re.compile(
    rf"({API_PREFIX})?/records/[a-z_]{{3,40}}/import|/screening/manifest|/messages/new"
)
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"

DESCRIPTION = """Bluebridge connects National Central Bureaus, specialized units and border
posts. Machine clients authenticate with an API key (`Authorization: Bearer bbk_…`); a person
signed in to the portal may call the API with the session cookie, sending the session's CSRF
token in `X-CSRF-Token` for changes (administration works only this way). Errors are RFC 9457
problem documents that name the field and the reason."""


class BluebridgeAPI(FastAPI):
    """The application, whose OpenAPI document describes the API's errors as sent."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            self.openapi_schema = problems.document_problems(
                super().openapi(), (API_PREFIX, "/public/")
            )
        return self.openapi_schema


def _lifespan(runtime: Runtime) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = escalation = None
        if runtime.settings.run_retention_job:
            task = asyncio.create_task(_retention_loop(runtime))
            escalation = asyncio.create_task(_escalation_loop(runtime))
        if runtime.settings.screening_warm_start:
            # Build the screening index now, beside the server: the first border check
            # should not wait for it (a check made while it builds waits, never misses).
            threading.Thread(
                target=_build_screening, args=(runtime,), name="screening-build", daemon=True
            ).start()
        if runtime.settings.run_hit_outbox:
            runtime.hit_outbox.start()
        try:
            yield
        finally:
            runtime.stop()
            for job in (task, escalation):
                if job is not None:
                    job.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await job

    return lifespan


def _build_screening(runtime: Runtime) -> None:
    runtime.screening.start()
    # The index lives as long as the process. Its objects (millions at 100,000 persons) are
    # taken out of the cycle collector's full passes, which would otherwise stop every request
    # for as long as walking them takes (0.8 s at 20,000 persons, measured).
    gc.freeze()


async def _retention_loop(runtime: Runtime) -> None:
    """Expire and purge records, and expire notices, now and then every interval; a failure
    is logged, not fatal."""
    from bluebridge.records import retention

    log = logging.getLogger("bluebridge.retention")
    while True:
        try:
            result = await asyncio.to_thread(
                retention.run, runtime.sessions, grace_days=runtime.settings.record_purge_grace_days
            )
            log.info("retention: expired %d records, purged %d", result.expired, result.purged)
            notices = await asyncio.to_thread(_notice_expiry, runtime)
            log.info("notices: renewal asked for %d, expired %d", notices.asked, notices.expired)
        except Exception:
            log.exception("the retention job failed; it runs again at the next interval")
        await asyncio.sleep(runtime.settings.retention_interval_hours * 3600)


ESCALATION_INTERVAL = 60.0  # seconds between two looks for unread immediate messages


async def _escalation_loop(runtime: Runtime) -> None:
    """Escalate unread immediate messages and I-GRIP legs past their targets every minute; a
    failure is logged, not fatal."""
    log = logging.getLogger("bluebridge.messaging")
    while True:
        try:
            count = await asyncio.to_thread(_escalate, runtime)
            if count:
                log.info("escalated %d unread immediate messages", count)
        except Exception:
            log.exception("the escalation job failed; it runs again in a minute")
        try:
            legs = await asyncio.to_thread(_escalate_legs, runtime)
            if legs:
                log.info("escalated %d I-GRIP legs past their targets", legs)
        except Exception:
            log.exception("the I-GRIP escalation failed; it runs again in a minute")
        await asyncio.sleep(ESCALATION_INTERVAL)


def _escalate(runtime: Runtime) -> int:
    from bluebridge.messaging import service as messaging
    from bluebridge.store.engine import unit_of_work

    with unit_of_work(runtime.sessions) as session:
        return messaging.escalate(session, settings=runtime.settings, bus=runtime.bus)


def _escalate_legs(runtime: Runtime) -> int:
    from bluebridge.payments import service as payments
    from bluebridge.store.engine import unit_of_work

    with unit_of_work(runtime.sessions) as session:
        return payments.escalate_overdue(session, settings=runtime.settings, bus=runtime.bus)


def _notice_expiry(runtime: Runtime) -> Any:
    """Ask requesters six months before a notice expires; expire what was not extended."""
    from bluebridge.access.principal import Channel, RequestContext, operator_principal
    from bluebridge.notices import service as notices
    from bluebridge.store.engine import unit_of_work

    job = operator_principal("notice-expiry", RequestContext(channel=Channel.SYSTEM))
    with unit_of_work(runtime.sessions) as session:
        return notices.run_expiry(session, principal=job)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """A new application bound to one runtime (made from the settings when not given)."""
    runtime = runtime or Runtime.start(settings or Settings())
    logging.getLogger("bluebridge").setLevel(runtime.settings.log_level.upper())
    app = BluebridgeAPI(
        title="Bluebridge API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(runtime),
    )
    app.state.runtime = runtime
    problems.install(app)
    app.include_router(health.router)
    app.include_router(members_api.router, prefix=API_PREFIX)
    app.include_router(audit_api.router, prefix=API_PREFIX)
    # Before the records routes, whose /records/{kind}/{record_id} would take ".../export".
    app.include_router(transfer_api.router, prefix=API_PREFIX)
    app.include_router(records_api.router, prefix=API_PREFIX)
    app.include_router(screening_api.router, prefix=API_PREFIX)
    app.include_router(notices_api.router, prefix=API_PREFIX)
    app.include_router(messaging_api.router, prefix=API_PREFIX)
    app.include_router(payments_api.router, prefix=API_PREFIX)
    app.include_router(notices_api.public_router)
    app.include_router(web_routes.router)
    app.include_router(web_imports.router)  # before /records/{kind}/{record_id}
    app.include_router(web_screening.router)
    app.include_router(web_notices.router)
    app.include_router(web_messages.router)
    app.include_router(web_payments.router)
    app.include_router(web_records.router)
    web_routes.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        # Swagger UI is served from our own static files: nothing comes from a CDN.
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="Bluebridge API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    app.add_middleware(
        RequestGuard,
        max_body_bytes=runtime.settings.max_body_bytes,
        docs_paths=(DOCS_URL,),
        upload_paths=UPLOAD_PATHS,
        max_upload_bytes=runtime.settings.max_import_bytes,
    )
    return app
