"""Who may do what with publicity deliverables, their evidence and a project's planned
quantities. Checks return (allowed, reason): `deny` when it is about who asks, `not_now` when
the record's state refuses it (the page greys the button out with the reason)."""

from yufang.accounts.models import Role
from yufang.core.permissions import Verdict, allow, deny, not_now
from yufang.projects.models import ProjectStatus

from .models import DeliverableStatus

# Before the project is handed over for acceptance, its publicity plan may still change.
PLANNING_STATUSES = (
    ProjectStatus.PLAN_PENDING,
    ProjectStatus.UNDER_REVIEW,
    ProjectStatus.RETURNED,
    ProjectStatus.APPROVED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.EXTENSION_REQUESTED,
)


def is_publicity(project) -> bool:
    """A project under the plan's publicity budget line (工伤预防宣传)."""
    return project.agreement.item.line.category == "publicity"


def provider_of(user, project) -> Verdict:
    if user.has_role(Role.PROVIDER_STAFF) and user.organisation_id == project.provider_id:
        return allow()
    return deny("只有承担本项目的服务机构可以执行此操作。")


def can_record(user, project) -> Verdict:
    """Record a new deliverable on the project."""
    verdict = provider_of(user, project)
    if not verdict.allowed:
        return deny("宣传成果由承担项目的服务机构记录。")
    if not is_publicity(project):
        return not_now("本项目不属于工伤预防宣传预算科目，不记录宣传成果。")
    if not project.accepts_work:
        return not_now(
            f"项目当前状态为「{project.get_status_display()}」：实施方案获批后、提交验收前才能记录宣传成果。"
        )
    return allow()


def can_edit(user, deliverable) -> Verdict:
    """Change a deliverable's fields or evidence: its provider, while draft or returned."""
    verdict = provider_of(user, deliverable.project)
    if not verdict.allowed:
        return deny("宣传成果由承担项目的服务机构填写。")
    if deliverable.status == DeliverableStatus.ACCEPTED:
        return not_now("该成果已验收，已冻结，不能再修改。")
    if deliverable.status == DeliverableStatus.SUBMITTED:
        return not_now("该成果已提交待审核：经办机构退回后才能修改。")
    if not deliverable.project.accepts_work:
        return not_now(f"项目当前状态为「{deliverable.project.get_status_display()}」，不能再修改宣传成果。")
    return allow()


def can_submit(user, deliverable) -> Verdict:
    verdict = can_edit(user, deliverable)
    if not verdict.allowed:
        return verdict
    needed = deliverable.kind.evidence_min
    held = deliverable.evidence.count()
    if held < needed:
        return not_now(f"请先上传佐证材料：「{deliverable.kind.name}」至少需要 {needed} 个佐证文件（现有 {held} 个）。")
    return allow()


def can_review(user, deliverable) -> Verdict:
    """Accept or return a submitted deliverable: the agency."""
    if not user.has_role(Role.AGENCY_STAFF):
        return deny("宣传成果由经办机构审核。")
    return allow()


def can_plan(user, project) -> Verdict:
    """Enter the project's planned quantities per kind."""
    if not provider_of(user, project).allowed:
        return deny("宣传计划数量由承担项目的服务机构填写。")
    if not is_publicity(project):
        return not_now("本项目不属于工伤预防宣传预算科目。")
    if project.status not in PLANNING_STATUSES:
        return not_now(f"项目当前状态为「{project.get_status_display()}」，宣传计划已冻结。")
    return allow()


def can_edit_kinds(user) -> Verdict:
    """Deliverable kinds are reference data: the programme owner keeps them."""
    if user.is_authenticated and user.is_programme_owner:
        return allow()
    return deny("宣传成果类型是基础数据，只能由市人社局维护。")
