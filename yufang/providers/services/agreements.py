"""Service agreements: drafting, signing, amendments, the agreement's transition table."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from yufang.accounts.models import Organisation, User
from yufang.core import audit
from yufang.core.dates import today
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.core.workflow import Transition, Workflow
from yufang.plans.models import BudgetItem, yuan
from yufang.plans.money import check_two_places
from yufang.plans.services import budget_commit, budget_release

from ..clauses import default_clauses
from ..debarment import ensure_not_debarred
from ..models import (
    AgreementAmendment,
    AgreementIndicator,
    AgreementStatus,
    ProviderProfile,
    ServiceAgreement,
    TeamMember,
    VerificationStatus,
)
from ..permissions import agency_only, can_amend_agreement, can_edit_agreement, can_edit_team, provider_of
from ..qualifications import ensure_qualified
from .base import _ensure_provider

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
    actor: User,
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
def agreement_update(*, agreement: ServiceAgreement, data: dict[str, Any], actor: User) -> ServiceAgreement:
    agreement = ServiceAgreement.objects.select_for_update().get(pk=agreement.pk)
    _require(can_edit_agreement(actor, agreement))
    values = {f: data.get(f, getattr(agreement, f)) for f in AGREEMENT_FIELDS}
    _check_agreement(values, agreement=agreement)
    agreement, _ = model_update(
        instance=agreement, fields=[f for f in AGREEMENT_FIELDS if f in data], data=data, actor=actor
    )
    return agreement


@transaction.atomic
def agreement_set_indicators(*, agreement: ServiceAgreement, indicators: list[dict[str, Any]], actor: User) -> None:
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


def team_member_join(*, agreement_id: int, name: str, role: str, phone: str, day: datetime.date) -> TeamMember:
    """A member joins an agreement's team only here (drafting the team, or an approved change);
    the caller checks the actor and audits."""
    member = TeamMember(agreement_id=agreement_id, name=name, role=role, phone=phone, joined_on=day)
    member.full_clean()
    member.save()
    return member


def team_member_leave(*, member: TeamMember, day: datetime.date) -> None:
    """A member leaves the team only here (an approved change); the row stays for the record."""
    member.is_active = False
    member.left_on = day
    member.save(update_fields=["is_active", "left_on"])


@transaction.atomic
def team_member_add(*, agreement: ServiceAgreement, name: str, role: str, phone: str = "", actor: User) -> TeamMember:
    _require(can_edit_team(actor, agreement))
    member = team_member_join(agreement_id=agreement.pk, name=name, role=role, phone=phone, day=today())
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=agreement,
        event="team_add",
        changes={"team": [None, str(member)]},
    )
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor: User) -> None:
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


def _sign(*, obj: ServiceAgreement, actor: User, signed_on: datetime.date | None = None, **_) -> None:
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


def agreement_release_unpaid(*, agreement: ServiceAgreement, actor: User, source) -> Decimal:
    """The one place committed-but-unpaid money goes back to the budget item: a terminated
    agreement, a settled or failed project. The agreement's commitment becomes what was paid; the
    caller holds the agreement's row lock and saves it (a transition's effect, or its own audit).
    Returns the amount released (zero where nothing was left)."""
    unpaid = agreement.committed - agreement.paid
    if unpaid > 0:
        budget_release(item=agreement.item, amount=unpaid, actor=actor, source=source)
    agreement.committed = agreement.paid
    return max(unpaid, Decimal("0"))


def _terminate(*, obj: ServiceAgreement, actor: User, note: str, **_) -> None:
    agreement_release_unpaid(agreement=obj, actor=actor, source=obj)
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
    *, agreement: ServiceAgreement, action: str, actor: User, note: str = "", signed_on: datetime.date | None = None
) -> ServiceAgreement:
    """`signed_on` records a signature made on paper on an earlier day (the demo's 2023 agreements);
    the debarment and qualification checks then apply to that day."""
    params = {"signed_on": signed_on} if signed_on is not None else {}
    return AGREEMENT_WORKFLOW.perform(obj=agreement, action=action, actor=actor, note=note, **params)


@transaction.atomic
def agreement_amend(
    *, agreement: ServiceAgreement, reason: str, data: dict[str, Any], actor: User
) -> AgreementAmendment:
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
