"""/api/v1/providers/: the same records and moves as the pages, the same scoping (another
organisation's record is a 404)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from yufang.accounts.models import Organisation
from yufang.core.api import PageNumberPagination, scoped_object
from yufang.core.masking import mask_account, mask_phone
from yufang.plans.models import BudgetItem

from . import services
from .models import (
    AgreementAmendment,
    Debarment,
    Procurement,
    ProviderProfile,
    Qualification,
    ServiceAgreement,
    TeamChangeRequest,
    TeamMember,
)
from .permissions import is_manager, provider_of
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


# --- Amendments of signed agreements and project team changes -------------------------------


def _sees_phones(user, agreement: ServiceAgreement) -> bool:
    """The agency and the provider's own staff work with the team's phones; others see them masked."""
    return user.is_agency or provider_of(user, agreement)[0]


class AmendmentOut(Schema):
    id: int
    agreement_id: int
    sequence: int
    reason: str
    changes: dict
    old_price: Decimal
    new_price: Decimal
    created_at: datetime.datetime
    created_by_id: int | None


class AmendmentIn(Schema):
    """Only the fields sent are changed; at least one must differ from the agreement."""

    reason: str = Field(max_length=2000)
    content: str | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    price: Decimal | None = None
    advance_percent: Decimal | None = None
    payment_terms: str | None = None


class TeamMemberOut(Schema):
    id: int
    name: str
    role: str
    phone: str
    is_active: bool
    joined_on: datetime.date | None
    left_on: datetime.date | None

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return obj.phone if _sees_phones(context["request"].auth, obj.agreement) else mask_phone(obj.phone)


class TeamChangeOut(Schema):
    id: int
    agreement_id: int
    reason: str
    remove_id: int | None
    add_name: str
    add_role: str
    phone: str
    status: str
    status_label: str = Field(alias="get_status_display")
    decision_note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return obj.phone if _sees_phones(context["request"].auth, obj.agreement) else mask_phone(obj.phone)


class TeamChangeIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    remove_id: int | None = None
    add_name: str = Field("", max_length=50)
    add_role: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)


@router.get("/agreements/{int:pk}/amendments", response=list[AmendmentOut], summary="协议变更记录")
def agreement_amendments(request, pk: int):
    obj = scoped_object(request, ServiceAgreement, pk=pk)
    return list(obj.amendments.all())


@router.post("/agreements/{int:pk}/amendments", response={201: AmendmentOut}, summary="变更已签订的协议")
def agreement_amend(request, pk: int, payload: AmendmentIn):
    obj = scoped_object(request, ServiceAgreement, pk=pk)
    data = payload.dict(exclude_unset=True, exclude_none=True)
    reason = data.pop("reason")
    return 201, services.agreement_amend(agreement=obj, reason=reason, data=data, actor=request.auth)


@router.get("/amendments/{int:pk}", response=AmendmentOut, summary="协议变更详情")
def amendment(request, pk: int):
    return scoped_object(request, AgreementAmendment, pk=pk)


@router.get("/agreements/{int:pk}/team", response=list[TeamMemberOut], summary="项目组成员（含已调出）")
def agreement_team(request, pk: int):
    obj = scoped_object(request, ServiceAgreement, pk=pk)
    return list(obj.team.select_related("agreement"))


@router.get("/agreements/{int:pk}/team-changes", response=list[TeamChangeOut], summary="项目组成员变更申请")
def agreement_team_changes(request, pk: int):
    obj = scoped_object(request, ServiceAgreement, pk=pk)
    return list(obj.team_changes.select_related("agreement"))


@router.post("/agreements/{int:pk}/team-changes", response={201: TeamChangeOut}, summary="申请变更项目组成员")
def team_change_create(request, pk: int, payload: TeamChangeIn):
    obj = scoped_object(request, ServiceAgreement, pk=pk)
    data = payload.dict()
    remove_id = data.pop("remove_id")
    remove = None
    if remove_id is not None:
        remove = TeamMember.objects.filter(pk=remove_id, agreement=obj).first()
        if remove is None:
            raise ValidationError({"remove_id": "所选成员不在本协议的项目组中。"})
    return 201, services.team_change_request_create(agreement=obj, actor=request.auth, remove=remove, **data)


@router.get("/team-changes/{int:pk}", response=TeamChangeOut, summary="项目组成员变更申请详情")
def team_change(request, pk: int):
    return scoped_object(request, TeamChangeRequest.objects.select_related("agreement"), pk=pk)


@router.post("/team-changes/{int:pk}/transitions", response=TeamChangeOut, summary="同意 / 不同意项目组成员变更")
def team_change_transition(request, pk: int, payload: TransitionIn):
    obj = scoped_object(request, TeamChangeRequest.objects.select_related("agreement"), pk=pk)
    return services.team_change_transition(request=obj, action=payload.action, actor=request.auth, note=payload.note)
