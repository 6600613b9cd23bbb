"""France Travail's "Offres d'emploi v2" API (https://francetravail.io).

* **Token**: OAuth2 client credentials, ``POST {FRANCE_TRAVAIL_TOKEN_URL}`` (form-encoded
  ``grant_type=client_credentials``, ``client_id``, ``client_secret``,
  ``scope=api_offresdemploiv2 o2dsoffre``) answers ``{"access_token", "expires_in", ...}``; the
  token is kept in memory until a minute before it expires, and asked again after a 401.
* **Search**: ``GET {FRANCE_TRAVAIL_API_URL}/offres/search`` with ``codeROME`` (comma list),
  ``commune`` (INSEE code) and ``distance`` (km), or ``departement``, or ``region``, and
  ``range=first-last`` (at most 150 offers a page) and ``sort=1`` (the newest first). 200:
  every offer is in the page; 206: a part, ``Content-Range: offres 0-149/1234`` gives the
  total; 204: none.
* **Limits**: at most ``RATE`` requests a second from this process (France Travail allows 10);
  429 and 5xx answers, timeouts and broken connections are tried again, after ``Retry-After``
  when the answer gives one (capped), otherwise after 0.5 s, 1 s...

Nothing but the ROME codes and the place is sent. Plain ``http.client``: no dependency.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from blason.jobs.offers import Offer, ProviderError, Search

SCOPE = "api_offresdemploiv2 o2dsoffre"
PAGE = 150  # the API's largest page
RATE = 10  # requests a second
RETRIES = 3
MAX_WAIT = 10.0  # seconds: a longer Retry-After is an error for this page
MAX_ANSWER = 8 * 1024 * 1024
OFFER_PAGE = "https://candidat.francetravail.fr/offres/recherche/detail/{id}"
_CONTENT_RANGE = re.compile(r"^\s*offres\s+(\d+)-(\d+)/(\d+)\s*$")


class RateLimiter:
    """At most ``rate`` calls in any ``per`` seconds: ``wait()`` sleeps until one is allowed."""

    def __init__(
        self,
        rate: int = RATE,
        per: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate, self.per, self.clock, self.sleep = rate, per, clock, sleep
        self.calls: deque[float] = deque()
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            while True:
                now = self.clock()
                while self.calls and now - self.calls[0] >= self.per:
                    self.calls.popleft()
                if len(self.calls) < self.rate:
                    self.calls.append(now)
                    return
                self.sleep(self.per - (now - self.calls[0]))


@dataclass
class _Token:
    value: str
    expires: float


_limiter = RateLimiter()
_tokens: dict[tuple[str, str], _Token] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    with _tokens_lock:
        _tokens.clear()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else {}
        except ValueError as exc:
            raise ProviderError(f"France Travail answered {self.status} with no JSON") from exc


class FranceTravailProvider:
    name = "france_travail"

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        api_url: str | None = None,
        timeout: float | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id if client_id is not None else settings.FRANCE_TRAVAIL_CLIENT_ID
        self.client_secret = (
            client_secret if client_secret is not None else settings.FRANCE_TRAVAIL_CLIENT_SECRET
        )
        self.token_url = token_url or settings.FRANCE_TRAVAIL_TOKEN_URL
        self.api_url = (api_url or settings.FRANCE_TRAVAIL_API_URL).rstrip("/")
        self.timeout = timeout or settings.FRANCE_TRAVAIL_TIMEOUT
        self.limiter = limiter or _limiter
        self.sleep = sleep
        self.clock = clock

    # --- HTTP ---------------------------------------------------------------------------------

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Answer:
        parts = urlsplit(url)
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "",
                parts.port,
                timeout=self.timeout,
                context=ssl.create_default_context(),
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname or "", parts.port, timeout=self.timeout
            )
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.limiter.wait()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read(MAX_ANSWER)
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, raw)
        finally:
            connection.close()

    def _call(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Answer:
        """One request, tried again on 429, 5xx, timeouts and broken connections."""
        last = ""
        for attempt in range(RETRIES + 1):
            try:
                answer = self._send(method, url, headers, body)
            except (OSError, http.client.HTTPException) as exc:  # timeouts included
                last = f"France Travail unreachable: {exc.__class__.__name__}: {exc}"
                wait = 0.5 * 2**attempt
            else:
                if answer.status != 429 and answer.status < 500:
                    return answer
                last = f"France Travail answered {answer.status}"
                wait = _retry_after(answer.headers.get("retry-after"), 0.5 * 2**attempt)
                if wait > MAX_WAIT:
                    break
            if attempt < RETRIES:
                self.sleep(wait)
        raise ProviderError(last)

    # --- Token --------------------------------------------------------------------------------

    def _token(self, *, renew: bool = False) -> str:
        if not self.client_id or not self.client_secret:
            raise ProviderError("FRANCE_TRAVAIL_CLIENT_ID and _SECRET are not set")
        key = (self.token_url, self.client_id)
        with _tokens_lock:
            kept = _tokens.get(key)
            if kept and not renew and kept.expires > self.clock():
                return kept.value
        body = urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": SCOPE,
            }
        ).encode()
        answer = self._call(
            "POST",
            self.token_url,
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            body,
        )
        if answer.status != 200:
            raise ProviderError(f"France Travail refused the credentials ({answer.status})")
        data = answer.json()
        value = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(value, str) or not value:
            raise ProviderError("France Travail's token answer has no access_token")
        try:
            lifetime = float(data.get("expires_in", 0))
        except (TypeError, ValueError):
            lifetime = 0.0
        token = _Token(value, self.clock() + max(lifetime - 60, 0))
        with _tokens_lock:
            _tokens[key] = token
        return value

    # --- Search -------------------------------------------------------------------------------

    def parameters(self, query: Search, first: int, last: int) -> dict[str, str]:
        # ``sort=1``: the newest first (the API's default puts the most relevant first).
        found = {"codeROME": ",".join(query.rome_codes), "range": f"{first}-{last}", "sort": "1"}
        place = query.place
        if place.kind == "commune":
            found["commune"] = place.code
            if query.distance_km is not None:
                found["distance"] = str(query.distance_km)
        elif place.kind == "departement":
            found["departement"] = place.code
        else:
            found["region"] = place.code
        return found

    def _page(self, query: Search, first: int, last: int) -> Answer:
        url = f"{self.api_url}/offres/search?{urlencode(self.parameters(query, first, last))}"
        answer: Answer | None = None
        for renew in (False, True):
            headers = {
                "Authorization": f"Bearer {self._token(renew=renew)}",
                "Accept": "application/json",
            }
            answer = self._call("GET", url, headers, None)
            if answer.status != 401:
                break
        assert answer is not None
        return answer

    def search(self, query: Search) -> tuple[list[Offer], int]:
        offers: list[Offer] = []
        total: int | None = None
        first = 0
        while len(offers) < query.limit:
            last = first + min(PAGE, query.limit - len(offers)) - 1
            answer = self._page(query, first, last)
            if answer.status == 204:
                return offers, len(offers) if total is None else total
            if answer.status not in (200, 206):
                raise ProviderError(f"France Travail answered {answer.status}: {_message(answer)}")
            data = answer.json()
            items = data.get("resultats", []) if isinstance(data, dict) else []
            offers.extend(offer for item in items if (offer := _offer(item)) is not None)
            if answer.status == 200:
                return offers[: query.limit], first + len(items) if total is None else total
            total = _total(answer.headers.get("content-range", ""))
            if not items or total is None or last + 1 >= total:
                break
            first = last + 1
        return offers[: query.limit], total if total is not None else len(offers)


def _retry_after(value: str | None, default: float) -> float:
    if value is None:
        return default
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        return default


def _total(content_range: str) -> int | None:
    match = _CONTENT_RANGE.match(content_range)
    return int(match.group(3)) if match else None


def _message(answer: Answer) -> str:
    try:
        data = json.loads(answer.body) if answer.body else {}
    except ValueError:
        return answer.body[:200].decode("utf-8", "replace")
    return str(data.get("message", "")) if isinstance(data, dict) else ""


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _part(item: dict[str, Any], name: str) -> dict[str, Any]:
    value = item.get(name)
    return value if isinstance(value, dict) else {}


def _offer(item: Any) -> Offer | None:
    """An offer as listed from one of the API's ``resultats``; None when it has no title."""
    if not isinstance(item, dict):
        return None
    title = _text(item.get("intitule"))
    if not title:
        return None
    employer = _part(item, "entreprise")
    place = _part(item, "lieuTravail")
    origin = _part(item, "origineOffre")
    url = _text(origin.get("urlOrigine"))
    if not url.startswith("https://") and item.get("id"):
        url = OFFER_PAGE.format(id=_text(item["id"]))
    return Offer(
        title=title,
        employer=_text(employer.get("nom")),
        town=_text(place.get("libelle")),
        contract_type=_text(item.get("typeContratLibelle") or item.get("typeContrat")),
        published_on=_date(item.get("dateCreation")),
        apprenticeship=item.get("alternance") is True,
        url=url if url.startswith(("https://", "http://")) else "",
    )
