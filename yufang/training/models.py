"""Real-name offline training (实名制线下培训): sessions under an approved project, their rosters,
attendance by rotating QR code, and the fraud flags audits look for."""

import datetime
import secrets
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from yufang.accounts.models import Organisation
from yufang.core.models import BaseModel
from yufang.people.models import Person
from yufang.projects.models import Project
from yufang.reference.models import Industry, Region
from yufang.targets.models import Mode


def new_secret() -> str:
    return secrets.token_hex(16)


class SessionKind(models.TextChoices):
    CENTRALISED = "centralised", "集中培训"
    ON_SITE = "on_site", "深入企业"
    PRACTICAL = "practical", "实操培训"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已排期"
    CLOSED = "closed", "已结束并认定"
    CANCELLED = "cancelled", "已取消"


class TrainingSession(BaseModel):
    """One offline session (场次). Only a project whose implementation plan is approved takes
    new sessions; closing it decides who completed and writes their completion facts."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField("培训形式", max_length=16, choices=SessionKind.choices)
    industry = models.ForeignKey(Industry, verbose_name="行业", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField("培训主题", max_length=200)
    region = models.ForeignKey(
        Region,
        verbose_name="举办区县",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="该区县人社局可查看本场次。",
    )
    venue = models.CharField("培训地点", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    class_hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    instructors = models.CharField("授课教师", max_length=200)
    capacity = models.PositiveIntegerField("计划人数")
    enterprises = models.ManyToManyField(
        Organisation,
        verbose_name="参训企业",
        blank=True,
        related_name="training_sessions",
        limit_choices_to={"kind": "enterprise"},
    )
    status = models.CharField("状态", max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    # Keys the rotating sign-in codes of this session alone (with the site's secret key).
    qr_secret = models.CharField(max_length=32, default=new_secret, editable=False)
    completed_count = models.PositiveIntegerField("认定完成人数", default=0, editable=False)

    class Meta:
        verbose_name = "线下培训场次"
        verbose_name_plural = "线下培训场次"
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity_positive"),
            models.CheckConstraint(condition=Q(class_hours__gt=0), name="session_class_hours_positive"),
        ]
        indexes = [models.Index(fields=["project", "starts_at"]), models.Index(fields=["region", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", args=[self.pk])

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def completion_mode(self) -> str:
        return Mode.PRACTICAL if self.kind == SessionKind.PRACTICAL else Mode.OFFLINE

    @property
    def day(self) -> datetime.date:
        from django.utils import timezone

        return timezone.localtime(self.starts_at).date()


class RosterEntry(models.Model):
    """A person expected at a session (实名花名册)."""

    # The (session, person) unique index serves lookups by session.
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="roster", db_index=False)
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="roster_entries")
    row_number = models.PositiveIntegerField("导入行号", null=True, blank=True)
    added_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        verbose_name = "花名册人员"
        verbose_name_plural = "花名册人员"
        ordering = ["session", "row_number", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="roster_once_per_session")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.person.name}"


class Method(models.TextChoices):
    QR = "qr", "扫码"
    CODE = "code", "签到码"
    MANUAL = "manual", "人工补录"
    API = "api", "接口"


class Attendance(models.Model):
    """A person's presence at a session: when they signed in and out, how, and from where.
    One row per person and session, so each code is used once per person."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="attendances")
    signed_in_at = models.DateTimeField("签到时间")
    in_method = models.CharField("签到方式", max_length=8, choices=Method.choices)
    in_device = models.CharField(max_length=64, blank=True)
    in_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    out_method = models.CharField("签退方式", max_length=8, choices=Method.choices, blank=True)
    out_device = models.CharField(max_length=64, blank=True)
    out_ip = models.GenericIPAddressField(null=True, blank=True)
    manual_reason = models.CharField("补录原因", max_length=300, blank=True)
    minutes = models.PositiveIntegerField("在场分钟数", default=0)
    completed = models.BooleanField("认定完成", default=False)

    class Meta:
        verbose_name = "签到记录"
        verbose_name_plural = "签到记录"
        ordering = ["session", "signed_in_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_session"),
            models.CheckConstraint(
                condition=Q(signed_out_at__isnull=True) | Q(signed_out_at__gte=F("signed_in_at")),
                name="attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["person", "signed_in_at"]), models.Index(fields=["session", "in_device"])]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.session_id}"


class FlagKind(models.TextChoices):
    INVALID_ID = "invalid_id", "身份证号无效"
    DUPLICATE_ID = "duplicate_id", "同一人重复出现"
    OVERLAP = "overlap", "同一时段参加两个场次"
    AGE = "age", "年龄不在劳动年龄内"
    OVER_CAPACITY = "over_capacity", "签到人数超过计划人数"
    OVER_ROSTER = "over_roster", "签到人数超过花名册"
    DEVICE_BURST = "device_burst", "同一设备短时间内多人签到"
    ADDRESS_BURST = "address_burst", "同一网络地址短时间内大量签到"
    OUTSIDE_HOURS = "outside_hours", "签到签退不在培训时段"
    IMPOSSIBLE_HOURS = "impossible_hours", "学时不可能成立"
    COUNTED_TWICE = "counted_twice", "同一人在同一目标中重复申报"
    # Publicity deliverables (issue 16).
    REUSED_FILE = "reused_file", "同一文件用于两项宣传成果"
    PHOTO_OUTSIDE_PERIOD = "photo_outside_period", "照片拍摄时间不在项目期内"
    # The knowledge quiz (issue 17).
    QUIZ_TOO_FAST = "quiz_too_fast", "答题快于合理用时"
    QUIZ_SHARED_DEVICE = "quiz_shared_device", "同一设备或地址多人答题"
    QUIZ_SAME_ANSWERS = "quiz_same_answers", "答案序列与用时高度雷同"
    # Supervision (issue 18).
    CALLBACK_ABSENT = "callback_absent", "回访显示未参加培训"
    INSPECTION = "inspection", "检查发现弄虚作假"


class FlagSource(models.TextChoices):
    OFFLINE = "offline", "线下培训"
    ONLINE = "online", "线上培训"
    PUBLICITY = "publicity", "宣传成果"
    QUIZ = "quiz", "知识竞答"
    SUPERVISION = "supervision", "监督检查"


class FlagStatus(models.TextChoices):
    OPEN = "open", "待核查"
    CONFIRMED = "confirmed", "已核实为问题"
    DISMISSED = "dismissed", "已核实无问题"


class Flag(BaseModel):
    """A possible fraud or data problem, with the evidence that raised it: one list for every
    source (offline sessions, online learning, publicity, the quiz, supervision). The agency
    reviews it; it is never deleted. A flag about an offline session names it; any other names
    its subject by label and link, and the district it concerns (if one) for the district's
    staff."""

    source = models.CharField("来源", max_length=16, choices=FlagSource.choices, default=FlagSource.OFFLINE)
    session = models.ForeignKey(TrainingSession, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="training_flags")
    region = models.ForeignKey(
        "reference.Region", verbose_name="区县", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("对象", max_length=200, blank=True)
    subject_url = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField("类型", max_length=24, choices=FlagKind.choices)
    # Identifies the finding so that scanning again does not raise it twice.
    key = models.CharField(max_length=120)
    summary = models.CharField("说明", max_length=300)
    evidence = models.JSONField("证据", default=list, blank=True)
    status = models.CharField("状态", max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    review_note = models.CharField("核查意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "异常线索"
        verbose_name_plural = "异常线索"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "key"], name="flag_once_per_finding"),
            models.UniqueConstraint(
                fields=["project", "kind", "key"],
                condition=Q(session__isnull=True),
                name="flag_once_per_project_finding",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["source", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("training:flag_detail", args=[self.pk])

    @property
    def subject_label(self) -> str:
        return str(self.session) if self.session_id else self.subject

    @property
    def subject_link(self) -> str:
        return self.session.get_absolute_url() if self.session_id else self.subject_url

    def revocation_allows(self, completion) -> tuple[bool, str]:
        """A flag is the basis of revoking a completion (targets.completion_revoke) once it is
        confirmed, and only for the person it names, in work of the same provider."""
        if self.status != FlagStatus.CONFIRMED:
            return False, "只有已核实为问题的异常线索可以作为撤销依据。"
        if self.person_id is None or self.person_id != completion.person_id:
            return False, "该异常线索涉及的人员与培训完成记录不一致。"
        if completion.provider_id is not None and completion.provider_id != self.project.provider_id:
            return False, "该异常线索与培训完成记录不属于同一服务机构。"
        return True, ""


ZERO = Decimal(0)
