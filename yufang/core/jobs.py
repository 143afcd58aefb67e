"""Background jobs: a Job row the user watches, and a Django task that runs the registered
handler for its kind. Handlers report progress through `JobProgress`; what they return is kept
as the job's result. The task is enqueued after the transaction that created the job commits."""

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.tasks import task
from django.utils import timezone

from .models import Job, JobStatus

logger = logging.getLogger(__name__)

Handler = Callable[["Job", "JobProgress"], dict[str, Any]]
_handlers: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    def decorator(fn: Handler) -> Handler:
        _handlers[kind] = fn
        return fn

    return decorator


class JobFailed(Exception):
    """A handler's refusal, in words for the user."""


class JobProgress:
    """Writes progress at most every `every` items so a long loop does not write on each row."""

    def __init__(self, job: Job, every: int = 500):
        self.job = job
        self.every = every
        self._last = 0

    def total(self, total: int, message: str = "") -> None:
        self.job.total = total
        self.job.message = message or self.job.message
        Job.objects.filter(pk=self.job.pk).update(total=total, message=self.job.message)

    def step(self, done: int, message: str = "", force: bool = False) -> None:
        self.job.done = done
        if message:
            self.job.message = message
        if force or done - self._last >= self.every or done == self.job.total:
            self._last = done
            Job.objects.filter(pk=self.job.pk).update(done=done, message=self.job.message)


def succeeded_job_of(user, job_id: int, **kind) -> Job:
    """A job `user` started that has succeeded (a check whose report they now read), else 404.
    `kind` narrows it: kind="…", kind__in=[…] or kind__startswith="…"."""
    job = get_object_or_404(Job, pk=job_id, created_by=user, **kind)
    if job.status != JobStatus.SUCCEEDED:
        raise Http404("该校验任务尚未完成。")
    return job


def job_start(*, kind: str, title: str, actor, params: dict[str, Any] | None = None, file=None) -> Job:
    if kind not in _handlers:
        raise LookupError(f"no job handler for {kind}")
    job = Job.objects.create(kind=kind, title=title, created_by=actor, params=params or {})
    if file is not None:
        job.file.save(getattr(file, "name", "upload"), file, save=True)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task
def run_job(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    job.status = JobStatus.RUNNING
    try:
        result = _handlers[job.kind](job, JobProgress(job))
    except JobFailed as e:
        _finish(job, JobStatus.FAILED, {"error": str(e)}, str(e))
    except Exception:  # noqa: BLE001 - the user sees a failed job, the log keeps the trace
        logger.error("job %s (%s) failed:\n%s", job.pk, job.kind, traceback.format_exc())
        _finish(job, JobStatus.FAILED, {"error": "处理过程中发生系统错误，请联系管理员。"}, "处理失败")
    else:
        _finish(job, JobStatus.SUCCEEDED, result or {}, job.message or "已完成")


def _finish(job: Job, status: str, result: dict[str, Any], message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=status, result=result, message=message[:300], finished_at=timezone.now(), done=job.done
    )
