"""Who may record a video's view counts, a push's audience and delivery report, a print run's
quantities and its distributions, and who confirms a distribution's receipt. Checks return
(allowed, reason) like permissions.py."""

from yufang.accounts.models import Role
from yufang.core.permissions import Verdict, allow, deny, not_now

from . import permissions as may
from .models import DeliverableStatus, DistributionStatus

VIDEO, PUSH, MATERIAL = "short_video", "targeted_push", "printed_material"


def _of_kind(deliverable, code: str, label: str) -> Verdict:
    if deliverable.kind.code != code:
        return not_now(f"只有「{label}」类成果记录此项。")
    return allow()


def can_record_views(user, deliverable) -> Verdict:
    """A video's provider records readings whether or not the video is accepted yet: views keep
    growing after acceptance, and every reading is a new row."""
    if not may.provider_of(user, deliverable.project).allowed:
        return deny("播放量由承担项目的服务机构记录。")
    verdict = _of_kind(deliverable, VIDEO, "宣传短视频")
    if not verdict.allowed:
        return verdict
    if deliverable.status == DeliverableStatus.DRAFT and not deliverable.project.accepts_work:
        return not_now("项目已不在实施阶段，草稿成果不能再记录播放量。")
    return allow()


def can_edit_push(user, deliverable) -> Verdict:
    """The push's audience and its delivery report belong to the deliverable: editable while it
    is, frozen once accepted."""
    verdict = _of_kind(deliverable, PUSH, "定向推送")
    if not verdict.allowed:
        return verdict
    return may.can_edit(user, deliverable)


def can_edit_stock(user, deliverable) -> Verdict:
    verdict = _of_kind(deliverable, MATERIAL, "宣传资料")
    if not verdict.allowed:
        return verdict
    return may.can_edit(user, deliverable)


def can_distribute(user, deliverable) -> Verdict:
    """Distributions go on after the print run is accepted: the provider records each one with
    its signed receipt while the project is in its working life."""
    if not may.provider_of(user, deliverable.project).allowed:
        return deny("宣传资料的发放由承担项目的服务机构记录。")
    verdict = _of_kind(deliverable, MATERIAL, "宣传资料")
    if not verdict.allowed:
        return verdict
    if not deliverable.project.accepts_work:
        return not_now(f"项目当前状态为「{deliverable.project.get_status_display()}」，不能再记录发放。")
    if getattr(deliverable, "stock", None) is None:
        return not_now("请先填写订制数量和到货数量。")
    return allow()


def can_decide_distribution(user, distribution) -> Verdict:
    """Receipt is confirmed (or disputed) by the HRSS staff of the district it went to."""
    if not user.has_role(Role.DISTRICT_OFFICER) or user.organisation is None:
        return deny("发放由所在区县的人社局工作人员确认签收。")
    if user.organisation.region_id != distribution.region_id:
        return deny("只能确认发放到本区县的宣传资料。")
    return allow()


def can_resubmit_distribution(user, distribution) -> Verdict:
    if not may.provider_of(user, distribution.deliverable.project).allowed:
        return deny("由承担项目的服务机构处理区县的异议。")
    return allow()


def can_remove_distribution(user, distribution) -> Verdict:
    if not may.provider_of(user, distribution.deliverable.project).allowed:
        return deny("发放记录由承担项目的服务机构维护。")
    if distribution.status == DistributionStatus.CONFIRMED:
        return not_now("区县已确认签收，发放记录不能再删除。")
    return allow()
