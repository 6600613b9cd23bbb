"""The outbox, the task hand-over and the heartbeats: e-mail and queued work survive the queue
being down, the mail server failing and workers dying; /healthz tells what is stuck or failed."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from blason.core import outbox, worker
from blason.core.models import OutboxMessage, OutboxState, PendingTask, WorkerHeartbeat
from blason.core.tasks import relay_pending
from blason.issuing.awarding import batch_reading, batches, bulk
from blason.issuing.models import Award, AwardBatch, BatchStatus

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once closed


def checked(world: Any, badge: Any, content: bytes) -> AwardBatch:
    """An uploaded file, read (as the reading task does) and checked."""
    batch = batch_reading.batch_upload(
        badge=badge, actor=world.admin, content=content, source_name="l.csv"
    ).batch
    assert batch_reading.batch_read(str(batch.uuid)) == BatchStatus.CHECKED
    return AwardBatch.objects.get(pk=batch.pk)


@pytest.fixture
def redis_down(settings: Any) -> None:
    """The Redis queue backend, with Redis unreachable."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0"}}


def test_award_succeeds_with_redis_down_and_its_email_is_sent_later(
    client: Any,
    world: Any,
    published: Any,
    smtp_server: Any,
    redis_down: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(world.admin)
    url = reverse("issuing:award_new", args=[world.org_a.slug, published.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "samir@example.org", "name": "Samir"})
    assert response.status_code == 302  # not a 500 after the commit
    award = Award.objects.get()
    (message,) = OutboxMessage.objects.all()
    assert (message.key, message.state) == (f"award:{award.uuid}", OutboxState.PENDING)
    assert smtp_server.messages == []
    # A worker's own round delivers it, whatever the queue.
    assert outbox.deliver_due(worker_id="w") == 1
    (mail,) = smtp_server.wait_for(1)
    assert mail["Message-ID"] == outbox.message_id(f"award:{award.uuid}")
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert message.attempts == 1
    assert outbox.deliver_due(worker_id="w") == 0  # sent once


def test_batch_confirmed_with_redis_down_is_handed_over_later(
    world: Any,
    published: Any,
    settings: Any,
    smtp_server: Any,
    redis_down: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    content = b"Nom;Courriel\r\nAna;ana@example.org\r\nBen;ben@example.org\r\n"
    read = checked(world, published, content)
    with django_capture_on_commit_callbacks(execute=True):
        batches.batch_confirm(batch=read, actor=world.admin)
    (pending,) = PendingTask.objects.filter(task="blason.issuing.awarding.tasks.award_batch")
    assert pending.attempts == 1
    assert "Error" in pending.last_error
    # Redis is back: a worker's round hands the tasks over (here the queue runs them at once):
    # the reading of the upload (already read: nothing to do) and the awarding.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    PendingTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert relay_pending() == 2
    assert PendingTask.objects.count() == 0
    batch = AwardBatch.objects.get(pk=read.pk)
    assert (batch.status, batch.done) == (BatchStatus.DONE, 2)
    assert outbox.deliver_due() == 2
    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == [
        "ana@example.org",
        "ben@example.org",
    ]


def record(key: str = "k1") -> OutboxMessage:
    outbox.record(EmailMessage("Objet", "Corps", to=["a@example.org"]), key=key)
    return OutboxMessage.objects.get(key=key)


def test_recording_the_same_key_twice_sends_once(smtp_server: Any) -> None:
    record("same")
    record("same")
    assert OutboxMessage.objects.count() == 1
    assert outbox.deliver_due() == 1
    assert len(smtp_server.wait_for(1)) == 1


def test_unreachable_mail_server_is_retried_then_failed(settings: Any, client: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = record()
    assert outbox.deliver_due() == 0
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.PENDING, 1)
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backs off
    assert "ConnectionRefused" in message.last_error
    assert outbox.deliver_due() == 0  # not due yet
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    outbox.deliver_due()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.FAILED, 2)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["work"]["emails"]["failed_last_day"] == 1
    assert "failed" in health.json()["work"]["error"]


def test_healthz_reports_stuck_email(client: Any, settings: Any) -> None:
    record()
    assert client.get("/healthz").json()["work"]["emails"]["waiting"] == 1
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(hours=1))
    body = client.get("/healthz").json()
    assert body["status"] == "error"
    assert body["work"]["emails"]["stuck"] == 1


