"""The annual report to the province (年度工伤预防工作情况报表): one workbook for a plan year with
the tables a province asks for. Built by a background job (jobs.py); each sheet is one read."""

import io
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from yufang.core.export import sheet_row
from yufang.plans.models import BudgetItem, BudgetLine, Plan
from yufang.projects.models import Deduction, Project
from yufang.projects.models.money import DEDUCTION_COUNTS, PaymentStatus
from yufang.providers.models import Debarment
from yufang.publicity.models import Deliverable, DeliverableKind, DeliverableStatus, PlannedQuantity
from yufang.reference.models import Industry, Position, Region
from yufang.targets.models import Completion, Mode

MODES = list(Mode.choices)
COUNTING_RULE = (
    "培训人数按身份证号去重：同一人在一种方式中只计一次；“合计”列同一人只计一次（参加两种方式的人在各方式列各计一次）。"
    "范围：该年度完成培训、所在区县属本市或为本年度方案项目所培训的人员，含经导入的原系统记录。"
)
# Deliverable details that say how many people a piece of publicity reached, by kind.
REACH_FIELDS = {"targeted_push": ("planned_reach", "计划触达人数"), "event": ("attendance", "参加人数")}


def plan_completions(plan: Plan):
    return Completion.objects.filter(year=plan.year).filter(Q(region__city=plan.city_id) | Q(project__plan=plan))


def _bold(ws) -> None:
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _by_dimension(ws, plan: Plan, field: str, names: list[tuple[int, str]], title: str) -> int:
    completions = plan_completions(plan)
    cells: dict[tuple, int] = {}
    for key, mode, n in completions.values_list(field, "mode").annotate(n=Count("person_id", distinct=True)).order_by():
        cells[(key, mode)] = n
    totals = dict(completions.values_list(field).annotate(n=Count("person_id", distinct=True)).order_by())
    ws.append(sheet_row(ws, [title, *[label for _, label in MODES], "合计"]))
    _bold(ws)
    rows = 0
    for key, name in [*names, (None, "未登记")]:
        if key not in totals:
            continue
        ws.append(sheet_row(ws, [name, *[cells.get((key, mode), 0) for mode, _ in MODES], totals[key]]))
        rows += 1
    ws.column_dimensions["A"].width = 30
    return rows


def _training(wb: Workbook, plan: Plan) -> int:
    ws = wb.create_sheet("培训人数（方式）")
    completions = plan_completions(plan)
    by_mode = dict(completions.values_list("mode").annotate(n=Count("person_id", distinct=True)).order_by())
    ws.append(["培训方式", "人数"])
    _bold(ws)
    for mode, label in MODES:
        ws.append(sheet_row(ws, [label, by_mode.get(mode, 0)]))
    ws.append(sheet_row(ws, ["合计（同一人只计一次）", completions.values("person_id").distinct().count()]))
    ws.column_dimensions["A"].width = 28
    rows = len(MODES) + 1
    for field, model, title, sheet in (
        ("industry_id", Industry, "行业", "培训人数（行业）"),
        ("position_id", Position, "岗位", "培训人数（岗位）"),
        ("region_id", Region, "区县", "培训人数（区县）"),
    ):
        qs = model.objects.all()
        if model is Region:
            qs = qs.filter(city=plan.city_id)
        rows += _by_dimension(wb.create_sheet(sheet), plan, field, list(qs.values_list("pk", "name")), title)
    return rows


