"""Awarding from a spreadsheet, first steps (issue 12, point 9): the web request only keeps the
file; a background task reads and checks it, with the limits of the spreadsheet reader. The
state machine READING → CHECKED or REFUSED, the polling page while the task has not run, the
idempotent task, and the recovery of a read whose worker died or whose task was lost."""

from __future__ import annotations

import os
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from blason.core import worker
from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry, PendingTask, WorkerHeartbeat
from blason.core.tasks import relay_pending
from blason.issuing.awarding import batch_reading, batches, spreadsheets
from blason.issuing.models import AwardBatch, BatchRows, BatchStatus
from tests.blason.hostile_spreadsheets import workbook

pytestmark = pytest.mark.django_db

GOOD = "Prénom;Nom;Courriel\nInès;Haddad;ines@example.org\nSamir;Benali;samir@example.org\n"


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """Tasks run at once (tests/conftest.py), even when a backend was already built."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def upload(world: Any, badge: Any, content: bytes | str, name: str = "liste.csv") -> AwardBatch:
    data = content.encode() if isinstance(content, str) else content
    return batch_reading.batch_upload(
        badge=badge, actor=world.admin, content=data, source_name=name, language="en"
    ).batch


def read(batch: AwardBatch) -> AwardBatch:
    batch_reading.batch_read(str(batch.uuid))
    return AwardBatch.objects.get(pk=batch.pk)


def stored(batch: AwardBatch) -> Path | None:
    """Where the uploaded file is kept (None once it is gone)."""
    batch = AwardBatch.objects.get(pk=batch.pk)
    if not batch.source_file:
        return None
    return Path(batch.source_file.path)


class TestUpload:
    def test_the_upload_keeps_the_file_privately_and_queues_its_reading(
        self, world: Any, published: Any, settings: Any, monkeypatch: Any
    ) -> None:
        def never(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("read in the request")

        monkeypatch.setattr(batch_reading, "read_table", never)
        batch = upload(world, published, GOOD)
        assert batch.status == BatchStatus.READING
        assert (batch.total, batch.done, batch.rows) == (0, 0, [])
        path = stored(batch)
        assert path is not None
        assert path.read_bytes() == GOOD.encode()
        assert Path(settings.PRIVATE_ROOT) in path.parents  # never under /media/
        assert str(batch.uuid) in path.name  # not the name the person gave
        (pending,) = PendingTask.objects.all()
        assert pending.task == "blason.issuing.awarding.tasks.read_batch"
        assert pending.kwargs == {"args": [str(batch.uuid)], "kwargs": {}}
        assert AuditEntry.objects.filter(action="issuing.batch.uploaded").count() == 1

    def test_the_reading_task_runs_when_the_upload_commits(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            batch = upload(world, published, GOOD)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.CHECKED
        assert not PendingTask.objects.exists()

    def test_reading_checks_every_row_and_forgets_the_file(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        batch = upload(world, published, GOOD + "Léa;Petit;lea@\n")
        path = stored(batch)
        assert path is not None
        with django_capture_on_commit_callbacks(execute=True):
            assert batch_reading.batch_read(str(batch.uuid)) == BatchStatus.CHECKED
        batch.refresh_from_db()
        assert (batch.status, batch.total, batch.runner) == (BatchStatus.CHECKED, 2, "")
        assert [row["name"] for row in batch.rows] == ["Inès Haddad", "Samir Benali", "Léa Petit"]
        assert batch.mapping["columns"]["email"] == 2
        assert batch.mapping["table"]["lines"] == [2, 3, 4]
        assert not batch.source_file
        assert not path.exists()  # deleted once the reading committed
        entry = AuditEntry.objects.get(action="issuing.batch.checked")
        assert entry.data["invalid"] == 1
        assert entry.actor == world.admin

    def test_reading_twice_changes_nothing(self, world: Any, published: Any) -> None:
        batch = read(upload(world, published, GOOD))
        rows, mapping = batch.rows, batch.mapping
        assert batch_reading.batch_read(str(batch.uuid)) == BatchStatus.CHECKED
        batch = AwardBatch.objects.get(pk=batch.pk)
        assert (batch.rows, batch.mapping) == (rows, mapping)
        assert BatchRows.objects.count() == 1
        assert AuditEntry.objects.filter(action="issuing.batch.checked").count() == 1
        assert batch_reading.batch_read("00000000-0000-0000-0000-000000000000") == "gone"

    def test_a_second_run_while_a_live_worker_reads_does_nothing(
        self, world: Any, published: Any, monkeypatch: Any
    ) -> None:
        batch = upload(world, published, GOOD)
        WorkerHeartbeat.objects.create(worker_id="w1", beat_at=timezone.now())
        AwardBatch.objects.filter(pk=batch.pk).update(
            runner="w1",
            mapping={
                **batch.mapping,
                "attempts": 1,
                "reading_started_at": timezone.now().isoformat(),
            },
        )
        monkeypatch.setattr(batch_reading, "read_table", None)  # not called
        assert batch_reading.batch_read(str(batch.uuid)) == BatchStatus.READING
        assert AwardBatch.objects.get(pk=batch.pk).runner == "w1"

    def test_the_same_file_again(self, world: Any, published: Any) -> None:
        first = upload(world, published, GOOD)
        again = batch_reading.batch_upload(
            badge=published, actor=world.admin, content=GOOD.encode(), source_name="copie.csv"
        )
        assert again.existing  # still being read: the same batch
        assert again.batch.pk == first.pk
        assert AwardBatch.objects.count() == 1
        # A file that could not be read is read again when sent again (after a limit changed).
        refused = read(upload(world, published, "nom;courriel\n"))
        assert refused.status == BatchStatus.REFUSED
        retried = batch_reading.batch_upload(
            badge=published, actor=world.admin, content=b"nom;courriel\n", source_name="l.csv"
        )
        assert not retried.existing
        assert retried.batch.status == BatchStatus.READING

    def test_a_newer_file_replaces_the_unconfirmed_ones_and_their_files(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        reading = upload(world, published, GOOD)
        path = stored(reading)
        assert path is not None
        with django_capture_on_commit_callbacks(execute=True):
            newer = upload(world, published, GOOD + "Léa;Petit;lea@example.org\n")
        assert list(AwardBatch.objects.values_list("pk", flat=True)) == [newer.pk]
        assert not path.exists()
        # The task of the replaced file finds nothing to do, quietly.
        assert batch_reading.batch_read(str(reading.uuid)) == "gone"

    def test_discarding_while_reading(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        batch = upload(world, published, GOOD)
        path = stored(batch)
        assert path is not None
        with django_capture_on_commit_callbacks(execute=True):
            batches.batch_discard(batch=batch, actor=world.admin)
        assert not AwardBatch.objects.exists()
        assert not path.exists()
        assert batch_reading.batch_read(str(batch.uuid)) == "gone"

    def test_discarded_just_before_the_file_is_opened(
        self,
        world: Any,
        published: Any,
        monkeypatch: Any,
        django_capture_on_commit_callbacks: Any,
        caplog: Any,
    ) -> None:
        """The file is deleted under the reader's feet: no error, nothing left."""
        batch = upload(world, published, GOOD)
        storage = batch.source_file.storage
        real_open = storage.open

        def discard_then_open(name: str, mode: str = "rb") -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                batches.batch_discard(batch=batch, actor=world.admin)
            return real_open(name, mode)

        monkeypatch.setattr(storage, "open", discard_then_open)
        assert batch_reading.batch_read(str(batch.uuid)) == "gone"
        assert not AwardBatch.objects.exists()
        assert not [record for record in caplog.records if record.levelname == "ERROR"]

    def test_nothing_is_confirmed_or_changed_before_the_file_is_read(
        self, world: Any, published: Any
    ) -> None:
        batch = upload(world, published, GOOD)
        with pytest.raises(ActionRefused, match="still being read"):
            batches.batch_confirm(batch=batch, actor=world.admin)
        with pytest.raises(ActionRefused, match="still being read"):
            batches.batch_set_columns(batch=batch, actor=world.admin, columns={"email": 0})
        assert not batches.can_resume(batch)
        with pytest.raises(ActionRefused):
            batches.batch_resume(batch=batch, actor=world.admin)
        with pytest.raises(ActionRefused):
            batches.batch_cancel(batch=batch, actor=world.admin)
        assert AwardBatch.objects.get().status == BatchStatus.READING

    def test_an_upload_with_the_queue_down_is_read_later(
        self, world: Any, published: Any, settings: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        from tests.blason.test_outbox import closed_port

        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
        }
        settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0"}}
        with django_capture_on_commit_callbacks(execute=True):
            batch = upload(world, published, GOOD)  # no error after the commit
        (pending,) = PendingTask.objects.all()
        assert pending.attempts == 1
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        PendingTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
        assert relay_pending() == 1
        assert AwardBatch.objects.get(pk=batch.pk).status == BatchStatus.CHECKED


