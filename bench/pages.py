"""Page rendering at realistic sizes: query counts must not grow with the data."""

from __future__ import annotations

from bench.__main__ import Result, measure


def run() -> list[Result]:
    from allauth.account.models import EmailAddress
    from django.test import Client

    from blason.accounts.models import User
    from blason.backpack.models import Item, PublicProfile, credential_identity
    from blason.core.models import AuditEntry, Issuer, Membership
    from blason.issuing.models import BadgeClass

    person = User.objects.create_user("bench@example.org", "bench-password")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    issuers = Issuer.objects.bulk_create(
        Issuer(name=f"Espace {n:03}", slug=f"espace-{n:03}", kind="organisation")
        for n in range(200)
    )
    Membership.objects.bulk_create(
        Membership(issuer=issuer, user=person, role="owner") for issuer in issuers
    )
    BadgeClass.objects.bulk_create(
        BadgeClass(issuer=issuer, name=f"Badge {n}", description="d", criteria="c")
        for issuer in issuers
        for n in range(20)
    )
    big = issuers[0]
    members = User.objects.bulk_create(
        User(email=f"member{n}@example.org", display_name=f"Membre {n}") for n in range(500)
    )
    Membership.objects.bulk_create(
        Membership(issuer=big, user=member, role="viewer") for member in members
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(action="bench.thing.done", issuer=big, actor=person) for _ in range(5000)
    )
    # A community whose news has 5,000 lines (people joining), and a public page of 200 badges.
    group = Issuer.objects.create(name="Collectif", slug="collectif", kind="community")
    Membership.objects.create(issuer=group, user=person, role="viewer")
    AuditEntry.objects.bulk_create(
        AuditEntry(action="peers.member.joined", issuer=group, actor=members[n % 500])
        for n in range(5000)
    )
    Item.objects.bulk_create(
        Item(
            owner=person,
            source="import",
            received=b"{}",
            received_format="json",
            received_sha256="0" * 64,
            credential="{}",
            credential_key=f"urn:uuid:{n}",
            identity=credential_identity(f"urn:uuid:{n}", ""),
            recipient="owner",  # the holder's own badges: only those are on a public page
            name=f"Badge importé {n}",
            issuer_name="Autre plateforme",
            status="valid",
            public=True,
        )
        for n in range(200)
    )
    PublicProfile.objects.create(user=person, slug="bench", enabled=True, name="Bench")
    client = Client()
    client.force_login(person)

    def get(url: str, browser: Client = client) -> None:
        response = browser.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return [
        measure("dashboard, 200 spaces", lambda: get("/dashboard/"), target_ms=150, max_queries=6),
        measure(
            "space page, 20 badges",
            lambda: get(f"/spaces/{big.slug}/"),
            target_ms=60,
            max_queries=6,
        ),
        measure(
            "members page, 500 members",
            lambda: get(f"/spaces/{big.slug}/members/"),
            target_ms=250,
            max_queries=6,
        ),
        measure(
            "activity page, 5000 entries",
            lambda: get(f"/spaces/{big.slug}/activity/"),
            target_ms=100,
            max_queries=7,
        ),
        measure(
            "group news, 5000 entries",
            lambda: get(f"/spaces/{group.slug}/feed/"),
            target_ms=100,
            max_queries=8,
        ),
        measure(
            "public page, 200 badges (anonymous)",
            lambda: get("/people/bench", Client()),
            target_ms=100,
            max_queries=6,
        ),
        measure(
            "healthz (anonymous)", lambda: Client().get("/healthz"), target_ms=20, max_queries=3
        ),
    ]
