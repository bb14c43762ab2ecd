"""The form of a record in the portal, generated from its kind's JSON schema: which control
each payload field gets (text, number, date, a choice, a country, a list of them, a group of
fields, a repeated group, a table of names and values), the envelope every record carries
(source, grading, handling codes, access policy), the submission turned back into a payload
(through `records.flat.unflatten`) and an envelope, and each refusal placed beside its field.
The payload as stored is described here too, for the record's page."""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import AfterValidator, BaseModel, ValidationError

from bluebridge.access import records as access
from bluebridge.errors import FieldProblem, InvalidInput
from bluebridge.members import reference
from bluebridge.members.models import AgencyKind, UnitSpecialty
from bluebridge.records import flat, registry
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    RecordKind,
    SourceGrading,
    SourceType,
    normalise_country,
)
from bluebridge.records.service import Envelope
from bluebridge.text import is_ascii_number
from bluebridge.web import i18n
from bluebridge.web import record_labels as labels
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _
from bluebridge.web.routes import AGENCY_KIND_LABELS, SPECIALTY_LABELS

PAYLOAD = "payload"
MORE = "_more"  # the button that asks for one more item of a repeated group or list
# A row of a table of names and values (DNA loci): `payload.loci.*3.name` and `….*3.value`,
# turned into `loci.<name>` before unflatten, since a form cannot name a field by its input.
ROW_MARK = "*"
MAPPING_ROWS = 8  # a DNA profile needs at least eight loci: that many empty rows to start
MAX_ITEMS_SHOWN = 60  # a form never grows past this many items of one list
_DATETIME_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")
_ROW = re.compile(r"\*(\d{1,4})")

Values = Mapping[str, Sequence[str]]


@dataclass
class Control:
    """One control of the form as shown: its dotted path (the input's name), its label, the
    kind of widget, the values it holds, its choices, its error, and the controls inside it."""

    path: str
    label: str
    widget: str
    required: bool = False
    hint: str = ""
    values: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list[Control] = field(default_factory=list)
    error: str = ""
    more: bool = False  # offers "add another"

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.path)

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


@dataclass(frozen=True)
class Spec:
    """A payload field as the schema describes it, before it is given values."""

    name: str
    labels_path: tuple[str, ...]  # the path without list indices, for its label
    widget: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, msgid or label)
    enum: str | None = None
    children: tuple[Spec, ...] = ()
    min_items: int = 0
    max_items: int = MAX_ITEMS_SHOWN
    item: Spec | None = None  # the schema of a list's items or a table's values
    hint: str = ""


# ---------------------------------------------------------------- countries in the models


def _names_country(annotation: Any) -> bool:
    if typing.get_origin(annotation) is typing.Annotated:
        if any(
            isinstance(m, AfterValidator) and m.func is normalise_country
            for m in annotation.__metadata__
        ):
            return True
        return _names_country(typing.get_args(annotation)[0])
    return any(_names_country(arg) for arg in typing.get_args(annotation))


def _models_in(annotation: Any) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


@cache
def country_fields(model: type[BaseModel]) -> frozenset[tuple[str, str]]:
    """(model title, field name) of every field holding ISO 3166 country codes, in the model
    and the models inside it: those fields get a choice of member countries."""
    found: set[tuple[str, str]] = set()
    pending, done = [model], set()
    while pending:
        current = pending.pop()
        if current in done:
            continue
        done.add(current)
        for name, info in current.model_fields.items():
            annotation = info.annotation
            direct = any(
                isinstance(m, AfterValidator) and m.func is normalise_country for m in info.metadata
            )
            if direct or _names_country(annotation):
                found.add((current.__name__, name))
            pending.extend(_models_in(annotation))
    return frozenset(found)


# ---------------------------------------------------------------- the schema, as specs


