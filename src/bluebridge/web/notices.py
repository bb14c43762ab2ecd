"""Portal pages of notices and diffusions: the list the visitor may see (filtered,
paginated), the request form of each kind (its fields from `notices.content`, subjects by
record number, the access policy or a diffusion's recipients; refusals beside their fields,
nothing typed lost), a notice's page with its flags, history, recipients and the actions the
visitor may take, the compliance reviewers' queue and dashboard (charts drawn as inline SVG),
the printable page and the PDF, and the public extracts, which need no sign-in and share the
JSON endpoint's rate limit. Every page calls the notices service as the API does."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bluebridge.access import notices as access
from bluebridge.access import records as record_access
from bluebridge.access.principal import Principal
from bluebridge.api.deps import DbSession, SettingsDep
from bluebridge.errors import (
    Conflict,
    FieldProblem,
    InvalidInput,
    PermissionDenied,
    TooManyRequests,
)
from bluebridge.members import reference
from bluebridge.notices import api as notices_api
from bluebridge.notices import content as rules
from bluebridge.notices import printing, service
from bluebridge.notices.enums import (
    ASKS,
    DIFFUSION_ASKS,
    ENDED,
    LIVE,
    PUBLIC_TYPES,
    DiffusionType,
    Kind,
    NoticeType,
    Status,
    SubjectRole,
)
from bluebridge.notices.models import Notice
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page
from bluebridge.text import is_ascii_number
from bluebridge.web import i18n
from bluebridge.web.charts import BAR_HEIGHT, CHART_WIDTH, ROW_HEIGHT, Bar, Chart, bar_chart
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _
from bluebridge.web.portal import TEMPLATES, Visitor, visit
from bluebridge.web.record_form import Choices, Control, with_errors
from bluebridge.web.records import FormPairs

router = APIRouter(include_in_schema=False)

NoticeId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]
Filter = Annotated[str | None, Query(max_length=24)]
Language = Annotated[str | None, Query(pattern=r"^(ar|en|es|fr)$")]
PER_PAGE = 50
QUEUE_PER_PAGE = 50
PUBLIC_PER_PAGE = 20
MAX_SHOWN_ITEMS = 20  # a form never grows past this many offences, assets or subjects
MORE = "_more"  # the button that asks for one more item of a list
INTENT = "intent"  # "save" (a draft) or "submit" (a notice) / "send" (a diffusion)

REASONS_REQUIRED = N_("give the reasons in writing")
RECORD_NUMBER = N_("give the number of a record")
CHOOSE_ROLE = N_("choose a role")
CHOOSE_REGION = N_("choose among the regions")

# The fixed reasons the notices service gives for refusing a field or an action, marked so
# that the catalogs carry them; a reason built with a value stays in English (as the API).
SERVICE_REASONS = (
    N_("must be notice or diffusion"),
    N_("write 10 to 5000 characters"),
    N_("a notice is meant to be seen: all_members, listed or all_except"),
    N_("a diffusion is seen by its recipients: choose them instead"),
    N_("only red, yellow and UN notices may have a public extract"),
    N_("choose the countries, regions or all members to send to"),
    N_("must be publish, request_information or refuse"),
    N_("this record is already named"),
    N_("the record is no longer active"),
    N_("a red notice for prosecution needs the offence's maximum penalty"),
    N_("a red notice to serve a sentence needs the time left to serve"),
    N_(
        "a red notice needs the person's date of birth, or a fingerprint, DNA or face record "
        "linked to the person, to identify them"
    ),
    N_("only the requesting NCB changes its request"),
    N_("the review queue is for the compliance reviewers"),
    N_("the review dashboard is for the compliance reviewers"),
    N_(
        "decisions are taken by the General Secretariat's compliance reviewers, signed in "
        "with their second factor"
    ),
    N_("a reviewer decides on no request of their own country"),
    N_("receipt is acknowledged by the NCB of a country it was sent to"),
    N_("silver notices are requested only by NCBs of the pilot's countries"),
    N_("notices and diffusions are requested by an NCB's officers"),
    N_("a diffusion is sent, not submitted: send it to its recipients"),
    N_("a notice is submitted for review, not sent"),
    N_("only a diffusion is turned into a notice request"),
)
# What each kind must carry (content.REQUIRED and DIFFUSION_REQUIRED), as the checks say it.
REQUIRED_MEANINGS = (
    N_("a one-line summary of the case"),
    N_("a one-line summary"),
    N_("the facts of the case"),
    N_("at least one offence"),
    N_("the offence's category"),
    N_("what the offence is"),
    N_("the law that makes it an offence"),
    N_("prosecution or to serve a sentence"),
    N_("an arrest warrant or a judgement"),
    N_("the warrant's or judgement's reference"),
    N_("the date it was issued"),
    N_("the authority that issued it"),
    N_("the date of disappearance"),
    N_("the place of disappearance"),
    N_("why the information is sought"),
    N_("identity, location or activities"),
    N_("when the body was found"),
    N_("where the body was found"),
    N_("at least one thing that may identify the body"),
    N_("the criminal activity warned of"),
    N_("the offence the person was convicted of"),
    N_("the date of the conviction"),
    N_("the court that convicted"),
    N_("an event, a person, an object or a process"),
    N_("the threat"),
    N_("the case it comes from"),
    N_("the modus operandi"),
    N_("the criminal activity the assets are linked to"),
    N_("at least one asset to locate"),
    N_("the Security Council committee"),
    N_("the committee's reference"),
    N_("at least one measure"),
)
_REQUIRED_FOR = re.compile(r"^required for an? [a-z]+ (?:notice|diffusion): (?P<meaning>.+)$")
_NO_RECORD = re.compile(r"^no record (?P<number>\d+) you can see$")
_NEEDS_SUBJECT = re.compile(r"^this kind of request needs its subject: a record of (?P<kinds>.+)$")
# The messages of the content model's validation that a form can provoke, by their start.
_VALIDATION_REASONS = (
    ("Input should be a valid integer", N_("give a whole number")),
    ("Input should be a valid date", N_("give a date (YYYY-MM-DD)")),
    ("Input should be greater than or equal to", N_("the number is too small")),
    ("Input should be less than or equal to", N_("the number is too large")),
    ("String should have at most", N_("this text is too long")),
    ("String should have at least", N_("give a value")),
    ("Input should be 'true' or 'false'", N_("choose yes or no")),
    ("Input should be a valid boolean", N_("choose yes or no")),
    ("Input should be", N_("choose one of the options")),
    ("List should have at most", N_("too many items")),
    ("Extra inputs are not permitted", N_("not a field of this kind of request")),
)


def reason_text(reason: str) -> str:
    """A refusal's reason in the visitor's language, where the portal knows its words."""
    if found := _REQUIRED_FOR.match(reason):
        return _("required: %(meaning)s") % {"meaning": _(found["meaning"])}
    if found := _NO_RECORD.match(reason):
        return _("no record %(number)s that you can see in full") % found.groupdict()
    if _NEEDS_SUBJECT.match(reason):
        return _("this kind of request needs its subject: name the record of a person")
    for start, msgid in _VALIDATION_REASONS:
        if reason.startswith(start):
            return _(msgid)
    return _(reason)


# ---------------------------------------------------------------- who may


def _pilot(settings: Settings) -> frozenset[str]:
    return service._pilot(settings)


def _may_request_any(principal: Principal) -> bool:
    return access.may_request(principal, NoticeType.RED.value, pilot=())


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class TypeChoice:
    kind: str
    type: str
    label: str
    asks: str


def _type_choices(principal: Principal, settings: Settings) -> list[TypeChoice]:
    """Every kind of notice and diffusion, the silver notice only for those who may use it."""
    pilot = _pilot(settings)
    choices = []
    for notice_type in NoticeType:
        if (
            notice_type is NoticeType.SILVER
            and not access.may_request(principal, notice_type.value, pilot=pilot)
            and not access.is_reviewer(principal)
        ):
            continue
        choices.append(_type_choice(Kind.NOTICE.value, notice_type.value))
    for diffusion_type in DiffusionType:
        choices.append(_type_choice(Kind.DIFFUSION.value, diffusion_type.value))
    return choices


def _type_choice(kind: str, type_: str) -> TypeChoice:
    if kind == Kind.DIFFUSION:
        asks = DIFFUSION_ASKS[DiffusionType(type_)]
    else:
        asks = ASKS[NoticeType(type_)]
    return TypeChoice(kind, type_, printing.type_label(kind, type_), _(asks))


def _kind_of_type(type_: str) -> str:
    """The kind a type belongs to (the types of notices and diffusions never share a name)."""
    return Kind.DIFFUSION.value if type_ in {t.value for t in DiffusionType} else Kind.NOTICE.value


def _errors_of(problems: Iterable[FieldProblem]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in problems:
        text = reason_text(problem.reason)
        errors[problem.field] = (
            f"{errors[problem.field]}; {text}" if problem.field in errors else text
        )
    return errors


def _common(visitor: Visitor) -> dict[str, Any]:
    lang = visitor.lang
    return {
        "type_label": printing.type_label,
        "tone": lambda kind, type_: rules.notice_type_of(kind, type_).value,
        "status_label": lambda value: printing.label(printing.STATUS_LABELS, value),
        "kind_label": lambda value: printing.label(printing.KIND_LABELS, value),
        "country_name": lambda code: printing.country_name(code, lang),
        "when": lambda value: i18n.format_datetime(value, lang) if value else "—",
        "day": lambda value: printing.date_text(value, lang) if value else "—",
    }


@router.get("/notices", response_class=HTMLResponse)
def notice_list(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    kind: Filter = None,
    type: Filter = None,
    status: Filter = None,
    requesting_country: Annotated[str | None, Query(max_length=3)] = None,
    mine: Annotated[bool, Query()] = False,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    filters = {
        "kind": (kind or "").strip(),
        "type": (type or "").strip(),
        "status": (status or "").strip(),
        "requesting_country": (requesting_country or "").strip().upper(),
        "q": (q or "").strip(),
    }
    errors: dict[str, str] = {}
    try:
        result = service.list_notices(
            session,
            settings=settings,
            principal=principal,
            kind=filters["kind"] or None,
            type=filters["type"] or None,
            status=filters["status"] or None,
            requesting_country=filters["requesting_country"] or None,
            mine=mine,
            search=filters["q"] or None,
            page=page,
            per_page=PER_PAGE,
        )
    except InvalidInput as exc:
        session.rollback()
        errors = _errors_of(exc.problems) or {"_": reason_text(exc.detail)}
        result = Page([], 1, PER_PAGE, 0)
    query = "&".join(
        f"{name}={value}" for name, value in _url_values(filters, mine).items() if value
    )
    return visitor.render(
        "notices/list.html",
        status_code=422 if errors else 200,
        page=result,
        filters=filters,
        mine=mine,
        errors=errors,
        base=f"/notices?{query}&" if query else "/notices?",
        type_choices=_type_choices(principal, settings),
        statuses=[(s.value, printing.label(printing.STATUS_LABELS, s.value)) for s in Status],
        countries=Choices.for_language(visitor.lang).countries,
        may_request=_may_request_any(principal),
        reviewer=access.is_reviewer(principal),
        **_common(visitor),
    )


def _url_values(filters: Mapping[str, str], mine: bool) -> dict[str, str]:
    values = {name: quote(value, safe="") for name, value in filters.items()}
    values["mine"] = "true" if mine else ""
    return values


# ---------------------------------------------------------------- the request form


@dataclass(frozen=True)
class _Input:
    """One input of the content's form: its name under its group, widget and choices."""

    name: str
    widget: str  # text, textarea, date, integer, select, boolean, choices
    options: str = ""  # the key of printing.OPTION_LABELS


