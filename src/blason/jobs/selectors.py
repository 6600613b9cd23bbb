"""Reads of the jobs app: the ROME referential, places, local offers, and the occupations of
the badges a person holds."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from blason.backpack.models import Item, ItemRecipient, ItemStatus
from blason.issuing.models import Award
from blason.jobs import hooks, places, rome
from blason.jobs.models import Occupation, OffersPlace
from blason.jobs.occupations import occupations, search_occupations
from blason.jobs.offers import Offer, OffersResult
from blason.jobs.offers import local_offers as _local_offers
from blason.jobs.places import Place

__all__ = [
    "Offer",
    "OffersResult",
    "Place",
    "local_offers",
    "occupation_labels",
    "occupations",
    "offers_for_person",
    "offers_place",
    "search_occupations",
    "search_places",
]

ROME_CODE = re.compile(r"^[A-N]\d{4}$")
# What a badge's alignment must say to name a ROME occupation (``issuing.badges.alignments``).
_ROME_URL = re.compile(r"francetravail\.fr/.*fiche-metier/([A-N]\d{4})\b", re.I)


def occupation_labels() -> dict[str, str]:
    """``{code: label}`` of the ROME 4.0 list shipped with Blason, without a query."""
    return rome.labels()


def grand_domain_label(letter: str) -> str:
    """The label of a ROME grand domaine ("M"), or the letter when unknown."""
    return rome.GRAND_DOMAINS.get(letter, letter)


def search_places(text: str, limit: int = 10) -> list[Place]:
    return places.search(text, limit)


def local_offers(
    *,
    rome_codes: list[str],
    place: Place,
    distance_km: int | None = None,
    limit: int = 10,
) -> OffersResult:
    """Offers of the configured provider for these ROME codes around ``place`` (cached)."""
    return _local_offers(rome_codes=rome_codes, place=place, distance_km=distance_km, limit=limit)


SESSION_KEY = "jobs_offers_place"  # {"place": "commune:59350", "distance": 20}


@dataclass(frozen=True)
class ChosenPlace:
    place: Place
    distance_km: int | None


def offers_place(user: Any, session: Any) -> ChosenPlace | None:
    """Where the person last said they look for job offers (``services.offers_place_remember``):
    the session's choice, else the one kept on their account (one query when signed in and
    the session has none)."""
    kept = session.get(SESSION_KEY) if session is not None else None
    key, distance = "", None
    if isinstance(kept, dict):
        key, distance = str(kept.get("place") or ""), kept.get("distance")
    elif getattr(user, "is_authenticated", False):
        row = OffersPlace.objects.filter(user=user).first()
        if row is not None:
            key, distance = row.place_key, row.distance_km
            if session is not None:
                session[SESSION_KEY] = {"place": key, "distance": distance}
    place = places.parse_key(key) if key else None
    if place is None:
        return None
    if place.kind != "commune" or not isinstance(distance, int):
        distance = None
    return ChosenPlace(place, distance)


# --- The occupations of a person's badges ------------------------------------------------------


def rome_codes_of(alignments: Any) -> list[str]:
    """The ROME codes among a badge's alignments (as stored by ``issuing.badges.alignments``, or as
    found in an OB 3.0 / 2.0 credential: ``targetCode``, ``targetFramework``, ``targetUrl``)."""
    found: list[str] = []
    for entry in alignments if isinstance(alignments, list) else []:
        if not isinstance(entry, dict):
            continue
        framework = str(entry.get("framework") or entry.get("targetFramework") or "")
        code = str(entry.get("code") or entry.get("targetCode") or "").strip().upper()
        url = str(entry.get("url") or entry.get("targetUrl") or "")
        if framework.strip().upper().startswith("ROME") and ROME_CODE.match(code):
            found.append(code)
        elif match := _ROME_URL.search(url):
            found.append(match.group(1).upper())
    return list(dict.fromkeys(found))


def _credential_alignments(text: str) -> list[Any]:
    """Alignments of an imported credential kept as JSON (a JWS is not opened here)."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    subject = data.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if isinstance(achievement, dict):
        found = achievement.get("alignment")
    else:  # OB 2.0: the badge class, when it was embedded
        badge = data.get("badge")
        found = badge.get("alignment") if isinstance(badge, dict) else None
    return found if isinstance(found, list) else []