class TestLimits:
    """The limits of the reader hold in the task, with the reason kept for the page."""

    def test_rows(self, world: Any, published: Any, settings: Any) -> None:
        settings.BATCH_MAX_ROWS = 2
        assert read(upload(world, published, GOOD)).status == BatchStatus.CHECKED
        refused = read(upload(world, published, GOOD + "Léa;Petit;lea@example.org\n"))
        assert refused.status == BatchStatus.REFUSED
        assert refused.mapping["refusal"] == {"code": "too_many_rows", "params": {"max": 2}}
        assert refused.error == "This file has more than 2 rows: split it into several files."
        assert not refused.source_file
        assert refused.rows == []
        entry = AuditEntry.objects.get(action="issuing.batch.refused")
        assert entry.data["reason"] == "too_many_rows"

    def test_unzipped_size(self, world: Any, published: Any) -> None:
        from tests.blason.hostile_spreadsheets import zip_bomb

        refused = read(upload(world, published, zip_bomb(), name="liste.xlsx"))
        assert refused.mapping["refusal"]["code"] == "unpacked_too_large"

    def test_zip_entries(self, world: Any, published: Any) -> None:
        from tests.blason.hostile_spreadsheets import many_entries

        refused = read(upload(world, published, many_entries(), name="liste.xlsx"))
        assert refused.mapping["refusal"]["code"] == "unpacked_too_large"

    @pytest.mark.parametrize(
        "content",
        [
            GOOD.encode("cp1252"),  # French Excel's "CSV"
            GOOD.replace(";", "\t").encode("utf-16"),  # "Unicode text"
            GOOD.replace(";", ",").replace("\n", "\r\n").encode("utf-8-sig"),
            workbook([["Prénom", "Nom", "Courriel"], ["Inès", "Haddad", "ines@example.org"]]),
        ],
    )
    def test_csv_and_xlsx_are_read(self, world: Any, published: Any, content: bytes) -> None:
        batch = read(upload(world, published, content))
        assert batch.status == BatchStatus.CHECKED
        assert batch.rows[0]["name"] == "Inès Haddad"
        assert batch.rows[0]["email"] == "ines@example.org"

    def test_progress_while_reading(self, world: Any, published: Any, monkeypatch: Any) -> None:
        monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 2)
        seen: list[int] = []
        real = batch_reading._read

        def note(batch: AwardBatch, rows: int) -> None:
            real(batch, rows)
            seen.append(AwardBatch.objects.get(pk=batch.pk).done)

        monkeypatch.setattr(batch_reading, "_read", note)
        lines = "".join(f"P{n};N{n};p{n}@example.org\n" for n in range(5))
        batch = read(upload(world, published, "Prénom;Nom;Courriel\n" + lines))
        assert seen == [2, 4, 6]  # the page shows how many lines were read so far
        assert (batch.status, batch.done, batch.total) == (BatchStatus.CHECKED, 0, 5)

    def test_the_reason_is_shown_in_the_readers_language(
        self, client: Any, world: Any, published: Any, settings: Any
    ) -> None:
        settings.BATCH_MAX_ROWS = 1
        batch = read(upload(world, published, GOOD))
        client.force_login(world.admin)
        url = reverse("issuing:batch_detail", args=[world.org_a.slug, batch.uuid])
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
        french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").text
        assert "This file has more than 1 rows" in english
        assert escape("Ce fichier a plus de 1 lignes\u00a0: découpez-le") in french


