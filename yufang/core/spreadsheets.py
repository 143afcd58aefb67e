"""Reading the spreadsheets officials actually receive: .xlsx, old .xls (python-calamine reads
both) and CSV in UTF-8 or GBK; title rows above the header, merged cells, full-width characters
and stray spaces; the table on whichever sheet holds it.

Memory stays bounded whatever the file. An .xlsx is a zip whose sheets may inflate a
thousandfold, and python-calamine builds each sheet as a dense grid of its used range, so a
sheet is first measured as it inflates (a streaming scan of its XML, no parse): beyond the
limits on inflated size, rows or columns the file is refused with the limit in the message;
within them python-calamine reads it (fast) when its grid is small, and a streaming XML parser
reads it otherwise (slower, same values). CSV is decoded as a stream. Control characters (NUL
and the like, which neither jsonb nor a spreadsheet takes) are removed from every text cell."""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from xml.parsers import expat

from django.conf import settings
from python_calamine import CalamineWorkbook

from .jobs import JobFailed

HEADER_SEARCH_ROWS = 20
SHEETS_SEARCHED = 10

# Defaults of the limits; settings YUFANG_IMPORT_LIMITS overrides any of them.
LIMITS = {
    "rows": 200_000,  # data rows of one sheet or file
    "columns": 200,  # columns holding data
    "sheet_mb": 300,  # inflated XML of one sheet
    "shared_mb": 64,  # inflated shared strings of a workbook
    "fast_cells": 3_000_000,  # rows x columns up to which python-calamine reads a sheet whole
}


def limit(name: str) -> int:
    return getattr(settings, "YUFANG_IMPORT_LIMITS", {}).get(name, LIMITS[name])


_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)])


def strip_control(text: str) -> str:
    """Text without control characters but tab and line breaks."""
    return text if text.isprintable() else text.translate(_CONTROL)


def clean_text(value: Any) -> str:
    """Full-width to half-width, surrounding and doubled spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", strip_control(str(value)))
    return " ".join(text.split())


def _too_many_rows() -> JobFailed:
    return JobFailed(f"文件超过 {limit('rows')} 行的上限：请拆分成几个文件分别导入。")


def _too_many_columns(row: int | None) -> JobFailed:
    where = f"第 {row} 行" if row else "工作表"
    return JobFailed(f"{where}有数据的列超过 {limit('columns')} 列的上限：请删去多余的列后重新上传。")


def _too_large(what: str, mb: int) -> JobFailed:
    return JobFailed(
        f"Excel 文件的{what}解压后超过 {mb} MB 的上限：文件可能含有大量空白格式或隐藏内容，"
        "请把数据复制到新文件，或拆分后重新上传。"
    )


@dataclass
class Sheet:
    name: str
    rows: Callable[[], Iterator[list[Any]]]  # a fresh iterator over the rows from row 1
    height: int = 0  # rows it holds, for a progress bar (0: not known before reading)


# --- CSV ---------------------------------------------------------------------------------------


def _csv_encoding(file: BinaryIO) -> str:
    """UTF-8 if the whole file decodes as UTF-8 (checked chunk by chunk), else GBK (GB18030)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    file.seek(0)
    try:
        while chunk := file.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"
    finally:
        file.seek(0)


def _csv_rows(file: BinaryIO) -> Iterator[list[Any]]:
    encoding = _csv_encoding(file)
    text = io.TextIOWrapper(file, encoding=encoding, errors="replace", newline="")
    lines = (strip_control(line) for line in text)
    max_rows, max_columns = limit("rows") + HEADER_SEARCH_ROWS, limit("columns")
    try:
        for number, row in enumerate(csv.reader(lines), start=1):
            if number > max_rows:
                raise _too_many_rows()
            if len(row) > max_columns:
                while row and not row[-1].strip():
                    row.pop()
                if len(row) > max_columns:
                    raise _too_many_columns(number)
            yield row
    except csv.Error:
        raise JobFailed(
            "CSV 文件格式有误（例如某个单元格过长或引号不配对）：请用 Excel 打开后另存为 .xlsx 再上传。"
        ) from None
    finally:
        text.detach()


