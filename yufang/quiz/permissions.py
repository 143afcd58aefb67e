"""Who may do what with knowledge-quiz competitions and their boards. Checks return
(allowed, reason): `deny` when it is about who asks, `not_now` when the record's state refuses."""

from yufang.accounts.models import Role
from yufang.core.permissions import Verdict, allow, deny, not_now

from .models import CompetitionStatus


def _runs(user, project) -> bool:
    """The agency, or the publicity provider whose project runs the quiz."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.AGENCY_STAFF):
        return True
    return user.has_role(Role.PROVIDER_STAFF) and user.organisation_id == project.provider_id


def can_create(user, project) -> Verdict:
    if not _runs(user, project):
        return deny("知识竞答由经办机构或承担宣传项目的服务机构设立。")
    if project.agreement.item.line.category != "publicity":
        return not_now("知识竞答须设在工伤预防宣传项目之下。")
    if not project.accepts_work:
        return not_now(f"项目当前状态为「{project.get_status_display()}」，不能设立竞答。")
    return allow()


def can_edit(user, competition) -> Verdict:
    if not _runs(user, competition.project):
        return deny("知识竞答由经办机构或承担宣传项目的服务机构维护。")
    if competition.status != CompetitionStatus.DRAFT:
        return not_now("竞答已发布，规则和轮次不能再修改。")
    return allow()


def can_run(user, competition) -> Verdict:
    """Publish, close or cancel; scan for flags."""
    if not _runs(user, competition.project):
        return deny("只有经办机构或承担宣传项目的服务机构可以执行此操作。")
    return allow()


def sees_in_full(user, competition) -> bool:
    """Boards unmasked: the programme owner, the agency, the running provider. A district and an enterprise see their
    own rows in full through scoping (selectors); everyone else the masked public boards."""
    if not user.is_authenticated:
        return False
    # Partner departments read the programme, not people (issue 12): no names on their boards.
    return user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF) or _runs(user, competition.project)
