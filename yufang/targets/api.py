import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from yufang.core.api import PageNumberPagination, scoped_object
from yufang.core.masking import mask_id_number, mask_phone
from yufang.core.scoping import scoped
from yufang.people.models import Person
from yufang.plans.models import Plan
from yufang.reference.models import Industry, Position

from . import services
from .models import Completion, EnterpriseSet, Metric, Mode, Target, TrainingProgramme
from .permissions import can_manage_targets, can_view_progress
from .selectors import completion_list, plan_progress, target_breakdown

router = Router(tags=["目标与进度"])


class TargetOut(Schema):
    id: int
    plan_id: int
    name: str
    metric: str
    threshold: Decimal
    deadline: datetime.date
    counting_rule: str
    modes: list[str]
    industry_ids: list[int]
    position_ids: list[int]
    enterprise_set: str
    programme_id: int | None
    sort_order: int
    achieved: int

    @staticmethod
    def resolve_industry_ids(obj) -> list[int]:
        return [i.pk for i in obj.industries.all()]

    @staticmethod
    def resolve_position_ids(obj) -> list[int]:
        return [p.pk for p in obj.positions.all()]


class TargetIn(Schema):
    """The whole target, as on the target form; its figures are recounted when saved."""

    name: str = Field(min_length=1, max_length=200)
    metric: Metric = Metric.PERSONS
    modes: list[Mode] = Field([], description="为空表示全部方式")
    industry_ids: list[int] = []
    position_ids: list[int] = []
    enterprise_set: EnterpriseSet = EnterpriseSet.ALL
    programme_id: int | None = None
    threshold: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    deadline: datetime.date
    counting_rule: str = Field("", max_length=4000, description="留空则按所选条件自动生成")
    sort_order: int = Field(0, ge=0, le=32767)


class ProgressOut(Schema):
    target: TargetOut
    persons: int
    baseline: int | None
    figure: Decimal | None
    percent_of_threshold: Decimal | None
    projection: Decimal | None
    met: bool
    district_only: bool
    partway: int | None  # share targets: people with hours who have not yet met the programme's rule


class NamedCount(Schema):
    name: str
    count: int


class MonthCount(Schema):
    month: str
    new: int
    cumulative: int


class BreakdownOut(Schema):
    total: int
    by_region: list[NamedCount]
    by_industry: list[NamedCount]
    by_position: list[NamedCount]
    by_month: list[MonthCount]


class CompletionOut(Schema):
    id: int
    person_id: int
    person_name: str
    id_masked: str
    year: int
    mode: str
    completed_on: datetime.date
    enterprise_id: int | None
    region_id: int | None
    industry_id: int | None
    position_id: int | None
    provider_id: int | None
    project_id: int | None
    hours: Decimal
    historic: bool  # 原系统记录: from the historic import, in no project
    source: str

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_masked(obj) -> str:
        return mask_id_number(obj.person.id_number)

    @staticmethod
    def resolve_source(obj) -> str:
        return obj.source_repr


class PersonOut(Schema):
    id: int
    name: str
    id_masked: str
    phone_masked: str
    sex: str
    enterprise_id: int | None
    region_id: int | None
    industry_id: int | None
    position_id: int | None

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)


def _progress_row(r) -> dict:
    return {
        "target": r.target,
        "persons": r.value,
        "baseline": r.baseline,
        "figure": r.figure,
        "percent_of_threshold": r.percent_of_threshold,
        "projection": r.projection,
        "met": r.met,
        "district_only": r.district_only,
        "partway": r.partway,
    }


@router.get("/plans/{int:plan_id}/progress", response=list[ProgressOut], summary="实施方案各目标进度")
def progress(request, plan_id: int):
    plan = scoped_object(request, Plan, pk=plan_id)
    allowed, reason = can_view_progress(request.auth)
    if not allowed:
        raise PermissionDenied(reason)
    return [_progress_row(r) for r in plan_progress(user=request.auth, plan=plan)]


@router.get("/targets/{int:pk}", response=TargetOut, summary="目标")
def target(request, pk: int):
    return scoped_object(request, Target, pk=pk)


