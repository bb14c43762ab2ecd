"""Portal pages of the 19 databases: the list of databases, each one's records as the visitor
may see them (filtered by owner country, paginated), the form that enters or changes a record
(generated from the kind's schema, refusals shown beside their fields), and a record's page
with its envelope, its payload, its links both ways, the owner's actions and, for those who
watch over it, its access log. Every page calls the records service as the API does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from bluebridge.access import records as access
from bluebridge.access.principal import Principal, Role
from bluebridge.api.deps import DbSession, SettingsDep
from bluebridge.errors import Conflict, FieldProblem, InvalidInput, PermissionDenied
from bluebridge.members import reference
from bluebridge.members import service as members
from bluebridge.records import registry, retention, service
from bluebridge.records.kinds.base import RecordKind
from bluebridge.records.models import Record
from bluebridge.text import is_ascii_number
from bluebridge.web import i18n
from bluebridge.web import record_form as forms
from bluebridge.web import record_labels as labels
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _
from bluebridge.web.portal import Visitor, visit
from bluebridge.web.routes import AGENCY_KIND_LABELS, SPECIALTY_LABELS

router = APIRouter(include_in_schema=False)

KindName = Annotated[str, Path(pattern=r"^[a-z_]{3,40}$")]
RecordId = Annotated[int, Path(ge=1, le=2**53)]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]
PER_PAGE = 50
LOG_PER_PAGE = 25
MAX_FORM_FIELDS = 3000  # a persons record with many names and offences stays far below
# Fields of the form that are not part of the record itself.
FORM_CONTROL_FIELDS = frozenset({"csrf_token", "version", forms.MORE})


async def form_pairs(request: Request) -> list[tuple[str, str]]:
    """The submitted form as (name, value) pairs in order; files are not part of a record."""
    try:
        form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=0)
    except HTTPException as exc:  # too many fields, a file, a broken body: a page, not JSON
        raise InvalidInput(str(exc.detail)) from None
    return [(name, value) for name, value in form.multi_items() if isinstance(value, str)]


FormPairs = Annotated[list[tuple[str, str]], Depends(form_pairs)]


def _one(pairs: list[tuple[str, str]], name: str) -> str:
    found = [value for key, value in pairs if key == name]
    return found[-1] if found else ""


def _writer(principal: Principal) -> bool:
    return principal.agency_id is not None and principal.has_role(*service.WRITER_ROLES)


def _kind(name: str) -> RecordKind[Any]:
    return registry.get(name)


def _country(alpha3: str | None, lang: str) -> str:
    if not alpha3:
        return "—"
    try:
        return reference.member_by_alpha3(alpha3).name(lang)
    except KeyError:
        return alpha3


def _title(view: service.RecordView) -> str:
    """What a list or a link shows of a record: its title in full sight, else only its kind
    and number (a data protection officer's view)."""
    record = view.record
    if view.sight is access.Sight.FULL:
        return record.title
    return f"{labels.kind_name(record.kind)} #{record.id}"


def _grading(record: Record) -> str:
    return f"{record.source_grading}{record.information_grading}"


def _grading_text(record: Record) -> list[str]:
    return [
        labels.translated(labels.SOURCE_GRADING_LABELS, record.source_grading),
        labels.translated(labels.INFORMATION_GRADING_LABELS, record.information_grading),
    ]


def _common(visitor: Visitor) -> dict[str, Any]:
    return {
        "kind_name": labels.kind_name,
        "country_name": lambda code: _country(code, visitor.lang),
        "record_title": _title,
        "grading": _grading,
        "grading_text": _grading_text,
    }


# ---------------------------------------------------------------- the databases


@router.get("/records", response_class=HTMLResponse)
def databases(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    visitor.principal()
    kinds = [
        (kind.name, labels.kind_name(kind.name), labels.kind_description(kind.name))
        for kind in registry.kinds().values()
    ]
    return visitor.render("records/databases.html", kinds=kinds)


@router.get("/records/{kind}", response_class=HTMLResponse)
def record_list(
    request: Request,
    session: DbSession,
    kind: KindName,
    owner_country: Annotated[str | None, Query(max_length=3)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    record_kind = _kind(kind)
    search = (q or "").strip()
    country = (owner_country or "").strip().upper()
    if country and country not in {m.alpha3 for m in reference.member_countries()}:
        country = ""  # an unknown code filters nothing rather than answering an error
    result = service.list_records(
        session,
        principal=principal,
        kind_name=record_kind.name,
        owner_country=country or None,
        search=search or None,
        page=page,
        per_page=PER_PAGE,
    )
    return visitor.render(
        "records/list.html",
        kind=record_kind.name,
        title=labels.kind_name(record_kind.name),
        description=labels.kind_description(record_kind.name),
        page=result,
        filters={"owner_country": country, "q": search},
        countries=forms.Choices.for_language(visitor.lang).countries,
        may_write=_writer(principal),
        **_common(visitor),
    )


# ---------------------------------------------------------------- the form


def _default_values(record_kind: RecordKind[Any]) -> dict[str, list[str]]:
    # The policy a record gets when given none.
    return forms.policy_values(service.default_policy(record_kind))


def _render_form(
    visitor: Visitor,
    record_kind: RecordKind[Any],
    values: forms.Values,
    *,
    record: Record | None = None,
    version: int | None = None,
    more: set[str] | None = None,
    problems: list[FieldProblem] | None = None,
    message: str = "",
    status_code: int = 200,
) -> Response:
    choices = forms.Choices.for_language(visitor.lang)
    payload = forms.payload_controls(record_kind, values, more or set(), choices)
    envelope, policy = forms.envelope_controls(
        values, choices, visitor.lang, with_reference=record is None
    )
    every = [*envelope, *policy, *payload]
    left = forms.place_errors(every, problems or [])
    if record is None:
        action = f"/records/{record_kind.name}/new"
    else:
        action = f"/records/{record_kind.name}/{record.id}/edit"
    return visitor.render(
        "records/form.html",
        status_code=status_code,
        kind=record_kind.name,
        title=labels.kind_name(record_kind.name),
        record=record,
        version=version,
        action=action,
        payload_controls=payload,
        envelope_controls=envelope,
        policy_controls=policy,
        with_errors=forms.with_errors(every),
        unplaced=left,
        message=message,
        **_common(visitor),
    )


def _writer_or_refuse(visitor: Visitor) -> Principal:
    principal = visitor.principal()
    if not _writer(principal):
        raise PermissionDenied("entering records needs the officer or supervisor role")
    return principal


@router.get("/records/{kind}/new", response_class=HTMLResponse)
def new_record_form(request: Request, session: DbSession, kind: KindName) -> Response:
    visitor = visit(request, session)
    record_kind = _kind(kind)
    _writer_or_refuse(visitor)
    return _render_form(visitor, record_kind, _default_values(record_kind))


def _submission(
    record_kind: RecordKind[Any], pairs: list[tuple[str, str]]
) -> tuple[dict[str, list[str]], set[str]]:
    """The record's values of a submission (compacted) and the lists asked to grow."""
    more = {value for name, value in pairs if name == forms.MORE}
    values = forms.submitted_values((n, v) for n, v in pairs if n not in FORM_CONTROL_FIELDS)
    return forms.compacted(record_kind, values), more


def _parsed(
    session: Session,
    visitor: Visitor,
    record_kind: RecordKind[Any],
    values: forms.Values,
    *,
    with_reference: bool,
) -> tuple[dict[str, Any] | None, service.Envelope | None, list[FieldProblem]]:
    """The payload and envelope of a submission, and every problem found in either."""
    problems: list[FieldProblem] = []
    envelope = payload = None
    try:
        envelope = forms.parse_envelope(values, with_reference=with_reference)
    except InvalidInput as exc:
        problems += exc.problems
    try:
        payload = forms.parse_payload(record_kind, values)
    except InvalidInput as exc:
        problems += exc.problems
    if payload is not None and envelope is None:
        # The envelope was refused: say what is wrong with the payload too, in one round.
        try:
            service.validate_payload(record_kind, payload, visitor.runtime.settings)
        except InvalidInput as exc:
            problems += exc.problems
    return payload, envelope, problems


def _problems_of(exc: InvalidInput | Conflict) -> list[FieldProblem]:
    return exc.problems or [FieldProblem("_", exc.detail)]


@router.post("/records/{kind}/new", response_class=HTMLResponse)
def create_record(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    kind: KindName,
    pairs: FormPairs,
) -> Response:
    visitor = visit(request, session)
    record_kind = _kind(kind)
    principal = _writer_or_refuse(visitor)
    visitor.check_csrf(_one(pairs, "csrf_token"))
    values, more = _submission(record_kind, pairs)
    if more:
        return _render_form(visitor, record_kind, values, more=more)
    payload, envelope, problems = _parsed(
        session, visitor, record_kind, values, with_reference=True
    )
    if payload is not None and envelope is not None and not problems:
        try:
            record = service.create_record(
                session,
                settings=settings,
                principal=principal,
                kind_name=record_kind.name,
                payload=payload,
                envelope=envelope,
            )
        except (InvalidInput, Conflict) as exc:
            problems = _problems_of(exc)
        else:
            return visitor.redirect(
                f"/records/{record_kind.name}/{record.id}",
                flash=("success", _("The record has been entered.")),
            )
    session.rollback()  # nothing of a refused record stays
    return _render_form(visitor, record_kind, values, problems=problems, status_code=422)


def _owned(
    visitor: Visitor, session: Session, record_kind: RecordKind[Any], record_id: int
) -> tuple[Principal, Record]:
    principal = visitor.principal()
    record, _seen = service.visible_record(session, principal, record_id, record_kind.name)
    if not access.may_change(principal, record):
        raise PermissionDenied("only the owning agency changes its records")
    if not _writer(principal):
        raise PermissionDenied("changing records needs the officer or supervisor role")
    return principal, record


@router.get("/records/{kind}/{record_id:int}/edit", response_class=HTMLResponse)
def edit_record_form(
    request: Request, session: DbSession, kind: KindName, record_id: RecordId
) -> Response:
    visitor = visit(request, session)
    record_kind = _kind(kind)
    _principal, record = _owned(visitor, session, record_kind, record_id)
    values = forms.record_values(
        record, record_kind, policy=access.AccessPolicy.from_record(record)
    )
    return _render_form(visitor, record_kind, values, record=record, version=record.version)


@router.post("/records/{kind}/{record_id:int}/edit", response_class=HTMLResponse)
def update_record(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    kind: KindName,
    record_id: RecordId,
    pairs: FormPairs,
) -> Response:
    visitor = visit(request, session)
    record_kind = _kind(kind)
    principal, record = _owned(visitor, session, record_kind, record_id)
    visitor.check_csrf(_one(pairs, "csrf_token"))
    values, more = _submission(record_kind, pairs)
    raw_version = _one(pairs, "version").strip()
    version = int(raw_version) if is_ascii_number(raw_version) and len(raw_version) < 10 else 0
    if more:
        return _render_form(visitor, record_kind, values, record=record, version=version, more=more)
    payload, envelope, problems = _parsed(
        session, visitor, record_kind, values, with_reference=False
    )
    message, status_code = "", 422
    if payload is not None and envelope is not None and not problems:
        try:
            service.update_record(
                session,
                settings=settings,
                principal=principal,
                record_id=record.id,
                kind_name=record_kind.name,
                expected_version=version,
                payload=payload,
                envelope=envelope,
            )
        except Conflict as exc:
            current = exc.problems[0].reason if exc.problems else ""
            message = _(
                "Someone changed this record after you opened it (its version %(version)s "
                "%(current)s). Your changes are below but not saved: open the record again, "
                "then make them once more."
            ) % {"version": version, "current": _(current)}
            status_code = 409
        except InvalidInput as exc:
            problems = _problems_of(exc)
        else:
            return visitor.redirect(
                f"/records/{record_kind.name}/{record.id}",
                flash=("success", _("The record has been changed.")),
            )
    session.rollback()
    record = session.get(Record, record_id) or record
    return _render_form(
        visitor,
        record_kind,
        values,
        record=record,
        version=version,
        problems=problems,
        message=message,
        status_code=status_code,
    )


# ---------------------------------------------------------------- a record


def _render_record(
    visitor: Visitor,
    session: Session,
    record_kind: RecordKind[Any],
    record_id: int,
    *,
    log_page: int = 1,
    link_errors: dict[str, str] | None = None,
    link_values: dict[str, str] | None = None,
    review_reason: str | None = None,
    status_code: int = 200,
) -> Response:
    principal = visitor.principal()
    review_errors: dict[str, str] = {}
    view = None
    if review_reason is not None:
        try:
            view = service.open_for_review(
                session,
                principal=principal,
                record_id=record_id,
                kind_name=record_kind.name,
                reason=review_reason,
            )
        except InvalidInput as exc:
            review_errors = {p.field: _(p.reason) for p in exc.problems}
            status_code = 422
    if view is None:
        view = service.get_record(
            session, principal=principal, record_id=record_id, kind_name=record_kind.name
        )
    record = view.record
    owner = access.may_change(principal, record)
    agency = members.get_agency(session, principal=principal, agency_id=record.owner_agency_id)
    links = service.links_of(session, principal=principal, record_id=record.id)
    log = None
    if service.may_read_access_log(principal, record):
        log = service.access_log(
            session,
            principal=principal,
            record_id=record.id,
            kind_name=record_kind.name,
            page=log_page,
            per_page=LOG_PER_PAGE,
        )
    policy = access.AccessPolicy.from_record(record) if owner else None
    payload = view.payload
    return visitor.render(
        "records/detail.html",
        status_code=status_code,
        kind=record_kind.name,
        kind_title=labels.kind_name(record_kind.name),
        view=view,
        record=record,
        full=view.sight is access.Sight.FULL,
        owner=owner,
        may_write=owner and _writer(principal),
        agency=agency,
        shown=forms.describe_payload(record_kind, payload, visitor.lang) if payload else [],
        links=[
            (
                link,
                link.to_record if link.from_record.record.id == record.id else link.from_record,
                link.from_record.record.id == record.id,
            )
            for link in links
        ],
        log=log,
        policy=policy,
        policy_text=_policy_text(policy, visitor.lang) if policy else [],
        relations=[
            (r.value, labels.translated(labels.RELATION_LABELS, r.value)) for r in service.Relation
        ],
        link_errors=link_errors or {},
        link_values=link_values or {},
        may_review=view.sight is access.Sight.METADATA
        and principal.has_role(Role.DATA_PROTECTION_OFFICER),
        reviewed=review_reason is not None and not review_errors,
        review_errors=review_errors,
        review_reason=review_reason or "",
        labels=labels,
        format_datetime=lambda value: i18n.format_datetime(value, visitor.lang),
        **_common(visitor),
    )


def _policy_text(policy: access.AccessPolicy, lang: str) -> list[tuple[str, str]]:
    rows = [
        (
            labels.envelope_label("access_policy.mode"),
            labels.translated(labels.ACCESS_MODE_LABELS, policy.mode.value),
        )
    ]
    if policy.countries:
        rows.append(
            (
                labels.envelope_label("access_policy.countries"),
                ", ".join(_country(c, lang) for c in policy.countries),
            )
        )
    if policy.regions:
        rows.append(
            (
                labels.envelope_label("access_policy.regions"),
                ", ".join(forms.region_name(r.value, lang) for r in policy.regions),
            )
        )
    if policy.agency_kinds:
        rows.append(
            (
                labels.envelope_label("access_policy.agency_kinds"),
                ", ".join(
                    labels.translated(AGENCY_KIND_LABELS, k.value) for k in policy.agency_kinds
                ),
            )
        )
    if policy.specialties:
        rows.append(
            (
                labels.envelope_label("access_policy.specialties"),
                ", ".join(labels.translated(SPECIALTY_LABELS, s.value) for s in policy.specialties),
            )
        )
    if policy.excluded_countries:
        rows.append(
            (
                labels.envelope_label("access_policy.excluded_countries"),
                ", ".join(_country(c, lang) for c in policy.excluded_countries),
            )
        )
    return rows


@router.get("/records/{kind}/{record_id:int}", response_class=HTMLResponse)
def record_page(
    request: Request,
    session: DbSession,
    kind: KindName,
    record_id: RecordId,
    log_page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    return _render_record(visitor, session, _kind(kind), record_id, log_page=log_page)


@router.post("/records/{kind}/{record_id:int}/review", response_class=HTMLResponse)
def open_for_review(
    request: Request, session: DbSession, kind: KindName, record_id: RecordId, pairs: FormPairs
) -> Response:
    """A data protection officer opens a record's content for a review, saying why."""
    visitor = visit(request, session)
    record_kind = _kind(kind)
    visitor.principal()
    visitor.check_csrf(_one(pairs, "csrf_token"))
    return _render_record(
        visitor, session, record_kind, record_id, review_reason=_one(pairs, "reason")
    )


@router.post("/records/{kind}/{record_id:int}/links", response_class=HTMLResponse)
def add_link(
    request: Request, session: DbSession, kind: KindName, record_id: RecordId, pairs: FormPairs
) -> Response:
    visitor = visit(request, session)
    record_kind = _kind(kind)
    principal, record = _owned(visitor, session, record_kind, record_id)
    visitor.check_csrf(_one(pairs, "csrf_token"))
    target, relation = _one(pairs, "to_record_id").strip(), _one(pairs, "relation")
    values = {"to_record_id": target, "relation": relation}
    try:
        if not is_ascii_number(target) or len(target) > 15 or int(target) < 1:
            raise InvalidInput.on("to_record_id", N_("give the number of a record"))
        try:
            chosen = service.Relation(relation)
        except ValueError:
            raise InvalidInput.on("relation", N_("choose a relation")) from None
        service.link_records(
            session, principal=principal, from_id=record.id, to_id=int(target), relation=chosen
        )
    except InvalidInput as exc:
        session.rollback()
        errors = {p.field: _(p.reason) for p in exc.problems}
        return _render_record(
            visitor,
            session,
            record_kind,
            record_id,
            link_errors=errors,
            link_values=values,
            status_code=422,
        )
    return visitor.redirect(
        f"/records/{record_kind.name}/{record.id}#links",
        flash=("success", _("The link has been added.")),
    )


@router.post(
    "/records/{kind}/{record_id:int}/links/{link_id:int}/delete", response_class=HTMLResponse
)
def remove_link(
    request: Request,
    session: DbSession,
    kind: KindName,
    record_id: RecordId,
    link_id: RecordId,
    pairs: FormPairs,
) -> Response:
    visitor = visit(request, session)
    record_kind = _kind(kind)
    principal, record = _owned(visitor, session, record_kind, record_id)
    visitor.check_csrf(_one(pairs, "csrf_token"))
    service.unlink_records(session, principal=principal, record_id=record.id, link_id=link_id)
    return visitor.redirect(
        f"/records/{record_kind.name}/{record.id}#links",
        flash=("success", _("The link has been removed.")),
    )


@router.post("/records/{kind}/{record_id:int}/extend", response_class=HTMLResponse)
def extend_record(
    request: Request, session: DbSession, kind: KindName, record_id: RecordId, pairs: FormPairs
) -> Response:
    visitor = visit(request, session)
    record_kind = _kind(kind)
    principal, record = _owned(visitor, session, record_kind, record_id)
    visitor.check_csrf(_one(pairs, "csrf_token"))
    extended = retention.extend(
        session, principal=principal, record_id=record.id, kind_name=record_kind.name
    )
    message = _("The record is kept until %(date)s.") % {
        "date": i18n.format_datetime(extended.expires_at.date(), visitor.lang)
    }
    return visitor.redirect(f"/records/{record_kind.name}/{record.id}", flash=("success", message))


@router.post("/records/{kind}/{record_id:int}/delete", response_class=HTMLResponse)
def delete_record(
    request: Request, session: DbSession, kind: KindName, record_id: RecordId, pairs: FormPairs
) -> Response:
    visitor = visit(request, session)
    record_kind = _kind(kind)
    principal, record = _owned(visitor, session, record_kind, record_id)
    visitor.check_csrf(_one(pairs, "csrf_token"))
    service.delete_record(
        session, principal=principal, record_id=record.id, kind_name=record_kind.name
    )
    return visitor.redirect(
        f"/records/{record_kind.name}", flash=("success", _("The record has been deleted."))
    )


__all__ = ["router"]
