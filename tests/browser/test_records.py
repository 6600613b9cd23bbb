"""A person on a phone, in French, takes away their record: downloads their learner record (CLR
2.0), starts a VAE file whose aligned badge is already in it, says what they did, downloads the
ZIP and gives their adviser a link that shows the file. Every page is checked with axe-core."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import no_sideways_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def earner(world: Any, settings: Any, live_server: Any) -> Any:
    from blason.backpack import claims
    from blason.issuing.awarding import services as awards
    from tests.blason.records_fixtures import aligned_badge
    from tests.factories import UserFactory

    settings.SITE_URL = live_server.url
    person = UserFactory(email="ines@example.org", display_name="Inès")
    badge = aligned_badge(
        world, "Accueil du public", [{"framework": "RNCP", "code": "RNCP34826", "name": "Accueil"}]
    )
    award = awards.award_issue(badge=badge, actor=world.admin, phone="+33612345678", name="Inès")
    claims.claim_award(user=person, code=award.claim_code or "")
    return person


def download(page: Any, name: str) -> bytes:
    with page.expect_download() as started:
        page.get_by_role("link", name=name).click()
    return Path(started.value.path()).read_bytes()


def test_a_record_and_a_vae_file_on_a_phone(
    phones: Any, earner: Any, assert_accessible: Any
) -> None:
    phone = phones()
    sign_in(phone, earner.email)
    phone.wait_for_url("**/backpack/")
    phone.get_by_role("link", name="Mon relevé et mes dossiers VAE").click()
    phone.wait_for_url("**/backpack/record/")
    assert_accessible(phone)
    no_sideways_scroll(phone)

    record = json.loads(download(phone, "Télécharger mon relevé (CLR)"))
    assert record["type"] == ["VerifiableCredential", "ClrCredential"]
    assert len(record["credentialSubject"]["verifiableCredential"]) == 1

    phone.get_by_role("link", name="Commencer un dossier VAE").click()
    assert_accessible(phone)
    phone.get_by_label("Code RNCP de la certification").fill("RNCP34826")
    phone.get_by_label("Intitulé de la certification").fill("Agent d'accueil et d'information")
    phone.get_by_label("Ses blocs de compétences (facultatif)").fill(
        "RNCP34826BC01 Accueillir le public"
    )
    phone.get_by_role("button", name="Commencer le dossier").click()
    phone.wait_for_url("**/backpack/vae/*/")
    assert phone.get_by_label("Dans mon dossier").is_checked()  # aligned: already in it
    assert_accessible(phone)
    no_sideways_scroll(phone)
    phone.get_by_label("Ce que j\u2019ai fait").fill("J'ai accueilli les visiteurs du forum.")
    phone.get_by_label("Bloc de compétences").select_option("RNCP34826BC01")
    phone.get_by_role("button", name="Enregistrer mon dossier").click()
    phone.get_by_text("Votre dossier VAE est enregistré.").wait_for()
    assert phone.get_by_label("Ce que j\u2019ai fait").input_value().startswith("J'ai accueilli")
    assert_accessible(phone)

    archive = zipfile.ZipFile(io.BytesIO(download(phone, "Tout télécharger (ZIP)")))
    assert {"dossier-vae.pdf", "releve-clr.json"} <= set(archive.namelist())

    phone.get_by_label("Pour qui").fill("Conseillère Mission Locale")
    phone.get_by_label("Ouvert pendant combien de jours").fill("14")
    phone.get_by_role("button", name="Créer un lien").click()
    address = phone.get_by_label("Adresse à envoyer").input_value()
    assert_accessible(phone)

    adviser = phones()
    adviser.goto(address)
    assert "Dossier VAE de Inès" in adviser.get_by_role("heading", level=1).inner_text()
    adviser.get_by_text("J'ai accueilli les visiteurs du forum.").wait_for()
    assert_accessible(adviser)
    no_sideways_scroll(adviser)
