"""Peer validation in real browsers, on phones: a facilitator opens a badge to requests (every
member validates, three approvals); a person scans the poster's QR code, signs in and asks for
the badge, saying what they did; three peers, each on their own phone, record what they saw
(date, place, what they saw) and approve; the third approval awards the badge, signed by the
community with the three peers' endorsements, and it appears in the person's backpack. Every
page is checked with axe-core.

Selectors are ids and addresses, so the test reads the same in French and English."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from blason.issuing.models import BadgeStatus
from blason.issuing.services import badge_set_status
from blason.peers.models import BadgeRequest, PeerRule, RequestStatus, Validation
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phones(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_phone() -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            viewport={"width": 375, "height": 740},
            is_mobile=True,
            has_touch=True,
            extra_http_headers={"Accept-Language": "fr"},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def sign_in(page: Any, email: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{next_url}")


def test_a_person_asks_and_three_peers_validate_on_their_phones(
    page: Any, phones: Any, community: Community, assert_accessible: Any
) -> None:
    slug = community.issuer.slug
    badge = community.badge
    badge_set_status(badge=badge, actor=community.owner, status=BadgeStatus.PUBLISHED)

    # The facilitator opens the badge to requests from the governance page.
    sign_in(page, community.facilitator.email, f"/spaces/{slug}/rules/")
    assert_accessible(page)
    page.locator(f"a[href='/spaces/{slug}/rules/{badge.uuid}/']").click()
    page.locator("input[name=validators][value=members]").check()
    page.locator("#id_approvals_needed").fill("3")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.locator(f"#rule-{badge.uuid}").wait_for()
    rule = PeerRule.objects.get()
    assert (rule.validators, rule.approvals_needed) == ("members", 3)
    page.locator(f"a[href='/badges/{badge.uuid}/ask/poster/']").click()
    page.locator(".poster-qr").wait_for()
    assert_accessible(page)
    page.goto(f"/badges/{badge.uuid}/ask/poster/?projector=1")
    assert_accessible(page)

    # The person scans the QR code: the request page explains, then asks them to sign in.
    requester = community.members[4]
    phone = phones()
    phone.goto(f"/badges/{badge.uuid}/ask/")
    phone.locator("details.whatis summary").first.click()
    assert_accessible(phone)
    phone.locator("main a[href^='/accounts/login/?next=']").click()
    phone.fill("#id_login", requester.email)
    phone.fill("#id_password", PASSWORD)
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_url(f"**/badges/{badge.uuid}/ask/")
    phone.fill("#id_name", "Philippe")  # his account has no name yet
    phone.fill("#id_description", "Mardi, j'ai brossé Caramel et je l'ai fait monter dans le van.")
    phone.fill("#id_evidence_url", "https://example.org/photos/caramel")
    assert_accessible(phone)
    phone.locator("main form button[type=submit]").click()
    phone.locator(".request-status").wait_for()
    assert_accessible(phone)
    request = BadgeRequest.objects.get()
    assert (request.requester, request.requester_name) == (requester, "Philippe")

    # Three peers, each on their phone, record what they saw and approve.
    for number, peer in enumerate(community.members[:3]):
        peer_phone = phones()
        sign_in(peer_phone, peer.email, "/to-validate/")
        if number == 0:
            assert_accessible(peer_phone)
        peer_phone.locator(f"a[href='/spaces/{slug}/requests/{request.uuid}/']").click()
        peer_phone.fill("#id_place", "Pré de Pernes")
        peer_phone.fill("#id_observation", f"Brossage doux, sabots curés (observation {number}).")
        peer_phone.locator("input[name=decision][value=approve]").check()
        if number == 0:
            assert_accessible(peer_phone)
        peer_phone.locator("#answer-title ~ form button[type=submit]").click()
        peer_phone.locator("#answers-title").wait_for()
        assert Validation.objects.filter(validator=peer).count() == 1

    request.refresh_from_db()
    assert request.status == RequestStatus.AWARDED
    credential = json.loads(request.award.credential)
    assert len(credential["endorsement"]) == 3

    # The requester sees it, and finds it in their backpack.
    phone.reload()
    phone.locator("#awarded-title").wait_for()
    assert_accessible(phone)
    phone.goto("/backpack/")
    phone.get_by_text(badge.name).first.wait_for()
    assert_accessible(phone)
    phone.goto(f"/awards/{request.award.uuid}")
    phone.locator("#endorsers-title").wait_for()
    assert phone.locator(".endorsers li").count() == 3
    assert_accessible(phone)
