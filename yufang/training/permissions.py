"""Who may do what with sessions, rosters, attendance and flags. Each check returns
(allowed, reason)."""

from yufang.accounts.models import Role


def provider_of(user, session) -> tuple[bool, str]:
    project = session.project if hasattr(session, "project") else session
    if user.has_role(Role.PROVIDER_STAFF) and user.organisation_id == project.provider_id:
        return True, ""
    return False, "只有承担本项目的服务机构可以执行此操作。"


def can_schedule(user, project) -> tuple[bool, str]:
    ok, reason = provider_of(user, project)
    if not ok:
        return False, "场次由承担项目的服务机构安排。"
    if not project.accepts_work:
        return False, f"项目当前状态为「{project.get_status_display()}」：实施方案获批后才能安排场次。"
    return True, ""


def can_manage_session(user, session) -> tuple[bool, str]:
    ok, reason = provider_of(user, session)
    if not ok:
        return ok, reason
    if session.status != "scheduled":
        return False, f"场次{session.get_status_display()}，不能再修改。"
    return True, ""


def can_cancel(user, session) -> tuple[bool, str]:
    if provider_of(user, session)[0] or user.has_role(Role.AGENCY_STAFF):
        return True, ""
    return False, "只有服务机构或经办机构可以取消场次。"


def can_close(user, session) -> tuple[bool, str]:
    from django.utils import timezone

    ok, reason = provider_of(user, session)
    if not ok:
        return ok, reason
    if timezone.now() < session.ends_at:
        return False, "场次结束后才能认定完成情况。"
    return True, ""


def can_review_flags(user, flag=None) -> tuple[bool, str]:
    if user.has_role(Role.AGENCY_STAFF, Role.PROGRAMME_OWNER):
        return True, ""
    return False, "异常线索由经办机构核查。"


def sees_full_ids(user) -> bool:
    """Full ID numbers on pages: the bodies that audit the programme."""
    return user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF)


def may_export_full_ids(user, session) -> bool:
    """A full roster export (audited): auditors, and the provider that runs the session and
    checks identities at the door."""
    return sees_full_ids(user) or provider_of(user, session)[0]
