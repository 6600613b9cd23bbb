"""Fetching documents (issuer profiles, keys, status lists, hosted badges) safely.

Why one module of over 400 lines: every defence of a hostile fetch (addresses, redirects, sizes,
time, content types) applies to each request in order; a reviewer checks them in one place.

A verifier fetches URLs chosen by whoever made the badge, so every fetch is hostile until proven
otherwise. ``HttpFetcher`` therefore:

* accepts only ``http`` and ``https`` URLs;
* resolves the host itself and refuses private, loopback, link-local, multicast and reserved
  addresses (unless the policy allows private ones, for a test or an intranet), then connects to
  the very address it checked, so a DNS answer that changes between check and use (DNS
  rebinding) cannot reach an internal service;
* follows a bounded number of redirects, checking each hop the same way;
* bounds the whole fetch by one deadline (``FetchPolicy.timeout``: name lookup, connection, TLS,
  every read of headers and body, every redirect hop), however slowly the server trickles its
  bytes, and bounds the bytes read (headers included) by a budget;
* checks the content type against what the caller accepts.

Callers that must work offline (the command line's ``--document URL=FILE``, tests) use
``StaticFetcher``; ``ChainFetcher`` tries several in turn. All of them raise ``FetchError``
with a message that names the URL and says what went wrong.
"""

from __future__ import annotations

import functools
import http.client
import io
import ipaddress
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from obcore.errors import ObcoreError

__all__ = [
    "ChainFetcher",
    "FetchError",
    "FetchPolicy",
    "Fetched",
    "Fetcher",
    "HttpFetcher",
    "StaticFetcher",
    "freshness",
    "is_public_address",
]

USER_AGENT = "obcore (Open Badges verifier; +https://github.com/blason-badges/blason)"


class FetchError(ObcoreError):
    """A document could not be fetched; ``reason`` is a short machine-readable code."""

    def __init__(self, url: str, reason: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    """A fetched document: the URL asked for, where it was finally found, and its bytes.
    ``max_age``: how many seconds the server lets a shared cache keep it (its
    ``Cache-Control`` or ``Expires``; 0 when it forbids it, None when it says nothing or the
    document came through a redirect), which ``obcore.fetchcache`` honours."""

    url: str
    final_url: str
    content_type: str
    body: bytes
    max_age: float | None = None


def freshness(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds a shared cache may keep a response with these (lower-cased) headers: 0 for
    ``no-store``, ``no-cache`` or ``private``; else ``s-maxage``, ``max-age``, or ``Expires``
    less ``Date``; None when none is given."""
    directives: dict[str, str] = {}
    for part in headers.get("cache-control", "").split(","):
        name, _sep, value = part.strip().partition("=")
        if name:
            directives[name.lower()] = value.strip().strip('"')
    if {"no-store", "no-cache", "private"} & directives.keys():
        return 0.0
    for name in ("s-maxage", "max-age"):
        if name in directives:
            try:
                return max(0.0, float(int(directives[name])))
            except ValueError:
                return 0.0
    expires = headers.get("expires")
    if expires is None:
        return None
    try:
        until = parsedate_to_datetime(expires).timestamp()
    except (TypeError, ValueError, IndexError):
        return 0.0  # an invalid Expires means "already expired" (RFC 9111, 5.3)
    try:
        sent = parsedate_to_datetime(headers["date"]).timestamp()
    except (KeyError, TypeError, ValueError, IndexError):
        sent = time.time() if now is None else now
    return max(0.0, until - sent)


class Fetcher(Protocol):
    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched: ...


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of a fetch. ``timeout`` is the total time in seconds for the whole fetch
    (redirects included), not the time of one read; ``max_bytes`` bounds the body, and the
    headers of each response may add at most ``HEADER_BYTES`` to it."""

    allow_private: bool = False
    timeout: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 3
    allowed_ports: frozenset[int] | None = None


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _accepts(content_type: str, accept: Iterable[str]) -> bool:
    accepted = [a.lower() for a in accept]
    if not accepted:
        return True
    media = _media_type(content_type)
    for item in accepted:
        if item.endswith("/*") and media.startswith(item[:-1]):
            return True
        if item.startswith("*+") and media.endswith(item[1:]):
            return True
        if media == item:
            return True
    return False


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (what a verifier may contact)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
        elif ip.teredo is not None:
            ip = ip.teredo[1]
    return bool(
        ip.is_global
        and not ip.is_multicast
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_private
        and not ip.is_reserved
        and not ip.is_unspecified
    )


Resolver = Callable[[str, int], list[str]]

HEADER_BYTES = 64 * 1024  # the most header bytes read per response, on top of ``max_bytes``


class _OverBudget(Exception):
    """More bytes arrived than the fetch may read."""


class _DeadlineReader(io.RawIOBase):
    """The raw stream under ``http.client``'s buffered reader: before each receive, the socket's
    timeout becomes the time left until the fetch's deadline (a server sending one byte just
    within each read's timeout cannot stretch the fetch), and every byte counts against the
    budget."""

    def __init__(self, owner: _DeadlineSocket) -> None:
        super().__init__()
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        owner = self._owner
        remaining = owner.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the fetch's deadline passed")
        if owner.budget <= 0:
            raise _OverBudget()
        owner.sock.settimeout(remaining)
        view = memoryview(buffer).cast("B")
        received = owner.sock.recv_into(view[: min(len(view), owner.budget + 1)])
        owner.budget -= received
        return received

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._owner.reader_closed()


class _DeadlineSocket:
    """A connected socket whose responses are read through ``_DeadlineReader``. Like a
    ``socket.socket`` and its ``makefile``, the socket is closed once it and its readers are."""

    def __init__(self, sock: socket.socket, deadline: float, budget: int) -> None:
        self.sock = sock
        self.deadline = deadline
        self.budget = budget
        self._readers = 0
        self._closing = False

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        if mode != "rb":
            raise ValueError("only binary reading is supported")
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self))

    def sendall(self, data: bytes) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the fetch's deadline passed")
        self.sock.settimeout(remaining)
        self.sock.sendall(data)

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closing and self._readers <= 0:
            self.sock.close()

    def close(self) -> None:
        self._closing = True
        if self._readers <= 0:
            self.sock.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self.sock, name)


