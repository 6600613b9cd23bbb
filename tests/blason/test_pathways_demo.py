"""The demo's pathway: the Mission Locale's "Vers les métiers de l'accueil", Samir half-way."""

from __future__ import annotations

from typing import Any

import pytest

from blason.core.demo import load_demo
from blason.pathways.demo import PATHWAY
from blason.pathways.models import Pathway, Progress

pytestmark = pytest.mark.django_db


def test_samir_is_half_way(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    pathway = Pathway.objects.get(name=PATHWAY)
    assert pathway.occupations == ["M1601", "M1607"]
    progress = Progress.objects.get(pathway=pathway, user__email="samir@demo.blason.test")
    assert (progress.done, progress.needed, progress.held, progress.badges) == (1, 2, 1, 3)
    assert progress.followed
    assert progress.completed_at is None
    assert client.login(email="samir@demo.blason.test", password="badges-demo-2026")
    page = client.get("/backpack/", HTTP_ACCEPT_LANGUAGE="fr").text
    assert PATHWAY.replace("'", "&#x27;") in page
    assert "1 / 2" in page
    assert "https://mission-locale-lille.example.org/immersions" in page  # a missing badge's link
