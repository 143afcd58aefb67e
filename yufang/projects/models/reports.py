"""Progress reports, their figures, extensions (申请延期) and the completion report (项目实施情况报告)."""

from django.db import models

from yufang.core.files import RandomName
from yufang.core.models import BaseModel
from yufang.providers.models import IndicatorKind, document_validator
from yufang.reference.models import Industry, Position

from .plan import indicator_label
from .project import Project


class ReportStatus(models.TextChoices):
    DUE = "due", "待提交"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已接收"


class ProgressReport(BaseModel):
    """One period of the report schedule generated from the approved plan (monthly by default)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="reports")
    sequence = models.PositiveSmallIntegerField("期次")
    period_start = models.DateField("报告期起")
    period_end = models.DateField("报告期止")
    due_date = models.DateField("应报日期")
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DUE)
    narrative = models.TextField("进展情况", blank=True)
    attachment = models.FileField(
        "附件", upload_to=RandomName("progress_reports"), blank=True, validators=[document_validator]
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "进度报告"
        verbose_name_plural = "进度报告"
        ordering = ["project", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sequence"], name="progressreport_unique_sequence"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start"))
                & models.Q(due_date__gte=models.F("period_end")),
                name="progressreport_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} 第{self.sequence}期进度报告"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:report_detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        return self.status in (ReportStatus.DUE, ReportStatus.RETURNED) and self.due_date < today


class Figure(models.Model):
    """An achieved quantity against a planned one, in a progress report or the completion report.
    `platform_count` is what the platform's own records show (None where it keeps none)."""

    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="figures")
    completion = models.ForeignKey(
        "CompletionReport", null=True, blank=True, on_delete=models.CASCADE, related_name="figures"
    )
    kind = models.CharField("指标", max_length=24, choices=IndicatorKind.choices)
    description = models.CharField("说明", max_length=200, blank=True)
    industry = models.ForeignKey(Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT)
    position = models.ForeignKey(Position, verbose_name="岗位", null=True, blank=True, on_delete=models.PROTECT)
    planned = models.PositiveIntegerField("计划数")
    platform_count = models.PositiveIntegerField("平台记录数", null=True, blank=True)
    achieved = models.PositiveIntegerField("完成数", default=0)

    class Meta:
        verbose_name = "完成数量"
        verbose_name_plural = "完成数量"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False, completion__isnull=True)
                | models.Q(report__isnull=True, completion__isnull=False),
                name="figure_one_parent",
            ),
            models.CheckConstraint(
                condition=models.Q(platform_count__isnull=True) | models.Q(achieved__lte=models.F("platform_count")),
                name="figure_not_above_platform",
            ),
        ]

    def __str__(self) -> str:
        return f"{indicator_label(self)}：{self.achieved}/{self.planned}"

    @property
    def label(self) -> str:
        return indicator_label(self)


# --- Extension (申请延期) ------------------------------------------------------------------------


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已同意"
    REFUSED = "refused", "未同意"


class Extension(BaseModel):
    """经申请确认，可适当延长: both dates kept. Decided inside the project's transitions."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="extensions")
    reason = models.TextField("延期理由")
    old_deadline = models.DateField("原完成时限")
    new_deadline = models.DateField("申请延期至")
    status = models.CharField("状态", max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decision_note = models.TextField("审核意见", blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_deadline__gt=models.F("old_deadline")), name="extension_later_date"
            ),
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(status="pending"), name="extension_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} 延期申请（{self.old_deadline:%Y-%m-%d} → {self.new_deadline:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:extension_detail", args=[self.pk])


# --- Completion report (项目实施情况报告) -----------------------------------------------------------


class CompletionReport(BaseModel):
    """The five parts the seed names (五): goals, agreement signing, performance, payments, effect.
    Quantities come from the platform's records and cannot be claimed above them."""

    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="completion_report"
    )
    goals = models.TextField("一、项目目标完成情况", blank=True)
    signing = models.TextField("二、协议签订情况", blank=True)
    performance = models.TextField("三、履约情况", blank=True)
    payments = models.TextField("四、资金支付与使用情况", blank=True)
    effect = models.TextField("五、项目成效", blank=True)
    evidence = models.FileField(
        "佐证材料", upload_to=RandomName("completion_reports"), blank=True, validators=[document_validator]
    )
    archives = models.FileField(
        "培训档案", upload_to=RandomName("completion_reports"), blank=True, validators=[document_validator]
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "项目实施情况报告"
        verbose_name_plural = "项目实施情况报告"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.project.name} 项目实施情况报告"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:completion_detail", args=[self.pk])

    PARTS = ("goals", "signing", "performance", "payments", "effect")

    @property
    def missing_parts(self) -> list[str]:
        return [str(self._meta.get_field(p).verbose_name) for p in self.PARTS if not getattr(self, p).strip()]
