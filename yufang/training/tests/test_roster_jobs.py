"""The roster check and apply as the real background jobs, progress included."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from yufang.accounts.tests.factories import make_world
from yufang.core.jobs import run_job
from yufang.core.models import Job, JobStatus
from yufang.people.roster import PROGRESS_EVERY
from yufang.training.models import RosterEntry

from .factories import make_session, people_rows, xlsx


def _run(job_id: int, timeout: float = 180) -> Job:
    """Runs the job in a thread of its own and fails the test (instead of hanging it) if the
    job does not end in time."""
    done = threading.Event()

    def work():
        try:
            run_job.call(job_id)
        finally:
            connection.close()
            done.set()

    threading.Thread(target=work, daemon=True).start()
    assert done.wait(timeout), "the job did not finish: it hangs"
    return Job.objects.get(pk=job_id)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path runs only on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_check_and_apply_jobs_with_progress_on_a_roster_larger_than_the_progress_interval():
    world = make_world()
    n = PROGRESS_EVERY + 1200
    session = make_session(world, capacity=n)
    provider = world.users["provider_a"]
    check = Job.objects.create(
        kind="training.roster_check",
        title="校验花名册",
        created_by=provider,
        params={"session_id": session.pk, "filename": "花名册.xlsx"},
    )
    check.file.save("花名册.xlsx", SimpleUploadedFile("花名册.xlsx", xlsx(people_rows(n))), save=True)
    check = _run(check.pk)
    assert check.status == JobStatus.SUCCEEDED, check.result
    assert check.result["valid"] == n and check.done == n and check.reported_at is not None
    apply = Job.objects.create(
        kind="training.roster_apply", title="导入花名册", created_by=provider, params={"check_job_id": check.pk}
    )
    apply = _run(apply.pk)
    assert apply.status == JobStatus.SUCCEEDED, apply.result
    assert apply.result["added"] == n
    assert RosterEntry.objects.filter(session=session).count() == n
