"""Evaluation and acceptance: convening the panel, scoring, and the pass/fail decision (a failure
debars the provider, seed 六)."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.dates import today
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create
from yufang.providers.models import DebarmentGround
from yufang.providers.services import debarment_create

from .. import permissions as may
from ..models import Acceptance, AcceptanceIndicator, AcceptanceResult, Project, Score, ScoreSheet
from ..selectors import acceptance_average
from .base import _lock_project

DEFAULT_ACCEPTANCE_INDICATORS = [
    ("服务数量完成情况（对照实施方案）", Decimal("30")),
    ("培训质量与学员满意度", Decimal("25")),
    ("培训档案完整性", Decimal("15")),
    ("资金使用与财务管理", Decimal("15")),
    ("合规情况（实名制、无弄虚作假）", Decimal("15")),
]


def _check_panel(members: list) -> None:
    """Every member may sit on the panel, and the owner, health and emergency each send someone."""
    kinds = {}
    for m in members:
        kind = may.panel_member_kind(m)
        if not kind:
            raise ValidationError(
                {
                    "members": f"{m.display_name or m.username}不能担任评估验收小组成员（限市人社局、卫健委、应急局人员）。"
                }
            )
        kinds.setdefault(kind, []).append(m)
    missing = [
        label
        for key, label in (("owner", "市人社局"), ("health", "市卫生健康委员会"), ("emergency", "市应急管理局"))
        if key not in kinds
    ]
    if missing:
        raise ValidationError({"members": f"评估验收小组须有{'、'.join(missing)}的人员。"})


@transaction.atomic
def acceptance_convene(
    *,
    project: Project,
    convened_on: datetime.date,
    members: list,
    actor: User,
    pass_mark: Decimal = Decimal("60"),
    indicators: list[dict[str, Any]] | None = None,
) -> Acceptance:
    project = _lock_project(project)
    _require(may.can_convene(actor, project))
    _check_panel(members)
    rows = indicators or [
        {"name": n, "weight": w, "max_score": Decimal("100")} for n, w in DEFAULT_ACCEPTANCE_INDICATORS
    ]
    total = sum((Decimal(r["weight"]) for r in rows), Decimal("0"))
    if total != Decimal("100"):
        raise ValidationError({"indicators": f"各评分指标权重合计须为 100%，现为 {total}%。"})
    if not (Decimal("0") < pass_mark <= Decimal("100")):
        raise ValidationError({"pass_mark": "合格分数线须在 0 到 100 之间。"})
    acceptance = model_create(
        model=Acceptance, data={"project": project, "convened_on": convened_on, "pass_mark": pass_mark}, actor=actor
    )
    acceptance.members.set(members)
    for r in rows:
        row = AcceptanceIndicator(
            acceptance=acceptance,
            name=r["name"],
            weight=Decimal(r["weight"]),
            max_score=Decimal(r.get("max_score") or 100),
        )
        row.full_clean()
        row.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=acceptance,
        event="panel",
        changes={
            "members": [None, [m.display_name or m.username for m in members]],
            "indicators": [None, [str(i) for i in acceptance.indicators.all()]],
        },
    )
    return acceptance


@transaction.atomic
def acceptance_score(
    *, acceptance: Acceptance, scores: dict[int, Decimal], actor: User, remarks: str = ""
) -> ScoreSheet:
    acceptance = Acceptance.objects.select_for_update().select_related("project").get(pk=acceptance.pk)
    _require(may.can_score(actor, acceptance))
    indicators = list(acceptance.indicators.all())
    errors = []
    total = Decimal("0")
    for i in indicators:
        value = scores.get(i.pk)
        if value is None:
            errors.append(f"请为「{i.name}」评分。")
            continue
        value = Decimal(value)
        if value < 0 or value > i.max_score:
            errors.append(f"「{i.name}」的得分 {value} 超出范围（0～{i.max_score}）。")
            continue
        total += value / i.max_score * i.weight
    if errors:
        raise ValidationError({"scores": errors})
    try:
        with transaction.atomic():
            sheet = ScoreSheet.objects.create(
                acceptance=acceptance, member=actor, total=total.quantize(Decimal("0.01")), remarks=remarks
            )
    except IntegrityError:
        raise ValidationError("您已评过分，每位成员只能评分一次。") from None
    Score.objects.bulk_create([Score(sheet=sheet, indicator=i, value=Decimal(scores[i.pk])) for i in indicators])
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=acceptance,
        event="score",
        changes={"score": [None, {i.name: str(scores[i.pk]) for i in indicators}], "total": [None, str(sheet.total)]},
        extra={"label": "评分", "note": remarks},
    )
    return sheet


def _decided_acceptance(
    project: Project, *, passed: bool, note: str, decided_on: datetime.date | None = None
) -> Acceptance:
    acceptance = Acceptance.objects.select_for_update().filter(project=project).first()
    if acceptance is None:
        raise ValidationError("请先组织评估验收小组并完成评分。")
    waiting = acceptance.members.exclude(pk__in=acceptance.sheets.values("member_id"))
    if waiting.exists():
        names = "、".join(m.display_name or m.username for m in waiting)
        raise ValidationError(f"尚有成员未评分：{names}。")
    average = acceptance_average(acceptance)
    if passed and average < acceptance.pass_mark:
        raise ValidationError(f"平均得分 {average} 低于合格分数线 {acceptance.pass_mark}，不能评定为合格。")
    if not passed and average >= acceptance.pass_mark:
        raise ValidationError(f"平均得分 {average} 达到合格分数线 {acceptance.pass_mark}，不能评定为不合格。")
    acceptance.result = AcceptanceResult.PASS if passed else AcceptanceResult.FAIL
    acceptance.average_score = average
    acceptance.conclusion = note
    decided_on = decided_on or today()
    if decided_on > today():
        raise ValidationError({"decided_on": "结论日期不能晚于今天。"})
    if decided_on < acceptance.convened_on:
        raise ValidationError({"decided_on": f"结论日期不能早于评估验收日期 {acceptance.convened_on:%Y-%m-%d}。"})
    acceptance.decided_on = decided_on
    acceptance.report_number = f"YS-{project.plan.year}-{project.pk:04d}"
    acceptance.save(
        update_fields=["result", "average_score", "conclusion", "decided_on", "report_number", "updated_at"]
    )
    return acceptance


def _pass(*, obj: Project, note: str = "", decided_on: datetime.date | None = None, **_) -> None:
    _decided_acceptance(obj, passed=True, note=note or "经评估验收小组评分，项目验收合格。", decided_on=decided_on)


def _fail(
    *, obj: Project, actor: User, note: str, decision_number: str = "", decided_on: datetime.date | None = None, **_
) -> None:
    """Failure withholds the balance and debars the provider for three years from the decision
    date (seed 六)."""
    acceptance = _decided_acceptance(obj, passed=False, note=note, decided_on=decided_on)
    debarment_create(
        provider=obj.provider,
        ground=DebarmentGround.FAILED_ACCEPTANCE,
        decision_number=decision_number or f"验收不合格〔{obj.plan.year}〕{acceptance.report_number}",
        decided_by=actor.organisation.name if actor.organisation else "市人力资源和社会保障局",
        start_date=acceptance.decided_on,
        facts=f"「{obj.name}」评估验收不合格（平均得分 {acceptance.average_score}，合格分数线 {acceptance.pass_mark}）：{note}",
        actor=actor,
        source=acceptance,
    )
