"""Alignments: what a badge is linked to in a framework (a skill, a job, a certification).

Stored on ``BadgeClass.alignments`` as ``{"name", "url", "framework", "code", "description",
"type"}`` and signed into the credential as OB 3.0 ``Alignment`` (``targetName``, ``targetUrl``,
``targetFramework``, ``targetCode``, ``targetDescription``, ``targetType``); OB 2.0's
``AlignmentObject`` has the same fields but ``targetType``.

Helpers know four frameworks people in France use, and build the address from the code:

* **ROME** (France Travail's job sheets): ``M1607``, a letter from A to N and four digits;
* **RNCP** (national register of professional certifications): ``RNCP34826``;
* **RS** (Répertoire spécifique, certifications and skills): ``RS5063``;
* **ESCO** (European skills and occupations): ``http://data.europa.eu/esco/skill/<uuid>``
  or ``…/occupation/<uuid>``.

Anything else is a free entry: a name and a web address. ``targetType`` is an OB 3.0
enumeration whose open values are ``ext:…``; we say what the target is (``ext:Skill``,
``ext:Occupation``, ``ext:Certification``) and leave it out for free entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_ALIGNMENTS = 20
MAX_NAME = 200
MAX_CODE = 50
MAX_FRAMEWORK = 100
MAX_DESCRIPTION = 500
MAX_URL = 500


class Kind(models.TextChoices):
    ROME = "ROME", gettext_lazy("ROME: a job (France Travail)")
    RNCP = "RNCP", gettext_lazy("RNCP: a professional certification")
    RS = "RS", gettext_lazy("RS: a certification of the Répertoire spécifique")
    ESCO = "ESCO", gettext_lazy("ESCO: a European skill or job")
    OTHER = "other", gettext_lazy("Another framework or a web page")


TARGET_TYPES = {
    "ROME": "ext:Occupation",
    "RNCP": "ext:Certification",
    "RS": "ext:Certification",
    "ESCO-skill": "ext:Skill",
    "ESCO-occupation": "ext:Occupation",
}

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ESCO_URI = re.compile(rf"^https?://data\.europa\.eu/esco/(skill|occupation)/({_UUID})/?$", re.I)
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
ROME_LOOSE = re.compile(r"^[A-Z]\s*\d{4}$")
RNCP_CODE = re.compile(r"^(?:RNCP)?\s*(\d{1,6})$")
RS_CODE = re.compile(r"^(?:RS)?\s*(\d{1,6})$")
ROME_URL = "https://candidat.francetravail.fr/metierscope/fiche-metier/{code}"
RNCP_URL = "https://www.francecompetences.fr/recherche/rncp/{number}/"
RS_URL = "https://www.francecompetences.fr/recherche/rs/{number}/"
ESCO_URL = "http://data.europa.eu/esco/{kind}/{uuid}"

_http_url = URLValidator(schemes=["http", "https"])


class AlignmentError(ValueError):
    """A row that cannot be used; ``field`` names the input the message is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _squash(value: str | None) -> str:
    return " ".join((value or "").split())


def esco_uri(value: str) -> tuple[str, str] | None:
    """``(kind, uuid)`` of an ESCO concept address, also when it is pasted from the ESCO
    portal (``https://esco.ec.europa.eu/…?uri=http%3A%2F%2Fdata.europa.eu%2Fesco%2F…``)."""
    value = value.strip()
    match = ESCO_URI.match(value)
    if match is None and "esco" in value.lower() and "uri=" in value:
        for candidate in parse_qs(urlsplit(value).query).get("uri", []):
            match = ESCO_URI.match(unquote(candidate).strip())
            if match:
                break
    if match is None:
        return None
    return match.group(1).lower(), match.group(2).lower()


