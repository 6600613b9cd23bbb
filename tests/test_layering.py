"""The import contracts of ``.importlinter`` name every view module, so a new one is covered."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodjango

ROOT = Path(__file__).resolve().parents[1]


def test_every_view_module_is_forbidden_to_the_other_apps() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    apps = sorted(p.name for p in (ROOT / "src/blason").iterdir() if (p / "apps.py").exists())
    for app in apps:
        section = f"importlinter:contract:views-{app}"
        assert section in config, f"no view contract for {app}"
        forbidden = set(config[section]["forbidden_modules"].split())
        for other in apps:
            if other == app:
                continue
            for module in (ROOT / "src/blason" / other).rglob("*views.py"):
                parts = module.relative_to(ROOT / "src").with_suffix("").parts
                name = ".".join(parts)
                assert name in forbidden, f"{name} is missing from the contract views-{app}"
