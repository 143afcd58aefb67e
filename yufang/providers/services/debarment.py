"""Debarment records with their table (the check every step uses is providers.debarment)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from yufang.accounts.models import Organisation, User
from yufang.core.dates import today
from yufang.core.permissions import require as _require
from yufang.core.services import model_create
from yufang.core.workflow import Transition, Workflow

from ..models import DEBARMENT_YEARS, Debarment, DebarmentStatus, add_years
from ..permissions import can_debar
from .base import _ensure_provider


@transaction.atomic
def debarment_create(
    *,
    provider: Organisation,
    ground: str,
    decision_number: str,
    decided_by: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    facts: str = "",
    actor: User,
    source=None,
) -> Debarment:
    """Enters a provider in the register (三年内不得从事). Acceptance failure calls this with its
    acceptance record as `source`."""
    _require(can_debar(actor))
    _ensure_provider(provider)
    # Lock the provider so two decisions on it cannot both pass the overlap check.
    Organisation.objects.select_for_update().get(pk=provider.pk)
    end_date = end_date or add_years(start_date, DEBARMENT_YEARS)
    overlapping = (
        Debarment.objects.filter(provider=provider, status=DebarmentStatus.IN_FORCE)
        .filter(start_date__lt=end_date, end_date__gt=start_date)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "start_date": f"与已有禁入记录（{overlapping.decision_number}，{overlapping.start_date:%Y-%m-%d} 至 "
                f"{overlapping.end_date:%Y-%m-%d}）期间重叠，不能重复登记。"
            }
        )
    return model_create(
        model=Debarment,
        data={
            "provider": provider,
            "ground": ground,
            "facts": facts,
            "decision_number": decision_number,
            "decided_by": decided_by,
            "start_date": start_date,
            "end_date": end_date,
            "source_repr": str(source)[:300] if source is not None else "",
        },
        actor=actor,
    )


def _lift(*, obj: Debarment, note: str, lifted_on: datetime.date | None = None, **_) -> None:
    obj.lifted_on = lifted_on or today()
    obj.lift_reason = note


DEBARMENT_WORKFLOW = Workflow(
    model=Debarment,
    transitions=[
        Transition(
            DebarmentStatus.IN_FORCE,
            "lift",
            DebarmentStatus.LIFTED,
            "解除禁入",
            can_debar,
            effect=_lift,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def debarment_transition(*, debarment: Debarment, action: str, actor: User, note: str = "") -> Debarment:
    return DEBARMENT_WORKFLOW.perform(obj=debarment, action=action, actor=actor, note=note)
