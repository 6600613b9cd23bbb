"""Dashboards and skills maps over many awards (default 1,000,000): pages read pre-aggregated
facts, so their time and number of queries do not grow with the awards; the refresh that
counts the facts is timed too (it runs in a worker, not in a page).

The first ``NETWORK`` issuers are members of a network (its dashboard stacks them); each issuer
has an address in one of the départements of ``PLACES`` (a commune for some), half the badges
are aligned to a ROME occupation (a few to ESCO or RNCP too), and a tenth of the awards say
where their activity took place: the skills map has cells in every département and commune."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from bench.__main__ import Result, measure

ISSUERS = 100
BADGES = 10  # per issuer
CHUNK = 20_000
NETWORK = 20  # issuers in the network
PLACES = ("59", "62", "80", "02", "60", "75", "69", "13", "33", "35", "44", "67", "971", "2A")
COMMUNES = {"59": "59350", "75": "75056", "69": "69123", "13": "13055", "33": "33063"}
ROME = ("G1602", "M1601", "N1103", "K2204", "J1501", "F1703", "H2909", "D1106", "A1203", "I1304")


def _alignments(number: int) -> list[dict[str, str]]:
    if number % 2:
        return []
    code = ROME[number % len(ROME)]
    found = [{"framework": "ROME", "code": code, "name": f"Métier {code}"}]
    if number % 3 == 0:
        found.append(
            {
                "framework": "ESCO",
                "code": f"http://data.europa.eu/esco/skill/{number:04d}",
                "url": f"http://data.europa.eu/esco/skill/{number:04d}",
                "name": f"Compétence {number}",
            }
        )
    if number % 5 == 0:
        found.append({"framework": "RNCP", "code": f"RNCP{30000 + number}", "name": "Titre"})
    return found


def _network(issuers: list[object], person: object) -> str:
    from django.utils import timezone

    from blason.core.models import Issuer, Membership
    from blason.networks.models import MemberState, Network, NetworkMember

    space = Issuer.objects.create(name="Réseau du banc", slug="reseau-du-banc", kind="network")
    network = Network.objects.create(issuer=space, region_code="32", departements=list(PLACES[:5]))
    NetworkMember.objects.bulk_create(
        NetworkMember(
            network=network,
            issuer=issuer,
            state=MemberState.ACTIVE,
            invited_at=timezone.now(),
            joined_at=timezone.now(),
        )
        for issuer in issuers[:NETWORK]
    )
    Membership.objects.create(issuer=space, user=person, role="viewer")
    return space.slug


def _fill(awards: int) -> tuple[str, str, object]:
    from django.db import transaction
    from django.utils import timezone

    from blason.accounts.models import User
    from blason.core.models import Issuer, Membership
    from blason.insights.models import AwardPlace
    from blason.issuing.models import Award, BadgeClass

    person = User.objects.create_user("insights@example.org", "bench-password", is_staff=True)
    issuers = Issuer.objects.bulk_create(
        Issuer(
            name=f"Structure {n:03}",
            slug=f"structure-{n:03}",
            kind="organisation",
            departement_code=PLACES[n % len(PLACES)],
            commune_code=COMMUNES.get(PLACES[n % len(PLACES)], "") if n % 2 else "",
        )
        for n in range(ISSUERS)
    )
    Membership.objects.create(issuer=issuers[0], user=person, role="viewer")
    badges = BadgeClass.objects.bulk_create(
        BadgeClass(
            issuer=issuer,
            name=f"Badge {n}",
            description="d",
            criteria="c",
            alignments=_alignments(number * BADGES + n),
        )
        for number, issuer in enumerate(issuers)
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
            created = Award.objects.bulk_create(rows, batch_size=2000)
            AwardPlace.objects.bulk_create(
                AwardPlace(award=award, territory=PLACES[(award.pk or 0) % len(PLACES)])
                for number, award in enumerate(created)
                if number % 10 == 3 and award.pk
            )
        made += len(rows)
    return issuers[0].slug, _network(issuers, person), person


def run(awards: int = 1_000_000) -> list[Result]:
    from django.test import Client

    from blason.insights import services

    slug, network, person = _fill(awards)
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
            f"network dashboard, {label}",
            lambda: get(f"/spaces/{network}/insights/"),
            target_ms=300,
            max_queries=14,
        ),
        measure(
            f"network skills map, {label}",
            lambda: get(f"/spaces/{network}/insights/skills/"),
            target_ms=300,
            max_queries=14,
        ),
        measure(
            f"network skills map, one département and competence, {label}",
            lambda: get(f"/spaces/{network}/insights/skills/?territory=59&competence=ROME%7CG1602"),
            target_ms=300,
            max_queries=14,
        ),
        measure(
            f"site skills map, {label}",
            lambda: get("/operator/insights/skills/"),
            target_ms=300,
            max_queries=14,
        ),
        measure(
            f"space dashboard CSV, {label}",
            lambda: get(f"/spaces/{slug}/insights/monthly.csv"),
            target_ms=300,
            max_queries=12,
        ),
    ]
