"""Portal pages of screening (FIND): one check of a person, a document or a pasted MRZ with
its results explained on the same page; a passenger manifest screened in the background with
its progress shown and its results as CSV; and the owner's hit inbox, where hits on the
agency's (or, for an NCB, the country's) records are read and acknowledged. Each page calls
the screening service as the API and the command line do.

A manifest's job lives in the memory of the worker process that ran it, keyed by a random id
and bound to the user who started it (to anyone else it does not exist), for one hour after
it ends; then it is forgotten. A portal served by several workers sends the pages of a job to
any of them, so such a deployment keeps a user on one worker (sticky sessions) or screens
large manifests through the API or `bluebridge screen --file`."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import itertools
import logging
import re
import secrets
import threading
from collections import Counter
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from babel import numbers
from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from bluebridge.access.principal import Principal, PrincipalKind
from bluebridge.api.deps import DbSession
from bluebridge.errors import FieldProblem, InvalidInput, NotFound, PermissionDenied
from bluebridge.records import imports, registry
from bluebridge.runtime import Runtime
from bluebridge.screening import manifest, service
from bluebridge.screening.api import _agency_code
from bluebridge.screening.models import ScreeningHit
from bluebridge.screening.mrz import Mrz
from bluebridge.screening.queries import Query as ScreeningQuery
from bluebridge.screening.queries import build_query
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work
from bluebridge.store.pagination import Page
from bluebridge.text import has_control_characters
from bluebridge.web import i18n
from bluebridge.web import record_labels as labels
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _
from bluebridge.web.imports import _receive, _Unreadable, _Upload
from bluebridge.web.portal import CsrfFailed, Visitor, safe_next, visit
from bluebridge.web.records import FormPairs
from bluebridge.web.records import _country as country_name

log = logging.getLogger("bluebridge.web.screening")

router = APIRouter(include_in_schema=False)

JobId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
HitId = Annotated[int, PathParam(ge=1, le=2**53)]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]
Csrf = Annotated[str, Form(max_length=128)]
NextPath = Annotated[str, Form(max_length=500)]
HITS_PER_PAGE = 50
PLACE_LENGTH = 200  # as the hit table keeps it
MAX_MANIFEST_ROWS = 20_000
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # 20,000 rows of 800 bytes
MAX_RUNNING_MANIFESTS = 3  # a user's manifests screened at once
RESULTS_KEPT = dt.timedelta(hours=1)

SCREENING_REFUSED = N_("Screening needs the officer, supervisor, border officer or analyst role.")
INBOX_REFUSED = N_(
    "The hit inbox needs the officer, supervisor, analyst or compliance reviewer role."
)
NOTHING_TO_SCREEN = N_("Give a name, a document number with its country, or an MRZ.")
NUMBER_WITH_COUNTRY = N_("Give the document's number with its issuing country.")
TOO_LONG = N_("This value is longer than the form allows.")
CONTROL_CHARACTERS = N_("must not contain control characters")
MANIFEST_STOPPED = N_("The screening stopped before the end; the rows left are errors.")
NOT_SCREENED = "not screened: the screening stopped"  # in the results file, in English

# The fixed reasons the queries give for refusing a value, marked so that the catalogs
# carry them; reasons built with a value (a country code) stay in English.
QUERY_REASONS = (
    N_("a birth date is written YYYY, YYYY-MM or YYYY-MM-DD"),
    N_("must be male, female or unknown"),
    N_("has no letters or digits"),
    N_("contains a control character"),
    N_("a document number is checked with its country"),
    N_("at most 20 values"),
    N_("at most 500 characters"),
)

# The check's form: its fields, and the query property each one gives.
FORM_FIELDS = (
    "name",
    "birth_date",
    "nationality",
    "gender",
    "document_number",
    "document_country",
    "mrz",
    "place",
)
PROPERTY_FIELDS = {
    "name": "name",
    "birthDate": "birth_date",
    "nationality": "nationality",
    "gender": "gender",
    "number": "document_number",
    "country": "document_country",
    "mrz": "mrz",
}
FORM_LENGTHS = {"name": 5000, "mrz": 500}  # a field not listed takes up to 500 characters
GENDER_CHOICES = (("", N_("Not known")), ("male", N_("Male")), ("female", N_("Female")))

STATUS_LABELS = {
    "hit": N_("Hit"),
    "possible_hit": N_("Possible hit"),
    "no_hit": N_("No hit"),
    "error": N_("Error"),
}
SOURCE_LABELS = {"online": N_("Online"), "offline": N_("Offline")}
JOB_STATUS_LABELS = {"running": N_("Running"), "done": N_("Done"), "failed": N_("Failed")}

# The words of a score's explanation (screening.evidence and screening.names write them in
# English for the API and the audit); a line the portal does not know is shown as written.
EVIDENCE_FIELDS = {
    "birth_date": N_("Date of birth"),
    "nationality": N_("Nationality"),
    "gender": N_("Gender"),
}
EVIDENCE_REASONS = {
    "same date": N_("same date"),
    "same year and month": N_("same year and month"),
    "same year (the rest unknown)": N_("same year (the rest unknown)"),
    "same date, day and month swapped": N_("same date, day and month swapped"),
    "same year, another day": N_("same year, another day"),
    "same year, another month": N_("same year, another month"),
    "same year, another date": N_("same year, another date"),
    "same day and month, year one off": N_("same day and month, year one off"),
    "same nationality": N_("same nationality"),
    "recorded as male": N_("recorded as male"),
    "recorded as female": N_("recorded as female"),
}
PART_HOW = {
    "exact": N_("same spelling"),
    "skeleton": N_("same name, another spelling"),
    "similar": N_("similar spelling"),
    "initial": N_("initial"),
    "joined": N_("written together"),
    "weak": N_("weakly alike"),
    "reading": N_("another romanisation"),
}
MRZ_FIELDS = {
    "document_number": N_("Document number"),
    "birth_date": N_("Date of birth"),
    "expiry_date": N_("Date of expiry"),
    "optional_data": N_("Optional data"),
    "composite": N_("The whole line"),
}

_NAME_LINE = re.compile(r"^name (?P<score>\d+(?:\.\d+)?) against (?P<name>.+)$")
_PART_LINE = re.compile(
    r"^\s+(?P<query>.+?) ~ (?P<candidate>.+): (?P<how>[a-z]+) \((?P<similarity>\d+(?:\.\d+)?)\)$"
)
_UNMATCHED_QUERY = re.compile(r"^\s+not in the candidate's name: (?P<parts>.+)$")
_UNMATCHED_CANDIDATE = re.compile(r"^\s+not in the query: (?P<parts>.+)$")
_EVIDENCE_LINE = re.compile(
    r"^(?P<field>[a-z_]+): (?P<reason>.+) \((?P<effect>[+-]\d+(?:\.\d+)?)\)$"
)
_BORN = re.compile(r"^born (?P<record>\d+), not (?P<query>\d+)$")
_OTHER_NATIONALITY = re.compile(r"^other nationality \((?P<countries>.+)\)$")
_KEY_LINE = re.compile(r"^(?P<key>.+): exact key$")
_ARTWORK_LINE = re.compile(r"^title and artist alike \((?P<score>\d+(?:\.\d+)?)\)$")
_PROPERTY = re.compile(r"\.properties\.(?P<name>[A-Za-z]+)")


def decimals(lang: str) -> Callable[[float], str]:
    """A score, a similarity or an effect with two decimals in the visitor's language."""
    return lambda value: str(numbers.format_decimal(value, format="0.00", locale=lang))


