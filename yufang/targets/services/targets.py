"""Setting targets: their criteria, and their figures recounted from the completions."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum

from yufang.accounts.models import User
from yufang.core.services import model_create, model_update

from ..counting import describe_rule
from ..models import EnterpriseSet, Metric, Target
from .completions import target_recount

TARGET_FIELDS = [
    "name",
    "metric",
    "modes",
    "enterprise_set",
    "programme",
    "threshold",
    "deadline",
    "counting_rule",
    "include_historic",
    "sort_order",
    "min_participants",
]


def _require_owner(actor: User) -> None:
    if not actor.is_programme_owner:
        raise PermissionDenied("目标只能由市人社局设定。")


def _check_parts_fit(target: Target, threshold: Decimal) -> None:
    """A target is not lowered below the parts already set for its districts (the row is locked,
    as target_parts_set locks it, so neither change slips past the other)."""
    Target.objects.select_for_update().filter(pk=target.pk).first()
    allocated = target.parts.aggregate(n=Sum("quantity"))["n"] or 0
    if allocated > threshold:
        raise ValidationError(
            {"threshold": f"已分解到区县的合计为 {allocated}，目标值不能低于该数；请先调整区县分解。"}
        )


@transaction.atomic
def target_save(
    *, actor: User, plan, data: dict[str, Any], industries=(), positions=(), target: Target | None = None
) -> Target:
    """Creates or changes a target; its figures are recounted from the completions."""
    _require_owner(actor)
    data = {k: v for k, v in data.items() if k in TARGET_FIELDS}
    if data.get("metric") == Metric.PROGRAMME_SHARE and not data.get("programme"):
        raise ValidationError({"programme": "完成比例指标须选择多年度工程。"})
    if data.get("metric") == Metric.PROGRAMME_SHARE and data.get("threshold", Decimal(0)) > 100:
        raise ValidationError({"threshold": "完成比例不能超过 100%。"})
    if target is not None:
        _check_parts_fit(target, data.get("threshold", target.threshold))
    if not data.get("counting_rule"):
        data["counting_rule"] = describe_rule(
            plan=plan,
            metric=data.get("metric", Metric.PERSONS),
            modes=data.get("modes", []),
            industries=list(industries),
            positions=list(positions),
            enterprise_set=data.get("enterprise_set", EnterpriseSet.ALL),
            programme=data.get("programme"),
            include_historic=data.get("include_historic", True),
            min_participants=data.get("min_participants", 1),
        )
    if target is None:
        target = model_create(model=Target, data={"plan": plan, **data}, actor=actor)
    else:
        target, _ = model_update(instance=target, fields=list(data), data=data, actor=actor)
    target.industries.set(industries)
    target.positions.set(positions)
    target_recount(target=target)
    return target
