"""Run 1EdTech's badgecheck 1.2.0 against documents served from loopback.

badgecheck lives in its own venv (``.venv-badgecheck/`` at the repo root, made once and reused
while ``requirements-badgecheck.txt`` is unchanged) because its dependencies are old and pinned.
The documents are served by :class:`Site`, an in-process HTTP server on 127.0.0.1 and a free
port; badgecheck runs in a subprocess (``badgecheck_runner.py``), all cases in one call.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import venv
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-badgecheck"
HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements-badgecheck.txt"
RUNNER = HERE / "badgecheck_runner.py"


class BadgecheckUnavailable(RuntimeError):
    """The badgecheck venv cannot be made (no registry access, broken pins...)."""


def _python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    """The venv's Python, creating or refreshing the venv when the requirements changed."""
    stamp = VENV / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if _python().exists() and stamp.exists() and stamp.read_text() == wanted:
        return _python()
    lines = [line.split("#")[0].strip() for line in REQUIREMENTS.read_text().splitlines()]
    pins = [line for line in lines if line]
    badgecheck = [p for p in pins if p.startswith("badgecheck")]
    others = [p for p in pins if not p.startswith("badgecheck")]
    try:
        venv.create(VENV, with_pip=True, clear=True)
        pip = [str(_python()), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        for args in (others, ["--no-deps", *badgecheck]):
            subprocess.run([*pip, *args], check=True, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise BadgecheckUnavailable(
            f"cannot install badgecheck: {exc} {detail.decode(errors='replace')[-800:]}"
        ) from exc
    stamp.write_text(wanted)
    return _python()


class Site:
    """Documents by path; ``gone`` paths answer 410 with their body (revoked hosted badges)."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str, int]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, content_type, status = site.files.get(
                    self.path, (b"not found", "text/plain", 404)
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def put_json(self, path: str, document: Mapping[str, Any], status: int = 200) -> None:
        self.files[path] = (json.dumps(document).encode(), "application/ld+json", status)

    def put_bytes(self, path: str, body: bytes, content_type: str) -> None:
        self.files[path] = (body, content_type, 200)

    @contextmanager
    def running(self) -> Iterator[Site]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


def run_badgecheck(python: Path, base: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Verify every case in one badgecheck process; returns ``{name: report summary}``."""
    completed = subprocess.run(
        [str(python), str(RUNNER)],
        input=json.dumps({"base": base, "cases": cases}).encode(),
        capture_output=True,
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"badgecheck failed: {completed.stderr.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


if __name__ == "__main__":  # python tests/interop/badgecheck_harness.py: just make the venv
    sys.stdout.write(f"{ensure_venv()}\n")
