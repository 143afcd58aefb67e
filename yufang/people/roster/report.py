"""What a roster check job reports: its progress, its result, and the file of rows with errors."""

from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font

from yufang.core.export import text_cell
from yufang.core.spreadsheets import open_table

from . import rules
from .rules import COLUMNS, REQUIRED


def error_file_rows(file: BinaryIO, filename: str, error_rows: dict[int, str]):
    """The uploaded file's header and its rows with errors, every column as uploaded, each
    followed by its row number and what is wrong: corrected in place and uploaded again. The
    file is read again as a stream."""
    table = open_table(file, filename, COLUMNS, REQUIRED)
    yield [*table.header_cells, "原行号", "错误说明"]
    for number, cells in enumerate(table.raw, start=table.header_row + 1):
        if number in error_rows:
            yield [*("" if v is None else v for v in cells), number, error_rows[number]]


def roster_error_file(job, error_rows: dict[int, str]) -> None:
    """Made by the checking job: the rows of the uploaded file that have errors, as uploaded,
    each with its row number and what is wrong, kept as the job's output (private storage) so
    that downloading it costs the web request nothing. Written as a stream; every uploaded
    value is written as text (a cell starting with "=" stays the text it was)."""
    import tempfile

    from django.core.files import File
    from openpyxl.cell import WriteOnlyCell

    if not error_rows:
        return
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误行")
    with job.file.open("rb") as f:
        for i, values in enumerate(error_file_rows(f, job.file.name, error_rows)):
            cells = []
            for value in values:
                cell = WriteOnlyCell(ws, value=value) if isinstance(value, int | float) else text_cell(ws, str(value))
                if i == 0:
                    cell.font = Font(bold=True)
                cells.append(cell)
            ws.append(cells)
    with tempfile.TemporaryFile() as out:
        wb.save(out)
        out.seek(0)
        job.output.save(f"errors_{job.pk}.xlsx", File(out), save=False)
    job.save(update_fields=["output"])


def roster_error_workbook(job) -> bytes:
    """The error file the checking job made (404 if the file had no errors)."""
    from django.http import Http404

    if not job.output:
        raise Http404("该文件没有错误行。")
    with job.output.open("rb") as f:
        return f.read()


def check_progress(progress):
    """The roster check's progress callback: the total as the file's size tells it, then the
    rows done."""

    def report(done: int, total: int) -> None:
        if total and total != progress.job.total:
            progress.total(total, "正在逐行校验")
        progress.step(done, "正在逐行校验")

    return report


def check_result(job, checked) -> dict:
    """What a check job keeps: the counts and a bounded sample of the problems; the full list of
    rows with errors is the error file the job makes."""
    roster_error_file(job, checked.error_rows)
    return {"filename": job.params.get("filename", ""), **checked.report(), "error_sample": rules.ERROR_KEEP}
