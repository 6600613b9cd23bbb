"""The whole peer-recognition journey in real browsers, as the Tuesday group lives it: a
facilitator on a laptop and five members on their phones design a badge together (proposals,
votes, comments, the mind map and the projector), the group validates it; the facilitator opens
it to requests (every member validates, three approvals) and shows the poster; a person scans
its QR code, signs in and asks for the badge, saying what they did; three of the peers record
what they saw on their phones and approve; the third approval awards the badge, signed by the
community with the three peers' endorsements, which verify with obcore and with Digital
Bazaar's stack; the person finds it in their backpack and shares it. Every page is checked with
axe-core.

Selectors are ids and addresses, so the test reads the same in French and English."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers.models import (
    BadgeRequest,
    CoDesign,
    Criterion,
    PeerRule,
    RequestStatus,
    Validation,
    Vote,
    Workshop,
    WorkshopStatus,
)
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD
from tests.interop.conftest import digitalbazaar  # noqa: F401
from tests.interop.test_app_awards import site_documents
from tests.interop.test_peer_validated_awards import endorser_documents

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROPOSALS = [
    ("Nourrit l'âne correctement", "Soins"),
    ("Vérifie ses sabots", "Soins"),
    ("Prépare l'âne pour la balade", "Balade"),
    ("Fait monter l'âne dans le van", "Balade"),
    ("Chante pour l'âne", ""),
]


def test_the_whole_journey(
    page: Any,
    phones: Any,
    community: Community,
    assert_accessible: Any,
    client: Any,
    digitalbazaar: Any,  # noqa: F811
    settings: Any,
    live_server: Any,
) -> None:
    settings.SITE_URL = live_server.url  # the share links point at the running site
    members = design_together(page, phones, community, assert_accessible)
    open_to_requests(page, community, assert_accessible)
    requester_phone, request = ask(phones, community, assert_accessible)
    validate(members, community, request, assert_accessible)
    check_the_award(client, digitalbazaar, community, request)
    keep_and_share(requester_phone, community, request, assert_accessible)


def design_together(
    page: Any, phones: Any, community: Community, assert_accessible: Any
) -> list[Any]:
    """The workshop: returns the members' phones, still signed in."""
    slug = community.issuer.slug
    badge = community.badge

    # The facilitator opens a workshop from the badge's page.
    sign_in(page, community.facilitator.email, f"/spaces/{slug}/badges/{badge.uuid}/")
    assert_accessible(page)
    page.locator(f"a[href$='/workshops/new/?badge={badge.uuid}']").click()
    page.locator("#id_quorum").fill("5")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.locator("#propose-title").wait_for()
    workshop = Workshop.objects.get()
    workshop_url = f"/spaces/{slug}/workshops/{workshop.uuid}/"
    assert page.url.endswith(workshop_url)
    for name in ("Soins", "Balade"):
        page.fill("#id_name", name)
        page.locator("form[action$='/groups/'] button[type=submit]").click()
        page.locator(f"input[value='{name}']").wait_for()
    page.fill("#id_text", "Parle doucement à l'âne")
    page.fill("#id_spoken_by", "Philippe")
    page.locator("form[action$='/criteria/'] button[type=submit]").click()
    page.locator(".criterion-meta", has_text="Philippe").wait_for()
    assert_accessible(page)

    # Five members on their phones: each proposes a criterion and votes on every one.
    members = []
    for member, (text, group) in zip(community.members, PROPOSALS, strict=True):
        phone = phones()
        sign_in(phone, member.email, workshop_url)
        phone.fill("#id_text", text)
        if group:
            phone.select_option("#id_group", label=group)
        phone.locator("form[action$='/criteria/'] button[type=submit]").click()
        phone.locator(".criterion-text", has_text=text).wait_for()
        members.append(phone)
    first = members[0]
    first.reload()
    assert_accessible(first)
    assert first.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll
    criteria = list(Criterion.objects.filter(workshop=workshop).order_by("id"))
    assert len(criteria) == 7  # the badge's own, Philippe's and five proposals
    singing = Criterion.objects.get(text="Chante pour l'âne")
    for phone in members:
        phone.reload()
        for criterion in criteria:
            choice = "drop" if criterion == singing else "keep"
            button = phone.locator(f"#vote-{criterion.uuid}-{choice}")
            button.click()
            phone.locator(f"#vote-{criterion.uuid}-{choice}[aria-pressed='true']").wait_for()
    # One member changes their mind: still one vote each.
    first.locator(f"#vote-{singing.uuid}-rephrase").click()
    first.locator(f"#vote-{singing.uuid}-rephrase[aria-pressed='true']").wait_for()
    assert first.locator(f"#vote-{singing.uuid}-drop").get_attribute("aria-pressed") == "false"
    assert Vote.objects.filter(criterion=singing).count() == 5
    # A comment, sent with htmx: the card keeps the comments open.
    comments = first.locator(f"#criterion-{singing.uuid} details.comments")
    comments.locator("summary").click()
    comments.locator("textarea").fill("Chanter, ce n'est pas soigner !")
    comments.locator("button[type=submit]").click()
    first.locator(f"#criterion-{singing.uuid} .comment-list li").wait_for()
    # Two members want their name on the badge.
    for phone in members[:2]:
        phone.locator("#id_show_name").check()
        phone.locator("form[action$='/name/'] button[type=submit]").click()
        phone.locator("#id_show_name:checked").wait_for()
    assert_accessible(first)

    # The facilitator's page follows the tallies by itself (htmx polling).
    brushing = criteria[0]
    page.locator(f"#tally-{brushing.uuid} .tally-keep strong", has_text="5").wait_for(
        timeout=20_000
    )
    page.locator("#workshop-news a").wait_for(timeout=20_000)  # new criteria to show
    page.reload()

    # The mind map and the projector mode.
    page.locator("a[href$='/map/']").first.click()
    page.locator("#mindmap .branch").first.wait_for()
    assert page.locator("#mindmap .branch").count() == 3  # Soins, Balade, not grouped yet
    assert page.locator("#mindmap .area-n, #mindmap .area-se, #mindmap .area-sw").count() == 3
    assert_accessible(page)
    page.locator("a[href$='/projector/']").click()
    page.locator(".projector #mindmap").wait_for()
    assert page.locator(".site-header").is_hidden()
    page.keyboard.press("Tab")  # skip link, then the tools, then the branches
    for _ in range(6):
        if page.evaluate("() => document.activeElement.classList.contains('branch')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('branch')")
    font = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.branch h2')).fontSize)"
    )
    assert font >= 28, font  # big text for the back of the room
    assert_accessible(page)

    # Close the vote, validate and stamp.
    page.goto(workshop_url)
    page.locator("form[action$='/close/'] button[type=submit]").click()
    page.locator("form[action$='/validate/']").wait_for()
    assert Criterion.objects.get(pk=singing.pk).outcome == "dropped"
    assert_accessible(page)
    page.locator("form[action$='/validate/'] button[type=submit]").click()
    page.locator(".stamp-card").wait_for()
    assert_accessible(page)
    published = BadgeClass.objects.get(pk=badge.pk)
    assert published.status == BadgeStatus.PUBLISHED
    assert len(published.criteria_items) == 6
    assert "Chante pour l'âne" not in " ".join(published.criteria_items)
    assert Workshop.objects.get().status == WorkshopStatus.VALIDATED
    co_design = CoDesign.objects.get()
    assert co_design.member_count == 6

    # The members' map shows the stamp; the public page names the co-designers who agreed.
    first.goto(workshop_url + "map/")
    first.locator("#mindmap .stamp").wait_for()
    assert_accessible(first)
    first.goto(f"/badges/{badge.uuid}")
    section = first.locator("#co-designers")
    section.wait_for()
    names = section.locator(".co-designer-list li").all_inner_texts()
    assert names[:2] == ["Manu", "Nancy"]
    assert "@" not in section.inner_text()
    assert_accessible(first)
    return members


