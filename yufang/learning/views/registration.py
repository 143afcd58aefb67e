"""Self-registration (throttled per address and per ID number) and its confirmation by the
employer or the agency."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yufang.core.audit import history
from yufang.core.context import client_ip
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.throttle import TOO_MANY, throttle_hit
from yufang.people import idnumbers

from .. import services
from ..forms import (
    RegisterForm,
    RegistrationFilterForm,
)
from ..models import (
    Registration,
)
from ..selectors import (
    enterprises_named,
    registration_problem,
)

# Self-registration answers guesses about ID numbers: so many tries per address an hour, and
# per ID number a day (keyed by its hash).
REGISTER_PER_ADDRESS = (10, 3600)
REGISTER_PER_ID = (3, 86400)


def _register_throttled(request, id_number: str) -> bool:
    limit, window = REGISTER_PER_ADDRESS
    if not throttle_hit(scope="register-ip", key=client_ip.get() or "", limit=limit, window=window):
        return True
    try:
        key = idnumbers.id_hash(idnumbers.check(id_number).number)
    except ValidationError:
        return False  # an invalid number is answered as such and registers nothing
    limit, window = REGISTER_PER_ID
    return not throttle_hit(scope="register-id", key=key, limit=limit, window=window)


ENTERPRISE_SEARCH_PER_ADDRESS = (60, 600)


@require_http_methods(["GET"])
def register_enterprises(request: HttpRequest) -> HttpResponse:
    """The registration page's search of the enterprise register by name: at most ten names and
    credit codes, throttled per address (the page is public)."""
    limit, window = ENTERPRISE_SEARCH_PER_ADDRESS
    if not throttle_hit(scope="register-enterprise-search", key=client_ip.get() or "", limit=limit, window=window):
        return render(request, "learning/_enterprise_matches.html", {"throttled": TOO_MANY}, status=429)
    query = request.GET.get("q", "")[:50]
    return render(
        request,
        "learning/_enterprise_matches.html",
        {"query": query.strip(), "matches": enterprises_named(query)},
    )


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("learning:home")
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _register_throttled(request, request.POST.get("id_number", "")):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "password2"}
            try:
                user = services.person_self_register(**data)
            except ValidationError as e:
                form_errors_from(form, e)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, f"注册申请已提交，待单位确认后即可开始学习。您的登录用户名是 {user.username}，请牢记。"
                )
                return redirect("learning:home")
    return render(request, "learning/register.html", {"form": form}, status=status)


REGISTRATION_COLUMNS = [
    Column("提交时间", lambda r: timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"), 18),
    Column("姓名", lambda r: r.name, 10),
    Column("身份证号", lambda r: r.id_masked, 22),
    Column("用户名", lambda r: r.user.username, 14),
    Column("所填单位", lambda r: r.enterprise.name, 28),
    Column("状态", lambda r: r.get_status_display(), 10),
]


@login_required
def registrations(request: HttpRequest) -> HttpResponse:
    """Self-registrations waiting for (or decided by) the enterprise they name, or the agency;
    each user sees those their scope allows."""
    form = RegistrationFilterForm(request.GET)
    return list_response(
        request,
        queryset=scoped(request.user, Registration).select_related("user", "enterprise"),
        filter_form=form,
        template="learning/registration_list.html",
        export_columns=REGISTRATION_COLUMNS,
        export_name="个人注册申请",
    )


def _registration(request, pk: int) -> Registration:
    return get_scoped_or_404(request.user, Registration.objects.select_related("user", "enterprise", "plan"), pk=pk)


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    transitions = services.REGISTRATION_WORKFLOW.options(registration, request.user)
    decides = any(allowed for _, allowed, _ in transitions)
    return render(
        request,
        "learning/registration_detail.html",
        {
            "registration": registration,
            "problem": registration_problem(registration) if decides else "",
            "transitions": transitions,
            "transition_url": reverse("learning:registration_transition", args=[registration.pk]),
            "history": history(registration),
        },
    )


@login_required
@require_POST
def registration_transition(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    try:
        services.registration_transition(
            registration=registration,
            action=request.POST.get("action", ""),
            actor=request.user,
            note=request.POST.get("note", ""),
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "已处理。")
    return redirect("learning:registration", pk=registration.pk)
