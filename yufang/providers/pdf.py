"""The agreement as a Chinese PDF, generated from the record. STSong-Light is one of the
Adobe CID fonts every PDF reader carries, so no font file ships with the platform."""

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yufang.core.masking import mask_phone
from yufang.plans.models import yuan

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def agreement_pdf(agreement) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=2)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", firstLineIndent=21)
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)

    story = [
        _p("工伤预防项目服务协议", title),
        _p(
            f"协议编号：{agreement.number}　　状态：{agreement.get_status_display()}",
            ParagraphStyle("c", parent=plain, alignment=1),
        ),
        Spacer(1, 4 * mm),
        _p(f"甲方（委托方）：{agreement.agency.name}", plain),
        _p(f"乙方（服务机构）：{agreement.provider.name}　统一社会信用代码：{agreement.provider.credit_code}", plain),
        _p(f"项目名称：{agreement.title}（预算项目：{agreement.item.name}）", plain),
    ]
    sections = [
        ("一、服务内容", agreement.content),
        ("二、服务期限", f"自 {agreement.period_start:%Y年%m月%d日} 起至 {agreement.period_end:%Y年%m月%d日} 止。"),
        (
            "三、协议金额与付款",
            f"协议金额为人民币 {yuan(agreement.price)}，预付比例 {agreement.advance_percent}%"
            f"（{yuan(agreement.advance_amount)}）。\n{agreement.payment_terms}",
        ),
        ("五、双方权利义务", agreement.rights_obligations),
        ("六、报告与档案管理", agreement.reporting_duties),
        ("七、违约责任", agreement.liability),
        ("八、争议解决", agreement.dispute_resolution),
        ("九、协议终止", agreement.termination_conditions),
    ]
    for heading_text, text in sections[:3]:
        story += [_p(heading_text, heading), _p(text, body)]

    story.append(_p("四、服务数量指标", heading))
    rows = [[_p(h, plain) for h in ("指标", "行业", "岗位", "说明", "计划数")]]
    for i in agreement.indicators.select_related("industry", "position"):
        rows.append(
            [
                _p(i.get_kind_display(), plain),
                _p(i.industry.name if i.industry else "—", plain),
                _p(i.position.name if i.position else "—", plain),
                _p(i.description or "", plain),
                _p(str(i.planned), plain),
            ]
        )
    table = Table(rows, colWidths=[32 * mm, 28 * mm, 32 * mm, 50 * mm, 22 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)

    for heading_text, text in sections[3:]:
        story += [_p(heading_text, heading), _p(text, body)]

    team = [m for m in agreement.team.all() if m.is_active]
    story.append(_p("十、乙方项目组成员（原则上不更换）", heading))
    story.append(_p("；".join(f"{m.name}（{m.role}，{mask_phone(m.phone)}）" for m in team) or "—", body))
    for amendment in agreement.amendments.all():
        story.append(_p(f"协议变更（第{amendment.sequence}次）：{amendment.reason}", body))

    story += [
        Spacer(1, 10 * mm),
        _p(f"甲方（盖章）：{agreement.agency.name}　　　　乙方（盖章）：{agreement.provider.name}", plain),
        _p(f"签订日期：{agreement.signed_on:%Y年%m月%d日}" if agreement.signed_on else "签订日期：（未签订）", plain),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{agreement.number} 工伤预防项目服务协议",
    )
    doc.build(story)
    return buffer.getvalue()
