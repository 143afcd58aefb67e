"""The monthly briefing as an A4 PDF: the text, the figures as tables and four charts drawn on
the server with reportlab's graphics (the same library and CJK font as the certificates and
the quiz's printed pieces; no browser, no new dependency)."""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yufang.learning.pdf import _font
from yufang.targets.models import Mode
from yufang.training.models import FlagStatus

from .briefing import PACE_RULE, STATE_RULE

WIDTH = 174 * mm
PALETTE = [colors.HexColor(c) for c in ("#2f6fb0", "#e0892b", "#4b9a52", "#b54646", "#7a5aa8", "#888888")]


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle("t", fontName=font, fontSize=20, leading=28, alignment=1),
        "sub": ParagraphStyle("s", fontName=font, fontSize=11, leading=16, alignment=1, textColor="#555555"),
        "h": ParagraphStyle("h", fontName=font, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4),
        "body": body,
        "small": ParagraphStyle("m", parent=body, fontSize=8.5, leading=12, textColor="#555555"),
    }


def _table(font: str, rows: list[list], widths: list[float] | None = None) -> Table:
    """A grid; the first column wraps (long target names)."""
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    table = Table(
        [[Paragraph(escape(str(r[0])), cell), *[str(c) for c in r[1:]]] for r in rows], colWidths=widths, repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, "#aaaaaa"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eef2f7"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("ALIGN", (1, 0), (-1, 0), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _legend(font: str, drawing: Drawing, names: list[str], x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x - 62 * len(names), y
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 60
    legend.colorNamePairs = list(zip(PALETTE, names, strict=False))
    drawing.add(legend)


def _bars(
    font: str,
    title: str,
    categories: list[str],
    series: list[list[float]],
    names: list[str],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    height: float = 62 * mm,
) -> Drawing:
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 10, title, fontName=font, fontSize=10))
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (45 * mm, 8 * mm) if horizontal else (12 * mm, 14 * mm)
    chart.width = WIDTH - chart.x - 5 * mm
    chart.height = height - chart.y - 22
    chart.data = [tuple(s) or (0,) for s in series] or [(0,)]
    chart.categoryAxis.categoryNames = categories or [""]
    for axis in (chart.categoryAxis.labels, chart.valueAxis.labels):
        axis.fontName, axis.fontSize = font, 7
    if not horizontal and len(categories) > 6:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    if stacked:
        chart.categoryAxis.style = "stacked"
    for i in range(len(series)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if len(names) > 1:
        _legend(font, drawing, names, WIDTH, height - 8)
    return drawing


def _charts(font: str, f: dict) -> list:
    targets = f["targets"]
    short = [t["name"][:14] for t in targets]
    charts = [
        _bars(
            font,
            "目标完成进度与时间进度（%）",
            short,
            [[t["percent"] or 0 for t in targets], [t["pace"] for t in targets]],
            ["完成进度", "时间进度"],
            horizontal=True,
            height=max(45, 14 * len(targets) + 30) * mm / 2.2,
        )
    ]
    districts = f["training"]["districts"]
    if len(districts) > 1:
        charts.append(
            _bars(
                font,
                "各区县培训人数（按方式）",
                [d["name"] for d in districts],
                [[d[m] for d in districts] for m in Mode.values],
                [label for _, label in Mode.choices],
                stacked=True,
            )
        )
    fund = f["fund"]
    charts.append(
        _bars(
            font,
            "资金执行（万元）" if f["scope"] == "全市" else "资金执行（万元，全市）",
            [line["name"] for line in fund],
            [[float(Decimal(line[k]) / 10000) for line in fund] for k in ("amount", "committed", "paid")],
            ["预算", "已承诺", "已支付"],
            height=52 * mm,
        )
    )
    o = f["online"]
    charts.append(
        _bars(
            font,
            "线上培训漏斗（人）",
            ["报名", "已开始", "已完成", "取得证书"],
            [[o["enrolled"], o["started"], o["completed"], o["certified"]]],
            ["人数"],
            height=48 * mm,
        )
    )
    return charts


def _target_table(font: str, f: dict) -> list:
    rows = [["目标", "完成", "目标值", "完成进度", "时间进度", "状态"]]
    for t in f["targets"]:
        state = "已完成" if (t["percent"] or 0) >= 100 else ("滞后" if t["lagging"] else "正常")
        rows.append(
            [
                t["name"],
                f"{t['figure'] or 0:,}",
                f"{t['threshold']:,.0f}",
                f"{t['percent'] or 0}%",
                f"{t['pace']}%",
                state,
            ]
        )
    story = [_table(font, rows, [62 * mm, 24 * mm, 24 * mm, 22 * mm, 22 * mm, 20 * mm])]
    lagging = [(t["name"], d) for t in f["targets"] for d in t["districts"] if d["lagging"]]
    if lagging:
        rows = [["目标", "区县", "完成", "分解数", "完成进度"]]
        rows += [[n, d["name"], f"{d['value']:,}", f"{d['part']:,}", f"{d['percent']}%"] for n, d in lagging]
        story += [Spacer(1, 3 * mm), _table(font, rows, [62 * mm, 30 * mm, 26 * mm, 26 * mm, 30 * mm])]
    return story


def _other_tables(font: str, f: dict, st: dict) -> list:
    fund = [["预算科目", "预算（元）", "已承诺（元）", "已支付（元）", "支付进度"]]
    fund += [
        [
            x["name"],
            f"{Decimal(x['amount']):,.2f}",
            f"{Decimal(x['committed']):,.2f}",
            f"{Decimal(x['paid']):,.2f}",
            f"{x['paid_pct'] or 0}%",
        ]
        for x in f["fund"]
    ]
    p = f["projects"]
    projects = [["项目阶段", "个数"]] + [[s["name"], s["n"]] for s in p["by_status"]] + [["合计", p["total"]]]
    training = [["培训方式", "人数"]] + [[m["name"], f"{m['n']:,}"] for m in f["training"]["modes"]]
    training.append(["合计（同一人只计一次）", f"{f['training']['total']:,}"])
    reach = [["宣传成果", "计划", "已验收", "完成"]]
    reach += [[r["name"], r["planned"], r["delivered"], f"{r['percent'] or 0}%"] for r in f["reach"]["publicity"]]
    reach += [
        [f"竞答：{q['name']}"[:24], f"{q['participants']:,} 人", f"{q['enterprises']:,} 家企业达标", ""]
        for q in f["reach"]["quizzes"]
    ]
    o = f["oversight"]
    flags = o["flags"]
    oversight = [
        ["督导与预警", "数量"],
        ["培训场次 / 已检查", f"{o['sessions']} / {o['sessions_inspected']}"],
        [
            "发现问题 / 按期整改 / 逾期整改 / 逾期未整改",
            f"{o['findings']} / {o['on_time']} / {o['late']} / {o['overdue']}",
        ],
        ["逾期未提交的进度报告", p["overdue_reports"]],
        [
            "预警：待核查 / 已核实为问题 / 已核实无问题",
            f"{flags.get(FlagStatus.OPEN, 0)} / {flags.get(FlagStatus.CONFIRMED, 0)} / {flags.get(FlagStatus.DISMISSED, 0)}",
        ],
    ]
    story = []
    for title, rows, widths in (
        ("资金执行", fund, [50 * mm, 32 * mm, 32 * mm, 32 * mm, 24 * mm]),
        ("项目阶段", projects, [80 * mm, 30 * mm]),
        ("培训人数（按方式）", training, [80 * mm, 30 * mm]),
        ("宣传与知识竞答", reach, [70 * mm, 30 * mm, 40 * mm, 24 * mm]),
        ("督导检查与预警", oversight, [110 * mm, 50 * mm]),
    ):
        story += [Paragraph(escape(title), st["h"]), _table(font, rows, widths)]
    return story


def briefing_pdf(figures: dict, text: list[str], *, city: str) -> bytes:
    font = _font()
    st = _styles(font)
    f = figures
    title = f"{city}工伤预防工作简报"
    story = [
        Paragraph(escape(title), st["title"]),
        Paragraph(escape(f"{f['year']} 年 {f['month']} 月 · {f['scope']} · 统计截至 {f['as_of']}"), st["sub"]),
        Spacer(1, 5 * mm),
        Paragraph("一、本月情况", st["h"]),
        *[Paragraph(escape(line), st["body"]) for line in text],
        Paragraph("二、目标进度", st["h"]),
        *_target_table(font, f),
        Spacer(1, 3 * mm),
        *_charts(font, f),
        Paragraph("三、分项数据", st["h"]),
        *_other_tables(font, f, st),
        Spacer(1, 4 * mm),
        Paragraph(escape(f"口径：{PACE_RULE}{STATE_RULE}"), st["small"]),
        Paragraph(escape(f"依据：{f['plan']['title']}。本简报由平台按各页面的同一口径自动生成。"), st["small"]),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=15 * mm,
        title=title,
    ).build(story)
    return buffer.getvalue()
