from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yufang.accounts.models import Organisation
from yufang.core.files import RandomName
from yufang.core.models import BaseModel
from yufang.people.models import Person
from yufang.plans.models import Plan
from yufang.reference.models import City, Industry, Position, Region


class Mode(models.TextChoices):
    OFFLINE = "offline", "线下培训"
    ONLINE = "online", "线上培训"
    PRACTICAL = "practical", "实操培训"


# Modes whose class hours are offline hours for a programme's offline share.
OFFLINE_MODES = frozenset({Mode.OFFLINE, Mode.PRACTICAL})


class Completion(models.Model):
    """The one fact every target counts: a person completed training, with the record that
    proves it. Only `targets.services.completion_record` writes it (offline sessions and the
    online platform call it)."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="completions")
    year = models.PositiveSmallIntegerField("年度")
    mode = models.CharField("方式", max_length=16, choices=Mode.choices)
    completed_on = models.DateField("完成日期")
    # Snapshot of who the person was when they completed: later moves do not rewrite history.
    industry = models.ForeignKey(Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT)
    position = models.ForeignKey(Position, verbose_name="岗位", null=True, blank=True, on_delete=models.PROTECT)
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name="区县", null=True, blank=True, on_delete=models.PROTECT)
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The project whose work produced it (a session's project, the online enrolment's project);
    # empty for a historic record. A project's reports count only its own completions.
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="completions",
    )
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, default=Decimal(0))
    historic = models.BooleanField("原系统记录", default=False, help_text="平台启用前的培训记录，经导入进入平台。")
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64)
    source_repr = models.CharField("依据", max_length=300)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    # Set once, by completion_revoke, when the record proves false: a revoked completion stays
    # (its source cannot record the person again) and no target or report counts it.
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "培训完成记录"
        verbose_name_plural = "培训完成记录"
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id", "person"], name="completion_once_per_source"),
            models.CheckConstraint(condition=Q(year__gte=2000), name="completion_year_plausible"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="completion_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(historic=False) | Q(project__isnull=True), name="completion_historic_has_no_project"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "mode"]),
            models.Index(fields=["person", "year"]),
            models.Index(fields=["project", "completed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.year}年{self.get_mode_display()}"

    @property
    def is_offline(self) -> bool:
        return self.mode in OFFLINE_MODES

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CompletionRevocation(models.Model):
    """Why and on what basis a completion was revoked: a confirmed flag or a call-back (any
    record whose `revocation_allows(completion)` agrees), named by type, id, label and link so
    that the targets app needs to know none of them."""

    completion = models.OneToOneField(
        Completion, verbose_name="培训完成记录", on_delete=models.PROTECT, related_name="revocation"
    )
    reason = models.CharField("撤销理由", max_length=300)
    evidence = models.TextField("证据")
    basis_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    basis_id = models.CharField(max_length=64)
    basis_repr = models.CharField("撤销依据", max_length=300)
    basis_url = models.CharField(max_length=200, blank=True)
    revoked_by = models.ForeignKey("accounts.User", verbose_name="决定人", on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField("撤销时间", default=timezone.now)

    class Meta:
        verbose_name = "培训完成记录撤销"
        verbose_name_plural = "培训完成记录撤销"
        ordering = ["-revoked_at", "-pk"]

    def __str__(self) -> str:
        return f"撤销：{self.completion}"


class TrainingProgramme(BaseModel):
    """A multi-year programme such as the hazardous-chemicals capability programme
    (危险化学品企业工伤预防能力提升培训工程, 2022–2024), with its baseline survey (应受训摸底)."""

    city = models.ForeignKey(City, verbose_name="城市", on_delete=models.PROTECT)
    name = models.CharField("名称", max_length=200)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    start_year = models.PositiveSmallIntegerField("起始年度")
    end_year = models.PositiveSmallIntegerField("结束年度")
    industry = models.ForeignKey(Industry, verbose_name="行业", on_delete=models.PROTECT)
    positions = models.ManyToManyField(Position, verbose_name="培训岗位")
    required_hours = models.DecimalField(
        "每人应完成学时",
        max_digits=5,
        decimal_places=1,
        default=Decimal("24"),
        help_text="鲁人社字〔2022〕14号：不少于 24 学时。",
    )
    offline_share_percent = models.DecimalField(
        "线下学时占比下限（%）", max_digits=5, decimal_places=2, default=Decimal("60"), help_text="不低于 60%。"
    )

    class Meta:
        verbose_name = "多年度培训工程"
        verbose_name_plural = "多年度培训工程"
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="programme_years_ordered"),
            models.CheckConstraint(condition=Q(required_hours__gt=0), name="programme_hours_positive"),
            models.CheckConstraint(
                condition=Q(offline_share_percent__gte=0) & Q(offline_share_percent__lte=100),
                name="programme_offline_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.start_year}—{self.end_year}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("targets:programme", args=[self.pk])

    def meets_rule(self, hours: Decimal, offline_hours: Decimal) -> bool:
        """The programme's rule for one person: enough class hours in all, enough of them offline."""
        return hours > 0 and hours >= self.required_hours and offline_hours * 100 >= self.offline_share_percent * hours

    @property
    def rule_text(self) -> str:
        return (
            f"{self.start_year}—{self.end_year} 年间累计不少于 {self.required_hours.normalize():f} 学时，"
            f"其中线下（含实操）学时不低于 {self.offline_share_percent.normalize():f}%（跨年度、跨机构、跨方式累计）"
        )


