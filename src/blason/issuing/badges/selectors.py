"""Reading badges: a space's badges, a badge's texts in the visitor's language, and its image.

What other apps may use of ``badges``, with its ``models`` and ``services``; the functions
below that are imported are defined where their concern lives (``content``, ``images``,
``rendering``, ``alignments``)."""

from __future__ import annotations

from django.db.models import QuerySet

from blason.core.models import Issuer
from blason.issuing.badges.alignments import ROME_CODE, ROME_URL
from blason.issuing.badges.alignments import Kind as AlignmentKind
from blason.issuing.badges.alignments import kind_of as alignment_kind
from blason.issuing.badges.alignments import label as alignment_label
from blason.issuing.badges.content import BadgeText, badge_text, criteria_markdown, short_language
from blason.issuing.badges.images import (
    MAX_PIXELS,
    ImageRejected,
    as_png,
    clean_upload,
    png_data_uri,
    stored_png,
)
from blason.issuing.badges.models import BadgeClass
from blason.issuing.badges.rendering import RenderFailed

__all__ = [
    "MAX_PIXELS",
    "ROME_CODE",
    "ROME_URL",
    "AlignmentKind",
    "BadgeText",
    "ImageRejected",
    "RenderFailed",
    "alignment_kind",
    "alignment_label",
    "as_png",
    "badge_text",
    "badges_of",
    "clean_upload",
    "criteria_markdown",
    "png_data_uri",
    "short_language",
    "stored_png",
]


def badges_of(issuer: Issuer) -> QuerySet[BadgeClass]:
    return BadgeClass.objects.filter(issuer=issuer).order_by("status", "name")