# ---------------------------------------------------------------- who may


def _screener(visitor: Visitor) -> Principal:
    principal = visitor.principal()
    if not service.may_screen(principal):
        raise PermissionDenied(SCREENING_REFUSED)
    return principal


def may_read_hits(principal: Principal) -> bool:
    """Whether the principal has a hit inbox (as service.hit_inbox requires)."""
    return principal.is_operator or principal.has_role(*service.INBOX_ROLES)


def _inbox_reader(visitor: Visitor) -> Principal:
    principal = visitor.principal()
    if not may_read_hits(principal):
        raise PermissionDenied(INBOX_REFUSED)
    return principal


# ---------------------------------------------------------------- one check


def _value(pairs: Sequence[tuple[str, str]], name: str) -> str:
    found = [value for key, value in pairs if key == name]
    return found[-1] if found else ""


def _form_field(problem_field: str) -> str:
    """The form's field a query's problem names ("check.properties.birthDate[0]")."""
    found = _PROPERTY.search(problem_field)
    return PROPERTY_FIELDS.get(found.group("name"), "_") if found else "_"


def _check_query(values: dict[str, str]) -> ScreeningQuery:
    """The query of the check's form: a person, a document, a pasted MRZ, or all three at
    once (one Passport query, so that the results are one list); InvalidInput naming the
    form's field."""
    problems = [
        FieldProblem(name, TOO_LONG)
        for name, value in values.items()
        if len(value) > FORM_LENGTHS.get(name, 500)
    ]
    if problems:
        raise InvalidInput("the check's form is too long", problems)
    names = [line.strip() for line in values["name"].splitlines() if line.strip()]
    properties: dict[str, Any] = {"name": names} if names else {}
    for prop, form_field in PROPERTY_FIELDS.items():
        if prop != "name" and values[form_field].strip():
            properties[prop] = values[form_field].strip()
    if "country" in properties and "number" not in properties:
        raise InvalidInput.on("document_number", NUMBER_WITH_COUNTRY)
    schema = "Passport" if {"number", "country", "mrz"} & set(properties) else "Person"
    try:
        return build_query("check", schema, properties, "check")
    except InvalidInput as exc:
        raise InvalidInput(
            exc.detail,
            [FieldProblem(_form_field(p.field), p.reason) for p in exc.problems],
        ) from None


