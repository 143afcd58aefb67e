"""What the leaders' pages keep: the monthly briefings (工作简报) and the stored prevention-effect
results, so neither is made while a page waits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yufang.core.files import RandomName
from yufang.core.models import Job, private_storage
from yufang.plans.models import Plan
from yufang.reference.models import Region


class Briefing(models.Model):
    """One month's briefing for the city (region empty) or one district: the PDF, its SHA-256
    and the figures it was written from (the next month's text says what moved against them).
    Made again for the same month and scope, the row is replaced: the archive holds the latest."""

    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    region = models.ForeignKey(Region, verbose_name="区县", null=True, blank=True, on_delete=models.PROTECT)
    plan = models.ForeignKey(Plan, verbose_name="实施方案", null=True, blank=True, on_delete=models.PROTECT)
    file = models.FileField("简报文件", storage=private_storage, upload_to=RandomName("briefings"))
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("文件大小", default=0)
    figures = models.JSONField("数据", default=dict)
    summary = models.TextField("简报文字", blank=True)
    made_at = models.DateTimeField("生成时间", default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    scheduled = models.BooleanField("定时生成", default=False)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "工作简报"
        verbose_name_plural = "工作简报"
        ordering = ["-year", "-month", "region__sort_order", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"], condition=Q(region__isnull=True), name="briefing_one_city_month"
            ),
            models.UniqueConstraint(
                fields=["year", "month", "region"], condition=Q(region__isnull=False), name="briefing_one_region_month"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="briefing_month_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年 {self.month} 月工作简报（{self.region.name if self.region_id else '全市'}）"

    @property
    def scope_label(self) -> str:
        return self.region.name if self.region_id else "全市"

    @property
    def filename(self) -> str:
        return f"{self.year}年{self.month}月工伤预防工作简报_{self.scope_label}.pdf"


class EffectScope(models.Model):
    """For one scope (region_key 0: the whole city; else a district's id): the training years the
    comparison can be made for and the fingerprint of the records they were read from."""

    region_key = models.BigIntegerField(unique=True)
    years = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "预防效果范围"
        verbose_name_plural = "预防效果范围"

    def __str__(self) -> str:
        return f"{self.region_key}: {self.years}"


class EffectResult(models.Model):
    """The prevention-effect comparison for one scope (region_key 0: the whole city; else a
    district's id) and one choice of year, threshold and key enterprises, as the background
    computation stored it, with the fingerprint of the records it was computed from."""

    region_key = models.BigIntegerField(default=0)
    year = models.PositiveSmallIntegerField("培训年度")
    threshold = models.DecimalField("受训占比阈值", max_digits=4, decimal_places=1)
    exclude_key = models.BooleanField("不含重点企业", default=False)
    fingerprint = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "预防效果计算结果"
        verbose_name_plural = "预防效果计算结果"
        constraints = [
            models.UniqueConstraint(
                fields=["region_key", "year", "threshold", "exclude_key"], name="effectresult_one_per_choice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_key}:{self.year}:{self.threshold}:{self.exclude_key}"


class DashboardSnapshot(models.Model):
    """The dashboard's figures for one kind of reader (the city, a partner department, one
    district), one plan and one period, as last counted, with the stamp of the sources they were
    counted at. When the sources move on, the page shows these, labelled with when they were
    counted, while a background task counts afresh; `recount_started` lets one recount run per
    snapshot at a time (a recount that stopped answering is taken over after two minutes)."""

    key = models.CharField(max_length=64, unique=True)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    stamp = models.CharField(max_length=500)
    sections = models.JSONField(default=list)
    computed_at = models.DateTimeField("统计时间")
    recount_started = models.DateTimeField(null=True, blank=True)
    recount_done = models.PositiveSmallIntegerField(default=0)
    recount_total = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "驾驶舱统计结果"
        verbose_name_plural = "驾驶舱统计结果"

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.month or '全年'}:{self.computed_at:%Y-%m-%d %H:%M:%S}"
