from decimal import Decimal

from django.db import models

from yufang.accounts.models import Organisation
from yufang.core.files import RandomName
from yufang.core.models import BaseModel
from yufang.plans.models import Plan
from yufang.providers.models import IndicatorKind, ServiceAgreement, document_validator
from yufang.reference.models import Industry, Position, Region

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


# --- Implementation plan (实施方案) versions -----------------------------------------------------


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


# --- Progress reports ------------------------------------------------------------------------


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


# --- Evaluation and acceptance (评估验收) --------------------------------------------------------


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


# --- Deductions (扣减项目费用) and payments --------------------------------------------------------


class DeductionSource(models.TextChoices):
    INSPECTION = "inspection", "检查指导发现"
    ACCEPTANCE = "acceptance", "评估验收发现"
    MISMANAGEMENT = "mismanagement", "管理混乱"
    FALSIFICATION = "falsification", "弄虚作假"


class DeductionStatus(models.TextChoices):
    RECORDED = "recorded", "已扣减"
    OBJECTED = "objected", "服务机构有异议"
    UPHELD = "upheld", "异议不成立，维持扣减"
    CANCELLED = "cancelled", "异议成立，撤销扣减"


# Deductions that reduce the balance.
DEDUCTION_COUNTS = (DeductionStatus.RECORDED, DeductionStatus.UPHELD)


class Deduction(BaseModel):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="deductions")
    amount = models.DecimalField("扣减金额（元）", max_digits=14, decimal_places=2)
    source = models.CharField("来源", max_length=16, choices=DeductionSource.choices)
    reason = models.TextField("扣减理由")
    evidence = models.FileField(
        "证据材料", upload_to=RandomName("deductions"), blank=True, validators=[document_validator]
    )
    status = models.CharField("状态", max_length=16, choices=DeductionStatus.choices, default=DeductionStatus.RECORDED)
    objection = models.TextField("服务机构异议", blank=True)
    decision_note = models.TextField("经办机构决定", blank=True)

    class Meta:
        verbose_name = "扣减项目费用"
        verbose_name_plural = "扣减项目费用"
        ordering = ["project", "-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="deduction_amount_positive")]

    def __str__(self) -> str:
        return f"{self.project.name} 扣减 {self.amount} 元"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:deduction_detail", args=[self.pk])


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", "预付款"
    BALANCE = "balance", "尾款"


class PaymentStatus(models.TextChoices):
    REQUESTED = "requested", "已申请"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已审批"
    PAID = "paid", "已支付"
    REFUSED = "refused", "不予支付"


# Payments that hold money against the price (all but the refused).
PAYMENT_HOLDS = (PaymentStatus.REQUESTED, PaymentStatus.REVIEWED, PaymentStatus.APPROVED, PaymentStatus.PAID)


class Payment(BaseModel):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField("类别", max_length=16, choices=PaymentKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    status = models.CharField("状态", max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.REQUESTED)
    basis = models.TextField("计算依据", blank=True)
    voucher_number = models.CharField("支付凭证号", max_length=60, blank=True)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "项目付款"
        verbose_name_plural = "项目付款"
        ordering = ["project", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            # One advance and one balance per project, refused requests aside.
            models.UniqueConstraint(
                fields=["project", "kind"], condition=~models.Q(status="refused"), name="payment_once_per_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="paid") | (~models.Q(voucher_number="") & models.Q(paid_on__isnull=False)),
                name="payment_paid_has_voucher",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.get_kind_display()} {self.amount} 元"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:payment_detail", args=[self.pk])
