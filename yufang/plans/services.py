"""Writes on plans, budget lines and items, and the budget ledger.

Every movement of money against a budget item goes through `_move`, which locks the line and
the item (always in that order, so concurrent signings and payments queue rather than
deadlock), checks the amounts, updates both and writes a ledger entry and an audit record in
the same transaction. The database's CHECK constraints (paid <= committed <= amount) stand
behind it."""

from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.core.workflow import Transition, Workflow

from .models import (
    ZERO,
    BudgetCategory,
    BudgetEntry,
    BudgetEntryKind,
    BudgetItem,
    BudgetLine,
    Plan,
    PlanStatus,
    yuan,
)
from .money import check_two_places
from .permissions import can_edit_plan, owner_only

PLAN_FIELDS = [
    "city",
    "year",
    "title",
    "doc_number",
    "issuing_departments",
    "issue_date",
    "document",
    "fund_amount",
    "premium_income",
    "benefits_secured",
    "base_cap_percent",
    "max_cap_percent",
    "approval_doc_number",
    "approval_date",
    "class_hour_minutes",
    "online_elective_hours",
    "offline_attendance_percent",
]


@transaction.atomic
def plan_create(*, actor: User, data: dict[str, Any]) -> Plan:
    _require(can_edit_plan(actor))
    for field in ("fund_amount", "premium_income"):
        check_two_places(data.get(field), field)
    plan = model_create(model=Plan, data={k: v for k, v in data.items() if k in PLAN_FIELDS}, actor=actor)
    for category in BudgetCategory.values:
        BudgetLine.objects.create(plan=plan, category=category)
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: Plan, data: dict[str, Any]) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require(can_edit_plan(actor, plan))
    for field in ("fund_amount", "premium_income"):
        if field in data:
            check_two_places(data[field], field)
    if "fund_amount" in data and data["fund_amount"] < plan.lines.aggregate(c=Sum("committed"))["c"]:
        raise ValidationError({"fund_amount": "提取额度不能低于已承诺的金额。"})
    plan, _ = model_update(instance=plan, fields=[f for f in PLAN_FIELDS if f in data], data=data, actor=actor)
    return plan


@transaction.atomic
def plan_set_budget(*, actor: User, plan: Plan, lines: dict[str, Decimal], items: list[dict[str, Any]]) -> Plan:
    """Sets every line and item of a draft plan at once. Lines must add up exactly to the fund;
    a line's items may not add up to more than the line; nothing is saved unless all is right."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require(can_edit_plan(actor, plan))
    errors = _budget_errors(plan, lines, items)
    if errors:
        raise ValidationError(errors)
    _lines_set(plan, lines, actor=actor)
    _items_set(plan, items, actor=actor)
    return plan


def _budget_errors(plan: Plan, lines: dict[str, Decimal], items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Every problem with the proposed budget: amounts, the lines' sum against the fund, and each
    line's items against the line."""
    errors: dict[str, list[str]] = {}
    for category, amount in lines.items():
        try:
            check_two_places(amount, f"line_{category}")
        except ValidationError as e:
            errors.update(e.message_dict)
    total = sum(lines.values(), ZERO)
    if not errors and total != plan.fund_amount:
        errors["__all__"] = [
            f"各预算科目合计 {yuan(total)}，与提取额度 {yuan(plan.fund_amount)} 不一致（差 {yuan(plan.fund_amount - total)}）。"
        ]
    by_category: dict[str, Decimal] = {}
    for index, item in enumerate(items, start=1):
        if item["category"] not in lines:
            errors.setdefault("items", []).append(f"第 {index} 个项目：预算科目只能是宣传或培训。")
            continue
        try:
            check_two_places(item["amount"], "items")
        except ValidationError:
            errors.setdefault("items", []).append(
                f"第 {index} 个项目「{item['name']}」：金额须为非负数且最多两位小数。"
            )
            continue
        by_category[item["category"]] = by_category.get(item["category"], ZERO) + item["amount"]
    for category, amount in by_category.items():
        if amount > lines[category]:
            label = BudgetCategory(category).label
            errors.setdefault("items", []).append(
                f"「{label}」下各项目合计 {yuan(amount)}，超过该科目预算 {yuan(lines[category])}。"
            )
    return errors


