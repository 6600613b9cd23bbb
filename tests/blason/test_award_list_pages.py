"""The award list of a large space: keyset pages, counts that stop, a search that uses indexes.

Runs on SQLite and, with ``DATABASE_URL=postgres://…``, on PostgreSQL (each database's own
search rules are checked: a fragment anywhere on PostgreSQL, the start on SQLite)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from blason.core import keyset
from blason.issuing.awarding import selectors
from blason.issuing.models import Award

MOMENT = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


def _awards(world: Any, count: int, *, same_moment_every: int = 3, **fields: Any) -> list[Award]:
    """``count`` awards of organisation A, ``same_moment_every`` sharing each timestamp."""
    start = Award.objects.filter(issuer=world.org_a).count()
    return Award.objects.bulk_create(
        Award(
            badge=world.badge_a,
            issuer=world.org_a,
            credential="{}",
            status_index=start + n,
            issued_at=MOMENT - timedelta(seconds=n // same_moment_every),
            recipient_name=fields.get("name", f"Personne {n}"),
            recipient_email=fields.get("email", ""),
            recipient_phone=fields.get("phone", ""),
            claim_code=fields.get("code"),
        )
        for n in range(count)
    )


def _url(world: Any) -> str:
    return reverse("issuing:award_list", args=[world.org_a.slug])


def _links(text: str) -> dict[str, str]:
    return {
        rel: cursor
        for name, cursor, rel in re.findall(r'(after|before)=([^"&]+)" rel="(next|prev)"', text)
    }


def _names(text: str) -> list[str]:
    return re.findall(r">(Personne \d+)</a>", text)


def _in_list_order(world: Any) -> list[str]:
    """The names in the list's order: newest first, then the highest ``id`` first."""
    listed = Award.objects.filter(issuer=world.org_a).order_by("-issued_at", "-id")
    return list(listed.values_list("recipient_name", flat=True))


class TestKeysetPages:
    def test_forward_and_back_with_equal_timestamps(self, world: Any) -> None:
        _awards(world, 23, same_moment_every=4)
        every = Award.objects.filter(issuer=world.org_a)
        expected = list(every.order_by("-issued_at", "-id").values_list("id", flat=True))
        seen: list[int] = []
        pages = []
        after = None
        while True:
            page = keyset.keyset_page(
                every, after=after, before=None, size=5, moment_field="issued_at"
            )
            pages.append(page)
            seen += [award.pk for award in page]
            if not page.has_next:
                break
            after = page.next_cursor
        assert seen == expected  # no row twice, none skipped, in the list's order
        assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
        assert pages[0].first
        assert not pages[0].has_previous
        # Back from the last page: the same pages, in reverse.
        back: list[list[int]] = []
        page = pages[-1]
        while page.has_previous:
            page = keyset.keyset_page(
                every, after=None, before=page.previous_cursor, size=5, moment_field="issued_at"
            )
            back.append([award.pk for award in page])
        assert back == [[a.pk for a in p] for p in pages[-2::-1]]
        assert page.first

    def test_cursor_round_trip(self) -> None:
        cursor = keyset.Cursor(MOMENT, 42)
        assert keyset.Cursor.decode(cursor.encode()) == cursor

    @pytest.mark.parametrize(
        "tampered",
        [
            "",
            "abc",
            "1.2.3",
            "-5.3",
            "12.-1",
            "9" * 60,
            "1e9.3",
            "1765076400000000.0",
            "99999999999999999.1",
            "1.99999999999999999999",
            "\x00",
            "\uff11\uff12.\uff13",
        ],
    )
    def test_tampered_cursors_give_the_first_page(
        self, client: Any, world: Any, tampered: str
    ) -> None:
        _awards(world, 3)
        client.force_login(world.admin)
        for name in ("after", "before"):
            response = client.get(_url(world), {name: tampered})
            assert response.status_code == 200
            assert _names(response.text) == _in_list_order(world)

    def test_pages_through_the_view(self, client: Any, world: Any, monkeypatch: Any) -> None:
        from blason.issuing.awarding import list_views

        monkeypatch.setattr(list_views, "PAGE_SIZE", 4)
        _awards(world, 10, same_moment_every=5)
        client.force_login(world.admin)
        first = client.get(_url(world), HTTP_ACCEPT_LANGUAGE="fr")
        assert "Suivants" in first.text
        assert "Précédents" not in first.text
        second = client.get(_url(world), {"after": _links(first.text)["next"]})
        third = client.get(_url(world), {"after": _links(second.text)["next"]})
        shown = _names(first.text) + _names(second.text) + _names(third.text)
        assert shown == _in_list_order(world)
        assert len(set(shown)) == 10
        assert "next" not in _links(third.text)
        back = client.get(_url(world), {"before": _links(third.text)["prev"]})
        assert _names(back.text) == _names(second.text)

    def test_deep_page_queries_do_not_grow(
        self, client: Any, world: Any, django_assert_max_num_queries: Any
    ) -> None:
        awards = _awards(world, 120)
        client.force_login(world.admin)
        cursor = keyset.Cursor(awards[100].issued_at, awards[100].pk).encode()
        for params in ({}, {"after": cursor}, {"before": cursor}, {"q": "personne 11"}):
            with django_assert_max_num_queries(12):
                assert client.get(_url(world), params).status_code == 200


