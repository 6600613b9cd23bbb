"""Serve Blason: the web server (gunicorn) and the task worker(s), stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the web server and the background worker(s) until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--web-workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "2")),
            help="gunicorn worker processes (default: WEB_CONCURRENCY or 2)",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(os.environ.get("TASK_WORKERS", "1")),
            help="background worker processes; 0 when workers run elsewhere (default: 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        commands = [
            [
                python,
                "-m",
                "gunicorn",
                "blason.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["web_workers"]),
                "--access-logfile",
                "-",
                "--no-control-socket",  # one less file in $HOME; Blason does not use it
                "--forwarded-allow-ips",
                os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            ]
        ]
        for number in range(options["task_workers"]):
            commands.append([python, "-m", "blason", "worker", "--worker-id", f"local-{number}"])
        processes = [subprocess.Popen(command) for command in commands]  # noqa: S603
        scheme_host = options["bind"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Blason is running on http://{scheme_host} with {options['task_workers']} task "
                f"worker(s) (DEBUG={settings.DEBUG}). Press Ctrl+C to stop."
            )
        )
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = None
        while not stopping:
            for process, command in zip(processes, commands, strict=True):
                if process.poll() is not None:
                    failed = (command, process.returncode)
                    stopping = True
            time.sleep(0.3)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
        if failed:
            raise CommandError(f"{' '.join(failed[0][2:4])} stopped with exit code {failed[1]}")
