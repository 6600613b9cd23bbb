"""Reading the spreadsheet an awarder uploads: a CSV file or an Excel workbook (.xlsx).

Why one module of over 400 lines: reading one untrusted file is one pipeline (sniff, decode,
rows, header, table, guessed columns) whose steps share their limits and refusal codes; it is
read from top to bottom.

Files come from office software in many shapes: UTF-8 with or without a byte-order mark, the
Windows code page French Excel still writes (cp1252), UTF-16 "Unicode text"; commas, semicolons
or tabs between cells; numbers where phone numbers were typed. Everything here is read
defensively: whatever the bytes, the result is a ``Table`` or a ``SpreadsheetError`` whose
code and values say why (no other exception escapes ``read_table``); ``refusal_message`` gives
the reason in the reader's language, now or when the person opens the page later.

Reading runs in a background task (``batch_reading``), never in a web request, since an
``.xlsx`` is a zip archive that can take seconds to unpack and parse. A request may only call
``sniff``, which looks at the first bytes and parses nothing.

``guess_columns`` then recognises the column names in French and in English.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_COLUMNS = 100
# An .xlsx is a zip archive: refuse archives that would unpack to much more than any real list
# of people (a "zip bomb"), before any XML is parsed: the sizes its directory declares (Python's
# zipfile never unpacks a member past its declared size: a member that inflates to more fails
# its check and the file is refused). Parsing happens in a worker, whose memory and time every
# other task shares, so the bound stays strict: 2 KiB a row of BATCH_MAX_ROWS (40 MiB for
# 20,000 rows), at least 20 MiB.
UNZIPPED_BYTES_PER_ROW = 2048
MIN_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_COMPRESSION_RATIO = 200
# Reading an .xlsx stops after this many empty rows in a row (a sheet can claim a million).
MAX_BLANK_RUN = 1_000
# Title lines above the column names are looked for among this many first non-empty rows.
TITLE_LOOKAHEAD = 5
DELIMITERS = (";", ",", "\t")
PROGRESS_EVERY = 1_000

# The fields a column can hold, in the order the mapping form shows them.
FIELDS = ("email", "phone", "name", "first_name", "last_name", "language", "narrative", "evidence")


class SpreadsheetError(Exception):
    """The file cannot be read: ``code`` and ``params`` (JSON values) say why, and ``str(exc)``
    is the reason in the active language (``refusal_message``)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params

    def __str__(self) -> str:
        return refusal_message(self.code, self.params)


def refusal_message(code: str, params: dict[str, Any] | None = None) -> str:
    """Why a file cannot be read, in the active language."""
    values = dict(params or {})
    if code == "too_many_rows" and isinstance(values.get("max"), int):
        values["max"] = number_format(values["max"], force_grouping=True)
    messages = {
        "empty": _("The file is empty."),
        "old_excel": _(
            "This is an old Excel file (.xls). Open it and save it as “Excel workbook "
            "(.xlsx)” or “CSV”, then send it again."
        ),
        "not_spreadsheet": _("This file is not a spreadsheet: send a CSV or .xlsx file."),
        "csv_line": _("Line %(line)s of the file cannot be read: is it really a CSV file?"),
        "damaged": _("This .xlsx file is damaged: open it and save it again, or send a CSV file."),
        "unpacked_too_large": _("This file is too large once unpacked: it cannot be read."),
        "opendocument": _(
            "This is an OpenDocument file (.ods). Save it as “Excel workbook (.xlsx)” "
            "or “CSV”, then send it again."
        ),
        "unreadable": _(
            "This .xlsx file cannot be read: open it and save it again, or send a CSV file."
        ),
        "no_sheet": _("This workbook has no sheet."),
        "too_many_rows": _("This file has more than %(max)s rows: split it into several files."),
        "too_many_columns": _(
            "This file has more than %(max)s columns: keep only the columns about the "
            "people to award."
        ),
        "header_is_data": _(
            "The first line must give the names of the columns (for example: name, e-mail, "
            "phone), but it holds a person's details (“%(value)s”). Add a first line with "
            "the column names, or start from the template."
        ),
        "nobody": _(
            "The file has a line of column names but nobody below it: add one person per line."
        ),
        # Reasons of the reading task itself (``batch_reading``), not of the file's content.
        "file_missing": _("The file sent could not be found any more: send it again."),
        "reading_stopped": _(
            "Reading this file stopped the server %(attempts)s times: it cannot be read. Save "
            "it as CSV and send it again."
        ),
        "unexpected": _(
            "An unexpected error stopped the reading of this file. Send it again, and tell "
            "the administrator if it happens again."
        ),
    }
    template = messages.get(code, messages["not_spreadsheet"])
    try:
        return template % values
    except (KeyError, TypeError, ValueError):  # a reason stored by another version
        return messages["not_spreadsheet"]


