"""Claim links, the web pages: the public claim page in each state, its protections (rate limit,
honeypot, too fast), the claim's own page, and the awarders' pages (access for every role and
outsiders, forms, decisions, bounded queries)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from blason.core.models import AuditEntry
from blason.issuing.claims import forms as claim_forms
from blason.issuing.claims import services as claims
from blason.issuing.models import Award, BadgeStatus, Claim, ClaimLink, ClaimStatus
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarder(world: Any) -> Any:
    user = UserFactory(email="awarder@example.org", display_name="Awa Awarder")
    MembershipFactory(issuer=world.org_a, user=user, role="awarder")
    return user


@pytest.fixture
def reviewer(world: Any) -> Any:
    user = UserFactory(email="reviewer@example.org")
    MembershipFactory(issuer=world.org_a, user=user, role="reviewer")
    return user


@pytest.fixture
def link(published: Any, awarder: Any) -> ClaimLink:
    now = timezone.now()
    return claims.link_create(
        badge=published,
        actor=awarder,
        title="Forum de l'emploi",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=8),
    )


@pytest.fixture
def human_pace(monkeypatch: Any) -> None:
    """Forms sent at once by the test client count as filled in at a person's pace."""
    monkeypatch.setattr(claim_forms, "MIN_FILL_SECONDS", -1)


def page_url(link: ClaimLink) -> str:
    return reverse("issuing:claim_page", args=[link.token])


def claim_data(link: ClaimLink, **values: str) -> dict[str, str]:
    data = {"name": "Samir Benali", "email": "", "phone": "", "website": ""}
    data.update(values)
    data["stamp"] = claim_forms.form_stamp(link.token)
    return data


