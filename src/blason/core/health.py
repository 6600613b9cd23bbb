"""Operator health checks: is the database answering, is the task queue being consumed, is any
work stuck or failed (e-mail and SMS in the outbox, tasks not handed to the queue, dead workers,
batches nobody is awarding)?"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends


def database_status() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def queue_status() -> dict[str, Any]:
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    path = f"{type(backend).__module__}.{type(backend).__name__}"
    if "django_tasks_db" in path:
        return _database_queue_status()
    if "django_tasks_rq" in path:
        return _redis_queue_status()
    return {"ok": True, "backend": path}


def _database_queue_status() -> dict[str, Any]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        count = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except Exception as exc:
        return {"ok": False, "backend": "database", "error": exc.__class__.__name__}
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    stale = age > settings.HEALTHZ_QUEUE_STALE_SECONDS
    return {
        "ok": not stale,
        "backend": "database",
        "ready": count,
        "oldest_ready_seconds": round(age, 1),
        **({"error": "tasks are waiting: is a worker running?"} if stale else {}),
    }


def _redis_queue_status() -> dict[str, Any]:
    import django_rq
    from rq import Worker

    try:
        queue = django_rq.get_queue("default")
        queue.connection.ping()
        count = queue.count
        workers = Worker.count(queue=queue)
        oldest_job = queue.get_jobs(0, 0)
    except Exception as exc:
        return {"ok": False, "backend": "redis", "error": exc.__class__.__name__}
    age = 0.0
    if oldest_job and oldest_job[0].enqueued_at:
        enqueued = oldest_job[0].enqueued_at
        if timezone.is_naive(enqueued):
            enqueued = enqueued.replace(tzinfo=UTC)
        age = max((timezone.now() - enqueued) / timedelta(seconds=1), 0.0)
    stale = age > settings.HEALTHZ_QUEUE_STALE_SECONDS
    return {
        "ok": not stale,
        "backend": "redis",
        "ready": count,
        "workers": workers,
        "oldest_ready_seconds": round(age, 1),
        **({"error": "tasks are waiting: is a worker running?"} if stale else {}),
    }


# Dotted paths of functions giving ``(name, counts, problem or "")`` for ``work_status``,
# registered by apps in ``AppConfig.ready()`` (core imports no domain app).
WORK_REPORTS: list[str] = []


def work_status() -> dict[str, Any]:
    """Stuck and failed work, with counts; ``ok`` is false when any is stuck or failed."""
    from django.utils.module_loading import import_string

    from blason.core import outbox, sms, worker
    from blason.core.models import PendingTask, WorkerHeartbeat

    stale = timedelta(seconds=settings.HEALTHZ_QUEUE_STALE_SECONDS)
    problems: list[str] = []
    try:
        now = timezone.now()
        emails = outbox.status(stale)
        texts = outbox.status(stale, kind="sms")
        live = worker.live_worker_ids()
        beats = WorkerHeartbeat.objects
        dead = beats.filter(beat_at__lt=now - worker.dead_after()).count()
        unqueued = PendingTask.objects.filter(created_at__lt=now - stale).count()
        body: dict[str, Any] = {
            "emails": emails,
            "sms": {"enabled": sms.enabled(), **texts},
            "workers": {"alive": len(live), "dead": dead},
            "tasks_not_queued": unqueued,
        }
        for path in WORK_REPORTS:
            name, counts, problem = import_string(path)()
            body[name] = counts
            if problem:
                problems.append(problem)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if emails["stuck"]:
        problems.append(f"{emails['stuck']} e-mail(s) waiting for more than {stale}")
    if emails["failed_last_day"]:
        problems.append(f"{emails['failed_last_day']} e-mail(s) failed in the last day")
    if texts["stuck"]:
        problems.append(f"{texts['stuck']} SMS waiting for more than {stale}")
    if texts["failed_last_day"]:
        problems.append(f"{texts['failed_last_day']} SMS failed in the last day")
    if unqueued:
        problems.append(f"{unqueued} task(s) not handed to the queue (is Redis up?)")
    if dead and not live:
        problems.append("no live worker (the last ones stopped beating)")
    return {"ok": not problems, **body, **({"error": "; ".join(problems)} if problems else {})}
