"""Rate limits behind a reverse proxy (issue 12, point 6).

Limits count per client address. Behind a proxy every visitor arrives from the proxy's address:
keyed on ``REMOTE_ADDR``, one attacker guessing claim codes blocked every visitor. The client's
address is read from ``X-Forwarded-For`` only when the request comes from a trusted proxy
(``TRUSTED_PROXIES``); tested here in-process and behind a real nginx on loopback."""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from blason.core.clients import client_ip
from blason.env import env_networks
from tests.conftest import require_or_skip

UNKNOWN_CODE = "ZZZZ-ZZZZ"


def request(remote: str, forwarded: str | None = None) -> Any:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # No trusted proxy configured: the header is never read.
        ([], "198.51.100.7", "203.0.113.1", "198.51.100.7"),
        # From a trusted proxy: the address it saw (the rightmost).
        (["10.0.0.0/8"], "10.0.0.2", "203.0.113.1", "203.0.113.1"),
        # What the client wrote itself, at the left, is not believed.
        (["10.0.0.0/8"], "10.0.0.2", "192.0.2.66, 203.0.113.1", "203.0.113.1"),
        # Two trusted proxies in a row (a CDN, then nginx): skipped from the right.
        (
            ["10.0.0.0/8", "172.16.0.1"],
            "10.0.0.2",
            "192.0.2.66, 203.0.113.1, 172.16.0.1",
            "203.0.113.1",
        ),
        # Not from a trusted proxy: anyone can write the header; REMOTE_ADDR.
        (["10.0.0.0/8"], "198.51.100.7", "203.0.113.1", "198.51.100.7"),
        # A trusted proxy that sent no header (a health check): its own address.
        (["10.0.0.0/8"], "10.0.0.2", None, "10.0.0.2"),
        # Garbage in the header: the last address a trusted hop gave.
        (["10.0.0.0/8"], "10.0.0.2", "203.0.113.1, not-an-address", "10.0.0.2"),
        # IPv6, with a port, and IPv4-mapped forms.
        (["::1"], "::1", "[2001:db8::5]:4711", "2001:db8::5"),
        (["127.0.0.1"], "::ffff:127.0.0.1", "203.0.113.9:5000", "203.0.113.9"),
        # Every hop trusted: the leftmost.
        (["10.0.0.0/8"], "10.0.0.2", "10.1.1.1, 10.0.0.3", "10.1.1.1"),
    ],
)
def test_client_ip(
    settings: Any, trusted: list[str], remote: str, forwarded: str | None, expected: str
) -> None:
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(request(remote, forwarded)) == expected


