"""Reading awards: the public addresses of an award and of its badge, and claim codes.

What other apps may use of ``awarding``, with its ``models`` and ``services``; the functions
are defined where their concern lives (``credentials``, ``claim_codes``)."""

from blason.issuing.awarding.claim_codes import claim_url, normalise_claim_code
from blason.issuing.awarding.credentials import award_url, badge_image_url, badge_url

__all__ = ["award_url", "badge_image_url", "badge_url", "claim_url", "normalise_claim_code"]