@dataclass(frozen=True)
class HeldOccupation:
    occupation: Occupation
    badges: list[str]  # the names of the badges naming it


def held_occupations(user: Any, *, issuer: Any = None) -> list[HeldOccupation]:
    """The occupations named by the badges the person holds: in their backpack as theirs
    (not revoked, not hidden by a failed check), or collected from this site; then those the
    apps above add (``hooks.PERSON_OCCUPATIONS``: the pathways they follow or completed). With
    ``issuer``, only the badges that issuer awarded them and its own pathways (what a
    counsellor of that space may see)."""
    named: dict[str, list[str]] = {}

    def add(codes: list[str], badge: str) -> None:
        for code in codes:
            names = named.setdefault(code, [])
            if badge not in names:
                names.append(badge)

    awards = Award.objects.filter(revoked_at__isnull=True).filter(
        Q(claimed_by=user)
        | Q(backpack_items__owner=user, backpack_items__recipient=ItemRecipient.OWNER)
    )
    if issuer is not None:
        awards = awards.filter(issuer=issuer)
    for award in awards.select_related("badge").distinct():
        add(rome_codes_of(award.badge.alignments), award.badge.name)
    if issuer is None:
        imported = Item.objects.filter(
            owner=user, award__isnull=True, recipient=ItemRecipient.OWNER
        ).exclude(status__in=[ItemStatus.REVOKED, ItemStatus.SUSPENDED])
        for item in imported.only("name", "credential"):
            add(rome_codes_of(_credential_alignments(item.credential)), item.name)
    for code, source in hooks.person_occupations(user, issuer=issuer):
        add([code], source)
    return [HeldOccupation(item, named[item.code]) for item in occupations(named)]


@dataclass(frozen=True)
class PersonOffers:
    occupations: list[HeldOccupation]
    result: OffersResult | None  # None when the person's badges name no occupation


def offers_for_person(
    user: Any, place: Place, *, issuer: Any = None, distance_km: int | None = 10, limit: int = 10
) -> PersonOffers:
    """Local offers for the occupations of the badges the person holds (only the codes and
    the place are sent to the provider)."""
    held = held_occupations(user, issuer=issuer)
    if not held:
        return PersonOffers([], None)
    result = local_offers(
        rome_codes=[item.occupation.code for item in held],
        place=place,
        distance_km=distance_km,
        limit=limit,
    )
    return PersonOffers(held, result)


def person_awarded_by(issuer: Any, person_uuid: Any) -> Any:
    """The account ``person_uuid`` if ``issuer`` awarded it a badge it holds, else None."""
    from django.contrib.auth import get_user_model

    awarded = Award.objects.filter(issuer=issuer, revoked_at__isnull=True).filter(
        Q(claimed_by__uuid=person_uuid)
        | Q(
            backpack_items__owner__uuid=person_uuid,
            backpack_items__recipient=ItemRecipient.OWNER,
        )
    )
    if not awarded.exists():
        return None
    return get_user_model().objects.filter(uuid=person_uuid).first()


def departement_names() -> dict[str, str]:
    """``{code: name}`` of the départements shipped with Blason, without a query."""
    return {code: place.name for code, place in places.departements().items()}


def commune_names(codes: Iterable[str]) -> dict[str, str]:
    """``{code: name}`` of these communes (INSEE codes), without a query."""
    known = places.communes()
    return {code: known[code].name for code in codes if code in known}


def place_of(kind: str, code: str) -> Place | None:
    """The région, département or commune of this code, or None."""
    return places.get(kind, code)
