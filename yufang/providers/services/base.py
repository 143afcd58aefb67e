"""What the provider services share: the permission guard, today's date and the provider check."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind


def today() -> datetime.date:
    return timezone.localdate()


def _ensure_provider(organisation: Organisation, field: str = "provider") -> None:
    if organisation is None or organisation.kind != OrganisationKind.PROVIDER:
        raise ValidationError({field: "所选机构不是工伤预防服务机构。"})
