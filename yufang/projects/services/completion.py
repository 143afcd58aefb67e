"""The completion report (项目实施情况报告): its defaults, saving it and submitting it."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.plans.models import yuan

from .. import permissions as may
from ..models import CompletionReport, ExtensionStatus, Figure, PaymentStatus, Project
from .base import S, _lock_project
from .money import deductions_total
from .reports import _figure_rows, _save_figures, platform_count


def payments_summary(project: Project) -> str:
    lines = [f"协议金额 {yuan(project.agreement.price)}。"]
    for p in project.payments.exclude(status=PaymentStatus.REFUSED):
        when = f"，{p.paid_on:%Y-%m-%d} 支付，凭证号 {p.voucher_number}" if p.status == PaymentStatus.PAID else ""
        lines.append(f"{p.get_kind_display()} {yuan(p.amount)}（{p.get_status_display()}{when}）。")
    deducted = deductions_total(project)
    if deducted:
        lines.append(f"扣减项目费用 {yuan(deducted)}。")
    return "\n".join(lines)


def completion_defaults(project: Project) -> dict[str, str]:
    a = project.agreement
    return {
        "signing": f"{a.signed_on:%Y年%m月%d日} 与{a.agency.name}签订服务协议（{a.number}），协议金额 {yuan(a.price)}，"
        f"服务期限 {a.period_start:%Y-%m-%d} 至 {project.deadline:%Y-%m-%d}。"
        if a.signed_on
        else "",
        "payments": payments_summary(project),
    }


@transaction.atomic
def completion_report_save(
    *, project: Project, data: dict[str, Any], achieved: dict[int, int] | None = None, actor: User, files=None
) -> CompletionReport:
    """Creates or updates the completion report while the project is under way. Figures are
    the approved plan's indicators against the platform's records over the whole project."""
    project = _lock_project(project)
    _require(may.provider_of(actor, project))
    if project.status != S.IN_PROGRESS:
        raise ValidationError(f"项目当前状态为「{project.get_status_display()}」，不能填写项目实施情况报告。")
    values = {k: (data.get(k) or "") for k in CompletionReport.PARTS if k in data}
    for name, f in (files or {}).items():
        if f is not None and name in ("evidence", "archives"):
            values[name] = f
    report = CompletionReport.objects.filter(project=project).first()
    if report is None:
        report = model_create(model=CompletionReport, data={"project": project, **values}, actor=actor)
        Figure.objects.bulk_create(
            [Figure(completion=report, **{**row, "achieved": 0}) for row in _figure_rows(project, until=None)]
        )
    else:
        report, _ = model_update(instance=report, fields=list(values), data=values, actor=actor)
    figures = list(report.figures.all())
    fresh = {f.pk: platform_count(project, f) for f in figures}
    _save_figures(figures, achieved if achieved is not None else {}, fresh)
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
