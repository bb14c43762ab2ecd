"""Text as services accept it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluebridge.errors import InvalidInput
from bluebridge.text import check_text, contains_pattern, has_control_characters


@pytest.mark.parametrize("value", ["a\x00b", "tab\there", "\x1b[31m", "line\nbreak"])
def test_control_characters_are_refused_naming_the_field(value):
    with pytest.raises(InvalidInput) as caught:
        check_text("display_name", value)
    assert caught.value.problems[0].field == "display_name"


@pytest.mark.parametrize("value", ["Jean-Luc O'Brien", "محمد بن سلمان", "李小龙", "Zoë Ñúñez"])
def test_names_in_any_script_pass(value):
    assert check_text("name", value) == value


def test_like_wildcards_match_themselves():
    assert contains_pattern("50%_off") == "%50\\%\\_off%"
    assert contains_pattern(" Back\\Slash ") == "%back\\\\slash%"


@given(st.text())
def test_check_text_accepts_exactly_the_text_without_control_characters(value):
    if has_control_characters(value):
        with pytest.raises(InvalidInput):
            check_text("q", value)
    else:
        assert check_text("q", value) == value
