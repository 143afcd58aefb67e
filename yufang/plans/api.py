import datetime
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from yufang.core.api import PageNumberPagination, scoped_object

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


class PlanIn(Schema):
    city_id: int
    year: int
    title: str
    doc_number: str = ""
    issuing_departments: str = ""
    issue_date: datetime.date | None = None
    fund_amount: Decimal
    premium_income: Decimal
    benefits_secured: bool = False
    base_cap_percent: Decimal = Decimal("3.00")
    max_cap_percent: Decimal = Decimal("5.00")
    approval_doc_number: str = ""
    approval_date: datetime.date | None = None


class PlanPatch(Schema):
    title: str | None = None
    doc_number: str | None = None
    issuing_departments: str | None = None
    issue_date: datetime.date | None = None
    fund_amount: Decimal | None = None
    premium_income: Decimal | None = None
    benefits_secured: bool | None = None
    approval_doc_number: str | None = None
    approval_date: datetime.date | None = None


class ItemIn(Schema):
    category: str
    name: str
    implementer_kind: str
    amount: Decimal
    description: str = ""
    remarks: str = ""


class BudgetIn(Schema):
    lines: dict[str, Decimal]
    items: list[ItemIn]


@router.post("/plans", response={201: PlanDetailOut}, summary="新建实施方案（超过提取比例上限的被拒绝）")
def plan_create(request, payload: PlanIn):
    from yufang.reference.models import City

    data = payload.dict()
    data["city"] = scoped_object(request, City, pk=data.pop("city_id"))
    plan = services.plan_create(actor=request.auth, data=data)
    return 201, _detail(request, Plan.objects.select_related("city").get(pk=plan.pk))


@router.patch("/plans/{int:pk}", response=PlanDetailOut, summary="修改草稿实施方案")
def plan_update(request, pk: int, payload: PlanPatch):
    obj = scoped_object(request, Plan, pk=pk)
    services.plan_update(actor=request.auth, plan=obj, data=payload.dict(exclude_unset=True))
    return _detail(request, Plan.objects.select_related("city").get(pk=pk))


@router.put("/plans/{int:pk}/budget", response=PlanDetailOut, summary="设置预算科目与项目（科目合计须等于提取额度）")
def plan_budget_set(request, pk: int, payload: BudgetIn):
    obj = scoped_object(request, Plan, pk=pk)
    services.plan_set_budget(actor=request.auth, plan=obj, lines=payload.lines, items=[i.dict() for i in payload.items])
    return _detail(request, Plan.objects.select_related("city").get(pk=pk))
