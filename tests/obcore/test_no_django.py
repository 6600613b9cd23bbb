"""obcore is a plain library: importing every module of it never imports Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import obcore

pytestmark = pytest.mark.nodjango


def test_obcore_imports_without_django() -> None:
    modules = sorted(info.name for info in pkgutil.walk_packages(obcore.__path__, prefix="obcore."))
    assert "obcore.verify" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(leaked)\n"
        "sys.exit(1 if leaked else 0)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
