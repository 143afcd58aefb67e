"""Procurement records and the procurement rules that decide the method an amount needs."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from yufang.accounts.models import Organisation, User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.plans.models import BudgetItem, yuan
from yufang.plans.money import check_two_places

from ..debarment import ensure_not_debarred
from ..models import AgreementStatus, Procurement, ProcurementMethod, ProcurementRule
from ..permissions import can_manage_procurement, can_manage_rules
from .base import _ensure_provider

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


@transaction.atomic
def procurement_rule_create(*, data: dict[str, Any], actor: User) -> ProcurementRule:
    _require(can_manage_rules(actor))
    return model_create(model=ProcurementRule, data={k: v for k, v in data.items() if k in RULE_FIELDS}, actor=actor)


@transaction.atomic
def procurement_rule_update(*, rule: ProcurementRule, data: dict[str, Any], actor: User) -> ProcurementRule:
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
def procurement_create(*, data: dict[str, Any], candidates: list[Organisation], actor: User) -> Procurement:
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
    *, procurement: Procurement, data: dict[str, Any], candidates: list[Organisation] | None, actor: User
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