def _resolve(node: Any, root: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """A schema node with $ref followed and an optional value's null left out; the flag says
    whether it is a union of several types (shown as plain text)."""
    for _depth in range(50):
        if not isinstance(node, dict):
            return {}, True
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            merged = {**root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})}
            merged.update({k: v for k, v in node.items() if k != "$ref"})
            node = merged
            continue
        options = node.get("anyOf")
        if isinstance(options, list):
            concrete = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            if len(concrete) != 1:
                return node, True
            node = {**concrete[0], **{k: v for k, v in node.items() if k != "anyOf"}}
            continue
        return node, False
    return {}, True


def _scalar_widget(node: Mapping[str, Any], country: bool) -> str:
    if country:
        return "country"
    if "enum" in node:
        return "select"
    kind = node.get("type")
    if kind == "boolean":
        return "boolean"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "number"
    if node.get("format") == "date":
        return "date"
    if node.get("format") == "date-time":
        return "datetime"
    if int(node.get("maxLength") or 0) > 300:
        return "textarea"
    return "text"


def _computed(node: Mapping[str, Any]) -> bool:
    # A field the kind computes itself (the VIN's check digit): nothing for the owner to give.
    return str(node.get("description", "")).startswith("computed")


def _spec(
    name: str,
    node: Any,
    root: Mapping[str, Any],
    path: tuple[str, ...],
    required: bool,
    countries: frozenset[tuple[str, str]],
    owner_title: str,
) -> Spec | None:
    resolved, union = _resolve(node, root)
    if _computed(resolved):
        return None
    country = (owner_title, name) in countries
    if union:
        return Spec(name, path, "text", required)
    kind = resolved.get("type")
    if kind == "object" or "properties" in resolved:
        if "properties" in resolved:
            return Spec(
                name,
                path,
                "group",
                required,
                children=_children(resolved, root, path, countries),
            )
        value, _union = _resolve(resolved.get("additionalProperties"), root)
        item_widget = "joined" if value.get("type") == "array" else "text"
        return Spec(
            name,
            path,
            "mapping",
            required,
            item=Spec("value", path, item_widget),
            max_items=int(resolved.get("maxProperties") or 100),
        )
    if kind == "array":
        items, items_union = _resolve(resolved.get("items"), root)
        low = int(resolved.get("minItems") or 0)
        high = min(int(resolved.get("maxItems") or MAX_ITEMS_SHOWN), MAX_ITEMS_SHOWN)
        if not items_union and (items.get("type") == "object" or "properties" in items):
            child_title = str(items.get("title", ""))
            return Spec(
                name,
                path,
                "group_list",
                required,
                children=_children(items, root, path, countries, child_title),
                min_items=low,
                max_items=high,
            )
        if country:
            return Spec(name, path, "countries", required, min_items=low, max_items=high)
        if "enum" in items:
            return Spec(
                name,
                path,
                "choices",
                required,
                options=tuple((str(v), str(v)) for v in items["enum"]),
                enum=str(items.get("title", "")),
                min_items=low,
                max_items=high,
            )
        if items.get("type") in ("integer", "number"):
            return Spec(name, path, "joined", required, hint=N_("Separate the values with ;"))
        return Spec(name, path, "text_list", required, min_items=low, max_items=high)
    widget = _scalar_widget(resolved, country)
    options: tuple[tuple[str, str], ...] = ()
    if widget == "select":
        options = tuple((str(v), str(v)) for v in resolved["enum"])
    hint = N_("Date and time in UTC") if widget == "datetime" else ""
    return Spec(
        name,
        path,
        widget,
        required,
        options=options,
        enum=str(resolved.get("title", "")) or None,
        hint=hint,
    )


def _children(
    node: Mapping[str, Any],
    root: Mapping[str, Any],
    path: tuple[str, ...],
    countries: frozenset[tuple[str, str]],
    title: str | None = None,
) -> tuple[Spec, ...]:
    required = set(node.get("required", []))
    owner_title = title if title is not None else str(node.get("title", ""))
    specs = []
    for name, child in (node.get("properties") or {}).items():
        spec = _spec(name, child, root, (*path, name), name in required, countries, owner_title)
        if spec is not None:
            specs.append(spec)
    return tuple(specs)


