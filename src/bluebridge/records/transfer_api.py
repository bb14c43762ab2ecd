"""HTTP routes of records' ways in and out: bulk import of a file into one kind
(POST /api/v1/records/{kind}/import, the body streamed to a temporary file as it arrives),
the import jobs of the caller's agency and their rejected rows, and the streamed export of a
kind as FollowTheMoney JSON lines or a STIX 2.1 bundle.

An import runs in a worker thread with its own session, committing between batches. By
default the request waits for it and answers with the job's summary and its first rejected
rows; with `wait=false` it answers 202 at once and the job goes on, its progress readable at
/api/v1/imports/{id}."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field, ValidationError

from bluebridge.access.principal import Principal
from bluebridge.access.records import AccessPolicy
from bluebridge.api.deps import ApiPrincipal, DbSession, get_runtime
from bluebridge.errors import InvalidInput
from bluebridge.members.schemas import PageOut
from bluebridge.records import exports, imports, service
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    SourceGrading,
    SourceType,
)
from bluebridge.records.models import ImportJob, ImportRejection
from bluebridge.runtime import Runtime
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work

router = APIRouter(tags=["imports and exports"])

KindName = Annotated[str, PathParam(pattern=r"^[a-z_]{3,40}$", description="a kind of record")]
JobId = Annotated[int, PathParam(ge=1, le=2**53)]
FIRST_REJECTIONS = 50
IMPORT_CONTENT_TYPES = {
    "text/csv": {"schema": {"type": "string"}},
    "application/x-ndjson": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "string"}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
}


class RejectionOut(BaseModel):
    line: int = Field(description="the line of the file the row starts on")
    field: str
    reason: str


class ImportJobOut(BaseModel):
    id: int
    kind: str
    format: str
    filename: str
    status: str = Field(description="queued, running, done or failed")
    bytes_total: int | None
    bytes_read: int
    rows_read: int
    created: int
    updated: int
    rejected: int = Field(description="rows refused; each is listed with its line and reason")
    error: str | None = Field(description="why a failed job stopped")
    created_by: str
    created_at: Any
    started_at: Any | None
    finished_at: Any | None
    rejections: list[RejectionOut] | None = Field(
        default=None, description=f"the first {FIRST_REJECTIONS} rejected rows, by line"
    )


def job_out(job: ImportJob, rejections: list[ImportRejection] | None = None) -> ImportJobOut:
    return ImportJobOut(
        id=job.id,
        kind=job.kind,
        format=job.format,
        filename=job.filename,
        status=job.status,
        bytes_total=job.bytes_total,
        bytes_read=job.bytes_read,
        rows_read=job.rows_read,
        created=job.created,
        updated=job.updated,
        rejected=job.rejected,
        error=job.error,
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        rejections=None
        if rejections is None
        else [RejectionOut(line=r.line, field=r.field, reason=r.reason) for r in rejections],
    )


def defaults_from(
    source_type: SourceType | None,
    source_grading: SourceGrading | None,
    information_grading: InformationGrading | None,
    handling_codes: list[HandlingCode] | None,
    access_policy: str | None,
) -> imports.EnvelopeDefaults:
    """The import's envelope defaults from form or query fields (the policy as JSON)."""
    policy = None
    if access_policy:
        try:
            policy = AccessPolicy.model_validate_json(access_policy)
        except ValidationError as exc:
            raise InvalidInput(
                "the access policy is not valid", service._problems(exc, "access_policy")
            ) from None
    return imports.EnvelopeDefaults(
        source_type=source_type,
        source_grading=source_grading,
        information_grading=information_grading,
        handling_codes=handling_codes or None,
        access_policy=policy,
    )


