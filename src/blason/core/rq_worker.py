"""The RQ worker class of ``blason worker`` (Redis backend): its job processes die with it.

RQ runs each job in a forked "work horse" in a process group of its own, so killing the worker
(even its whole process group) would leave the job running with nobody watching it, and its
signing helpers with it. Here the work horse asks Linux to kill it when its worker dies; the
worker's heartbeat stops too, and another worker takes the job's work back
(``blason.core.worker``).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from typing import Any

from rq import Worker as RQWorker

logger = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """Be killed (SIGKILL) when the parent process ends (Linux; elsewhere, nothing)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        logger.debug("prctl is not available", exc_info=True)
        return
    if os.getppid() != parent:  # the parent died before the request: follow it now
        os._exit(1)


class Worker(RQWorker):
    def main_work_horse(self, *args: Any, **kwargs: Any) -> None:
        die_with_parent()
        super().main_work_horse(*args, **kwargs)
