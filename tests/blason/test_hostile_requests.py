"""Hostile requests of issue 12, point 9, added to the hostile-input corpus: a body far over
the upload limit is refused before it is read, and an .xlsx that unpacks to 196 MiB is refused
before its XML is parsed. Every answer is a clear 4xx, never a 500."""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blason.issuing.models import AwardBatch

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


class CountingInput:
    """A request body of zeros that counts what the server reads of it."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def read(self, count: int = -1) -> bytes:
        left = self.size - self.read_bytes
        count = left if count is None or count < 0 else min(count, left)
        self.read_bytes += count
        return b"\0" * count

    def readline(self, count: int = -1) -> bytes:
        return self.read(count)


def _upload_url(world: Any, badge: Any) -> str:
    return reverse("issuing:batch_upload", args=[world.org_a.slug, badge.uuid])


def test_a_200_mib_upload_is_refused_without_being_read(
    client: Any, world: Any, published: Any
) -> None:
    client.force_login(world.admin)
    body = CountingInput(200 * MiB)
    answer = client.post(
        _upload_url(world, published),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(body.size),
        HTTP_ACCEPT_LANGUAGE="en",
        **{"wsgi.input": body},
    )
    assert answer.status_code == 413
    assert "This file is too large" in answer.text
    assert body.read_bytes == 0
    assert not AwardBatch.objects.exists()


def _inflating_xlsx(unzipped: int) -> bytes:
    """A workbook whose sheet unpacks to ``unzipped`` bytes at a ratio of about 20 (under the
    compression-ratio check): 10 MB that unzip to 196 MiB in the report."""
    chunk = 1000
    parts = []
    for _ in range(unzipped // chunk):
        digits = os.urandom(60).translate(bytes(48 + i % 10 for i in range(256)))
        parts.append(digits + b" " * (chunk - len(digits)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b"".join(parts))
    return out.getvalue()


def test_an_xlsx_that_unpacks_to_196_mib_is_refused_before_parsing(
    client: Any, world: Any, published: Any, monkeypatch: Any
) -> None:
    content = _inflating_xlsx(196 * MiB)
    assert len(content) < 20 * MiB  # under the upload limit: the request is read
    import openpyxl

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the XML was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    client.force_login(world.admin)
    answer = client.post(
        _upload_url(world, published),
        {"file": SimpleUploadedFile("liste.xlsx", content, "application/octet-stream")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert "This file is too large once unpacked" in answer.text
    assert not AwardBatch.objects.exists()
