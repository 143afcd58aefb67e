"""Every cell written from what people typed is text in every Excel export, never a formula."""

import datetime
import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from yufang.core.export import xlsx_bytes
from yufang.core.listing import Column
from yufang.targets.exports import progress_xlsx
from yufang.training.exports import _sheet

HOSTILE = [
    '=HYPERLINK("http://evil.example","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def cells(content: bytes, sheet=None):
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet] if sheet else wb.active
    return {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}


def assert_text(found: dict, value: str):
    value = value.replace("\r", "\n")  # XML reads a carriage return as a line feed
    assert value in found, value
    assert found[value].data_type == "s", (value, found[value].data_type)


@pytest.mark.parametrize("value", HOSTILE)
def test_list_exports_write_formula_like_text_as_text(value):
    content = xlsx_bytes(
        "导出",
        [Column("姓名", lambda r: r[0]), Column(value, lambda r: r[1]), Column("人数", lambda r: r[2])],
        [(value, "甲", 12), ("乙", value, -3.5)],
    )
    found = cells(content)
    assert_text(found, value)
    # The quote prefix keeps it text when someone edits the cell in Excel.
    assert found[value.replace("\r", "\n")].quotePrefix
    # Numbers stay numbers.
    assert found[12].data_type == "n" and found[-3.5].data_type == "n"


def test_the_training_archive_sheets_write_text_as_text():
    wb = Workbook()
    ws = _sheet(wb, "场次", [Column("主题", lambda s: s[0]), Column("人数", lambda s: s[1])], [(v, 3) for v in HOSTILE])
    buffer = io.BytesIO()
    wb.save(buffer)
    found = cells(buffer.getvalue(), ws.title)
    for value in HOSTILE:
        assert_text(found, value)
    assert found[3].data_type == "n"


def test_the_progress_workbook_writes_target_names_and_rules_as_text():
    target = SimpleNamespace(
        name="=1+2",
        counting_rule="-cmd|' /C calc'!A0",
        threshold=100,
        deadline=datetime.date(2025, 12, 31),
        get_metric_display=lambda: "人数",
    )
    row = SimpleNamespace(
        target=target, district_only=False, value=7, figure=7, percent_of_threshold=7, projection=None
    )
    breakdown = SimpleNamespace(total=7, by_region=[("@区", 7)], by_industry=[], by_position=[], by_month=[])
    content = progress_xlsx(SimpleNamespace(title="+方案"), [row], lambda t: breakdown)
    found = cells(content)
    assert_text(found, "=1+2")
    assert_text(found, "-cmd|' /C calc'!A0")
    assert found[7].data_type == "n" and found[100].data_type == "n"
    assert any(c.data_type == "d" for c in found.values())
    assert_text(cells(content, "1.=1+2"), "@区")