def test_allauth_rate_limits_use_it(settings: Any) -> None:
    from allauth.account.adapter import get_adapter

    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert get_adapter().get_client_ip(request("10.0.0.2", "203.0.113.1")) == "203.0.113.1"
    assert get_adapter().get_client_ip(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_trusted_proxies_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, ::1,127.0.0.1")
    assert env_networks("TRUSTED_PROXIES") == ["10.0.0.0/8", "::1/128", "127.0.0.1/32"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,nginx")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        env_networks("TRUSTED_PROXIES")


@pytest.mark.django_db
def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(client: Any, settings: Any) -> None:
    """With USE_X_FORWARDED_PROTO, a request that claims HTTPS gets HTTPS addresses only when
    it comes from the proxy; someone reaching the application directly cannot make it believe
    the connection is secure."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    claims_https = {"HTTP_X_FORWARDED_PROTO": "https"}
    through_proxy = client.get("/verify/", REMOTE_ADDR="10.0.0.2", **claims_https)
    assert through_proxy.status_code == 200
    direct = client.get("/verify/", REMOTE_ADDR="198.51.100.7", **claims_https)
    assert direct.status_code == 301
    assert direct["Location"].startswith("https://")
    # Without a list of proxies, the header is believed as Django does (the documented setting).
    settings.TRUSTED_PROXIES = []
    assert client.get("/verify/", REMOTE_ADDR="198.51.100.7", **claims_https).status_code == 200


def _limit_claims(settings: Any, rate: str = "3/m/ip") -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "claim": rate}


@pytest.mark.django_db
def test_one_guesser_behind_the_proxy_does_not_block_everyone(client: Any, settings: Any) -> None:
    """The attack: every visitor comes from the proxy's address; one of them exhausts the
    claim-code limit for all. With the proxy trusted, each visitor has their own count."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    _limit_claims(settings)
    url = reverse("backpack:claim", args=[UNKNOWN_CODE])

    def get(forwarded: str, remote: str = "10.0.0.2") -> int:
        return int(client.get(url, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code)

    assert [get("203.0.113.1") for _ in range(4)] == [404, 404, 404, 429]
    assert get("203.0.113.2") == 404  # another visitor behind the same proxy
    # The guesser cannot start again by writing another address at the left of the header.
    assert get("192.0.2.99, 203.0.113.1") == 429
    # Sent directly (not from the proxy), the header is ignored: counted per REMOTE_ADDR.
    assert [get(f"192.0.2.{n}", remote="198.51.100.7") for n in range(4)] == [404, 404, 404, 429]


# --- Behind a real nginx ------------------------------------------------------------------------

PROXY_ADDRESS = "127.0.0.2"  # nginx connects to Blason from here (proxy_bind): the trusted proxy


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(path).exists()), None
    )
    if found is None:
        require_or_skip("nginx is not installed (apt-get install nginx)")
    return str(found)


@pytest.fixture
def nginx(live_server: Any, tmp_path: Path) -> Iterator[int]:
    """nginx on a free loopback port, proxying to the live server as the README says (with
    X-Forwarded-For), its connections to Blason leaving from ``PROXY_ADDRESS``."""
    binary = _nginx_binary()
    port = _free_port()
    upstream = live_server.url.removeprefix("http://")
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{upstream};
            proxy_bind {PROXY_ADDRESS};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""
    )
    output = tmp_path / "output.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [binary, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start: {output.read_text()}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def _get(port: int, path: str, *, source: str, forwarded: str | None = None) -> int:
    """A GET from the loopback address ``source`` (each address is one client)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=20, source_address=(source, 0)
    )
    try:
        headers = {"Host": "127.0.0.1"}
        if forwarded is not None:
            headers["X-Forwarded-For"] = forwarded
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_behind_nginx_each_client_has_its_own_limit(
    nginx: int, live_server: Any, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = [PROXY_ADDRESS]
    _limit_claims(settings)
    path = reverse("backpack:claim", args=[UNKNOWN_CODE])
    # Client A (127.0.0.3) guesses codes through nginx until it is stopped.
    assert [_get(nginx, path, source="127.0.0.3") for _ in range(4)] == [404, 404, 404, 429]
    # Client B (127.0.0.4), behind the same nginx, is not blocked by A.
    assert _get(nginx, path, source="127.0.0.4") == 404
    # A cannot start again by sending its own X-Forwarded-For through nginx: nginx appends the
    # address it saw, and only that one is believed.
    assert _get(nginx, path, source="127.0.0.3", forwarded="198.51.100.1") == 429
    # Sent directly to Blason (not through the trusted proxy), a spoofed X-Forwarded-For is
    # ignored: every one of these counts against the sender's own address.
    live_port = int(live_server.url.rsplit(":", 1)[1])
    direct = [
        _get(live_port, path, source="127.0.0.5", forwarded=f"198.51.100.{n}") for n in range(4)
    ]
    assert direct == [404, 404, 404, 429]
    # Spoofing B's address directly does not use up B's allowance either.
    assert _get(live_port, path, source="127.0.0.6", forwarded="127.0.0.4") == 404
    assert _get(nginx, path, source="127.0.0.4") == 404


@pytest.mark.django_db
def test_abuse_reports_record_the_client_not_the_proxy(client: Any, settings: Any) -> None:
    from blason.core.models import AbuseReport

    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    url = reverse("core:abuse_report")
    form = {"message": "Un message d'hameçonnage reçu de votre site."}
    client.post(url, form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8")
    client.post(url, form, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    addresses = sorted(AbuseReport.objects.values_list("reporter_address", flat=True))
    assert addresses == ["198.51.100.7", "203.0.113.8"]
