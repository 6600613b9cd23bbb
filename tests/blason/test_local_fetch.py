"""This site's documents are read from what is stored, never through its views, and say the
same bytes as the views answer a verifier."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from blason.core.site import absolute
from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award, KeyAlgorithm
from blason.issuing.signing import keys
from obcore.fetch import FetchError
from obcore.verify import State, verify_credential

pytestmark = pytest.mark.django_db
LD = {"HTTP_ACCEPT": "application/ld+json"}


@pytest.fixture
def award(world: Any, published: Any) -> Award:
    return awards.award_issue(badge=published, actor=world.admin, email="samir@example.org")


def document_paths(award: Award) -> list[str]:
    issuer = award.issuer
    ed25519 = keys.active_key(issuer)
    rsa = keys.active_key(issuer, KeyAlgorithm.RSA)
    return [
        reverse("issuer_profile", args=[issuer.uuid]),
        reverse("issuer_did", args=[issuer.uuid]),
        reverse("issuer_key", args=[issuer.uuid, ed25519.fragment]),
        reverse("issuer_key", args=[issuer.uuid, rsa.fragment]),
        reverse("issuer_jwks", args=[issuer.uuid]),
        reverse("issuer_ob2", args=[issuer.uuid]),
        reverse("issuer_ob2_key", args=[issuer.uuid, rsa.fragment]),
        reverse("issuer_status_list", args=[issuer.uuid, award.status_list]),
        reverse("issuer_ob2_revocations", args=[issuer.uuid]),
        reverse("badge_ob2", args=[award.badge.uuid]),
        reverse("award_public", args=[award.uuid]),
        reverse("award_ob2", args=[award.uuid]),
    ]


def test_every_document_is_what_its_view_serves(
    client: Any, award: Award, django_assert_max_num_queries: Any
) -> None:
    for path in document_paths(award):
        served = client.get(path, **LD)
        assert served.status_code == 200, path
        with django_assert_max_num_queries(6):
            fetched = LocalFetcher()(absolute(path))
        assert fetched.body == served.content, path
        assert fetched.content_type == served["Content-Type"], path


def test_views_are_not_run(client: Any, award: Award, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.handlers import base

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a view was run")

    monkeypatch.setattr(base.BaseHandler, "get_response", refuse)
    monkeypatch.setattr("django.test.RequestFactory.get", refuse)
    report = verify_credential(award.credential, fetcher=LocalFetcher())
    assert report.state is State.VALID


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("missing_award", "not_found"),
        ("html_page", "not_found"),
        ("no_route", "not_found"),
        ("revoked_ob2", "gone"),
    ],
)
def test_errors_keep_their_meaning(world: Any, award: Award, route: str, reason: str) -> None:
    if route == "revoked_ob2":
        awards.award_revoke(award=award, actor=world.admin, reason="Erreur.")
    path = {
        "missing_award": "/awards/00000000-0000-4000-8000-000000000000",
        "html_page": reverse("badge_public", args=[award.badge.uuid]),
        "no_route": "/nothing/here",
        "revoked_ob2": reverse("award_ob2", args=[award.uuid]),
    }[route]
    with pytest.raises(FetchError) as caught:
        LocalFetcher()(absolute(path))
    assert caught.value.reason == reason


def test_other_sites_go_to_the_fallback() -> None:
    with pytest.raises(FetchError) as caught:
        LocalFetcher()("https://elsewhere.example/issuer")
    assert caught.value.reason == "not_found"
