"""Independent JavaScript implementations, as references: Digital Bazaar's VC stack (Data
Integrity) and panva/jose (VC-JWT).

Used by the interop tests and by ``blason bench`` to compare against, and by
``scripts/update_contexts.py`` and its tests to read the npm context packages obcore's bundled
contexts come from (``{"action": "contexts"}``, see ``obcore.contexts.registry``). The harness
(``obcore/node/harness.mjs``) and its exact dependency versions (``package-lock.json``) ship with
obcore; on first use they are installed with ``npm ci`` into a cache folder
(``$BLASON_NODE_CACHE``, default ``~/.cache/blason/node-<lock hash>``). Needs Node.js 20+ and npm.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path
from typing import Any

from obcore.errors import ObcoreError

__all__ = ["ReferenceUnavailable", "call", "install"]

_FILES = ("harness.mjs", "package.json", "package-lock.json")


class ReferenceUnavailable(ObcoreError):
    """Node.js or npm is missing, or the reference stack cannot be installed."""


def install() -> Path:
    """The folder holding the installed harness (installed on first use)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise ReferenceUnavailable("Node.js and npm are needed for the reference JS stack")
    source = files("obcore") / "node"
    contents = {name: (source / name).read_bytes() for name in _FILES}
    digest = hashlib.sha256(b"".join(contents[name] for name in _FILES)).hexdigest()[:12]
    cache = Path(os.environ.get("BLASON_NODE_CACHE", Path.home() / ".cache" / "blason"))
    target = cache / f"node-{digest}"
    if (target / "node_modules" / "jose").exists() and (
        target / "node_modules" / "@digitalbazaar" / "vc"
    ).exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        (target / name).write_bytes(content)
    try:
        subprocess.run(  # noqa: S603 - fixed command, no user input
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=target,
            check=True,
            timeout=600,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise ReferenceUnavailable(f"npm ci failed in {target}: {exc}") from None
    return target


def call(request: dict[str, Any], *, timeout: float = 600) -> dict[str, Any]:
    """Send one request to the harness and return its JSON answer."""
    folder = install()
    node = shutil.which("node")
    assert node is not None  # checked by install()
    result = subprocess.run(  # noqa: S603 - fixed command, request goes through stdin
        [node, "harness.mjs"],
        cwd=folder,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise ReferenceUnavailable(f"the reference harness failed: {result.stderr[-500:]}")
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer
