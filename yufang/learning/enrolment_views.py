"""Pages of an applied enrolment list: the job's outcome (counts, refused rows) and the one-time
download of the credential sheet."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yufang.core.export import XLSX, attachment
from yufang.core.jobs import job_outputs_expire, succeeded_job_of

from .enrolment import APPLY_JOB, CREDENTIAL_HOURS, credential_sheet_take


@login_required
def enrolment_result(request: HttpRequest, job_id: int) -> HttpResponse:
    job_outputs_expire()
    job = succeeded_job_of(request.user, job_id, kind=APPLY_JOB)
    return render(
        request,
        "learning/enrolment_result.html",
        {"job": job, "result": job.result, "hours": CREDENTIAL_HOURS},
    )


@never_cache
@login_required
@require_POST
def credentials_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = succeeded_job_of(request.user, job_id, kind=APPLY_JOB)
    content = credential_sheet_take(user=request.user, job=job)
    return attachment(content, f"学员账号_{job.pk}.xlsx", XLSX)
