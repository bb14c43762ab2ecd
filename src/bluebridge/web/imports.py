"""Portal pages for imports: the upload form of one database (the file streamed to disk under
the data directory as it arrives, never held in memory), the job started in a background
thread with its own session, the job's page with a progress bar that htmx refreshes every
second while it runs, the agency's imports, and the rejected rows, paginated and as CSV.
Each page calls the same service functions as the API and the command line."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from bluebridge.access import records as access
from bluebridge.access.principal import Principal
from bluebridge.api.deps import DbSession
from bluebridge.errors import FieldProblem, InvalidInput, PermissionDenied
from bluebridge.records import imports, registry, service
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    SourceGrading,
    SourceType,
)
from bluebridge.text import check_text
from bluebridge.web import i18n, record_labels, uploads
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _
from bluebridge.web.portal import CsrfFailed, Visitor, visit

# The screening pages read a manifest as an import's upload, under these names.
_Unreadable = uploads.Unreadable

router = APIRouter(include_in_schema=False)

KindName = Annotated[str, PathParam(pattern=r"^[a-z_]{3,40}$")]
JobId = Annotated[int, PathParam(ge=1, le=2**53)]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]
PER_PAGE = 50
# The upload's form, everything but the file, is small (the portal's own sends a dozen
# values of a few bytes); its body may be as large as an import.
UPLOAD_BOUNDS = uploads.FormBounds(
    value_bytes=20_000,
    values=200,
    values_bytes=256 * 1024,
    refusal="the upload's form is too large",
)

FORMAT_LABELS = {
    imports.ImportFormat.CSV: N_("CSV (a header of field names)"),
    imports.ImportFormat.JSONL: N_("JSON lines (one record a line)"),
    imports.ImportFormat.FTM: N_("FollowTheMoney entities (JSON lines)"),
    imports.ImportFormat.STIX: N_("STIX 2.1 bundle"),
}
STATUS_LABELS = {
    imports.JobStatus.QUEUED: N_("Queued"),
    imports.JobStatus.RUNNING: N_("Running"),
    imports.JobStatus.DONE: N_("Done"),
    imports.JobStatus.FAILED: N_("Failed"),
}
# The envelope's words are the record pages' own (record_labels), so they read the same.
ACCESS_MODE_LABELS = {"": N_("The database's default"), **record_labels.ACCESS_MODE_LABELS}
FIELD_NAMES = {
    "file": N_("File"),
    "format": N_("Format"),
    "source_type": record_labels.ENVELOPE_LABELS["source_type"],
    "source_grading": record_labels.ENVELOPE_LABELS["source_grading"],
    "information_grading": record_labels.ENVELOPE_LABELS["information_grading"],
    "handling_codes": record_labels.ENVELOPE_LABELS["handling_codes"],
    "access_mode": record_labels.ENVELOPE_LABELS["access_policy"],
    "access_countries": record_labels.ENVELOPE_LABELS["access_policy.countries"],
}


def _formats_for(kind_name: str) -> list[imports.ImportFormat]:
    formats = [imports.ImportFormat.CSV, imports.ImportFormat.JSONL]
    from bluebridge.records import ftm

    if ftm.mapping_for(kind_name) is not None:
        formats.append(imports.ImportFormat.FTM)
    if kind_name == "cyber_indicators":
        formats.append(imports.ImportFormat.STIX)
    return formats


def _writer(visitor: Visitor) -> Principal:
    principal = visitor.principal()
    if not principal.has_role(*service.WRITER_ROLES) or principal.agency_id is None:
        raise PermissionDenied(_("Importing records needs the officer or supervisor role."))
    return principal


def _labelled(labels: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    for value, label in labels.items():
        yield value, _(label)


def _form_context(
    visitor: Visitor, kind_name: str, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "kind": kind_name,
        "kind_label": record_labels.kind_name(kind_name),
        "formats": [(f.value, _(FORMAT_LABELS[f])) for f in _formats_for(kind_name)],
        "source_types": list(_labelled(record_labels.SOURCE_TYPE_LABELS)),
        "source_gradings": list(_labelled(record_labels.SOURCE_GRADING_LABELS)),
        "information_gradings": list(_labelled(record_labels.INFORMATION_GRADING_LABELS)),
        "handling_codes": list(_labelled(record_labels.HANDLING_CODE_LABELS)),
        "access_modes": list(_labelled(ACCESS_MODE_LABELS)),
        "values": values,
        "errors": errors,
        "field_names": {k: _(v) for k, v in FIELD_NAMES.items()},
        "max_mb": visitor.runtime.settings.max_import_bytes // (1024 * 1024),
    }


@router.get("/records/{kind}/import", response_class=HTMLResponse)
def import_form(request: Request, session: DbSession, kind: KindName) -> Response:
    visitor = visit(request, session)
    _writer(visitor)
    registry.get(kind)
    values = {"format": "csv", "handling_codes": [], "access_mode": ""}
    return visitor.render("imports/new.html", **_form_context(visitor, kind, values, {}))


class _Upload(uploads.StreamedForm):
    """A multipart upload read as it streams in: the small fields kept, within the bounds
    above (InvalidInput naming the field past one), and the file written to a temporary
    file under the data directory once the form's token, sent before it, has been checked
    (`check_token` raises CsrfFailed): a forged form never writes a byte to disk."""

    def __init__(self, directory: Path, check_token: Callable[[str], None]) -> None:
        self.fields: dict[str, list[str]] = {}
        super().__init__(UPLOAD_BOUNDS, self.fields)
        self.directory = directory
        self.check_token = check_token
        self.path: Path | None = None
        self.filename = ""
        self.size = 0
        self._handle: Any = None

    def begin_file(self, filename: str) -> bool:
        if self.name != "file" or self.path is not None:
            return False  # another file input, or a second file: read as a value
        # The portal's form sends its token first; without it, the file is not taken.
        self.check_token(self.one("csrf_token"))
        self.filename = os.path.basename(filename)[:300]
        handle, name = tempfile.mkstemp(dir=self.directory, prefix="upload-")
        self._handle, self.path = os.fdopen(handle, "wb"), Path(name)
        return True

    def file_data(self, data: bytes) -> None:
        self._handle.write(data)
        self.size += len(data)

    def end_file(self) -> None:
        self._handle.close()

    def discard(self) -> None:
        if self._handle is not None and not self._handle.closed:
            self._handle.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def one(self, name: str) -> str:
        return (self.fields.get(name) or [""])[-1].strip()


async def _receive(
    request: Request, directory: Path, check_token: Callable[[str], None]
) -> _Upload:
    """The upload, read as it arrives; Unreadable, CsrfFailed (the token missing before the
    file, or wrong) or InvalidInput (a field past the form's bounds), its file removed."""
    upload = _Upload(directory, check_token)
    try:
        await uploads.read_multipart(request, upload)
    except (uploads.Unreadable, CsrfFailed, InvalidInput):
        upload.discard()
        raise
    return upload


def _defaults(upload: _Upload) -> imports.EnvelopeDefaults:
    """The job's envelope defaults from the form, or InvalidInput naming each field."""
    problems: list[FieldProblem] = []

    def choice(name: str, enum: Any) -> Any:
        value = upload.one(name)
        if not value:
            return None
        try:
            return enum(value)
        except ValueError:
            problems.append(FieldProblem(name, N_("Choose one of the options.")))
            return None

    source_type = choice("source_type", SourceType)
    source_grading = choice("source_grading", SourceGrading)
    information_grading = choice("information_grading", InformationGrading)
    codes = []
    for code in upload.fields.get("handling_codes", []):
        try:
            codes.append(HandlingCode(code))
        except ValueError:
            problems.append(FieldProblem("handling_codes", N_("Choose one of the options.")))
    policy = None
    mode = upload.one("access_mode")
    countries = [
        c.strip() for c in upload.one("access_countries").replace(",", ";").split(";") if c.strip()
    ]
    if mode:
        shape: dict[str, Any] = {"mode": mode}
        if mode == access.AccessMode.LISTED.value:
            shape["countries"] = countries
        elif mode == access.AccessMode.ALL_EXCEPT.value:
            shape["excluded_countries"] = countries
        try:
            policy = access.AccessPolicy.model_validate(shape)
        except ValueError as exc:
            reason = str(exc).splitlines()[-1].strip() if str(exc) else ""
            field = "access_countries" if countries or mode != "hit_only" else "access_mode"
            problems.append(FieldProblem(field, reason or N_("Choose one of the options.")))
    if problems:
        raise InvalidInput("the import's defaults are not valid", problems)
    return imports.EnvelopeDefaults(
        source_type=source_type,
        source_grading=source_grading,
        information_grading=information_grading,
        handling_codes=codes or None,
        access_policy=policy,
    )


@router.post("/records/{kind}/import", response_class=HTMLResponse)
async def start_import(request: Request, session: DbSession, kind: KindName) -> Response:
    # Async only to stream the upload to disk; database work runs in worker threads. Who
    # is asking is settled before a byte of the file is read.
    visitor = await run_in_threadpool(visit, request, session)
    principal = _writer(visitor)
    registry.get(kind)
    # The visit's transaction ends before the file streams in: on SQLite it holds the
    # store's write lock, which no other request or import could take until the upload ends.
    await run_in_threadpool(session.commit)
    directory = await run_in_threadpool(imports.upload_directory, visitor.runtime.settings)
    try:
        upload = await _receive(request, directory, visitor.check_csrf)
    except _Unreadable:
        raise CsrfFailed from None  # no readable form, so no token: an expired form
    except InvalidInput as exc:
        return await run_in_threadpool(_refused, visitor, kind, exc)
    try:
        return await run_in_threadpool(_start, visitor, principal, kind, upload)
    except BaseException:
        upload.discard()
        raise


def _refused(visitor: Visitor, kind: str, exc: InvalidInput) -> Response:
    """The form again, naming the field past the form's bounds; nothing was kept."""
    i18n.activate(visitor.lang)
    errors: dict[str, str] = {}
    for problem in exc.problems:
        reason = _(problem.reason)
        label = FIELD_NAMES.get(problem.field)
        errors[problem.field] = reason
        errors.setdefault("_", f"{_(label) if label else problem.field}: {reason}")
    values = {"format": "csv", "handling_codes": [], "access_mode": ""}
    return visitor.render(
        "imports/new.html", status_code=422, **_form_context(visitor, kind, values, errors)
    )


def _start(visitor: Visitor, principal: Principal, kind: str, upload: _Upload) -> Response:
    """Check the form, create the job and start it in the background; or the form again."""
    i18n.activate(visitor.lang)  # this worker thread's language, for the messages below
    visitor.check_csrf(upload.one("csrf_token"))
    session = visitor.session
    values: dict[str, Any] = {
        name: upload.one(name)
        for name in (
            "format",
            "source_type",
            "source_grading",
            "information_grading",
            "access_mode",
            "access_countries",
        )
    }
    values["handling_codes"] = upload.fields.get("handling_codes", [])
    try:
        if upload.path is None or upload.size == 0:
            raise InvalidInput.on("file", N_("Choose a file to import."))
        check_text("file", upload.filename)  # as the API's filename: no control characters
        try:
            format = imports.ImportFormat(values["format"])
        except ValueError:
            raise InvalidInput.on("format", N_("Choose one of the options.")) from None
        defaults = _defaults(upload)
        job = imports.create_job(
            session,
            principal=principal,
            kind_name=kind,
            format=format,
            filename=upload.filename or "upload",
            bytes_total=upload.size,
        )
    except InvalidInput as exc:
        upload.discard()
        errors = {p.field: _(p.reason) for p in exc.problems} or {"_": exc.detail}
        return visitor.render(
            "imports/new.html", status_code=422, **_form_context(visitor, kind, values, errors)
        )
    session.commit()  # the job must exist before its thread looks for it
    runtime = visitor.runtime
    imports.start_in_background(
        runtime.sessions, runtime.settings, principal, job.id, upload.path, defaults
    )
    return visitor.redirect(f"/imports/{job.id}", flash=("success", _("The import has started.")))


def _job_context(visitor: Visitor, job: Any) -> dict[str, Any]:
    total = job.bytes_total or 0
    running = job.status in (imports.JobStatus.QUEUED.value, imports.JobStatus.RUNNING.value)
    return {
        "job": job,
        "kind_label": record_labels.kind_name(job.kind),
        "status_label": _(STATUS_LABELS.get(imports.JobStatus(job.status), job.status)),
        "format_label": _(FORMAT_LABELS[imports.ImportFormat(job.format)]),
        "running": running,
        "progress_max": max(total, 1),
        "progress_value": min(job.bytes_read, total) if total else (1 if not running else 0),
        "percent": round(100 * job.bytes_read / total) if total else (100 if not running else 0),
    }


@router.get("/imports", response_class=HTMLResponse)
def import_list(request: Request, session: DbSession, page: PageQuery = 1) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    result = imports.list_jobs(session, principal=principal, page=page, per_page=PER_PAGE)
    rows = [(job, _job_context(visitor, job)) for job in result.items]
    writer = principal.has_role(*service.WRITER_ROLES) and principal.agency_id is not None
    kinds = [(name, record_labels.kind_name(name)) for name in registry.kinds()] if writer else []
    return visitor.render("imports/list.html", page=result, rows=rows, kinds=kinds)


@router.get("/imports/{job_id}", response_class=HTMLResponse)
def import_page(
    request: Request, session: DbSession, job_id: JobId, page: PageQuery = 1
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    job = imports.get_job(session, principal=principal, job_id=job_id)
    rejections = imports.list_rejections(
        session, principal=principal, job_id=job_id, page=page, per_page=PER_PAGE
    )
    return visitor.render(
        "imports/detail.html", rejections=rejections, **_job_context(visitor, job)
    )


@router.get("/imports/{job_id}/progress", response_class=HTMLResponse)
def import_progress(request: Request, session: DbSession, job_id: JobId) -> Response:
    """The progress fragment htmx swaps in every second; once the job ends it stops asking."""
    visitor = visit(request, session)
    principal = visitor.principal()
    job = imports.get_job(session, principal=principal, job_id=job_id)
    return visitor.render("imports/progress.html", **_job_context(visitor, job))


@router.get("/imports/{job_id}/rejections.csv")
def import_rejections_csv(request: Request, session: DbSession, job_id: JobId) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    imports.get_job(session, principal=principal, job_id=job_id)  # a 404 page, not a stream
    runtime = visitor.runtime

    def stream() -> Any:
        with runtime.sessions() as own:
            for text in imports.rejections_csv(own, principal=principal, job_id=job_id):
                yield text.encode()

    response = StreamingResponse(stream(), media_type="text/csv; charset=utf-8")
    response.headers["content-disposition"] = (
        f'attachment; filename="import-{job_id}-rejections.csv"'
    )
    visitor.finish(response)
    return response
