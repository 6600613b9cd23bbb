"""Badge image uploads are validated and cleaned; hostile files get a clear refusal."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator

import pytest
from django.utils import translation
from PIL import Image

from blason.issuing.badges import rendering
from blason.issuing.badges.images import ImageRejected, build_svg, clean_upload, render_png
from tests.blason.hostile_svgs import HOSTILE_SVGS, deep_nesting, many_elements, use_fan_out


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def png(width: int = 128, height: int = 128, extra_chunks: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (31, 79, 184, 255)).save(out, format="PNG")
    data = out.getvalue()
    return data[:33] + extra_chunks + data[33:]  # after IHDR


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_png_is_reencoded_without_extra_chunks() -> None:
    baked = png(extra_chunks=chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00{}"))
    clean = clean_upload(baked)
    assert (clean.extension, clean.width, clean.height) == ("png", 128, 128)
    assert b"openbadges" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).size == (128, 128)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png()[:60], "damaged"),
        (png(16, 16), "too small"),
        (b"GIF89a" + b"\x00" * 100, "PNG or SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1024 * 1024), "too large"),
    ],
)
def test_bad_png_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImageRejected, match=message):
        clean_upload(data)


def test_decompression_bomb_is_refused() -> None:
    header = struct.pack(">IIBBBBB", 50000, 50000, 8, 6, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
    )
    with pytest.raises(ImageRejected, match=r"too many pixels|damaged"):
        clean_upload(bomb + chunk(b"IEND", b""))


HOSTILE_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  viewBox="0 0 100 100" onload="alert(1)">
  <script>alert(2)</script>
  <foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></foreignObject>
  <a href="javascript:alert(3)"><circle cx="50" cy="50" r="40" fill="url(https://evil.example/x)"/></a>
  <rect width="10" height="10" fill="#123456" style="background:url(https://evil.example)"/>
  <use xlink:href="https://evil.example/sprite.svg#x"/>
  <use href="#shape"/>
  <text x="5" y="20">Bravo <tspan fill="red">!</tspan> fin</text>
</svg>"""


def test_svg_is_rebuilt_from_an_allow_list() -> None:
    clean = clean_upload(HOSTILE_SVG)
    text = clean.content.decode()
    for bad in (
        "script",
        "onload",
        "foreignObject",
        "iframe",
        "javascript",
        "evil.example",
        "style=",
    ):
        assert bad not in text, bad
    assert 'fill="#123456"' in text
    assert 'href="#shape"' in text
    assert "Bravo" in text
    assert "fin" in text
    assert (clean.extension, clean.width, clean.height) == ("svg", 100, 100)


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;">]><svg xmlns="http://www.w3.org/2000/svg">&lol2;</svg>',
        b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>",
        b"<html><body>not svg</body></html>",
    ],
)
def test_hostile_or_broken_svg_is_refused(data: bytes) -> None:
    with pytest.raises(ImageRejected):
        clean_upload(data)


def test_builder_output_is_clean_and_renders() -> None:
    svg = build_svg(shape="shield", colour="#1f4fb8", icon="star", text="Entraide <3")
    assert clean_upload(svg).extension == "svg"
    rendered = render_png(svg, size=256)
    assert Image.open(io.BytesIO(rendered)).size == (256, 256)
    with pytest.raises(ImageRejected):
        build_svg(shape="shield", colour="red;x", icon="star", text="")
    with pytest.raises(ImageRejected):
        build_svg(shape="blob", colour="#000000", icon="star", text="")


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_svg_over_the_limits_is_refused_with_a_clear_message(name: str) -> None:
    data, message = HOSTILE_SVGS[name]
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(ImageRejected, match=message):
        clean_upload(data)


def test_an_svg_within_the_limits_is_accepted() -> None:
    # 2 x 8 <use>: 256 circles, like a pattern a designer might repeat.
    assert clean_upload(use_fan_out(8, 2)).extension == "svg"
    assert clean_upload(deep_nesting(60)).extension == "svg"
    assert clean_upload(many_elements(2_000)).extension == "svg"


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Every drawing made (each one is a child process)."""
    made: list[tuple[int, int]] = []
    real = rendering.draw

    def counted(svg: bytes, *, width: int, height: int) -> bytes:
        made.append((width, height))
        return real(svg, width=width, height=height)

    monkeypatch.setattr(rendering, "draw", counted)
    return made


def test_an_accepted_svg_is_drawn_once_at_upload_and_kept(draws: list[tuple[int, int]]) -> None:
    svg = build_svg(shape="hexagon", colour="#17622f", icon="heart", text="Une fois")
    clean = clean_upload(svg)
    assert draws == [(512, 512)]
    for _again in range(3):
        png_bytes = render_png(clean.content)
        assert Image.open(io.BytesIO(png_bytes)).size == (512, 512)
    assert draws == [(512, 512)], "read from the storage, not drawn again"
    render_png(clean.content, size=600)
    render_png(clean.content, size=600)
    assert draws == [(512, 512), (600, 600)]


def test_a_failed_drawing_is_remembered(
    draws: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SVG stored before the limits existed, that cannot be drawn in time: tried once, not
    on every request."""
    monkeypatch.setattr(rendering, "TIME_LIMIT", 1)
    slow = use_fan_out(16, 2)  # bypasses clean_upload: 65,536 circles, seconds to draw
    for _request in range(3):
        with pytest.raises(ImageRejected, match="too long or too much memory"):
            render_png(slow)
    assert len(draws) == 1


def test_drawing_runs_in_a_limited_process() -> None:
    """The child process is killed at the time limit, and runs out of memory alone: the web
    process (this one) goes on."""
    simple = build_svg(shape="circle", colour="#123456", icon="none", text="")
    with pytest.raises(rendering.RenderFailed) as failure:
        # 100,000 x 100,000 RGBA pixels: 40 GB, far past the address space limit.
        rendering.draw(simple, width=100_000, height=100_000)
    assert failure.value.reason == "memory"
    original = rendering.TIME_LIMIT
    try:
        rendering.TIME_LIMIT = 1
        with pytest.raises(rendering.RenderFailed) as failure:
            # 65,536 circles on 2,048 pixels: several seconds even on an idle machine
            rendering.draw(use_fan_out(16, 2), width=2048, height=2048)
        assert failure.value.reason == "time"
    finally:
        rendering.TIME_LIMIT = original
    with pytest.raises(rendering.RenderFailed) as failure:
        rendering.draw(b"<svg", width=64, height=64)
    assert failure.value.reason == "invalid"
    assert rendering.draw(simple, width=64, height=64).startswith(b"\x89PNG")
