"""What people wait for over HTTP: ``blason serve`` with production settings under ``wrk``.

The benchmark loads the French demo into the benchmark's database, starts ``blason serve``
(gunicorn, ``--web-workers`` processes, DEBUG off, no task worker) on a free loopback port, and
drives each page with `wrk <https://github.com/wg/wrk>`_ (Debian package ``wrk``) at
``--clients`` connections for ``--seconds`` seconds: requests per second and the 50th, 95th and
99th percentiles of latency. A response other than 2xx/3xx counts as an error and fails the
page. Targets are those of issue 18 for the 2-core CI machine: public pages and the award's JSON
at 500 requests per second with p99 under 100 ms; verification at 300 per second with p99 under
300 ms. The load tool runs on the same machine as the server, as it did when the targets were set.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import other_site
from bench.other_site import OtherSite

# Each request comes from another visitor: the server trusts the loopback as its reverse proxy
# (TRUSTED_PROXIES), and each request names a new client address in X-Forwarded-For, so the
# verify page's rate limit (30 a minute per address, as configured by default) is paid per
# request as in production, without one address's limit or lock deciding the figures.
# wrk prints the BENCH_JSON line from the script's done() callback; the numbers are microseconds.
_SCRIPT = r"""
local body_file = os.getenv("BENCH_BODY")
wrk.method = os.getenv("BENCH_METHOD") or "GET"
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end
local threads = 0
setup = function(thread)
  thread:set("first", threads * 4194304)  -- each wrk thread has its own addresses
  threads = threads + 1
end
local visitor = nil
request = function()
  visitor = (visitor or first) + 1
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d",
    math.floor(visitor / 65536) % 256, math.floor(visitor / 256) % 256, visitor % 256)
  return wrk.format()
end
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH_JSON {\"requests\":%d,\"duration_us\":%d,\"status_errors\":%d," ..
    "\"socket_errors\":%d,\"p50\":%d,\"p95\":%d,\"p99\":%d}\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


WARM_UP_SECONDS = 3


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    min_rps: float | None  # None: measured, no target
    max_p99_ms: float | None
    headers: tuple[str, ...] = ()
    method: str = "GET"
    body: bytes = b""
    expect: str = ""  # a text the page must hold (the verdict), checked before the load


@dataclass(frozen=True)
class HttpResult:
    name: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    min_rps: float | None
    max_p99_ms: float | None

    @property
    def ok(self) -> bool:
        if self.errors:
            return False
        if self.min_rps is not None and self.rps < self.min_rps:
            return False
        return self.max_p99_ms is None or self.p99_ms <= self.max_p99_ms


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("blason serve stopped before answering")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("blason serve did not answer /healthz within a minute")


def _pages(base: str, workdir: Path, other: OtherSite) -> list[Page]:
    """The pages of issue 18's table, for one OB 3.0 award of the demo, and the verify page
    for a badge of ``other`` site."""
    from blason.issuing.models import Award

    award = (
        Award.objects.filter(revoked_at__isnull=True)
        .exclude(credential="")
        .select_related("badge", "issuer")
        .order_by("id")
        .first()
    )
    if award is None:
        raise RuntimeError("the demo has no award to load")
    credential = award.credential
    with urllib.request.urlopen(f"{base}/awards/{award.uuid}/badge.png") as response:  # noqa: S310
        baked_png = response.read()
    # The verify form wants a CSRF token: take one cookie and its token for every request.
    with urllib.request.urlopen(f"{base}/verify/") as response:  # noqa: S310
        cookie = response.headers.get("Set-Cookie", "").split(";", 1)[0]
    token = cookie.split("=", 1)[1]
    csrf = (f"Cookie: {cookie}", f"X-CSRFToken: {token}")
    form = urllib.parse.urlencode({"text": credential}).encode()
    elsewhere = urllib.parse.urlencode({"text": other.badge}).encode()
    boundary = "blasonbench"
    multipart = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="badge.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + baked_png
        + f"\r\n--{boundary}--\r\n".encode()
    )
    html = ("Accept: text/html", "Accept-Language: fr")
    public = {"min_rps": 500.0, "max_p99_ms": 100.0}
    verifying = {"min_rps": 300.0, "max_p99_ms": 300.0}
    return [
        Page("home", "/", None, None, html),
        Page("award page (HTML)", f"/awards/{award.uuid}", headers=html, **public),
        Page(
            "award OB 3.0 JSON",
            f"/awards/{award.uuid}",
            headers=("Accept: application/ld+json",),
            **public,
        ),
        Page("badge page (HTML)", f"/badges/{award.badge.uuid}", headers=html, **public),
        Page("issuer page (HTML)", f"/issuers/{award.issuer.uuid}", headers=html, **public),
        Page("award verify fragment", f"/awards/{award.uuid}/verify", headers=html, **verifying),
        Page(
            "verify page, POST badge JSON",
            "/verify/",
            headers=(*html, *csrf, "Content-Type: application/x-www-form-urlencoded"),
            method="POST",
            body=form,
            **verifying,
        ),
        Page(
            "verify page, POST other site's badge",
            "/verify/",
            headers=(*html, *csrf, "Content-Type: application/x-www-form-urlencoded"),
            method="POST",
            body=elsewhere,
            expect="Badge valide",  # its documents fetched once, then kept as their headers say
            min_rps=150.0,
            max_p99_ms=300.0,
        ),
        Page(
            "verify page, POST baked PNG",
            "/verify/",
            headers=(*html, *csrf, f"Content-Type: multipart/form-data; boundary={boundary}"),
            method="POST",
            body=multipart,
            **verifying,
        ),
    ]


