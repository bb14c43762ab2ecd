"""Text as every domain's services accept it: no control characters (PostgreSQL refuses NUL,
and none belongs in a name or a code), and search terms escaped for SQL LIKE so that `%` and
`_` match themselves."""

from __future__ import annotations

import re

from bluebridge.errors import InvalidInput

LIKE_ESCAPE = "\\"


# Unicode's Cc (control) and Cs (surrogate) categories, which are these fixed ranges: one
# regular expression scans a bulk import's every cell far faster than a category per character.
_CONTROL_OR_SURROGATE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_characters(value: str) -> bool:
    """True when the text holds a control character (Unicode Cc) or a lone surrogate (Cs)."""
    return _CONTROL_OR_SURROGATE.search(value) is not None


def is_ascii_number(value: str) -> bool:
    """True for digits 0-9 only: `str.isdigit` also takes "²" and "٣", which `int` refuses
    or reads as another number, so indices and ids from a form are checked with this."""
    return value.isascii() and value.isdigit()


def check_text(field: str, value: str) -> str:
    """The value unchanged, or InvalidInput naming the field when it holds control characters."""
    if has_control_characters(value):
        raise InvalidInput.on(field, "must not contain control characters")
    return value


def contains_pattern(term: str, field: str = "q") -> str:
    """A LIKE pattern matching the term anywhere, case-folded, with its wildcards escaped;
    use it with ``.like(pattern, escape=LIKE_ESCAPE)``."""
    check_text(field, term)
    escaped = (
        term.strip()
        .lower()
        .replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"
