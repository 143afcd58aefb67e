"""/api/v1/providers/: the same records and moves as the pages, the same scoping (another
organisation's record is a 404)."""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from yufang.accounts.models import Organisation
from yufang.core.api import scoped_object
from yufang.core.masking import mask_account
from yufang.plans.models import BudgetItem

from . import services
from .models import Debarment, Procurement, ProviderProfile, Qualification, ServiceAgreement
from .permissions import is_manager
from .selectors import agreement_list, debarment_list, procurement_list, provider_list, qualification_list

router = Router(tags=["服务机构与服务协议"])


class TransitionIn(Schema):
    action: str
    note: str = ""


class ProfileOut(Schema):
    id: int
    organisation_id: int
    name: str = Field(alias="organisation.name")
    credit_code: str = Field(alias="organisation.credit_code")
    kind: str
    legal_representative: str
    bank_name: str
    bank_account: str
    status: str
    status_label: str = Field(alias="get_status_display")
    return_reason: str

    @staticmethod
    def resolve_bank_account(obj, context) -> str:
        request = context["request"]
        user = request.auth
        if is_manager(user) or user.organisation_id == obj.organisation_id:
            return obj.bank_account
        return mask_account(obj.bank_account)


class QualificationOut(Schema):
    id: int
    provider_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    number: str
    valid_from: datetime.date
    valid_to: datetime.date | None


class ProcurementOut(Schema):
    id: int
    item_id: int
    method: str
    amount: Decimal
    started_on: datetime.date
    decided_on: datetime.date
    chosen_id: int
    legal_ground: str


class ProcurementIn(Schema):
    item_id: int
    method: str
    amount: Decimal
    started_on: datetime.date
    decided_on: datetime.date
    chosen_id: int
    candidate_ids: list[int] = []
    legal_ground: str = ""
    remarks: str = ""


class DebarmentOut(Schema):
    id: int
    provider_id: int
    provider_name: str = Field(alias="provider.name")
    ground: str
    decision_number: str
    decided_by: str
    start_date: datetime.date
    end_date: datetime.date
    status: str
    lifted_on: datetime.date | None
    lift_reason: str


class DebarmentIn(Schema):
    provider_id: int
    ground: str
    decision_number: str
    decided_by: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    facts: str = ""


class IndicatorOut(Schema):
    kind: str
    description: str
    industry_id: int | None
    position_id: int | None
    planned: int


class IndicatorIn(Schema):
    kind: str
    planned: int
    description: str = ""
    industry_id: int | None = None
    position_id: int | None = None


class AgreementOut(Schema):
    id: int
    number: str
    title: str
    item_id: int
    provider_id: int
    agency_id: int
    procurement_id: int | None
    period_start: datetime.date
    period_end: datetime.date
    price: Decimal
    advance_percent: Decimal
    committed: Decimal
    status: str
    status_label: str = Field(alias="get_status_display")
    signed_on: datetime.date | None
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.all())


class AgreementIn(Schema):
    title: str
    item_id: int
    provider_id: int
    procurement_id: int | None = None
    content: str
    period_start: datetime.date
    period_end: datetime.date
    price: Decimal
    advance_percent: Decimal = Decimal("30")
    indicators: list[IndicatorIn] = []


class StatusFilter(FilterSchema):
    q: str = ""
    status: str = ""


# --- Providers and qualifications ------------------------------------------------------------


@router.get("/profiles", response=list[ProfileOut], summary="服务机构列表")
@paginate(PageNumberPagination, page_size=50)
def profiles(request, filters: Query[StatusFilter]):
    return provider_list(user=request.auth, q=filters.q, status=filters.status)


@router.get("/profiles/{int:pk}", response=ProfileOut, summary="服务机构资料")
def profile(request, pk: int):
    return scoped_object(request, ProviderProfile.objects.select_related("organisation"), pk=pk)


@router.post("/profiles/{int:pk}/transitions", response=ProfileOut, summary="核验 / 退回 / 重新提交")
def profile_transition(request, pk: int, payload: TransitionIn):
    obj = scoped_object(request, ProviderProfile.objects.select_related("organisation"), pk=pk)
    return services.provider_profile_transition(
        profile=obj, action=payload.action, actor=request.auth, note=payload.note
    )