@dataclass
class Table:
    """The cells of the first sheet, as text: a header and the non-empty rows below it.

    ``lines`` gives, for each row, its line number as the person sees it in their spreadsheet
    software (the header is usually line 1).
    """

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def sniff(content: bytes) -> None:
    """Refuse what the first bytes already tell (an empty file, an old .xls, a PDF or an
    image); parses nothing, so a web request may call it on any file."""
    if not content or content.isspace():
        raise SpreadsheetError("empty")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError("old_excel")
    if content.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise _not_a_spreadsheet()


def read_table(
    content: bytes, *, max_rows: int, progress: Callable[[int], object] | None = None
) -> Table:
    """The table in ``content`` (CSV or .xlsx, recognised from the bytes, not the file name).
    ``progress`` is told how many non-empty rows were read, every ``PROGRESS_EVERY``."""
    sniff(content)
    if content.startswith(b"PK\x03\x04"):
        rows: Iterable[tuple[int, list[str]]] = _xlsx_rows(content)
    else:
        rows = _csv_rows(_decode(content))
    return _table(rows, max_rows=max_rows, progress=progress)


def _not_a_spreadsheet() -> SpreadsheetError:
    return SpreadsheetError("not_spreadsheet")


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_a_spreadsheet() from exc
    elif content.startswith(codecs.BOM_UTF8):
        try:
            text = content[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _not_a_spreadsheet() from exc
    else:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")  # what French Excel writes as "CSV"
            except UnicodeDecodeError as exc:
                raise _not_a_spreadsheet() from exc
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise _not_a_spreadsheet()
    return text


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, and most regular, cells."""
    sample = "\n".join(line for line in text[:64_000].splitlines()[:30] if line.strip())
    best, best_score = ",", (0, 0.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [row for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        regular = sum(1 for row in rows if len(row) == width) / len(rows)
        score = (1, regular, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    line = 1
    try:
        for row in reader:
            yield line, row
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SpreadsheetError("csv_line", line=line) from exc


def max_unzipped_bytes() -> int:
    from django.conf import settings

    return max(MIN_UNZIPPED_BYTES, UNZIPPED_BYTES_PER_ROW * int(settings.BATCH_MAX_ROWS))


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError("damaged") from exc
    names = {entry.filename for entry in entries}
    unzipped = sum(entry.file_size for entry in entries)
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or unzipped > max_unzipped_bytes()
        or any(
            entry.file_size > 1_000_000
            and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
            for entry in entries
        )
    ):
        raise SpreadsheetError("unpacked_too_large")
    if "xl/workbook.xml" not in names:
        if "mimetype" in names or "content.xml" in names:
            raise SpreadsheetError("opendocument")
        raise _not_a_spreadsheet()
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise SpreadsheetError("unreadable") from exc
    try:
        if not book.worksheets:
            raise SpreadsheetError("no_sheet")
        sheet = book.worksheets[0]
        blank_run = 0
        for number, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1
        ):
            row = [_cell_text(value) for value in values]
            if any(row):
                blank_run = 0
                yield number, row
            else:
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    return
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError("unreadable") from exc
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    """A cell as the person typed it: phone numbers typed as numbers keep their digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e17:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _looks_like_data(cell: str) -> bool:
    digits = sum(ch.isdigit() for ch in cell)
    return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", cell)) or (
        digits >= 8 and digits >= len(cell.replace(" ", "")) - 2
    )


def _filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell)


def _extent(cells: list[str]) -> int:
    """How many cells there are up to the last one that is not empty."""
    count = len(cells)
    while count and not cells[count - 1]:
        count -= 1
    return count


