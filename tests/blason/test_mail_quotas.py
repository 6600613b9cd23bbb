"""Blason is not an open mail relay (issue 12, point 8).

The attack: a brand-new account with no role creates a space and e-mails thousands of arbitrary
addresses by awarding, bulk-awarding, inviting. Quotas per space and per account stop it before
anything is written, every message names who caused it and carries a report link, and the
operators see who sends what and can trust a space. E-mails are counted at a real SMTP server.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blason.core import quotas
from blason.core.models import AbuseReport, Invitation, Issuer, MailCount
from blason.issuing.badges.services import badge_create
from blason.issuing.models import Award, AwardBatch
from tests.conftest import BADGE_SVG, message_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHISHING = "Votre compte bancaire est suspendu : confirmez vos identifiants ici"


@pytest.fixture
def quota(settings: Any) -> Any:
    settings.MAIL_QUOTA_NEW_SPACE_PER_DAY = 10
    settings.MAIL_QUOTA_ACCOUNT_PER_DAY = 15
    settings.MAIL_QUOTA_TRUSTED_SPACE_PER_DAY = 0
    return settings


def _attacker_space(client: Any, name: str = "Banque Sécurité") -> tuple[Any, Issuer, Any]:
    """A brand-new account creates a space through the site and publishes a badge."""
    attacker = UserFactory(email=f"mallory{Issuer.objects.count()}@example.net")
    client.force_login(attacker)
    response = client.post(
        reverse("core:space_create"), {"kind": "organisation", "name": name, "description": ""}
    )
    assert response.status_code == 302
    space = Issuer.objects.get(name=name)
    assert not space.mail_trusted
    badge = badge_create(
        issuer=space,
        actor=attacker,
        name=PHISHING,
        description=PHISHING,
        criteria="-",
        image_svg=BADGE_SVG,
        status="published",
    )
    return attacker, space, badge


def _award(client: Any, space: Issuer, badge: Any, email: str) -> Any:
    return client.post(
        reverse("issuing:award_new", args=[space.slug, badge.uuid]),
        {"email": email, "name": "Client", "narrative": PHISHING},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_new_account_cannot_relay_mail_by_awarding(
    client: Any, quota: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _attacker, space, badge = _attacker_space(client)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(40):
            answers.append(_award(client, space, badge, f"victim{number}@example.com"))
    codes = [answer.status_code for answer in answers]
    assert codes == [302] * 10 + [400] * 30
    assert "this space may still e-mail 0 people today" in answers[-1].text
    assert Award.objects.filter(issuer=space).count() == 10  # the refused ones wrote nothing
    smtp_server.wait_for(10)
    assert len(smtp_server.messages) == 10


def test_a_bulk_award_over_the_quota_is_refused_whole(
    client: Any, quota: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _attacker, space, badge = _attacker_space(client)
    rows = "".join(f"Client;{n};victim{n}@example.com;;;\n" for n in range(2000))
    upload = reverse("issuing:batch_upload", args=[space.slug, badge.uuid])
    content = ("Prénom;Nom;E-mail;Téléphone;Langue;Commentaire\n" + rows).encode()
    with django_capture_on_commit_callbacks(execute=True):  # the file is read at commit
        response = client.post(upload, {"file": SimpleUploadedFile("l.csv", content, "text/csv")})
    assert response.status_code == 302
    batch = AwardBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            reverse("issuing:batch_confirm", args=[space.slug, batch.uuid]),
            {"language": "fr"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert refused.status_code == 400
    assert "Cet envoi représenterait 2000 e-mails" in refused.text  # in the person's language
    batch.refresh_from_db()
    assert batch.status == "checked"
    assert batch.total == 2000
    assert not Award.objects.exists()
    assert smtp_server.messages == []
    assert quotas.sent_today("space", space.pk) == 0  # nothing counted either


def test_more_spaces_give_no_more_mail(
    client: Any, quota: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The account's own quota spans every space it creates: 10 + 5, not 10 + 10."""
    _attacker, first, badge = _attacker_space(client, "Première")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(10):
            assert _award(client, first, badge, f"a{number}@example.com").status_code == 302
    second = client.post(reverse("core:space_create"), {"kind": "organisation", "name": "Seconde"})
    assert second.status_code == 302
    space = Issuer.objects.get(name="Seconde")
    other = badge_create(
        issuer=space,
        actor=_attacker,
        name="B",
        description="B",
        criteria="-",
        image_svg=BADGE_SVG,
        status="published",
    )
    with django_capture_on_commit_callbacks(execute=True):
        codes = [
            _award(client, space, other, f"b{number}@example.com").status_code
            for number in range(10)
        ]
    assert codes == [302] * 5 + [400] * 5
    smtp_server.wait_for(15)
    assert len(smtp_server.messages) == 15