class TestCounts:
    def test_exact_below_the_threshold(self, world: Any) -> None:
        _awards(world, 7)
        count = keyset.bounded_count(Award.objects.filter(issuer=world.org_a), threshold=10)
        assert count == keyset.Count(7)

    def test_more_than_the_threshold(self, client: Any, world: Any, monkeypatch: Any) -> None:
        _awards(world, 12)
        postgres = connection.vendor == "postgresql"
        if postgres:  # the planner's statistics, as autovacuum keeps them
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE issuing_award")
        count = keyset.bounded_count(Award.objects.filter(issuer=world.org_a), threshold=10)
        if postgres:  # past the threshold, the estimate (no row read)
            assert count == keyset.Count(0, about=12)
        else:
            assert count == keyset.Count(10, more=True)
        monkeypatch.setattr(keyset, "COUNT_THRESHOLD", 10)
        client.force_login(world.admin)
        english = client.get(_url(world), HTTP_ACCEPT_LANGUAGE="en")
        french = client.get(_url(world), HTTP_ACCEPT_LANGUAGE="fr")
        if postgres:
            assert "About 12 awards" in english.text
            assert "Environ 12 attributions" in french.text
        else:
            assert "More than 10 awards" in english.text
            assert "Plus de 10 attributions" in french.text

    def test_estimates_are_rounded(self) -> None:
        assert keyset._rounded(1_234_567) == 1_200_000
        assert keyset._rounded(98) == 98
        assert keyset._rounded(10_051) == 10_000

    def test_estimate(self, world: Any) -> None:
        _awards(world, 5)
        estimate = keyset.estimated_count(Award.objects.filter(issuer=world.org_a))
        if connection.vendor == "postgresql":
            assert isinstance(estimate, int)
            assert estimate >= 1
        else:
            assert estimate is None


