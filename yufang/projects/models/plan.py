"""Implementation plan (实施方案) versions: the version, its cost items and planned indicators."""

from django.db import models

from yufang.core.models import BaseModel
from yufang.providers.models import IndicatorKind
from yufang.reference.models import Industry, Position

from .project import ZERO, Project


class OrganisationMode(models.TextChoices):
    ONLINE = "online", "线上"
    OFFLINE = "offline", "线下"
    BOTH = "both", "线上线下结合"


class PlanVersionState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已批准（冻结）"
    SUPERSEDED = "superseded", "已被新版本替代"


class PlanVersion(BaseModel):
    """One version of a provider's implementation plan. Every version is kept; a submitted one is
    frozen, and the approved one stays visible beside any later change request. Its state moves
    only inside the project's transitions (submit_plan, approve_plan, ...)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveSmallIntegerField("版本号")
    title = models.CharField("项目名称", max_length=200)
    goals = models.TextField("项目目标")
    mode = models.CharField("组织方式", max_length=16, choices=OrganisationMode.choices)
    sessions = models.PositiveIntegerField("计划场次", default=0)
    headcount = models.PositiveIntegerField("计划人数", default=0)
    start_date = models.DateField("开始日期")
    completion_date = models.DateField("完成时限")
    schedule = models.TextField("进度安排")
    team = models.TextField("项目组分工", help_text="项目组成员以服务协议为准，原则上不更换；此处写明分工。")
    report_interval_months = models.PositiveSmallIntegerField(
        "进度报告周期（月）", default=1, help_text="默认每月报告一次。"
    )
    change_reason = models.TextField("变更理由", blank=True, help_text="批准后再提交的版本为变更申请，须写明理由。")
    state = models.CharField("状态", max_length=16, choices=PlanVersionState.choices, default=PlanVersionState.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "实施方案版本"
        verbose_name_plural = "实施方案版本"
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="planversion_unique_number"),
            models.CheckConstraint(
                condition=models.Q(completion_date__gte=models.F("start_date")), name="planversion_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(report_interval_months__gte=1) & models.Q(report_interval_months__lte=6),
                name="planversion_report_interval",
            ),
            # One approved version per project: the frozen one.
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(state="approved"), name="planversion_one_approved"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} 实施方案第{self.number}版"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:plan_version", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state == PlanVersionState.DRAFT

    @property
    def budget_total(self):
        return sum((c.amount for c in self.cost_items.all()), ZERO)


class CostCategory(models.TextChoices):
    """What the prevention fee may pay for (人社部规〔2017〕13号 第四条: publicity and training only)."""

    PUBLICITY_MATERIALS = "publicity_materials", "宣传资料及宣传品制作"
    MEDIA = "media", "媒体宣传与推送"
    PUBLICITY_EVENTS = "publicity_events", "宣传活动组织"
    TEACHING = "teaching", "培训授课"
    TRAINING_MATERIALS = "training_materials", "培训教材与资料"
    ONLINE_COURSES = "online_courses", "线上课程制作与平台服务"
    ASSESSMENT = "assessment", "培训考核与证书"


# Words naming costs the fee may not pay (staff, office, buildings, vehicles, equipment, bonuses, rent).
FORBIDDEN_COST_WORDS = {
    "工资": "人员工资",
    "薪酬": "人员工资",
    "薪金": "人员工资",
    "人员经费": "人员工资",
    "奖金": "奖金",
    "绩效": "奖金",
    "办公": "办公经费",
    "房屋": "房屋建筑",
    "建筑物": "房屋建筑",
    "装修": "房屋建筑",
    "基建": "房屋建筑",
    "车辆": "车辆",
    "购车": "车辆",
    "汽车": "车辆",
    "设备": "设备购置",
    "电脑": "设备购置",
    "租金": "租金",
    "房租": "租金",
}


class PlanCostItem(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="cost_items")
    category = models.CharField("支出类别", max_length=24, choices=CostCategory.choices)
    name = models.CharField("支出内容", max_length=100)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "预算支出项"
        verbose_name_plural = "预算支出项"
        ordering = ["version", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="plancostitem_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.name}：{self.amount} 元"


class PlanIndicator(models.Model):
    """A planned quantity of the version, taken from the agreement's indicators (never below them)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField("指标", max_length=24, choices=IndicatorKind.choices)
    description = models.CharField("说明", max_length=200, blank=True)
    industry = models.ForeignKey(Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT)
    position = models.ForeignKey(Position, verbose_name="岗位", null=True, blank=True, on_delete=models.PROTECT)
    planned = models.PositiveIntegerField("计划数")

    class Meta:
        verbose_name = "实施方案指标"
        verbose_name_plural = "实施方案指标"
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return indicator_label(self)


def indicator_label(row) -> str:
    parts = [row.get_kind_display()]
    if row.industry_id:
        parts.append(row.industry.name)
    if row.position_id:
        parts.append(row.position.name)
    if row.description:
        parts.append(row.description)
    return " · ".join(parts)
