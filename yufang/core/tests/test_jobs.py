"""Every job ends: a refusal, an exception or a result that cannot be stored ends it as failed
with a message in Chinese; a job that stops reporting is marked failed."""

import datetime
import logging

import pytest
from django.utils import timezone

from yufang.core import jobs
from yufang.core.jobs import SYSTEM_ERROR, register, run_job
from yufang.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@register("tests.boom")
def _boom(job, progress):
    raise KeyError("the handler's own bug")


@register("tests.unstorable")
def _unstorable(job, progress):
    return {"object": object(), "big": "x" * (jobs.RESULT_MAX_BYTES + 1)}


@register("tests.nul")
def _nul(job, progress):
    return {"text": "a\x00b\x07c"}


def _job(world, kind):
    return Job.objects.create(kind=kind, title="测试任务", created_by=world.users["agency"])


def test_an_exception_ends_the_job_failed_with_a_chinese_message_and_a_log_entry(world, caplog):
    job = _job(world, "tests.boom")
    with caplog.at_level(logging.ERROR, logger="yufang.core.jobs"):
        run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result == {"error": SYSTEM_ERROR} and job.finished_at
    assert any("the handler's own bug" in r.getMessage() for r in caplog.records)


def test_a_result_that_cannot_be_stored_ends_the_job_failed(world, caplog):
    job = _job(world, "tests.unstorable")
    with caplog.at_level(logging.ERROR, logger="yufang.core.jobs"):
        run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result == {"error": SYSTEM_ERROR}
    assert any("could not be finished" in r.getMessage() for r in caplog.records)


def test_control_characters_are_removed_from_a_result(world):
    job = _job(world, "tests.nul")
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"text": "abc"}


def test_a_job_that_stops_reporting_is_marked_failed_by_its_page(world, client):
    job = _job(world, "tests.nul")
    stale = timezone.now() - datetime.timedelta(seconds=jobs.stall_seconds() + 5)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=stale, reported_at=stale)
    client.force_login(world.users["agency"])
    page = client.get(f"/jobs/{job.pk}/")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "没有进展" in job.result["error"]
    assert "没有进展" in page.content.decode()


def test_the_worker_marks_stalled_jobs_failed_before_the_next_one(world):
    stalled, fresh = _job(world, "tests.nul"), _job(world, "tests.nul")
    stale = timezone.now() - datetime.timedelta(seconds=jobs.stall_seconds() + 5)
    Job.objects.filter(pk=stalled.pk).update(status=JobStatus.RUNNING, reported_at=stale)
    Job.objects.filter(pk=fresh.pk).update(status=JobStatus.RUNNING, reported_at=timezone.now())
    other = _job(world, "tests.nul")
    run_job.call(other.pk)
    assert Job.objects.get(pk=stalled.pk).status == JobStatus.FAILED
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.RUNNING
