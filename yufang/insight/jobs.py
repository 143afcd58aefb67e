"""The annual report to the province and the prevention effect's workbook, made in the
background with a progress bar."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from yufang.core.jobs import JobFailed, register
from yufang.core.models import Job
from yufang.core.scoping import scoped
from yufang.plans.models import Plan

from .effect_store import stored_effect
from .exports import effect_xlsx, scope_label
from .permissions import can_make_annual_report, can_view_insight
from .report import SHEETS, annual_report_xlsx
from .selectors import effect_rows

ANNUAL_REPORT = "insight.annual_report"
EFFECT_EXPORT = "insight.effect_export"


@register(ANNUAL_REPORT)
def annual_report(job: Job, progress) -> dict:
    actor = job.created_by
    allowed, reason = can_make_annual_report(actor)
    if not allowed:
        raise JobFailed(reason)
    # Scoped by the job's starter: the worker reads what they may read.
    plan = scoped(actor, Plan).select_related("city").filter(pk=job.params.get("plan_id")).first()
    if plan is None:
        raise JobFailed("未找到该实施方案。")
    progress.total(len(SHEETS), "正在读取数据")
    content, rows = annual_report_xlsx(plan, lambda done, message: progress.step(done, message, force=True))
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    filename = f"{plan.year}年度工伤预防工作情况报表_{stamp}.xlsx"
    job.file.save(filename, ContentFile(content), save=False)
    Job.objects.filter(pk=job.pk).update(
        file=job.file.name, result_url=reverse("insight:report_download", args=[job.pk])
    )
    return {"download": True, "filename": filename, "rows": rows}


@register(EFFECT_EXPORT)
def effect_export(job: Job, progress) -> dict:
    """The stored comparison of one choice and every enterprise behind it (its group and
    figures, read here: tens of thousands of rows at a city's scale), scoped by the starter."""
    actor = job.created_by
    allowed, reason = can_view_insight(actor)
    if not allowed:
        raise JobFailed(reason)
    choice = {
        "year": int(job.params["year"]),
        "threshold": Decimal(job.params["threshold"]),
        "exclude_key": bool(job.params["exclude_key"]),
    }
    effect = stored_effect(user=actor, **choice)
    if effect is None:
        raise JobFailed("所选口径的预防效果尚未计算完成，请在预防效果页面看到结果后再导出。")
    progress.total(2, "正在读取企业明细")
    rows = effect_rows(user=actor, **choice)
    progress.step(1, f"正在写入 {len(rows)} 家企业", force=True)
    content = effect_xlsx(effect, rows, scope_label(actor))
    filename = f"{effect.year}年培训预防效果_{timezone.localtime().strftime('%Y%m%d%H%M')}.xlsx"
    job.file.save(filename, ContentFile(content), save=False)
    Job.objects.filter(pk=job.pk).update(
        file=job.file.name, result_url=reverse("insight:effect_download", args=[job.pk])
    )
    progress.step(2, "已完成", force=True)
    return {"download": True, "filename": filename, "rows": len(rows)}
