"""Background work of publicity: checking a carrier's delivery report row by row (nothing
written); the provider then reads the per-row report and confirms the import."""

from django.urls import reverse

from yufang.core.jobs import register

from .models import Deliverable
from .pushes import delivery_report_check


@register("publicity.push_report_check")
def push_report_check_job(job, progress):
    deliverable = Deliverable.objects.select_related("project__agreement", "project__plan", "kind").get(
        pk=job.params["deliverable_id"]
    )
    progress.total(0, "正在读取送达报告")
    with job.file.open("rb") as f:
        result = delivery_report_check(f, job.file.name, deliverable, progress=progress)
    job.result_url = reverse("publicity:push_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(result["total"], f"有效 {len(result['good'])} 行，错误 {len(result['errors'])} 行", force=True)
    return {**result, "filename": job.params.get("filename", "")}