def payload_specs(kind: RecordKind[Any]) -> tuple[Spec, ...]:
    """The fields of a kind's input, as the form shows them."""
    return _specs(kind.name, stored=False)


def input_schema(kind: RecordKind[Any]) -> dict[str, Any]:
    return _schema(kind.name, stored=False)


# Cached by the kind's name: a kind with a default policy (a dict) cannot be hashed.
@cache
def _schema(kind_name: str, *, stored: bool) -> dict[str, Any]:
    kind = registry.get(kind_name)
    model = kind.payload if stored else kind.input_schema
    schema: dict[str, Any] = model.model_json_schema()
    return schema


@cache
def _specs(kind_name: str, *, stored: bool) -> tuple[Spec, ...]:
    kind = registry.get(kind_name)
    schema = _schema(kind_name, stored=stored)
    model: type[BaseModel] = kind.payload if stored else kind.input_schema
    return _children(schema, schema, (), country_fields(model))


# ---------------------------------------------------------------- specs with values


def _indices(values: Values, prefix: str) -> list[int]:
    found = set()
    for key in values:
        if key.startswith(prefix):
            head = key[len(prefix) :].split(".", 1)[0]
            if is_ascii_number(head) and len(head) <= 4:
                found.add(int(head))
    return sorted(found)


def _rows(values: Values, prefix: str) -> list[int]:
    found = set()
    for key in values:
        if key.startswith(prefix):
            match = _ROW.fullmatch(key[len(prefix) :].split(".", 1)[0])
            if match:
                found.add(int(match[1]))
    return sorted(found)


@dataclass(frozen=True)
class Choices:
    """What the controls offer in the visitor's language: member countries by name."""

    countries: tuple[tuple[str, str], ...]

    @classmethod
    def for_language(cls, lang: str) -> Choices:
        return cls(_member_choices(lang))


@cache
def _member_choices(lang: str) -> tuple[tuple[str, str], ...]:
    members = ((m.alpha3, m.name(lang)) for m in reference.member_countries())
    return tuple(sorted(members, key=lambda pair: pair[1]))


def _with_given(options: Sequence[tuple[str, str]], given: Iterable[str]) -> list[tuple[str, str]]:
    """The options, with any given value that is not one of them kept as its own option (an
    ICAO code or a mistyped value is shown back as entered, not silently dropped)."""
    known = {value for value, _label in options}
    extra = [(v, v) for v in dict.fromkeys(given) if v and v not in known]
    return [*extra, *options]


