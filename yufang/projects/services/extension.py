"""Extensions of a project's deadline: the request, the decision and its effect on the report schedule."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.services import model_create

from ..models import Extension, ExtensionStatus, Project
from .reports import _schedule_reports


def _request_extension(
    *, obj: Project, actor: User, note: str = "", reason: str = "", new_deadline: datetime.date | None = None, **_
) -> None:
    reason = (reason or note).strip()
    if not reason:
        raise ValidationError({"reason": "请填写延期理由。"})
    if new_deadline is None:
        raise ValidationError({"new_deadline": "请填写申请延期至的日期。"})
    if new_deadline <= obj.deadline:
        raise ValidationError({"new_deadline": f"申请延期至的日期须晚于现完成时限 {obj.deadline:%Y-%m-%d}。"})
    model_create(
        model=Extension,
        data={"project": obj, "reason": reason, "old_deadline": obj.deadline, "new_deadline": new_deadline},
        actor=actor,
    )


def _pending_extension(project: Project) -> Extension:
    ext = project.extensions.select_for_update().filter(status=ExtensionStatus.PENDING).first()
    if ext is None:
        raise ValidationError("没有待确认的延期申请。")
    return ext


def _decide_extension(ext: Extension, status: str, actor: User, note: str) -> None:
    before = audit.snapshot(ext)
    ext.status = status
    ext.decision_note = note
    ext.decided_at = timezone.now()
    ext.save(update_fields=["status", "decision_note", "decided_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.TRANSITION,
        instance=ext,
        event=status,
        changes=audit.diff(before, audit.snapshot(ext)),
        extra={"label": ExtensionStatus(status).label, "note": note},
    )


def _confirm_extension(*, obj: Project, actor: User, note: str = "", **_) -> None:
    ext = _pending_extension(obj)
    _decide_extension(ext, ExtensionStatus.CONFIRMED, actor, note)
    obj.deadline = ext.new_deadline
    _schedule_reports(obj, obj.approved_plan, actor)


def _refuse_extension(*, obj: Project, actor: User, note: str, **_) -> None:
    _decide_extension(_pending_extension(obj), ExtensionStatus.REFUSED, actor, note)
