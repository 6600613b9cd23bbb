"""The guarded fetcher, against real HTTP servers on loopback."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from obcore.fetch import (
    ChainFetcher,
    FetchError,
    FetchPolicy,
    HttpFetcher,
    StaticFetcher,
    is_public_address,
)

ALLOW_LOOPBACK = FetchPolicy(allow_private=True, timeout=3, max_bytes=1000, max_redirects=2)


class Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, Any] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        route(self)


def reply(
    status: int = 200,
    body: bytes = b"{}",
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
    length: bool = True,
) -> Any:
    def handle(handler: Handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return handle


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetches_a_document(server: str) -> None:
    Handler.routes["/issuer"] = reply(body=b'{"id": "x"}', content_type="application/ld+json")
    fetched = HttpFetcher(ALLOW_LOOPBACK)(f"{server}/issuer", accept=["application/ld+json"])
    assert fetched.body == b'{"id": "x"}'
    assert fetched.final_url == f"{server}/issuer"


def test_loopback_is_refused_by_default(server: str) -> None:
    Handler.routes["/issuer"] = reply()
    with pytest.raises(FetchError, match="private or local address") as caught:
        HttpFetcher()(f"{server}/issuer")
    assert caught.value.reason == "private_address"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.10", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),
        ("2001:db8::1", False),
    ],
)
def test_public_address_classification(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_name_resolving_to_a_private_address_is_refused() -> None:
    fetcher = HttpFetcher(resolver=lambda host, port: ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(FetchError, match=r"private or local address \(10\.0\.0\.5\)"):
        fetcher("https://badges.example/issuer")


def test_connects_to_the_checked_address_and_sends_the_host_name(server: str) -> None:
    seen: dict[str, str] = {}

    def handle(handler: Handler) -> None:
        seen["host"] = handler.headers["Host"]
        reply()(handler)

    Handler.routes["/pinned"] = handle
    port = server.rsplit(":", 1)[1]
    fetcher = HttpFetcher(ALLOW_LOOPBACK, resolver=lambda host, p: ["127.0.0.1"])
    fetcher(f"http://badges.example:{port}/pinned")
    assert seen["host"] == f"badges.example:{port}"


def test_redirects_are_followed_and_bounded(server: str) -> None:
    Handler.routes["/a"] = reply(302, headers={"Location": "/b"})
    Handler.routes["/b"] = reply(301, headers={"Location": "/c"})
    Handler.routes["/c"] = reply(body=b"[]")
    Handler.routes["/loop"] = reply(302, headers={"Location": "/loop"})
    assert HttpFetcher(ALLOW_LOOPBACK)(f"{server}/a").final_url == f"{server}/c"
    with pytest.raises(FetchError, match="too many redirects"):
        HttpFetcher(ALLOW_LOOPBACK)(f"{server}/loop")


def test_redirect_to_a_private_address_is_refused(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each hop is checked: a public page cannot redirect the verifier to an internal one."""
    import obcore.fetch

    real = obcore.fetch.is_public_address
    # Pretend the test server is public, so that only the redirect's target is private.
    monkeypatch.setattr(obcore.fetch, "is_public_address", lambda a: a == "127.0.0.1" or real(a))
    Handler.routes["/out"] = reply(302, headers={"Location": "http://intranet.example/secret"})

    def resolver(host: str, port: int) -> list[str]:
        return {"127.0.0.1": ["127.0.0.1"], "intranet.example": ["10.0.0.1"]}[host]

    with pytest.raises(FetchError, match=r"intranet.example points to a private") as caught:
        HttpFetcher(FetchPolicy(), resolver=resolver)(f"{server}/out")
    assert caught.value.reason == "private_address"


def test_size_limit_with_and_without_content_length(server: str) -> None:
    Handler.routes["/big"] = reply(body=b"x" * 5000)
    Handler.routes["/big-chunked"] = reply(body=b"x" * 5000, length=False)
    for path in ("/big", "/big-chunked"):
        with pytest.raises(FetchError, match="larger than the limit of 1000 bytes"):
            HttpFetcher(ALLOW_LOOPBACK)(f"{server}{path}")


def test_slow_server_times_out(server: str) -> None:
    def slow(handler: Handler) -> None:
        time.sleep(1.5)
        reply()(handler)

    Handler.routes["/slow"] = slow
    policy = FetchPolicy(allow_private=True, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        HttpFetcher(policy)(f"{server}/slow")
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "not_found"), (410, "gone"), (500, "http_error")]
)
def test_http_errors(server: str, status: int, reason: str) -> None:
    Handler.routes["/status"] = reply(status)
    with pytest.raises(FetchError) as caught:
        HttpFetcher(ALLOW_LOOPBACK)(f"{server}/status")
    assert caught.value.reason == reason


