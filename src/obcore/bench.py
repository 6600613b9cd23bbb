"""``blason bench``: obcore's throughput, and Digital Bazaar's for the same work in the same run.

Operations: ``sign_bulk`` (one shape, shared ``ShapeCanonicalizer``), ``sign_helper`` (the same
credentials as a bulk award's signing helper signs them: slot values in, JSON text out),
``sign_one`` (each
credential on its own, credentials of varied shapes), ``verify`` (a shape already seen),
``verify_arbitrary`` (the varied credentials ``sign_one`` made, no shared state between them:
only the processed-context cache, contexts being static data), ``bake`` and ``unbake`` (PNG),
``status_update`` (set a bit and re-encode a 131,072-entry list). The reference stack does
``sign`` and ``verify`` of one shape and ``verify`` of the same varied credentials (its signing
has no bulk mode, so its sign figure stands for both ``sign_bulk`` and ``sign_one``).
"""

from __future__ import annotations

import copy
import json
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from obcore import baking, bulk, status
from obcore.fastcanon import ShapeCanonicalizer
from obcore.keys import b58encode, generate_key, multikey_document
from obcore.proofs.data_integrity import sign, verify

ISSUER = "https://badges.example/issuers/bench"


def _credential(number: int, variant: int = 0) -> dict[str, Any]:
    """A bench credential; the bits of ``variant`` add optional fields (2**9 distinct shapes)."""
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Bench issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Participation",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + f"{number:064x}",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": f"{number:08x}",
                }
            ],
            "achievement": {
                "id": "https://badges.example/achievements/participation",
                "type": ["Achievement"],
                "name": "Participation au forum emploi",
                "description": "A participé au forum.",
                "criteria": {"narrative": "Présence au forum."},
            },
        },
    }
    _vary(credential, number, variant)
    return credential


def _vary(credential: dict[str, Any], number: int, variant: int) -> None:
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    if variant & 1:
        credential["description"] = f"Awarded to participant {number}."
    if variant & 2:
        credential["validUntil"] = "2099-01-01T00:00:00Z"
    if variant & 4:
        credential["image"] = {"id": f"https://badges.example/img/{number}.png", "type": "Image"}
    if variant & 8:
        subject["id"] = f"did:example:participant-{number}"
    if variant & 16:
        credential["evidence"] = [
            {"type": ["Evidence"], "name": "Attendance", "narrative": f"Signed in as {number}."}
        ]
    if variant & 32:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": "Forum",
                "targetUrl": "https://badges.example/frameworks/forum",
            }
        ]
    if variant & 64:
        achievement["tag"] = ["forum", "emploi"]
        achievement["achievementType"] = "Competency"
    if variant & 128:
        credential["issuer"].update(url="https://badges.example", email="badges@example.org")
    if variant & 256:
        achievement["criteria"]["id"] = "https://badges.example/criteria/participation"


