"""A 10,000-line spreadsheet through the web pages, as an awarder would send it: upload, the
background task reading and checking it, confirm, and the background task awarding everyone.
Each credential is signed and a sample is verified end to end. Takes about a minute and a half
on an idle 2-core machine (SQLite)."""

from __future__ import annotations

import csv
import io
import random
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award, AwardBatch, BatchStatus, RecipientKind
from obcore.verify import State, verify_credential

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]
PEOPLE = 10_000


def spreadsheet() -> bytes:
    lines = ["Prénom;Nom;Courriel;Téléphone"]
    for n in range(PEOPLE):
        if n % 3 == 0:
            lines.append(f"Prénom{n};Nom{n};personne{n}@example.org;")
        elif n % 3 == 1:
            lines.append(
                f"Prénom{n};Nom{n};;06 {n // 10000 + 10:02d} {n // 100 % 100:02d} {n % 100:02d} 00"
            )
        else:
            lines.append(f"Prénom{n};Nom{n};;")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_ten_thousand_people_through_the_web(
    client: Any,
    world: Any,
    published: Any,
    settings: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(world.admin)
    upload = reverse("issuing:batch_upload", args=[world.org_a.slug, published.uuid])
    content = spreadsheet()
    with django_capture_on_commit_callbacks(execute=True):  # the reading task, at commit
        response = client.post(upload, {"file": SimpleUploadedFile("forum-emploi.csv", content)})
    assert response.status_code == 302
    batch = AwardBatch.objects.get()
    assert (batch.status, batch.total) == (BatchStatus.CHECKED, PEOPLE)

    detail = reverse("issuing:batch_detail", args=[world.org_a.slug, batch.uuid])
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "10,000" in page.text
    confirm = reverse("issuing:batch_confirm", args=[world.org_a.slug, batch.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"language": "fr"})
    assert response.status_code == 302

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped) == (BatchStatus.DONE, PEOPLE, 0), batch.error
    made = Award.objects.filter(batch=batch)
    assert made.count() == PEOPLE
    assert made.values("idempotency_key").distinct().count() == PEOPLE
    assert made.filter(recipient_kind=RecipientKind.PHONE).count() == PEOPLE // 3
    assert len(mailoutbox) == (PEOPLE + 2) // 3
    fetcher = LocalFetcher()
    for award in random.Random(7).sample(list(made), 6):
        recipient = award.recipient_email or award.recipient_phone or award.recipient_name
        report = verify_credential(award.credential, fetcher=fetcher, recipient=recipient)
        assert report.state is State.VALID, report.checks

    # The results stay quick to show, whatever the size.
    with django_assert_max_num_queries(9):
        assert client.get(detail).status_code == 200
    codes = reverse("issuing:batch_codes_csv", args=[world.org_a.slug, batch.uuid])
    exported = b"".join(client.get(codes).streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(exported)))) == 1 + PEOPLE - (PEOPLE + 2) // 3
    # Sending the same file again leads to this batch: nobody is awarded twice.
    again = client.post(upload, {"file": SimpleUploadedFile("copie.csv", content)})
    assert again["Location"] == detail
    assert Award.objects.count() == PEOPLE
