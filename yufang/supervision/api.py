"""/api/v1/supervision/: inspections, findings and call-backs, scoped like the pages; the
inspecting side plans, starts and finishes, requests and verifies rectification; the provider
answers."""

import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from yufang.core.api import PageNumberPagination, scoped_object
from yufang.core.scoping import get_scoped_or_404
from yufang.projects.models import Project
from yufang.reference.models import Region
from yufang.training.models import TrainingSession

from . import services
from .models import Callback, Finding, Inspection
from .selectors import callback_list, finding_list, inspection_list

router = Router(tags=["全过程监管"])


class InspectionOut(Schema):
    id: int
    organiser_id: int
    region_id: int
    project_id: int
    session_id: int | None
    subject_kind: str
    mode: str
    planned_on: datetime.date
    inspectors: str
    checklist_id: int
    checklist_version: int = Field(alias="checklist.version")
    status: str
    status_label: str = Field(alias="get_status_display")
    head_count: int | None
    signed_in_at_count: int | None
    conclusion: str


class InspectionIn(Schema):
    subject_kind: str
    mode: str
    planned_on: datetime.date
    inspectors: str = Field(min_length=1, max_length=200)
    project_id: int | None = None
    session_id: int | None = None
    region_id: int | None = None


class FindingOut(Schema):
    id: int
    inspection_id: int
    kind: str
    severity: str
    description: str
    status: str
    status_label: str = Field(alias="get_status_display")
    deadline: datetime.date | None
    answered_on: datetime.date | None
    closed_on: datetime.date | None
    on_time: bool | None
    proposed_amount: str | None
    deduction_id: int | None
    debarment_id: int | None

    @staticmethod
    def resolve_proposed_amount(obj) -> str | None:
        return None if obj.proposed_amount is None else str(obj.proposed_amount)


class FindingIn(Schema):
    kind: str
    severity: str
    description: str = Field(min_length=1)


class ActionIn(Schema):
    action: str
    note: str = Field("", max_length=2000)
    deadline: datetime.date | None = None


class CallbackOut(Schema):
    id: int
    project_id: int
    session_id: int | None
    size: int
    seed: int
    population: list[int]
    drawn: list[int]


@router.get("/inspections", response=list[InspectionOut], summary="监督检查列表")
@paginate(PageNumberPagination, page_size=100)
def inspections(request, status: str = "", subject_kind: str = ""):
    return inspection_list(user=request.auth, status=status, subject_kind=subject_kind).select_related("checklist")


@router.get("/inspections/{int:pk}", response=InspectionOut, summary="监督检查")
def inspection(request, pk: int):
    return scoped_object(request, Inspection.objects.select_related("checklist"), pk=pk)


@router.post("/inspections", response={201: InspectionOut}, summary="计划检查（经办机构；区县人社局限本区县）")
def inspection_create(request, payload: InspectionIn):
    data = payload.dict()
    if payload.session_id is not None:
        data["session"] = get_scoped_or_404(request.auth, TrainingSession, pk=payload.session_id)
    if payload.project_id is not None:
        data["project"] = get_scoped_or_404(request.auth, Project, pk=payload.project_id)
    if payload.region_id is not None:
        data["region"] = get_scoped_or_404(request.auth, Region, pk=payload.region_id)
    return 201, services.inspection_create(data=data, actor=request.auth)


@router.post("/inspections/{int:pk}/transition", response=InspectionOut, summary="开始、完成或取消检查")
def inspection_transition(request, pk: int, payload: ActionIn):
    obj = scoped_object(request, Inspection, pk=pk)
    return services.inspection_transition(inspection=obj, action=payload.action, actor=request.auth, note=payload.note)


@router.get("/findings", response=list[FindingOut], summary="检查发现问题列表")
@paginate(PageNumberPagination, page_size=100)
def findings(request, status: str = "", kind: str = "", severity: str = "", overdue: bool = False):
    return finding_list(user=request.auth, status=status, kind=kind, severity=severity, overdue=overdue)


@router.get("/findings/{int:pk}", response=FindingOut, summary="检查发现问题")
def finding(request, pk: int):
    return scoped_object(request, Finding, pk=pk)


@router.post("/inspections/{int:pk}/findings", response={201: FindingOut}, summary="记录发现的问题")
def finding_create(request, pk: int, payload: FindingIn):
    obj = scoped_object(request, Inspection, pk=pk)
    return 201, services.finding_create(inspection=obj, data=payload.dict(), actor=request.auth)


@router.post(
    "/findings/{int:pk}/transition",
    response=FindingOut,
    summary="下达整改（request，须 deadline）、复核通过（verify）、重新整改（reopen）、销号（close）",
)
def finding_transition(request, pk: int, payload: ActionIn):
    obj = scoped_object(request, Finding, pk=pk)
    params = {"deadline": payload.deadline} if payload.deadline else {}
    return services.finding_transition(
        finding=obj, action=payload.action, actor=request.auth, note=payload.note, **params
    )


@router.get("/callbacks", response=list[CallbackOut], summary="回访抽查列表（含随机种子与抽样范围）")
@paginate(PageNumberPagination, page_size=100)
def callbacks(request):
    return callback_list(user=request.auth)


@router.get("/callbacks/{int:pk}", response=CallbackOut, summary="回访抽查")
def callback(request, pk: int):
    return scoped_object(request, Callback, pk=pk)
