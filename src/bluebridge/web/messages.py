"""Portal pages of the secure network: the agency's inbox and sent box (priority chips, unread
in bold, filters by priority, form, reference, unread and words; the unread counts kept live
by the server-sent events of /api/v1/messages/events), the compose form (addressed to
agencies, countries, regions, all members, sharing groups and copies; handling codes,
references, attachments judged by their content, a structured form's own fields; a reply
pre-filled), a message's page (decrypted, its signature checked, the receipts of each
recipient for the sender, the thread, attachments, references as links, the exported
envelope, and the owner's answer to a request for access), and the agency's sharing groups.
Every page calls the messaging service as the API and the command line do; a refusal is
shown beside its field with everything typed kept."""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic.fields import FieldInfo
from python_multipart.multipart import parse_options_header
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from bluebridge.access import records as record_access
from bluebridge.access.principal import Principal, Role
from bluebridge.api.deps import DbSession, SettingsDep
from bluebridge.errors import Conflict, FieldProblem, InvalidInput, PermissionDenied, ServiceError
from bluebridge.members import reference
from bluebridge.members.models import Agency
from bluebridge.messaging import crypto, service
from bluebridge.messaging.forms import MODELS, SYSTEM_FORMS, Form
from bluebridge.messaging.models import Message, SharingGroup
from bluebridge.notices import printing
from bluebridge.records.kinds.base import HandlingCode
from bluebridge.records.models import Record
from bluebridge.store.pagination import Page
from bluebridge.text import is_ascii_number
from bluebridge.web import i18n, record_labels, uploads
from bluebridge.web import notices as notice_pages
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _
from bluebridge.web.portal import CsrfFailed, Visitor, visit
from bluebridge.web.record_form import Choices
from bluebridge.web.records import FormPairs

router = APIRouter(include_in_schema=False)

MessageId = Annotated[int, Path(ge=1, le=2**53)]
Position = Annotated[int, Path(ge=0, le=100)]
GroupCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{2,40}$")]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]
Filter = Annotated[str | None, Query(max_length=400)]
PER_PAGE = 50
GROUPS_PER_PAGE = 50
# The compose form's values, everything but its files, are small beside a file (a body is at
# most 100,000 characters).
COMPOSE_BOUNDS = uploads.FormBounds(
    value_bytes=512 * 1024,
    values=1000,
    values_bytes=2 * 1024 * 1024,
    refusal="the form is too large",
)
ATTACHMENTS = "attachments"  # the file input's name
SHOW_FORM = "_show"  # the button that shows the chosen form's fields (without script)

PRIORITY_LABELS = {
    "routine": N_("Routine"),
    "urgent": N_("Urgent"),
    "immediate": N_("Immediate"),
}
FORM_LABELS = {
    Form.FREE.value: N_("Free text"),
    Form.HIT_FOUND.value: N_("Hit found: further information requested"),
    Form.INFORMATION_SUPPLIED.value: N_("Information supplied"),
    Form.ACTION_TAKEN.value: N_("Action taken"),
    Form.ACCESS_REQUEST.value: N_("Request for access to a record"),
    Form.ACCESS_DECISION.value: N_("Decision on a request for access"),
    Form.PAYMENT_LEG.value: N_("I-GRIP: payment to intercept"),
    Form.PAYMENT_UPDATE.value: N_("I-GRIP: news of a payment leg"),
    Form.ASSETS_FOUND.value: N_("Assets found (silver notice)"),
}
FORM_HINTS = {
    Form.HIT_FOUND.value: N_(
        "A screening matched one of the recipient's records: say where, and what is asked."
    ),
    Form.ACTION_TAKEN.value: N_("What was done: an arrest, a seizure, a refusal of entry."),
    Form.ACCESS_REQUEST.value: N_(
        "Asks to see a record shown to you as a hit only. The request goes to the NCB of the "
        "record's country, whatever the address says; it grants access for a period or "
        "refuses with a reason."
    ),
    Form.ACCESS_DECISION.value: N_(
        "Answers a request for access: reply to the request, or use the buttons on its page."
    ),
    Form.ASSETS_FOUND.value: N_(
        "Answers a silver notice with one asset your country found: refer to the notice "
        "(notice:number), one message an asset."
    ),
}
# The fields of every structured form (forms.MODELS), by name.
FIELD_LABELS = {
    "hit_id": N_("Hit number"),
    "record_id": N_("Record number"),
    "place": N_("Place"),
    "screened_at": N_("Screened at"),
    "score": N_("Score (0 to 1)"),
    "requested": N_("What is asked"),
    "information": N_("Information"),
    "action": N_("Action"),
    "date": N_("Date"),
    "details": N_("Details"),
    "reason": N_("Reason"),
    "days": N_("For how many days"),
    "decision": N_("Decision"),
    "case": N_("Case"),
    "leg": N_("Payment leg"),
    "leg_id": N_("Leg number"),
    "hop": N_("Hop"),
    "fraud_type": N_("Kind of fraud"),
    "amount": N_("Amount"),
    "currency": N_("Currency"),
    "value_at": N_("Value date"),
    "beneficiary_name": N_("Beneficiary"),
    "beneficiary_account": N_("Beneficiary's account"),
    "beneficiary_bic": N_("Beneficiary's bank (BIC)"),
    "beneficiary_bank": N_("Beneficiary's bank"),
    "ordering_account": N_("Account debited"),
    "uetr": N_("UETR"),
    "end_to_end_id": N_("End-to-end reference"),
    "answer_due_at": N_("Answer due by"),
    "state": N_("State"),
    "note": N_("Note"),
    "kind": N_("Kind of asset"),
    "description": N_("Description"),
    "location": N_("Where it is"),
    "identifier": N_("Identifier (account, parcel, registration, company number)"),
    "value": N_("Estimated value"),
}
OPTION_LABELS = {
    "action": {
        "arrest": N_("Arrest"),
        "seizure": N_("Seizure"),
        "refusal_of_entry": N_("Refusal of entry"),
        "surveillance": N_("Surveillance"),
        "other": N_("Other action"),
    },
    "decision": {"grant": N_("Access granted"), "refuse": N_("Access refused")},
    "kind": {
        "account": N_("Bank account"),
        "property": N_("Real estate"),
        "vehicle": N_("Vehicle"),
        "company": N_("Company"),
        "crypto_asset": N_("Crypto asset"),
        "other": N_("Other asset"),
    },
}
ROLE_LABELS = {"to": N_("Addressee"), "cc": N_("Copy"), "esc": N_("Reached by escalation")}
REFERENCE_LABELS = {
    "record": N_("Record %(number)s"),
    "notice": N_("Notice %(number)s"),
    "hit": N_("Hit %(number)s"),
    "case": N_("Case %(number)s"),
    "message": N_("Message %(number)s"),
    "payment_case": N_("I-GRIP case %(number)s"),
    "payment_leg": N_("I-GRIP leg %(number)s"),
}
# The labels of the compose form's fields, for the summary of its errors.
COMPOSE_FIELDS = {
    "address": N_("Address"),
    "to": N_("Agencies"),
    "countries": N_("Countries"),
    "regions": N_("Regions"),
    "groups": N_("Sharing groups"),
    "copies": N_("Copies"),
    "subject": N_("Subject line"),
    "body": N_("Message"),
    "priority": N_("Priority"),
    "handling_codes": N_("Handling codes"),
    "references": N_("References"),
    "attachments": N_("Attachments"),
    "form": N_("Form"),
    "in_reply_to": N_("In reply to"),
}
GROUP_FIELDS = {"code": N_("Code"), "name": N_("Name"), "members": N_("Members")}

