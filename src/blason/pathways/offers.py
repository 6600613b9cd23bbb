""" "Job offers near you" for pathways: the occupations a pathway leads to (ROME codes), around
the place the person chose (``blason.jobs``: a town and a distance, a département or a région,
remembered on their account or in their session).

Only the codes and the place go to the offers provider, and its answers are cached per (codes,
place) by ``blason.jobs``; a page asks for the offers of at most ``MAX_BLOCKS`` pathways, so
that it sends a bounded number of requests whatever the number of pathways a person follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blason.jobs import selectors as jobs
from blason.jobs.forms import OffersSearchForm

MAX_BLOCKS = 5
OFFERS_PER_BLOCK = 5


@dataclass(frozen=True)
class OffersContext:
    """What a page needs to show offers: the chosen place (or None: ask for one), the form to
    choose or change it, and the page to come back to after choosing."""

    chosen: jobs.ChosenPlace | None
    form: OffersSearchForm
    next: str


def context_for(request: Any) -> OffersContext:
    chosen = jobs.offers_place(getattr(request, "user", None), getattr(request, "session", None))
    initial = {"place": chosen.place, "distance": chosen.distance_km or 10} if chosen else {}
    return OffersContext(chosen, OffersSearchForm(initial=initial), request.get_full_path())


def offers_for(codes: list[str], chosen: jobs.ChosenPlace | None) -> jobs.OffersResult | None:
    """The offers for these occupations around the chosen place (None: no occupation, or no
    place chosen yet)."""
    if not codes or chosen is None:
        return None
    return jobs.local_offers(
        rome_codes=codes,
        place=chosen.place,
        distance_km=chosen.distance_km,
        limit=OFFERS_PER_BLOCK,
    )


def offers_by_pathway(views: list[Any], chosen: jobs.ChosenPlace | None) -> list[Any]:
    """``(view, offers)`` for each pathway view; offers for the first ``MAX_BLOCKS`` pathways
    that name occupations (the others: None)."""
    pairs, asked = [], 0
    for view in views:
        result = None
        if view.pathway.occupations and asked < MAX_BLOCKS:
            result = offers_for(list(view.pathway.occupations), chosen)
            asked += 1
        pairs.append((view, result))
    return pairs


def occupations_of(codes: list[str]) -> list[Any]:
    """The occupations of these codes (one query), for naming them on a page."""
    return jobs.occupations(codes)