def _rate(count: int, work: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for number in range(count):
        work(number)
    return count / (time.perf_counter() - start)


def _helper_rate(
    credentials: list[dict[str, Any]],
    key: Any,
    method: str,
    created: datetime,
    expected: list[dict[str, Any]],
) -> float:
    """What a signing helper of a bulk award does (``obcore.bulk``): parts of 50 credentials
    handed over as their shape's slot values, each signed to its compact JSON text. The slot
    values are taken beforehand, as the awarding process does while the helper signs; the
    texts are checked against ``expected`` (the same credentials signed by ``sign``)."""
    canon = ShapeCanonicalizer()
    shapes: dict[str, int] = {}
    items: list[tuple[int, list[str]] | str] = []
    for credential in credentials:
        found = canon.slot_values(credential)
        if found is None:
            raise RuntimeError("the bench credential has no slot shape")
        shape, values = found
        items.append((shapes.setdefault(shape, len(shapes)), [str(v) for v in values]))
    pem, part = key.private_pem(), bulk.MIN_SHARE
    texts: list[str] = []
    start = time.perf_counter()
    for first in range(0, len(items), part):
        texts += bulk._sign_slots(
            pem, method, created, list(shapes), items[first : first + part], False
        )
    elapsed = time.perf_counter() - start
    if texts != [bulk._compact(document) for document in expected]:
        raise RuntimeError("the helper's texts differ from sign's documents")
    return len(items) / elapsed


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        )

    header = (256).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    raw = b"".join(b"\0" + b"\x1f\x4f\xb8" * 256 for _ in range(256))
    return (
        baking.PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def run(count: int = 1000, *, reference: bool = True) -> dict[str, Any]:
    key = generate_key()
    method = f"{ISSUER}#{key.to_multikey()}"
    created = datetime(2026, 1, 1, tzinfo=UTC)
    vm_document = multikey_document(key, id=method, controller=ISSUER)
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER,
        "assertionMethod": [{k: v for k, v in vm_document.items() if k != "@context"}],
    }
    documents = {method: vm_document, ISSUER: controller}
    credentials = [_credential(n) for n in range(count)]
    canon = ShapeCanonicalizer()
    signed: list[dict[str, Any]] = []

    def sign_bulk(n: int) -> None:
        signed.append(
            sign(
                credentials[n],
                key,
                verification_method=method,
                created=created,
                canonicalizer=canon,
            )
        )

    results: dict[str, float] = {"sign_bulk": _rate(count, sign_bulk)}
    results["sign_helper"] = _helper_rate(credentials, key, method, created, signed)
    slow_count = max(count // 10, 20)
    # Varied shapes (variant = n, so nearly every credential has a shape of its own): nothing
    # learnt from one credential's structure can speed up the next one.
    varied = [_credential(n, variant=n) for n in range(slow_count)]
    arbitrary: list[dict[str, Any]] = []
    results["sign_one"] = _rate(
        slow_count,
        lambda n: arbitrary.append(
            sign(varied[n], key, verification_method=method, created=created)
        ),
    )

    def checked(result: Any) -> None:
        if not result.verified:  # a benchmark of failures would measure nothing
            raise RuntimeError(f"verification failed: {result.problems}")

    results["verify"] = _rate(
        count, lambda n: checked(verify(signed[n], documents.__getitem__, canonicalizer=canon))
    )
    results["verify_arbitrary"] = _rate(
        slow_count, lambda n: checked(verify(arbitrary[n], documents.__getitem__))
    )
    image = _png()
    payloads = [json.dumps(c) for c in signed]
    baked: list[bytes] = []
    results["bake"] = _rate(count, lambda n: baked.append(baking.bake(image, payloads[n])))
    results["unbake"] = _rate(count, lambda n: baking.extract(baked[n]))
    status_list = status.BitstringStatusList()

    def status_update(n: int) -> None:
        status_list.set(n)
        status_list.encode()

    results["status_update"] = _rate(max(count // 10, 20), status_update)
    reference_rates: dict[str, float | None] = {}
    if reference:
        from obcore import reference as js

        seed = key.private_key.private_bytes_raw()  # type: ignore[union-attr]
        multikey = {**vm_document, "secretKeyMultibase": "z" + b58encode(b"\x80\x26" + seed)}
        answer = js.call(
            {
                "action": "bench",
                "credential": copy.deepcopy(credentials[0]),
                "key": multikey,
                "count": max(count // 5, 20),
                "arbitrary": arbitrary,
                "date": "2026-01-01T00:00:00Z",
                "documents": {ISSUER: controller, method: vm_document},
            }
        )
        if "error" in answer:
            raise js.ReferenceUnavailable(f"the reference stack failed: {answer['error']}")
        reference_rates = {
            "sign_bulk": answer["sign_per_s"],
            "sign_one": answer["sign_per_s"],
            "verify": answer["verify_per_s"],
            "verify_arbitrary": answer.get("verify_arbitrary_per_s", answer["verify_per_s"]),
        }
    operations = {}
    for name, rate in results.items():
        theirs = reference_rates.get(name)
        operations[name] = {
            "blason_per_s": round(rate, 1),
            "reference_per_s": round(theirs, 1) if theirs else None,
            "ratio": round(rate / theirs, 2) if theirs else None,
        }
    return {"operations": operations}


def render(result: dict[str, Any]) -> str:
    lines = [f"{'operation':<18} {'blason/s':>10} {'reference/s':>12} {'ratio':>7}"]
    for name, row in result["operations"].items():
        ref = f"{row['reference_per_s']:.1f}" if row["reference_per_s"] else "-"
        ratio = f"{row['ratio']:.1f}x" if row["ratio"] else "-"
        lines.append(f"{name:<18} {row['blason_per_s']:>10.1f} {ref:>12} {ratio:>7}")
    return "\n".join(lines)
