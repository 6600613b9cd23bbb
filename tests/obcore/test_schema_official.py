"""obcore's own OB 3.0 schemas decide as 1EdTech's official JSON Schemas do.

Blason ships schemas of its own (``obcore.schemas``); the official files are kept for tests in
``shared/reference/1edtech``. Over every mutation of valid credentials — each property removed,
or set to a value of each JSON type — both say "valid" or both say "not valid", except where
the OB 3.0 specification states a rule the official schema leaves out (listed here with its
text): obcore is then stricter, never more lenient.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator

from obcore.schemas import schema_messages

pytestmark = pytest.mark.nodjango

HERE = Path(__file__).parent
#: Rules of the OB 3.0 specification (§B.1) that the official schema does not encode.
SPEC_RULES = {
    # AchievementSubject.id: "Either id or at least one identifier MUST be supplied."
    "credentialSubject",
    # Criteria: "at least one of the id and narrative properties MUST be included"
    "credentialSubject.achievement.criteria",
}


@pytest.fixture(scope="module")
def official() -> dict[str, Draft201909Validator]:
    from tests.reference_files import ob3_validator

    kinds = ("AchievementCredential", "EndorsementCredential")
    return {kind: ob3_validator(kind) for kind in kinds}


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


REMOVE = object()
VALUES = [REMOVE, 5, "x", [], {}, None, True, "2026-13-45"]


def _mutated(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    node: Any = changed
    for part in path[:-1]:
        node = node[part]
    if value is REMOVE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return changed


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in path if not isinstance(part, int))


@pytest.mark.parametrize(
    "name",
    [
        "vectors/1edtech-ob3-unsigned.json",
        "golden/ob3-credential.json",
        "golden/ob3-endorsement.json",
        "golden/ob3-minimal.json",
    ],
)
def test_same_verdict_as_the_official_schema(
    official: dict[str, Draft201909Validator], name: str
) -> None:
    document = json.loads((HERE / name).read_text("utf-8"))
    document.pop("proof", None)
    kind = (
        "EndorsementCredential"
        if "EndorsementCredential" in document["type"]
        else "AchievementCredential"
    )
    assert not list(official[kind].iter_errors(document))
    assert schema_messages(document, kind) == []
    compared = 0
    for path in list(_paths(document)):
        for value in VALUES:
            changed = _mutated(document, path, value)
            theirs = not any(True for _ in official[kind].iter_errors(changed))
            ours = not schema_messages(changed, kind)
            compared += 1
            if ours == theirs:
                continue
            assert theirs, f"obcore accepts what 1EdTech refuses: {path} = {value!r}"
            assert any(
                _dotted(path) == rule or _dotted(path).startswith(rule + ".") for rule in SPEC_RULES
            ), f"stricter than 1EdTech without a spec rule: {path} = {value!r}"
    assert compared > 100
