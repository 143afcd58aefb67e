"""Background work of offline training: checking an uploaded roster row by row (nothing
written), then, once the provider confirms, importing its valid rows in one transaction."""

from django.urls import reverse

from yufang.accounts.models import User
from yufang.core.jobs import JobFailed, register
from yufang.core.models import Job
from yufang.people.roster import check_progress, check_result

from .models import TrainingSession
from .roster import roster_check


def _check(job, progress, session):
    progress.total(0, "正在逐行校验")
    with job.file.open("rb") as f:
        return roster_check(f, job.file.name, session, progress=check_progress(progress))


@register("training.roster_check")
def roster_check_job(job, progress):
    session = TrainingSession.objects.select_related("project__plan").get(pk=job.params["session_id"])
    checked = _check(job, progress, session)
    job.result_url = reverse("training:roster_review", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.total(checked.total)
    progress.step(checked.total, f"有效 {checked.valid} 行，错误 {checked.error_count} 行", force=True)
    return {"session_id": session.pk, **check_result(job, checked)}


@register("training.roster_apply")
def roster_apply_job(job, progress):
    """Checks the file again as the data stands now (its progress shown), then writes the valid
    rows in one transaction."""
    from .services import roster_apply

    check_job = Job.objects.get(pk=job.params["check_job_id"], kind="training.roster_check")
    session = TrainingSession.objects.select_related("project__plan").get(pk=check_job.params["session_id"])
    actor = User.objects.get(pk=job.created_by_id)
    checked = _check(check_job, progress, session)
    progress.step(checked.total, "正在写入", force=True)
    try:
        counts = roster_apply(
            session=session, checked=checked, actor=actor, filename=check_job.params.get("filename", ""), job=check_job
        )
    except Exception as e:
        from django.core.exceptions import PermissionDenied, ValidationError

        if isinstance(e, ValidationError | PermissionDenied):
            raise JobFailed("；".join(e.messages) if isinstance(e, ValidationError) else str(e)) from None
        raise
    job.result_url = reverse("training:session_detail", args=[session.pk])
    job.save(update_fields=["result_url"])
    progress.total(checked.total)
    progress.step(checked.total, f"已导入 {counts['added']} 人", force=True)
    return counts
