"""Who may do what in supervision. The agency inspects anywhere; a district bureau plans and
conducts inspections in its own district only; an inspection's own side (its organiser) moves
it and its findings; the provider answers rectification requests of its projects; partners
read. Checks return (allowed, reason)."""

from yufang.accounts.models import OrganisationKind, Role
from yufang.core.permissions import Verdict, allow, deny, not_now

STAFF = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER, Role.PROVIDER_STAFF)


def can_view_inspections(user) -> tuple[bool, str]:
    if user.is_authenticated and user.has_role(*STAFF):
        return True, ""
    return False, "监督检查仅对主管部门、经办机构、区县人社局和服务机构开放。"


def can_view_coverage(user) -> tuple[bool, str]:
    if user.is_authenticated and user.has_role(
        Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER
    ):
        return True, ""
    return False, "监管覆盖情况仅对主管部门、经办机构和区县人社局开放。"


def _district_of(user):
    if user.has_role(Role.DISTRICT_OFFICER) and user.organisation and user.organisation.region_id:
        return user.organisation.region_id
    return None


def can_inspect_in(user, region_id: int | None) -> Verdict:
    """Plan or draw in a district: the agency anywhere, a district bureau in its own."""
    if not user.is_authenticated:
        return deny("请先登录。")
    if user.is_agency:
        return allow()
    district = _district_of(user)
    if district is None:
        return deny("监督检查由经办机构和区县人社局开展。")
    if region_id != district:
        return deny("区县人社局只能在本区县开展检查。")
    return allow()


def conducts(user, inspection) -> Verdict:
    """The inspection's own side: the agency's staff for the agency's, the bureau's for its."""
    if not user.is_authenticated or inspection.organiser_id != user.organisation_id:
        return deny("只有组织本次检查的单位可以操作。")
    if user.is_agency and inspection.organiser.kind == OrganisationKind.AGENCY:
        return allow()
    if _district_of(user) == inspection.region_id and inspection.organiser.kind == OrganisationKind.DISTRICT:
        return allow()
    return deny("只有组织本次检查的单位可以操作。")


def can_record_on_site(user, inspection) -> Verdict:
    """Answers, photos, head count and roster checks: by the inspecting side, while on site."""
    verdict = conducts(user, inspection)
    if not verdict.allowed:
        return verdict
    if inspection.status != "on_site":
        return not_now("检查开始后、完成前才能记录检查结果。")
    return allow()


def can_add_finding(user, inspection) -> Verdict:
    verdict = conducts(user, inspection)
    if not verdict.allowed:
        return verdict
    if inspection.status not in ("on_site", "done"):
        return not_now("检查开始后才能记录发现的问题。")
    return allow()


def finding_inspector(user, finding) -> Verdict:
    return conducts(user, finding.inspection)


def finding_provider(user, finding) -> Verdict:
    if (
        user.is_authenticated
        and user.has_role(Role.PROVIDER_STAFF)
        and user.organisation_id == finding.inspection.project.provider_id
    ):
        return allow()
    return deny("只有被检查的服务机构可以答复整改。")


def can_propose_consequence(user, finding) -> Verdict:
    verdict = conducts(user, finding.inspection)
    if not verdict.allowed:
        return verdict
    if finding.deduction_id is not None:
        return not_now("已据此扣减项目费用。")
    return allow()


def can_enter_deduction(user, finding) -> Verdict:
    """The agency enters the proposed deduction into the project's deduction workflow."""
    if not (user.is_authenticated and user.is_agency):
        return deny("扣减项目费用由经办机构决定。")
    if finding.deduction_id is not None:
        return not_now("已据此扣减项目费用。")
    if finding.proposed_amount is None:
        return not_now("检查单位尚未提出扣减建议。")
    return allow()


def can_enter_debarment(user, finding) -> Verdict:
    """A finding of fraud: the programme owner enters the provider in the debarment register."""
    if not (user.is_authenticated and user.is_programme_owner):
        return deny("禁入由市人社局决定。")
    if finding.kind != "fraud":
        return not_now("只有弄虚作假的问题可以据此列入禁入名单。")
    if finding.debarment_id is not None:
        return not_now("已据此列入禁入名单。")
    return allow()


def can_edit_checklists(user) -> tuple[bool, str]:
    if user.is_authenticated and user.is_agency:
        return True, ""
    return False, "检查清单由经办机构维护。"


def can_call_back(user, callback) -> Verdict:
    """Record calls of a sample: its own side."""
    if not user.is_authenticated or callback.organiser_id != user.organisation_id:
        return deny("只有抽取本次回访的单位可以记录回访结果。")
    if user.is_agency or _district_of(user) == callback.region_id:
        return allow()
    return deny("只有抽取本次回访的单位可以记录回访结果。")
