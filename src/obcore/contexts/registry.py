"""The registry packages the bundled contexts come from (see ``SOURCES``): read them, and say
what each bundled file must hold. Used by ``scripts/update_contexts.py`` to write the files and
by the tests to hold them to their packages; never at run time (the npm packages are read
through the Node harness of :mod:`obcore.reference`, which needs Node.js).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from obcore.contexts import OB2_TARGET_FRAMEWORK, SOURCES

__all__ = ["badgecheck_context", "expected", "npm_contexts", "render"]

BADGECHECK_MODULE = Path("openbadges") / "verifier" / "openbadges_context.py"


def npm_contexts() -> dict[str, dict[str, Any]]:
    """``{"package@version": {url: document}}`` for every npm package of ``SOURCES``, as the
    installed packages carry them. Raises ``ReferenceUnavailable`` without Node.js."""
    from obcore import reference

    answer = reference.call({"action": "contexts"})
    if "packages" not in answer:
        raise reference.ReferenceUnavailable(f"the harness did not list contexts: {answer}")
    return {
        f"{name}@{package['version']}": package["contexts"]
        for name, package in answer["packages"].items()
    }


def badgecheck_context(site_packages: Path) -> dict[str, Any]:
    """badgecheck's OB 2.0 context (a Python literal in its module), read without importing
    badgecheck: ``site_packages`` is where the ``openbadges`` package is installed."""
    tree = ast.parse((site_packages / BADGECHECK_MODULE).read_text(encoding="utf-8"))
    name = SOURCES["openbadges-v2.jsonld"].item.rsplit(".", 1)[1]
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            document: dict[str, Any] = ast.literal_eval(node.value)
            return document
    raise LookupError(f"{name} is not in {site_packages / BADGECHECK_MODULE}")


def expected(
    name: str, npm: dict[str, dict[str, Any]], badgecheck: dict[str, Any] | None
) -> dict[str, Any]:
    """What the bundled file ``name`` holds, made from its registry package."""
    source = SOURCES[name]
    if source.origin == "npm":
        if source.package not in npm:
            raise LookupError(f"{source.package} is not installed (have: {', '.join(npm)})")
        document: dict[str, Any] = npm[source.package][source.item]
        return document
    if source.origin == "pypi":
        if badgecheck is None:
            raise LookupError(f"{source.package} is needed for {name}")
        patched: dict[str, Any] = json.loads(json.dumps(badgecheck))
        patched["@context"]["targetFramework"] = OB2_TARGET_FRAMEWORK
        return patched
    raise ValueError(f"{name} is Blason's own ({source.package}), not a package's")


def render(document: dict[str, Any]) -> str:
    """The bytes of a bundled file: two-space indented JSON, keys in the package's order."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