@router.get("/qualifications", response=list[QualificationOut], summary="资质列表")
@paginate(PageNumberPagination, page_size=50)
def qualifications(request, expiring: str = ""):
    return qualification_list(user=request.auth, expiring=expiring, on_date=timezone.localdate())


@router.get("/qualifications/{int:pk}", response=QualificationOut, summary="资质详情")
def qualification(request, pk: int):
    return scoped_object(request, Qualification, pk=pk)


# --- Procurement -----------------------------------------------------------------------------


@router.get("/procurements", response=list[ProcurementOut], summary="采购记录列表")
@paginate(PageNumberPagination, page_size=50)
def procurements(request, q: str = ""):
    return procurement_list(user=request.auth, q=q)


@router.get("/procurements/{int:pk}", response=ProcurementOut, summary="采购记录详情")
def procurement(request, pk: int):
    return scoped_object(request, Procurement, pk=pk)


@router.post("/procurements", response={201: ProcurementOut}, summary="登记采购记录")
def procurement_create(request, payload: ProcurementIn):
    data = payload.dict()
    candidates = list(Organisation.objects.filter(pk__in=data.pop("candidate_ids")))
    data["item"] = get_object_or_404(BudgetItem, pk=data.pop("item_id"))
    data["chosen"] = get_object_or_404(Organisation, pk=data.pop("chosen_id"))
    return 201, services.procurement_create(data=data, candidates=candidates, actor=request.auth)


# --- Debarments ------------------------------------------------------------------------------


@router.get("/debarments", response=list[DebarmentOut], summary="禁入名单")
@paginate(PageNumberPagination, page_size=50)
def debarments(request, filters: Query[StatusFilter]):
    return debarment_list(user=request.auth, q=filters.q, status=filters.status)


@router.get("/debarments/{int:pk}", response=DebarmentOut, summary="禁入记录详情")
def debarment(request, pk: int):
    return scoped_object(request, Debarment.objects.select_related("provider"), pk=pk)


@router.post("/debarments", response={201: DebarmentOut}, summary="登记禁入决定")
def debarment_create(request, payload: DebarmentIn):
    data = payload.dict()
    provider = get_object_or_404(Organisation, pk=data.pop("provider_id"))
    return 201, services.debarment_create(provider=provider, actor=request.auth, **data)


@router.post("/debarments/{int:pk}/transitions", response=DebarmentOut, summary="解除禁入")
def debarment_transition(request, pk: int, payload: TransitionIn):
    obj = scoped_object(request, Debarment.objects.select_related("provider"), pk=pk)
    return services.debarment_transition(debarment=obj, action=payload.action, actor=request.auth, note=payload.note)


# --- Agreements ------------------------------------------------------------------------------


@router.get("/agreements", response=list[AgreementOut], summary="服务协议列表")
@paginate(PageNumberPagination, page_size=50)
def agreements(request, filters: Query[StatusFilter]):
    return agreement_list(user=request.auth, q=filters.q, status=filters.status).prefetch_related("indicators")


@router.get("/agreements/{int:pk}", response=AgreementOut, summary="服务协议详情")
def agreement(request, pk: int):
    return scoped_object(request, ServiceAgreement, pk=pk)


@router.post("/agreements", response={201: AgreementOut}, summary="起草服务协议")
def agreement_create(request, payload: AgreementIn):
    data = payload.dict()
    indicators = data.pop("indicators")
    data["item"] = get_object_or_404(BudgetItem, pk=data.pop("item_id"))
    data["provider"] = get_object_or_404(Organisation, pk=data.pop("provider_id"))
    procurement_id = data.pop("procurement_id")
    data["procurement"] = get_object_or_404(Procurement, pk=procurement_id) if procurement_id else None
    return 201, services.agreement_create(data=data, indicators=indicators, actor=request.auth)


@router.post(
    "/agreements/{int:pk}/transitions", response=AgreementOut, summary="发送 / 确认 / 签订 / 生效 / 完成 / 终止"
)
def agreement_transition(request, pk: int, payload: TransitionIn):
    obj = scoped_object(request, ServiceAgreement, pk=pk)
    return services.agreement_transition(agreement=obj, action=payload.action, actor=request.auth, note=payload.note)
