"""A short video's view counts over time: each reading (platform, date, cumulative views) is a
row of its own, never overwritten, checked against the readings around it and audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core.permissions import require as _require
from yufang.core.services import model_create

from . import reach_permissions as may
from .models import Deliverable, ViewReading


@transaction.atomic
def view_reading_add(
    *,
    deliverable: Deliverable,
    platform: str,
    read_on: datetime.date,
    views: int,
    note: str = "",
    actor: User,
) -> ViewReading:
    deliverable = Deliverable.objects.select_for_update().select_related("project", "kind").get(pk=deliverable.pk)
    _require(may.can_record_views(actor, deliverable))
    platform = " ".join(str(platform or "").split())[:50]
    errors: dict[str, list[str]] = {}
    if not platform:
        errors["platform"] = ["请填写平台。"]
    if isinstance(views, bool) or not isinstance(views, int) or views < 0:
        errors["views"] = ["播放量须为不小于 0 的整数。"]
    if read_on > timezone.localdate():
        errors["read_on"] = ["统计日期不能晚于今天。"]
    elif read_on < deliverable.delivered_on:
        errors["read_on"] = [f"统计日期不能早于视频的发布日期（{deliverable.delivered_on:%Y-%m-%d}）。"]
    if not errors:
        same = ViewReading.objects.filter(deliverable=deliverable, platform=platform)
        if same.filter(read_on=read_on).exists():
            errors["read_on"] = [f"「{platform}」{read_on:%Y-%m-%d} 已有读数：每天每个平台一条，历史读数不修改。"]
        before = same.filter(read_on__lt=read_on).order_by("-read_on").first()
        after = same.filter(read_on__gt=read_on).order_by("read_on").first()
        if before is not None and views < before.views:
            errors["views"] = [f"播放量是累计数，不能少于 {before.read_on:%Y-%m-%d} 的读数 {before.views}。"]
        elif after is not None and views > after.views:
            errors["views"] = [f"播放量是累计数，不能多于 {after.read_on:%Y-%m-%d} 的读数 {after.views}。"]
    if errors:
        raise ValidationError(errors)
    return model_create(
        model=ViewReading,
        data={
            "deliverable": deliverable,
            "platform": platform,
            "read_on": read_on,
            "views": views,
            "note": (note or "").strip()[:200],
            "recorded_by": actor,
        },
        actor=actor,
    )
