"""The portal's i18n machinery: language negotiation, catalogs, rendering in four languages, and
the completeness of the catalogs (the same check as ``python scripts/catalogs.py check``)."""

from __future__ import annotations

import contextvars
import datetime as dt
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import FrozenInstanceError
from decimal import Decimal
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import jinja2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bluebridge.web import i18n

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "src/bluebridge/web/templates"
VENDOR_HTMX = REPO / "src/bluebridge/web/static/vendor/htmx"


def _load_catalogs_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bluebridge_catalogs", REPO / "scripts/catalogs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogs = _load_catalogs_script()


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return i18n.make_jinja_env(TEMPLATES)


def _render_base(env: jinja2.Environment, lang: str, **context: Any) -> str:
    return i18n.render(env, "base.html", lang, **context)


def _admin(**extra: Any) -> dict[str, Any]:
    return {
        "principal": SimpleNamespace(name="Jane Doe"),
        "principal_is_admin": True,
        "agency_name": "NCB Lyon",
        "csrf_token": "csrf-123",
        "current_path": "/admin/users",
        **extra,
    }


# ---------------------------------------------------------------- languages and negotiation


def test_languages_are_the_four_portal_languages() -> None:
    assert list(i18n.LANGUAGES) == ["ar", "en", "es", "fr"]
    assert {code: lang.native_name for code, lang in i18n.LANGUAGES.items()} == {
        "ar": "العربية",
        "en": "English",
        "es": "Español",
        "fr": "Français",
    }
    assert all(code == lang.code for code, lang in i18n.LANGUAGES.items())
    with pytest.raises(FrozenInstanceError):
        i18n.LANGUAGES["en"].direction = "rtl"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("lang", "expected"), [("ar", "rtl"), ("en", "ltr"), ("es", "ltr"), ("fr", "ltr")]
)
def test_direction(lang: str, expected: str) -> None:
    assert i18n.direction(lang) == expected


def test_direction_of_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        i18n.direction("de")


@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [
        ("ar", "fr-CA,fr;q=0.9", "ar"),  # the cookie wins
        ("es", None, "es"),
        ("FR", None, "fr"),
        ("de", "es-ES,es;q=0.9", "es"),  # unsupported cookie: the header decides
        ("", "fr", "fr"),
        (None, "fr-CA,fr;q=0.9,en;q=0.8", "fr"),  # region falls under its language
        (None, "es-419", "es"),
        (None, "ar-EG", "ar"),
        (None, "en;q=0.5, fr;q=0.9", "fr"),  # highest weight first, whatever the order
        (None, "de-DE, es;q=0.3, ar;q=0.7", "ar"),  # unsupported ranges are skipped
        (None, "fr;q=0.8, es;q=0.8", "fr"),  # ties keep the header's order
        (None, "fr;q=0, es;q=0.1", "es"),  # q=0 means "not this one"
        (None, "de-DE,ja;q=0.9,zh", "en"),  # nothing supported: the default
        (None, "*", "en"),
        (None, "de, *;q=0.5", "en"),
        (None, "fr;q=abc, es;q=0.5", "es"),  # a malformed weight counts as 0
        (None, "fr;q=2, es;q=0.5", "es"),  # so does one out of range
        (None, ",,;q=1, ;", "en"),
        (None, "", "en"),
        (None, None, "en"),
    ],
)
def test_negotiate_language(cookie: str | None, accept: str | None, expected: str) -> None:
    assert i18n.negotiate_language(cookie, accept, "en") == expected


def test_negotiate_language_falls_back_to_the_given_default() -> None:
    assert i18n.negotiate_language(None, "de", "fr") == "fr"
    assert i18n.negotiate_language("xx", "ja", "ar") == "ar"


def test_wildcard_skips_a_refused_default() -> None:
    assert i18n.negotiate_language(None, "en;q=0, *", "en") == "ar"


def test_negotiate_language_refuses_an_unsupported_default() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        i18n.negotiate_language(None, None, "de")


def test_negotiate_language_reads_only_the_head_of_a_huge_header() -> None:
    header = ",".join(["de"] * 10_000 + ["fr"])
    assert i18n.negotiate_language(None, header, "en") == "en"


# ---------------------------------------------------------------- translations


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ar", "لوحة المعلومات"),
        ("en", "Dashboard"),
        ("es", "Panel de control"),
        ("fr", "Tableau de bord"),
    ],
)
def test_known_string_is_translated(lang: str, expected: str) -> None:
    assert i18n.get_translations(lang).gettext("Dashboard") == expected


