"""Awarding to one person known by e-mail, phone number or only a name, with evidence; the
awards list of a space (search, filters, export); several status lists per issuer."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry, Membership
from blason.issuing.awarding import bulk, claim_codes, credentials, status_lists
from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award, Evidence, RecipientKind
from obcore.verify import State, verify_credential

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def award_url(world: Any, badge: Any) -> str:
    return reverse("issuing:award_new", args=[world.org_a.slug, badge.uuid])


def test_award_to_a_phone_number_shows_a_claim_code_and_sends_nothing(
    client: Any, world: Any, published: Any, mailoutbox: Any
) -> None:
    client.force_login(world.admin)
    response = client.post(
        award_url(world, published),
        {"name": "Inès", "phone": "06 12 34 56 78"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_ACCEPT="text/html",
    )
    award = Award.objects.get()
    assert (award.recipient_kind, award.recipient_phone) == (RecipientKind.PHONE, "+33612345678")
    assert award.claim_code
    assert award.claim_code in response.text
    assert mailoutbox == []
    (identifier,) = json.loads(award.credential)["credentialSubject"]["identifier"]
    assert identifier["identityType"] == "ext:phoneNumber"
    assert identifier["hashed"] is True
    assert "+336" not in award.credential
    assert identifier["salt"] == award.recipient_salt
    report = verify_credential(
        award.credential, fetcher=LocalFetcher(), recipient="+33 6 12 34 56 78"
    )
    assert report.state is State.VALID, report.checks


def test_award_to_a_name_only(client: Any, world: Any, published: Any) -> None:
    client.force_login(world.admin)
    client.post(award_url(world, published), {"name": "Yanis Moreau"})
    award = Award.objects.get()
    assert award.recipient_kind == RecipientKind.NAME
    (identifier,) = json.loads(award.credential)["credentialSubject"]["identifier"]
    assert identifier["identityType"] == "name"
    report = verify_credential(award.credential, fetcher=LocalFetcher(), recipient="Yanis Moreau")
    assert report.state is State.VALID, report.checks
    # The code is shown to the space's members on the award page, never to the public.
    page = reverse("award_public", args=[award.uuid])
    assert award.claim_code in client.get(page, HTTP_ACCEPT="text/html").text
    client.logout()
    assert award.claim_code not in client.get(page, HTTP_ACCEPT="text/html").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "12"}, "This phone number is not valid"),
        ({"narrative": "Bravo"}, "Give the recipient's e-mail address, phone number or name."),
        ({"email": "not-an-address"}, "Enter a valid email address."),
    ],
)
def test_bad_recipient_is_refused_with_the_form_kept(
    client: Any, world: Any, published: Any, data: dict[str, str], message: str
) -> None:
    client.force_login(world.admin)
    response = client.post(award_url(world, published), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert escape(message) in response.text
    assert not Award.objects.exists()


def test_evidence_link_text_and_file_are_signed_into_the_credential(
    client: Any, world: Any, published: Any
) -> None:
    client.force_login(world.admin)
    client.post(
        award_url(world, published),
        {
            "email": "samir@example.org",
            "evidence_url": "https://portfolio.example.org/samir",
            "evidence_text": "Accueil de trois visiteurs, observé par Claire.",
            "evidence_file": SimpleUploadedFile("attestation.pdf", PDF, "application/pdf"),
        },
    )
    award = Award.objects.get()
    document, observed = Evidence.objects.filter(award=award)
    served = client.get(reverse("evidence_file", args=[award.uuid, document.uuid]))
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment")
    assert b"".join(served.streaming_content) == PDF
    evidence = json.loads(award.credential)["evidence"]
    assert [item.get("id") for item in evidence] == [
        credentials.evidence_url(document),
        "https://portfolio.example.org/samir",
    ]
    assert evidence[1]["narrative"] == observed.narrative
    report = verify_credential(award.credential, fetcher=LocalFetcher())
    assert report.state is State.VALID, report.checks
    page = client.get(
        reverse("award_public", args=[award.uuid]),
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_ACCEPT="text/html",
    )
    assert "Download attestation.pdf" in page.text
    other = client.get(reverse("evidence_file", args=[award.uuid, award.uuid]))
    assert other.status_code == 404


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b'<svg onload="alert(1)"/>', b"MZ\x90\x00"],
)
def test_hostile_evidence_files_are_refused_and_nothing_is_written(
    client: Any, world: Any, published: Any, content: bytes, settings: Any
) -> None:
    client.force_login(world.admin)
    response = client.post(
        award_url(world, published),
        {
            "email": "samir@example.org",
            "evidence_file": SimpleUploadedFile("proof.pdf", content, "application/pdf"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "An evidence file must be a PDF, PNG or JPEG file." in response.text
    assert not Award.objects.exists()
    assert not Evidence.objects.exists()


def test_evidence_file_size_is_limited(world: Any, published: Any, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    big = awards.EvidenceInput(file=PDF + b"0" * 2048, file_name="big.pdf")
    # In English whatever language an earlier test's request left active in this process.
    with translation.override("en"), pytest.raises(ActionRefused, match="too large"):
        awards.award_issue(badge=published, actor=world.admin, name="X", evidence=[big])
    assert not Award.objects.exists()


def test_claim_codes_are_read_leniently() -> None:
    assert claim_codes.normalise_claim_code(" 7kq2 m9xd ") == "7KQ2-M9XD"
    assert claim_codes.normalise_claim_code("OIL0-1234") == "0110-1234"
    code = claim_codes.new_claim_code()
    assert claim_codes.normalise_claim_code(code.lower()) == code


def test_claim_codes_drawn_together_look_like_single_ones() -> None:
    codes = claim_codes.new_claim_codes(2000)
    assert len(codes) == 2000
    assert len(set(codes)) == 2000  # 40 bits each: a clash here is a broken draw
    pattern = re.compile(f"^[{claim_codes.CODE_ALPHABET}]{{4}}-[{claim_codes.CODE_ALPHABET}]{{4}}$")
    assert all(pattern.match(code) for code in codes)
    assert all(claim_codes.normalise_claim_code(code.lower()) == code for code in codes)
    # Every letter of the alphabet at every place (8 x 2000 draws over 32 letters).
    for place in (0, 3, 5, 8):
        assert {code[place] for code in codes} == set(claim_codes.CODE_ALPHABET)
    assert claim_codes.new_claim_codes(0) == []


def test_checked_recipients_are_stored_as_set_recipient_stores_them(
    world: Any, published: Any
) -> None:
    """A batch's rows (``checked``: e-mail and phone already normalised) give the same
    recipients as the same people given as typed."""
    typed = [
        bulk.Recipient(email=" Ana@Example.org "),
        bulk.Recipient(phone="06 12 34 56 78", name=" Bruno "),
        bulk.Recipient(name=" Chloé "),
    ]
    checked = [
        bulk.Recipient(email="ana@example.org", checked=True),
        bulk.Recipient(phone="+33612345678", name="Bruno", checked=True),
        bulk.Recipient(name=" Chloé ", checked=True),
    ]
    fields = ("recipient_kind", "recipient_email", "recipient_phone", "recipient_name")

    def stored(recipients: list[bulk.Recipient]) -> list[tuple[str, ...]]:
        made = bulk.award_many(badge=published, actor=world.admin, recipients=recipients)
        return [tuple(getattr(award, field) for field in fields) for award in made]

    assert stored(checked) == stored(typed)
    with pytest.raises(bulk.RecipientRefused):
        bulk.award_many(
            badge=published, actor=world.admin, recipients=[bulk.Recipient(checked=True)]
        )


def test_idempotency_keys_are_looked_up_in_their_index(published: Any) -> None:
    """Not through the badge's awards in their listing order (a bulk award's chunks would each
    read every award given before them)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans from statistics (refreshed by the batch task)")
    with CaptureQueriesContext(connection) as captured:
        assert bulk.awarded_keys(published, {"a", "b", ""}) == set()
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "issuing_award_idempotent" in plan, plan
    assert "ORDER BY" not in plan, plan


