"""``CompiledQuery``: the public pages' stamps read through SQL compiled once give the rows the
ORM gives (values converted the same way), one query each, for any UUID."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from blason.core.compiled import CompiledQuery
from blason.core.models import Issuer
from blason.issuing.awarding import services as awards
from blason.issuing.documents import issuer_views, public_views

pytestmark = pytest.mark.django_db


def _orm_row(compiled: CompiledQuery, key: uuid.UUID) -> tuple[Any, ...] | None:
    rows = list(compiled._build(key))
    return tuple(rows[0]) if rows else None


def test_the_stamps_are_the_orms_rows_with_the_same_types(world: Any, published: Any) -> None:
    kept = awards.award_issue(badge=published, actor=world.admin, email="a@example.org", name="A")
    revoked = awards.award_issue(
        badge=published, actor=world.admin, email="b@example.org", name="B"
    )
    awards.award_revoke(award=revoked, actor=world.admin, reason="Test")
    cases = [
        (public_views._AWARD_PAGE_STAMP, kept.uuid),
        (public_views._AWARD_PAGE_STAMP, revoked.uuid),
        (public_views._AWARD_VERDICT_STAMP, revoked.uuid),
        (public_views._AWARD_CREDENTIAL, kept.uuid),
        (public_views._BADGE_PAGE_STAMP, published.uuid),
        (issuer_views._ISSUER_PAGE_STAMP, world.org_a.uuid),
    ]
    for compiled, key in cases:
        expected = _orm_row(compiled, key)
        assert expected is not None
        for value in (key, str(key)):
            row = compiled.first_row(value)
            assert row == expected
            assert [type(v) for v in row] == [type(v) for v in expected]
    # A revoked award's stamp holds its revocation time as a datetime, as the ORM reads it.
    stamp = public_views._AWARD_PAGE_STAMP.first_row(revoked.uuid)
    assert stamp is not None
    assert stamp[0].tzinfo is not None


def test_an_unknown_uuid_has_no_row_and_each_read_is_one_query(world: Any) -> None:
    compiled = issuer_views._ISSUER_PAGE_STAMP
    compiled.first_row(world.org_a.uuid)  # compiled here
    with CaptureQueriesContext(connection) as queries:
        assert compiled.first_row(uuid.uuid4()) is None
        assert compiled.first_row(world.org_a.uuid) is not None
    assert len(queries) == 2
    assert (
        str(world.org_a.uuid.hex) in queries[1]["sql"]
        or str(world.org_a.uuid) in (queries[1]["sql"])
    )


def test_a_query_that_does_not_use_each_value_once_is_refused(world: Any) -> None:
    twice = CompiledQuery(
        lambda key: Issuer.objects.filter(Q(uuid=key) | Q(uuid=key)).values_list("name"),
        uuid.UUID,
    )
    never = CompiledQuery(lambda key: Issuer.objects.values_list("name"), uuid.UUID)
    for compiled in (twice, never):
        with pytest.raises(ValueError, match="must use each of its values once"):
            compiled.first_row(world.org_a.uuid)


def test_several_values_and_every_row(world: Any, published: Any) -> None:
    """The verification's stamps: every key of an issuer, a status list by issuer and number,
    the networks' newest lists (no value at all)."""
    from blason.issuing.documents import local_fetch
    from blason.networks import selectors as networks

    issuer = published.issuer
    keys = local_fetch._KEYS.rows(issuer.uuid)
    assert keys == [tuple(row) for row in local_fetch._KEYS._build(issuer.uuid)]
    assert keys  # an issuer has its keys from its creation
    assert local_fetch._REVISION.rows(str(issuer.uuid), 7) == list(
        local_fetch._REVISION._build(issuer.uuid, 7)
    )
    assert local_fetch._KEYS.rows(uuid.uuid4()) == []
    assert networks._CURRENT_LISTS.rows() == [
        tuple(row) for row in networks._CURRENT_LISTS._build()
    ]
