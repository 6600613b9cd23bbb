"""The lists of a large event: the claims of a link and the links of a space read by keyset
pages (a stable order with ``id`` as tie-breaker, bounded queries at any depth), the search
of claims through indexes; and the backpack's list, read the same way.

Runs on SQLite and, with ``DATABASE_URL=postgres://…``, on PostgreSQL (a fragment of a name
anywhere on PostgreSQL, its start on SQLite)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from blason.core import keyset
from blason.issuing.claims import selectors as claim_selectors
from blason.issuing.claims import services as claims
from blason.issuing.claims import views as claim_views
from blason.issuing.models import Claim, ClaimLink, ClaimStatus

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


@pytest.fixture
def link(published: Any, world: Any) -> ClaimLink:
    return claims.link_create(
        badge=published, actor=world.admin, title="Forum", opens_at=None, closes_at=None
    )


def _claims(link: ClaimLink, count: int, *, same_moment_every: int = 3, **fields: Any) -> None:
    """``count`` claims of ``link``, ``same_moment_every`` sharing each timestamp."""
    made = Claim.objects.bulk_create(
        Claim(
            link=link,
            name=fields.get("name", f"Personne {n}"),
            email=fields.get("email", ""),
            phone=fields.get("phone", ""),
            status=ClaimStatus.REFUSED if n % 4 == 0 else ClaimStatus.PENDING,
        )
        for n in range(count)
    )
    for n, claim in enumerate(made):  # auto_now_add: the moments are set afterwards
        Claim.objects.filter(pk=claim.pk).update(
            created_at=MOMENT - timedelta(seconds=n // same_moment_every)
        )


def _detail(link: ClaimLink) -> str:
    return reverse("issuing:claim_link_detail", args=[link.issuer.slug, link.uuid])


def _cursors(text: str) -> dict[str, tuple[str, str]]:
    return {
        rel: (name, cursor)
        for name, cursor, rel in re.findall(r'(after|before)=([^"&]+)" rel="(next|prev)"', text)
    }


def _listed(text: str) -> list[str]:
    """The names in the table of all claims (not the waiting ones above it)."""
    return re.findall(r"<td>(Personne \d+)</td>", text.split('id="claims-title"')[1])


def _in_list_order(link: ClaimLink, **filters: Any) -> list[str]:
    rows = Claim.objects.filter(link=link, **filters).order_by("-created_at", "-id")
    return list(rows.values_list("name", flat=True))


class TestClaimPages:
    def test_forward_and_back_with_equal_timestamps(
        self, client: Any, world: Any, link: ClaimLink, monkeypatch: Any
    ) -> None:
        monkeypatch.setattr(claim_views, "CLAIMS_PAGE", 4)
        _claims(link, 10, same_moment_every=5)
        client.force_login(world.admin)
        pages = [client.get(_detail(link)).text]
        while "next" in _cursors(pages[-1]):
            name, cursor = _cursors(pages[-1])["next"]
            pages.append(client.get(_detail(link), {name: cursor}).text)
        shown = [name for page in pages for name in _listed(page)]
        assert shown == _in_list_order(link)  # newest first, then the highest id
        assert len(pages) == 3
        assert len(set(shown)) == 10
        name, cursor = _cursors(pages[2])["prev"]
        assert _listed(client.get(_detail(link), {name: cursor}).text) == _listed(pages[1])

    def test_a_status_keeps_its_pages(
        self, client: Any, world: Any, link: ClaimLink, monkeypatch: Any
    ) -> None:
        monkeypatch.setattr(claim_views, "CLAIMS_PAGE", 3)
        _claims(link, 20)
        client.force_login(world.admin)
        first = client.get(_detail(link), {"status": "refused"}).text
        name, cursor = _cursors(first)["next"]
        assert "status=refused" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
        second = client.get(_detail(link), {"status": "refused", name: cursor}).text
        assert _listed(first) + _listed(second) == _in_list_order(link, status="refused")[:6]

    def test_deep_page_queries_do_not_grow(
        self, client: Any, world: Any, link: ClaimLink, django_assert_max_num_queries: Any
    ) -> None:
        _claims(link, 130)
        client.force_login(world.admin)
        deep = Claim.objects.filter(link=link).order_by("-created_at", "-id")[110]
        cursor = keyset.Cursor(deep.created_at, deep.pk).encode()
        for params in ({}, {"after": cursor}, {"before": cursor}, {"q": "personne 11"}):
            with django_assert_max_num_queries(16):
                assert client.get(_detail(link), params).status_code == 200
        shown = _listed(client.get(_detail(link), {"after": cursor}).text)
        assert shown == _in_list_order(link)[111:161]

    def test_each_row_links_and_posts_to_its_own_claim(
        self, client: Any, world: Any, link: ClaimLink
    ) -> None:
        """The rows' addresses are made from one reversed route (``site.path_for_each``):
        each is the route's own, and the forms act on their row's claim."""
        _claims(link, 8)
        client.force_login(world.admin)
        page = client.get(_detail(link)).text
        waiting = Claim.objects.filter(link=link, status=ClaimStatus.PENDING)
        slug = link.issuer.slug
        for claim in waiting:
            for action in ("claim_approve", "claim_refuse"):
                path = reverse(f"issuing:{action}", args=[slug, link.uuid, claim.uuid])
                assert f'action="{path}"' in page
        first, second = waiting.order_by("created_at")[:2]
        approve = reverse("issuing:claim_approve", args=[slug, link.uuid, first.uuid])
        assert client.post(approve).status_code == 302
        refuse = reverse("issuing:claim_refuse", args=[slug, link.uuid, second.uuid])
        assert client.post(refuse, {"reason": "Pas présent au forum"}).status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == (ClaimStatus.ISSUED, ClaimStatus.REFUSED)
        assert first.award is not None
        page = client.get(_detail(link)).text
        award = reverse("award_public", args=[first.award.uuid])
        assert f'<a href="{award}">{first.name}</a>' in page


class TestClaimSearch:
    @pytest.fixture
    def people(self, link: ClaimLink) -> None:
        for name, email, phone in [
            ("Samir Haddad", "samir.bensaid@example.org", ""),
            ("Awa Diallo", "", "+33612345678"),
            ("Léa Martin", "lea@example.org", ""),
        ]:
            claims.claim_make(link=link, name=name, email=email, phone=phone)

    def found(self, link: ClaimLink, text: str) -> set[str]:
        return set(claim_selectors.claim_rows(link, search=text).values_list("name", flat=True))

    def test_on_every_database(self, link: ClaimLink, people: None) -> None:
        assert self.found(link, "samir") == {"Samir Haddad"}
        assert self.found(link, "SAMIR.BENSAID@") == {"Samir Haddad"}
        assert self.found(link, "06 12 34") == {"Awa Diallo"}
        assert self.found(link, "+33 6 12") == {"Awa Diallo"}
        assert self.found(link, "lea@") == {"Léa Martin"}
        assert self.found(link, "nobody") == set()
        if connection.vendor == "postgresql":  # a fragment anywhere
            assert self.found(link, "haddad") == {"Samir Haddad"}
            assert self.found(link, "bensaid") == {"Samir Haddad"}
        else:  # SQLite: the start only (what its indexes find)
            assert self.found(link, "haddad") == set()

    def test_search_uses_an_index(self, link: ClaimLink, people: None) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                for text, index in [
                    ("haddad", "issuing_claim_name_trgm"),
                    ("bensaid", "issuing_claim_email_trgm"),
                    ("samir.bensaid@", "issuing_claim_email_prefix"),
                    ("06 12 34", "issuing_claim_phone_prefix"),
                ]:
                    rows = claim_selectors.search_claims(Claim.objects.all(), text).values("pk")
                    sql, params = rows.query.sql_with_params()
                    cursor.execute(f"EXPLAIN {sql}", params)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    assert index in plan, plan
            else:
                for text, index in [
                    ("samir", "issuing_claim_name_nocase"),
                    ("06 12 34", "issuing_claim_phone"),
                ]:
                    rows = claim_selectors.claim_rows(link, search=text)
                    query = rows.order_by("-created_at", "-id")[:51].query
                    sql, params = query.sql_with_params()
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                    plan = "\n".join(str(row) for row in cursor.fetchall())
                    assert index in plan, plan

    def test_the_page_shows_what_matches(
        self, client: Any, world: Any, link: ClaimLink, people: None
    ) -> None:
        client.force_login(world.admin)
        page = client.get(_detail(link), {"q": "samir"}).text.split('id="claims-title"')[1]
        assert "Samir Haddad" in page
        assert "Awa Diallo" not in page


class TestLinkList:
    def test_pages_and_counts(
        self,
        client: Any,
        world: Any,
        published: Any,
        monkeypatch: Any,
        django_assert_max_num_queries: Any,
    ) -> None:
        monkeypatch.setattr(claim_views, "LINKS_PAGE", 3)
        links = [
            claims.link_create(
                badge=published,
                actor=world.admin,
                title=f"Salon {n}",
                opens_at=None,
                closes_at=None,
            )
            for n in range(7)
        ]
        ClaimLink.objects.filter(pk__in=[lk.pk for lk in links]).update(created_at=MOMENT)
        _claims(links[0], 8)  # 2 refused, 6 waiting
        url = reverse("issuing:claim_link_list", args=[world.org_a.slug])
        client.force_login(world.admin)
        shown: list[str] = []
        params: dict[str, str] = {}
        while True:
            with django_assert_max_num_queries(12):
                page = client.get(url, params).text
            shown += re.findall(r">(Salon \d+)<", page)
            if "next" not in _cursors(page):
                break
            name, cursor = _cursors(page)["next"]
            params = {name: cursor}
        # Equal timestamps: the highest id first, each link once.
        assert shown == [f"Salon {n}" for n in range(6, -1, -1)]
        counted = claim_selectors.counted([ClaimLink.objects.get(pk=links[0].pk)])[0]
        assert (counted.taken, counted.waiting) == (6, 6)  # type: ignore[attr-defined]
        assert claim_selectors.counted([]) == []

    def test_counts_stop_at_the_threshold(
        self, client: Any, world: Any, link: ClaimLink, monkeypatch: Any
    ) -> None:
        monkeypatch.setattr(claim_selectors, "COUNT_THRESHOLD", 3)  # a link's page
        monkeypatch.setattr(claim_selectors, "LIST_COUNT_THRESHOLD", 3)  # lists of links
        _claims(link, 8)  # 6 hold a place, all 6 waiting
        shown = claim_selectors.counted([ClaimLink.objects.get(pk=link.pk)])[0]
        assert shown.taken_text == "3+"  # type: ignore[attr-defined]
        assert shown.waiting_text == "3+"  # type: ignore[attr-defined]
        assert shown.left is None  # type: ignore[attr-defined]
        client.force_login(world.admin)
        assert "<strong>3+</strong>" in client.get(_detail(link)).text
        # A maximum past the threshold: the places left are still exact.
        ClaimLink.objects.filter(pk=link.pk).update(max_claims=10)
        shown = claim_selectors.counted([ClaimLink.objects.get(pk=link.pk)])[0]
        assert shown.left == 4  # type: ignore[attr-defined]
        # What the claim page reads: nothing counted without a maximum, up to it with one.
        ClaimLink.objects.filter(pk=link.pk).update(max_claims=None)
        assert claim_selectors.taken_for_state(ClaimLink.objects.get(pk=link.pk)) == 0
        ClaimLink.objects.filter(pk=link.pk).update(max_claims=5)
        full = ClaimLink.objects.get(pk=link.pk)
        assert claim_selectors.taken_for_state(full) == 5
        assert claim_selectors.link_state(full, taken=5) == claim_selectors.LinkState.FULL


class TestBackpackPages:
    def test_forward_and_back_with_equal_timestamps(
        self, client: Any, world: Any, monkeypatch: Any
    ) -> None:
        from blason.backpack import item_views
        from blason.backpack.models import Item

        monkeypatch.setattr(item_views, "PAGE_SIZE", 3)
        made = [
            Item.objects.create(
                owner=world.member,
                source="import",
                received=b"{}",
                received_format="json",
                received_sha256="0" * 64,
                credential="{}",
                credential_key=f"urn:example:{n}",
                identity=f"{n:064d}",
                name=f"Badge {n}",
                status="valid",
                checked_at=datetime.now(UTC),
            )
            for n in range(7)
        ]
        Item.objects.filter(pk__in=[item.pk for item in made]).update(added_at=MOMENT)
        client.force_login(world.member)
        url = reverse("backpack:list")
        pages = [client.get(url).text]
        while "next" in _cursors(pages[-1]):
            name, cursor = _cursors(pages[-1])["next"]
            pages.append(client.get(url, {name: cursor}).text)
        shown = [name for page in pages for name in re.findall(r">(Badge \d+)<", page)]
        assert shown == [f"Badge {n}" for n in range(6, -1, -1)]
        name, cursor = _cursors(pages[2])["prev"]
        back = client.get(url, {name: cursor}).text
        assert re.findall(r">(Badge \d+)<", back) == re.findall(r">(Badge \d+)<", pages[1])
