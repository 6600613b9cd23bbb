"""Run a task worker for whichever queue backend is configured (database or Redis), with its
heartbeat, its own delivery of e-mail and the recovery of dead workers' work
(``blason.core.worker``).

SIGTERM or SIGINT stops it within seconds in any state (``blason.core.worker``: the job in
hand returns at its next step or is stopped after ``STOP_GRACE_SECONDS``); it then removes its
heartbeat and, on Redis, its registration. A second signal stops the job at once.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.management.commands import db_worker

from blason.core.outbox import deliver_due
from blason.core.worker import STOP_GRACE_SECONDS, Supervisor, request_stop, sweep

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _exit(signum: int, frame: FrameType | None) -> None:
    """Before the queue's worker takes the signals over: stop through the cleanup."""
    request_stop()
    raise SystemExit(0)


def _noted(signum: int, frame: FrameType | None) -> None:
    """During the cleanup: already stopping, a second signal must not cut it short."""
    request_stop()


def _on_stop(handler: Any) -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)


class DatabaseWorker(db_worker.Worker):
    """django-tasks-db's worker runs the task in this process and, on SIGTERM, waits for it to
    end: here the task is asked to return (``stop_requested``) and, if it has not after
    ``STOP_GRACE_SECONDS``, stopped by a second signal (the worker's own "force")."""

    _force: threading.Timer | None = None

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        request_stop()
        if self.running and self.running_task and self._force is None:
            self._force = threading.Timer(STOP_GRACE_SECONDS, self._stop_task, (signum,))
            self._force.daemon = True
            self._force.start()
        super().shutdown(signum, frame)

    def _stop_task(self, signum: int) -> None:
        if self.running_task:
            os.kill(os.getpid(), signum)

    def run(self) -> None:
        try:
            super().run()
        finally:
            _on_stop(_noted)
            if self._force is not None:
                self._force.cancel()


class Command(BaseCommand):
    help = "Run a background task worker (database queue by default, Redis when REDIS_URL is set)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the waiting tasks, then exit."
        )
        parser.add_argument("--worker-id", default=None, help="Unique name of this worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
        _on_stop(_exit)
        try:
            self._handle(options)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _handle(self, options: dict[str, Any]) -> None:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        kind = type(backend).__module__
        queues = list(getattr(backend, "queues", None) or ["default"])
        supervisor = Supervisor(options["worker_id"], "redis" if "_rq" in kind else "database")
        if options["batch"]:
            # Run what is waiting, then exit: one round of recovery and delivery on each side.
            supervisor.register()
            try:
                sweep()
                self._run(kind, queues, supervisor.worker_id, options)
                sweep()
                deliver_due(worker_id=supervisor.worker_id)
            finally:
                _on_stop(_noted)
                supervisor.unregister()
            return
        try:
            supervisor.start()
            self._run(kind, queues, supervisor.worker_id, options)
        finally:
            _on_stop(_noted)
            supervisor.stop()

    def _run(self, kind: str, queues: list[str], name: str, options: dict[str, Any]) -> None:
        # ``name`` is unique per start (``Supervisor``): a worker killed with -9 leaves a
        # registration that never stops the next one from starting under the same --worker-id.
        if kind.startswith("django_tasks_db"):
            db_worker.Command().configure_logging(options["verbosity"])  # its logs, as before
            worker = DatabaseWorker(
                queue_names=queues,
                interval=1,
                batch=options["batch"],
                backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=False,
                max_tasks=None,
                worker_id=name,
                excluded_queue_names=[],
            )
            worker.configure_signals()
            worker.run()
        elif kind.startswith("django_tasks_rq"):
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                worker_class="blason.core.rq_worker.Worker",  # jobs die with it, stop in time
                burst=options["batch"],
                name=name,
            )
        else:
            self.stderr.write(f"The task backend {kind} runs tasks itself; no worker is needed.")
