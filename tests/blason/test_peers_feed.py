"""The group's activity feed: members read what the group recognised (a badge designed
together, badges awarded — saying when peers validated them —, workshops, newcomers) in plain
words; revoked awards and e-mail addresses never appear; outsiders get 404; a page costs a
fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from blason.issuing.awarding import bulk
from blason.issuing.awarding import services as awards
from blason.peers import services
from blason.peers.models import JoinLink
from tests.blason.peers_fixtures import Community, community_fixture, open_workshop  # noqa: F401
from tests.blason.test_peers_validation import ask, observe, with_rule
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def feed_text(client: Any, community: Community, user: Any) -> str:
    client.force_login(user)
    response = client.get(
        reverse("peers:feed", args=[community.issuer.slug]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_members_read_what_the_group_recognised(client: Any, community: Community) -> None:
    open_workshop(community)
    link = services.join_link_create(issuer=community.issuer, actor=community.facilitator)
    newcomer = UserFactory(email="lea@example.org", display_name="Léa")
    services.join_by_link(link=JoinLink.objects.get(pk=link.pk), user=newcomer)
    text = feed_text(client, community, community.members[0])
    assert "A workshop opened to design the badge “Soigner les ânes”" in text
    assert "Léa joined the group." in text
    assert "lea@example.org" not in text

    badge = with_rule(community)
    request = ask(community)
    for member in community.members[:3]:
        observe(request, member)
    given = awards.award_issue(badge=badge, actor=community.owner, name="Nancy")
    wrong = awards.award_issue(badge=badge, actor=community.owner, name="Personne")
    awards.award_revoke(award=wrong, actor=community.owner, reason="Erreur")
    text = feed_text(client, community, community.members[0])
    assert "Philippe received the badge “Soigner les ânes”, validated by 3 peers." in text
    assert "Nancy received the badge “Soigner les ânes”." in text
    assert reverse("award_public", args=[given.uuid]) in text
    assert "Personne" not in text  # revoked: not something the group celebrates


def test_a_bulk_award_is_one_line(client: Any, community: Community) -> None:
    badge = with_rule(community)
    bulk.award_many(
        badge=badge,
        actor=community.owner,
        recipients=[bulk.Recipient(name=f"Jeune {n}") for n in range(3)],
        notify=False,
    )
    assert "3 people received the badge “Soigner les ânes”." in feed_text(
        client, community, community.members[1]
    )


def test_a_page_costs_a_fixed_number_of_queries(
    client: Any, community: Community, django_assert_max_num_queries: Any
) -> None:
    badge = with_rule(community)
    for n in range(40):
        awards.award_issue(badge=badge, actor=community.owner, name=f"Personne {n}")
    client.force_login(community.members[0])
    url = reverse("peers:feed", args=[community.issuer.slug])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="card feed-award"') == 30


def test_outsiders_do_not_read_the_feed(client: Any, community: Community) -> None:
    url = reverse("peers:feed", args=[community.issuer.slug])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(community.outsider)
    assert client.get(url).status_code == 404