def _lines_set(plan: Plan, lines: dict[str, Decimal], *, actor: User) -> None:
    """The lines' new amounts, none below what is already committed."""
    for line in plan.lines.select_for_update():
        new_amount = lines.get(line.category, ZERO)
        if new_amount < line.committed:
            raise ValidationError({f"line_{line.category}": f"不能低于已承诺的 {yuan(line.committed)}。"})
        if new_amount != line.amount:
            model_update(instance=line, fields=["amount"], data={"amount": new_amount}, actor=actor)


def _items_set(plan: Plan, items: list[dict[str, Any]], *, actor: User) -> None:
    """The items as given (matched to the existing ones by name); items no longer listed are
    deleted unless money has moved on them."""
    lines_by_category = {line.category: line for line in plan.lines.all()}
    keep = set()
    for order, data in enumerate(items, start=1):
        line = lines_by_category[data["category"]]
        item = line.items.filter(name=data["name"]).first()
        values = {
            "description": data.get("description", ""),
            "implementer_kind": data["implementer_kind"],
            "amount": data["amount"],
            "sort_order": order * 10,
            "remarks": data.get("remarks", ""),
        }
        if item is None:
            item = model_create(model=BudgetItem, data={"line": line, "name": data["name"], **values}, actor=actor)
        else:
            if values["amount"] < item.committed:
                raise ValidationError({"items": f"「{item.name}」的预算不能低于已承诺的 {yuan(item.committed)}。"})
            model_update(instance=item, fields=list(values), data=values, actor=actor)
        keep.add(item.pk)
    for item in BudgetItem.objects.filter(line__plan=plan).exclude(pk__in=keep):
        if item.committed or item.entries.exists():
            raise ValidationError({"items": f"「{item.name}」已有执行记录，不能删除。"})
        audit.record(actor=actor, action=AuditAction.DELETE, instance=item, changes={"name": [item.name, None]})
        item.delete()


def _ready_to_issue(*, obj: Plan, actor: User, **_) -> None:
    problems = []
    if not obj.doc_number:
        problems.append("文号")
    if not obj.issue_date:
        problems.append("印发日期")
    if not obj.benefits_secured:
        problems.append("在保证待遇支付前提下提取的确认")
    if problems:
        raise ValidationError(f"印发前请填写：{'、'.join(problems)}。")
    obj.full_clean()
    total = obj.lines.aggregate(t=Sum("amount"))["t"] or ZERO
    if total != obj.fund_amount:
        raise ValidationError(f"各预算科目合计 {yuan(total)} 与提取额度 {yuan(obj.fund_amount)} 不一致，不能印发。")


PLAN_WORKFLOW = Workflow(
    model=Plan,
    transitions=[
        Transition(PlanStatus.DRAFT, "issue", PlanStatus.ISSUED, "印发", owner_only, effect=_ready_to_issue),
        Transition(
            PlanStatus.ISSUED,
            "withdraw",
            PlanStatus.DRAFT,
            "撤回为草稿",
            owner_only,
            style="outline-secondary",
            needs_note=True,
        ),
        Transition(
            PlanStatus.ISSUED,
            "close",
            PlanStatus.CLOSED,
            "年度结束",
            owner_only,
            style="outline-dark",
            confirm=(
                "年度结束后，本年度的预算项目不再用于新签服务协议，线上培训报名转入下一个已印发的年度；"
                "已签协议的付款照常办理。如需继续，须填写理由重新开启。"
            ),
            done="已结束本年度",
        ),
        Transition(
            PlanStatus.CLOSED,
            "reopen",
            PlanStatus.ISSUED,
            "重新开启",
            owner_only,
            style="outline-secondary",
            needs_note=True,
        ),
    ],
)


