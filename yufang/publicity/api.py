"""/api/v1/publicity/: deliverables with their evidence and the kinds, scoped like the pages;
providers record, upload and submit, the agency accepts or returns."""

import datetime
from decimal import Decimal

from django.urls import reverse
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from yufang.core.api import PageNumberPagination, scoped_object
from yufang.core.scoping import get_scoped_or_404
from yufang.projects.models import Project
from yufang.reference.models import Region

from . import services
from .models import Deliverable, DeliverableKind, Evidence
from .selectors import deliverable_list, kind_list, planned_list

router = Router(tags=["工伤预防宣传"])


class KindOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    indicator_kind: str
    fields: list
    evidence_types: list
    evidence_min: int
    is_active: bool


class EvidenceOut(Schema):
    id: int
    deliverable_id: int
    file_type: str
    original_name: str
    size: int
    sha256: str
    reused_from_id: int | None
    uploaded_at: datetime.datetime
    preview_url: str | None = Field(None, description="预览图（JPEG）地址；无法生成预览时为空，原因见 preview_problem")
    preview_problem: str
    taken_at: datetime.datetime | None = Field(None, description="照片 EXIF 拍摄时间")
    latitude: Decimal | None = Field(None, description="照片 EXIF 拍摄地纬度")
    longitude: Decimal | None = Field(None, description="照片 EXIF 拍摄地经度")

    @staticmethod
    def resolve_preview_url(obj) -> str | None:
        return reverse("publicity:evidence_preview", args=[obj.pk]) if obj.preview else None


class DeliverableOut(Schema):
    id: int
    project_id: int
    kind_id: int
    kind_name: str = Field(alias="kind.name")
    title: str
    quantity: int
    delivered_on: datetime.date
    details: dict
    region_ids: list[int]
    status: str
    status_label: str = Field(alias="get_status_display")
    review_note: str
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_region_ids(obj) -> list[int]:
        return [r.pk for r in obj.regions.all()]


class DeliverableIn(Schema):
    project_id: int
    kind_id: int
    title: str = Field(min_length=1, max_length=200)
    quantity: int = Field(ge=1, le=2_000_000_000)
    delivered_on: datetime.date
    details: dict = {}
    region_ids: list[int] = []


class TransitionIn(Schema):
    note: str = Field("", max_length=300)


class PlannedOut(Schema):
    project_id: int
    kind_id: int
    kind_name: str = Field(alias="kind.name")
    planned: int
    delivered: int
    pending: int


@router.get("/kinds", response=list[KindOut], summary="宣传成果类型")
def kinds(request):
    return kind_list(user=request.auth)


@router.get("/deliverables", response=list[DeliverableOut], summary="宣传成果列表")
@paginate(PageNumberPagination, page_size=100)
def deliverables(request, status: str = "", project_id: int | None = None, kind_id: int | None = None):
    qs = deliverable_list(user=request.auth, status=status)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if kind_id is not None:
        qs = qs.filter(kind_id=kind_id)
    return qs


@router.get("/deliverables/{int:pk}", response=DeliverableOut, summary="宣传成果")
def deliverable(request, pk: int):
    return scoped_object(request, Deliverable.objects.select_related("kind").prefetch_related("regions"), pk=pk)


@router.post("/deliverables", response={201: DeliverableOut}, summary="记录宣传成果（服务机构，草稿）")
def deliverable_create(request, payload: DeliverableIn):
    project = get_scoped_or_404(request.auth, Project, pk=payload.project_id)
    kind = get_scoped_or_404(request.auth, DeliverableKind, pk=payload.kind_id)
    regions = list(Region.objects.filter(pk__in=payload.region_ids))
    obj = services.deliverable_create(
        project=project,
        kind=kind,
        data={
            "title": payload.title,
            "quantity": payload.quantity,
            "delivered_on": payload.delivered_on,
            "details": payload.details,
        },
        regions=regions,
        actor=request.auth,
    )
    return 201, obj


@router.get("/deliverables/{int:pk}/evidence", response=list[EvidenceOut], summary="成果的佐证材料")
def deliverable_evidence(request, pk: int):
    obj = scoped_object(request, Deliverable, pk=pk)
    return Evidence.objects.filter(deliverable=obj).order_by("pk")


@router.post(
    "/deliverables/{int:pk}/evidence",
    response={201: EvidenceOut},
    summary="上传佐证材料（按内容识别图片、PDF、MP4；同一文件用于两项成果时标记为异常线索）",
)
def evidence_upload(request, pk: int, file: File[UploadedFile]):
    obj = scoped_object(request, Deliverable, pk=pk)
    return 201, services.evidence_add(deliverable=obj, file=file, actor=request.auth)


@router.get("/evidence/{int:pk}", response=EvidenceOut, summary="佐证材料")
def evidence(request, pk: int):
    return scoped_object(request, Evidence, pk=pk)


def _transition(request, pk: int, action: str, note: str = ""):
    obj = scoped_object(request, Deliverable, pk=pk)
    return services.deliverable_transition(deliverable=obj, action=action, actor=request.auth, note=note)


@router.post("/deliverables/{int:pk}/submit", response=DeliverableOut, summary="提交审核（服务机构；退回后为重新提交）")
def deliverable_submit(request, pk: int):
    obj = scoped_object(request, Deliverable, pk=pk)
    action = "resubmit" if obj.status == "returned" else "submit"
    return services.deliverable_transition(deliverable=obj, action=action, actor=request.auth)


@router.post("/deliverables/{int:pk}/accept", response=DeliverableOut, summary="验收通过（经办机构）")
def deliverable_accept(request, pk: int, payload: TransitionIn):
    return _transition(request, pk, "accept", payload.note)


@router.post("/deliverables/{int:pk}/return", response=DeliverableOut, summary="退回修改（经办机构，须写明理由）")
def deliverable_return(request, pk: int, payload: TransitionIn):
    return _transition(request, pk, "return", payload.note)


@router.get("/projects/{int:pk}/planned", response=list[PlannedOut], summary="项目的宣传计划与完成（按成果类型）")
def project_planned(request, pk: int):
    project = get_scoped_or_404(request.auth, Project, pk=pk)
    return planned_list(user=request.auth, project=project)


# View readings, pushes, printed materials and the plan's reach (api_reach.py).
from .api_reach import router as reach_router  # noqa: E402

router.add_router("", reach_router)
