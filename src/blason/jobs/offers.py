"""Job offers near a place for some ROME codes, from the configured provider.

``JOB_OFFERS_PROVIDER``: ``france_travail`` (France Travail's "Offres d'emploi v2" API,
``france_travail``), ``fixtures`` (fictitious offers bundled in ``data/offers_fixtures.json``,
for the demo and tests) or ``none`` (offers are unavailable; nothing is ever sent anywhere).

Only the ROME codes and the place go to a provider: never who is looking. Answers are kept in
Django's cache per (provider, sorted codes, place, distance, limit) for
``JOB_OFFERS_CACHE_SECONDS`` (failures for a few minutes, so a page does not hammer a provider
that is down); a failure is an ``OffersResult`` in state ``error``, never an exception.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal, Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from blason.jobs.places import Place, communes
from blason.jobs.places import distance_km as places_distance_km

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
State = Literal["ok", "unavailable", "error"]
ERROR_CACHE_SECONDS = 5 * 60
MAX_CODES = 50
MAX_LIMIT = 150
DEFAULT_DISTANCE_KM = 10  # France Travail's, around a town when no distance is given


@dataclass(frozen=True)
class Offer:
    title: str
    employer: str
    town: str
    contract_type: str
    published_on: date | None
    apprenticeship: bool
    url: str


@dataclass(frozen=True)
class OffersResult:
    state: State
    offers: list[Offer] = field(default_factory=list)
    total: int | None = None
    provider: str = ""
    fetched_at: datetime | None = None
    place: Place | None = None
    distance_km: int | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    @property
    def more(self) -> int:
        """How many offers there are beyond those listed."""
        return max((self.total or 0) - len(self.offers), 0)


class ProviderError(Exception):
    """The provider could not answer (unreachable, refused, a malformed answer)."""


@dataclass(frozen=True)
class Search:
    rome_codes: tuple[str, ...]
    place: Place
    distance_km: int | None
    limit: int


class Provider(Protocol):
    name: str

    def search(self, query: Search) -> tuple[list[Offer], int]: ...


class FixturesProvider:
    """Fictitious offers (``data/offers_fixtures.json``) for the demo and tests: an offer
    matches when its ROME code is asked and its commune is in the place: in the région, in the
    département, or, for a town and a distance, within that many kilometres of the town as the
    crow flies (``DEFAULT_DISTANCE_KM`` when none is given, as France Travail does; only the
    town itself for 0). The few bundled communes without coordinates (created after the
    source's edition) fall back on the town's département."""

    name = "fixtures"

    def __init__(self, path: Path = DATA / "offers_fixtures.json") -> None:
        self.path = path

    def search(self, query: Search) -> tuple[list[Offer], int]:
        items = json.loads(self.path.read_text(encoding="utf-8"))["offers"]
        found = []
        for item in items:
            town = communes().get(item["commune"])
            if item["rome"] not in query.rome_codes or town is None:
                continue
            if not _within(town, query.place, query.distance_km):
                continue
            found.append(
                Offer(
                    title=item["title"],
                    employer=item["employer"],
                    town=town.name,
                    contract_type=item["contract_type"],
                    published_on=date.fromisoformat(item["published_on"]),
                    apprenticeship=bool(item.get("apprenticeship")),
                    url=item["url"],
                )
            )
        found.sort(key=lambda offer: offer.published_on or date.min, reverse=True)
        return found[: query.limit], len(found)


def _within(town: Place, place: Place, distance_km: int | None) -> bool:
    if place.kind == "region":
        return town.region == place.code
    if place.kind == "departement":
        return town.departement == place.code
    if town.code == place.code:
        return True
    if distance_km == 0:
        return False
    apart = places_distance_km(town, place)
    if apart is None:  # a commune without coordinates
        return town.departement == place.departement
    return apart <= (DEFAULT_DISTANCE_KM if distance_km is None else distance_km)


FRANCE_TRAVAIL = "blason.jobs.france_travail.FranceTravailProvider"


def provider() -> Provider | None:
    name = settings.JOB_OFFERS_PROVIDER
    if name == "fixtures":
        return FixturesProvider()
    if name == "france_travail":
        # By dotted path: that module builds on this one's ``Offer`` and ``Search`` (no cycle).
        provider_class: type[Provider] = import_string(FRANCE_TRAVAIL)
        return provider_class()
    return None


def _cache_key(name: str, query: Search) -> str:
    text = "|".join(
        [
            name,
            ",".join(query.rome_codes),
            query.place.key,
            str(query.distance_km),
            str(query.limit),
        ]
    )
    return "jobs:offers:v1:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def local_offers(
    *,
    rome_codes: Sequence[str],
    place: Place,
    distance_km: int | None = None,
    limit: int = 10,
    make_provider: Callable[[], Provider | None] = provider,
) -> OffersResult:
    """Offers for these occupations around ``place`` (a commune and ``distance_km``, a
    département or a région), at most ``limit`` of them, with the total the provider counts."""
    codes = tuple(sorted({code.strip().upper() for code in rome_codes if code.strip()}))[:MAX_CODES]
    if place.kind != "commune":
        distance_km = None
    limit = max(1, min(limit, MAX_LIMIT))
    chosen = make_provider()
    now = timezone.now()
    if chosen is None:
        return OffersResult("unavailable", provider="none", fetched_at=now, place=place)
    if not codes:
        return OffersResult("ok", [], 0, chosen.name, now, place=place, distance_km=distance_km)
    query = Search(codes, place, distance_km, limit)
    key = _cache_key(chosen.name, query)
    kept = cache.get(key)
    if isinstance(kept, OffersResult):
        return kept
    try:
        offers, total = chosen.search(query)
    except ProviderError as exc:
        logger.warning("Job offers from %s failed: %s", chosen.name, exc)
        result = OffersResult("error", provider=chosen.name, fetched_at=now, place=place)
        cache.set(key, result, ERROR_CACHE_SECONDS)
        return result
    result = OffersResult("ok", offers, total, chosen.name, now, place, distance_km)
    cache.set(key, result, settings.JOB_OFFERS_CACHE_SECONDS)
    return result