def _fund(wb: Workbook, plan: Plan) -> int:
    ws = wb.create_sheet("资金使用")
    ws.append(["预算科目", "预算项目", "预算（元）", "已承诺（元）", "已支付（元）", "支付进度（%）"])
    _bold(ws)
    items: dict[int, list[BudgetItem]] = defaultdict(list)
    for item in BudgetItem.objects.filter(line__plan=plan).order_by("line_id", "sort_order", "pk"):
        items[item.line_id].append(item)
    rows = 0

    def pct(paid: Decimal, amount: Decimal):
        return float((paid * 100 / amount).quantize(Decimal("0.1"))) if amount else None

    for line in BudgetLine.objects.filter(plan=plan).order_by("category"):
        label = line.get_category_display()
        for item in items[line.pk]:
            ws.append(
                sheet_row(
                    ws,
                    [label, item.name, item.amount, item.committed, item.paid, pct(item.paid, item.amount)],
                )
            )
            rows += 1
        ws.append(
            sheet_row(ws, [f"{label} 小计", "", line.amount, line.committed, line.paid, pct(line.paid, line.amount)])
        )
        _bold(ws)
        rows += 1
    totals = BudgetLine.objects.filter(plan=plan).aggregate(a=Sum("amount"), c=Sum("committed"), p=Sum("paid"))
    if totals["a"] is not None:
        ws.append(sheet_row(ws, ["合计", "", totals["a"], totals["c"], totals["p"], pct(totals["p"], totals["a"])]))
        _bold(ws)
    for col, width in zip("ABCDEF", (18, 36, 16, 16, 16, 14), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=5):
        for cell in row:
            cell.number_format = "#,##0.00"
    return rows


