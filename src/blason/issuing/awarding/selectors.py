"""Reading awards: the public addresses of an award and of its badge, claim codes, and the
issuer's list of awards (its rows and its search).

What other apps may use of ``awarding``, with its ``models`` and ``services``; the address and
claim-code functions are defined where their concern lives (``credentials``, ``claim_codes``).

The search stays fast in a space of a million awards because each of its terms has an index
(migration ``0010_award_list_indexes``):

- A phone number (digits and separators only) by its start, in E.164 ("06 12 34" is read as
  "+3361234"), an e-mail address (with an "@") by its start (addresses are stored in lower
  case), a claim code exactly: b-tree indexes on both databases.
- Anything else, a name: on PostgreSQL a fragment anywhere in the name or the e-mail address,
  through trigram indexes (``pg_trgm``) on ``UPPER(column)``, what Django's ``icontains``
  compares; on SQLite (no trigram index) the start of the name (an index ``COLLATE NOCASE``,
  ASCII letters in any case) or of the e-mail address.
"""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Collate

from blason.core.models import Issuer
from blason.issuing.awarding.claim_codes import CODE_ALPHABET, claim_url, normalise_claim_code
from blason.issuing.awarding.credentials import award_url, badge_image_url, badge_url
from blason.issuing.awarding.models import Award

__all__ = [
    "award_rows",
    "award_url",
    "badge_image_url",
    "badge_url",
    "claim_url",
    "normalise_claim_code",
    "search_awards",
]

# What the list shows of an award: never the credential (a few kB per row).
LIST_FIELDS = (
    "id",
    "uuid",
    "issuer_id",
    "badge_id",
    "badge__name",
    "recipient_name",
    "recipient_email",
    "recipient_phone",
    "issued_at",
    "valid_until",
    "revoked_at",
    "claimed_at",
    "claim_code",
)
_CODE_CHARACTERS = set(CODE_ALPHABET + "-")
_LAST = "\U0010ffff"  # sorts after every character: "starts with p" is p <= x < p + _LAST


def award_rows(issuer: Issuer, *, search: str = "") -> QuerySet[Award]:
    """The awards of ``issuer`` with only what a list shows (badge name included), those
    whose recipient matches ``search`` when it is given (``search_awards``)."""
    rows = Award.objects.select_related("badge").only(*LIST_FIELDS)
    text = search.strip()
    if len(text) >= 3 and connections[rows.db].vendor == "sqlite":
        # SQLite, without statistics, would walk the space's awards in the list's order and
        # test each one; ``issuer_id + 0`` hides that index so that it reads the few rows
        # the search's indexes find, then sorts them. (Shorter searches match many rows:
        # walking in order finds a page soon.)
        rows = rows.alias(issuer_plain=F("issuer_id") + 0).filter(issuer_plain=issuer.pk)
    else:
        rows = rows.filter(issuer=issuer)
    return search_awards(rows, text)


def search_awards(queryset: QuerySet[Award], text: str) -> QuerySet[Award]:
    """The awards of ``queryset`` whose recipient matches ``text``: a name, an e-mail address,
    a phone number or a claim code (see the module's notes for what matches on which
    database). What is typed says what is searched: digits and phone separators only, a
    phone number; an "@", an e-mail address; a claim code with a digit, that code only
    (names have no digits); anything else, a name or an e-mail address (and the claim code
    it may also be)."""
    text = text.strip()
    if not text:
        return queryset
    postgres = connections[queryset.db].vendor == "postgresql"
    digits = "".join(ch for ch in text if ch.isdigit())
    code = normalise_claim_code(text)
    match = Q(claim_code=code) if len(code) == 9 and set(code) <= _CODE_CHARACTERS else None
    if len(digits) >= 4 and all(ch.isdigit() or ch in "+ .-()/" for ch in text):
        by_phone = _starts("recipient_phone", phone_prefix(text), postgres)
        return queryset.filter(by_phone | match if match else by_phone)  # a code of digits
    by_email = _starts("recipient_email", text.lower(), postgres)
    if "@" in text:
        return queryset.filter(by_email)
    if match and digits:
        return queryset.filter(match)
    match = match or Q(pk__in=[])
    if postgres:
        match |= Q(recipient_name__icontains=text) | Q(recipient_email__icontains=text)
        return queryset.filter(match)
    queryset = queryset.alias(name_nocase=Collate("recipient_name", "NOCASE"))
    return queryset.filter(
        match | by_email | Q(name_nocase__gte=text, name_nocase__lt=text + _LAST)
    )


def _starts(column: str, prefix: str, postgres: bool) -> Q:
    """``column`` starts with ``prefix``, in a form its index serves: ``LIKE 'p%'`` on
    PostgreSQL (``varchar_pattern_ops`` indexes, whatever the database's collation), a range
    on SQLite (its indexes compare bytes; its ``LIKE`` ignores case and skips them)."""
    if postgres:
        return Q(**{f"{column}__startswith": prefix})
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": prefix + _LAST})


def phone_prefix(text: str) -> str:
    """The start of an E.164 number from what a person types: "06 12 34" in France is
    "+3361234", "0033 6 12" is "+33612", "+33 6" is "+336"."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.strip().startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        country = phonenumbers.country_code_for_region(settings.PHONE_REGION)
        return f"+{country}{digits[1:]}"
    return "+" + digits