class BaselineEntry(models.Model):
    """From the baseline survey: how many people of one position in one enterprise must be
    trained over the programme."""

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="baseline")
    enterprise = models.ForeignKey(Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(Position, verbose_name="岗位", on_delete=models.PROTECT)
    headcount = models.PositiveIntegerField("应受训人数")

    class Meta:
        verbose_name = "应受训摸底"
        verbose_name_plural = "应受训摸底"
        ordering = ["enterprise__name", "position__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "enterprise", "position"], name="baseline_unique_row")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.position} {self.headcount} 人"


class Metric(models.TextChoices):
    PERSONS = "persons", "培训人数（去重）"
    PROGRAMME_SHARE = "programme_share", "多年度工程完成比例"
    # Counted by the app that holds the records (the knowledge quiz), through the registry's
    # TARGET_VALUES contribution point, not from completions.
    QUIZ_ENTERPRISES = "quiz_enterprises", "知识竞答覆盖企业数"
    QUIZ_PARTICIPANTS = "quiz_participants", "知识竞答参与人数（去重）"


# Metrics no completion counts towards: their value comes from a contribution (TARGET_VALUES).
CONTRIBUTED_METRICS = frozenset({Metric.QUIZ_ENTERPRISES, Metric.QUIZ_PARTICIPANTS})


class EnterpriseSet(models.TextChoices):
    ALL = "all", "全部企业"
    PROGRAMME = "programme", "多年度工程范围内的企业"
    KEY = "key", "当年重点企业"


class Target(BaseModel):
    plan = models.ForeignKey(Plan, verbose_name="实施方案", on_delete=models.CASCADE, related_name="targets")
    name = models.CharField("目标名称", max_length=200)
    metric = models.CharField("指标", max_length=32, choices=Metric.choices, default=Metric.PERSONS)
    modes = models.JSONField("计入的培训方式", default=list, blank=True, help_text="为空表示全部方式。")
    industries = models.ManyToManyField(Industry, verbose_name="限定行业", blank=True)
    positions = models.ManyToManyField(Position, verbose_name="限定岗位", blank=True)
    enterprise_set = models.CharField(
        "限定企业", max_length=16, choices=EnterpriseSet.choices, default=EnterpriseSet.ALL
    )
    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name="多年度工程",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    threshold = models.DecimalField(
        "目标值",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="人数，或百分比（完成比例指标）。",
    )
    deadline = models.DateField("截止日期")
    min_participants = models.PositiveSmallIntegerField(
        "覆盖企业的参与人数标准",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="知识竞答覆盖企业数指标：一家企业参与人数（去重）达到该数才计为已覆盖。",
    )
    counting_rule = models.TextField("计数规则", help_text="显示在每个数字旁边。")
    include_historic = models.BooleanField(
        "计入原系统记录",
        default=True,
        help_text="不勾选时，本目标只统计平台上产生的培训记录（场次签到、线上证书），不计原系统记录。",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    # Kept exactly in step with TargetMember by the counting service.
    achieved = models.PositiveIntegerField("已完成", default=0, editable=False)

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["plan", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0), name="target_threshold_not_negative"),
            models.CheckConstraint(
                condition=~Q(metric="programme_share") | Q(programme__isnull=False), name="target_share_needs_programme"
            ),
            models.CheckConstraint(
                condition=~Q(enterprise_set="programme") | Q(programme__isnull=False),
                name="target_programme_set_needs_programme",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_share(self) -> bool:
        return self.metric == Metric.PROGRAMME_SHARE

    @property
    def is_contributed(self) -> bool:
        return self.metric in CONTRIBUTED_METRICS


class TargetMember(models.Model):
    """A person counted for a target, once, where and when they first met it."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    completion = models.ForeignKey(Completion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target", "person"], name="targetmember_once")]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.person_id}"


class ProgrammeHours(models.Model):
    """A person's class hours so far towards a multi-year programme's rule (share targets):
    every matching completion's hours added, across sessions, modes, years and providers. The
    person is a TargetMember from the completion that made the rule hold; until then they are
    partway. Kept exactly as completions are written; `target_recount` rebuilds it."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="programme_hours")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(max_digits=7, decimal_places=1, default=Decimal(0))
    offline_hours = models.DecimalField(max_digits=7, decimal_places=1, default=Decimal(0))
    met = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "person"], name="programmehours_once"),
            models.CheckConstraint(
                condition=Q(offline_hours__gte=0) & Q(offline_hours__lte=models.F("hours")),
                name="programmehours_offline_within_total",
            ),
        ]
        indexes = [models.Index(fields=["target", "met"])]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.person_id} {self.hours}"


