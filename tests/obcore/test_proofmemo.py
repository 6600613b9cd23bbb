"""Proofs kept with the bytes they were checked against (``obcore.proofmemo``): a status list or
a badge seen again is not canonicalised again, and nothing changed — a list, a key, a badge —
ever gets an answer from the memo."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from obcore import status
from obcore.fetch import StaticFetcher
from obcore.keys import KeyPair, generate_key, multikey_document
from obcore.proofmemo import ProofMemo, expiring
from obcore.proofs import data_integrity
from obcore.proofs.data_integrity import VerificationResult, sign
from obcore.verify import State, verify_credential

pytestmark = pytest.mark.nodjango

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ISSUER = "https://badges.example/issuers/ateliers"
LIST = f"{ISSUER}/status/1"
INDEX = 4242


def _credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:8d5c2b8e-4a51-4e0b-9a57-2d3f0e1c5b6a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Les Ateliers du Lien"},
        "validFrom": "2026-01-10T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:samir",
            "achievement": {
                "id": "https://badges.example/achievements/cv",
                "type": ["Achievement"],
                "name": "Atelier CV",
                "description": "A rédigé son CV.",
                "criteria": {"narrative": "Présence et CV relu."},
            },
        },
        "credentialStatus": status.build_status_entry(status_list_credential=LIST, index=INDEX),
        **extra,
    }


def _method(key: KeyPair) -> str:
    return f"{ISSUER}#{key.to_multikey()}"


def _profile(key: KeyPair) -> bytes:
    method = multikey_document(key, id=_method(key), controller=ISSUER)
    method.pop("@context")
    return json.dumps(
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": ISSUER,
            "assertionMethod": [method],
        }
    ).encode()


def _list(key: KeyPair, *, revoked: bool) -> dict[str, Any]:
    bits = status.BitstringStatusList()
    if revoked:
        bits.set(INDEX)
    document = status.build_status_list_credential(
        credential_id=LIST, issuer=ISSUER, status_list=bits, valid_from=NOW - timedelta(days=30)
    )
    return sign(document, key, verification_method=_method(key))


class Site:
    """The issuer's documents, changeable between verifications."""

    def __init__(self) -> None:
        self.key = generate_key()
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.serve_profile(self.key)
        self.serve_list(_list(self.key, revoked=False))
        self.badge = sign(_credential(), self.key, verification_method=_method(self.key))

    def serve_profile(self, key: KeyPair) -> None:
        self.documents[ISSUER] = ("application/ld+json", _profile(key))

    def serve_list(self, document: dict[str, Any]) -> None:
        self.documents[LIST] = ("application/vc+ld+json", json.dumps(document).encode())

    def verify(self, memo: ProofMemo, badge: dict[str, Any] | None = None) -> State:
        return verify_credential(
            badge or self.badge, fetcher=StaticFetcher(self.documents), now=NOW, proofs=memo
        ).state


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The issuers of the documents whose proofs were actually checked."""
    seen: list[str | None] = []
    real = data_integrity.verify

    def counting(document: Any, *args: Any, **kwargs: Any) -> VerificationResult:
        seen.append(document.get("id"))
        return real(document, *args, **kwargs)

    monkeypatch.setattr(data_integrity, "verify", counting)
    return seen


def test_a_list_and_a_badge_seen_again_are_not_checked_again(checked: list[str | None]) -> None:
    site, memo = Site(), ProofMemo()
    assert site.verify(memo) is State.VALID
    assert len(checked) == 2  # the badge's proof and the list's
    assert len(memo) == 2
    assert site.verify(memo) is State.VALID
    assert len(checked) == 2
    # Another badge of the same issuer: only its own proof is checked.
    other = sign(
        _credential(id="urn:uuid:00000000-4a51-4e0b-9a57-2d3f0e1c5b6b"),
        site.key,
        verification_method=_method(site.key),
    )
    assert site.verify(memo, other) is State.VALID
    assert checked[2:] == ["urn:uuid:00000000-4a51-4e0b-9a57-2d3f0e1c5b6b"]


def test_a_revocation_is_a_new_list_checked_again(checked: list[str | None]) -> None:
    site, memo = Site(), ProofMemo()
    assert site.verify(memo) is State.VALID
    site.serve_list(_list(site.key, revoked=True))
    assert site.verify(memo) is State.REVOKED
    assert checked[-1] == LIST


def test_a_changed_list_without_a_good_signature_is_never_trusted() -> None:
    site, memo = Site(), ProofMemo()
    revoked = _list(site.key, revoked=True)
    site.serve_list(revoked)
    assert site.verify(memo) is State.REVOKED
    # Someone serves the list with the bit cleared, under the revoked list's proof.
    forged = _list(site.key, revoked=False)
    forged["proof"] = copy.deepcopy(revoked["proof"])
    site.serve_list(forged)
    assert site.verify(memo) is State.UNVERIFIABLE


def test_a_key_changed_or_gone_is_checked_again(checked: list[str | None]) -> None:
    site, memo = Site(), ProofMemo()
    assert site.verify(memo) is State.VALID
    site.serve_profile(generate_key())  # the issuer now lists another key only
    assert site.verify(memo) is not State.VALID
    site.serve_profile(site.key)
    assert site.verify(memo) is State.VALID
    del site.documents[ISSUER]  # the profile cannot be read now
    assert site.verify(memo) is State.UNVERIFIABLE


def test_a_tampered_badge_is_invalid_once_the_original_was_kept() -> None:
    site, memo = Site(), ProofMemo()
    assert site.verify(memo) is State.VALID
    tampered = copy.deepcopy(site.badge)
    tampered["credentialSubject"]["achievement"]["name"] = "Diplôme d'ingénieur"
    assert site.verify(memo, tampered) is State.INVALID
    assert site.verify(memo, tampered) is State.INVALID


def test_a_badge_signed_by_another_key_is_not_helped_by_the_memo() -> None:
    site, memo = Site(), ProofMemo()
    assert site.verify(memo) is State.VALID
    forger = generate_key()
    forged = sign(_credential(), forger, verification_method=_method(forger))
    assert site.verify(memo, forged) is not State.VALID


def test_failures_and_expiring_proofs_are_not_kept(checked: list[str | None]) -> None:
    memo = ProofMemo()
    memo.put("body:x", {}, VerificationResult(False))
    assert len(memo) == 0
    site = Site()
    expires = (NOW + timedelta(days=3650)).strftime("%Y-%m-%dT%H:%M:%SZ")
    badge = sign(_credential(), site.key, verification_method=_method(site.key), expires=expires)
    assert expiring(badge)
    assert site.verify(memo, badge) is State.VALID
    assert site.verify(memo, badge) is State.VALID
    assert checked.count(badge["id"]) == 2


def test_the_memo_is_bounded() -> None:
    memo = ProofMemo(max_entries=2)
    for name in ("a", "b", "c"):
        memo.put(name, {}, VerificationResult(True))
    assert len(memo) == 2
    assert memo.get("a", lambda url: b"") is None
    assert memo.get("c", lambda url: b"") is not None
