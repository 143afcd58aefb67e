from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from yufang.core.files import RandomName
from yufang.core.models import BaseModel
from yufang.reference.models import City

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def money(name: str, **kwargs) -> models.DecimalField:
    """Yuan with two places; never negative."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(name, max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs)


def yuan(value: Decimal) -> str:
    return f"{value:,.2f} 元"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"
    CLOSED = "closed", "已结束"


class Plan(BaseModel):
    """The annual work-injury prevention implementation plan of a city (年度工伤预防实施方案)."""

    city = models.ForeignKey(City, verbose_name="城市", on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2015)])
    title = models.CharField("方案名称", max_length=200)
    doc_number = models.CharField("文号", max_length=100, blank=True, help_text="例如：淄人社字〔2023〕65号")
    issuing_departments = models.CharField("印发部门", max_length=300, blank=True, help_text="多个部门以顿号分隔")
    issue_date = models.DateField("印发日期", null=True, blank=True)
    document = models.FileField(
        "正式文件（PDF）",
        upload_to=RandomName("plans"),
        blank=True,
        validators=[FileExtensionValidator(["pdf"], "正式文件须为 PDF 格式。")],
    )
    status = models.CharField("状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)

    fund_amount = money("工伤预防费提取额度（元）")
    premium_income = money(
        "上年度工伤保险基金征缴收入（元）", help_text="用于计算提取比例上限（人社部规〔2017〕13号第五条）。"
    )
    benefits_secured = models.BooleanField("已确认在保证待遇支付和储备金留存的前提下提取", default=False)
    base_cap_percent = models.DecimalField(
        "提取比例上限（%）", max_digits=5, decimal_places=2, default=Decimal("3.00"), help_text="原则上不超过 3%。"
    )
    max_cap_percent = models.DecimalField(
        "经省级批准的最高比例（%）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        help_text="山东省实施办法：经省人社厅、财政厅同意可适当提高，最高不超过 5%。",
    )
    approval_doc_number = models.CharField("省级批准文号", max_length=100, blank=True)
    # Counting settings of the year, shown in every target's counting rule.
    class_hour_minutes = models.PositiveSmallIntegerField("每学时分钟数", default=45)
    online_elective_hours = models.DecimalField(
        "线上选修学时下限",
        max_digits=4,
        decimal_places=1,
        default=Decimal("2"),
        help_text="必修课程之外每人至少完成的选修学时。",
    )
    offline_attendance_percent = models.PositiveSmallIntegerField(
        "线下完成的在场比例（%）", default=90, help_text="签到签退时长不少于场次时长的该比例，视为完成。"
    )
    approval_date = models.DateField("省级批准日期", null=True, blank=True)

    class Meta:
        verbose_name = "年度实施方案"
        verbose_name_plural = "年度实施方案"
        ordering = ["-year", "city"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="plan_one_per_city_year"),
            models.CheckConstraint(condition=Q(fund_amount__gte=0), name="plan_fund_not_negative"),
            models.CheckConstraint(condition=Q(premium_income__gte=0), name="plan_income_not_negative"),
            models.CheckConstraint(
                condition=Q(base_cap_percent__gt=0) & Q(max_cap_percent__gte=F("base_cap_percent")),
                name="plan_caps_ordered",
            ),
            # Never above the highest ceiling; above the base one only with a recorded provincial
            # approval. Multiplied out rather than divided: SQLite would divide integers.
            models.CheckConstraint(
                condition=LessThanOrEqual(F("fund_amount") * 100, F("premium_income") * F("max_cap_percent")),
                name="plan_fund_within_max_cap",
            ),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(F("fund_amount") * 100, F("premium_income") * F("base_cap_percent")))
                | (~Q(approval_doc_number="") & Q(approval_date__isnull=False)),
                name="plan_fund_above_base_cap_needs_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度{self.city.name}工伤预防实施方案" if not self.title else self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("plans:detail", args=[self.pk])

    @property
    def base_ceiling(self) -> Decimal:
        return (self.premium_income * self.base_cap_percent / HUNDRED).quantize(Decimal("0.01"))

    @property
    def max_ceiling(self) -> Decimal:
        return (self.premium_income * self.max_cap_percent / HUNDRED).quantize(Decimal("0.01"))

    @property
    def fund_percent(self) -> Decimal | None:
        if not self.premium_income:
            return None
        return (self.fund_amount * HUNDRED / self.premium_income).quantize(Decimal("0.01"))

    def clean(self) -> None:
        """The fund ceiling (人社部规〔2017〕13号 Art. 5; the Shandong measures cap it at 5%)."""
        errors: dict[str, str] = {}
        if self.fund_amount and not self.premium_income:
            errors["premium_income"] = "请填写上年度工伤保险基金征缴收入，用于核定提取上限。"
        elif self.premium_income and self.fund_amount is not None:
            if self.fund_amount > self.max_ceiling:
                errors["fund_amount"] = (
                    f"提取额度 {yuan(self.fund_amount)}（占征缴收入 {self.fund_percent}%）超过最高上限 "
                    f"{self.max_cap_percent}%（{yuan(self.max_ceiling)}），不得提取。"
                )
            elif self.fund_amount > self.base_ceiling and not (self.approval_doc_number and self.approval_date):
                errors["approval_doc_number"] = (
                    f"提取额度 {yuan(self.fund_amount)}（占征缴收入 {self.fund_percent}%）超过 "
                    f"{self.base_cap_percent}%（{yuan(self.base_ceiling)}）：须经省人社厅、财政厅同意，"
                    f"请填写批准文号和日期；最高不得超过 {self.max_cap_percent}%（{yuan(self.max_ceiling)}）。"
                )
        if errors:
            raise ValidationError(errors)


class BudgetCategory(models.TextChoices):
    # The only lawful uses of the fee (人社部规〔2017〕13号 Art. 4).
    PUBLICITY = "publicity", "工伤预防宣传"
    TRAINING = "training", "工伤预防培训"


class ImplementerKind(models.TextChoices):
    PUBLICITY = "publicity", "工伤预防服务宣传机构"
    TRAINING = "training", "工伤预防服务培训机构"


class BudgetLine(BaseModel):
    plan = models.ForeignKey(Plan, verbose_name="实施方案", on_delete=models.CASCADE, related_name="lines")
    category = models.CharField("项目名称", max_length=16, choices=BudgetCategory.choices)
    amount = money("预算（元）")
    committed = money("已承诺（元）", editable=False)
    paid = money("已支付（元）", editable=False)

    class Meta:
        verbose_name = "预算科目"
        verbose_name_plural = "预算科目"
        ordering = ["plan", "category"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="budgetline_one_per_category"),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(paid__gte=0)
                & Q(paid__lte=F("committed"))
                & Q(committed__lte=F("amount")),
                name="budgetline_paid_committed_amount_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year}年 {self.get_category_display()}"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed


class BudgetItem(BaseModel):
    line = models.ForeignKey(BudgetLine, verbose_name="预算科目", on_delete=models.CASCADE, related_name="items")
    name = models.CharField("项目内容", max_length=100)
    description = models.TextField("项目说明", blank=True)
    implementer_kind = models.CharField("组织实施单位", max_length=16, choices=ImplementerKind.choices)
    amount = money("预算（元）")
    committed = money("已承诺（元）", editable=False)
    paid = money("已支付（元）", editable=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    remarks = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "预算项目"
        verbose_name_plural = "预算项目"
        ordering = ["line", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["line", "name"], name="budgetitem_unique_name"),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(paid__gte=0)
                & Q(paid__lte=F("committed"))
                & Q(committed__lte=F("amount")),
                name="budgetitem_paid_committed_amount_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed


class BudgetEntryKind(models.TextChoices):
    COMMIT = "commit", "承诺（协议签订）"
    RELEASE = "release", "释放（协议终止或变更）"
    PAY = "pay", "支付"


class BudgetEntry(models.Model):
    """The ledger behind committed and paid: every movement, with the record that caused it."""

    item = models.ForeignKey(BudgetItem, verbose_name="预算项目", on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("类型", max_length=16, choices=BudgetEntryKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64)
    source_repr = models.CharField("来源", max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    occurred_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "预算执行记录"
        verbose_name_plural = "预算执行记录"
        ordering = ["-occurred_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budgetentry_amount_positive")]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} 元"
