"""Absolute addresses of this site: always ``SITE_URL`` and a path, never the request's host,
so a forged Host header cannot end up in a credential, an e-mail, an SMS or a QR code."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    """``SITE_URL`` followed by ``path`` (which starts with "/")."""
    return settings.SITE_URL + path


def absolute_url(viewname: str, *args: Any) -> str:
    """The absolute address of a named route."""
    return absolute(reverse(viewname, args=args or None))


def local_path(url: str) -> str | None:
    """The path of ``url`` when it is an address of this site, else None."""
    prefix = settings.SITE_URL + "/"
    return url[len(settings.SITE_URL) :] if url.startswith(prefix) else None
