"""The pathways engine at scale: 1,000 published pathways asking for the same badges, and
``holders`` people (100,000 for the full run) holding them. Recomputing one person's progress,
and the task run after an award, must read a fixed number of queries, whatever the number of
pathways and holders."""

from __future__ import annotations

import json

from bench.__main__ import Result, measure

PATHWAYS = 1_000
CHUNK = 5_000


def run(holders: int) -> list[Result]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from blason.backpack import claims
    from blason.backpack.models import Item, credential_identity
    from blason.core import hooks
    from blason.core.models import Issuer
    from blason.issuing.awarding.credentials import badge_url
    from blason.issuing.awarding.services import award_issue
    from blason.issuing.models import BadgeClass
    from blason.pathways import engine, tasks
    from blason.pathways.models import Pathway, Progress, Requirement, Step

    user_model = get_user_model()
    issuer = Issuer.objects.create(name="Mission Locale", slug="mission", kind="organisation")
    hooks.issuer_created(issuer=issuer, actor=None)
    badges = BadgeClass.objects.bulk_create(
        BadgeClass(
            issuer=issuer, name=f"Badge {n}", description="d", criteria="c", status="published"
        )
        for n in range(10)
    )
    ids = [badge_url(badge) for badge in badges]
    # 1,000 pathways, each asking for 2 of 3 badges; badge 0 is in every one of them.
    pathways = Pathway.objects.bulk_create(
        Pathway(issuer=issuer, name=f"Parcours {n}", status="published") for n in range(PATHWAYS)
    )
    roots = Step.objects.bulk_create(
        Step(pathway=p, name=p.name, rule="n_of", required=2) for p in pathways
    )
    Requirement.objects.bulk_create(
        Requirement(step=root, position=k, badge=badges[b], achievement_id=ids[b], name=f"B{b}")
        for n, root in enumerate(roots)
        for k, b in enumerate((0, 1 + n % 9, 1 + (n + 1) % 9))
    )
    # The holders: each has badge 0, imported, and a progress row in one pathway.
    credential = json.dumps({"credentialSubject": {"achievement": {"id": ids[0]}}})
    for start in range(0, holders, CHUNK):
        people = user_model.objects.bulk_create(
            user_model(email=f"holder{n}@example.org", display_name=f"Holder {n}")
            for n in range(start, min(start + CHUNK, holders))
        )
        Item.objects.bulk_create(
            Item(
                owner=person,
                source="import",
                received=b"{}",
                received_format="json",
                received_sha256="0" * 64,
                credential=credential,
                credential_key=f"urn:uuid:{person.pk}",
                identity=credential_identity(f"urn:uuid:{person.pk}", ""),
                recipient="owner",
                name="Badge 0",
                status="valid",
            )
            for person in people
        )
        Progress.objects.bulk_create(
            Progress(
                pathway=pathways[n % PATHWAYS], user=person, done=1, needed=2, held=1, badges=3
            )
            for n, person in enumerate(people)
        )
    person = user_model.objects.create_user("bench@example.org", "bench-password")
    person.display_name = "Bench"
    person.save()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    first = award_issue(badge=badges[0], actor=None, email=person.email, name="Bench")
    claims.collect_awards(user=person)
    second = award_issue(badge=badges[5], actor=None, email=person.email, name="Bench")

    return [
        measure(
            f"pathways: one person, {PATHWAYS} pathways, {holders} holders",
            lambda: engine.progress_recompute(user_id=person.pk),
            target_ms=2500,
            max_queries=10,
            repeat=5,
        ),
        measure(
            "pathways: the task after an award",
            lambda: tasks.awards_changed.call(award_ids=[first.pk, second.pk]),
            target_ms=3000,
            max_queries=24,
            repeat=5,
        ),
    ]