def test_backdated_awards_and_no_future_ones(world: Any, published: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    earlier = timezone.now() - timedelta(days=30)
    award = awards.award_issue(badge=published, actor=world.admin, name="A", issued_at=earlier)
    assert json.loads(award.credential)["validFrom"] == earlier.strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(ActionRefused):
        awards.award_issue(
            badge=published, actor=world.admin, name="B", issued_at=timezone.now() + timedelta(1)
        )


def test_idempotency_key_never_awards_twice(world: Any, published: Any) -> None:
    first = awards.award_issue(badge=published, actor=world.admin, name="A", idempotency_key="k")
    again = awards.award_issue(badge=published, actor=world.admin, name="A", idempotency_key="k")
    assert first.pk == again.pk
    assert Award.objects.count() == 1


def test_a_second_status_list_when_the_first_is_nearly_full(
    client: Any, world: Any, published: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(status_lists, "STATUS_LIST_SIZE", 16)
    made = [awards.award_issue(badge=published, actor=world.admin, name=f"P{n}") for n in range(16)]
    assert {a.status_list for a in made[:8]} == {1}  # a new list once one is half full
    assert {a.status_list for a in made[8:]} == {2}
    assert len({(a.status_list, a.status_index) for a in made}) == 16
    awards.award_revoke(award=made[15], actor=world.admin, reason="test")
    assert verify_credential(made[15].credential, fetcher=LocalFetcher()).state is State.REVOKED
    assert verify_credential(made[0].credential, fetcher=LocalFetcher()).state is State.VALID
    list_two = client.get(f"/issuers/{world.org_a.uuid}/status/2")
    assert list_two.status_code == 200
    assert client.get(f"/issuers/{world.org_a.uuid}/status/3").status_code == 404


class TestAwardMany:
    PEOPLE = [
        bulk.Recipient(email="Ines@Example.org", name="Inès", language="en", idempotency_key="1"),
        bulk.Recipient(phone="06 12 34 56 78", name="Samir", idempotency_key="2"),
        bulk.Recipient(name="Yanis Moreau", evidence_url="https://example.org/photo"),
    ]

    def test_same_documents_as_one_by_one(
        self, world: Any, published: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            made = bulk.award_many(badge=published, actor=world.admin, recipients=self.PEOPLE)
        assert [a.recipient_kind for a in made] == ["email", "phone", "name"]
        assert made[1].recipient_phone == "+33612345678"
        assert len({a.claim_code for a in made}) == 3
        assert len({(a.status_list, a.status_index) for a in made}) == 3
        recipients = ["ines@example.org", "+33612345678", "Yanis Moreau"]
        for award, who in zip(made, recipients, strict=True):
            stored = Award.objects.get(pk=award.pk)
            report = verify_credential(stored.credential, fetcher=LocalFetcher(), recipient=who)
            assert report.state is State.VALID, report.checks
        evidence = json.loads(made[2].credential)["evidence"]
        assert evidence[0]["id"] == "https://example.org/photo"
        assert Evidence.objects.get().award == made[2]
        (entry,) = AuditEntry.objects.filter(action="issuing.award.issued_many")
        assert entry.data["awards"] == [str(award.uuid) for award in made]
        (mail,) = smtp_server.wait_for(1)  # only the e-mail address is written to
        assert mail["To"] == "ines@example.org"
        assert "You received the badge" in mail["Subject"]  # in her language

    def test_idempotency_keys_are_awarded_once(self, world: Any, published: Any) -> None:
        first = bulk.award_many(
            badge=published, actor=world.admin, recipients=[*self.PEOPLE, self.PEOPLE[0]]
        )
        assert len(first) == 3  # the repeated key in one call too
        again = bulk.award_many(badge=published, actor=world.admin, recipients=self.PEOPLE)
        assert [a.recipient_name for a in again] == ["Yanis Moreau"]  # no key: awarded again
        assert Award.objects.count() == 4

    def test_a_refused_recipient_writes_nothing(self, world: Any, published: Any) -> None:
        people = [*self.PEOPLE, bulk.Recipient(phone="12")]
        with pytest.raises(bulk.RecipientRefused) as refused:
            bulk.award_many(badge=published, actor=world.admin, recipients=people)
        assert refused.value.position == 3
        assert not Award.objects.exists()
        assert not AuditEntry.objects.filter(action="issuing.award.issued_many").exists()

    def test_a_few_queries_for_hundreds_of_people(
        self, world: Any, published: Any, django_assert_max_num_queries: Any
    ) -> None:
        # A dozen reads, then the bulk inserts (SQLite takes about 45 awards per INSERT).
        people = [bulk.Recipient(name=f"P{n}", idempotency_key=str(n)) for n in range(300)]
        with django_assert_max_num_queries(30):
            made = bulk.award_many(badge=published, actor=world.admin, recipients=people)
        assert len(made) == 300

    def test_status_lists_fill_to_half_then_a_new_one(
        self, world: Any, published: Any, monkeypatch: Any
    ) -> None:
        monkeypatch.setattr(status_lists, "STATUS_LIST_SIZE", 16)
        awards.award_issue(badge=published, actor=world.admin, name="First")
        people = [bulk.Recipient(name=f"P{n}") for n in range(12)]
        made = bulk.award_many(badge=published, actor=world.admin, recipients=people)
        lists = [a.status_list for a in made]
        assert lists == [1] * 7 + [2] * 5
        assert len({(a.status_list, a.status_index) for a in made}) == 12
        assert all(0 <= a.status_index < 16 for a in made)


def test_a_sample_tells_a_status_list_is_far_from_half_full(
    world: Any, published: Any, monkeypatch: Any, django_assert_num_queries: Any
) -> None:
    people = [bulk.Recipient(name=f"P{n}") for n in range(60)]
    bulk.award_many(badge=published, actor=world.admin, recipients=people)
    with django_assert_num_queries(1):  # 256 random indexes looked up, nothing counted
        assert status_lists._entries_taken(world.org_a, 1, 100) < 1000
    monkeypatch.setattr(status_lists, "STATUS_LIST_SIZE", 128)
    with django_assert_num_queries(2):  # adding 60 may reach the half: counted exactly
        assert status_lists._entries_taken(world.org_a, 1, 60) == 60


def test_taken_indexes_are_those_the_orm_finds(world: Any, published: Any) -> None:
    people = [bulk.Recipient(name=f"P{n}") for n in range(40)]
    made = bulk.award_many(badge=published, actor=world.admin, recipients=people)
    used = sorted(award.status_index for award in made)
    asked = used[::3] + [index + 1 for index in used[1::3]] + [0, 131_071]
    expected = set(
        Award.objects.filter(issuer=world.org_a, status_list=1, status_index__in=asked).values_list(
            "status_index", flat=True
        )
    )
    assert expected >= set(used[::3])
    assert status_lists._taken(world.org_a, 1, asked) == expected
    assert status_lists._taken(world.org_a, 2, asked) == set()
    assert status_lists._taken(world.org_b, 1, asked) == set()
    assert status_lists._taken(world.org_a, 1, []) == set()


class TestAwardList:
    @pytest.fixture
    def many(self, world: Any, published: Any) -> list[Award]:
        made = [
            awards.award_issue(badge=published, actor=world.admin, name="Inès Haddad"),
            awards.award_issue(badge=published, actor=world.admin, email="samir@example.org"),
            awards.award_issue(
                badge=published, actor=world.admin, phone="0612345678", name="=HYPERLINK()"
            ),
        ]
        awards.award_revoke(award=made[1], actor=world.admin, reason="erreur")
        return made

    def url(self, world: Any) -> str:
        return reverse("issuing:award_list", args=[world.org_a.slug])

    def test_search_and_filters(self, client: Any, world: Any, many: list[Award]) -> None:
        client.force_login(world.admin)
        by_name = client.get(self.url(world), {"q": "inès"})
        assert "Inès Haddad" in by_name.text
        assert "samir@example.org" not in by_name.text
        code = many[1].claim_code or ""
        by_code = client.get(self.url(world), {"q": code.lower().replace("-", " ")})
        assert "samir@example.org" in by_code.text
        assert "Inès" not in by_code.text
        by_phone = client.get(self.url(world), {"q": "06 12 34"})
        assert "HYPERLINK" in by_phone.text
        assert "Inès" not in by_phone.text
        revoked = client.get(self.url(world), {"state": "revoked"})
        assert "samir@example.org" in revoked.text
        assert "Inès" not in revoked.text

    def test_export_is_a_safe_spreadsheet(self, client: Any, world: Any, many: list[Award]) -> None:
        client.force_login(world.admin)
        response = client.get(self.url(world), {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
        text = b"".join(response.streaming_content).decode()
        assert text.startswith("\ufeffBadge,Name,")
        assert "'=HYPERLINK()" in text
        assert "+33612345678" in text
        assert len(text.strip().splitlines()) == 4

    def test_bounded_queries(
        self, client: Any, world: Any, published: Any, django_assert_max_num_queries: Any
    ) -> None:
        for number in range(30):
            awards.award_issue(badge=published, actor=world.admin, name=f"P{number}")
        client.force_login(world.admin)
        with django_assert_max_num_queries(12):
            assert client.get(self.url(world)).status_code == 200

    def test_access(self, client: Any, world: Any, many: list[Award]) -> None:
        client.force_login(world.outsider)
        assert client.get(self.url(world)).status_code == 404
        client.force_login(world.member)  # a viewer: no recipients' personal data
        assert client.get(self.url(world)).status_code == 403
        Membership.objects.filter(user=world.member).update(role="reviewer")
        assert client.get(self.url(world)).status_code == 200
        csv_as_reviewer = client.get(self.url(world), {"format": "csv"})
        assert csv_as_reviewer["Content-Type"].startswith("text/html")
        client.logout()
        assert client.get(self.url(world)).status_code == 302


def test_pages_of_the_awards_list_keep_the_search(
    client: Any, world: Any, published: Any, monkeypatch: Any
) -> None:
    from blason.issuing.awarding import list_views as award_list

    monkeypatch.setattr(award_list, "PAGE_SIZE", 2)
    people = [bulk.Recipient(name=f"Inès {n}") for n in range(5)]
    bulk.award_many(badge=published, actor=world.admin, recipients=people)
    client.force_login(world.admin)
    url = reverse("issuing:award_list", args=[world.org_a.slug])
    page = client.get(url, {"q": "inès", "state": "valid"}, HTTP_ACCEPT_LANGUAGE="en")
    after = re.search(
        r'href="\?q=in%C3%A8s&amp;state=valid&amp;after=([0-9.]+)" rel="next"', page.text
    )
    assert after, page.text
    second = client.get(url, {"q": "inès", "state": "valid", "after": after[1]})
    assert 'href="?q=in%C3%A8s&amp;state=valid&amp;before=' in second.text
    assert 'rel="prev"' in second.text


def test_awards_export_by_dates_and_badge(client: Any, world: Any, published: Any) -> None:
    from datetime import datetime

    from django.utils import timezone

    made = [
        awards.award_issue(badge=published, actor=world.admin, name=name)
        for name in ("March", "April", "May")
    ]
    for award, month in zip(made, (3, 4, 5), strict=True):
        day = timezone.make_aware(datetime(2026, month, 15, 23, 30))
        Award.objects.filter(pk=award.pk).update(issued_at=day)
    client.force_login(world.admin)
    url = reverse("issuing:award_list", args=[world.org_a.slug])
    query = {"format": "csv", "since": "2026-04-15", "until": "2026-05-14"}
    text = b"".join(client.get(url, query).streaming_content).decode()
    assert "April" in text
    assert "March" not in text
    assert "May" not in text
    query = {"format": "csv", "until": "2026-05-15", "badge": str(published.uuid)}
    text = b"".join(client.get(url, query).streaming_content).decode()
    assert all(name in text for name in ("March", "April", "May"))
    wrong = client.get(url, {"format": "csv", "since": "2026-06-01", "until": "2026-05-01"})
    assert wrong.status_code == 400
    assert "Download" not in wrong.content.decode()
    assert client.get(url, {"format": "csv", "since": "yesterday"}).status_code == 400


def test_awards_export_cells_cannot_be_formulas() -> None:
    from blason.core.downloads import safe_cell as _safe_cell

    for formula in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "|cmd", "%0A"):
        assert _safe_cell(formula).startswith("'")
    assert _safe_cell("+33612345678") == "+33612345678"
    assert _safe_cell("Inès") == "Inès"


def test_awards_export_streams_in_one_query(
    client: Any, world: Any, published: Any, django_assert_max_num_queries: Any
) -> None:
    people = [bulk.Recipient(name=f"P{n}") for n in range(40)]
    bulk.award_many(badge=published, actor=world.admin, recipients=people)
    client.force_login(world.admin)
    url = reverse("issuing:award_list", args=[world.org_a.slug])
    with django_assert_max_num_queries(10):
        response = client.get(url, {"format": "csv"})
        lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 41
