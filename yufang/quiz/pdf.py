"""The quiz's printed pieces: an enterprise's A4 QR poster (the code opens the quiz with the
enterprise filled in) and the award list."""

import io
from xml.sax.saxutils import escape

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yufang.learning.pdf import _font


def _doc(buffer, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=15 * mm,
        title=title,
    )


def poster_pdf(competition, enterprise, url: str) -> bytes:
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=30, leading=42, alignment=1)
    sub = ParagraphStyle("s", fontName=font, fontSize=16, leading=26, alignment=1, wordWrap="CJK")
    body = ParagraphStyle("b", fontName=font, fontSize=12, leading=20, alignment=1, wordWrap="CJK")
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=10, border=2)
    png.seek(0)
    rounds = "；".join(
        f"{r.name} {r.opens_at:%m月%d日 %H:%M}—{r.closes_at:%m月%d日 %H:%M}" for r in competition.rounds.all()
    )
    story = [
        Paragraph(escape(competition.name), title),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"{enterprise.name} 职工扫码参与"), sub),
        Spacer(1, 8 * mm),
        Image(png, width=110 * mm, height=110 * mm),
        Spacer(1, 8 * mm),
        Paragraph(
            escape(f"每卷 {competition.question_count} 题，限时 {competition.time_limit_seconds // 60} 分钟"), body
        ),
        Paragraph(escape(rounds), body),
        Spacer(1, 4 * mm),
        Paragraph(escape("手机扫描二维码，填写姓名、身份证号、手机号即可答题，无需注册。"), body),
        Paragraph(escape(f"主办：{competition.plan.city.name}人力资源和社会保障局"), body),
    ]
    buffer = io.BytesIO()
    _doc(buffer, f"{competition.name} 海报 {enterprise.name}").build(story)
    return buffer.getvalue()


def awards_pdf(competition, rows) -> bytes:
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=20, leading=28, alignment=1)
    small = ParagraphStyle("s", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    table_rows = [["名次", "奖项", "姓名", "身份证号", "单位", "成绩", "用时（秒）"]] + [
        [r.rank, r.award, r.name, r.id_masked, Paragraph(escape(r.enterprise), small), r.score, str(r.seconds)]
        for r in rows
    ]
    table = Table(table_rows, colWidths=[12 * mm, 18 * mm, 20 * mm, 38 * mm, 55 * mm, 14 * mm, 18 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eef2f7"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    rule = "排名规则：成绩高者在前；成绩相同，答题用时短者在前；再相同，交卷早者在前。"
    story = [
        Paragraph(escape(f"{competition.name} 获奖名单"), title),
        Spacer(1, 4 * mm),
        Paragraph(escape(rule), small),
        Spacer(1, 4 * mm),
        table if rows else Paragraph(escape("尚无获奖者。"), small),
    ]
    buffer = io.BytesIO()
    _doc(buffer, f"{competition.name} 获奖名单").build(story)
    return buffer.getvalue()
