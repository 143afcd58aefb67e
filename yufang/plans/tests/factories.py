"""Plans built through the real services."""

import datetime
from decimal import Decimal

from yufang.plans import services
from yufang.plans.models import BudgetItem, Plan

D = Decimal

# The 2023 Zibo plan's lines (seed 附件); item amounts are a demo allocation within them.
ZIBO_ITEMS = [
    ("publicity", "传统媒体工伤预防宣传", "publicity", D("150000.00")),
    ("publicity", "新媒体工伤预防宣传", "publicity", D("250000.00")),
    ("publicity", "定制工伤保险宣传资料", "publicity", D("100000.00")),
    ("training", "危险化学品企业工伤预防线下培训", "training", D("500000.00")),
    ("training", "建筑业、机械制造、交通运输等重点行业工伤预防线下培训", "training", D("300000.00")),
    ("training", "云享平台工伤预防培训（线上）", "training", D("200000.00")),
]


ZIBO_FUND = D("1500000.00")


def make_plan(world, *, year: int = 2023, issue: bool = True, fund: Decimal = ZIBO_FUND) -> Plan:
    plan = services.plan_create(
        actor=world.owner,
        data={
            "city": world.city,
            "year": year,
            "title": f"{year}年度测试市工伤预防实施方案",
            "doc_number": f"测人社字〔{year}〕65号",
            "issuing_departments": "市人力资源和社会保障局、市财政局、市卫生健康委员会、市应急管理局",
            "issue_date": datetime.date(year, 8, 15),
            "fund_amount": fund,
            "premium_income": D("60000000.00"),
            "benefits_secured": True,
        },
    )
    scale = fund / D("1500000.00")
    services.plan_set_budget(
        actor=world.owner,
        plan=plan,
        lines={
            "publicity": (D("500000.00") * scale).quantize(D("0.01")),
            "training": fund - (D("500000.00") * scale).quantize(D("0.01")),
        },
        items=[
            {"category": c, "name": n, "implementer_kind": k, "amount": (a * scale).quantize(D("0.01"))}
            for c, n, k, a in ZIBO_ITEMS
        ],
    )
    if issue:
        services.plan_transition(plan=plan, action="issue", actor=world.owner)
    return plan


def item(plan: Plan, name_part: str) -> BudgetItem:
    return BudgetItem.objects.get(line__plan=plan, name__contains=name_part)
