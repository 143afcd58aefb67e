"""The one view helper for a transition form: a POST carrying `action` (and `note`) runs the
service's transition; a refusal comes back as an error message, success as "操作已完成。", and
either way the user returns to the record."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def error_text(e: ValidationError | PermissionDenied) -> str:
    """What the user reads of a service's refusal: a ValidationError's messages joined."""
    return "；".join(e.messages) if isinstance(e, ValidationError) else str(e)


def transition_response(request: HttpRequest, perform: Callable, redirect_to, **params) -> HttpResponse:
    try:
        perform(action=request.POST.get("action", ""), note=request.POST.get("note", ""), **params)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, "操作已完成。")
    return redirect(redirect_to)
