"""The jobs part of the French demo (see ``blason.core.demo``).

The demo's young people live around Lille: pages that show "Offres près de chez vous" for the
demo use ``DEMO_PLACE`` (Lille) and ``DEMO_DISTANCE_KM``. The offers themselves come from the
provider configured by ``JOB_OFFERS_PROVIDER``: the development ``.env`` written by
``make run`` (``scripts/write_env.py``) says ``fixtures``, the fictitious offers of
``data/offers_fixtures.json``, all in the Nord and the Pas-de-Calais, for the occupations the
demo's badges and pathways name (M1601 accueil, M1614 standard, G1703 réception, G1101
accueil touristique, K1205 accueil social, D1505 caisse, G1803 service, G1602 cuisine).

The ROME referential itself is loaded by the app's migration: this part only remembers that
Samir looks for offers within ``DEMO_DISTANCE_KM`` of Lille, as if he had chosen it.
"""

from __future__ import annotations

from blason.core.demo import Demo
from blason.jobs import places, services

DEMO_PLACE_KEY = "commune:59350"  # Lille
DEMO_DISTANCE_KM = 20


def demo_place() -> places.Place:
    found = places.parse_key(DEMO_PLACE_KEY)
    assert found is not None
    return found


def load(demo: Demo) -> None:
    """Samir's place for job offers (the referential is loaded by the migrations, offers by the
    provider)."""
    if not demo.first_time:
        return
    services.offers_place_keep(
        user=demo.people["samir"], place=demo_place(), distance_km=DEMO_DISTANCE_KM
    )