_CASE = (
    _Input("summary", "text"),
    _Input("facts", "textarea"),
    _Input("purpose", "select", "purpose"),
    _Input("information_sought", "choices", "information_sought"),
)
_RISK = (
    _Input("subject_refugee_status", "select", "subject_refugee_status"),
    _Input("victim_is_state", "boolean"),
)
_GROUPS: dict[str, tuple[_Input, ...]] = {
    "legal_basis": (
        _Input("kind", "select", "legal_basis.kind"),
        _Input("reference", "text"),
        _Input("date", "date"),
        _Input("authority", "text"),
    ),
    "sentence": (_Input("imposed_months", "integer"), _Input("remaining_months", "integer")),
    "disappearance": (
        _Input("date", "date"),
        _Input("place", "text"),
        _Input("circumstances", "textarea"),
    ),
    "body": (
        _Input("date", "date"),
        _Input("place", "text"),
        _Input("sex", "select", "body.sex"),
        _Input("estimated_age", "text"),
        _Input("description", "textarea"),
    ),
    "conviction": (
        _Input("offence", "text"),
        _Input("date", "date"),
        _Input("court", "text"),
        _Input("sentence", "text"),
    ),
    "threat": (
        _Input("kind", "select", "threat.kind"),
        _Input("description", "textarea"),
        _Input("valid_until", "date"),
    ),
    "modus_operandi": (
        _Input("description", "textarea"),
        _Input("objects", "textarea"),
        _Input("devices", "textarea"),
        _Input("concealment", "textarea"),
    ),
    "sanction": (
        _Input("committee", "text"),
        _Input("reference", "text"),
        _Input("measures", "choices", "sanction.measures"),
        _Input("listed_on", "date"),
    ),
}
_LISTS: dict[str, tuple[_Input, ...]] = {
    "offences": (
        _Input("category", "select", "offences.category"),
        _Input("description", "textarea"),
        _Input("legal_provision", "text"),
        _Input("committed_on", "date"),
        _Input("place", "text"),
        _Input("max_penalty_months", "integer"),
        _Input("life_imprisonment", "boolean"),
        _Input("death_penalty", "boolean"),
    ),
    "assets": (
        _Input("kind", "select", "assets.kind"),
        _Input("description", "textarea"),
        _Input("location", "text"),
    ),
    "body.identifiers": (
        _Input("kind", "select", "body.identifiers.kind"),
        _Input("description", "textarea"),
    ),
}
_ITEM_LABELS = {
    "offences": N_("Offence %(number)s"),
    "assets": N_("Asset %(number)s"),
    "body.identifiers": N_("Identifier %(number)s"),
    "subjects": N_("Record %(number)s"),
}
_MAX_ITEMS = {"offences": 20, "assets": 50, "body.identifiers": 20, "subjects": 50}
# The order of the form's groups and lists, as a sheet reads them.
_ORDER = (
    "offences",
    "legal_basis",
    "sentence",
    "disappearance",
    "body",
    "conviction",
    "threat",
    "modus_operandi",
    "assets",
    "sanction",
)