def test_invitations_count_too(
    client: Any, quota: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _attacker, space, _badge = _attacker_space(client)
    url = reverse("core:member_invite", args=[space.slug])
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(
                url, {"email": f"v{n}@example.com", "role": "viewer"}, HTTP_ACCEPT_LANGUAGE="en"
            )
            for n in range(12)
        ]
    assert [answer.status_code for answer in answers] == [302] * 10 + [429] * 2
    assert "Nothing was sent or recorded" in answers[-1].text
    assert Invitation.objects.filter(issuer=space).count() == 10
    smtp_server.wait_for(10)
    assert len(smtp_server.messages) == 10


def test_every_message_names_its_sender_and_links_to_a_report(
    client: Any,
    quota: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    operator = UserFactory(email="ops@example.org", is_staff=True)
    attacker, space, badge = _attacker_space(client)
    with django_capture_on_commit_callbacks(execute=True):
        _award(client, space, badge, "victim@example.com")
    (mail,) = smtp_server.wait_for(1)
    text = message_text(mail)
    assert f"{attacker.display_name} <{attacker.email}>" in text
    assert space.name in text
    link = re.search(r"(http\S+/abuse/report/\?ref=\S+)", text)
    assert link is not None
    path = link.group(1).removeprefix(settings.SITE_URL)

    client.logout()  # the recipient has no account
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert space.name in page.text
    assert attacker.email in page.text
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(path, {"message": "Phishing"}, HTTP_ACCEPT_LANGUAGE="en")
    assert sent.status_code == 200
    report = AbuseReport.objects.get()
    assert (report.issuer, report.sender, report.recipient) == (
        space,
        attacker,
        "victim@example.com",
    )
    assert report.kind == "issuing/email/award"
    alert = smtp_server.wait_for(2)[1]
    assert alert["To"] == operator.email
    assert "Phishing" in message_text(alert)
    assert space.name in message_text(alert)

    forged = client.get(path[:-3] + "xyz")  # a tampered reference names nobody
    assert forged.status_code == 200
    assert attacker.email not in forged.text


def test_the_operator_sees_the_counts_and_trusts_a_space(
    client: Any, quota: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    attacker, space, badge = _attacker_space(client)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(10):
            _award(client, space, badge, f"v{number}@example.com")
    assert _award(client, space, badge, "late@example.com").status_code == 400

    url = reverse("core:operator_mail")
    assert client.get(url).status_code == 403  # not an operator
    trust = reverse("core:operator_trust", args=[space.uuid])
    assert client.post(trust, {"trusted": "1"}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page

    operator = UserFactory(is_staff=True)
    client.force_login(operator)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert space.name in page.text
    assert attacker.email in page.text
    assert client.post(trust, {"trusted": "1"}).status_code == 302
    space.refresh_from_db()
    assert space.mail_trusted

    client.force_login(attacker)  # trusted: neither its quota nor the account's applies
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(20):
            assert _award(client, space, badge, f"w{number}@example.com").status_code == 302
    smtp_server.wait_for(30)


def test_quotas_are_per_day_and_anonymous_claims_count_for_the_space(quota: Any) -> None:
    space = Issuer.objects.create(name="S", slug="s", kind="organisation")
    quotas.reserve(issuer=space, actor=None, count=10)
    with pytest.raises(quotas.QuotaExceeded):
        quotas.reserve(issuer=space, actor=None, count=1)
    MailCount.objects.filter(ref=space.pk).update(day="2020-01-01")  # yesterday's count
    quotas.reserve(issuer=space, actor=None, count=10)
    operator = UserFactory(is_staff=True)
    quotas.reserve(issuer=space, actor=operator, count=1000)  # operators have no quota
