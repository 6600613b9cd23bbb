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


def test_every_app_is_under_the_contracts_between_apps() -> None:
    """A new app is placed in the layers of the apps, kept out of core and held to the others'
    public modules: it is named in ``app-layers``, ``core`` and ``public-api``."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    apps = {p.name for p in (ROOT / "src/blason").iterdir() if (p / "apps.py").exists()}
    assert {"core", "issuing", "peers"} <= apps
    domain = {f"blason.{app}" for app in apps - {"core"}}
    layered = set(config["importlinter:contract:app-layers"]["layers"].replace("|", " ").split())
    assert layered == apps, sorted(apps ^ layered)
    forbidden_to_core = set(config["importlinter:contract:core"]["forbidden_modules"].split())
    assert forbidden_to_core == domain, sorted(domain ^ forbidden_to_core)
    public_api = set(config["importlinter:contract:public-api"]["apps"].split())
    assert public_api == domain, sorted(domain ^ public_api)


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


SLOT_NAMED = re.compile(r"""\{%-?\s*fragments\s+["']([\w.]+)["']""")
SLOT_FILLED = re.compile(r"""fragments\.register\(\s*["']([\w.]+)["']""")
SLOT_LISTED = re.compile(r"^\* ``([\w.]+)``", re.M)


def test_fragment_slots_are_named_filled_and_listed() -> None:
    """Every slot of ``blason.core.fragments`` is named by a template and listed at the top of
    that module, and an app fills only a slot that a page names."""
    named = set()
    for template in (ROOT / "src/blason").glob("*/templates/**/*.html"):
        named |= set(SLOT_NAMED.findall(template.read_text(encoding="utf-8")))
    filled = set()
    for module in (ROOT / "src/blason").rglob("apps.py"):
        filled |= set(SLOT_FILLED.findall(module.read_text(encoding="utf-8")))
    docstring = (ROOT / "src/blason/core/fragments.py").read_text(encoding="utf-8").split('"""')[1]
    listed = set(SLOT_LISTED.findall(docstring))
    assert {"badge_page.aside", "dashboard.top"} <= named
    assert listed == named, f"listed, not named: {listed - named}; not listed: {named - listed}"
    assert filled <= named, f"filled but named by no page: {filled - named}"


def test_the_architecture_names_every_module_of_issuings_sub_packages() -> None:
    """docs/architecture.md's table of issuing's sub-packages names each of their modules, so
    that the file a behaviour lives in can be found from it."""
    rows = {}
    for line in (ROOT / "docs/architecture.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"\s*\| `issuing/(\w+)/` \|", line)
        if found:
            rows[found.group(1)] = set(re.findall(r"`(\w+)`", line))
    packages = sorted(
        p.name for p in (ROOT / "src/blason/issuing").iterdir() if (p / "__init__.py").exists()
    )
    packages = [p for p in packages if p not in ("management", "migrations", "templatetags")]
    assert sorted(rows) == packages
    missing = [
        f"issuing/{package}/{module.name}"
        for package in packages
        for module in sorted((ROOT / "src/blason/issuing" / package).glob("*.py"))
        if module.stem != "__init__" and module.stem not in rows[package]
    ]
    assert not missing, f"not in docs/architecture.md: {missing}"


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
