"""The workshop and join pages over HTTP: who sees what (outsiders get 404), bad input gets a
message and a 4xx, htmx gets partials, and pages run a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from blason.core.models import IssuerKind, Membership, Role
from blason.issuing.models import BadgeStatus
from blason.peers import services
from blason.peers.models import Comment, Criterion, JoinLink, Vote, Workshop, WorkshopStatus
from tests.blason.peers_fixtures import Community, community_fixture, open_workshop  # noqa: F401
from tests.factories import IssuerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """Pages in English, the source language, whatever the catalogues hold."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def workshop(community: Community) -> Workshop:
    workshop = open_workshop(community)
    services.group_add(workshop=workshop, actor=community.facilitator, name="Soins")
    services.join_link_create(issuer=community.issuer, actor=community.facilitator)
    return workshop


def urls(community: Community, workshop: Workshop) -> dict[str, tuple[str, str]]:
    """Every view of the app on this community: name → (method, url)."""
    slug = community.issuer.slug
    w = [slug, workshop.uuid]
    criterion = workshop.criteria.get()
    group = workshop.groups.get()
    c = [*w, criterion.uuid]
    g = [*w, group.uuid]
    return {
        "workshops": ("get", reverse("peers:workshops", args=[slug])),
        "workshop_new": ("get", reverse("peers:workshop_new", args=[slug])),
        "workshop_create": ("post", reverse("peers:workshop_new", args=[slug])),
        "join_link": ("get", reverse("peers:join_link", args=[slug])),
        "join_link_new": ("post", reverse("peers:join_link_new", args=[slug])),
        "join_link_off": ("post", reverse("peers:join_link_off", args=[slug])),
        "workshop": ("get", reverse("peers:workshop", args=w)),
        "live": ("get", reverse("peers:live", args=w)),
        "map": ("get", reverse("peers:map", args=w)),
        "projector": ("get", reverse("peers:projector", args=w)),
        "propose": ("post", reverse("peers:propose", args=w)),
        "show_name": ("post", reverse("peers:show_name", args=w)),
        "group_add": ("post", reverse("peers:group_add", args=w)),
        "group_rename": ("post", reverse("peers:group_rename", args=g)),
        "group_remove": ("post", reverse("peers:group_remove", args=g)),
        "vote": ("post", reverse("peers:vote", args=c)),
        "comment": ("post", reverse("peers:comment", args=c)),
        "criterion_edit": ("post", reverse("peers:criterion_edit", args=c)),
        "criterion_withdraw": ("post", reverse("peers:criterion_withdraw", args=c)),
        "close": ("post", reverse("peers:close", args=w)),
        "reopen": ("post", reverse("peers:reopen", args=w)),
        "validate": ("post", reverse("peers:validate", args=w)),
    }


ALL = [
    "workshops",
    "workshop_new",
    "workshop_create",
    "join_link",
    "join_link_new",
    "join_link_off",
    "workshop",
    "live",
    "map",
    "projector",
    "propose",
    "show_name",
    "group_add",
    "group_rename",
    "group_remove",
    "vote",
    "comment",
    "criterion_edit",
    "criterion_withdraw",
    "close",
    "reopen",
    "validate",
]
FACILITATORS_ONLY = [
    "workshop_new",
    "workshop_create",
    "join_link",
    "join_link_new",
    "join_link_off",
    "group_add",
    "group_rename",
    "group_remove",
    "close",
    "reopen",
    "validate",
]
DATA = {"text": "Nourrit l'âne", "choice": "keep", "name": "Balade", "show_name": "on"}


def call(client: Any, method: str, url: str, **headers: Any) -> Any:
    if method == "post":
        return client.post(url, DATA, **headers)
    return client.get(url, **headers)


@pytest.mark.parametrize("name", ALL)
def test_outsider_gets_404_and_nothing_changes(
    client: Any, community: Community, workshop: Workshop, name: str
) -> None:
    method, url = urls(community, workshop)[name]
    before = (Criterion.objects.count(), Vote.objects.count(), Comment.objects.count())
    client.force_login(community.outsider)
    response = call(client, method, url)
    assert response.status_code == 404
    assert b"Collectif du mardi" not in response.content
    assert (Criterion.objects.count(), Vote.objects.count(), Comment.objects.count()) == before
    assert JoinLink.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize("name", ALL)
