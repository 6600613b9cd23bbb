"""Reading never writes: what a page or a document shows is read, never created on the way."""

from __future__ import annotations

from typing import Any

import pytest

from blason.core.models import Issuer
from blason.peers import endorsements
from blason.peers.models import Validation

pytestmark = pytest.mark.django_db


def test_a_validators_signing_name_is_read_without_making_their_issuer(world: Any) -> None:
    before = Issuer.objects.count()
    name = endorsements.validator_name(Validation(validator=world.member))
    assert name == "Bob"
    assert Issuer.objects.count() == before
