"""Deductions (扣减项目费用) and payments."""

from django.db import models

from yufang.core.files import RandomName
from yufang.core.models import BaseModel
from yufang.providers.models import document_validator

from .project import Project


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
