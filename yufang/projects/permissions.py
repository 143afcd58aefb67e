"""Who may move a project and its records, and whether the record's state allows it now. Each
check is (user, record) -> (allowed, reason); the checks of actions outside the transition
tables (filing a plan, editing a version or a report, the completion report, convening and
scoring the acceptance, requesting a payment, recording a deduction) know the record's state too,
and both the page (to offer, grey out or hide the button) and the service (to refuse) call them."""

from yufang.accounts.models import OrganisationKind, Role
from yufang.core.permissions import Verdict, allow, deny, not_now

from .models import (
    WORKING_STATUSES,
    Acceptance,
    DeductionStatus,
    PaymentKind,
    PaymentStatus,
    PlanVersionState,
    ProjectStatus,
    ReportStatus,
    ScoreSheet,
)

S = ProjectStatus


def _project(record):
    return getattr(record, "project", record)


def provider_of(user, record) -> tuple[bool, str]:
    project = _project(record)
    if user.has_role(Role.PROVIDER_STAFF) and user.organisation_id == project.provider_id:
        return True, ""
    return False, "只有承担本项目的服务机构可以执行此操作。"


def agency(user, record=None) -> tuple[bool, str]:
    if user.has_role(Role.AGENCY_STAFF):
        return True, ""
    return False, "只有市社会保险经办机构可以执行此操作。"


def owner(user, record=None) -> tuple[bool, str]:
    if user.is_programme_owner:
        return True, ""
    return False, "评估验收由市人社局组织。"


def provider_or_agency(user, record) -> tuple[bool, str]:
    if provider_of(user, record)[0] or agency(user, record)[0]:
        return True, ""
    return False, "只有服务机构或经办机构可以执行此操作。"


def payment_approver(user, record=None) -> tuple[bool, str]:
    if user.is_programme_owner:
        return True, ""
    return False, "付款经经办机构审核后，由市人社局审批。"


def payment_refuser(user, record=None) -> tuple[bool, str]:
    if user.is_programme_owner or user.has_role(Role.AGENCY_STAFF):
        return True, ""
    return False, "只有经办机构或市人社局可以不予支付。"


def plan_change_by_provider(user, version) -> tuple[bool, str]:
    ok, reason = provider_of(user, version)
    if not ok:
        return ok, reason
    if not version.project.approved_plan_id:
        return False, "首个实施方案请在项目页点击「提交实施方案」。"
    return True, ""


def plan_change_by_agency(user, version) -> tuple[bool, str]:
    ok, reason = agency(user)
    if not ok:
        return False, "实施方案变更由经办机构审核。"
    if not version.project.approved_plan_id:
        return False, "首个实施方案在项目页审核。"
    return True, ""


def panel_member_kind(user) -> str:
    """'owner', 'health' or 'emergency' for a user who may sit on an acceptance panel, else ''."""
    if user.is_programme_owner:
        return "owner"
    if user.has_role(Role.PARTNER) and user.organisation is not None:
        if user.organisation.kind == OrganisationKind.HEALTH:
            return "health"
        if user.organisation.kind == OrganisationKind.EMERGENCY:
            return "emergency"
    return ""


def _status_refusal(project, what: str) -> Verdict:
    return not_now(f"项目当前状态为「{project.get_status_display()}」，{what}。")


def can_file_plan(user, project) -> Verdict:
    """A new plan version: the first plan, a resubmission after return, or (once approved) a
    change request, one open version at a time."""
    ok, reason = provider_of(user, project)
    if not ok:
        return deny(reason)
    if project.status not in (S.PLAN_PENDING, S.RETURNED) and not (
        project.status in WORKING_STATUSES and project.approved_plan_id
    ):
        return _status_refusal(project, "不能提交实施方案")
    if project.plan_versions.filter(state__in=[PlanVersionState.DRAFT, PlanVersionState.SUBMITTED]).exists():
        return not_now("已有未提交或待审核的实施方案版本，请先完成该版本。")
    return allow()


