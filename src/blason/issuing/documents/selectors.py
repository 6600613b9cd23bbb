"""Reading this site's public documents without a request: what a verifier would fetch
(``LocalFetcher``), and the share cards of awards and badges.

What other apps may use of ``documents``; the code is in ``local_fetch`` and
``share_images``."""

from blason.issuing.documents.local_fetch import LocalFetcher, document_stamp
from blason.issuing.documents.share_images import card_svg, preview_unavailable
from blason.issuing.documents.share_images import render_png as card_png

__all__ = ["LocalFetcher", "card_png", "card_svg", "document_stamp", "preview_unavailable"]
