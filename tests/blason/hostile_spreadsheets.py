"""Hostile spreadsheets for the upload of a bulk award (issue 12, point 9): each one with the
reason (``SpreadsheetError.code``) the reading task must give. Shared by test_batch_files.py
(read directly) and test_hostile_requests.py (through the pages and the task)."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable

import openpyxl

MiB = 1024 * 1024


def zipped(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _entries(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist()}


def inflating_xlsx(unzipped: int) -> bytes:
    """The file of the report: a workbook whose sheet unpacks to ``unzipped`` bytes at a ratio
    of about 20 (under the compression-ratio check); 196 MiB of it weighs about 10 MB."""
    chunk = 1000
    parts = []
    for _ in range(unzipped // chunk):
        digits = os.urandom(60).translate(bytes(48 + i % 10 for i in range(256)))
        parts.append(digits + b" " * (chunk - len(digits)))
    return zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet>" + b"".join(parts),
        }
    )


def zip_bomb() -> bytes:
    """50 MB of zeros in about 50 kB: a compression ratio no spreadsheet has."""
    return zipped({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(50 * MiB)})


def many_entries(count: int = 2_001) -> bytes:
    """A workbook followed by thousands of tiny members (each one costs memory to list)."""
    entries = _entries(workbook([["name"], ["Inès"]]))
    entries.update({f"xl/media/image{n}.png": b"x" for n in range(count)})
    return zipped(entries, method=zipfile.ZIP_STORED)


def lying_sizes() -> bytes:
    """A real workbook whose sheet unpacks to 30 MB although its directory says 2 kB: the
    declared sizes pass every check, and unpacking must still stop at what they say."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Personne %d</t></is></c></row>' % (n, n, n)
        for n in range(2, 400_000)
    )
    entries = _entries(workbook([["name"], ["Inès"]]))
    sheet = entries["xl/worksheets/sheet1.xml"]
    entries["xl/worksheets/sheet1.xml"] = sheet.replace(b"</sheetData>", rows + b"</sheetData>")
    content = bytearray(zipped(entries))
    name = b"xl/worksheets/sheet1.xml"
    at = -1
    while True:  # the central directory entry of the sheet
        at = content.find(b"PK\x01\x02", at + 1)
        assert at >= 0, "no directory entry for the sheet"
        (length,) = struct.unpack_from("<H", content, at + 28)
        if content[at + 46 : at + 46 + length] == name:
            break
    struct.pack_into("<I", content, at + 24, 2048)  # uncompressed size
    return bytes(content)


def xml_bomb() -> bytes:
    """Entities that expand a billion times ("billion laughs") inside a real sheet."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    entries = _entries(workbook([["name"], ["Inès"]]))
    sheet = entries["xl/worksheets/sheet1.xml"].replace("Inès".encode(), b"&lol9;")
    entries["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode() + sheet
    )
    return zipped(entries)


def opendocument() -> bytes:
    return zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})


def too_many_rows(rows: int) -> bytes:
    return ("name,email\n" + "".join(f"P{n},p{n}@example.org\n" for n in range(rows))).encode()


# name → (the file, the reason the reading task gives); built when asked (some are large).
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "zip bomb": (zip_bomb, "unpacked_too_large"),
    "2,001 zip entries": (many_entries, "unpacked_too_large"),
    "sizes that lie": (lying_sizes, "unreadable"),
    "billion laughs": (xml_bomb, "unreadable"),
    "damaged zip": (lambda: b"PK\x03\x04" + b"garbage" * 30, "damaged"),
    "opendocument": (opendocument, "opendocument"),
    "word document": (lambda: zipped({"word/document.xml": b"<w/>"}), "not_spreadsheet"),
    "binary junk": (lambda: b"\x00\x01\x02binary\x00junk\xff\xfe" * 50, "not_spreadsheet"),
    "an enormous cell": (lambda: b'name\n"' + b"a" * 200_000 + b'"\n', "csv_line"),
    "101 columns": (
        lambda: (",".join(f"c{n}" for n in range(101)) + "\nx\n").encode(),
        "too_many_columns",
    ),
    "too many rows": (lambda: too_many_rows(51), "too_many_rows"),  # BATCH_MAX_ROWS = 50
}
