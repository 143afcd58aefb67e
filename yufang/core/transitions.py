"""The one view helper for a transition form: a POST carrying `action` (and `note`) runs the
service's transition; a refusal comes back as an error message, success as a message that names
the record, what happened and its new status (`workflow.done_message`), and either way the user
returns to the record."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .workflow import done_message, status_of


def error_text(e: ValidationError | PermissionDenied) -> str:
    """What the user reads of a service's refusal: a ValidationError's messages joined."""
    return "；".join(e.messages) if isinstance(e, ValidationError) else str(e)


def transition_response(request: HttpRequest, perform: Callable, redirect_to, **params) -> HttpResponse:
    action, previous = request.POST.get("action", ""), status_of(redirect_to)
    try:
        perform(action=action, note=request.POST.get("note", ""), **params)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, done_message(redirect_to, action, previous))
    return redirect(redirect_to)
