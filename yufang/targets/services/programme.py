"""The multi-year programme (多年度工程), its baseline, and the targets that follow the key enterprises."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.services import model_create, model_update

from ..models import BaselineEntry, EnterpriseSet, Target, TrainingProgramme
from .completions import target_recount
from .targets import _require_owner

PROGRAMME_FIELDS = [
    "city",
    "name",
    "doc_number",
    "start_year",
    "end_year",
    "industry",
    "required_hours",
    "offline_share_percent",
]


@transaction.atomic
def programme_save(
    *, actor: User, data: dict[str, Any], positions, programme: TrainingProgramme | None = None
) -> TrainingProgramme:
    """Creates or changes a multi-year programme: its years, industry, positions and per-person
    rule. A change recounts the programme's targets, whose figures depend on all of these."""
    _require_owner(actor)
    data = {k: v for k, v in data.items() if k in PROGRAMME_FIELDS}
    if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
        raise ValidationError({"end_year": "结束年度不能早于起始年度。"})
    if not positions:
        raise ValidationError({"positions": "请至少选择一个培训岗位。"})
    if programme is None:
        programme = model_create(model=TrainingProgramme, data=data, actor=actor)
        changed = True
    else:
        data.pop("city", None)
        programme, changed = model_update(instance=programme, fields=list(data), data=data, actor=actor)
    before = set(programme.positions.values_list("pk", flat=True))
    programme.positions.set(positions)
    after = set(programme.positions.values_list("pk", flat=True))
    if before != after and before:
        audit.record(
            actor=actor,
            action="update",
            instance=programme,
            changes={"positions": [sorted(before), sorted(after)]},
        )
    if changed or before != after:
        for target in programme.targets.select_related("plan", "programme"):
            target_recount(target=target)
    return programme


def programme_create(*, actor: User, data: dict[str, Any], positions) -> TrainingProgramme:
    return programme_save(actor=actor, data=data, positions=positions)


@transaction.atomic
def baseline_apply(*, actor: User, programme: TrainingProgramme, rows: list[tuple[int, int, int]], job=None) -> int:
    """Sets the baseline headcounts (enterprise id, position id, headcount) in one transaction,
    then recounts the programme's targets, whose enterprise set may have changed. With the
    checking job, marks it applied so the same file is not imported twice."""
    _require_owner(actor)
    if job is not None:
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if locked.result.get("applied"):
            raise ValidationError("该文件已导入过。")
        locked.result = {**locked.result, "applied": True}
        locked.save(update_fields=["result"])
    before = BaselineEntry.objects.filter(programme=programme).count()
    for enterprise_id, position_id, headcount in rows:
        BaselineEntry.objects.update_or_create(
            programme=programme, enterprise_id=enterprise_id, position_id=position_id, defaults={"headcount": headcount}
        )
    audit.record(
        actor=actor,
        action="update",
        instance=programme,
        event="baseline_import",
        changes={"baseline_rows": [before, BaselineEntry.objects.filter(programme=programme).count()]},
        extra={"imported_rows": len(rows)},
    )
    for target in programme.targets.all():
        target_recount(target=target)
    return len(rows)


@transaction.atomic
def key_enterprise_targets_recount(*, year: int) -> int:
    """Recounts the targets that count the year's key enterprises, whose enterprise set changes
    when the agency marks or unmarks one (`enterprises.services.key_mark`, `key_unmark` call this
    through `targets.contributions` in their transaction, as `baseline_apply` does for a programme's targets). Returns how many
    targets were recounted."""
    targets = list(
        Target.objects.filter(enterprise_set=EnterpriseSet.KEY, plan__year=year).select_related("plan", "programme")
    )
    for target in targets:
        target_recount(target=target)
    return len(targets)
