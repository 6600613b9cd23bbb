"""Run every benchmark and compare it with its target; exit 1 when one misses.

Usage: ``python -m bench [--only NAME]``. Each benchmark prints its median and p95 time and the
number of SQL queries per call. Benchmarks run on a throw-away SQLite database unless
``BENCH_DATABASE_URL`` points elsewhere (for example a scratch PostgreSQL database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    target_ms: float
    max_queries: int | None

    @property
    def ok(self) -> bool:
        queries_ok = self.max_queries is None or self.queries <= self.max_queries
        return self.median_ms <= self.target_ms and queries_ok


def measure(
    name: str,
    call: Callable[[], object],
    *,
    target_ms: float,
    max_queries: int | None = None,
    repeat: int = 30,
) -> Result:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up: templates, caches
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        call()
    queries = len(captured.captured_queries)  # read now: the next requests reset the log
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return Result(
        name=name,
        median_ms=statistics.median(timings),
        p95_ms=timings[int(len(timings) * 0.95) - 1],
        queries=queries,
        target_ms=target_ms,
        max_queries=max_queries,
    )


def configure(workdir: str) -> None:
    os.environ.update(
        {
            "DOTENV_FILE": "off",
            "DEBUG": "false",
            "SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "KEY_ENCRYPTION_KEY": "bXvTuI4a-yAMW3Sx1m8fYw0d2d9mX0oV5QyQbGfS3zA=",
            "SITE_URL": "http://testserver",
            "EMAIL_BACKEND": "console",
            "DATA_DIR": workdir,
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"
            ),
            "DJANGO_SETTINGS_MODULE": "blason.settings",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    os.makedirs(settings.STATIC_ROOT, exist_ok=True)
    call_command("compile_translations", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only the benchmarks whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="blason-bench-") as workdir:
        configure(workdir)
        from bench import pages

        results = [r for r in pages.run() if not args.only or args.only in r.name]
    print(f"{'benchmark':<44} {'median':>9} {'p95':>9} {'target':>9} {'queries':>8}  result")
    for r in results:
        limit = f"<={r.max_queries}" if r.max_queries is not None else ""
        print(
            f"{r.name:<44} {r.median_ms:>7.1f}ms {r.p95_ms:>7.1f}ms {r.target_ms:>7.0f}ms "
            f"{r.queries:>3}{limit:>5}  {'ok' if r.ok else 'MISSED'}"
        )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
