"""The insights part of the demo: a year of awards of the association's two main badges, so its
dashboard reads like a real one, then the facts counted once (a worker recounts them later)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.utils import timezone

from blason.core.demo import ASSOCIATION, Demo
from blason.insights import services
from blason.issuing.awarding.services import award_issue
from blason.issuing.models import BadgeClass, BadgeStatus

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
    services.facts_refresh()
