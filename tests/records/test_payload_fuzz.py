"""No input makes a kind's validators fail with anything but a clear, field-named refusal:
every kind's real field names, filled with arbitrary JSON values, either validate or raise
InvalidInput (never a crash that would become a 500)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluebridge.errors import InvalidInput
from bluebridge.records import registry
from bluebridge.records.service import validate_payload
from bluebridge.settings import Settings

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
SETTINGS = Settings(secret_key="fuzz-secret")


@pytest.mark.parametrize("kind_name", list(registry.KIND_MODULES))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_arbitrary_values_are_refused_cleanly(kind_name, data):
    kind = registry.get(kind_name)
    fields = list(kind.input_schema.model_fields)
    chosen = data.draw(st.lists(st.sampled_from(fields), unique=True, max_size=len(fields)))
    payload = {name: data.draw(JSON) for name in chosen}
    problems = []
    try:
        validate_payload(kind, payload, SETTINGS)
    except InvalidInput as exc:  # the one refusal allowed; anything else fails the test
        problems = exc.problems
        assert problems, "a refusal must name its fields"
    assert all(p.field.startswith("payload") for p in problems)
