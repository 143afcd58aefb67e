import datetime
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from yufang.core.api import scoped_object

from . import services
from .models import Plan, PlanStatus
from .permissions import can_view_execution
from .selectors import plan_budget, plan_list

router = Router(tags=["实施方案与资金"])


class ItemOut(Schema):
    id: int
    name: str
    description: str
    implementer_kind: str
    amount: Decimal
    committed: Decimal | None = None
    paid: Decimal | None = None


class LineOut(Schema):
    id: int
    category: str
    category_label: str
    amount: Decimal
    committed: Decimal | None = None
    paid: Decimal | None = None
    items: list[ItemOut]


class PlanOut(Schema):
    id: int
    city_id: int
    year: int
    title: str
    doc_number: str
    issuing_departments: str
    issue_date: datetime.date | None
    status: PlanStatus
    fund_amount: Decimal
    premium_income: Decimal
    fund_percent: Decimal | None
    base_cap_percent: Decimal
    max_cap_percent: Decimal
    approval_doc_number: str
    approval_date: datetime.date | None


class PlanDetailOut(PlanOut):
    lines: list[LineOut]


class TransitionIn(Schema):
    action: str
    note: str = ""


@router.get("/plans", response=list[PlanOut], summary="实施方案列表")
@paginate(PageNumberPagination, page_size=50)
def plans(request, year: int | None = None, status: str = ""):
    return plan_list(user=request.auth, year=year, status=status)


def _detail(request, plan: Plan) -> dict:
    show_money = can_view_execution(request.auth)[0]

    def money(obj):
        return {"committed": obj.committed, "paid": obj.paid} if show_money else {}

    lines = [
        {
            "id": line.pk,
            "category": line.category,
            "category_label": line.get_category_display(),
            "amount": line.amount,
            **money(line),
            "items": [
                {
                    "id": i.pk,
                    "name": i.name,
                    "description": i.description,
                    "implementer_kind": i.implementer_kind,
                    "amount": i.amount,
                    **money(i),
                }
                for i in items
            ],
        }
        for line, items in plan_budget(user=request.auth, plan=plan)
    ]
    return {**PlanOut.from_orm(plan).dict(), "lines": lines}


@router.get("/plans/{int:pk}", response=PlanDetailOut, summary="实施方案详情（含预算科目、项目与执行）")
def plan(request, pk: int):
    return _detail(request, scoped_object(request, Plan.objects.select_related("city"), pk=pk))


@router.post(
    "/plans/{int:pk}/transition",
    response=PlanDetailOut,
    summary="实施方案状态变更（issue 印发 / withdraw 撤回 / close 结束 / reopen 重新开启）",
)
def plan_transition(request, pk: int, payload: TransitionIn):
    obj = scoped_object(request, Plan, pk=pk)
    services.plan_transition(plan=obj, action=payload.action, actor=request.auth, note=payload.note)
    return _detail(request, Plan.objects.select_related("city").get(pk=pk))