class Dimension(models.TextChoices):
    INDUSTRY = "industry", "行业"
    POSITION = "position", "岗位"
    MONTH = "month", "月份"


class TargetTally(models.Model):
    """Exact rollup of TargetMember, maintained as members are added: for each district, how
    many people were counted per industry, per position and per month (key: the industry or
    position id, or the month as yyyymm; 0 stands for "not recorded"). A district's total is
    its month cells' sum. The progress page reads only these few rows."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="tallies")
    region_id = models.BigIntegerField(default=0)
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "region_id", "dimension", "key"], name="targettally_unique_cell")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.region_id} {self.dimension}={self.key}: {self.count}"


class LegacyBatch(BaseModel):
    """Training records brought over from before the platform (an earlier system, paper rosters
    checked by the agency): the proof behind completions that no session or course on the
    platform produced."""

    name = models.CharField("名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("说明", blank=True)
    source_document = models.CharField(
        "来源文件",
        max_length=300,
        help_text="原系统或纸质名单的名称、文号或导出日期，如“原云享平台 2023-12-31 导出名单”。",
    )
    file = models.FileField("导入文件", upload_to=RandomName("historic"), blank=True)
    rows = models.PositiveIntegerField("导入记录数", default=0)

    class Meta:
        verbose_name = "原系统记录批次"
        verbose_name_plural = "原系统记录批次"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"原系统记录：{self.name}"


def part_field(region_id: int) -> str:
    """The form field, and the key of the service's error, of a district's part."""
    return f"region_{region_id}"


class TargetDistrictPart(models.Model):
    """A district's part of a city-wide target (分解到区县), as the programme owner allocated it:
    what the district is held to. Written only by `targets.services.target_parts_set`, which
    keeps the parts of a target from summing above the target (a remainder the owner leaves
    unallocated stays with the city)."""

    target = models.ForeignKey(Target, verbose_name="目标", on_delete=models.CASCADE, related_name="parts")
    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    quantity = models.IntegerField("分解数", validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = "目标区县分解"
        verbose_name_plural = "目标区县分解"
        ordering = ["target", "region__sort_order", "region__code", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["target", "region"], name="targetpart_once_per_district"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="targetpart_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.target.name}：{self.region.name} {self.quantity}"