def _code_from_url(url: str) -> tuple[str, str] | None:
    """``(kind, code)`` when ``url`` is the address of a ROME, RNCP or RS sheet."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    path = parts.path.rstrip("/")
    if host.endswith("francecompetences.fr"):
        match = re.search(r"/(rncp|rs)/(\d{1,6})$", path, re.I)
        if match:
            kind = match.group(1).upper()
            return kind, f"{kind}{match.group(2)}"
    if host.endswith(("francetravail.fr", "pole-emploi.fr")):
        match = re.search(r"/fiche-metier/([A-Za-z]\d{4})$", path)
        if match:
            return Kind.ROME, match.group(1).upper()
        for value in parse_qs(parts.query).get("codeRome", []):
            if ROME_LOOSE.match(value.strip().upper()):
                return Kind.ROME, value.strip().upper()
    return None


def detect(code: str, url: str = "") -> str:
    """The framework a code (or a pasted address) belongs to; ``other`` when none is known."""
    compact = re.sub(r"\s+", "", code).upper()
    if esco_uri(code) or esco_uri(url):
        return Kind.ESCO
    if re.match(r"^RNCP\d+$", compact):
        return Kind.RNCP
    if re.match(r"^RS\d+$", compact):
        return Kind.RS
    if ROME_LOOSE.match(compact):
        return Kind.ROME
    for value in (code, url):
        found = _code_from_url(value) if value.strip().lower().startswith("http") else None
        if found:
            return found[0]
    return Kind.OTHER


def _check_url(url: str) -> str:
    if len(url) > MAX_URL:
        raise AlignmentError(_("This address is too long."), "url")
    try:
        _http_url(url)
    except ValidationError as exc:
        raise AlignmentError(
            _("Give a full web address starting with https:// (or http://)."), "url"
        ) from exc
    return url


def _given_code(kind: str, code: str, url: str) -> str:
    """The code as typed, or read from the address of its sheet (pasted in either field)."""
    candidate = code
    if code.lower().startswith("http"):
        found = _code_from_url(code)
        candidate = found[1] if found and found[0] == kind else code
    elif not code and url:
        found = _code_from_url(url)
        candidate = found[1] if found and found[0] == kind else ""
    return re.sub(r"\s+", "", candidate).upper()


def _rome(code: str, url: str) -> tuple[str, str]:
    candidate = _given_code(Kind.ROME, code, url)
    if not candidate:
        raise AlignmentError(_("Give the ROME code, for example M1607."), "code")
    if not ROME_CODE.match(candidate):
        raise AlignmentError(
            _(
                "“%(code)s” is not a ROME code: a ROME code is a letter from A to N followed "
                "by four digits, for example M1607."
            )
            % {"code": code.strip() or url},
            "code",
        )
    return candidate, ROME_URL.format(code=candidate)


def _register(kind: str, code: str, url: str) -> tuple[str, str]:
    """RNCP and RS: a prefix and a number, with or without the prefix when the kind is chosen."""
    pattern, template = (RNCP_CODE, RNCP_URL) if kind == Kind.RNCP else (RS_CODE, RS_URL)
    candidate = _given_code(kind, code, url)
    if not candidate:
        example = "RNCP34826" if kind == Kind.RNCP else "RS5063"
        raise AlignmentError(
            _("Give the %(kind)s number, for example %(example)s.")
            % {"kind": kind, "example": example},
            "code",
        )
    match = pattern.match(candidate)
    if match is None:
        example = "RNCP34826" if kind == Kind.RNCP else "RS5063"
        raise AlignmentError(
            _(
                "“%(code)s” is not a valid %(kind)s number: write %(kind)s followed by digits, "
                "for example %(example)s."
            )
            % {"code": code.strip() or url, "kind": kind, "example": example},
            "code",
        )
    number = match.group(1)
    return f"{kind}{number}", template.format(number=number)


def normalise(
    *,
    kind: str = "",
    code: str = "",
    name: str = "",
    url: str = "",
    framework: str = "",
    description: str = "",
) -> dict[str, str]:
    """One alignment as stored, from what a person typed. ``kind`` empty means "recognise it
    from the code". The address of a ROME, RNCP, RS or ESCO entry is always the official one
    built from the code (an address pasted instead of the code is read for its code)."""
    code, name, url = code.strip(), _squash(name), url.strip()
    framework, description = _squash(framework), description.strip()
    if not kind:
        kind = detect(code, url)
        if kind == Kind.OTHER and code and not url:
            raise AlignmentError(
                _(
                    "“%(code)s” is not a code Blason knows. A ROME code looks like M1607, an "
                    "RNCP or RS number like RNCP34826 or RS5063, an ESCO address starts with "
                    "http://data.europa.eu/esco/. For anything else, choose “Another framework "
                    "or a web page” and give its web address."
                )
                % {"code": code},
                "code",
            )
    if kind not in Kind.values:
        raise AlignmentError(_("Choose what the badge is linked to."), "kind")
    if len(name) > MAX_NAME:
        raise AlignmentError(_("At most %(count)d characters.") % {"count": MAX_NAME}, "name")
    if len(description) > MAX_DESCRIPTION:
        raise AlignmentError(
            _("At most %(count)d characters.") % {"count": MAX_DESCRIPTION}, "description"
        )
    entry_type = ""
    if kind == Kind.ROME:
        code, url = _rome(code, url)
        framework, entry_type = "ROME", TARGET_TYPES["ROME"]
    elif kind in (Kind.RNCP, Kind.RS):
        code, url = _register(kind, code, url)
        framework, entry_type = str(kind), TARGET_TYPES[str(kind)]
    elif kind == Kind.ESCO:
        found = esco_uri(code) or esco_uri(url)
        if found is None:
            raise AlignmentError(
                _(
                    "Paste the ESCO address of the skill or occupation; it looks like "
                    "http://data.europa.eu/esco/skill/ followed by a long identifier."
                ),
                "code",
            )
        concept, uuid = found
        code, url = uuid, ESCO_URL.format(kind=concept, uuid=uuid)
        framework, entry_type = "ESCO", TARGET_TYPES[f"ESCO-{concept}"]
        if not name:
            raise AlignmentError(
                _("Give the name of the skill or occupation, as ESCO writes it."), "name"
            )
    else:
        if not url:
            raise AlignmentError(_("Give the web address of what the badge is linked to."), "url")
        _check_url(url)
        if not name:
            raise AlignmentError(_("Give a name to this link."), "name")
        if len(code) > MAX_CODE:
            raise AlignmentError(_("At most %(count)d characters.") % {"count": MAX_CODE}, "code")
        if len(framework) > MAX_FRAMEWORK:
            raise AlignmentError(
                _("At most %(count)d characters.") % {"count": MAX_FRAMEWORK}, "framework"
            )
    if not name:
        name = code if code.startswith(framework) else f"{framework} {code}"
    return {
        "name": name,
        "url": url,
        "framework": framework,
        "code": code,
        "description": description,
        "type": entry_type,
    }


def kind_of(entry: dict[str, Any]) -> str:
    """The helper a stored entry was made with (``other`` for free entries)."""
    framework = str(entry.get("framework") or "")
    return framework if framework in (Kind.ROME, Kind.RNCP, Kind.RS, Kind.ESCO) else Kind.OTHER


def as_input(entry: dict[str, Any]) -> dict[str, str]:
    """A stored entry as the designer's fields show it (ESCO is edited by its address)."""
    kind = kind_of(entry)
    code = str(entry.get("code") or "")
    if kind == Kind.ESCO:
        code = str(entry.get("url") or "")
    return {
        "kind": kind,
        "code": code,
        "name": str(entry.get("name") or ""),
        "url": str(entry.get("url") or ""),
        "framework": str(entry.get("framework") or "") if kind == Kind.OTHER else "",
        "description": str(entry.get("description") or ""),
    }