SENDING_REFUSED = N_(
    "Sending messages needs the officer, supervisor, border officer or analyst role."
)
# The fixed reasons the messaging service gives, marked so that the catalogs carry them;
# those built with a value are matched below and said again in the visitor's language.
SERVICE_REASONS = (
    N_("no active agency with this code"),
    N_("not one of the five regions"),
    N_("this country has no NCB"),
    N_("no sharing group with this code you belong to"),
    N_("name at least one agency, country, region, group or all members"),
    N_("give the file a name"),
    N_("an access decision answers an access request"),
    N_("only the record's owner or its NCB decides on access to it"),
    N_("inbox or sent"),
    N_("2-40 capital letters, digits and hyphens"),
    N_("a sharing group is made by an agency's supervisor or administrator"),
    N_("only the group's owner changes its members"),
)
SEARCH_ALTERED = N_(
    "The search stopped at a message altered after it was sent, which does not decrypt: "
    "search without words, or tell your administrator."
)
ANSWERED = N_("This request for access has been answered already.")
REFERENCE_FORMAT = N_(
    "write each reference as type:number, the type one of record, notice, hit, case or message"
)
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^write (?P<low>\d+) to (?P<high>\d+) characters$"),
        N_("write %(low)s to %(high)s characters"),
    ),
    (
        re.compile(r"^(?P<low>\d+) to (?P<high>\d+) characters$"),
        N_("write %(low)s to %(high)s characters"),
    ),
    (
        re.compile(r"^no record (?P<number>\d+) you can name$"),
        N_("no record %(number)s that you may name"),
    ),
    (re.compile(r"^no record (?P<number>\d+)$"), N_("no record %(number)s")),
    (
        re.compile(r"^no message (?P<number>\d+) you can read$"),
        N_("no message %(number)s that you can read"),
    ),
    (re.compile(r"^at most (?P<number>\d+) files$"), N_("at most %(number)s files")),
    (re.compile(r"^larger than (?P<bytes>[\d,]+) bytes$"), N_("larger than %(bytes)s bytes")),
    (
        re.compile(
            r"^its content is of no known type, which is not allowed \(allowed: (?P<allowed>.+)\)$"
        ),
        N_("its content is of no known type, which is not allowed (allowed: %(allowed)s)"),
    ),
    (
        re.compile(
            r"^its content is (?P<type>\S+), which is not allowed \(allowed: (?P<allowed>.+)\)$"
        ),
        N_("its content is %(type)s, which is not allowed (allowed: %(allowed)s)"),
    ),
    (re.compile(r"^(one of|a type among): "), N_("choose one of the options")),
    (re.compile(r"^Field required"), N_("give a value")),
    (re.compile(r"^Input should be a valid datetime"), N_("give a date and a time")),
    (re.compile(r"^Input should be a valid number"), N_("give a number")),
    (re.compile(r"^String should match pattern"), N_("this value is not written as expected")),
)


def reason_text(reason: str) -> str:
    """A refusal's reason in the visitor's language, where the portal knows its words."""
    for pattern, msgid in _REASONS:
        if found := pattern.match(reason):
            values = found.groupdict()
            if "bytes" in values:
                # Digits with no grouping read the same in every language.
                values["bytes"] = values["bytes"].replace(",", "")
            return _(msgid) % values
    return notice_pages.reason_text(reason)


def _label(labels: Mapping[str, str], value: str) -> str:
    return _(labels[value]) if value in labels else value


