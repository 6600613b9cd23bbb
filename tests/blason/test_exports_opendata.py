"""The open data of the skills map: counts per département and competence, cells under five
shown "< 5", and nothing about a person in the file."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from blason.insights import services
from blason.issuing.badges.alignments import normalise
from tests.blason.insights_fixtures import JANUARY, badge, give

pytestmark = pytest.mark.django_db

ROME = {"kind": "ROME", "code": "G1602", "name": "Personnel de cuisine"}
OTHER = {
    "kind": "other",
    "code": "ACC-1",
    "url": "https://example.org/referentiel/accueil",
    "name": "Accueil (contact : jo@example.org, 06 12 34 56 78)",
}
EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[a-z]+", re.I)
PHONE = re.compile(r"(?:\+33|0)\s*[1-9](?:[\s.-]*\d{2}){4}")


def read(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def facts(world: Any) -> list[Any]:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**ROME), normalise(**OTHER)])
    made = [give(world, kitchen, f"person{n}@example.org", JANUARY) for n in range(9)]
    for award in made[:6]:
        award.recipient_name = f"Inès Haddad {award.pk}"
        award.recipient_phone = "+33612345678"
        award.save(update_fields=["recipient_name", "recipient_phone"])
        services.award_place_set(award=award, territory="93", actor=world.admin)
    for award in made[6:]:
        services.award_place_set(award=award, territory="23", actor=world.admin)
    services.facts_refresh()
    return made


def test_site_open_data_has_counts_and_hides_small_cells(client: Any, facts: Any) -> None:
    response = client.get(reverse("exports:site_open_data"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = read(response)
    assert rows[0][-1] == "Distinct holders"
    by_place = {(row[1], row[4]): row[6] for row in rows[1:]}
    assert by_place[("", "G1602")] == "9"
    assert by_place[("93", "G1602")] == "6"
    assert by_place[("23", "G1602")] == "< 5"  # three people in the Creuse


def test_open_data_has_no_name_email_or_phone(client: Any, world: Any, facts: Any) -> None:
    client.force_login(world.admin)
    for url in (
        reverse("exports:site_open_data"),
        reverse("exports:space_open_data", args=[world.org_a.slug]),
    ):
        text = "\n".join(",".join(row) for row in read(client.get(url)))
        assert not EMAIL.search(text), text
        assert not PHONE.search(text), text
        assert "Haddad" not in text
        assert "Inès" not in text
        assert "person0" not in text
        assert "Accueil (contact" in text  # the label, with what looked personal blanked out


def test_space_open_data_is_for_its_members(client: Any, world: Any, facts: Any) -> None:
    url = reverse("exports:space_open_data", args=[world.org_a.slug])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.member)  # a viewer
    rows = read(client.get(url))
    assert any(row[4] == "G1602" and row[6] == "9" for row in rows)