def _control(
    kind_name: str, spec: Spec, path: str, values: Values, more: set[str], choices: Choices
) -> Control:
    label = labels.field_label(kind_name, spec.labels_path)
    given = [str(v) for v in values.get(path, ())]
    hint = _(spec.hint) if spec.hint else labels.field_hint(kind_name, spec.labels_path)
    control = Control(path, label, spec.widget, spec.required, hint, given)
    if spec.widget in ("select", "choices"):
        control.options = _with_given(
            [(value, labels.option_label(spec.enum, value)) for value, _v in spec.options], given
        )
    elif spec.widget in ("country", "countries"):
        control.options = _with_given(choices.countries, given)
    elif spec.widget == "boolean":
        control.options = [("true", _("Yes")), ("false", _("No"))]
    elif spec.widget == "datetime":
        # A datetime-local input holds no zone: the stored UTC time is shown without it.
        control.values = [re.sub(r"(Z|\+00:00)$", "", v) for v in given]
    elif spec.widget == "group":
        control.children = [
            _control(kind_name, child, f"{path}.{child.name}", values, more, choices)
            for child in spec.children
        ]
    elif spec.widget == "group_list":
        present = _indices(values, path + ".")
        count = max(1, spec.min_items, (present[-1] + 1) if present else 0)
        count = min(count + (1 if path in more else 0), spec.max_items)
        control.more = count < spec.max_items
        for index in range(count):
            item_path = f"{path}.{index}"
            item = Control(item_path, _("Item %(number)s") % {"number": index + 1}, "group")
            item.children = [
                _control(kind_name, child, f"{item_path}.{child.name}", values, more, choices)
                for child in spec.children
            ]
            control.children.append(item)
    elif spec.widget == "text_list":
        count = min(max(1, spec.min_items, len(given)) + (1 if path in more else 0), spec.max_items)
        control.values = given + [""] * (count - len(given))
        control.more = count < spec.max_items
    elif spec.widget == "mapping":
        if not control.hint and spec.item is not None and spec.item.widget == "joined":
            control.hint = _("Separate the values with ;")
        rows = _rows(values, path + ".")
        count = max(MAPPING_ROWS if not rows else 0, (rows[-1] + 1) if rows else 0)
        count = min(count + (1 if path in more else 0), spec.max_items)
        control.more = count < spec.max_items
        for row in range(count):
            row_path = f"{path}.{ROW_MARK}{row}"
            name_label, value_label = labels.row_labels(kind_name, spec.labels_path)
            name = Control(f"{row_path}.name", name_label, "text")
            name.values = [str(v) for v in values.get(name.path, ())]
            value = Control(f"{row_path}.value", value_label, "text")
            value.values = [str(v) for v in values.get(value.path, ())]
            control.children.append(Control(row_path, "", "row", children=[name, value]))
    return control


def payload_controls(
    kind: RecordKind[Any], values: Values, more: set[str], choices: Choices
) -> list[Control]:
    """The payload part of the form, holding the given values."""
    return [
        _control(kind.name, spec, f"{PAYLOAD}.{spec.name}", values, more, choices)
        for spec in payload_specs(kind)
    ]


# ---------------------------------------------------------------- the envelope


def _envelope_options(table: Mapping[Any, str], enum: Iterable[str]) -> list[tuple[str, str]]:
    return [(value, labels.translated(table, value)) for value in enum]


def region_name(region: str, lang: str) -> str:
    try:
        names = reference.REGION_NAMES[reference.Region(region)]
    except ValueError:
        return region
    return names.get(lang, names["en"])


def envelope_controls(
    values: Values, choices: Choices, lang: str, *, with_reference: bool
) -> tuple[list[Control], list[Control]]:
    """The envelope's controls (source, grading, handling codes, the owner's reference) and
    the access policy's, holding the given values."""

    def given(path: str) -> list[str]:
        return [str(v) for v in values.get(path, ())]

    def make(path: str, widget: str, options: list[tuple[str, str]], required: bool) -> Control:
        return Control(
            path,
            labels.envelope_label(path),
            widget,
            required,
            values=given(path),
            options=_with_given(options, given(path)) if widget == "select" else options,
        )

    envelope = [
        make(
            "source_type",
            "select",
            _envelope_options(labels.SOURCE_TYPE_LABELS, (s.value for s in SourceType)),
            True,
        ),
        make(
            "source_grading",
            "select",
            _envelope_options(labels.SOURCE_GRADING_LABELS, (s.value for s in SourceGrading)),
            True,
        ),
        make(
            "information_grading",
            "select",
            _envelope_options(
                labels.INFORMATION_GRADING_LABELS, (s.value for s in InformationGrading)
            ),
            True,
        ),
        make(
            "handling_codes",
            "choices",
            _envelope_options(labels.HANDLING_CODE_LABELS, (c.value for c in HandlingCode)),
            False,
        ),
    ]
    if with_reference:
        reference_control = make("owner_reference", "text", [], False)
        reference_control.hint = _("Your own case or file number; entering it again updates.")
        envelope.append(reference_control)
    policy = [
        make(
            "access_policy.mode",
            "select",
            _envelope_options(labels.ACCESS_MODE_LABELS, (m.value for m in access.AccessMode)),
            True,
        ),
        make("access_policy.countries", "countries", list(choices.countries), False),
        make(
            "access_policy.regions",
            "choices",
            [(r.value, region_name(r.value, lang)) for r in reference.Region],
            False,
        ),
        make(
            "access_policy.agency_kinds",
            "choices",
            _envelope_options(AGENCY_KIND_LABELS, (k.value for k in AgencyKind)),
            False,
        ),
        make(
            "access_policy.specialties",
            "choices",
            _envelope_options(SPECIALTY_LABELS, (s.value for s in UnitSpecialty)),
            False,
        ),
        make("access_policy.excluded_countries", "countries", list(choices.countries), False),
    ]
    policy[0].hint = _(
        "Countries, regions, kinds of agency and specialties apply to a listed policy; "
        "excluded countries to all but those excluded."
    )
    return envelope, policy


