"""The e-mails of networks, through the durable outbox and a real SMTP server on loopback: the
invitation to the invited issuer's owners, the endorsement request to the endorser's editors
and owners, the answer to the person who asked; each in its recipient's language, never twice."""

from __future__ import annotations

from typing import Any

import pytest

from blason.core import outbox
from blason.core.exceptions import ActionRefused
from blason.core.models import OutboxMessage, Role
from blason.issuing.badges.services import badge_create
from blason.networks import endorsements, services
from tests.conftest import BADGE_SVG, message_text
from tests.factories import IssuerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def coordinator() -> Any:
    return UserFactory(email="coord@example.org", display_name="Claire", language="fr")


@pytest.fixture
def network(coordinator: Any) -> Any:
    return services.network_create(
        name="Badgeons les Hauts-de-France",
        owner=coordinator,
        charter_url="https://example.org/charte",
    )


def _by_address(messages: list[Any]) -> dict[str, Any]:
    return {str(message["To"]): message for message in messages}


def test_the_invited_issuers_owners_get_the_invitation_in_their_language(
    network: Any, coordinator: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = IssuerFactory(name="Mission Locale de Lille", slug="ml-lille")
    for email, language in (("lea@example.org", "fr"), ("sam@example.org", "en")):
        person = UserFactory(email=email, language=language)
        MembershipFactory(issuer=member, user=person, role=Role.OWNER)
    MembershipFactory(issuer=member, user=UserFactory(email="viewer@example.org"), role=Role.VIEWER)
    with django_capture_on_commit_callbacks(execute=True):
        invited = services.member_invite(
            network=network, issuer=member, actor=coordinator, message="Bienvenue !"
        )
    received = _by_address(smtp_server.wait_for(2))
    assert sorted(received) == ["lea@example.org", "sam@example.org"]
    french, english = received["lea@example.org"], received["sam@example.org"]
    assert (
        french["Subject"].strip()
        == "Badgeons les Hauts-de-France vous invite à rejoindre son réseau"
    )
    assert (
        english["Subject"].strip() == "Badgeons les Hauts-de-France invites you to join its network"
    )
    text = message_text(english)
    assert "Bienvenue !" in text
    assert "https://example.org/charte" in text
    assert "/spaces/ml-lille/networks/" in text
    assert "Mission Locale de Lille" in message_text(french)
    # A delivery round again, or the rows recorded again: nothing more is sent.
    outbox.deliver_due()
    from blason.networks import emails

    with django_capture_on_commit_callbacks(execute=True):
        emails.tell_invitation(invited)
    outbox.deliver_due()
    assert len(smtp_server.messages) == 2
    assert OutboxMessage.objects.count() == 2


def test_request_then_answers_with_their_comment(
    network: Any, coordinator: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    editor = UserFactory(email="editrice@example.org", language="en")
    MembershipFactory(issuer=network.issuer, user=editor, role=Role.EDITOR)
    member = IssuerFactory(name="Association des Ateliers", slug="ateliers")
    asker = UserFactory(email="asker@example.org", language="en")
    MembershipFactory(issuer=member, user=asker, role=Role.OWNER)
    badges = [
        badge_create(
            issuer=member,
            actor=asker,
            name=name,
            description="Accueillir et orienter.",
            criteria="Observé.",
            image_svg=BADGE_SVG,
            status="published",
        )
        for name in ("Accueil du public", "Entraide")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        asked = endorsements.endorsement_request(
            endorser=network.issuer, subject=badges[0], actor=asker, comment="Merci de le lire"
        )
    received = _by_address(smtp_server.wait_for(2))
    assert sorted(received) == ["coord@example.org", "editrice@example.org"]
    assert received["coord@example.org"]["Subject"].strip() == (
        "Association des Ateliers vous demande de recommander « Accueil du public »"
    )
    english = received["editrice@example.org"]
    assert (
        english["Subject"].strip()
        == "Association des Ateliers asks you to endorse “Accueil du public”"
    )
    assert "Merci de le lire" in message_text(english)
    assert "/spaces/" + network.issuer.slug + "/endorsements/" in message_text(english)

    with django_capture_on_commit_callbacks(execute=True):
        endorsements.endorsement_accept(
            endorsement=asked, actor=coordinator, comment="Conforme à la charte."
        )
    given = smtp_server.wait_for(3)[2]
    assert str(given["To"]) == "asker@example.org"
    assert given["Subject"].strip() == "Badgeons les Hauts-de-France endorses “Accueil du public”"
    assert "Conforme à la charte." in message_text(given)
    assert "/spaces/ateliers/endorsements/" in message_text(given)

    asker.language = "fr"
    asker.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = endorsements.endorsement_request(
            endorser=network.issuer, subject=badges[1], actor=asker
        )
    smtp_server.wait_for(5)
    with django_capture_on_commit_callbacks(execute=True):
        endorsements.endorsement_decline(
            endorsement=second, actor=coordinator, comment="Pas dans notre périmètre."
        )
    declined = smtp_server.wait_for(6)[5]
    assert str(declined["To"]) == "asker@example.org"
    assert declined["Subject"].strip() == (
        "Badgeons les Hauts-de-France a refusé de recommander « Entraide »"
    )
    assert "Pas dans notre périmètre." in message_text(declined)
    # Answering again is refused and sends nothing; a delivery round sends nothing more.
    with pytest.raises(ActionRefused):
        endorsements.endorsement_decline(endorsement=second, actor=coordinator)
    outbox.deliver_due()
    assert len(smtp_server.messages) == 6


def test_an_endorsement_given_unasked_sends_nothing(
    network: Any, coordinator: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = IssuerFactory(name="Association des Ateliers")
    MembershipFactory(issuer=member, user=UserFactory(email="owner@example.org"), role=Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        endorsements.endorsement_give(endorser=network.issuer, subject=member, actor=coordinator)
    outbox.deliver_due()
    assert smtp_server.messages == []
