"""What the provider services share: the permission guard and the provider check."""

from django.core.exceptions import ValidationError

from yufang.accounts.models import Organisation, OrganisationKind


def _ensure_provider(organisation: Organisation, field: str = "provider") -> None:
    if organisation is None or organisation.kind != OrganisationKind.PROVIDER:
        raise ValidationError({field: "所选机构不是工伤预防服务机构。"})
