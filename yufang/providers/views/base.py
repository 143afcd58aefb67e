"""What the provider pages share: the permission guard, the officials-only check, the form page and
the transition form handler."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _officials_only(user) -> None:
    if not user.is_official and not user.has_role("district_officer"):
        raise PermissionDenied("仅对主管部门开放。")


def _form_page(request, form, title: str, cancel: str, **extra) -> HttpResponse:
    return render(request, "providers/form.html", {"form": form, "title": title, "cancel": cancel, **extra})


def _transition(request, perform, obj, redirect_to) -> HttpResponse:
    try:
        perform(action=request.POST.get("action", ""), note=request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as e:
        text = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
        messages.error(request, text)
    else:
        messages.success(request, "操作已完成。")
    return redirect(redirect_to)
