"""Internationalisation of the portal: the supported languages, their gettext catalogs, language
negotiation, and the Jinja2 environment that renders a page in a given language.

Catalogs are the ``.po`` files under ``locales/<lang>/LC_MESSAGES/messages.po``; they are compiled
in memory on first use, so there is no build step and no ``.mo`` file in the tree. English is the
source language: msgids are English and the English catalog may leave every msgstr empty.

To add or change strings: mark them with ``_()`` in templates or ``gettext()`` in Python, then run
``python scripts/catalogs.py extract``, translate the new entries in the ar, es and fr ``.po``
files, and run ``python scripts/catalogs.py check``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

import jinja2
from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALES_DIR",
    "N_",
    "SOURCE_LANGUAGE",
    "Language",
    "activate",
    "catalog_path",
    "direction",
    "format_datetime",
    "format_number",
    "get_translations",
    "gettext",
    "make_jinja_env",
    "negotiate_language",
    "ngettext",
    "npgettext",
    "pgettext",
    "render",
    "use_language",
]

Direction = Literal["ltr", "rtl"]


@dataclass(frozen=True, slots=True)
class Language:
    """A language the portal is offered in."""

    code: str
    native_name: str
    direction: Direction


LANGUAGES: Final[dict[str, Language]] = {
    "ar": Language("ar", "العربية", "rtl"),
    "en": Language("en", "English", "ltr"),
    "es": Language("es", "Español", "ltr"),
    "fr": Language("fr", "Français", "ltr"),
}

SOURCE_LANGUAGE: Final = "en"
DOMAIN: Final = "messages"
LOCALES_DIR: Final = Path(__file__).resolve().parent / "locales"

# An Accept-Language header is client input: only this many entries of it are looked at.
_MAX_ACCEPT_LANGUAGE_ITEMS: Final = 32


def _language(lang: str) -> Language:
    try:
        return LANGUAGES[lang]
    except KeyError:
        raise ValueError(f"unsupported language: {lang!r}") from None


def catalog_path(lang: str) -> Path:
    """Where the ``.po`` catalog of a supported language lives."""
    return LOCALES_DIR / _language(lang).code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def get_translations(lang: str) -> Translations:
    """The translations of a supported language, compiled in memory from its ``.po`` catalog.

    Fuzzy entries and plural entries with an empty form are left out, so they fall back to the
    English msgid (in its English plural form) instead of showing an empty string. Raises
    ``ValueError`` for an unsupported language. Cached per language for the life of the process
    (``get_translations.cache_clear()`` reloads).
    """
    path = catalog_path(lang)
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=lang, domain=DOMAIN)
    # A plural entry missing a form is dropped whole, so English rules pick the English form.
    incomplete = [
        message
        for message in catalog
        if message.id and isinstance(message.string, tuple | list) and not all(message.string)
    ]
    for message in incomplete:
        catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def direction(lang: str) -> str:
    """``"rtl"`` or ``"ltr"``, the writing direction of a supported language."""
    return _language(lang).direction


def _supported(tag: str) -> str | None:
    """The supported language a language tag (``fr``, ``fr-CA``, ``FR_fr``) falls under."""
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    """The ranges of an Accept-Language header with their weights, best first, ties in order."""
    ranges: list[tuple[str, float]] = []
    for item in header.split(",", _MAX_ACCEPT_LANGUAGE_ITEMS)[:_MAX_ACCEPT_LANGUAGE_ITEMS]:
        tag, _, params = item.partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, sep, value = param.partition("=")
            if sep and name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
        if not math.isfinite(weight) or not 0.0 <= weight <= 1.0:
            weight = 0.0
        ranges.append((tag, weight))
    ranges.sort(key=lambda pair: -pair[1])
    return ranges


def negotiate_language(cookie_value: str | None, accept_language: str | None, default: str) -> str:
    """The language to show: the cookie's if it names a supported language, else the best
    supported match of the Accept-Language header (``fr-CA,fr;q=0.9,en;q=0.5`` gives ``fr``),
    else ``default`` (which must be supported)."""
    fallback = _language(default).code
    if cookie_value:
        chosen = _supported(cookie_value)
        if chosen is not None:
            return chosen
    if accept_language:
        ranges = _parse_accept_language(accept_language)
        refused = {tag for tag, weight in ranges if weight == 0.0 and tag in LANGUAGES}
        for tag, weight in ranges:
            if weight == 0.0:
                continue
            if tag == "*":
                if fallback not in refused:
                    return fallback
                return next((code for code in LANGUAGES if code not in refused), fallback)
            chosen = _supported(tag)
            if chosen is not None:
                return chosen
    return fallback


# Thread-safe: a ContextVar is per thread/task, read by gettext globals (imported macros too).
_active_language: ContextVar[str | None] = ContextVar("bluebridge_language", default=None)


def _active_translations() -> NullTranslations:
    lang = _active_language.get()
    if lang is None:
        return NullTranslations()
    return get_translations(lang)


def activate(lang: str) -> None:
    """Make ``lang`` the active language for the rest of the current context (the request's
    worker thread or task): ``gettext`` and ``ngettext`` then translate into it. ``render`` sets
    each render's language itself; prefer ``use_language`` where a block is enough."""
    _active_language.set(_language(lang).code)


