"""Interop harnesses: Digital Bazaar's JS stack (Node) and 1EdTech's badgecheck (its own venv)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_or_skip

NODE_DIR = Path(__file__).resolve().parent / "node"


@pytest.fixture(scope="session")
def digitalbazaar() -> Any:
    """Call Digital Bazaar's stack: ``digitalbazaar({"action": "verify", ...}) -> dict``."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        require_or_skip("Node.js and npm are needed for the Digital Bazaar interop tests")
    if not (NODE_DIR / "node_modules" / "@digitalbazaar" / "vc").exists():
        subprocess.run(
            [str(npm), "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=300
        )

    def call(request: dict[str, Any]) -> dict[str, Any]:
        result = subprocess.run(
            [str(node), "harness.mjs"],
            cwd=NODE_DIR,
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        answer: dict[str, Any] = json.loads(result.stdout)
        return answer

    return call
