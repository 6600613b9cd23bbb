"""Two awards at the same instant give one completion badge and one e-mail (PostgreSQL: real
concurrent transactions; the tests are skipped on SQLite, which runs one writer at a time)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from blason.backpack import claims
from blason.issuing.awarding import services as awards
from blason.issuing.models import Award
from blason.pathways import engine
from blason.pathways.models import Milestone, Pathway, PathwayStatus
from tests.blason.pathways_fixtures import (  # noqa: F401 - the fixture
    mails_to,
    tasks_run_at_once,
    two_of_three,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres(db: Any) -> None:
    if connection.vendor != "postgresql":
        # .ci/run's PostgreSQL step runs them; the SQLite step cannot.
        pytest.skip("concurrent transactions need PostgreSQL (runs on PostgreSQL in CI)")


def at_once(*calls: Callable[[], object]) -> list[BaseException]:
    """Run the calls in threads released together; the exceptions they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_two_awards_at_the_same_instant(world: Any) -> None:
    p = two_of_three(world)
    bob = world.member

    def award(badge: Any) -> Callable[[], object]:
        return lambda: awards.award_issue(
            badge=badge, actor=None, email=bob.email, name=bob.display_name
        )

    assert at_once(award(p.a), award(p.b)) == []
    engine.progress_recompute(user_id=bob.pk)  # whichever run came last has seen both
    assert Award.objects.filter(badge=p.done).count() == 1
    assert Milestone.objects.filter(user=bob).count() == 1
    assert mails_to(bob) == 3  # A, B and the completion badge, once


def test_two_recomputations_at_the_same_instant(world: Any) -> None:
    p = two_of_three(world, publish=False)
    bob = world.member
    for badge in (p.a, p.b):
        awards.award_issue(badge=badge, actor=None, email=bob.email, name=bob.display_name)
    claims.collect_awards(user=bob)
    # Published without its back-fill: both runs below find a completion to issue.
    Pathway.objects.filter(pk=p.pathway.pk).update(status=PathwayStatus.PUBLISHED)
    run = lambda: engine.progress_recompute(user_id=bob.pk)  # noqa: E731
    assert at_once(run, run, run) == []
    assert Award.objects.filter(badge=p.done).count() == 1
    assert mails_to(bob) == 3
