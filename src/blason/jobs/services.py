"""Writes of the jobs app: the ROME referential (loaded from the bundled CSV), and where a
person looks for job offers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from blason.core import audit
from blason.jobs import rome
from blason.jobs.places import Place
from blason.jobs.selectors import SESSION_KEY
from blason.jobs.text import fold


def occupations_sync(*, model: Any = None, rows: list[rome.Row] | None = None) -> dict[str, int]:
    """Make the occupations table say what ``data/rome.csv`` says: new codes added, changed
    labels updated. Codes that left the file are kept (badges and pathways may name them).
    ``model`` is the historical model when a migration calls it."""
    if model is None:
        from blason.jobs.models import Occupation

        model = Occupation
    rows = rome.read_csv() if rows is None else rows
    existing = {item.code: item for item in model.objects.all()}
    created, updated = [], []
    for row in rows:
        values = {
            "label": row.label,
            "domain_code": row.domain_code,
            "domain_label": row.domain_label,
            "grand_domain_code": row.grand_domain_code,
            "grand_domain_label": row.grand_domain_label,
            "search_text": fold(f"{row.code} {row.label}"),
        }
        current = existing.get(row.code)
        if current is None:
            created.append(model(code=row.code, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            updated.append(current)
    model.objects.bulk_create(created, batch_size=500)
    if updated:
        model.objects.bulk_update(updated, list(values), batch_size=500)
    return {"created": len(created), "updated": len(updated)}


@transaction.atomic
def occupations_load(*, actor: Any = None) -> dict[str, int]:
    """Load the bundled referential (``blason setup`` runs it after the migrations); an audit
    entry when something changed."""
    counts = occupations_sync()
    if counts["created"] or counts["updated"]:
        audit.record(action="jobs.occupations.loaded", actor=actor, data=counts)
    return counts


def offers_place_remember(
    *, user: Any, session: Any, place: Place, distance_km: int | None
) -> None:
    """Remember where the person looks for job offers: on their account when signed in (for
    their next visit, on any device), and in the session (for pages seen before signing in)."""
    distance = distance_km if place.kind == "commune" else None
    session[SESSION_KEY] = {"place": place.key, "distance": distance}
    if getattr(user, "is_authenticated", False):
        offers_place_keep(user=user, place=place, distance_km=distance)


def offers_place_keep(*, user: Any, place: Place, distance_km: int | None) -> None:
    """Keep on the person's account where they look for job offers."""
    from blason.jobs.models import OffersPlace

    distance = distance_km if place.kind == "commune" else None
    OffersPlace.objects.update_or_create(
        user=user, defaults={"place_key": place.key, "distance_km": distance}
    )
