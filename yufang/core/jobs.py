"""Background jobs: a Job row the user watches, and a Django task that runs the registered
handler for its kind. Handlers report progress through `JobProgress`; what they return is kept
as the job's result. The task is enqueued after the transaction that created the job commits.

Whatever a handler does, its job ends: a refusal (JobFailed) or any other exception ends it as
failed with a message in Chinese (the trace goes to the log), and a job that stops reporting for
JOB_STALL_SECONDS (the worker died, the machine restarted) is marked failed when anyone looks at
it. On PostgreSQL progress is written on a connection of its own, so it is seen while the
handler's transaction is open and never waits on what the handler's connection holds (a COPY in
progress, a locked row)."""

import datetime
import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.tasks import task
from django.utils import timezone

from .models import Job, JobStatus

logger = logging.getLogger(__name__)

Handler = Callable[["Job", "JobProgress"], dict[str, Any]]
_handlers: dict[str, Handler] = {}

SYSTEM_ERROR = "处理过程中发生系统错误，请联系管理员。"
RESULT_MAX_BYTES = 2_000_000  # a result larger than this is a handler's bug: the job fails instead


def stall_seconds() -> int:
    return getattr(settings, "YUFANG_JOB_STALL_SECONDS", 900)


def stalled_message() -> str:
    return f"任务已超过 {stall_seconds() // 60} 分钟没有进展，已停止：请重新发起。"


def register(kind: str) -> Callable[[Handler], Handler]:
    def decorator(fn: Handler) -> Handler:
        _handlers[kind] = fn
        return fn

    return decorator


class JobFailed(Exception):
    """A handler's refusal, in words for the user."""


class _ProgressWriter:
    """Writes a job's progress fields. On PostgreSQL through a connection of its own, in
    autocommit, with a short lock timeout: a progress write never blocks the job."""

    def __init__(self, job_pk: int):
        self.job_pk = job_pk
        self._conn = None
        if connection.vendor == "postgresql":
            self._conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def write(self, **fields) -> None:
        fields["reported_at"] = timezone.now()
        if self._conn is None:
            Job.objects.filter(pk=self.job_pk, status=JobStatus.RUNNING).update(**fields)
            return
        columns = ", ".join(f"{Job._meta.get_field(k).column} = %s" for k in fields)
        try:
            with self._conn.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET {columns} WHERE id = %s AND status = %s",
                    [*fields.values(), self.job_pk, JobStatus.RUNNING],
                )
        except Exception:  # noqa: BLE001 - progress is best effort; the job goes on
            logger.warning("job %s: progress not written", self.job_pk, exc_info=True)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class JobProgress:
    """Writes progress at most every `every` items so a long loop does not write on each row."""

    def __init__(self, job: Job, every: int = 500):
        self.job = job
        self.every = every
        self._last = 0
        self._writer = _ProgressWriter(job.pk)

    def total(self, total: int, message: str = "") -> None:
        self.job.total = total
        self.job.message = message or self.job.message
        self._writer.write(total=total, message=self.job.message[:300])

    def step(self, done: int, message: str = "", force: bool = False) -> None:
        self.job.done = done
        if message:
            self.job.message = message
        if force or done - self._last >= self.every or done == self.job.total:
            self._last = done
            self._writer.write(done=done, message=self.job.message[:300])

    def close(self) -> None:
        self._writer.close()


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


def jobs_fail_stalled(queryset=None) -> int:
    """Marks failed every running job that has not reported for JOB_STALL_SECONDS. Called by the
    job page and by the worker before each job, so a job whose worker died does not stay
    "running" for ever. Returns how many were marked."""
    limit = timezone.now() - datetime.timedelta(seconds=stall_seconds())
    qs = (queryset if queryset is not None else Job.objects).filter(status=JobStatus.RUNNING, reported_at__lt=limit)
    message = stalled_message()
    stalled = list(qs.values_list("pk", "kind"))
    for pk, kind in stalled:
        logger.error("job %s (%s) stalled: no progress for %s s, marked failed", pk, kind, stall_seconds())
    return qs.update(status=JobStatus.FAILED, result={"error": message}, message=message, finished_at=timezone.now())


def job_output_delete(job: Job) -> None:
    """Deletes what the job made (its output file) and its expiry."""
    job.output.delete(save=False)
    job.output_expires_at = None
    job.save(update_fields=["output", "output_expires_at"])


def job_outputs_expire() -> int:
    """Deletes every job output past its expiry (a credential sheet not fetched in time). Run by
    the worker before each job and by the pages that offer such a file. Returns how many."""
    expired = list(Job.objects.filter(output_expires_at__lte=timezone.now()).exclude(output=""))
    for job in expired:
        job_output_delete(job)
    return len(expired)


@task
def run_job(job_id: int) -> None:
    jobs_fail_stalled()
    job_outputs_expire()
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=now, reported_at=now)
    job.status = JobStatus.RUNNING
    progress = JobProgress(job)
    try:
        result = _handlers[job.kind](job, progress)
    except JobFailed as e:
        _finish(job, JobStatus.FAILED, {"error": clean_control(str(e))}, clean_control(str(e)))
    except Exception:  # noqa: BLE001 - the user sees a failed job, the log keeps the trace
        logger.error("job %s (%s) failed:\n%s", job.pk, job.kind, traceback.format_exc())
        _finish(job, JobStatus.FAILED, {"error": SYSTEM_ERROR}, "处理失败")
    else:
        _finish(job, JobStatus.SUCCEEDED, result or {}, job.message or "已完成")
    finally:
        progress.close()


def clean_control(value: Any) -> Any:
    """Text without control characters (NUL and the other C0/C1 codes but tab and line breaks),
    which neither jsonb nor a spreadsheet takes; dicts and lists cleaned throughout."""
    if isinstance(value, str):
        if value.isprintable():
            return value
        return value.translate(_CONTROL)
    if isinstance(value, dict):
        return {clean_control(k): clean_control(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_control(v) for v in value]
    return value


_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)])


def _finish(job: Job, status: str, result: dict[str, Any], message: str) -> None:
    """Ends the job. If its result cannot be stored (too large, not JSON), it ends as failed all
    the same: a job never stays running because its ending failed."""
    import json

    try:
        result = clean_control(result)
        if len(json.dumps(result, ensure_ascii=False, default=str)) > RESULT_MAX_BYTES:
            raise ValueError(f"result of job {job.pk} is too large to keep")
        with transaction.atomic():  # a savepoint: the fallback below still runs after a refused write
            Job.objects.filter(pk=job.pk).update(
                status=status,
                result=result,
                message=message[:300],
                finished_at=timezone.now(),
                done=job.done,
                total=job.total,  # the last progress too, whether or not its own connection wrote it
            )
    except Exception:  # noqa: BLE001 - fall back to a failure that can always be stored
        logger.error("job %s (%s) could not be finished:\n%s", job.pk, job.kind, traceback.format_exc())
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, result={"error": SYSTEM_ERROR}, message="处理失败", finished_at=timezone.now()
        )
