"""Reading an uploaded spreadsheet (.xlsx or .csv) into numbered rows keyed by column header.

Nothing here knows about researchers or demands: it turns bytes into a ``Table`` or raises
``ValidationFailed`` with a message that says what is wrong with the file as a whole. Row numbers
are the ones a user sees in the spreadsheet: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from techbridge.core.errors import ValidationFailed

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
SUPPORTED_SUFFIXES = (".xlsx", ".csv")

_SPACES = re.compile(r"\s+")


@dataclass
class Table:
    headers: list[str]
    # (row number as the user sees it, {normalised header: cell value})
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def normalise_header(text: Any) -> str:
    """Fold full-width forms, drop spaces and required-markers.

    ``预算下限（万元）*`` becomes ``预算下限(万元)``.
    """
    text = unicodedata.normalize("NFKC", str(text or ""))
    return _SPACES.sub("", text).strip("*").replace("(必填)", "")


def cell_text(value: Any) -> str:
    """A cell as text: ``39.0`` from Excel becomes ``39``, a date ``2025-12-31``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def suffix_of(file_name: str) -> str:
    name = file_name.lower().strip()
    return name[name.rfind(".") :] if "." in name else ""


def check_file(*, file_name: str, size: int) -> None:
    """Refuse, before reading it, a file of the wrong type, an empty one or one too large."""
    if suffix_of(file_name) not in SUPPORTED_SUFFIXES:
        raise ValidationFailed(
            _(
                "Only .xlsx and .csv files can be imported; %(name)s is neither. "
                "Save the spreadsheet as an Excel workbook (.xlsx) and upload it again."
            )
            % {"name": file_name}
        )
    if size == 0:
        raise ValidationFailed(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise ValidationFailed(
            _(
                "The file is %(size).1f MB; at most %(limit)d MB can be imported at once. "
                "Split it into several files."
            )
            % {"size": size / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024}
        )


def read_table(*, file_name: str, content: bytes, max_rows: int = MAX_ROWS) -> Table:
    """Read the first sheet of an .xlsx workbook or a .csv file (UTF-8 or GBK)."""
    check_file(file_name=file_name, size=len(content))
    if suffix_of(file_name) == ".xlsx":
        return _table(_xlsx_records(content), max_rows=max_rows)
    return _table(_csv_records(content), max_rows=max_rows)


def _table(records: Iterator[tuple[int, list[Any]]], *, max_rows: int) -> Table:
    header: list[str] | None = None
    table = Table(headers=[])
    for row_number, values in records:
        if all(cell_text(v) == "" for v in values):
            continue
        if header is None:
            if row_number != 1:
                raise ValidationFailed(
                    _("The first row must hold the column headers; row 1 is empty.")
                )
            header = [normalise_header(v) for v in values]
            table.headers = [h for h in header if h]
            continue
        if len(table.rows) >= max_rows:
            raise ValidationFailed(
                _("The file has more than %(limit)d data rows; split it into several files.")
                % {"limit": max_rows}
            )
        row = {h: v for h, v in zip(header, values, strict=False) if h}
        table.rows.append((row_number, row))
    if header is None:
        raise ValidationFailed(_("The file is empty."))
    if not table.rows:
        raise ValidationFailed(_("The file has a header row but no data rows."))
    return table


def _xlsx_records(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationFailed(
            _(
                "The file is not an Excel workbook (.xlsx). Older .xls files must be saved as "
                ".xlsx first."
            )
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationFailed(
            _("The Excel workbook could not be read (%(error)s).") % {"error": type(exc).__name__}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # Files written by other programs often declare wrong dimensions; read every cell.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes) or GBK, which Excel in China often saves.

    GB 18030 is read instead of GBK: it is a superset, so every GBK file decodes the same way.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(_("The CSV file is neither UTF-8 nor GBK encoded."))


def _csv_records(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = decode_csv(content)
    if "\x00" in text:
        raise ValidationFailed(_("The file is not a text CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # One CSV record is one spreadsheet row, even when a quoted cell spans several lines.
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ValidationFailed(
            _("The CSV file is malformed near row %(row)d: %(error)s")
            % {"row": reader.line_num, "error": exc}
        ) from None
