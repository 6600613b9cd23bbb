"""Reading awarding spreadsheets (CSV in every encoding and delimiter office software writes,
.xlsx), recognising their columns in French and English, and checking each row."""

from __future__ import annotations

import codecs
import io
import time
import zipfile
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blason.issuing.awarding.batch_rows import (
    Holders,
    clean_row,
    clean_rows,
    idempotency_key,
    normal_language,
    problem_message,
    summary,
)
from blason.issuing.awarding.spreadsheets import (
    SpreadsheetError,
    Table,
    column_label,
    guess_columns,
    max_unzipped_bytes,
    read_table,
    refusal_message,
    sniff,
)
from tests.blason.hostile_spreadsheets import HOSTILE, many_entries, zipped


@pytest.fixture(autouse=True)
def english() -> Any:
    """The messages are checked in English (the default language of the site is French)."""
    with translation.override("en"):
        yield


FRENCH = "Prénom;Nom;Courriel;Téléphone\nInès;Haddad;ines@example.org;06 12 34 56 78\n"


def xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(content: bytes, *, max_rows: int = 100) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        read_table(content, max_rows=max_rows)
    return str(caught.value)


class TestCsv:
    @pytest.mark.parametrize(
        "content",
        [
            FRENCH.encode(),
            codecs.BOM_UTF8 + FRENCH.encode(),
            # what French Excel writes as "CSV (séparateur : point-virgule)"
            FRENCH.encode("cp1252"),
            FRENCH.replace(";", "\t").encode("utf-16"),  # Excel's "Unicode text"
            FRENCH.replace(";", ",").replace("\n", "\r\n").encode(),
        ],
    )
    def test_encodings_and_delimiters(self, content: bytes) -> None:
        table = read_table(content, max_rows=10)
        assert table.header == ["Prénom", "Nom", "Courriel", "Téléphone"]
        assert table.rows == [["Inès", "Haddad", "ines@example.org", "06 12 34 56 78"]]
        assert table.lines == [2]

    def test_quoted_cells_blank_lines_and_line_numbers(self) -> None:
        text = (
            "name,email,comment\n"
            '"Haddad, Inès",ines@example.org,"Bravo, et merci\npour tout"\n'
            "\n"
            ",,\n"
            "Samir,samir@example.org\n"
        )
        table = read_table(text.encode(), max_rows=10)
        assert table.rows == [
            ["Haddad, Inès", "ines@example.org", "Bravo, et merci pour tout"],
            ["Samir", "samir@example.org", ""],  # short rows are padded
        ]
        assert table.lines == [2, 6]

    def test_title_lines_above_the_column_names_and_unnamed_columns(self) -> None:
        text = (
            "Forum emploi — 12 mars;;\n"
            ";;\n"
            "Nom;Courriel\n"
            "Inès Haddad;ines@example.org;06 12 34 56 78\n"
        )
        table = read_table(text.encode(), max_rows=10)
        assert table.header == ["Nom", "Courriel", ""]
        assert table.rows == [["Inès Haddad", "ines@example.org", "06 12 34 56 78"]]
        assert table.lines == [4]
        assert column_label(2, table.header) == "Column C"

    def test_a_single_column(self) -> None:
        table = read_table(b"email\na@example.org\nb@example.org\n", max_rows=10)
        assert table.header == ["email"]
        assert len(table.rows) == 2

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "The file is empty."),
            (b"  \n\r\n ", "The file is empty."),
            (b"nom;courriel\n", "nobody below it"),
            (b"ines@example.org;Ines\nsamir@example.org;Samir\n", "names of the columns"),
            (b"0612345678,Ines\n", "names of the columns"),
            (b"\x00\x01\x02binary\x00junk\xff\xfe" * 50, "not a spreadsheet"),
            (b"%PDF-1.4 whatever", "not a spreadsheet"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel file"),
        ],
    )
    def test_bad_files_get_a_clear_message(self, content: bytes, message: str) -> None:
        assert message in refused(content)

    def test_row_and_column_limits(self) -> None:
        rows = "".join(f"P{n},p{n}@example.org\n" for n in range(11))
        assert "more than 10 rows" in refused(f"name,email\n{rows}".encode(), max_rows=10)
        assert len(read_table(f"name,email\n{rows}".encode(), max_rows=11).rows) == 11
        wide = ",".join(f"c{n}" for n in range(101)) + "\n" + "x\n"
        assert "more than 100 columns" in refused(wide.encode())

    def test_an_enormous_cell_is_refused_not_crashed(self) -> None:
        assert "cannot be read" in refused(b'name\n"' + b"a" * 200_000 + b'"\n')


