"""The annual report to the province, made in the background with a progress bar."""

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from yufang.core.jobs import JobFailed, register
from yufang.core.models import Job
from yufang.core.scoping import scoped
from yufang.plans.models import Plan

from .permissions import can_make_annual_report
from .report import SHEETS, annual_report_xlsx

ANNUAL_REPORT = "insight.annual_report"


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
