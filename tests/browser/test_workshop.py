"""A Tuesday workshop in real browsers: a facilitator on a laptop and five members on their
phones build a badge together. The facilitator opens the workshop from the badge and adds
groups; members propose criteria, vote (htmx, the facilitator's page follows the tallies by
itself) and comment; the facilitator closes the vote and the group validates the badge, which
is published with its co-designers. The mind map shows it, in projector mode too; a newcomer
joins the group with the QR code's link. Every page is checked with axe-core.

Selectors are ids and form addresses, so the test reads the same in French and English."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from blason.core.models import Membership, Role
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers.models import CoDesign, Criterion, JoinLink, Vote, Workshop, WorkshopStatus
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROPOSALS = [
    ("Nourrit l'âne correctement", "Soins"),
    ("Vérifie ses sabots", "Soins"),
    ("Prépare l'âne pour la balade", "Balade"),
    ("Fait monter l'âne dans le van", "Balade"),
    ("Chante pour l'âne", ""),
]


@pytest.fixture
def phones(browser: Any, live_server: Any) -> Iterator[Any]:
    """Phone-sized browser contexts, one per person, opened on demand."""
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


def test_a_group_designs_a_badge_together(
    page: Any, phones: Any, community: Community, assert_accessible: Any
) -> None:
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


def test_a_newcomer_joins_with_the_qr_code_link(
    page: Any, phones: Any, community: Community, world: Any, assert_accessible: Any
) -> None:
    slug = community.issuer.slug
    sign_in(page, community.owner.email, f"/spaces/{slug}/join-link/")
    page.locator("form[action$='/join-link/new/'] button[type=submit]").click()
    page.locator(".join-qr").wait_for()
    assert_accessible(page)
    page.locator("a[href$='/join-link/?projector=1']").click()
    page.locator(".join-projector .join-qr").wait_for()
    assert_accessible(page)
    link = JoinLink.objects.get(revoked_at__isnull=True)

    phone = phones()
    phone.goto(f"/join/{link.token}/")
    assert_accessible(phone)
    phone.locator(f"a[href^='/accounts/login/?next=%2Fjoin%2F{link.token}']").click()
    phone.fill("#id_login", world.outsider.email)
    phone.fill("#id_password", PASSWORD)
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_url(f"**/join/{link.token}/")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"**/spaces/{slug}/workshops/")
    assert_accessible(phone)
    membership = Membership.objects.get(issuer=community.issuer, user=world.outsider)
    assert membership.role == Role.VIEWER
