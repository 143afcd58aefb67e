"""Periodic tasks: each app registers a task with a `due(now)` function that names the period
now due (a month, a state of the data) or None, and a `run(period)` function that enqueues the
work. `scheduler_tick` (called every minute by `manage.py run_scheduler`) runs each due task
once per period: the ScheduledRun row for (task, period) is created in the same transaction as
the work is enqueued, and its unique constraint makes a second scheduler, or the same one
restarted, skip it. A period missed while no scheduler ran is run at the next tick."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Job, ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scheduled:
    name: str
    due: Callable[[datetime.datetime], str | None]
    run: Callable[[str], Job | None]


_tasks: dict[str, Scheduled] = {}


def schedule(name: str, *, due: Callable[[datetime.datetime], str | None]):
    """Registers `run(period) -> Job | None` as the task `name`."""

    def decorator(run: Callable[[str], Job | None]):
        _tasks[name] = Scheduled(name, due, run)
        return run

    return decorator


def scheduled_tasks() -> list[Scheduled]:
    return list(_tasks.values())


def scheduler_tick(now: datetime.datetime | None = None, *, only: str = "") -> list[ScheduledRun]:
    """Runs every task (or the task `only`) due at `now` that has not run for its period;
    returns the runs made."""
    now = now or timezone.now()
    made = []
    for task in scheduled_tasks():
        if only and task.name != only:
            continue
        try:
            period = task.due(now)
        except Exception:  # noqa: BLE001 - one task's failure never stops the others
            logger.exception("scheduled task %s: due() failed", task.name)
            continue
        if period is None or ScheduledRun.objects.filter(task=task.name, period=period).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(task=task.name, period=period, created_at=now)
                job = task.run(period)
                if job is not None:
                    run.job = job
                    run.save(update_fields=["job"])
        except IntegrityError:
            continue  # another scheduler made the run first
        except Exception:  # noqa: BLE001 - rolled back, tried again at the next tick
            logger.exception("scheduled task %s for %s failed", task.name, period)
            continue
        logger.info("scheduled task %s ran for %s", task.name, period)
        made.append(run)
    return made
