"""What the provider pages share: the permission guard, the officials-only check, the form page and
the transition form handler."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render


def _officials_only(user) -> None:
    if not user.is_official and not user.has_role("district_officer"):
        raise PermissionDenied("仅对主管部门开放。")


def _form_page(request, form, title: str, cancel: str, **extra) -> HttpResponse:
    return render(request, "providers/form.html", {"form": form, "title": title, "cancel": cancel, **extra})
