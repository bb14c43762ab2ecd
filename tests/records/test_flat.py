"""Flat (dotted path, text) pairs and nested payloads: hypothesis draws payloads shaped by
every kind's real JSON schema and holds `unflatten(flatten(x)) == x`; the rules for empty
values, lists in one cell, coercion and conflicting paths are checked on their own."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluebridge.errors import InvalidInput
from bluebridge.records import registry
from bluebridge.records.flat import _resolve, flatten, unflatten

KIND_NAMES = sorted(registry.kinds())
SCHEMAS = {name: registry.get(name).input_schema.model_json_schema() for name in KIND_NAMES}
# Text as a form or a cell holds it once stripped: no surrounding spaces, never empty.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s != "")
KEY = st.text(st.characters(whitelist_categories=("Ll",)), min_size=1, max_size=6)


def values_for(node: Any, root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of the shape a schema node describes (not their constraints: the shape)."""
    resolved = _resolve(node, root)
    if resolved is None:
        return TEXT  # a union of several types travels as text
    kind = resolved.get("type")
    if kind == "integer":
        return st.integers(-(10**12), 10**12)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False, width=64)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(values_for(resolved.get("items"), root, depth + 1), max_size=3)
    if kind == "object" or "properties" in resolved:
        properties = resolved.get("properties") or {}
        if not properties and isinstance(resolved.get("additionalProperties"), dict):
            return st.dictionaries(
                KEY, values_for(resolved["additionalProperties"], root, depth + 1), max_size=3
            )
        if depth > 4:
            return st.just({})
        return st.fixed_dictionaries(
            {},
            optional={
                name: values_for(child, root, depth + 1) for name, child in properties.items()
            },
        )
    return TEXT


def _without_empty(value: Any) -> Any:
    """What survives a round trip: empty lists and objects carry no pair, so they vanish."""
    if isinstance(value, dict):
        kept = {k: _without_empty(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ({}, [])}
    if isinstance(value, list):
        kept_items = [_without_empty(v) for v in value]
        return [v for v in kept_items if v not in ({}, [])]
    return value


@st.composite
def kind_and_payload(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(KIND_NAMES))
    schema = SCHEMAS[name]
    return name, draw(values_for(schema, schema))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind_and_payload())
def test_unflatten_gives_back_what_flatten_wrote(drawn: tuple[str, dict[str, Any]]) -> None:
    name, payload = drawn
    rebuilt = unflatten(list(flatten(payload)), SCHEMAS[name])
    expected = _without_empty(payload)
    assert _same(rebuilt, expected), (rebuilt, expected)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        return math.isclose(float(left), float(right), rel_tol=0, abs_tol=0)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            _same(a, b) for a, b in zip(left, right, strict=True)
        )
    return type(left) is type(right) and left == right


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(KIND_NAMES),
    pairs=st.lists(
        st.tuples(
            st.text(st.sampled_from("abnames._0123"), max_size=20),
            st.text(max_size=10),
        ),
        max_size=10,
    ),
)
def test_any_pairs_give_a_payload_or_a_field_problem(name: str, pairs: list[tuple[str, str]]):
    problems: list[str] = []
    try:
        result: object = unflatten(pairs, SCHEMAS[name])
    except InvalidInput as exc:
        problems = [p.field for p in exc.problems]
        result = None
    assert isinstance(result, dict) or (problems and all(problems))


PERSONS = SCHEMAS["persons"]


def test_a_person_from_a_form():
    payload = unflatten(
        [
            ("names.0.value", " Ana Lima "),
            ("names.1.value", "Анна"),
            ("names.1.type", "alias"),
            ("date_of_birth.year", "1980"),
            ("date_of_birth.month", "4"),
            ("nationalities", "FRA;DEU"),
            ("nationalities", "ITA"),
            ("status", "wanted"),
            ("gender", ""),
            ("place_of_birth", "   "),
        ],
        PERSONS,
    )
    assert payload == {
        "names": [{"value": "Ana Lima"}, {"value": "Анна", "type": "alias"}],
        "date_of_birth": {"year": 1980, "month": 4},
        "nationalities": ["FRA", "DEU", "ITA"],
        "status": "wanted",
    }
    registry.get("persons").input_schema.model_validate(payload)


def test_text_that_does_not_parse_is_left_for_pydantic_to_name():
    payload = unflatten([("date_of_birth.year", "nineteen"), ("names.0.value", "X")], PERSONS)
    assert payload["date_of_birth"] == {"year": "nineteen"}


def test_an_indexed_list_value_is_never_split():
    payload = unflatten([("offences.0", "theft; fraud"), ("offences", "arson;")], PERSONS)
    assert payload["offences"] == ["theft; fraud", "arson"]


def test_open_mappings_and_unions_follow_the_schema():
    dna = SCHEMAS["dna_profiles"]
    payload = unflatten([("loci.D3S1358", "15;16"), ("person_reference", "12")], dna)
    # A reference is an id or the owner's reference: text, for pydantic to decide.
    assert payload == {"loci": {"D3S1358": ["15", "16"]}, "person_reference": "12"}


def test_booleans_and_numbers_are_coerced_only_where_the_schema_asks():
    schema = {
        "type": "object",
        "properties": {
            "flag": {"type": "boolean"},
            "ratio": {"type": "number"},
            "label": {"type": "string"},
        },
    }
    assert unflatten([("flag", "on"), ("ratio", "0.5"), ("label", "1")], schema) == {
        "flag": True,
        "ratio": 0.5,
        "label": "1",
    }
    assert unflatten([("flag", "maybe"), ("ratio", "inf")], schema) == {
        "flag": "maybe",
        "ratio": "inf",
    }


@pytest.mark.parametrize(
    ("pairs", "field"),
    [
        ([("status", "wanted"), ("status.x", "1")], "status"),
        ([("names.0.value", "A"), ("names.0", "B")], "names.0"),
        ([("names.first.value", "A")], "names.first"),
        ([("names..value", "A")], "names..value"),
    ],
)
def test_conflicting_or_impossible_paths_name_the_field(pairs, field):
    with pytest.raises(InvalidInput) as caught:
        unflatten(pairs, PERSONS)
    assert caught.value.problems[0].field == field


@pytest.mark.parametrize("index", ["²", "٣", "0x1", "-1"])
def test_a_list_index_that_is_not_plain_digits_is_refused_by_name(index):
    with pytest.raises(InvalidInput) as refused:
        unflatten([(f"names.{index}.value", "Marc Tessier")], SCHEMAS["persons"])
    assert refused.value.problems[0].field.startswith("names")
