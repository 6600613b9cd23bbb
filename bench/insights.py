"""Dashboards and skills maps over many awards (default 1,000,000): pages read pre-aggregated
facts, so their time and number of queries do not grow with the awards; the refresh that
counts the facts is timed too (it runs in a worker, not in a page).

The first ``NETWORK`` issuers are members of a network (its dashboard stacks them); each issuer
has an address in one of the départements of ``PLACES`` (a commune for some), half the badges
are aligned to a ROME occupation (a few to ESCO or RNCP too), and a tenth of the awards say
where their activity took place: the skills map has cells in every département and commune."""

from __future__ import annotations

import time

from bench import seeding
from bench.__main__ import Result, measure

ISSUERS = 100
BADGES = 10  # per issuer
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


def _awards_sql(vendor: str, badges: list[int], issuers: list[int], people: int) -> str:
    """One statement writing the awards ``g`` in [%(start)s, %(end)s): every tenth to one of
    the first issuer's badges (the biggest dashboard), the others to any badge, for about
    three awards a person, issued over three years, a quarter claimed."""
    # Multiplicative hashes of g (modulo 2**32): spread, repeatable, in plain integer SQL.
    spread = "((g * {}) %% 4294967296)"
    anyone = f"{spread.format(2654435761)} / 4294968"  # 0 .. 999
    badge = f"(CASE WHEN g %% 10 = 0 THEN (g / 10) %% {BADGES} ELSE {anyone} %% {len(badges)} END)"
    person = f"{spread.format(2246822519)} %% {people}"
    seconds = f"{spread.format(3266489917)} %% {3 * 365 * 86400}"
    if vendor == "postgresql":
        uuid, issued, claimed = (
            "md5('insights' || g)::uuid",
            f"now() - make_interval(secs => {seconds})",
            "now()",
        )
    else:
        uuid, issued, claimed = (
            "lower(hex(randomblob(16)))",
            f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || ({seconds}) || ' seconds')",
            "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')",
        )
    select = f"""{uuid}, {seeding.pick(vendor, badges, badge)},
        {seeding.pick(vendor, issuers, f"{badge} / {BADGES}")},
        'email', 'p' || ({person}) || '@example.org', '', '', 'fr', '', '', '{{}}',
        1 + g / 131072, g %% 131072, {issued}, NULL, NULL, '', NULL,
        CASE WHEN g %% 4 = 0 THEN {claimed} END, ''"""
    return seeding.insert_series(vendor, "issuing_award", seeding.AWARD_COLUMNS, select)


def _places_sql(vendor: str, issuers: list[int]) -> str:
    """A tenth of the awards say where their activity took place (one of ``PLACES``)."""
    now = "now()" if vendor == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    ids = ",".join(str(pk) for pk in issuers)
    place = seeding.pick(vendor, list(PLACES), f"id % {len(PLACES)}")
    return f"""
        INSERT INTO insights_awardplace (award_id, territory, updated_at)
        SELECT id, {place}, {now} FROM issuing_award
        WHERE issuer_id IN ({ids}) AND status_index % 10 = 3
        """  # noqa: S608 (only numbers and constants in the f-string)


def _fill(awards: int) -> tuple[str, str, object]:
    from django.db import connection

    from blason.accounts.models import User
    from blason.core.models import Issuer, Membership
    from blason.issuing.models import BadgeClass

    kept = Issuer.objects.filter(slug="structure-000").first()
    if kept is not None:  # a kept BENCH_DATABASE_URL: the awards are already there
        print("insights: reusing the awards of the spaces 'structure-…'")
        return kept.slug, "reseau-du-banc", User.objects.get(email="insights@example.org")
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
    # Ordered by issuer: badge k is one of the issuer k // BADGES.
    badge_ids = [int(b.pk) for b in badges if b.pk]
    issuer_ids = [int(i.pk) for i in issuers if i.pk]
    sql = _awards_sql(connection.vendor, badge_ids, issuer_ids, max(awards // 3, 1))
    seconds = seeding.write(sql, awards, {})
    with connection.cursor() as cursor:
        cursor.execute(_places_sql(connection.vendor, issuer_ids))
    seeding.analyze("issuing_award", "insights_awardplace")
    print(f"insights: {awards:,} awards written in {seconds:.1f} s")
    return issuers[0].slug, _network(issuers, person), person


def run(awards: int = 1_000_000) -> list[Result]:
    from django.test import Client

    from blason.insights import services

    slug, network, person = _fill(awards)
    start = time.perf_counter()
    written = services.facts_refresh()
    seconds = time.perf_counter() - start
    print(
        f"insights: facts of {written['awards']:,} awards counted in {seconds:.1f} s "
        f"({written['months']:,} badge-months, {written['totals']:,} period totals, "
        f"{written['cells']:,} skill cells)"
    )
    client = Client()
    client.force_login(person)

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response["Content-Type"].startswith("text/html"):  # says how fresh its figures are
            text = response.text
            assert 'class="insights-fresh">' in text, (url, "no time of the last count")
            counted = ("Chiffres comptés le", "Figures counted on")
            assert any(f'insights-fresh">{words}' in text for words in counted), url

    label = f"{awards:,} awards"
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
