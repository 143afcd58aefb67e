"""Money: deductions, payments and settlement. Every money step locks the agreement row and goes
through the budget ledger."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.dates import today
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create
from yufang.core.workflow import Transition, Workflow
from yufang.plans.models import yuan
from yufang.plans.money import check_two_places
from yufang.plans.services import budget_pay
from yufang.providers.models import AgreementStatus, ServiceAgreement
from yufang.providers.services import agreement_release_unpaid, agreement_transition

from .. import permissions as may
from ..models import (
    ZERO,
    Acceptance,
    Deduction,
    DeductionStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    Project,
)
from ..money import balance_due, deductions_total, payments_held
from .base import _lock_project


@transaction.atomic
def deduction_create(*, project: Project, data: dict[str, Any], actor: User) -> Deduction:
    project = _lock_project(project)
    _require(may.can_record_deduction(actor, project))
    amount = data.get("amount")
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "扣减金额须大于零。"})
    check_two_places(amount, "amount")
    room = project.agreement.price - payments_held(project, PaymentKind.ADVANCE) - deductions_total(project)
    if amount > room:
        raise ValidationError({"amount": f"扣减金额 {yuan(amount)} 超过尚未支付的协议金额 {yuan(room)}。"})
    if not (data.get("reason") or "").strip():
        raise ValidationError({"reason": "请写明扣减理由。"})
    values = {k: data.get(k) for k in ("amount", "source", "reason", "evidence") if data.get(k) is not None}
    return model_create(model=Deduction, data={"project": project, **values}, actor=actor)


def _object(*, obj: Deduction, note: str, **_) -> None:
    obj.objection = note


def _decide_deduction(*, obj: Deduction, note: str, **_) -> None:
    obj.decision_note = note


D = DeductionStatus


DEDUCTION_WORKFLOW = Workflow(
    model=Deduction,
    transitions=[
        Transition(
            D.RECORDED,
            "object",
            D.OBJECTED,
            "提出异议",
            may.provider_of,
            effect=_object,
            style="outline-secondary",
            needs_note=True,
        ),
        Transition(D.OBJECTED, "uphold", D.UPHELD, "维持扣减", may.agency, effect=_decide_deduction, needs_note=True),
        Transition(
            D.OBJECTED,
            "cancel",
            D.CANCELLED,
            "撤销扣减",
            may.agency,
            effect=_decide_deduction,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def deduction_transition(*, deduction: Deduction, action: str, actor: User, note: str = "") -> Deduction:
    return DEDUCTION_WORKFLOW.perform(obj=deduction, action=action, actor=actor, note=note)


ADVANCE_STATUSES = may.ADVANCE_STATUSES


@transaction.atomic
def payment_request(*, project: Project, kind: str, actor: User, amount: Decimal | None = None) -> Payment:
    """The provider asks for the advance (after the plan is approved, once, up to the agreement's
    percentage of the price) or the balance (after acceptance passes: price − advance − deductions)."""
    project = _lock_project(project)
    _require(may.can_request_payment(actor, project, kind))
    agreement = project.agreement
    if kind == PaymentKind.ADVANCE:
        limit = agreement.advance_amount
        amount = limit if amount is None else amount
        check_two_places(amount, "amount")
        if amount <= 0:
            raise ValidationError({"amount": "预付款金额须大于零。"})
        if amount > limit:
            raise ValidationError(
                {"amount": f"预付款 {yuan(amount)} 超过协议金额的 {agreement.advance_percent}%（{yuan(limit)}）。"}
            )
        basis = f"协议金额 {yuan(agreement.price)} × 预付比例 {agreement.advance_percent}% = {yuan(limit)}；申请 {yuan(amount)}。"
    elif kind == PaymentKind.BALANCE:
        advance, deducted = payments_held(project, PaymentKind.ADVANCE), deductions_total(project)
        amount = agreement.price - advance - deducted
        if amount <= 0:
            raise ValidationError("扣除预付款和扣减项目费用后尾款为零，无需申请，经办机构可直接结算。")
        basis = f"协议金额 {yuan(agreement.price)} − 预付款 {yuan(advance)} − 扣减 {yuan(deducted)} = {yuan(amount)}。"
    else:
        raise ValidationError({"kind": "未知的付款类别。"})
    return model_create(
        model=Payment, data={"project": project, "kind": kind, "amount": amount, "basis": basis}, actor=actor
    )


def _lock_agreement(payment: Payment) -> ServiceAgreement:
    return ServiceAgreement.objects.select_for_update().select_related("item").get(pk=payment.project.agreement_id)


def _approve_payment(*, obj: Payment, **_) -> None:
    """The total approved and paid on an agreement never passes its price (less deductions).
    The agreement row is locked, so concurrent approvals queue here and see each other."""
    agreement = _lock_agreement(obj)
    project = obj.project
    others = (
        Payment.objects.filter(project__agreement=agreement, status__in=[PaymentStatus.APPROVED, PaymentStatus.PAID])
        .exclude(pk=obj.pk)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    cap = agreement.price - deductions_total(project)
    if others + obj.amount > cap:
        raise ValidationError(
            f"本次 {yuan(obj.amount)} 加已审批、已支付的 {yuan(others)}，超过协议金额扣减后的 {yuan(cap)}，不予审批。"
        )


def _pay(*, obj: Payment, actor: User, voucher_number: str = "", paid_on: datetime.date | None = None, **_) -> None:
    voucher_number = (voucher_number or "").strip()
    if not voucher_number:
        raise ValidationError({"voucher_number": "请填写支付凭证号。"})
    paid_on = paid_on or today()
    if paid_on > today():
        raise ValidationError({"paid_on": "支付日期不能晚于今天。"})
    if obj.kind == PaymentKind.BALANCE:
        decided = Acceptance.objects.filter(project_id=obj.project_id).values_list("decided_on", flat=True).first()
        if decided is not None and paid_on < decided:
            raise ValidationError({"paid_on": f"尾款支付日期不能早于验收结论日期 {decided:%Y-%m-%d}。"})
    agreement = _lock_agreement(obj)
    if agreement.paid + obj.amount > agreement.price:
        raise ValidationError(
            f"支付后协议已付合计 {yuan(agreement.paid + obj.amount)} 将超过协议金额 {yuan(agreement.price)}。"
        )
    budget_pay(item=agreement.item, amount=obj.amount, actor=actor, source=obj)
    before = agreement.paid
    agreement.paid = before + obj.amount
    agreement.save(update_fields=["paid", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=agreement,
        event="paid",
        changes={"paid": [str(before), str(agreement.paid)]},
        extra={"label": f"支付{obj.get_kind_display()}", "note": voucher_number},
    )
    obj.voucher_number = voucher_number
    obj.paid_on = paid_on


def _refuse_payment(*, obj: Payment, note: str, **_) -> None:
    obj.decision_note = note


P = PaymentStatus


PAYMENT_WORKFLOW = Workflow(
    model=Payment,
    transitions=[
        Transition(P.REQUESTED, "review", P.REVIEWED, "审核通过", may.agency),
        Transition(
            P.REVIEWED,
            "approve",
            P.APPROVED,
            "审批同意",
            may.payment_approver,
            effect=_approve_payment,
            style="success",
            confirm="审批同意后，这笔金额计入该服务协议已批准的付款（合计不得超过协议金额减去扣减），交经办机构支付。",
            done="已审批同意，待经办机构支付",
        ),
        Transition(
            P.APPROVED,
            "pay",
            P.PAID,
            "登记支付",
            may.agency,
            effect=_pay,
            style="success",
            confirm="登记支付后，这笔金额从预算项目中列支，计入服务协议已支付金额，不能撤销。",
            done="已登记支付，金额已从预算中列支",
        ),
        *[
            Transition(
                s,
                "refuse",
                P.REFUSED,
                "不予支付",
                may.payment_refuser,
                effect=_refuse_payment,
                style="outline-danger",
                needs_note=True,
            )
            for s in (P.REQUESTED, P.REVIEWED, P.APPROVED)
        ],
    ],
)


def payment_transition(
    *, payment: Payment, action: str, actor: User, note: str = "", voucher_number: str = "", paid_on=None
) -> Payment:
    params = {"voucher_number": voucher_number, "paid_on": paid_on} if action == "pay" else {}
    return PAYMENT_WORKFLOW.perform(obj=payment, action=action, actor=actor, note=note, **params)


def _release_unpaid(project: Project, actor: User) -> None:
    """What was committed and not paid goes back to the budget item (deductions, a failed project)."""
    agreement = ServiceAgreement.objects.select_for_update().select_related("item").get(pk=project.agreement_id)
    before = agreement.committed
    if agreement_release_unpaid(agreement=agreement, actor=actor, source=project) > 0:
        agreement.save(update_fields=["committed", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=agreement,
            event="release",
            changes={"committed": [str(before), str(agreement.committed)]},
            extra={"label": "释放未支付的承诺额度"},
        )
    if agreement.status == AgreementStatus.IN_FORCE:
        agreement_transition(agreement=agreement, action="complete", actor=actor)


def _no_payment_in_flight(project: Project) -> None:
    if project.payments.filter(status__in=[P.REQUESTED, P.REVIEWED, P.APPROVED]).exists():
        raise ValidationError("有付款尚在办理中，办结后才能执行此操作。")


def _settle(*, obj: Project, actor: User, **_) -> None:
    _no_payment_in_flight(obj)
    if obj.deductions.filter(status=DeductionStatus.OBJECTED).exists():
        raise ValidationError("有扣减异议尚待决定，不能结算。")
    due = balance_due(obj) - payments_held(obj, PaymentKind.BALANCE, (P.PAID,))
    if due > 0:
        raise ValidationError(f"尾款 {yuan(due)} 尚未支付，支付后才能结算。")
    _release_unpaid(obj, actor)


def _archive_failed(*, obj: Project, actor: User, **_) -> None:
    _no_payment_in_flight(obj)
    _release_unpaid(obj, actor)
