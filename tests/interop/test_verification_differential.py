"""obcore against Digital Bazaar's stack over mutations of valid credentials.

Each mutation of a valid OB 3.0 credential (a required property removed or mistyped, contexts
reordered, types changed, dates moved, proof fields altered) is signed by Digital Bazaar's
stack where it still can be (so the signature is not what decides), then verified by both.
obcore must never call valid what Digital Bazaar refuses; where obcore refuses what Digital
Bazaar accepts, the reason must be one of the Open Badges rules a generic VC verifier does not
know (``DELIBERATE``, each with the specification text in ``docs/verification.md``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from obcore.fetch import StaticFetcher
from obcore.keys import generate_key
from obcore.verify import Outcome, State, verify_credential
from tests.interop.test_digitalbazaar import credential, https_issuer, secret_multikey

ISSUER = "https://other-platform.example/issuers/7"

#: Codes of obcore refusals that Digital Bazaar's (generic VC) stack has no rule for.
DELIBERATE = {
    "model.type",  # OB 3.0 §B.1.1: type MUST include OpenBadgeCredential/AchievementCredential
    "model.context_ob",  # OB 3.0 §5.1: the OB context MUST be the second @context item
    "model.required",  # OB 3.0 §B.1: id, credentialSubject, issuer, validFrom are [1]
    "model.subject_identity",  # OB 3.0 AchievementSubject: id or identifier MUST be supplied
    "model.single_subject",  # OB 3.0 §B.1.1: credentialSubject is one AchievementSubject [1]
    "schema.required",
    "schema.type",
    "schema.format",
    "schema.value",
    "schema.choice",
    "schema.other",
    "dates.not_yet",  # a state, not a forgery: "not valid yet" (VCDM 2.0 §4.9 validFrom)
}

Mutation = Callable[[dict[str, Any]], None]


def _remove(*path: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        node = document
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    return mutate


def _set(value: Any, *path: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        node = document
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = copy.deepcopy(value)

    return mutate


#: Changes made before signing: the data model's rules.
BEFORE_SIGNING: dict[str, Mutation] = {
    "no id": _remove("id"),
    "no issuer": _remove("issuer"),
    "no credentialSubject": _remove("credentialSubject"),
    "no validFrom": _remove("validFrom"),
    "no name": _remove("name"),
    "no achievement": _remove("credentialSubject", "achievement"),
    "no achievement id": _remove("credentialSubject", "achievement", "id"),
    "no achievement name": _remove("credentialSubject", "achievement", "name"),
    "no achievement criteria": _remove("credentialSubject", "achievement", "criteria"),
    "no achievement description": _remove("credentialSubject", "achievement", "description"),
    "no subject identifier": _remove("credentialSubject", "identifier"),
    "issuer as text": _set(ISSUER, "issuer"),
    "issuer without type": _remove("issuer", "type"),
    "id not a URI": _set("credential-1", "id"),
    "type only VerifiableCredential": _set(["VerifiableCredential"], "type"),
    "type as a string": _set("VerifiableCredential", "type"),
    "type AchievementCredential": _set(["VerifiableCredential", "AchievementCredential"], "type"),
    "contexts reversed": lambda d: d.__setitem__("@context", list(reversed(d["@context"]))),
    "no OB context": _set(["https://www.w3.org/ns/credentials/v2"], "@context"),
    "validFrom not a date": _set("yesterday", "validFrom"),
    "validFrom without zone": _set("2026-03-01T10:00:00", "validFrom"),
    "validFrom in the future": _set("2027-03-01T10:00:00Z", "validFrom"),
    "validUntil passed": _set("2026-04-01T10:00:00Z", "validUntil"),
    "validUntil before validFrom": _set("2026-02-01T10:00:00Z", "validUntil"),
    "awardedDate not a date": _set("last week", "awardedDate"),
    "subject as a list": lambda d: d.__setitem__("credentialSubject", [d["credentialSubject"]]),
}

#: Changes made after signing: the proof's own rules.
AFTER_SIGNING: dict[str, Mutation] = {
    "proof removed": _remove("proof"),
    "proofValue altered": lambda d: d["proof"].__setitem__(
        "proofValue", d["proof"]["proofValue"][:-4] + "abcd"
    ),
    "proof created changed": _set("2026-03-02T10:00:00Z", "proof", "created"),
    "proof purpose authentication": _set("authentication", "proof", "proofPurpose"),
    "proof cryptosuite unknown": _set("ecdsa-rdfc-2019", "proof", "cryptosuite"),
    "proof method of another key": _set(
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#"
        "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "proof",
        "verificationMethod",
    ),
    "name changed": _set("Autre badge", "name"),
    "subject changed": _set("Autre chose", "credentialSubject", "achievement", "name"),
    "issuer changed": _set("https://evil.example/issuers/1", "issuer", "id"),
}


def _refusal(report: Any) -> str:
    failed = [check for check in report.checks if check.outcome is Outcome.FAILED]
    if not failed:
        return ""
    last = failed[-1]
    return last.details[0].code if last.details else last.code


def test_obcore_is_never_more_lenient_than_digitalbazaar(digitalbazaar: Any) -> None:
    key = generate_key()
    method_id, documents = https_issuer(key, ISSUER)
    multikey = {**documents[method_id], "secretKeyMultibase": secret_multikey(key)}
    base = credential(ISSUER)
    base["validUntil"] = "2027-03-01T10:00:00Z"
    base["awardedDate"] = "2026-03-01T10:00:00Z"
    base["credentialSubject"]["achievement"]["criteria"] = {"narrative": "Trois accueils."}
    cases: dict[str, dict[str, Any]] = {"untouched": base}
    for name, mutate in BEFORE_SIGNING.items():
        changed = copy.deepcopy(base)
        mutate(changed)
        cases[name] = changed
    signing = digitalbazaar(
        {
            "action": "batch",
            "documents": documents,
            "requests": [
                {"action": "sign", "credential": c, "key": multikey, "date": "2026-03-01T10:00:00Z"}
                for c in cases.values()
            ],
        }
    )["answers"]
    signed: dict[str, dict[str, Any]] = {}
    for name, answer in zip(cases, signing, strict=True):
        if "signed" in answer:
            signed[name] = answer["signed"]
        else:  # Digital Bazaar refuses to sign it: obcore, given it signed elsewhere, refuses too
            assert "error" in answer, answer
    assert "untouched" in signed
    for name, mutate in AFTER_SIGNING.items():
        changed = copy.deepcopy(signed["untouched"])
        mutate(changed)
        signed[name] = changed
    verdicts = digitalbazaar(
        {
            "action": "batch",
            "documents": documents,
            "requests": [
                {"action": "verify", "credential": document} for document in signed.values()
            ],
        }
    )["answers"]
    fetcher = StaticFetcher(
        {url: ("application/json", json.dumps(doc).encode()) for url, doc in documents.items()}
    )
    disagreements = []
    for (name, document), theirs in zip(signed.items(), verdicts, strict=True):
        report = verify_credential(document, fetcher=fetcher)  # now, as Digital Bazaar
        ours = report.state is State.VALID
        if ours and not theirs["verified"]:
            disagreements.append(f"{name}: obcore valid, Digital Bazaar: {theirs['error']}")
        elif theirs["verified"] and not ours and report.state is not State.EXPIRED:
            reason = _refusal(report)
            if reason not in DELIBERATE:
                disagreements.append(f"{name}: obcore {report.state} ({reason}), DB valid")
    assert not disagreements, "\n".join(disagreements)
    assert verify_credential(signed["untouched"], fetcher=fetcher).valid
