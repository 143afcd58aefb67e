"""/api/v1/projects/: the same records and moves as the pages, the same scoping (another
organisation's record is a 404)."""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from yufang.accounts.models import User
from yufang.core.api import PageNumberPagination, scoped_object

from . import selectors, services
from .models import (
    Acceptance,
    CompletionReport,
    Deduction,
    Extension,
    Payment,
    PlanVersion,
    ProgressReport,
    Project,
)

router = Router(tags=["工伤预防项目"])


class TransitionIn(Schema):
    action: str
    note: str = ""


class ProjectTransitionIn(TransitionIn):
    reason: str = ""
    new_deadline: datetime.date | None = None


class ProjectOut(Schema):
    id: int
    name: str
    agreement_id: int
    agreement_number: str = Field(alias="agreement.number")
    provider_id: int
    provider_name: str = Field(alias="provider.name")
    year: int = Field(alias="plan.year")
    price: Decimal = Field(alias="agreement.price")
    paid: Decimal = Field(alias="agreement.paid")
    status: str
    status_label: str = Field(alias="get_status_display")
    approved_plan_id: int | None
    original_deadline: datetime.date
    deadline: datetime.date


class FigureOut(Schema):
    id: int
    kind: str
    label: str
    planned: int
    platform_count: int | None
    achieved: int


class CostItemIO(Schema):
    category: str
    name: str
    amount: Decimal


class IndicatorIO(Schema):
    kind: str
    planned: int
    description: str = ""
    industry_id: int | None = None
    position_id: int | None = None


class PlanVersionOut(Schema):
    id: int
    project_id: int
    number: int
    title: str
    goals: str
    mode: str
    sessions: int
    headcount: int
    start_date: datetime.date
    completion_date: datetime.date
    schedule: str
    team: str
    report_interval_months: int
    change_reason: str
    state: str
    state_label: str = Field(alias="get_state_display")
    decision_note: str
    cost_items: list[CostItemIO]
    indicators: list[IndicatorIO]

    @staticmethod
    def resolve_cost_items(obj) -> list:
        return list(obj.cost_items.all())

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.all())


class PlanVersionIn(Schema):
    title: str
    goals: str
    mode: str
    sessions: int = 0
    headcount: int = 0
    start_date: datetime.date
    completion_date: datetime.date
    schedule: str
    team: str
    report_interval_months: int = 1
    change_reason: str = ""
    cost_items: list[CostItemIO]
    indicators: list[IndicatorIO]


class ReportOut(Schema):
    id: int
    project_id: int
    sequence: int
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date
    status: str
    status_label: str = Field(alias="get_status_display")
    narrative: str
    decision_note: str
    figures: list[FigureOut]

    @staticmethod
    def resolve_figures(obj) -> list:
        return list(obj.figures.all())


class AchievedIn(Schema):
    figure_id: int
    achieved: int


class ReportIn(Schema):
    narrative: str
    achieved: list[AchievedIn] = []


class ExtensionOut(Schema):
    id: int
    project_id: int
    reason: str
    old_deadline: datetime.date
    new_deadline: datetime.date
    status: str
    decision_note: str


class CompletionOut(Schema):
    id: int
    project_id: int
    goals: str
    signing: str
    performance: str
    payments: str
    effect: str
    submitted_at: datetime.datetime | None
    figures: list[FigureOut]

    @staticmethod
    def resolve_figures(obj) -> list:
        return list(obj.figures.all())


class CompletionIn(Schema):
    goals: str = ""
    signing: str = ""
    performance: str = ""
    payments: str = ""
    effect: str = ""
    achieved: list[AchievedIn] = []


class AcceptanceIndicatorIO(Schema):
    id: int | None = None
    name: str
    weight: Decimal
    max_score: Decimal = Decimal("100")


class SheetOut(Schema):
    member_id: int
    total: Decimal
    remarks: str


class AcceptanceOut(Schema):
    id: int
    project_id: int
    convened_on: datetime.date
    pass_mark: Decimal
    member_ids: list[int]
    indicators: list[AcceptanceIndicatorIO]
    sheets: list[SheetOut]
    result: str
    average_score: Decimal | None
    conclusion: str
    report_number: str

    @staticmethod
    def resolve_member_ids(obj) -> list[int]:
        return list(obj.members.values_list("pk", flat=True))

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_sheets(obj) -> list:
        return list(obj.sheets.all())


class ConveneIn(Schema):
    convened_on: datetime.date
    member_ids: list[int]
    pass_mark: Decimal = Decimal("60")
    indicators: list[AcceptanceIndicatorIO] = []


class ScoreIn(Schema):
    indicator_id: int
    value: Decimal


class ScoresIn(Schema):
    scores: list[ScoreIn]
    remarks: str = ""


