"""Supervision (全过程监管, seed 五、六): inspections by the agency and the district bureaus with
checklists kept as versioned data, their findings and the provider's rectification."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from yufang.accounts.models import Organisation
from yufang.core.files import RandomName
from yufang.core.models import BaseModel
from yufang.projects.models import Deduction, Project
from yufang.providers.models import Debarment
from yufang.reference.models import Region
from yufang.training.models import TrainingSession


class SubjectKind(models.TextChoices):
    PROJECT = "project", "项目实施情况"
    SESSION = "session", "线下培训场次"
    ARCHIVES = "archives", "培训档案"
    PUBLICITY = "publicity", "宣传成果"


class Checklist(models.Model):
    """One version of the checklist for a kind of subject. A change makes a new version; an
    inspection keeps the version it was made with."""

    subject_kind = models.CharField("检查对象", max_length=16, choices=SubjectKind.choices)
    version = models.PositiveSmallIntegerField("版本")
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "检查清单"
        verbose_name_plural = "检查清单"
        ordering = ["subject_kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["subject_kind", "version"], name="checklist_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="checklist_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()}检查清单（第 {self.version} 版）"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    sort_order = models.PositiveSmallIntegerField("序号")
    text = models.CharField("检查事项", max_length=300)
    photo_required = models.BooleanField("须拍照", default=False)

    class Meta:
        verbose_name = "检查事项"
        verbose_name_plural = "检查事项"
        ordering = ["checklist", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["checklist", "sort_order"], name="checklistitem_order_once")]

    def __str__(self) -> str:
        return self.text


class InspectionMode(models.TextChoices):
    SCHEDULED = "scheduled", "定期检查"
    UNANNOUNCED = "unannounced", "不定期（暗访）检查"


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", "已计划"
    ON_SITE = "on_site", "检查中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


class Inspection(BaseModel):
    """An inspection (检查指导) of a project, one of its offline sessions, the provider's
    training archives or its publicity deliverables, by the agency or a district bureau (in its
    own district)."""

    organiser = models.ForeignKey(
        Organisation, verbose_name="检查单位", on_delete=models.PROTECT, related_name="inspections"
    )
    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="inspections")
    session = models.ForeignKey(
        TrainingSession,
        verbose_name="培训场次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    subject_kind = models.CharField("检查对象", max_length=16, choices=SubjectKind.choices)
    mode = models.CharField("检查方式", max_length=16, choices=InspectionMode.choices)
    planned_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200)
    checklist = models.ForeignKey(Checklist, verbose_name="检查清单", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED)
    head_count = models.PositiveIntegerField("现场清点人数", null=True, blank=True)
    signed_in_at_count = models.PositiveIntegerField("清点时平台签到人数", null=True, blank=True)
    counted_at = models.DateTimeField("清点时间", null=True, blank=True)
    conclusion = models.TextField("检查结论", blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject_kind="session") | Q(session__isnull=False), name="inspection_session_named"
            ),
            models.CheckConstraint(
                condition=Q(subject_kind="session") | Q(session__isnull=True), name="inspection_session_only_for_it"
            ),
        ]
        indexes = [models.Index(fields=["region", "planned_on"]), models.Index(fields=["status", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.planned_on:%Y-%m-%d} {self.get_subject_kind_display()}检查：{self.subject_label}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.pk])

    @property
    def subject_label(self) -> str:
        return str(self.session) if self.session_id else self.project.name


class Result(models.TextChoices):
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    NOT_APPLICABLE = "na", "不适用"


class Answer(models.Model):
    """The inspector's answer to one item of the inspection's checklist version."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name="检查事项", on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField("结果", max_length=8, choices=Result.choices)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        ordering = ["inspection", "item__sort_order"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="answer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item}：{self.get_verdict_display()}"


