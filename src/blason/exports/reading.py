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
    known = {badge["id"] for badge in document["badges"]}
    _check_pathways(document["pathways"], known)
    _check_claim_links(document["claimLinks"], known)
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


def _text(entry: dict[str, Any], key: str, *, required: bool = False) -> bool:
    value = entry.get(key)
    if value is None:
        return not required
    return isinstance(value, str) and (bool(value.strip()) or not required)


def _count(value: Any, *, least: int = 0) -> bool:
    """An optional whole number of at least ``least`` (``True`` is no number)."""
    return value is None or (
        isinstance(value, int) and not isinstance(value, bool) and value >= least
    )


def _pathway_refused(entry: dict[str, Any], problem: str) -> FileRefused:
    name = entry.get("name") if isinstance(entry.get("name"), str) else entry.get("id")
    return FileRefused(
        _("The pathway “%(name)s” of the file is inconsistent: %(problem)s")
        % {"name": str(name)[:200], "problem": problem}
    )


def _check_step(
    pathway: dict[str, Any], step: Any, steps: dict[str, Any], known: set[str]
) -> list[str]:
    """The sub-steps ``step`` asks for, after checking its own fields and requirements."""
    if not isinstance(step, dict) or not _text(step, "name", required=True):
        raise _pathway_refused(pathway, _("a step has no name."))
    if step.get("rule") not in ("all", "n_of") or not _count(step.get("required")):
        raise _pathway_refused(pathway, _("the rule of a step is not understood."))
    if not _text(step, "description") or not _text(step, "howToUrl"):
        raise _pathway_refused(pathway, _("a step's text is not text."))
    milestone = step.get("milestoneBadge")
    if milestone is not None and milestone not in known:
        raise _pathway_refused(pathway, _("a milestone badge is not in the file."))
    requirements = step.get("requirements")
    if not isinstance(requirements, list):
        raise _pathway_refused(pathway, _("a step has no list of requirements."))
    children: list[str] = []
    for requirement in requirements:
        if not isinstance(requirement, dict) or not _text(requirement, "name"):
            raise _pathway_refused(pathway, _("a requirement is not understood."))
        child = requirement.get("step")
        if child is not None:
            if child not in steps or steps[child].get("parent") != step["id"]:
                raise _pathway_refused(
                    pathway, _("a requirement names a step that is not one of its sub-steps.")
                )
            children.append(child)
        elif requirement.get("badge") not in known and not _text(
            requirement, "achievementId", required=True
        ):
            raise _pathway_refused(pathway, _("a requirement names no badge and no step."))
    return children


def _check_pathways(entries: list[Any], known: set[str]) -> None:
    """Each pathway is one tree of steps: one root, each other step asked for once by its
    parent, every badge it names in the file (or known by its Open Badges id)."""
    ids: set[str] = set()
    every_step: set[str] = set()
    for entry in entries:
        if not isinstance(entry.get("id"), str) or entry["id"] in ids:
            raise FileRefused(_("The file names the same pathway twice, or one without an id."))
        ids.add(entry["id"])
        if not _text(entry, "name", required=True) or not _text(entry, "description"):
            raise _pathway_refused(entry, _("its name or description is missing."))
        if entry.get("status") not in ("draft", "published", "archived"):
            raise _pathway_refused(entry, _("its status is not understood."))
        if not isinstance(entry.get("public"), bool):
            raise _pathway_refused(entry, _("it does not say whether it is public."))
        occupations = entry.get("occupations", [])
        if not isinstance(occupations, list) or not all(isinstance(c, str) for c in occupations):
            raise _pathway_refused(entry, _("its occupations are not a list of codes."))
        completion = entry.get("completionBadge")
        if completion is not None and completion not in known:
            raise _pathway_refused(entry, _("its completion badge is not in the file."))
        raw = entry.get("steps")
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            raise _pathway_refused(entry, _("it has no list of steps."))
        steps: dict[str, Any] = {}
        for step in raw:
            if not isinstance(step.get("id"), str) or step["id"] in every_step:
                raise _pathway_refused(entry, _("two steps have the same id."))
            every_step.add(step["id"])
            steps[step["id"]] = step
        roots = [step for step in raw if step.get("parent") is None]
        if len(roots) != 1:
            raise _pathway_refused(entry, _("it must have exactly one first step."))
        seen: set[str] = set()
        waiting = [roots[0]["id"]]
        while waiting:  # from the root down: a step asked for twice, or in a loop, is refused
            current = waiting.pop()
            if current in seen:
                raise _pathway_refused(entry, _("a step is asked for twice."))
            seen.add(current)
            waiting.extend(_check_step(entry, steps[current], steps, known))
        if seen != set(steps):
            raise _pathway_refused(entry, _("some steps are outside its tree."))


def _check_claim_links(entries: list[Any], known: set[str]) -> None:
    ids: set[str] = set()
    for entry in entries:
        if not isinstance(entry.get("id"), str) or entry["id"] in ids:
            raise FileRefused(_("The file names the same claim link twice, or one without an id."))
        ids.add(entry["id"])
        problem = None
        if entry.get("badge") not in known:
            problem = _("its badge is not in the file.")
        elif not _text(entry, "title"):
            problem = _("its event is not text.")
        elif not _count(entry.get("maxClaims"), least=1):
            problem = _("its maximum number of claims is not a number of at least 1.")
        elif not isinstance(entry.get("requiresApproval"), bool) or not isinstance(
            entry.get("active"), bool
        ):
            problem = _("it does not say whether it is active and needs approval.")
        else:
            try:
                opens = maybe_instant(entry.get("opensAt"))
                closes = maybe_instant(entry.get("closesAt"))
            except (TypeError, ValueError):
                problem = _("its opening or closing time is not a date and time.")
            else:
                if opens is not None and closes is not None and closes <= opens:
                    problem = _("it closes before it opens.")
        if problem is not None:
            raise FileRefused(
                _("The claim link %(id)s of the file is inconsistent: %(problem)s")
                % {"id": entry["id"][:100], "problem": problem}
            )


def instant(value: str) -> datetime:
    """An instant of the file (ISO 8601 with its offset); ``ValueError`` otherwise."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(_("“%(value)s” has no time zone offset.") % {"value": value[:40]})
    return moment


def maybe_instant(value: str | None) -> datetime | None:
    return instant(value) if value else None
