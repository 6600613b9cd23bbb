"""Networks of issuers: membership by invitation and acceptance, the signed list of recognised
issuers re-issued on every change and renewed before it expires, and what verifiers show."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry, Issuer, IssuerKind, Role
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award
from blason.issuing.signing import issuer_documents as documents
from blason.networks import lists, selectors, services
from blason.networks.models import MemberState, RecognitionList
from blason.verification import trust
from obcore.recognition import Recognition, check_list
from obcore.verify import verify_credential
from tests.conftest import BADGE_SVG
from tests.factories import IssuerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_trust_cache() -> Any:
    trust.clear_cache()
    yield
    trust.clear_cache()


@pytest.fixture
def coordinator() -> Any:
    return UserFactory(email="coord@example.org", display_name="Claire")


@pytest.fixture
def network(coordinator: Any) -> Any:
    return services.network_create(
        name="Badgeons les Hauts-de-France",
        owner=coordinator,
        charter_url="https://example.org/charte",
        region_code="32",
        departements=["59", "62"],
    )


def _owner_of(issuer: Any) -> Any:
    user = UserFactory()
    MembershipFactory(issuer=issuer, user=user, role=Role.OWNER)
    return user


def _document(item: RecognitionList) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(item.credential)
    return document


def _ids(item: RecognitionList) -> list[str]:
    return [
        subject["id"]
        for subject in _document(item)["credentialSubject"]
        if "recognizedTo" in subject
    ]


def test_a_network_is_an_issuer_with_keys_and_an_empty_signed_list(network: Any) -> None:
    assert network.issuer.kind == IssuerKind.NETWORK
    assert network.issuer.signing_keys.count() == 2
    current = selectors.current_list(network)
    assert current is not None
    assert current.revision == 1
    assert current.member_count == 0
    checked = check_list(
        _document(current),
        accepted_issuers=[documents.issuer_url(network.issuer)],
        fetcher=LocalFetcher(),
    )
    assert checked.checkable, checked.reason
    assert checked.entities == {}
    assert AuditEntry.objects.filter(action="networks.network.created").count() == 1


def test_x_accepts_y_does_not_and_removing_x_reissues_without_it(
    network: Any, coordinator: Any
) -> None:
    x = IssuerFactory(
        name="Mission Locale", commune_code="59350", departement_code="59", region_code="32"
    )
    y = IssuerFactory(name="Association")
    invited_x = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.member_invite(network=network, issuer=y, actor=coordinator)
    assert selectors.current_list(network).revision == 1  # invitations change nothing yet

    services.invitation_accept(member=invited_x, actor=_owner_of(x))
    current = selectors.current_list(network)
    assert current.revision == 2
    assert _ids(current) == [documents.issuer_url(x)]
    subject = _document(current)["credentialSubject"][0]
    assert subject["sameAs"] == [documents.issuer_did(x)]
    assert subject["recognizedTo"]["action"] == "issue"
    checked = check_list(
        _document(current),
        accepted_issuers=[documents.issuer_url(network.issuer)],
        fetcher=LocalFetcher(),
    )
    assert checked.recognition([documents.issuer_url(x)]) is Recognition.RECOGNISED
    assert checked.recognition([documents.issuer_url(y)]) is Recognition.NOT_LISTED
    registry = json.loads(current.registry)["registry"]
    assert set(registry) == {documents.issuer_url(x), documents.issuer_did(x)}
    assert registry[documents.issuer_did(x)] == {
        "name": "Mission Locale",
        "location": "Lille, Hauts-de-France, France",
        "url": x.url or documents.issuer_url(x),
    }

    services.member_remove(member=invited_x, actor=coordinator)
    current = selectors.current_list(network)
    assert current.revision == 3
    assert _ids(current) == []
    assert AuditEntry.objects.filter(action="networks.member.removed", issuer=x).exists()


def test_declining_and_leaving(network: Any, coordinator: Any) -> None:
    x = IssuerFactory()
    owner = _owner_of(x)
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_decline(member=member, actor=owner, comment="Pas cette année")
    member.refresh_from_db()
    assert member.state == MemberState.DECLINED
    with pytest.raises(ActionRefused):
        services.invitation_accept(member=member, actor=owner)
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=owner)
    with pytest.raises(ActionRefused):
        services.member_invite(network=network, issuer=x, actor=coordinator)
    services.member_leave(member=member, actor=owner)
    assert _ids(selectors.current_list(network)) == []


def test_a_network_cannot_join_a_network(network: Any, coordinator: Any) -> None:
    other = services.network_create(name="Autre réseau", owner=coordinator)
    with pytest.raises(ActionRefused):
        services.member_invite(network=network, issuer=other.issuer, actor=coordinator)
    with pytest.raises(ActionRefused):
        services.member_invite(network=network, issuer=network.issuer, actor=coordinator)


def test_lists_are_renewed_before_they_expire(network: Any) -> None:
    assert services.lists_renew_due() == 0
    later = timezone.now() + lists.RENEW_AFTER + timedelta(minutes=1)
    assert services.lists_renew_due(now=later) == 1
    assert selectors.current_list(network).revision == 2


def test_verifiers_read_the_newest_list_of_each_network_in_one_query(
    network: Any, coordinator: Any, django_assert_num_queries: Any
) -> None:
    from blason.networks.trust import local_lists

    other = services.network_create(name="Réseau du Sud", owner=coordinator)
    later = timezone.now() + lists.RENEW_AFTER + timedelta(minutes=1)
    for _ in range(3):  # every renewal keeps the revision before it
        services.lists_renew_due(now=later)
        later += lists.RENEW_AFTER + timedelta(minutes=1)
    assert RecognitionList.objects.count() == 8
    with django_assert_num_queries(1):  # the signed lists themselves are not read
        found = {item.name: item for item in local_lists()}
    assert set(found) == {network.issuer.name, other.issuer.name}
    newest = selectors.current_list(network)
    item = found[network.issuer.name]
    assert item.key == f"{network.pk}:{newest.revision}" == f"{network.pk}:4"
    assert item.url == lists.list_url(network)
    assert item.issuer == documents.issuer_url(network.issuer)
    with django_assert_num_queries(1):
        assert item.document() == newest.credential


def _award(issuer: Any) -> Any:
    actor = _owner_of(issuer)
    badge = badge_create(
        issuer=issuer,
        actor=actor,
        name="Accueil",
        description="Accueillir.",
        criteria="Observé.",
        image_svg=BADGE_SVG,
        status="published",
    )
    return awards.award_issue(badge=badge, actor=actor, email="samir@example.org", name="Samir")


def test_the_verify_page_says_who_recognises_the_issuer(
    client: Any, network: Any, coordinator: Any
) -> None:
    x, y = IssuerFactory(name="Mission Locale"), IssuerFactory(name="Club")
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=_owner_of(x))
    response = client.post(reverse("verification:verify"), {"text": _award(x).credential})
    assert response.status_code == 200
    lines = response.context["recognitions"]
    assert [(line.name, line.state) for line in lines] == [
        ("Badgeons les Hauts-de-France", Recognition.RECOGNISED)
    ]
    assert "Badgeons les Hauts-de-France" in response.content.decode()
    response = client.post(reverse("verification:verify"), {"text": _award(y).credential})
    assert [line.state for line in response.context["recognitions"]] == [Recognition.NOT_LISTED]


def test_a_tampered_or_expired_list_is_not_checkable_and_the_badge_stays_valid(
    client: Any, network: Any, coordinator: Any
) -> None:
    x = IssuerFactory(name="Mission Locale")
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=_owner_of(x))
    current = selectors.current_list(network)
    tampered = _document(current)
    tampered["credentialSubject"].append(
        {**tampered["credentialSubject"][0], "id": "https://intrus.example/issuers/1"}
    )
    RecognitionList.objects.filter(pk=current.pk).update(credential=json.dumps(tampered))
    credential = _award(x).credential
    response = client.post(reverse("verification:verify"), {"text": credential})
    assert response.context["report"].valid
    assert [line.state for line in response.context["recognitions"]] == [Recognition.NOT_CHECKABLE]
    assert "Cela ne dit rien contre le badge" in response.content.decode()

    trust.clear_cache()
    expired = _document(current)
    RecognitionList.objects.filter(pk=current.pk).update(
        credential=current.credential, valid_until=timezone.now() - timedelta(days=1)
    )
    later = timezone.now() + lists.LIST_VALIDITY + timedelta(hours=1)
    checked = check_list(
        expired,
        accepted_issuers=[documents.issuer_url(network.issuer)],
        fetcher=LocalFetcher(),
        now=later,
    )
    assert not checked.checkable
    assert "expired" in checked.reason


def test_a_list_from_an_issuer_not_accepted_is_not_checkable(network: Any) -> None:
    checked = check_list(
        _document(selectors.current_list(network)),
        accepted_issuers=["https://someone-else.example/issuers/1"],
        fetcher=LocalFetcher(),
    )
    assert not checked.checkable


def test_public_documents_are_served_as_stored(client: Any, network: Any) -> None:
    current = selectors.current_list(network)
    response = client.get(lists.list_url(network))
    assert response.status_code == 200
    assert response.content.decode() == current.credential
    response = client.get(lists.registry_url(network))
    assert response.json()["registry"] == {}
    page = client.get(reverse("networks:public", args=[network.issuer.uuid]))
    assert page.status_code == 200
    assert "Badgeons les Hauts-de-France" in page.content.decode()


def test_pages_for_coordinators_and_members(client: Any, network: Any, coordinator: Any) -> None:
    x = IssuerFactory(name="Mission Locale")
    owner = _owner_of(x)
    client.force_login(coordinator)
    slug = network.issuer.slug
    response = client.post(
        reverse("networks:invite", args=[slug]),
        {"issuer": reverse("issuer_profile", args=[x.uuid]), "message": "Bienvenue"},
    )
    assert response.status_code == 302
    member = network.members.get()
    assert member.state == MemberState.INVITED
    assert client.get(reverse("networks:coordinate", args=[slug])).status_code == 200
    client.force_login(owner)
    assert client.get(reverse("networks:memberships", args=[x.slug])).status_code == 200
    response = client.post(reverse("networks:accept", args=[x.slug, member.uuid]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.state == MemberState.ACTIVE
    # Someone of another space cannot answer for it, nor see the network's page.
    outsider = _owner_of(IssuerFactory())
    client.force_login(outsider)
    assert client.post(reverse("networks:leave", args=[x.slug, member.uuid])).status_code == 404
    assert client.get(reverse("networks:coordinate", args=[slug])).status_code == 404
    # A space that is not a network has no coordination page.
    client.force_login(owner)
    assert client.get(reverse("networks:coordinate", args=[x.slug])).status_code == 404


def test_the_member_list_runs_a_bounded_number_of_queries(
    client: Any, network: Any, coordinator: Any, django_assert_max_num_queries: Any
) -> None:
    for number in range(6):
        services.member_invite(
            network=network, issuer=IssuerFactory(name=f"Membre {number}"), actor=coordinator
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("networks:coordinate", args=[network.issuer.slug]))
    assert response.status_code == 200


def test_shared_badges_are_awarded_by_members_in_their_own_name(
    client: Any, network: Any, coordinator: Any
) -> None:
    from blason.networks import sharing

    design = badge_create(
        issuer=network.issuer,
        actor=coordinator,
        name="Accueil",
        description="Accueillir.",
        criteria="Observé.",
        image_svg=BADGE_SVG,
        status="published",
    )
    shared = sharing.badge_share(network=network, badge=design, actor=coordinator)
    x, y = IssuerFactory(name="Mission Locale"), IssuerFactory(name="Club")
    owner = _owner_of(x)
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    with pytest.raises(ActionRefused):  # not a member yet
        sharing.badge_take_up(shared=shared, issuer=x, actor=owner)
    services.invitation_accept(member=member, actor=owner)
    client.force_login(owner)
    response = client.post(reverse("networks:take_up", args=[x.slug, shared.uuid]))
    assert response.status_code == 302
    copy = shared.copies.get()
    assert copy.issuer == x
    assert copy.badge.name == "Accueil"
    assert copy.badge.status == "published"
    award = awards.award_issue(badge=copy.badge, actor=owner, name="Samir")
    credential = json.loads(award.credential)
    assert credential["issuer"]["id"] == documents.issuer_url(x)
    creator = credential["credentialSubject"]["achievement"]["creator"]
    assert creator["id"] == documents.issuer_url(network.issuer)
    # Taking it up twice gives the same copy; a non-member cannot.
    assert sharing.badge_take_up(shared=shared, issuer=x, actor=owner) == copy
    with pytest.raises(ActionRefused):
        sharing.badge_take_up(shared=shared, issuer=y, actor=_owner_of(y))
    page = client.get(reverse("networks:catalogue", args=[network.issuer.uuid]))
    assert page.status_code == 200
    assert "Mission Locale" in page.content.decode()
    # A member's design adopted by the network.
    own = badge_create(
        issuer=x,
        actor=owner,
        name="Entraide",
        description="Aide.",
        criteria="Vu.",
        image_svg=BADGE_SVG,
        status="published",
    )
    adopted = sharing.badge_adopt(network=network, badge=own, actor=coordinator)
    assert adopted.badge.issuer == network.issuer
    assert adopted.adopted_from == own


def test_the_verify_page_says_the_network_recognises_the_badge(
    client: Any, network: Any, coordinator: Any
) -> None:
    from blason.networks import endorsements

    x = IssuerFactory(name="Mission Locale")
    owner = _owner_of(x)
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=owner)
    award = _award(x)
    endorsements.endorsement_give(
        endorser=network.issuer, subject=award.badge, actor=coordinator, comment="Reconnu."
    )
    later = awards.award_issue(badge=award.badge, actor=owner, name="Samir")
    response = client.post(reverse("verification:verify"), {"text": later.credential})
    lines = [(line.kind, line.state) for line in response.context["recognitions"]]
    assert lines == [("issuer", Recognition.RECOGNISED), ("badge", Recognition.RECOGNISED)]
    assert "Badge reconnu par Badgeons les Hauts-de-France" in response.content.decode()


def test_the_demo_network(client: Any) -> None:
    from blason.core.demo import load_demo
    from blason.networks.demo import NETWORK

    load_demo()
    network = selectors.network_of(Issuer.objects.get(slug=NETWORK))
    assert network is not None
    names = sorted(member.issuer.name for member in selectors.active_members_of(network))
    assert names == ["Les Ateliers du Lien", "Mission Locale de Lille (démo)"]
    (shared,) = selectors.shared_badges_of(network)
    assert sorted(copy.issuer.name for copy in shared.copies.all()) == names
    for copy in shared.copies.all():
        award = copy.badge.awards.get()
        assert verify_credential(award.credential, fetcher=LocalFetcher()).valid
    # The newest award of the badge (issue times are to the second: the id breaks ties).
    awarded = Award.objects.filter(badge__name="Accueil du public")
    endorsed = awarded.order_by("-issued_at", "-id")[0]
    credential = json.loads(endorsed.credential)
    assert credential["credentialSubject"]["achievement"]["endorsement"]
    response = client.post(reverse("verification:verify"), {"text": endorsed.credential})
    assert "Badge reconnu par Badgeons les Hauts-de-France (démo)" in response.content.decode()
    page = client.get(reverse("badge_public", args=[endorsed.badge.uuid])).content.decode()
    assert "Recommandé par Badgeons les Hauts-de-France (démo)" in page
    copy = shared.copies.all()[0].badge
    page = client.get(reverse("badge_public", args=[copy.uuid])).content.decode()
    assert "Conçu par le réseau Badgeons les Hauts-de-France (démo)" in page


def test_blason_verify_reads_trust_lists(
    tmp_path: Any, client: Any, network: Any, coordinator: Any, capsys: Any, monkeypatch: Any
) -> None:
    from obcore.cli import main as cli

    x = IssuerFactory(name="Mission Locale")
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=_owner_of(x))
    award = _award(x)
    badge = tmp_path / "badge.json"
    badge.write_text(award.credential)
    served = []
    issuer = network.issuer
    key = documents.verification_method_id(issuer, issuer.signing_keys.get(algorithm="Ed25519"))
    for number, url in enumerate((lists.list_url(network), documents.issuer_url(issuer), key)):
        path = tmp_path / f"document-{number}.json"
        path.write_bytes(client.get(url, HTTP_ACCEPT="application/ld+json").content)
        served += ["--document", f"{url}={path}"]
    monkeypatch.setenv("TRUST_LISTS", "")
    trust_list = f"Badgeons={lists.list_url(network)}={documents.issuer_url(issuer)}"
    cli(["verify", str(badge), "--offline", *served, "--trust-list", trust_list])
    assert "[recognised] Issuer recognised by Badgeons (signed list, valid until 20" in (
        capsys.readouterr().out
    )
    wrong = f"Badgeons={lists.list_url(network)}=https://autre.example/issuers/1"
    cli(["verify", str(badge), "--offline", *served, "--trust-list", wrong])
    out = capsys.readouterr().out
    assert "[not_checkable] The list of Badgeons cannot be checked right now (the list's" in out
    assert "is not accepted here). This says nothing against the badge." in out
    gone = f"Ailleurs=https://ailleurs.example/list={documents.issuer_url(issuer)}"
    cli(["verify", str(badge), "--offline", *served, "--trust-list", gone, "--json"])
    (line,) = json.loads(capsys.readouterr().out)["recognitions"]
    assert line["state"] == "not_checkable"
    assert line["reason"].startswith("the list could not be fetched")
    other = IssuerFactory(name="Club")
    elsewhere = tmp_path / "other.json"
    elsewhere.write_text(_award(other).credential)
    keys = [documents.issuer_url(other)]
    keys.append(
        documents.verification_method_id(other, other.signing_keys.get(algorithm="Ed25519"))
    )
    for number, url in enumerate(keys):
        path = tmp_path / f"other-{number}.json"
        path.write_bytes(client.get(url, HTTP_ACCEPT="application/ld+json").content)
        served += ["--document", f"{url}={path}"]
    cli(["verify", str(elsewhere), "--offline", *served, "--trust-list", trust_list])
    assert "[not_listed] Not in the list of issuers recognised by Badgeons." in (
        capsys.readouterr().out
    )


def test_blason_verify_says_the_network_recognises_the_badge(
    tmp_path: Any, client: Any, network: Any, coordinator: Any, capsys: Any, monkeypatch: Any
) -> None:
    """``blason verify`` asks the verify page's selector (``badge_endorsers``) and prints its
    wording: the badge endorsed by the network that lists its issuer is "recognised by" it."""
    from blason.issuing.awarding import status_lists
    from blason.networks import endorsements
    from obcore.cli import main as cli

    x = IssuerFactory(name="Mission Locale")
    owner = _owner_of(x)
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=owner)
    first = _award(x)
    endorsements.endorsement_give(
        endorser=network.issuer, subject=first.badge, actor=coordinator, comment="Reconnu."
    )
    award = awards.award_issue(badge=first.badge, actor=owner, name="Samir")
    badge = tmp_path / "badge.json"
    badge.write_text(award.credential)
    urls = [lists.list_url(network)]
    for issuer in (network.issuer, x):
        urls.append(documents.issuer_url(issuer))
        key = issuer.signing_keys.get(algorithm="Ed25519")
        urls.append(documents.verification_method_id(issuer, key))
    urls.append(status_lists.status_list_url(x, award.status_list))
    served = []
    for number, url in enumerate(urls):
        path = tmp_path / f"document-{number}.json"
        path.write_bytes(client.get(url, HTTP_ACCEPT="application/ld+json").content)
        served += ["--document", f"{url}={path}"]
    monkeypatch.setenv("TRUST_LISTS", "")
    trust_list = f"Badgeons={lists.list_url(network)}={documents.issuer_url(network.issuer)}"
    assert cli(["verify", str(badge), "--offline", *served, "--trust-list", trust_list]) == 0
    out = capsys.readouterr().out
    assert "endorsement 1: valid" in out
    assert "[recognised] Issuer recognised by Badgeons (signed list" in out
    assert "[recognised] Badge recognised by Badgeons (signed endorsement)" in out
    cli(["verify", str(badge), "--offline", *served, "--trust-list", trust_list, "--json"])
    answer = json.loads(capsys.readouterr().out)
    assert [line.get("kind", "issuer") for line in answer["recognitions"]] == ["issuer", "badge"]
    # Without the endorsement (an award made before it), no badge line.
    before = tmp_path / "before.json"
    before.write_text(first.credential)
    cli(["verify", str(before), "--offline", *served, "--trust-list", trust_list])
    out = capsys.readouterr().out
    assert "[recognised] Issuer recognised by Badgeons (signed list" in out
    assert "Badge recognised by" not in out


def test_configured_trust_lists_are_fetched_and_cached(
    client: Any, network: Any, coordinator: Any, settings: Any
) -> None:
    """A list another site publishes (``TRUST_LISTS``), served by a loopback HTTP server and
    fetched with the guarded fetcher; an unreachable one is "not checkable"."""
    import http.server
    import threading

    from obcore.recognition import TrustList

    x = IssuerFactory(name="Mission Locale")
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=_owner_of(x))
    body = selectors.current_list(network).credential.encode()
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        settings.FETCH_ALLOW_PRIVATE = True
        issuer = documents.issuer_url(network.issuer)
        settings.TRUST_LISTS = [
            TrustList("Réseau régional", f"http://127.0.0.1:{port}/list.json", (issuer,)),
            TrustList("Réseau injoignable", "http://127.0.0.1:9/list.json", (issuer,)),
        ]
        credential = _award(x).credential
        response = client.post(reverse("verification:verify"), {"text": credential})
        lines = {line.name: line.state for line in response.context["recognitions"]}
        assert lines == {
            "Badgeons les Hauts-de-France": Recognition.RECOGNISED,
            "Réseau régional": Recognition.RECOGNISED,
            "Réseau injoignable": Recognition.NOT_CHECKABLE,
        }
        assert response.context["report"].valid
        # Again: the lists are read again (the page made the first time is shown only for the
        # same verdict and the same lines), the remote one from what was kept.
        again = client.post(reverse("verification:verify"), {"text": credential})
        assert again.status_code == 200
        assert "verdict-valid" in again.text
        assert hits == ["/list.json"]  # read once, then kept until its validUntil
    finally:
        server.shutdown()
        server.server_close()


def test_the_award_page_says_the_three_states_and_an_expired_list_leaves_the_badge_valid(
    client: Any, network: Any, coordinator: Any
) -> None:
    """The award's own page (its verdict) and the verify page, for one member's badge: the
    issuer recognised; then, the network having stopped renewing its list (the newest signed
    eight days ago, so expired), the list cannot be checked while the badge stays valid; then,
    the member removed, not listed."""
    x = IssuerFactory(name="Mission Locale")
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=_owner_of(x))

    def award_page(award: Any) -> str:
        response = client.get(reverse("award_verify", args=[award.uuid]), HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200
        text: str = response.content.decode()
        assert "verdict-valid" in text
        return text

    first = _award(x)
    assert "Émetteur reconnu par Badgeons les Hauts-de-France (liste signée, valable" in (
        award_page(first)
    )

    stale = lists.build(
        network,
        revision=selectors.current_list(network).revision + 1,
        now=timezone.now() - lists.LIST_VALIDITY - timedelta(days=1),
    )
    stale.save()
    assert selectors.current_list(network) == stale
    trust.clear_cache()
    second = _award(x)
    response = client.post(reverse("verification:verify"), {"text": second.credential})
    assert response.context["report"].valid
    assert [line.state for line in response.context["recognitions"]] == [Recognition.NOT_CHECKABLE]
    text = award_page(second)
    assert "La liste de Badgeons les Hauts-de-France ne peut pas être vérifiée" in text
    assert "Cela ne dit rien contre le badge" in text
    assert "Émetteur reconnu" not in text

    services.member_remove(member=member, actor=coordinator)  # signs a fresh list without X
    third = _award(x)
    response = client.post(reverse("verification:verify"), {"text": third.credential})
    assert response.context["report"].valid
    assert [line.state for line in response.context["recognitions"]] == [Recognition.NOT_LISTED]
    assert "Absent de la liste des émetteurs reconnus par Badgeons les Hauts-de-France" in (
        award_page(third)
    )


def test_a_list_is_kept_until_its_valid_until_and_at_most_an_hour() -> None:
    from datetime import UTC, datetime

    from obcore.recognition import CheckedList

    soon = datetime.now(UTC) + timedelta(minutes=10)
    later = datetime.now(UTC) + timedelta(days=7)
    for key, valid_until, lifetime in (
        ("soon", soon, 600.0),
        ("later", later, trust.CACHE_FOR),
    ):
        before = trust.time.monotonic()
        trust._remember(key, CheckedList(True, valid_until=valid_until))
        expires = trust._cache[key][0] - before
        assert lifetime - 5 <= expires <= lifetime + 1
    trust._remember("unreadable", CheckedList(False, "the list has expired"))
    assert trust._cache["unreadable"][0] - trust.time.monotonic() <= trust.RETRY_AFTER
    assert trust.CACHE_FOR == 3600.0


def test_the_workers_round_renews_the_lists(network: Any, monkeypatch: Any) -> None:
    from blason.core import worker
    from blason.networks import tasks

    assert "blason.networks.tasks.sweep" in worker.SWEEPS
    called: list[int] = []
    monkeypatch.setattr(tasks, "_last_sweep", None)
    monkeypatch.setattr(tasks, "renew_lists", lambda: called.append(1) or 0)
    tasks.sweep(set())
    tasks.sweep(set())  # within SWEEP_EVERY: nothing more
    assert called == [1]
    monkeypatch.setattr(tasks, "_last_sweep", trust.time.monotonic() - tasks.SWEEP_EVERY - 1)
    tasks.sweep(set())
    assert called == [1, 1]
    # What the round runs: a list older than RENEW_AFTER is signed again.
    monkeypatch.undo()
    RecognitionList.objects.filter(network=network).update(
        issued_at=timezone.now() - lists.RENEW_AFTER - timedelta(minutes=1)
    )
    assert tasks.renew_lists() == 1
    assert selectors.current_list(network).revision == 2


def test_an_issuers_public_page_says_its_networks_and_endorsements(
    client: Any, network: Any, coordinator: Any
) -> None:
    from blason.networks import endorsements

    x, y = IssuerFactory(name="Mission Locale"), IssuerFactory(name="Club")
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.member_invite(network=network, issuer=y, actor=coordinator)  # invited only
    services.invitation_accept(member=member, actor=_owner_of(x))
    endorsements.endorsement_give(
        endorser=network.issuer, subject=x, actor=coordinator, comment="Partenaire fiable."
    )

    def page(issuer: Any, language: str = "fr") -> str:
        response = client.get(
            reverse("issuer_profile", args=[issuer.uuid]),
            HTTP_ACCEPT="text/html",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 200
        text: str = response.content.decode()
        return text

    text = page(x)
    network_page = reverse("networks:public", args=[network.issuer.uuid])
    assert "Membre du réseau Badgeons les Hauts-de-France" in text
    assert network_page in text
    assert "Recommandé par Badgeons les Hauts-de-France" in text
    assert "Partenaire fiable." in text
    assert "Member of the network Badgeons les Hauts-de-France" in page(x, "en")
    assert network_page not in page(y)  # an invitation is not a membership
    assert "Membre du réseau" not in page(y)
    assert network_page in page(network.issuer)  # a network's page leads to its members


def test_a_person_endorses_an_issuer_and_an_award_with_their_own_key(
    network: Any, coordinator: Any
) -> None:
    """Beyond networks: a person (their own space, kind "individual") endorses an issuer and an
    award; each endorsement is an EndorsementCredential signed with the person's key that
    verifies on its own, and the issuer's endorsement goes into its profile and new awards."""
    from blason.networks import endorsements

    person = IssuerFactory(name="Nadia Benali", kind=IssuerKind.INDIVIDUAL)
    actor = _owner_of(person)
    x = IssuerFactory(name="Mission Locale")
    award = _award(x)
    of_issuer = endorsements.endorsement_give(
        endorser=person, subject=x, actor=actor, comment="Accompagnement sérieux."
    )
    of_award = endorsements.endorsement_give(endorser=person, subject=award, actor=actor)
    for given, subject_id in (
        (of_issuer, documents.issuer_url(x)),
        (of_award, json.loads(award.credential)["id"]),
    ):
        credential = json.loads(given.credential)
        assert "EndorsementCredential" in credential["type"]
        assert credential["issuer"]["id"] == documents.issuer_url(person)
        assert credential["credentialSubject"]["id"] == subject_id
        assert verify_credential(given.credential, fetcher=LocalFetcher()).valid
    (in_profile,) = documents.profile_document(x)["endorsement"]
    assert in_profile == json.loads(of_issuer.credential)
    later = json.loads(_award(x).credential)
    assert later["issuer"]["endorsement"] == [json.loads(of_issuer.credential)]
    with pytest.raises(ActionRefused):  # nobody endorses their own
        endorsements.endorsement_give(endorser=x, subject=award, actor=_owner_of(x))


