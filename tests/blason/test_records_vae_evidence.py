"""The VAE ZIP holds every evidence file of an entry: the person's own and those the issuer
attached to the award (issue 17, acceptance: "the VAE ZIP holds the PDF, each evidence file
and the CLR")."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blason.accounts.services import phone_verify
from blason.backpack import claims
from blason.issuing.awarding import services as awards
from blason.records.models import VaeDossier
from tests.blason.records_fixtures import aligned_badge
from tests.blason.test_records_vae import PHOTO, start

pytestmark = pytest.mark.django_db

ATTESTATION = b"%PDF-1.4\n% attestation de stage signee par la structure\n%%EOF\n"


def test_the_zip_holds_the_person_s_and_the_issuer_s_evidence(client: Any, world: Any) -> None:
    phone_verify(user=world.member, phone="+33612345678")
    badge = aligned_badge(world, "Accueil", [{"framework": "RNCP", "code": "RNCP34826"}])
    award = awards.award_issue(
        badge=badge,
        actor=world.admin,
        phone="+33612345678",
        evidence=[
            awards.EvidenceInput(
                name="Attestation", file=ATTESTATION, file_name="attestation stage.pdf"
            )
        ],
    )
    item = claims.claim_award(user=world.member, code=award.claim_code or "").item
    client.force_login(world.member)
    start(client)
    dossier = VaeDossier.objects.get()
    key = item.uuid.hex
    response = client.post(
        reverse("records:dossier", args=[dossier.uuid]),
        {
            "save": "1",
            f"in-{key}": "on",
            f"position-{key}": "1",
            f"narrative-{key}": "Accueil du public pendant six mois.",
            f"bloc-{key}": "",
            f"file-{key}": SimpleUploadedFile("photo.png", PHOTO, "image/png"),
        },
    )
    assert response.status_code == 302
    answer = client.get(reverse("records:dossier_zip", args=[dossier.uuid]))
    assert answer.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    names = set(archive.namelist())
    assert archive.read("dossier-vae.pdf").startswith(b"%PDF")
    assert archive.read("preuves/01-1-photo.png") == PHOTO  # the person's own
    assert archive.read("preuves/01-2-attestation-stage.pdf") == ATTESTATION  # the issuer's
    record = archive.read("releve-clr.json").decode()
    assert award.credential in record  # the badge exactly as signed, in the CLR
    assert json.loads(record)["type"] == ["VerifiableCredential", "ClrCredential"]
    assert names == {
        "LISEZMOI.txt",
        "dossier-vae.pdf",
        "preuves/01-1-photo.png",
        "preuves/01-2-attestation-stage.pdf",
        "releve-clr.json",
    }
