"""Pathway pages: outsiders see nothing of a space's pathways, drafts are not public, the JSON
document's shape, the funnel hides small groups, the list's queries are bounded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blason.issuing.awarding import credentials
from blason.pathways import services
from tests.blason.pathways_fixtures import (  # noqa: F401 - the fixture
    award_to,
    tasks_run_at_once,
    two_of_three,
)

pytestmark = pytest.mark.django_db


def test_outsiders_get_404(client: Any, world: Any) -> None:
    p = two_of_three(world, publish=False)
    client.force_login(world.outsider)
    slug = world.org_a.slug
    for name, args in (
        ("pathways:list", [slug]),
        ("pathways:detail", [slug, p.pathway.uuid]),
        ("pathways:stats", [slug, p.pathway.uuid]),
        ("pathways:export", [slug, p.pathway.uuid]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    # Through their own space's address: still nothing.
    own = reverse("pathways:detail", args=[world.org_b.slug, p.pathway.uuid])
    assert client.get(own).status_code == 404
    # A draft is not public.
    assert client.get(reverse("pathways:public", args=[p.pathway.uuid])).status_code == 404
    assert client.get(reverse("pathways:public_json", args=[p.pathway.uuid])).status_code == 404


def test_json_document(client: Any, world: Any) -> None:
    p = two_of_three(world)
    document = json.loads(
        client.get(reverse("pathways:public_json", args=[p.pathway.uuid])).content
    )
    assert document["type"] == "Pathway"
    assert document["completionBadge"]["id"] == credentials.badge_url(p.done)
    assert document["occupations"][0]["code"] == "M1601"
    (root,) = document["elements"]
    assert root["id"] == document["rootElement"]
    junction = root["completionRequirements"]["junctionConfig"]
    assert junction == {"type": "Disjunction", "requiredNumber": 2}
    ids = [r["id"] for r in root["completionRequirements"]["requirements"]]
    assert ids == [credentials.badge_url(b) for b in (p.a, p.b, p.c)]


def test_funnel_hides_small_groups(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = two_of_three(world)
    award_to(p.a, world.member, django_capture_on_commit_callbacks)
    client.force_login(world.admin)
    page = client.get(reverse("pathways:stats", args=[world.org_a.slug, p.pathway.uuid]))
    assert page.status_code == 200
    assert "&lt; 5" in page.text


def test_badge_page_names_its_pathways(client: Any, world: Any) -> None:
    p = two_of_three(world)
    page = client.get(reverse("badge_public", args=[p.a.uuid]))
    assert p.pathway.name.replace("'", "&#x27;") in page.text


def test_the_list_reads_a_bounded_number_of_queries(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    url = reverse("pathways:list", args=[world.org_a.slug])
    two_of_three(world)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        services.pathway_create(issuer=world.org_a, actor=world.admin, name=f"Parcours {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_follow(client: Any, world: Any) -> None:
    p = two_of_three(world)
    client.force_login(world.member)
    client.post(reverse("pathways:follow", args=[p.pathway.uuid]))
    page = client.get(reverse("backpack:list"))
    assert p.pathway.name.replace("'", "&#x27;") in page.text
