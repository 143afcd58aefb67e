"""Who may change the people register. Each check returns (allowed, reason)."""

from yufang.accounts.models import Role


def can_edit_archive(user) -> tuple[bool, str]:
    """The register of people (names tied to ID numbers) is the programme's: the owner and the
    agency that keeps it. Providers, enterprises and self-registration only refer to it."""
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    return False, "人员档案由经办机构维护：姓名更正请联系经办机构。"
