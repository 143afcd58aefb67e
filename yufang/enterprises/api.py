"""/api/v1/enterprises/: the register, statistics, key marks and the ranking."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from yufang.core.api import scoped_object
from yufang.reference.models import Industry

from .models import EnterpriseProfile, InjuryStatistic, KeyEnterpriseMark
from .selectors import enterprise_list, ranking

router = Router(tags=["企业名录与重点企业"])


class EnterpriseOut(Schema):
    id: int
    organisation_id: int
    name: str = Field(alias="organisation.name")
    credit_code: str = Field(alias="organisation.credit_code")
    region_id: int | None = Field(alias="organisation.region_id")
    industry_id: int
    industry_code: str
    licence_type: str
    licence_number: str
    insured_headcount: int


class StatisticOut(Schema):
    id: int
    enterprise_id: int
    year: int
    accident_cases: int
    disease_cases: int
    insured_headcount: int
    premiums_paid: Decimal
    benefits_paid: Decimal
    injury_rate: Decimal | None
    loss_ratio: Decimal | None


class MarkOut(Schema):
    id: int
    enterprise_id: int
    year: int
    industry_id: int
    reason: str


class RankOut(Schema):
    position: int
    enterprise_id: int
    name: str
    injury_rate: Decimal | None
    loss_ratio: Decimal | None
    rate_rank: int
    loss_rank: int
    reason: str
    marked: bool


@router.get("", response=list[EnterpriseOut], summary="企业名录")
@paginate(PageNumberPagination, page_size=100)
def enterprises(request, q: str = ""):
    return enterprise_list(user=request.auth, q=q)


@router.get("/ranking", response=list[RankOut], summary="行业内按工伤发生率与赔付率排名（附理由）")
def enterprise_ranking(request, industry: str, year: int):
    if not request.auth.has_role("programme_owner", "agency_staff", "partner", "district_officer"):
        raise PermissionDenied("重点企业排名仅对主管部门开放。")
    rows = ranking(user=request.auth, industry=get_object_or_404(Industry, code=industry), year=year)
    return [
        {
            "position": r.position,
            "enterprise_id": r.stat.enterprise_id,
            "name": r.stat.enterprise.name,
            "injury_rate": r.stat.injury_rate,
            "loss_ratio": r.stat.loss_ratio,
            "rate_rank": r.rate_rank,
            "loss_rank": r.loss_rank,
            "reason": r.reason,
            "marked": r.mark is not None,
        }
        for r in rows
    ]


@router.get("/statistics/{int:pk}", response=StatisticOut, summary="工伤统计")
def statistic(request, pk: int):
    return scoped_object(request, InjuryStatistic, pk=pk)


@router.get("/key-marks/{int:pk}", response=MarkOut, summary="重点企业标记")
def key_mark(request, pk: int):
    return scoped_object(request, KeyEnterpriseMark, pk=pk)


@router.get("/{int:pk}", response=EnterpriseOut, summary="企业")
def enterprise(request, pk: int):
    return scoped_object(request, EnterpriseProfile.objects.select_related("organisation"), pk=pk)