Values = Mapping[str, Sequence[str]]


def _given(values: Values, name: str) -> list[str]:
    return [str(v) for v in values.get(name, ())]


def _one(values: Values, name: str) -> str:
    found = _given(values, name)
    return found[-1].strip() if found else ""


def _required_paths(kind: str, type_: str) -> set[str]:
    """The form's paths of what the kind must carry ("content.offences.category" for
    "offences[].category", "content.offences" for "offences[]")."""
    table = (
        rules.DIFFUSION_REQUIRED[DiffusionType(type_)]
        if kind == Kind.DIFFUSION
        else rules.REQUIRED[NoticeType(type_)]
    )
    return {"content." + path.replace("[]", "") for path, _meaning in table}


def _options(key: str) -> list[tuple[str, str]]:
    return [(value, _(text)) for value, text in printing.OPTION_LABELS.get(key, {}).items()]


def _input_control(
    path: str, bare: str, spec: _Input, values: Values, required: set[str]
) -> Control:
    control = Control(
        path,
        printing.field_label(bare),
        spec.widget,
        required=f"content.{bare}" in required,
        values=_given(values, path),
    )
    if spec.widget in ("select", "choices"):
        control.options = _with_given(_options(spec.options), control.values)
    elif spec.widget == "boolean":
        control.options = [("true", _("Yes")), ("false", _("No"))]
    return control


def _with_given(options: list[tuple[str, str]], given: Iterable[str]) -> list[tuple[str, str]]:
    """The options, with a given value that is not one of them kept (shown back, refused by
    the service by name rather than silently dropped)."""
    known = {value for value, _label in options}
    extra = [(v, v) for v in dict.fromkeys(given) if v and v not in known]
    return [*extra, *options]


def _indices(values: Values, prefix: str) -> list[int]:
    found = set()
    for key in values:
        if key.startswith(prefix):
            head = key[len(prefix) :].split(".", 1)[0]
            if is_ascii_number(head) and len(head) <= 3:
                found.add(int(head))
    return sorted(found)


def _list_control(
    path: str,
    bare: str,
    inputs: Sequence[_Input],
    values: Values,
    more: set[str],
    required: set[str],
) -> Control:
    present = _indices(values, path + ".")
    high = min(_MAX_ITEMS[bare], MAX_SHOWN_ITEMS)
    count = max(1, (present[-1] + 1) if present else 0)
    count = min(count + (1 if path in more else 0), high)
    control = Control(
        path,
        printing.field_label(bare) if bare != "subjects" else _("Records the request concerns"),
        "group_list",
        required=f"content.{bare}" in required,
        more=count < high,
    )
    for index in range(count):
        item = Control(f"{path}.{index}", _(_ITEM_LABELS[bare]) % {"number": index + 1}, "group")
        item.children = [
            _input_control(
                f"{path}.{index}.{spec.name}", f"{bare}.{spec.name}", spec, values, required
            )
            for spec in inputs
        ]
        control.children.append(item)
    return control


def content_controls(kind: str, type_: str, values: Values, more: set[str]) -> list[Control]:
    """The content part of the form of a kind, holding the given values."""
    uses = rules.COMMON_FIELDS | rules.FIELDS[rules.notice_type_of(kind, type_)]
    required = _required_paths(kind, type_)
    controls = [
        _input_control(f"content.{spec.name}", spec.name, spec, values, required)
        for spec in _CASE
        if spec.name in uses
    ]
    for name in _ORDER:
        if name not in uses:
            continue
        path = f"content.{name}"
        if name in _LISTS:
            controls.append(_list_control(path, name, _LISTS[name], values, more, required))
            continue
        group = Control(path, printing.field_label(name), "group")
        group.children = [
            _input_control(f"{path}.{spec.name}", f"{name}.{spec.name}", spec, values, required)
            for spec in _GROUPS[name]
        ]
        if name == "body":
            group.children.append(
                _list_control(
                    "content.body.identifiers",
                    "body.identifiers",
                    _LISTS["body.identifiers"],
                    values,
                    more,
                    required,
                )
            )
        controls.append(group)
    risk = Control("content.risk", _("What the reviewers need to know"), "group")
    risk.children = [
        _input_control(f"content.{spec.name}", spec.name, spec, values, required) for spec in _RISK
    ]
    risk.hint = _(
        "Tell the reviewers if the subject is a refugee or asylum seeker, or if your state or "
        "its officials are the victim: the request is checked against Article 3."
    )
    controls.append(risk)
    return controls


def subject_controls(kind: str, type_: str, values: Values, more: set[str]) -> list[Control]:
    roles = [(r.value, printing.label(printing.ROLE_LABELS, r.value)) for r in SubjectRole]
    subjects = _list_control(
        "subjects",
        "subjects",
        (_Input("record_id", "integer"), _Input("role", "select")),
        values,
        more,
        set(),
    )
    needs = rules.SUBJECT_KINDS[rules.notice_type_of(kind, type_)] is not None
    subjects.required = needs
    subjects.hint = _(
        "The number of each record the request concerns, as on the record's page: the person "
        "(or the organization), their documents, objects. Biometric records linked to the "
        "person are added by themselves."
    )
    for item in subjects.children:
        record_id, role = item.children
        record_id.label = _("Record number")
        role.label = _("Role")
        role.options = _with_given(roles, role.values)
        if not role.values:
            role.values = [SubjectRole.SUBJECT.value]
    return [subjects]


def _countries_control(
    path: str, label: str, values: Values, countries: list[tuple[str, str]], *, hint: str
) -> Control:
    """A choice of several countries, a given code that is no country's kept."""
    given = _given(values, path)
    return Control(
        path,
        label,
        "countries",
        values=given,
        options=_with_given(countries, given),
        hint=hint,
    )


def policy_controls(kind: str, type_: str, values: Values, lang: str) -> list[Control]:
    """Who may see a notice (its access policy and public extract), or whom a diffusion
    goes to."""
    countries = list(Choices.for_language(lang).countries)
    regions = [(r.value, printing.region_name(r.value, lang)) for r in reference.Region]
    if kind == Kind.DIFFUSION:
        return [
            Control(
                "recipients.all_members",
                _("Every member country"),
                "choices",
                values=_given(values, "recipients.all_members"),
                options=[("true", _("Send to every member country"))],
            ),
            Control(
                "recipients.regions",
                _("Regions"),
                "choices",
                values=_given(values, "recipients.regions"),
                options=regions,
            ),
            _countries_control(
                "recipients.countries",
                _("Countries"),
                values,
                countries,
                hint=_("Hold Ctrl (or Cmd) to choose several."),
            ),
        ]
    modes = [
        (mode, printing.label(printing.ACCESS_MODE_LABELS, mode))
        for mode in printing.ACCESS_MODE_LABELS
    ]
    controls = [
        Control(
            "access_policy.mode",
            _("Who may see it once published"),
            "select",
            required=True,
            values=_given(values, "access_policy.mode") or ["all_members"],
            options=_with_given(modes, _given(values, "access_policy.mode")),
        ),
        _countries_control(
            "access_policy.countries",
            _("Countries listed"),
            values,
            countries,
            hint=_("For a notice seen only by the countries listed."),
        ),
        Control(
            "access_policy.regions",
            _("Regions listed"),
            "choices",
            values=_given(values, "access_policy.regions"),
            options=regions,
        ),
        _countries_control(
            "access_policy.excluded_countries",
            _("Countries excluded"),
            values,
            countries,
            hint=_("For a notice seen by all member countries except those listed."),
        ),
    ]
    if type_ in PUBLIC_TYPES:
        controls.append(
            Control(
                "public_extract",
                _("Public extract"),
                "choices",
                values=_given(values, "public_extract"),
                options=[
                    (
                        "true",
                        _(
                            "Once published, let the public see an extract (name, birth, "
                            "nationality, charges) on the public notices page"
                        ),
                    )
                ],
            )
        )
    return controls


