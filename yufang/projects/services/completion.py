"""The completion report (项目实施情况报告): its defaults, saving it and submitting it."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update

from .. import permissions as may
from ..models import CompletionReport, ExtensionStatus, Figure, Project
from ..selectors import platform_count
from .base import _lock_project
from .reports import _figure_rows, _save_figures


@transaction.atomic
def completion_report_save(
    *, project: Project, data: dict[str, Any], achieved: dict[int, int] | None = None, actor: User, files=None
) -> CompletionReport:
    """Creates or updates the completion report while the project is under way. Figures are
    the approved plan's indicators against the platform's records over the whole project."""
    project = _lock_project(project)
    _require(may.can_write_completion(actor, project))
    values = {k: (data.get(k) or "") for k in CompletionReport.PARTS if k in data}
    for name, f in (files or {}).items():
        if f is not None and name in ("evidence", "archives"):
            values[name] = f
    report = CompletionReport.objects.filter(project=project).first()
    created = report is None
    if created:
        report = model_create(model=CompletionReport, data={"project": project, **values}, actor=actor)
        Figure.objects.bulk_create(
            [Figure(completion=report, **{**row, "achieved": 0}) for row in _figure_rows(project, until=None)]
        )
    else:
        report, _ = model_update(instance=report, fields=list(values), data=values, actor=actor)
    figures = list(report.figures.all())
    fresh = {f.pk: platform_count(project, f) for f in figures}
    achieved = dict(achieved or {})
    if created:
        # A new report starts from the platform's records (what the form prefills on editing);
        # figures without records stay to be typed.
        achieved = {pk: n for pk, n in fresh.items() if n is not None} | achieved
    _save_figures(figures, achieved, fresh)
    return report


def _submit_completion(*, obj: Project, **_) -> None:
    report = CompletionReport.objects.filter(project=obj).first()
    if report is None:
        raise ValidationError("请先填写项目实施情况报告（目标、协议签订、履约、资金、成效五部分）再提交。")
    if report.missing_parts:
        raise ValidationError(f"项目实施情况报告尚缺：{'、'.join(report.missing_parts)}。")
    if not report.archives:
        raise ValidationError("请上传培训档案后再提交。")
    figures = list(report.figures.all())
    _save_figures(figures, {}, {f.pk: platform_count(obj, f) for f in figures})
    if obj.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError("有待确认的延期申请，不能提交。")
    report.submitted_at = timezone.now()
    report.save(update_fields=["submitted_at", "updated_at"])
