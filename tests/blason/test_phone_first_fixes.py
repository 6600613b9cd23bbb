"""Fixes found while trying Blason on a phone (issue 13, point 8): e-mail subjects, allauth's
texts, the verify page (phone numbers, dates, criteria), the certificate's criteria, who reads
"your badge", the request evidence warning, what "private" means, French typography, the
"Ask for this badge" button inside a space, the validators' digest and count, the earner's home.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from blason.backpack import claims, sharing
from blason.core.emails import render_templated
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from blason.peers import validation
from blason.peers.models import BadgeRequest, Validators
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.blason.test_verify_page import signed_credential
from tests.conftest import BADGE_SVG
from tests.factories import IssuerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FRENCH_PO = ROOT / "src" / "blason" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def apostrophe_badge(world: Any) -> Any:
    issuer = IssuerFactory(name="L'Atelier d'Ève", slug="atelier-eve")
    MembershipFactory(issuer=issuer, user=world.admin, role="owner")
    return badge_create(
        issuer=issuer,
        actor=world.admin,
        name="Prise d'initiative",
        description="Ose proposer.",
        criteria="Observée deux fois.\n\nPar deux personnes différentes.",
        criteria_items=["Propose une idée", "La mène au bout"],
        image_svg=BADGE_SVG,
        status="published",
        language="fr",
    )


# E-mail subjects and bodies are plain text: never HTML-escaped ----------------------------------


def test_award_email_keeps_apostrophes(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    badge = apostrophe_badge(world)
    with django_capture_on_commit_callbacks(execute=True):
        awards.award_issue(
            badge=badge, actor=world.admin, email="lea@example.org", name="Léa", language="fr"
        )
    (message,) = mail.outbox
    assert "&#x27;" not in message.subject
    assert "&#39;" not in message.subject
    assert "Prise d'initiative" in message.subject
    assert "L'Atelier d'Ève" in message.subject
    assert "&#x27;" not in message.body


def test_every_subject_template_renders_unescaped(world: Any) -> None:
    """Whatever its template says, a message built by ``render_templated`` is not escaped."""
    issuer = IssuerFactory(name="L'Atelier <d'Ève> & co")
    message = render_templated(
        template_prefix="core/email/invitation",
        to="x@example.org",
        context={"issuer": issuer, "invitation": None, "link": "https://x", "inviter": "Zoé"},
        language="fr",
    )
    assert "L'Atelier <d'Ève> & co" in message.subject


def test_allauth_emails_speak_like_blason(
    client: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_NAME = "Les Ateliers d'Ève"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "nadia@example.org",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
                "birth_year": "1990",
            },
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    (message,) = mail.outbox
    assert "&#x27;" not in message.subject
    assert "c'est" not in message.body  # allauth's "Bonjour, c'est 127.0.0.1 !"
    assert "testserver" not in message.body.split("\n")[0]
    assert message.body.startswith("Bonjour,")
    assert "Les Ateliers d'Ève" in message.body
    assert "/accounts/confirm-email/" in message.body


def test_account_pages_use_blason_labels(client: Any) -> None:
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Courriel" not in page
    assert "Adresse e-mail ou numéro de téléphone" in page
    page = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Courriel" not in page


# The verify page ----------------------------------------------------------------------------------


def test_verify_takes_a_french_phone_number_as_people_write_it(
    client: Any, world: Any, published: Any
) -> None:
    award = awards.award_issue(
        badge=published, actor=world.admin, phone="06 12 34 56 78", name="Inès"
    )
    for written in ("06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78"):
        response = client.post(
            "/verify/",
            {"text": award.credential, "recipient": written},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200, written
        assert "Valid badge" in response.content.decode(), written
    refused = client.post(
        "/verify/", {"text": award.credential, "recipient": "06 12 34"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "This phone number is not valid" in refused.content.decode()


def test_verify_form_says_which_identifiers_it_takes(client: Any) -> None:
    page = client.get("/verify/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "06 12 34 56 78" in page
    assert "adresse e-mail" in page.lower()


def test_verify_result_shows_localised_dates_and_criteria_as_written(client: Any) -> None:
    credential = signed_credential(
        credentialSubject={
            "type": ["AchievementSubject"],
            "id": "did:example:lea",
            "achievement": {
                "id": "https://badges.example/a/parole",
                "type": ["Achievement"],
                "name": "Prise de parole",
                "description": "Ose parler devant le groupe.",
                "criteria": {"narrative": "- Parle devant le groupe\n- Écoute les autres"},
            },
        }
    )
    french = client.post(
        "/verify/", {"text": json.dumps(credential)}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "10 janvier 2026" in french
    assert ">2026-01-10T09:00:00Z<" not in french
    assert "<li>Parle devant le groupe</li>" in french
    english = client.post(
        "/verify/", {"text": json.dumps(credential)}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Jan. 10, 2026" in english


def test_certificate_keeps_the_criteria_lines(world: Any) -> None:
    badge = apostrophe_badge(world)
    award = awards.award_issue(badge=badge, actor=world.admin, phone="+33612345678", name="Inès")
    item = claims.claim_award(user=world.member, code=award.claim_code or "").item
    html = sharing.certificate_html(item, "Inès", "fr")
    assert "<li>Propose une idée</li>" in html
    assert html.count("<li>") == 2  # a list, as on the badge's page, not one run-on line


# Who reads "your badge" -------------------------------------------------------------------------


def test_only_the_holder_reads_your_badge(client: Any, world: Any, published: Any) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, phone="+33612345678", name="I")
    url = reverse("award_public", args=[award.uuid])
    visitor = client.get(url, HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "your badge" not in visitor
    assert "The picture of this badge" in visitor
    claims.claim_award(user=world.member, code=award.claim_code or "")
    client.force_login(world.member)
    holder = client.get(url, HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The picture of your badge" in holder


def test_private_says_what_it_means(client: Any, world: Any, published: Any) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, phone="+33612345678", name="I")
    item = claims.claim_award(user=world.member, code=award.claim_code or "").item
    client.force_login(world.member)
    page = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "What private does not change" in text
    assert "anyone who has that address" in text


# Peers -------------------------------------------------------------------------------------------


def with_rule(community: Community) -> Any:
    from blason.issuing.badges.services import badge_set_status

    badge_set_status(badge=community.badge, actor=community.owner, status="published")
    community.badge.refresh_from_db()
    validation.rule_set(
        badge=community.badge,
        actor=community.facilitator,
        validators=Validators.MEMBERS,
        approvals_needed=2,
    )
    return community.badge


def test_evidence_becomes_visible_only_after_a_clear_yes(client: Any, community: Community) -> None:
    badge = with_rule(community)
    client.force_login(community.members[0])
    url = reverse("peers:request_new", args=[badge.uuid])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "anyone who sees the badge can see them" in page
    data = {"description": "J'ai brossé Caramel.", "evidence_url": "https://example.org/photo"}
    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert not BadgeRequest.objects.exists()
    accepted = client.post(url, {**data, "evidence_public_ok": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert accepted.status_code == 302
    assert BadgeRequest.objects.get().evidence_url == "https://example.org/photo"
    # Without a link or a file, nothing to agree to.
    BadgeRequest.objects.all().delete()
    plain = client.post(url, {"description": "J'ai brossé Caramel."}, HTTP_ACCEPT_LANGUAGE="en")
    assert plain.status_code == 302


def test_the_badge_page_inside_a_space_offers_to_ask(client: Any, community: Community) -> None:
    badge = with_rule(community)
    client.force_login(community.members[0])
    page = client.get(
        reverse("issuing:badge", args=[community.issuer.slug, badge.uuid]),
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()
    assert "Demander ce badge" in page
    assert reverse("peers:request_new", args=[badge.uuid]) in page


def test_validators_get_a_daily_digest_and_a_count_on_their_home(
    client: Any, community: Community, django_capture_on_commit_callbacks: Any
) -> None:
    badge = with_rule(community)
    requester = community.members[4]
    validation.request_create(
        badge=badge, requester=requester, description="J'ai brossé Caramel.", name="Philippe"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert validation.digest_requests() == (1, 6)  # owner, facilitator, four members
    assert requester.email not in {m.to[0] for m in mail.outbox}
    message = next(m for m in mail.outbox if m.to == [community.members[0].email])
    assert "Philippe" in message.body
    assert "Soigner les ânes" in message.body
    assert reverse("peers:to_validate") in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert validation.digest_requests() == (0, 0)  # each request announced once
    assert mail.outbox == []

    client.force_login(community.members[0])
    home = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 badge request waits for your answer" in home
    assert reverse("peers:to_validate") in home


def test_the_digest_command(community: Community) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("digest_requests", stdout=out)
    assert "0 new request(s)" in out.getvalue()


# Home -------------------------------------------------------------------------------------------


def test_an_earner_lands_on_their_badges(client: Any, world: Any) -> None:
    earner = UserFactory(email="ines@example.org")
    client.force_login(earner)
    assert client.get("/")["Location"] == reverse("backpack:list")
    client.force_login(world.admin)  # a member of a space
    assert client.get("/")["Location"] == reverse("core:dashboard")


# French typography ------------------------------------------------------------------------------

NARROW_BEFORE = re.compile(r"[^\S\u00a0\u202f]([:;!?»])")  # an ordinary space before : ; ! ? »
NARROW_AFTER = re.compile(r"«[^\S\u00a0\u202f]")
ARTICLE_AFTER_DE = re.compile(r"\b(de|à) %\((issuer|community)\)s")  # "de Les Ateliers…"


def test_french_typography() -> None:
    catalogue = polib.pofile(str(FRENCH_PO))
    wrong = []
    for entry in catalogue:
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        for text in texts:
            if NARROW_BEFORE.search(text) or NARROW_AFTER.search(text):
                wrong.append(f"space: {text!r}")
            if ARTICLE_AFTER_DE.search(text):
                wrong.append(f"de + name: {text!r}")
    assert wrong == [], "\n".join(wrong[:40])


def test_the_digest_subject_is_french_for_a_french_validator(community: Community) -> None:
    with translation.override("fr"):
        message = render_templated(
            template_prefix="peers/email/request_digest",
            to="x@example.org",
            context={"requests": [object()], "link": "https://x", "site_name": "Blason"},
        )
    assert message.subject == "1 nouvelle demande de badge attend votre réponse"


# The guides in French ---------------------------------------------------------------------------

# The guides for people using Blason (facilitators, awarders, earners); the others are for
# operators and developers.
GUIDES = ("awarding", "backpack", "claim-links", "designing-badges", "peer-recognition")


@pytest.mark.parametrize("guide", GUIDES)
def test_each_guide_exists_in_french_and_is_linked(guide: str) -> None:
    english = ROOT / "docs" / f"{guide}.md"
    french = ROOT / "docs" / "fr" / f"{guide}.md"
    assert english.exists()
    assert french.exists(), f"docs/fr/{guide}.md is missing"
    text = french.read_text(encoding="utf-8")
    assert re.search(r"\b(les|des|la|le|une?)\b", text), "written in French"
    # Its headings are as many as the English guide's, give or take a few.
    headings = len(re.findall(r"^#{1,3} ", text, flags=re.MULTILINE))
    english_headings = len(
        re.findall(r"^#{1,3} ", english.read_text(encoding="utf-8"), flags=re.MULTILINE)
    )
    assert headings >= english_headings // 2
    assert f"docs/fr/{guide}.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    # Its links to other pages of the docs lead somewhere.
    for target in re.findall(r"\]\((?!https?://)([^)#\s]+\.md)", text):
        assert (french.parent / target).resolve().exists(), f"{guide}: broken link {target}"