def _common(visitor: Visitor) -> dict[str, Any]:
    lang = visitor.lang
    return {
        "priority_label": lambda value: _label(PRIORITY_LABELS, value),
        "form_label": lambda value: _label(FORM_LABELS, value),
        "role_label": lambda value: _label(ROLE_LABELS, value),
        "handling_label": lambda value: _label(record_labels.HANDLING_CODE_LABELS, value),
        "when": lambda value: i18n.format_datetime(value, lang) if value else "—",
        "number": lambda value: i18n.format_number(value, lang),
        "priorities": service.PRIORITIES,
    }


def _may_send(principal: Principal) -> bool:
    return principal.agency_id is not None and service.may_send(principal)


def _sender(visitor: Visitor) -> Principal:
    principal = visitor.principal()
    if not _may_send(principal):
        raise PermissionDenied(SENDING_REFUSED)
    return principal


def _tokens(text: str) -> list[str]:
    """Codes or references typed in one field, apart by commas, semicolons or spaces."""
    return [token for token in re.split(r"[\s,;]+", text) if token]


# ---------------------------------------------------------------- the inbox


@dataclass
class Row:
    """One line of the inbox or the sent box."""

    item: service.InboxItem
    unread: bool
    to: str  # the addressees, in the sent box
    read: int  # recipients who read it, in the sent box
    recipients: int


def _row(item: service.InboxItem, box: str) -> Row:
    message = item.message
    envelope = message.envelope or {}
    to = ", ".join([*envelope.get("to", []), *envelope.get("cc", [])])
    return Row(
        item=item,
        unread=box != "sent" and item.recipient is not None and item.recipient.read_at is None,
        to=to,
        read=sum(1 for r in message.recipients if r.read_at is not None),
        recipients=len(message.recipients),
    )


def _parse_reference(text: str) -> tuple[str, int] | None:
    kind, _sep, number = text.strip().partition(":")
    if not kind or not is_ascii_number(number) or not 1 <= len(number) <= 16:
        return None
    return kind.strip().lower(), int(number)