def _resolve_within(resolver: Resolver, host: str, port: int, deadline: float) -> list[str]:
    """``resolver(host, port)`` or ``TimeoutError`` at the deadline. The lookup runs in a
    daemon thread: the system resolver has no timeout of its own to give it (an abandoned
    lookup ends with the resolver's own timeouts)."""
    answers: queue.SimpleQueue[tuple[list[str] | None, BaseException | None]]
    answers = queue.SimpleQueue()

    def lookup() -> None:
        try:
            answers.put((resolver(host, port), None))
        except BaseException as exc:  # handed to the caller
            answers.put((None, exc))

    threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
    try:
        addresses, error = answers.get(timeout=max(deadline - time.monotonic(), 0.001))
    except queue.Empty:
        raise TimeoutError(f"looking up {host} took too long") from None
    if error is not None:
        raise error
    return addresses or []


@functools.lru_cache(maxsize=1)
def default_ssl_context() -> ssl.SSLContext:
    """The system's certificate authorities, loaded once per process and shared (an
    ``SSLContext`` may wrap sockets from several threads): loading them costs about 20 ms of
    CPU, which a fetcher made per request would pay every time."""
    return ssl.create_default_context()


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, deadline: float, budget: int) -> None:
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001))
        self._address = address
        self._deadline = deadline
        self._budget = budget

    def _remaining(self) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the fetch's deadline passed")
        return remaining

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self._remaining())
        self.sock = _DeadlineSocket(raw, self._deadline, self._budget)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def __init__(
        self,
        host: str,
        port: int,
        address: str,
        deadline: float,
        budget: int,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, address, deadline, budget)
        self._ssl_context = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self._remaining())
        # The whole handshake runs within the socket's timeout, set to the time left.
        raw.settimeout(self._remaining())
        # Certificate and SNI are checked against the host name, not the pinned address.
        wrapped = self._ssl_context.wrap_socket(raw, server_hostname=self.host)
        self.sock = _DeadlineSocket(wrapped, self._deadline, self._budget)


