"""What runs beside every ``blason worker``: its heartbeat, its own delivery of e-mail, and the
recovery of the work of workers that died.

Each worker process writes a ``WorkerHeartbeat`` row when it starts and updates it every
``WORKER_HEARTBEAT_SECONDS``; it deletes the row when it stops. Every round, each worker also:

- puts back the e-mails claimed by a sender whose worker stopped beating
  (``outbox.recover``),
- hands over the tasks whose hand-over failed at commit time (Redis down: ``relay_pending``),
- runs the sweeps the apps registered (``issuing``: batches of a dead worker are queued again).

A second thread delivers the outbox's due e-mails every second, so e-mail goes out even when
no task reaches the worker. A worker silent for ``WORKER_DEAD_SECONDS`` is dead.

Stopping (SIGTERM or SIGINT): ``request_stop`` is called in the worker process and in the job
process it may run. Long work asks ``stop_requested()`` between two steps (one e-mail, one
chunk of awards) and returns early, leaving the rest as a crash would, which the next round of
another worker takes back; what has not returned after ``STOP_GRACE_SECONDS`` is killed. The
worker then removes its heartbeat (and its Redis registration) and exits: within seconds, in
any state.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from blason.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Dotted paths of functions run on every worker round with the set of live worker ids
# (registered by apps in ``AppConfig.ready()``).
SWEEPS: list[str] = []
# Dotted paths of functions the courier thread calls every second with ``worker_id`` and
# ``limit``, answering how many messages they sent (``CoreConfig.ready()`` registers the
# outbox's ``deliver_due``; like ``SWEEPS``, so that this module imports neither).
DELIVERIES: list[str] = []
_current = ""
# A plain flag (not an Event): set from signal handlers, read in forked job processes.
_stopping = False
# How long a job may go on after the stop was requested before its process is killed.
STOP_GRACE_SECONDS = 5.0


def request_stop() -> None:
    """This process is stopping: long work returns at its next step (safe in a signal handler)."""
    global _stopping
    _stopping = True


def stop_requested() -> bool:
    """Whether this process is stopping; long work checks it between two steps."""
    return _stopping


def current_worker_id() -> str:
    """The heartbeat id of the worker this process (or its parent) runs as, or ""."""
    return _current


def dead_after() -> timedelta:
    return timedelta(seconds=settings.WORKER_DEAD_SECONDS)


def live_worker_ids() -> set[str]:
    since = timezone.now() - dead_after()
    return set(
        WorkerHeartbeat.objects.filter(beat_at__gte=since).values_list("worker_id", flat=True)
    )


def is_alive(worker_id: str) -> bool:
    return bool(worker_id) and worker_id in live_worker_ids()


def sweep() -> None:
    """One round of recovery (any worker may run it; every step is safe to run twice)."""
    live = live_worker_ids()
    if _current:
        # This worker is alive while it sweeps, even when its last heartbeat looks old (written
        # after a long wait for the database, e.g. SQLite locked by a chunk of awards): it
        # never takes back its own senders' e-mails (they would go out twice) or its batches.
        live.add(_current)
    # The core's own steps come first (``CoreConfig.ready()``): the e-mails claimed by dead
    # senders (``outbox.recover``), the tasks whose hand-over failed (``tasks.relay_pending``).
    for path in SWEEPS:
        step: Callable[[set[str]], object] = import_string(path)
        step(live)
    # Rows of workers dead for long: nothing refers to them any more.
    WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - 10 * dead_after()).delete()


class Supervisor:
    """The heartbeat and courier threads of one worker process."""

    def __init__(self, name: str | None, backend: str) -> None:
        base = name or f"{socket.gethostname()}-{os.getpid()}"
        # Unique per start: a worker restarted under the same name is not its dead self.
        self.worker_id = f"{base}#{secrets.token_hex(4)}"
        self.backend = backend
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def register(self) -> None:
        """Write the first heartbeat: from now on, this process's claims belong to it."""
        global _current
        _current = self.worker_id
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "backend": self.backend,
                    "beat_at": timezone.now(),
                },
            )
        except Exception:  # the database is down or not set up yet: the heartbeat retries
            logger.exception("worker %s could not write its heartbeat", self.worker_id)
            connection.close()

    def unregister(self) -> None:
        # A stop signal may have cut a query short: on failure, once more on a new connection.
        for last in (False, True):
            try:
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
                return
            except Exception:
                connection.close()
                if last:
                    logger.warning(
                        "could not remove the heartbeat of %s", self.worker_id, exc_info=True
                    )

    def start(self) -> None:
        """Register, then beat and deliver in two threads until ``stop``."""
        self.register()
        connection.close()  # the threads use their own connections
        for target in (self._beat, self._courier):
            thread = threading.Thread(target=target, name=f"blason-{target.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop beating and delivering (the courier ends after the e-mail in hand), then remove
        the heartbeat. A thread still busy after ``STOP_GRACE_SECONDS`` dies with the process;
        its claims are taken back as a dead worker's."""
        request_stop()
        self._stop.set()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self.unregister()

    def _round(self, step: Callable[[], object]) -> None:
        try:
            close_old_connections()
            step()
        except Exception:
            logger.exception("worker round failed (database down?); trying again")
            connection.close()

    def _beat(self) -> None:
        period = settings.WORKER_HEARTBEAT_SECONDS
        try:
            while not self._stop.is_set():
                self._round(self._write_beat)
                self._round(sweep)
                self._stop.wait(period)
        finally:
            connection.close()

    def _write_beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"beat_at": timezone.now(), "pid": os.getpid(), "backend": self.backend},
        )

    def _courier(self) -> None:
        try:
            while not self._stop.is_set():
                sent = 0

                def deliver() -> None:
                    nonlocal sent
                    for path in DELIVERIES:
                        sent += import_string(path)(worker_id=self.worker_id, limit=200)

                self._round(deliver)
                if not sent:
                    self._stop.wait(1.0)
        finally:
            connection.close()
