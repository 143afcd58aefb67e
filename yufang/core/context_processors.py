from .registry import nav_entries_for, nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_entries": []}
    return {"nav_items": nav_for(user), "nav_entries": nav_entries_for(user)}
