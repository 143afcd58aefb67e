from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/static/", "/healthz", "/api/")


class PasswordChangeRequiredMiddleware:
    """An account given a temporary password must set its own before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if request.path not in allowed and not request.path.startswith(ALLOWED_PREFIXES):
                return redirect("accounts:password_change")
        return self.get_response(request)
