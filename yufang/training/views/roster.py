"""A session's roster import: upload, review of the check, confirmation, the file of rows with
errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yufang.core.export import XLSX, attachment
from yufang.core.jobs import job_start, succeeded_job_of
from yufang.core.models import Job
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404
from yufang.people.roster import roster_error_workbook

from .. import permissions as may
from ..forms import RosterUploadForm
from ..models import TrainingSession
from .sessions import _session

# --- Roster import -------------------------------------------------------------------------------


@login_required
@require_POST
def roster_upload(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(may.can_manage_session(request.user, session))
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(session)
    upload = form.cleaned_data["file"]
    job = job_start(
        kind="training.roster_check",
        title=f"校验花名册：{session}",
        actor=request.user,
        params={"session_id": session.pk, "filename": upload.name[:200]},
        file=upload,
    )
    return redirect("core:job", pk=job.pk)


def _check_job(request, job_id) -> tuple[Job, TrainingSession]:
    job = succeeded_job_of(request.user, job_id, kind="training.roster_check")
    session = get_scoped_or_404(
        request.user, TrainingSession.objects.select_related("project"), pk=job.result["session_id"]
    )
    return job, session


@login_required
def roster_review(request: HttpRequest, job_id: int) -> HttpResponse:
    job, session = _check_job(request, job_id)
    return render(request, "training/roster_review.html", {"job": job, "session": session, "result": job.result})


@login_required
@require_POST
def roster_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job, session = _check_job(request, job_id)
    _require(may.can_manage_session(request.user, session))
    if job.result.get("applied"):
        messages.info(request, "该文件已导入过。")
        return redirect(session)
    apply_job = job_start(
        kind="training.roster_apply",
        title=f"导入花名册：{session}",
        actor=request.user,
        params={"check_job_id": job.pk},
    )
    return redirect("core:job", pk=apply_job.pk)


@login_required
def roster_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    """The rows with errors, as uploaded, with what is wrong: corrected and uploaded again."""
    job, session = _check_job(request, job_id)
    _require(may.provider_of(request.user, session))
    return attachment(roster_error_workbook(job), f"花名册错误行_{session.pk}.xlsx", XLSX)
