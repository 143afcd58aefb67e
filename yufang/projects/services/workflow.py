"""The project's own lifecycle: opening it for a signed agreement and its transition table, whose
effects live beside the entity they act on."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yufang.accounts.models import User
from yufang.core.dates import today
from yufang.core.services import model_create
from yufang.core.workflow import Transition, Workflow
from yufang.providers.debarment import ensure_not_debarred
from yufang.providers.models import AgreementStatus, ServiceAgreement

from .. import permissions as may
from ..models import ExtensionStatus, Project
from .acceptance import _fail, _pass
from .base import S
from .completion import _submit_completion
from .extension import _confirm_extension, _decide_extension, _refuse_extension, _request_extension
from .money import _archive_failed, _no_payment_in_flight, _settle
from .plan import _approve_plan, _return_plan, _submit_plan


@transaction.atomic
def project_open(*, agreement: ServiceAgreement, actor: User, regions=(), name: str = "") -> Project:
    """Opens the project of a signed agreement. A debarred provider receives no new project."""
    if not actor.has_role("agency_staff"):
        raise PermissionDenied("项目由经办机构依据已签订的服务协议建立。")
    agreement = ServiceAgreement.objects.select_for_update().select_related("item__line__plan").get(pk=agreement.pk)
    if agreement.status not in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE):
        raise ValidationError("只有已签订的服务协议才能建立项目。")
    if Project.objects.filter(agreement=agreement).exists():
        raise ValidationError("该服务协议已建立项目。")
    ensure_not_debarred(agreement.provider, today())
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


def _terminate(*, obj: Project, actor: User, note: str, **_) -> None:
    _no_payment_in_flight(obj)
    pending = obj.extensions.select_for_update().filter(status=ExtensionStatus.PENDING).first()
    if pending is not None:
        _decide_extension(pending, ExtensionStatus.REFUSED, actor, f"项目终止：{note}")


WORKING = [S.PLAN_PENDING, S.UNDER_REVIEW, S.RETURNED, S.APPROVED, S.IN_PROGRESS, S.EXTENSION_REQUESTED]


PROJECT_WORKFLOW = Workflow(
    model=Project,
    transitions=[
        Transition(S.PLAN_PENDING, "submit_plan", S.UNDER_REVIEW, "提交实施方案", may.provider_of, effect=_submit_plan),
        Transition(S.RETURNED, "submit_plan", S.UNDER_REVIEW, "重新提交实施方案", may.provider_of, effect=_submit_plan),
        Transition(
            S.UNDER_REVIEW,
            "return_plan",
            S.RETURNED,
            "退回修改",
            may.agency,
            effect=_return_plan,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(
            S.UNDER_REVIEW,
            "approve_plan",
            S.APPROVED,
            "批准实施方案",
            may.agency,
            effect=_approve_plan,
            style="success",
        ),
        Transition(S.APPROVED, "start", S.IN_PROGRESS, "开始实施", may.provider_or_agency),
        Transition(
            S.IN_PROGRESS,
            "request_extension",
            S.EXTENSION_REQUESTED,
            "申请延期",
            may.provider_of,
            effect=_request_extension,
            style="outline-secondary",
        ),
        Transition(
            S.EXTENSION_REQUESTED,
            "confirm_extension",
            S.IN_PROGRESS,
            "同意延期",
            may.agency,
            effect=_confirm_extension,
            style="success",
        ),
        Transition(
            S.EXTENSION_REQUESTED,
            "refuse_extension",
            S.IN_PROGRESS,
            "不同意延期",
            may.agency,
            effect=_refuse_extension,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(
            S.IN_PROGRESS,
            "submit_completion",
            S.AWAITING_ACCEPTANCE,
            "提交项目实施情况报告",
            may.provider_of,
            effect=_submit_completion,
        ),
        Transition(
            S.AWAITING_ACCEPTANCE,
            "pass",
            S.ACCEPTED,
            "验收合格",
            may.owner,
            effect=_pass,
            style="success",
            confirm="确认验收合格后，项目进入结算，服务机构可申请尾款。",
            done="已确认验收合格，服务机构可申请尾款",
        ),
        Transition(
            S.AWAITING_ACCEPTANCE,
            "fail",
            S.FAILED,
            "验收不合格",
            may.owner,
            effect=_fail,
            style="danger",
            needs_note=True,
            confirm="确认验收不合格后，该服务机构三年内不得承接本市工伤预防项目（记入限制名单）。",
            done="已确认验收不合格，服务机构已记入限制名单",
        ),
        Transition(S.ACCEPTED, "settle", S.SETTLED, "结算完毕", may.agency, effect=_settle),
        Transition(S.SETTLED, "archive", S.ARCHIVED, "归档", may.agency, style="outline-secondary"),
        Transition(
            S.FAILED, "archive", S.ARCHIVED, "归档", may.agency, effect=_archive_failed, style="outline-secondary"
        ),
        *[
            Transition(
                status,
                "terminate",
                S.TERMINATED,
                "终止项目",
                may.agency,
                effect=_terminate,
                style="outline-danger",
                needs_note=True,
            )
            for status in WORKING
        ],
    ],
)


def project_transition(*, project: Project, action: str, actor: User, note: str = "", **params) -> Project:
    return PROJECT_WORKFLOW.perform(obj=project, action=action, actor=actor, note=note, **params)
