"""Pathways and jobs: the editor picks the occupations with the ROME picker; a pathway's page
and the pathways in a backpack show "Offres près de chez vous" around the place the person
chose (remembered on their account, or in the session), offers unavailable with provider
``none``; the backpack's queries and provider requests stay bounded."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blason.jobs import offers as jobs_offers
from blason.jobs.models import OffersPlace
from blason.pathways import services
from blason.pathways.models import Pathway
from tests.blason.pathways_fixtures import (  # noqa: F401 - the fixture
    award_to,
    tasks_run_at_once,
    two_of_three,
)

pytestmark = pytest.mark.django_db
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture(autouse=True)
def _fixture_offers(settings: Any) -> None:
    settings.JOB_OFFERS_PROVIDER = "fixtures"


def follow(client: Any, pathway: Pathway) -> None:
    client.post(reverse("pathways:follow", args=[pathway.uuid]))


def choose(client: Any, place: str, distance: str = "20", back: str = "/backpack/") -> Any:
    return client.post(
        reverse("jobs:offers_place"), {"place": place, "distance": distance, "next": back}, **FR
    )


def test_the_editor_picks_occupations_from_the_rome_list(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    url = reverse("pathways:new", args=[world.org_a.slug])
    form = client.get(url).text
    assert reverse("jobs:occupation_options") in form  # the picker's suggestions
    # A word several occupations answer: the form comes back with them to tick, grouped by
    # grand domaine of the ROME.
    page = client.post(url, {"name": "Accueil", "occupations_add": "accueil"}, **FR)
    assert page.status_code == 400
    assert "Plusieurs métiers correspondent" in page.text
    assert "Support à l&#x27;entreprise" in page.text  # the grand domaine M
    assert 'value="M1601"' in page.text
    assert not Pathway.objects.exists()
    # Ticked, plus one picked from the list as "Label (code)".
    answer = client.post(
        url,
        {
            "name": "Accueil",
            "occupations": ["M1601"],
            "occupations_add": "Secrétaire (M1607)",
        },
    )
    assert answer.status_code == 302
    assert Pathway.objects.get().occupations == ["M1601", "M1607"]
    # A code that is not in the list is refused in the person's language, nothing written.
    pathway = Pathway.objects.get()
    edit = reverse("pathways:edit", args=[world.org_a.slug, pathway.uuid])
    assert 'value="M1607" checked' in client.get(edit).text
    refused = client.post(edit, {"name": "Accueil", "occupations": ["Z9999"]}, **FR)
    assert refused.status_code == 400
    assert "n&#x27;est pas un métier de la liste du ROME 4.0" in refused.text
    pathway.refresh_from_db()
    assert pathway.occupations == ["M1601", "M1607"]


def test_the_backpack_asks_where_then_shows_the_offers_and_remembers(
    client: Any, world: Any
) -> None:
    p = two_of_three(world)
    client.force_login(world.member)
    follow(client, p.pathway)
    page = client.get("/backpack/", **FR).text
    assert "Où cherchez-vous un emploi" in page  # no place yet: asked
    assert "Offres près de chez vous" not in page
    # Several places answer "Lille": the choosing page asks which one, nothing kept.
    several = choose(client, "villeneuve")
    assert several.status_code == 400
    assert "Plusieurs lieux correspondent" in several.text
    assert not OffersPlace.objects.exists()
    answer = choose(client, "Lille, Nord (59350)")
    assert answer.status_code == 302
    assert answer["Location"] == "/backpack/"
    kept = OffersPlace.objects.get(user=world.member)
    assert (kept.place_key, kept.distance_km) == ("commune:59350", 20)
    page = client.get("/backpack/", **FR).text
    assert "Offres près de chez vous" in page
    assert "6 offres près de Lille" in page
    assert "Agent d&#x27;accueil en alternance (H/F)" in page
    assert "Alternance" in page
    # Remembered on the account: another device (a new session) sees the same place.
    client.logout()
    client.force_login(world.member)
    assert "6 offres près de Lille" in client.get("/backpack/", **FR).text


def test_a_visitor_chooses_a_place_kept_in_the_session(client: Any, world: Any) -> None:
    p = two_of_three(world)
    url = reverse("pathways:public", args=[p.pathway.uuid])
    page = client.get(url, **FR).text
    assert "Les métiers auxquels il mène" in page
    assert "(ROME M1601)" in page
    assert "Où cherchez-vous un emploi" in page
    answer = choose(client, "Nord (département 59)", back=url)
    assert answer["Location"] == url
    assert "7 offres — Nord (département 59)" in client.get(url, **FR).text
    assert not OffersPlace.objects.exists()  # nobody signed in: the session only
    # Another site's address is never where the form sends back to.
    elsewhere = choose(client, "Nord (département 59)", back="https://evil.example.com/")
    assert elsewhere["Location"] == reverse("jobs:offers_place")


def test_provider_none_says_offers_are_unavailable_and_opens_no_socket(
    client: Any, world: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.JOB_OFFERS_PROVIDER = "none"
    p = two_of_three(world)
    client.force_login(world.member)
    follow(client, p.pathway)
    choose(client, "Lille, Nord (59350)")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a connection was opened")

    monkeypatch.setattr(socket, "create_connection", refuse)
    page = client.get("/backpack/", **FR).text
    assert "Les offres d'emploi ne sont pas disponibles sur ce site." in page
    public = client.get(reverse("pathways:public", args=[p.pathway.uuid]), **FR).text
    assert "ne sont pas disponibles" in public


def test_the_backpack_stays_bounded_with_many_pathways(
    client: Any, world: Any, monkeypatch: Any
) -> None:
    asked: list[Any] = []
    real = jobs_offers.FixturesProvider.search

    def counted(self: Any, query: Any) -> Any:
        asked.append(query.rome_codes)
        return real(self, query)

    monkeypatch.setattr(jobs_offers.FixturesProvider, "search", counted)
    p = two_of_three(world)
    client.force_login(world.member)
    follow(client, p.pathway)
    choose(client, "Lille, Nord (59350)")
    client.get("/backpack/")
    with CaptureQueriesContext(connection) as few:
        client.get("/backpack/")
    for n in range(8):
        other = services.pathway_create(
            issuer=world.org_a,
            actor=world.admin,
            name=f"Parcours {n}",
            occupations=["G1703" if n % 2 else "M1614"],
        )
        services.requirement_add_badge(step=other.steps.get(), actor=world.admin, badge=p.a)
        services.pathway_publish(pathway=other, actor=world.admin)
        follow(client, other)
    asked.clear()
    with CaptureQueriesContext(connection) as many:
        page = client.get("/backpack/").text
    assert len(many) == len(few)
    # Offers for five pathways at most; the same (codes, place) asked once, then cached.
    assert page.count('class="local-offers"') == 5
    assert len(asked) == 2  # G1703 and M1614 near Lille: M1601 was cached
    asked.clear()
    client.get("/backpack/")
    assert asked == []
