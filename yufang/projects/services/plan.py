"""Implementation plan versions: drafts, the checks a version must pass, and the one table that
moves a version's state: its change-request moves (versions filed after approval) and the
internal moves the project's own transitions make for the first plan."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.core.workflow import Transition, Workflow
from yufang.plans.models import yuan
from yufang.plans.money import check_two_places

from .. import permissions as may
from ..models import (
    FORBIDDEN_COST_WORDS,
    ZERO,
    PlanCostItem,
    PlanIndicator,
    PlanVersion,
    PlanVersionState,
    Project,
)
from .base import _lock_project
from .reports import _schedule_reports

PLAN_FIELDS = [
    "title",
    "goals",
    "mode",
    "sessions",
    "headcount",
    "start_date",
    "completion_date",
    "schedule",
    "team",
    "report_interval_months",
    "change_reason",
]


def _check_version(project: Project, values: dict[str, Any], cost_items: list[dict], indicators: list[dict]) -> None:
    agreement = project.agreement
    errors: dict[str, list[str]] = {}
    if values["completion_date"] > project.deadline:
        errors.setdefault("completion_date", []).append(
            f"完成时限不能晚于项目完成时限 {project.deadline:%Y-%m-%d}；确需延后的，请申请延期。"
        )
    if values["start_date"] < agreement.period_start:
        errors.setdefault("start_date", []).append(
            f"开始日期不能早于协议服务期限起 {agreement.period_start:%Y-%m-%d}。"
        )
    if values["completion_date"] < values["start_date"]:
        errors.setdefault("completion_date", []).append("完成时限不能早于开始日期。")
    if not cost_items:
        errors.setdefault("cost_items", []).append("请填写预算支出项（至少一项）。")
    total = ZERO
    for index, item in enumerate(cost_items, start=1):
        name = (item.get("name") or "").strip()
        amount = item.get("amount")
        for word, kind in FORBIDDEN_COST_WORDS.items():
            if word in name:
                errors.setdefault("cost_items", []).append(
                    f"第 {index} 项「{name}」属于{kind}支出，工伤预防费只能用于宣传和培训，"
                    "不得列支人员工资、办公经费、房屋建筑、车辆、设备等（人社部规〔2017〕13号 第四条）。"
                )
                break
        if amount is None or amount <= 0:
            errors.setdefault("cost_items", []).append(f"第 {index} 项「{name}」的金额须大于零。")
            continue
        check_two_places(amount, "cost_items")
        total += amount
    if total > agreement.price:
        errors.setdefault("cost_items", []).append(f"预算支出合计 {yuan(total)} 超过协议金额 {yuan(agreement.price)}。")
    planned = {(i["kind"], _id(i.get("industry")), _id(i.get("position"))): i["planned"] for i in indicators}
    for a in agreement.indicators.select_related("industry", "position"):
        key = (a.kind, a.industry_id, a.position_id)
        if key not in planned:
            errors.setdefault("indicators", []).append(f"缺少协议指标「{a}」。")
        elif (planned[key] or 0) < a.planned:
            errors.setdefault("indicators", []).append(
                f"「{a}」的计划数 {planned[key]} 低于服务协议约定的 {a.planned}。"
            )
    if errors:
        raise ValidationError(errors)


def _id(value) -> int | None:
    return getattr(value, "pk", value)


def _write_rows(version: PlanVersion, cost_items: list[dict], indicators: list[dict]) -> None:
    version.cost_items.all().delete()
    version.indicators.all().delete()
    PlanCostItem.objects.bulk_create(
        [
            PlanCostItem(version=version, category=c["category"], name=c["name"].strip(), amount=c["amount"])
            for c in cost_items
        ]
    )
    PlanIndicator.objects.bulk_create(
        [
            PlanIndicator(
                version=version,
                kind=i["kind"],
                description=i.get("description") or "",
                industry_id=_id(i.get("industry")),
                position_id=_id(i.get("position")),
                planned=i["planned"],
            )
            for i in indicators
        ]
    )


@transaction.atomic
def plan_version_create(
    *, project: Project, data: dict[str, Any], cost_items: list[dict], indicators: list[dict], actor: User
) -> PlanVersion:
    """A new draft: the first plan, a resubmission after return, or (once approved) a change request."""
    project = _lock_project(project)
    _require(may.can_file_plan(actor, project))
    if project.approved_plan_id and not (data.get("change_reason") or "").strip():
        raise ValidationError({"change_reason": "实施方案已批准，再次提交的版本为变更申请，请写明变更理由。"})
    values = {k: v for k, v in data.items() if k in PLAN_FIELDS}
    _check_version(project, values, cost_items, indicators)
    number = (project.plan_versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = model_create(model=PlanVersion, data={"project": project, "number": number, **values}, actor=actor)
    _write_rows(version, cost_items, indicators)
    return version


@transaction.atomic
def plan_version_update(
    *, version: PlanVersion, data: dict[str, Any], cost_items: list[dict], indicators: list[dict], actor: User
) -> PlanVersion:
    version = PlanVersion.objects.select_for_update().select_related("project__agreement").get(pk=version.pk)
    _require(may.can_edit_plan_version(actor, version))
    values = {f: data.get(f, getattr(version, f)) for f in PLAN_FIELDS}
    _check_version(version.project, values, cost_items, indicators)
    before = [str(c) for c in version.cost_items.all()] + [str(i) for i in version.indicators.all()]
    version, _ = model_update(instance=version, fields=[f for f in PLAN_FIELDS if f in data], data=data, actor=actor)
    _write_rows(version, cost_items, indicators)
    after = [str(c) for c in version.cost_items.all()] + [str(i) for i in version.indicators.all()]
    if before != after:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=version, event="rows", changes={"rows": [before, after]}
        )
    return version


# The internal moves' actions are the audit events these moves have always been recorded under.
_INTERNAL_ACTION = {
    PlanVersionState.SUBMITTED: "submitted",
    PlanVersionState.RETURNED: "returned",
    PlanVersionState.APPROVED: "approved",
    PlanVersionState.SUPERSEDED: "superseded",
}


def _set_version_state(version: PlanVersion, state: str, actor: User, note: str = "") -> None:
    """The project's transitions move a version through the version's own table (same
    transaction; they have checked the actor)."""
    PLAN_CHANGE_WORKFLOW.perform(obj=version, action=_INTERNAL_ACTION[state], actor=actor, note=note, internal=True)


def _version_in(project: Project, state: str) -> PlanVersion:
    version = project.plan_versions.select_for_update().filter(state=state).order_by("-number").first()
    if version is None:
        if state == PlanVersionState.DRAFT:
            raise ValidationError("请先填写实施方案（项目名称、目标、指标、预算、组织方式、进度安排等）再提交。")
        raise ValidationError("没有待审核的实施方案版本。")
    return version


def _submit_plan(*, obj: Project, actor: User, **_) -> None:
    version = _version_in(obj, PlanVersionState.DRAFT)
    _check_version(
        obj,
        {f: getattr(version, f) for f in PLAN_FIELDS},
        [{"name": c.name, "amount": c.amount, "category": c.category} for c in version.cost_items.all()],
        [
            {"kind": i.kind, "industry": i.industry_id, "position": i.position_id, "planned": i.planned}
            for i in version.indicators.all()
        ],
    )
    _set_version_state(version, PlanVersionState.SUBMITTED, actor)


def _return_plan(*, obj: Project, actor: User, note: str, **_) -> None:
    _set_version_state(_version_in(obj, PlanVersionState.SUBMITTED), PlanVersionState.RETURNED, actor, note)


def _approve_plan(*, obj: Project, actor: User, note: str = "", **_) -> None:
    version = _version_in(obj, PlanVersionState.SUBMITTED)
    _set_version_state(version, PlanVersionState.APPROVED, actor, note)
    obj.approved_plan = version
    _schedule_reports(obj, version, actor)


# Change requests after approval: the version's own small table.
def _approve_change(*, obj: PlanVersion, actor: User, note: str = "", **_) -> None:
    project = _lock_project(obj.project)
    old = project.approved_plan
    if obj.completion_date > project.deadline:
        raise ValidationError(f"变更后的完成时限不能晚于项目完成时限 {project.deadline:%Y-%m-%d}；请申请延期。")
    if old is not None:
        _set_version_state(old, PlanVersionState.SUPERSEDED, actor)
    _decided(obj=obj, note=note)
    # The workflow saves this version as approved after the effect, once the old one has left
    # the single "approved" place.
    project.approved_plan = obj
    project.save(update_fields=["approved_plan", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=project,
        event="plan_change",
        changes={"approved_plan": [old.pk if old else None, obj.pk]},
        extra={"label": f"批准实施方案变更（第{obj.number}版）", "note": note},
    )
    _schedule_reports(project, obj, actor)


def _submit_change(*, obj: PlanVersion, **_) -> None:
    obj.submitted_at = timezone.now()


def _decided(*, obj: PlanVersion, note: str = "", **_) -> None:
    obj.decided_at = timezone.now()
    obj.decision_note = note


_return_change = _decided


V = PlanVersionState


def _internal(source: str, target: str, allowed, effect=None) -> Transition:
    return Transition(source, _INTERNAL_ACTION[target], target, target.label, allowed, effect, internal=True)


# Every state move of a version. The change requests' moves are public (the version page, the
# API); the first plan's moves and the superseding of the old version on a change are internal,
# made by the project's transitions and `_approve_change`.
PLAN_CHANGE_WORKFLOW = Workflow(
    model=PlanVersion,
    status_field="state",
    transitions=[
        _internal(V.DRAFT, V.SUBMITTED, may.provider_of, _submit_change),
        _internal(V.SUBMITTED, V.RETURNED, may.agency, _decided),
        _internal(V.SUBMITTED, V.APPROVED, may.agency, _decided),
        _internal(V.APPROVED, V.SUPERSEDED, may.agency),
        Transition(V.DRAFT, "submit", V.SUBMITTED, "提交变更申请", may.plan_change_by_provider, effect=_submit_change),
        Transition(
            V.SUBMITTED,
            "approve",
            V.APPROVED,
            "批准变更",
            may.plan_change_by_agency,
            effect=_approve_change,
            style="success",
        ),
        Transition(
            V.SUBMITTED,
            "return",
            V.RETURNED,
            "退回变更",
            may.plan_change_by_agency,
            effect=_return_change,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def plan_change_transition(*, version: PlanVersion, action: str, actor: User, note: str = "") -> PlanVersion:
    return PLAN_CHANGE_WORKFLOW.perform(obj=version, action=action, actor=actor, note=note)
