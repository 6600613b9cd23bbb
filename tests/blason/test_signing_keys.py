"""Issuers' signing keys are made with the issuer (each with an audit entry), sealed at rest,
rotate without losing old public keys, and the key-encryption key itself can be rotated."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse

from blason.core import hooks, keystore
from blason.core.models import AuditEntry, Issuer, IssuerKind
from blason.core.services import issuer_create, personal_issuer_for
from blason.issuing.models import SigningKey
from blason.issuing.signing import keys
from tests.factories import IssuerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _made(issuer: Issuer) -> dict[str, Any]:
    """The issuer's active keys by algorithm, and the audit entries of their making."""
    active = SigningKey.objects.filter(issuer=issuer, retired_at__isnull=True).order_by()
    entries = AuditEntry.objects.filter(issuer=issuer, action="issuing.key.created")
    return {
        "keys": sorted(active.values_list("algorithm", flat=True)),
        "entries": sorted(
            (entry.data["algorithm"], entry.data["fragment"], entry.target_id) for entry in entries
        ),
        "expected": sorted((key.algorithm, key.fragment, str(key.uuid)) for key in active),
        "actors": {entry.actor_id for entry in entries},
    }


def test_an_issuer_has_its_keys_from_its_creation_each_recorded() -> None:
    owner = UserFactory()
    issuer = issuer_create(name="Les Ateliers", kind=IssuerKind.ORGANISATION, owner=owner)
    made = _made(issuer)
    assert made["keys"] == ["Ed25519", "RSA"]
    assert made["entries"] == made["expected"]
    assert made["actors"] == {owner.pk}  # made by the owner's action
    for algorithm in keys.ISSUER_ALGORITHMS:  # usable as made
        pair = keys.private_key(keys.active_key(issuer, algorithm))
        assert pair.public_only().verify(pair.sign(b"hello"), b"hello")


def test_a_personal_issuer_and_a_space_made_on_the_site_have_their_keys(client: Any) -> None:
    person = UserFactory()
    personal = personal_issuer_for(person)
    assert _made(personal)["keys"] == ["Ed25519", "RSA"]
    assert personal_issuer_for(person) == personal  # found again: nothing more is made
    assert SigningKey.objects.filter(issuer=personal).count() == 2
    client.force_login(person)
    response = client.post(
        reverse("core:space_create"), {"name": "Collectif", "kind": "community"}, follow=True
    )
    assert response.status_code == 200
    space = Issuer.objects.get(name="Collectif")
    made = _made(space)
    assert made["keys"] == ["Ed25519", "RSA"]
    assert made["entries"] == made["expected"]
    assert made["actors"] == {person.pk}


def test_issuers_of_one_test_have_distinct_keys() -> None:
    """Also what the test pool of RSA keys (tests/conftest.py) must keep true."""
    issuers = [IssuerFactory() for _ in range(4)]
    found = SigningKey.objects.filter(issuer__in=issuers)
    assert found.count() == 8
    assert len({str(key.public_jwk) for key in found}) == 8


def test_the_key_hook_is_registered_once_and_makes_only_what_is_missing() -> None:
    assert hooks.ISSUER_CREATED.count(keys.issuer_keys_create) == 1
    issuer = IssuerFactory()
    rsa = keys.active_key(issuer, "RSA")
    assert keys.issuer_keys_create(issuer=issuer, actor=None) == []
    SigningKey.objects.filter(issuer=issuer, algorithm="Ed25519").delete()
    made = keys.issuer_keys_create(issuer=issuer, actor=None)
    assert [key.algorithm for key in made] == ["Ed25519"]
    assert keys.active_key(issuer, "RSA") == rsa
    assert AuditEntry.objects.filter(issuer=issuer, action="issuing.key.created").count() == 3


def test_reading_a_missing_key_makes_nothing_and_says_so() -> None:
    bare = Issuer.objects.create(name="Sans clé", slug="sans-cle", kind=IssuerKind.ORGANISATION)
    with pytest.raises(keys.KeyMissing) as raised:
        keys.active_key(bare, "RSA")
    assert raised.value.issuer == bare
    assert raised.value.algorithm == "RSA"
    assert "Il manque une des clés de signature" in str(raised.value)  # in the language in use
    assert not SigningKey.objects.filter(issuer=bare).exists()


