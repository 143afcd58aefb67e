from django.conf import settings
from django.db import models

from yufang.accounts.models import Organisation
from yufang.core.masking import mask_id_number, mask_phone
from yufang.core.models import BaseModel
from yufang.reference.models import Industry, Position, Region


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Person(BaseModel):
    """One person, one archive (一人一档), keyed by resident ID number. The number itself is shown
    only to roles that need it; lookups use its keyed hash."""

    id_number = models.CharField("身份证号", max_length=18)
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("手机号", max_length=20, blank=True)
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        limit_choices_to={"kind": "enterprise"},
        db_index=False,  # the (enterprise, name) index serves lookups by enterprise
    )
    # Nothing looks people up by position or industry alone (targets read the completions'
    # copies); an index each would only slow the bulk roster import.
    position = models.ForeignKey(
        Position, verbose_name="岗位", null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    industry = models.ForeignKey(
        Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    region = models.ForeignKey(Region, verbose_name="所在区县", null=True, blank=True, on_delete=models.PROTECT)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["enterprise", "name"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
