"""Evaluation and acceptance (评估验收): the acceptance, its indicators, score sheets and scores."""

from decimal import Decimal

from django.db import models

from yufang.core.models import BaseModel

from .project import Project


class AcceptanceResult(models.TextChoices):
    PENDING = "", "待评定"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class Acceptance(BaseModel):
    """The panel convened by the programme owner, its scoring sheet and the result."""

    project = models.OneToOneField(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="acceptance")
    convened_on = models.DateField("评估验收日期")
    pass_mark = models.DecimalField("合格分数线", max_digits=5, decimal_places=2, default=Decimal("60.00"))
    members = models.ManyToManyField("accounts.User", verbose_name="评估验收小组成员", related_name="acceptance_panels")
    result = models.CharField("结论", max_length=8, choices=AcceptanceResult.choices, blank=True, default="")
    average_score = models.DecimalField("平均得分", max_digits=6, decimal_places=2, null=True, blank=True)
    conclusion = models.TextField("验收意见", blank=True)
    decided_on = models.DateField("结论日期", null=True, blank=True)
    report_number = models.CharField("验收报告编号", max_length=60, blank=True)

    class Meta:
        verbose_name = "评估验收"
        verbose_name_plural = "评估验收"
        ordering = ["-convened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gt=0) & models.Q(pass_mark__lte=100), name="acceptance_pass_mark"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} 评估验收"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:acceptance_detail", args=[self.pk])


class AcceptanceIndicator(models.Model):
    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("评分指标", max_length=100)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    max_score = models.DecimalField("满分", max_digits=5, decimal_places=2, default=Decimal("100.00"))

    class Meta:
        verbose_name = "评分指标"
        verbose_name_plural = "评分指标"
        ordering = ["acceptance", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0) & models.Q(weight__lte=100) & models.Q(max_score__gt=0),
                name="acceptanceindicator_weight_ok",
            ),
            models.UniqueConstraint(fields=["acceptance", "name"], name="acceptanceindicator_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}%）"


class ScoreSheet(models.Model):
    """One member's scores: once each (unique in the database)."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="sheets")
    member = models.ForeignKey("accounts.User", verbose_name="评分人", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("加权得分", max_digits=6, decimal_places=2)
    remarks = models.TextField("评分意见", blank=True)
    submitted_at = models.DateTimeField("评分时间", auto_now_add=True)

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        ordering = ["acceptance", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "member"], name="scoresheet_once_per_member"),
            models.CheckConstraint(
                condition=models.Q(total__gte=0) & models.Q(total__lte=100), name="scoresheet_total_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.total}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(AcceptanceIndicator, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField("得分", max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "indicator"], name="score_once_per_indicator"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{self.value}"
