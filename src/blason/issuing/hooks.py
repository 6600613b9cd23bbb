"""Extension points that other apps fill in from their ``AppConfig.ready()``.

Kept apart from ``awards`` so that registering imports nothing heavy at start-up (``awards``
pulls in the task queue, whose backend must not be chosen before the settings are final).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blason.issuing.models import BadgeClass
    from obcore import ob3

# Who created a badge, as the OB 3.0 Achievement's ``creator`` (``blason.peers``: the group
# that designed it in a workshop). The first function that returns a Profile wins.
ACHIEVEMENT_CREATORS: list[Callable[[BadgeClass], ob3.Profile | None]] = []