class Photo(models.Model):
    """A photo taken on site, with when and (if the phone gave it) where."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(
        ChecklistItem, verbose_name="检查事项", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("照片", upload_to=RandomName("inspections"))
    caption = models.CharField("说明", max_length=200, blank=True)
    taken_at = models.DateTimeField("拍摄时间")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["inspection", "taken_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="photo_latitude"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="photo_longitude",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or f"现场照片 {self.pk}"


class RosterCheck(models.Model):
    """One person in the room checked against the session's roster: what was asked (masked),
    and whether the roster has them."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="roster_checks")
    query_masked = models.CharField("核对依据", max_length=50)
    by_id_number = models.BooleanField("按身份证号")
    matched = models.BooleanField("在花名册中")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    signed_in = models.BooleanField("已签到", default=False)
    checked_at = models.DateTimeField("核对时间", auto_now_add=True)

    class Meta:
        verbose_name = "现场人员核对"
        verbose_name_plural = "现场人员核对"
        ordering = ["inspection", "-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.query_masked}：{'相符' if self.matched else '不在花名册'}"


class FindingKind(models.TextChoices):
    ATTENDANCE = "attendance", "签到或人数不实"
    STAND_IN = "stand_in", "冒名顶替、代签"
    ARCHIVES = "archives", "培训档案不全"
    QUALITY = "quality", "培训或宣传质量不符合要求"
    PUBLICITY = "publicity", "宣传成果与申报不符"
    MANAGEMENT = "management", "管理混乱"
    FRAUD = "fraud", "弄虚作假"
    OTHER = "other", "其他"


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待处理"
    RECTIFYING = "rectifying", "整改中"
    ANSWERED = "answered", "整改待复核"
    CLOSED = "closed", "已销号"


class Finding(BaseModel):
    """A problem an inspection found, with its rectification: requested of the provider with a
    deadline, answered with evidence, verified (closed) or reopened by the inspecting side. It
    may propose a deduction under the agreement and, for fraud, an entry in the debarment
    register; both then go their own existing ways, with the finding as their basis."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField("问题类型", max_length=16, choices=FindingKind.choices)
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices)
    description = models.TextField("问题描述")
    status = models.CharField("状态", max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    deadline = models.DateField("整改期限", null=True, blank=True)
    requirement = models.TextField("整改要求", blank=True)
    answer = models.TextField("整改情况", blank=True)
    answer_file = models.FileField("整改佐证", upload_to=RandomName("rectification"), blank=True)
    answered_on = models.DateField("整改答复日期", null=True, blank=True)
    review_note = models.TextField("复核意见", blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    on_time = models.BooleanField("按期整改", null=True, blank=True)
    # Consequences, proposed here and decided in their own workflows.
    clause = models.CharField("协议条款", max_length=200, blank=True)
    proposed_amount = models.DecimalField(
        "建议扣减金额（元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deduction = models.OneToOneField(
        Deduction, verbose_name="扣减记录", null=True, blank=True, on_delete=models.PROTECT, related_name="finding"
    )
    debarment = models.ForeignKey(
        Debarment, verbose_name="禁入记录", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )

    class Meta:
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_amount__isnull=True) | Q(proposed_amount__gt=0),
                name="finding_amount_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status="rectifying") | Q(deadline__isnull=False), name="finding_rectifying_has_deadline"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_severity_display()}）：{self.description[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:finding", args=[self.pk])

    @property
    def project(self) -> Project:
        return self.inspection.project

    def is_overdue(self, today) -> bool:
        return self.status == FindingStatus.RECTIFYING and self.deadline is not None and self.deadline < today


class Callback(BaseModel):
    """A call-back spot check (回访): N completed trainees of a session or a project drawn at
    random. The seed and the population it was drawn from are kept, so that anyone can draw
    again with random.Random(seed) and get the same people."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="callbacks")
    session = models.ForeignKey(
        TrainingSession,
        verbose_name="培训场次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    organiser = models.ForeignKey(Organisation, verbose_name="回访单位", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="区县", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveIntegerField("抽取人数", validators=[MinValueValidator(1)])
    seed = models.BigIntegerField("随机种子")
    population = models.JSONField("抽样范围（完成记录编号，升序）", default=list)
    drawn = models.JSONField("抽中（完成记录编号，按抽取顺序）", default=list)

    class Meta:
        verbose_name = "回访抽查"
        verbose_name_plural = "回访抽查"
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(size__gte=1), name="callback_size_positive")]

    def __str__(self) -> str:
        where = str(self.session) if self.session_id else self.project.name
        return f"回访抽查 {self.pk}：{where}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:callback", args=[self.pk])


class CallOutcome(models.TextChoices):
    PENDING = "pending", "待回访"
    ATTENDED = "attended", "确认参加"
    ABSENT = "absent", "称未参加"
    UNREACHED = "unreached", "未联系上"


class CallbackEntry(models.Model):
    """One drawn trainee and what the call found."""

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="entries")
    completion = models.ForeignKey(
        "targets.Completion", verbose_name="培训完成记录", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField("抽取顺序")
    outcome = models.CharField("回访结果", max_length=16, choices=CallOutcome.choices, default=CallOutcome.PENDING)
    remembers = models.TextField("本人所述培训内容", blank=True)
    called_at = models.DateTimeField("回访时间", null=True, blank=True)
    caller = models.ForeignKey(
        "accounts.User", verbose_name="回访人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flag = models.ForeignKey(
        "training.Flag", verbose_name="异常线索", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["callback", "position"]
        constraints = [
            models.UniqueConstraint(fields=["callback", "completion"], name="callbackentry_once"),
            models.UniqueConstraint(fields=["callback", "position"], name="callbackentry_position_once"),
        ]

    def __str__(self) -> str:
        return f"回访：{self.person.name}（{self.get_outcome_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("supervision:callback", args=[self.callback_id]) + f"#entry-{self.pk}"

    def revocation_allows(self, completion) -> tuple[bool, str]:
        """A call-back in which the person said they did not attend is the basis for revoking
        the completion it was drawn for (targets.completion_revoke)."""
        if self.outcome != CallOutcome.ABSENT:
            return False, "只有本人称未参加培训的回访记录可以作为撤销依据。"
        if completion.pk != self.completion_id:
            return False, "该回访记录针对的是另一条培训完成记录。"
        return True, ""
