"""The engine: progress after each award, the completion badge issued once, back-fill on
publishing, nested steps with milestones, revocations flagged, imported badges counted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award
from blason.pathways import engine, services
from blason.pathways.models import Milestone, Progress, Rule
from obcore.verify import State, verify_credential
from tests.blason.pathways_fixtures import (  # noqa: F401 - the fixture
    award_to,
    mails_to,
    tasks_run_at_once,
    two_of_three,
)
from tests.factories import BadgeFactory

pytestmark = pytest.mark.django_db


def progress(pathway: Any, user: Any) -> tuple[int, int]:
    row = Progress.objects.get(pathway=pathway, user=user)
    return row.done, row.needed


def test_two_of_three(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    p = two_of_three(world)
    bob = world.member
    award_to(p.a, bob, django_capture_on_commit_callbacks)
    assert progress(p.pathway, bob) == (1, 2)
    assert not Award.objects.filter(badge=p.done).exists()
    mails = mails_to(bob)

    award_to(p.b, bob, django_capture_on_commit_callbacks)
    assert progress(p.pathway, bob) == (2, 2)
    (completion,) = Award.objects.filter(badge=p.done)
    assert completion.recipient_email == bob.email
    assert mails_to(bob) == mails + 2  # badge B, then the completion badge: one e-mail each
    assert Milestone.objects.get(user=bob).award == completion
    # In Bob's backpack, as his.
    assert completion.backpack_items.filter(owner=bob).exists()

    award_to(p.c, bob, django_capture_on_commit_callbacks)
    assert Award.objects.filter(badge=p.done).count() == 1
    assert mails_to(bob) == mails + 3  # badge C only
    assert progress(p.pathway, bob) == (2, 2)


def test_completion_credential(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    p = two_of_three(world)
    bob = world.member
    step_awards = [award_to(b, bob, django_capture_on_commit_callbacks) for b in (p.a, p.b)]
    completion = Award.objects.get(badge=p.done)
    credential = json.loads(completion.credential)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "LearningProgram"
    named = {entry.get("id") for entry in credential["evidence"]}
    assert named == {credentials.award_url(award) for award in step_awards}
    report = verify_credential(completion.credential, fetcher=LocalFetcher())
    assert report.state is State.VALID, report.checks


def test_published_after_bob_holds_b_and_c(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = two_of_three(world, publish=False)
    bob = world.member
    award_to(p.b, bob, django_capture_on_commit_callbacks)
    award_to(p.c, bob, django_capture_on_commit_callbacks)
    assert not Award.objects.filter(badge=p.done).exists()  # a draft counts nothing
    with django_capture_on_commit_callbacks(execute=True):
        services.pathway_publish(pathway=p.pathway, actor=world.admin)
    assert Award.objects.filter(badge=p.done, recipient_email=bob.email).count() == 1
    assert progress(p.pathway, bob) == (2, 2)


def test_nested_steps_with_milestones(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    issuer, bob = world.org_a, world.member
    a, b, c = (BadgeFactory(issuer=issuer, name=f"N{n}") for n in "ABC")
    first_milestone = BadgeFactory(issuer=issuer, name="Jalon 1")
    done = BadgeFactory(issuer=issuer, name="Fin")
    pathway = services.pathway_create(
        issuer=issuer, actor=world.admin, name="Imbriqué", completion_badge=done
    )
    root = pathway.steps.get()
    services.step_update(step=root, actor=world.admin, rule=Rule.ALL)
    first = services.step_add(
        parent=root,
        actor=world.admin,
        name="Premiers pas",
        rule=Rule.N_OF,
        required=1,
        milestone_badge=first_milestone,
    )
    services.requirement_add_badge(step=first, actor=world.admin, badge=a)
    services.requirement_add_badge(step=first, actor=world.admin, badge=b)
    services.requirement_add_badge(step=root, actor=world.admin, badge=c)
    services.pathway_publish(pathway=pathway, actor=world.admin)

    award_to(a, bob, django_capture_on_commit_callbacks)
    assert Award.objects.filter(badge=first_milestone, recipient_email=bob.email).count() == 1
    assert not Award.objects.filter(badge=done).exists()
    assert progress(pathway, bob) == (1, 2)
    award_to(b, bob, django_capture_on_commit_callbacks)
    assert Award.objects.filter(badge=first_milestone).count() == 1
    award_to(c, bob, django_capture_on_commit_callbacks)
    assert progress(pathway, bob) == (2, 2)
    assert Award.objects.filter(badge=done, recipient_email=bob.email).count() == 1


def test_revoking_a_step_badge_flags_the_milestone(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = two_of_three(world)
    bob = world.member
    first = award_to(p.a, bob, django_capture_on_commit_callbacks)
    award_to(p.b, bob, django_capture_on_commit_callbacks)
    completion = Award.objects.get(badge=p.done)
    with django_capture_on_commit_callbacks(execute=True):
        awards.award_revoke(award=first, actor=world.admin, reason="Erreur")
    completion.refresh_from_db()
    assert completion.revoked_at is None  # never revoked by itself
    milestone = Milestone.objects.get(user=bob)
    assert milestone.flagged_at is not None
    assert progress(p.pathway, bob) == (1, 2)
    # The issuer decides: revoke.
    with django_capture_on_commit_callbacks(execute=True):
        engine.milestone_decide(milestone=milestone, actor=world.admin, keep=False)
    completion.refresh_from_db()
    assert completion.revoked_at is not None


def test_an_imported_badge_of_another_issuer_counts(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from blason.backpack import imports

    p = two_of_three(world, publish=False)
    bob = world.member
    elsewhere = BadgeFactory(issuer=world.org_b, name="Badge d'ailleurs")
    services.requirement_add_badge(
        step=p.pathway.steps.get(),
        actor=world.admin,
        achievement_id=credentials.badge_url(elsewhere),
        name="Badge d'ailleurs",
    )
    services.pathway_publish(pathway=p.pathway, actor=world.admin)
    # Awarded by organisation B to Bob, imported by him as a file (not collected on this site).
    other = awards.award_issue(badge=elsewhere, actor=None, email=bob.email, name="Bob")
    with django_capture_on_commit_callbacks(execute=True):
        item = imports.import_badge(user=bob, text=other.credential, fetcher=LocalFetcher())
    assert item.is_owners
    assert progress(p.pathway, bob) == (1, 2)
    award_to(p.a, bob, django_capture_on_commit_callbacks)
    assert Award.objects.filter(badge=p.done, recipient_email=bob.email).count() == 1


def test_recompute_twice_issues_once(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    p = two_of_three(world)
    bob = world.member
    award_to(p.a, bob, django_capture_on_commit_callbacks)
    award_to(p.b, bob, django_capture_on_commit_callbacks)
    for _ in range(2):
        engine.progress_recompute(user_id=bob.pk)
    assert Award.objects.filter(badge=p.done).count() == 1