def test_translations_are_cached_per_language() -> None:
    assert i18n.get_translations("fr") is i18n.get_translations("fr")
    assert i18n.get_translations("fr") is not i18n.get_translations("es")


def test_unknown_string_falls_back_to_the_msgid() -> None:
    assert i18n.get_translations("ar").gettext("No such message") == "No such message"


def test_unsupported_language_has_no_translations() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        i18n.get_translations("../../etc")


def test_arabic_uses_the_six_gettext_plural_forms() -> None:
    plural = i18n.get_translations("ar").plural
    expected = {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 101: 5, 102: 5, 103: 3}
    assert {n: plural(n) for n in expected} == expected


def test_gettext_follows_the_active_language() -> None:
    assert i18n.gettext("Users") == "Users"
    with i18n.use_language("es"):
        assert i18n.gettext("Users") == "Usuarios"
        with i18n.use_language("ar"):
            assert i18n.gettext("Users") == "المستخدمون"
        assert i18n.gettext("Users") == "Usuarios"
    assert i18n.gettext("Users") == "Users"
    assert i18n.ngettext("%(num)d hit", "%(num)d hits", 2) == "%(num)d hits"


def test_activate_lasts_for_the_rest_of_the_context() -> None:
    def in_a_request() -> tuple[str, str]:
        i18n.activate("fr")
        first = i18n.gettext("Users")
        return first, i18n.gettext("Sign out")

    assert contextvars.copy_context().run(in_a_request) == ("Utilisateurs", "Se déconnecter")
    assert i18n.gettext("Users") == "Users"
    with pytest.raises(ValueError, match="unsupported language"):
        i18n.activate("xx")


AR_HITS = ("لا نتائج", "نتيجة واحدة", "نتيجتان", "%(num)s نتائج", "%(num)s نتيجة", "%(num)s نتيجة ")


