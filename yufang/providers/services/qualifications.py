"""Qualifications of a provider."""

from typing import Any

from django.db import transaction

from yufang.accounts.models import Organisation, User
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update

from ..models import Qualification
from ..permissions import can_manage_qualifications
from .base import _ensure_provider

QUALIFICATION_FIELDS = ["kind", "number", "issuer", "valid_from", "valid_to", "document", "remarks"]


@transaction.atomic
def qualification_create(*, provider: Organisation, data: dict[str, Any], actor: User) -> Qualification:
    _require(can_manage_qualifications(actor, provider))
    _ensure_provider(provider)
    values = {k: v for k, v in data.items() if k in QUALIFICATION_FIELDS}
    return model_create(model=Qualification, data={"provider": provider, **values}, actor=actor)


@transaction.atomic
def qualification_update(*, qualification: Qualification, data: dict[str, Any], actor: User) -> Qualification:
    _require(can_manage_qualifications(actor, qualification.provider))
    qualification, _ = model_update(
        instance=qualification, fields=[f for f in QUALIFICATION_FIELDS if f in data], data=data, actor=actor
    )
    return qualification
