"""Public pages served from a cache, with conditional GET: what a visitor, a browser or a proxy
may keep, and for how long.

The cache is Django's ``pages`` alias (``settings.CACHES``): Redis when ``REDIS_URL`` is set,
otherwise a bounded in-memory cache in each web process, never the database (reading a page
writes nothing). A page is cached under a *key made of what it shows*: the view reads, in one
small query, the stamps of what can change (an award's revocation, a badge's last edit, a status
list's revision) and puts them in the key with the address and the language. A change makes a
new key at once, in every process; the old entry is never read again and expires. Parts a page
shows from elsewhere without a stamp (another app's fragments) are bounded by the entry's
lifetime instead (``timeout``).

Only visitors who are not signed in get cached pages: a signed-in person's page may hold
per-person content (their badge, the revoke form of an awarder), so it is rendered for them and
sent ``Cache-Control: private, no-cache``, without an ``ETag``. Every page carries the visitor's
CSRF token (the htmx headers, the language form): a cached page holds :data:`CSRF_MARK` instead,
replaced by the visitor's own token on the way out, so a page is never served with another
visitor's token. A page with a flash message for the visitor is not cached either.

``ETag`` is a digest of the key: a browser or proxy that already has the page gets a 304 without
the page being looked up. Pages that say whether a badge is valid are sent
``public, max-age=0, must-revalidate`` (each use revalidates: a revocation is seen at once);
others a short ``max-age``. The key carries ``Accept-Language`` negotiation (the active
language) and responses say ``Vary: Accept, Accept-Language, Cookie``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

ALIAS = "pages"
# What a cached page holds where the visitor's CSRF token goes (the same in every process).
CSRF_MARK = "csrf-" + hashlib.sha256(f"csrf-mark:{settings.SECRET_KEY}".encode()).hexdigest()[:40]
# Set by ``django.middleware.csrf.get_token`` when a page takes the visitor's token.
_TOKEN_TAKEN = "CSRF_COOKIE_NEEDS_UPDATE"  # noqa: S105 - a request.META name
VARY = ("Accept", "Accept-Language", "Cookie")
# Seconds a page that says whether a badge is valid may be used without asking again.
STATUS_MAX_AGE = 0
# Seconds for pages that say nothing about a badge's validity (a badge's, an issuer's page).
PUBLIC_MAX_AGE = 60


def cache() -> BaseCache:
    return caches[ALIAS]


def cache_key(kind: str, *parts: object) -> str:
    """A cache key for ``parts`` (stamps, address, language): a fixed-length digest."""
    digest = hashlib.sha256(repr((kind, *parts)).encode()).hexdigest()
    return f"{kind}:{digest}"


def etag_of(key: str) -> str:
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def is_shared(request: HttpRequest) -> bool:
    """True when the page this request gets is the same for every visitor: not signed in, no
    flash message waiting."""
    if request.user.is_authenticated:
        return False
    return len(get_messages(request)) == 0


def not_modified(request: HttpRequest, etag: str) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    return etag in parse_etags(header) or etag.strip('"') in parse_etags(header)


def public(response: HttpResponse, etag: str, *, max_age: int, vary: Iterable[str] = VARY) -> None:
    """Headers of a page that any visitor, browser or proxy may keep for ``max_age`` seconds
    and then revalidate with its ``ETag``."""
    response["ETag"] = etag
    if max_age:
        response["Cache-Control"] = f"public, max-age={max_age}"
    else:
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, tuple(vary))


def private(response: HttpResponse) -> HttpResponse:
    """Headers of a page made for one person: only their browser keeps it, and asks again."""
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, VARY)
    return response


def answer_not_modified(etag: str, *, max_age: int, vary: Iterable[str] = VARY) -> HttpResponse:
    response = HttpResponseNotModified()
    public(response, etag, max_age=max_age, vary=vary)
    return response


def shared_page(
    request: HttpRequest,
    key: str,
    render: Callable[[dict[str, Any]], HttpResponse],
    *,
    max_age: int,
    timeout: int,
) -> HttpResponse:
    """The page at ``key`` for a visitor who is not signed in: 304 when their copy is current,
    else from the cache, else made by ``render(extra_context)`` and kept ``timeout`` seconds.

    ``render`` gets the context to add to its template's (the CSRF mark), and must return a
    200 HTML page that depends on nothing but what ``key`` names.
    """
    etag = etag_of(key)
    if not_modified(request, etag):
        return answer_not_modified(etag, max_age=max_age)
    body = _kept_body(request, key, render, timeout)
    if isinstance(body, HttpResponse):
        return private(body)
    response = HttpResponse(body.replace(CSRF_MARK, get_token(request)))
    public(response, etag, max_age=max_age)
    return response


def shared_answer(
    request: HttpRequest,
    key: str,
    render: Callable[[dict[str, Any]], HttpResponse],
    *,
    timeout: int,
) -> HttpResponse:
    """The answer to a form that is the same for every visitor who is not signed in (the verify
    page's verdict on a badge, keyed on what it shows): from the cache, else made by
    ``render(extra_context)`` and kept ``timeout`` seconds, with the visitor's own CSRF token.
    No validators, no caching headers: an answer to a POST is not for browsers or proxies to
    keep."""
    body = _kept_body(request, key, render, timeout)
    if isinstance(body, HttpResponse):
        return body
    return HttpResponse(body.replace(CSRF_MARK, get_token(request)))


def _kept_body(
    request: HttpRequest,
    key: str,
    render: Callable[[dict[str, Any]], HttpResponse],
    timeout: int,
) -> str | HttpResponse:
    """The page's HTML kept at ``key`` (with :data:`CSRF_MARK`), else made and kept; a page
    that cannot be shared comes back as the response made for this visitor."""
    store = cache()
    body: str | None = store.get(key)
    if body is None:
        # Django marks the request when something takes its real CSRF token: a part rendered
        # outside the page's context (``render_to_string`` with the request). Such a page holds
        # this visitor's token and is not kept for others.
        before = request.META.get(_TOKEN_TAKEN)
        request.META[_TOKEN_TAKEN] = False
        made = render({"csrf_token": CSRF_MARK})
        took_token = bool(request.META.get(_TOKEN_TAKEN))
        request.META[_TOKEN_TAKEN] = bool(before) or took_token
        if made.status_code != 200 or took_token:
            made.content = made.content.replace(CSRF_MARK.encode(), get_token(request).encode())
            return made
        body = made.content.decode()
        store.set(key, body, timeout)
    return body


def language() -> str:
    return get_language() or settings.LANGUAGE_CODE
