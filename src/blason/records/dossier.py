"""A VAE evidence file, printed and packed: the PDF dossier (the target certification, then each
badge in the person's order with what they did), and the ZIP a person hands over (the PDF, each
evidence file, and the learner record of the dossier's badges, CLR 2.0, with its annex when some
badges cannot be held in it). Made on request, never stored."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from blason.backpack import selectors as backpack
from blason.records import record
from blason.records.models import VaeDossier, VaeEntry

README = {
    "fr": (
        "Dossier de preuves VAE, préparé le {date}.\n\n"
        "dossier-vae.pdf   le dossier : la certification visée, puis chaque badge\n"
        "preuves/          les fichiers de preuve, numérotés comme dans le dossier\n"
        "releve-clr.json   le relevé des badges (1EdTech CLR 2.0), signé par {site} ;\n"
        "                  chaque badge y est tel que son émetteur l'a signé\n"
        "annexe.pdf        les badges qu'un relevé CLR ne peut pas contenir (Open Badges 2.0)\n"
    ),
    "en": (
        "VAE evidence file, prepared on {date}.\n\n"
        "dossier-vae.pdf   the dossier: the target certification, then each badge\n"
        "preuves/          the evidence files, numbered as in the dossier\n"
        "releve-clr.json   the record of the badges (1EdTech CLR 2.0), signed by {site};\n"
        "                  each badge in it exactly as its issuer signed it\n"
        "annexe.pdf        the badges a CLR record cannot hold (Open Badges 2.0)\n"
    ),
}


def entries_of(dossier: VaeDossier) -> list[VaeEntry]:
    return sorted(dossier.entries.all(), key=lambda entry: (entry.position, entry.pk))


def _evidence_files(entry: VaeEntry) -> list[tuple[str, bytes]]:
    """The entry's evidence files: the person's own, then those its issuer attached to the
    award (for a badge awarded on this site)."""
    found: list[tuple[str, bytes]] = []
    if entry.file_name:
        row = VaeEntry.objects.filter(pk=entry.pk).values_list("file", flat=True).first()
        if row:
            found.append((entry.file_name, bytes(row)))
    award = entry.item.award
    if award is not None and entry.item.is_owners:
        for evidence in award.evidence.all():
            if not evidence.file:
                continue
            try:
                with evidence.file.open("rb") as handle:
                    found.append((evidence.file_name or str(evidence.file.name), handle.read()))
            except OSError:
                continue
    return found


def _file_label(number: int, index: int, name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    base = slugify(stem if dot else name)[:60] or "preuve"
    extension = slugify(extension)[:8] if dot else ""
    return f"{number:02d}-{index}-{base}" + (f".{extension}" if extension else "")


def dossier_html(dossier: VaeDossier, holder: str, language: str) -> str:
    with translation.override(language):
        rows = []
        for number, entry in enumerate(entries_of(dossier), start=1):
            files = [
                _file_label(number, index, name)
                for index, (name, _data) in enumerate(_evidence_files(entry), start=1)
            ]
            rows.append(
                {
                    "number": number,
                    "entry": entry,
                    "item": entry.item,
                    "image": backpack.item_image(entry.item),
                    "address": (backpack.public_url(entry.item) or "").split("://", 1)[-1],
                    "files": files,
                }
            )
        context: dict[str, Any] = {
            "dossier": dossier,
            "rows": rows,
            "holder": holder,
            "language": language,
            "site_name": settings.SITE_NAME,
            "today": timezone.now(),
        }
        return render_to_string("records/dossier_pdf.html", context)


def dossier_pdf(dossier: VaeDossier, holder: str, language: str) -> bytes:
    return backpack.html_pdf(dossier_html(dossier, holder, language))


def dossier_zip(dossier: VaeDossier, language: str) -> bytes:
    """The ZIP: ``dossier-vae.pdf``, ``preuves/…``, ``releve-clr.json`` (when a badge can be
    held in a CLR) and ``annexe.pdf`` (when some cannot)."""
    owner = dossier.owner
    holder = owner.display_name
    entries = entries_of(dossier)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "LISEZMOI.txt" if language == "fr" else "README.txt",
            README[language].format(
                date=timezone.now().date().isoformat(), site=settings.SITE_NAME
            ),
        )
        archive.writestr("dossier-vae.pdf", dossier_pdf(dossier, holder, language))
        for number, entry in enumerate(entries, start=1):
            for index, (name, data) in enumerate(_evidence_files(entry), start=1):
                archive.writestr(f"preuves/{_file_label(number, index, name)}", data)
        with translation.override(language):
            made = record.build(
                owner,
                [entry.item for entry in entries],
                name=_("VAE file: %(title)s") % {"title": dossier.title},
            )
        if made.text:
            archive.writestr("releve-clr.json", made.text)
        if made.annexed:
            archive.writestr("annexe.pdf", record.annex_pdf(made.annexed, holder, language))
    return out.getvalue()
