"""The provider's profile: registration, editing, verification."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yufang.accounts.models import Organisation, User
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.core.workflow import Transition, Workflow

from ..models import ProviderProfile, VerificationStatus
from ..permissions import can_edit_profile, can_manage_providers, can_resubmit_profile, can_verify_profile
from .base import _ensure_provider

PROFILE_FIELDS = [
    "kind",
    "legal_representative",
    "bank_name",
    "bank_account_name",
    "bank_account",
    "contacts",
    "introduction",
]


@transaction.atomic
def provider_profile_create(*, organisation: Organisation, data: dict[str, Any], actor: User) -> ProviderProfile:
    _require(can_edit_profile(actor, organisation))
    _ensure_provider(organisation, "organisation")
    if ProviderProfile.objects.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": "该服务机构已登记资料。"})
    values = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    return model_create(model=ProviderProfile, data={"organisation": organisation, **values}, actor=actor)


@transaction.atomic
def provider_profile_update(*, profile: ProviderProfile, data: dict[str, Any], actor: User) -> ProviderProfile:
    profile = ProviderProfile.objects.select_for_update().select_related("organisation").get(pk=profile.pk)
    _require(can_edit_profile(actor, profile.organisation))
    if profile.status == VerificationStatus.VERIFIED and not can_manage_providers(actor)[0]:
        raise PermissionDenied("资料已核验，如需修改请先点击「申请变更」。")
    profile, _ = model_update(instance=profile, fields=[f for f in PROFILE_FIELDS if f in data], data=data, actor=actor)
    return profile


def _verify(*, obj: ProviderProfile, **_) -> None:
    obj.return_reason = ""


def _return(*, obj: ProviderProfile, note: str, **_) -> None:
    obj.return_reason = note


PROFILE_WORKFLOW = Workflow(
    model=ProviderProfile,
    transitions=[
        Transition(
            VerificationStatus.PENDING,
            "verify",
            VerificationStatus.VERIFIED,
            "核验通过",
            can_verify_profile,
            effect=_verify,
        ),
        Transition(
            VerificationStatus.PENDING,
            "return",
            VerificationStatus.RETURNED,
            "退回",
            can_verify_profile,
            effect=_return,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(
            VerificationStatus.RETURNED, "resubmit", VerificationStatus.PENDING, "重新提交核验", can_resubmit_profile
        ),
        Transition(
            VerificationStatus.VERIFIED,
            "reopen",
            VerificationStatus.PENDING,
            "申请变更",
            can_resubmit_profile,
            style="outline-secondary",
        ),
    ],
)


def provider_profile_transition(
    *, profile: ProviderProfile, action: str, actor: User, note: str = ""
) -> ProviderProfile:
    return PROFILE_WORKFLOW.perform(obj=profile, action=action, actor=actor, note=note)
