"""Reading never writes: what a page or a document shows is read, never created on the way.

An issuer's signing keys are made with the issuer, so no public document or download makes
one: each GET below runs no INSERT, UPDATE or DELETE (checked on the SQL sent, so on SQLite no
request takes the database-wide write lock), and leaves every table's row count as it was. The
one cache a public document keeps, the signed status list (``StatusListCache``), is written at
most once per revision of the list; reading it again writes nothing. An issuer without a key
(which the site never makes) gets a 503 saying so, and still nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry, Issuer
from blason.issuing.awarding import services as awards
from blason.issuing.documents import urls as documents_urls
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.documents.published import ROUTES, NotPublished, published
from blason.issuing.models import Award, KeyAlgorithm, SigningKey
from blason.issuing.signing import keys
from blason.peers import endorsements
from blason.peers.models import Validation
from obcore.fetch import FetchError

pytestmark = pytest.mark.django_db
LD = {"HTTP_ACCEPT": "application/ld+json"}
HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b|\bFOR UPDATE\b", re.IGNORECASE)


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@contextmanager
def _writes() -> Iterator[list[str]]:
    """The write statements sent while the block runs (filled in when it ends)."""
    found: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield found
    found.extend(query["sql"] for query in captured.captured_queries if WRITE.search(query["sql"]))


@pytest.fixture
def award(world: Any, published: Any) -> Award:
    return awards.award_issue(
        badge=published, actor=world.admin, email="samir@example.org", name="Samir"
    )


def _document_urls(issuer: Issuer, award: Award) -> list[tuple[str, dict[str, str]]]:
    ed25519 = keys.active_key(issuer, KeyAlgorithm.ED25519)
    rsa = keys.active_key(issuer, KeyAlgorithm.RSA)
    base, badge = f"/issuers/{issuer.uuid}", award.badge.uuid
    return [
        (f"{base}", LD),
        (f"{base}", HTML),
        (f"{base}/did.json", LD),
        (f"{base}/keys/{ed25519.fragment}", LD),
        (f"{base}/keys/{rsa.fragment}", LD),
        (f"{base}/jwks.json", LD),
        (f"{base}/ob2", LD),
        (f"{base}/ob2/keys/{rsa.fragment}", LD),
        (f"{base}/ob2/revocations", LD),
        (f"/badges/{badge}", HTML),
        (f"/badges/{badge}/ob2", LD),
        (f"/badges/{badge}/image", LD),
        (f"/awards/{award.uuid}", LD),
        (f"/awards/{award.uuid}", HTML),
        (f"/awards/{award.uuid}/ob2", LD),
        (f"/awards/{award.uuid}/ob2/badge.png", LD),
        (f"/awards/{award.uuid}/ob2/signed.jws", LD),
        (f"/awards/{award.uuid}/credential.jwt", LD),
        (f"/awards/{award.uuid}/badge.png", LD),
        (f"/awards/{award.uuid}/badge.svg", LD),
    ]


def test_no_public_document_or_download_writes(client: Any, world: Any, award: Award) -> None:
    rows, audit = _rows(), AuditEntry.objects.count()
    for url, accept in _document_urls(world.org_a, award):
        with _writes() as writes:
            response = client.get(url, **accept)
        assert response.status_code == 200, url
        assert writes == [], url
    assert _rows() == rows
    assert AuditEntry.objects.count() == audit


def test_every_public_address_of_issued_badges_is_read_without_writing(
    client: Any, world: Any, published: Any
) -> None:
    """Each route of ``issuing/documents/urls.py`` (the stable public addresses) is read here:
    the documents above, and the award's preview image, its full verification and its evidence
    file; once the status list is built (its own cache), none of them writes."""
    award = awards.award_issue(
        badge=published,
        actor=world.admin,
        email="samir@example.org",
        name="Samir",
        evidence=[awards.EvidenceInput(file=b"%PDF-1.4\n% evidence\n", file_name="plan.pdf")],
    )
    evidence = award.evidence.get()
    issuer = world.org_a
    more = [
        (f"/issuers/{issuer.uuid}/status/1", LD),
        (f"/awards/{award.uuid}/preview.png", HTML),
        (f"/awards/{award.uuid}/verify", HTML),
        (f"/awards/{award.uuid}/evidence/{evidence.uuid}", HTML),
    ]
    urls = _document_urls(issuer, award) + more
    routes = {pattern.name for pattern in documents_urls.urlpatterns}
    assert {resolve(url).url_name for url, _accept in urls} == routes
    client.get(more[0][0], **LD)  # the status list's cache, built once (test below)
    rows, audit = _rows(), AuditEntry.objects.count()
    for url, accept in urls:
        with _writes() as writes:
            response = client.get(url, **accept)
            # A streamed answer is read through too; the test client then closes it as a
            # server would (closing it here again would end the test's database connection).
            response.getvalue()
        assert response.status_code == 200, url
        assert writes == [], url
    assert _rows() == rows
    assert AuditEntry.objects.count() == audit


def test_the_rs256_forms_of_an_issuer_whose_keys_were_never_used_write_nothing(
    client: Any, world: Any, award: Award
) -> None:
    """The RSA key was made with the issuer; the first RS256 download only reads it."""
    rsa = keys.active_key(world.org_a, KeyAlgorithm.RSA)
    rows = _rows()
    for url in (f"/awards/{award.uuid}/ob2/signed.jws", f"/awards/{award.uuid}/credential.jwt"):
        with _writes() as writes:
            assert client.get(url).status_code == 200
        assert writes == []
    assert _rows() == rows
    assert list(SigningKey.objects.filter(issuer=world.org_a, algorithm="RSA")) == [rsa]


def test_the_status_list_writes_only_its_own_cache_once_per_revision(
    client: Any, world: Any, award: Award
) -> None:
    url = f"/issuers/{world.org_a.uuid}/status/1"
    rows = _rows()
    with _writes() as writes:
        first = client.get(url, **LD)
    assert first.status_code == 200
    assert writes  # the list is signed and kept: the capture sees writes when there are some
    assert all('"issuing_statuslistcache"' in sql for sql in writes), writes
    changed = {label for label, count in _rows().items() if count != rows.get(label)}
    assert changed <= {"issuing.StatusListCache"}
    with _writes() as writes:
        again = client.get(url, **LD)
    assert (again.status_code, again.content, writes) == (200, first.content, [])


def test_what_own_site_verification_reads_writes_nothing(world: Any, award: Award) -> None:
    """Every document ``published`` answers (what LocalFetcher reads) is read only."""
    ed25519 = keys.active_key(world.org_a, KeyAlgorithm.ED25519)
    rsa = keys.active_key(world.org_a, KeyAlgorithm.RSA)
    issuer = {"issuer_uuid": world.org_a.uuid}
    arguments = {
        "issuer_profile": issuer,
        "issuer_did": issuer,
        "issuer_key": {**issuer, "fragment": ed25519.fragment},
        "issuer_jwks": issuer,
        "issuer_ob2": issuer,
        "issuer_ob2_key": {**issuer, "fragment": rsa.fragment},
        "issuer_status_list": {**issuer, "number": 1},
        "issuer_ob2_revocations": issuer,
        "badge_ob2": {"badge_uuid": award.badge.uuid},
        "award_public": {"award_uuid": award.uuid},
        "award_ob2": {"award_uuid": award.uuid},
    }
    assert set(arguments) == set(ROUTES)
    published("issuer_status_list", arguments["issuer_status_list"])  # its cache, built once
    rows = _rows()
    for name, kwargs in arguments.items():
        with _writes() as writes:
            assert published(name, kwargs).status == 200
        assert writes == [], name
    assert _rows() == rows


def test_a_missing_rsa_key_is_a_503_page_in_the_persons_language(
    client: Any, world: Any, award: Award
) -> None:
    SigningKey.objects.filter(issuer=world.org_a, algorithm="RSA").delete()
    rows = _rows()
    for url in (f"/awards/{award.uuid}/ob2/signed.jws", f"/awards/{award.uuid}/credential.jwt"):
        with _writes() as writes:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 503
        assert response["Content-Type"].startswith("text/html")
        text = unescape(response.content.decode())
        assert "La clé de signature de l'émetteur pour ce format manque" in text
        assert f'href="/awards/{award.uuid}"' in text  # the way back to the badge
        assert writes == []
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        english = unescape(response.content.decode())
        assert "The issuer's signing key for this form is missing" in english
    assert _rows() == rows
    assert not SigningKey.objects.filter(issuer=world.org_a, algorithm="RSA").exists()


def test_a_missing_ed25519_key_leaves_the_status_list_unavailable_not_made(
    client: Any, world: Any, award: Award
) -> None:
    SigningKey.objects.filter(issuer=world.org_a, algorithm="Ed25519").delete()
    url = f"/issuers/{world.org_a.uuid}/status/1"
    response = client.get(url, **LD)
    assert response.status_code == 503
    assert response.json()["error"] == "signing_key_missing"
    served = published("issuer_status_list", {"issuer_uuid": world.org_a.uuid, "number": 1})
    assert (served.status, served.body) == (503, response.content)
    with pytest.raises(FetchError) as raised:
        LocalFetcher()(f"http://testserver{url}")
    assert raised.value.reason == "http_error"
    assert not SigningKey.objects.filter(issuer=world.org_a, algorithm="Ed25519").exists()


def test_awarding_with_a_missing_key_is_refused_plainly(
    client: Any, world: Any, published: Any
) -> None:
    SigningKey.objects.filter(issuer=world.org_a, algorithm="Ed25519").delete()
    with pytest.raises(ActionRefused, match="Il manque une des clés de signature de cet espace"):
        awards.award_issue(badge=published, actor=world.admin, email="samir@example.org")
    client.force_login(world.admin)
    url = reverse("issuing:award_new", args=[world.org_a.slug, published.uuid])
    response = client.post(url, {"email": "samir@example.org", "submission": "1"})
    assert response.status_code == 400
    assert "Il manque une des clés de signature de cet espace" in unescape(
        response.content.decode()
    )
    assert not Award.objects.exists()
    assert not SigningKey.objects.filter(issuer=world.org_a, algorithm="Ed25519").exists()


def test_unknown_documents_are_not_published(world: Any) -> None:
    with pytest.raises(NotPublished):
        published("issuer_key", {"issuer_uuid": world.org_a.uuid, "fragment": "key-none"})


def test_a_validators_signing_name_is_read_without_making_their_issuer(world: Any) -> None:
    before = Issuer.objects.count()
    name = endorsements.validator_name(Validation(validator=world.member))
    assert name == "Bob"
    assert Issuer.objects.count() == before
