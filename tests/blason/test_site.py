"""Paths reversed once for a list's rows (``blason.core.site.path_for_each``)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import NoReverseMatch, reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from blason.core import site


@settings(deadline=None)  # the first call loads the routes
@given(st.uuids(), st.uuids(), st.sampled_from(["org-a", "mission-locale", "atelier-velo-2"]))
def test_each_path_is_the_one_reverse_gives(row: uuid.UUID, link: uuid.UUID, slug: str) -> None:
    for route, args in (
        ("award_public", []),
        ("issuing:claim_approve", [slug, link]),
        ("issuing:claim_refuse", [slug, link]),
    ):
        assert site.path_for_each(route, *args)(row) == reverse(route, args=[*args, row])


def test_a_route_not_ending_with_a_uuid_is_refused() -> None:
    with pytest.raises(NoReverseMatch):  # the route takes no argument
        site.path_for_each("home")
