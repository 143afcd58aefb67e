"""The project itself and its statuses."""

from decimal import Decimal

from django.db import models

from yufang.accounts.models import Organisation
from yufang.core.models import BaseModel
from yufang.plans.models import Plan
from yufang.providers.models import ServiceAgreement
from yufang.reference.models import Region

ZERO = Decimal("0.00")


class ProjectStatus(models.TextChoices):
    PLAN_PENDING = "plan_pending", "待提交实施方案"
    UNDER_REVIEW = "under_review", "实施方案审核中"
    RETURNED = "returned", "实施方案已退回"
    APPROVED = "approved", "实施方案已批准"
    IN_PROGRESS = "in_progress", "实施中"
    EXTENSION_REQUESTED = "extension_requested", "延期申请中"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "待评估验收"
    ACCEPTED = "accepted", "验收合格"
    FAILED = "failed", "验收不合格"
    SETTLED = "settled", "已结算"
    ARCHIVED = "archived", "已归档"
    TERMINATED = "terminated", "已终止"


# Statuses in which the provider carries out the work: sessions, rosters, reports.
WORKING_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS, ProjectStatus.EXTENSION_REQUESTED)


class Project(BaseModel):
    """A work-injury prevention project: one signed service agreement carried out from the
    provider's implementation plan to acceptance and payment (seed 三(二), 五, 六)."""

    agreement = models.OneToOneField(
        ServiceAgreement, verbose_name="服务协议", on_delete=models.PROTECT, related_name="project"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="projects"
    )
    plan = models.ForeignKey(Plan, verbose_name="年度实施方案", on_delete=models.PROTECT, related_name="projects")
    name = models.CharField("项目名称", max_length=200)
    regions = models.ManyToManyField(
        Region, verbose_name="实施区县", blank=True, help_text="项目工作涉及的区县；这些区县的人社局可查看本项目。"
    )
    status = models.CharField("状态", max_length=24, choices=ProjectStatus.choices, default=ProjectStatus.PLAN_PENDING)
    approved_plan = models.ForeignKey(
        "PlanVersion",
        verbose_name="已批准的实施方案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    original_deadline = models.DateField("原定完成时限")
    deadline = models.DateField("完成时限", help_text="经批准延期后为延期后的时限。")

    class Meta:
        verbose_name = "工伤预防项目"
        verbose_name_plural = "工伤预防项目"
        ordering = ["-plan__year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("original_deadline")), name="project_deadline_not_earlier"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:detail", args=[self.pk])

    @property
    def accepts_work(self) -> bool:
        """Sessions, rosters and progress reports only while the plan is approved and the
        project not yet handed over for acceptance."""
        return self.status in WORKING_STATUSES
