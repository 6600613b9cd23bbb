"""The import contracts of ``.importlinter`` name every view module, so a new one is covered."""

from __future__ import annotations

import configparser
import re
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


LOAD = re.compile(r"\{%-?\s*load\s+(.+?)\s*-?%\}")


def _libraries() -> dict[str, str]:
    """Template tag library name -> the app that defines it."""
    found = {}
    for module in (ROOT / "src/blason").glob("*/templatetags/*.py"):
        if module.stem != "__init__":
            found[module.stem] = module.parts[-3]
    return found


def test_templates_load_only_their_own_apps_tags_and_cores() -> None:
    """A page that another app adds to names a slot (``blason.core.fragments``) instead of
    loading that app's template tags; core's tags (the base) are for everyone."""
    libraries = _libraries()
    assert {"badge_text", "peers", "backpack", "blason_fragments"} <= set(libraries)
    wrong = []
    for template in sorted((ROOT / "src/blason").glob("*/templates/**/*")):
        if not template.is_file():
            continue
        app = template.relative_to(ROOT / "src/blason").parts[0]
        for loaded in LOAD.findall(template.read_text(encoding="utf-8")):
            words = loaded.split()
            names = [words[-1]] if "from" in words else words
            for name in names:
                owner = libraries.get(name)
                if owner is not None and owner not in (app, "core"):
                    wrong.append(f"{template.relative_to(ROOT)} loads {name} ({owner})")
    assert not wrong, "\n".join(wrong)


def test_long_modules_say_why_they_are_one_piece() -> None:
    """A module over about 400 lines is split by concern, or says at its top why it is one
    piece (a paragraph starting "Why one module"); migrations are what Django wrote."""
    long = []
    for module in sorted((ROOT / "src").rglob("*.py")):
        if "migrations" in module.parts:
            continue
        text = module.read_text(encoding="utf-8")
        if text.count("\n") > 400 and "Why one module" not in text[:3000]:
            long.append(f"{module.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not long, "\n".join(long)