def _all(controls: Sequence[Control]) -> Iterable[Control]:
    for control in controls:
        yield control
        yield from _all(control.children)


def place_errors(controls: Sequence[Control], problems: Sequence[FieldProblem]) -> list[str]:
    """Put each problem beside the input it names, or on the group of fields it falls under
    (`content.offences.0.max_penalty_months` on that input, `content.offences` on the list,
    `subjects.0` on that record's row, `recipients.countries.1` on the countries); returns
    those no control could carry, to be shown above the form."""
    by_path = {c.path: c for c in _all(controls)}
    left = []
    for problem in problems:
        reason = reason_text(problem.reason)
        parts = problem.field.split(".")
        target = None
        for end in range(len(parts), 0, -1):
            target = by_path.get(".".join(parts[:end]))
            if target is not None:
                break
        if target is None and parts[0] == "access_policy":
            target = by_path.get("access_policy.mode")
        if target is None and parts[0] == "recipients":
            target = by_path.get("recipients.countries")
        if target is None:
            left.append(reason if problem.field == "_" else f"{problem.field}: {reason}")
        else:
            target.error = f"{target.error}; {reason}" if target.error else reason
    return left


# ---------------------------------------------------------------- the submission


def submitted_values(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        if name not in ("csrf_token", "version", MORE, INTENT, "kind", "type"):
            values.setdefault(name, []).append(value)
    return values


def _filled(values: Values, prefix: str) -> bool:
    return any(
        k.startswith(prefix) and any(v.strip() for v in vs)
        for k, vs in values.items()
        if not k.endswith(".role")  # a row's role alone, with no record, is a blank row
    )


def compacted(values: Values) -> dict[str, list[str]]:
    """The submission with the blank rows of every list left out and the rest numbered from
    0, so that a refusal about offence 2 is about the second offence shown."""
    out = {k: list(v) for k, v in values.items()}
    for prefix in ("content.offences", "content.assets", "content.body.identifiers", "subjects"):
        dotted = prefix + "."
        moved = {k: out.pop(k) for k in list(out) if k.startswith(dotted)}
        new = 0
        for index in _indices(moved, dotted):
            old = f"{dotted}{index}."
            if not _filled(moved, old):
                continue
            for key, given in moved.items():
                if key.startswith(old):
                    out[f"{dotted}{new}.{key[len(old) :]}"] = given
            new += 1
    return out


def _scalar(values: Values, path: str, spec: _Input) -> Any:
    if spec.widget == "choices":
        return [v for v in _given(values, path) if v.strip()] or None
    text = _one(values, path)
    if not text:
        return None
    if spec.widget == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def _group(values: Values, path: str, inputs: Sequence[_Input]) -> dict[str, Any]:
    data = {}
    for spec in inputs:
        value = _scalar(values, f"{path}.{spec.name}", spec)
        if value is not None:
            data[spec.name] = value
    return data


def _items(values: Values, path: str, inputs: Sequence[_Input]) -> list[dict[str, Any]]:
    return [_group(values, f"{path}.{index}", inputs) for index in _indices(values, path + ".")]


def parse_content(kind: str, type_: str, values: Values) -> dict[str, Any]:
    """The content of a (compacted) submission, as the service reads it: only the fields
    the kind uses, blanks left out; the service validates the rest."""
    uses = rules.COMMON_FIELDS | rules.FIELDS[rules.notice_type_of(kind, type_)]
    content: dict[str, Any] = {}
    for spec in (*_CASE, *_RISK):
        if spec.name in uses:
            value = _scalar(values, f"content.{spec.name}", spec)
            if value is not None:
                content[spec.name] = value
    for name in _ORDER:
        if name not in uses:
            continue
        path = f"content.{name}"
        if name in _LISTS:
            items = _items(values, path, _LISTS[name])
            if items:
                content[name] = items
            continue
        group = _group(values, path, _GROUPS[name])
        if name == "body":
            identifiers = _items(values, "content.body.identifiers", _LISTS["body.identifiers"])
            if identifiers:
                group["identifiers"] = identifiers
        if group:
            content[name] = group
    return content


def parse_subjects(values: Values) -> tuple[tuple[service.SubjectIn, ...], list[FieldProblem]]:
    subjects = []
    problems = []
    roles = {r.value for r in SubjectRole}
    for index in _indices(values, "subjects."):
        number = _one(values, f"subjects.{index}.record_id")
        role = _one(values, f"subjects.{index}.role") or SubjectRole.SUBJECT.value
        if not number:
            continue
        if not is_ascii_number(number) or len(number) > 15 or int(number) < 1:
            problems.append(FieldProblem(f"subjects.{index}.record_id", RECORD_NUMBER))
            continue
        if role not in roles:
            problems.append(FieldProblem(f"subjects.{index}.role", CHOOSE_ROLE))
            continue
        subjects.append(service.SubjectIn(int(number), SubjectRole(role)))
    return tuple(subjects), problems


def parse_policy(values: Values) -> tuple[record_access.AccessPolicy | None, list[FieldProblem]]:
    raw: dict[str, Any] = {"mode": _one(values, "access_policy.mode") or "all_members"}
    for part in ("countries", "regions", "excluded_countries", "agency_kinds", "specialties"):
        raw[part] = [v for v in _given(values, f"access_policy.{part}") if v.strip()]
    try:
        return record_access.AccessPolicy.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            location = [str(p) for p in error.get("loc", ()) if not is_ascii_number(str(p))]
            path = ".".join(["access_policy", *location]) if location else "access_policy.mode"
            reason = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
            problems.append(FieldProblem(path, reason))
        return None, problems


def parse_recipients(values: Values) -> tuple[service.Recipients, list[FieldProblem]]:
    regions = []
    problems = []
    for value in _given(values, "recipients.regions"):
        try:
            regions.append(reference.Region(value))
        except ValueError:
            problems.append(FieldProblem("recipients.regions", CHOOSE_REGION))
    countries = tuple(v.strip() for v in _given(values, "recipients.countries") if v.strip())
    every = "true" in _given(values, "recipients.all_members")
    return service.Recipients(countries, tuple(dict.fromkeys(regions)), every), problems


def parse_draft(
    kind: str, type_: str, values: Values
) -> tuple[service.Draft | None, list[FieldProblem]]:
    """The draft of a (compacted) submission, or the problems the form itself finds (the
    content's own are found too, so that every problem is listed at once)."""
    content = parse_content(kind, type_, values)
    subjects, problems = parse_subjects(values)
    policy = recipients = None
    if kind == Kind.DIFFUSION:
        recipients, found = parse_recipients(values)
    else:
        policy, found = parse_policy(values)
    problems += found
    if problems:
        try:
            service._content(Kind(kind), type_, content)
        except InvalidInput as exc:
            problems = exc.problems + problems
        return None, problems
    draft = service.Draft(
        content=content,
        subjects=subjects,
        access_policy=policy,
        public_extract="true" in _given(values, "public_extract"),
        recipients=recipients,
    )
    return draft, []


def notice_values(notice: Notice) -> dict[str, list[str]]:
    """The form's values of a stored request: its content, subjects and policy or recipients."""
    values: dict[str, list[str]] = {}
    _flatten("content", notice.content or {}, values)
    for index, subject in enumerate(notice.subjects):
        values[f"subjects.{index}.record_id"] = [str(subject.record_id)]
        values[f"subjects.{index}.role"] = [subject.role]
    if notice.kind == Kind.DIFFUSION:
        values["recipients.countries"] = [r.country for r in notice.recipients]
    else:
        names = {
            "country": "countries",
            "region": "regions",
            "exclude": "excluded_countries",
            "agency_kind": "agency_kinds",
            "specialty": "specialties",
        }
        values["access_policy.mode"] = [notice.access_mode]
        for grant in notice.grants:
            values.setdefault(f"access_policy.{names[grant.grant_type]}", []).append(grant.value)
        if notice.public_extract:
            values["public_extract"] = ["true"]
    return values


def _flatten(prefix: str, value: Any, out: dict[str, list[str]]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}", item, out)
    elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
        for index, item in enumerate(value):
            _flatten(f"{prefix}.{index}", item, out)
    elif isinstance(value, list):
        out[prefix] = [_text(item) for item in value]
    elif value is not None:
        out[prefix] = [_text(value)]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------- the form's pages


def _new_kind_and_type(kind: str | None, type_: str | None) -> tuple[str, str] | None:
    if kind == Kind.NOTICE and type_ in {t.value for t in NoticeType}:
        return kind, type_
    if kind == Kind.DIFFUSION and type_ in {t.value for t in DiffusionType}:
        return kind, type_
    return None


def _requester(visitor: Visitor, settings: Settings, type_: str) -> Principal:
    principal = visitor.principal()
    if not access.may_request(principal, type_, pilot=_pilot(settings)):
        if type_ == NoticeType.SILVER:
            raise PermissionDenied(
                "silver notices are requested only by NCBs of the pilot's countries"
            )
        raise PermissionDenied("notices and diffusions are requested by an NCB's officers")
    return principal


def _render_form(
    visitor: Visitor,
    kind: str,
    type_: str,
    values: Values,
    *,
    notice: Notice | None = None,
    more: set[str] | None = None,
    problems: Sequence[FieldProblem] = (),
    message: str = "",
    status_code: int = 200,
) -> Response:
    more = more or set()
    content = content_controls(kind, type_, values, more)
    subjects = subject_controls(kind, type_, values, more)
    policy = policy_controls(kind, type_, values, visitor.lang)
    every = [*content, *subjects, *policy]
    left = place_errors(every, problems)
    action = f"/notices/{notice.id}/edit" if notice is not None else "/notices/new"
    carried = {
        name: _given(values, name)
        for name in ("access_policy.agency_kinds", "access_policy.specialties")
        if kind == Kind.NOTICE
    }
    return visitor.render(
        "notices/form.html",
        status_code=status_code,
        kind=kind,
        type=type_,
        notice=notice,
        version=notice.version if notice is not None else None,
        action=action,
        content_controls=content,
        subject_controls=subjects,
        policy_controls=policy,
        carried=carried,
        with_errors=with_errors(every),
        unplaced=left,
        message=message,
        asks=_type_choice(kind, type_).asks,
        **_common(visitor),
    )


@router.get("/notices/new", response_class=HTMLResponse)
def new_notice_form(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    kind: Filter = None,
    type: Filter = None,
) -> Response:
    visitor = visit(request, session)
    chosen = _new_kind_and_type(kind, type)
    if chosen is None:
        principal = visitor.principal()
        if not _may_request_any(principal):
            raise PermissionDenied("notices and diffusions are requested by an NCB's officers")
        pilot = _pilot(settings)
        choices = [
            c
            for c in _type_choices(principal, settings)
            if c.kind == Kind.DIFFUSION or access.may_request(principal, c.type, pilot=pilot)
        ]
        return visitor.render(
            "notices/choose.html", choices=choices, unknown=bool(kind or type), **_common(visitor)
        )
    _requester(visitor, settings, chosen[1])
    return _render_form(visitor, *chosen, {"access_policy.mode": ["all_members"]})


def _intent(pairs: Sequence[tuple[str, str]]) -> str:
    found = [value for name, value in pairs if name == INTENT]
    return found[-1] if found else "save"


def _problems(exc: InvalidInput | Conflict) -> list[FieldProblem]:
    return exc.problems or [FieldProblem("_", exc.detail)]


def _go_on(
    session: Session, settings: Settings, principal: Principal, notice: Notice, intent: str
) -> list[FieldProblem]:
    """Submit a notice or send a diffusion just saved, when asked; in a savepoint, so that a
    refused submission keeps the saved draft. Returns the problems of a refusal."""
    if intent != "submit":
        return []
    action = service.send if notice.kind == Kind.DIFFUSION else service.submit
    try:
        with session.begin_nested():
            action(session, settings=settings, principal=principal, notice_id=notice.id)
    except (InvalidInput, Conflict) as exc:
        return _problems(exc)
    return []


def _sent_flash(notice: Notice) -> str:
    if notice.kind == Kind.DIFFUSION:
        return _("The diffusion has been sent to its recipients; the compliance review follows.")
    return _("The request has been submitted: it passed the automatic checks and awaits review.")


def _not_sent(notice: Notice) -> str:
    if notice.kind == Kind.DIFFUSION:
        return _("The draft is saved but not sent: correct the fields marked below.")
    return _("The draft is saved but not submitted: correct the fields marked below.")


@router.post("/notices/new", response_class=HTMLResponse)
def create_notice(
    request: Request, session: DbSession, settings: SettingsDep, pairs: FormPairs
) -> Response:
    visitor = visit(request, session)
    form = dict(pairs)
    chosen = _new_kind_and_type(form.get("kind"), form.get("type"))
    if chosen is None:
        return visitor.redirect("/notices/new")
    kind, type_ = chosen
    principal = _requester(visitor, settings, type_)
    visitor.check_csrf(form.get("csrf_token", ""))
    raw = submitted_values(pairs)
    more = {value for name, value in pairs if name == MORE}
    if more:
        return _render_form(visitor, kind, type_, raw, more=more)
    values = compacted(raw)
    draft, problems = parse_draft(kind, type_, values)
    if draft is not None:
        try:
            notice = service.create(
                session, settings=settings, principal=principal, kind=kind, type=type_, draft=draft
            )
        except (InvalidInput, Conflict) as exc:
            problems = _problems(exc)
        else:
            refused = _go_on(session, settings, principal, notice, _intent(pairs))
            if refused:
                session.refresh(notice)
                return _render_form(
                    visitor,
                    kind,
                    type_,
                    notice_values(notice),
                    notice=notice,
                    problems=refused,
                    message=_not_sent(notice),
                    status_code=422,
                )
            flash = (
                _sent_flash(notice)
                if _intent(pairs) == "submit"
                else _("The draft has been saved.")
            )
            return visitor.redirect(f"/notices/{notice.id}", flash=("success", flash))
    session.rollback()  # nothing of a refused request stays
    return _render_form(visitor, kind, type_, values, problems=problems, status_code=422)


def _changeable(
    visitor: Visitor, session: Session, settings: Settings, notice_id: int
) -> tuple[Principal, service.NoticeView]:
    principal = visitor.principal()
    view = service.get(session, settings=settings, principal=principal, notice_id=notice_id)
    if not view.may_change:
        if not access.may_change(principal, view.notice):
            raise PermissionDenied("only the requesting NCB changes its request")
        raise Conflict(f"a {view.notice.status} {view.notice.kind} cannot be changed")
    return principal, view


@router.get("/notices/{notice_id:int}/edit", response_class=HTMLResponse)
def edit_notice_form(
    request: Request, session: DbSession, settings: SettingsDep, notice_id: NoticeId
) -> Response:
    visitor = visit(request, session)
    _principal, view = _changeable(visitor, session, settings, notice_id)
    notice = view.notice
    return _render_form(visitor, notice.kind, notice.type, notice_values(notice), notice=notice)


@router.post("/notices/{notice_id:int}/edit", response_class=HTMLResponse)
def update_notice(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    notice_id: NoticeId,
    pairs: FormPairs,
) -> Response:
    visitor = visit(request, session)
    principal, view = _changeable(visitor, session, settings, notice_id)
    notice = view.notice
    form = dict(pairs)
    visitor.check_csrf(form.get("csrf_token", ""))
    raw = submitted_values(pairs)
    more = {value for name, value in pairs if name == MORE}
    if more:
        return _render_form(visitor, notice.kind, notice.type, raw, notice=notice, more=more)
    values = compacted(raw)
    raw_version = form.get("version", "").strip()
    version = int(raw_version) if is_ascii_number(raw_version) and len(raw_version) < 10 else 0
    draft, problems = parse_draft(notice.kind, notice.type, values)
    message = ""
    status_code = 422
    if draft is not None:
        try:
            service.update(
                session,
                settings=settings,
                principal=principal,
                notice_id=notice.id,
                draft=draft,
                version=version,
            )
        except Conflict as exc:
            problems = [p for p in exc.problems if p.field != "version"]
            message = reason_text(exc.detail)
            if any(p.field == "version" for p in exc.problems):
                message = _(
                    "Someone changed this request after you opened it. Your changes are below "
                    "but not saved: open the request again, then make them once more."
                )
            status_code = 409
        except InvalidInput as exc:
            problems = _problems(exc)
        else:
            refused = _go_on(session, settings, principal, notice, _intent(pairs))
            if refused:
                session.refresh(notice)
                return _render_form(
                    visitor,
                    notice.kind,
                    notice.type,
                    notice_values(notice),
                    notice=notice,
                    problems=refused,
                    message=_not_sent(notice),
                    status_code=422,
                )
            if _intent(pairs) == "submit":
                flash = _sent_flash(notice)
            elif notice.status in (Status.PUBLISHED, Status.CIRCULATED):
                flash = _("The change has been saved, checked and sent back to the reviewers.")
            else:
                flash = _("The request has been changed.")
            return visitor.redirect(f"/notices/{notice.id}", flash=("success", flash))
    session.rollback()
    notice = service.get(
        session, settings=settings, principal=principal, notice_id=notice_id
    ).notice
    return _render_form(
        visitor,
        notice.kind,
        notice.type,
        values,
        notice=notice,
        problems=problems,
        message=message,
        status_code=status_code,
    )


# ---------------------------------------------------------------- a notice's page


@dataclass
class FlagView:
    title: str
    field: str
    reason: str
    evidence: str | None
    article: str | None


def _flag_view(flag: Mapping[str, Any]) -> FlagView:
    code = str(flag.get("code", ""))
    article = flag.get("article")
    title = printing.FLAG_LABELS.get(code)
    if title is None:
        title = _("Article %(article)s") % {"article": article} if article else code
    else:
        title = _(title)
    field_name = str(flag.get("field", ""))
    return FlagView(
        title=title,
        field=printing.field_label(field_name.removeprefix("content."))
        if field_name.startswith("content.")
        else _flag_field(field_name),
        reason=str(flag.get("reason", "")),
        evidence=flag.get("evidence"),
        article=str(article) if article else None,
    )


def _flag_field(name: str) -> str:
    if name.startswith("subjects"):
        return _("Subjects")
    labels = {
        "subject_refugee_status": printing.field_label("subject_refugee_status"),
        "victim_is_state": printing.field_label("victim_is_state"),
        "death_penalty": printing.field_label("offences.death_penalty"),
        "subject_minor": _("The subject's age"),
    }
    return labels.get(name, name)


def _may_extend(principal: Principal, notice: Notice) -> bool:
    if not access.may_change(principal, notice) or notice.status not in LIVE:
        return False
    return notice.expires_at is not None and notice.expires_at - utcnow() <= service.RENEWAL_NOTICE


def _actions(principal: Principal, view: service.NoticeView) -> dict[str, bool]:
    notice = view.notice
    owner = access.may_change(principal, notice)
    ended = Status(notice.status) in ENDED
    diffusion = notice.kind == Kind.DIFFUSION
    return {
        "edit": view.may_change,
        "submit": owner
        and not diffusion
        and notice.status in (Status.DRAFT, Status.INFORMATION_REQUESTED),
        "send": owner and diffusion and notice.status == Status.DRAFT,
        "end": owner and not ended,
        "extend": _may_extend(principal, notice),
        "acknowledge": diffusion
        and view.acknowledged is False
        and notice.status == Status.CIRCULATED,
        "convert": owner and diffusion and not ended,
        "decide": view.may_decide,
    }


def _policy_rows(notice: Notice, lang: str) -> list[tuple[str, str]]:
    rows = [(_("Who may see it"), printing.label(printing.ACCESS_MODE_LABELS, notice.access_mode))]
    countries = [g.value for g in notice.grants if g.grant_type == "country"]
    regions = [g.value for g in notice.grants if g.grant_type == "region"]
    excluded = [g.value for g in notice.grants if g.grant_type == "exclude"]
    if countries:
        rows.append(
            (_("Countries listed"), ", ".join(printing.country_name(c, lang) for c in countries))
        )
    if regions:
        rows.append(
            (_("Regions listed"), ", ".join(printing.region_name(r, lang) for r in regions))
        )
    if excluded:
        rows.append(
            (_("Countries excluded"), ", ".join(printing.country_name(c, lang) for c in excluded))
        )
    if notice.kind == Kind.NOTICE and notice.type in PUBLIC_TYPES:
        rows.append(
            (
                _("Public extract"),
                _("Yes, once published") if notice.public_extract else _("No"),
            )
        )
    return rows


def _render_detail(
    visitor: Visitor,
    session: Session,
    settings: Settings,
    notice_id: int,
    *,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    open_form: str = "",
    message: str = "",
    status_code: int = 200,
) -> Response:
    principal = visitor.principal()
    view = service.get(session, settings=settings, principal=principal, notice_id=notice_id)
    notice = view.notice
    own = access.is_own(principal, notice)
    reviewer = access.is_reviewer(principal)
    flags = [_flag_view(f) for f in view.flags]
    return visitor.render(
        "notices/detail.html",
        status_code=status_code,
        view=view,
        notice=notice,
        own=own,
        reviewer=reviewer,
        sections=printing.content_sections(
            notice.kind, notice.type, notice.content or {}, visitor.lang, internal=own or reviewer
        ),
        identity=printing.identity(session, principal, notice, visitor.lang),
        asks=_(view.asks) if view.asks else "",
        article_flags=[f for f in flags if f.article],
        other_flags=[f for f in flags if not f.article],
        actions=_actions(principal, view),
        policy_rows=_policy_rows(notice, visitor.lang) if own or reviewer else [],
        decisions=[(d, _(printing.DECISION_LABELS[d])) for d in printing.DECISION_LABELS],
        review_label=printing.label(printing.REVIEW_STATE_LABELS, notice.review_state),
        event_label=lambda action: printing.label(printing.EVENT_LABELS, action),
        role_label=lambda role: printing.label(printing.ROLE_LABELS, role),
        renewal_due=notice.renewal_asked_at is not None and notice.status in LIVE,
        errors=errors or {},
        values=values or {},
        open_form=open_form,
        message=message,
        languages_for_print=tuple(i18n.LANGUAGES.values()),
        **_common(visitor),
    )


@router.get("/notices/{notice_id:int}", response_class=HTMLResponse)
def notice_page(
    request: Request, session: DbSession, settings: SettingsDep, notice_id: NoticeId
) -> Response:
    visitor = visit(request, session)
    return _render_detail(visitor, session, settings, notice_id)


_DONE = {
    "extend": N_("The request has been extended by five years."),
    "acknowledge": N_("Receipt of the diffusion has been acknowledged."),
    "cancel": N_("The request has been cancelled; it has left screening."),
    "withdraw": N_("The request has been withdrawn; it has left screening."),
}
_DECIDED = {
    "publish": N_("Decision recorded: the request is published or found compliant."),
    "request_information": N_("Decision recorded: information has been requested."),
    "refuse": N_("Decision recorded: the request is refused or withdrawn as non-compliant."),
}


@router.post("/notices/{notice_id:int}/{action}", response_class=HTMLResponse)
def notice_action(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    notice_id: NoticeId,
    action: Annotated[
        str, Path(pattern=r"^(submit|send|extend|acknowledge|convert|cancel|withdraw|decide)$")
    ],
    pairs: FormPairs,
) -> Response:
    """One of the actions of a notice's page; a refusal shows the page again with the
    reason beside the action's form and what was typed kept."""
    visitor = visit(request, session)
    principal = visitor.principal()
    form = dict(pairs)
    visitor.check_csrf(form.get("csrf_token", ""))
    reasons = form.get("reasons", "")
    decision = form.get("decision", "")
    values = {"reasons": reasons, "decision": decision}
    try:
        if action in ("submit", "send"):
            notice = getattr(service, action)(
                session, settings=settings, principal=principal, notice_id=notice_id
            )
            return visitor.redirect(f"/notices/{notice_id}", flash=("success", _sent_flash(notice)))
        if action == "convert":
            created = service.convert(
                session, settings=settings, principal=principal, notice_id=notice_id
            )
            return visitor.redirect(
                f"/notices/{created.id}",
                flash=(
                    "success",
                    _(
                        "The diffusion has been turned into a notice request: complete and submit it."
                    ),
                ),
            )
        if action in ("extend", "acknowledge"):
            getattr(service, action)(
                session, settings=settings, principal=principal, notice_id=notice_id
            )
            return visitor.redirect(f"/notices/{notice_id}", flash=("success", _(_DONE[action])))
        if action in ("cancel", "withdraw"):
            getattr(service, action)(
                session,
                settings=settings,
                principal=principal,
                notice_id=notice_id,
                reasons=reasons,
            )
            return visitor.redirect(f"/notices/{notice_id}", flash=("success", _(_DONE[action])))
        service.decide(
            session,
            settings=settings,
            principal=principal,
            notice_id=notice_id,
            decision=decision,
            reasons=reasons,
        )
        return visitor.redirect(
            f"/notices/{notice_id}",
            flash=("success", _(_DECIDED.get(decision, _DECIDED["publish"]))),
        )
    except InvalidInput as exc:
        session.rollback()
        if action in ("submit", "send") and exc.problems:
            return _refused_submission(visitor, session, settings, principal, notice_id, exc)
        return _render_detail(
            visitor,
            session,
            settings,
            notice_id,
            errors=_errors_of(exc.problems) or {"_": reason_text(exc.detail)},
            values=values,
            open_form=action,
            status_code=422,
        )
    except Conflict as exc:
        session.rollback()
        return _render_detail(
            visitor,
            session,
            settings,
            notice_id,
            values=values,
            open_form=action,
            message=reason_text(exc.detail),
            status_code=409,
        )


def _refused_submission(
    visitor: Visitor,
    session: Session,
    settings: Settings,
    principal: Principal,
    notice_id: int,
    exc: InvalidInput,
) -> Response:
    """A submission the checks refused: the request's form, each problem beside its field."""
    view = service.get(session, settings=settings, principal=principal, notice_id=notice_id)
    notice = view.notice
    if not view.may_change:
        return _render_detail(
            visitor,
            session,
            settings,
            notice_id,
            errors=_errors_of(exc.problems),
            status_code=422,
        )
    return _render_form(
        visitor,
        notice.kind,
        notice.type,
        notice_values(notice),
        notice=notice,
        problems=exc.problems,
        message=_("The request was not sent: correct the fields marked below, then try again."),
        status_code=422,
    )


# ---------------------------------------------------------------- the review


@dataclass
class QueueRow:
    notice: Notice
    hours: float | None
    over_target: bool


@router.get("/notices/review", response_class=HTMLResponse)
def review_queue(
    request: Request, session: DbSession, settings: SettingsDep, page: PageQuery = 1
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    result = service.review_queue(session, principal=principal, page=page, per_page=QUEUE_PER_PAGE)
    now = utcnow()
    target = settings.notice_review_target_hours
    rows = []
    for notice in result.items:
        hours = (now - notice.queued_at).total_seconds() / 3600 if notice.queued_at else None
        rows.append(QueueRow(notice, hours, hours is not None and hours > target))
    return visitor.render(
        "notices/review.html",
        page=result,
        rows=rows,
        target=target,
        hours=lambda value: i18n.format_number(round(value, 1), visitor.lang),
        review_label=lambda value: printing.label(printing.REVIEW_STATE_LABELS, value),
        **_common(visitor),
    )


def column_chart(
    chart_id: str, title: str, days: Sequence[tuple[str, int]], rtl: bool, lang: str
) -> Chart:
    """Decisions a day, a column each, time running in the reading direction."""
    height = 160
    chart = Chart(chart_id, title, CHART_WIDTH, height + 24)
    if not days:
        return chart
    top = max(count for _day, count in days) or 1
    step = CHART_WIDTH / len(days)
    width = min(28.0, max(2.0, step * 0.7))
    for index, (day, count) in enumerate(days):
        x = index * step + (step - width) / 2
        if rtl:
            x = CHART_WIDTH - x - width
        bar_height = max(1.0, (height - 16) * count / top)
        chart.bars.append(
            Bar(
                label=printing.date_text(day, lang),
                value=count,
                text=i18n.format_number(count, lang),
                x=round(x, 1),
                y=round(height - bar_height, 1),
                width=round(width, 1),
                height=round(bar_height, 1),
                label_x=round(x + width / 2, 1),
                label_y=round(height - bar_height - 3, 1),
            )
        )
    for index in sorted({0, len(days) - 1}):
        bar = chart.bars[index]
        chart.axis.append((bar.label_x, bar.label))
    return chart


def timing_chart(figures: service.Dashboard, rtl: bool, lang: str) -> Chart:
    """The median and the 90th percentile of the time to decision against the target."""
    target = float(figures.target_hours)
    rows = [
        (_("Median"), figures.median_hours),
        (_("90th percentile"), figures.p90_hours),
    ]
    known = [(label, value) for label, value in rows if value is not None]
    top = max([target, *(value for _label, value in known)]) * 1.15
    chart = Chart("chart-timing", _("Time to decision (hours)"), CHART_WIDTH, 2 * ROW_HEIGHT + 18)
    span = CHART_WIDTH - 80
    for index, (label, value) in enumerate(known):
        width = max(1.0, span * value / top)
        y = index * ROW_HEIGHT
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                text=_("%(hours)s h") % {"hours": i18n.format_number(value, lang)},
                x=round(CHART_WIDTH - width if rtl else 0.0, 1),
                y=y + 16,
                width=round(width, 1),
                height=BAR_HEIGHT,
                label_x=CHART_WIDTH if rtl else 0,
                label_y=y + 12,
                colour="#b00020" if value > target else "#0f5132",
            )
        )
    target_x = span * target / top
    chart.target_x = round(CHART_WIDTH - target_x if rtl else target_x, 1)
    chart.target_text = _("Target: %(hours)s h") % {"hours": i18n.format_number(target, lang)}
    return chart