class TestRecovery:
    """A read never stays READING: a dead worker's read is queued again, a lost task too, and a
    file that keeps killing its reader is refused."""

    def started_by(self, batch: AwardBatch, runner: str, attempts: int = 1) -> AwardBatch:
        started = timezone.now().isoformat()
        AwardBatch.objects.filter(pk=batch.pk).update(
            runner=runner,
            mapping={**batch.mapping, "attempts": attempts, "reading_started_at": started},
        )
        return AwardBatch.objects.get(pk=batch.pk)

    def test_a_worker_that_died_while_reading(
        self, client: Any, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        batch = upload(world, published, GOOD)
        WorkerHeartbeat.objects.create(worker_id="w1", beat_at=timezone.now())
        batch = self.started_by(batch, "w1")  # then the worker is killed
        assert not batches.is_stalled(batch)
        assert batches.recover_batches(worker.live_worker_ids()) == 0
        health = client.get("/healthz").json()["work"]["batches"]
        assert (health["reading"], health["stuck"]) == (1, 0)
        WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=31))
        assert batches.is_stalled(batch)
        assert client.get("/healthz").json()["work"]["batches"]["stuck"] == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert batches.recover_batches(worker.live_worker_ids()) == 1
        batch.refresh_from_db()
        assert (batch.status, batch.runner) == (BatchStatus.CHECKED, "")
        assert batch.mapping["attempts"] == 2
        assert AuditEntry.objects.filter(action="issuing.batch.recovered").count() == 1
        assert client.get("/healthz").json()["work"]["batches"]["stuck"] == 0

    def test_a_read_that_lasts_too_long_on_a_live_worker(
        self, world: Any, published: Any, monkeypatch: Any
    ) -> None:
        batch = upload(world, published, GOOD)
        WorkerHeartbeat.objects.create(worker_id="w1", beat_at=timezone.now())
        batch = self.started_by(batch, "w1")
        assert not batches.is_stalled(batch)
        later = timezone.now() + batches.READING_STALLED_AFTER + timedelta(seconds=1)
        assert batches.is_stalled(batch, now=later)

    def test_a_lost_reading_task_is_queued_again(
        self, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        batch = upload(world, published, GOOD)
        PendingTask.objects.all().delete()  # taken by a worker that lost it
        assert batches.recover_batches(set()) == 0  # just uploaded: a worker will come
        long_ago = (timezone.now() - timedelta(minutes=2)).isoformat()
        AwardBatch.objects.filter(pk=batch.pk).update(
            mapping={**batch.mapping, "queued_at": long_ago}
        )
        # Not while a live worker is busy with another batch (this one waits behind it).
        other = read(upload(world, world.badge_a, GOOD))
        WorkerHeartbeat.objects.create(worker_id="w1", beat_at=timezone.now())
        AwardBatch.objects.filter(pk=other.pk).update(status=BatchStatus.RUNNING, runner="w1")
        assert batches.recover_batches(worker.live_worker_ids()) == 0
        AwardBatch.objects.filter(pk=other.pk).update(status=BatchStatus.DONE, runner="")
        with django_capture_on_commit_callbacks(execute=True):
            assert batches.recover_batches(worker.live_worker_ids()) == 1
        assert AwardBatch.objects.get(pk=batch.pk).status == BatchStatus.CHECKED

    def test_a_file_that_keeps_killing_its_reader_is_refused(
        self, world: Any, published: Any
    ) -> None:
        batch = upload(world, published, GOOD)
        batch = self.started_by(batch, "dead#1", attempts=batch_reading.MAX_READ_ATTEMPTS)
        assert batch_reading.batch_read(str(batch.uuid)) == BatchStatus.REFUSED
        batch.refresh_from_db()
        assert batch.mapping["refusal"] == {"code": "reading_stopped", "params": {"attempts": 3}}
        assert "stopped the server 3 times" in batch.error
        assert stored(batch) is None

    def test_a_missing_file_is_refused_with_the_reason(self, world: Any, published: Any) -> None:
        batch = upload(world, published, GOOD)
        path = stored(batch)
        assert path is not None
        path.unlink()
        batch = read(batch)
        assert batch.status == BatchStatus.REFUSED
        assert batch.error == "The file sent could not be found any more: send it again."

    def test_an_unexpected_error_refuses_the_file_and_says_so(
        self, world: Any, published: Any, monkeypatch: Any
    ) -> None:
        def broken(*args: Any, **kwargs: Any) -> Any:
            raise MemoryError

        monkeypatch.setattr(batch_reading, "read_table", broken)
        batch = read(upload(world, published, GOOD))
        assert batch.status == BatchStatus.REFUSED
        assert batch.mapping["refusal"]["code"] == "unexpected"
        assert stored(batch) is None


def upload_url(world: Any, badge: Any) -> str:
    return reverse("issuing:batch_upload", args=[world.org_a.slug, badge.uuid])


def url(name: str, batch: AwardBatch) -> str:
    return reverse(f"issuing:{name}", args=[batch.issuer.slug, batch.uuid])


class TestPages:
    def test_the_page_polls_until_the_file_is_checked(
        self, client: Any, world: Any, published: Any
    ) -> None:
        """The task has not run yet (no worker has taken it): the page says so and polls."""
        client.force_login(world.admin)
        sent = client.post(
            upload_url(world, published),
            {"file": SimpleUploadedFile("liste.csv", GOOD.encode(), "text/csv")},
        )
        batch = AwardBatch.objects.get()
        assert sent.status_code == 302
        assert sent["Location"] == url("batch_detail", batch)
        page = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert "Reading the file" in page.text
        assert '<label for="batch-reading-bar"' in page.text
        assert f'hx-get="{url("batch_progress", batch)}" hx-trigger="every 2s"' in page.text
        assert "The file is waiting to be read…" in page.text
        assert "<script" not in page.text.split("<main", 1)[1]  # no inline script (CSP)
        assert url("batch_confirm", batch) not in page.text
        fragment = client.get(
            url("batch_progress", batch), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert 'id="batch-reading-text"' in fragment.text
        assert 'hx-swap-oob="innerHTML"' in fragment.text
        # The task reads the first lines…
        AwardBatch.objects.filter(pk=batch.pk).update(done=1_000)
        fragment = client.get(
            url("batch_progress", batch), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "1,000 lines read so far" in fragment.text
        # …and a while later nobody has started it: the page says what to do.
        long_ago = (timezone.now() - timedelta(minutes=5)).isoformat()
        AwardBatch.objects.filter(pk=batch.pk).update(
            done=0, mapping={**batch.mapping, "queued_at": long_ago}
        )
        fragment = client.get(
            url("batch_progress", batch), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Reading has not started yet" in fragment.text
        # The worker runs the task: the next poll reloads the page, which shows the check.
        assert batch_reading.batch_read(str(batch.uuid)) == BatchStatus.CHECKED
        done = client.get(url("batch_progress", batch), HTTP_HX_REQUEST="true")
        assert done["HX-Refresh"] == "true"
        page = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert "Inès Haddad" in page.text
        assert "hx-trigger" not in page.text
        assert url("batch_confirm", batch) in page.text

    def test_upload_then_reading_at_commit(
        self, client: Any, world: Any, published: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        client.force_login(world.admin)
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(
                upload_url(world, published),
                {"file": SimpleUploadedFile("liste.csv", GOOD.encode(), "text/csv")},
            )
        page = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert "Samir Benali" in page.text

    def test_actions_on_a_file_being_read_are_refused_clearly(
        self, client: Any, world: Any, published: Any
    ) -> None:
        client.force_login(world.admin)
        batch = upload(world, published, GOOD)
        for name, data in (
            ("batch_confirm", {"language": "fr"}),
            ("batch_columns", {"email": "0"}),
        ):
            answer = client.post(url(name, batch), data, HTTP_ACCEPT_LANGUAGE="en")
            assert answer.status_code == 302
            page = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en")
            assert "This file is still being read" in page.text
        for name in ("batch_problems", "batch_codes", "batch_codes_csv"):
            assert client.get(url(name, batch)).status_code == 200
        listing = client.get(
            reverse("issuing:batch_list", args=[world.org_a.slug]), HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Reading the file" in listing.text
        assert AwardBatch.objects.get().status == BatchStatus.READING

    def test_a_refused_file_can_be_discarded(self, client: Any, world: Any, published: Any) -> None:
        client.force_login(world.admin)
        batch = read(upload(world, published, "nom;courriel\n"))
        page = client.get(url("batch_detail", batch), HTTP_ACCEPT_LANGUAGE="en")
        assert "This file could not be read" in page.text
        assert "nobody below it" in page.text
        assert upload_url(world, published) in page.text  # send another file
        assert client.post(url("batch_discard", batch)).status_code == 302
        assert not AwardBatch.objects.exists()

    def test_outsiders_and_viewers(self, client: Any, world: Any, published: Any) -> None:
        batch = upload(world, published, GOOD)
        names = ("batch_detail", "batch_progress", "batch_problems")
        client.force_login(world.outsider)
        for name in names:
            assert client.get(url(name, batch)).status_code == 404
        assert client.post(url("batch_discard", batch)).status_code == 404
        client.force_login(world.member)  # a viewer
        for name in names:
            assert client.get(url(name, batch)).status_code == 403
        assert client.post(url("batch_discard", batch)).status_code == 403
        assert AwardBatch.objects.get().status == BatchStatus.READING

    def test_bounded_queries_while_reading(
        self, client: Any, world: Any, published: Any, django_assert_max_num_queries: Any
    ) -> None:
        batch = upload(world, published, GOOD)
        client.force_login(world.admin)
        for name in ("batch_detail", "batch_progress"):
            with django_assert_max_num_queries(9):
                assert client.get(url(name, batch)).status_code == 200


def test_uploaded_files_nothing_refers_to_are_swept(world: Any, published: Any) -> None:
    """A file left by a process that died between storing it and committing its batch (or
    after its batch let go of it) is deleted by a worker's round once an hour old; files of
    batches, and young files whose upload may still be committing, are kept."""
    from django.core.cache import cache

    from blason.core.storage import private_storage
    from blason.issuing.awarding import batch_files

    waiting = upload(world, published, GOOD)
    kept = stored(waiting)
    assert kept is not None
    storage = private_storage()
    old_orphan = Path(storage.path(storage.save("batches/left-by-a-crash", ContentFile(b"x"))))
    young_orphan = Path(storage.path(storage.save("batches/still-committing", ContentFile(b"y"))))
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    for path in (old_orphan, kept):
        os.utime(path, (two_hours_ago, two_hours_ago))
    cache.delete("issuing.batch-files.swept")
    worker.sweep()
    assert not old_orphan.exists()
    assert kept.exists()
    assert young_orphan.exists()
    # Once an hour: the next round does not list the storage again.
    os.utime(young_orphan, (two_hours_ago, two_hours_ago))
    assert batch_files.sweep_orphan_files(set()) == 0
    assert young_orphan.exists()
    assert batch_files.orphan_files_delete() == ["batches/still-committing"]
    assert read(waiting).status == BatchStatus.CHECKED
