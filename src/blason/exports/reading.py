"""Reading an export file before importing it: size, JSON, the format's schema and the
consistency between its parts. Everything wrong is said in the reader's language, as
``FileRefused``; nothing is written until the whole file has been read and checked."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from blason.core.exceptions import ActionRefused
from blason.exports.archive import FORMAT, VERSION

SCHEMA = Path(__file__).parent / "schema" / "issuer-export-v1.schema.json"


class FileRefused(ActionRefused):
    """The file cannot be imported; the message says why, for the person."""


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


def max_bytes() -> int:
    return int(settings.EXPORTS_IMPORT_MAX_MB) * 1024 * 1024


def too_large() -> FileRefused:
    return FileRefused(
        _("The file is larger than %(size)s MB, the most this site imports.")
        % {"size": max_bytes() // (1024 * 1024)}
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def parse(data: bytes, *, limit: int | None = None) -> dict[str, Any]:
    """The checked document, or ``FileRefused`` (``limit``: the largest size read, in bytes;
    the site's by default)."""
    if len(data) > (limit or max_bytes()):
        raise too_large()
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FileRefused(_("This file is not a JSON document.")) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FileRefused(_("This file is not an export of a Blason space."))
    if document.get("version") != VERSION:
        raise FileRefused(
            _("This export is in version %(version)s of the format; this site reads version 1.")
            % {"version": str(document.get("version"))[:10]}
        )
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.absolute_path) or "/"
        raise FileRefused(
            _("The file does not follow the export format at “%(where)s”: %(problem)s")
            % {"where": where[:200], "problem": first.message[:300]}
        )
    _check_links(document)
    return document


def _check_links(document: dict[str, Any]) -> None:
    badges = [badge["id"] for badge in document["badges"]]
    if len(set(badges)) != len(badges):
        raise FileRefused(_("The file names the same badge twice."))
    known = set(badges)
    seen: set[str] = set()
    for kind in ("awards", "endorsements"):
        for entry in document[kind]:
            if entry["id"] in seen:
                raise FileRefused(_("The file holds the same credential twice."))
            seen.add(entry["id"])
            text = entry["credential"]
            if hashlib.sha256(text.encode()).hexdigest() != entry["sha256"]:
                raise FileRefused(
                    _("The credential %(id)s was changed after it was exported.")
                    % {"id": entry["id"]}
                )
            try:
                json.loads(text) if text.lstrip().startswith("{") else None
            except (ValueError, RecursionError):
                raise FileRefused(
                    _("The credential %(id)s is not readable.") % {"id": entry["id"]}
                ) from None
            if kind == "awards" and entry["badge"] not in known:
                raise FileRefused(
                    _("The award %(id)s names a badge the file does not hold.")
                    % {"id": entry["id"]}
                )


def instant(value: str) -> datetime:
    """An instant of the file (ISO 8601 with its offset); ``ValueError`` otherwise."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(_("“%(value)s” has no time zone offset.") % {"value": value[:40]})
    return moment


def maybe_instant(value: str | None) -> datetime | None:
    return instant(value) if value else None
