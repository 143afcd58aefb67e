import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from yufang.core.api import scoped_object
from yufang.core.masking import mask_id_number, mask_phone
from yufang.people.models import Person
from yufang.plans.models import Plan

from .models import Completion, Target
from .permissions import can_view_progress
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


class ProgressOut(Schema):
    target: TargetOut
    persons: int
    baseline: int | None
    figure: Decimal | None
    percent_of_threshold: Decimal | None
    projection: Decimal | None
    met: bool
    district_only: bool


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
