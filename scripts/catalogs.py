#!/usr/bin/env python3
"""The portal's gettext catalogs: extract the strings, update the ``.po`` files, check them.

    python scripts/catalogs.py extract   # code + templates -> messages.pot -> ar/en/es/fr .po
    python scripts/catalogs.py check     # exit 1 if a string lacks an ar/es/fr translation,
                                         # or an entry is fuzzy or has broken placeholders

``extract`` is ``pybabel extract`` + ``pybabel update`` with ``babel.cfg``: new strings are added
with an empty msgstr, existing translations are kept, strings gone from the code become obsolete
(``#~``) entries, and a changed string is matched to a close old one and marked fuzzy (for a
translator to review and unmark). Locations are written without line numbers and entries are
sorted by msgid, so edits elsewhere in a file do not churn the catalogs. A file whose only change
would be its dates is left untouched.

Needs only Babel and Jinja2 (the project's dependencies); it does not import bluebridge.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

REPO_ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "messages"
LOCALES_SUBDIR = Path("src/bluebridge/web/locales")
LANGUAGES = ("ar", "en", "es", "fr")
SOURCE_LANGUAGE = "en"
TRANSLATED_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)
PROJECT = "Bluebridge"
COPYRIGHT_HOLDER = "Bluebridge contributors"
COMMENT_TAGS = ("TRANSLATORS:",)

# Babel derives Arabic plural rules from CLDR into an expression that swaps "many" (11-99) and
# "other" (100-102); catalogs carry the standard gettext one instead.
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
    ": n%100>=11 ? 4 : 5);",
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}

_DATE_HEADER = re.compile(rb'^"(?:POT-Creation-Date|PO-Revision-Date): .*$', re.MULTILINE)
_GLOB_CHARS = frozenset("*?[")


def locales_dir(root: Path = REPO_ROOT) -> Path:
    return root / LOCALES_SUBDIR


def po_path(lang: str, root: Path = REPO_ROOT) -> Path:
    return locales_dir(root) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def pot_path(root: Path = REPO_ROOT) -> Path:
    return locales_dir(root) / f"{DOMAIN}.pot"


def _project_version(root: Path) -> str:
    init = (root / "src/bluebridge/__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', init, re.MULTILINE)
    return match.group(1) if match else "0"


def _literal_roots(method_map: Iterable[tuple[str, str]]) -> list[PurePosixPath]:
    """The fixed leading directories of the mapping's patterns (``src/bluebridge`` for
    ``src/bluebridge/**.py``): extraction walks only these, not ``var/`` or ``node_modules/``."""
    roots = []
    for pattern, _method in method_map:
        parts = PurePosixPath(pattern).parts[:-1]
        fixed = []
        for part in parts:
            if _GLOB_CHARS.intersection(part):
                break
            fixed.append(part)
        roots.append(PurePosixPath(*fixed))
    return roots


def extract_template(root: Path = REPO_ROOT) -> Catalog:
    """Every translatable string of the code and templates, per ``babel.cfg``, as a template
    catalog (what ``messages.pot`` holds)."""
    root = root.resolve()
    with (root / "babel.cfg").open(encoding="utf-8") as cfg:
        mapping: tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]
        mapping = parse_mapping_cfg(cfg, "babel.cfg")  # type: ignore[no-untyped-call]
    method_map, options_map = mapping
    roots = _literal_roots(method_map)

    def directory_filter(dirpath: str) -> bool:
        name = Path(dirpath).name
        if name.startswith((".", "_")):
            return False
        rel = PurePosixPath(Path(dirpath).resolve().relative_to(root).as_posix())
        return any(
            rel == base or base in rel.parents or rel in base.parents or base == PurePosixPath()
            for base in roots
        )

    template = Catalog(
        project=PROJECT,
        version=_project_version(root),
        copyright_holder=COPYRIGHT_HOLDER,
        msgid_bugs_address="",
        charset="utf-8",
        fuzzy=False,
    )
    found = extract_from_dir(
        root,
        method_map,
        options_map,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=directory_filter,
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message,
            None,
            [(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def _render_po(catalog: Catalog, *, drop_obsolete: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=76,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=drop_obsolete,
        include_previous=True,
    )
    return buffer.getvalue()


def _write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` unless the file already says the same apart from its dates."""
    if path.exists():
        old = path.read_bytes()
        if _DATE_HEADER.sub(b"", old) == _DATE_HEADER.sub(b"", content):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def _read_catalog(path: Path, lang: str) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=lang, domain=DOMAIN)


def _new_catalog(lang: str, template: Catalog) -> Catalog:
    return Catalog(
        locale=lang,
        domain=DOMAIN,
        project=PROJECT,
        version=template.version,
        copyright_holder=COPYRIGHT_HOLDER,
        msgid_bugs_address="",
        language_team=f"{lang} <{COPYRIGHT_HOLDER}>",
        charset="utf-8",
        fuzzy=False,
    )


def update_catalogs(
    template: Catalog,
    root: Path = REPO_ROOT,
    *,
    fuzzy_matching: bool = True,
    drop_obsolete: bool = False,
) -> dict[str, bool]:
    """Bring every language's ``.po`` in line with ``template``, keeping the translations.
    Returns, per language, whether its file changed."""
    changed: dict[str, bool] = {}
    for lang in LANGUAGES:
        path = po_path(lang, root)
        catalog = _read_catalog(path, lang) if path.exists() else _new_catalog(lang, template)
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[lang])]
        catalog.version = template.version
        catalog.fuzzy = False
        # The source language has nothing to carry over, so it never gets fuzzy entries.
        catalog.update(template, no_fuzzy_matching=not fuzzy_matching or lang == SOURCE_LANGUAGE)
        changed[lang] = _write_if_changed(path, _render_po(catalog, drop_obsolete=drop_obsolete))
    return changed


def _label(message: Message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    label = repr(msgid)
    if message.context:
        label = f"[{message.context}] {label}"
    if message.locations:
        label += f" ({message.locations[0][0]})"
    return label


def _is_translated(message: Message) -> bool:
    string = message.string
    if not string:
        return False
    return isinstance(string, str) or all(string)


def find_problems(template: Catalog, root: Path = REPO_ROOT) -> dict[str, list[str]]:
    """What keeps the catalogs from being complete, per language (only languages with problems):
    a string of ``template`` missing from a catalog or without an ar/es/fr translation, a fuzzy
    entry, a translation whose placeholders or plural forms do not fit, a wrong Plural-Forms."""
    problems: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        path = po_path(lang, root)
        if not path.exists():
            problems[lang] = [f"no catalog at {path}; run: python scripts/catalogs.py extract"]
            continue
        catalog = _read_catalog(path, lang)
        issues: list[str] = []
        if catalog.plural_forms != PLURAL_FORMS[lang]:
            issues.append(f"Plural-Forms header should be {PLURAL_FORMS[lang]!r}")
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id, context=message.context)
            if entry is None:
                issues.append(f"missing (run catalogs.py extract): {_label(message)}")
            elif lang in TRANSLATED_LANGUAGES and not entry.fuzzy and not _is_translated(entry):
                issues.append(f"untranslated: {_label(message)}")
        for entry in catalog:
            if entry.id and entry.fuzzy:
                issues.append(f"fuzzy: {_label(entry)}")
        for entry, errors in catalog.check():
            issues.extend(f"invalid: {_label(entry)}: {error}" for error in errors)
        if issues:
            problems[lang] = issues
    return problems


def check(root: Path = REPO_ROOT) -> dict[str, list[str]]:
    """``find_problems`` for the strings currently in the code and templates under ``root``."""
    return find_problems(extract_template(root), root)


def _count(template: Catalog) -> int:
    return sum(1 for message in template if message.id)


def _cmd_extract(args: argparse.Namespace) -> int:
    template = extract_template()
    pot = pot_path()
    pot_changed = _write_if_changed(pot, _render_po(template))
    changed = update_catalogs(
        template, fuzzy_matching=not args.no_fuzzy_matching, drop_obsolete=args.drop_obsolete
    )
    print(
        f"{_count(template)} messages; {pot.relative_to(REPO_ROOT)} "
        f"{'updated' if pot_changed else 'unchanged'}"
    )
    for lang, was_changed in changed.items():
        print(
            f"  {po_path(lang).relative_to(REPO_ROOT)}: {'updated' if was_changed else 'unchanged'}"
        )
    problems = find_problems(template)
    if problems:
        total = sum(len(issues) for issues in problems.values())
        print(f"{total} entries to translate or review; list them with: python {sys.argv[0]} check")
    return 0


def _cmd_check(_args: argparse.Namespace) -> int:
    template = extract_template()
    problems = find_problems(template)
    if not problems:
        print(f"All catalogs complete ({_count(template)} messages in {', '.join(LANGUAGES)}).")
        return 0
    for lang, issues in problems.items():
        print(f"{lang}: {len(issues)} problem(s) in {po_path(lang).relative_to(REPO_ROOT)}")
        for issue in issues:
            print(f"  {issue}")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract", help="extract strings into messages.pot and update the four .po files"
    )
    extract.add_argument(
        "--no-fuzzy-matching",
        action="store_true",
        help="do not pre-fill new strings from similar old ones (as fuzzy entries)",
    )
    extract.add_argument(
        "--drop-obsolete",
        action="store_true",
        help="remove strings no longer in the code instead of keeping them as #~ entries",
    )
    extract.set_defaults(handler=_cmd_extract)
    check_parser = commands.add_parser(
        "check", help="exit 1 listing untranslated, missing, fuzzy or invalid entries"
    )
    check_parser.set_defaults(handler=_cmd_check)
    args = parser.parse_args(argv)
    handler: Any = args.handler
    return int(handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
