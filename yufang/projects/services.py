"""Projects: opening one for a signed agreement, and every move of its status through one
transition table (seed 五、六)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.core.services import model_create
from yufang.core.workflow import Transition, Workflow
from yufang.providers.models import AgreementStatus, ServiceAgreement
from yufang.providers.services import ensure_not_debarred

from . import permissions as may
from .models import Project, ProjectStatus

S = ProjectStatus


@transaction.atomic
def project_open(*, agreement: ServiceAgreement, actor, regions=(), name: str = "") -> Project:
    """Opens the project of a signed agreement. A debarred provider receives no new project."""
    if not actor.has_role("agency_staff"):
        raise PermissionDenied("项目由经办机构依据已签订的服务协议建立。")
    agreement = ServiceAgreement.objects.select_for_update().select_related("item__line__plan").get(pk=agreement.pk)
    if agreement.status not in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE):
        raise ValidationError("只有已签订的服务协议才能建立项目。")
    if Project.objects.filter(agreement=agreement).exists():
        raise ValidationError("该服务协议已建立项目。")
    ensure_not_debarred(agreement.provider, timezone.localdate())
    project = model_create(
        model=Project,
        data={
            "agreement": agreement,
            "provider": agreement.provider,
            "plan": agreement.item.line.plan,
            "name": name or agreement.title.removesuffix("服务协议") or agreement.title,
            "original_deadline": agreement.period_end,
            "deadline": agreement.period_end,
        },
        actor=actor,
    )
    project.regions.set(regions)
    return project


WORKING = [S.PLAN_PENDING, S.UNDER_REVIEW, S.RETURNED, S.APPROVED, S.IN_PROGRESS, S.EXTENSION_REQUESTED]

PROJECT_WORKFLOW = Workflow(
    model=Project,
    transitions=[
        Transition(S.PLAN_PENDING, "submit_plan", S.UNDER_REVIEW, "提交实施方案", may.provider_of),
        Transition(S.RETURNED, "submit_plan", S.UNDER_REVIEW, "重新提交实施方案", may.provider_of),
        Transition(
            S.UNDER_REVIEW, "return_plan", S.RETURNED, "退回修改", may.agency, style="outline-danger", needs_note=True
        ),
        Transition(S.UNDER_REVIEW, "approve_plan", S.APPROVED, "批准实施方案", may.agency, style="success"),
        Transition(S.APPROVED, "start", S.IN_PROGRESS, "开始实施", may.provider_or_agency),
        Transition(
            S.IN_PROGRESS,
            "request_extension",
            S.EXTENSION_REQUESTED,
            "申请延期",
            may.provider_of,
            style="outline-secondary",
        ),
        Transition(S.EXTENSION_REQUESTED, "confirm_extension", S.IN_PROGRESS, "同意延期", may.agency, style="success"),
        Transition(
            S.EXTENSION_REQUESTED,
            "refuse_extension",
            S.IN_PROGRESS,
            "不同意延期",
            may.agency,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(S.IN_PROGRESS, "submit_completion", S.AWAITING_ACCEPTANCE, "提交项目实施情况报告", may.provider_of),
        Transition(S.AWAITING_ACCEPTANCE, "pass", S.ACCEPTED, "验收合格", may.owner, style="success"),
        Transition(S.AWAITING_ACCEPTANCE, "fail", S.FAILED, "验收不合格", may.owner, style="danger", needs_note=True),
        Transition(S.ACCEPTED, "settle", S.SETTLED, "结算完毕", may.agency),
        Transition(S.SETTLED, "archive", S.ARCHIVED, "归档", may.agency, style="outline-secondary"),
        Transition(S.FAILED, "archive", S.ARCHIVED, "归档", may.agency, style="outline-secondary"),
        *[
            Transition(
                status, "terminate", S.TERMINATED, "终止项目", may.agency, style="outline-danger", needs_note=True
            )
            for status in WORKING
        ],
    ],
)


def project_transition(*, project: Project, action: str, actor, note: str = "", **params) -> Project:
    return PROJECT_WORKFLOW.perform(obj=project, action=action, actor=actor, note=note, **params)