@dataclass
class HttpFetcher:
    """Fetch over HTTP(S) within a ``FetchPolicy``. See the module docstring."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    resolver: Resolver = _system_resolver
    ssl_context: ssl.SSLContext = field(default_factory=default_ssl_context)

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        accept = tuple(accept)
        deadline = time.monotonic() + self.policy.timeout
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            status, headers, body = self._get(url, current, accept, deadline)
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location")
                if not location:
                    raise FetchError(url, "bad_redirect", "redirect without a Location header")
                current = urljoin(current, location)
                continue
            if status == 410:
                raise FetchError(url, "gone", "the server says this document was removed (410)")
            if status == 404:
                raise FetchError(url, "not_found", "the server says it has no such document (404)")
            if not 200 <= status < 300:
                raise FetchError(url, "http_error", f"the server answered HTTP {status}")
            content_type = headers.get("content-type", "")
            if not _accepts(content_type, accept):
                raise FetchError(
                    url,
                    "content_type",
                    f"unexpected content type {_media_type(content_type) or 'none'!r} "
                    f"(expected {', '.join(accept)})",
                )
            return Fetched(
                url=url,
                final_url=current,
                content_type=content_type,
                body=body,
                max_age=freshness(headers) if current == url else None,
            )
        raise FetchError(url, "too_many_redirects", "too many redirects")

    def _target(self, original: str, url: str) -> tuple[str, str, int, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(original, "scheme", f"only http and https URLs are fetched, not {url}")
        if not parts.hostname:
            raise FetchError(original, "bad_url", f"{url} has no host name")
        if parts.username or parts.password:
            raise FetchError(original, "bad_url", "URLs with credentials are not fetched")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError(original, "bad_url", f"{url} has an invalid port") from None
        allowed = self.policy.allowed_ports
        if allowed is not None and port not in allowed:
            raise FetchError(original, "port", f"port {port} is not allowed")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return parts.scheme, parts.hostname, port, path

    def _address(self, original: str, host: str, port: int, deadline: float | None = None) -> str:
        try:
            if deadline is None:
                addresses = self.resolver(host, port)
            else:
                addresses = _resolve_within(self.resolver, host, port, deadline)
        except TimeoutError:
            raise FetchError(original, "timeout", "the server took too long to answer") from None
        except (OSError, UnicodeError) as exc:
            raise FetchError(original, "dns", f"the host {host} cannot be found ({exc})") from None
        if not addresses:
            raise FetchError(original, "dns", f"the host {host} cannot be found")
        if not self.policy.allow_private:
            for address in addresses:
                if not is_public_address(address):
                    raise FetchError(
                        original,
                        "private_address",
                        f"{host} points to a private or local address ({address}); "
                        "such addresses are not fetched",
                    )
        return addresses[0]

    def _get(
        self, original: str, url: str, accept: tuple[str, ...], deadline: float
    ) -> tuple[int, Mapping[str, str], bytes]:
        scheme, host, port, path = self._target(original, url)
        address = self._address(original, host, port, deadline)
        if deadline - time.monotonic() <= 0:
            raise FetchError(original, "timeout", "the server took too long to answer")
        budget = self.policy.max_bytes + HEADER_BYTES
        connection: http.client.HTTPConnection
        if scheme == "https":
            connection = _PinnedHTTPSConnection(
                host, port, address, deadline, budget, self.ssl_context
            )
        else:
            connection = _PinnedHTTPConnection(host, port, address, deadline, budget)
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": ", ".join(accept) if accept else "*/*",
            "Accept-Encoding": "identity",
        }
        response: http.client.HTTPResponse | None = None
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            declared = response.getheader("content-length")
            if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
                raise FetchError(original, "too_large", self._too_large())
            body = bytearray()
            while True:
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                body += chunk
                if len(body) > self.policy.max_bytes:
                    raise FetchError(original, "too_large", self._too_large())
            response_headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, response_headers, bytes(body)
        except FetchError:
            raise
        except _OverBudget:
            raise FetchError(original, "too_large", self._too_large()) from None
        except TimeoutError:
            raise FetchError(original, "timeout", "the server took too long to answer") from None
        except ssl.SSLError as exc:
            raise FetchError(original, "tls", f"secure connection failed ({exc.reason})") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(original, "network", f"the server cannot be reached ({exc})") from None
        finally:
            if response is not None:
                response.close()
            connection.close()

    def _too_large(self) -> str:
        return f"the document is larger than the limit of {self.policy.max_bytes} bytes"


@dataclass
class StaticFetcher:
    """Serve documents from memory: ``{url: (content_type, body)}``. Never touches the network."""

    documents: Mapping[str, tuple[str, bytes]]

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        try:
            content_type, body = self.documents[url]
        except KeyError:
            raise FetchError(url, "not_found", "no such document was provided") from None
        if not _accepts(content_type, accept):
            raise FetchError(url, "content_type", f"unexpected content type {content_type!r}")
        return Fetched(url=url, final_url=url, content_type=content_type, body=body)


@dataclass
class ChainFetcher:
    """Try each fetcher in turn; the first that has the document wins."""

    fetchers: list[Fetcher]

    def __call__(self, url: str, *, accept: Iterable[str] = ()) -> Fetched:
        accept = tuple(accept)
        last: FetchError | None = None
        for fetcher in self.fetchers:
            try:
                return fetcher(url, accept=accept)
            except FetchError as exc:
                if exc.reason != "not_found":
                    raise
                last = exc
        raise last or FetchError(url, "not_found", "no fetcher is configured")