class TestPublicPage:
    def test_open_page(self, client: Any, link: ClaimLink) -> None:
        response = client.get(page_url(link), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        text = response.text
        assert "Accueil du public" in text
        assert "Organisation A" in text
        assert "Forum de l&#x27;emploi" in text
        assert "A badge is a digital picture" in text
        assert 'name="website"' in text
        assert 'autocomplete="name"' in text
        assert response["Cache-Control"].startswith("max-age=0")

    def test_the_address_is_read_leniently(self, client: Any, link: ClaimLink) -> None:
        assert client.get(f"/c/{link.token.upper()}").status_code == 200

    def test_unknown_link(self, client: Any, db: Any) -> None:
        response = client.get("/c/zzzzzzzzzz", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert "This link does not exist" in response.text

    @pytest.mark.parametrize(
        ("change", "status", "words"),
        [
            ({"opens_at_delta": 2, "closes_at_delta": 3}, 403, "You can claim this badge from"),
            ({"opens_at_delta": -3, "closes_at_delta": -2}, 410, "It is too late now"),
            ({"active": False}, 410, "The organisers have closed this link"),
            ({"max_claims": 1}, 409, "All the places have been taken"),
        ],
    )
    def test_states(
        self, client: Any, link: ClaimLink, change: dict[str, Any], status: int, words: str
    ) -> None:
        now = timezone.now()
        if "opens_at_delta" in change:
            link.opens_at = now + timedelta(hours=change["opens_at_delta"])
            link.closes_at = now + timedelta(hours=change["closes_at_delta"])
        if "active" in change:
            link.active = change["active"]
        if "max_claims" in change:
            link.max_claims = change["max_claims"]
            claims.claim_make(link=link, name="Quelqu'un")
        link.save()
        response = client.get(page_url(link), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == status
        assert words in response.text
        assert "Get my badge" not in response.text
        posted = client.post(page_url(link), claim_data(link), HTTP_ACCEPT_LANGUAGE="en")
        assert posted.status_code in (status, 400)  # refused, or stopped as too fast

    def test_an_archived_badge(self, client: Any, link: ClaimLink, published: Any) -> None:
        published.status = BadgeStatus.ARCHIVED
        published.save()
        assert client.get(page_url(link)).status_code == 410

    def test_claim_without_contact_shows_the_code(
        self, client: Any, link: ClaimLink, human_pace: None
    ) -> None:
        response = client.post(page_url(link), claim_data(link), HTTP_ACCEPT_LANGUAGE="en")
        claim = Claim.objects.get()
        status_page = reverse("issuing:claim_status", args=[link.token, claim.uuid])
        assert response.status_code == 302
        assert response["Location"] == status_page
        shown = client.get(status_page, HTTP_ACCEPT_LANGUAGE="en")
        assert shown.status_code == 200
        assert claim.award is not None
        assert claim.award.claim_code in shown.text
        assert "Write it down or take a photo" in shown.text
        assert reverse("award_public", args=[claim.award.uuid]) in shown.text
        assert reverse("backpack:claim", args=[claim.award.claim_code]) in shown.text
        assert shown["X-Robots-Tag"] == "noindex, nofollow"
        # A second tap sends the same form again: the same claim, nothing new.
        again = client.post(page_url(link), claim_data(link), HTTP_ACCEPT_LANGUAGE="en")
        assert again["Location"] == status_page
        assert Claim.objects.count() == 1 == Award.objects.count()
        # Coming back to the page offers the claim made.
        assert status_page in client.get(page_url(link)).text

    def test_the_same_email_from_another_phone_shows_nothing(
        self, client: Any, link: ClaimLink, human_pace: None
    ) -> None:
        client.post(page_url(link), claim_data(link, email="samir@example.org"))
        code = Award.objects.get().claim_code
        other = type(client)()
        response = other.post(
            page_url(link),
            claim_data(link, email="SAMIR@example.org", name="Pas Samir"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200
        assert "You already claimed this badge" in response.text
        assert "We sent the link to your claim again" in response.text
        assert code not in response.text
        assert Claim.objects.count() == 1

    def test_the_same_phone_from_another_phone(
        self, client: Any, link: ClaimLink, human_pace: None
    ) -> None:
        client.post(page_url(link), claim_data(link, phone="06 12 34 56 78"))
        other = type(client)()
        response = other.post(
            page_url(link), claim_data(link, phone="+33612345678"), HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Show this page to the organisers" in response.text
        assert Award.objects.get().claim_code not in response.text

    def test_wrong_input(self, client: Any, link: ClaimLink, human_pace: None) -> None:
        response = client.post(
            page_url(link),
            claim_data(link, name="", email="pas-une-adresse", phone="12"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        assert "This field is required." in response.text
        assert "Enter a valid email address." in response.text
        assert "This phone number does not look right" in response.text
        assert not Claim.objects.exists()

    def test_robots(self, client: Any, link: ClaimLink, human_pace: None) -> None:
        honeypot = client.post(page_url(link), claim_data(link, website="http://spam.example"))
        assert honeypot.status_code == 400
        forged = claim_data(link)
        forged["stamp"] = "forged"
        assert client.post(page_url(link), forged).status_code == 400
        other_link = claim_data(link)
        other_link["stamp"] = claim_forms.form_stamp("another")
        assert client.post(page_url(link), other_link).status_code == 400
        assert not Claim.objects.exists()

    def test_too_fast_then_again(self, client: Any, link: ClaimLink) -> None:
        response = client.post(page_url(link), claim_data(link), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "press the button again" in response.text
        assert not Claim.objects.exists()
        # The page shown again carries a fresh stamp: a person who waits succeeds.
        stamp = response.context["form"].data["stamp"]
        assert signing.TimestampSigner(salt=claim_forms.FORM_SALT).unsign(stamp) == link.token

    def test_rate_limited(
        self, client: Any, link: ClaimLink, settings: Any, human_pace: None
    ) -> None:
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "claim_link": "2/m/ip"}
        for number in range(2):
            client.post(page_url(link), claim_data(link, name=f"Personne {number}"))
        response = client.post(page_url(link), claim_data(link, name="Personne 3"))
        assert response.status_code == 429
        assert Claim.objects.count() == 2

    def test_signed_in_people_find_their_name(self, client: Any, world: Any, link: Any) -> None:
        client.force_login(world.member)
        text = client.get(page_url(link)).text
        assert 'value="Bob"' in text
        assert 'value="bob@example.org"' in text

    def test_approval_pages(
        self, client: Any, link: ClaimLink, awarder: Any, human_pace: None
    ) -> None:
        link.requires_approval = True
        link.save()
        response = client.post(page_url(link), claim_data(link), HTTP_ACCEPT_LANGUAGE="en")
        status_page = response["Location"]
        waiting = client.get(status_page, HTTP_ACCEPT_LANGUAGE="en")
        assert "waiting for approval" in waiting.text
        assert 'hx-trigger="every 30s"' in waiting.text
        claim = Claim.objects.get()
        claims.claim_refuse(claim=claim, actor=awarder, reason="Pas inscrit")
        refused = client.get(status_page, HTTP_ACCEPT_LANGUAGE="en")
        assert "Your request was not accepted" in refused.text
        assert "Pas inscrit" in refused.text

    def test_status_page_needs_the_right_link(self, client: Any, link: ClaimLink) -> None:
        claim = claims.claim_make(link=link, name="Inès").claim
        assert client.get(f"/c/{link.token}/{claim.uuid}").status_code == 200
        assert client.get(f"/c/aaaaaaaaaa/{claim.uuid}").status_code == 404


def management_urls(link: ClaimLink, badge: Any) -> dict[str, tuple[str, str]]:
    slug = link.issuer.slug
    claim = Claim.objects.filter(link=link).first()
    urls = {
        "new": ("get", reverse("issuing:claim_link_new", args=[slug, badge.uuid])),
        "list": ("get", reverse("issuing:claim_link_list", args=[slug])),
        "detail": ("get", reverse("issuing:claim_link_detail", args=[slug, link.uuid])),
        "edit": ("get", reverse("issuing:claim_link_edit", args=[slug, link.uuid])),
        "active": ("post", reverse("issuing:claim_link_active", args=[slug, link.uuid])),
        "poster": ("get", reverse("issuing:claim_link_poster", args=[slug, link.uuid])),
        "qr": ("get", reverse("issuing:claim_link_qr", args=[slug, link.uuid, "png"])),
        "approve_many": ("post", reverse("issuing:claims_approve", args=[slug, link.uuid])),
    }
    if claim is not None:
        urls["approve"] = (
            "post",
            reverse("issuing:claim_approve", args=[slug, link.uuid, claim.uuid]),
        )
        urls["refuse"] = (
            "post",
            reverse("issuing:claim_refuse", args=[slug, link.uuid, claim.uuid]),
        )
    return urls


class TestAccess:
    @pytest.fixture
    def waiting_link(self, link: ClaimLink) -> ClaimLink:
        link.requires_approval = True
        link.save()
        claims.claim_make(link=link, name="Inès")
        return link

    def test_anonymous_people_are_sent_to_sign_in(
        self, client: Any, waiting_link: ClaimLink, published: Any
    ) -> None:
        for name, (method, url) in management_urls(waiting_link, published).items():
            response = getattr(client, method)(url)
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("account_login")), name

    def test_outsiders_get_not_found(
        self, client: Any, world: Any, waiting_link: ClaimLink, published: Any
    ) -> None:
        client.force_login(world.outsider)
        for name, (method, url) in management_urls(waiting_link, published).items():
            assert getattr(client, method)(url).status_code == 404, name

    def test_viewers_and_reviewers_are_refused(
        self, client: Any, world: Any, reviewer: Any, waiting_link: ClaimLink, published: Any
    ) -> None:
        for user in (world.member, reviewer):
            client.force_login(user)
            for name, (method, url) in management_urls(waiting_link, published).items():
                assert getattr(client, method)(url).status_code == 403, name
        assert Claim.objects.get().status == ClaimStatus.PENDING
        assert ClaimLink.objects.get().active

    def test_another_space_cannot_reach_this_link_through_its_own_slug(
        self, client: Any, world: Any, waiting_link: ClaimLink
    ) -> None:
        client.force_login(world.outsider)
        url = reverse("issuing:claim_link_detail", args=[world.org_b.slug, waiting_link.uuid])
        assert client.get(url).status_code == 404
        claim = Claim.objects.get()
        approve = reverse(
            "issuing:claim_approve", args=[world.org_b.slug, waiting_link.uuid, claim.uuid]
        )
        assert client.post(approve).status_code == 404
        assert Claim.objects.get().status == ClaimStatus.PENDING

    def test_a_claim_of_another_link_is_not_found(
        self, client: Any, awarder: Any, waiting_link: ClaimLink, published: Any
    ) -> None:
        other = claims.link_create(
            badge=published,
            actor=awarder,
            title="Autre",
            opens_at=None,
            closes_at=timezone.now() + timedelta(hours=1),
        )
        claim = Claim.objects.get()
        client.force_login(awarder)
        url = reverse("issuing:claim_approve", args=["org-a", other.uuid, claim.uuid])
        assert client.post(url).status_code == 404


class TestManagement:
    def test_create_a_link(self, client: Any, awarder: Any, published: Any) -> None:
        client.force_login(awarder)
        url = reverse("issuing:claim_link_new", args=["org-a", published.uuid])
        form = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert form.status_code == 200
        initial = form.context["form"]
        opens, closes = initial["opens_at"].value(), initial["closes_at"].value()
        assert closes > opens
        assert closes.strftime("%H:%M") == "23:59"
        wrong = client.post(
            url,
            {"title": "Forum", "opens_at": "2099-03-14T18:00", "closes_at": "2099-03-14T09:00"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert wrong.status_code == 400
        assert "The closing time must be after the opening time." in wrong.text
        response = client.post(
            url,
            {
                "title": "Forum de l'emploi",
                "opens_at": "2099-03-14T09:00",
                "closes_at": "2099-03-14T17:00",
                "max_claims": "300",
                "requires_approval": "on",
            },
        )
        link = ClaimLink.objects.get()
        assert response["Location"] == reverse(
            "issuing:claim_link_detail", args=["org-a", link.uuid]
        )
        assert link.max_claims == 300
        assert link.requires_approval
        assert timezone.localtime(link.opens_at).strftime("%H:%M") == "09:00"
        detail = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert detail.status_code == 200
        assert f"/c/{link.token}" in detail.text
        assert "<svg" in detail.text
        assert "Not open yet" in detail.text
        assert "March 14, 2099, from 9 a.m. to 5 p.m." in detail.text

    def test_draft_badges_have_no_claim_link(self, client: Any, world: Any, awarder: Any) -> None:
        world.badge_a.status = BadgeStatus.DRAFT
        world.badge_a.save()
        client.force_login(awarder)
        url = reverse("issuing:claim_link_new", args=["org-a", world.badge_a.uuid])
        assert client.get(url).status_code == 302
        assert client.post(url, {"title": "X"}).status_code == 302
        assert not ClaimLink.objects.exists()

    def test_edit_and_close(self, client: Any, awarder: Any, link: ClaimLink) -> None:
        client.force_login(awarder)
        url = reverse("issuing:claim_link_edit", args=["org-a", link.uuid])
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "title": "Forum, Lille",
                "opens_at": timezone.localtime(link.opens_at).strftime("%Y-%m-%dT%H:%M"),
                "closes_at": timezone.localtime(link.closes_at).strftime("%Y-%m-%dT%H:%M"),
                "max_claims": "",
            },
        )
        assert response.status_code == 302
        link.refresh_from_db()
        assert link.title == "Forum, Lille"
        client.post(
            reverse("issuing:claim_link_active", args=["org-a", link.uuid]), {"active": "0"}
        )
        link.refresh_from_db()
        assert not link.active
        client.post(
            reverse("issuing:claim_link_active", args=["org-a", link.uuid]), {"active": "1"}
        )
        link.refresh_from_db()
        assert link.active
        assert {"issuing.claim_link.changed", "issuing.claim_link.deactivated"} <= set(
            AuditEntry.objects.values_list("action", flat=True)
        )

    def test_decide(self, client: Any, awarder: Any, link: ClaimLink) -> None:
        link.requires_approval = True
        link.save()
        made = [claims.claim_make(link=link, name=f"Personne {n}").claim for n in range(5)]
        client.force_login(awarder)
        detail = reverse("issuing:claim_link_detail", args=["org-a", link.uuid])
        page = client.get(detail, HTTP_ACCEPT_LANGUAGE="en")
        assert "Approve all 5 claims waiting" in page.text
        approve = reverse("issuing:claim_approve", args=["org-a", link.uuid, made[0].uuid])
        assert client.post(approve)["Location"] == detail + "#waiting"
        refuse = reverse("issuing:claim_refuse", args=["org-a", link.uuid, made[1].uuid])
        client.post(refuse, {"reason": ""})
        assert Claim.objects.get(pk=made[1].pk).status == ClaimStatus.PENDING
        client.post(refuse, {"reason": "Pas venu"})
        many = reverse("issuing:claims_approve", args=["org-a", link.uuid])
        client.post(many)  # nothing ticked: nothing happens
        assert client.post(many, {"claims": ["not-a-uuid"]}).status_code == 302
        assert Claim.objects.filter(status=ClaimStatus.PENDING).count() == 3
        client.post(many, {"claims": [str(made[2].uuid)]})
        client.post(many, {"everyone": "1"})
        statuses = [Claim.objects.get(pk=claim.pk).status for claim in made]
        assert statuses == ["issued", "refused", "issued", "issued", "issued"]
        assert Award.objects.filter(awarded_by=awarder).count() == 4
        searched = client.get(detail, {"q": "personne 3", "status": "issued"})
        code = Claim.objects.get(pk=made[3].pk).award.claim_code  # type: ignore[union-attr]
        assert code in searched.text
        assert "Personne 4" not in searched.text

    def test_find_a_person_who_lost_their_code(
        self, client: Any, awarder: Any, link: ClaimLink
    ) -> None:
        samir = claims.claim_make(link=link, name="Samir", phone="+33612345678").claim
        claims.claim_make(link=link, name="Inès", phone="+33698765432")
        client.force_login(awarder)
        detail = reverse("issuing:claim_link_detail", args=["org-a", link.uuid])
        found = client.get(detail, {"q": "06 12 34 56 78"}).text.split('id="claims-title"')[1]
        assert samir.award is not None
        assert samir.award.claim_code in found
        assert "Inès" not in found

    def test_poster_and_qr_downloads(self, client: Any, awarder: Any, link: ClaimLink) -> None:
        client.force_login(awarder)
        poster = client.get(
            reverse("issuing:claim_link_poster", args=["org-a", link.uuid]), {"language": "en"}
        )
        assert poster.status_code == 200
        assert poster["Content-Type"] == "application/pdf"
        assert poster.content.startswith(b"%PDF-")
        assert poster["Content-Disposition"] == 'attachment; filename="poster-forum-de-lemploi.pdf"'
        png = client.get(reverse("issuing:claim_link_qr", args=["org-a", link.uuid, "png"]))
        assert png.content.startswith(b"\x89PNG")
        svg = client.get(reverse("issuing:claim_link_qr", args=["org-a", link.uuid, "svg"]))
        assert svg["Content-Type"] == "image/svg+xml"
        assert b"<svg" in svg.content
        gif = client.get(reverse("issuing:claim_link_qr", args=["org-a", link.uuid, "gif"]))
        assert gif.status_code == 404

    def test_badge_page_offers_claim_links(
        self, client: Any, world: Any, awarder: Any, link: ClaimLink, published: Any
    ) -> None:
        client.force_login(awarder)
        text = client.get(
            reverse("issuing:badge", args=["org-a", published.uuid]), HTTP_ACCEPT_LANGUAGE="en"
        ).text
        assert "Claim links and posters" in text
        assert "Forum de l&#x27;emploi" in text
        assert reverse("issuing:claim_link_new", args=["org-a", published.uuid]) in text
        client.force_login(world.member)  # a viewer does not award
        text = client.get(reverse("issuing:badge", args=["org-a", published.uuid])).text
        assert reverse("issuing:claim_link_new", args=["org-a", published.uuid]) not in text


class TestQueries:
    def test_the_queue_runs_a_bounded_number_of_queries(
        self,
        client: Any,
        awarder: Any,
        link: ClaimLink,
        django_assert_max_num_queries: Any,
    ) -> None:
        link.requires_approval = True
        link.save()
        made = [claims.claim_make(link=link, name=f"Personne {n}").claim for n in range(40)]
        for claim in made[:20]:
            claims.claim_approve(claim=claim, actor=awarder)
        for claim in made[20:25]:
            claims.claim_refuse(claim=claim, actor=awarder, reason="Non")
        client.force_login(awarder)
        detail = reverse("issuing:claim_link_detail", args=["org-a", link.uuid])
        with django_assert_max_num_queries(12):
            response = client.get(detail)
        assert response.status_code == 200
        assert response.text.count('name="claims"') == 15

    def test_lists_run_a_bounded_number_of_queries(
        self,
        client: Any,
        awarder: Any,
        published: Any,
        django_assert_max_num_queries: Any,
    ) -> None:
        for number in range(12):
            link = claims.link_create(
                badge=published,
                actor=awarder,
                title=f"Atelier {number}",
                opens_at=None,
                closes_at=timezone.now() + timedelta(days=1),
            )
            claims.claim_make(link=link, name="Inès")
        client.force_login(awarder)
        with django_assert_max_num_queries(10):
            listed = client.get(reverse("issuing:claim_link_list", args=["org-a"]))
        assert listed.text.count("Atelier ") == 12
        with django_assert_max_num_queries(14):
            badge_page = client.get(reverse("issuing:badge", args=["org-a", published.uuid]))
        assert badge_page.status_code == 200