def _csv_height(file: BinaryIO) -> int:
    count = 0
    file.seek(0)
    while chunk := file.read(1 << 20):
        count += chunk.count(b"\n")
    file.seek(0)
    return count


# --- XLSX ----------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch if isinstance(ch, int) else ord(ch)) - 64
    return n


def _read_member(zf: zipfile.ZipFile, name: str, max_bytes: int) -> bytes:
    with zf.open(name) as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large("目录信息", max_bytes >> 20)
    return data


class _Xml:
    """A tiny expat wrapper: elements by local name."""

    @staticmethod
    def elements(data: bytes) -> list[tuple[str, dict[str, str]]]:
        found: list[tuple[str, dict[str, str]]] = []
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = lambda name, attrs: found.append((name.rsplit(" ", 1)[-1], attrs))
        try:
            parser.Parse(data, True)
        except expat.ExpatError:
            raise JobFailed("无法读取该 Excel 文件：文件可能已损坏或加密。") from None
        return found


class _SharedStrings:
    """The workbook's shared strings, parsed only as far as a reader has asked for (the header
    search needs the first few), within the limit on their inflated size."""

    def __init__(self, zf: zipfile.ZipFile, name: str | None):
        self.strings: list[str] = []
        self._file = zf.open(name) if name else None
        self._read = 0
        self._parts: list[str] | None = None
        self._depth_t = False
        self._parser = expat.ParserCreate(namespace_separator=" ")
        self._parser.buffer_text = True
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._chars

    def _start(self, name, attrs):
        local = name.rsplit(" ", 1)[-1]
        if local == "si":
            self._parts = []
        elif local == "t":
            self._depth_t = True
        elif local in ("rPh",):  # phonetic runs are not the cell's text
            self._depth_t = None

    def _end(self, name):
        local = name.rsplit(" ", 1)[-1]
        if local == "si":
            self.strings.append(strip_control("".join(self._parts or [])))
            self._parts = None
        elif local == "t" and self._depth_t is not None:
            self._depth_t = False
        elif local == "rPh":
            self._depth_t = False

    def _chars(self, data):
        if self._depth_t and self._parts is not None:
            self._parts.append(data)

    def __getitem__(self, index: int) -> str:
        max_bytes = limit("shared_mb") << 20
        while index >= len(self.strings) and self._file is not None:
            chunk = self._file.read(1 << 18)
            self._read += len(chunk)
            if self._read > max_bytes:
                raise _too_large("共享文本", limit("shared_mb"))
            try:
                self._parser.Parse(chunk, not chunk)
            except expat.ExpatError:
                raise JobFailed("无法读取该 Excel 文件：文件可能已损坏或加密。") from None
            if not chunk:
                self._file.close()
                self._file = None
        if index >= len(self.strings):
            return ""
        return self.strings[index]


