"""The enterprise register (企业名录), yearly work-injury statistics, and the key enterprises the
agency chooses from them (重点企业: seed 一、三(二): chosen by work-injury accident rate and the
fund's income and expenditure)."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from yufang.accounts.models import Organisation, phone_validator
from yufang.core.models import BaseModel
from yufang.reference.models import Industry

gbt4754_validator = RegexValidator(
    r"^[A-T](\d{2}(\d{1,2})?)?$",
    "国民经济行业代码（GB/T 4754-2017）应为门类字母加 2～4 位数字，如 C2614、E47。",
)


class LicenceType(models.TextChoices):
    NONE = "", "无"
    PRODUCTION = "production", "安全生产许可证"
    OPERATION = "operation", "危险化学品经营许可证"
    USE = "use", "危险化学品安全使用许可证"


class EnterpriseProfile(BaseModel):
    organisation = models.OneToOneField(
        Organisation,
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="enterprise_profile",
        limit_choices_to={"kind": "enterprise"},
    )
    industry = models.ForeignKey(Industry, verbose_name="重点行业类别", on_delete=models.PROTECT, related_name="+")
    industry_code = models.CharField(
        "国民经济行业代码", max_length=5, blank=True, validators=[gbt4754_validator], help_text="GB/T 4754-2017"
    )
    licence_type = models.CharField("危化品许可类型", max_length=16, choices=LicenceType.choices, blank=True)
    licence_number = models.CharField("许可证编号", max_length=60, blank=True)
    insured_headcount = models.PositiveIntegerField("参保人数", default=0)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])

    class Meta:
        verbose_name = "企业档案"
        verbose_name_plural = "企业档案"
        ordering = ["organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(licence_type="") | ~Q(licence_number=""), name="enterprise_licence_has_number"
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])


class InjuryStatistic(BaseModel):
    """One enterprise's work-injury figures for one year (from the work-injury insurance system)."""

    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="injury_statistics"
    )
    year = models.PositiveSmallIntegerField("年度")
    accident_cases = models.PositiveIntegerField("工伤事故（认定）件数", default=0)
    disease_cases = models.PositiveIntegerField("职业病件数", default=0)
    insured_headcount = models.PositiveIntegerField("参保人数")
    premiums_paid = models.DecimalField("缴纳工伤保险费（元）", max_digits=14, decimal_places=2)
    benefits_paid = models.DecimalField("工伤保险基金支付（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "工伤统计"
        verbose_name_plural = "工伤统计"
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="injury_statistic_once_per_year"),
            models.CheckConstraint(condition=Q(premiums_paid__gte=0), name="injury_premiums_not_negative"),
            models.CheckConstraint(condition=Q(benefits_paid__gte=0), name="injury_benefits_not_negative"),
            models.CheckConstraint(condition=Q(year__gte=2000), name="injury_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年"

    @property
    def cases(self) -> int:
        return self.accident_cases + self.disease_cases

    @property
    def injury_rate(self) -> Decimal | None:
        """Cases per 1,000 insured (‰)."""
        if not self.insured_headcount:
            return None
        return (Decimal(self.cases) * 1000 / self.insured_headcount).quantize(Decimal("0.01"))

    @property
    def loss_ratio(self) -> Decimal | None:
        """Benefits paid ÷ premiums paid, in percent."""
        if not self.premiums_paid:
            return None
        return (self.benefits_paid * 100 / self.premiums_paid).quantize(Decimal("0.1"))


class KeyEnterpriseMark(BaseModel):
    """The agency's choice of a key enterprise for a year, with its reason."""

    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="key_marks"
    )
    year = models.PositiveSmallIntegerField("年度")
    industry = models.ForeignKey(Industry, verbose_name="行业", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("确定理由", max_length=500)

    class Meta:
        verbose_name = "重点企业"
        verbose_name_plural = "重点企业"
        ordering = ["-year", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="key_enterprise_once_per_year")]

    def __str__(self) -> str:
        return f"{self.year}年重点企业：{self.enterprise}"
