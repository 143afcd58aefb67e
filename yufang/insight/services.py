"""Writes of the leaders' view: the monthly briefing, requested and stored."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.jobs import job_start
from yufang.core.models import AuditAction, Job
from yufang.plans.models import Plan
from yufang.reference.models import Region

from .models import Briefing

BRIEFING = "insight.briefing"


def briefing_request(
    *, year: int, month: int, regions: list[Region | None], actor: User, scheduled: bool = False
) -> Job:
    """Queues the making of the month's briefings (None: the city's) in the background."""
    names = "、".join(r.name if r else "全市" for r in regions[:3]) + ("等" if len(regions) > 3 else "")
    return job_start(
        kind=BRIEFING,
        title=f"生成 {year} 年 {month} 月工作简报（{names}）",
        actor=actor,
        params={
            "year": year,
            "month": month,
            "regions": [r.pk if r else None for r in regions],
            "scheduled": scheduled,
        },
    )


@transaction.atomic
def briefing_store(
    *,
    year: int,
    month: int,
    region: Region | None,
    plan: Plan,
    figures: dict,
    summary: str,
    content: bytes,
    actor: User,
    job: Job | None = None,
    scheduled: bool = False,
) -> Briefing:
    """Keeps the month's briefing for the scope, replacing an earlier one (its file goes)."""
    # No ordering: its join (the region's sort order) would be an outer join FOR UPDATE cannot lock.
    briefing = Briefing.objects.select_for_update().filter(year=year, month=month, region=region).order_by("pk").first()
    old_file = briefing.file.name if briefing else ""
    created = briefing is None
    if created:
        briefing = Briefing(year=year, month=month, region=region)
    briefing.plan = plan
    briefing.figures = figures
    briefing.summary = summary
    briefing.sha256 = hashlib.sha256(content).hexdigest()
    briefing.size = len(content)
    briefing.made_at = timezone.now()
    briefing.made_by = actor
    briefing.scheduled = scheduled
    briefing.job = job
    briefing.file.save(briefing.filename, ContentFile(content), save=False)
    briefing.save()
    if old_file:
        storage = briefing.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    if created:
        audit.record_create(actor=actor, instance=briefing, event="briefing_make")
    else:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=briefing,
            event="briefing_remake",
            changes={"sha256": ["", briefing.sha256]},
        )
    return briefing
