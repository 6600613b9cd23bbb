"""The official standards files, for tests only: 1EdTech's JSON-LD contexts, the OB 3.0 JSON
Schemas and OpenAPI document and the CLR 2.0 schema, as published (sources in that folder's
README). They are not part of the project: what Blason ships is tested against them.

The folder is ``shared/reference/1edtech`` beside the checkout (CI lays ``shared/`` there). It
is found, in this order, at ``$BLASON_SHARED_REFERENCE``, or in a parent of the repository
root (so a worktree deeper in the tree finds it too). When it is missing, the tests that need
it are skipped with a message on a developer's machine and fail when ``CI=true``.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator, FormatChecker
from referencing import Registry, Resource

from tests.conftest import require_or_skip

ENVIRONMENT = "BLASON_SHARED_REFERENCE"
ROOT = Path(__file__).resolve().parents[1]
RELATIVE = Path("shared") / "reference" / "1edtech"

#: The official file of each context URL obcore bundles (aliases included).
OFFICIAL_CONTEXTS: dict[str, str] = {
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json": "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json": "clr-v2p0-context-2.0.0.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-context-2.0.1.json",
    "https://w3id.org/openbadges/v2": "ob-v2p0-context.json",
    "https://w3id.org/openbadges/v2/context.json": "ob-v2p0-context.json",
    "https://openbadgespec.org/v2/context.json": "ob-v2p0-context.json",
}

#: The official OB 3.0 JSON Schema of each kind of document.
OB3_SCHEMAS = {
    "AchievementCredential": "achievementcredential.json",
    "EndorsementCredential": "endorsementcredential.json",
    "Profile": "profile.json",
    "GetOpenBadgeCredentialsResponse": "getopenbadgecredentialsresponse.json",
    "Imsx_StatusInfo": "imsx_statusinfo.json",
}


def find_folder() -> Path | None:
    """The official files' folder, or ``None`` when it is nowhere to be found."""
    configured = os.environ.get(ENVIRONMENT)
    if configured:
        path = Path(configured)
        return path if path.is_dir() else None
    for parent in ROOT.parents:
        candidate = parent / RELATIVE
        if candidate.is_dir():
            return candidate
    return None


def folder() -> Path:
    """The official files' folder; skips the test (fails it in CI) when it is missing."""
    found = find_folder()
    if found is None:
        where = os.environ.get(ENVIRONMENT) or f"{RELATIVE} in a parent of {ROOT}"
        require_or_skip(
            f"the official 1EdTech files are not here ({where}); set {ENVIRONMENT} to the "
            "folder holding contexts/, schemas/ and openapi/"
        )
    assert found is not None
    return found


def path(relative: str) -> Path:
    """One official file, by its path in the folder (``openapi/ob_v3p0_oas.json``...)."""
    file = folder() / relative
    if not file.is_file():
        require_or_skip(f"the official file {relative} is missing from {folder()}")
    return file


@cache
def _json(file: Path) -> Any:
    return json.loads(file.read_text(encoding="utf-8"))


def load(relative: str) -> Any:
    """One official JSON file, parsed (shared: callers must not modify it)."""
    return _json(path(relative))


def context(url: str) -> dict[str, Any]:
    """The official context document published at ``url``."""
    document: dict[str, Any] = load(f"contexts/{OFFICIAL_CONTEXTS[url]}")
    return document


def openapi() -> Path:
    """The official Open Badges 3.0 OpenAPI document."""
    return path("openapi/ob_v3p0_oas.json")


@cache
def _validator(base: Path, kind: str) -> Draft201909Validator:
    schema = _json(base / "schemas" / "ob_v3p0" / OB3_SCHEMAS[kind])
    resource: Resource[Any] = Resource.from_contents(schema)
    registry: Registry[Any] = Registry().with_resource(schema["$id"], resource)
    return Draft201909Validator(schema, registry=registry, format_checker=FormatChecker())


def ob3_validator(kind: str) -> Draft201909Validator:
    """A validator for 1EdTech's OB 3.0 JSON Schema of ``kind`` (formats checked)."""
    path(f"schemas/ob_v3p0/{OB3_SCHEMAS[kind]}")
    return _validator(folder(), kind)


def ob3_problems(document: Any, kind: str) -> list[str]:
    """Every error 1EdTech's schema finds in ``document``, as ``"path: message"``."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '$'}: {error.message}"
        for error in ob3_validator(kind).iter_errors(document)
    ]
