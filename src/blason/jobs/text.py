"""Text folded for searching: lower case, accents and punctuation dropped, spaces squashed
("Chargé / Chargée d'accueil" → "charge chargee d accueil"), so that what a person types on a
phone without accents still finds the label."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.replace("œ", "oe").replace("æ", "ae")
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def words(text: str) -> list[str]:
    return fold(text).split()