@contextmanager
def use_language(lang: str) -> Iterator[Language]:
    """Within the block, ``gettext``/``ngettext`` here and in templates use ``lang``."""
    language = _language(lang)
    token = _active_language.set(language.code)
    try:
        yield language
    finally:
        _active_language.reset(token)


def gettext(message: str) -> str:
    """``message`` translated into the active language (see ``use_language``); the msgid
    itself outside of it."""
    return _active_translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form for ``n`` of a message in the active language."""
    return _active_translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``gettext`` with a disambiguating message context."""
    return str(_active_translations().pgettext(context, message))


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """``ngettext`` with a disambiguating message context."""
    return _active_translations().npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (translate it later with gettext)."""
    return message


def _babel_locale(lang: str) -> Locale:
    return _cached_locale(_language(lang).code)


@cache
def _cached_locale(code: str) -> Locale:
    return Locale.parse(code)


def format_datetime(value: dt.datetime | dt.date, lang: str) -> str:
    """A date and time for display in ``lang``, in UTC with the zone shown
    (``Jan 5, 2025, 3:04:05 PM UTC``). A plain date shows as the date alone.

    Naive datetimes are refused: every stored time is an aware UTC time."""
    locale = _babel_locale(lang)
    if not isinstance(value, dt.datetime):
        return dates.format_date(value, "medium", locale=locale)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime given; use an aware UTC time")
    in_utc = value.astimezone(dt.UTC)
    date_part = dates.format_date(in_utc, "medium", locale=locale)
    time_part = dates.format_time(in_utc, "long", tzinfo=dt.UTC, locale=locale)
    pattern = str(dates.get_datetime_format("medium", locale=locale))
    return pattern.replace("'", "").replace("{1}", date_part).replace("{0}", time_part)


def format_number(value: int | float | Decimal, lang: str) -> str:
    """A number with the digit grouping and decimal sign of ``lang`` (``1 234,5`` in French)."""
    return numbers.format_decimal(value, locale=_babel_locale(lang))


def make_jinja_env(templates_dir: str | os.PathLike[str]) -> jinja2.Environment:
    """The portal's Jinja2 environment: HTML autoescaping, gettext through ``jinja2.ext.i18n``
    (newstyle: ``{{ _('Hello %(name)s', name=user) }}`` escapes ``user``), and the
    ``format_datetime``/``format_number`` filters. Render with ``render`` to pick the language."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=jinja2.select_autoescape(("html", "htm", "xml"), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # {% trans %} blocks: whitespace collapsed in msgids, as babel.cfg extracts them.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext,
        ngettext=ngettext,
        newstyle=True,
        pgettext=pgettext,
        npgettext=npgettext,
    )
    env.filters["format_datetime"] = format_datetime
    env.filters["format_number"] = format_number
    env.globals["languages"] = tuple(LANGUAGES.values())
    return env


def render(env: jinja2.Environment, template_name: str, lang: str, /, **context: Any) -> str:
    """Render a template in ``lang`` (a supported language code). ``lang`` and ``dir`` are added
    to the context; the strings and filters of the template use that language."""
    language = _language(lang)
    template = env.get_template(template_name)
    with use_language(language.code):
        return template.render({**context, "lang": language.code, "dir": language.direction})