def clean_list(entries: Iterable[Any]) -> list[dict[str, str]]:
    """Check and normalise a whole list (what the services store). Raises ``AlignmentError``
    naming the position of a wrong entry, for callers other than the designer's form."""
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise AlignmentError(_("Link %(number)d is not readable.") % {"number": position})
        try:
            value = normalise(**as_input(entry))
        except AlignmentError as exc:
            raise AlignmentError(
                _("Link %(number)d: %(problem)s") % {"number": position, "problem": exc.message},
                exc.field,
            ) from exc
        if value["url"] in seen:
            continue
        seen.add(value["url"])
        cleaned.append(value)
    if len(cleaned) > MAX_ALIGNMENTS:
        raise AlignmentError(_("At most %(num)d links per badge.") % {"num": MAX_ALIGNMENTS})
    return cleaned


def label(entry: dict[str, Any]) -> str:
    """How a page names an alignment: "ROME M1607 · Développeur web", or just its name."""
    framework, code = str(entry.get("framework") or ""), str(entry.get("code") or "")
    if framework and code.upper().startswith(framework.upper()):
        framework = ""  # "RS5063", not "RS RS5063"
    prefix = " ".join(part for part in (framework, code) if part)
    name = str(entry.get("name") or "")
    if kind_of(entry) == Kind.ESCO:
        prefix = "ESCO"
    if not prefix or name == prefix or name.startswith(prefix):
        return name or prefix
    return f"{prefix} · {name}"
