"""The demo's monthly briefings: on the first day of October, November and December 2023 the
scheduler makes the month before's briefing for the city and every district, as it would have;
December's the owner makes on demand on 29 December for the year-end meeting (so every briefing
is dated in 2023). And the prevention effect stored from the demo's statistics."""

import datetime

from django.db import transaction

from yufang.core.jobs import run_job
from yufang.core.scheduler import scheduler_tick
from yufang.insight.effect_store import effect_refresh_start
from yufang.insight.models import Briefing, EffectScope
from yufang.insight.services import BRIEFING, briefing_request

from .clock import at, demo_clock

SCHEDULED = ((2023, 9), (2023, 10), (2023, 11))
ON_DEMAND = datetime.date(2023, 12, 29)


def load(users) -> None:
    for year, month in SCHEDULED:
        if Briefing.objects.filter(year=year, month=month, region=None).exists():
            continue
        with demo_clock(at(datetime.date(year, month + 1, 1), 6, 0), now=True) as moment:
            for run in scheduler_tick(moment, only=BRIEFING):
                if run.job_id:
                    run_job.call(run.job_id)
    if not Briefing.objects.filter(year=2023, month=12, region=None).exists():
        with demo_clock(at(ON_DEMAND, 16, 30), now=True):
            with transaction.atomic():
                job = briefing_request(year=2023, month=12, regions=[None], actor=users["owner"])
            run_job.call(job.pk)
    if not EffectScope.objects.exists():
        with transaction.atomic():
            job = effect_refresh_start(actor=users["owner"])
        run_job.call(job.pk)
