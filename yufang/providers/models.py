"""Service providers (工伤预防服务机构): their profile and qualifications, procurement records,
the three-year debarment register (三年内不得从事), and service agreements (服务协议) with
their indicators, project team and amendments."""

import datetime
from decimal import Decimal

from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from yufang.accounts.models import Organisation, phone_validator
from yufang.core.files import RandomName
from yufang.core.models import BaseModel
from yufang.plans.models import BudgetItem, yuan
from yufang.reference.models import Industry, Position

ZERO = Decimal("0.00")

document_validator = FileExtensionValidator(["pdf", "jpg", "jpeg"], "文件须为 PDF 或 JPG 格式。")


def provider_choices() -> Q:
    return Q(kind="provider")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- Profile ---------------------------------------------------------------------------------


class ProviderKind(models.TextChoices):
    PUBLICITY = "publicity", "宣传机构"
    TRAINING = "training", "培训机构"
    BOTH = "both", "宣传与培训"


class VerificationStatus(models.TextChoices):
    PENDING = "pending", "待核验"
    VERIFIED = "verified", "已核验"
    RETURNED = "returned", "已退回"


class ProviderProfile(BaseModel):
    """What the programme needs to know of a provider beyond its organisation record. The
    provider keeps it; the agency verifies it."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name="服务机构",
        on_delete=models.PROTECT,
        related_name="provider_profile",
        limit_choices_to=provider_choices,
    )
    kind = models.CharField("机构类别", max_length=16, choices=ProviderKind.choices)
    legal_representative = models.CharField("法定代表人", max_length=50)
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account_name = models.CharField("账户名称", max_length=100, blank=True)
    bank_account = models.CharField("银行账号", max_length=40, blank=True)
    contacts = models.TextField("其他联系人", blank=True, help_text="每行一人：姓名、职务、电话。")
    introduction = models.TextField("机构简介", blank=True)
    status = models.CharField(
        "核验状态", max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    return_reason = models.TextField("退回原因", blank=True)

    class Meta:
        verbose_name = "服务机构资料"
        verbose_name_plural = "服务机构资料"
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    def get_absolute_url(self) -> str:
        return reverse("providers:provider_detail", args=[self.pk])

    @property
    def does_training(self) -> bool:
        return self.kind in (ProviderKind.TRAINING, ProviderKind.BOTH)


# --- Qualifications --------------------------------------------------------------------------


class QualificationKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", "营业执照"
    TRAINING = "training", "培训资质"
    HAZCHEM = "hazchem", "危险化学品培训机构条件（鲁人社字〔2022〕14号）"


class Qualification(BaseModel):
    provider = models.ForeignKey(
        Organisation,
        verbose_name="服务机构",
        on_delete=models.PROTECT,
        related_name="qualifications",
        limit_choices_to=provider_choices,
    )
    kind = models.CharField("资质类别", max_length=24, choices=QualificationKind.choices)
    number = models.CharField("证书编号", max_length=100, blank=True)
    issuer = models.CharField("发证机关", max_length=100, blank=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True, help_text="长期有效的留空。")
    document = models.FileField("证明文件", upload_to=RandomName("qualifications"), validators=[document_validator])
    remarks = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "资质"
        verbose_name_plural = "资质"
        ordering = ["provider__name", "kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="qualification_valid_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("providers:qualification_detail", args=[self.pk])

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


# --- Procurement -----------------------------------------------------------------------------


class ProcurementMethod(models.TextChoices):
    SINGLE_SOURCE = "single_source", "单一来源"
    COMPETITIVE_CONSULTATION = "competitive_consultation", "竞争性磋商"
    OPEN_TENDER = "open_tender", "公开招标"
    OTHER = "other", "其他"


class ProcurementRule(BaseModel):
    """At or above an amount, a procurement must use one of the named methods. Kept by the
    programme owner, because the thresholds change with provincial and municipal rules."""

    name = models.CharField("规则名称", max_length=100)
    min_amount = models.DecimalField(
        "适用金额下限（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    methods = models.CharField("须采用的采购方式", max_length=200, help_text="以逗号分隔的方式代码。")
    legal_basis = models.TextField("依据")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "采购规则"
        verbose_name_plural = "采购规则"
        ordering = ["-min_amount"]
        constraints = [models.CheckConstraint(condition=Q(min_amount__gte=0), name="procurementrule_amount_ok")]

    def __str__(self) -> str:
        return self.name

    @property
    def method_list(self) -> list[str]:
        return [m.strip() for m in self.methods.split(",") if m.strip()]

    @property
    def method_labels(self) -> str:
        return "、".join(str(ProcurementMethod(m).label) for m in self.method_list if m in ProcurementMethod.values)

    def quote(self) -> str:
        return f"「{self.name}」：金额达到 {yuan(self.min_amount)} 的，须采用{self.method_labels}（依据：{self.legal_basis}）"


class Procurement(BaseModel):
    item = models.ForeignKey(BudgetItem, verbose_name="预算项目", on_delete=models.PROTECT, related_name="procurements")
    method = models.CharField("采购方式", max_length=32, choices=ProcurementMethod.choices)
    amount = models.DecimalField(
        "成交金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    started_on = models.DateField("采购启动日期")
    decided_on = models.DateField("确定供应商日期")
    candidates = models.ManyToManyField(
        Organisation,
        verbose_name="参与机构",
        related_name="procurement_candidacies",
        limit_choices_to=provider_choices,
        blank=True,
    )
    chosen = models.ForeignKey(
        Organisation,
        verbose_name="成交机构",
        on_delete=models.PROTECT,
        related_name="procurements_won",
        limit_choices_to=provider_choices,
    )
    legal_ground = models.TextField("单一来源采购理由及依据", blank=True)
    document = models.FileField(
        "采购文件", upload_to=RandomName("procurements"), blank=True, validators=[document_validator]
    )
    remarks = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "采购记录"
        verbose_name_plural = "采购记录"
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="procurement_amount_positive"),
            models.CheckConstraint(condition=Q(decided_on__gte=F("started_on")), name="procurement_dates_ordered"),
            models.CheckConstraint(
                condition=~Q(method="single_source") | ~Q(legal_ground=""), name="procurement_single_source_ground"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} · {self.get_method_display()} · {self.chosen.name}"

    def get_absolute_url(self) -> str:
        return reverse("providers:procurement_detail", args=[self.pk])


# --- Debarment -------------------------------------------------------------------------------


class DebarmentGround(models.TextChoices):
    FAILED_ACCEPTANCE = "failed_acceptance", "评估验收不合格"
    BREACH_OF_LAW = "breach_of_law", "违反法律法规"
    BREACH_OF_AGREEMENT = "breach_of_agreement", "违反服务协议"


class DebarmentStatus(models.TextChoices):
    IN_FORCE = "in_force", "生效中"
    LIFTED = "lifted", "已解除"


DEBARMENT_YEARS = 3
# Shown (and filtered) beside the stored statuses: an entry in force whose end date has passed.
DEBARMENT_ENDED = "ended"
DEBARMENT_STATE_LABELS = {**dict(DebarmentStatus.choices), DEBARMENT_ENDED: "已期满"}


class Debarment(BaseModel):
    """三年内不得从事本市工伤预防项目: programme-wide, visible to every official."""

    provider = models.ForeignKey(
        Organisation,
        verbose_name="服务机构",
        on_delete=models.PROTECT,
        related_name="debarments",
        limit_choices_to=provider_choices,
    )
    ground = models.CharField("事由", max_length=24, choices=DebarmentGround.choices)
    facts = models.TextField("事实与理由", blank=True)
    decision_number = models.CharField("决定文号", max_length=100)
    decided_by = models.CharField("决定机关", max_length=100)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("截止日期", help_text="默认为起始日期后三年。")
    status = models.CharField("状态", max_length=16, choices=DebarmentStatus.choices, default=DebarmentStatus.IN_FORCE)
    lifted_on = models.DateField("解除日期", null=True, blank=True)
    lift_reason = models.TextField("解除理由", blank=True)
    source_repr = models.CharField("来源记录", max_length=300, blank=True)

    class Meta:
        verbose_name = "禁入记录"
        verbose_name_plural = "禁入记录"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="debarment_dates_ordered"),
            models.CheckConstraint(
                condition=Q(status="in_force", lifted_on__isnull=True) | Q(status="lifted", lifted_on__isnull=False),
                name="debarment_lifted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.name}（{self.decision_number}）"

    def get_absolute_url(self) -> str:
        return reverse("providers:debarment_detail", args=[self.pk])

    def quote(self) -> str:
        text = (
            f"{self.provider.name}因「{self.get_ground_display()}」被列入禁入名单（{self.decided_by} {self.decision_number}，"
            f"{self.start_date:%Y-%m-%d} 至 {self.end_date:%Y-%m-%d}），期间不得承担本市工伤预防项目。"
        )
        if self.is_ended:
            text += f"禁入期已于 {self.end_date:%Y-%m-%d} 届满，不再限制。"
        return text

    @property
    def is_ended(self) -> bool:
        """In force by its decision but past its end date: no longer blocks, kept in the history."""
        return self.status == DebarmentStatus.IN_FORCE and self.end_date <= timezone.localdate()

    @property
    def state(self) -> str:
        return DEBARMENT_ENDED if self.is_ended else self.status

    @property
    def state_label(self) -> str:
        return DEBARMENT_STATE_LABELS[self.state]


# --- Service agreement -----------------------------------------------------------------------


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SENT = "sent", "已发送服务机构"
    CONFIRMED = "confirmed", "服务机构已确认"
    SIGNED = "signed", "已签订"
    IN_FORCE = "in_force", "履行中"
    COMPLETED = "completed", "已完成"
    TERMINATED = "terminated", "已终止"


FROZEN_STATUSES = (
    AgreementStatus.SIGNED,
    AgreementStatus.IN_FORCE,
    AgreementStatus.COMPLETED,
    AgreementStatus.TERMINATED,
)


class ServiceAgreement(BaseModel):
    """服务协议, its clauses following the ministry's model agreement. Signed, it is frozen:
    changes only through AgreementAmendment."""

    number = models.CharField("协议编号", max_length=40, unique=True)
    title = models.CharField("协议名称", max_length=200)
    item = models.ForeignKey(BudgetItem, verbose_name="预算项目", on_delete=models.PROTECT, related_name="agreements")
    agency = models.ForeignKey(
        Organisation,
        verbose_name="甲方（委托方）",
        on_delete=models.PROTECT,
        related_name="agreements_as_agency",
        limit_choices_to=Q(kind="agency"),
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name="乙方（服务机构）",
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to=provider_choices,
    )
    procurement = models.ForeignKey(
        Procurement,
        verbose_name="采购记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    content = models.TextField("服务内容")
    period_start = models.DateField("服务期限起")
    period_end = models.DateField("服务期限止")
    price = models.DecimalField(
        "协议金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    advance_percent = models.DecimalField(
        "预付比例（%）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("30.00"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    payment_terms = models.TextField("付款方式")
    rights_obligations = models.TextField("双方权利义务")
    reporting_duties = models.TextField("报告与档案管理")
    liability = models.TextField("违约责任")
    dispute_resolution = models.TextField("争议解决")
    termination_conditions = models.TextField("协议终止条件")
    status = models.CharField("状态", max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    committed = models.DecimalField("已承诺预算（元）", max_digits=14, decimal_places=2, default=ZERO, editable=False)
    paid = models.DecimalField("已支付（元）", max_digits=14, decimal_places=2, default=ZERO, editable=False)
    termination_reason = models.TextField("终止原因", blank=True)

    class Meta:
        verbose_name = "服务协议"
        verbose_name_plural = "服务协议"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="agreement_price_positive"),
            models.CheckConstraint(
                condition=Q(advance_percent__gte=0) & Q(advance_percent__lte=100), name="agreement_advance_percent"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="agreement_period_ordered"),
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(paid__gte=0) & Q(paid__lte=F("committed")),
                name="agreement_committed_paid_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("providers:agreement_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def advance_amount(self) -> Decimal:
        return (self.price * self.advance_percent / Decimal("100")).quantize(Decimal("0.01"))


class IndicatorKind(models.TextChoices):
    SESSIONS = "sessions", "培训场次"
    PEOPLE_TRAINED = "people_trained", "培训人数"
    ENTERPRISES = "enterprises", "覆盖企业数"
    MATERIALS = "materials", "宣传资料（份）"
    VIDEOS = "videos", "宣传短视频（部）"
    BROADCASTS = "broadcasts", "播出/推送次数"
    EVENTS = "events", "宣传活动（场）"
    OTHER = "other", "其他"


class AgreementIndicator(models.Model):
    """A quantity the provider undertakes; reports and acceptance compare against `planned`."""

    agreement = models.ForeignKey(ServiceAgreement, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField("指标", max_length=24, choices=IndicatorKind.choices)
    description = models.CharField("说明", max_length=200, blank=True)
    industry = models.ForeignKey(Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT)
    position = models.ForeignKey(Position, verbose_name="岗位", null=True, blank=True, on_delete=models.PROTECT)
    planned = models.PositiveIntegerField("计划数")

    class Meta:
        verbose_name = "服务指标"
        verbose_name_plural = "服务指标"
        ordering = ["agreement", "pk"]
        constraints = [models.CheckConstraint(condition=Q(planned__gt=0), name="indicator_planned_positive")]

    def __str__(self) -> str:
        parts = [self.get_kind_display()]
        if self.industry_id:
            parts.append(self.industry.name)
        if self.position_id:
            parts.append(self.position.name)
        return " · ".join(parts) + f"：{self.planned}"


class AgreementAmendment(models.Model):
    """The only way a signed agreement changes: a recorded amendment, numbered per agreement."""

    agreement = models.ForeignKey(ServiceAgreement, on_delete=models.PROTECT, related_name="amendments")
    sequence = models.PositiveSmallIntegerField("序号")
    reason = models.TextField("变更原因")
    changes = models.JSONField("变更内容", default=dict)
    old_price = models.DecimalField("原金额（元）", max_digits=14, decimal_places=2)
    new_price = models.DecimalField("新金额（元）", max_digits=14, decimal_places=2)
    created_at = models.DateTimeField("变更时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="经办人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "协议变更"
        verbose_name_plural = "协议变更"
        ordering = ["agreement", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="amendment_unique_sequence"),
            models.CheckConstraint(condition=Q(new_price__gt=0), name="amendment_new_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} 第{self.sequence}次变更"


class TeamMember(models.Model):
    agreement = models.ForeignKey(ServiceAgreement, on_delete=models.CASCADE, related_name="team")
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("项目职务", max_length=50)
    phone = models.CharField("手机号", max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField("在组", default=True)
    joined_on = models.DateField("加入日期", null=True, blank=True)
    left_on = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        verbose_name = "项目组成员"
        verbose_name_plural = "项目组成员"
        ordering = ["agreement", "-is_active", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.role}）"


class TeamChangeStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "未同意"


class TeamChangeRequest(BaseModel):
    """原则上不更换项目组成人员: after signing, a change is a request the agency decides."""

    agreement = models.ForeignKey(ServiceAgreement, on_delete=models.CASCADE, related_name="team_changes")
    reason = models.TextField("变更理由")
    remove = models.ForeignKey(
        TeamMember, verbose_name="调出成员", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    add_name = models.CharField("调入成员姓名", max_length=50, blank=True)
    add_role = models.CharField("调入成员职务", max_length=50, blank=True)
    phone = models.CharField("调入成员手机号", max_length=20, blank=True, validators=[phone_validator])
    status = models.CharField("状态", max_length=16, choices=TeamChangeStatus.choices, default=TeamChangeStatus.PENDING)
    decision_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "项目组成员变更申请"
        verbose_name_plural = "项目组成员变更申请"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(remove__isnull=False) | ~Q(add_name=""), name="teamchange_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} 项目组成员变更申请"
