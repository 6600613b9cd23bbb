"""Dashboards over many awards (default 1,000,000): pages read pre-aggregated facts, so their
time and number of queries do not grow with the awards; the refresh that counts the facts is
timed too (it runs in a worker, not in a page)."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from bench.__main__ import Result, measure

ISSUERS = 100
BADGES = 10  # per issuer
CHUNK = 20_000


def _fill(awards: int) -> tuple[str, object]:
    from django.db import transaction
    from django.utils import timezone

    from blason.accounts.models import User
    from blason.core.models import Issuer, Membership
    from blason.issuing.models import Award, BadgeClass

    person = User.objects.create_user("insights@example.org", "bench-password", is_staff=True)
    issuers = Issuer.objects.bulk_create(
        Issuer(name=f"Structure {n:03}", slug=f"structure-{n:03}", kind="organisation")
        for n in range(ISSUERS)
    )
    Membership.objects.create(issuer=issuers[0], user=person, role="viewer")
    badges = BadgeClass.objects.bulk_create(
        BadgeClass(issuer=issuer, name=f"Badge {n}", description="d", criteria="c")
        for issuer in issuers
        for n in range(BADGES)
    )
    now = timezone.now()
    chance = random.Random(17)
    people = max(awards // 3, 1)
    made = 0
    while made < awards:
        rows = []
        for index in range(made, min(made + CHUNK, awards)):
            # The first issuer awards a tenth of everything: the biggest dashboard.
            badge = badges[index % BADGES] if index % 10 == 0 else chance.choice(badges)
            claimed = index % 4 == 0
            rows.append(
                Award(
                    badge=badge,
                    issuer_id=badge.issuer_id,
                    recipient_email=f"p{chance.randrange(people)}@example.org",
                    credential="{}",
                    status_index=index,
                    issued_at=now - timedelta(days=chance.randrange(3 * 365)),
                    claimed_at=now if claimed else None,
                )
            )
        with transaction.atomic():
            Award.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
    return issuers[0].slug, person


def run(awards: int = 1_000_000) -> list[Result]:
    from django.test import Client

    from blason.insights import services

    slug, person = _fill(awards)
    start = time.perf_counter()
    written = services.facts_refresh()
    seconds = time.perf_counter() - start
    print(f"insights: facts of {written['awards']:,} awards counted in {seconds:.1f} s")
    client = Client()
    client.force_login(person)

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    label = f"{awards // 1000:,}k awards"
    return [
        measure(
            f"space dashboard, {label}",
            lambda: get(f"/spaces/{slug}/insights/"),
            target_ms=300,
            max_queries=12,
        ),
        measure(
            f"space dashboard, one year, {label}",
            lambda: get(f"/spaces/{slug}/insights/?period=12m"),
            target_ms=300,
            max_queries=12,
        ),
        measure(
            f"site dashboard, {label}",
            lambda: get("/operator/insights/"),
            target_ms=300,
            max_queries=12,
        ),
        measure(
            f"space dashboard CSV, {label}",
            lambda: get(f"/spaces/{slug}/insights/monthly.csv"),
            target_ms=300,
            max_queries=12,
        ),
    ]
