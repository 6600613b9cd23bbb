"""The insights part of the demo: a year of awards of the association's two main badges, so its
dashboard reads like a real one; for the network "Badgeons les Hauts-de-France (démo)", a
Mission Locale badge in the kitchen and one in logistics (ROME G1602 and N1103, the second also
aligned to an RNCP certification, shown under "Others") awarded over the year to people in
the Nord (its address, Lille), the Pas-de-Calais and the Somme, and to three people in the
Aisne, which the skills map shows as "< 5"; then the facts counted once (a worker recounts
them later). It runs after every other app's part (``blason.insights`` is last in
``INSTALLED_APPS``), so that the network and its members exist."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.utils import timezone

from blason.core.demo import ASSOCIATION, Demo, badge_svg
from blason.core.models import Issuer
from blason.insights import services
from blason.issuing.awarding.services import award_issue
from blason.issuing.badges.services import badge_create
from blason.issuing.models import BadgeClass, BadgeStatus

MISSION_LOCALE = "mission-locale-de-lille"  # made by the networks part of the demo

FIRST_NAMES = (
    "Amina Diallo",
    "Bastien Leroy",
    "Chloé Martin",
    "Dylan Petit",
    "Emma Roux",
    "Farid Haddad",
    "Gaëlle Morel",
    "Hugo Fournier",
    "Inès Bernard",
    "Jules Girard",
    "Kenza Benali",
    "Lucas Faure",
    "Manon Blanc",
    "Nathan Garnier",
    "Océane Chevalier",
    "Paul Lambert",
    "Rania Mercier",
    "Sofiane Robin",
    "Théo Masson",
    "Yasmine Colin",
)


def load(demo: Demo) -> None:
    if demo.first_time:
        claire = demo.people["claire"]
        badges = BadgeClass.objects.filter(
            issuer__slug=ASSOCIATION, status=BadgeStatus.PUBLISHED
        ).order_by("created_at")[:2]
        now = timezone.now()
        for number, name in enumerate(FIRST_NAMES):
            for which, badge in enumerate(badges):
                if which and number % 3 == 0:
                    continue  # not everybody came to the CV workshop
                first = unicodedata.normalize("NFKD", name.split()[0])
                login = first.encode("ascii", "ignore").decode().lower()
                award_issue(
                    badge=badge,
                    actor=claire,
                    email=f"{login}.demo@example.org",
                    name=name,
                    language="fr",
                    notify=False,
                    issued_at=now - timedelta(days=17 * number + 40 * which + 3),
                )
        _network_awards(demo)
    services.facts_refresh()


# (département of the activity, "" for the issuer's address; how many people)
PLACES = (("", 12), ("62", 7), ("80", 6), ("02", 3))
KITCHEN = "Premiers pas en cuisine"
LOGISTICS = "Bases de la logistique"


def _network_awards(demo: Demo) -> None:
    """The Mission Locale's two badges awarded across the network's territory (28 awards)."""
    mission = Issuer.objects.filter(slug=MISSION_LOCALE).first()
    if mission is None:
        return
    Issuer.objects.filter(slug=ASSOCIATION).update(
        commune_code="59512", departement_code="59", region_code="32"
    )
    claire = demo.people["claire"]
    kitchen = badge_create(
        issuer=mission,
        actor=claire,
        name=KITCHEN,
        description="A participé à une immersion en cuisine de restaurant collectif.",
        criteria="Immersion d'une semaine, attestée par le chef de cuisine.",
        image_svg=badge_svg(KITCHEN, "#8f3b00"),
        status=BadgeStatus.PUBLISHED,
        alignments=[{"framework": "ROME", "code": "G1602", "name": "Personnel de cuisine"}],
    )
    logistics = badge_create(
        issuer=mission,
        actor=claire,
        name=LOGISTICS,
        description="Connaît les gestes de base de la préparation de commandes.",
        criteria="Atelier de deux jours en entrepôt pédagogique.",
        image_svg=badge_svg(LOGISTICS, "#005a70"),
        status=BadgeStatus.PUBLISHED,
        alignments=[
            {
                "framework": "ROME",
                "code": "N1103",
                "name": "Magasinage et préparation de commandes",
            },
            {
                "framework": "RNCP",
                "code": "RNCP38413",
                "name": "Préparateur de commandes en entrepôt",
            },
        ],
    )
    now = timezone.now()
    number = 0
    for territory, people in PLACES:
        for _person in range(people):
            badge = kitchen if number % 2 == 0 else logistics
            award = award_issue(
                badge=badge,
                actor=claire,
                email=f"jeune{number:02d}.demo@example.org",
                name=f"Jeune {number + 1} (démo)",
                language="fr",
                notify=False,
                issued_at=now - timedelta(days=11 * number + 2),
            )
            if territory:
                services.award_place_set(award=award, territory=territory, actor=claire)
            number += 1
