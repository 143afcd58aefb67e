"""The certificate as a PDF: what it states is frozen on the Certificate row; the QR code opens
the public verification page."""

import io
from xml.sax.saxutils import escape

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def certificate_pdf(certificate, verify_url: str) -> bytes:
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=24, leading=34, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    small = ParagraphStyle("s", parent=body, fontSize=9, leading=13)
    qr = segno.make(verify_url, error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=6, border=2)
    png.seek(0)
    rows = [["课程", "类别", "学时"]] + [[c["title"], c["kind"], c["hours"]] for c in certificate.courses]
    rows.append(["合计", "", str(certificate.total_hours)])
    table = Table(rows, colWidths=[150 * mm, 30 * mm, 25 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 11),
                ("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eef2f7"),
            ]
        )
    )
    story = [
        Paragraph(escape(f"{certificate.year}年度工伤预防线上培训合格证书"), title),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                f"{certificate.name}（身份证号 {certificate.id_masked}）于 {certificate.issued_on:%Y年%m月%d日} "
                f"完成{certificate.year}年度工伤预防线上培训规定的必修课程和选修学时，经考核合格，特发此证。"
            ),
            body,
        ),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 6 * mm),
        Table(
            [
                [
                    Paragraph(
                        escape(f"发证单位：{certificate.issuer}")
                        + "<br/>"
                        + escape(f"证书验证码：{certificate.code}")
                        + "<br/>"
                        + escape(f"扫描二维码或访问 {verify_url} 核验本证书。"),
                        small,
                    ),
                    Image(png, width=32 * mm, height=32 * mm),
                ]
            ],
            colWidths=[170 * mm, 40 * mm],
        ),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=15 * mm,
        title=f"培训合格证书 {certificate.code}",
    )
    doc.build(story)
    return buffer.getvalue()
