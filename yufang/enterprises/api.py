"""/api/v1/enterprises/: the register, statistics, key marks and the ranking."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from yufang.core.api import PageNumberPagination, scoped_object
from yufang.reference.models import Industry, Region

from . import services
from .models import EnterpriseProfile, InjuryStatistic, KeyEnterpriseMark, LicenceType
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


class EnterpriseIn(Schema):
    """Registering an enterprise (agency, programme owner): one record per credit code, an
    enterprise already on file with the code is updated, never duplicated."""

    name: str = Field(min_length=1, max_length=100)
    credit_code: str = Field(min_length=1, max_length=18)
    region_id: int | None = None
    industry_id: int
    industry_code: str = Field("", max_length=5)
    licence_type: LicenceType | None = None
    licence_number: str = Field("", max_length=60)
    insured_headcount: int = Field(0, ge=0, le=10_000_000)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)


class EnterprisePatch(Schema):
    """Only the fields sent change. Name, credit code and district are the officials' to change;
    an enterprise contact edits the profile of their own enterprise."""

    name: str | None = Field(None, min_length=1, max_length=100)
    credit_code: str | None = Field(None, min_length=1, max_length=18)
    region_id: int | None = None
    industry_id: int | None = None
    industry_code: str | None = Field(None, max_length=5)
    licence_type: LicenceType | None = None
    licence_number: str | None = Field(None, max_length=60)
    insured_headcount: int | None = Field(None, ge=0, le=10_000_000)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=20)


class StatisticIn(Schema):
    accident_cases: int = Field(0, ge=0, le=1_000_000)
    disease_cases: int = Field(0, ge=0, le=1_000_000)
    insured_headcount: int = Field(ge=0, le=10_000_000)
    premiums_paid: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    benefits_paid: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


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


ORGANISATION_KEYS = ("name", "credit_code", "region_id")


def _split(data: dict) -> tuple[dict, dict]:
    """The API's flat body as the service's organisation and profile data, ids resolved."""
    org_data = {k: data.pop(k) for k in ORGANISATION_KEYS if k in data}
    if "region_id" in org_data:
        region_id = org_data.pop("region_id")
        org_data["region"] = None
        if region_id is not None:
            org_data["region"] = Region.objects.filter(pk=region_id).first()
            if org_data["region"] is None:
                raise ValidationError({"region_id": "所选区县不存在。"})
    if "industry_id" in data:
        data["industry"] = Industry.objects.filter(pk=data.pop("industry_id"), is_active=True).first()
        if data["industry"] is None:
            raise ValidationError({"industry_id": "所选行业不存在或已停用。"})
    if "licence_type" in data:
        data["licence_type"] = data["licence_type"] or ""
    return org_data, data


@router.post("", response={201: EnterpriseOut}, summary="登记企业")
def enterprise_create(request, payload: EnterpriseIn):
    org_data, data = _split(payload.dict())
    org_data["city"] = request.auth.organisation.city if request.auth.organisation_id else None
    if org_data["city"] is None:
        raise PermissionDenied("企业名录由经办机构维护；企业联系人可修改本企业资料。")
    return 201, services.enterprise_save(actor=request.auth, org_data=org_data, data=data)


@router.patch("/{int:pk}", response=EnterpriseOut, summary="修改企业资料")
def enterprise_update(request, pk: int, payload: EnterprisePatch):
    profile = scoped_object(request, EnterpriseProfile.objects.select_related("organisation"), pk=pk)
    sent = payload.dict(exclude_unset=True)
    for key in ("name", "credit_code", "industry_id", "insured_headcount"):
        if key in sent and sent[key] is None:
            raise ValidationError({key: "不能为空。"})
    for key in ("industry_code", "licence_number", "contact_name", "contact_phone"):
        if key in sent and sent[key] is None:
            sent[key] = ""
    org_data, data = _split(sent)
    if org_data and not request.auth.has_role("programme_owner", "agency_staff"):
        raise PermissionDenied("企业名称、信用代码和所在区县由经办机构维护。")
    services.enterprise_save(actor=request.auth, organisation=profile.organisation, org_data=org_data, data=data)
    return EnterpriseProfile.objects.select_related("organisation").get(pk=profile.pk)


@router.get("/{int:pk}/statistics", response=list[StatisticOut], summary="企业历年工伤统计")
def enterprise_statistics(request, pk: int):
    profile = scoped_object(request, EnterpriseProfile, pk=pk)
    return list(InjuryStatistic.objects.filter(enterprise_id=profile.organisation_id))


@router.put("/{int:pk}/statistics/{int:year}", response=StatisticOut, summary="登记或修改某年度工伤统计")
def statistic_put(request, pk: int, year: int, payload: StatisticIn):
    profile = scoped_object(request, EnterpriseProfile.objects.select_related("organisation"), pk=pk)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "统计年度应在 2000—2100 年之间。"})
    return services.statistic_save(actor=request.auth, enterprise=profile.organisation, year=year, data=payload.dict())


@router.get("/statistics/{int:pk}", response=StatisticOut, summary="工伤统计")
def statistic(request, pk: int):
    return scoped_object(request, InjuryStatistic, pk=pk)


@router.get("/key-marks/{int:pk}", response=MarkOut, summary="重点企业标记")
def key_mark(request, pk: int):
    return scoped_object(request, KeyEnterpriseMark, pk=pk)


@router.get("/{int:pk}", response=EnterpriseOut, summary="企业")
def enterprise(request, pk: int):
    return scoped_object(request, EnterpriseProfile.objects.select_related("organisation"), pk=pk)