def _xlsx_stream(zf: zipfile.ZipFile, member: str, shared: _SharedStrings) -> Iterator[list[Any]]:
    """The sheet's rows in order from row 1 (empty rows for gaps), parsed as a stream within the
    limits on inflated size, rows and columns."""
    max_bytes, max_rows, max_columns = limit("sheet_mb") << 20, limit("rows") + HEADER_SEARCH_ROWS, limit("columns")
    out: list[list[Any]] = []
    state: dict[str, Any] = {"row": 0, "col": 0, "type": None, "text": None, "in_text": False, "cells": []}

    def start(name, attrs):
        local = name.rsplit(" ", 1)[-1]
        if local == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                state["col"] = _column_number(letters) if letters.isalpha() and letters.isupper() else state["col"] + 1
            else:
                state["col"] += 1
            state["type"], state["text"] = attrs.get("t"), None
        elif local in ("v", "t"):
            state["in_text"] = True
            state["parts"] = []
        elif local == "row":
            ref = attrs.get("r")
            number = int(ref) if ref and ref.isdigit() else state["row"] + 1
            if number > max_rows:
                raise _too_many_rows()
            while state["row"] + 1 < number:
                state["row"] += 1
                out.append([])
            state["row"], state["col"], state["cells"] = number, 0, []

    def end(name):
        local = name.rsplit(" ", 1)[-1]
        if local in ("v", "t"):
            state["in_text"] = False
            state["text"] = (state["text"] or "") + "".join(state["parts"])
        elif local == "c":
            text, kind = state["text"], state["type"]
            if text is None:
                return
            if kind == "s":
                value: Any = shared[int(text)] if text.isdigit() else ""
            elif kind in ("inlineStr", "str", "e"):
                value = strip_control(text)
            elif kind == "b":
                value = text == "1"
            else:
                try:
                    value = float(text)
                except ValueError:
                    value = strip_control(text)
            col = state["col"]
            if col > max_columns:
                raise _too_many_columns(state["row"])
            cells = state["cells"]
            while len(cells) < col - 1:
                cells.append(None)
            cells.append(value)
        elif local == "row":
            out.append(state["cells"])

    def chars(data):
        if state["in_text"]:
            state["parts"].append(data)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
    read = 0
    with zf.open(member) as f:
        while True:
            chunk = f.read(1 << 16)
            read += len(chunk)
            if read > max_bytes:
                raise _too_large("工作表", limit("sheet_mb"))
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError:
                raise JobFailed("无法读取该 Excel 文件：文件可能已损坏或加密。") from None
            yield from out
            out.clear()
            if not chunk:
                return


@dataclass
class _Measure:
    rows: int  # the highest row number
    columns: int  # the highest column number
    every_cell_placed: bool  # every cell and row names its position (calamine and the scan agree)


def _measure(zf: zipfile.ZipFile, member: str) -> _Measure:
    """The sheet's extent, by scanning its XML as it inflates (byte searches, no parse),
    refusing it beyond the limits. The extent is proven only when every row and cell carries its
    reference as its first attribute (as Excel, WPS and openpyxl write them); otherwise the
    sheet is left to the streaming parser, which holds one row at a time."""
    max_bytes, max_rows, max_columns = limit("sheet_mb") << 20, limit("rows") + HEADER_SEARCH_ROWS, limit("columns")
    rows = columns = 0
    placed = True
    read = 0
    tail = b""
    with zf.open(member) as f:
        while True:
            chunk = f.read(1 << 22)
            read += len(chunk)
            if read > max_bytes:
                raise _too_large("工作表", limit("sheet_mb"))
            data = tail + chunk
            cut = data.rfind(b">") + 1 if chunk else len(data)
            part, tail = data[:cut], data[cut:]
            cells = part.count(b'<c r="')
            if placed and (
                cells != part.count(b"<c ")
                or part.count(b'<row r="') != part.count(b"<row ")
                or any(tag in part for tag in (b"<c>", b"<c/>", b"<row>", b":c ", b":row"))
            ):
                placed = False
            if placed and cells:
                rows = max(rows, _widest_max(part, rb'<c r="[A-Z]+(\d{%d})"', 7))
                columns = max(columns, _widest_max(part, rb'<c r="([A-Z]{%d})\d', 3, _column_number, 2))
            if rows > max_rows:
                raise _too_many_rows()
            if columns > max_columns:
                raise _too_many_columns(None)
            if not chunk:
                break
    return _Measure(rows, columns, placed)


