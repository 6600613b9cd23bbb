"""Hostile requests of issue 12, point 9, added to the hostile-input corpus: a body far over
the upload limit is refused before it is read; an .xlsx that unpacks to 196 MiB, and every other
hostile spreadsheet, is only kept by the web request (answered at once, nothing parsed) and
refused by the reading task with a clear reason the page shows. 0 answers are 500."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from blason.core.models import PendingTask
from blason.core.tasks import relay_pending
from blason.issuing.awarding import batch_reading
from blason.issuing.models import AwardBatch, BatchStatus
from tests.blason.hostile_spreadsheets import HOSTILE, inflating_xlsx

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


class CountingInput:
    """A request body of zeros that counts what the server reads of it."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def read(self, count: int = -1) -> bytes:
        left = self.size - self.read_bytes
        count = left if count is None or count < 0 else min(count, left)
        self.read_bytes += count
        return b"\0" * count

    def readline(self, count: int = -1) -> bytes:
        return self.read(count)


def _upload_url(world: Any, badge: Any) -> str:
    return reverse("issuing:batch_upload", args=[world.org_a.slug, badge.uuid])


def test_a_200_mib_upload_is_refused_without_being_read(
    client: Any, world: Any, published: Any
) -> None:
    client.force_login(world.admin)
    body = CountingInput(200 * MiB)
    answer = client.post(
        _upload_url(world, published),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(body.size),
        HTTP_ACCEPT_LANGUAGE="en",
        **{"wsgi.input": body},
    )
    assert answer.status_code == 413
    assert "This file is too large" in answer.text
    assert body.read_bytes == 0
    assert not AwardBatch.objects.exists()


class Answers:
    """Every answer of the test's client, to count the 500s."""

    def __init__(self, client: Any) -> None:
        self.client, self.codes = client, []

    def get(self, url: str, **extra: Any) -> Any:
        answer = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en", **extra)
        self.codes.append(answer.status_code)
        return answer

    def upload(self, world: Any, badge: Any, name: str, content: bytes) -> tuple[Any, float]:
        """Send the file; the answer and the processor time the request took.

        Processor time of this thread (the test client runs the request in it): on a shared
        2-core machine the wall time of even a tiny request varies with the load, while reading
        a hostile file costs seconds of processor whatever the load."""
        started, wall = time.thread_time(), time.monotonic()
        answer = self.client.post(
            _upload_url(world, badge),
            {"file": SimpleUploadedFile(name, content, "application/octet-stream")},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        seconds, wall = time.thread_time() - started, time.monotonic() - wall
        assert wall < 5, wall  # even on a busy machine
        self.codes.append(answer.status_code)
        return answer, seconds


def _run_queued_tasks() -> int:
    """A worker's round: hand the waiting tasks to the queue (run at once in the tests)."""
    PendingTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    return relay_pending()


@pytest.mark.no_cover  # a timing target: measured without the tracer
def test_an_xlsx_that_unpacks_to_196_mib_is_answered_at_once_and_refused_by_the_task(
    client: Any, world: Any, published: Any, monkeypatch: Any
) -> None:
    content = inflating_xlsx(196 * MiB)
    assert len(content) < 20 * MiB  # under the upload limit: the request is read
    import openpyxl

    reads: list[int] = []
    real_read = batch_reading.read_table

    def read_table(data: bytes, **kwargs: Any) -> Any:
        reads.append(len(data))
        return real_read(data, **kwargs)

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the XML was parsed")

    monkeypatch.setattr(batch_reading, "read_table", read_table)
    monkeypatch.setattr(openpyxl, "load_workbook", never)
    client.force_login(world.admin)
    answers = Answers(client)
    answer, seconds = answers.upload(world, published, "liste.xlsx", content)
    batch = AwardBatch.objects.get()
    assert answer.status_code == 302
    assert seconds < 0.5, seconds  # kept, not read: a hash and a write
    assert reads == []
    assert batch.status == BatchStatus.READING
    assert batch.source_file.storage.exists(batch.source_file.name)
    # The page polls while the file waits for a worker.
    page = answers.get(answer["Location"])
    assert 'hx-trigger="every 2s"' in page.text
    assert "The file is waiting to be read" in page.text
    progress = reverse("issuing:batch_progress", args=[world.org_a.slug, batch.uuid])
    assert "batch-reading-text" in answers.get(progress, HTTP_HX_REQUEST="true").text

    assert _run_queued_tasks() == 1  # the reading task, as a worker runs it
    assert reads == [len(content)]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REFUSED
    assert batch.mapping["refusal"] == {"code": "unpacked_too_large", "params": {}}
    assert not batch.source_file  # the file is not kept
    assert answers.get(progress, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    page = answers.get(answer["Location"])
    assert "This file is too large once unpacked: it cannot be read." in page.text
    assert "hx-trigger" not in page.text
    assert 500 not in answers.codes


@pytest.mark.no_cover  # a timing target: measured without the tracer
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_spreadsheets_get_a_reason_never_a_500(
    client: Any, world: Any, published: Any, settings: Any, name: str
) -> None:
    settings.BATCH_MAX_ROWS = 50
    make, code = HOSTILE[name]
    client.force_login(world.admin)
    answers = Answers(client)
    answer, seconds = answers.upload(world, published, "liste.xlsx", make())
    assert answer.status_code == 302
    assert seconds < 0.5, seconds
    assert _run_queued_tasks() == 1
    batch = AwardBatch.objects.get()
    assert (batch.status, batch.mapping["refusal"]["code"]) == (BatchStatus.REFUSED, code)
    page = answers.get(answer["Location"])
    assert batch_reading.refusal(batch) in page.text.replace("&#x27;", "'")
    for view in ("batch_progress", "batch_problems", "batch_codes", "batch_codes_csv"):
        answers.get(reverse(f"issuing:{view}", args=[world.org_a.slug, batch.uuid]))
    answers.get(reverse("issuing:batch_list", args=[world.org_a.slug]))
    assert 500 not in answers.codes
    assert set(answers.codes) == {200, 302}
