"""The French demo loads once, again without changes, and its awards verify."""

from __future__ import annotations

from typing import Any

import pytest

from blason.core.demo import load_demo
from blason.core.models import Issuer
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award, BadgeClass, RecipientKind
from obcore.verify import State, verify_credential

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_its_awards_verify(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        people = load_demo()
    counts = (Issuer.objects.count(), BadgeClass.objects.count(), Award.objects.count())
    # Peer recognition adds two community badges awarded by peer validation (three awards) and
    # the personal profiles of the three validators who signed endorsements (blason.peers.demo).
    # The network (blason.networks.demo) adds itself and the Mission Locale, its shared badge
    # and the two members' copies, an award of each copy and one of the badge it endorsed; the
    # Mission Locale's pathway (blason.pathways.demo) adds four badges and Samir's two steps.
    # One more issuer is the site's own signer of learner records (blason.records, made after
    # ``migrate``).
    # The association's year of awards for its dashboard adds 33, and the Mission Locale's two
    # badges awarded across the network's territory 28 more (blason.insights.demo); Samir holds
    # two of the three badges of "Vers les métiers de l'accueil" (blason.pathways.demo).
    assert counts == (9, 16, 75)
    assert {issuer.kind for issuer in Issuer.objects.all()} == {
        "organisation",
        "community",
        "individual",
        "network",
    }
    load_demo()
    assert (Issuer.objects.count(), BadgeClass.objects.count(), Award.objects.count()) == counts
    states = {}
    for award in Award.objects.all():
        recipient = award.recipient_email or award.recipient_phone or award.recipient_name
        report = verify_credential(award.credential, fetcher=LocalFetcher(), recipient=recipient)
        states[award.recipient_kind, award.badge.name] = report.state
    assert states[RecipientKind.PHONE, "Accueil du public"] is State.VALID
    assert states[RecipientKind.NAME, "Atelier CV"] is State.VALID
    assert states[RecipientKind.NAME, "Accueil du public"] is State.REVOKED
    assert states[RecipientKind.EMAIL, "Gestes de premiers secours"] is State.EXPIRED
    assert states[RecipientKind.EMAIL, "Coup de main"] is State.VALID
    assert states[RecipientKind.NAME, "Savoir-être en entreprise"] is State.VALID
    assert client.login(email=people[0].email, password="badges-demo-2026")
    assert "Les Ateliers du Lien" in client.get("/dashboard/").text
    figures = client.get("/spaces/les-ateliers-du-lien/insights/")
    assert figures.context["board"].figures.awarded >= 33
    # The network's dashboard and skills map (Corinne coordinates it): one département "< 5".
    network = client.get("/spaces/badgeons-les-hauts-de-france-demo/insights/")
    assert network.context["board"].figures.awarded >= 61
    skills = client.get("/spaces/badgeons-les-hauts-de-france-demo/insights/skills/")
    shown = {row.code: row.shown for row in skills.context["board"].territories}
    assert shown["02"] == "< 5"
    assert {"59", "62", "80"} <= {code for code, value in shown.items() if value != "< 5"}
    assert {group.key for group in skills.context["board"].groups} >= {"G", "N", "M", "other"}
    samir_page = client.get("/people/samir-b", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Atelier CV" in samir_page.text  # his public page shows his valid badges
    assert "Coup de main" in samir_page.text
    assert "Gestes de premiers secours" not in samir_page.text  # expired: kept private


@pytest.mark.django_db
def test_the_demo_has_a_phone_account(client: Any) -> None:
    from blason.accounts.models import User
    from blason.backpack.models import Item
    from blason.core.demo import INES

    load_demo()
    ines = User.objects.get(display_name=INES.name)
    assert ines.email is None
    assert ines.phone == "+33612345678"
    assert ines.phone_verified
    assert Item.objects.filter(owner=ines, recipient="owner").count() == 1
    signed_in = client.post(
        "/accounts/login/", {"login": INES.phone, "password": "badges-demo-2026"}
    )
    assert signed_in.status_code == 302