def _widest_max(data: bytes, pattern: bytes, widest: int, value=int, narrowest: int = 1) -> int:
    """The largest of the references in `data` whose part (digits or letters) is widest: only
    the widest are compared, found by a search per width from the widest down. Below
    `narrowest` (single column letters) the last column present is found by plain searches."""
    for width in range(widest, narrowest - 1, -1):
        found = re.findall(pattern % width, data)
        if found:
            return max(map(value, found))
    if narrowest > 1:  # single letters: a binary search over A-Z, one regex search per step
        low, high = 0, 26  # the answer is in low..high
        while low < high:
            middle = (low + high + 1) // 2
            if re.search(rb'<c r="[%c-Z]\d' % (64 + middle), data):
                low = middle
            else:
                high = middle - 1
        return low
    return 0


def _calamine_rows(sheet) -> Iterator[list[Any]]:
    """python-calamine's rows as the stream reader gives them: from row 1 and column A."""
    start_row, start_col = sheet.start or (0, 0)
    yield from ([] for _ in range(start_row))
    pad = [None] * start_col
    for row in sheet.iter_rows():
        yield [strip_control(c) if isinstance(c, str) else c for c in (pad + row if pad else row)]


def _xlsx_sheets(file: BinaryIO) -> list[Sheet]:
    try:
        zf = zipfile.ZipFile(file)
        names = set(zf.namelist())
        workbook = _Xml.elements(_read_member(zf, "xl/workbook.xml", 8 << 20))
        rels = _Xml.elements(_read_member(zf, "xl/_rels/workbook.xml.rels", 8 << 20))
    except (zipfile.BadZipFile, KeyError, OSError):
        raise JobFailed("无法读取该 Excel 文件：文件可能已损坏或加密。") from None
    targets = {}
    shared_name = None
    for local, attrs in rels:
        if local != "Relationship":
            continue
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[attrs.get("Id")] = path
        if attrs.get("Type", "").endswith("/sharedStrings"):
            shared_name = path
    shared = _SharedStrings(zf, shared_name if shared_name in names else None)
    sheets = []
    for local, attrs in workbook:
        member = targets.get(attrs.get(f"{_REL} id")) if local == "sheet" else None
        if member in names:
            sheets.append(_XlsxSheet(file, zf, shared, attrs.get("name", ""), member))
    if not sheets:
        raise JobFailed("该 Excel 文件中没有工作表。")
    return sheets


class _XlsxSheet(Sheet):
    def __init__(self, file: BinaryIO, zf: zipfile.ZipFile, shared: _SharedStrings, name: str, member: str):
        super().__init__(name=name, rows=self._rows)
        self.file, self.zf, self.shared, self.member = file, zf, shared, member

    def head(self) -> Iterator[list[Any]]:
        """The first rows, streamed (the header search reads no further)."""
        return _xlsx_stream(self.zf, self.member, self.shared)

    def _rows(self) -> Iterator[list[Any]]:
        measure = _measure(self.zf, self.member)
        self.height = measure.rows
        if measure.every_cell_placed and measure.rows * max(measure.columns, 1) <= limit("fast_cells"):
            self.file.seek(0)
            try:
                sheet = CalamineWorkbook.from_filelike(self.file).get_sheet_by_name(self.name)
            except Exception:  # noqa: BLE001 - calamine raises its own error types
                raise JobFailed("无法读取该 Excel 文件：文件可能已损坏或加密。") from None
            yield from _calamine_rows(sheet)
        else:
            yield from _xlsx_stream(self.zf, self.member, self.shared)


def _xls_sheets(file: BinaryIO) -> list[Sheet]:
    """Old .xls: python-calamine reads a sheet whole; the format itself stops at 65,536 rows and
    256 columns, and the upload limit bounds the file."""
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        names = workbook.sheet_names
    except Exception:  # noqa: BLE001 - calamine raises its own error types for damaged files
        raise JobFailed("无法读取该 Excel 文件：文件可能已损坏或加密。") from None

    def rows(name) -> Iterator[list[Any]]:
        sheet = workbook.get_sheet_by_name(name)
        if sheet.height > limit("rows") + HEADER_SEARCH_ROWS:
            raise _too_many_rows()
        if sheet.width > limit("columns"):
            raise _too_many_columns(None)
        yield from _calamine_rows(sheet)

    return [Sheet(name=n, rows=lambda n=n: rows(n)) for n in names]