def read_or_message(content: bytes) -> Table | str:
    try:
        return read_table(content, max_rows=50)
    except SpreadsheetError as exc:
        return str(exc)


@given(st.text(max_size=400))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_any_text_is_read_or_refused_cleanly(text: str) -> None:
    for encoded in (text.encode(), text.encode("utf-16"), text.encode("cp1252", "ignore")):
        outcome = read_or_message(encoded)
        if isinstance(outcome, str):
            assert outcome  # a message for the person, never another exception
        else:
            assert outcome.header
            assert outcome.rows
            assert all(len(row) == len(outcome.header) for row in outcome.rows)
            guess_columns(outcome.header)


@given(st.binary(max_size=400))
@settings(max_examples=200, deadline=None)
def test_any_bytes_are_read_or_refused_cleanly(content: bytes) -> None:
    for prefix in (b"", b"PK\x03\x04", codecs.BOM_UTF8):
        assert read_or_message(prefix + content)


class TestXlsx:
    def test_first_sheet_with_numbers_and_dates(self) -> None:
        import datetime

        content = xlsx(
            [
                ["Nom complet", "Mobile", "Date"],
                ["Inès Haddad", 612345678, datetime.datetime(2025, 3, 1)],
                [None, None, None],
                ["Samir", 33612345679.0, "x"],
            ]
        )
        table = read_table(content, max_rows=10)
        assert table.header == ["Nom complet", "Mobile", "Date"]
        assert table.rows == [
            ["Inès Haddad", "612345678", "2025-03-01"],
            ["Samir", "33612345679", "x"],
        ]
        assert table.lines == [2, 4]

    def test_formulas_give_their_value_never_their_text(self) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["name", "email"])
        sheet.append(["=1+1", "a@example.org"])
        out = io.BytesIO()
        book.save(out)
        # Never opened in a spreadsheet application: no cached value, so the cell is empty.
        assert read_table(out.getvalue(), max_rows=10).rows == [["", "a@example.org"]]

    def test_zip_bomb_is_refused_before_unpacking(self) -> None:
        bomb = zipped(
            {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(20_000_000)}
        )
        assert len(bomb) < 100_000
        assert "too large once unpacked" in refused(bomb)

    def test_xml_bomb_inside_a_sheet_is_refused_at_once(self) -> None:
        entities = '<!ENTITY lol0 "lol">' + "".join(
            f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
        )
        content = xlsx([["name"], ["Inès"]])
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = {name: archive.read(name) for name in archive.namelist()}
        sheet = entries["xl/worksheets/sheet1.xml"].replace("Inès".encode(), b"&lol9;")
        entries["xl/worksheets/sheet1.xml"] = (
            f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode() + sheet
        )
        started = time.monotonic()
        assert "cannot be read" in refused(zipped(entries))
        assert time.monotonic() - started < 2

    @pytest.mark.parametrize(
        ("entries", "message"),
        [
            ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, "OpenDocument"),
            ({"word/document.xml": b"<w/>"}, "not a spreadsheet"),
            ({"xl/workbook.xml": b"not xml at all"}, "cannot be read"),
        ],
    )
    def test_other_archives(self, entries: dict[str, bytes], message: str) -> None:
        assert message in refused(zipped(entries))

    def test_damaged_archive(self) -> None:
        assert "damaged" in refused(b"PK\x03\x04" + b"garbage" * 30)

    def test_unzipped_size_limit(self, settings: Any) -> None:
        """The limit follows BATCH_MAX_ROWS (2 KiB a row, at least 20 MiB); a file at the limit
        is read, one byte more is refused."""
        settings.BATCH_MAX_ROWS = 20_000
        assert max_unzipped_bytes() == 2048 * 20_000
        settings.BATCH_MAX_ROWS = 10
        assert max_unzipped_bytes() == 20 * 1024 * 1024
        content = xlsx([["name"], ["Inès"]])
        entries = {
            name: zipfile.ZipFile(io.BytesIO(content)).read(name)
            for name in zipfile.ZipFile(io.BytesIO(content)).namelist()
        }
        padding = max_unzipped_bytes() - sum(len(data) for data in entries.values())
        filler = bytes(padding)  # stored uncompressed: under the compression-ratio check
        stored = zipfile.ZIP_STORED
        at_limit = zipped({**entries, "xl/media/padding.bin": filler}, method=stored)
        assert read_table(at_limit, max_rows=10).rows == [["Inès"]]
        over = zipped({**entries, "xl/media/padding.bin": filler + b"x"}, method=stored)
        assert "too large once unpacked" in refused(over)

    def test_entries_limit(self) -> None:
        assert "too large once unpacked" in refused(many_entries(2_001))
        assert read_table(many_entries(1_900), max_rows=10).rows == [["Inès"]]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_get_their_reason(name: str) -> None:
    make, code = HOSTILE[name]
    started = time.monotonic()
    with pytest.raises(SpreadsheetError) as caught:
        read_table(make(), max_rows=50)
    assert caught.value.code == code
    assert str(caught.value)  # a message for the person
    assert time.monotonic() - started < 10


