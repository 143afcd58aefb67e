"""A target's parts by district (分解到区县): what each district is held to."""

from django.core.exceptions import ValidationError
from django.db import transaction

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require
from yufang.reference.models import Region

from ..models import Target, TargetDistrictPart, part_field
from ..permissions import can_set_target_parts


@transaction.atomic
def target_parts_set(*, target: Target, parts: dict[Region | int, int], actor: User) -> Target:
    """Sets the parts of the districts named (others keep theirs) in one transaction, with one
    audit record of every part before and after.

    The parts of a target may sum to less than the target (the rest stays with the city, for
    units no district holds) but never to more: a district's part is its share of the city's
    promise, and parts above the target would hold the districts together to more than the plan
    says. The target's row is locked first, so two owners saving at once are checked one after
    the other against what the first saved."""
    target = Target.objects.select_for_update().select_related("plan").get(pk=target.pk)
    require(can_set_target_parts(actor, target))
    regions = {r.pk: r for r in Region.objects.filter(city_id=target.plan.city_id)}
    wanted: dict[int, int] = {}
    errors: dict[str, str] = {}
    for key, quantity in parts.items():
        region = regions.get(getattr(key, "pk", key))
        if region is None:
            raise ValidationError("所选区县不属于本方案所在城市。")
        if quantity is None or int(quantity) != quantity or quantity < 0:
            errors[part_field(region.pk)] = f"{region.name}：分解数须为不小于 0 的整数。"
        wanted[region.pk] = quantity
    if errors:
        raise ValidationError(errors)
    before = dict(TargetDistrictPart.objects.filter(target=target).values_list("region_id", "quantity"))
    after = {**before, **wanted}
    total = sum(after.values())
    if total > target.threshold:
        raise ValidationError(
            f"各区县分解数合计 {total} 超过目标值 {target.threshold.normalize():f}"
            f"（多 {(total - target.threshold).normalize():f}），请调低部分区县的分解数。"
        )
    for region_id, quantity in wanted.items():
        if before.get(region_id) != quantity:
            TargetDistrictPart.objects.update_or_create(
                target=target, region_id=region_id, defaults={"quantity": quantity}
            )
    changed = sorted(pk for pk in wanted if before.get(pk) != wanted[pk])
    if changed:

        def named(values):
            return {regions[pk].name: values[pk] for pk in sorted(values, key=lambda pk: regions[pk].sort_order)}

        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=target,
            event="parts_set",
            changes={"parts": [named(before), named(after)]},
            extra={"regions": changed, "total": total},
        )
    return target
