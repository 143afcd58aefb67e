"""The demo's monthly briefings: on the first day of each month from October 2023 to January
2024 the scheduler makes the month before's briefing for the city and every district, as it
would have; and the prevention effect stored from the demo's statistics."""

import datetime

from django.db import transaction

from yufang.core.jobs import run_job
from yufang.core.scheduler import scheduler_tick
from yufang.insight.effect_store import effect_refresh_start
from yufang.insight.models import Briefing, EffectScope
from yufang.insight.services import BRIEFING

from .clock import at, demo_clock

MONTHS = ((2023, 9), (2023, 10), (2023, 11), (2023, 12))


def load(users) -> None:
    for year, month in MONTHS:
        if Briefing.objects.filter(year=year, month=month, region=None).exists():
            continue
        first = datetime.date(year + month // 12, month % 12 + 1, 1)
        with demo_clock(at(first, 6, 0), now=True) as moment:
            for run in scheduler_tick(moment, only=BRIEFING):
                if run.job_id:
                    run_job.call(run.job_id)
    if not EffectScope.objects.exists():
        with transaction.atomic():
            job = effect_refresh_start(actor=users["owner"])
        run_job.call(job.pk)
