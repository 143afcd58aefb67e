"""The monthly briefing made in the background with a progress bar, on demand (the archive
page) and by the scheduler on the first day of each month, for the month before."""

import datetime

from django.urls import reverse
from django.utils import timezone

from yufang.core.jobs import JobFailed, register
from yufang.core.models import Job
from yufang.core.scheduler import schedule
from yufang.reference.models import Region
from yufang.reference.selectors import platform_city

from .briefing import SECTIONS, briefing_figures, briefing_text, plan_for_month, previous_month
from .briefing_pdf import briefing_pdf
from .effect_store import system_actor
from .models import Briefing
from .permissions import can_make_briefing
from .services import BRIEFING, briefing_request, briefing_store

STEPS = len(SECTIONS) + 1  # the figures' sections, then the PDF


@register(BRIEFING)
def briefing_make(job: Job, progress) -> dict:
    params = job.params
    year, month = params["year"], params["month"]
    regions = [Region.objects.get(pk=pk) if pk else None for pk in params["regions"]]
    for region in regions:
        allowed, reason = can_make_briefing(job.created_by, region)
        if not allowed:
            raise JobFailed(reason)
    city = platform_city()
    plan = plan_for_month(city.pk if city else None, year)
    if plan is None:
        raise JobFailed(f"{year} 年没有已印发的实施方案，无法生成简报。")
    progress.total(STEPS * len(regions), "正在统计")
    made = []
    for index, region in enumerate(regions):
        base = index * STEPS
        scope = region.name if region else "全市"

        def step(done, message, base=base, scope=scope):
            progress.step(base + done, f"{scope}：{message}", force=True)

        figures = briefing_figures(plan=plan, year=year, month=month, region=region, step=step)
        py, pm = previous_month(year, month)
        previous = Briefing.objects.filter(year=py, month=pm, region=region).values_list("figures", flat=True).first()
        text = briefing_text(figures, previous)
        content = briefing_pdf(figures, text, city=plan.city.name)
        briefing = briefing_store(
            year=year,
            month=month,
            region=region,
            plan=plan,
            figures=figures,
            summary="\n".join(text),
            content=content,
            actor=job.created_by,
            job=job,
            scheduled=params.get("scheduled", False),
        )
        step(STEPS, "简报已生成")
        made.append(briefing.pk)
    Job.objects.filter(pk=job.pk).update(result_url=reverse("insight:briefing_download", args=[made[0]]))
    return {"briefings": made}


def briefing_due(now: datetime.datetime) -> str | None:
    """From the first day of a month: the month before (a scheduler down on the first day makes
    it when it next runs)."""
    today = timezone.localtime(now).date()
    year, month = previous_month(today.year, today.month)
    return f"{year}-{month:02d}"


@schedule(BRIEFING, due=briefing_due)
def briefing_scheduled(period: str) -> Job | None:
    """The city's briefing and every district's, in one job."""
    actor = system_actor()
    city = platform_city()
    year, month = (int(p) for p in period.split("-"))
    if actor is None or city is None or plan_for_month(city.pk, year) is None:
        return None
    regions = [None, *Region.objects.filter(city=city).order_by("sort_order", "pk")]
    return briefing_request(year=year, month=month, regions=regions, actor=actor, scheduled=True)
