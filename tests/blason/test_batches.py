"""Awarding from a spreadsheet: the services and the background task (idempotency, crash and
resume, cancellation), and the web pages (flow, hostile files, access, bounded queries).
Uploading and reading the file in the background: test_batch_reading.py."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from html import escape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry, Membership
from blason.issuing.awarding import batch_reading, batches, bulk
from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award, AwardBatch, BadgeStatus, BatchStatus, RecipientKind
from obcore.verify import State, verify_credential
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "Prénom;Nom;Courriel;Téléphone;Langue;Commentaire\n"
    "Inès;Haddad;ines@example.org;;en;Accueil parfait\n"
    "Samir;Benali;;06 12 34 56 78;;\n"
    "Yanis;Moreau;;;;\n"
)
WITH_ERRORS = GOOD + "Léa;Petit;lea@;;;\nInès;H.;INES@example.org;;;\n;;;;klingon;\n"


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """Tasks run at once, as tests/conftest.py intends, even when a task backend was already
    built before it changed the setting (the ``settings`` fixture resets django-tasks)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages of the services in English (the default language is French)."""
    with translation.override("en"):
        yield


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(50_000_000))
    return out.getvalue()


ZIP_BOMB = _zip_bomb()  # 50 MB of zeros in about 50 kB


def people(count: int, *, start: int = 0) -> bytes:
    lines = ["name,email,phone"]
    for number in range(start, start + count):
        if number % 3 == 0:
            lines.append(f"Personne {number},p{number}@example.org,")
        elif number % 3 == 1:
            lines.append(f"Personne {number},,+3361{number:07d}")
        else:
            lines.append(f"Personne {number},,")
    return ("\n".join(lines) + "\n").encode()


def check(world: Any, badge: Any, content: bytes | str, name: str = "liste.csv") -> AwardBatch:
    """Upload a file, and read it as the worker's task would once the upload commits."""
    data = content.encode() if isinstance(content, str) else content
    batch = batch_reading.batch_upload(
        badge=badge, actor=world.admin, content=data, source_name=name
    ).batch
    batch_reading.batch_read(str(batch.uuid))
    batch.refresh_from_db()
    return batch


def run(world: Any, batch: AwardBatch, capture: Any, **options: Any) -> AwardBatch:
    """Confirm, and run the background task as the worker would once the transaction commits."""
    with capture(execute=True):
        batches.batch_confirm(batch=batch, actor=world.admin, **options)
    batch.refresh_from_db()
    return batch


