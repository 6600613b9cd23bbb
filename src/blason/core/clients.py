"""The address of the client behind a request: the one place that reads it.

Rate limits (sign-in, sign-up, claim codes, claim links, the verify page, API registrations)
count per client address. Behind a reverse proxy, ``REMOTE_ADDR`` is the proxy's address for
every visitor, so the client's own address is read from ``X-Forwarded-For`` — but only when
the request comes from a proxy listed in ``TRUSTED_PROXIES``: anyone else can write that header.
The header is read from the right (the hop the trusted proxy saw), skipping further trusted
proxies, so a value the client wrote at the left is never believed.

allauth's rate limits call ``AccountAdapter.get_client_ip``, which is this function.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def _address(text: str) -> Address | None:
    """An address as found in a header or ``REMOTE_ADDR`` (``[v6]:port`` and ``v4:port`` too)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request comes straight from a proxy listed in ``TRUSTED_PROXIES``."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return remote is not None and _trusted(remote, networks)


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as text ("" when the request carries none)."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    hops = request.headers.get("X-Forwarded-For", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage (or an empty header): stop at the last address a trusted hop gave
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