def policy_values(policy: access.AccessPolicy) -> dict[str, list[str]]:
    """The form's values for an access policy."""
    return {
        "access_policy.mode": [policy.mode.value],
        "access_policy.countries": list(policy.countries),
        "access_policy.regions": [r.value for r in policy.regions],
        "access_policy.agency_kinds": [k.value for k in policy.agency_kinds],
        "access_policy.specialties": [s.value for s in policy.specialties],
        "access_policy.excluded_countries": list(policy.excluded_countries),
    }


def record_values(record: Any, kind: RecordKind[Any], *, policy: access.AccessPolicy) -> Values:
    """The form's values for a stored record: its envelope, its access policy and its payload
    (as far as the input schema shares the stored one: a card number is never stored)."""
    values: dict[str, list[str]] = {
        "source_type": [record.source_type],
        "source_grading": [record.source_grading],
        "information_grading": [record.information_grading],
        "handling_codes": list(record.handling_codes),
        **policy_values(policy),
    }
    _payload_values(payload_specs(kind), record.payload, PAYLOAD, values)
    return values


def _payload_values(
    specs: Sequence[Spec], payload: Mapping[str, Any], prefix: str, out: dict[str, list[str]]
) -> None:
    for spec in specs:
        value = payload.get(spec.name)
        path = f"{prefix}.{spec.name}"
        if value is None:
            continue
        if spec.widget == "group" and isinstance(value, Mapping):
            _payload_values(spec.children, value, path, out)
        elif spec.widget == "group_list" and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    _payload_values(spec.children, item, f"{path}.{index}", out)
        elif spec.widget == "mapping" and isinstance(value, Mapping):
            for row, (name, cell) in enumerate(value.items()):
                out[f"{path}.{ROW_MARK}{row}.name"] = [str(name)]
                text = (
                    flat.LIST_SEPARATOR.join(map(_text, cell)) if isinstance(cell, list) else cell
                )
                out[f"{path}.{ROW_MARK}{row}.value"] = [_text(text)]
        elif spec.widget == "joined" and isinstance(value, list):
            out[path] = [flat.LIST_SEPARATOR.join(_text(v) for v in value)]
        elif isinstance(value, list):
            out[path] = [_text(v) for v in value]
        else:
            out[path] = [_text(value)]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------- the submission