def test_content_type_is_checked(server: str) -> None:
    Handler.routes["/html"] = reply(content_type="text/html; charset=utf-8")
    with pytest.raises(FetchError, match="unexpected content type 'text/html'"):
        HttpFetcher(ALLOW_LOOPBACK)(f"{server}/html", accept=["application/json", "*+json"])
    Handler.routes["/ld"] = reply(content_type="application/ld+json")
    HttpFetcher(ALLOW_LOOPBACK)(f"{server}/ld", accept=["application/json", "*+json"])


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x",
        "file:///etc/passwd",
        "http:///nohost",
        "https://u:p@example.org/",
        "http://example.org:99999/",
        "javascript:alert(1)",
    ],
)
def test_bad_urls_are_refused_without_network(url: str) -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise AssertionError("must not resolve")

    with pytest.raises(FetchError):
        HttpFetcher(resolver=no_dns)(url)


def test_port_allow_list() -> None:
    fetcher = HttpFetcher(FetchPolicy(allowed_ports=frozenset({443})))
    with pytest.raises(FetchError, match="port 8080 is not allowed"):
        fetcher("http://example.org:8080/")


def test_unknown_host_is_a_clear_error() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(FetchError, match="cannot be found") as caught:
        HttpFetcher(resolver=fail)("https://nowhere.invalid/")
    assert caught.value.reason == "dns"


def test_static_and_chain_fetchers() -> None:
    static = StaticFetcher({"https://a.example/k": ("application/json", b"{}")})
    assert static("https://a.example/k").body == b"{}"
    with pytest.raises(FetchError, match="no such document"):
        static("https://a.example/other")
    second = StaticFetcher({"https://a.example/other": ("application/json", b"[]")})
    chain = ChainFetcher([static, second])
    assert chain("https://a.example/other").body == b"[]"
    with pytest.raises(FetchError):
        chain("https://a.example/none")


# --- HTTPS: the connection goes to the checked address, the certificate is the host's ---------