@router.get("/notices/review/dashboard", response_class=HTMLResponse)
def review_dashboard(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    days: Annotated[int, Query(ge=1, le=3650)] = 90,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    figures = service.dashboard(session, settings=settings, principal=principal, days=days)
    lang = visitor.lang
    rtl = i18n.direction(lang) == "rtl"

    def number(value: float) -> str:
        return i18n.format_number(value, lang)

    kinds = {t: _kind_of_type(t) for t in figures.by_type}
    by_type = [
        (printing.type_label(kinds[t], t), float(n), number(n)) for t, n in figures.by_type.items()
    ]
    type_colours = [printing.colour(kinds[t], t) for t in figures.by_type]
    by_region = [
        (
            printing.region_name(r, lang) if r != "none" else _("No region"),
            float(n),
            number(n),
        )
        for r, n in figures.by_region.items()
    ]
    by_outcome = [
        (printing.label(printing.OUTCOME_LABELS, o), float(n), number(n))
        for o, n in figures.by_outcome.items()
    ]
    outcome_colours = [
        {"publish": "#0f5132", "request_information": "#8a5a00", "refuse": "#b00020"}.get(
            o, "#1d4e89"
        )
        for o in figures.by_outcome
    ]
    charts = [
        bar_chart("chart-type", _("Decisions by kind"), by_type, rtl, type_colours),
        bar_chart("chart-region", _("Decisions by requesting region"), by_region, rtl),
        bar_chart("chart-outcome", _("Decisions by outcome"), by_outcome, rtl, outcome_colours),
    ]
    return visitor.render(
        "notices/dashboard.html",
        figures=figures,
        days=days,
        charts=charts,
        per_day=column_chart("chart-day", _("Decisions per day"), figures.by_day, rtl, lang),
        timing=timing_chart(figures, rtl, lang) if figures.median_hours is not None else None,
        within_target=(
            i18n.format_number(round(100 * figures.within_target), lang)
            if figures.within_target is not None
            else None
        ),
        number=number,
        **_common(visitor),
    )


# ---------------------------------------------------------------- printing


def _print_language(visitor: Visitor, lang: str | None) -> str:
    return lang if lang in i18n.LANGUAGES else visitor.lang


@router.get("/notices/{notice_id:int}/print", response_class=HTMLResponse)
def print_page(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    notice_id: NoticeId,
    lang: Language = None,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    view = service.get(session, settings=settings, principal=principal, notice_id=notice_id)
    language = _print_language(visitor, lang)
    sheet = printing.build_sheet(session, principal, view, language)
    html = i18n.render(
        TEMPLATES,
        "notices/print.html",
        language,
        sheet=sheet,
        notice=view.notice,
        tone=rules.notice_type_of(view.notice.kind, view.notice.type).value,
        static_url="/static",
    )
    response = HTMLResponse(html)
    visitor.finish(response)
    return response


@router.get("/notices/{notice_id:int}/pdf")
def notice_pdf(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    notice_id: NoticeId,
    lang: Language = None,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    view = service.get(session, settings=settings, principal=principal, notice_id=notice_id)
    language = _print_language(visitor, lang)
    data = printing.pdf(session, principal, view, language)
    name = re.sub(r"[^A-Za-z0-9-]", "-", view.notice.reference)
    response = Response(data, media_type="application/pdf")
    response.headers["content-disposition"] = f'inline; filename="{name}-{language}.pdf"'
    visitor.finish(response)
    return response


# ---------------------------------------------------------------- the public extracts


@dataclass
class PublicField:
    label: str
    text: str


def _public_fields(extract: Mapping[str, Any], lang: str) -> list[PublicField]:
    shown = []
    for name, value in extract.items():
        if name == "reference" or value in (None, "", []):
            continue
        if name == "sex":
            text = printing.label(printing.SEX_LABELS, str(value))
        elif name == "nationalities":
            text = ", ".join(printing.country_name(str(c), lang) for c in value)
        elif name == "wanted_by":
            text = printing.country_name(str(value), lang)
        elif name == "measures":
            text = ", ".join(printing.option_label("sanction.measures", str(m)) for m in value)
        elif name == "charges":
            text = "; ".join(str(c) for c in value)
        elif name in ("missing_since", "listed_on", "published_on"):
            text = printing.date_text(value, lang)
        else:
            text = str(value)
        shown.append(PublicField(printing.label(printing.PUBLIC_FIELD_LABELS, name), text))
    return shown


@router.get("/notices/public/{notice_type}", response_class=HTMLResponse)
def public_notices(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    notice_type: Annotated[str, Path(pattern=r"^(red|yellow|un)$")],
    page: PageQuery = 1,
) -> Response:
    """The public extracts of one kind, for anyone: no sign-in, the JSON endpoint's limit."""
    visitor = visit(request, session)
    try:
        notices_api.public_rate_limit(request, settings)
    except TooManyRequests as exc:
        response = visitor.render(
            "notices/public.html",
            status_code=429,
            notice_type=notice_type,
            too_many=_("Too many requests: try again in %(seconds)s seconds.")
            % {"seconds": exc.retry_after},
            extracts=[],
            page=None,
            public_types=sorted(t.value for t in PUBLIC_TYPES),
            **_common(visitor),
        )
        response.headers["retry-after"] = str(exc.retry_after)
        return response
    result = service.public_notices(
        session, notice_type=notice_type, page=page, per_page=PUBLIC_PER_PAGE
    )
    return visitor.render(
        "notices/public.html",
        notice_type=notice_type,
        too_many="",
        extracts=[(e["reference"], _public_fields(e, visitor.lang)) for e in result.items],
        page=result,
        public_types=[t.value for t in (NoticeType.RED, NoticeType.YELLOW, NoticeType.UN)],
        **_common(visitor),
    )


__all__ = ["router"]