def _probe(page: Page, base: str) -> None:
    """One request before the load: a page that does not answer 200 stops the benchmark."""
    headers = dict(header.split(": ", 1) for header in page.headers)
    request = urllib.request.Request(  # noqa: S310
        base + page.path, data=page.body or None, headers=headers, method=page.method
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            text = response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        detail = error.read()[:2000].decode(errors="replace")
        raise RuntimeError(f"{page.name}: {page.path} answered {error.code}\n{detail}") from None
    if page.expect and page.expect not in text:
        raise RuntimeError(f"{page.name}: {page.path} does not say {page.expect!r}\n{text}")


def _wrk(page: Page, base: str, workdir: Path, *, clients: int, seconds: int) -> dict[str, int]:
    script = workdir / "bench.lua"
    script.write_text(_SCRIPT)
    body = workdir / "body.bin"
    body.write_bytes(page.body)
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    for header in page.headers:
        command += ["-H", header]
    command.append(base + page.path)
    environment = {
        **os.environ,
        "BENCH_METHOD": page.method,
        "BENCH_BODY": str(body) if page.body else "",
    }
    output = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=True, env=environment
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    figures: dict[str, int] = json.loads(line.removeprefix("BENCH_JSON "))
    return figures


def _drive(page: Page, base: str, workdir: Path, *, clients: int, seconds: int) -> HttpResult:
    _probe(page, base)
    # Warm-up, not counted: the first requests of each process and thread load templates,
    # translations and connections, and 50 of them at once on cold processes put a second or
    # two into the 99th percentile of a run that measures the steady state.
    _wrk(page, base, workdir, clients=clients, seconds=WARM_UP_SECONDS)
    figures = _wrk(page, base, workdir, clients=clients, seconds=seconds)
    return HttpResult(
        name=page.name,
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50"] / 1000,
        p95_ms=figures["p95"] / 1000,
        p99_ms=figures["p99"] / 1000,
        errors=figures["status_errors"] + figures["socket_errors"],
        min_rps=page.min_rps,
        max_p99_ms=page.max_p99_ms,
    )


def run(*, seconds: int = 30, clients: int = 50, web_workers: int = 4) -> list[HttpResult]:
    if shutil.which("wrk") is None:
        raise SystemExit("The HTTP benchmark needs wrk: apt install wrk (Debian, Ubuntu).")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="blason-http-"))
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SITE_URL": base,
        "BIND": f"127.0.0.1:{port}",
        # The load tool plays the reverse proxy: see _SCRIPT.
        "TRUSTED_PROXIES": "127.0.0.1/32",
        # The other site of the benchmark is on loopback (bench/other_site.py).
        "FETCH_ALLOW_PRIVATE": "true",
        "TASK_WORKERS": "0",
    }
    blason = [sys.executable, "-m", "blason"]
    quiet = {"env": environment, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*blason, "setup"], **quiet)  # noqa: S603
    subprocess.run([*blason, "demo"], **quiet)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [*blason, "serve", "--web-workers", str(web_workers), "--task-workers", "0"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_up(base, server)
        with other_site.running() as other:
            return [
                _drive(page, base, workdir, clients=clients, seconds=seconds)
                for page in _pages(base, workdir, other)
            ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def report(results: list[HttpResult]) -> None:
    print(f"\n{'page (HTTP)':<32} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8}  target  result")
    for r in results:
        target = f">={r.min_rps:.0f}/s p99<{r.max_p99_ms:.0f}ms" if r.min_rps is not None else "-"
        state = "ok" if r.ok else ("ERRORS" if r.errors else "MISSED")
        print(
            f"{r.name:<32} {r.rps:>8.0f} {r.p50_ms:>6.1f}ms {r.p95_ms:>6.1f}ms "
            f"{r.p99_ms:>6.1f}ms  {target}  {state}"
        )
