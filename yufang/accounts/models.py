import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from stdnum.cn import uscc

from yufang.core.models import BaseModel
from yufang.core.scoping import NOTHING, Scope, ScopeKind
from yufang.reference.models import City, Region


def validate_credit_code(value: str) -> None:
    """Unified social credit code (GB 32100-2015): 18 characters, the last a check character."""
    if not value:
        return
    try:
        uscc.validate(value)
    except Exception:  # noqa: BLE001 - stdnum raises several ValidationError subclasses
        raise ValidationError(
            "统一社会信用代码无效：应为 18 位，且最后一位校验码须与前 17 位相符。", code="invalid_uscc"
        ) from None


phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", "电话号码格式不正确：应为 11 位手机号或带区号的固定电话。"
)


class OrganisationKind(models.TextChoices):
    HRSS = "hrss", "市人力资源和社会保障局"
    AGENCY = "agency", "市社会保险经办机构"
    HEALTH = "health", "市卫生健康委员会"
    EMERGENCY = "emergency", "市应急管理局"
    FINANCE = "finance", "市财政局"
    DISTRICT = "district", "区县人社局"
    PROVIDER = "provider", "工伤预防服务机构"
    ENTERPRISE = "enterprise", "企业"


class Organisation(BaseModel):
    kind = models.CharField("机构类型", max_length=16, choices=OrganisationKind.choices)
    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, default="", validators=[validate_credit_code]
    )
    city = models.ForeignKey(City, verbose_name="城市", on_delete=models.PROTECT, related_name="organisations")
    region = models.ForeignKey(
        Region,
        verbose_name="所在区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organisation_unique_credit_code"
            ),
            models.UniqueConstraint(
                fields=["region"], condition=Q(kind="district"), name="organisation_one_bureau_per_region"
            ),
            models.CheckConstraint(
                condition=~Q(kind="district") | Q(region__isnull=False), name="organisation_district_has_region"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.credit_code = (self.credit_code or "").strip().upper()
        if self.kind == OrganisationKind.DISTRICT and not self.region_id:
            raise ValidationError({"region": "区县人社局必须选择所辖区县。"})
        if self.region_id and self.city_id and self.region.city_id != self.city_id:
            raise ValidationError({"region": "所选区县不属于该城市。"})


class Role(models.TextChoices):
    PROGRAMME_OWNER = "programme_owner", "市人社局（项目主管）"
    AGENCY_STAFF = "agency_staff", "经办机构工作人员"
    PARTNER = "partner", "协同部门（只读）"
    DISTRICT_OFFICER = "district_officer", "区县人社局工作人员"
    PROVIDER_STAFF = "provider_staff", "服务机构工作人员"
    ENTERPRISE_CONTACT = "enterprise_contact", "企业联系人"
    TRAINEE = "trainee", "学员"


# Which organisation kinds each role may belong to.
ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.PROGRAMME_OWNER: {OrganisationKind.HRSS},
    Role.AGENCY_STAFF: {OrganisationKind.AGENCY},
    Role.PARTNER: {OrganisationKind.HEALTH, OrganisationKind.EMERGENCY, OrganisationKind.FINANCE},
    Role.DISTRICT_OFFICER: {OrganisationKind.DISTRICT},
    Role.PROVIDER_STAFF: {OrganisationKind.PROVIDER},
    Role.ENTERPRISE_CONTACT: {OrganisationKind.ENTERPRISE},
    Role.TRAINEE: {OrganisationKind.ENTERPRISE},
}


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True, validators=[phone_validator])
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["organisation__name", "username"]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）" if self.display_name else self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()

    @property
    def role_labels(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.role_set]

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_staff_system_user(self) -> bool:
        """Holds a role other than trainee: such users may use API tokens (permissions.can_use_api_tokens)."""
        return bool(self.role_set - {Role.TRAINEE})

    @property
    def is_programme_owner(self) -> bool:
        return self.has_role(Role.PROGRAMME_OWNER)

    @property
    def is_agency(self) -> bool:
        return self.has_role(Role.AGENCY_STAFF)

    @property
    def is_finance_partner(self) -> bool:
        """The finance bureau follows fund execution: payments on their way and the budget."""
        return self.has_role(Role.PARTNER) and self.organisation.kind == OrganisationKind.FINANCE

    @property
    def is_official(self) -> bool:
        """Programme-wide officials: owner, agency, partners."""
        return self.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER)

    @cached_property
    def scope(self) -> Scope:
        """The widest view any of the user's roles gives."""
        org = self.organisation
        if self.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
            return Scope(ScopeKind.ALL, user_id=self.pk, organisation_id=self.organisation_id)
        if self.has_role(Role.PARTNER):
            return Scope(
                ScopeKind.ALL, user_id=self.pk, organisation_id=self.organisation_id, read_only=True, partner=True
            )
        if self.has_role(Role.DISTRICT_OFFICER) and org is not None and org.region_id:
            return Scope(ScopeKind.REGION, user_id=self.pk, organisation_id=org.pk, region_id=org.region_id)
        if self.has_role(Role.PROVIDER_STAFF, Role.ENTERPRISE_CONTACT) and org is not None:
            return Scope(ScopeKind.ORGANISATION, user_id=self.pk, organisation_id=org.pk)
        if self.has_role(Role.TRAINEE):
            return Scope(ScopeKind.SELF, user_id=self.pk, organisation_id=self.organisation_id)
        if self.is_superuser:
            return Scope(ScopeKind.ALL, user_id=self.pk, read_only=True)
        return NOTHING


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="userrole_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Notification(models.Model):
    """A notice to one user about something done to their account by someone else (a password
    reset, a deactivation), shown on their home page until they mark it read."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=100)
    body = models.CharField("内容", max_length=500)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