def open_to_requests(page: Any, community: Community, assert_accessible: Any) -> None:
    """The facilitator opens the badge to requests from the governance page."""
    slug = community.issuer.slug
    badge = community.badge
    page.goto(f"/spaces/{slug}/rules/")
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


def ask(phones: Any, community: Community, assert_accessible: Any) -> tuple[Any, BadgeRequest]:
    """A person scans the poster's QR code and asks, on a phone where nobody is signed in."""
    badge = community.badge
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
    phone.check("#id_evidence_public_ok")  # the link will be part of the public badge
    assert_accessible(phone)
    phone.locator("main form button[type=submit]").click()
    phone.locator(".request-status").wait_for()
    assert_accessible(phone)
    request = BadgeRequest.objects.get()
    assert (request.requester, request.requester_name) == (requester, "Philippe")
    return phone, request


def validate(
    members: list[Any], community: Community, request: BadgeRequest, assert_accessible: Any
) -> None:
    slug = community.issuer.slug
    # Three peers, each on their phone, record what they saw and approve.
    for number, (peer, peer_phone) in enumerate(
        zip(community.members[:3], members[:3], strict=True)
    ):
        peer_phone.goto("/to-validate/")  # signed in since the workshop
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
    assert request.status == RequestStatus.AWARDED  # the third approval awarded it


def check_the_award(
    client: Any,
    digitalbazaar: Any,  # noqa: F811
    community: Community,
    request: BadgeRequest,
) -> None:
    """Signed by the community, with one endorsement per peer signed with that peer's own key:
    all verify with obcore and with Digital Bazaar's stack (documents as the site serves them)."""
    from blason.issuing.documents.local_fetch import LocalFetcher
    from obcore.verify import verify_credential

    award = request.award
    credential = json.loads(award.credential)
    assert credential["issuer"]["id"].endswith(f"/issuers/{community.issuer.uuid}")
    assert len(credential["endorsement"]) == 3
    report = verify_credential(award.credential, fetcher=LocalFetcher())
    assert report.valid
    assert [item.valid for item in report.endorsements] == [True, True, True]
    answer = digitalbazaar(
        {"action": "verify", "credential": credential, "documents": site_documents(client, award)}
    )
    assert answer["verified"], answer["error"]
    for endorsement, peer in zip(credential["endorsement"], community.members[:3], strict=True):
        documents = endorser_documents(client, endorsement, peer)
        answer = digitalbazaar(
            {"action": "verify", "credential": endorsement, "documents": documents}
        )
        assert answer["verified"], answer["error"]


def keep_and_share(
    phone: Any, community: Community, request: BadgeRequest, assert_accessible: Any
) -> None:
    badge = community.badge
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
    # From the backpack, shared: LinkedIn filled in, and the address copied.
    phone.goto("/backpack/")
    phone.locator("main a[href^='/backpack/badges/']", has_text=badge.name).first.click()
    linkedin = phone.locator("a[href^='https://www.linkedin.com/profile/add']")
    assert f"certId={request.award.uuid}" in (linkedin.get_attribute("href") or "")
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    phone.locator("button[data-copy='share-address']").click()
    phone.wait_for_function("() => document.querySelector('.copy-status').textContent.trim()")
    copied = phone.evaluate("() => navigator.clipboard.readText()")
    assert copied.endswith(f"/awards/{request.award.uuid}")
    assert_accessible(phone)