def can_edit_plan_version(user, version) -> Verdict:
    ok, reason = provider_of(user, version)
    if not ok:
        return deny(reason)
    if not version.is_editable:
        return not_now("已提交的实施方案版本不能修改；如需调整，请新建版本。")
    return allow()


def can_edit_report(user, report) -> Verdict:
    ok, reason = provider_of(user, report)
    if not ok:
        return deny(reason)
    if not report.project.accepts_work:
        return _status_refusal(report.project, "不能再填报进度报告")
    if report.status not in (ReportStatus.DUE, ReportStatus.RETURNED):
        return not_now("该进度报告已提交，不能修改。")
    return allow()


def can_write_completion(user, project) -> Verdict:
    ok, reason = provider_of(user, project)
    if not ok:
        return deny(reason)
    if project.status != S.IN_PROGRESS:
        return _status_refusal(project, "不能填写项目实施情况报告")
    return allow()


# A deduction is recorded while the plan is approved and before the project is closed.
NO_DEDUCTION = (S.PLAN_PENDING, S.UNDER_REVIEW, S.RETURNED, S.SETTLED, S.ARCHIVED, S.TERMINATED)


def can_record_deduction(user, project) -> Verdict:
    if not agency(user)[0]:
        return deny("扣减项目费用由经办机构决定。")
    if project.status in NO_DEDUCTION:
        return _status_refusal(project, "不能扣减项目费用")
    if project.payments.filter(kind=PaymentKind.BALANCE).exclude(status=PaymentStatus.REFUSED).exists():
        return not_now("尾款已申请，不能再扣减；如有问题请先不予支付该尾款申请。")
    return allow()


# The advance is requested once the plan is approved, while the work goes on.
ADVANCE_STATUSES = WORKING_STATUSES


def can_request_payment(user, project, kind: str) -> Verdict:
    """The advance after the plan is approved and while the work goes on; the balance after
    acceptance passes, no objection pending and no advance in flight; each once."""
    ok, reason = provider_of(user, project)
    if not ok:
        return deny(reason)
    if kind not in PaymentKind.values:
        return allow()  # the service refuses an unknown kind on its field
    label = PaymentKind(kind).label
    if project.payments.filter(kind=kind).exclude(status=PaymentStatus.REFUSED).exists():
        return not_now(f"本项目已申请过{label}，{label}只能申请一次。")
    if kind == PaymentKind.ADVANCE:
        if not project.approved_plan_id or project.status not in ADVANCE_STATUSES:
            return not_now(
                f"预付款须在实施方案批准后、项目实施期间申请；项目当前状态为「{project.get_status_display()}」。"
            )
        return allow()
    if project.status != S.ACCEPTED:
        return not_now(f"尾款须在评估验收合格后申请；项目当前状态为「{project.get_status_display()}」。")
    if project.deductions.filter(status=DeductionStatus.OBJECTED).exists():
        return not_now("有扣减异议尚待经办机构决定，决定后才能申请尾款。")
    in_flight = [PaymentStatus.REQUESTED, PaymentStatus.REVIEWED, PaymentStatus.APPROVED]
    if project.payments.filter(kind=PaymentKind.ADVANCE, status__in=in_flight).exists():
        return not_now("预付款尚在办理中，支付或不予支付后才能申请尾款。")
    return allow()


def can_convene(user, project) -> Verdict:
    ok, reason = owner(user)
    if not ok:
        return deny(reason)
    if project.status != S.AWAITING_ACCEPTANCE:
        return _status_refusal(project, "尚不能组织评估验收")
    if Acceptance.objects.filter(project=project).exists():
        return not_now("本项目已组织评估验收。")
    return allow()


def can_score(user, acceptance) -> Verdict:
    if not acceptance.members.filter(pk=user.pk).exists():
        return deny("只有评估验收小组成员可以评分。")
    if acceptance.project.status != S.AWAITING_ACCEPTANCE or acceptance.result:
        return not_now("评估验收已有结论，不能再评分。")
    if ScoreSheet.objects.filter(acceptance=acceptance, member=user).exists():
        return not_now("您已评过分，每位成员只能评分一次。")
    return allow()
