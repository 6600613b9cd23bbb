"""The French demo has a community with a workshop in progress; loading it again changes
nothing, and a demo loaded before the workshop existed gets it on the next load."""

from __future__ import annotations

from typing import Any

import pytest

from blason.core.demo import load_demo
from blason.peers.models import Comment, Criterion, JoinLink, Vote, Workshop, WorkshopStatus

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Workshop, Criterion, Vote, Comment, JoinLink))


def test_the_demo_has_a_workshop_in_progress(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    workshop = Workshop.objects.get()
    assert workshop.status == WorkshopStatus.OPEN
    assert workshop.issuer.slug == "collectif-du-mardi"
    assert workshop.groups.count() == 3
    assert workshop.criteria.filter(group__isnull=True).count() == 1
    assert Vote.objects.count() > 10
    assert Comment.objects.count() == 2
    before = counts()
    load_demo()
    assert counts() == before
    # An older demo without the workshop gets it.
    Workshop.objects.all().delete()
    load_demo()
    assert Workshop.objects.count() == 1
    assert client.login(email="samir@demo.blason.test", password="badges-demo-2026")
    page = client.get(f"/spaces/collectif-du-mardi/workshops/{Workshop.objects.get().uuid}/")
    assert page.status_code == 200


def test_the_demo_has_a_badge_awarded_by_peer_validation(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import json

    from blason.issuing.documents.local_fetch import LocalFetcher
    from blason.peers.models import BadgeRequest, RequestStatus
    from obcore.verify import verify_credential

    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    awarded = BadgeRequest.objects.get(status=RequestStatus.AWARDED)
    assert awarded.badge.name == "Itérasinier"
    assert awarded.requester.display_name == "Hervé"
    credential = json.loads(awarded.award.credential)
    assert [e["issuer"]["name"] for e in credential["endorsement"]] == [
        "Nancy",
        "Manu",
        "Séverine",
    ]
    report = verify_credential(awarded.award.credential, fetcher=LocalFetcher())
    assert report.valid
    assert all(e.valid for e in report.endorsements)
    assert BadgeRequest.objects.filter(status=RequestStatus.PENDING).count() == 2
    before = BadgeRequest.objects.count()
    load_demo()
    assert BadgeRequest.objects.count() == before
    assert client.login(email="samir@demo.blason.test", password="badges-demo-2026")
    page = client.get("/my-requests/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Il manque la montée dans le van" in page.content.decode()