def plan_transition(*, plan: Plan, action: str, actor: User, note: str = "") -> Plan:
    return PLAN_WORKFLOW.perform(obj=plan, action=action, actor=actor, note=note)


# --- The budget ledger -------------------------------------------------------------------------


def _move(*, item: BudgetItem, amount: Decimal, kind: str, actor: User, source: models.Model) -> BudgetItem:
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    check_two_places(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": "金额必须大于零。"})
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().select_related("plan").get(pk=item.line_id)
        locked = BudgetItem.objects.select_for_update().get(pk=item.pk)
        if line.plan.status != PlanStatus.ISSUED:
            raise ValidationError(f"{line.plan} 尚未印发或已结束，不能承诺或支付资金。")
        _apply(locked, line, kind=kind, amount=amount)
        locked.save(update_fields=["committed", "paid", "updated_at"])
        line.save(update_fields=["committed", "paid", "updated_at"])
        entry = BudgetEntry.objects.create(
            item=locked,
            kind=kind,
            amount=amount,
            source_type=ContentType.objects.get_for_model(source),
            source_id=str(source.pk),
            source_repr=str(source)[:300],
            actor=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            event=f"budget_{kind}",
            changes={
                "committed": [str(item.committed), str(locked.committed)],
                "paid": [str(item.paid), str(locked.paid)],
            },
            extra={"amount": str(amount), "source": entry.source_repr, "entry": entry.pk},
        )
    item.committed, item.paid = locked.committed, locked.paid
    return item


def _apply(locked: BudgetItem, line: BudgetLine, *, kind: str, amount: Decimal) -> None:
    """Moves the locked item's and line's committed or paid amount, refusing a commitment beyond
    the budget, a release beyond what is unpaid, and a payment beyond the commitment."""
    if kind == BudgetEntryKind.COMMIT:
        if locked.committed + amount > locked.amount:
            raise ValidationError(
                {
                    "amount": f"「{locked.name}」预算 {yuan(locked.amount)}，已承诺 {yuan(locked.committed)}，"
                    f"剩余 {yuan(locked.remaining)}，不足 {yuan(amount)}。"
                }
            )
        if line.committed + amount > line.amount:
            raise ValidationError(
                {"amount": f"「{line.get_category_display()}」科目剩余 {yuan(line.remaining)}，不足 {yuan(amount)}。"}
            )
        locked.committed += amount
        line.committed += amount
    elif kind == BudgetEntryKind.RELEASE:
        if amount > locked.committed - locked.paid:
            raise ValidationError(
                {"amount": f"「{locked.name}」可释放的承诺额只有 {yuan(locked.committed - locked.paid)}。"}
            )
        locked.committed -= amount
        line.committed -= amount
    elif kind == BudgetEntryKind.PAY:
        if locked.paid + amount > locked.committed:
            raise ValidationError(
                {
                    "amount": f"「{locked.name}」已承诺 {yuan(locked.committed)}，已支付 {yuan(locked.paid)}，"
                    f"本次 {yuan(amount)} 将超过承诺额。"
                }
            )
        locked.paid += amount
        line.paid += amount
    else:
        raise ValueError(kind)


def budget_commit(*, item: BudgetItem, amount: Decimal, actor: User, source: models.Model) -> BudgetItem:
    """Commits an amount (an agreement's price) against an item and its line."""
    return _move(item=item, amount=amount, kind=BudgetEntryKind.COMMIT, actor=actor, source=source)


def budget_release(*, item: BudgetItem, amount: Decimal, actor: User, source: models.Model) -> BudgetItem:
    """Gives back committed money that will not be paid (an agreement terminated or reduced)."""
    return _move(item=item, amount=amount, kind=BudgetEntryKind.RELEASE, actor=actor, source=source)


def budget_pay(*, item: BudgetItem, amount: Decimal, actor: User, source: models.Model) -> BudgetItem:
    """Records money paid out of what was committed."""
    return _move(item=item, amount=amount, kind=BudgetEntryKind.PAY, actor=actor, source=source)
