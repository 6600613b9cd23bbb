"""What other apps may use of verification: fetching what a badge refers to (``fetching``) and
saying what a verification found in plain words (``messages``)."""

from blason.verification.fetching import RecordingFetcher, site_fetcher
from blason.verification.messages import check_text, state_summary
from blason.verification.trust import recognitions

__all__ = ["RecordingFetcher", "check_text", "recognitions", "site_fetcher", "state_summary"]
