"""Reading the spreadsheets officials actually receive: .xlsx, old .xls (python-calamine reads
both) and CSV in UTF-8 or GBK; title rows above the header, merged cells, full-width characters
and stray spaces."""

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from python_calamine import CalamineWorkbook

from .jobs import JobFailed

HEADER_SEARCH_ROWS = 20


def clean_text(value: Any) -> str:
    """Full-width to half-width, surrounding and doubled spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.split())


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise JobFailed("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码的 CSV，或直接上传 Excel 文件。")


def read_rows(file: BinaryIO, filename: str) -> Iterator[list[Any]]:
    """Yields each row of the first sheet as raw cell values (numbers stay numbers, so an ID
    number stored as a number can be recognised and refused)."""
    suffix = Path(filename).suffix.lower()
    data = file.read()
    if suffix == ".csv":
        yield from csv.reader(io.StringIO(_decode(data)))
        return
    if suffix not in (".xlsx", ".xls", ".xlsm"):
        raise JobFailed(f"不支持的文件类型「{suffix or '无扩展名'}」：请上传 .xlsx、.xls 或 .csv 文件。")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # noqa: BLE001 - calamine raises its own error types for damaged files
        raise JobFailed("无法读取该 Excel 文件：文件可能已损坏或加密。") from None
    yield from sheet.iter_rows()


@dataclass
class Table:
    header_row: int  # 1-based row number of the header in the file
    columns: dict[str, int]  # wanted name -> column index
    rows: Iterator[tuple[int, list[Any]]]  # (1-based row number, cells)


def find_table(rows: Iterator[list[Any]], wanted: dict[str, tuple[str, ...]], required: set[str]) -> Table:
    """Finds the header row among the first rows (below any title rows) by the column names it
    must contain. `wanted` maps a field to the header texts that may name it."""
    aliases = {clean_text(a).replace(" ", ""): field for field, names in wanted.items() for a in names}
    for number, cells in enumerate(rows, start=1):
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            field = aliases.get(clean_text(cell).replace(" ", "").rstrip("*"))
            if field and field not in columns:
                columns[field] = index
        if required <= columns.keys():
            return Table(header_row=number, columns=columns, rows=_numbered(rows, number))
        if number >= HEADER_SEARCH_ROWS:
            break
    names = "、".join(wanted[f][0] for f in sorted(required))
    raise JobFailed(f"在前 {HEADER_SEARCH_ROWS} 行中没有找到表头：表头须包含 {names} 这些列。")


def _numbered(rows: Iterator[list[Any]], after: int) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(rows, start=after + 1):
        if any(clean_text(c) for c in cells):
            yield number, cells
