"""What the project pages share: the permission guard, the transition form handler, the form page
and the scoped project lookup."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from yufang.core.scoping import get_scoped_or_404

from ..models import Project


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _error_text(e) -> str:
    return "；".join(e.messages) if isinstance(e, ValidationError) else str(e)


def _perform(request, perform, redirect_to, **params) -> HttpResponse:
    try:
        perform(action=request.POST.get("action", ""), note=request.POST.get("note", ""), **params)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, _error_text(e))
    else:
        messages.success(request, "操作已完成。")
    return redirect(redirect_to)


def _form_page(request, title: str, cancel: str, **context) -> HttpResponse:
    return render(request, "projects/form.html", {"title": title, "cancel": cancel, **context})


def _project(request, pk: int) -> Project:
    return get_scoped_or_404(
        request.user, Project.objects.select_related("agreement", "agreement__agency", "provider", "plan"), pk=pk
    )
