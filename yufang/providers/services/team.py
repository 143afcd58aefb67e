"""Project team changes after signing, with their own small table."""

from django.core.exceptions import ValidationError
from django.db import transaction

from yufang.accounts.models import User
from yufang.core.dates import today
from yufang.core.permissions import require as _require
from yufang.core.services import model_create
from yufang.core.workflow import Transition, Workflow

from ..models import ServiceAgreement, TeamChangeRequest, TeamChangeStatus, TeamMember
from ..permissions import agency_only, can_request_team_change
from .agreements import team_member_join, team_member_leave


@transaction.atomic
def team_change_request_create(
    *,
    agreement: ServiceAgreement,
    reason: str,
    actor: User,
    remove: TeamMember | None = None,
    add_name: str = "",
    add_role: str = "",
    phone: str = "",
) -> TeamChangeRequest:
    _require(can_request_team_change(actor, agreement))
    if remove is not None and (remove.agreement_id != agreement.pk or not remove.is_active):
        raise ValidationError({"remove": "所选成员不在本协议的项目组中。"})
    if add_name and not add_role:
        raise ValidationError({"add_role": "请填写调入成员的项目职务。"})
    return model_create(
        model=TeamChangeRequest,
        data={
            "agreement": agreement,
            "reason": reason,
            "remove": remove,
            "add_name": add_name,
            "add_role": add_role,
            "phone": phone,
        },
        actor=actor,
    )


def _approve_team_change(*, obj: TeamChangeRequest, actor: User, note: str, **_) -> None:
    day = today()
    if obj.remove_id:
        team_member_leave(member=TeamMember.objects.select_for_update().get(pk=obj.remove_id), day=day)
    if obj.add_name:
        team_member_join(agreement_id=obj.agreement_id, name=obj.add_name, role=obj.add_role, phone=obj.phone, day=day)
    obj.decision_note = note


def _refuse_team_change(*, obj: TeamChangeRequest, note: str, **_) -> None:
    obj.decision_note = note


def _agency_decides(user, request) -> tuple[bool, str]:
    ok, _ = agency_only(user)
    return (True, "") if ok else (False, "项目组成员变更由经办机构审核。")


TEAM_CHANGE_WORKFLOW = Workflow(
    model=TeamChangeRequest,
    transitions=[
        Transition(
            TeamChangeStatus.PENDING,
            "approve",
            TeamChangeStatus.APPROVED,
            "同意变更",
            _agency_decides,
            effect=_approve_team_change,
        ),
        Transition(
            TeamChangeStatus.PENDING,
            "refuse",
            TeamChangeStatus.REFUSED,
            "不同意",
            _agency_decides,
            effect=_refuse_team_change,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def team_change_transition(
    *, request: TeamChangeRequest, action: str, actor: User, note: str = ""
) -> TeamChangeRequest:
    return TEAM_CHANGE_WORKFLOW.perform(obj=request, action=action, actor=actor, note=note)
