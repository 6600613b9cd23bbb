"""Background work of the children's accounts feature: the purge, run by every worker on its
round (``core.worker.SWEEPS``), and by ``blason purge_held_accounts``."""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

# A worker purges on its round at most this often (seconds). Every step is safe to run twice
# and from several workers at once.
SWEEP_EVERY = 600.0
_last_sweep: float | None = None


def sweep(live_workers: set[str]) -> None:
    """Purge, at most every ``SWEEP_EVERY`` seconds in this process."""
    global _last_sweep
    now = time.monotonic()
    if _last_sweep is not None and now - _last_sweep < SWEEP_EVERY:
        return
    _last_sweep = now
    purge()


def purge() -> tuple[int, int]:
    """Delete the held accounts no parent confirmed in time; end the guardianships of children
    now of age (``services.purge``). Returns both counts."""
    from blason.guardians import services

    result = services.purge()
    if result.held_deleted or result.guardianships_ended:
        logger.info(
            "children's accounts: %d held account(s) deleted, %d guardianship(s) ended",
            result.held_deleted,
            result.guardianships_ended,
        )
    return result.held_deleted, result.guardianships_ended
