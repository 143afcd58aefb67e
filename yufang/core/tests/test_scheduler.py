"""The scheduler runs a due task once per period, however often it is called, and one task's
failure neither stops the others nor records its period."""

import datetime

import pytest
from django.core.management import call_command

from yufang.core import scheduler
from yufang.core.management.commands import run_scheduler
from yufang.core.models import ScheduledRun

MOMENT = datetime.datetime(2024, 5, 1, 0, 1, tzinfo=datetime.UTC)


@pytest.fixture
def tasks(monkeypatch):
    registered: dict = {}
    monkeypatch.setattr(scheduler, "_tasks", registered)
    calls = []

    @scheduler.schedule("monthly", due=lambda now: f"{now:%Y-%m}")
    def monthly(period):
        calls.append(period)

    @scheduler.schedule("broken", due=lambda now: "always")
    def broken(period):
        raise RuntimeError("boom")

    return calls


def test_a_period_runs_once(db, tasks, monkeypatch):
    # The command closes stale connections between checks; inside the test's transaction it must not.
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)
    scheduler.scheduler_tick(MOMENT)
    scheduler.scheduler_tick(MOMENT + datetime.timedelta(hours=5))
    call_command("run_scheduler", "--once", stdout=open("/dev/null", "w"))  # today's month: a new period
    assert tasks[:1] == ["2024-05"] and tasks.count("2024-05") == 1
    assert ScheduledRun.objects.filter(task="monthly", period="2024-05").count() == 1


def test_a_failing_task_is_tried_again_and_stops_nothing(db, tasks):
    scheduler.scheduler_tick(MOMENT)
    assert tasks == ["2024-05"]
    assert not ScheduledRun.objects.filter(task="broken").exists()
