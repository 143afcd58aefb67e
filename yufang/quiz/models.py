"""The 进百企 knowledge quiz (工伤预防知识竞答, seed 三（一）2): competitions run by a publicity
project under the year's plan, their rounds and rules as data, the participants who answer on a
phone without an account, and their papers, drawn, timed and scored on the server."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yufang.accounts.models import Organisation
from yufang.core.models import BaseModel
from yufang.people.models import Person
from yufang.plans.models import Plan
from yufang.projects.models import Project
from yufang.reference.models import Region


class CompetitionStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


class Counting(models.TextChoices):
    BEST = "best", "取最高成绩"
    FIRST = "first", "取首次成绩"


class Competition(BaseModel):
    """A quiz with its rules as data. `draw` is a list of {"category", "difficulty" (1 易, 2 中,
    3 难; null any), "count"}; `awards` a list of {"name", "places", "min_score"} given in rank
    order. The ranking: higher score, then shorter answering time, then earlier submission."""

    plan = models.ForeignKey(Plan, verbose_name="年度方案", on_delete=models.PROTECT, related_name="competitions")
    project = models.ForeignKey(Project, verbose_name="宣传项目", on_delete=models.PROTECT, related_name="competitions")
    name = models.CharField("竞答名称", max_length=200)
    description = models.TextField("说明", blank=True)
    status = models.CharField("状态", max_length=16, choices=CompetitionStatus.choices, default=CompetitionStatus.DRAFT)
    draw = models.JSONField("抽题规则", default=list)
    time_limit_seconds = models.PositiveIntegerField(
        "答题限时（秒）", default=600, validators=[MinValueValidator(30), MaxValueValidator(7200)]
    )
    attempts_per_day = models.PositiveSmallIntegerField(
        "每人每日可答次数", default=1, validators=[MinValueValidator(1)]
    )
    attempts_total = models.PositiveSmallIntegerField("每人累计可答次数", default=3, validators=[MinValueValidator(1)])
    counting = models.CharField("计分方式", max_length=8, choices=Counting.choices, default=Counting.BEST)
    awards = models.JSONField("奖项设置", default=list, blank=True)
    reach_participants = models.PositiveSmallIntegerField(
        "企业覆盖人数标准",
        default=10,
        validators=[MinValueValidator(1)],
        help_text="一家企业参与人数达到该数即计为“已覆盖”（榜单用；目标中的标准在目标里设定）。",
    )
    min_seconds_per_question = models.PositiveSmallIntegerField(
        "每题最短合理用时（秒）", default=2, help_text="整卷用时低于题数 × 该值，列为异常线索。"
    )

    class Meta:
        verbose_name = "知识竞答"
        verbose_name_plural = "知识竞答"
        ordering = ["-plan__year", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts_total__gte=models.F("attempts_per_day")), name="competition_attempts_ordered"
            ),
            models.CheckConstraint(condition=Q(time_limit_seconds__gte=30), name="competition_time_limit_min"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quiz:detail", args=[self.pk])

    @property
    def question_count(self) -> int:
        return sum(int(row.get("count", 0)) for row in self.draw)

    @property
    def max_seconds(self) -> int:
        return self.time_limit_seconds


class Round(models.Model):
    competition = models.ForeignKey(Competition, verbose_name="竞答", on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("轮次")
    name = models.CharField("名称", max_length=50)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("结束时间")

    class Meta:
        verbose_name = "竞答轮次"
        verbose_name_plural = "竞答轮次"
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="round_unique_number"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.competition.name} · {self.name}"

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at


class Participant(models.Model):
    """One person in one competition, known by the keyed hash of their ID number (one per ID
    per competition). An employer not on the register answers as 其他企业 of the district chosen
    (enterprise empty). The counted result (by the competition's counting rule) is kept here by
    the submission service, so boards read one row per person."""

    # Indexed by the composite indexes and the unique key below, which all lead with it.
    competition = models.ForeignKey(
        Competition, verbose_name="竞答", on_delete=models.PROTECT, related_name="participants", db_index=False
    )
    id_hash = models.CharField(max_length=64)
    # What a phone using the API holds for its participant (the pages keep it in the session).
    key = models.CharField(max_length=32, unique=True)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=20)
    credit_code = models.CharField("所填统一社会信用代码", max_length=18, blank=True)
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quiz_participants",
    )
    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="quiz_participants"
    )
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    device = models.CharField("设备标识", max_length=64, blank=True, db_index=True)
    client_ip = models.GenericIPAddressField("地址", null=True, blank=True)
    joined_at = models.DateTimeField("参与时间", default=timezone.now)
    # The counted result, maintained by quiz.hotpath.submit. No index covers these columns, so
    # on PostgreSQL counting a paper rewrites the row in place (a HOT update: none of the table's
    # indexes is touched; the table keeps room on its pages for it, migration 0002); the people
    # board sorts a competition's participants instead.
    papers = models.PositiveSmallIntegerField("已交卷次数", default=0)
    score = models.PositiveSmallIntegerField("成绩", null=True, blank=True)
    answer_ms = models.PositiveIntegerField("答题用时（毫秒）", null=True, blank=True)
    counted_at = models.DateTimeField("计分试卷交卷时间", null=True, blank=True)

    class Meta:
        verbose_name = "竞答参与者"
        verbose_name_plural = "竞答参与者"
        ordering = ["competition", "-score", "answer_ms", "counted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "id_hash"], name="participant_once_per_id"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="participant_score_range"),
        ]
        indexes = [
            models.Index(fields=["competition", "enterprise"]),
            models.Index(fields=["competition", "region"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.competition.name}）"


class Paper(models.Model):
    """A paper drawn for a participant in a round: the questions with each one's option order
    (`items`: [{"q": question id, "order": original option indexes as shown}]), the server's
    start and deadline, and once submitted the answers (in the bank's letters) and the score.
    `token` is what the phone holds for it; submitting twice answers with the first result."""

    # Looked up through the (participant, number) unique key, which leads with it: a draw reads
    # a participant's papers in number order and takes the next number by that key.
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="paper_set", db_index=False)
    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.PROTECT, related_name="papers")
    number = models.PositiveSmallIntegerField("第几次")
    day = models.DateField("日期")
    token = models.CharField(max_length=32, unique=True)
    started_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("截止时间")
    items = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)
    late = models.BooleanField("超时交卷", default=False)
    correct = models.PositiveSmallIntegerField("答对题数", null=True, blank=True)
    score = models.PositiveSmallIntegerField("得分", null=True, blank=True)
    answer_ms = models.PositiveIntegerField("答题用时（毫秒）", null=True, blank=True)
    device = models.CharField("设备标识", max_length=64, blank=True)
    client_ip = models.GenericIPAddressField("地址", null=True, blank=True)

    class Meta:
        verbose_name = "竞答试卷"
        verbose_name_plural = "竞答试卷"
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "number"], name="paper_unique_number"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="paper_score_range"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(score__isnull=False), name="paper_submitted_is_scored"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.name} 第{self.number}次答卷"

    @property
    def question_ids(self) -> list[int]:
        return [item["q"] for item in self.items]
