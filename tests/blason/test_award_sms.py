"""Awarding a badge to a phone number sends an SMS with the claim link and code, in the
recipient's language (one at a time and in bulk); the award page and the batch report say what
became of it; revoking or collecting the badge first cancels it; SMS off is said plainly."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from blason.core import outbox, sms
from blason.core.models import OutboxMessage, OutboxState
from blason.core.sms import SmsMessage, SmsRefused
from blason.issuing.awarding import batch_reading, batches
from blason.issuing.awarding import services as awards
from blason.issuing.awarding import sms as award_sms
from blason.issuing.models import Award, AwardBatch, BatchStatus

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NUMBER = "+33612345678"
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}")


def paris(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Any:
    """A fixed clock, with the default quiet hours (21:00-08:00)."""
    settings.SMS_QUIET_HOURS = ("21:00", "08:00")

    def set_clock(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_clock


def award_by_phone(
    client: Any, world: Any, badge: Any, capture: Any, **data: str
) -> tuple[Any, Award]:
    client.force_login(world.admin)
    url = reverse("issuing:award_new", args=[world.org_a.slug, badge.uuid])
    fields = {"phone": "06 12 34 56 78", "name": "Samir", "language": "fr", **data}
    with capture(execute=True):
        response = client.post(url, fields, follow=True, headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response, Award.objects.latest("pk")


def page(client: Any, award: Award) -> str:
    url = reverse("award_public", args=[award.uuid])
    return str(client.get(url, headers={"Accept": "text/html"}).content.decode())


def test_award_to_a_phone_number_sends_the_link_and_code_in_french(
    client: Any, world: Any, published: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response, award = award_by_phone(client, world, published, django_capture_on_commit_callbacks)
    (message,) = sms.outbox
    assert message.to == NUMBER
    link = f"http://testserver/claim/{award.claim_code}"
    assert message.body == (
        'Bravo Samir ! Organisation A vous a décerné le badge "Accueil du public". '
        f"Pour le garder : {link} (code {award.claim_code})"
    )
    assert sms.is_gsm7(message.body)
    assert sms.segments(message.body) == 1
    assert "Samir reçoit un SMS avec le lien" in response.content.decode()
    row = OutboxMessage.objects.get(key=award_sms.key(award))
    assert (row.kind, row.state, row.scope) == (
        "sms",
        OutboxState.SENT,
        f"issuer:{world.org_a.uuid}",
    )
    assert "SMS envoyé le" in page(client, award)
    # The link collects exactly this badge.
    assert client.get(link).status_code in (200, 302)


def test_the_sms_is_written_in_the_recipient_language(
    client: Any, world: Any, published: Any, django_capture_on_commit_callbacks: Any
) -> None:
    award_by_phone(client, world, published, django_capture_on_commit_callbacks, language="en")
    (message,) = sms.outbox
    assert message.body.startswith(
        'Congratulations Samir! Organisation A awarded you the badge "Accueil du public". Keep it: '
    )


def test_long_names_still_fit_in_two_sms(world: Any, published: Any) -> None:
    world.org_a.name = "Association pour l'insertion professionnelle des jeunes du Grand Est"
    world.org_a.save()
    published.name = "Compétences numériques : rédiger un CV, préparer un entretien, " * 3
    published.save()
    award = awards.award_issue(
        badge=published,
        actor=world.admin,
        phone="0612345678",
        name="Marie-Christine de La Tour d'Auvergne",
        language="fr",
    )
    with translation.override("fr"):
        body = award_sms.text(award)
    assert sms.segments(body) <= 2
    assert award.claim_code in body
    assert f"/claim/{award.claim_code}" in body
    assert "Marie-Christine" not in body  # too long a name is left out before the link is
    assert "..." in body


def test_a_recipient_with_an_email_address_gets_the_email_not_an_sms(
    client: Any,
    world: Any,
    published: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    award_by_phone(
        client, world, published, django_capture_on_commit_callbacks, email="samir@example.org"
    )
    assert len(mailoutbox) == 1
    assert sms.outbox == []


def test_sms_off_says_so_where_an_sms_would_have_been_sent(
    client: Any, world: Any, published: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_BACKEND = ""
    client.force_login(world.admin)
    badge_page = client.get(reverse("issuing:badge", args=[world.org_a.slug, published.uuid]))
    assert "Ce site n\u2019envoie pas de SMS" in badge_page.content.decode()
    response, award = award_by_phone(client, world, published, django_capture_on_commit_callbacks)
    assert sms.outbox == []
    assert not OutboxMessage.objects.filter(kind="sms").exists()
    text = response.content.decode()
    assert "Donnez ce code de récupération à Samir" in text
    assert "Aucun SMS n\u2019a été envoyé : les SMS sont désactivés sur ce site." in text.replace(
        "\xa0", " "
    )
    assert award.claim_code in text  # the code and the QR code are still there


def test_an_award_made_at_night_is_told_at_eight(
    client: Any, world: Any, published: Any, at: Any, django_capture_on_commit_callbacks: Any
) -> None:
    at(paris(22, 30))
    response, award = award_by_phone(client, world, published, django_capture_on_commit_callbacks)
    assert sms.outbox == []
    text = response.content.decode()
    assert "Le SMS sera envoyé le 11 mars 2025 08:00" in text
    at(paris(8, day=11))
    assert outbox.deliver_due() == 1
    assert [m.to for m in sms.outbox] == [NUMBER]
    assert "SMS envoyé le 11 mars 2025 08:00" in page(client, award)


def test_revoking_before_the_sms_goes_cancels_it(
    client: Any, world: Any, published: Any, at: Any, django_capture_on_commit_callbacks: Any
) -> None:
    at(paris(23))
    _response, award = award_by_phone(client, world, published, django_capture_on_commit_callbacks)
    awards.award_revoke(award=award, actor=world.admin, reason="Erreur de numéro")
    row = OutboxMessage.objects.get(key=award_sms.key(award))
    assert row.state == OutboxState.CANCELLED
    at(paris(8, day=11))
    assert outbox.deliver_due() == 0
    assert sms.outbox == []


def test_collecting_the_badge_first_cancels_the_sms(world: Any, published: Any, at: Any) -> None:
    at(paris(23))
    award = awards.award_issue(badge=published, actor=world.admin, phone="0612345678")
    Award.objects.filter(pk=award.pk).update(claimed_at=paris(23, 30))  # the QR code at once
    at(paris(8, day=11))
    assert outbox.deliver_due() == 0
    assert OutboxMessage.objects.get(key=award_sms.key(award)).state == OutboxState.CANCELLED
    assert sms.outbox == []


def test_too_many_sms_to_one_number(
    client: Any, world: Any, published: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_RATE_LIMIT_NUMBER = "1/d"
    award_by_phone(client, world, published, django_capture_on_commit_callbacks)
    # Another award to the same number the same day: no second SMS.
    second = awards.award_issue(
        badge=published, actor=world.admin, phone="0612345678", name="Samir B."
    )
    assert len(sms.outbox) == 1
    row = OutboxMessage.objects.get(key=award_sms.key(second))
    assert row.state == OutboxState.REFUSED
    text = page(client, second).replace("\xa0", " ")
    assert "trop de SMS ont été envoyés récemment à ce numéro ou par cet espace" in text


def test_a_number_the_provider_refuses_is_shown_as_failed(
    client: Any,
    world: Any,
    published: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def refuse(self: Any, message: SmsMessage) -> str:
        raise SmsRefused("Brevo answered 400: invalid_parameter Invalid recipient number")

    monkeypatch.setattr("blason.core.sms.backends.locmem.SmsBackend.send", refuse)
    _response, award = award_by_phone(client, world, published, django_capture_on_commit_callbacks)
    row = OutboxMessage.objects.get(key=award_sms.key(award))
    assert row.state == OutboxState.FAILED
    text = page(client, award).replace("\xa0", " ")
    assert "Le SMS n\u2019a pas pu être envoyé : le fournisseur de SMS a refusé ce numéro." in text


def test_outsiders_do_not_see_what_was_sent(
    client: Any, world: Any, published: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _response, award = award_by_phone(client, world, published, django_capture_on_commit_callbacks)
    client.force_login(world.outsider)
    assert 'id="sms-delivery"' not in page(client, award)
    client.logout()
    assert 'id="sms-delivery"' not in page(client, award)


# --- Bulk awards ------------------------------------------------------------------------------


def phones_file(count: int, *, email: bool = False) -> bytes:
    lines = ["nom,telephone,courriel,langue"]
    for number in range(count):
        language = "en" if number == 0 else "fr"
        lines.append(f"Personne {number},06 12 34 56 {number:02d},,{language}")
    if email:
        lines.append("Avec courriel,,mail@example.org,fr")
    return ("\n".join(lines) + "\n").encode()


def run_batch(world: Any, badge: Any, content: bytes, capture: Any) -> AwardBatch:
    batch = batch_reading.batch_upload(
        badge=badge, actor=world.admin, content=content, source_name="liste.csv"
    ).batch
    batch_reading.batch_read(str(batch.uuid))  # what the reading task does
    batch.refresh_from_db()
    with capture(execute=True):
        batches.batch_confirm(batch=batch, actor=world.admin)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    return batch


def test_a_bulk_award_texts_everyone_known_by_phone_one_task_per_chunk(
    client: Any,
    world: Any,
    published: Any,
    monkeypatch: pytest.MonkeyPatch,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(batches, "CHUNK_SIZE", 2)
    kicks: list[int] = []
    real_kick = outbox._kick
    monkeypatch.setattr(outbox, "_kick", lambda: kicks.append(1) or real_kick())
    batch = run_batch(world, published, phones_file(5), django_capture_on_commit_callbacks)
    assert len(kicks) == 3  # 5 people in chunks of 2: one delivery task per chunk
    assert sorted(m.to for m in sms.outbox) == [f"+336123456{n:02d}" for n in range(5)]
    by_number = {m.to: m.body for m in sms.outbox}
    assert by_number["+33612345600"].startswith("Congratulations Personne 0!")
    assert by_number["+33612345601"].startswith("Bravo Personne 1 !")
    for award in Award.objects.filter(batch=batch):
        assert f"(code {award.claim_code})" in by_number[award.recipient_phone]
    client.force_login(world.admin)
    report = client.get(reverse("issuing:batch_detail", args=[world.org_a.slug, batch.uuid]))
    text = report.content.decode()
    assert "SMS aux personnes connues par un numéro de téléphone" in text
    assert re.search(r"<dt>SMS envoyés</dt><dd>5</dd>", text)
    assert text.count("<td>SMS envoyé") == 5


def test_a_bulk_award_past_the_space_sms_limit_says_who_got_none(
    client: Any, world: Any, published: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_RATE_LIMIT_SCOPE = "3/d"
    batch = run_batch(world, published, phones_file(5), django_capture_on_commit_callbacks)
    assert len(sms.outbox) == 3
    client.force_login(world.admin)
    text = client.get(reverse("issuing:batch_detail", args=[world.org_a.slug, batch.uuid]))
    html = text.content.decode().replace("\xa0", " ")
    assert re.search(r"<dt>SMS envoyés</dt><dd>3</dd>", html)
    assert re.search(
        r"<dt>Non envoyés : trop de SMS récemment \(donnez-leur leur code de récupération\)</dt>"
        r"<dd>2</dd>",
        html,
    )
    assert html.count("Pas de SMS (limite) : code de récupération") == 2


def test_a_bulk_award_with_sms_off_says_nobody_was_texted(
    client: Any, world: Any, published: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_BACKEND = ""
    batch = run_batch(world, published, phones_file(3), django_capture_on_commit_callbacks)
    assert sms.outbox == []
    client.force_login(world.admin)
    html = client.get(reverse("issuing:batch_detail", args=[world.org_a.slug, batch.uuid]))
    text = html.content.decode().replace("\xa0", " ")
    assert "Ce site n\u2019envoie pas de SMS : les 3 personnes connues seulement" in text
    assert text.count("Pas de SMS : code de récupération") == 3


def test_a_bulk_award_at_night_waits_for_eight(
    client: Any, world: Any, published: Any, at: Any, django_capture_on_commit_callbacks: Any
) -> None:
    at(paris(21, 30))
    batch = run_batch(world, published, phones_file(2), django_capture_on_commit_callbacks)
    assert sms.outbox == []
    client.force_login(world.admin)
    html = client.get(reverse("issuing:batch_detail", args=[world.org_a.slug, batch.uuid]))
    text = html.content.decode().replace("\xa0", " ")
    assert re.search(r"<dt>En attente du matin \(pas de SMS la nuit\)</dt><dd>2</dd>", text)
    at(paris(8, day=11))
    assert outbox.deliver_due() == 2
    assert len(sms.outbox) == 2
