"""The leaders' pages as Excel workbooks: the prevention effect (the estimate and every
enterprise behind it) and the plan years side by side."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from yufang.core.export import sheet_row
from yufang.core.scoping import ScopeKind, scope_of

from .effect import REPLICATES, SIZE_BANDS
from .selectors import GROUP_LABELS, Effect

CAVEATS = [
    "重点企业是因工伤事故发生率高、基金收支差而被选中培训的：这类企业次年往往自然回落（向均值回归），"
    "会让培训看起来比实际更有效。可勾选“不含当年重点企业”对照查看。",
    "各行业的企业数不多时，估计值波动很大：请看置信区间和每个数字背后的企业数，区间跨过 0 即不能说明有差别。",
    "这是观察数据的比较，不是因果证明：受训企业与对照企业可能在培训以外的方面不同（管理水平、安全投入、检查频次）。",
    "工伤认定、职业病确诊有滞后，后一年度的数字可能仍会增加。",
]


def scope_label(user) -> str:
    """Whose figures: the user's district, or the whole city."""
    if scope_of(user).kind == ScopeKind.REGION and user.organisation.region_id:
        return str(user.organisation.region)
    return "全市"


def rule_text(effect: Effect) -> list[str]:
    bands = "、".join(label for _, label in SIZE_BANDS)
    return [
        f"受训企业：{effect.year} 年完成培训的职工（按人去重，任一方式）占参保人数 ≥ {effect.threshold}%；"
        f"对照企业：{effect.year} 年无职工完成培训；介于两者之间的不计入。",
        f"前后比较：{effect.before_year} 年（培训前）与 {effect.after_year} 年（培训后）。工伤发生率 = 工伤事故与职业病件数 × 1000 ÷ 参保人数（‰）；"
        "赔付率 = 工伤保险基金支付 ÷ 缴纳工伤保险费（%）。",
        f"可比：同一行业、同一规模档（{effect.before_year} 年参保人数：{bands}）。每档内合并计算，各档按受训企业的参保人数加权。",
        "差异中的差异 =（受训企业后 − 前）−（对照企业后 − 前），负数表示受训企业改善更多。"
        f"95% 置信区间：在每档内对企业有放回重抽样 {REPLICATES} 次（固定随机种子，结果可复现）。",
    ]


def _f(value, digits: int):
    return None if value is None else round(value, digits)


def effect_xlsx(effect: Effect, rows: list, scope_label: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "差异中的差异"
    ws.append(sheet_row(ws, [f"{effect.year} 年培训的预防效果（{scope_label}）"]))
    ws["A1"].font = Font(bold=True, size=13)
    for line in rule_text(effect):
        ws.append(sheet_row(ws, [line]))
    ws.append([])
    header = [
        "行业",
        "受训企业数",
        "对照企业数",
        "未能配对企业数",
        "受训·前 发生率‰",
        "受训·后 发生率‰",
        "对照·前 发生率‰",
        "对照·后 发生率‰",
        "发生率 差异中的差异",
        "区间下限",
        "区间上限",
        "受训·前 赔付率%",
        "受训·后 赔付率%",
        "对照·前 赔付率%",
        "对照·后 赔付率%",
        "赔付率 差异中的差异",
        "区间下限",
        "区间上限",
        "样本少",
    ]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for e in [*effect.result.estimates, effect.result.overall]:
        values = [e.industry or "全部行业", e.trained, e.control, e.unmatched]
        for m, digits in ((e.rate, 2), (e.loss, 1)):
            if m is None:
                values += [None] * 7
            else:
                values += [
                    _f(m.trained_before, digits),
                    _f(m.trained_after, digits),
                    _f(m.control_before, digits),
                    _f(m.control_after, digits),
                    _f(m.estimate, digits),
                    _f(m.low, digits),
                    _f(m.high, digits),
                ]
        values.append("是" if e.small else "")
        ws.append(sheet_row(ws, values))
    ws.append([])
    ws.append(sheet_row(ws, ["注意"]))
    for line in CAVEATS:
        ws.append(sheet_row(ws, [line]))
    ws.column_dimensions["A"].width = 22
    for row in ws.iter_rows(min_row=2, max_row=5):
        row[0].alignment = Alignment(wrap_text=False)

    detail = wb.create_sheet("企业明细")
    detail.append(
        [
            "企业",
            "区县",
            "行业",
            "规模档",
            "参保人数",
            f"{effect.year}年受训人数",
            "受训占比%",
            "分组",
            "当年重点企业",
            "计入比较",
            f"{effect.before_year}年件数",
            f"{effect.before_year}年参保",
            f"{effect.before_year}年基金支付",
            f"{effect.before_year}年缴费",
            f"{effect.after_year}年件数",
            f"{effect.after_year}年参保",
            f"{effect.after_year}年基金支付",
            f"{effect.after_year}年缴费",
        ]
    )
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for r in rows:
        before = list(r.before) if r.before else [None] * 4
        after = list(r.after) if r.after else [None] * 4
        detail.append(
            sheet_row(
                detail,
                [
                    r.name,
                    r.region,
                    r.industry,
                    r.band,
                    r.insured,
                    r.trained_people,
                    float(r.share) if r.share is not None else None,
                    GROUP_LABELS[r.group],
                    "是" if r.key else "",
                    "是" if r.included else "",
                    *before,
                    *after,
                ],
            )
        )
    detail.column_dimensions["A"].width = 34
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def years_xlsx(table, scope_label: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "历年关键指标"
    ws.append(sheet_row(ws, [f"历年关键指标（{scope_label}）"]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(sheet_row(ws, ["指标", "单位", *[f"{c.year} 年" for c in table.columns]]))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for key, label, unit in table.rows:
        values = []
        for c in table.columns:
            value = c.figures.get(key)
            if key.startswith("target:") and value is not None:
                achieved, threshold = value
                value = achieved if threshold is None else f"{achieved} / {threshold:.0f}"
            elif value is not None and not isinstance(value, int):
                value = float(value)
            values.append(value)
        ws.append(
            sheet_row(
                ws,
                [
                    label + ("（完成 / 目标）" if key.startswith("target:") and not table.district else ""),
                    unit,
                    *values,
                ],
            )
        )
    ws.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
