"""The French demo loads once, again without changes, and its awards verify."""

from __future__ import annotations

from typing import Any

import pytest

from blason.core.demo import load_demo
from blason.core.models import Issuer
from blason.issuing.local_fetch import LocalFetcher
from blason.issuing.models import Award, BadgeClass
from obcore.verify import State, verify_credential

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_its_awards_verify(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        people = load_demo()
    counts = (Issuer.objects.count(), BadgeClass.objects.count(), Award.objects.count())
    assert counts == (3, 4, 2)
    assert {issuer.kind for issuer in Issuer.objects.all()} == {
        "organisation",
        "community",
        "individual",
    }
    load_demo()
    assert (Issuer.objects.count(), BadgeClass.objects.count(), Award.objects.count()) == counts
    for award in Award.objects.all():
        report = verify_credential(
            award.credential, fetcher=LocalFetcher(), recipient="samir@demo.blason.test"
        )
        assert report.state is State.VALID, report.checks
    assert client.login(email=people[0].email, password="badges-demo-2026")
    assert "Les Ateliers du Lien" in client.get("/dashboard/").text
