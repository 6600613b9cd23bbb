"""A "2 of 3" pathway of organisation A (badges A, B and C, a completion badge), shared by the
pathways tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from blason.core.models import OutboxMessage
from blason.issuing.awarding import services as awards
from blason.issuing.models import AchievementType, Award
from blason.pathways import services
from blason.pathways.models import Pathway
from tests.factories import BadgeFactory


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any) -> None:
    """Queued tasks run as soon as they are handed over (after the commit)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class TwoOfThree:
    pathway: Pathway
    a: Any
    b: Any
    c: Any
    done: Any  # the completion badge


def two_of_three(world: Any, *, publish: bool = True) -> TwoOfThree:
    issuer = world.org_a
    a, b, c = (BadgeFactory(issuer=issuer, name=f"Étape {n}") for n in "ABC")
    done = BadgeFactory(
        issuer=issuer, name="Parcours accueil", achievement_type=AchievementType.LEARNING_PROGRAM
    )
    pathway = services.pathway_create(
        issuer=issuer,
        actor=world.admin,
        name="Vers l'accueil",
        completion_badge=done,
        occupations=["M1601"],
        required=2,
    )
    root = pathway.steps.get()
    for badge in (a, b, c):
        services.requirement_add_badge(
            step=root, actor=world.admin, badge=badge, how_to_url="https://example.org/how"
        )
    if publish:
        services.pathway_publish(pathway=pathway, actor=world.admin)
    return TwoOfThree(pathway, a, b, c, done)


def award_to(badge: Any, user: Any, capture: Any, actor: Any = None) -> Award:
    """Award ``badge`` to ``user``'s verified address under their name, and run what is queued
    after the commit (the engine)."""
    with capture(execute=True):
        return awards.award_issue(
            badge=badge, actor=actor, email=user.email, name=user.display_name
        )


def mails_to(user: Any) -> int:
    return OutboxMessage.objects.filter(to=user.email).count()
