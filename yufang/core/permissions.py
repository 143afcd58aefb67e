"""Permission checks return (allowed, reason): the page shows the reason."""

from django.core.exceptions import PermissionDenied


def can_view_audit_log(user) -> tuple[bool, str]:
    if user.is_authenticated and user.is_programme_owner:
        return True, ""
    return False, "只有市人社局可以查看全部审计记录。"


def require(check: tuple[bool, str]) -> None:
    """Refuses with the check's reason: the one guard services and views put before a write."""
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)
