"""Settings come from the environment, fail loudly, and pass Django's deployment checks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from blason import env

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-secret-with-enough-entropy-1234567890",
    "KEY_ENCRYPTION_KEY": "bXvTuI4a-yAMW3Sx1m8fYw0d2d9mX0oV5QyQbGfS3zA=",
    "SITE_URL": "https://badges.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DOTENV_FILE": "off",
}


def run_blason(*args: str, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    dropped = {"SECRET_KEY", "DEBUG", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "-m", "blason", *args],
        env={**base, **extra},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    result = run_blason(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        extra={**PRODUCTION, "DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_missing_secret_key_fails_loudly(tmp_path: Path) -> None:
    extra = {**PRODUCTION, "DATA_DIR": str(tmp_path)}
    del extra["SECRET_KEY"]
    result = run_blason("check", extra=extra)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_secret_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("SOMETHING", raising=False)
    monkeypatch.setenv("SOMETHING_FILE", str(secret))
    assert env.env_str("SOMETHING") == "from-a-file"
    monkeypatch.setenv("SOMETHING", "both")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env.env_str("SOMETHING")


def test_typed_helpers_reject_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A_BOOL", "maybe")
    monkeypatch.setenv("AN_INT", "ten")
    monkeypatch.setenv("A_LIST", "a, b,,c ")
    monkeypatch.setenv("A_CHOICE", "blue")
    with pytest.raises(ImproperlyConfigured, match="A_BOOL must be true or false"):
        env.env_bool("A_BOOL", False)
    with pytest.raises(ImproperlyConfigured, match="AN_INT must be a whole number"):
        env.env_int("AN_INT", 1)
    assert env.env_list("A_LIST") == ["a", "b", "c"]
    with pytest.raises(ImproperlyConfigured, match="A_CHOICE must be one of red, green"):
        env.env_choice("A_CHOICE", ("red", "green"), "red")
    with pytest.raises(ImproperlyConfigured, match="MISSING_ONE is required"):
        env.env_str("MISSING_ONE")


def test_env_example_documents_every_variable() -> None:
    """Each variable read in settings.py appears in .env.example."""
    root = Path(__file__).resolve().parents[2]
    source = (root / "src/blason/settings.py").read_text()
    used = set(re.findall(r'\benv_[a-z_]+\(\s*"([A-Z0-9_]+)"', source))
    assert {"SITE_URL", "TRUST_LISTS", "SMS_QUIET_HOURS", "TRUSTED_PROXIES"} <= used
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (root / ".env.example").read_text(), re.M))
    assert used - documented == set()


# Reading the environment: os.environ or os.getenv, or a helper of blason.env.
READS_ENVIRONMENT = re.compile(r"\bos\.environ\b|\bgetenv\(|\benv_[a-z_]+\(")


def test_settings_are_read_in_settings_py_only() -> None:
    """Every deploy-time value is a setting of ``settings.py``, read through ``blason.env``;
    other modules read ``django.conf.settings``, never the environment. (``__main__`` and
    ``wsgi`` only name the settings module, as Django's entry points do.)"""
    src = ROOT / "src/blason"
    allowed = {src / "settings.py", src / "env.py"}
    entry = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blason.settings")'
    found = []
    for module in sorted(src.rglob("*.py")):
        if module in allowed:
            continue
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1):
            if READS_ENVIRONMENT.search(line.replace(entry, "")):
                found.append(f"{module.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("bind", "site_url"),
    [("127.0.0.1:8111", "http://127.0.0.1:8111"), ("0.0.0.0:9000", "http://127.0.0.1:9000")],
)
def test_links_follow_bind_without_site_url(tmp_path: Path, bind: str, site_url: str) -> None:
    """`BIND=127.0.0.1:8111 make run` writes links to the port it serves on."""
    result = run_blason(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        extra={"DEBUG": "true", "BIND": bind, "DATA_DIR": str(tmp_path), "DOTENV_FILE": "off"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == site_url


def test_development_env_file_leaves_site_url_to_bind(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "write_env.py"), str(target)],
        check=True,
        capture_output=True,
    )
    assert "\nSITE_URL=" not in target.read_text()
