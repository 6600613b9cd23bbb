"""Translation catalogues: compile them without GNU gettext, and check they are complete.

``.po`` files are committed; ``.mo`` files are built at set-up time (``blason setup``) with
polib so that a fresh machine needs no gettext tools. The completeness check, run in CI, needs
``xgettext`` because it re-extracts the strings with Django's ``makemessages``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

SOURCE_DIR = Path(settings.PACKAGE_DIR)
CHECKED_LANGUAGES = ("fr",)  # English is the source language: its msgstr may stay empty.
MAKEMESSAGES_OPTIONS = {
    "locale": ["fr", "en"],
    "no_obsolete": True,
    "add_location": "file",
    "ignore_patterns": ["static/*", "migrations/*"],
    "verbosity": 0,
}


def po_files() -> list[Path]:
    return sorted(SOURCE_DIR.glob("**/locale/*/LC_MESSAGES/*.po"))


def compile_catalogues(*, force: bool = False) -> list[Path]:
    """Write each catalogue's ``.mo`` beside it when missing or older. Returns what was written."""
    written = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


@contextlib.contextmanager
def _restored(paths: list[Path]) -> Iterator[None]:
    saved = {path: path.read_bytes() for path in paths}
    try:
        yield
    finally:
        for path in SOURCE_DIR.glob("**/locale/*/LC_MESSAGES/*.po"):
            if path not in saved:
                path.unlink()
        for path, content in saved.items():
            path.write_bytes(content)


def _ids(catalogue: polib.POFile) -> set[tuple[str, str]]:
    return {(entry.msgctxt or "", entry.msgid) for entry in catalogue if not entry.obsolete}


def check_catalogues() -> list[str]:
    """Problems that make the committed catalogues stale or incomplete (empty when fine)."""
    problems: list[str] = []
    committed = {path: polib.pofile(str(path)) for path in po_files()}
    with _restored(list(committed)):
        cwd = Path.cwd()
        os.chdir(SOURCE_DIR)
        try:
            call_command("makemessages", **MAKEMESSAGES_OPTIONS)
        finally:
            os.chdir(cwd)
        fresh = {path: polib.pofile(str(path)) for path in po_files()}
    for path, catalogue in fresh.items():
        relative = path.relative_to(SOURCE_DIR)
        old = committed.get(path)
        if old is None:
            problems.append(f"{relative}: missing, run `make messages`")
            continue
        added = _ids(catalogue) - _ids(old)
        removed = _ids(old) - _ids(catalogue)
        for _ctx, msgid in sorted(added)[:20]:
            problems.append(f"{relative}: new string not in the catalogue: {msgid!r}")
        for _ctx, msgid in sorted(removed)[:20]:
            problems.append(f"{relative}: string no longer used: {msgid!r}")
    for path, catalogue in committed.items():
        language = path.parent.parent.name
        if language not in CHECKED_LANGUAGES:
            continue
        for entry in catalogue:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{path.relative_to(SOURCE_DIR)}: fuzzy: {entry.msgid!r}")
            elif not entry.translated():
                problems.append(f"{path.relative_to(SOURCE_DIR)}: untranslated: {entry.msgid!r}")
    return problems