def test_anonymous_is_sent_to_login(
    client: Any, community: Community, workshop: Workshop, name: str
) -> None:
    method, url = urls(community, workshop)[name]
    response = call(client, method, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", FACILITATORS_ONLY)
def test_members_get_403_on_facilitator_actions(
    client: Any, community: Community, workshop: Workshop, name: str
) -> None:
    method, url = urls(community, workshop)[name]
    client.force_login(community.members[0])
    assert call(client, method, url).status_code == 403
    assert workshop.groups.get().name == "Soins"
    assert Workshop.objects.get(pk=workshop.pk).status == WorkshopStatus.OPEN


def test_a_personal_space_has_no_workshop_pages(client: Any, community: Community) -> None:
    personal = IssuerFactory(kind=IssuerKind.INDIVIDUAL, slug="moi")
    MembershipFactory(issuer=personal, user=community.owner, role=Role.OWNER)
    client.force_login(community.owner)
    assert client.get(reverse("peers:workshops", args=["moi"])).status_code == 404
    assert client.get(reverse("peers:join_link", args=["moi"])).status_code == 404
    page = client.get(reverse("issuing:space", args=["moi"]))
    assert reverse("peers:workshops", args=["moi"]) not in page.text


def test_a_workshop_of_another_space_is_404(
    client: Any, community: Community, workshop: Workshop, world: Any
) -> None:
    client.force_login(world.admin)  # owner of organisation A, not of the community
    other = reverse("peers:workshop", args=[world.org_a.slug, workshop.uuid])
    assert client.get(other).status_code == 404


# Members taking part ------------------------------------------------------------------------


def test_a_member_proposes_votes_and_comments(
    client: Any, community: Community, workshop: Workshop
) -> None:
    links = urls(community, workshop)
    nancy = community.members[0]
    client.force_login(nancy)
    page = client.get(links["workshop"][1])
    assert page.status_code == 200
    assert escape("Brosse l'âne") in page.text
    assert "Said by (optional)" not in page.text  # only facilitators type for others
    response = client.post(links["propose"][1], {"text": "Nourrit l'âne"})
    assert response.status_code == 302
    criterion = Criterion.objects.get(text="Nourrit l'âne")
    assert response["Location"].endswith(f"#criterion-{criterion.uuid}")
    # htmx: the card comes back with the vote pressed.
    card = client.post(links["vote"][1], {"choice": "rephrase"}, HTTP_HX_REQUEST="true")
    assert card.status_code == 200
    assert "<html" not in card.text
    assert 'value="rephrase" id="vote-' in card.text
    assert card.text.count('aria-pressed="true"') == 1
    comment = client.post(
        links["comment"][1], {"text": "Plutôt : brosse doucement"}, HTTP_HX_REQUEST="true"
    )
    assert comment.status_code == 200
    assert "Plutôt : brosse doucement" in comment.text
    # Without JavaScript: back to the criterion.
    response = client.post(links["vote"][1], {"choice": "keep"})
    assert response.status_code == 302
    assert "#criterion-" in response["Location"]
    assert Vote.objects.get(voter=nancy).choice == "keep"


def test_bad_input_gets_a_message_and_400(
    client: Any, community: Community, workshop: Workshop
) -> None:
    links = urls(community, workshop)
    client.force_login(community.members[0])
    response = client.post(links["propose"][1], {"text": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.text or "Write the criterion" in response.text
    response = client.post(links["propose"][1], {"text": "brosse l'âne"})
    assert response.status_code == 400
    assert "already on the list" in response.text
    response = client.post(links["vote"][1], {"choice": "maybe"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Choose keep, drop or rephrase." in response.text
    response = client.post(links["comment"][1], {"text": ""})
    assert response.status_code == 400
    assert not Vote.objects.exists()
    assert not Comment.objects.exists()


def test_voting_after_the_vote_closed(
    client: Any, community: Community, workshop: Workshop
) -> None:
    links = urls(community, workshop)
    services.vote_cast(criterion=workshop.criteria.get(), actor=community.members[1], choice="keep")
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    client.force_login(community.members[0])
    response = client.post(links["vote"][1], {"choice": "drop"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "The vote is closed" in response.text
    assert 'role="alert"' in response.text
    response = client.post(links["vote"][1], {"choice": "drop"})
    assert response.status_code == 400
    assert "The vote is closed" in response.text
    assert Vote.objects.count() == 1


def test_voting_on_a_removed_criterion_drops_its_card(
    client: Any, community: Community, workshop: Workshop
) -> None:
    manu = community.members[1]
    criterion = services.criterion_propose(workshop=workshop, actor=manu, text="Chante")
    url = reverse("peers:vote", args=[community.issuer.slug, workshop.uuid, criterion.uuid])
    services.criterion_withdraw(criterion=criterion, actor=manu)
    client.force_login(community.members[0])
    response = client.post(url, {"choice": "keep"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content == b""
    assert client.post(url, {"choice": "keep"}).status_code == 404
    assert not Vote.objects.exists()


def test_the_live_tallies(client: Any, community: Community, workshop: Workshop) -> None:
    links = urls(community, workshop)
    criterion = workshop.criteria.get()
    services.vote_cast(criterion=criterion, actor=community.members[1], choice="keep")
    client.force_login(community.members[0])
    url = links["live"][1] + "?known=1&status=open"
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="tally-{criterion.uuid}" hx-swap-oob="true"' in response.text
    assert "list of criteria has changed" not in response.text
    services.criterion_propose(workshop=workshop, actor=community.members[2], text="Nourrit")
    assert "list of criteria has changed" in client.get(url, HTTP_HX_REQUEST="true").text
    assert client.get(url).status_code == 302  # not a page of its own


def test_the_show_name_choice(client: Any, community: Community, workshop: Workshop) -> None:
    links = urls(community, workshop)
    client.force_login(community.members[0])
    client.post(links["show_name"][1], {"show_name": "on"})
    assert workshop.participants.get(user=community.members[0]).show_name is True
    client.post(links["show_name"][1], {})
    assert workshop.participants.get(user=community.members[0]).show_name is False


# Facilitators ---------------------------------------------------------------------------------


def test_opening_a_workshop_from_the_badge_page(client: Any, community: Community) -> None:
    client.force_login(community.facilitator)
    badge_page = client.get(
        reverse("issuing:badge", args=[community.issuer.slug, community.badge.uuid])
    )
    new_url = reverse("peers:workshop_new", args=[community.issuer.slug])
    assert f"{new_url}?badge={community.badge.uuid}" in badge_page.text
    form = client.get(f"{new_url}?badge={community.badge.uuid}")
    assert form.status_code == 200
    assert f'value="{community.badge.pk}" selected' in form.text
    refused = client.post(new_url, {"rule": "participants", "quorum": "0", "majority": "half"})
    assert refused.status_code == 400
    assert "Give the new badge a name" in refused.text
    response = client.post(
        new_url,
        {
            "badge": community.badge.pk,
            "rule": "votes",
            "quorum": "10",
            "majority": "two_thirds",
            "start_from_badge": "on",
        },
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "peers:workshop", args=[community.issuer.slug, workshop.uuid]
    )
    assert (workshop.rule, workshop.quorum, workshop.majority) == ("votes", 10, "two_thirds")
    badge_page = client.get(
        reverse("issuing:badge", args=[community.issuer.slug, community.badge.uuid])
    )
    assert reverse("peers:workshop", args=[community.issuer.slug, workshop.uuid]) in badge_page.text


def test_a_facilitator_closes_and_validates(
    client: Any, community: Community, workshop: Workshop
) -> None:
    links = urls(community, workshop)
    client.force_login(community.facilitator)
    refused = client.post(links["close"][1])
    assert refused.status_code == 400
    assert "No criterion has enough" in refused.text
    for member in community.members[:3]:
        services.vote_cast(criterion=workshop.criteria.get(), actor=member, choice="keep")
    assert client.post(links["close"][1]).status_code == 302
    page = client.get(links["workshop"][1])
    assert "Validate and stamp the badge" in page.text
    assert client.post(links["validate"][1]).status_code == 302
    community.badge.refresh_from_db()
    assert community.badge.status == BadgeStatus.PUBLISHED
    page = client.get(links["workshop"][1])
    assert "Validated and stamped" in page.text
    public = client.get(reverse("badge_public", args=[community.badge.uuid]))
    assert 'id="co-designers"' in public.text
    assert "4 members of Collectif du mardi designed this badge" in public.text
    assert "@example.org" not in public.text


def test_the_map_and_projector(client: Any, community: Community, workshop: Workshop) -> None:
    links = urls(community, workshop)
    client.force_login(community.members[0])
    page = client.get(links["map"][1])
    assert page.status_code == 200
    assert 'class="branch area-w"' in page.text  # two branches: "Soins", then the loose ones
    assert escape("Brosse l'âne") in page.text
    projector = client.get(links["projector"][1])
    assert 'class="projector"' in projector.text
    digest = projector.text.split("?v=", 1)[1].split('"', 1)[0]
    again = client.get(links["projector"][1] + f"?v={digest}", HTTP_HX_REQUEST="true")
    assert again.status_code == 204  # nothing changed: the projector keeps its page
    services.vote_cast(criterion=workshop.criteria.get(), actor=community.members[1], choice="keep")
    changed = client.get(links["projector"][1] + f"?v={digest}", HTTP_HX_REQUEST="true")
    assert changed.status_code == 200
    assert 'id="mindmap"' in changed.text
    assert "<html" not in changed.text


# Joining --------------------------------------------------------------------------------------


def test_joining_by_link(client: Any, community: Community, workshop: Workshop) -> None:
    link = JoinLink.objects.get(revoked_at__isnull=True)
    url = reverse("peers:join", args=[link.token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Join Collectif du mardi" in page.text
    assert f"{reverse('account_signup')}?next={url.replace('/', '%2F')}" in page.text
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    newcomer = UserFactory(display_name="Zoubida")
    client.force_login(newcomer)
    response = client.post(url)
    # One workshop is open: the newcomer lands in it.
    assert response["Location"] == reverse(
        "peers:workshop", args=[community.issuer.slug, workshop.uuid]
    )
    assert Membership.objects.get(user=newcomer, issuer=community.issuer).role == Role.VIEWER
    assert "already a member" in client.get(url).text
    assert client.get(reverse("peers:join", args=["nope"])).status_code == 404
    services.join_link_revoke(link=link, actor=community.facilitator)
    closed = client.get(url)
    assert closed.status_code == 410
    assert "no longer works" in closed.text


def test_the_join_link_page(client: Any, community: Community, workshop: Workshop) -> None:
    client.force_login(community.facilitator)
    url = reverse("peers:join_link", args=[community.issuer.slug])
    page = client.get(url)
    link = JoinLink.objects.get(revoked_at__isnull=True)
    assert page.status_code == 200
    assert "<svg" in page.text
    assert 'role="img"' in page.text
    assert f"http://testserver/join/{link.token}/" in page.text
    client.post(reverse("peers:join_link_new", args=[community.issuer.slug]))
    assert JoinLink.objects.get(revoked_at__isnull=True).token != link.token
    client.post(reverse("peers:join_link_off", args=[community.issuer.slug]))
    assert not JoinLink.objects.filter(revoked_at__isnull=True).exists()
    assert "Create the join link" in client.get(url).text


# Query bounds ---------------------------------------------------------------------------------


def crowd(community: Community, workshop: Workshop, people: int, criteria: int) -> None:
    """``people`` more members, ``criteria`` more criteria in four groups, every one of them
    voting on each, and a comment on each criterion."""
    start = Criterion.objects.filter(workshop=workshop).count()
    members = [UserFactory(display_name=f"Membre {start}-{n}") for n in range(people)]
    for member in members:
        MembershipFactory(issuer=community.issuer, user=member, role="viewer")
    groups = list(workshop.groups.all())
    while len(groups) < 4:
        name = f"Groupe {len(groups)}"
        groups.append(services.group_add(workshop=workshop, actor=community.facilitator, name=name))
    choices = ["keep", "drop", "rephrase"]
    for n in range(start, start + criteria):
        criterion = services.criterion_propose(
            workshop=workshop, actor=members[n % people], text=f"Critère {n}", group=groups[n % 4]
        )
        for m, member in enumerate(members):
            services.vote_cast(criterion=criterion, actor=member, choice=choices[(n + m) % 3])
        services.comment_add(criterion=criterion, actor=members[0], text="D'accord")


@pytest.mark.parametrize("name", ["workshop", "map", "projector", "workshops"])
def test_pages_run_a_bounded_number_of_queries(
    client: Any,
    community: Community,
    workshop: Workshop,
    name: str,
    django_assert_max_num_queries: Any,
) -> None:
    url = urls(community, workshop)[name][1]
    crowd(community, workshop, people=3, criteria=4)
    client.force_login(community.facilitator)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    crowd_more = len(small.captured_queries)
    crowd(community, workshop, people=8, criteria=30)
    with django_assert_max_num_queries(crowd_more):
        response = client.get(url)
    assert response.status_code == 200
    assert "Critère 33" in response.text or name == "workshops"
