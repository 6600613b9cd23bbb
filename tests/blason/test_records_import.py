"""Importing a learner record (CLR 2.0): each credential verified and kept as a badge of its own,
the record's own proof verified too, and nothing kept when anything fails."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from blason.backpack.models import Item
from blason.core.models import AuditEntry
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.records import record
from blason.records.record_import import RecordRefused, inner_texts, record_import
from tests.blason import other_platforms as op
from tests.blason.records_fixtures import earner_with_badges

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def exported(world: Any) -> str:
    earner_with_badges(world, ob2=False)
    return record.build(world.member).text


def test_each_credential_becomes_a_badge_kept_as_it_was_written(world: Any) -> None:
    text = exported(world)
    done = record_import(user=world.outsider, content=text.encode(), fetcher=LocalFetcher())
    assert len(done.added) == 3
    assert done.already == 0
    originals = set(Item.objects.filter(owner=world.member).values_list("credential", flat=True))
    for item in Item.objects.filter(owner=world.outsider):
        assert item.credential in originals  # the very text, not re-serialised
        assert item.status == "valid"
    assert AuditEntry.objects.filter(action="records.record.imported").count() == 1
    again = record_import(user=world.outsider, content=text.encode(), fetcher=LocalFetcher())
    assert (len(again.added), again.already) == (0, 3)


def test_inner_texts_are_found_as_written() -> None:
    text = (
        '{"a": [1, {"b": "}"}], "credentialSubject" : {"x": 1, '
        '"verifiableCredential": [ {"id": "u:1", "s": "]"} ,{"id":"u:2"}]}}'
    )
    assert inner_texts(text) == ['{"id": "u:1", "s": "]"}', '{"id":"u:2"}']


def _count() -> tuple[int, int]:
    return Item.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(name="Autre relevé"), "own signature does not hold"),
        (
            lambda d: d["credentialSubject"]["verifiableCredential"][1].update(name="Faux"),
            "own signature does not hold",
        ),
        (lambda d: d.update(type=["VerifiableCredential"]), "not a learner record"),
        (lambda d: d["credentialSubject"].update(verifiableCredential=[]), "not a learner record"),
        (lambda d: d.pop("proof"), "own signature does not hold"),
    ],
)
def test_hostile_records_are_refused_and_nothing_is_kept(
    world: Any, change: Any, message: str
) -> None:
    document = json.loads(exported(world))
    change(document)
    before = _count()
    with pytest.raises(RecordRefused, match=message):
        record_import(
            user=world.outsider, content=json.dumps(document).encode(), fetcher=LocalFetcher()
        )
    assert _count() == before


def test_a_forged_inner_credential_under_a_valid_outer_proof_keeps_nothing(world: Any) -> None:
    """A record signed by someone (here: re-signed by the site) holding a forged badge: the
    outer proof holds, the badge does not, and nothing is kept."""
    from blason.issuing.signing import issuer_documents as documents
    from blason.issuing.signing import keys
    from blason.records import selectors
    from obcore.proofs.data_integrity import sign

    document = json.loads(exported(world))
    forged = document["credentialSubject"]["verifiableCredential"][0]
    forged["name"] = "Badge falsifié"
    del document["proof"]
    signer = selectors.site_signer()
    assert signer is not None
    key = keys.active_key(signer)
    resigned = sign(
        document,
        keys.private_key(key),
        verification_method=documents.verification_method_id(signer, key),
    )
    before = _count()
    with pytest.raises(RecordRefused, match="Badge 1 of the record cannot be kept"):
        record_import(
            user=world.outsider, content=json.dumps(resigned).encode(), fetcher=LocalFetcher()
        )
    assert _count() == before


def test_a_record_signed_by_an_unknown_key_is_refused(world: Any) -> None:
    """An outsider's own did:key badge inside a record whose proof names a key nobody
    publishes: unverifiable, so refused."""
    document = json.loads(exported(world))
    document["proof"][0]["verificationMethod"] = "https://nowhere.example/keys/1"
    with pytest.raises(RecordRefused):
        record_import(
            user=world.outsider, content=json.dumps(document).encode(), fetcher=op.fetcher({})
        )


def test_the_import_page(client: Any, world: Any) -> None:
    text = exported(world)
    client.force_login(world.outsider)
    assert client.get(reverse("records:import")).status_code == 200
    response = client.post(
        reverse("records:import"),
        {"file": SimpleUploadedFile("releve.json", text.encode(), "application/json")},
    )
    assert response.status_code == 302, response.content[:500]
    assert Item.objects.filter(owner=world.outsider).count() == 3
    for content in (
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"[1, 2]",
        b'{"type": "ClrCredential"}',
        b"{" * 5000,
    ):
        response = client.post(
            reverse("records:import"),
            {"file": SimpleUploadedFile("x.json", content, "application/json")},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
        assert "CLR" in response.content.decode()
    assert Item.objects.filter(owner=world.outsider).count() == 3


def test_a_record_given_as_a_vc_jwt_is_verified_and_kept(world: Any) -> None:
    """The backpack imports VC-JWTs, so a record can come as one: its signature is checked with
    a key of its issuer, and each credential is kept as written in the signed payload."""
    from blason.issuing.models import KeyAlgorithm
    from blason.issuing.signing import issuer_documents as documents
    from blason.issuing.signing import keys
    from blason.records import selectors
    from obcore.jose import sign_vc_jwt

    document = json.loads(exported(world))
    del document["proof"]
    signer = selectors.site_signer()
    assert signer is not None
    key = keys.active_key(signer, KeyAlgorithm.RSA)
    token = sign_vc_jwt(
        document, keys.private_key(key), kid=documents.verification_method_id(signer, key)
    )
    done = record_import(user=world.outsider, content=token.encode(), fetcher=LocalFetcher())
    assert len(done.added) == 3
    originals = set(Item.objects.filter(owner=world.member).values_list("credential", flat=True))
    kept = Item.objects.filter(owner=world.outsider).values_list("credential", flat=True)
    assert {json.dumps(json.loads(text)) for text in kept} == {
        json.dumps(json.loads(text)) for text in originals
    }
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    with pytest.raises(RecordRefused, match="own signature does not hold"):
        record_import(user=world.admin, content=forged.encode(), fetcher=LocalFetcher())
    assert not Item.objects.filter(owner=world.admin).exists()
