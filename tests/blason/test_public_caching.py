"""Public pages and verification served from caches (issue 18): conditional GET, what proxies
may keep, per-visitor content never shared, and a revocation seen at once by every page, the
award's JSON and verification, and the status list — also while the pages are under load."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blason.core import page_cache
from blason.issuing.awarding import services as awards
from blason.issuing.awarding import status_lists
from blason.issuing.models import Award
from blason.verification import results
from obcore.status import BitstringStatusList

pytestmark = pytest.mark.django_db
HTML = {"HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en"}
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


@pytest.fixture
def award(world: Any, published: Any) -> Award:
    return awards.award_issue(
        badge=published, actor=world.admin, email="samir@example.org", name="Samir"
    )


def _status_bit(issuer: Any, award: Award) -> bool:
    response = Client().get(f"/issuers/{issuer.uuid}/status/1")
    subject = json.loads(response.content)["credentialSubject"]
    return bool(BitstringStatusList.decode(subject["encodedList"]).get(award.status_index))


def _verify_post(client: Client, award: Award) -> str:
    return client.post("/verify/", {"text": award.credential}, **HTML).text


def test_the_award_page_is_shared_revalidated_and_follows_a_revocation(
    world: Any, award: Award
) -> None:
    visitor = Client()
    first = visitor.get(f"/awards/{award.uuid}", **HTML)
    assert first.status_code == 200
    assert "Valid" in first.text
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    for name in ("Accept", "Accept-Language", "Cookie"):
        assert name in first["Vary"]
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = visitor.get(f"/awards/{award.uuid}", **HTML)
    assert ANY_TOKEN.sub("", again.text) == ANY_TOKEN.sub("", first.text)
    assert again["ETag"] == etag
    assert len(queries) <= 2  # the award's stamp (and the visitor's session)
    assert visitor.get(f"/awards/{award.uuid}", HTTP_IF_NONE_MATCH=etag, **HTML).status_code == 304
    # The language is in the key.
    french = visitor.get(
        f"/awards/{award.uuid}", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert french["ETag"] != etag
    assert "Valide" in french.text

    awards.award_revoke(award=award, actor=world.admin, reason="Erreur de destinataire")
    after = visitor.get(f"/awards/{award.uuid}", HTTP_IF_NONE_MATCH=etag, **HTML)
    assert after.status_code == 200
    assert "Revoked" in after.text
    assert "Erreur de destinataire" in after.text


def test_each_visitor_gets_their_own_csrf_token_in_a_shared_page(award: Award) -> None:
    tokens = []
    for _ in range(2):
        visitor = Client()
        page = visitor.get(f"/awards/{award.uuid}", **HTML)
        assert page_cache.CSRF_MARK not in page.text
        token = TOKEN.search(page.text)
        assert token is not None
        tokens.append(token.group(1))
        # The page's token is accepted with this visitor's cookie (the language form posts).
        answer = visitor.post(
            reverse("accounts:set_language"),
            {"language": "fr", "next": "/"},
            HTTP_X_CSRFTOKEN=token.group(1),
        )
        assert answer.status_code in (200, 302)
    assert tokens[0] != tokens[1]
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(f"/awards/{award.uuid}", **HTML)
    token = TOKEN.search(page.text)
    assert token is not None
    answer = strict.post(
        reverse("accounts:set_language"),
        {"language": "fr", "next": "/"},
        HTTP_X_CSRFTOKEN=token.group(1),
    )
    assert answer.status_code != 403


def test_a_signed_in_awarder_page_is_private_and_never_shared(
    client: Any, world: Any, award: Award
) -> None:
    client.force_login(world.admin)
    own = client.get(f"/awards/{award.uuid}", **HTML)
    assert own["Cache-Control"] == "private, no-cache"
    assert not own.has_header("ETag")
    assert award.claim_code in own.text  # only members of the space see it
    visitor = Client().get(f"/awards/{award.uuid}", **HTML)
    assert award.claim_code not in visitor.text
    assert "Revoke this badge" not in visitor.text
    again = client.get(f"/awards/{award.uuid}", **HTML)
    assert award.claim_code in again.text  # not the visitors' copy


def test_the_awards_json_is_the_credential_with_a_validator(award: Award) -> None:
    visitor = Client()
    response = visitor.get(f"/awards/{award.uuid}", HTTP_ACCEPT="application/ld+json")
    assert response.content == award.credential.encode()
    assert response["Cache-Control"].startswith("public, max-age=")
    assert response["Access-Control-Allow-Origin"] == "*"
    again = visitor.get(
        f"/awards/{award.uuid}",
        HTTP_ACCEPT="application/ld+json",
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304


def test_badge_and_issuer_pages_are_shared_and_follow_edits(world: Any, published: Any) -> None:
    visitor = Client()
    for path in (f"/badges/{published.uuid}", f"/issuers/{world.org_a.uuid}"):
        page = visitor.get(path, **HTML)
        assert page.status_code == 200
        assert page["Cache-Control"] == f"public, max-age={page_cache.PUBLIC_MAX_AGE}"
        assert visitor.get(path, HTTP_IF_NONE_MATCH=page["ETag"], **HTML).status_code == 304
    world.org_a.name = "Organisation A renommée"
    world.org_a.save()
    published.save()  # a badge's edit changes its stamp
    for path in (f"/badges/{published.uuid}", f"/issuers/{world.org_a.uuid}"):
        assert "Organisation A renommée" in visitor.get(path, **HTML).text


def test_verification_is_kept_per_status_revision(client: Any, world: Any, award: Award) -> None:
    fragment = client.get(f"/awards/{award.uuid}/verify", **HTML)
    assert "verdict-valid" in fragment.text
    assert fragment["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "verdict-valid" in _verify_post(client, award)
    with CaptureQueriesContext(connection) as queries:
        assert "verdict-valid" in client.get(f"/awards/{award.uuid}/verify", **HTML).text
    assert len(queries) <= 2
    with CaptureQueriesContext(connection) as kept:
        assert "verdict-valid" in _verify_post(client, award)
    assert any("issuing_statuslistcache" in q["sql"] for q in kept.captured_queries)

    awards.award_revoke(award=award, actor=world.admin, reason="Erreur")
    assert "verdict-revoked" in client.get(f"/awards/{award.uuid}/verify", **HTML).text
    assert "verdict-revoked" in _verify_post(client, award)
    assert _status_bit(world.org_a, award)


def test_a_verification_racing_a_revocation_is_not_kept_as_current(
    world: Any, award: Award, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The revocation commits while a verification reads the status list: the result of that
    verification may say "valid", but it is never served after the revocation."""
    real = status_lists.status_list_credential
    raced: list[bool] = []

    def revoke_meanwhile(issuer: Any, number: int = 1) -> str:
        text = real(issuer, number)  # the list as it was
        if not raced:
            raced.append(True)
            awards.award_revoke(award=award, actor=world.admin, reason="Erreur")
        return text

    monkeypatch.setattr(status_lists, "status_list_credential", revoke_meanwhile)
    from blason.verification.fetching import site_fetcher

    during = results.verify(award.credential, fetcher=site_fetcher())
    assert raced
    assert during.state == "valid"
    monkeypatch.setattr(status_lists, "status_list_credential", real)
    assert results.verify(award.credential, fetcher=site_fetcher()).state == "revoked"
    assert "verdict-revoked" in Client().get(f"/awards/{award.uuid}/verify", **HTML).text


