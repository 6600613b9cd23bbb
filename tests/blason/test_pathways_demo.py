"""The demo's pathway: the Mission Locale's "Vers les métiers de l'accueil", Samir holding two of
its three badges, with the fixture offers around Lille."""

from __future__ import annotations

from typing import Any

import pytest

from blason.core.demo import load_demo
from blason.pathways.demo import PATHWAY
from blason.pathways.models import Pathway, Progress

pytestmark = pytest.mark.django_db


def test_samir_is_half_way(
    client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.JOB_OFFERS_PROVIDER = "fixtures"
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    pathway = Pathway.objects.get(name=PATHWAY)
    assert pathway.occupations == ["M1601", "M1607"]
    progress = Progress.objects.get(pathway=pathway, user__email="samir@demo.blason.test")
    # All three badges are needed; Samir holds two of them.
    assert (progress.done, progress.needed, progress.held, progress.badges) == (2, 3, 2, 3)
    assert progress.followed
    assert progress.completed_at is None
    assert client.login(email="samir@demo.blason.test", password="badges-demo-2026")
    page = client.get("/backpack/", HTTP_ACCEPT_LANGUAGE="fr").text
    assert PATHWAY.replace("'", "&#x27;") in page
    assert "2 / 3" in page
    # The missing badge's link.
    assert "https://mission-locale-lille.example.org/ateliers/bureautique" in page
    # His place for offers is Lille (blason.jobs.demo): the fixture offers around it.
    assert "Offres près de chez vous" in page
    assert "6 offres près de Lille" in page