def _certificate(tmp: Any, names: list[str]) -> tuple[str, str]:
    """A self-signed certificate (its own CA) for ``names``: (cert file, key file)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp / f"{names[0]}.pem", tmp / f"{names[0]}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    import ssl

    cert, key = _certificate(tmp_path_factory.mktemp("tls"), ["badges.example"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], cert
    httpd.shutdown()
    httpd.server_close()


def test_https_to_the_pinned_address_with_the_hosts_certificate(
    tls_server: tuple[int, str],
) -> None:
    import ssl

    port, cert = tls_server
    Handler.routes["/tls"] = reply(body=b'{"tls": true}')
    trusted = ssl.create_default_context(cafile=cert)
    fetcher = HttpFetcher(ALLOW_LOOPBACK, resolver=lambda h, p: ["127.0.0.1"], ssl_context=trusted)
    assert fetcher(f"https://badges.example:{port}/tls?x=1").body == b'{"tls": true}'
    # Another name resolving to the same address: the certificate does not match it.
    with pytest.raises(FetchError, match="secure connection failed") as caught:
        fetcher(f"https://evil.example:{port}/tls")
    assert caught.value.reason == "tls"
    # The system's trust store does not know this certificate.
    untrusted = HttpFetcher(ALLOW_LOOPBACK, resolver=lambda h, p: ["127.0.0.1"])
    with pytest.raises(FetchError, match="secure connection failed"):
        untrusted(f"https://badges.example:{port}/tls")


def test_the_query_string_is_sent(server: str) -> None:
    seen: dict[str, str] = {}

    def handle(handler: Handler) -> None:
        seen["path"] = handler.path
        reply()(handler)

    Handler.routes["/query"] = handle
    HttpFetcher(ALLOW_LOOPBACK)(f"{server}/query?a=1&b=%C3%A9")
    assert seen["path"] == "/query?a=1&b=%C3%A9"


def test_redirect_without_location(server: str) -> None:
    Handler.routes["/nowhere"] = reply(302)
    with pytest.raises(FetchError, match="without a Location") as caught:
        HttpFetcher(ALLOW_LOOPBACK)(f"{server}/nowhere")
    assert caught.value.reason == "bad_redirect"


def test_refused_connection_and_empty_dns_answer() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="cannot be reached") as caught:
        HttpFetcher(ALLOW_LOOPBACK)(f"http://127.0.0.1:{port}/")
    assert caught.value.reason == "network"
    with pytest.raises(FetchError, match="cannot be found") as caught:
        HttpFetcher(resolver=lambda host, port: [])("https://badges.example/")
    assert caught.value.reason == "dns"


def test_the_deadline_covers_every_hop_and_the_body(server: str) -> None:
    def dribble(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        for _ in range(8):
            handler.wfile.write(b" " * 100)
            handler.wfile.flush()
            time.sleep(0.15)

    Handler.routes["/dribble"] = dribble
    with pytest.raises(FetchError, match="took too long"):
        HttpFetcher(FetchPolicy(allow_private=True, timeout=0.5))(f"{server}/dribble")
    Handler.routes["/hop"] = reply(302, headers={"Location": "/c"})
    expired = HttpFetcher(FetchPolicy(allow_private=True, timeout=0.3))
    original = expired._address

    def slow_dns(original_url: str, host: str, port: int, *rest: Any) -> str:
        time.sleep(0.4)
        return original(original_url, host, port, *rest)

    expired._address = slow_dns  # type: ignore[method-assign]
    with pytest.raises(FetchError, match="took too long"):
        expired(f"{server}/hop")


def test_accept_patterns() -> None:
    from obcore.fetch import _accepts

    assert _accepts("application/vc+ld+json; charset=utf-8", ["application/*"])
    assert _accepts("application/ld+json", ["*+json"])
    assert not _accepts("text/html", ["application/*", "*+json"])
    assert _accepts("anything/at-all", [])


def test_teredo_addresses_are_judged_by_the_address_inside() -> None:
    # 2001:0::/32 Teredo: the client's IPv4 address is stored inverted in the last 32 bits.
    assert is_public_address("2001:0:4136:e378:8000:63bf:f5ff:fffe") is False  # 10.0.0.1
    assert is_public_address("2001:0:4136:e378:8000:63bf:f7f7:f7f7") is True  # 8.8.8.8


def test_a_chain_stops_at_a_real_error() -> None:
    def broken(url: str, *, accept: Any = ()) -> Any:
        raise FetchError(url, "tls", "secure connection failed")

    later = StaticFetcher({"https://a.example/k": ("application/json", b"{}")})
    with pytest.raises(FetchError, match="secure connection failed"):
        ChainFetcher([broken, later])("https://a.example/k")
    html = StaticFetcher({"https://a.example/k": ("text/html", b"<p>")})
    with pytest.raises(FetchError, match="unexpected content type"):
        html("https://a.example/k", accept=["application/json"])


def _trickle(handler: Handler, *, head: bool) -> None:
    """One byte at a time, 0.1 s apart, for up to 10 s: in the status line and headers
    (``head``) or in the body after complete headers."""
    out = handler.wfile
    try:
        if not head:
            out.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            out.write(b"Content-Length: 100000\r\n\r\n")
        for byte in (b"HTTP/1.1 200 OK\r\nX-Slow: " if head else b"") + b"x" * 100:
            out.write(bytes([byte]))
            out.flush()
            time.sleep(0.1)
    except OSError:
        pass  # the fetcher hung up, as it should
    handler.close_connection = True


@pytest.mark.parametrize("head", [True, False], ids=["headers", "body"])
def test_a_trickling_server_is_cut_at_the_total_deadline(server: str, head: bool) -> None:
    """Every read returns well within the timeout; the fetch as a whole must not."""
    Handler.routes["/trickle"] = lambda handler: _trickle(handler, head=head)
    fetcher = HttpFetcher(FetchPolicy(allow_private=True, timeout=1.0))
    started = time.monotonic()
    with pytest.raises(FetchError, match="took too long") as caught:
        fetcher(f"{server}/trickle")
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 1.5


def test_headers_count_against_the_byte_budget(server: str) -> None:
    """A server cannot make the fetcher read megabytes of headers before the body's limit."""

    def many_headers(handler: Handler) -> None:
        handler.send_response(200)
        for number in range(90):
            handler.send_header(f"X-Filler-{number}", "y" * 2000)
        handler.send_header("Content-Length", "2")
        try:
            handler.end_headers()
            handler.wfile.write(b"{}")
        except OSError:
            handler.close_connection = True  # the fetcher hung up, as it should

    Handler.routes["/headers"] = many_headers
    with pytest.raises(FetchError, match="larger than the limit") as caught:
        HttpFetcher(ALLOW_LOOPBACK)(f"{server}/headers")
    assert caught.value.reason == "too_large"


def test_a_slow_name_lookup_counts_against_the_deadline() -> None:
    def slow_resolver(host: str, port: int) -> list[str]:
        time.sleep(3)
        return ["127.0.0.1"]

    fetcher = HttpFetcher(FetchPolicy(allow_private=True, timeout=0.5), resolver=slow_resolver)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        fetcher("http://slow-dns.example/")
    assert time.monotonic() - started < 1.0


def test_fetchers_share_one_tls_context() -> None:
    """Loading the certificate authorities costs ~20 ms of CPU: once per process, not per
    fetcher (the verify page makes a fetcher per request)."""
    assert HttpFetcher().ssl_context is HttpFetcher().ssl_context
