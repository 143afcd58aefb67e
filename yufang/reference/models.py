from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from yufang.core.models import BaseModel

six_digits = RegexValidator(r"^\d{6}$", "行政区划代码应为 6 位数字。")


class City(BaseModel):
    code = models.CharField("行政区划代码", max_length=6, unique=True, validators=[six_digits])
    name = models.CharField("名称", max_length=50, unique=True)
    province = models.CharField("所属省份", max_length=50)

    class Meta:
        verbose_name = "城市"
        verbose_name_plural = "城市"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RegionKind(models.TextChoices):
    DISTRICT = "district", "市辖区"
    COUNTY = "county", "县"
    ZONE = "zone", "功能区"


class Region(BaseModel):
    city = models.ForeignKey(City, verbose_name="城市", on_delete=models.PROTECT, related_name="regions")
    code = models.CharField(
        "行政区划代码",
        max_length=6,
        blank=True,
        default="",
        validators=[six_digits],
        help_text="GB/T 2260 代码；功能区没有自己的代码，留空。",
    )
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=16, choices=RegionKind.choices)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "区县（功能区）"
        verbose_name_plural = "区县（功能区）"
        ordering = ["city", "sort_order", "code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="region_unique_name_in_city"),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="region_unique_code"),
            models.CheckConstraint(condition=Q(kind="zone") | ~Q(code=""), name="region_code_unless_zone"),
        ]

    def __str__(self) -> str:
        return self.name


class Industry(BaseModel):
    code = models.SlugField("标识", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    gbt4754_codes = models.CharField(
        "GB/T 4754-2017 代码",
        max_length=200,
        blank=True,
        help_text="以逗号分隔的门类或大类代码；危险化学品是许可资质而非行业代码，留空。",
    )
    description = models.CharField("说明", max_length=300, blank=True)
    is_focus = models.BooleanField("重点行业", default=False)
    is_new_form = models.BooleanField("新业态", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "行业"
        verbose_name_plural = "行业"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def code_list(self) -> list[str]:
        return [c.strip() for c in self.gbt4754_codes.split(",") if c.strip()]


class Position(BaseModel):
    code = models.SlugField("标识", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    is_key = models.BooleanField("重点岗位", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Synonym(BaseModel):
    """A way people write an industry or a position in rosters, mapped to the reference entry of
    the same meaning (骑手 -> 其他从业人员). Only same-meaning words belong here: a 安全员 is not
    the head of the safety department, and mapping one to the other would inflate the
    key-position target. The owner edits the table; the roster importer reads it."""

    text = models.CharField("写法", max_length=50)
    industry = models.ForeignKey(
        Industry, verbose_name="行业", on_delete=models.CASCADE, null=True, blank=True, related_name="synonyms"
    )
    position = models.ForeignKey(
        Position, verbose_name="岗位", on_delete=models.CASCADE, null=True, blank=True, related_name="synonyms"
    )

    class Meta:
        verbose_name = "同义写法"
        verbose_name_plural = "同义写法"
        ordering = ["text"]
        constraints = [
            models.CheckConstraint(
                condition=Q(industry__isnull=True, position__isnull=False)
                | Q(industry__isnull=False, position__isnull=True),
                name="synonym_one_target",
            ),
            models.UniqueConstraint(fields=["text"], condition=Q(industry__isnull=False), name="synonym_industry_text"),
            models.UniqueConstraint(fields=["text"], condition=Q(position__isnull=False), name="synonym_position_text"),
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.industry or self.position}"
