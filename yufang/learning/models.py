"""The online training platform (云享培训): courses and lessons, the year's curriculum per
audience, enrolments, server-credited study time with its evidence, exams and certificates."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from yufang.accounts.models import Organisation
from yufang.core.files import RandomName
from yufang.core.masking import mask_id_number
from yufang.core.models import BaseModel
from yufang.people.models import Person
from yufang.plans.models import Plan
from yufang.reference.models import Industry, Position

# Evidence of how each hour was earned is kept at least this long (online safety-training rules).
EVIDENCE_RETENTION_YEARS = 3


class Course(BaseModel):
    code = models.SlugField("课程编号", max_length=40, unique=True)
    title = models.CharField("课程名称", max_length=200)
    summary = models.TextField("课程简介", blank=True)
    provider = models.ForeignKey(
        Organisation,
        verbose_name="提供机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        limit_choices_to={"kind": "provider"},
        help_text="留空表示经办机构自有课程。",
    )
    industries = models.ManyToManyField(Industry, verbose_name="适用行业", blank=True)
    positions = models.ManyToManyField(Position, verbose_name="适用岗位", blank=True)

    class Meta:
        verbose_name = "线上课程"
        verbose_name_plural = "线上课程"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    @property
    def class_hours(self) -> Decimal:
        return sum((lesson.class_hours for lesson in self.lessons.all()), Decimal("0"))


class LessonKind(models.TextChoices):
    VIDEO = "video", "视频"
    DOCUMENT = "document", "PDF 文档"
    TEXT = "text", "图文"


class Lesson(BaseModel):
    """One unit of a course. `duration_seconds` is the study time the server must credit before
    the lesson counts: a video's length, or the reading time set for a document or a text."""

    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField("顺序", default=1)
    title = models.CharField("课时名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=LessonKind.choices)
    class_hours = models.DecimalField(
        "学时", max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    duration_seconds = models.PositiveIntegerField(
        "学习时长（秒）", validators=[MinValueValidator(1)], help_text="视频的时长，或文档、图文的规定阅读时长。"
    )
    video = models.FileField(
        "视频（mp4）",
        upload_to=RandomName("learning/videos"),
        blank=True,
        validators=[FileExtensionValidator(["mp4"], "视频须为 mp4 格式。")],
    )
    document = models.FileField(
        "文档（PDF）",
        upload_to=RandomName("learning/documents"),
        blank=True,
        validators=[FileExtensionValidator(["pdf"], "文档须为 PDF 格式。")],
    )
    body = models.TextField("正文", blank=True, help_text="图文课时的正文，空行分段。")

    class Meta:
        verbose_name = "课时"
        verbose_name_plural = "课时"
        ordering = ["course", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "order"], name="lesson_unique_order"),
            models.CheckConstraint(condition=Q(class_hours__gt=0), name="lesson_hours_positive"),
            models.CheckConstraint(condition=Q(duration_seconds__gt=0), name="lesson_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.title}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == LessonKind.VIDEO and not self.video:
            raise ValidationError({"video": "视频课时须上传 mp4 文件。"})
        if self.kind == LessonKind.DOCUMENT and not self.document:
            raise ValidationError({"document": "文档课时须上传 PDF 文件。"})
        if self.kind == LessonKind.TEXT and not self.body.strip():
            raise ValidationError({"body": "图文课时须填写正文。"})

    @property
    def required_ms(self) -> int:
        return self.required_ms_for(self.duration_seconds)

    @staticmethod
    def required_ms_for(duration_seconds: int) -> int:
        """Credited time that completes a lesson: its whole length, less one second of slack
        at the end (the last beat may land just before the video's final frame)."""
        return max(1000, duration_seconds * 1000 - 1000)


class CourseKind(models.TextChoices):
    REQUIRED = "required", "必修"
    ELECTIVE = "elective", "选修"


class CurriculumEntry(BaseModel):
    """For one year (plan) and one audience (industry x position; blank = any), a course is
    required or elective. A trainee's curriculum is every entry matching their industry and
    position; required wins where a course matches both ways."""

    plan = models.ForeignKey(Plan, verbose_name="年度方案", on_delete=models.PROTECT, related_name="curriculum")
    industry = models.ForeignKey(
        Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT, help_text="留空表示所有行业。"
    )
    position = models.ForeignKey(
        Position, verbose_name="岗位", null=True, blank=True, on_delete=models.PROTECT, help_text="留空表示所有岗位。"
    )
    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.PROTECT, related_name="curriculum")
    kind = models.CharField("类别", max_length=16, choices=CourseKind.choices)

    class Meta:
        verbose_name = "课程设置"
        verbose_name_plural = "课程设置"
        ordering = ["plan", "kind", "course__code"]
        constraints = [
            # Blank (any) audiences compare equal: coalesced, since SQLite lacks NULLS NOT DISTINCT.
            models.UniqueConstraint(
                models.F("plan"),
                Coalesce("industry", 0),
                Coalesce("position", 0),
                models.F("course"),
                name="curriculum_unique_audience_course",
            )
        ]

    def __str__(self) -> str:
        audience = f"{self.industry or '所有行业'}·{self.position or '所有岗位'}"
        return f"{self.plan.year}年 {audience} {self.get_kind_display()}：{self.course}"


class StudyRule(BaseModel):
    """The year's anti-cheating settings of the player. The completion rule itself (all
    required courses plus the plan's `online_elective_hours`, hours of `class_hour_minutes`)
    lives on the plan."""

    plan = models.OneToOneField(Plan, verbose_name="年度方案", on_delete=models.PROTECT, related_name="study_rule")
    beat_seconds = models.PositiveSmallIntegerField(
        "心跳间隔（秒）", default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    beat_cap_seconds = models.PositiveSmallIntegerField(
        "每次心跳最多计入（秒）", default=20, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    check_min_seconds = models.PositiveIntegerField(
        "随机验证最短间隔（秒）", default=300, validators=[MinValueValidator(1)]
    )
    check_max_seconds = models.PositiveIntegerField(
        "随机验证最长间隔（秒）", default=900, validators=[MinValueValidator(1)]
    )
    daily_cap_hours = models.DecimalField(
        "每日计入学时上限",
        max_digits=4,
        decimal_places=1,
        default=Decimal("8"),
        validators=[MinValueValidator(Decimal("0.1"))],
    )

    class Meta:
        verbose_name = "学习防作弊设置"
        verbose_name_plural = "学习防作弊设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(check_max_seconds__gte=models.F("check_min_seconds")), name="studyrule_check_range"
            ),
            models.CheckConstraint(
                condition=Q(beat_cap_seconds__gte=models.F("beat_seconds")), name="studyrule_cap_covers_beat"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year}年学习设置"


class Channel(models.TextChoices):
    ROSTER = "roster", "名单导入"
    SELF = "self", "个人注册"


class Enrolment(BaseModel):
    """A person studying in one year's online programme. The row also carries the live state of
    the player session that may earn time (one at a time per person) and the day's credited
    total, so a heartbeat reads and writes one locked row."""

    person = models.ForeignKey(Person, verbose_name="学员", on_delete=models.PROTECT, related_name="enrolments")
    plan = models.ForeignKey(Plan, verbose_name="年度方案", on_delete=models.PROTECT, related_name="enrolments")
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="learning_enrolments"
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name="服务机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provided_enrolments",
    )
    channel = models.CharField("报名方式", max_length=16, choices=Channel.choices)
    completed_on = models.DateField("达标日期", null=True, blank=True)
    credited_ms = models.BigIntegerField("累计计入学习时长（毫秒）", default=0)
    # Live player state (written by the heartbeat).
    active_session = models.ForeignKey(
        "LearningSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Epoch milliseconds of the server clock at the last accepted beat (an integer, so the hot
    # path reads and writes it the same way on every database).
    last_beat_ms = models.BigIntegerField(null=True, blank=True)
    last_position_ms = models.BigIntegerField(default=0)
    check_due_ms = models.BigIntegerField(default=0)  # credited_ms at which the next check is asked
    check_pending = models.CharField(max_length=16, blank=True)  # the nonce of the unanswered check
    day = models.DateField(null=True, blank=True)
    day_credited_ms = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "线上学员"
        verbose_name_plural = "线上学员"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "plan"], name="enrolment_once_per_year"),
            models.CheckConstraint(condition=Q(credited_ms__gte=0), name="enrolment_credit_not_negative"),
            models.CheckConstraint(condition=Q(day_credited_ms__gte=0), name="enrolment_day_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.plan.year}年线上培训"


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, verbose_name="课时", on_delete=models.PROTECT, related_name="+")
    credited_ms = models.BigIntegerField("计入时长（毫秒）", default=0)
    furthest_ms = models.BigIntegerField("最远计入位置（毫秒）", default=0)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "课时进度"
        verbose_name_plural = "课时进度"
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lessonprogress_unique"),
            models.CheckConstraint(condition=Q(credited_ms__gte=0), name="lessonprogress_credit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.lesson}"


class SessionEnd(models.TextChoices):
    TAKEN_OVER = "taken_over", "被其他设备或页面接管"
    CLOSED = "closed", "学员离开"


class LearningSession(models.Model):
    """One opening of the player on a device. Starting a new one takes over: only the
    enrolment's active session earns time."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="sessions")
    lesson = models.ForeignKey(Lesson, verbose_name="课时", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nonce = models.CharField(max_length=32)
    device = models.CharField("设备标识", max_length=64, db_index=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    client_ip = models.GenericIPAddressField("地址", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=16, choices=SessionEnd.choices, blank=True)

    class Meta:
        verbose_name = "学习会话"
        verbose_name_plural = "学习会话"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.enrolment.person.name} {self.started_at:%Y-%m-%d %H:%M}"


class Verdict(models.TextChoices):
    # Stored values never change: audits years from now read them.
    CREDITED = "credited", "计入"
    LIMITED_WALL = "limited_wall", "按服务器时间间隔计入"
    LIMITED_POSITION = "limited_position", "按播放进度计入"
    LIMITED_CAP = "limited_cap", "按每次心跳上限计入"
    FIRST = "first", "会话首次心跳，不计时"
    HIDDEN = "hidden", "页面不可见，不计时"
    PAUSED = "paused", "暂停，不计时"
    CHECK = "check", "随机验证未作答，不计时"
    CHECK_ANSWERED = "check_answered", "完成随机验证"
    SEEK = "seek", "拖动超过已学位置，已拒绝"
    TAKEN_OVER = "taken_over", "会话已被其他设备接管，不计时"
    DAILY_CAP = "daily_cap", "已达每日学时上限，不计时"
    NO_ADVANCE = "no_advance", "播放位置未前进，不计时"
    DONE = "done", "课时已完成，不再计时"


class StudyIntervalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("学习时长凭证只能追加，不能修改。")

    def delete(self):
        raise PermissionError("学习时长凭证只能追加，不能删除。")


class StudyInterval(models.Model):
    """Evidence, one row per heartbeat: what the browser claimed, what the server credited
    and why. Append-only (database triggers), kept at least EVIDENCE_RETENTION_YEARS."""

    # Indexes kept to what reads need (an enrolment's evidence by time; a session's): every
    # heartbeat writes a row, and each index is one more write on the hot path.
    session = models.ForeignKey(LearningSession, on_delete=models.PROTECT, related_name="intervals")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="intervals", db_index=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField("服务器时间")
    seq = models.PositiveIntegerField("心跳序号", default=0)
    wall_ms = models.BigIntegerField("距上次心跳（毫秒）")
    from_ms = models.BigIntegerField("起始位置（毫秒）")
    to_ms = models.BigIntegerField("报告位置（毫秒）")
    rate = models.FloatField("播放倍速")
    credited_ms = models.BigIntegerField("计入（毫秒）")
    verdict = models.CharField("判定", max_length=20, choices=Verdict.choices)

    objects = StudyIntervalQuerySet.as_manager()

    class Meta:
        verbose_name = "学习时长凭证"
        verbose_name_plural = "学习时长凭证"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["enrolment", "at"])]
        constraints = [models.CheckConstraint(condition=Q(credited_ms__gte=0), name="interval_credit_not_negative")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_verdict_display()} {self.credited_ms} ms"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("学习时长凭证只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("学习时长凭证只能追加，不能删除。")


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    TRUE_FALSE = "true_false", "判断题"


class Difficulty(models.IntegerChoices):
    EASY = 1, "易"
    MEDIUM = 2, "中"
    HARD = 3, "难"


class Question(BaseModel):
    """One question of the platform's one bank, shared by the course exams and the knowledge
    quiz (which draws by category and difficulty)."""

    category = models.CharField("题目分类", max_length=50, db_index=True)
    kind = models.CharField("题型", max_length=16, choices=QuestionKind.choices)
    difficulty = models.PositiveSmallIntegerField("难度", choices=Difficulty.choices, default=Difficulty.MEDIUM)
    stem = models.TextField("题干")
    options = models.JSONField("选项", default=list, help_text="选项文字，按 A、B、C… 顺序。")
    answer = models.CharField("正确答案", max_length=10, help_text="选项字母，多选题如 ACD。")
    explanation = models.TextField("解析", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = "试题"
        ordering = ["category", "pk"]
        constraints = [models.UniqueConstraint(fields=["category", "stem"], name="question_unique_stem")]

    def __str__(self) -> str:
        return self.stem[:60]


class Exam(BaseModel):
    course = models.OneToOneField(Course, verbose_name="课程", on_delete=models.PROTECT, related_name="exam")
    draw = models.JSONField("抽题规则", default=dict, help_text="题目分类 → 抽取题数。")
    time_limit_minutes = models.PositiveSmallIntegerField("限时（分钟）", default=20, validators=[MinValueValidator(1)])
    max_attempts = models.PositiveSmallIntegerField("可考次数", default=3, validators=[MinValueValidator(1)])
    pass_mark = models.PositiveSmallIntegerField(
        "及格分", default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = "课程考试"
        verbose_name_plural = "课程考试"

    def __str__(self) -> str:
        return f"{self.course.title} 考试"

    @property
    def question_count(self) -> int:
        return sum(int(n) for n in self.draw.values())


class ExamAttempt(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="exam_attempts")
    exam = models.ForeignKey(Exam, verbose_name="考试", on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField("第几次")
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    deadline = models.DateTimeField("截止时间")
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)
    score = models.PositiveSmallIntegerField("得分", null=True, blank=True)
    passed = models.BooleanField("通过", default=False)

    class Meta:
        verbose_name = "考试记录"
        verbose_name_plural = "考试记录"
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "exam", "number"], name="attempt_unique_number")]

    def __str__(self) -> str:
        return f"{self.exam} 第{self.number}次"


class Certificate(models.Model):
    """Issued once when the year's rule is first met. What it says is frozen here, so the
    public verification page shows exactly the certificate and nothing more."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField("验证码", max_length=16, unique=True)
    issued_on = models.DateField("发证日期")
    name = models.CharField("姓名", max_length=50)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18)
    courses = models.JSONField("课程", default=list)  # [{"title", "kind", "hours"}]
    total_hours = models.DecimalField("学时合计", max_digits=6, decimal_places=1)
    issuer = models.CharField("发证单位", max_length=100)
    year = models.PositiveSmallIntegerField("年度")

    class Meta:
        verbose_name = "培训证书"
        verbose_name_plural = "培训证书"
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.year}年线上培训合格证书 {self.code}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "待单位确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已驳回"


class Registration(BaseModel):
    """A worker's self-registration, held until the enterprise it names (or the agency) confirms
    who registered. Until then the new account is bound to no archive and the archive is not
    touched; confirming links (or, for someone not on file, creates) the person and enrols them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="注册账号", on_delete=models.PROTECT, related_name="registration"
    )
    enterprise = models.ForeignKey(
        Organisation, verbose_name="所填单位", on_delete=models.PROTECT, related_name="registrations"
    )
    plan = models.ForeignKey(Plan, verbose_name="年度方案", on_delete=models.PROTECT, related_name="registrations")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18)
    id_hash = models.CharField(max_length=64, db_index=True)
    phone = models.CharField("手机号", max_length=20)
    industry = models.ForeignKey(Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT)
    position = models.ForeignKey(Position, verbose_name="岗位", null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(
        "状态", max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )

    class Meta:
        verbose_name = "个人注册申请"
        verbose_name_plural = "个人注册申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.user.username}）"

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)
