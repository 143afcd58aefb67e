"""The plan's fund-use table (工伤预防费使用计划, the 附件 of the official document) as Excel and
as a PDF laid out like the original. The PDF uses the CJK font every PDF reader carries
(STSong-Light), so no font file ships with the platform."""

import io
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yufang.core.export import sheet_row

from .models import Plan

HEADERS = ["项目名称", "预算", "组织实施单位", "项目内容", "项目说明", "备注"]
FONT = "STSong-Light"


def _wan(amount) -> str:
    """1500000 -> "150 万元" as the official table writes it; exact otherwise."""
    if amount % 10000 == 0:
        return f"{int(amount / 10000)} 万元"
    return f"{amount:,.2f} 元"


def fund_table_rows(budget) -> list[tuple[list[str], int]]:
    """Rows of the table: each item a row; the line's name, budget and implementer span its items."""
    rows = []
    for line, items in budget:
        items = items or [None]
        for index, item in enumerate(items):
            rows.append(
                (
                    [
                        line.get_category_display() if index == 0 else "",
                        _wan(line.amount) if index == 0 else "",
                        (item.get_implementer_kind_display() if item else "") if index == 0 else "",
                        item.name if item else "",
                        item.description if item else "",
                        item.remarks if item else "",
                    ],
                    len(items) if index == 0 else 0,
                )
            )
    return rows


def fund_table_xlsx(plan: Plan, budget) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "工伤预防费使用计划"
    title = f"{plan.year} 年度{plan.city.name}工伤预防费使用计划"
    ws.append(sheet_row(ws, [title]))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(HEADERS)
    thin = Side(style="thin")
    for cells, span in fund_table_rows(budget):
        ws.append(sheet_row(ws, cells))
        row = ws.max_row
        if span > 1:
            for col in (1, 2, 3):
                ws.merge_cells(start_row=row, start_column=col, end_row=row + span - 1, end_column=col)
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=len(HEADERS)):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEF", (14, 12, 18, 30, 70, 10), strict=True):
        ws.column_dimensions[col].width = width
    ws.append([])
    ws.append(
        sheet_row(ws, [f"提取总额：{plan.fund_amount:,.2f} 元（{_wan(plan.fund_amount)}）；依据：{plan.doc_number}"])
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _markup(text: str) -> str:
    """reportlab reads a Paragraph's text as markup: what people typed is escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def fund_table_pdf(plan: Plan, budget) -> bytes:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{plan.year}年度{plan.city.name}工伤预防费使用计划",
    )
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13)
    head = ParagraphStyle("head", fontName=FONT, fontSize=10, leading=14, alignment=1)
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
    label = ParagraphStyle("label", fontName=FONT, fontSize=12, leading=16)
    data = [[Paragraph(h, head) for h in HEADERS]]
    spans = []
    for cells, span in fund_table_rows(budget):
        data.append([Paragraph(_markup(c), body) for c in cells])
        if span > 1:
            row = len(data) - 1
            spans += [("SPAN", (col, row), (col, row + span - 1)) for col in (0, 1, 2)]
    table = Table(data, colWidths=[28 * mm, 22 * mm, 30 * mm, 45 * mm, 120 * mm, 22 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                *spans,
            ]
        )
    )
    story = [
        Paragraph("附件", label),
        Spacer(1, 4 * mm),
        Paragraph(_markup(f"{plan.year} 年度{plan.city.name}工伤预防费使用计划"), title),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(_markup(f"工伤预防费提取总额 {plan.fund_amount:,.2f} 元。{plan.doc_number}"), body),
    ]
    doc.build(story)
    return buffer.getvalue()