@pytest.fixture
def scratch_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Catalogs read from a scratch directory holding an Arabic catalog with plural entries."""
    ar = Catalog(locale="ar", fuzzy=False)
    ar.mime_headers = [("Plural-Forms", catalogs.PLURAL_FORMS["ar"])]
    ar.add(("%(num)s hit", "%(num)s hits"), AR_HITS)
    ar.add(("%(num)s key", "%(num)s keys"), ("مفتاح", "", "", "", "", ""))  # half done
    ar.add("Users", "المستخدمون", flags=["fuzzy"])
    path = tmp_path / "ar/LC_MESSAGES/messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as po_file:
        write_po(po_file, ar)
    shutil.copytree(i18n.LOCALES_DIR / "en", tmp_path / "en")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.get_translations.cache_clear()
    yield tmp_path
    i18n.get_translations.cache_clear()


@pytest.mark.usefixtures("scratch_locales")
def test_arabic_plurals_at_run_time() -> None:
    with i18n.use_language("ar"):
        forms = [i18n.ngettext("%(num)s hit", "%(num)s hits", n) for n in (0, 1, 2, 5, 11, 100)]
        half_done = [i18n.ngettext("%(num)s key", "%(num)s keys", n) for n in (1, 2)]
        fuzzy = i18n.gettext("Users")
    assert forms == [*AR_HITS[:5], AR_HITS[5]]
    # An incomplete plural entry falls back to English, with the English plural rule.
    assert half_done == ["%(num)s key", "%(num)s keys"]
    assert fuzzy == "Users"  # a fuzzy entry is not used


@pytest.mark.usefixtures("scratch_locales")
def test_plural_trans_block_in_a_template(env: jinja2.Environment) -> None:
    template = env.from_string(
        "{% trans num=n %}{{ num }} hit{% pluralize %}{{ num }} hits{% endtrans %}"
    )
    with i18n.use_language("ar"):
        assert template.render(n=2) == "نتيجتان"
        assert template.render(n=7) == "7 نتائج"
    with i18n.use_language("en"):
        assert template.render(n=1) == "1 hit"
        assert template.render(n=7) == "7 hits"


# ---------------------------------------------------------------- formatting


def test_format_datetime_shows_utc_with_the_zone() -> None:
    moment = dt.datetime(2025, 1, 5, 15, 4, 5, tzinfo=dt.UTC)
    assert (
        i18n.format_datetime(moment, "en").replace("\u202f", " ") == "Jan 5, 2025, 3:04:05 PM UTC"
    )
    assert i18n.format_datetime(moment, "fr") == "5 janv. 2025, 15:04:05 TU"
    assert "15:04:05 UTC" in i18n.format_datetime(moment, "es")
    # CLDR's Arabic names the zone "UTC" in older data and "التوقيت العالمي" from Babel 2.19.
    arabic = i18n.format_datetime(moment, "ar")
    assert "UTC" in arabic or "التوقيت العالمي" in arabic


def test_format_datetime_converts_other_zones_to_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    assert "13:04:05 UTC" in i18n.format_datetime(
        dt.datetime(2025, 6, 1, 15, 4, 5, tzinfo=paris), "es"
    )


def test_format_datetime_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        i18n.format_datetime(dt.datetime(2025, 1, 5, 15, 4), "en")  # noqa: DTZ001


def test_format_datetime_of_a_date() -> None:
    assert i18n.format_datetime(dt.date(2025, 1, 5), "en") == "Jan 5, 2025"


def test_format_number() -> None:
    assert i18n.format_number(1234567.5, "en") == "1,234,567.5"
    assert i18n.format_number(1234567.5, "es") == "1.234.567,5"
    assert i18n.format_number(Decimal("1234.5"), "fr").replace("\u202f", " ") == "1 234,5"
    assert i18n.format_number(42, "ar") == "42"


def test_formatting_filters_in_templates(env: jinja2.Environment) -> None:
    template = env.from_string("{{ n|format_number(lang) }} / {{ t|format_datetime(lang) }}")
    moment = dt.datetime(2025, 1, 5, 15, 4, 5, tzinfo=dt.UTC)
    assert template.render(n=12345, t=moment, lang="es") == "12.345 / 5 ene 2025, 15:04:05 UTC"


# ---------------------------------------------------------------- rendering base.html


def test_base_renders_right_to_left_in_arabic(env: jinja2.Environment) -> None:
    html = _render_base(env, "ar", **_admin())
    assert '<html lang="ar" dir="rtl">' in html
    assert "الانتقال إلى المحتوى الرئيسي" in html
    assert 'aria-label="اللغة"' in html
    assert "لوحة المعلومات" in html
    assert "Dashboard" not in html


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_base_renders_left_to_right(env: jinja2.Environment, lang: str) -> None:
    html = _render_base(env, lang, **_admin())
    assert f'<html lang="{lang}" dir="ltr">' in html
    assert html.lstrip().startswith("<!DOCTYPE html>")


def test_base_links_every_language(env: jinja2.Environment) -> None:
    html = _render_base(env, "fr", current_path="/admin/users?page=2&q=a b")
    links = re.findall(r'<a href="/language/([a-z]+)\?next=([^"]*)" lang="\1" hreflang="\1"', html)
    assert [code for code, _ in links] == ["ar", "en", "es", "fr"]
    assert {next_ for _, next_ in links} == {"/admin/users%3Fpage%3D2%26q%3Da%20b"}
    current = re.findall(r'<a href="/language/([a-z]+)[^>]*aria-current="true"', html)
    assert current == ["fr"]
    for language in i18n.LANGUAGES.values():
        assert f">{language.native_name}</a>" in html


def test_base_without_principal_has_no_site_nav(env: jinja2.Environment) -> None:
    html = _render_base(env, "en")
    assert 'class="site-nav"' not in html
    assert 'action="/logout"' not in html
    assert "hx-headers" not in html
    assert 'class="lang-switch"' in html
    assert '<main id="main" class="container" tabindex="-1">' in html
    assert 'href="#main"' in html
    assert 'href="/static/css/bluebridge.css"' in html
    assert 'src="/static/vendor/htmx/htmx.min.js"' in html


def test_base_admin_navigation(env: jinja2.Environment) -> None:
    html = _render_base(env, "en", **_admin())
    assert '<nav class="site-nav" aria-label="Main">' in html
    for href in ("/", "/admin/agencies", "/admin/users", "/admin/api-keys"):
        assert f'<a href="{href}"' in html
    assert '<a href="/admin/users" aria-current="page">Users</a>' in html
    assert "Signed in as Jane Doe" in html
    assert "NCB Lyon" in html
    assert '<form class="logout-form" method="post" action="/logout">' in html
    assert '<input type="hidden" name="csrf_token" value="csrf-123">' in html


def test_base_hides_admin_links_from_other_users(env: jinja2.Environment) -> None:
    html = _render_base(env, "en", **_admin(principal_is_admin=False))
    assert '<a href="/">Dashboard</a>' in html
    assert 'href="/admin/' not in html


def test_base_sends_the_csrf_token_with_htmx_requests(env: jinja2.Environment) -> None:
    html = _render_base(env, "en", **_admin(csrf_token='to"k</script>'))
    match = re.search(r"<body hx-headers='([^']*)'>", html)
    assert match is not None
    assert json.loads(match.group(1)) == {"X-CSRF-Token": 'to"k</script>'}


def test_base_escapes_what_it_is_given(env: jinja2.Environment) -> None:
    html = _render_base(
        env,
        "en",
        **_admin(
            principal=SimpleNamespace(name="<script>x</script>"),
            flashes=[("error", "<b>bad</b>"), ('x" onclick="y', "ok")],
        ),
    )
    assert "<script>x" not in html
    assert "Signed in as &lt;script&gt;x&lt;/script&gt;" in html
    assert '<div class="flash error" role="alert">&lt;b&gt;bad&lt;/b&gt;</div>' in html
    assert '<div class="flash info" role="status">ok</div>' in html


def test_static_url_prefix(env: jinja2.Environment) -> None:
    html = _render_base(env, "en", static_url="/assets/v2")
    assert 'href="/assets/v2/css/bluebridge.css"' in html
    assert 'src="/assets/v2/vendor/htmx/htmx.min.js"' in html


def test_pages_extend_base_and_use_filters(tmp_path: Path) -> None:
    shutil.copy(TEMPLATES / "base.html", tmp_path / "base.html")
    (tmp_path / "page.html").write_text(
        "{% extends 'base.html' %}{% block title %}{{ _('Users') }}{% endblock %}"
        "{% block content %}<p>{{ 1234567|format_number(lang) }}</p>{% endblock %}",
        encoding="utf-8",
    )
    html = i18n.render(i18n.make_jinja_env(tmp_path), "page.html", "fr")
    assert "<title>Utilisateurs</title>" in html
    assert "<p>1\u202f234\u202f567</p>" in html


def test_concurrent_renders_keep_their_own_language(env: jinja2.Environment) -> None:
    expected = {"ar": "لوحة المعلومات", "en": "Dashboard", "es": "Panel de control"}
    expected["fr"] = "Tableau de bord"
    jobs = [lang for _ in range(50) for lang in expected]

    def render_one(lang: str) -> tuple[str, str]:
        return lang, _render_base(env, lang, **_admin())

    with ThreadPoolExecutor(max_workers=8) as pool:
        for lang, html in pool.map(render_one, jobs):
            assert f'lang="{lang}" dir="{i18n.direction(lang)}"' in html
            assert expected[lang] in html
            assert all(other not in html for code, other in expected.items() if code != lang)


def test_render_leaves_no_language_behind(env: jinja2.Environment) -> None:
    _render_base(env, "ar")
    assert i18n.gettext("Dashboard") == "Dashboard"


def test_render_refuses_an_unsupported_language(env: jinja2.Environment) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        _render_base(env, "de")


# ---------------------------------------------------------------- catalogs


def test_catalogs_script_knows_the_same_languages() -> None:
    assert tuple(i18n.LANGUAGES) == catalogs.LANGUAGES
    assert catalogs.locales_dir() == i18n.LOCALES_DIR


def test_catalogs_are_complete() -> None:
    """Fails when a string in the code or templates lacks an ar, es or fr translation: run
    ``python scripts/catalogs.py extract``, translate, then ``python scripts/catalogs.py check``."""
    problems = catalogs.check(REPO)
    listing = "\n".join(f"{lang}: {issue}" for lang, issues in problems.items() for issue in issues)
    assert not problems, f"incomplete catalogs:\n{listing}"


def test_catalogs_check_command_passes() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts/catalogs.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All catalogs complete" in result.stdout


@pytest.fixture
def catalogs_copy(tmp_path: Path) -> Path:
    """A scratch root holding a copy of the catalogs, for the check and update to work on."""
    shutil.copytree(catalogs.locales_dir(REPO), catalogs.locales_dir(tmp_path))
    return tmp_path


def _committed_template(root: Path) -> Catalog:
    """The strings of the copied messages.pot: fixed, whatever is being edited in the tree."""
    with catalogs.pot_path(root).open("rb") as pot_file:
        return read_po(pot_file)


def _edit_po(root: Path, lang: str, msgid: str, *, string: str, fuzzy: bool = False) -> None:
    path = catalogs.po_path(lang, root)
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=lang)
    message = catalog[msgid]
    message.string = string
    if fuzzy:
        message.flags.add("fuzzy")
    with path.open("wb") as po_file:
        write_po(po_file, catalog)


def test_check_reports_untranslated_and_fuzzy_entries(catalogs_copy: Path) -> None:
    template = _committed_template(catalogs_copy)
    assert catalogs.find_problems(template, catalogs_copy) == {}

    _edit_po(catalogs_copy, "fr", "Users", string="")
    _edit_po(catalogs_copy, "es", "Dashboard", string="Panel", fuzzy=True)
    _edit_po(catalogs_copy, "ar", "Signed in as %(name)s", string="مرحبا %(nom)s")
    problems = catalogs.find_problems(template, catalogs_copy)

    assert set(problems) == {"ar", "es", "fr"}
    assert problems["fr"] == ["untranslated: 'Users' (src/bluebridge/web/templates/base.html)"]
    assert problems["es"] == ["fuzzy: 'Dashboard' (src/bluebridge/web/templates/base.html)"]
    assert len(problems["ar"]) == 1
    assert problems["ar"][0].startswith("invalid: 'Signed in as %(name)s'")


def test_check_reports_a_missing_catalog(catalogs_copy: Path) -> None:
    catalogs.po_path("es", catalogs_copy).unlink()
    problems = catalogs.find_problems(_committed_template(catalogs_copy), catalogs_copy)
    assert list(problems) == ["es"]
    assert "no catalog" in problems["es"][0]


def test_update_adds_new_strings_and_keeps_translations(catalogs_copy: Path) -> None:
    template = _committed_template(catalogs_copy)
    template.add("A brand new string", locations=[("src/bluebridge/web/templates/new.html", 1)])

    changed = catalogs.update_catalogs(template, catalogs_copy)

    assert changed == dict.fromkeys(catalogs.LANGUAGES, True)
    for lang in catalogs.LANGUAGES:
        with catalogs.po_path(lang, catalogs_copy).open("rb") as po_file:
            catalog = read_po(po_file, locale=lang)
        assert catalog["A brand new string"].string == ""
        expected = "" if lang == "en" else i18n.get_translations(lang).gettext("Dashboard")
        assert catalog["Dashboard"].string == expected
        assert catalog.plural_forms == catalogs.PLURAL_FORMS[lang]
    problems = catalogs.find_problems(template, catalogs_copy)
    assert set(problems) == {"ar", "es", "fr"}
    for issues in problems.values():
        assert issues == [
            "untranslated: 'A brand new string' (src/bluebridge/web/templates/new.html)"
        ]

    # A second run with nothing new leaves every file alone.
    assert catalogs.update_catalogs(template, catalogs_copy) == dict.fromkeys(
        catalogs.LANGUAGES, False
    )


def test_extraction_reads_templates_and_python(tmp_path: Path) -> None:
    shutil.copy(REPO / "babel.cfg", tmp_path / "babel.cfg")
    package = tmp_path / "src/bluebridge"
    (package / "web/templates").mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "9.9"\n', encoding="utf-8")
    (package / "web/templates/page.html").write_text(
        "{{ _('From a template') }}{% trans n=2 %}One hit{% pluralize %}{{ n }} hits{% endtrans %}",
        encoding="utf-8",
    )
    (package / "notices.py").write_text(
        "from bluebridge.web.i18n import gettext as _\n"
        "# TRANSLATORS: a notice colour\n"
        "RED = _('Red notice')\n",
        encoding="utf-8",
    )
    (tmp_path / "node_modules/x/src/bluebridge").mkdir(parents=True)
    (tmp_path / "node_modules/x/src/bluebridge/ignored.py").write_text("_('Not ours')\n")

    template = catalogs.extract_template(tmp_path)

    ids = {message.id for message in template if message.id}
    assert ids == {"From a template", ("One hit", "%(n)s hits"), "Red notice"}
    assert template["Red notice"].auto_comments == ["a notice colour"]
    assert template.version == "9.9"


# ---------------------------------------------------------------- vendored front-end files


def test_swagger_ui_is_vendored_with_its_license() -> None:
    vendor = VENDOR_HTMX.parent / "swagger-ui"
    version = (vendor / "VERSION").read_text(encoding="utf-8").strip()
    assert f"vendor swagger-ui-dist {version} " in (REPO / "scripts/vendor-static.sh").read_text()
    assert "Apache License" in (vendor / "LICENSE").read_text(encoding="utf-8")
    assert (vendor / "swagger-ui-bundle.js").stat().st_size > 100_000
    assert (vendor / "swagger-ui.css").stat().st_size > 10_000


def test_htmx_is_vendored_with_its_license() -> None:
    version = (VENDOR_HTMX / "VERSION").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"2\.\d+\.\d+", version)
    assert f"vendor htmx.org {version} " in (REPO / "scripts/vendor-static.sh").read_text()
    assert "Zero-Clause BSD" in (VENDOR_HTMX / "LICENSE").read_text(encoding="utf-8")
    script = (VENDOR_HTMX / "htmx.min.js").read_text(encoding="utf-8")
    assert f'version:"{version}"' in script.replace(" ", "")
