"""/api/v1/publicity/ (reach): a video's view readings, a push's audience and delivery rows, a
print run's stock and distributions with the district's confirmation, and a plan's reach
figures. Scoped like the pages: providers their own, a district what reached it, officials all."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from yufang.accounts.models import Organisation
from yufang.core.api import PageNumberPagination, scoped_object
from yufang.core.jobs import job_start
from yufang.core.models import Job
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.plans.models import Plan
from yufang.projects.models import Project
from yufang.reference.models import Industry, Region

from . import reach_permissions as may
from .distribution import distribution_record, distribution_transition, material_stock_save
from .models import Deliverable, DeliverableKind, Distribution, MaterialStock, PushAudience, PushDelivery, ViewReading
from .pushes import push_audience_save, push_delivery_import
from .reach import distribution_list, plan_reach
from .viewcounts import view_reading_add

router = Router(tags=["工伤预防宣传：覆盖"])


class ViewReadingOut(Schema):
    id: int
    deliverable_id: int
    platform: str
    read_on: datetime.date
    views: int
    note: str
    recorded_at: datetime.datetime


class ViewReadingIn(Schema):
    platform: str = Field(min_length=1, max_length=50)
    read_on: datetime.date
    views: int = Field(ge=0, le=10**12)
    note: str = Field("", max_length=200)


class AudienceOut(Schema):
    deliverable_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    planned_reach: int
    industry_ids: list[int]
    district_ids: list[int]
    enterprise_ids: list[int]

    @staticmethod
    def resolve_industry_ids(obj) -> list[int]:
        return [i.pk for i in obj.industries.all()]

    @staticmethod
    def resolve_district_ids(obj) -> list[int]:
        return [r.pk for r in obj.districts.all()]

    @staticmethod
    def resolve_enterprise_ids(obj) -> list[int]:
        return [o.pk for o in obj.enterprises.all()]


class AudienceIn(Schema):
    kind: str
    planned_reach: int = Field(ge=1, le=10**9)
    industry_ids: list[int] = []
    district_ids: list[int] = []
    enterprise_ids: list[int] = []


class PushRowOut(Schema):
    id: int
    deliverable_id: int
    sent_on: datetime.date
    region_id: int | None
    industry_id: int | None
    sent: int
    delivered: int
    opened: int
    source_row: int


class ReportJobOut(Schema):
    id: int
    status: str
    done: int
    total: int
    message: str
    report: dict

    @staticmethod
    def resolve_report(obj) -> dict:
        # The check's figures and each bad row's problems; the valid rows stay in the job.
        return {k: v for k, v in obj.result.items() if k != "good"} | {"valid": len(obj.result.get("good", []))}


class ImportedOut(Schema):
    imported: int
    skipped: int


class StockOut(Schema):
    deliverable_id: int
    ordered: int
    received: int
    distributed: int


class StockIn(Schema):
    ordered: int = Field(ge=0, le=10**9)
    received: int = Field(ge=0, le=10**9)


class DistributionOut(Schema):
    id: int
    deliverable_id: int
    region_id: int
    enterprise_id: int | None
    quantity: int
    distributed_on: datetime.date
    receipt_type: str
    receipt_name: str
    receipt_sha256: str
    status: str
    status_label: str = Field(alias="get_status_display")
    decision_note: str
    decided_at: datetime.datetime | None


class NoteIn(Schema):
    note: str = Field("", max_length=300)


class AudienceFigures(Schema):
    name: str
    push_sent: int
    push_delivered: int
    push_opened: int
    materials: int
    attendance: int


class KindFigures(Schema):
    kind_id: int
    kind_name: str
    planned: int
    delivered: int
    pending: int


class ProjectFigures(Schema):
    project_id: int
    kind_id: int
    planned: int
    delivered: int
    pending: int


class ReachOut(Schema):
    plan_id: int
    kinds: list[KindFigures]
    projects: list[ProjectFigures]
    districts: list[AudienceFigures]
    industries: list[AudienceFigures]
    views: list[tuple[datetime.date, int]]


def _deliverable(request, pk: int) -> Deliverable:
    return scoped_object(
        request, Deliverable.objects.select_related("project__plan", "project__agreement", "kind"), pk=pk
    )


# --- View readings ---------------------------------------------------------------------------------


@router.get("/deliverables/{int:pk}/views", response=list[ViewReadingOut], summary="短视频的播放量读数（历史全部保留）")
def readings(request, pk: int):
    d = _deliverable(request, pk)
    return scoped(request.auth, ViewReading).filter(deliverable=d).order_by("platform", "read_on")


@router.post("/deliverables/{int:pk}/views", response={201: ViewReadingOut}, summary="记录一条播放量读数（服务机构）")
def reading_add(request, pk: int, payload: ViewReadingIn):
    d = _deliverable(request, pk)
    return 201, view_reading_add(deliverable=d, actor=request.auth, **payload.dict())


@router.get("/views/{int:pk}", response=ViewReadingOut, summary="播放量读数")
def reading(request, pk: int):
    return scoped_object(request, ViewReading, pk=pk)


# --- Targeted pushes -------------------------------------------------------------------------------


@router.get("/deliverables/{int:pk}/push", response=AudienceOut, summary="定向推送的对象与计划触达")
def audience(request, pk: int):
    return scoped_object(
        request, PushAudience.objects.prefetch_related("industries", "districts", "enterprises"), deliverable_id=pk
    )


@router.put("/deliverables/{int:pk}/push", response=AudienceOut, summary="填写定向推送的对象与计划触达（服务机构）")
def audience_save(request, pk: int, payload: AudienceIn):
    d = _deliverable(request, pk)
    return push_audience_save(
        deliverable=d,
        kind=payload.kind,
        planned_reach=payload.planned_reach,
        industries=Industry.objects.filter(pk__in=payload.industry_ids),
        districts=Region.objects.filter(pk__in=payload.district_ids),
        enterprises=Organisation.objects.filter(pk__in=payload.enterprise_ids),
        actor=request.auth,
    )


@router.get(
    "/deliverables/{int:pk}/push-rows", response=list[PushRowOut], summary="定向推送的送达记录（区县只见本区县的行）"
)
def push_rows_of(request, pk: int):
    d = _deliverable(request, pk)
    return scoped(request.auth, PushDelivery).filter(deliverable=d).order_by("sent_on", "pk")


@router.get("/push-rows/{int:pk}", response=PushRowOut, summary="送达记录")
def push_row(request, pk: int):
    return scoped_object(request, PushDelivery, pk=pk)


CHECK_KIND = "publicity.push_report_check"


@router.post(
    "/deliverables/{int:pk}/push-report",
    response={202: ReportJobOut},
    summary="上传运营商送达报告：后台逐行校验（不写入），返回校验任务",
)
def push_report_upload(request, pk: int, file: File[UploadedFile]):
    d = _deliverable(request, pk)
    _require(may.can_edit_push(request.auth, d))
    if not file.name.lower().endswith((".xlsx", ".xls", ".csv")):
        raise ValidationError("请上传 .xlsx、.xls 或 .csv 文件。")
    job = job_start(
        kind=CHECK_KIND,
        title=f"校验送达报告：{d.title}",
        actor=request.auth,
        params={"deliverable_id": d.pk, "filename": file.name[:200]},
        file=file,
    )
    return 202, Job.objects.get(pk=job.pk)


@router.get("/push-reports/{int:job_id}", response=ReportJobOut, summary="送达报告校验任务与逐行报告")
def push_report(request, job_id: int):
    return get_object_or_404(Job, pk=job_id, kind=CHECK_KIND, created_by=request.auth)


@router.post("/push-reports/{int:job_id}/confirm", response=ImportedOut, summary="确认导入全部有效行（一个事务）")
def push_report_confirm(request, job_id: int):
    job = get_object_or_404(Job, pk=job_id, kind=CHECK_KIND, created_by=request.auth)
    if job.status != "succeeded":
        raise ValidationError("校验尚未完成。")
    d = _deliverable(request, job.result["deliverable_id"])
    rows = push_delivery_import(deliverable=d, rows=job.result["good"], actor=request.auth, job=job)
    return {"imported": len(rows), "skipped": len(job.result["errors"])}


# --- Printed materials -----------------------------------------------------------------------------


@router.get("/deliverables/{int:pk}/stock", response=StockOut, summary="宣传资料的订制、到货与已发放数量")
def stock(request, pk: int):
    return scoped_object(request, MaterialStock, deliverable_id=pk)


@router.put("/deliverables/{int:pk}/stock", response=StockOut, summary="填写订制与到货数量（服务机构）")
def stock_save(request, pk: int, payload: StockIn):
    d = _deliverable(request, pk)
    return material_stock_save(deliverable=d, ordered=payload.ordered, received=payload.received, actor=request.auth)


@router.get("/distributions", response=list[DistributionOut], summary="宣传资料发放")
@paginate(PageNumberPagination, page_size=100)
def distributions(request, status: str = "", region_id: int | None = None):
    qs = distribution_list(user=request.auth, status=status)
    return qs.filter(region_id=region_id) if region_id is not None else qs


@router.get("/distributions/{int:pk}", response=DistributionOut, summary="宣传资料发放")
def distribution(request, pk: int):
    return scoped_object(request, Distribution, pk=pk)


@router.post(
    "/deliverables/{int:pk}/distributions",
    response={201: DistributionOut},
    summary="记录一次发放并上传签收单（服务机构；按内容识别图片或 PDF）",
)
def distribution_add(
    request,
    pk: int,
    receipt: File[UploadedFile],
    quantity: Form[int],
    distributed_on: Form[datetime.date],
    region_id: Form[int | None] = None,
    enterprise_id: Form[int | None] = None,
):
    d = _deliverable(request, pk)
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    enterprise = Organisation.objects.filter(pk=enterprise_id).first() if enterprise_id else None
    return 201, distribution_record(
        deliverable=d,
        region=region,
        enterprise=enterprise,
        quantity=quantity,
        distributed_on=distributed_on,
        receipt=receipt,
        actor=request.auth,
    )


def _move(request, pk: int, action: str, note: str = ""):
    obj = scoped_object(request, Distribution.objects.select_related("deliverable__project"), pk=pk)
    return distribution_transition(distribution=obj, action=action, actor=request.auth, note=note)


@router.post("/distributions/{int:pk}/confirm", response=DistributionOut, summary="确认签收（所在区县人社局）")
def distribution_confirm(request, pk: int, payload: NoteIn):
    return _move(request, pk, "confirm", payload.note)


@router.post(
    "/distributions/{int:pk}/dispute", response=DistributionOut, summary="提出异议（所在区县人社局，须写明理由）"
)
def distribution_dispute(request, pk: int, payload: NoteIn):
    return _move(request, pk, "dispute", payload.note)


@router.post("/distributions/{int:pk}/resubmit", response=DistributionOut, summary="说明后重新提交（服务机构）")
def distribution_resubmit(request, pk: int, payload: NoteIn):
    return _move(request, pk, "resubmit", payload.note)


# --- A plan's reach --------------------------------------------------------------------------------


@router.get("/plans/{int:pk}/reach", response=ReachOut, summary="年度宣传覆盖：计划与完成、按区县和行业的覆盖、播放量")
def reach(request, pk: int, project_id: int | None = None, kind_id: int | None = None, region_id: int | None = None):
    plan = get_scoped_or_404(request.auth, Plan, pk=pk)
    project = get_scoped_or_404(request.auth, Project, pk=project_id) if project_id else None
    kind = get_scoped_or_404(request.auth, DeliverableKind, pk=kind_id) if kind_id else None
    region = get_scoped_or_404(request.auth, Region, pk=region_id) if region_id else None
    r = plan_reach(user=request.auth, plan=plan, project=project, kind=kind, region=region)

    def audience_figures(a):
        return {
            k: getattr(a, k) for k in ("name", "push_sent", "push_delivered", "push_opened", "materials", "attendance")
        }

    return {
        "plan_id": plan.pk,
        "kinds": [
            {
                "kind_id": t.kind.pk,
                "kind_name": t.kind.name,
                "planned": t.planned,
                "delivered": t.delivered,
                "pending": t.pending,
            }
            for t in r.totals
        ],
        "projects": [
            {
                "project_id": p.project_id,
                "kind_id": p.kind_id,
                "planned": p.planned,
                "delivered": p.delivered,
                "pending": p.pending,
            }
            for p in r.projects
        ],
        "districts": [audience_figures(a) for a in r.districts],
        "industries": [audience_figures(a) for a in r.industries],
        "views": r.views,
    }