class TestServices:
    def test_check_then_award_everyone(
        self, world: Any, published: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        batch = check(world, published, GOOD)
        assert batch.status == BatchStatus.CHECKED
        assert not Award.objects.exists()  # nothing is awarded before the confirmation
        assert batch.mapping["columns"]["first_name"] == 0
        assert [row["name"] for row in batch.rows] == [
            "Inès Haddad",
            "Samir Benali",
            "Yanis Moreau",
        ]
        batch = run(world, batch, django_capture_on_commit_callbacks, narrative="Forum emploi")
        assert (batch.status, batch.total, batch.done, batch.skipped) == ("done", 3, 3, 0)
        assert batch.started_at is not None
        assert batch.finished_at is not None
        made = {award.recipient_kind: award for award in Award.objects.filter(batch=batch)}
        assert set(made) == {RecipientKind.EMAIL, RecipientKind.PHONE, RecipientKind.NAME}
        assert made[RecipientKind.PHONE].recipient_phone == "+33612345678"
        assert made[RecipientKind.EMAIL].narrative == "Accueil parfait"  # its own comment wins
        assert made[RecipientKind.NAME].narrative == "Forum emploi"
        assert all(
            a.idempotency_key.startswith(f"batch:{batch.source_sha256}:") for a in made.values()
        )
        assert all(a.awarded_by == world.admin for a in made.values())
        (mail,) = mailoutbox
        assert mail.to == ["ines@example.org"]
        assert "badge" in mail.subject.lower()  # in English, as the line asked
        for award in made.values():
            report = verify_credential(award.credential, fetcher=LocalFetcher())
            assert report.state is State.VALID, report.checks
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {
            "issuing.batch.checked",
            "issuing.batch.confirmed",
            "issuing.batch.finished",
        } <= actions

    def test_the_same_file_twice_never_awards_twice(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        first = run(world, check(world, published, GOOD), django_capture_on_commit_callbacks)
        again = batch_reading.batch_upload(
            badge=published, actor=world.admin, content=GOOD.encode(), source_name="copie.csv"
        )
        assert again.existing
        assert again.batch.pk == first.pk
        assert AwardBatch.objects.count() == 1
        # The task delivered twice, or run again from the start: still no second award.
        assert batches.batch_run(str(first.uuid)) == BatchStatus.DONE
        AwardBatch.objects.filter(pk=first.pk).update(status=BatchStatus.QUEUED, done=0, skipped=0)
        assert batches.batch_run(str(first.uuid)) == BatchStatus.DONE
        first.refresh_from_db()
        assert (first.done, first.skipped) == (0, 3)
        assert Award.objects.count() == 3

    def test_people_who_already_hold_the_badge_are_left_out_unless_asked(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
        revoked = awards.award_issue(badge=published, actor=world.admin, name="Yanis Moreau")
        awards.award_revoke(award=revoked, actor=world.admin, reason="erreur")
        batch = check(world, published, GOOD)
        assert [row.get("holder", False) for row in batch.rows] == [True, False, False]
        batch = run(world, batch, django_capture_on_commit_callbacks)
        assert batch.done == 2
        assert batch.mapping["excluded"] == {"invalid": 0, "holders": 1}
        corrected = check(world, published, GOOD + "Léa;Petit;lea@example.org;;;\n")
        assert sum(1 for row in corrected.rows if row.get("holder")) == 3
        corrected = run(world, corrected, django_capture_on_commit_callbacks, include_holders=True)
        assert corrected.done == 4
        assert Award.objects.filter(recipient_email="ines@example.org").count() == 2

    def test_lines_with_errors_need_an_explicit_choice(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        batch = check(world, published, WITH_ERRORS)
        codes = [[p["code"] for p in row.get("problems", [])] for row in batch.rows]
        assert codes == [[], [], [], ["email"], ["duplicate"], ["language", "identity"]]
        with pytest.raises(ActionRefused, match="tick the box"):
            batches.batch_confirm(batch=batch, actor=world.admin)
        assert AwardBatch.objects.get().status == BatchStatus.CHECKED
        batch = run(world, batch, django_capture_on_commit_callbacks, skip_invalid=True)
        assert (batch.total, batch.done) == (3, 3)
        assert batch.mapping["excluded"]["invalid"] == 3
        assert "table" not in batch.mapping  # the file's cells are not kept once confirmed
        with pytest.raises(ActionRefused, match="already confirmed"):
            batches.batch_confirm(batch=batch, actor=world.admin)

    def test_nothing_to_award_and_unpublished_badges(self, world: Any, published: Any) -> None:
        batch = check(world, published, "name,email\nBad,bad@\n")
        with pytest.raises(ActionRefused, match="nobody left"):
            batches.batch_confirm(batch=batch, actor=world.admin, skip_invalid=True)
        published.status = BadgeStatus.ARCHIVED
        published.save()
        with pytest.raises(ActionRefused, match="published"):
            check(world, published, GOOD)

    def test_columns_chosen_by_hand(self, world: Any, published: Any) -> None:
        batch = check(world, published, "Contact;Qui\nines@example.org;Inès\nsamir@;Samir\n")
        assert batch.mapping["columns"]["email"] is None
        assert all(row["problems"][0]["code"] == "identity" for row in batch.rows)
        batch = batches.batch_set_columns(
            batch=batch, actor=world.admin, columns={"email": 0, "name": 1}
        )
        assert [bool(row.get("problems")) for row in batch.rows] == [False, True]
        assert batch.total == 1
        with pytest.raises(ActionRefused):
            batches.batch_set_columns(batch=batch, actor=world.admin, columns={"email": 7})

    def test_a_newer_file_replaces_the_unconfirmed_one(self, world: Any, published: Any) -> None:
        old = check(world, published, GOOD)
        new = check(world, published, WITH_ERRORS)
        assert list(AwardBatch.objects.values_list("pk", flat=True)) == [new.pk]
        assert not AwardBatch.objects.filter(pk=old.pk).exists()
        batches.batch_discard(batch=new, actor=world.admin)
        assert not AwardBatch.objects.exists()

    def test_bad_files_are_refused_with_the_reason(self, world: Any, published: Any) -> None:
        for content in (b"", b"  \r\n", b"%PDF-1.7", b"\xd0\xcf\x11\xe0" + bytes(100)):
            with pytest.raises(ActionRefused):  # the first bytes tell: refused at once
                check(world, published, content)
        assert not AwardBatch.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="issuing.batch").exists()
        for content, reason in (
            (b"\x00\x01junk\x00" * 40, "not_spreadsheet"),
            (b"PK\x03\x04broken", "damaged"),
            (b"nom\n", "nobody"),
        ):
            batch = check(world, published, content)  # refused by the reading task
            assert batch.status == BatchStatus.REFUSED
            assert batch.mapping["refusal"]["code"] == reason
            assert not batch.rows
            with pytest.raises(ActionRefused, match="could not be read"):
                batches.batch_confirm(batch=batch, actor=world.admin)
        assert not Award.objects.exists()


def failing_after(monkeypatch: Any, calls: int, effect: Callable[[], None]) -> None:
    """award_many (one call per chunk) works ``calls`` times, then ``effect()`` happens before
    each next call."""
    real = bulk.award_many
    count = {"n": 0}

    def award_many(**kwargs: Any) -> Any:
        count["n"] += 1
        if count["n"] > calls:
            effect()
        return real(**kwargs)

    monkeypatch.setattr(bulk, "award_many", award_many)


class TestBackgroundTask:
    @pytest.fixture(autouse=True)
    def small_chunks(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(batches, "CHUNK_SIZE", 5)

    @pytest.fixture
    def queued(self, world: Any, published: Any) -> AwardBatch:
        """12 people, confirmed; the task not run yet (the worker has not picked it up)."""
        batch = check(world, published, people(12))
        return batches.batch_confirm(batch=batch, actor=world.admin, language="en")

    def test_runs_chunk_by_chunk(self, queued: AwardBatch, monkeypatch: Any) -> None:
        seen: list[int] = []
        real = batches._award_chunk

        def chunk(batch: AwardBatch) -> str | None:
            seen.append(AwardBatch.objects.get(pk=batch.pk).done)
            return real(batch)

        monkeypatch.setattr(batches, "_award_chunk", chunk)
        assert batches.batch_run(str(queued.uuid)) == BatchStatus.DONE
        assert seen == [0, 5, 10, 12]  # progress is visible after each chunk
        assert Award.objects.filter(batch=queued).count() == 12

    def test_a_crash_keeps_the_finished_chunks_and_resume_goes_on(
        self, queued: AwardBatch, monkeypatch: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        def crash() -> None:
            raise RuntimeError("the disk is full")

        failing_after(monkeypatch, 1, crash)
        with pytest.raises(RuntimeError):
            batches.batch_run(str(queued.uuid))
        queued.refresh_from_db()
        assert (queued.status, queued.done) == (BatchStatus.FAILED, 5)
        assert "unexpected error" in queued.error
        assert Award.objects.count() == 5  # the chunk in progress was rolled back
        monkeypatch.undo()
        monkeypatch.setattr(batches, "CHUNK_SIZE", 5)
        assert batches.can_resume(queued)
        with django_capture_on_commit_callbacks(execute=True):
            batches.batch_resume(batch=queued, actor=None)
        queued.refresh_from_db()
        assert (queued.status, queued.done, queued.skipped) == (BatchStatus.DONE, 12, 0)
        assert Award.objects.count() == 12
        assert Award.objects.values("idempotency_key").distinct().count() == 12

    def test_a_worker_that_died_is_taken_over(
        self, queued: AwardBatch, monkeypatch: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        AwardBatch.objects.filter(pk=queued.pk).update(status=BatchStatus.RUNNING)
        queued.refresh_from_db()
        assert batches._award_chunk(queued) is None  # one chunk, then the process is killed
        queued.refresh_from_db()
        assert not batches.is_stalled(queued)
        assert not batches.can_resume(queued)
        assert batches.is_stalled(queued, now=timezone.now() + timedelta(minutes=10))
        monkeypatch.setattr(batches, "STALLED_AFTER", timedelta(seconds=-1))
        assert batches.can_resume(queued)
        with django_capture_on_commit_callbacks(execute=True):
            batches.batch_resume(batch=queued, actor=None)
        queued.refresh_from_db()
        assert (queued.status, queued.done) == (BatchStatus.DONE, 12)
        assert Award.objects.count() == 12

    def test_awards_made_but_not_counted_are_skipped(self, queued: AwardBatch) -> None:
        AwardBatch.objects.filter(pk=queued.pk).update(status=BatchStatus.RUNNING)
        queued.refresh_from_db()
        batches._award_chunk(queued)
        AwardBatch.objects.filter(pk=queued.pk).update(done=0)  # as if the count were lost
        assert batches.batch_run(str(queued.uuid)) == BatchStatus.DONE
        queued.refresh_from_db()
        assert (queued.done, queued.skipped) == (7, 5)
        assert Award.objects.count() == 12

    def test_cancel_stops_after_the_chunk_in_progress(
        self, world: Any, queued: AwardBatch, monkeypatch: Any
    ) -> None:
        def cancel() -> None:
            if AwardBatch.objects.get(pk=queued.pk).status == BatchStatus.RUNNING:
                batches.batch_cancel(batch=queued, actor=world.admin)

        failing_after(monkeypatch, 0, cancel)
        assert batches.batch_run(str(queued.uuid)) == BatchStatus.CANCELLED
        queued.refresh_from_db()
        assert (queued.status, queued.done) == (BatchStatus.CANCELLED, 5)
        assert Award.objects.count() == 5
        with pytest.raises(ActionRefused):
            batches.batch_cancel(batch=queued, actor=world.admin)
        assert batches.batch_run(str(queued.uuid)) == BatchStatus.CANCELLED  # stays stopped

    def test_a_badge_archived_while_awarding_stops_it(
        self, queued: AwardBatch, published: Any, monkeypatch: Any
    ) -> None:
        def archive() -> None:
            type(published).objects.filter(pk=published.pk).update(status=BadgeStatus.ARCHIVED)

        failing_after(monkeypatch, 0, archive)
        assert batches.batch_run(str(queued.uuid)) == BatchStatus.FAILED
        queued.refresh_from_db()
        assert queued.error == "Only a published badge can be awarded."
        assert queued.done == 5

    def test_a_refused_line_is_named(self, queued: AwardBatch, monkeypatch: Any) -> None:
        def refuse() -> None:
            # The second person of the second chunk: the 7th of the file, on its line 8.
            raise bulk.RecipientRefused(1, "This phone number is not valid: 12")

        failing_after(monkeypatch, 1, refuse)
        assert batches.batch_run(str(queued.uuid)) == BatchStatus.FAILED
        queued.refresh_from_db()
        assert queued.error == "Line 8: This phone number is not valid: 12"

    def test_gone_or_finished_batches_are_left_alone(self, queued: AwardBatch) -> None:
        assert batches.batch_run("00000000-0000-0000-0000-000000000000") == "gone"
        AwardBatch.objects.filter(pk=queued.pk).update(status=BatchStatus.CANCELLED)
        assert batches.batch_run(str(queued.uuid)) == BatchStatus.CANCELLED
        assert not Award.objects.exists()


def upload_url(world: Any, badge: Any) -> str:
    return reverse("issuing:batch_upload", args=[world.org_a.slug, badge.uuid])


def batch_url(name: str, batch: AwardBatch) -> str:
    return reverse(f"issuing:{name}", args=[batch.issuer.slug, batch.uuid])


def send(client: Any, world: Any, badge: Any, content: bytes, name: str = "liste.csv") -> Any:
    """Upload through the page; the reading task runs when the upload commits (the test
    settings run tasks at once: the ImmediateBackend)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            upload_url(world, badge),
            {"file": SimpleUploadedFile(name, content, "text/csv")},
            HTTP_ACCEPT_LANGUAGE="en",
        )


class TestPages:
    def test_the_whole_flow(
        self, client: Any, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        client.force_login(world.admin)
        badge_page = client.get(reverse("issuing:badge", args=[world.org_a.slug, published.uuid]))
        assert upload_url(world, published) in badge_page.text
        page = client.get(upload_url(world, published), HTTP_ACCEPT_LANGUAGE="en")
        assert reverse("issuing:batch_template", args=[world.org_a.slug]) in page.text
        response = send(client, world, published, WITH_ERRORS.encode())
        batch = AwardBatch.objects.get()
        assert response.status_code == 302
        assert response["Location"] == batch_url("batch_detail", batch)
        page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert "Inès Haddad" in page.text  # the preview
        assert escape("This e-mail address is not valid: lea@") in page.text
        assert "The same person as on line 2." in page.text
        assert "Unknown language: klingon" in page.text
        errors = client.get(batch_url("batch_problems", batch), HTTP_ACCEPT_LANGUAGE="en")
        lines = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode())))
        assert lines[0] == ["\ufeffLine", "Name", "E-mail address", "Phone number", "Problem"]
        assert [line[0] for line in lines[1:]] == ["5", "6", "7", "7"]
        refused = client.post(
            batch_url("batch_confirm", batch), {"language": "fr"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert refused.status_code == 400
        assert "tick the box" in refused.text
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(
                batch_url("batch_confirm", batch), {"language": "fr", "skip_invalid": "on"}
            )
        assert started.status_code == 302
        page = client.get(batch_url("batch_detail", batch), HTTP_ACCEPT_LANGUAGE="en")
        assert 'value="3"' in page.text
        assert "3 of 3 awarded" in page.text
        assert "hx-trigger" not in page.text  # finished: no more polling
        codes = client.get(batch_url("batch_codes", batch), HTTP_ACCEPT_LANGUAGE="en")
        phone_award = Award.objects.get(recipient_kind=RecipientKind.PHONE)
        assert phone_award.claim_code in codes.text
        assert "<svg" in codes.text  # a QR code to scan
        assert "ines@example.org" not in codes.text  # she has her e-mail
        exported = client.get(batch_url("batch_codes_csv", batch), HTTP_ACCEPT_LANGUAGE="en")
        rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
        assert rows[0][:3] == ["\ufeffName", "Phone number", "Claim code"]
        assert sorted(row[2] for row in rows[1:]) == sorted(
            Award.objects.exclude(recipient_kind=RecipientKind.EMAIL).values_list(
                "claim_code", flat=True
            )
        )
        assert rows[1][3].endswith(f"/claim/{rows[1][2]}")

    def test_progress_polling(self, client: Any, world: Any, published: Any) -> None:
        batch = batches.batch_confirm(batch=check(world, published, GOOD), actor=world.admin)
        client.force_login(world.admin)
        page = client.get(batch_url("batch_detail", batch), HTTP_ACCEPT_LANGUAGE="en")
        assert 'hx-trigger="every 2s"' in page.text
        assert '<label for="batch-progress-bar"' in page.text
        assert "0 of 3 awarded" in page.text
        AwardBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, done=2)
        fragment = client.get(
            batch_url("batch_progress", batch), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert 'hx-swap-oob="innerHTML"' in fragment.text
        assert "2 of 3 awarded (66 %)" in fragment.text
        assert 'value="2"' in fragment.text
        AwardBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE, done=3)
        finished = client.get(batch_url("batch_progress", batch), HTTP_HX_REQUEST="true")
        assert finished["HX-Refresh"] == "true"

    def test_same_file_again_says_so(self, client: Any, world: Any, published: Any) -> None:
        client.force_login(world.admin)
        send(client, world, published, GOOD.encode())
        again = send(client, world, published, GOOD.encode(), name="autre-nom.csv")
        page = client.get(again["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert "This file was already sent for this badge" in page.text
        assert AwardBatch.objects.count() == 1

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "The submitted file is empty."),
            (b" \r\n\t", "The file is empty."),
            (b"%PDF-1.4 a document", "This file is not a spreadsheet"),
            (b"\xd0\xcf\x11\xe0" + bytes(60), "old Excel file"),
        ],
    )
    def test_files_refused_at_once(
        self, client: Any, world: Any, published: Any, content: bytes, message: str
    ) -> None:
        """What the first bytes tell is refused by the upload itself (nothing is parsed)."""
        client.force_login(world.admin)
        response = send(client, world, published, content)
        assert response.status_code == 400
        assert escape(message) in response.text
        assert not AwardBatch.objects.exists()

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"\x00\xff\x00binary" * 100, "This file is not a spreadsheet"),
            (b"PK\x03\x04" + b"\x00" * 64, "damaged"),
            (ZIP_BOMB, "too large once unpacked"),
            (b"ines@example.org;Ines\n", "The first line must give the names of the columns"),
            (b"nom;courriel\n", "nobody below it"),
        ],
    )
    def test_hostile_and_bad_files(
        self, client: Any, world: Any, published: Any, content: bytes, message: str
    ) -> None:
        """The rest is refused by the reading task: the page says why."""
        client.force_login(world.admin)
        response = send(client, world, published, content)
        batch = AwardBatch.objects.get()
        assert response.status_code == 302
        assert response["Location"] == batch_url("batch_detail", batch)
        assert batch.status == BatchStatus.REFUSED
        page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert escape(message) in page.text
        assert "Nothing was awarded from it." in page.text
        assert "hx-trigger" not in page.text  # read: no more polling
        assert not Award.objects.exists()

    def test_size_and_row_limits(
        self, client: Any, world: Any, published: Any, settings: Any
    ) -> None:
        client.force_login(world.admin)
        settings.BATCH_MAX_ROWS = 5
        response = send(client, world, published, people(6))
        page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert "This file has more than 5 rows" in page.text
        assert AwardBatch.objects.get().status == BatchStatus.REFUSED
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
        response = send(client, world, published, people(200))
        assert response.status_code == 400
        assert "This file is too large" in response.text
        assert AwardBatch.objects.count() == 1  # only the refused one

    def test_columns_form(self, client: Any, world: Any, published: Any) -> None:
        client.force_login(world.admin)
        send(client, world, published, b"Contact;Qui\nines@example.org;Ines\n")
        batch = AwardBatch.objects.get()
        twice = client.post(
            batch_url("batch_columns", batch),
            {"email": "0", "name": "0"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert twice.status_code == 400
        assert "is chosen twice" in twice.text
        nobody = client.post(
            batch_url("batch_columns", batch), {"language": "1"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Choose at least the column" in nobody.text
        fixed = client.post(batch_url("batch_columns", batch), {"email": "0", "name": "1"})
        assert fixed.status_code == 302
        batch.refresh_from_db()
        assert batch.total == 1

    def test_template_in_each_language(self, client: Any, world: Any) -> None:
        client.force_login(world.member)  # any member may download it
        url = reverse("issuing:batch_template", args=[world.org_a.slug])
        french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert english == "\ufefffirst name,last name,e-mail,phone,language,comment,evidence\r\n"
        assert french.count(";") == 6
        for text in (french, english):
            table = __import__("blason.issuing.awarding.spreadsheets", fromlist=["x"])
            header = table.read_table(
                (text + "x;y;a@example.org;;;;\n").encode(), max_rows=5
            ).header
            columns = table.guess_columns(header)
            assert None not in [columns[f] for f in ("first_name", "last_name", "email", "phone")]


class TestAccess:
    @pytest.fixture
    def done(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> AwardBatch:
        return run(world, check(world, published, GOOD), django_capture_on_commit_callbacks)

    def all_urls(self, batch: AwardBatch) -> list[tuple[str, str]]:
        gets = [
            "batch_detail",
            "batch_progress",
            "batch_problems",
            "batch_codes",
            "batch_codes_csv",
        ]
        posts = ["batch_columns", "batch_confirm", "batch_cancel", "batch_resume", "batch_discard"]
        return [("get", batch_url(name, batch)) for name in gets] + [
            ("post", batch_url(name, batch)) for name in posts
        ]

    def test_outsiders_and_anonymous(
        self, client: Any, world: Any, published: Any, done: AwardBatch
    ) -> None:
        space = [
            ("get", reverse("issuing:batch_list", args=[world.org_a.slug])),
            ("get", reverse("issuing:batch_template", args=[world.org_a.slug])),
            ("get", upload_url(world, published)),
            ("post", upload_url(world, published)),
        ]
        client.force_login(world.outsider)
        for method, url in space + self.all_urls(done):
            assert getattr(client, method)(url).status_code == 404, url
        client.logout()
        for method, url in space + self.all_urls(done):
            assert getattr(client, method)(url).status_code == 302, url
        # The batch of another space is not found through one's own space either.
        client.force_login(world.outsider)
        other = reverse("issuing:batch_detail", args=[world.org_b.slug, done.uuid])
        assert client.get(other).status_code == 404

    def test_roles(self, client: Any, world: Any, published: Any, done: AwardBatch) -> None:
        client.force_login(world.member)  # viewer: no recipients' data at all
        for method, url in self.all_urls(done):
            assert getattr(client, method)(url).status_code == 403, url
        assert client.get(upload_url(world, published)).status_code == 403
        badge_page = client.get(reverse("issuing:badge", args=[world.org_a.slug, published.uuid]))
        assert upload_url(world, published) not in badge_page.text
        Membership.objects.filter(user=world.member).update(role="reviewer")
        assert client.get(batch_url("batch_detail", done)).status_code == 200
        checked = check(world, published, WITH_ERRORS)
        page = client.get(batch_url("batch_detail", checked), HTTP_ACCEPT_LANGUAGE="en")
        assert "The same person as on line 2." in page.text  # a reviewer sees the check…
        assert batch_url("batch_problems", checked) not in page.text  # …but acts on nothing
        assert batch_url("batch_confirm", checked) not in page.text
        assert client.get(reverse("issuing:batch_list", args=[world.org_a.slug])).status_code == 200
        assert client.get(batch_url("batch_codes", done)).status_code == 403
        assert client.post(batch_url("batch_resume", done)).status_code == 403
        assert client.get(upload_url(world, published)).status_code == 403
        awarder = UserFactory()
        MembershipFactory(issuer=world.org_a, user=awarder, role="awarder")
        client.force_login(awarder)
        assert client.get(upload_url(world, published)).status_code == 200
        assert client.get(batch_url("batch_codes", done)).status_code == 200

    def test_space_navigation(self, client: Any, world: Any, done: AwardBatch) -> None:
        client.force_login(world.admin)
        space = client.get(reverse("issuing:space", args=[world.org_a.slug]))
        listing = reverse("issuing:batch_list", args=[world.org_a.slug])
        assert listing in space.text
        assert done.source_name in client.get(listing).text


class TestBoundedQueries:
    def test_list_detail_progress_and_codes(
        self,
        client: Any,
        world: Any,
        published: Any,
        django_assert_max_num_queries: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        done = run(world, check(world, published, people(90)), django_capture_on_commit_callbacks)
        for number in range(25):
            check(world, published, people(3, start=1000 + number * 3))  # replaced each time
            AwardBatch.objects.filter(status=BatchStatus.CHECKED).update(created_by=None)
        client.force_login(world.admin)
        pages = [
            reverse("issuing:batch_list", args=[world.org_a.slug]),
            batch_url("batch_detail", done),
            batch_url("batch_progress", done),
            batch_url("batch_codes", done),
        ]
        for url in pages:
            with django_assert_max_num_queries(9):
                assert client.get(url).status_code == 200, url
        checked = AwardBatch.objects.filter(status=BatchStatus.CHECKED).first()
        assert checked is not None
        with django_assert_max_num_queries(9):
            assert client.get(batch_url("batch_detail", checked)).status_code == 200
        assert done.mapping["excluded"] == {"invalid": 0, "holders": 0}
