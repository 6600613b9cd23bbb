"""Real workers in real processes: the database queue (default) and Redis (scale-out)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_or_skip

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

ENQUEUE = textwrap.dedent(
    """
    import django, sys
    django.setup()
    from blason.core.tasks import send_email
    for subject in sys.argv[1:]:
        send_email.enqueue(subject=subject, body="Bonjour", to=["someone@example.org"])
    """
)


@pytest.fixture
def worker_database(tmp_path: Path) -> Iterator[str]:
    """A database the worker processes share with the enqueuing process: a fresh one on the
    PostgreSQL server when the suite runs on PostgreSQL, else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    import psycopg

    server, _ = url.rsplit("/", 1)
    name = f"blason_worker_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def process_env(database: str, tmp_path: Path, smtp: Any, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blason.settings",
        "DATABASE_URL": database,
        "DATA_DIR": str(tmp_path),
        "REDIS_URL": "",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": smtp.host,
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
    }
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def stop(*processes: subprocess.Popen[bytes] | None, grace: float = 15.0) -> None:
    """Stop what a test started, whatever happened: SIGTERM, then SIGKILL after ``grace``
    seconds, and always reap it (no leftover process, no ResourceWarning in a later test).
    A process started in a session of its own takes its whole process group with it (a job
    or signing helper it left)."""
    started = [process for process in processes if process is not None]
    groups = []
    for process in started:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                if os.getpgid(process.pid) == process.pid:
                    groups.append(process.pid)  # known while unreaped: no other owner
            process.terminate()
    deadline = time.monotonic() + grace
    for process in started:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


def test_database_worker_sends_queued_email(
    tmp_path: Path, smtp_server: Any, worker_database: str
) -> None:
    env = process_env(worker_database, tmp_path, smtp_server)
    run(["-m", "blason", "migrate", "-v0"], env)
    run(["-c", ENQUEUE, "Premier", "Second"], env)
    assert smtp_server.messages == []  # nothing is sent until a worker runs
    run(["-m", "blason", "worker", "--batch"], env)
    subjects = sorted(message["Subject"] for message in smtp_server.wait_for(2))
    assert subjects == ["Premier", "Second"]


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        require_or_skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    client.flushdb()
    yield TEST_REDIS_URL
    client.flushdb()


@pytest.mark.redis
def test_redis_workers_share_one_queue(
    tmp_path: Path, smtp_server: Any, redis_url: str, worker_database: str
) -> None:
    import redis
    from rq import Queue, Worker

    env = process_env(worker_database, tmp_path, smtp_server, REDIS_URL=redis_url)
    log = (tmp_path / "workers.log").open("wb")
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "blason", "worker", "--worker-id", f"machine-{n}"],
            start_new_session=True,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for n in (1, 2)
    ]
    try:
        queue = Queue("default", connection=redis.Redis.from_url(redis_url))
        deadline = time.monotonic() + 60
        while Worker.count(queue=queue) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert Worker.count(queue=queue) == 2
        subjects = [f"Badge {n}" for n in range(12)]
        run(["-c", ENQUEUE, *subjects], env)
        received = sorted(message["Subject"] for message in smtp_server.wait_for(12, timeout=60))
        assert received == sorted(subjects)  # each task ran exactly once
        time.sleep(0.5)
        assert len(smtp_server.messages) == 12
    finally:
        stop(*workers)
        log.close()


@pytest.mark.redis
def test_healthz_reports_redis_queue(client: Any, settings: Any, redis_url: str, db: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    body = client.get("/healthz").json()
    assert body["queue"]["backend"] == "redis"
    assert body["queue"]["ok"] is True
    assert body["queue"]["ready"] == 0