def read_sheets(file: BinaryIO, filename: str) -> list[Sheet]:
    """The file's sheets in order (a CSV is one)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return [Sheet(name="", rows=lambda: _csv_rows(file), height=_csv_height(file))]
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_sheets(file)
    if suffix == ".xls":
        return _xls_sheets(file)
    raise JobFailed(f"不支持的文件类型「{suffix or '无扩展名'}」：请上传 .xlsx、.xls 或 .csv 文件。")


def read_rows(file: BinaryIO, filename: str) -> Iterator[list[Any]]:
    """Yields each row of the first sheet as raw cell values (numbers stay numbers, so an ID
    number stored as a number can be recognised and refused)."""
    yield from read_sheets(file, filename)[0].rows()


@dataclass
class Table:
    header_row: int  # 1-based row number of the header in the file
    columns: dict[str, int]  # wanted name -> column index
    rows: Iterator[tuple[int, list[Any]]]  # (1-based row number, cells)
    sheet: str = ""  # the sheet's name ("" for a CSV)
    height: int = 0  # rows of the sheet, for a progress bar (0 if not known)
    raw: Iterator[list[Any]] | None = None  # the rows after the header, unfiltered
    header_cells: list[Any] = field(default_factory=list)


def _header(rows: Iterator[list[Any]], wanted, required) -> tuple[int, dict[str, int], list[Any]] | None:
    aliases = {clean_text(a).replace(" ", ""): field for field, names in wanted.items() for a in names}
    for number, cells in enumerate(rows, start=1):
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            field = aliases.get(clean_text(cell).replace(" ", "").rstrip("*"))
            if field and field not in columns:
                columns[field] = index
        if required <= columns.keys():
            return number, columns, ["" if c is None else c for c in cells]
        if number >= HEADER_SEARCH_ROWS:
            break
    return None


def _header_missing(wanted, required, sheets: int = 1) -> JobFailed:
    names = "、".join(wanted[f][0] for f in sorted(required))
    where = f"{sheets} 个工作表的" if sheets > 1 else ""
    return JobFailed(f"在{where}前 {HEADER_SEARCH_ROWS} 行中没有找到表头：表头须包含 {names} 这些列。")


def find_table(rows: Iterator[list[Any]], wanted: dict[str, tuple[str, ...]], required: set[str]) -> Table:
    """Finds the header row among the first rows (below any title rows) by the column names it
    must contain. `wanted` maps a field to the header texts that may name it."""
    rows = iter(rows)
    found = _header(rows, wanted, required)
    if found is None:
        raise _header_missing(wanted, required)
    number, columns, cells = found
    return Table(header_row=number, columns=columns, rows=_numbered(rows, number), raw=rows, header_cells=cells)


def open_table(file: BinaryIO, filename: str, wanted: dict[str, tuple[str, ...]], required: set[str]) -> Table:
    """The table on the first sheet whose first rows hold its header; its rows are then read
    once, as a stream, within the limits."""
    sheets = read_sheets(file, filename)
    for sheet in sheets[:SHEETS_SEARCHED]:
        head = iter(getattr(sheet, "head", sheet.rows)())
        found = _header(head, wanted, required)
        if hasattr(head, "close"):
            head.close()
        if found is None:
            continue
        number, columns, cells = found
        rows = iter(sheet.rows())
        for _ in range(number):
            next(rows, None)
        return Table(
            header_row=number,
            columns=columns,
            rows=_numbered(rows, number),
            sheet=sheet.name,
            height=max(0, sheet.height - number),
            raw=rows,
            header_cells=cells,
        )
    raise _header_missing(wanted, required, min(len(sheets), SHEETS_SEARCHED))


def _numbered(rows: Iterator[list[Any]], after: int) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(rows, start=after + 1):
        if any(clean_text(c) for c in cells):
            yield number, cells