def test_a_member_renamed_is_renamed_in_the_lists_at_once(network: Any, coordinator: Any) -> None:
    from blason.core.services import issuer_update

    x, y = IssuerFactory(name="Mission Locale"), IssuerFactory(name="Club")
    member = services.member_invite(network=network, issuer=x, actor=coordinator)
    services.invitation_accept(member=member, actor=_owner_of(x))
    revision = selectors.current_list(network).revision

    def update(issuer: Any, **changes: Any) -> None:
        values = {key: getattr(issuer, key) for key in ("name", "description", "url", "email")}
        issuer_update(issuer=issuer, actor=coordinator, **(values | changes))

    update(x, description="Autre description.")  # not in the list: nothing signed
    assert selectors.current_list(network).revision == revision
    update(y, name="Club sportif")  # not a member
    assert selectors.current_list(network).revision == revision
    update(x, name="Mission Locale de Lille")
    current = selectors.current_list(network)
    assert current.revision == revision + 1
    assert _document(current)["credentialSubject"][0]["name"] == "Mission Locale de Lille"
    update(network.issuer, name="Badgeons les Hauts-de-France !")
    current = selectors.current_list(network)
    assert current.revision == revision + 2
    assert _document(current)["issuer"]["name"] == "Badgeons les Hauts-de-France !"
    checked = check_list(
        _document(current),
        accepted_issuers=[documents.issuer_url(network.issuer)],
        fetcher=LocalFetcher(),
    )
    assert checked.checkable, checked.reason
