"""The poster of a claim link is a real one-page A4 PDF with the event's words laid out in the
language chosen, and its QR code carries the claim address."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
import segno
from django.utils import timezone
from PIL import Image

from blason.issuing.claims import posters as claim_posters
from blason.issuing.claims import services as claims
from blason.issuing.models import ClaimLink

pytestmark = pytest.mark.django_db

A4_CSS_PIXELS = (794, 1123)  # 210 by 297 mm at 96 CSS pixels per inch


@pytest.fixture
def link(world: Any, published: Any) -> ClaimLink:
    opens = timezone.make_aware(datetime(2099, 3, 14, 9, 0))
    return claims.link_create(
        badge=published,
        actor=world.admin,
        title="Forum de l'emploi de Roubaix",
        opens_at=opens,
        closes_at=opens + timedelta(hours=8),
        requires_approval=True,
    )


def laid_out_text(document: Any) -> str:
    """Every piece of text WeasyPrint placed on the pages, in order."""
    words: list[str] = []

    def walk(box: Any) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str):
            words.append(text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(" ".join(words).split())


def images(document: Any) -> list[Any]:
    found: list[Any] = []

    def walk(box: Any) -> None:
        if type(box).__name__ in ("InlineReplacedBox", "BlockReplacedBox"):
            found.append(box)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


def test_the_poster_in_english(link: ClaimLink) -> None:
    document = claim_posters.poster_document(link, "en")
    assert len(document.pages) == 1
    page = document.pages[0]
    assert (round(page.width), round(page.height)) == A4_CSS_PIXELS
    text = laid_out_text(document)
    for expected in (
        "Your badge is waiting for you!",
        "Forum de l'emploi de Roubaix",
        "March 14, 2099, from 9 a.m. to 5 p.m.",
        "Accueil du public",
        "awarded by Organisation A",
        f"testserver/c/{link.token}",
        "Scan the QR code with your phone",
        "An organiser checks your request",
        "Free, no account needed.",
    ):
        assert expected in text, expected
    # The QR code and the badge's image (its SVG drawn to PNG) are both on the page.
    assert len(images(document)) == 2


def test_the_poster_in_french(link: ClaimLink) -> None:
    text = laid_out_text(claim_posters.poster_document(link, "fr"))
    assert "14 mars 2099" in text
    assert "Forum de l'emploi de Roubaix" in text


def test_the_pdf_file(link: ClaimLink) -> None:
    pdf = claim_posters.poster_pdf(link, "fr")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 10_000  # the fonts and the two images are embedded


def test_a_badge_without_image_and_a_link_without_dates(world: Any, published: Any) -> None:
    published.image = ""
    published.save()
    link = claims.link_create(
        badge=published, actor=world.admin, title="Atelier CV", opens_at=None, closes_at=None
    )
    document = claim_posters.poster_document(link, "en")
    assert len(document.pages) == 1
    assert len(images(document)) == 1
    assert "Your badge appears at once" in laid_out_text(document)


def test_the_longest_event_name_still_fits_on_one_page(world: Any, published: Any) -> None:
    link = claims.link_create(
        badge=published,
        actor=world.admin,
        title=("Forum intercommunal de l'emploi, de la formation et de l'alternance " * 3)[:200],
        opens_at=None,
        closes_at=timezone.now() + timedelta(days=1),
    )
    assert len(claim_posters.poster_document(link, "fr").pages) == 1


def modules(png: bytes, *, scale: int, border: int) -> list[list[bool]]:
    """Read the dark and light modules back from a QR code image, one sample per module."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // scale - 2 * border
    return [
        [
            image.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2))
            < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


def test_the_qr_code_carries_the_claim_address(link: ClaimLink) -> None:
    """No QR decoder is installed: the image is read back module by module and compared with
    the symbol of the expected address made independently (same error correction level)."""
    address = f"http://testserver/c/{link.token}"
    expected = segno.make(address, error="q", boost_error=False)
    read = modules(claim_posters.qr_png(link), scale=16, border=4)
    assert read == [[bool(cell) for cell in row] for row in expected.matrix]
    # ...and it is not just any QR code: another address gives another symbol.
    other = segno.make(address + "x", error="q", boost_error=False)
    assert read != [[bool(cell) for cell in row] for row in other.matrix]
    # The poster carries the same symbol.
    assert expected.svg_data_uri(border=2, dark=claim_posters.INK) in claim_posters.poster_html(
        link, "fr"
    )


def test_making_a_poster_leaves_badge_images_clean(world: Any, link: ClaimLink) -> None:
    """WeasyPrint registers XML namespace prefixes when imported; badge images designed after a
    poster was made are still written as plain ``<svg>``."""
    from blason.issuing.badges.images import build_svg

    claim_posters.poster_pdf(link, "fr")
    svg = build_svg(shape="circle", colour="#1f4fb8", icon="star", text="Entraide")
    assert svg.startswith(b"<svg")
