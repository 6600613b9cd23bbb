from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_queue(client: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["queue"] == {
        "ok": True,
        "backend": "database",
        "ready": 0,
        "oldest_ready_seconds": 0.0,
    }


def test_healthz_flags_a_queue_nobody_consumes(client: Any, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from blason.core.tasks import ping

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ping.using(backend="default").enqueue("hello")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"]["ready"] == 1
    assert "worker" in response.json()["queue"]["error"]


def test_healthz_reports_a_database_failure(client: Any) -> None:
    with mock.patch("blason.core.health.connection") as connection:
        connection.vendor = "sqlite"
        connection.cursor.side_effect = OperationalError("down")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {
        "ok": False,
        "vendor": "sqlite",
        "error": "OperationalError",
    }