def test_reasons_are_codes_shown_in_the_readers_language() -> None:
    error = SpreadsheetError("too_many_rows", max=20_000)
    assert error.params == {"max": 20_000}  # stored as JSON, translated when shown
    assert str(error) == "This file has more than 20,000 rows: split it into several files."
    with translation.override("fr"):
        assert str(error) == (
            "Ce fichier a plus de 20\u00a0000 lignes\u00a0: découpez-le en plusieurs fichiers."
        )
    assert refusal_message("header_is_data", {"value": "a@b.fr"}).endswith("the template.")
    # A reason stored by another version never breaks the page.
    assert "not a spreadsheet" in refusal_message("no_such_code")
    assert "not a spreadsheet" in refusal_message("csv_line", {})


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b" \r\n\t ", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old_excel"),
        (b"%PDF-1.7", "not_spreadsheet"),
        (b"\x89PNG\r\n", "not_spreadsheet"),
    ],
)
def test_sniff_refuses_what_the_first_bytes_tell(content: bytes, code: str) -> None:
    with pytest.raises(SpreadsheetError) as caught:
        sniff(content)
    assert caught.value.code == code


def test_sniff_parses_nothing(monkeypatch: Any) -> None:
    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed")

    monkeypatch.setattr(zipfile, "ZipFile", never)
    monkeypatch.setattr(openpyxl, "load_workbook", never)
    for content in (b"PK\x03\x04" + bytes(10_000_000), b"name\n" * 100_000, b"\x00junk"):
        sniff(content)  # kept for the reading task


def test_progress_is_told_while_reading() -> None:
    seen: list[int] = []
    content = ("name\n" + "".join(f"P{n}\n" for n in range(2_500))).encode()
    assert len(read_table(content, max_rows=5_000, progress=seen.append).rows) == 2_500
    assert seen == [1_000, 2_000]


class TestColumns:
    def test_french_template(self) -> None:
        header = ["Prénom", "Nom", "Courriel", "Téléphone", "Langue", "Commentaire", "Preuve"]
        assert guess_columns(header) == {
            "first_name": 0,
            "last_name": 1,
            "name": None,
            "email": 2,
            "phone": 3,
            "language": 4,
            "narrative": 5,
            "evidence": 6,
        }

    def test_english_and_free_wording(self) -> None:
        header = ["#", "Full name", "E-mail address", "Mobile number", "Why", "Evidence link"]
        columns = guess_columns(header)
        assert (columns["name"], columns["email"], columns["phone"]) == (1, 2, 3)
        assert (columns["narrative"], columns["evidence"], columns["language"]) == (4, 5, None)
        other = guess_columns(["Nom du jeune", "Adresse e-mail du jeune", "N° de téléphone"])
        assert (other["name"], other["email"], other["phone"]) == (0, 1, 2)
        assert guess_columns(["Last name", "First name"])["last_name"] == 0
        assert guess_columns(["Nom", "Email"])["name"] == 0
        both = guess_columns(["Nom complet", "Prénom"])
        assert (both["name"], both["first_name"]) == (0, None)
        assert guess_columns(["email", "Mail"])["email"] == 0  # the leftmost wins

    def test_column_label(self) -> None:
        assert column_label(0, ["Nom"]) == "Nom"
        assert column_label(27, []) == "Column AB"


COLUMNS = {
    "name": 0,
    "email": 1,
    "phone": 2,
    "language": 3,
    "narrative": 4,
    "evidence": 5,
    "first_name": None,
    "last_name": None,
}