@router.post(
    "/records/{kind}/import",
    response_model=ImportJobOut,
    status_code=status.HTTP_201_CREATED,
    summary="Import a file of records (CSV, JSON lines, FollowTheMoney, STIX 2.1)",
    responses={202: {"model": ImportJobOut, "description": "accepted; the job runs on"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The file itself, as the body. CSV: a header of payload paths "
            "and envelope columns; jsonl: one record a line in the shape of POST "
            "/records/{kind}; ftm: FollowTheMoney entities, one a line; stix: a STIX 2.1 "
            "bundle (cyber_indicators). Each row needs an owner_reference (FTM and STIX: "
            "the entity's id); a re-import updates those records.",
            "content": IMPORT_CONTENT_TYPES,
        }
    },
)
async def import_records(
    request: Request,
    session: DbSession,
    principal: ApiPrincipal,
    kind: KindName,
    format: Annotated[imports.ImportFormat, Query(description="the file's format")],
    source_type: SourceType | None = None,
    source_grading: SourceGrading | None = None,
    information_grading: InformationGrading | None = None,
    handling_codes: Annotated[list[HandlingCode] | None, Query(max_length=3)] = None,
    access_policy: Annotated[
        str | None,
        Query(max_length=20_000, description="a default access policy, as JSON"),
    ] = None,
    filename: Annotated[
        str, Query(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$")
    ] = "upload",
    wait: Annotated[bool, Query(description="answer once the job has finished")] = True,
) -> Response:
    runtime = get_runtime(request)
    defaults = defaults_from(
        source_type, source_grading, information_grading, handling_codes, access_policy
    )
    # The request's own transaction (the caller's authentication) ends here: the job writes
    # in sessions of its own, and on SQLite an open write transaction would lock them out.
    # Database work runs in worker threads: this handler is async only to stream the body.
    await run_in_threadpool(session.commit)
    declared = request.headers.get("content-length")
    job_id = await run_in_threadpool(
        _new_job,
        runtime,
        principal,
        kind,
        format,
        filename,
        int(declared) if declared and declared.isdigit() else None,
    )
    directory = await run_in_threadpool(imports.upload_directory, runtime.settings)
    handle, name = tempfile.mkstemp(dir=directory, prefix=f"import-{job_id}-")
    path = Path(name)
    size = 0
    try:
        with os.fdopen(handle, "wb") as target:
            async for chunk in request.stream():
                size += len(chunk)
                await run_in_threadpool(target.write, chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        await run_in_threadpool(_uploaded, runtime, job_id, None)
        raise
    await run_in_threadpool(_uploaded, runtime, job_id, size)
    if not wait:
        imports.start_in_background(
            runtime.sessions, runtime.settings, principal, job_id, path, defaults
        )
        summary = await run_in_threadpool(_summary, runtime, principal, job_id, False)
        return JSONResponse(
            summary.model_dump(mode="json"),
            status_code=status.HTTP_202_ACCEPTED,
            headers={"Location": f"{request.scope.get('root_path', '')}/api/v1/imports/{job_id}"},
        )
    await run_in_threadpool(
        imports.run_file, runtime.sessions, runtime.settings, principal, job_id, path, defaults
    )
    summary = await run_in_threadpool(_summary, runtime, principal, job_id, True)
    return JSONResponse(summary.model_dump(mode="json"), status_code=status.HTTP_201_CREATED)


def _new_job(
    runtime: Runtime,
    principal: Principal,
    kind: str,
    format: imports.ImportFormat,
    filename: str,
    declared: int | None,
) -> int:
    with unit_of_work(runtime.sessions) as session:
        job = imports.create_job(
            session,
            principal=principal,
            kind_name=kind,
            format=format,
            filename=filename,
            bytes_total=declared,
        )
        return job.id


def _uploaded(runtime: Runtime, job_id: int, size: int | None) -> None:
    """Note the upload's size on its job, or that it stopped before its end."""
    with unit_of_work(runtime.sessions) as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            return
        if size is None:
            job.status = imports.JobStatus.FAILED.value
            job.error = "the upload stopped before its end"
            job.finished_at = utcnow()
        else:
            job.bytes_total = size


def _summary(runtime: Runtime, principal: Principal, job_id: int, rejections: bool) -> ImportJobOut:
    with runtime.sessions() as session:
        job = imports.get_job(session, principal=principal, job_id=job_id)
        if not rejections:
            return job_out(job)
        first = imports.list_rejections(
            session, principal=principal, job_id=job_id, per_page=FIRST_REJECTIONS
        )
        return job_out(job, first.items)


@router.get("/imports", response_model=PageOut[ImportJobOut], summary="Your agency's imports")
def list_imports(
    session: DbSession,
    principal: ApiPrincipal,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    result = imports.list_jobs(session, principal=principal, page=page, per_page=per_page)
    return {
        "items": [job_out(j) for j in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
    }


@router.get("/imports/{job_id}", response_model=ImportJobOut, summary="One import and its progress")
def get_import(session: DbSession, principal: ApiPrincipal, job_id: JobId) -> ImportJobOut:
    job = imports.get_job(session, principal=principal, job_id=job_id)
    first = imports.list_rejections(
        session, principal=principal, job_id=job_id, per_page=FIRST_REJECTIONS
    )
    return job_out(job, first.items)


@router.get(
    "/imports/{job_id}/rejections",
    response_model=PageOut[RejectionOut],
    summary="The rows an import refused, by line",
)
def list_import_rejections(
    session: DbSession,
    principal: ApiPrincipal,
    job_id: JobId,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    result = imports.list_rejections(
        session, principal=principal, job_id=job_id, page=page, per_page=per_page
    )
    return {
        "items": [RejectionOut(line=r.line, field=r.field, reason=r.reason) for r in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
        "total_exact": result.total_exact,
    }


EXPORT_MEDIA_TYPES = {
    exports.ExportFormat.FTM: "application/x-ndjson",
    exports.ExportFormat.STIX: "application/stix+json;version=2.1",
}


def stream_export(
    runtime: Runtime, principal: Principal, kind: str, format: exports.ExportFormat
) -> Iterator[bytes]:
    """The export's text with a session of its own, which lives as long as the stream (the
    request's session ends when the handler returns, before the body is sent)."""
    with runtime.sessions() as session:
        produce = exports.export_ftm if format is exports.ExportFormat.FTM else exports.export_stix
        for text in produce(session, principal=principal, kind_name=kind):
            yield text.encode()


@router.get(
    "/records/{kind}/export",
    summary="The records of a kind you may see, as FollowTheMoney JSON lines or STIX 2.1",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the export, streamed",
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/stix+json;version=2.1": {"schema": {"type": "string"}},
            },
        }
    },
)
def export_records(
    request: Request,
    session: DbSession,
    principal: ApiPrincipal,
    kind: KindName,
    format: Annotated[exports.ExportFormat, Query(description="ftm or stix")],
) -> StreamingResponse:
    exports.check_format(kind, format)  # refused as a problem document before streaming
    session.commit()  # the stream reads in a session of its own (see stream_export)
    runtime = get_runtime(request)
    extension = "ndjson" if format is exports.ExportFormat.FTM else "json"
    return StreamingResponse(
        stream_export(runtime, principal, kind, format),
        media_type=EXPORT_MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{kind}.{format.value}.{extension}"'
        },
    )