class TestSearch:
    @pytest.fixture
    def people(self, world: Any) -> dict[str, Award]:
        made = {
            "ines": _awards(world, 1, name="Inès Haddad-Roux", code="7KQ2-M9XD")[0],
            "samir": _awards(world, 1, name="", email="samir.bensaid@example.org")[0],
            "phone": _awards(world, 1, name="Awa Diallo", phone="+33612345678")[0],
        }
        # Another space's award with the same name is never found here.
        Award.objects.create(
            badge=world.badge_b,
            issuer=world.org_b,
            credential="{}",
            status_index=0,
            issued_at=MOMENT,
            recipient_name="Inès Haddad-Roux",
        )
        return made

    def found(self, world: Any, text: str) -> set[str]:
        rows = selectors.award_rows(world.org_a, search=text)
        return {a.recipient_name or a.recipient_email for a in rows}

    def test_on_every_database(self, world: Any, people: dict[str, Award]) -> None:
        assert self.found(world, "inès") == {"Inès Haddad-Roux"}
        assert self.found(world, "iNès HAD") == {"Inès Haddad-Roux"}
        assert self.found(world, "samir.bensaid@example.org") == {"samir.bensaid@example.org"}
        assert self.found(world, "Samir.Bensaid@") == {"samir.bensaid@example.org"}
        assert self.found(world, "06 12 34") == {"Awa Diallo"}
        assert self.found(world, "+33 6 12 34 56 78") == {"Awa Diallo"}
        assert self.found(world, "7kq2 m9xd") == {"Inès Haddad-Roux"}
        assert self.found(world, "0033 6 12 34 56") == {"Awa Diallo"}
        assert self.found(world, "Inès Haddad-Roux") == {"Inès Haddad-Roux"}
        assert self.found(world, "7KQ2-M9XE") == set()  # another code: not a name fragment
        assert self.found(world, "personne inconnue") == set()
        assert self.found(world, "%") == set()
        assert self.found(world, "_") == set()

    def test_a_code_of_digits_only_is_found(self, world: Any) -> None:
        _awards(world, 1, name="Léa Petit", code="2345-6789")
        assert self.found(world, "2345 6789") == {"Léa Petit"}

    def test_fragments(self, world: Any, people: dict[str, Award]) -> None:
        if connection.vendor == "postgresql":  # anywhere in the name, e-mail or number
            assert self.found(world, "haddad") == {"Inès Haddad-Roux"}
            assert self.found(world, "bensaid") == {"samir.bensaid@example.org"}
            assert self.found(world, "diallo") == {"Awa Diallo"}
        else:  # SQLite: the start only (what its indexes find)
            assert self.found(world, "haddad") == set()
            assert self.found(world, "awa") == {"Awa Diallo"}

    def test_search_uses_an_index(self, world: Any, people: dict[str, Award]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The trigram indexes match the expressions the search compares (tiny tables:
                # the planner is told not to scan them).
                cursor.execute("SET LOCAL enable_seqscan = off")
                for text, index in [
                    ("haddad", "issuing_award_name_trgm"),
                    ("bensaid", "issuing_award_email_trgm"),
                    ("samir.bensaid@", "issuing_award_email_prefix"),
                    ("06 12 34", "issuing_award_phone_prefix"),
                ]:
                    rows = selectors.search_awards(Award.objects.all(), text).values("pk")
                    sql, params = rows.query.sql_with_params()
                    cursor.execute(f"EXPLAIN {sql}", params)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    assert index in plan, plan
            else:
                rows = selectors.award_rows(world.org_a, search="haddad")
                sql, params = rows.order_by("-issued_at", "-id")[:51].query.sql_with_params()
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                plan = "\n".join(str(row) for row in cursor.fetchall())
                assert "issuing_award_name_nocase" in plan, plan
                assert "issuing_award_email" in plan, plan

    def test_lookups_by_address_and_claimant_use_an_index(self, world: Any) -> None:
        """What the backpack and the claims look awards up by: on PostgreSQL the pattern
        indexes serve equality (migration 0013 dropped the plain ones), and the claimant's
        index, which holds claimed awards only, serves a lookup of one person's."""
        postgres = connection.vendor == "postgresql"
        lookups = [
            (
                Award.objects.filter(recipient_email__in=["awa@example.org", "b@example.org"]),
                "issuing_award_email_prefix" if postgres else "issuing_award_email",
            ),
            (
                Award.objects.filter(recipient_phone="+33612345678"),
                "issuing_award_phone_prefix" if postgres else "issuing_award_phone",
            ),
            (Award.objects.filter(claimed_by=world.admin), "issuing_award_claimed"),
        ]
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables
            for rows, index in lookups:
                sql, params = rows.values("pk").query.sql_with_params()
                cursor.execute(f"EXPLAIN {'' if postgres else 'QUERY PLAN '}{sql}", params)
                plan = "\n".join(str(row) for row in cursor.fetchall())
                assert index in plan, plan

    def test_the_page_shows_what_matches(
        self, client: Any, world: Any, people: dict[str, Award]
    ) -> None:
        client.force_login(world.admin)
        page = client.get(_url(world), {"q": "7KQ2M9XD"}, HTTP_ACCEPT_LANGUAGE="en")
        assert "Inès Haddad-Roux" in page.text
        assert "Awa Diallo" not in page.text
        assert "One award" in page.text
