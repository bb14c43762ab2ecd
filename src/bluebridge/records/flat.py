"""Payloads as flat (dotted path, text) pairs and back: the shape of a CSV row and of a portal
form. `unflatten` builds the nested payload a kind's JSON schema describes from pairs such as
("names.0.value", "Ana"), ("date_of_birth.year", "1980") and ("nationalities", "FRA;DEU"),
coercing text to numbers and booleans only where the schema asks for them and the text
parses, so that anything else reaches pydantic as given and is refused there by field and
reason. `flatten` is its inverse, for filling a form or a CSV row from a stored payload."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

from bluebridge.errors import InvalidInput
from bluebridge.text import is_ascii_number

# Several values in one cell of a list of plain values ("FRA;DEU"), as spreadsheets write them.
LIST_SEPARATOR = ";"
_INTEGER = re.compile(r"[+-]?\d{1,30}")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
_INDEX_LIMIT = 10_000  # an index past this is refused: "names.999999999" would build a huge list


def _resolve(node: Any, root: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of a node with $ref followed and an optional value's null branch removed;
    None when the schema leaves the shape open (several types, unknown field)."""
    seen = 0
    while isinstance(node, dict):
        seen += 1
        if seen > 50:  # a cycle of $refs: treat the node as open
            return None
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"))
            continue
        options = node.get("anyOf") or node.get("oneOf")
        if isinstance(options, list):
            concrete = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            if len(concrete) != 1:
                return None  # a union of several types (an id or a reference): left as text
            node = concrete[0]
            continue
        kind = node.get("type")
        if isinstance(kind, list):
            concrete_types = [t for t in kind if t != "null"]
            if len(concrete_types) != 1:
                return None
            node = {**node, "type": concrete_types[0]}
        resolved: dict[str, Any] = node
        return resolved
    return None


def _kind(node: dict[str, Any] | None) -> str | None:
    if node is None:
        return None
    kind = node.get("type")
    if kind is None and ("properties" in node or "additionalProperties" in node):
        return "object"
    if kind is None and "items" in node:
        return "array"
    return kind if isinstance(kind, str) else None


def _child(node: dict[str, Any] | None, segment: str, root: dict[str, Any]) -> Any:
    """The schema of one step down: a property of an object, the items of an array."""
    kind = _kind(node)
    if node is None:
        return None
    if kind == "object":
        properties = node.get("properties") or {}
        if segment in properties:
            return properties[segment]
        extra = node.get("additionalProperties")
        return extra if isinstance(extra, dict) else None
    if kind == "array":
        return node.get("items")
    return None


def coerce(text: str, node: dict[str, Any] | None) -> Any:
    """Text as the scalar the schema asks for, where it parses; else the text itself."""
    kind = _kind(node)
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number":
        if _INTEGER.fullmatch(text):
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    if kind == "boolean":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return text


class _Group:
    """A node being built: an object's fields or an array's items, by path segment."""

    __slots__ = ("items", "schema")

    def __init__(self, schema: dict[str, Any] | None) -> None:
        self.schema = schema
        self.items: dict[str, Any] = {}


def _is_scalar_list(node: dict[str, Any] | None, root: dict[str, Any]) -> bool:
    if _kind(node) != "array" or node is None:
        return False
    return _kind(_resolve(node.get("items"), root)) in _SCALAR_TYPES


def unflatten(pairs: Iterable[tuple[str, str]], schema: dict[str, Any]) -> dict[str, Any]:
    """The nested payload of flat (dotted path, text) pairs, guided by a kind's JSON schema
    (`kind.input_schema.model_json_schema()`). Empty values are dropped; a list of plain
    values takes repeated pairs or one cell split on ";" (an indexed path such as
    "offences.0" is never split); numbers and booleans are coerced where the text parses.
    Raises InvalidInput only when one path is both a value and a group of fields."""
    root = schema
    top = _Group(_resolve(schema, root))
    for raw_path, raw_value in pairs:
        value = raw_value.strip()
        path = raw_path.strip()
        if not value or not path:
            continue
        segments = path.split(".")
        if any(not s for s in segments):
            raise InvalidInput.on(path, "is not a field path (an empty part between dots)")
        group = top
        for depth, segment in enumerate(segments):
            node = _resolve(_child(group.schema, segment, root), root)
            last = depth == len(segments) - 1
            in_list = _kind(group.schema) == "array"
            if in_list and (not is_ascii_number(segment) or int(segment) > _INDEX_LIMIT):
                raise InvalidInput.on(
                    ".".join(segments[: depth + 1]),
                    f"is not a position in a list (0 to {_INDEX_LIMIT})",
                )
            existing = group.items.get(segment)
            if last:
                if isinstance(existing, _Group) and not _is_scalar_list(existing.schema, root):
                    raise InvalidInput.on(path, "is given both as a value and as a group of fields")
                if _is_scalar_list(node, root):
                    assert node is not None
                    items_schema = _resolve(node.get("items"), root)
                    target = existing if isinstance(existing, _Group) else _Group(node)
                    for part in value.split(LIST_SEPARATOR):
                        if part.strip():
                            target.items[f"+{len(target.items)}"] = coerce(
                                part.strip(), items_schema
                            )
                    group.items[segment] = target
                else:
                    group.items[segment] = coerce(value, node)  # a repeated path: the last wins
            else:
                if existing is None:
                    existing = group.items[segment] = _Group(node)
                elif not isinstance(existing, _Group):
                    raise InvalidInput.on(
                        ".".join(segments[: depth + 1]),
                        "is given both as a value and as a group of fields",
                    )
                group = existing
    built = _build(top)
    assert isinstance(built, dict)
    return built


def _order(key: str) -> tuple[int, int]:
    # Indexed items first, by index; appended ones ("+n", from a split cell) after, in order.
    return (1, int(key[1:])) if key.startswith("+") else (0, int(key))


def _build(group: _Group) -> dict[str, Any] | list[Any]:
    if _kind(group.schema) == "array":
        keys = sorted(group.items, key=_order)
        return [_value(group.items[k]) for k in keys]
    return {key: _value(item) for key, item in group.items.items()}


def _value(item: Any) -> Any:
    return _build(item) if isinstance(item, _Group) else item


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten(payload: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """A payload as (dotted path, text) pairs, lists by index ("nationalities.0"), so that
    `unflatten` gives the payload back; absent and None values are left out."""
    for key, value in payload.items():
        path = f"{prefix}{key}"
        yield from _flatten_value(value, path)


def _flatten_value(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if isinstance(value, dict):
        yield from flatten(value, f"{path}.")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _flatten_value(item, f"{path}.{index}")
    else:
        yield path, _text(value)


__all__ = ["LIST_SEPARATOR", "coerce", "flatten", "unflatten"]
