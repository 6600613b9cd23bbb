"""The rows of an awarding spreadsheet, checked one by one before anything is issued.

Each row becomes a plain dict (stored as JSON in ``AwardBatch.rows``)::

    {"line": 12, "email": "…", "phone": "+33…", "name": "…", "language": "fr",
     "narrative": "…", "evidence": "https://…", "problems": [{"code": "phone", …}],
     "holder": true}

``problems`` (omitted when empty) are stored as codes and shown in the reader's language by
``problem_message``; ``holder`` (omitted when false) marks a person who already holds the badge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from blason.core.exceptions import ActionRefused
from blason.issuing.awarding.services import normalise_phone
from blason.issuing.awarding.spreadsheets import Table, normal_text

NAME_MAX = 200
NARRATIVE_MAX = 2_000
EVIDENCE_MAX = 500
_LANGUAGE_NAMES = {
    "francais": "fr",
    "french": "fr",
    "anglais": "en",
    "english": "en",
    "englisch": "en",
    "franzosisch": "fr",
}
_URL = URLValidator(schemes=["http", "https"])


def problem_message(problem: dict[str, Any]) -> str:
    """A stored problem in the reader's language."""
    code, value = problem.get("code", ""), str(problem.get("value", ""))[:80]
    messages = {
        "email": _("This e-mail address is not valid: %(value)s"),
        "phone": _("This phone number is not valid: %(value)s"),
        "identity": _("No e-mail address, phone number or name: who is it for?"),
        "duplicate": _("The same person as on line %(line)s."),
        "language": _("Unknown language: %(value)s (write %(languages)s)."),
        "evidence": _("The evidence link is not a web address: %(value)s"),
        "formula": _("This looks like a spreadsheet formula, not a value: %(value)s"),
        "name_long": _("The name is too long (at most %(max)s characters)."),
        "narrative_long": _("The comment is too long (at most %(max)s characters)."),
        "evidence_long": _("The evidence link is too long (at most %(max)s characters)."),
    }
    template = messages.get(code, _("This line cannot be used."))
    return template % {
        "value": value,
        "line": problem.get("line", ""),
        "max": problem.get("max", ""),
        "languages": ", ".join(code for code, _name in settings.LANGUAGES),
    }


def normal_language(text: str) -> str | None:
    """``fr``, ``en`` … from what people write ("Français", "fr-FR", "EN"); None if unknown."""
    known = {code for code, _name in settings.LANGUAGES}
    words = normal_text(text).split()
    if not words:
        return None
    if words[0] in known:
        return words[0]
    names = {normal_text(name): code for code, name in settings.LANGUAGES}
    code = names.get(" ".join(words)) or _LANGUAGE_NAMES.get(words[0])
    return code if code in known else None


def looks_like_formula(value: str) -> bool:
    """A cell a spreadsheet would run as a formula (``=``, ``@``, or ``+``/``-`` then text)."""
    if value[:1] in ("=", "@"):
        return True
    return value[:1] in ("+", "-") and len(value) > 1 and value[1] not in "0123456789 ("


@dataclass(frozen=True)
class Holders:
    """Who already holds the badge (awards not revoked): e-mails, phones, and names of the
    people known only by their name."""

    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    def hold(self, row: dict[str, Any]) -> bool:
        if row["email"] or row["phone"]:
            return row["email"] in self.emails or row["phone"] in self.phones
        return bool(row["name"]) and row["name"].casefold() in self.names


def identity(row: dict[str, Any]) -> str:
    """Who the row is for, as the award will know them: e-mail, else phone, else name."""
    email, phone, name = str(row["email"]), str(row["phone"]), str(row["name"])
    if email:
        return "email:" + email
    if phone:
        return "phone:" + phone
    return "name:" + name.casefold()


def idempotency_key(source_sha256: str, row: dict[str, Any]) -> str:
    """Awarding the same row of the same file twice gives the same key (at most 95 chars)."""
    digest = hashlib.sha256(identity(row).encode()).hexdigest()[:24]
    return f"batch:{source_sha256}:{digest}"


def _phone(text: str) -> str:
    try:
        return normalise_phone(text)
    except ActionRefused:
        digits = text.replace(" ", "").replace(".", "")
        if digits.isdigit() and len(digits) >= 10:  # "33612345678" typed as a number
            return normalise_phone("+" + digits)
        raise


def clean_row(cells: list[str], line: int, columns: dict[str, int | None]) -> dict[str, Any]:
    """One row, read through the mapping and checked (without looking at other rows)."""

    def cell(field_name: str) -> str:
        index = columns.get(field_name)
        return " ".join(cells[index].split()) if index is not None and index < len(cells) else ""

    problems: list[dict[str, Any]] = []
    name = cell("name") or " ".join(
        part for part in (cell("first_name"), cell("last_name")) if part
    )
    email = cell("email").removeprefix("mailto:").lower()
    phone_text, language_text = cell("phone"), cell("language")
    narrative, evidence = cell("narrative"), cell("evidence")
    for value in (name, email, language_text, narrative, evidence):
        if value and looks_like_formula(value):
            problems.append({"code": "formula", "value": value})
    if phone_text[:1] in ("=", "@"):
        problems.append({"code": "formula", "value": phone_text})
    if len(name) > NAME_MAX:
        problems.append({"code": "name_long", "max": NAME_MAX})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append({"code": "email", "value": email})
    phone = ""
    if phone_text:
        try:
            phone = _phone(phone_text)
        except ActionRefused:
            if phone_text[:1] not in ("=", "@"):
                problems.append({"code": "phone", "value": phone_text})
    language = ""
    if language_text:
        language = normal_language(language_text) or ""
        if not language:
            problems.append({"code": "language", "value": language_text})
    if len(narrative) > NARRATIVE_MAX:
        problems.append({"code": "narrative_long", "max": NARRATIVE_MAX})
    if evidence:
        if "://" not in evidence:
            evidence = "https://" + evidence
        if len(evidence) > EVIDENCE_MAX:
            problems.append({"code": "evidence_long", "max": EVIDENCE_MAX})
        else:
            try:
                _URL(evidence)
            except ValidationError:
                problems.append({"code": "evidence", "value": cell("evidence")})
    if not (email or phone_text or name):
        problems.append({"code": "identity"})
    row: dict[str, Any] = {
        "line": line,
        "email": email,
        "phone": phone,
        "name": name,
        "language": language,
        "narrative": narrative,
        "evidence": evidence,
    }
    if problems:
        row["problems"] = problems
    return row


def clean_rows(
    table: Table, columns: dict[str, int | None], holders: Holders
) -> list[dict[str, Any]]:
    """Every row of ``table`` checked; a person twice in the file is a problem on the second
    line; people who already hold the badge are marked."""
    rows = []
    seen: dict[str, int] = {}
    for cells, line in zip(table.rows, table.lines, strict=True):
        row = clean_row(cells, line, columns)
        if not row.get("problems"):
            who = identity(row)
            if who in seen:
                row["problems"] = [{"code": "duplicate", "line": seen[who]}]
            else:
                seen[who] = line
                if holders.hold(row):
                    row["holder"] = True
        rows.append(row)
    return rows


def summary(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many rows can be awarded, have problems, or are for people who hold the badge."""
    counts = {"rows": 0, "valid": 0, "invalid": 0, "holders": 0}
    for row in rows:
        counts["rows"] += 1
        if row.get("problems"):
            counts["invalid"] += 1
        elif row.get("holder"):
            counts["holders"] += 1
        else:
            counts["valid"] += 1
    return counts
