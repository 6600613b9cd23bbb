"""An owner's exports in a real browser, in French, on a desktop and on a phone (375 px): the
exports page passes axe-core, the awards spreadsheet downloads with the list's date and badge
filters, and the import form refuses a bad file with a message the person can read, next to
the field, importing nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from blason.exports import archive
from blason.exports.models import Archive
from blason.issuing.models import BadgeClass
from tests.blason.insights_fixtures import network
from tests.browser.helpers import no_sideways_scroll, sign_in
from tests.factories import IssuerFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def downloaded(page: Any, locator: Any) -> tuple[str, bytes]:
    with page.expect_download() as info:
        locator.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def spreadsheet(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def awards_csv(page: Any, badge: str, since: str) -> list[dict[str, str]]:
    """Filter the list of awards like a person does, then download what it shows."""
    page.goto("/spaces/org-a/awards/")
    page.select_option("#id_badge", label=badge)
    page.fill("#id_since", since)
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**since=*")
    name, data = downloaded(page, page.get_by_role("link", name="Télécharger en tableur (CSV)"))
    assert name == "awards-org-a.csv"
    return spreadsheet(data)


def test_the_awards_spreadsheet_with_filters(
    page: Any, phone_page: Any, world: Any, assert_accessible: Any
) -> None:
    network(world)  # Accueil: 7 awards in March 2025 and 2 in January 2026; Cuisine: 3 in 2026
    sign_in(page, world.admin.email, "/spaces/org-a/exports/")
    assert page.get_by_role("heading", name="Importer l'export d'un autre Blason").is_visible()
    assert_accessible(page)
    rows = awards_csv(page, "Accueil", "2026-01-01")
    assert len(rows) == 2
    assert {row["Badge"] for row in rows} == {"Accueil"}
    assert {row["Adresse e-mail"] for row in rows} == {"p0@example.org", "p1@example.org"}
    assert_accessible(page)
    rows = awards_csv(page, "Cuisine", "2025-01-01")
    assert len(rows) == 3
    assert sum(1 for row in rows if row["État"] == "Révoqué") == 1

    sign_in(phone_page, world.admin.email, "/spaces/org-a/exports/")
    no_sideways_scroll(phone_page)
    assert_accessible(phone_page)
    assert len(awards_csv(phone_page, "Accueil", "2025-01-01")) == 9
    no_sideways_scroll(phone_page)
    assert_accessible(phone_page)


def _export_with_a_broken_pathway(world: Any) -> bytes:
    from blason.pathways import services as pathways

    made = network(world)
    pathways.pathway_create(
        issuer=world.org_a,
        actor=world.admin,
        name="Parcours accueil",
        completion_badge=made.accueil,
    )
    document = json.loads("".join(archive.document_chunks(world.org_a)))
    document["pathways"][0]["steps"][0]["parent"] = "ailleurs"  # no first step any more
    return json.dumps(document).encode()


@pytest.mark.parametrize("on_phone", [False, True], ids=["desktop", "phone"])
def test_the_import_form_refuses_a_bad_file(
    page: Any,
    phone_page: Any,
    world: Any,
    assert_accessible: Any,
    tmp_path: Path,
    on_phone: bool,
) -> None:
    browser_page = phone_page if on_phone else page
    space = IssuerFactory(name="Nouvelle maison", slug="nouvelle-maison")
    MembershipFactory(issuer=space, user=world.admin, role="owner")
    not_json = tmp_path / "notes.json"
    not_json.write_text("Ceci n'est pas un export.")
    broken = tmp_path / "export.json"
    broken.write_bytes(_export_with_a_broken_pathway(world))
    url = "/spaces/nouvelle-maison/exports/"
    sign_in(browser_page, world.admin.email, url)
    assert_accessible(browser_page)

    for file, words in (
        (not_json, "Ce fichier n'est pas un document JSON."),
        (broken, "Le parcours « Parcours accueil » du fichier est incohérent"),
    ):
        browser_page.set_input_files("#id_file", str(file))
        browser_page.locator("#id_confirm").check()
        browser_page.get_by_role("button", name="Importer").click()
        errors = browser_page.locator("#id_file_errors")
        errors.wait_for()
        assert words in errors.inner_text().replace("\u00a0", " ")
        assert errors.is_visible()
        if on_phone:
            no_sideways_scroll(browser_page)
        assert_accessible(browser_page)
    assert not Archive.objects.filter(issuer=space).exists()
    assert not BadgeClass.objects.filter(issuer=space).exists()
