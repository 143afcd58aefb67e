"""Permission checks return (allowed, reason): the page shows the reason."""


def can_view_audit_log(user) -> tuple[bool, str]:
    if user.is_authenticated and user.is_programme_owner:
        return True, ""
    return False, "只有市人社局可以查看全部审计记录。"