class PaymentOut(Schema):
    id: int
    project_id: int
    kind: str
    amount: Decimal
    status: str
    status_label: str = Field(alias="get_status_display")
    basis: str
    voucher_number: str
    paid_on: datetime.date | None
    decision_note: str


class PaymentIn(Schema):
    kind: str
    amount: Decimal | None = None


class PaymentTransitionIn(TransitionIn):
    voucher_number: str = ""
    paid_on: datetime.date | None = None


class DeductionOut(Schema):
    id: int
    project_id: int
    amount: Decimal
    source: str
    reason: str
    status: str
    objection: str
    decision_note: str


class DeductionIn(Schema):
    amount: Decimal
    source: str
    reason: str


def _project(request, pk) -> Project:
    return scoped_object(request, Project.objects.select_related("agreement", "provider", "plan"), pk=pk)


# --- Projects -------------------------------------------------------------------------------


@router.get("", response=list[ProjectOut], summary="项目列表")
@paginate(PageNumberPagination, page_size=50)
def projects(request, q: str = "", status: str = "", year: int | None = None):
    return selectors.project_list(user=request.auth, q=q, status=status, year=year)


@router.get("/{int:pk}", response=ProjectOut, summary="项目详情")
def project(request, pk: int):
    return _project(request, pk)


@router.post(
    "/{int:pk}/transitions", response=ProjectOut, summary="提交/审核实施方案、开始、延期、验收、结算、归档、终止"
)
def project_transition(request, pk: int, payload: ProjectTransitionIn):
    obj = _project(request, pk)
    params = {}
    if payload.action == "request_extension":
        params = {"reason": payload.reason, "new_deadline": payload.new_deadline}
    return services.project_transition(
        project=obj, action=payload.action, actor=request.auth, note=payload.note, **params
    )


# --- Plan versions ----------------------------------------------------------------------------


def _plan_rows(payload: PlanVersionIn):
    data = payload.dict()
    cost_items = data.pop("cost_items")
    indicators = [
        {**i, "industry": i.pop("industry_id"), "position": i.pop("position_id")} for i in data.pop("indicators")
    ]
    return data, cost_items, indicators


@router.get("/{int:pk}/plan-versions", response=list[PlanVersionOut], summary="项目的实施方案各版本")
def plan_versions(request, pk: int):
    return list(_project(request, pk).plan_versions.all())


@router.post("/{int:pk}/plan-versions", response={201: PlanVersionOut}, summary="填写实施方案（新版本草稿）")
def plan_version_create(request, pk: int, payload: PlanVersionIn):
    data, cost_items, indicators = _plan_rows(payload)
    return 201, services.plan_version_create(
        project=_project(request, pk), data=data, cost_items=cost_items, indicators=indicators, actor=request.auth
    )


@router.get("/plan-versions/{int:pk}", response=PlanVersionOut, summary="实施方案版本")
def plan_version(request, pk: int):
    return scoped_object(request, PlanVersion, pk=pk)


@router.put("/plan-versions/{int:pk}", response=PlanVersionOut, summary="修改实施方案草稿")
def plan_version_update(request, pk: int, payload: PlanVersionIn):
    data, cost_items, indicators = _plan_rows(payload)
    return services.plan_version_update(
        version=scoped_object(request, PlanVersion, pk=pk),
        data=data,
        cost_items=cost_items,
        indicators=indicators,
        actor=request.auth,
    )


@router.post("/plan-versions/{int:pk}/transitions", response=PlanVersionOut, summary="实施方案变更：提交/批准/退回")
def plan_version_transition(request, pk: int, payload: TransitionIn):
    obj = scoped_object(request, PlanVersion.objects.select_related("project"), pk=pk)
    return services.plan_change_transition(version=obj, action=payload.action, actor=request.auth, note=payload.note)


# --- Reports ----------------------------------------------------------------------------------


@router.get("/reports", response=list[ReportOut], summary="进度报告列表")
@paginate(PageNumberPagination, page_size=50)
def reports(request, status: str = "", overdue: str = ""):
    return selectors.report_list(user=request.auth, status=status, overdue=overdue, on_date=timezone.localdate())


@router.get("/reports/{int:pk}", response=ReportOut, summary="进度报告")
def report(request, pk: int):
    return scoped_object(request, ProgressReport, pk=pk)


@router.get("/reports/{int:pk}/prefill", response=dict[int, int | None], summary="平台记录预填数（按完成数量 id）")
def report_prefill(request, pk: int):
    return selectors.report_prefill(scoped_object(request, ProgressReport, pk=pk))


@router.put("/reports/{int:pk}", response=ReportOut, summary="填写进度报告")
def report_save(request, pk: int, payload: ReportIn):
    obj = scoped_object(request, ProgressReport, pk=pk)
    return services.progress_report_save(
        report=obj,
        narrative=payload.narrative,
        achieved={a.figure_id: a.achieved for a in payload.achieved},
        actor=request.auth,
    )


