"""obcore is a library: it imports, with all its modules, where Django cannot be imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    class NoDjango:
        def find_spec(self, name, path=None, target=None):
            if name == "django" or name.startswith("django.") or name.startswith("django_"):
                raise ImportError(f"{name} must not be imported by obcore")
            return None

    sys.meta_path.insert(0, NoDjango())
    import obcore
    names = [m.name for m in pkgutil.walk_packages(obcore.__path__, "obcore.")]
    for name in names:
        importlib.import_module(name)
    assert not any(m == "django" or m.startswith("django.") for m in sys.modules)
    print(len(names) + 1, "modules")
    """
)


def test_obcore_imports_without_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "modules" in result.stdout