def submitted_values(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The submission by field, lists of the values of each, in order."""
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    return values


def compacted(kind: RecordKind[Any], values: Values) -> dict[str, list[str]]:
    """The submission with the empty items of repeated groups left out and the rest numbered
    from 0, so that an error about item 2 of the payload is about item 2 on the page."""
    out = {k: list(v) for k, v in values.items()}
    for spec in payload_specs(kind):
        _compact(spec, f"{PAYLOAD}.{spec.name}", out)
    return out


def _filled(values: Values, prefix: str) -> bool:
    return any(k.startswith(prefix) and any(v.strip() for v in vs) for k, vs in values.items())


def _compact(spec: Spec, path: str, values: dict[str, list[str]]) -> None:
    if spec.widget == "group":
        for child in spec.children:
            _compact(child, f"{path}.{child.name}", values)
        return
    if spec.widget == "text_list" and path in values:
        values[path] = [v for v in values[path] if v.strip()]
        return
    if spec.widget not in ("group_list", "mapping"):
        return
    prefix = path + "."
    keys = [k for k in values if k.startswith(prefix)]
    moved = {k: values.pop(k) for k in keys}
    if spec.widget == "mapping":
        rows = [r for r in _rows(moved, prefix) if _filled(moved, f"{prefix}{ROW_MARK}{r}.")]
        for new, old in enumerate(rows):
            for suffix in ("name", "value"):
                key = f"{prefix}{ROW_MARK}{old}.{suffix}"
                if key in moved:
                    values[f"{prefix}{ROW_MARK}{new}.{suffix}"] = moved[key]
        return
    indices = [i for i in _indices(moved, prefix) if _filled(moved, f"{prefix}{i}.")]
    for new, old in enumerate(indices):
        old_prefix, new_prefix = f"{prefix}{old}.", f"{prefix}{new}."
        for key, given in moved.items():
            if key.startswith(old_prefix):
                values[new_prefix + key[len(old_prefix) :]] = given
        for child in spec.children:
            _compact(child, f"{prefix}{new}.{child.name}", values)
    # Anything under the list that is not an item (a stray path) goes through unchanged, so
    # that the kind refuses it by name rather than it vanishing.
    for key, given in moved.items():
        head = key[len(prefix) :].split(".", 1)[0]
        if not is_ascii_number(head) or len(head) > 4:
            values[key] = given


def _widget_of(kind: RecordKind[Any], path: str) -> str | None:
    """The widget of a payload path (list indices skipped), or None when the form has none."""
    parts = path.split(".")[1:]
    specs = payload_specs(kind)
    spec: Spec | None = None
    for part in parts:
        if is_ascii_number(part) and spec is not None and spec.widget == "group_list":
            continue
        spec = next((s for s in specs if s.name == part), None)
        if spec is None:
            return None
        specs = spec.children
    return spec.widget if spec is not None else None


def payload_pairs(kind: RecordKind[Any], values: Values) -> list[tuple[str, str]]:
    """The (path, text) pairs of the payload for `flat.unflatten`: the `payload.` prefix
    dropped, a table's rows turned into its names, a local date and time given its zone."""
    pairs: list[tuple[str, str]] = []
    problems: list[FieldProblem] = []
    rows: dict[str, dict[str, str]] = {}
    for name, given in values.items():
        if not name.startswith(PAYLOAD + "."):
            continue
        parts = name.split(".")
        mark = next((i for i, p in enumerate(parts) if _ROW.fullmatch(p)), None)
        if mark is not None and mark == len(parts) - 2 and parts[-1] in ("name", "value"):
            row_key = ".".join(parts[: mark + 1])
            rows.setdefault(row_key, {})[parts[-1]] = given[-1] if given else ""
            continue
        widget = _widget_of(kind, name)
        for value in given:
            text = value
            if widget == "datetime" and _DATETIME_LOCAL.fullmatch(value.strip()):
                text = value.strip() + "Z"  # the form says: in UTC
            pairs.append((name.removeprefix(PAYLOAD + "."), text))
    for row_key, row in rows.items():
        key, cell = row.get("name", "").strip(), row.get("value", "")
        table = row_key.rsplit(".", 1)[0].removeprefix(PAYLOAD + ".")
        if not key:
            if cell.strip():
                problems.append(FieldProblem(f"{row_key}.name", N_("give the name")))
            continue
        if "." in key or len(key) > 100:
            problems.append(
                FieldProblem(f"{row_key}.name", N_("a name has at most 100 characters and no dots"))
            )
            continue
        pairs.append((f"{table}.{key}", cell))
    if problems:
        raise InvalidInput("some rows are incomplete", problems)
    return pairs


def parse_payload(kind: RecordKind[Any], values: Values) -> dict[str, Any]:
    """The payload of a submission, or InvalidInput naming the fields."""
    return flat.unflatten(payload_pairs(kind, values), input_schema(kind))


def _choice(
    values: Values, name: str, enum: type[Any], reason: str, problems: list[FieldProblem]
) -> Any:
    given = (values.get(name) or [""])[-1].strip()
    try:
        return enum(given)
    except ValueError:
        problems.append(FieldProblem(name, reason))
        return None


def parse_envelope(values: Values, *, with_reference: bool) -> Envelope:
    """The envelope of a submission, or InvalidInput naming the fields."""
    problems: list[FieldProblem] = []
    source_type = _choice(values, "source_type", SourceType, N_("choose a source"), problems)
    source_grading = _choice(
        values,
        "source_grading",
        SourceGrading,
        N_("choose the reliability of the source"),
        problems,
    )
    information_grading = _choice(
        values,
        "information_grading",
        InformationGrading,
        N_("choose the accuracy of the information"),
        problems,
    )
    codes = []
    for code in values.get("handling_codes", ()):
        try:
            codes.append(HandlingCode(code))
        except ValueError:
            problems.append(FieldProblem("handling_codes", N_("choose among the handling codes")))
    policy = None
    raw_policy: dict[str, Any] = {
        "mode": (values.get("access_policy.mode") or ["all_members"])[-1] or "all_members"
    }
    for part in ("countries", "regions", "agency_kinds", "specialties", "excluded_countries"):
        raw_policy[part] = [v for v in values.get(f"access_policy.{part}", ()) if v.strip()]
    try:
        policy = access.AccessPolicy.model_validate(raw_policy)
    except ValidationError as exc:
        for error in exc.errors():
            location = [str(p) for p in error.get("loc", ())]
            # An item's position means nothing on the page: the error goes to its list.
            location = [p for p in location if not is_ascii_number(p)]
            path = ".".join(["access_policy", *location]) if location else "access_policy.mode"
            reason = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
            problems.append(FieldProblem(path, reason))
    reference_value = None
    if with_reference:
        reference_value = (values.get("owner_reference") or [""])[-1].strip() or None
        if reference_value is not None and (
            len(reference_value) > 100 or any(ord(c) < 32 or ord(c) == 127 for c in reference_value)
        ):
            problems.append(
                FieldProblem("owner_reference", N_("use at most 100 characters on one line"))
            )
    if problems:
        raise InvalidInput("the record's envelope is not valid", problems)
    assert source_type is not None
    assert source_grading is not None
    assert information_grading is not None
    assert policy is not None
    return Envelope(
        source_type=source_type,
        source_grading=source_grading,
        information_grading=information_grading,
        handling_codes=tuple(dict.fromkeys(codes)),
        access_policy=policy,
        owner_reference=reference_value,
    )


# ---------------------------------------------------------------- errors beside fields


def _all(controls: Sequence[Control]) -> Iterable[Control]:
    for control in controls:
        yield control
        yield from _all(control.children)


def _target(by_path: Mapping[str, Control], name: str) -> Control | None:
    """The deepest control a problem's field falls under. Pydantic names payload fields below
    "payload"; a kind's owner rule names them alone ("issuing_country"): both reach the input."""
    parts = name.split(".")
    candidates = [parts] if parts[0] == PAYLOAD else [[PAYLOAD, *parts], parts]
    for candidate in candidates:
        for end in range(len(candidate), 0, -1):
            control = by_path.get(".".join(candidate[:end]))
            if control is not None:
                return control
    return None


def place_errors(controls: Sequence[Control], problems: Sequence[FieldProblem]) -> list[str]:
    """Put each problem on the control its field falls under (one about
    `payload.names.0.value` on that input, one about `payload.names` on the group); returns
    the problems no control could carry, to be shown above the form as they are."""
    by_path = {c.path: c for c in _all(controls)}
    left = []
    for problem in problems:
        reason = _(problem.reason)
        target = _target(by_path, problem.field)
        if target is None:
            left.append(f"{problem.field}: {reason}")
        else:
            target.error = f"{target.error}; {reason}" if target.error else reason
    return left


def with_errors(controls: Sequence[Control]) -> list[Control]:
    """The controls that carry an error, in the order of the form, for its summary."""
    return [c for c in _all(controls) if c.error]


# ---------------------------------------------------------------- the stored payload, shown


@dataclass
class Shown:
    """One field of a stored payload as the record's page shows it."""

    label: str
    text: str = ""
    items: list[list[Shown]] = field(default_factory=list)  # a list of groups, or a group
    code: bool = False


def _shown_scalar(spec: Spec | None, value: Any, lang: str, yes_no: Callable[[bool], str]) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    text = str(value)
    if spec is None:
        return text
    if spec.widget in ("country", "countries"):
        try:
            return f"{reference.member_by_alpha3(text).name(lang)} ({text})"
        except KeyError:
            return text
    if spec.widget in ("select", "choices"):
        return labels.option_label(spec.enum, text)
    if spec.widget in ("date", "datetime"):
        try:
            moment = (
                dt.date.fromisoformat(text)
                if spec.widget == "date"
                else dt.datetime.fromisoformat(text)
            )
            return i18n.format_datetime(moment, lang)
        except ValueError:
            return text
    return text


def describe_payload(kind: RecordKind[Any], payload: Mapping[str, Any], lang: str) -> list[Shown]:
    """A stored payload as labelled fields, in the order of the kind's schema."""

    def yes_no(flag: bool) -> str:
        return _("Yes") if flag else _("No")

    def shown(specs: Sequence[Spec], data: Mapping[str, Any], path: tuple[str, ...]) -> list[Shown]:
        out: list[Shown] = []
        by_name = {s.name: s for s in specs}
        names = [s.name for s in specs] + [k for k in data if k not in by_name]
        for name in names:
            value = data.get(name)
            if value is None or value == [] or value == {}:
                continue
            spec = by_name.get(name)
            label = labels.field_label(kind.name, (*path, name))
            if isinstance(value, Mapping) and spec is not None and spec.widget == "group":
                out.append(Shown(label, items=[shown(spec.children, value, (*path, name))]))
            elif isinstance(value, Mapping):
                rows = [
                    Shown(
                        str(key),
                        ", ".join(map(str, cell)) if isinstance(cell, list) else str(cell),
                        code=True,
                    )
                    for key, cell in value.items()
                ]
                out.append(Shown(label, items=[rows]))
            elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
                children = spec.children if spec is not None else ()
                out.append(
                    Shown(label, items=[shown(children, item, (*path, name)) for item in value])
                )
            elif isinstance(value, list):
                out.append(
                    Shown(label, ", ".join(_shown_scalar(spec, v, lang, yes_no) for v in value))
                )
            else:
                out.append(
                    Shown(
                        label,
                        _shown_scalar(spec, value, lang, yes_no),
                        code=name in _CODE_FIELDS or f"{kind.name}.{name}" in _CODE_FIELDS,
                    )
                )
        return out

    return shown(_specs(kind.name, stored=True), payload, ())


# Identifiers read better in a fixed-width face, and stay left to right in Arabic pages.
_CODE_FIELDS = frozenset(
    {
        "vin",
        "number",
        "iban",
        "bic",
        "card_hash",
        "last_four",
        "wallet_address",
        "imo",
        "mmsi",
        "hull_id",
        "serial_number",
        "serial_from",
        "serial_to",
        "cyber_indicators.value",
        "pdq",
        "sha256",
        "md5",
        "signature",
    }
)

__all__ = [
    "Choices",
    "Control",
    "Shown",
    "compacted",
    "describe_payload",
    "envelope_controls",
    "parse_envelope",
    "parse_payload",
    "payload_controls",
    "place_errors",
    "policy_values",
    "record_values",
    "submitted_values",
    "with_errors",
]