def _target_args(payload: TargetIn) -> dict:
    data = payload.dict()
    industry_ids, position_ids = set(data.pop("industry_ids")), set(data.pop("position_ids"))
    industries = list(Industry.objects.filter(pk__in=industry_ids, is_active=True))
    positions = list(Position.objects.filter(pk__in=position_ids, is_active=True))
    if len(industries) != len(industry_ids):
        raise ValidationError({"industry_ids": "所选行业不存在或已停用。"})
    if len(positions) != len(position_ids):
        raise ValidationError({"position_ids": "所选岗位不存在或已停用。"})
    programme_id = data.pop("programme_id")
    data["programme"] = None
    if programme_id is not None:
        data["programme"] = TrainingProgramme.objects.filter(pk=programme_id).first()
        if data["programme"] is None:
            raise ValidationError({"programme_id": "所选多年度工程不存在。"})
    data["modes"] = list(dict.fromkeys(str(m) for m in data["modes"]))
    data["metric"], data["enterprise_set"] = str(data["metric"]), str(data["enterprise_set"])
    if data["enterprise_set"] == EnterpriseSet.PROGRAMME and data["programme"] is None:
        raise ValidationError({"programme_id": "限定为多年度工程范围内的企业时，须选择多年度工程。"})
    return {"data": data, "industries": industries, "positions": positions}


def _require_manager(request) -> None:
    allowed, reason = can_manage_targets(request.auth)
    if not allowed:
        raise PermissionDenied(reason)


@router.post("/plans/{int:plan_id}/targets", response={201: TargetOut}, summary="设定目标（并按现有记录统计）")
def target_create(request, plan_id: int, payload: TargetIn):
    plan = scoped_object(request, Plan, pk=plan_id)
    _require_manager(request)
    target = services.target_save(actor=request.auth, plan=plan, **_target_args(payload))
    return 201, Target.objects.get(pk=target.pk)  # as stored (threshold to two places)


@router.put("/targets/{int:pk}", response=TargetOut, summary="修改目标（并重新统计）")
def target_update(request, pk: int, payload: TargetIn):
    obj = scoped_object(request, Target.objects.select_related("plan"), pk=pk)
    _require_manager(request)
    services.target_save(actor=request.auth, plan=obj.plan, target=obj, **_target_args(payload))
    return Target.objects.get(pk=obj.pk)


@router.get("/targets/{int:pk}/breakdown", response=BreakdownOut, summary="目标分项统计（区县、行业、岗位、月份）")
def breakdown(request, pk: int):
    obj = scoped_object(request, Target, pk=pk)
    b = target_breakdown(user=request.auth, target=obj)
    return {
        "total": b.total,
        "by_region": [{"name": n, "count": c} for n, c in b.by_region],
        "by_industry": [{"name": n, "count": c} for n, c in b.by_industry],
        "by_position": [{"name": n, "count": c} for n, c in b.by_position],
        "by_month": [{"month": m, "new": n, "cumulative": c} for m, n, c in b.by_month],
    }


@router.get("/completions", response=list[CompletionOut], summary="培训完成记录")
@paginate(PageNumberPagination, page_size=100)
def completions(request, year: int | None = None, mode: str = ""):
    return completion_list(user=request.auth, year=year, mode=mode)


@router.get("/completions/{int:pk}", response=CompletionOut, summary="培训完成记录详情")
def completion(request, pk: int):
    return scoped_object(request, Completion.objects.select_related("person"), pk=pk)


@router.get("/people/{int:pk}", response=PersonOut, summary="人员档案（身份证号、手机号脱敏）")
def person(request, pk: int):
    return scoped_object(request, Person, pk=pk)


# --- Multi-year programmes ----------------------------------------------------------------------


class ProgrammeOut(Schema):
    id: int
    city_id: int
    name: str
    doc_number: str
    start_year: int
    end_year: int
    industry_id: int
    position_ids: list[int]
    required_hours: Decimal
    offline_share_percent: Decimal
    rule: str
    baseline_total: int

    @staticmethod
    def resolve_position_ids(obj) -> list[int]:
        return sorted(p.pk for p in obj.positions.all())

    @staticmethod
    def resolve_rule(obj) -> str:
        return obj.rule_text

    @staticmethod
    def resolve_baseline_total(obj) -> int:
        return sum(obj.baseline.values_list("headcount", flat=True))


