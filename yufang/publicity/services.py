"""Writes on publicity: the deliverable kinds (reference data), deliverables and their evidence,
their review, and a project's planned quantities. Every write checks its permission and is
audited in the same transaction."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_delete, model_update
from yufang.core.workflow import Transition, Workflow
from yufang.projects.models import Project

from . import exif, previews
from . import fields as kind_fields
from . import flags as publicity_flags
from . import permissions as may
from .models import Deliverable, DeliverableKind, DeliverableStatus, Evidence, EvidenceType, PlannedQuantity
from .selectors import indicator_minimums
from .uploads import check_evidence

KIND_FIELDS = [
    "code",
    "name",
    "unit",
    "indicator_kind",
    "fields",
    "evidence_types",
    "evidence_note",
    "evidence_min",
    "sort_order",
    "is_active",
]
DELIVERABLE_FIELDS = ["title", "quantity", "delivered_on", "details"]


# --- Kinds (reference data) ---------------------------------------------------------------------


def _clean_kind(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k in KIND_FIELDS}
    if "fields" in values and isinstance(values["fields"], str):
        values["fields"] = kind_fields.parse_lines(values["fields"])
    return values


@transaction.atomic
def deliverable_kind_create(*, data: dict[str, Any], actor: User) -> DeliverableKind:
    _require(may.can_edit_kinds(actor))
    return model_create(model=DeliverableKind, data=_clean_kind(data), actor=actor)


@transaction.atomic
def deliverable_kind_update(*, kind: DeliverableKind, data: dict[str, Any], actor: User) -> DeliverableKind:
    _require(may.can_edit_kinds(actor))
    kind = DeliverableKind.objects.select_for_update().get(pk=kind.pk)
    values = _clean_kind(data)
    kind, _ = model_update(instance=kind, fields=list(values), data=values, actor=actor)
    return kind


# --- Deliverables -------------------------------------------------------------------------------


def _validate(project: Project, kind: DeliverableKind, data: dict[str, Any], regions) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k in DELIVERABLE_FIELDS}
    errors: dict[str, list[str]] = {}
    try:
        values["details"] = kind_fields.clean_details(kind.fields, values.get("details"))
    except ValidationError as e:
        errors.update(e.message_dict)
    day = values.get("delivered_on")
    period = project.agreement
    if day is not None and not (period.period_start <= day <= project.deadline):
        errors["delivered_on"] = [
            f"完成日期须在服务期限内（{period.period_start:%Y-%m-%d} 至 {project.deadline:%Y-%m-%d}）。"
        ]
    if day is not None and day > timezone.localdate():
        errors["delivered_on"] = ["完成日期不能晚于今天：成果完成后再记录。"]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def deliverable_create(
    *, project: Project, kind: DeliverableKind, data: dict[str, Any], regions=(), actor: User
) -> Deliverable:
    project = Project.objects.select_for_update().select_related("agreement__item__line").get(pk=project.pk)
    _require(may.can_record(actor, project))
    if not kind.is_active:
        raise ValidationError({"kind": ["该成果类型已停用。"]})
    if not PlannedQuantity.objects.filter(project=project, kind=kind, planned__gt=0).exists():
        raise ValidationError(
            {"kind": [f"项目的宣传计划中没有「{kind.name}」：请先在宣传计划中填写该类成果的计划数量。"]}
        )
    values = _validate(project, kind, data, regions)
    deliverable = model_create(model=Deliverable, data={"project": project, "kind": kind, **values}, actor=actor)
    deliverable.regions.set(regions)
    return deliverable


@transaction.atomic
def deliverable_update(*, deliverable: Deliverable, data: dict[str, Any], regions=None, actor: User) -> Deliverable:
    deliverable = (
        Deliverable.objects.select_for_update().select_related("project__agreement", "kind").get(pk=deliverable.pk)
    )
    _require(may.can_edit(actor, deliverable))
    current = {f: getattr(deliverable, f) for f in DELIVERABLE_FIELDS}
    values = _validate(deliverable.project, deliverable.kind, {**current, **data}, regions)
    values = {k: v for k, v in values.items() if k in data}
    deliverable, _ = model_update(instance=deliverable, fields=list(values), data=values, actor=actor)
    if regions is not None:
        before = sorted(deliverable.regions.values_list("pk", flat=True))
        after = sorted(r.pk for r in regions)
        if before != after:
            deliverable.regions.set(regions)
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=deliverable,
                changes={"regions": [before, after]},
            )
    return deliverable


def evidence_add(*, deliverable: Deliverable, file, actor: User) -> Evidence:
    """Checks the file by its content, keeps it with its SHA-256, its preview and (a photo) its
    EXIF time and place. The same file already evidence of another deliverable (any
    provider's) is kept, marked and flagged (异常线索) with both deliverables; so is a photo
    taken outside the project's period. The preview is made before the transaction: a video's
    poster frame takes ffmpeg a moment, and nothing is locked meanwhile."""
    _require(may.can_edit(actor, deliverable))  # asked again under the lock
    checked = check_evidence(file, deliverable.kind.evidence_types)
    preview = previews.make(file, checked.file_type)
    facts = exif.read(file) if checked.file_type == EvidenceType.IMAGE else exif.PhotoFacts()
    return _evidence_save(
        deliverable=deliverable, file=file, checked=checked, preview=preview, facts=facts, actor=actor
    )


@transaction.atomic
def _evidence_save(*, deliverable: Deliverable, file, checked, preview, facts, actor: User) -> Evidence:
    deliverable = Deliverable.objects.select_for_update().select_related("project", "kind").get(pk=deliverable.pk)
    _require(may.can_edit(actor, deliverable))
    if deliverable.evidence.filter(sha256=checked.sha256).exists():
        raise ValidationError(f"「{file.name}」已上传到本成果，不必重复上传。")
    earlier = Evidence.objects.filter(sha256=checked.sha256).exclude(deliverable=deliverable).order_by("pk").first()
    original_name = file.name[-200:]
    file.name = f"evidence{checked.extension}"
    evidence = Evidence(deliverable=deliverable)
    previews.attach(evidence, preview)
    evidence = model_create(
        model=Evidence,
        data={
            "deliverable": deliverable,
            "file": file,
            "file_type": checked.file_type,
            "original_name": original_name,
            "size": checked.size,
            "sha256": checked.sha256,
            "reused_from": earlier,
            "uploaded_by": actor,
            "preview": evidence.preview.name,
            "preview_problem": evidence.preview_problem,
            "taken_at": facts.taken_at,
            "latitude": facts.latitude,
            "longitude": facts.longitude,
        },
        actor=actor,
        event="evidence_reused" if earlier else "",
    )
    if earlier is not None:
        publicity_flags.flag_reused(evidence)
    publicity_flags.flag_photo_outside_period(evidence)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: User) -> None:
    deliverable = Deliverable.objects.select_for_update().select_related("project").get(pk=evidence.deliverable_id)
    _require(may.can_edit(actor, deliverable))
    model_delete(instance=evidence, actor=actor)


def _submit(*, obj: Deliverable, actor: User, note: str = "", **params) -> None:
    obj.submitted_at = timezone.now()


def _decide(*, obj: Deliverable, actor: User, note: str = "", **params) -> None:
    obj.decided_at = timezone.now()
    obj.review_note = note.strip()[:300]


DELIVERABLE_WORKFLOW = Workflow(
    model=Deliverable,
    transitions=[
        Transition(
            DeliverableStatus.DRAFT,
            "submit",
            DeliverableStatus.SUBMITTED,
            "提交审核",
            may.can_submit,
            effect=_submit,
            done="已提交审核",
        ),
        Transition(
            DeliverableStatus.SUBMITTED,
            "accept",
            DeliverableStatus.ACCEPTED,
            "验收通过",
            may.can_review,
            effect=_decide,
            style="success",
            confirm="验收通过后该成果冻结，不能再修改，其数量计入项目的已完成数量。",
            done="已验收通过",
        ),
        Transition(
            DeliverableStatus.SUBMITTED,
            "return",
            DeliverableStatus.RETURNED,
            "退回修改",
            may.can_review,
            effect=_decide,
            style="outline-danger",
            needs_note=True,
            done="已退回服务机构修改",
        ),
        Transition(
            DeliverableStatus.RETURNED,
            "resubmit",
            DeliverableStatus.SUBMITTED,
            "重新提交",
            may.can_submit,
            effect=_submit,
            done="已重新提交审核",
        ),
    ],
)


def deliverable_transition(*, deliverable: Deliverable, action: str, actor: User, note: str = "") -> Deliverable:
    return DELIVERABLE_WORKFLOW.perform(obj=deliverable, action=action, actor=actor, note=note)


# --- Planned quantities -------------------------------------------------------------------------


@transaction.atomic
def publicity_plan_save(*, project: Project, planned: dict[int, int], actor: User) -> list[PlannedQuantity]:
    """The project's planned quantity per kind (kind id -> quantity; a kind left out is not
    planned). Quantities are whole and non-negative; the kinds tied to an agreement indicator
    plan together at least what the agreement undertakes."""
    project = Project.objects.select_for_update().select_related("agreement__item__line").get(pk=project.pk)
    _require(may.can_plan(actor, project))
    kinds = {k.pk: k for k in DeliverableKind.objects.filter(pk__in=planned)}
    errors: dict[str, list[str]] = {}
    for kind_id, quantity in planned.items():
        if kind_id not in kinds:
            errors.setdefault("__all__", []).append(f"成果类型 {kind_id} 不存在。")
        elif isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            errors[f"kind_{kind_id}"] = [f"「{kinds[kind_id].name}」的计划数量须为不小于 0 的整数。"]
    for indicator, (label, minimum) in indicator_minimums(project).items():
        tied = [k for k in kinds.values() if k.indicator_kind == indicator]
        total = sum(planned[k.pk] for k in tied if isinstance(planned[k.pk], int))
        if total < minimum:
            names = "、".join(k.name for k in tied) or "对应类型的成果"
            message = f"协议约定「{label}」{minimum}，{names}的计划数量合计不得少于 {minimum}（现为 {total}）。"
            targets = [f"kind_{k.pk}" for k in tied] or ["__all__"]
            for key in targets:
                errors.setdefault(key, []).append(message)
    if errors:
        raise ValidationError(errors)
    existing = {p.kind_id: p for p in PlannedQuantity.objects.filter(project=project)}
    rows = []
    for kind_id, quantity in planned.items():
        row = existing.pop(kind_id, None)
        if row is None:
            row = model_create(
                model=PlannedQuantity,
                data={"project": project, "kind": kinds[kind_id], "planned": quantity},
                actor=actor,
            )
        else:
            row, _ = model_update(instance=row, fields=["planned"], data={"planned": quantity}, actor=actor)
        rows.append(row)
    for row in existing.values():
        if Deliverable.objects.filter(project=project, kind_id=row.kind_id).exists():
            raise ValidationError({"__all__": [f"项目已记录「{row.kind.name}」成果，不能从宣传计划中删去该类型。"]})
        model_delete(instance=row, actor=actor)
    return rows