@router.post("/reports/{int:pk}/transitions", response=ReportOut, summary="提交/接收/退回进度报告")
def report_transition(request, pk: int, payload: TransitionIn):
    obj = scoped_object(request, ProgressReport, pk=pk)
    return services.report_transition(report=obj, action=payload.action, actor=request.auth, note=payload.note)


@router.get("/extensions/{int:pk}", response=ExtensionOut, summary="延期申请")
def extension(request, pk: int):
    return scoped_object(request, Extension, pk=pk)


# --- Completion report and acceptance -----------------------------------------------------------


@router.get("/completion-reports/{int:pk}", response=CompletionOut, summary="项目实施情况报告")
def completion(request, pk: int):
    return scoped_object(request, CompletionReport, pk=pk)


@router.put("/{int:pk}/completion-report", response=CompletionOut, summary="填写项目实施情况报告")
def completion_save(request, pk: int, payload: CompletionIn):
    data = payload.dict()
    achieved = {a["figure_id"]: a["achieved"] for a in data.pop("achieved")}
    return services.completion_report_save(
        project=_project(request, pk), data=data, achieved=achieved, actor=request.auth
    )


@router.get("/acceptances/{int:pk}", response=AcceptanceOut, summary="评估验收")
def acceptance(request, pk: int):
    return scoped_object(request, Acceptance, pk=pk)


@router.post("/{int:pk}/acceptance", response={201: AcceptanceOut}, summary="组织评估验收小组")
def acceptance_convene(request, pk: int, payload: ConveneIn):
    members = list(User.objects.filter(pk__in=payload.member_ids))
    return 201, services.acceptance_convene(
        project=_project(request, pk),
        convened_on=payload.convened_on,
        members=members,
        pass_mark=payload.pass_mark,
        indicators=[i.dict(exclude={"id"}) for i in payload.indicators] or None,
        actor=request.auth,
    )


@router.post("/acceptances/{int:pk}/scores", response={201: SheetOut}, summary="评分（每位成员一次）")
def acceptance_score(request, pk: int, payload: ScoresIn):
    obj = scoped_object(request, Acceptance, pk=pk)
    return 201, services.acceptance_score(
        acceptance=obj,
        scores={s.indicator_id: s.value for s in payload.scores},
        remarks=payload.remarks,
        actor=request.auth,
    )


# --- Payments and deductions ------------------------------------------------------------------


@router.get("/payments", response=list[PaymentOut], summary="项目付款列表")
@paginate(PageNumberPagination, page_size=50)
def payments(request, status: str = "", kind: str = ""):
    return selectors.payment_list(user=request.auth, status=status, kind=kind)


@router.get("/payments/{int:pk}", response=PaymentOut, summary="付款详情")
def payment(request, pk: int):
    return scoped_object(request, Payment, pk=pk)


@router.post("/{int:pk}/payments", response={201: PaymentOut}, summary="申请预付款或尾款")
def payment_request(request, pk: int, payload: PaymentIn):
    return 201, services.payment_request(
        project=_project(request, pk), kind=payload.kind, amount=payload.amount, actor=request.auth
    )


@router.post("/payments/{int:pk}/transitions", response=PaymentOut, summary="审核 / 审批 / 支付 / 不予支付")
def payment_transition(request, pk: int, payload: PaymentTransitionIn):
    obj = scoped_object(request, Payment.objects.select_related("project"), pk=pk)
    return services.payment_transition(
        payment=obj,
        action=payload.action,
        actor=request.auth,
        note=payload.note,
        voucher_number=payload.voucher_number,
        paid_on=payload.paid_on,
    )


@router.get("/deductions", response=list[DeductionOut], summary="扣减项目费用列表")
@paginate(PageNumberPagination, page_size=50)
def deductions(request, status: str = ""):
    return selectors.deduction_list(user=request.auth, status=status)


@router.get("/deductions/{int:pk}", response=DeductionOut, summary="扣减详情")
def deduction(request, pk: int):
    return scoped_object(request, Deduction, pk=pk)


@router.post("/{int:pk}/deductions", response={201: DeductionOut}, summary="记录扣减项目费用")
def deduction_create(request, pk: int, payload: DeductionIn):
    return 201, services.deduction_create(project=_project(request, pk), data=payload.dict(), actor=request.auth)


@router.post("/deductions/{int:pk}/transitions", response=DeductionOut, summary="提出异议 / 维持 / 撤销")
def deduction_transition(request, pk: int, payload: TransitionIn):
    obj = scoped_object(request, Deduction.objects.select_related("project"), pk=pk)
    return services.deduction_transition(deduction=obj, action=payload.action, actor=request.auth, note=payload.note)
