def can_edit_reference(user) -> tuple[bool, str]:
    if user.is_authenticated and user.is_programme_owner:
        return True, ""
    return False, "基础数据只能由市人社局维护。"
