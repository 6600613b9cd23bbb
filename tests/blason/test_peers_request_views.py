"""The pages of badge requests and peer validation over HTTP: who sees what (outsiders get 404,
members who are not validators 403), bad input gets a message and a 4xx, the rules are shown to
every member and changed only by facilitators, and list pages run a bounded number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from blason.issuing.badges.services import badge_set_status
from blason.issuing.models import BadgeStatus
from blason.peers import validation
from blason.peers.models import BadgeRequest, PeerRule, RequestStatus, Validation
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def asked(community: Community) -> BadgeRequest:
    badge_set_status(badge=community.badge, actor=community.owner, status=BadgeStatus.PUBLISHED)
    community.badge.refresh_from_db()
    validation.rule_set(
        badge=community.badge,
        actor=community.owner,
        validators="named",
        reviewers=community.members[:2],
        approvals_needed=2,
    )
    return validation.request_create(
        badge=community.badge,
        requester=community.members[4],
        name="Philippe",
        description="J'ai brossé Caramel.",
        evidence_file=b"%PDF-1.4 test",
        evidence_file_name="photo.pdf",
    )


def urls(community: Community, asked: BadgeRequest) -> dict[str, tuple[str, str]]:
    slug = community.issuer.slug
    return {
        "request": ("get", reverse("peers:request", args=[slug, asked.uuid])),
        "request_answer": ("post", reverse("peers:request", args=[slug, asked.uuid])),
        "rules": ("get", reverse("peers:rules", args=[slug])),
        "rule_edit": ("get", reverse("peers:rule_edit", args=[slug, community.badge.uuid])),
        "rule_save": ("post", reverse("peers:rule_edit", args=[slug, community.badge.uuid])),
        "my_request": ("get", reverse("peers:my_request", args=[asked.uuid])),
        "my_request_withdraw": ("post", reverse("peers:my_request_withdraw", args=[asked.uuid])),
        "request_file": ("get", reverse("peers:request_file", args=[asked.uuid])),
    }


ANSWER = {
    "decision": "approve",
    "observed_on": "2026-03-03",
    "place": "Pernes",
    "observation": "Brossage doux.",
    "comment": "",
}


def test_outsiders_get_not_found_everywhere(
    client: Client, community: Community, asked: BadgeRequest
) -> None:
    client.force_login(community.outsider)
    for name, (method, url) in urls(community, asked).items():
        response = getattr(client, method)(url, ANSWER if method == "post" else None)
        assert response.status_code == 404, name
    assert not Validation.objects.exists()
    assert BadgeRequest.objects.get().status == RequestStatus.PENDING
    # Their own lists show nothing of the community's requests.
    for name in ("peers:to_validate", "peers:my_requests"):
        page = client.get(reverse(name))
        assert page.status_code == 200
        assert "Soigner les ânes" not in page.content.decode(), name


def test_anonymous_people_are_sent_to_sign_in(
    client: Client, community: Community, asked: BadgeRequest
) -> None:
    for name, (method, url) in urls(community, asked).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"]
    # The request page itself is public: it says what to do, and keeps the way back.
    response = client.get(reverse("peers:request_new", args=[community.badge.uuid]))
    assert response.status_code == 200
    assert b"Create a free account" in response.content or b"I already have an account" in (
        response.content
    )
    assert b"next=" in response.content
    response = client.post(
        reverse("peers:request_new", args=[community.badge.uuid]), {"description": "x"}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_members_who_are_not_validators_get_forbidden(
    client: Client, community: Community, asked: BadgeRequest
) -> None:
    client.force_login(community.members[2])
    slug = community.issuer.slug
    assert client.get(reverse("peers:request", args=[slug, asked.uuid])).status_code == 403
    assert client.post(reverse("peers:request", args=[slug, asked.uuid]), ANSWER).status_code == 403
    assert client.get(reverse("peers:request_file", args=[asked.uuid])).status_code == 403
    assert client.get(reverse("peers:my_request", args=[asked.uuid])).status_code == 404
    assert client.get(reverse("peers:rules", args=[slug])).status_code == 200
    assert (
        client.get(reverse("peers:rule_edit", args=[slug, community.badge.uuid])).status_code == 403
    )
    assert not Validation.objects.exists()


def test_a_validator_answers_from_the_page(
    client: Client, community: Community, asked: BadgeRequest
) -> None:
    client.force_login(community.members[0])
    url = reverse("peers:request", args=[community.issuer.slug, asked.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Your observation" in page.content
    download = client.get(reverse("peers:request_file", args=[asked.uuid]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"  # read to the end: closed
    bad = client.post(url, {**ANSWER, "decision": "refuse"})
    assert bad.status_code == 400
    assert b"Say what is missing" in bad.content
    response = client.post(url, ANSWER)
    assert response.status_code == 302
    assert Validation.objects.filter(validator=community.members[0]).count() == 1
    # Twice: refused, nothing written.
    again = client.post(url, ANSWER)
    assert again.status_code == 302
    assert Validation.objects.count() == 1
    client.force_login(community.members[1])
    client.post(url, {**ANSWER, "observed_on": datetime.date(2026, 3, 4).isoformat()})
    asked.refresh_from_db()
    assert asked.status == RequestStatus.AWARDED


def test_the_requester_cannot_answer_and_follows_their_request(
    client: Client, community: Community, asked: BadgeRequest
) -> None:
    PeerRule.objects.update(validators="members")
    client.force_login(community.members[4])
    url = reverse("peers:request", args=[community.issuer.slug, asked.uuid])
    client.post(url, ANSWER)
    assert not Validation.objects.exists()
    page = client.get(reverse("peers:my_requests"))
    assert page.status_code == 200
    assert "Soigner les ânes" in page.content.decode()
    download = client.get(reverse("peers:request_file", args=[asked.uuid]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    response = client.post(reverse("peers:my_request_withdraw", args=[asked.uuid]))
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == RequestStatus.WITHDRAWN


def test_asking_for_a_badge(client: Client, community: Community, asked: BadgeRequest) -> None:
    url = reverse("peers:request_new", args=[community.badge.uuid])
    client.force_login(community.members[3])
    page = client.get(url)
    assert b"How does a request work?" in page.content
    bad = client.post(url, {"description": ""})
    assert bad.status_code == 400
    bad_file = client.post(
        url,
        {
            "description": "Fait !",
            "evidence_file": SimpleUploadedFile("x.html", b"<html>", "text/html"),
        },
    )
    assert bad_file.status_code == 400
    assert b"PDF, PNG or JPEG" in bad_file.content
    response = client.post(url, {"description": "J'ai guidé la balade."})
    assert response.status_code == 302
    assert BadgeRequest.objects.filter(requester=community.members[3]).count() == 1
    # The public badge page offers it; the poster shows the QR code.
    public = client.get(reverse("badge_public", args=[community.badge.uuid]))
    assert b"Ask for this badge" in public.content
    poster = client.get(reverse("peers:poster", args=[community.badge.uuid]) + "?projector=1")
    assert poster.status_code == 200
    assert b"data:image/svg+xml" in poster.content
    # Paused: no button, no page.
    PeerRule.objects.update(accepts_requests=False)
    assert (
        b"Ask for this badge"
        not in client.get(reverse("badge_public", args=[community.badge.uuid])).content
    )
    assert client.get(url).status_code == 404


def test_facilitators_change_the_rule(
    client: Client, community: Community, asked: BadgeRequest
) -> None:
    client.force_login(community.facilitator)
    url = reverse("peers:rule_edit", args=[community.issuer.slug, community.badge.uuid])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"validators": "ambassadors", "approvals_needed": 2})
    assert bad.status_code == 400
    response = client.post(
        url, {"validators": "holders", "approvals_needed": 1, "accepts_requests": "on"}
    )
    assert response.status_code == 302
    rule = PeerRule.objects.get()
    assert (rule.validators, rule.approvals_needed) == ("holders", 1)
    page = client.get(reverse("peers:rules", args=[community.issuer.slug]))
    assert b"those who have it can give it" in page.content


def test_list_pages_run_a_bounded_number_of_queries(
    client: Client, community: Community, asked: BadgeRequest, django_assert_max_num_queries: Any
) -> None:
    PeerRule.objects.update(validators="members", approvals_needed=5)
    for member in community.members[:4]:
        validation.request_create(badge=community.badge, requester=member, description="Moi aussi.")
    for member in community.members[:3]:
        for request in BadgeRequest.objects.exclude(requester=member)[:2]:
            validation.validation_record(
                request=request,
                validator=member,
                decision="refuse",
                observed_on=datetime.date(2026, 3, 3),
                place="Pernes",
                observation="Vu.",
                comment="Encore un peu.",
            )
    client.force_login(community.members[0])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("peers:to_validate")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("peers:my_requests")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("peers:rules", args=[community.issuer.slug])).status_code == 200
    answered = BadgeRequest.objects.filter(validations__isnull=False).distinct().first()
    assert answered is not None
    client.force_login(community.members[4])
    # The "whose badge is it" rule is read once for the page (through the backpack's selectors).
    with django_assert_max_num_queries(16):
        page = client.get(reverse("peers:request", args=[community.issuer.slug, answered.uuid]))
    assert page.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("peers:my_request", args=[asked.uuid])).status_code == 200


def test_a_person_without_a_name_gives_one_when_asking(
    client: Client, community: Community, asked: BadgeRequest
) -> None:
    newcomer = UserFactory(display_name="")
    client.force_login(newcomer)
    url = reverse("peers:request_new", args=[community.badge.uuid])
    assert b'id="id_name"' in client.get(url).content
    assert client.post(url, {"description": "Fait."}).status_code == 400
    assert client.post(url, {"description": "Fait.", "name": "Jacqueline"}).status_code == 302
    made = BadgeRequest.objects.get(requester=newcomer)
    assert made.requester_name == "Jacqueline"
    client.force_login(community.members[0])
    page = client.get(reverse("peers:to_validate")).content.decode()
    assert "Jacqueline asks for" in page
    client.force_login(community.members[3])  # Hervé has a name: no field
    assert b'id="id_name"' not in client.get(url).content


def test_facilitators_follow_every_request_of_the_space(
    client: Client, community: Community, asked: BadgeRequest, django_assert_max_num_queries: Any
) -> None:
    url = reverse("peers:space_requests", args=[community.issuer.slug])
    client.force_login(community.outsider)
    assert client.get(url).status_code == 404
    client.force_login(community.members[0])  # a validator, not a facilitator
    assert client.get(url).status_code == 403
    client.force_login(community.facilitator)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert "Philippe asks for" in page.content.decode()
    assert "Philippe asks for" not in client.get(url + "?status=awarded").content.decode()
    assert "Philippe asks for" in client.get(url + "?status=all").content.decode()
    assert client.get(url + "?status=nonsense&page=99").status_code == 200
    detail = client.get(reverse("peers:request", args=[community.issuer.slug, asked.uuid]))
    assert detail.status_code == 200  # facilitators read it, but do not answer for the peers
    assert b"Your observation" not in detail.content


def test_request_evidence_is_not_readable_under_media(
    client: Client, community: Community, asked: BadgeRequest, settings: Any
) -> None:
    """Issue 12, point 10: anyone who had the file's name read it under /media/. It is kept
    apart from the media files now; only the checked view hands it out."""
    from pathlib import Path

    name = asked.evidence_file.name
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert (Path(settings.PRIVATE_ROOT) / name).read_bytes() == b"%PDF-1.4 test"
    assert client.get(f"/media/{name}").status_code == 404
    client.force_login(UserFactory())  # signed in, not of the space
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(reverse("peers:request_file", args=[asked.uuid])).status_code == 404
    with pytest.raises(ValueError, match="no public address"):
        asked.evidence_file.url  # noqa: B018 - nothing may print a public address for it


def test_request_evidence_through_nginx(
    client: Client, community: Community, asked: BadgeRequest, settings: Any
) -> None:
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    client.force_login(community.members[0])  # a validator
    answer = client.get(reverse("peers:request_file", args=[asked.uuid]))
    assert answer.status_code == 200
    assert answer["X-Accel-Redirect"] == f"/_private/{asked.evidence_file.name}"
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["Cache-Control"] == "private, no-store"
    assert answer.content == b""  # nginx sends the file


def test_existing_evidence_files_move_to_private_storage(
    community: Community, asked: BadgeRequest, settings: Any
) -> None:
    import importlib
    from pathlib import Path

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    name = asked.evidence_file.name
    storages["private"].delete(name)
    storages["default"].save(name, ContentFile(b"%PDF-1.4 old"))  # where it used to be
    migration = importlib.import_module("blason.peers.migrations.0004_private_request_evidence")
    migration.move_to_private_storage(apps, None)
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert (Path(settings.PRIVATE_ROOT) / name).read_bytes() == b"%PDF-1.4 old"
    migration.move_to_private_storage(apps, None)  # twice: nothing to do
    assert (Path(settings.PRIVATE_ROOT) / name).read_bytes() == b"%PDF-1.4 old"
