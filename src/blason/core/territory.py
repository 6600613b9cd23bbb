"""Where an issuer is and who it officially is: INSEE codes, SIRET and RNA numbers.

The codes are those of INSEE's official geographic code (Code officiel géographique, Licence
Ouverte / Etalab 2.0): a commune has a 5-character code (``59350`` Lille, ``2A004`` Ajaccio),
a département 2 or 3 (``59``, ``2A``, ``974``), a région 2 digits (``32`` Hauts-de-France).
They are checked by their form here; the names of the 18 régions are below (they rarely
change; the communes and départements come with the places referential when it is installed).

The issuer's OB 3.0 ``Profile`` carries them (``profile_extras``): ``address`` (an ``Address``
with the country, the région's name and the commune's name as ``addressLocality``, named by the
places another app registers in ``hooks.PLACE_NAMES``; OB 3.0's ``Address`` has no term for an
INSEE code, which stays on this site) and ``otherIdentifier`` (``IdentifierEntry`` items of
types ``ext:SIRET`` and ``ext:RNA``: OB 3.0 lets extensions name identifier types with the
``ext:`` prefix).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from blason.core.hooks import place_name

if TYPE_CHECKING:
    from blason.core.models import Issuer

# INSEE, Code officiel géographique 2024: the régions (code, name).
REGIONS: dict[str, str] = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$")
SIRET = re.compile(r"^\d{14}$")
RNA = re.compile(r"^W[0-9A-Z]\d{8}$")
LA_POSTE_SIREN = "356000000"  # its establishments' SIRET follow another checksum


def validate_commune(value: str) -> None:
    if value and not COMMUNE.match(value):
        raise ValidationError(_("A commune's INSEE code has 5 characters, like 59350."))


def validate_departement(value: str) -> None:
    if value and not DEPARTEMENT.match(value):
        raise ValidationError(_("A département's code looks like 59, 2A or 974."))


def validate_region(value: str) -> None:
    if value and value not in REGIONS:
        raise ValidationError(_("This is not the code of a région."))


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        number = int(char)
        if position % 2:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def siret_is_valid(value: str) -> bool:
    if not SIRET.match(value):
        return False
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(char) for char in value) % 5 == 0
    return _luhn(value)


def validate_siret(value: str) -> None:
    if value and not siret_is_valid(value):
        raise ValidationError(_("A SIRET number has 14 digits; this one is not valid."))


def validate_rna(value: str) -> None:
    if value and not RNA.match(value):
        raise ValidationError(_("An RNA number is a W followed by 9 characters, like W595012345."))


def departement_of(commune: str) -> str:
    """The département of a commune's INSEE code (``59350`` → ``59``, ``97411`` → ``974``)."""
    return commune[:3] if commune.startswith("97") else commune[:2]


def profile_extras(issuer: Issuer) -> dict[str, Any]:
    """The issuer's ``address`` and ``otherIdentifier`` as OB 3.0 Profile properties (every
    term is in the OB 3.0 context, so a credential carrying them signs in safe mode)."""
    extras: dict[str, Any] = {}
    if issuer.region_code or issuer.departement_code or issuer.commune_code:
        address: dict[str, Any] = {
            "type": ["Address"],
            "addressCountry": "France",
            "addressCountryCode": "FR",
        }
        if issuer.commune_code:
            locality = place_name("commune", issuer.commune_code)
            if locality:
                address["addressLocality"] = locality
        if issuer.region_code in REGIONS:
            address["addressRegion"] = REGIONS[issuer.region_code]
        extras["address"] = address
    identifiers = [
        {"type": "IdentifierEntry", "identifier": value, "identifierType": kind}
        for value, kind in ((issuer.siret, "ext:SIRET"), (issuer.rna, "ext:RNA"))
        if value
    ]
    if identifiers:
        extras["otherIdentifier"] = identifiers
    return extras