@router.get("/messages", response_class=HTMLResponse)
def inbox(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    box: Filter = None,
    priority: Filter = None,
    form: Filter = None,
    reference: Filter = None,
    unread: Filter = None,
    q: Filter = None,
    page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    filters = {
        "box": (box or "inbox").strip(),
        "priority": (priority or "").strip(),
        "form": (form or "").strip(),
        "reference": (reference or "").strip(),
        "unread": "true" if (unread or "").strip() in ("true", "on", "1") else "",
        "q": (q or "").strip(),
    }
    errors: dict[str, str] = {}
    ref = None
    if filters["reference"]:
        ref = _parse_reference(filters["reference"])
        if ref is None:
            errors["reference"] = _("write it as type:number, for instance record:42")
    result: Page[service.InboxItem] = Page([], 1, PER_PAGE, 0)
    if not errors:
        try:
            result = service.inbox(
                session,
                settings=settings,
                principal=principal,
                box=filters["box"],
                priority=filters["priority"] or None,
                form=filters["form"] or None,
                reference=ref,
                unread=bool(filters["unread"]),
                search=filters["q"] or None,
                page=page,
                per_page=PER_PAGE,
            )
        except InvalidInput as exc:
            session.rollback()
            errors = _errors_of(exc.problems, {}) or {"_": reason_text(exc.detail)}
        except crypto.CryptoError:
            # A search decrypts the messages it reads; one altered after sending stops it.
            session.rollback()
            errors = {"_": _(SEARCH_ALTERED)}
    box_name = filters["box"] if filters["box"] in service.BOXES else "inbox"
    kept = {k: v for k, v in filters.items() if v and (k != "box" or v != "inbox")}
    counts = service.unread_counts(session, principal=principal)
    query = urllib.parse.urlencode(kept)
    return visitor.render(
        "messages/inbox.html",
        status_code=422 if errors else 200,
        page=result,
        rows=[_row(item, box_name) for item in result.items],
        box=box_name,
        filters=filters,
        errors=errors,
        base=f"/messages?{query}&" if query else "/messages?",
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        counts=counts,
        # Escalations reach the NCB's supervisors: their tab, or anyone's once there are some.
        show_escalated=principal.has_role(Role.SUPERVISOR)
        or counts["escalated"] > 0
        or box_name == "escalated",
        searched=service.SEARCHED,
        forms=[(f.value, _(FORM_LABELS[f.value])) for f in Form],
        may_send=_may_send(principal),
        **_common(visitor),
    )


def _errors_of(
    problems: Iterable[FieldProblem],
    places: Mapping[str, str],
    given: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    """Each problem beside the field it names: `places` maps the service's names (before
    any position) to the form's; a problem about one of several values names that value."""
    errors: dict[str, str] = {}
    for problem in problems:
        parts = problem.field.split(".")
        target, value = problem.field, ""
        for end in range(len(parts), 0, -1):
            head = ".".join(parts[:end])
            if head in places:
                target = places[head]
                rest = parts[end:]
                if rest and is_ascii_number(rest[0]) and given is not None:
                    index = int(rest[0])
                    values = given.get(target, ())
                    value = values[index] if index < len(values) else ""
                break
        text = reason_text(problem.reason)
        if value:
            text = f"{value}: {text}"
        errors[target] = f"{errors[target]}; {text}" if target in errors else text
    return errors


# ---------------------------------------------------------------- the compose form


@dataclass
class FormInput:
    """One field of a structured form, as the compose form shows it."""

    form: str
    name: str
    label: str
    widget: str  # text, textarea, integer, decimal, date, datetime, select
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    default: str = ""

    @property
    def path(self) -> str:
        return f"fd.{self.form}.{self.name}"

    @property
    def id(self) -> str:
        return "f-" + self.path.replace(".", "-")


def _unwrapped(annotation: Any) -> tuple[Any, list[Any]]:
    """The type inside an optional or annotated one, and the constraints found on the way."""
    found: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *more = typing.get_args(annotation)
            found += more
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation, found


def _input(form: str, name: str, info: FieldInfo) -> FormInput:
    kind, constraints = _unwrapped(info.annotation)
    constraints += info.metadata
    label = _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
    spec = FormInput(form, name, label, "text", info.is_required())
    if typing.get_origin(kind) is typing.Literal:
        spec.widget = "select"
        spec.options = [
            (str(v), _label(OPTION_LABELS.get(name, {}), str(v))) for v in typing.get_args(kind)
        ]
    elif kind is dt.datetime:
        spec.widget = "datetime"
    elif kind is dt.date:
        spec.widget = "date"
    elif kind is int:
        spec.widget = "integer"
    elif kind is float:
        spec.widget = "decimal"
    elif max((getattr(c, "max_length", 0) or 0 for c in constraints), default=0) > 300:
        spec.widget = "textarea"
    if isinstance(info.default, int) and not isinstance(info.default, bool):
        spec.default = str(info.default)
    return spec


def form_inputs(form: str) -> list[FormInput]:
    """The fields of a structured form, from its model (none for free text)."""
    model = MODELS.get(Form(form)) if form in {f.value for f in Form} else None
    if model is None:
        return []
    return [_input(form, name, info) for name, info in model.model_fields.items()]


@dataclass
class ComposeForm:
    """The compose form's values (each field's, as typed) and the files chosen."""

    values: dict[str, list[str]] = field(default_factory=dict)
    files: list[tuple[str, bytes]] = field(default_factory=list)

    def one(self, name: str) -> str:
        return (self.values.get(name) or [""])[-1]

    def many(self, name: str) -> list[str]:
        return [v.strip() for v in self.values.get(name, []) if v.strip()]


def _chosen_form(values: ComposeForm) -> str:
    return values.one("form").strip() or Form.FREE.value


def draft_of(values: ComposeForm) -> service.Draft:
    """The draft of a submission, every value as typed: the service checks them all."""
    form = _chosen_form(values)
    form_data: dict[str, Any] = {}
    for spec in form_inputs(form):
        given = values.one(spec.path).strip()
        if given:
            form_data[spec.name] = given
    references = []
    for token in _tokens(values.one("references")):
        kind, _sep, number = token.partition(":")
        # A token that is no reference is sent as one of id 0, which the service names.
        ident = int(number) if is_ascii_number(number) and len(number) <= 16 else 0
        references.append((kind.strip().lower(), ident))
    raw_reply = values.one("in_reply_to").strip()
    return service.Draft(
        subject=values.one("subject"),
        body=values.one("body"),
        address=service.Address(
            agencies=tuple(_tokens(values.one("to"))),
            countries=tuple(values.many("countries")),
            regions=tuple(values.many("regions")),
            all_members="true" in values.many("all_members"),
            groups=tuple(values.many("groups")),
            copies=tuple(_tokens(values.one("copies"))),
        ),
        priority=values.one("priority").strip(),
        form=form,
        form_data=form_data or None,
        handling_codes=tuple(values.many("handling_codes")),
        references=tuple(references),
        attachments=tuple(service.Attachment(name, data) for name, data in values.files),
        in_reply_to=int(raw_reply) if is_ascii_number(raw_reply) and len(raw_reply) < 17 else None,
    )


def compose_errors(values: ComposeForm, problems: Sequence[FieldProblem]) -> dict[str, str]:
    """The service's problems beside the compose form's fields."""
    form = _chosen_form(values)
    places = {
        "address.agencies": "to",
        "address.countries": "countries",
        "address.regions": "regions",
        "address.groups": "groups",
        "address.copies": "copies",
        "address": "address",
        "subject": "subject",
        "body": "body",
        "priority": "priority",
        "form": "form",
        "handling_codes": "handling_codes",
        "references": "references",
        "attachments": "attachments",
        "in_reply_to": "in_reply_to",
        "sender": "_",
        "form_data": f"fd.{form}",
        **{f"form_data.{spec.name}": spec.path for spec in form_inputs(form)},
    }
    given = {
        "to": _tokens(values.one("to")),
        "countries": values.many("countries"),
        "regions": values.many("regions"),
        "groups": values.many("groups"),
        "copies": _tokens(values.one("copies")),
        "handling_codes": values.many("handling_codes"),
        "references": _tokens(values.one("references")),
        "attachments": [name for name, _data in values.files],
    }
    reference_problems = [
        FieldProblem(p.field, REFERENCE_FORMAT)
        if p.field.startswith("references.")
        and (p.field.endswith(".type") or p.reason == "not a reference")
        else p
        for p in problems
    ]
    return _errors_of(reference_problems, places, given)


def _reply_values(
    session: Session, visitor: Visitor, principal: Principal, reply_to: int
) -> dict[str, list[str]]:
    """The compose form of a reply: to the sender (or, for one's own message, to its
    addressees), in its thread, with its subject, priority and references."""
    view = service.read(
        session,
        settings=visitor.runtime.settings,
        principal=principal,
        bus=visitor.runtime.bus,
        message_id=reply_to,
    )
    message = view.message
    if view.mine:
        to = list(message.envelope.get("to", []))
        copies = list(message.envelope.get("cc", []))
    else:
        to, copies = [view.sender.code if view.sender else ""], []
    subject = view.subject if view.subject.lower().startswith("re:") else f"Re: {view.subject}"
    return {
        "to": [", ".join(c for c in to if c)],
        "copies": [", ".join(copies)],
        "subject": [subject],
        "priority": [message.priority],
        "references": [", ".join(f"{r['type']}:{r['id']}" for r in message.references)],
        "in_reply_to": [str(message.id)],
    }


def _compose_label(name: str) -> str:
    """The label of a compose form's field, or of a structured form's ("fd.<form>.<field>")."""
    if not name.startswith("fd."):
        return _label(COMPOSE_FIELDS, name)
    _prefix, _sep, rest = name.partition(".")
    form, _sep, field_name = rest.partition(".")
    return _label(FIELD_LABELS, field_name) if field_name else _label(FORM_LABELS, form)


def _render_compose(
    visitor: Visitor,
    session: Session,
    principal: Principal,
    values: ComposeForm,
    *,
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    errors = dict(errors or {})
    chosen = _chosen_form(values)
    lang = visitor.lang
    groups = service.groups_of(session, principal=principal)
    group_choices = [(g.code, f"{g.name} ({g.code})") for g in groups]
    known_groups = {code for code, _name in group_choices}
    group_choices += [(c, c) for c in values.many("groups") if c not in known_groups]
    countries = list(Choices.for_language(lang).countries)
    known_countries = {code for code, _name in countries}
    countries = [(c, c) for c in values.many("countries") if c not in known_countries] + countries
    # The summary lists the problems in the order of the form's fields.
    order = [*COMPOSE_FIELDS, *(f"fd.{chosen}.{spec.name}" for spec in form_inputs(chosen))]
    summary = [
        (_compose_label(name), "f-" + name.replace(".", "-"), errors[name])
        for name in sorted(
            (n for n in errors if n != "_"),
            key=lambda n: order.index(n) if n in order else len(order),
        )
    ]
    reply_to = values.one("in_reply_to").strip()
    return visitor.render(
        "messages/compose.html",
        status_code=status_code,
        values=values.values,
        one=values.one,
        many=values.many,
        errors=errors,
        summary=summary,
        chosen_form=chosen,
        forms=[
            (
                f.value,
                _(FORM_LABELS[f.value]),
                _(FORM_HINTS[f.value]) if f.value in FORM_HINTS else "",
                form_inputs(f.value),
            )
            for f in Form
            if f not in SYSTEM_FORMS
        ],
        countries=countries,
        regions=[(r.value, printing.region_name(r.value, lang)) for r in reference.Region],
        groups=group_choices,
        handling_codes=[
            (c.value, _(record_labels.HANDLING_CODE_LABELS[c.value])) for c in HandlingCode
        ],
        files_lost=[name for name, _data in values.files],
        reply_to=reply_to if is_ascii_number(reply_to) else "",
        max_attachments=service.MAX_ATTACHMENTS,
        max_mb=max(1, visitor.runtime.settings.message_attachment_max_bytes // (1024 * 1024)),
        allowed_types=", ".join(visitor.runtime.settings.message_attachment_types),
        **_common(visitor),
    )


@router.get("/messages/new", response_class=HTMLResponse)
def compose(
    request: Request,
    session: DbSession,
    reply_to: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    form: Filter = None,
    reference: Filter = None,
) -> Response:
    visitor = visit(request, session)
    principal = _sender(visitor)
    values = ComposeForm({"priority": ["routine"], "form": [Form.FREE.value]})
    if reply_to is not None:
        values.values.update(_reply_values(session, visitor, principal, reply_to))
    if form and form.strip() in {f.value for f in Form if f not in SYSTEM_FORMS}:
        values.values["form"] = [form.strip()]
    if reference and (ref := _parse_reference(reference)) is not None:
        values.values["references"] = [f"{ref[0]}:{ref[1]}"]
        for spec in form_inputs(_chosen_form(values)):
            if spec.name == f"{ref[0]}_id":
                values.values[spec.path] = [str(ref[1])]
    for spec in form_inputs(_chosen_form(values)):
        if spec.default and spec.path not in values.values:
            values.values[spec.path] = [spec.default]
    return _render_compose(visitor, session, principal, values)


class _TooLarge(Exception):
    """A value of the form went past its bounds: the values read before it, and why."""

    def __init__(self, form: ComposeForm, refusal: InvalidInput) -> None:
        super().__init__(refusal.detail)
        self.form = form
        self.refusal = refusal


class _Submission(uploads.StreamedForm):
    """A compose form read as it streams in: its values within the bounds above (InvalidInput
    naming the value past one) and each file held in memory up to one byte past the size
    limit, one file past the count limit, so that the service names the file too large or the
    files too many without the rest being kept. The first file is taken only once the form's
    token, sent before the files, has been checked (`check_token` raises CsrfFailed)."""

    def __init__(self, check_token: Callable[[str], None], max_file_bytes: int) -> None:
        self.form = ComposeForm()
        super().__init__(COMPOSE_BOUNDS, self.form.values)
        self.check_token = check_token
        self.max_file_bytes = max_file_bytes
        self._checked = False
        self._filename = ""
        self._file: bytearray | None = None

    def begin_file(self, filename: str) -> bool:
        # Every part with a file name is a file's, kept or not: never a value.
        self._filename, self._file = filename[:300], None
        if self.name != ATTACHMENTS or not self._filename:
            return True  # another file input, or none chosen: nothing is kept
        if not self._checked:
            self.check_token(self.form.one("csrf_token"))
            self._checked = True
        if len(self.form.files) <= service.MAX_ATTACHMENTS:
            self._file = bytearray()
        return True

    def file_data(self, data: bytes) -> None:
        if self._file is not None and len(self._file) <= self.max_file_bytes:
            self._file += data[: self.max_file_bytes + 1 - len(self._file)]

    def end_file(self) -> None:
        if self._file is not None:
            self.form.files.append((self._filename, bytes(self._file)))
        self._file = None


async def _receive(request: Request, visitor: Visitor) -> ComposeForm:
    """The submitted compose form: multipart as it streams in (the portal's form), or a plain
    form without files; CsrfFailed without the form's token, InvalidInput past its bounds."""
    content_type, _options = parse_options_header(request.headers.get("content-type", ""))
    if content_type == b"application/x-www-form-urlencoded":
        try:
            plain = await request.form(max_fields=COMPOSE_BOUNDS.values, max_files=0)
        except HTTPException as exc:
            raise InvalidInput(str(exc.detail)) from None
        form = ComposeForm()
        for name, value in plain.multi_items():
            if isinstance(value, str):
                form.values.setdefault(name, []).append(value)
        visitor.check_csrf(form.one("csrf_token"))
        return form
    submission = _Submission(
        visitor.check_csrf, visitor.runtime.settings.message_attachment_max_bytes
    )
    try:
        await uploads.read_multipart(request, submission)
    except InvalidInput as exc:
        # What was typed before the value past the bounds is shown again.
        visitor.check_csrf(submission.form.one("csrf_token"))
        raise _TooLarge(submission.form, exc) from None
    visitor.check_csrf(submission.form.one("csrf_token"))
    return submission.form


@router.post("/messages/new", response_class=HTMLResponse)
async def send(request: Request, session: DbSession) -> Response:
    # Async only to read the attachments as they arrive; database work runs in worker
    # threads. Who is asking is settled before the body is read.
    visitor = await run_in_threadpool(visit, request, session)
    principal = await run_in_threadpool(_sender, visitor)
    # The visit's transaction ends before the body streams in (on SQLite it holds the lock).
    await run_in_threadpool(session.commit)
    try:
        values = await _receive(request, visitor)
    except uploads.Unreadable:
        raise CsrfFailed from None  # no readable form, so no token: an expired form
    except _TooLarge as exc:
        return await run_in_threadpool(_refused_form, visitor, session, principal, exc)
    except InvalidInput as exc:
        return await run_in_threadpool(
            _refused_form, visitor, session, principal, _TooLarge(ComposeForm(), exc)
        )
    return await run_in_threadpool(_send, visitor, session, principal, values)


def _refused_form(
    visitor: Visitor, session: Session, principal: Principal, exc: _TooLarge
) -> Response:
    """The form again, with what was read of it, saying which value went past its bounds."""
    i18n.activate(visitor.lang)
    values = exc.form
    values.files = []
    values.values.setdefault("priority", ["routine"])
    problem = (exc.refusal.problems or [FieldProblem("_", exc.refusal.detail)])[0]
    name = problem.field if problem.field in COMPOSE_FIELDS else "_"
    return _render_compose(
        visitor, session, principal, values, errors={name: _(problem.reason)}, status_code=422
    )


def _send(
    visitor: Visitor, session: Session, principal: Principal, values: ComposeForm
) -> Response:
    i18n.activate(visitor.lang)  # this worker thread's language, for the messages below
    if values.values.get(SHOW_FORM):  # without script: show the chosen form's fields
        values.files = []
        return _render_compose(visitor, session, principal, values)
    try:
        message = service.send(
            session,
            settings=visitor.runtime.settings,
            principal=principal,
            bus=visitor.runtime.bus,
            draft=draft_of(values),
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = compose_errors(values, exc.problems) or {"_": reason_text(exc.detail)}
        return _render_compose(visitor, session, principal, values, errors=errors, status_code=422)
    return visitor.redirect(
        f"/messages/{message.id}",
        flash=("success", _("The message has been signed, encrypted and sent.")),
    )


# ---------------------------------------------------------------- a message's page


@dataclass
class ReferenceLink:
    text: str
    href: str | None
    note: str = ""


def _reference_links(
    session: Session, principal: Principal, references: Sequence[Mapping[str, Any]]
) -> list[ReferenceLink]:
    """Each reference as a link where the visitor may follow it: a record only when they
    see it, a notice to its page (which says whether they may see it), a hit to the hits."""
    links = []
    for ref in references:
        kind, number = str(ref.get("type", "")), int(ref.get("id", 0))
        text = (
            _(REFERENCE_LABELS[kind]) % {"number": number}
            if kind in REFERENCE_LABELS
            else f"{kind}:{number}"
        )
        if kind == "record":
            record = session.get(Record, number)
            if (
                record is not None
                and record_access.sight(principal, record) is not record_access.Sight.NONE
            ):
                links.append(ReferenceLink(text, f"/records/{record.kind}/{record.id}"))
            else:
                links.append(ReferenceLink(text, None, _("you do not see this record")))
        elif kind == "notice":
            links.append(ReferenceLink(text, f"/notices/{number}"))
        elif kind == "hit":
            links.append(ReferenceLink(text, f"/hits/{number}"))
        elif kind == "message":
            links.append(ReferenceLink(text, f"/messages/{number}"))
        elif kind == "payment_case":
            links.append(ReferenceLink(text, f"/igrip/cases/{number}"))
        elif kind == "payment_leg":
            links.append(ReferenceLink(text, f"/igrip/legs/{number}"))
        else:
            links.append(ReferenceLink(text, None))
    return links


def _form_facts(form: str, data: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    facts = []
    specs = {spec.name: spec for spec in form_inputs(form)}
    for name, value in data.items():
        spec = specs.get(name)
        if spec is not None and spec.widget == "select":
            text = dict(spec.options).get(str(value), str(value))
        elif spec is not None and spec.widget == "decimal" and isinstance(value, int | float):
            text = i18n.format_number(value, lang)
        else:
            text = str(value)
        facts.append((spec.label if spec else name, text))
    return facts


def _decision_of(view: service.MessageView) -> Message | None:
    """The answer already given to an access request, if the visitor sees it."""
    for message in view.thread:
        if message.in_reply_to_id == view.message.id and message.form == Form.ACCESS_DECISION:
            return message
    return None


def _may_decide(principal: Principal, view: service.MessageView) -> bool:
    message = view.message
    return (
        message.form == Form.ACCESS_REQUEST
        and not view.mine
        and _may_send(principal)
        and any(r.agency_id == principal.agency_id for r in message.recipients)
        and _decision_of(view) is None
    )


def _render_message(
    visitor: Visitor,
    session: Session,
    message_id: int,
    *,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    open_form: str = "",
    status_code: int = 200,
) -> Response:
    principal = visitor.principal()
    settings = visitor.runtime.settings
    try:
        view = service.read(
            session,
            settings=settings,
            principal=principal,
            bus=visitor.runtime.bus,
            message_id=message_id,
        )
    except Conflict:
        # Altered after sending: what was signed is shown as broken, nothing of the content.
        session.rollback()
        checked = service.verify(
            session, settings=settings, principal=principal, message_id=message_id
        )
        message = session.get(Message, message_id)
        return visitor.render(
            "messages/altered.html",
            status_code=409,
            message=message,
            verification=checked,
            **_common(visitor),
        )
    message = view.message
    request_days = view.form_data.get("days") if message.form == Form.ACCESS_REQUEST else None
    return visitor.render(
        "messages/detail.html",
        status_code=status_code,
        view=view,
        message=message,
        facts=_form_facts(message.form, view.form_data, visitor.lang),
        references=_reference_links(session, principal, message.references),
        receipts=view.recipients if view.mine else [],
        addressees=[(agency.code, r.role) for r, agency in view.recipients],
        decision=_decision_of(view) if message.form == Form.ACCESS_REQUEST else None,
        may_decide=_may_decide(principal, view),
        may_reply=_may_send(principal),
        request_days=str(request_days or 30),
        errors=errors or {},
        values=values or {},
        open_form=open_form,
        **_common(visitor),
    )


@router.get("/messages/{message_id:int}", response_class=HTMLResponse)
def message_page(request: Request, session: DbSession, message_id: MessageId) -> Response:
    visitor = visit(request, session)
    return _render_message(visitor, session, message_id)


@router.post("/messages/{message_id:int}/decide", response_class=HTMLResponse)
def decide(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    message_id: MessageId,
    pairs: FormPairs,
) -> Response:
    """The owner's answer to a request for access: a grant for some days, or a refusal with
    its reason, sent as the access decision that replies to it."""
    visitor = visit(request, session)
    principal = _sender(visitor)
    form = dict(pairs)
    visitor.check_csrf(form.get("csrf_token", ""))
    decision = form.get("decision", "").strip()
    if decision not in ("grant", "refuse"):
        decision = "refuse" if decision else ""
    values = {"days": form.get("days", ""), "reason": form.get("reason", "")}
    view = service.read(
        session,
        settings=settings,
        principal=principal,
        bus=visitor.runtime.bus,
        message_id=message_id,
    )
    if view.message.form == Form.ACCESS_REQUEST and _decision_of(view) is not None:
        raise Conflict(ANSWERED)
    if not _may_decide(principal, view):
        raise PermissionDenied("only the record's owner or its NCB decides on access to it")
    reason = values["reason"].strip()
    if decision == "grant" and not reason:
        reason = _("Access granted.")
    form_data: dict[str, Any] = {"decision": decision, "reason": reason}
    if decision == "grant":
        form_data["days"] = values["days"].strip()
    subject = view.subject if view.subject.lower().startswith("re:") else f"Re: {view.subject}"
    draft = service.Draft(
        subject=subject[:300],
        body=reason,
        address=service.Address(agencies=(view.sender.code,) if view.sender else ()),
        priority=view.message.priority,
        form=Form.ACCESS_DECISION.value,
        form_data=form_data,
        references=tuple((str(r["type"]), int(r["id"])) for r in view.message.references),
        in_reply_to=message_id,
    )
    try:
        service.send(
            session, settings=settings, principal=principal, bus=visitor.runtime.bus, draft=draft
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        places = {"form_data.days": "days", "form_data.reason": "reason", "form_data": "_"}
        errors = _errors_of(
            [p if p.field in places else FieldProblem("_", p.reason) for p in exc.problems],
            places,
        ) or {"_": reason_text(exc.detail)}
        return _render_message(
            visitor,
            session,
            message_id,
            errors=errors,
            values=values,
            open_form=decision or "refuse",
            status_code=422,
        )
    done = (
        _("Access granted; the requesting agency has been told.")
        if decision == "grant"
        else _("Access refused; the requesting agency has been told why.")
    )
    return visitor.redirect(f"/messages/{message_id}", flash=("success", done))


def _download_name(name: str, fallback: str) -> str:
    """A Content-Disposition value: an ASCII name, and the name itself in RFC 5987 form."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    ascii_name = ascii_name[:100].strip("._") or fallback
    quoted = urllib.parse.quote(name[:200], safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"


@router.get("/messages/{message_id:int}/attachments/{position:int}")
def attachment(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    message_id: MessageId,
    position: Position,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    name, media, data = service.attachment(
        session, settings=settings, principal=principal, message_id=message_id, position=position
    )
    response = Response(data, media_type=media)
    response.headers["content-disposition"] = _download_name(name, "attachment")
    visitor.finish(response)
    return response


@router.get("/messages/{message_id:int}/export")
def export(
    request: Request, session: DbSession, settings: SettingsDep, message_id: MessageId
) -> Response:
    """The signed envelope with its content and the signer's public key, as a file."""
    visitor = visit(request, session)
    principal = visitor.principal()
    try:
        exported = service.export(
            session, settings=settings, principal=principal, message_id=message_id
        )
    except crypto.CryptoError:
        raise Conflict(
            f"message {message_id} was altered after it was sent: its content does not decrypt"
        ) from None
    body = json.dumps(exported, ensure_ascii=False, indent=2).encode("utf-8")
    response = Response(body, media_type="application/json")
    response.headers["content-disposition"] = _download_name(
        f"message-{message_id}.json", "message.json"
    )
    visitor.finish(response)
    return response


# ---------------------------------------------------------------- sharing groups


@dataclass
class GroupView:
    group: SharingGroup
    owner: str
    members: list[str]
    own: bool


def _group_views(
    session: Session, principal: Principal, groups: Sequence[SharingGroup]
) -> list[GroupView]:
    ids = {m.agency_id for g in groups for m in g.members} | {g.owner_agency_id for g in groups}
    codes: dict[int, str] = {}
    if ids:
        codes = {
            int(agency_id): str(code)
            for agency_id, code in session.execute(
                select(Agency.id, Agency.code).where(Agency.id.in_(sorted(ids)))
            ).all()
        }
    return [
        GroupView(
            group=g,
            owner=codes.get(g.owner_agency_id, "?"),
            members=sorted(codes.get(m.agency_id, "?") for m in g.members),
            own=g.owner_agency_id == principal.agency_id,
        )
        for g in groups
    ]


def _may_create_group(principal: Principal) -> bool:
    return principal.agency_id is not None and principal.has_role(
        Role.SUPERVISOR, Role.ADMINISTRATOR
    )


def _render_groups(
    visitor: Visitor,
    session: Session,
    page: int = 1,
    *,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    open_form: str = "",
    status_code: int = 200,
) -> Response:
    principal = visitor.principal()
    groups = service.groups_of(session, principal=principal)
    start = (max(1, page) - 1) * GROUPS_PER_PAGE
    result = Page(
        _group_views(session, principal, groups[start : start + GROUPS_PER_PAGE]),
        max(1, page),
        GROUPS_PER_PAGE,
        len(groups),
    )
    summary = [
        (_label(GROUP_FIELDS, name), f"f-{open_form}-{name}", text)
        for name, text in (errors or {}).items()
        if name != "_"
    ]
    return visitor.render(
        "messages/groups.html",
        status_code=status_code,
        page=result,
        may_create=_may_create_group(principal),
        errors=errors or {},
        summary=summary,
        values=values or {},
        open_form=open_form,
        **_common(visitor),
    )


@router.get("/messages/groups", response_class=HTMLResponse)
def groups(request: Request, session: DbSession, page: PageQuery = 1) -> Response:
    visitor = visit(request, session)
    return _render_groups(visitor, session, page)


def _group_errors(exc: ServiceError, members: Sequence[str]) -> dict[str, str]:
    places = {"code": "code", "name": "name", "members": "members"}
    known = [
        p if p.field.split(".")[0] in places else FieldProblem("_", p.reason) for p in exc.problems
    ]
    return _errors_of(known, places, {"members": list(members)}) or {"_": reason_text(exc.detail)}


def _group_refused(
    visitor: Visitor,
    session: Session,
    exc: InvalidInput,
    *,
    values: Mapping[str, str],
    members: Sequence[str],
    open_form: str,
) -> Response:
    """The groups page again, the form that was sent open with its values and what is wrong."""
    session.rollback()
    return _render_groups(
        visitor,
        session,
        errors=_group_errors(exc, members),
        values=values,
        open_form=open_form,
        status_code=422,
    )


@router.post("/messages/groups", response_class=HTMLResponse)
def create_group(request: Request, session: DbSession, pairs: FormPairs) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    form = dict(pairs)
    visitor.check_csrf(form.get("csrf_token", ""))
    values = {name: form.get(name, "") for name in ("code", "name", "members")}
    members = _tokens(values["members"])
    try:
        group = service.create_group(
            session, principal=principal, code=values["code"], name=values["name"], members=members
        )
    except InvalidInput as exc:
        return _group_refused(
            visitor, session, exc, values=values, members=members, open_form="new"
        )
    return visitor.redirect(
        "/messages/groups",
        flash=("success", _("The sharing group %(code)s has been made.") % {"code": group.code}),
    )


@router.post("/messages/groups/{code}/members", response_class=HTMLResponse)
def change_members(
    request: Request, session: DbSession, code: GroupCode, pairs: FormPairs
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    form = dict(pairs)
    visitor.check_csrf(form.get("csrf_token", ""))
    values = {"members": form.get("members", "")}
    members = _tokens(values["members"])
    try:
        group = service.set_group_members(session, principal=principal, code=code, members=members)
    except InvalidInput as exc:
        return _group_refused(
            visitor, session, exc, values=values, members=members, open_form=code.upper()
        )
    return visitor.redirect(
        "/messages/groups",
        flash=("success", _("The members of %(code)s have been changed.") % {"code": group.code}),
    )


__all__ = ["draft_of", "form_inputs", "reason_text", "router"]
