"""Printed materials (宣传资料): the print run's ordered and received quantities, each
distribution to a district or an enterprise with its signed receipt, and the district's
confirmation. Every quantity is checked under the stock row's lock, and the database refuses
what the checks would (received within ordered, distributed within received)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind, User
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_delete, model_update
from yufang.core.workflow import Transition, Workflow
from yufang.reference.models import Region

from . import reach_permissions as may
from .models import Deliverable, Distribution, DistributionStatus, MaterialStock
from .uploads import check_evidence

RECEIPT_TYPES = ["image", "pdf"]


def _deliverable(deliverable: Deliverable) -> Deliverable:
    return (
        Deliverable.objects.select_for_update()
        .select_related("project__agreement", "project__plan", "kind")
        .get(pk=deliverable.pk)
    )


@transaction.atomic
def material_stock_save(*, deliverable: Deliverable, ordered: int, received: int, actor: User) -> MaterialStock:
    deliverable = _deliverable(deliverable)
    _require(may.can_edit_stock(actor, deliverable))
    stock = MaterialStock.objects.select_for_update().filter(deliverable=deliverable).first()
    errors: dict[str, list[str]] = {}
    for name, value, label in (("ordered", ordered, "订制数量"), ("received", received, "到货数量")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = [f"{label}须为不小于 0 的整数。"]
    if not errors and received > ordered:
        errors["received"] = [f"到货数量（{received}）不能多于订制数量（{ordered}）。"]
    if not errors and stock is not None and received < stock.distributed:
        errors["received"] = [f"已记录发放 {stock.distributed} 份，到货数量不能少于已发放数量。"]
    if errors:
        raise ValidationError(errors)
    if stock is None:
        return model_create(
            model=MaterialStock,
            data={"deliverable": deliverable, "ordered": ordered, "received": received},
            actor=actor,
        )
    stock, _ = model_update(
        instance=stock, fields=["ordered", "received"], data={"ordered": ordered, "received": received}, actor=actor
    )
    return stock


@transaction.atomic
def distribution_record(
    *,
    deliverable: Deliverable,
    region: Region | None,
    enterprise: Organisation | None = None,
    quantity: int,
    distributed_on: datetime.date,
    receipt,
    actor: User,
) -> Distribution:
    """A handover of `quantity` copies to the district's bureau (`region`) or to an enterprise
    (its district taken from the enterprise), with its signed receipt checked by content."""
    deliverable = _deliverable(deliverable)
    _require(may.can_distribute(actor, deliverable))
    stock = MaterialStock.objects.select_for_update().get(deliverable=deliverable)
    errors: dict[str, list[str]] = {}
    if enterprise is not None:
        if enterprise.kind != OrganisationKind.ENTERPRISE:
            errors["enterprise"] = ["发放对象须为企业。"]
        elif enterprise.region_id is None:
            errors["enterprise"] = [f"「{enterprise.name}」未登记所在区县，不能记录发放。"]
        elif region is not None and region.pk != enterprise.region_id:
            errors["region"] = [f"「{enterprise.name}」在{enterprise.region.name}，与所选区县不符。"]
        else:
            region = enterprise.region
    if region is None and "enterprise" not in errors:
        errors["region"] = ["请选择发放到的区县，或选择企业。"]
    elif region is not None and region.city_id != deliverable.project.plan.city_id:
        errors["region"] = ["所选区县不属于本市。"]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        errors["quantity"] = ["发放数量须为正整数。"]
    elif stock.distributed + quantity > stock.received:
        errors["quantity"] = [
            f"到货 {stock.received} 份，已发放 {stock.distributed} 份，最多还能发放 {stock.received - stock.distributed} 份。"
        ]
    start, end = deliverable.project.agreement.period_start, deliverable.project.deadline
    if distributed_on > timezone.localdate():
        errors["distributed_on"] = ["发放日期不能晚于今天。"]
    elif not start <= distributed_on <= end:
        errors["distributed_on"] = [f"发放日期须在服务期限内（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）。"]
    try:
        checked = check_evidence(receipt, RECEIPT_TYPES)
    except ValidationError as e:
        errors["receipt"] = e.messages
    else:
        if Distribution.objects.filter(receipt_sha256=checked.sha256).exists():
            errors["receipt"] = ["同一签收单（内容相同）已用于另一次发放：每次发放须有自己的签收单。"]
    if errors:
        raise ValidationError(errors)
    receipt_name = receipt.name[-200:]
    receipt.name = f"receipt{checked.extension}"
    distribution = model_create(
        model=Distribution,
        data={
            "deliverable": deliverable,
            "region": region,
            "enterprise": enterprise,
            "quantity": quantity,
            "distributed_on": distributed_on,
            "receipt": receipt,
            "receipt_type": checked.file_type,
            "receipt_name": receipt_name,
            "receipt_size": checked.size,
            "receipt_sha256": checked.sha256,
            "recorded_by": actor,
        },
        actor=actor,
    )
    model_update(
        instance=stock,
        fields=["distributed"],
        data={"distributed": stock.distributed + quantity},
        actor=actor,
        event="distribution_recorded",
    )
    return distribution


@transaction.atomic
def distribution_remove(*, distribution: Distribution, actor: User) -> None:
    """Withdraws a distribution not yet confirmed (recorded in error, or disputed by the
    district): its copies return to the stock."""
    distribution = (
        Distribution.objects.select_for_update().select_related("deliverable__project").get(pk=distribution.pk)
    )
    _require(may.can_remove_distribution(actor, distribution))
    stock = MaterialStock.objects.select_for_update().get(deliverable_id=distribution.deliverable_id)
    model_update(
        instance=stock,
        fields=["distributed"],
        data={"distributed": stock.distributed - distribution.quantity},
        actor=actor,
        event="distribution_removed",
    )
    receipt = distribution.receipt
    model_delete(instance=distribution, actor=actor)
    transaction.on_commit(lambda: receipt.delete(save=False))


def _decide(*, obj: Distribution, actor: User, note: str = "", **params) -> None:
    obj.decided_by = actor
    obj.decided_at = timezone.now()
    obj.decision_note = note.strip()[:300]


def _resubmit(*, obj: Distribution, actor: User, note: str = "", **params) -> None:
    obj.decision_note = ""


DISTRIBUTION_WORKFLOW = Workflow(
    model=Distribution,
    transitions=[
        Transition(
            DistributionStatus.RECORDED,
            "confirm",
            DistributionStatus.CONFIRMED,
            "确认签收",
            may.can_decide_distribution,
            effect=_decide,
            style="success",
            confirm="确认本区县已收到这批宣传资料：确认后计入已发放数量，不能撤回。",
            done="已确认签收",
        ),
        Transition(
            DistributionStatus.RECORDED,
            "dispute",
            DistributionStatus.DISPUTED,
            "提出异议",
            may.can_decide_distribution,
            effect=_decide,
            style="outline-danger",
            needs_note=True,
            done="已提出异议，退回服务机构",
        ),
        Transition(
            DistributionStatus.DISPUTED,
            "resubmit",
            DistributionStatus.RECORDED,
            "说明后重新提交",
            may.can_resubmit_distribution,
            effect=_resubmit,
            needs_note=True,
            done="已重新提交区县确认",
        ),
    ],
)


def distribution_transition(*, distribution: Distribution, action: str, actor: User, note: str = "") -> Distribution:
    return DISTRIBUTION_WORKFLOW.perform(obj=distribution, action=action, actor=actor, note=note)
