"""A hosted OB 2.0 Endorsement linked from a BadgeClass or an Issuer is checked on its own
(``verify_ob2._endorsement``): withdrawn, unreadable, not on its endorser's site, endorser
unreachable, dated in the future, or about something else — each says so, none is valid."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from obcore.fetch import FetchError
from obcore.report import State
from obcore.verify_ob2 import _endorsement

OB2 = "https://w3id.org/openbadges/v2"
URL = "https://endorser.example/endorsements/1"
ENDORSER = "https://endorser.example/issuer"
BADGE = "https://site.example/badges/1"
NOW = datetime(2026, 12, 7, tzinfo=UTC)


def endorsement(**changes: Any) -> dict[str, Any]:
    document = {
        "@context": OB2,
        "type": "Endorsement",
        "id": URL,
        "claim": {"id": BADGE, "endorsementComment": "Reconnu par le réseau."},
        "issuedOn": "2026-11-01T10:00:00Z",
        "issuer": ENDORSER,
        "verification": {"type": "HostedBadge"},
    }
    document.update(changes)
    return document


PROFILE = {
    "@context": OB2,
    "type": "Issuer",
    "id": ENDORSER,
    "name": "Réseau",
    "url": "https://endorser.example",
    "email": "contact@endorser.example",
}


def resolver(documents: dict[str, Any]) -> Any:
    def resolve(url: str) -> Any:
        found = documents.get(url)
        if isinstance(found, FetchError):
            raise found
        if found is None:
            raise FetchError(url, "http_status", "404")
        return found

    return resolve


def test_a_hosted_endorsement_on_its_endorser_s_site_is_valid() -> None:
    report = _endorsement(URL, BADGE, resolver({URL: endorsement(), ENDORSER: PROFILE}), NOW)
    assert report.state is State.VALID
    assert report.issuer == ENDORSER


@pytest.mark.parametrize(
    ("documents", "about", "state", "code"),
    [
        ({URL: FetchError(URL, "gone", "410")}, BADGE, State.REVOKED, "read.gone"),
        ({URL: {"@context": OB2, "type": "Endorsement"}}, BADGE, State.MALFORMED, "ob2.malformed"),
        (
            {URL: endorsement(id="https://other.example/e/1"), ENDORSER: PROFILE},
            BADGE,
            State.INVALID,
            "ob2.not_on_issuer_site",
        ),
        (
            {URL: endorsement(verification={"type": "SignedBadge"}), ENDORSER: PROFILE},
            BADGE,
            State.INVALID,
            "ob2.not_on_issuer_site",
        ),
        (
            {URL: endorsement(), ENDORSER: FetchError(ENDORSER, "timeout", "slow")},
            BADGE,
            State.UNVERIFIABLE,
            "ob2.document_unreachable",
        ),
        (
            {URL: endorsement(issuedOn="2027-01-01T00:00:00Z"), ENDORSER: PROFILE},
            BADGE,
            State.NOT_YET_VALID,
            "dates.not_yet",
        ),
        (
            {URL: endorsement(), ENDORSER: PROFILE},
            "https://site.example/badges/2",
            State.INVALID,
            "endorsements.elsewhere",
        ),
    ],
)
def test_an_endorsement_that_does_not_hold_says_why(
    documents: dict[str, Any], about: str, state: State, code: str
) -> None:
    report = _endorsement(URL, about, resolver(documents), NOW)
    assert report.state is state
    assert code in [check.code for check in report.checks]
    assert not report.valid
