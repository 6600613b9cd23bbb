"""The migration that brings existing backpacks up to date (issues 11 and 12): badges already
kept get their identity (id and issuer), the date they were last found valid, and the mark of
whose badge they are; an imported badge issued to someone else, made public before, is made
private."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from blason.backpack.models import Item, credential_identity
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("backpack", "0002_public_profile")]
AFTER = [("backpack", "0004_item_once_per_owner_and_issuer")]


@pytest.fixture(autouse=True)
def _latest_schema_after() -> Any:
    """Leave the database at the latest migrations for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_badges_are_marked(world: Any) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("backpack", "Item")
    checked = timezone.now()

    def kept(badge: op.Badge, **fields: Any) -> Any:
        data = badge.payload.encode()
        return old.objects.create(
            owner_id=world.member.pk,
            source="import",
            received=data,
            received_format="json",
            received_sha256=hashlib.sha256(data).hexdigest(),
            credential=badge.payload,
            credential_key=badge.id,
            name="Prise de parole",
            issuer_id="did:key:z6Mk-issuer",
            checked_at=checked,
            **fields,
        )

    own = kept(op.data_integrity(number=1, email="bob@example.org"), status="valid", public=True)
    other = kept(op.data_integrity(number=2), status="valid", public=True)
    pending = kept(op.data_integrity(number=3, email="bob@example.org"), status="pending")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    migrated = {item.pk: item for item in Item.objects.all()}
    assert migrated[own.pk].recipient == "owner"
    assert migrated[own.pk].public
    assert migrated[own.pk].last_valid_at == checked
    assert migrated[other.pk].recipient == "other"
    assert not migrated[other.pk].public
    assert migrated[pending.pk].last_valid_at is None
    assert migrated[own.pk].identity == credential_identity(
        migrated[own.pk].credential_key, "did:key:z6Mk-issuer"
    )
