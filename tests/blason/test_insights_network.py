"""A network's dashboard and the skills maps: totals equal a hand count over the network's
members, pathways completed are counted, a département with three earners reads "< 5",
communes need five people, the job offers beside the map, CSVs and bounded queries."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blason.core.models import Issuer
from blason.insights import services
from blason.insights.models import SkillCell, network_scope
from blason.issuing.badges.alignments import normalise
from blason.networks import services as networks
from blason.pathways.models import Pathway, Progress
from tests.blason.insights_fixtures import JANUARY, badge, give, network
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KITCHEN = {"kind": "ROME", "code": "G1602", "name": "Personnel de cuisine"}
RECEPTION = {"kind": "ROME", "code": "M1601", "name": "Accueil et renseignements"}
OTHER = {"kind": "RNCP", "code": "RNCP37873", "name": "Titre professionnel"}


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_network(world: Any) -> Any:
    """A network coordinated by Alice (its owner) with Organisations A and B as members."""
    made = networks.network_create(
        name="Réseau test", owner=world.admin, region_code="32", departements=["59", "62"]
    )
    for issuer, owner in ((world.org_a, world.admin), (world.org_b, world.outsider)):
        member = networks.member_invite(network=made, issuer=issuer, actor=world.admin)
        networks.invitation_accept(member=member, actor=owner)
    return made


@pytest.fixture
def counted(world: Any) -> Any:
    fixture = network(world)
    made = make_network(world)
    # Two people completed a pathway of Organisation A, one of Organisation B.
    for issuer, emails in (
        (world.org_a, ("x@example.org", "y@example.org")),
        (world.org_b, ("z@example.org",)),
    ):
        pathway = Pathway.objects.create(issuer=issuer, name="Parcours")
        for email in emails:
            Progress.objects.create(
                pathway=pathway, user=UserFactory(email=email), completed_at=JANUARY
            )
    services.facts_refresh()
    return fixture, made


def test_the_network_dashboard_equals_a_hand_count(world: Any, counted: Any) -> None:
    _fixture, made = counted
    page = browser(world.admin).get(reverse("insights:issuer", args=[made.issuer.slug]))
    assert page.status_code == 200
    board = page.context["board"]
    assert board.scope.key == network_scope(made.pk)
    figures = board.figures
    # Organisation A: 11 live awards to 9 people (2 claimed, 1 shown); B: 2 awards to 2 people.
    assert (figures.awarded, figures.earners, figures.claimed, figures.shared) == (13, 11, 2, 1)
    assert figures.completed == 3
    assert figures.claim_rate == 15  # 2 / 13
    assert figures.share_rate == 8  # 1 / 13
    stacks = dict(board.monthly.series)
    assert sum(sum(values) for values in stacks.values()) == 13
    assert set(stacks) == {"Organisation A", "Organisation B"}
    assert [(b.name, n) for b, n, _e in board.top][:1] == [("Accueil", 9)]
    html = page.content.decode()
    assert "Parcours terminés" in html  # the page is in the site's language, French
    assert "Organisation B" in html
    assert board.refreshed_at is not None
    assert 'class="insights-fresh"' in html
    # Organisation B's badge reads "< 5" in the network's table (figures of other spaces).
    assert "&lt; 5" in html


def test_an_issuer_dashboard_counts_its_pathways_completed(world: Any, counted: Any) -> None:
    page = browser(world.member).get(reverse("insights:issuer", args=["org-a"]))
    assert page.context["board"].figures.completed == 2
    assert "Parcours terminés" in page.content.decode()


def test_a_departement_with_three_earners_shows_less_than_five_on_the_map(world: Any) -> None:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**KITCHEN), normalise(**OTHER)])
    reception = badge(world, "Accueil", issuer=world.org_b, alignments=[normalise(**RECEPTION)])
    Issuer.objects.filter(pk=world.org_a.pk).update(
        commune_code="59350", departement_code="59", region_code="32"
    )
    Issuer.objects.filter(pk=world.org_b.pk).update(departement_code="80", region_code="32")
    for n in range(6):
        give(world, kitchen, f"k{n}@example.org", JANUARY)  # Lille, Nord
    for n in range(3):
        award = give(world, kitchen, f"t{n}@example.org", JANUARY)
        services.award_place_set(award=award, territory="62", actor=world.admin)
    for n in range(3):
        give(world, reception, f"r{n}@example.org", JANUARY)  # Somme, by B's address
    made = make_network(world)
    services.facts_refresh()

    page = browser(world.admin).get(reverse("insights:issuer_skills", args=[made.issuer.slug]))
    assert page.status_code == 200
    board = page.context["board"]
    rows = {row.code: row for row in board.territories}
    assert rows["59"].shown == "6"
    assert rows["62"].shown == "< 5"
    assert rows["80"].shown == "< 5"
    assert rows["59"].communes == [("59350", "Lille", 6)]
    groups = {group.key: group for group in board.groups}
    assert groups["G"].holders == 9
    assert groups["G"].label.startswith("Hôtellerie")
    assert groups["M"].shown == "< 5"
    assert groups["other"].competences[0].code == "RNCP37873"
    html = page.content.decode()
    assert 'data-code="62"' in html
    assert "url(#map-hidden)" in html
    assert "Pas-de-Calais" in html
    assert "&lt; 5" in html
    assert board.offers_state == "unavailable"  # the test settings configure no provider
    assert "offres d\u2019emploi ne sont pas disponibles" in html

    # Only the départements of Organisation A and the activity places at the site's level too.
    cell = SkillCell.objects.get(scope="site", territory="59350", framework="", group="")
    assert cell.holders == 6


def test_the_map_of_one_competence_and_one_departement(world: Any) -> None:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**KITCHEN)])
    for n in range(5):
        award = give(world, kitchen, f"k{n}@example.org", JANUARY)
        services.award_place_set(award=award, territory="59", actor=world.admin)
    services.facts_refresh()
    url = reverse("insights:issuer_skills", args=["org-a"])
    page = browser(world.member).get(url, {"territory": "59", "competence": "ROME|G1602"})
    board = page.context["board"]
    assert board.competence is not None
    assert board.competence.code == "G1602"
    assert board.territory_name == "Nord"
    assert [row.shown for row in board.territories] == ["5"]
    wrong = browser(world.member).get(url, {"territory": "00"})
    assert wrong.status_code == 200
    assert [str(m) for m in wrong.context["messages"]]  # the filter is refused, said so


@override_settings(JOB_OFFERS_PROVIDER="fixtures")
def test_what_recruits_here_beside_what_is_recognised(world: Any) -> None:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**KITCHEN)])
    for n in range(5):
        award = give(world, kitchen, f"k{n}@example.org", JANUARY)
        services.award_place_set(award=award, territory="59", actor=world.admin)
    services.facts_refresh()
    url = reverse("insights:issuer_skills", args=["org-a"])
    page = browser(world.member).get(url, {"territory": "59"})
    board = page.context["board"]
    assert board.offers_state == "ok"
    assert [row.competence.code for row in board.recruiting] == ["G1602"]
    assert isinstance(board.recruiting[0].offers, int)
    assert "Ce qui recrute dans Nord" in page.content.decode()


def test_the_csv_of_the_map_has_no_personal_data_and_hides_small_cells(world: Any) -> None:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**KITCHEN)])
    for n in range(3):
        give(world, kitchen, f"secret{n}@example.org", JANUARY)
    Issuer.objects.filter(pk=world.org_a.pk).update(departement_code="23")
    services.facts_refresh()
    client = browser(world.member)
    for table in ("competences", "territories"):
        answer = client.get(reverse(f"insights:issuer_skills_{table}_csv", args=["org-a"]))
        text = answer.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) >= 2
        assert "secret" not in text
        assert "@" not in text
        assert rows[1][-1] == "< 5"


def test_the_skills_map_runs_a_bounded_number_of_queries(world: Any) -> None:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**KITCHEN)])
    client = browser(world.member)
    url = reverse("insights:issuer_skills", args=["org-a"])
    counts = []
    for size in (5, 40):
        for n in range(size):
            award = give(world, kitchen, f"q{size}-{n}@example.org", JANUARY)
            services.award_place_set(
                award=award, territory=f"{n % 90 + 1:02d}".replace("20", "21"), actor=world.admin
            )
        services.facts_refresh()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"competence": "ROME|G1602"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 14
