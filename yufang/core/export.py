"""Excel exports, streamed row by row so a large list does not sit in memory."""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Column:
    """One column of a list page and of its Excel export: the header, the value for a row, the
    export's column width. It lives beside the exporter that reads it; `core.listing` re-exports it."""

    header: str
    value: Callable[[Any], Any]
    width: int = 16


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet program may read as the start of a formula (the full-width forms too, which
# some programs fold to ASCII when a cell is edited).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def text_cell(ws, value: str) -> Cell:
    """A cell that holds `value` as text, never as a formula: openpyxl reads a string that starts
    with "=" as one. Text that starts like a formula also gets Excel's quote prefix, so editing
    the cell in Excel keeps it text."""
    cell = WriteOnlyCell(ws)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def sheet_row(ws, values: Iterable[Any]) -> list:
    """A row for `ws.append`: strings become text cells, numbers, dates and empties stay as they are."""
    return [text_cell(ws, v) if isinstance(v, str) else v for v in values]


def xlsx_bytes(title: str, columns: "list[Column]", rows: Iterable[Any]) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(buffer, title, columns, rows)
    return buffer.getvalue()


def xlsx_write(target, title: str, columns: "list[Column]", rows: Iterable[Any]) -> None:
    """Writes a sheet to a path or file object in openpyxl's write-only mode: rows go to a
    temporary file as they come, so memory stays flat however long the list."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    for i, col in enumerate(columns):
        ws.column_dimensions[get_column_letter(i + 1)].width = col.width
    header = []
    for col in columns:
        cell = text_cell(ws, str(col.header))  # a corrected roster's headers are the uploaded ones
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        values = []
        for col in columns:
            value = col.value(row)
            if hasattr(value, "tzinfo") and value.tzinfo is not None:
                value = timezone.localtime(value).replace(tzinfo=None)
            # Identifiers stay text so Excel does not turn them into numbers.
            values.append(value if value is None or isinstance(value, int | float) else str(value))
        ws.append(sheet_row(ws, values))
    wb.save(target)


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(title: str, columns: "list[Column]", rows: Iterable[Any]) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return attachment(xlsx_bytes(title, columns, rows), f"{title}_{stamp}.xlsx", XLSX)