def _projects(wb: Workbook, plan: Plan) -> int:
    ws = wb.create_sheet("项目与验收")
    ws.append(
        [
            "项目",
            "服务机构",
            "预算项目",
            "协议金额（元）",
            "状态",
            "验收结论",
            "平均得分",
            "结论日期",
            "验收报告编号",
            "扣减（元）",
            "已支付（元）",
        ]
    )
    _bold(ws)
    projects = (
        Project.objects.filter(plan=plan)
        .select_related("provider", "agreement", "agreement__item", "acceptance")
        .annotate(
            deducted=Sum("deductions__amount", filter=Q(deductions__status__in=DEDUCTION_COUNTS)),
        )
        .order_by("name")
    )
    paid = dict(
        Project.objects.filter(plan=plan, payments__status=PaymentStatus.PAID)
        .values_list("pk")
        .annotate(n=Sum("payments__amount"))
        .order_by()
    )
    rows = 0
    for p in projects:
        acceptance = getattr(p, "acceptance", None)
        ws.append(
            sheet_row(
                ws,
                [
                    p.name,
                    p.provider.name,
                    p.agreement.item.name,
                    p.agreement.price,
                    p.get_status_display(),
                    acceptance.get_result_display() if acceptance else "未验收",
                    acceptance.average_score if acceptance else None,
                    acceptance.decided_on if acceptance else None,
                    acceptance.report_number if acceptance else "",
                    p.deducted or Decimal(0),
                    paid.get(p.pk, Decimal(0)),
                ],
            )
        )
        rows += 1
    for col, width in zip("ABCDEFGHIJK", (40, 30, 30, 16, 14, 10, 10, 12, 18, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    return rows


def _deductions(wb: Workbook, plan: Plan) -> int:
    ws = wb.create_sheet("扣减与禁入")
    ws.append(["一、扣减项目费用"])
    _bold(ws)
    ws.append(["项目", "服务机构", "来源", "金额（元）", "状态", "理由"])
    _bold(ws)
    rows = 0
    for d in Deduction.objects.filter(project__plan=plan).select_related("project", "project__provider"):
        ws.append(
            sheet_row(
                ws,
                [
                    d.project.name,
                    d.project.provider.name,
                    d.get_source_display(),
                    d.amount,
                    d.get_status_display(),
                    d.reason,
                ],
            )
        )
        rows += 1
    if not rows:
        ws.append(["（无）"])
    ws.append([])
    ws.append(sheet_row(ws, [f"二、禁止承接工伤预防项目的服务机构（{plan.year} 年内有效）"]))
    _bold(ws)
    ws.append(["服务机构", "事由", "决定文号", "决定机关", "起始日期", "截止日期", "状态"])
    _bold(ws)
    debarred = Debarment.objects.filter(
        start_date__year__lte=plan.year, end_date__year__gte=plan.year, provider__city=plan.city_id
    ).select_related("provider")
    count = 0
    for d in debarred.order_by("start_date"):
        ws.append(
            sheet_row(
                ws,
                [
                    d.provider.name,
                    d.get_ground_display(),
                    d.decision_number,
                    d.decided_by,
                    d.start_date,
                    d.end_date,
                    d.get_status_display(),
                ],
            )
        )
        count += 1
    if not count:
        ws.append(["（无）"])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["F"].width = 50
    return rows + count


def _publicity(wb: Workbook, plan: Plan) -> int:
    ws = wb.create_sheet("宣传覆盖")
    ws.append(["成果类型", "计量单位", "计划数量", "已验收数量", "已验收成果（项）", "覆盖人数", "覆盖人数口径"])
    _bold(ws)
    planned = dict(
        PlannedQuantity.objects.filter(project__plan=plan).values_list("kind_id").annotate(n=Sum("planned")).order_by()
    )
    accepted = Deliverable.objects.filter(project__plan=plan, status=DeliverableStatus.ACCEPTED)
    delivered = {
        kind: (quantity, n)
        for kind, quantity, n in accepted.values_list("kind_id").annotate(q=Sum("quantity"), n=Count("pk")).order_by()
    }
    reach: dict[int, int] = defaultdict(int)
    for kind_id, code, details in accepted.values_list("kind_id", "kind__code", "details"):
        field = REACH_FIELDS.get(code)
        if field and isinstance(details, dict):
            try:
                reach[kind_id] += int(details.get(field[0]) or 0)
            except (TypeError, ValueError):
                continue
    rows = 0
    for kind in DeliverableKind.objects.order_by("sort_order", "pk"):
        if kind.pk not in planned and kind.pk not in delivered:
            continue
        quantity, n = delivered.get(kind.pk, (0, 0))
        field = REACH_FIELDS.get(kind.code)
        ws.append(
            sheet_row(
                ws,
                [
                    kind.name,
                    kind.unit,
                    planned.get(kind.pk, 0),
                    quantity,
                    n,
                    reach.get(kind.pk, 0) if field else None,
                    f"已验收成果登记的{field[1]}之和" if field else "该类成果不登记覆盖人数",
                ],
            )
        )
        rows += 1
    if not rows:
        ws.append(["（本年度没有计划或已验收的宣传成果）"])
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["G"].width = 36
    return rows


SHEETS: list[tuple[str, Callable[[Workbook, Plan], int]]] = [
    ("培训人数", _training),
    ("资金使用", _fund),
    ("项目与验收", _projects),
    ("扣减与禁入", _deductions),
    ("宣传覆盖", _publicity),
]


def annual_report_xlsx(plan: Plan, step: Callable[[int, str], None] = lambda done, message: None) -> tuple[bytes, int]:
    """The workbook and how many data rows it holds. `step(done, message)` reports each sheet."""
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    cover.append(sheet_row(cover, [f"{plan.year} 年度{plan.city.name}工伤预防工作情况报表"]))
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(sheet_row(cover, ["实施方案", plan.title]))
    cover.append(sheet_row(cover, ["文号", plan.doc_number]))
    cover.append(sheet_row(cover, ["工伤预防费（元）", plan.fund_amount]))
    cover.append(sheet_row(cover, ["生成时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")]))
    cover.append(sheet_row(cover, ["培训人数口径", COUNTING_RULE]))
    cover.column_dimensions["A"].width = 18
    cover.column_dimensions["B"].width = 100
    rows = 0
    for index, (label, build) in enumerate(SHEETS, start=1):
        step(index - 1, f"正在生成：{label}")
        rows += build(wb, plan)
    step(len(SHEETS), "已完成")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), rows
