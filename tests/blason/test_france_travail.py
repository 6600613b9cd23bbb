"""The France Travail "Offres d'emploi v2" client against a loopback server speaking the
documented API: the OAuth2 token endpoint (client credentials, form-encoded) and the offers
search (200, 206 with Content-Range, 204, 429 with Retry-After, 5xx, 401)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from blason.jobs import france_travail, places, selectors
from blason.jobs.france_travail import FranceTravailProvider, RateLimiter
from blason.jobs.offers import ProviderError, Search

CLIENT_ID = "PAR_blason_0123456789abcdef"
SECRET = "s3cr3t-of-the-application"
LILLE = places.get("commune", "59350")


def offer(number: int, **overrides: Any) -> dict[str, Any]:
    """An offer as the API lists it (a subset of its fields)."""
    item = {
        "id": f"18{number:05d}",
        "intitule": f"Chargé d'accueil (H/F) n°{number}",
        "description": "Accueil physique et téléphonique.",
        "dateCreation": "2026-11-28T09:15:42.000Z",
        "dateActualisation": "2026-11-29T10:00:00.000Z",
        "lieuTravail": {"libelle": "59 - LILLE", "codePostal": "59000", "commune": "59350"},
        "romeCode": "M1601",
        "romeLibelle": "Chargé / Chargée d'accueil",
        "entreprise": {"nom": "ENTREPRISE EXEMPLE"},
        "typeContrat": "CDD",
        "typeContratLibelle": "Contrat à durée déterminée - 6 Mois",
        "alternance": False,
        "origineOffre": {
            "origine": "1",
            "urlOrigine": f"https://candidat.francetravail.fr/offres/recherche/detail/18{number:05d}",
        },
    }
    item.update(overrides)
    return item


@dataclass
class FakeFranceTravail:
    """Answers the token endpoint and the search as the API does; ``answers`` are popped one
    per search request: (status, body or None, headers)."""

    answers: list[tuple[int, Any, dict[str, str]]] = field(default_factory=list)
    token_requests: list[dict[str, list[str]]] = field(default_factory=list)
    searches: list[dict[str, Any]] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    expires_in: int = 1499
    revoked: set[str] = field(default_factory=set)
    base: str = ""

    @property
    def token_url(self) -> str:
        return f"{self.base}/connexion/oauth2/access_token?realm=%2Fpartenaire"

    @property
    def api_url(self) -> str:
        return f"{self.base}/partenaire/offresdemploi/v2"


@pytest.fixture
def api(settings: Any) -> Iterator[FakeFranceTravail]:
    fake = FakeFranceTravail()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            raw = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if raw:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            with lock:
                fake.token_requests.append(form)
            if parts.path != "/connexion/oauth2/access_token" or parse_qs(parts.query) != {
                "realm": ["/partenaire"]
            }:
                return self.send(404, {"error": "not_found"})
            if self.headers["Content-Type"] != "application/x-www-form-urlencoded":
                return self.send(400, {"error": "invalid_request"})
            if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [SECRET]:
                return self.send(401, {"error": "invalid_client"})
            if form.get("grant_type") != ["client_credentials"]:
                return self.send(400, {"error": "unsupported_grant_type"})
            if form.get("scope") != ["api_offresdemploiv2 o2dsoffre"]:
                return self.send(400, {"error": "invalid_scope"})
            with lock:
                token = f"token-{len(fake.issued) + 1}"
                fake.issued.append(token)
            return self.send(
                200,
                {
                    "scope": "api_offresdemploiv2 o2dsoffre",
                    "expires_in": fake.expires_in,
                    "token_type": "Bearer",
                    "access_token": token,
                },
            )

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            authorization = self.headers.get("Authorization", "")
            with lock:
                fake.searches.append(
                    {
                        "path": parts.path,
                        "query": parse_qs(parts.query),
                        "authorization": authorization,
                        "accept": self.headers.get("Accept"),
                    }
                )
            if parts.path != "/partenaire/offresdemploi/v2/offres/search":
                return self.send(404, {"message": "not found"})
            token = authorization.removeprefix("Bearer ")
            if token not in fake.issued or token in fake.revoked:
                return self.send(401, {"message": "Unauthorized"})
            if fake.answers:
                status, body, headers = fake.answers.pop(0)
            else:
                status, body, headers = 200, {"resultats": [offer(1)]}, {}
            return self.send(status, body, headers)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.FRANCE_TRAVAIL_CLIENT_ID = CLIENT_ID
    settings.FRANCE_TRAVAIL_CLIENT_SECRET = SECRET
    settings.FRANCE_TRAVAIL_TOKEN_URL = fake.token_url
    settings.FRANCE_TRAVAIL_API_URL = fake.api_url
    settings.FRANCE_TRAVAIL_TIMEOUT = 2
    france_travail.forget_tokens()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        france_travail.forget_tokens()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def provider(clock: Clock, **kwargs: Any) -> FranceTravailProvider:
    return FranceTravailProvider(
        sleep=clock.sleep,
        clock=clock,
        limiter=RateLimiter(clock=clock, sleep=clock.sleep),
        **kwargs,
    )


def query(place: Any = LILLE, distance: int | None = 10, limit: int = 10) -> Search:
    return Search(("G1703", "M1601"), place, distance, limit)


def test_token_then_search_with_the_documented_parameters(api: Any, clock: Clock) -> None:
    offers, total = provider(clock).search(query())
    (form,) = api.token_requests
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [SECRET],
        "scope": ["api_offresdemploiv2 o2dsoffre"],
    }
    (search,) = api.searches
    assert search["query"] == {
        "codeROME": ["G1703,M1601"],
        "commune": ["59350"],
        "distance": ["10"],
        "range": ["0-9"],
        "sort": ["1"],  # the newest first
    }
    assert search["authorization"] == "Bearer token-1"
    assert search["accept"] == "application/json"
    assert total == 1
    (found,) = offers
    assert found.title == "Chargé d'accueil (H/F) n°1"
    assert (found.employer, found.town, found.apprenticeship) == (
        "ENTREPRISE EXEMPLE",
        "59 - LILLE",
        False,
    )
    assert found.contract_type == "Contrat à durée déterminée - 6 Mois"
    assert found.published_on is not None
    assert found.published_on.isoformat() == "2026-11-28"
    assert found.url == "https://candidat.francetravail.fr/offres/recherche/detail/1800001"


def test_departement_and_region_parameters(api: Any, clock: Clock) -> None:
    client = provider(clock)
    client.search(query(places.get("departement", "59"), distance=None))
    client.search(query(places.get("region", "32"), distance=None))
    first, second = (search["query"] for search in api.searches)
    asked = {"codeROME": ["G1703,M1601"], "range": ["0-9"], "sort": ["1"]}
    assert first == {**asked, "departement": ["59"]}
    assert second == {**asked, "region": ["32"]}


def test_206_gives_the_total_and_pages(api: Any, clock: Clock) -> None:
    api.answers = [
        (
            206,
            {"resultats": [offer(n) for n in range(150)]},
            {"Content-Range": "offres 0-149/1234"},
        ),
        (
            206,
            {"resultats": [offer(n) for n in range(150, 200)]},
            {"Content-Range": "offres 150-199/1234"},
        ),
    ]
    offers, total = provider(clock).search(query(limit=200))
    assert total == 1234
    assert len(offers) == 200
    assert [search["query"]["range"] for search in api.searches] == [["0-149"], ["150-199"]]
    assert len(api.issued) == 1  # one token for both pages


def test_206_for_a_short_list(api: Any, clock: Clock) -> None:
    api.answers = [
        (206, {"resultats": [offer(n) for n in range(10)]}, {"Content-Range": "offres 0-9/57"})
    ]
    offers, total = provider(clock).search(query())
    assert (len(offers), total) == (10, 57)
    assert len(api.searches) == 1


def test_204_is_no_offer(api: Any, clock: Clock) -> None:
    api.answers = [(204, None, {})]
    assert provider(clock).search(query()) == ([], 0)


def test_429_waits_as_told_then_succeeds(api: Any, clock: Clock) -> None:
    api.answers = [(429, {"message": "Too many requests"}, {"Retry-After": "2"})]
    _offers, total = provider(clock).search(query())
    assert total == 1
    assert len(api.searches) == 2
    assert 2.0 in clock.slept


def test_5xx_is_tried_again_with_backoff_then_fails(api: Any, clock: Clock) -> None:
    api.answers = [(500, {"message": "error"}, {})] * 4
    with pytest.raises(ProviderError, match="answered 500"):
        provider(clock).search(query())
    assert len(api.searches) == 4  # the first request and three more
    assert [wait for wait in clock.slept if wait >= 0.5] == [0.5, 1.0, 2.0]


def test_5xx_then_success(api: Any, clock: Clock) -> None:
    api.answers = [(503, None, {}), (200, {"resultats": [offer(1), offer(2)]}, {})]
    offers, total = provider(clock).search(query())
    assert (len(offers), total) == (2, 2)


def test_a_long_retry_after_is_an_error(api: Any, clock: Clock) -> None:
    api.answers = [(429, None, {"Retry-After": "3600"})]
    with pytest.raises(ProviderError, match="429"):
        provider(clock).search(query())
    assert len(api.searches) == 1


def test_400_is_an_error_with_the_message(api: Any, clock: Clock) -> None:
    api.answers = [
        (400, {"codeHttp": 400, "message": "Valeur du paramètre « codeROME » incorrecte"}, {})
    ]
    with pytest.raises(ProviderError, match="codeROME"):
        provider(clock).search(query())


def test_the_token_is_reused_until_it_expires(api: Any, clock: Clock) -> None:
    client = provider(clock)
    client.search(query())
    provider(clock).search(query())  # another instance, the same process: the same token
    assert api.issued == ["token-1"]
    clock.now += 1499 - 60  # a minute before it expires: asked again
    client.search(query())
    assert api.issued == ["token-1", "token-2"]
    assert api.searches[-1]["authorization"] == "Bearer token-2"


def test_a_401_renews_the_token_once(api: Any, clock: Clock) -> None:
    client = provider(clock)
    client.search(query())
    api.revoked.add("token-1")
    offers, _total = client.search(query())
    assert len(offers) == 1
    assert api.issued == ["token-1", "token-2"]
    assert [search["authorization"] for search in api.searches] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
    ]


def test_wrong_credentials(api: Any, clock: Clock) -> None:
    with pytest.raises(ProviderError, match="refused the credentials"):
        provider(clock, client_secret="wrong").search(query())
    assert api.searches == []


def test_unreachable_is_an_error(api: Any, clock: Clock) -> None:
    client = provider(clock, api_url="http://127.0.0.1:9/nowhere")
    with pytest.raises(ProviderError, match="unreachable"):
        client.search(query())


def test_the_limiter_allows_ten_a_second(clock: Clock) -> None:
    limiter = RateLimiter(rate=10, per=1.0, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        limiter.wait()
    assert clock.slept == []
    limiter.wait()  # the eleventh waits for the first to be a second old
    assert clock.slept == [1.0]
    for _ in range(9):
        limiter.wait()
    assert clock.slept == [1.0]
    limiter.wait()
    assert len(clock.slept) == 2


def test_the_client_goes_through_the_limiter(api: Any, clock: Clock) -> None:
    limiter = RateLimiter(rate=2, per=1.0, clock=clock, sleep=clock.sleep)
    client = FranceTravailProvider(limiter=limiter, sleep=clock.sleep, clock=clock)
    client.search(query())  # a token and a search: two requests
    assert clock.slept == []
    client.search(query())
    assert clock.slept == [1.0]


def test_local_offers_through_france_travail_are_cached(api: Any, settings: Any) -> None:
    settings.JOB_OFFERS_PROVIDER = "france_travail"
    assert LILLE is not None
    api.answers = [
        (206, {"resultats": [offer(n) for n in range(10)]}, {"Content-Range": "offres 0-9/42"})
    ]
    first = selectors.local_offers(rome_codes=["M1601", "G1703"], place=LILLE, distance_km=10)
    again = selectors.local_offers(rome_codes=["G1703", "M1601"], place=LILLE, distance_km=10)
    assert (first.state, first.total, first.provider) == ("ok", 42, "france_travail")
    assert again == first
    assert len(api.searches) == 1
    api.answers = [(500, None, {})] * 4
    failed = selectors.local_offers(rome_codes=["K1205"], place=LILLE, distance_km=10)
    assert failed.state == "error"
