"""The acceptance report (验收报告) and the payment voucher as Chinese PDFs, generated from the
records. STSong-Light is one of the Adobe CID fonts every PDF reader carries."""

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yufang.plans.models import yuan

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles():
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=2)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    return title, heading, body


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _table(rows, widths, style) -> Table:
    table = Table([[_p(c, style) for c in row] for row in rows], colWidths=[w * mm for w in widths])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _build(story, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
    )
    doc.build(story)
    return buffer.getvalue()


def acceptance_pdf(acceptance) -> bytes:
    title, heading, body = _styles()
    project = acceptance.project
    agreement = project.agreement
    indicators = list(acceptance.indicators.all())
    sheets = list(acceptance.sheets.select_related("member", "member__organisation").prefetch_related("scores"))
    story = [
        _p("工伤预防项目评估验收报告", title),
        _p(f"报告编号：{acceptance.report_number or '（尚未作出结论）'}", body),
        _p(f"项目名称：{project.name}", body),
        _p(f"服务机构：{project.provider.name}", body),
        _p(f"服务协议：{agreement.number}，协议金额 {yuan(agreement.price)}", body),
        _p(
            f"完成时限：{project.deadline:%Y年%m月%d日}"
            + (
                f"（原定 {project.original_deadline:%Y年%m月%d日}，经批准延期）"
                if project.deadline != project.original_deadline
                else ""
            ),
            body,
        ),
        _p(f"评估验收日期：{acceptance.convened_on:%Y年%m月%d日}　合格分数线：{acceptance.pass_mark} 分", body),
        _p("一、评估验收小组", heading),
        _p("；".join(f"{m.display_name or m.username}（{m.organisation}）" for m in acceptance.members.all()), body),
        _p("二、评分指标与权重", heading),
        _table(
            [["评分指标", "权重（%）", "满分"]] + [[i.name, i.weight, i.max_score] for i in indicators],
            [100, 30, 30],
            body,
        ),
        _p("三、成员评分", heading),
    ]
    header = ["成员", *[i.name for i in indicators], "加权得分", "意见"]
    rows = [header]
    for s in sheets:
        values = {sc.indicator_id: sc.value for sc in s.scores.all()}
        rows.append(
            [
                s.member.display_name or s.member.username,
                *[values.get(i.pk, "") for i in indicators],
                s.total,
                s.remarks,
            ]
        )
    width = 170 / len(header)
    story.append(_table(rows, [width] * len(header), body))
    completion = getattr(project, "completion_report", None)
    if completion is not None:
        story.append(_p("四、完成数量（平台实名记录）", heading))
        story.append(
            _table(
                [["指标", "计划数", "平台记录", "完成数"]]
                + [
                    [f.label, f.planned, "—" if f.platform_count is None else f.platform_count, f.achieved]
                    for f in completion.figures.all()
                ],
                [80, 30, 30, 30],
                body,
            )
        )
    result = acceptance.get_result_display() if acceptance.result else "待评定"
    average = acceptance.average_score if acceptance.average_score is not None else "—"
    story += [
        _p("五、验收结论", heading),
        _p(f"平均得分 {average} 分，合格分数线 {acceptance.pass_mark} 分，验收结论：{result}。", body),
        _p(acceptance.conclusion, body),
    ]
    if acceptance.result == "fail":
        story.append(_p("依据实施方案，评估验收不合格的服务机构三年内不得从事本市工伤预防项目，已列入禁入名单。", body))
    story += [
        Spacer(1, 10 * mm),
        _p("评估验收小组（签字）：", body),
        _p(f"日期：{acceptance.decided_on:%Y年%m月%d日}" if acceptance.decided_on else "日期：", body),
    ]
    return _build(story, f"{project.name} 评估验收报告")


def voucher_pdf(payment) -> bytes:
    title, heading, body = _styles()
    project = payment.project
    agreement = project.agreement
    rows = [
        ["付款类别", payment.get_kind_display()],
        ["项目名称", project.name],
        ["服务协议", f"{agreement.number} {agreement.title}"],
        ["收款单位", project.provider.name],
        ["预算项目", agreement.item.name],
        ["付款金额", yuan(payment.amount)],
        ["计算依据", payment.basis],
        ["状态", payment.get_status_display()],
        ["支付凭证号", payment.voucher_number or "—"],
        ["支付日期", f"{payment.paid_on:%Y年%m月%d日}" if payment.paid_on else "—"],
        ["协议已付合计", yuan(agreement.paid)],
    ]
    story = [
        _p("工伤预防项目付款凭证", title),
        _p(f"付款单位：{agreement.agency.name}", body),
        Spacer(1, 4 * mm),
        _table(rows, [40, 130], body),
        Spacer(1, 10 * mm),
        _p("经办：　　　　　　审核：　　　　　　审批：", body),
    ]
    return _build(story, f"{project.name} {payment.get_kind_display()} 付款凭证")