def test_the_command_makes_the_keys_issuers_lack() -> None:
    complete = IssuerFactory()
    bare = Issuer.objects.create(name="Sans clé", slug="sans-cle", kind=IssuerKind.ORGANISATION)
    half = Issuer.objects.create(name="À moitié", slug="a-moitie", kind=IssuerKind.COMMUNITY)
    keys.signing_key_rotate(issuer=half, algorithm="Ed25519", actor=None)
    before = {key.pk for key in SigningKey.objects.filter(issuer=complete)}
    out = StringIO()
    call_command("create_missing_keys", stdout=out)
    assert "3 signing key(s) made." in out.getvalue()
    assert _made(bare)["keys"] == ["Ed25519", "RSA"]
    assert _made(half)["keys"] == ["Ed25519", "RSA"]
    assert {key.pk for key in SigningKey.objects.filter(issuer=complete)} == before
    assert AuditEntry.objects.filter(issuer=bare, action="issuing.key.created").count() == 2
    out = StringIO()
    call_command("create_missing_keys", stdout=out)
    assert "0 signing key(s) made." in out.getvalue()


@pytest.mark.parametrize("algorithm", ["Ed25519", "RSA", "P-256"])
def test_keys_are_sealed(algorithm: str) -> None:
    issuer, owner = IssuerFactory(), UserFactory()
    if algorithm == "P-256":  # nothing signs with P-256: no issuer has one unless made so
        with pytest.raises(keys.KeyMissing):
            keys.active_key(issuer, algorithm)
        keys.signing_key_rotate(issuer=issuer, algorithm=algorithm, actor=owner)
    key = keys.active_key(issuer, algorithm)
    sealed = bytes(SigningKey.objects.get(pk=key.pk).private_key_sealed)
    assert b"PRIVATE KEY" not in sealed
    pair = keys.private_key(key)
    signature = pair.sign(b"hello")
    assert pair.public_only().verify(signature, b"hello")
    assert pair.to_public_jwk() == key.public_jwk
    assert pair.algorithm == algorithm


def test_rotation_keeps_old_public_keys() -> None:
    issuer, owner = IssuerFactory(), UserFactory()
    old = keys.active_key(issuer)
    new = keys.signing_key_rotate(issuer=issuer, algorithm="Ed25519", actor=owner)
    old.refresh_from_db()
    assert old.retired_at is not None
    assert new.retired_at is None
    assert keys.active_key(issuer) == new
    assert SigningKey.objects.filter(issuer=issuer, algorithm="Ed25519").count() == 2
    assert old.public_multikey != new.public_multikey
    rotated = AuditEntry.objects.get(issuer=issuer, action="issuing.key.rotated")
    assert (rotated.actor, rotated.target_id) == (owner, str(new.uuid))


def test_kek_rotation(settings: Any) -> None:
    # The keys of the site's signer of learner records (made after ``migrate``, sealed with the
    # settings' KEK) are not part of this rotation.
    SigningKey.objects.filter(issuer__site_signer__isnull=False).delete()
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.KEY_ENCRYPTION_KEYS = [first]
    issuer = IssuerFactory()
    key = keys.active_key(issuer)
    settings.KEY_ENCRYPTION_KEYS = [second, first]
    assert keys.reseal_all() == 2  # the issuer's Ed25519 and RSA keys
    settings.KEY_ENCRYPTION_KEYS = [second]
    key.refresh_from_db()
    assert keys.private_key(key).algorithm == "Ed25519"
    assert keys.private_key(keys.active_key(issuer, "RSA")).algorithm == "RSA"
    settings.KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(keystore.KeyStoreError, match="cannot be decrypted"):
        keys.private_key(key)


@pytest.mark.parametrize("algorithm", ["Ed25519", "RSA"])
def test_rotate_key_command(algorithm: str) -> None:
    issuer = IssuerFactory()
    old = keys.active_key(issuer, algorithm)
    out = StringIO()
    call_command("rotate_key", issuer.slug, "--algorithm", algorithm, stdout=out)
    new = keys.active_key(issuer, algorithm)
    assert new.pk != old.pk
    assert f"#{new.fragment}" in out.getvalue()
    old.refresh_from_db()
    assert old.retired_at is not None
    assert old in keys.public_keys(issuer)  # still published: its badges still verify
    assert AuditEntry.objects.filter(issuer=issuer, action="issuing.key.rotated").count() == 1


def test_rotate_key_command_refuses_an_unknown_space() -> None:
    with pytest.raises(CommandError, match="No space has the short name 'nowhere'"):
        call_command("rotate_key", "nowhere")
    assert not AuditEntry.objects.filter(action="issuing.key.rotated").exists()