def test_messages_of_a_dead_sender_are_taken_back(smtp_server: Any) -> None:
    message = record()
    WorkerHeartbeat.objects.create(worker_id="alive", beat_at=timezone.now())
    OutboxMessage.objects.update(
        state=OutboxState.SENDING,
        claimed_by="alive",
        lease_until=timezone.now() + timedelta(minutes=1),
    )
    worker.sweep()
    message.refresh_from_db()
    assert message.state == OutboxState.SENDING  # its sender is alive
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
    worker.sweep()
    message.refresh_from_db()
    assert message.state == OutboxState.PENDING
    assert outbox.deliver_due() == 1
    smtp_server.wait_for(1)


def test_revoked_before_sending_is_not_sent(
    world: Any, published: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from blason.issuing.awarding import services as awards

    (made,) = bulk.award_many(
        badge=published, actor=world.admin, recipients=[bulk.Recipient(email="x@example.org")]
    )
    awards.award_revoke(award=made, actor=world.admin, reason="erreur")
    assert outbox.deliver_due() == 0
    assert OutboxMessage.objects.get().state == OutboxState.CANCELLED
    assert smtp_server.messages == []


def test_batch_of_a_dead_worker_is_resumed_at_once(
    world: Any, published: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    content = b"Nom;Courriel\r\nAna;ana@example.org\r\n"
    read = checked(world, published, content)
    WorkerHeartbeat.objects.create(worker_id="w1", beat_at=timezone.now())
    AwardBatch.objects.filter(pk=read.pk).update(
        status=BatchStatus.RUNNING, runner="w1", started_at=timezone.now()
    )
    batch = AwardBatch.objects.get(pk=read.pk)
    assert not batches.can_resume(batch)  # its worker is alive
    assert client.get("/healthz").json()["work"]["batches"]["stuck"] == 0
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=31))
    assert batches.can_resume(batch)  # no five-minute wait
    assert client.get("/healthz").json()["work"]["batches"]["stuck"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert batches.recover_batches(worker.live_worker_ids()) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE  # queued again, run by the (immediate) queue
    assert batch.runner == ""


def test_the_same_award_form_sent_twice_awards_once(
    client: Any, world: Any, published: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.admin)
    page = client.get(reverse("issuing:badge", args=[world.org_a.slug, published.uuid]))
    token = page.context["award_form"].initial["submission"]
    assert f'name="submission" value="{token}"' in page.text
    url = reverse("issuing:award_new", args=[world.org_a.slug, published.uuid])
    form = {"email": "samir@example.org", "name": "Samir", "submission": token}
    first = client.post(url, form)
    again = client.post(url, form)  # the awarder's retry
    assert first["Location"] == again["Location"]
    other = client.post(url, {**form, "email": "ana@example.org"})  # same page, someone else
    assert Award.objects.count() == 2
    assert other["Location"] != first["Location"]
    assert OutboxMessage.objects.count() == 2


def test_a_confirmed_batch_whose_task_was_lost_is_queued_again(
    world: Any, published: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A worker that could not reach the database took the task and failed it: the batch
    stayed queued. A minute later it can be resumed, and a worker's round queues it again."""
    content = b"Nom;Courriel\r\nAna;ana@example.org\r\n"
    read = checked(world, published, content)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.batch_confirm(batch=read, actor=world.admin)
    assert not batches.can_resume(batch)  # just queued: a worker will take it
    assert batches.recover_batches(set()) == 0
    long_ago = (timezone.now() - timedelta(minutes=2)).isoformat()
    AwardBatch.objects.filter(pk=batch.pk).update(mapping={**batch.mapping, "queued_at": long_ago})
    batch.refresh_from_db()
    assert batches.can_resume(batch)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        assert batches.recover_batches(set()) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Award.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_award_asked_twice_at_once_awards_once(world: Any, published: Any) -> None:
    """Two submissions of one form at the same instant: the second waits for the issuer's
    lock, then finds the first one's award (no second award, no error)."""
    import threading

    from django.db import connection, connections

    from blason.issuing.awarding import services as awards

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        pytest.skip("needs a database server or an SQLite file (runs on PostgreSQL in CI)")
    for round_number in range(3):
        start = threading.Barrier(2)
        made: list[Any] = []
        errors: list[BaseException] = []

        def award(
            start: threading.Barrier = start,
            key: str = f"form-{round_number}",
            made: list[Any] = made,
            errors: list[BaseException] = errors,
        ) -> None:
            try:
                start.wait()
                made.append(
                    awards.award_issue(
                        badge=published,
                        actor=world.admin,
                        name="Léa",
                        idempotency_key=key,
                    ).pk
                )
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=award) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert len(made) == 2
        assert made[0] == made[1]
        assert Award.objects.filter(idempotency_key=f"form-{round_number}").count() == 1


def test_a_stopping_worker_sends_nothing_more_and_pauses_its_batch(
    monkeypatch: Any, smtp_server: Any, world: Any, published: Any
) -> None:
    """SIGTERM (``worker.request_stop``): the long work returns at its next step, leaving the
    rest for the next worker; nothing is lost (the real processes: test_worker_stop.py)."""
    record("a")
    record("b")
    read = checked(world, published, b"Nom;Courriel\r\nAna;ana@example.org\r\n")
    AwardBatch.objects.filter(pk=read.pk).update(status=BatchStatus.QUEUED)
    monkeypatch.setattr(worker, "_stopping", True)
    assert worker.stop_requested()
    assert outbox.deliver_due() == 0
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {OutboxState.PENDING}
    assert batches.batch_run(str(read.uuid)) == BatchStatus.RUNNING
    assert Award.objects.count() == 0
    monkeypatch.setattr(worker, "_stopping", False)  # the next worker
    assert outbox.deliver_due() == 2
    assert batches.batch_run(str(read.uuid)) == BatchStatus.DONE
    assert Award.objects.count() == 1
    assert len(smtp_server.wait_for(2)) >= 2


def test_a_worker_never_takes_back_its_own_messages(monkeypatch: Any) -> None:
    """Its heartbeat may look old when written after a long wait for the database (SQLite
    locked by a chunk of awards): the worker sweeping is alive all the same."""
    message = record()
    WorkerHeartbeat.objects.create(worker_id="me", beat_at=timezone.now() - timedelta(minutes=5))
    OutboxMessage.objects.update(
        state=OutboxState.SENDING,
        claimed_by="me",
        lease_until=timezone.now() + timedelta(minutes=1),
    )
    monkeypatch.setattr(worker, "_current", "me")
    worker.sweep()
    message.refresh_from_db()
    assert message.state == OutboxState.SENDING
    monkeypatch.setattr(worker, "_current", "another")
    worker.sweep()
    message.refresh_from_db()
    assert message.state == OutboxState.PENDING


def test_commits_in_a_row_queue_one_delivery_task_a_second(monkeypatch: Any) -> None:
    """A bulk award commits a chunk every few hundredths of a second: a delivery task is
    queued at most once a second for them, and once more at the end for the last ones."""
    from types import SimpleNamespace

    queued: list[float] = []
    now = [100.0]
    task = SimpleNamespace(enqueue=lambda: queued.append(now[0]))
    monkeypatch.setattr(outbox, "import_string", lambda path: task)
    monkeypatch.setattr(outbox.time, "monotonic", lambda: now[0])
    with outbox.kicks_coalesced():
        for moment in (100.0, 100.3, 100.9, 101.0, 101.2):
            now[0] = moment
            outbox._kick()  # what each commit that recorded messages calls
        assert queued == [100.0, 101.0]
        now[0] = 101.5
    assert queued == [100.0, 101.0, 101.5]  # the commit of 101.2 got its task at the end
    with outbox.kicks_coalesced():
        now[0] = 110.0
        outbox._kick()
    assert queued == [100.0, 101.0, 101.5, 110.0]  # nothing waited: no second task
    outbox._kick()
    outbox._kick()
    assert len(queued) == 6  # outside the block, every commit queues one
