"""Writes on providers, qualifications, procurement, debarments and service agreements.
Every write checks the actor, runs in one transaction and audits. Every status change goes
through a Workflow table. A debarred provider is refused by `ensure_not_debarred`, which every
step that hands a provider work calls."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.services import model_create, model_update
from yufang.core.workflow import Transition, Workflow
from yufang.plans.models import BudgetItem, yuan
from yufang.plans.services import budget_commit, budget_release, check_two_places

from .clauses import default_clauses
from .models import (
    DEBARMENT_YEARS,
    AgreementAmendment,
    AgreementIndicator,
    AgreementStatus,
    Debarment,
    DebarmentStatus,
    Procurement,
    ProcurementMethod,
    ProcurementRule,
    ProviderProfile,
    Qualification,
    QualificationKind,
    ServiceAgreement,
    TeamChangeRequest,
    TeamChangeStatus,
    TeamMember,
    VerificationStatus,
    add_years,
)
from .permissions import (
    agency_only,
    can_amend_agreement,
    can_debar,
    can_edit_agreement,
    can_edit_profile,
    can_edit_team,
    can_manage_procurement,
    can_manage_providers,
    can_manage_qualifications,
    can_manage_rules,
    can_request_team_change,
    can_resubmit_profile,
    can_verify_profile,
    provider_of,
)

PROFILE_FIELDS = [
    "kind",
    "legal_representative",
    "bank_name",
    "bank_account_name",
    "bank_account",
    "contacts",
    "introduction",
]
QUALIFICATION_FIELDS = ["kind", "number", "issuer", "valid_from", "valid_to", "document", "remarks"]
PROCUREMENT_FIELDS = [
    "item",
    "method",
    "amount",
    "started_on",
    "decided_on",
    "chosen",
    "legal_ground",
    "document",
    "remarks",
]
RULE_FIELDS = ["name", "min_amount", "methods", "legal_basis", "is_active"]
AGREEMENT_FIELDS = [
    "title",
    "item",
    "provider",
    "procurement",
    "content",
    "period_start",
    "period_end",
    "price",
    "advance_percent",
    "payment_terms",
    "rights_obligations",
    "reporting_duties",
    "liability",
    "dispute_resolution",
    "termination_conditions",
]
# What an amendment may change on a signed agreement.
AMENDABLE_FIELDS = ["content", "period_start", "period_end", "price", "advance_percent", "payment_terms"]


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def today() -> datetime.date:
    return timezone.localdate()


def _ensure_provider(organisation: Organisation, field: str = "provider") -> None:
    if organisation is None or organisation.kind != OrganisationKind.PROVIDER:
        raise ValidationError({field: "所选机构不是工伤预防服务机构。"})


# --- Debarment: the one check every step uses -------------------------------------------------


def provider_is_debarred(provider: Organisation, on_date: datetime.date) -> Debarment | None:
    """The debarment in force for this provider on that day, if any. A lifted entry stops
    counting from the day it was lifted."""
    return (
        Debarment.objects.filter(provider=provider, start_date__lte=on_date, end_date__gt=on_date)
        .filter(Q(status=DebarmentStatus.IN_FORCE) | Q(lifted_on__gt=on_date))
        .select_related("provider")
        .order_by("-end_date")
        .first()
    )


def ensure_not_debarred(provider: Organisation, on_date: datetime.date, *, field: str = "provider") -> None:
    entry = provider_is_debarred(provider, on_date)
    if entry is not None:
        raise ValidationError({field: f"不能选择该机构：{entry.quote()}"})


@transaction.atomic
def debarment_create(
    *,
    provider: Organisation,
    ground: str,
    decision_number: str,
    decided_by: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    facts: str = "",
    actor,
    source=None,
) -> Debarment:
    """Enters a provider in the register (三年内不得从事). Acceptance failure calls this with its
    acceptance record as `source`."""
    _require(can_debar(actor))
    _ensure_provider(provider)
    # Lock the provider so two decisions on it cannot both pass the overlap check.
    Organisation.objects.select_for_update().get(pk=provider.pk)
    end_date = end_date or add_years(start_date, DEBARMENT_YEARS)
    overlapping = (
        Debarment.objects.filter(provider=provider, status=DebarmentStatus.IN_FORCE)
        .filter(start_date__lt=end_date, end_date__gt=start_date)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "start_date": f"与已有禁入记录（{overlapping.decision_number}，{overlapping.start_date:%Y-%m-%d} 至 "
                f"{overlapping.end_date:%Y-%m-%d}）期间重叠，不能重复登记。"
            }
        )
    return model_create(
        model=Debarment,
        data={
            "provider": provider,
            "ground": ground,
            "facts": facts,
            "decision_number": decision_number,
            "decided_by": decided_by,
            "start_date": start_date,
            "end_date": end_date,
            "source_repr": str(source)[:300] if source is not None else "",
        },
        actor=actor,
    )


def _lift(*, obj: Debarment, note: str, lifted_on: datetime.date | None = None, **_) -> None:
    obj.lifted_on = lifted_on or today()
    obj.lift_reason = note


DEBARMENT_WORKFLOW = Workflow(
    model=Debarment,
    transitions=[
        Transition(
            DebarmentStatus.IN_FORCE,
            "lift",
            DebarmentStatus.LIFTED,
            "解除禁入",
            can_debar,
            effect=_lift,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def debarment_transition(*, debarment: Debarment, action: str, actor, note: str = "") -> Debarment:
    return DEBARMENT_WORKFLOW.perform(obj=debarment, action=action, actor=actor, note=note)


# --- Provider profile ------------------------------------------------------------------------


@transaction.atomic
def provider_profile_create(*, organisation: Organisation, data: dict[str, Any], actor) -> ProviderProfile:
    _require(can_edit_profile(actor, organisation))
    _ensure_provider(organisation, "organisation")
    if ProviderProfile.objects.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": "该服务机构已登记资料。"})
    values = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    return model_create(model=ProviderProfile, data={"organisation": organisation, **values}, actor=actor)


@transaction.atomic
def provider_profile_update(*, profile: ProviderProfile, data: dict[str, Any], actor) -> ProviderProfile:
    profile = ProviderProfile.objects.select_for_update().select_related("organisation").get(pk=profile.pk)
    _require(can_edit_profile(actor, profile.organisation))
    if profile.status == VerificationStatus.VERIFIED and not can_manage_providers(actor)[0]:
        raise PermissionDenied("资料已核验，如需修改请先点击「申请变更」。")
    profile, _ = model_update(instance=profile, fields=[f for f in PROFILE_FIELDS if f in data], data=data, actor=actor)
    return profile


def _verify(*, obj: ProviderProfile, **_) -> None:
    obj.return_reason = ""


def _return(*, obj: ProviderProfile, note: str, **_) -> None:
    obj.return_reason = note


PROFILE_WORKFLOW = Workflow(
    model=ProviderProfile,
    transitions=[
        Transition(
            VerificationStatus.PENDING,
            "verify",
            VerificationStatus.VERIFIED,
            "核验通过",
            can_verify_profile,
            effect=_verify,
        ),
        Transition(
            VerificationStatus.PENDING,
            "return",
            VerificationStatus.RETURNED,
            "退回",
            can_verify_profile,
            effect=_return,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(
            VerificationStatus.RETURNED, "resubmit", VerificationStatus.PENDING, "重新提交核验", can_resubmit_profile
        ),
        Transition(
            VerificationStatus.VERIFIED,
            "reopen",
            VerificationStatus.PENDING,
            "申请变更",
            can_resubmit_profile,
            style="outline-secondary",
        ),
    ],
)


def provider_profile_transition(*, profile: ProviderProfile, action: str, actor, note: str = "") -> ProviderProfile:
    return PROFILE_WORKFLOW.perform(obj=profile, action=action, actor=actor, note=note)


# --- Qualifications --------------------------------------------------------------------------


@transaction.atomic
def qualification_create(*, provider: Organisation, data: dict[str, Any], actor) -> Qualification:
    _require(can_manage_qualifications(actor, provider))
    _ensure_provider(provider)
    values = {k: v for k, v in data.items() if k in QUALIFICATION_FIELDS}
    return model_create(model=Qualification, data={"provider": provider, **values}, actor=actor)


@transaction.atomic
def qualification_update(*, qualification: Qualification, data: dict[str, Any], actor) -> Qualification:
    _require(can_manage_qualifications(actor, qualification.provider))
    qualification, _ = model_update(
        instance=qualification, fields=[f for f in QUALIFICATION_FIELDS if f in data], data=data, actor=actor
    )
    return qualification


def needs_hazchem(item: BudgetItem, agreement: ServiceAgreement | None = None) -> bool:
    """Hazardous-chemicals work (鲁人社字〔2022〕14号): the item says so by name, or an indicator of
    the agreement is for the hazardous-chemicals industry."""
    if "危险化学品" in item.name:
        return True
    return (
        agreement is not None
        and agreement.pk is not None
        and agreement.indicators.filter(industry__code="hazchem").exists()
    )


def required_qualifications(item: BudgetItem, agreement: ServiceAgreement | None = None) -> list[str]:
    kinds = [QualificationKind.BUSINESS_LICENCE]
    if item.line.category == "training" or item.implementer_kind == "training":
        kinds.append(QualificationKind.TRAINING)
    if needs_hazchem(item, agreement):
        kinds.append(QualificationKind.HAZCHEM)
    return kinds


def qualification_problems(
    provider: Organisation, item: BudgetItem, on_date: datetime.date, agreement: ServiceAgreement | None = None
) -> list[str]:
    """What the provider lacks for this item on that day, one sentence each."""
    problems = []
    held = list(Qualification.objects.filter(provider=provider))
    for kind in required_qualifications(item, agreement):
        label = QualificationKind(kind).label
        of_kind = [q for q in held if q.kind == kind]
        if any(q.is_valid_on(on_date) for q in of_kind):
            continue
        if of_kind:
            latest = max(of_kind, key=lambda q: q.valid_to or datetime.date.max)
            problems.append(f"「{label}」已于 {latest.valid_to:%Y-%m-%d} 过期")
        else:
            problems.append(f"缺少「{label}」")
    return problems


def ensure_qualified(
    provider: Organisation, item: BudgetItem, on_date: datetime.date, agreement: ServiceAgreement | None = None
) -> None:
    problems = qualification_problems(provider, item, on_date, agreement)
    if problems:
        raise ValidationError(
            {"provider": f"{provider.name}资质不符合要求，不能订立协议：{'；'.join(problems)}。请先上传有效资质。"}
        )


# --- Procurement -----------------------------------------------------------------------------


@transaction.atomic
def procurement_rule_create(*, data: dict[str, Any], actor) -> ProcurementRule:
    _require(can_manage_rules(actor))
    return model_create(model=ProcurementRule, data={k: v for k, v in data.items() if k in RULE_FIELDS}, actor=actor)


@transaction.atomic
def procurement_rule_update(*, rule: ProcurementRule, data: dict[str, Any], actor) -> ProcurementRule:
    _require(can_manage_rules(actor))
    rule, _ = model_update(instance=rule, fields=[f for f in RULE_FIELDS if f in data], data=data, actor=actor)
    return rule


def _check_procurement(values: dict[str, Any]) -> None:
    item: BudgetItem = values["item"]
    chosen: Organisation = values["chosen"]
    amount: Decimal = values["amount"]
    _ensure_provider(chosen, "chosen")
    check_two_places(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": "成交金额必须大于零。"})
    if amount > item.amount:
        raise ValidationError(
            {"amount": f"成交金额 {yuan(amount)} 超过预算项目「{item.name}」的预算 {yuan(item.amount)}。"}
        )
    if values["method"] == ProcurementMethod.SINGLE_SOURCE and not (values.get("legal_ground") or "").strip():
        raise ValidationError({"legal_ground": "采用单一来源方式的，须写明理由及法律依据。"})
    for rule in ProcurementRule.objects.filter(is_active=True, min_amount__lte=amount):
        if values["method"] not in rule.method_list:
            raise ValidationError(
                {
                    "method": f"不符合采购规则{rule.quote()}；本次成交金额 {yuan(amount)}，采购方式为「{ProcurementMethod(values['method']).label}」。"
                }
            )
    ensure_not_debarred(chosen, values["decided_on"], field="chosen")


@transaction.atomic
def procurement_create(*, data: dict[str, Any], candidates: list[Organisation], actor) -> Procurement:
    _require(can_manage_procurement(actor))
    values = {k: v for k, v in data.items() if k in PROCUREMENT_FIELDS}
    _check_procurement(values)
    for candidate in candidates:
        _ensure_provider(candidate, "candidates")
    procurement = model_create(model=Procurement, data=values, actor=actor)
    procurement.candidates.set({*candidates, values["chosen"]})
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=procurement,
        event="candidates",
        changes={"candidates": [[], sorted(c.pk for c in procurement.candidates.all())]},
    )
    return procurement


@transaction.atomic
def procurement_update(
    *, procurement: Procurement, data: dict[str, Any], candidates: list[Organisation] | None, actor
) -> Procurement:
    _require(can_manage_procurement(actor))
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    if procurement.agreements.exclude(status=AgreementStatus.DRAFT).exists():
        raise ValidationError("已据此签订协议的采购记录不能修改。")
    values = {f: data.get(f, getattr(procurement, f)) for f in PROCUREMENT_FIELDS}
    _check_procurement(values)
    procurement, _ = model_update(
        instance=procurement, fields=[f for f in PROCUREMENT_FIELDS if f in data], data=data, actor=actor
    )
    if candidates is not None:
        before = sorted(procurement.candidates.values_list("pk", flat=True))
        procurement.candidates.set({*candidates, procurement.chosen})
        after = sorted(procurement.candidates.values_list("pk", flat=True))
        if before != after:
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=procurement,
                event="candidates",
                changes={"candidates": [before, after]},
            )
    return procurement


# --- Service agreements ----------------------------------------------------------------------


def _next_number(year: int) -> str:
    prefix = f"GSYF-{year}-"
    last = ServiceAgreement.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:03d}"


def _check_agreement(values: dict[str, Any], *, agreement: ServiceAgreement | None = None) -> None:
    """What a new or edited draft must satisfy; signing checks them again on the locked rows."""
    provider: Organisation = values["provider"]
    item: BudgetItem = values["item"]
    _ensure_provider(provider)
    check_two_places(values["price"], "price")
    procurement = values.get("procurement")
    if procurement is not None:
        if procurement.item_id != item.pk:
            raise ValidationError({"procurement": "采购记录与协议的预算项目不一致。"})
        if procurement.chosen_id != provider.pk:
            raise ValidationError({"procurement": "采购记录的成交机构不是本协议的服务机构。"})
    available = item.remaining
    if values["price"] > available:
        raise ValidationError(
            {
                "price": f"协议金额 {yuan(values['price'])} 超过预算项目「{item.name}」的剩余额度 {yuan(available)}"
                f"（预算 {yuan(item.amount)}，已承诺 {yuan(item.committed)}）。"
            }
        )
    ensure_not_debarred(provider, today())
    ensure_qualified(provider, item, today(), agreement)


@transaction.atomic
def agreement_create(
    *,
    data: dict[str, Any],
    actor,
    indicators: list[dict[str, Any]] | None = None,
    team: list[dict[str, Any]] | None = None,
) -> ServiceAgreement:
    _require(agency_only(actor))
    values = {k: v for k, v in data.items() if k in AGREEMENT_FIELDS}
    for field, text in default_clauses(_percent(values.get("advance_percent"))).items():
        if not (values.get(field) or "").strip():
            values[field] = text
    _check_agreement(values)
    year = values["period_start"].year if values.get("period_start") else today().year
    agreement = model_create(
        model=ServiceAgreement,
        data={"number": _next_number(year), "agency": actor.organisation, **values},
        actor=actor,
    )
    if indicators:
        agreement_set_indicators(agreement=agreement, indicators=indicators, actor=actor)
    for member in team or []:
        team_member_add(agreement=agreement, actor=actor, **member)
    return agreement


def _percent(value) -> str:
    if value is None:
        return "30"
    value = Decimal(value)
    return str(value.quantize(Decimal("1"))) if value == value.to_integral() else str(value)


@transaction.atomic
def agreement_update(*, agreement: ServiceAgreement, data: dict[str, Any], actor) -> ServiceAgreement:
    agreement = ServiceAgreement.objects.select_for_update().get(pk=agreement.pk)
    _require(can_edit_agreement(actor, agreement))
    values = {f: data.get(f, getattr(agreement, f)) for f in AGREEMENT_FIELDS}
    _check_agreement(values, agreement=agreement)
    agreement, _ = model_update(
        instance=agreement, fields=[f for f in AGREEMENT_FIELDS if f in data], data=data, actor=actor
    )
    return agreement


@transaction.atomic
def agreement_set_indicators(*, agreement: ServiceAgreement, indicators: list[dict[str, Any]], actor) -> None:
    """Replaces the planned quantities of a draft."""
    agreement = ServiceAgreement.objects.select_for_update().get(pk=agreement.pk)
    _require(can_edit_agreement(actor, agreement))
    before = [str(i) for i in agreement.indicators.all()]
    rows = []
    for index, data in enumerate(indicators, start=1):
        row = AgreementIndicator(agreement=agreement, **data)
        try:
            row.full_clean(exclude=["agreement"])
        except ValidationError as e:
            raise ValidationError({"indicators": [f"第 {index} 项指标：{m}" for m in e.messages]}) from None
        rows.append(row)
    agreement.indicators.all().delete()
    AgreementIndicator.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=agreement,
        event="indicators",
        changes={"indicators": [before, [str(i) for i in agreement.indicators.select_related("industry", "position")]]},
    )


@transaction.atomic
def team_member_add(*, agreement: ServiceAgreement, name: str, role: str, phone: str = "", actor) -> TeamMember:
    _require(can_edit_team(actor, agreement))
    member = TeamMember(agreement=agreement, name=name, role=role, phone=phone, joined_on=today())
    member.full_clean()
    member.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=agreement,
        event="team_add",
        changes={"team": [None, str(member)]},
    )
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor) -> None:
    _require(can_edit_team(actor, member.agreement))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=member.agreement,
        event="team_remove",
        changes={"team": [str(member), None]},
    )
    member.delete()


def _ready_to_send(*, obj: ServiceAgreement, **_) -> None:
    if not obj.indicators.exists():
        raise ValidationError("请先填写服务内容的数量指标（每项指标的计划数）再发送。")
    if not obj.team.filter(is_active=True).exists():
        raise ValidationError("请先填写乙方项目组成员再发送。")


def _sign(*, obj: ServiceAgreement, actor, signed_on: datetime.date | None = None, **_) -> None:
    """Everything that must hold when the agency signs, checked on the locked row, and the
    commitment against the budget in the same transaction."""
    day = signed_on or today()
    if day > today():
        raise ValidationError("签订日期不能晚于今天。")
    profile = ProviderProfile.objects.filter(organisation_id=obj.provider_id).first()
    if profile is None or profile.status != VerificationStatus.VERIFIED:
        raise ValidationError(f"{obj.provider.name}的机构资料尚未经经办机构核验，不能签订协议。")
    ensure_not_debarred(obj.provider, day)
    ensure_qualified(obj.provider, obj.item, day, obj)
    budget_commit(item=obj.item, amount=obj.price, actor=actor, source=obj)
    obj.committed = obj.price
    obj.signed_on = day


def _terminate(*, obj: ServiceAgreement, actor, note: str, **_) -> None:
    unpaid = obj.committed - obj.paid
    if unpaid > 0:
        budget_release(item=obj.item, amount=unpaid, actor=actor, source=obj)
    obj.committed = obj.paid
    obj.termination_reason = note


A = AgreementStatus
AGREEMENT_WORKFLOW = Workflow(
    model=ServiceAgreement,
    transitions=[
        Transition(A.DRAFT, "send", A.SENT, "发送服务机构确认", agency_only, effect=_ready_to_send),
        Transition(A.SENT, "recall", A.DRAFT, "撤回修改", agency_only, style="outline-secondary"),
        Transition(A.SENT, "confirm", A.CONFIRMED, "确认协议内容", provider_of),
        Transition(A.SENT, "decline", A.DRAFT, "退回修改", provider_of, style="outline-danger", needs_note=True),
        Transition(A.CONFIRMED, "sign", A.SIGNED, "签订", agency_only, effect=_sign, style="success"),
        Transition(A.CONFIRMED, "recall", A.DRAFT, "撤回修改", agency_only, style="outline-secondary"),
        Transition(A.SIGNED, "activate", A.IN_FORCE, "生效", agency_only),
        Transition(
            A.SIGNED,
            "terminate",
            A.TERMINATED,
            "终止协议",
            agency_only,
            effect=_terminate,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(A.IN_FORCE, "complete", A.COMPLETED, "履行完毕", agency_only, style="success"),
        Transition(
            A.IN_FORCE,
            "terminate",
            A.TERMINATED,
            "终止协议",
            agency_only,
            effect=_terminate,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def agreement_transition(
    *, agreement: ServiceAgreement, action: str, actor, note: str = "", signed_on: datetime.date | None = None
) -> ServiceAgreement:
    """`signed_on` records a signature made on paper on an earlier day (the demo's 2023 agreements);
    the debarment and qualification checks then apply to that day."""
    params = {"signed_on": signed_on} if signed_on is not None else {}
    return AGREEMENT_WORKFLOW.perform(obj=agreement, action=action, actor=actor, note=note, **params)


@transaction.atomic
def agreement_amend(*, agreement: ServiceAgreement, reason: str, data: dict[str, Any], actor) -> AgreementAmendment:
    """The recorded change of a signed agreement. A new price commits or releases the
    difference through the budget ledger in the same transaction."""
    agreement = ServiceAgreement.objects.select_for_update().select_related("item").get(pk=agreement.pk)
    _require(can_amend_agreement(actor, agreement))
    if not reason.strip():
        raise ValidationError({"reason": "请填写变更原因。"})
    before = audit.snapshot(agreement, AMENDABLE_FIELDS)
    old_price = agreement.price
    changed = [f for f in AMENDABLE_FIELDS if f in data and data[f] != getattr(agreement, f)]
    if not changed:
        raise ValidationError("没有需要变更的内容。")
    for field in changed:
        setattr(agreement, field, data[field])
    agreement.full_clean()
    if "price" in changed:
        check_two_places(agreement.price, "price")
        difference = agreement.price - old_price
        if difference > 0:
            budget_commit(item=agreement.item, amount=difference, actor=actor, source=agreement)
        else:
            if agreement.price < agreement.paid:
                raise ValidationError({"price": f"变更后金额不能低于已支付的 {yuan(agreement.paid)}。"})
            budget_release(item=agreement.item, amount=-difference, actor=actor, source=agreement)
        agreement.committed += difference
    agreement.save(update_fields=[*changed, "committed", "updated_at"])
    changes = audit.diff(before, audit.snapshot(agreement, AMENDABLE_FIELDS))
    amendment = AgreementAmendment.objects.create(
        agreement=agreement,
        sequence=agreement.amendments.count() + 1,
        reason=reason,
        changes=changes,
        old_price=old_price,
        new_price=agreement.price,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=agreement,
        event="amend",
        changes=changes,
        extra={"label": f"协议变更（第{amendment.sequence}次）", "note": reason},
    )
    return amendment


# --- Project team changes after signing -------------------------------------------------------


@transaction.atomic
def team_change_request_create(
    *,
    agreement: ServiceAgreement,
    reason: str,
    actor,
    remove: TeamMember | None = None,
    add_name: str = "",
    add_role: str = "",
    phone: str = "",
) -> TeamChangeRequest:
    _require(can_request_team_change(actor, agreement))
    if remove is not None and (remove.agreement_id != agreement.pk or not remove.is_active):
        raise ValidationError({"remove": "所选成员不在本协议的项目组中。"})
    if add_name and not add_role:
        raise ValidationError({"add_role": "请填写调入成员的项目职务。"})
    if agreement.team_changes.filter(status=TeamChangeStatus.PENDING).exists():
        raise ValidationError("已有待审核的项目组成员变更申请，请等待经办机构审核。")
    return model_create(
        model=TeamChangeRequest,
        data={
            "agreement": agreement,
            "reason": reason,
            "remove": remove,
            "add_name": add_name,
            "add_role": add_role,
            "phone": phone,
        },
        actor=actor,
    )


def _approve_team_change(*, obj: TeamChangeRequest, actor, note: str, **_) -> None:
    day = today()
    if obj.remove_id:
        member = TeamMember.objects.select_for_update().get(pk=obj.remove_id)
        member.is_active = False
        member.left_on = day
        member.save(update_fields=["is_active", "left_on"])
    if obj.add_name:
        member = TeamMember(
            agreement_id=obj.agreement_id, name=obj.add_name, role=obj.add_role, phone=obj.phone, joined_on=day
        )
        member.full_clean()
        member.save()
    obj.decision_note = note


def _refuse_team_change(*, obj: TeamChangeRequest, note: str, **_) -> None:
    obj.decision_note = note


def _agency_decides(user, request) -> tuple[bool, str]:
    ok, _ = agency_only(user)
    return (True, "") if ok else (False, "项目组成员变更由经办机构审核。")


TEAM_CHANGE_WORKFLOW = Workflow(
    model=TeamChangeRequest,
    transitions=[
        Transition(
            TeamChangeStatus.PENDING,
            "approve",
            TeamChangeStatus.APPROVED,
            "同意变更",
            _agency_decides,
            effect=_approve_team_change,
        ),
        Transition(
            TeamChangeStatus.PENDING,
            "refuse",
            TeamChangeStatus.REFUSED,
            "不同意",
            _agency_decides,
            effect=_refuse_team_change,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def team_change_transition(*, request: TeamChangeRequest, action: str, actor, note: str = "") -> TeamChangeRequest:
    return TEAM_CHANGE_WORKFLOW.perform(obj=request, action=action, actor=actor, note=note)
