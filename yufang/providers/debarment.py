"""The debarment rule every provider step checks: a provider entered in the register (三年内不得从事)
may not be chosen, contracted or have its project started while the entry is in force."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

from yufang.accounts.models import Organisation

from .models import Debarment, DebarmentStatus


def provider_is_debarred(provider: Organisation, on_date: datetime.date) -> Debarment | None:
    """The debarment in force for this provider on that day, if any. A lifted entry stops
    counting from the day it was lifted."""
    return (
        Debarment.objects.filter(provider=provider, start_date__lte=on_date, end_date__gt=on_date)
        .filter(Q(status=DebarmentStatus.IN_FORCE) | Q(lifted_on__gt=on_date))
        .select_related("provider")
        .order_by("-end_date")
        .first()
    )


def ensure_not_debarred(provider: Organisation, on_date: datetime.date, *, field: str = "provider") -> None:
    entry = provider_is_debarred(provider, on_date)
    if entry is not None:
        raise ValidationError({field: f"不能选择该机构：{entry.quote()}"})
