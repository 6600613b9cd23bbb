"""obcore's bundled contexts are what their registry packages carry (``obcore.contexts.SOURCES``):
the npm ones, as the Node harness of ``obcore.reference`` loads them from the exact versions of
its ``package-lock.json``, and the OB 2.0 one, as PyPI badgecheck 1.2.0 carries it (plus the
one term the published context changed since). ``scripts/update_contexts.py`` writes them so."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from obcore.contexts import OB2_TARGET_FRAMEWORK, SOURCES
from obcore.contexts.registry import badgecheck_context, expected, npm_contexts, render
from tests.conftest import require_or_skip
from tests.interop import badgecheck_harness

NPM = sorted(name for name, source in SOURCES.items() if source.origin == "npm")
PINS = json.loads((Path(str(files("obcore"))) / "node" / "package.json").read_text())


def bundled(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        files("obcore.contexts").joinpath(name).read_text("utf-8")
    )
    return document


@pytest.fixture(scope="module")
def npm(digitalbazaar: Any) -> dict[str, dict[str, Any]]:
    return npm_contexts()


@pytest.fixture(scope="module")
def badgecheck() -> dict[str, Any]:
    try:
        python = badgecheck_harness.ensure_venv()
    except badgecheck_harness.BadgecheckUnavailable as exc:
        require_or_skip(str(exc))
    (site_packages,) = python.parent.parent.glob("lib/python*/site-packages")
    return badgecheck_context(site_packages)


def test_the_npm_packages_are_the_pinned_ones(npm: dict[str, dict[str, Any]]) -> None:
    for name in NPM:
        package, version = SOURCES[name].package.rsplit("@", 1)
        assert PINS["dependencies"][package] == version, package
        assert SOURCES[name].package in npm, SOURCES[name].package


@pytest.mark.parametrize("name", NPM)
def test_the_file_is_the_npm_package_s_context(name: str, npm: dict[str, dict[str, Any]]) -> None:
    assert bundled(name) == expected(name, npm, None)
    # And the bytes are what update_contexts.py writes.
    assert files("obcore.contexts").joinpath(name).read_text("utf-8") == render(bundled(name))


def test_the_ob2_context_is_badgecheck_s(badgecheck: dict[str, Any]) -> None:
    ours = bundled("openbadges-v2.jsonld")
    assert ours == expected("openbadges-v2.jsonld", {}, badgecheck)
    assert files("obcore.contexts").joinpath("openbadges-v2.jsonld").read_text("utf-8") == render(
        ours
    )
    # The only difference with badgecheck's copy is the 2020 change of targetFramework.
    differing = {
        term
        for term in set(ours["@context"]) | set(badgecheck["@context"])
        if ours["@context"].get(term) != badgecheck["@context"].get(term)
    }
    assert differing == {"targetFramework"}
    assert ours["@context"]["targetFramework"] == OB2_TARGET_FRAMEWORK
    assert badgecheck["@context"]["targetFramework"] == {"@id": "schema:targetFramework"}


def test_blason_s_own_contexts_are_in_no_package(npm: dict[str, dict[str, Any]]) -> None:
    """Written here because none of the packages carries them."""
    from obcore.contexts import CONTEXT_FILES

    carried = {url for contexts in npm.values() for url in contexts}
    own = {url for url, name in CONTEXT_FILES.items() if SOURCES[name].origin == "blason"}
    assert own
    assert not own & carried
