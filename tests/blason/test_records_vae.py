"""VAE files: the badges that fit a certification pre-selected, ordered with what the person did,
the PDF and the ZIP (the PDF, each evidence file, the CLR), and the counsellor's link."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from blason.core.models import AuditEntry
from blason.records import dossier as files
from blason.records import selectors, services
from blason.records.models import VaeDossier
from tests.blason.records_fixtures import earner_with_badges

pytestmark = pytest.mark.django_db

PHOTO = b"\x89PNG\r\n\x1a\nphoto de l'accueil"


def start(client: Any, **data: str) -> Any:
    form = {"rncp_code": "rncp 34826", "title": "Agent d'accueil", "blocs": "", "occupations": ""}
    return client.post(reverse("records:dossier_new"), {**form, **data})


def test_badges_aligned_to_the_certification_or_its_jobs_are_preselected(
    client: Any, world: Any
) -> None:
    made = earner_with_badges(world)
    client.force_login(world.member)
    response = start(
        client,
        blocs="RNCP34826BC01 Accueillir le public\nRNCP34826BC02 - Informer",
        occupations="m1601, K1302",
    )
    assert response.status_code == 302
    dossier = VaeDossier.objects.get(owner=world.member)
    assert dossier.rncp_code == "RNCP34826"
    assert dossier.occupations == ["M1601", "K1302"]
    assert dossier.blocs == [
        {"code": "RNCP34826BC01", "name": "Accueillir le public"},
        {"code": "RNCP34826BC02", "name": "Informer"},
    ]
    chosen = [entry.item for entry in files.entries_of(dossier)]
    assert chosen == [made["rncp"], made["rome"]]
    only_rncp = services.dossier_create(user=world.member, rncp_code="RNCP34826", title="X")
    assert [e.item for e in files.entries_of(only_rncp)] == [made["rncp"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rncp_code": "34826X"}, "rncp_code"),
        ({"occupations": "M16"}, "occupations"),
        ({"blocs": "Accueillir sans code"}, "blocs"),
        ({"title": ""}, "title"),
    ],
)
def test_a_wrong_target_is_told_plainly(client: Any, world: Any, data: Any, field: str) -> None:
    client.force_login(world.member)
    response = start(client, **data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not VaeDossier.objects.exists()


def test_the_person_orders_the_badges_says_what_they_did_and_gets_the_zip(
    client: Any, world: Any
) -> None:
    made = earner_with_badges(world)
    client.force_login(world.member)
    start(client, blocs="RNCP34826BC01 Accueillir")
    dossier = VaeDossier.objects.get()
    page = client.get(reverse("records:dossier", args=[dossier.uuid]))
    assert page.status_code == 200
    rncp, rome, ob2 = made["rncp"].uuid.hex, made["rome"].uuid.hex, made["ob2"].uuid.hex
    response = client.post(
        reverse("records:dossier", args=[dossier.uuid]),
        {
            "save": "1",
            f"in-{rncp}": "on",
            f"position-{rncp}": "2",
            f"narrative-{rncp}": "J'ai accueilli 200 visiteurs au forum.",
            f"bloc-{rncp}": "RNCP34826BC01",
            f"file-{rncp}": SimpleUploadedFile("photo accueil.png", PHOTO, "image/png"),
            f"in-{ob2}": "on",
            f"position-{ob2}": "1",
            f"narrative-{ob2}": "Prise de parole en réunion.",
            # "rome" is taken out
            f"position-{rome}": "3",
        },
    )
    assert response.status_code == 302
    entries = files.entries_of(selectors.dossier_for(world.member, dossier.uuid))
    assert [entry.item for entry in entries] == [made["ob2"], made["rncp"]]
    assert entries[1].narrative == "J'ai accueilli 200 visiteurs au forum."
    assert entries[1].bloc == "RNCP34826BC01"
    html = files.dossier_html(selectors.dossier_for(world.member, dossier.uuid), "Bob", "fr")
    assert html.index(made["ob2"].name) < html.index(made["rncp"].name)
    assert "accueilli 200 visiteurs" in html

    pdf = client.get(reverse("records:dossier_pdf", args=[dossier.uuid]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    response = client.get(reverse("records:dossier_zip", args=[dossier.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert "dossier-vae.pdf" in names
    assert archive.read("dossier-vae.pdf").startswith(b"%PDF")
    assert archive.read("preuves/02-1-photo-accueil.png") == PHOTO  # each evidence file
    clr = json.loads(archive.read("releve-clr.json"))  # the CLR of the dossier's badges
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["partial"] is True
    assert made["rncp"].credential in archive.read("releve-clr.json").decode()
    assert len(clr["credentialSubject"]["verifiableCredential"]) == 1
    assert archive.read("annexe.pdf").startswith(b"%PDF")  # the OB 2.0 badge


def test_only_the_person_s_own_badges_can_go_in(client: Any, world: Any) -> None:
    earner_with_badges(world)
    client.force_login(world.outsider)
    start(client)
    dossier = VaeDossier.objects.get(owner=world.outsider)
    assert dossier.entries.count() == 0  # Bob's badges are not offered to Charlie
    other = world.member.backpack_items.first()
    response = client.post(
        reverse("records:dossier", args=[dossier.uuid]),
        {"save": "1", f"in-{other.uuid.hex}": "on"},
    )
    assert response.status_code == 302  # an unknown field: ignored
    assert dossier.entries.count() == 0


def test_a_counsellor_reads_the_file_through_a_link_that_expires(client: Any, world: Any) -> None:
    earner_with_badges(world, ob2=False)
    client.force_login(world.member)
    start(client)
    dossier = VaeDossier.objects.get()
    response = client.post(
        reverse("records:link_create", args=[dossier.uuid]),
        {"label": "Mission Locale", "days": "14"},
    )
    assert response.status_code == 302
    link = dossier.links.get()
    assert AuditEntry.objects.filter(action="records.link.created", target_id=str(link.uuid))
    token = selectors.link_token(link)
    client.logout()
    page = client.get(reverse("records:counsellor", args=[token]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "RNCP34826" in body
    assert "Badge rncp" in body
    assert "bob@example.org" not in body
    assert "+33612345678" not in body
    assert "Badge plain" not in body  # not in the file: not shown
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(reverse("records:counsellor_pdf", args=[token])).status_code == 200
    # Altered, expired or revoked: the same 404.
    assert client.get(reverse("records:counsellor", args=[token[:-2] + "xx"])).status_code == 404
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert client.get(reverse("records:counsellor", args=[token])).status_code == 404
    link.expires_at = timezone.now() + timedelta(days=1)
    link.save()
    client.force_login(world.member)
    response = client.post(reverse("records:link_revoke", args=[dossier.uuid, link.uuid]))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="records.link.revoked", target_id=str(link.uuid))
    client.logout()
    assert client.get(reverse("records:counsellor", args=[token])).status_code == 404
    assert client.get(reverse("records:counsellor_pdf", args=[token])).status_code == 404


def test_a_link_lasts_1_to_90_days(client: Any, world: Any) -> None:
    client.force_login(world.member)
    start(client)
    dossier = VaeDossier.objects.get()
    for days in ("0", "91", "x"):
        client.post(
            reverse("records:link_create", args=[dossier.uuid]), {"label": "A", "days": days}
        )
    assert not dossier.links.exists()


def test_someone_else_s_file_does_not_exist_for_them(client: Any, world: Any) -> None:
    client.force_login(world.member)
    start(client)
    dossier = VaeDossier.objects.get()
    client.force_login(world.outsider)
    for name in ("records:dossier", "records:dossier_pdf", "records:dossier_zip"):
        assert client.get(reverse(name, args=[dossier.uuid])).status_code == 404
    for name in ("records:dossier_delete", "records:link_create"):
        assert client.post(reverse(name, args=[dossier.uuid]), {}).status_code == 404
    assert VaeDossier.objects.filter(pk=dossier.pk).exists()


def test_deleting_a_file(client: Any, world: Any) -> None:
    client.force_login(world.member)
    start(client)
    dossier = VaeDossier.objects.get()
    assert client.get(reverse("records:dossier_delete", args=[dossier.uuid])).status_code == 200
    response = client.post(reverse("records:dossier_delete", args=[dossier.uuid]))
    assert response.status_code == 302
    assert not VaeDossier.objects.exists()
    assert AuditEntry.objects.filter(action="records.dossier.deleted").exists()


def test_the_file_page_runs_a_bounded_number_of_queries(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    earner_with_badges(world)
    client.force_login(world.member)
    start(client)
    dossier = VaeDossier.objects.get()
    services.link_create(dossier=dossier, label="A", days=3)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("records:dossier", args=[dossier.uuid])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("records:home")).status_code == 200


def test_the_counsellor_s_pages_write_nothing(client: Any, world: Any) -> None:
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    earner_with_badges(world, ob2=False)
    client.force_login(world.member)
    start(client)
    link = services.link_create(dossier=VaeDossier.objects.get(), label="A", days=3)
    token = selectors.link_token(link)
    client.logout()
    write = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
    for name in ("records:counsellor", "records:counsellor_pdf"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=[token])).status_code == 200
        assert not [q["sql"] for q in queries if write.search(q["sql"])], name
