"""The old address of the issuing app's tasks, kept for tasks queued before the split.

A queued task is stored under the dotted path of its function; tasks queued by an earlier
release name ``blason.issuing.tasks.<name>``, and still run when a worker finds them here.
The tasks themselves are ``blason.issuing.awarding.tasks``.
"""

from blason.issuing.awarding.tasks import award_batch, read_batch, send_award_emails

__all__ = ["award_batch", "read_batch", "send_award_emails"]