class ProgrammeIn(Schema):
    city_id: int
    name: str
    doc_number: str = ""
    start_year: int
    end_year: int
    industry_id: int
    position_ids: list[int]
    required_hours: Decimal = Decimal("24")
    offline_share_percent: Decimal = Decimal("60")


class ProgrammePatch(Schema):
    name: str | None = None
    doc_number: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    industry_id: int | None = None
    position_ids: list[int] | None = None
    required_hours: Decimal | None = None
    offline_share_percent: Decimal | None = None


class BaselineRowIn(Schema):
    enterprise_id: int
    position_id: int
    headcount: int


def _programme_data(payload: dict) -> tuple[dict, list | None]:
    from yufang.reference.models import Industry, Position

    positions = None
    if payload.get("position_ids") is not None:
        ids = payload.pop("position_ids")
        positions = list(Position.objects.filter(pk__in=ids))
        if len(positions) != len(set(ids)):
            raise ValidationError({"position_ids": "有岗位编号不存在。"})
    else:
        payload.pop("position_ids", None)
    if payload.get("industry_id") is not None:
        payload["industry"] = Industry.objects.filter(pk=payload.pop("industry_id")).first()
        if payload["industry"] is None:
            raise ValidationError({"industry_id": "行业不存在。"})
    return payload, positions


@router.get("/programmes", response=list[ProgrammeOut], summary="多年度培训工程")
def programmes(request):
    allowed, reason = can_view_progress(request.auth)
    if not allowed:
        raise PermissionDenied(reason)
    return scoped(request.auth, TrainingProgramme).prefetch_related("positions")


@router.get("/programmes/{int:pk}", response=ProgrammeOut, summary="多年度培训工程详情（含每人达标规则）")
def programme(request, pk: int):
    return scoped_object(request, TrainingProgramme, pk=pk)


@router.post(
    "/programmes", response={201: ProgrammeOut}, summary="新建多年度培训工程（年度、岗位、每人学时与线下占比规则）"
)
def programme_create(request, payload: ProgrammeIn):
    from yufang.reference.models import City

    data, positions = _programme_data(payload.dict())
    data["city"] = scoped_object(request, City, pk=data.pop("city_id"))
    obj = services.programme_save(actor=request.auth, data=data, positions=positions or [])
    return 201, obj


@router.patch("/programmes/{int:pk}", response=ProgrammeOut, summary="修改多年度培训工程（相关目标随即重新统计）")
def programme_update(request, pk: int, payload: ProgrammePatch):
    obj = scoped_object(request, TrainingProgramme, pk=pk)
    data, positions = _programme_data(payload.dict(exclude_unset=True))
    if positions is None:
        positions = list(obj.positions.all())
    return services.programme_save(actor=request.auth, data=data, positions=positions, programme=obj)


@router.put(
    "/programmes/{int:pk}/baseline",
    response=ProgrammeOut,
    summary="设定应受训摸底（企业、岗位、人数；同一企业同一岗位以本次为准），相关目标随即重新统计",
)
def programme_baseline(request, pk: int, payload: list[BaselineRowIn]):
    from yufang.accounts.models import Organisation, OrganisationKind

    obj = scoped_object(request, TrainingProgramme, pk=pk)
    enterprises = set(
        Organisation.objects.filter(
            kind=OrganisationKind.ENTERPRISE, city_id=obj.city_id, pk__in={r.enterprise_id for r in payload}
        ).values_list("pk", flat=True)
    )
    allowed_positions = set(obj.positions.values_list("pk", flat=True))
    errors = []
    for index, r in enumerate(payload, start=1):
        if r.enterprise_id not in enterprises:
            errors.append(f"第 {index} 行：企业 {r.enterprise_id} 不在本市企业名录中")
        if r.position_id not in allowed_positions:
            errors.append(f"第 {index} 行：岗位 {r.position_id} 不在本工程的培训岗位中")
        if r.headcount < 0:
            errors.append(f"第 {index} 行：应受训人数须为非负整数")
    if errors:
        raise ValidationError({"baseline": errors})
    services.baseline_apply(
        actor=request.auth, programme=obj, rows=[(r.enterprise_id, r.position_id, r.headcount) for r in payload]
    )
    return obj