def row(*cells: str) -> dict[str, Any]:
    return clean_row(list(cells), 7, COLUMNS)


@pytest.mark.django_db
class TestRows:
    def test_a_good_row_is_normalised(self) -> None:
        cleaned = row(
            " Inès   Haddad ",
            "Ines@Example.org",
            "06 12 34 56 78",
            "Français",
            "Bravo",
            "www.ex.org/p",
        )
        assert cleaned == {
            "line": 7,
            "name": "Inès Haddad",
            "email": "ines@example.org",
            "phone": "+33612345678",
            "language": "fr",
            "narrative": "Bravo",
            "evidence": "https://www.ex.org/p",
        }

    @pytest.mark.parametrize(
        ("cells", "codes"),
        [
            (("Inès", "not-an-address"), ["email"]),
            (("Inès", "", "12"), ["phone"]),
            (("", "", "", "fr", "Bravo"), ["identity"]),
            (("Inès", "", "", "klingon"), ["language"]),
            (("Inès", "", "", "", "", "pas une adresse"), ["evidence"]),
            (('=HYPERLINK("http://evil")', "a@example.org"), ["formula"]),
            (("@SUM(A1)", "a@example.org"), ["formula"]),
            (("-cmd|calc", "a@example.org"), ["formula"]),
            (("Inès", "", "=1+1"), ["formula"]),
            (("x" * 201, "a@example.org"), ["name_long"]),
            (("Inès", "a@example.org", "", "", "y" * 2001), ["narrative_long"]),
        ],
    )
    def test_problems(self, cells: tuple[str, ...], codes: list[str]) -> None:
        problems = row(*cells)["problems"]
        assert [problem["code"] for problem in problems] == codes
        assert all(problem_message(problem) for problem in problems)

    def test_phone_numbers_typed_as_numbers(self) -> None:
        assert row("Inès", "", "612345678")["phone"] == "+33612345678"  # leading 0 lost
        assert row("Inès", "", "33612345678")["phone"] == "+33612345678"  # "+" lost
        assert row("Inès", "", "+32 470 12 34 56")["phone"] == "+32470123456"
        assert "problems" not in row("- Marie", "m@example.org")  # a dash and a space: a name

    def test_first_and_last_name_are_combined(self) -> None:
        columns = {**dict.fromkeys(COLUMNS), "first_name": 1, "last_name": 0}
        assert clean_row(["Haddad", "Inès"], 2, columns)["name"] == "Inès Haddad"

    def test_languages(self) -> None:
        assert [normal_language(text) for text in ("EN", "fr-FR", "English", "anglais", "")] == [
            "en",
            "fr",
            "en",
            "en",
            None,
        ]

    def test_duplicates_and_holders(self) -> None:
        table = Table(
            header=["name", "email", "phone"],
            rows=[
                ["Inès", "ines@example.org", ""],
                ["Inès H.", "INES@example.org", ""],
                ["Samir", "", "0612345678"],
                ["Samir B", "", "+33 6 12 34 56 78"],
                ["Yanis", "", ""],
                ["yanis", "", ""],
                ["Léa", "lea@example.org", ""],
                ["Bad", "bad@", ""],
                ["Bad again", "bad@", ""],
            ],
            lines=[2, 3, 4, 5, 6, 7, 8, 9, 10],
        )
        holders = Holders(emails=frozenset({"lea@example.org"}))
        rows = clean_rows(
            table, {**dict.fromkeys(COLUMNS), "name": 0, "email": 1, "phone": 2}, holders
        )
        assert [r.get("problems", [{}])[0].get("line") for r in rows[:6]] == [
            None,
            2,
            None,
            4,
            None,
            6,
        ]
        assert rows[6]["holder"] is True
        assert summary(rows) == {"rows": 9, "valid": 3, "invalid": 5, "holders": 1}
        assert problem_message(rows[1]["problems"][0]) == "The same person as on line 2."

    def test_idempotency_keys_fit_and_depend_on_the_person(self) -> None:
        sha = "f" * 64
        first = idempotency_key(sha, row("Inès", "ines@example.org"))
        assert len(first) <= 100
        assert first == idempotency_key(sha, row("Someone else", "INES@example.org"))
        assert first != idempotency_key(sha, row("Inès", "other@example.org"))
        assert first != idempotency_key("e" * 64, row("Inès", "ines@example.org"))