def _too_many_rows(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError("too_many_rows", max=max_rows)


def _header_at(first_rows: list[tuple[int, list[str]]]) -> int:
    """Where the column names are among the first non-empty rows: a title line or two above
    them ("Forum emploi — 12 mars", a single cell that names no column) is skipped."""
    for index, (_line, cells) in enumerate(first_rows):
        if _filled(cells) >= 2:
            titles = [next(cell for cell in row if cell) for _l, row in first_rows[:index]]
            if all(_field_of(title) is None and not _looks_like_data(title) for title in titles):
                return index
            return 0
    return 0


def _header(cells: list[str]) -> list[str]:
    header = cells[: _extent(cells)]
    if len(header) > MAX_COLUMNS:
        raise SpreadsheetError("too_many_columns", max=MAX_COLUMNS)
    data = next((cell for cell in header if _looks_like_data(cell)), None)
    if data is not None:
        raise SpreadsheetError("header_is_data", value=data[:60])
    return header


def _table(
    rows: Iterable[tuple[int, list[str]]],
    *,
    max_rows: int,
    progress: Callable[[int], object] | None = None,
) -> Table:
    first_rows: list[tuple[int, list[str]]] = []  # read ahead to find the column names
    body: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    read = 0
    for line, raw in rows:
        cells = [" ".join(cell.split()) for cell in raw[: MAX_COLUMNS + 1]]
        if not any(cells):
            continue
        read += 1
        if progress is not None and read % PROGRESS_EVERY == 0:
            progress(read)
        if header is None:
            first_rows.append((line, cells))
            if len(first_rows) < TITLE_LOOKAHEAD:
                continue
            at = _header_at(first_rows)
            header, body = _header(first_rows[at][1]), first_rows[at + 1 :]
        else:
            body.append((line, cells))
        if len(body) > max_rows:
            raise _too_many_rows(max_rows)
    if header is None:
        if not first_rows:
            raise SpreadsheetError("empty")
        at = _header_at(first_rows)
        header, body = _header(first_rows[at][1]), first_rows[at + 1 :]
        if len(body) > max_rows:
            raise _too_many_rows(max_rows)
    if not body:
        raise SpreadsheetError("nobody")
    # Cells right of the last named column keep a column of their own ("Column F").
    widest = max(_extent(cells) for _line, cells in body)
    width = min(MAX_COLUMNS, max(len(header), widest))
    header += [""] * (width - len(header))
    table = Table(header=header)
    for line, cells in body:
        table.rows.append((cells + [""] * width)[:width])
        table.lines.append(line)
    return table


def column_label(index: int, header: list[str]) -> str:
    """A column as the person knows it: its name, else its letter (A, B, … AA)."""
    name = header[index] if index < len(header) else ""
    if name:
        return name
    letters, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return _("Column %(letter)s") % {"letter": letters}


def normal_text(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: "E-mail" → "e mail"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


# Column names recognised exactly (after normal_text), in French and in English.
_EXACT: dict[str, set[str]] = {
    "email": {
        "email", "e mail", "mail", "courriel", "mel", "adresse mail", "adresse email",
        "adresse e mail", "adresse electronique", "adresse courriel", "email address",
        "e mail address", "mail address",
    },
    "phone": {
        "telephone", "tel", "phone", "mobile", "portable", "gsm", "cell", "cellphone",
        "numero de telephone", "numero de portable", "phone number", "mobile number",
        "telephone portable", "tel portable", "n de telephone", "no de telephone",
    },
    "name": {
        "nom", "name", "nom complet", "full name", "nom et prenom", "prenom et nom",
        "nom prenom", "prenom nom", "nom prenoms", "participant", "participante",
        "participants", "beneficiaire", "personne", "destinataire", "recipient", "jeune",
        "stagiaire", "apprenant", "apprenante", "learner", "student", "eleve", "identite",
    },
    "first_name": {"prenom", "prenoms", "first name", "firstname", "given name", "forename"},
    "last_name": {
        "nom de famille", "last name", "lastname", "surname", "family name", "nom d usage",
        "nom de naissance",
    },
    "language": {"langue", "language", "lang", "langue du courriel", "langue de l e mail"},
    "narrative": {
        "commentaire", "commentaires", "narrative", "comment", "comments", "remarque",
        "remarques", "observation", "observations", "pourquoi", "why", "message", "motif",
        "appreciation",
    },
    "evidence": {
        "preuve", "preuves", "evidence", "lien", "link", "url", "lien de la preuve",
        "evidence link", "evidence url", "portfolio", "justificatif", "lien preuve",
    },
}  # fmt: skip
# Words that, anywhere in a column name, say what it holds (checked after the exact names).
_WORDS: tuple[tuple[str, set[str]], ...] = (
    ("email", {"email", "courriel", "mail", "mel"}),
    ("phone", {"telephone", "tel", "phone", "mobile", "portable"}),
    ("first_name", {"prenom", "prenoms", "firstname"}),
    ("last_name", {"surname", "lastname"}),
    ("language", {"langue", "language"}),
    ("evidence", {"preuve", "preuves", "evidence", "justificatif"}),
    ("narrative", {"commentaire", "commentaires", "comment", "narrative", "observation"}),
    ("name", {"nom", "name"}),
)


def _field_of(name: str) -> str | None:
    normal = normal_text(name)
    for field_name, names in _EXACT.items():
        if normal in names:
            return field_name
    words = set(normal.split())
    if {"first", "given"} & words and "name" in words:
        return "first_name"
    if ({"last", "family"} & words and "name" in words) or {"nom", "famille"} <= words:
        return "last_name"
    for field_name, hints in _WORDS:
        if hints & words:
            return field_name
    return None


def guess_columns(header: list[str]) -> dict[str, int | None]:
    """Which column holds which field, guessed from the column names; each column and each
    field is used at most once, the leftmost column winning."""
    columns: dict[str, int | None] = dict.fromkeys(FIELDS)
    for index, name in enumerate(header):
        field_name = _field_of(name)
        if field_name is not None and columns[field_name] is None:
            columns[field_name] = index
    # "Nom" next to "Prénom" is the family name, not the full name.
    name_column = columns["name"]
    if name_column is not None and columns["first_name"] is not None:
        if columns["last_name"] is None and normal_text(header[name_column]) in {"nom", "name"}:
            columns["last_name"], columns["name"] = name_column, None
        else:
            columns["first_name"] = columns["last_name"] = None
    return columns