@pytest.mark.django_db(transaction=True)
def test_nothing_says_valid_once_a_revocation_under_load_commits(
    world: Any, published: Any, settings: Any
) -> None:
    """Visitors read the award page, its JSON, its verification and the verify page from
    several threads while the award is revoked: every read that starts after the revocation
    committed says "revoked", and so does the status list."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        # The in-memory test database is shared between threads through SQLite's shared
        # cache, whose table locks fail at once instead of waiting. Runs on PostgreSQL in CI;
        # the race itself is made deterministic above, on any database.
        pytest.skip("needs a database server (runs on PostgreSQL in CI)")
    # Every reader posts from one address, faster than a visitor's limit allows.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify": "10000/m/ip"}
    award = awards.award_issue(badge=published, actor=world.admin, email="load@example.org")
    committed = threading.Event()
    stop = threading.Event()
    stale: list[str] = []
    errors: list[BaseException] = []
    reads = [0]

    def read() -> None:
        client = Client()
        try:
            while not stop.is_set():
                after = committed.is_set()  # read before the request starts
                page = client.get(f"/awards/{award.uuid}", **HTML).text
                verdict = client.get(f"/awards/{award.uuid}/verify", **HTML).text
                posted = _verify_post(client, award)
                reads[0] += 1
                if after:
                    if "Revoked" not in page:
                        stale.append("award page")
                    if "verdict-revoked" not in verdict:
                        stale.append("verify fragment")
                    if "verdict-revoked" not in posted:
                        stale.append("verify page")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    while reads[0] < 8 and not errors:
        threading.Event().wait(0.05)
    awards.award_revoke(award=award, actor=world.admin, reason="Erreur")
    committed.set()
    start = reads[0]
    while reads[0] < start + 12 and not errors:
        threading.Event().wait(0.05)
    stop.set()
    for thread in readers:
        thread.join(60)
    assert not errors, errors
    assert not stale, stale
    assert _status_bit(world.org_a, award)
    assert "Revoked" in Client().get(f"/awards/{award.uuid}", **HTML).text
    report = results.verify(award.credential, fetcher=_site_fetcher())
    assert report.state == "revoked"


def _site_fetcher() -> Any:
    from blason.verification.fetching import site_fetcher

    return site_fetcher()


def test_the_status_list_is_revalidated_and_changes_with_a_revocation(
    world: Any, award: Award
) -> None:
    visitor = Client()
    path = f"/issuers/{world.org_a.uuid}/status/1"
    first = visitor.get(path)
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert visitor.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    awards.award_revoke(award=award, actor=world.admin, reason="Erreur")
    after = visitor.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert _status_bit(world.org_a, award)


FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_the_verify_page_is_shared_and_each_visitor_posts_with_their_own_token(
    award: Award,
) -> None:
    first = Client(enforce_csrf_checks=True)
    page = first.get("/verify/", **HTML)
    assert page["Cache-Control"] == f"public, max-age={page_cache.PUBLIC_MAX_AGE}"
    with CaptureQueriesContext(connection) as queries:
        second = Client(enforce_csrf_checks=True)
        again = second.get("/verify/", **HTML)
    assert len(queries) == 0  # served from the cache
    assert again["ETag"] == page["ETag"]
    tokens = [found.group(1) for p in (page, again) if (found := FORM_TOKEN.search(p.text))]
    assert len(tokens) == 2
    assert tokens[0] != tokens[1]
    assert page_cache.CSRF_MARK not in again.text
    answer = second.post(
        "/verify/",
        {"text": award.credential, "csrfmiddlewaretoken": tokens[1]},
        **HTML,
    )
    assert answer.status_code == 200
    assert "Valid badge" in answer.text
    # The verdict on an authentic badge sits above an empty form for the next one ...
    assert award.credential[:40].replace('"', "&quot;") not in answer.text
    # ... while what could not be read comes back as sent, to be mended.
    wrong = second.post(
        "/verify/",
        {"text": "not a badge {", "csrfmiddlewaretoken": tokens[1]},
        **HTML,
    )
    assert "Not a readable badge" in wrong.text
    assert "not a badge {" in wrong.text


def test_a_signed_in_person_gets_the_verify_page_of_their_own(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    page = client.get("/verify/", **HTML)
    assert page["Cache-Control"] == "private, no-cache"
    assert "Sign out" in page.text


def test_the_home_page_is_shared_per_language(client: Any) -> None:
    english = Client().get("/", **HTML)
    assert english["Cache-Control"] == f"public, max-age={page_cache.PUBLIC_MAX_AGE}"
    with CaptureQueriesContext(connection) as queries:
        again = Client().get("/", **HTML)
    assert len(queries) == 0
    assert again["ETag"] == english["ETag"]
    french = Client().get("/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="fr")
    assert french["ETag"] != english["ETag"]
    assert '<html lang="fr">' in french.text


def test_the_answer_on_an_authentic_badge_is_made_once_for_every_visitor(
    world: Any, award: Award, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verify page's answer on an authentic badge is kept under what it shows: made once,
    each visitor getting it with their own CSRF token; a signed-in person gets their own."""
    from blason.verification import views

    made: list[str] = []
    real = views.render

    def counting(request: Any, template: str, context: Any = None, **kwargs: Any) -> Any:
        made.append(template)
        return real(request, template, context, **kwargs)

    monkeypatch.setattr(views, "render", counting)
    answers = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        found = FORM_TOKEN.search(visitor.get("/verify/", **HTML).text)
        assert found is not None
        data = {"text": award.credential, "csrfmiddlewaretoken": found.group(1)}
        answer = visitor.post("/verify/", data, **HTML)
        assert answer.status_code == 200
        assert "Valid badge" in answer.text
        assert page_cache.CSRF_MARK not in answer.text
        again = FORM_TOKEN.search(answer.text)
        assert again is not None
        # The token in the answer is this visitor's: the next badge can be sent with it.
        data["csrfmiddlewaretoken"] = again.group(1)
        assert visitor.post("/verify/", data, **HTML).status_code == 200
        answers.append(ANY_TOKEN.sub("", answer.text))
    assert answers[0] == answers[1]
    # Made twice in all, for four visits and four answers: the empty page, the answer.
    assert made.count("verification/verify.html") == 2
    member = Client()
    member.force_login(world.admin)
    own = member.post("/verify/", {"text": award.credential}, **HTML)
    assert "Sign out" in own.text
    assert "Sign out" not in _verify_post(Client(), award)


def test_a_kept_answer_is_never_shown_at_another_address(award: Award) -> None:
    """The page's language form returns to the address posted to: it is part of the key."""
    first = Client().post("/verify/?from=a", {"text": award.credential}, **HTML).text
    second = Client().post("/verify/?from=b", {"text": award.credential}, **HTML).text
    assert 'value="/verify/?from=a"' in first
    assert 'value="/verify/?from=b"' in second
    assert "from=a" not in second