def _place(value: str) -> str | None:
    place = value.strip()
    if len(place) > PLACE_LENGTH:
        raise InvalidInput.on("place", TOO_LONG)
    if has_control_characters(place):
        raise InvalidInput.on("place", CONTROL_CHARACTERS)
    return place or None


def _errors(problems: Sequence[FieldProblem]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in problems:
        reason = NOTHING_TO_SCREEN if problem.field == "_" else problem.reason
        errors.setdefault(problem.field, _(reason))
    return errors


def _subject_status(kind: str, value: str | None) -> str | None:
    """What a record says of its subject (wanted, stolen...), in the visitor's language."""
    if not value:
        return None
    try:
        spec = registry.get(kind).payload.model_fields.get("status")
    except NotFound:  # a kind this version does not know: the value as stored
        return value
    annotation = spec.annotation if spec is not None else None
    enum = (
        annotation.__name__
        if isinstance(annotation, type) and issubclass(annotation, StrEnum)
        else None
    )
    return labels.option_label(enum, value)


@dataclass
class NamePart:
    query: str
    candidate: str
    how: str
    similarity: float


@dataclass
class EvidenceLine:
    label: str
    reason: str
    effect: float


@dataclass
class Explanation:
    """A match's explanation, read back from the service's lines into what the page shows:
    the name's score and the name it matched, its parts aligned, the parts left over on
    either side, and what each other piece of evidence added or took away."""

    name_score: float | None = None
    matched_name: str | None = None
    parts: list[NamePart] = field(default_factory=list)
    only_in_query: str | None = None
    only_in_record: str | None = None
    evidence: list[EvidenceLine] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def _quoted(text: str) -> str:
    try:  # the service writes the name as Python's repr of a string
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return text
    return value if isinstance(value, str) else text


def _evidence_reason(reason: str) -> str:
    if reason in EVIDENCE_REASONS:
        return _(EVIDENCE_REASONS[reason])
    if born := _BORN.match(reason):
        return _("born %(record)s, not %(query)s") % born.groupdict()
    if other := _OTHER_NATIONALITY.match(reason):
        return _("other nationality (%(countries)s)") % other.groupdict()
    return reason


def explain(lines: Sequence[str]) -> Explanation:
    """The explanation of a match, from the lines the service wrote for it."""
    out = Explanation()
    for line in lines:
        if found := _NAME_LINE.match(line):
            out.name_score = float(found["score"])
            out.matched_name = _quoted(found["name"])
        elif found := _PART_LINE.match(line):
            how = PART_HOW.get(found["how"])
            out.parts.append(
                NamePart(
                    found["query"],
                    found["candidate"],
                    _(how) if how else found["how"],
                    float(found["similarity"]),
                )
            )
        elif found := _UNMATCHED_QUERY.match(line):
            out.only_in_query = found["parts"]
        elif found := _UNMATCHED_CANDIDATE.match(line):
            out.only_in_record = found["parts"]
        elif found := _EVIDENCE_LINE.match(line):
            label = EVIDENCE_FIELDS.get(found["field"])
            out.evidence.append(
                EvidenceLine(
                    _(label) if label else labels.humanise(found["field"]),
                    _evidence_reason(found["reason"]),
                    float(found["effect"]),
                )
            )
        elif found := _KEY_LINE.match(line):
            out.other.append(_("The same identifier: %(key)s") % {"key": found["key"]})
        elif found := _ARTWORK_LINE.match(line):
            out.other.append(_("Title and artist alike (%(score)s)") % found.groupdict())
        else:
            out.other.append(line.strip())
    return out


@dataclass
class MatchView:
    """One match as the check's page shows it."""

    possible_hit: bool
    record_id: int
    sentence: str = ""  # a possible hit's whole message
    kind: str = ""
    kind_label: str = ""
    caption: str = ""
    score: float = 0.0
    owner_country: str = ""
    subject_status: str | None = None
    explanation: Explanation = field(default_factory=Explanation)
    notices: list[NoticeView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NoticeView:
    """A live notice or diffusion on a matched record, as the officer reads it."""

    notice_id: int
    reference: str
    tone: str  # the colour of its kind, as a CSS class
    type_label: str
    asks: str
    contact: str


def notice_views(match: service.Match, lang: str) -> list[NoticeView]:
    from bluebridge.notices import content, printing

    views = []
    for notice in match.notices:
        if notice.contact_agency_name and notice.contact_agency_code:
            contact = f"{notice.contact_agency_name} ({notice.contact_agency_code})"
        else:
            contact = _("the NCB of %(country)s") % {
                "country": country_name(notice.contact_country, lang)
            }
        views.append(
            NoticeView(
                notice_id=notice.notice_id,
                reference=notice.reference,
                tone=content.notice_type_of(notice.kind, notice.type).value,
                type_label=printing.type_label(notice.kind, notice.type),
                asks=_(notice.asks),
                contact=contact,
            )
        )
    return views


def _contact(match: service.Match, lang: str) -> str:
    contact = match.contact
    if contact is not None and (contact.agency_name or contact.agency_code):
        if contact.agency_name and contact.agency_code:
            return f"{contact.agency_name} ({contact.agency_code})"
        return str(contact.agency_name or contact.agency_code)
    country = (contact.country if contact else None) or match.owner_country
    if country:
        return _("the NCB of %(country)s") % {"country": country_name(country, lang)}
    return _("the NCB of the owning country")


def match_view(match: service.Match, lang: str) -> MatchView:
    if match.possible_hit:
        sentence = _("Possible hit: contact %(contact)s, reference %(reference)s.") % {
            "contact": _contact(match, lang),
            "reference": match.record_id,
        }
        return MatchView(
            possible_hit=True,
            record_id=match.record_id,
            sentence=sentence,
            notices=notice_views(match, lang),
        )
    return MatchView(
        possible_hit=False,
        record_id=match.record_id,
        kind=match.kind,
        kind_label=labels.kind_name(match.kind),
        caption=match.title or f"{labels.kind_name(match.kind)} #{match.record_id}",
        score=round(match.score or 0.0, 2),
        owner_country=country_name(match.owner_country, lang),
        subject_status=_subject_status(match.kind, match.status),
        explanation=explain(match.explanation),
        notices=notice_views(match, lang),
    )


def _partial_date(parts: tuple[int, int | None, int | None] | None) -> str:
    if parts is None:
        return "—"
    year, month, day = parts
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return text


def _mrz_context(mrz: Mrz, lang: str) -> dict[str, Any]:
    """What the page shows of a pasted MRZ: its fields, and its problems in words."""
    failed = [check for check in mrz.check_digits if not check.ok]
    warnings = []
    for check in failed:
        label = MRZ_FIELDS.get(check.field)
        warnings.append(
            _("%(field)s: the check digit is %(found)s; it should be %(expected)s.")
            % {
                "field": _(label) if label else labels.humanise(check.field),
                "found": check.found,
                "expected": check.expected,
            }
        )
    digit_fields = tuple(f"{check.field}: check digit" for check in failed)
    warnings += [p for p in mrz.problems if not p.startswith(digit_fields)]
    issuer = mrz.issuing_state
    if mrz.issuing_country:
        issuer = f"{country_name(mrz.issuing_country, lang)} ({mrz.issuing_state})"
    nationality = mrz.nationality
    if mrz.nationality_country:
        nationality = f"{country_name(mrz.nationality_country, lang)} ({mrz.nationality})"
    sex = {"male": _("Male"), "female": _("Female")}.get(mrz.sex or "", "—")
    expiry = i18n.format_datetime(mrz.expiry_date, lang) if mrz.expiry_date else "—"
    rows = [
        (_("Document number"), mrz.document_number or "—"),
        (_("Issuing country"), issuer or "—"),
        (_("Surname"), mrz.surname or "—"),
        (_("Given names"), mrz.given_names or "—"),
        (_("Date of birth"), _partial_date(mrz.birth_date)),
        (_("Nationality"), nationality or "—"),
        (_("Gender"), sex),
        (_("Date of expiry"), expiry),
    ]
    return {"mrz_warnings": warnings, "mrz_rows": rows}


def _render_check(
    visitor: Visitor,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    result: service.Result | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {"mrz_warnings": [], "mrz_rows": []}
    matches: list[MatchView] = []
    if result is not None:
        matches = [match_view(m, visitor.lang) for m in result.matches]
        if result.query.mrz is not None:
            context.update(_mrz_context(result.query.mrz, visitor.lang))
    return visitor.render(
        "screening/check.html",
        status_code=status_code,
        values=values,
        errors=errors,
        genders=[(value, _(label)) for value, label in GENDER_CHOICES],
        result=result,
        status_label=_(STATUS_LABELS[result.status]) if result else "",
        matches=matches,
        decimal=decimals(visitor.lang),
        **context,
    )


@router.get("/screening", response_class=HTMLResponse)
def check_form(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    _screener(visitor)
    return _render_check(visitor, dict.fromkeys(FORM_FIELDS, ""), {})


@router.post("/screening", response_class=HTMLResponse)
def check(request: Request, session: DbSession, pairs: FormPairs) -> Response:
    visitor = visit(request, session)
    principal = _screener(visitor)
    visitor.check_csrf(_value(pairs, "csrf_token"))
    values = {name: _value(pairs, name) for name in FORM_FIELDS}
    problems: list[FieldProblem] = []
    query = place = None
    try:
        query = _check_query(values)
    except InvalidInput as exc:
        problems += exc.problems
    try:
        place = _place(values["place"])
    except InvalidInput as exc:
        problems += exc.problems
    if problems or query is None:
        return _render_check(visitor, values, _errors(problems), status_code=422)
    [result] = service.screen(
        session,
        visitor.runtime.screening,
        principal=principal,
        queries=[query],
        threshold=visitor.runtime.settings.screening_threshold,
        place=place,
        agency_code=_agency_code(session, principal),
    )
    return _render_check(visitor, values, {}, result=result)


# ---------------------------------------------------------------- manifests


@dataclass
class ManifestJob:
    """One manifest being (or having been) screened in this process."""

    id: str
    user_id: int | None
    filename: str
    place: str | None
    total: int
    started_at: dt.datetime = field(default_factory=utcnow)
    done: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    finished_at: dt.datetime | None = None
    failed: bool = False
    results: str = ""  # the results file, once it ends

    @property
    def status(self) -> str:
        if self.finished_at is None:
            return "running"
        return "failed" if self.failed else "done"


class ManifestJobs:
    """The manifests of this process, each visible to the user who started it only, kept
    for RESULTS_KEPT after it ends."""

    def __init__(self) -> None:
        self._jobs: dict[str, ManifestJob] = {}
        self._lock = threading.Lock()

    def _forget_old(self, now: dt.datetime) -> None:
        for job_id, job in list(self._jobs.items()):
            if job.finished_at is not None and now - job.finished_at > RESULTS_KEPT:
                del self._jobs[job_id]

    def add(self, job: ManifestJob) -> None:
        with self._lock:
            self._forget_old(utcnow())
            self._jobs[job.id] = job

    def get(self, principal: Principal, job_id: str) -> ManifestJob:
        with self._lock:
            self._forget_old(utcnow())
            job = self._jobs.get(job_id)
        if job is None or job.user_id is None or job.user_id != _user_id(principal):
            raise NotFound(N_("No such manifest: its results are kept for one hour."))
        return job

    def of(self, principal: Principal) -> list[ManifestJob]:
        user = _user_id(principal)
        with self._lock:
            self._forget_old(utcnow())
            jobs = [j for j in self._jobs.values() if user is not None and j.user_id == user]
        return sorted(jobs, key=lambda j: j.started_at, reverse=True)


MANIFESTS = ManifestJobs()


def _user_id(principal: Principal) -> int | None:
    return principal.id if principal.kind is PrincipalKind.USER else None


def _run_manifest(
    job: ManifestJob,
    rows: list[manifest.Row],
    runtime: Runtime,
    principal: Principal,
    agency_code: str | None,
) -> None:
    """Screen the rows in batches, each in a transaction of its own, then keep the results
    file; a failure ends the job with the rows left reported as errors, never lost."""

    def run(queries: Sequence[ScreeningQuery]) -> list[service.Result]:
        with unit_of_work(runtime.sessions) as session:
            return service.screen(
                session,
                runtime.screening,
                principal=principal,
                queries=queries,
                threshold=runtime.settings.screening_threshold,
                place=job.place,
                agency_code=agency_code,
            )

    def progress(done: int) -> None:
        job.done = done

    try:
        for row in manifest.screen_rows(rows, run, progress):
            job.counts[row.result.status if row.result else "error"] += 1
    except Exception:
        log.exception("manifest %s could not be screened to the end", job.id)
        job.failed = True
        for row in rows:
            if row.result is None and row.error is None:
                row.error = NOT_SCREENED
                job.counts["error"] += 1
    finally:
        job.results = manifest.results_csv(rows)
        job.done = len(rows)
        job.finished_at = utcnow()


def _manifest_context(visitor: Visitor, principal: Principal) -> dict[str, Any]:
    return {
        "jobs": [(job, _job_context(job)) for job in MANIFESTS.of(principal)],
        "max_rows": MAX_MANIFEST_ROWS,
        "max_mb": MAX_MANIFEST_BYTES // (1024 * 1024),
        "columns": manifest.COLUMNS,
    }


@router.get("/screening/manifest", response_class=HTMLResponse)
def manifest_form(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    principal = _screener(visitor)
    return visitor.render(
        "screening/manifest.html",
        values={"place": ""},
        errors={},
        **_manifest_context(visitor, principal),
    )


class _BoundedRequest(Request):
    """The request, its body refused past the manifest's bound as it streams in (the
    file is not kept: the upload removes it)."""

    async def stream(self) -> AsyncGenerator[bytes, None]:
        received = 0
        async for chunk in super().stream():
            received += len(chunk)
            if received > MAX_MANIFEST_BYTES:
                raise InvalidInput.on("file", N_("The file is larger than a manifest may be."))
            yield chunk


@router.post("/screening/manifest", response_class=HTMLResponse)
async def start_manifest(request: Request, session: DbSession) -> Response:
    # Async only to stream the upload to disk, as an import does; the rest runs in threads.
    visitor = await run_in_threadpool(visit, request, session)
    principal = _screener(visitor)
    await run_in_threadpool(session.commit)  # no store lock held while the file arrives
    directory = await run_in_threadpool(imports.upload_directory, visitor.runtime.settings)
    try:
        upload = await _receive(
            _BoundedRequest(request.scope, request.receive), directory, visitor.check_csrf
        )
    except _Unreadable:
        raise CsrfFailed from None  # no readable form, so no token: an expired form
    except InvalidInput as exc:
        return await run_in_threadpool(_manifest_refused, visitor, principal, {}, exc)
    try:
        return await run_in_threadpool(_start_manifest, visitor, principal, upload)
    finally:
        upload.discard()  # the rows are read: the file is not kept


def _manifest_refused(
    visitor: Visitor, principal: Principal, values: dict[str, str], exc: InvalidInput
) -> Response:
    i18n.activate(visitor.lang)  # this worker thread's language
    errors = {p.field: _(p.reason) for p in exc.problems} or {"_": _(exc.detail)}
    return visitor.render(
        "screening/manifest.html",
        status_code=422,
        values={"place": "", **values},
        errors=errors,
        **_manifest_context(visitor, principal),
    )


def _manifest_rows(upload: _Upload) -> list[manifest.Row]:
    """The travellers of the uploaded manifest; InvalidInput on the file when it cannot be
    read as a whole (a row that cannot be read is an error row, not a refusal)."""
    if upload.path is None or upload.size == 0:
        raise InvalidInput.on("file", N_("Choose a manifest to screen."))
    try:
        text = upload.path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.on("file", N_("The file is not UTF-8 text.")) from None
    try:
        rows = list(
            itertools.islice(
                manifest.read_rows(io.StringIO(text, newline="")), MAX_MANIFEST_ROWS + 1
            )
        )
    except InvalidInput:
        raise InvalidInput.on(
            "file",
            N_(
                "The header row names no column to screen: give name (or surname and "
                "given_names), document_number or mrz."
            ),
        ) from None
    except csv.Error:
        raise InvalidInput.on("file", N_("The file cannot be read as CSV.")) from None
    if not rows:
        raise InvalidInput.on("file", N_("The file has no traveller under its header row."))
    if len(rows) > MAX_MANIFEST_ROWS:
        raise InvalidInput.on("file", N_("A manifest has at most 20,000 rows."))
    return rows


def _start_manifest(visitor: Visitor, principal: Principal, upload: _Upload) -> Response:
    i18n.activate(visitor.lang)
    visitor.check_csrf(upload.one("csrf_token"))
    values = {"place": upload.one("place")}
    try:
        place = _place(values["place"])
        rows = _manifest_rows(upload)
        if sum(j.status == "running" for j in MANIFESTS.of(principal)) >= MAX_RUNNING_MANIFESTS:
            raise InvalidInput.on(
                "file", N_("Three of your manifests are being screened: wait for one to end.")
            )
    except InvalidInput as exc:
        return _manifest_refused(visitor, principal, values, exc)
    job = ManifestJob(
        id=secrets.token_urlsafe(18),
        user_id=_user_id(principal),
        filename=upload.filename or "manifest.csv",
        place=place,
        total=len(rows),
    )
    MANIFESTS.add(job)
    runtime = visitor.runtime
    agency_code = _agency_code(visitor.session, principal)
    threading.Thread(
        target=_run_manifest,
        args=(job, rows, runtime, principal, agency_code),
        name=f"manifest-{job.id[:8]}",
        daemon=True,
    ).start()
    return visitor.redirect(
        f"/screening/manifest/{job.id}",
        flash=("success", _("The manifest is being screened.")),
    )


def _job_context(job: ManifestJob) -> dict[str, Any]:
    running = job.status == "running"
    return {
        "job": job,
        "running": running,
        "status_label": _(JOB_STATUS_LABELS[job.status]),
        "percent": round(100 * job.done / job.total) if job.total else 100,
        "counts": [
            (_(STATUS_LABELS[status]), job.counts.get(status, 0))
            for status in ("hit", "possible_hit", "no_hit", "error")
        ],
        "stopped": MANIFEST_STOPPED if job.failed else None,
    }


@router.get("/screening/manifest/{job_id}", response_class=HTMLResponse)
def manifest_page(request: Request, session: DbSession, job_id: JobId) -> Response:
    visitor = visit(request, session)
    principal = _screener(visitor)
    job = MANIFESTS.get(principal, job_id)
    return visitor.render("screening/manifest_job.html", **_job_context(job))


@router.get("/screening/manifest/{job_id}/progress", response_class=HTMLResponse)
def manifest_progress(request: Request, session: DbSession, job_id: JobId) -> Response:
    """The fragment htmx asks for every second while the manifest is screened."""
    visitor = visit(request, session)
    principal = _screener(visitor)
    job = MANIFESTS.get(principal, job_id)
    return visitor.render("screening/manifest_progress.html", **_job_context(job))


@router.get("/screening/manifest/{job_id}/results.csv")
def manifest_results(request: Request, session: DbSession, job_id: JobId) -> Response:
    visitor = visit(request, session)
    principal = _screener(visitor)
    job = MANIFESTS.get(principal, job_id)
    if job.finished_at is None:
        raise NotFound(N_("The results are ready once the whole manifest is screened."))
    response = Response(job.results, media_type="text/csv; charset=utf-8")
    response.headers["content-disposition"] = (
        f'attachment; filename="manifest-{job.id[:8]}-results.csv"'
    )
    visitor.finish(response)
    return response


# ---------------------------------------------------------------- the hit inbox


@dataclass
class HitView:
    hit: ScreeningHit
    kind_label: str
    score: float | None  # none for a hit-only record: the screening user saw no score
    country: str
    channel: str
    source: str
    names: str
    birth_date: str
    action: str | None


def hit_view(hit: ScreeningHit, lang: str) -> HitView:
    query = hit.query if isinstance(hit.query, dict) else {}
    names = query.get("names") or []
    keys = query.get("keys") or []
    return HitView(
        hit=hit,
        kind_label=labels.kind_name(hit.record_kind),
        score=None if hit.hit_only else round(hit.score, 2),
        country=country_name(hit.country, lang) if hit.country else "—",
        channel=labels.translated(labels.CHANNEL_LABELS, hit.channel),
        source=labels.translated(SOURCE_LABELS, hit.source),
        names="; ".join(str(n) for n in names) or "; ".join(str(k) for k in keys) or "—",
        birth_date=str(query.get("birth_date") or ""),
        action=_subject_status(hit.record_kind, hit.action),
    )


@router.get("/hits", response_class=HTMLResponse)
def hit_inbox(
    request: Request,
    session: DbSession,
    unacknowledged: Annotated[bool, Query()] = False,
    page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    principal = _inbox_reader(visitor)
    rows, total = service.hit_inbox(
        session,
        principal=principal,
        unacknowledged_only=unacknowledged,
        page=page,
        per_page=HITS_PER_PAGE,
    )
    _none, waiting = service.hit_inbox(
        session, principal=principal, unacknowledged_only=True, per_page=1
    )
    query = "unacknowledged=true&" if unacknowledged else ""
    return visitor.render(
        "screening/hits.html",
        page=Page(items=rows, page=page, per_page=HITS_PER_PAGE, total=total),
        hits=[hit_view(hit, visitor.lang) for hit in rows],
        unacknowledged=unacknowledged,
        waiting=waiting,
        base=f"/hits?{query}",
        here=f"/hits?{query}page={page}",
        decimal=decimals(visitor.lang),
    )


@dataclass
class HitMessage:
    item: Any  # messaging.service.InboxItem
    form_label: str
    priority_label: str


@router.get("/hits/{hit_id}", response_class=HTMLResponse)
def hit_page(request: Request, session: DbSession, hit_id: HitId) -> Response:
    """One hit and its whole conversation on the secure network: the hit message to the
    owner's NCB, the replies, the information supplied and the action taken."""
    from bluebridge.messaging import service as messaging

    visitor = visit(request, session)
    principal = _inbox_reader(visitor)
    hit = service.get_hit(session, principal=principal, hit_id=hit_id)
    conversation = messaging.hit_conversation(
        session, settings=visitor.runtime.settings, principal=principal, hit_id=hit.id
    )
    owner_side = session.scalar(
        select(ScreeningHit.id).where(ScreeningHit.id == hit.id, service.inbox_filter(principal))
    )
    from bluebridge.web.messages import FORM_LABELS, PRIORITY_LABELS

    return visitor.render(
        "screening/hit.html",
        view=hit_view(hit, visitor.lang),
        conversation=[
            HitMessage(
                item,
                _(FORM_LABELS.get(item.message.form, item.message.form)),
                _(PRIORITY_LABELS.get(item.message.priority, item.message.priority)),
            )
            for item in conversation
        ],
        answer_to=conversation[-1].message.id if conversation else None,
        may_send=messaging.may_send(principal),
        owner_side=owner_side is not None,
        here=f"/hits/{hit.id}",
        decimal=decimals(visitor.lang),
    )


@router.post("/hits/{hit_id}/acknowledge")
def acknowledge_hit(
    request: Request,
    session: DbSession,
    hit_id: HitId,
    csrf_token: Csrf = "",
    next: NextPath = "/hits",
) -> Response:
    visitor = visit(request, session)
    principal = _inbox_reader(visitor)
    visitor.check_csrf(csrf_token)
    service.acknowledge_hit(session, principal=principal, hit_id=hit_id)
    back = safe_next(next)
    return visitor.redirect(
        back if back.startswith("/hits") else "/hits",
        flash=("success", _("The hit has been acknowledged.")),
    )


__all__ = ["MANIFESTS", "ManifestJob", "explain", "match_view", "may_read_hits", "router"]
