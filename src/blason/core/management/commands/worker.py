"""Run a task worker for whichever queue backend is configured (database or Redis), with its
heartbeat, its own delivery of e-mail and the recovery of dead workers' work
(``blason.core.worker``)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from blason.core.outbox import deliver_due
from blason.core.worker import Supervisor, sweep


class Command(BaseCommand):
    help = "Run a background task worker (database queue by default, Redis when REDIS_URL is set)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the waiting tasks, then exit."
        )
        parser.add_argument("--worker-id", default=None, help="Unique name of this worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        kind = type(backend).__module__
        queues = list(getattr(backend, "queues", None) or ["default"])
        supervisor = Supervisor(options["worker_id"], "redis" if "_rq" in kind else "database")
        if options["batch"]:
            # Run what is waiting, then exit: one round of recovery and delivery on each side.
            supervisor.register()
            try:
                sweep()
                self._run(kind, queues, options)
                sweep()
                deliver_due(worker_id=supervisor.worker_id)
            finally:
                supervisor.unregister()
            return
        supervisor.start()
        try:
            self._run(kind, queues, options)
        finally:
            supervisor.stop()

    def _run(self, kind: str, queues: list[str], options: dict[str, Any]) -> None:
        if kind.startswith("django_tasks_db"):
            kwargs: dict[str, Any] = {
                "queue_name": ",".join(queues),
                "reload": False,
                "batch": options["batch"],
                "startup_delay": False,
            }
            if options["worker_id"]:
                kwargs["worker_id"] = options["worker_id"]
            call_command("db_worker", **kwargs)
        elif kind.startswith("django_tasks_rq"):
            kwargs = {
                "job_class": "django_tasks_rq.Job",
                "worker_class": "blason.core.rq_worker.Worker",  # jobs die with their worker
                "burst": options["batch"],
            }
            if options["worker_id"]:
                kwargs["name"] = options["worker_id"]
            call_command("rqworker", *queues, **kwargs)
        else:
            self.stderr.write(f"The task backend {kind} runs tasks itself; no worker is needed.")
