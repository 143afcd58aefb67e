"""The venue screen with its rotating code and the trainee's phone pages for signing in and out;
manual marking."""

import secrets

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yufang.core.context import client_ip
from yufang.core.forms import form_errors_from
from yufang.core.permissions import require as _require
from yufang.core.throttle import Throttled
from yufang.reference.selectors import platform_city

from .. import codes, services
from .. import permissions as may
from ..forms import CodeForm, MarkForm, SignForm
from ..models import TrainingSession
from ..selectors import (
    attendance_board,
)
from .sessions import DEVICE_COOKIE, _messages_of, _session

# --- Venue screen and phone pages ------------------------------------------------------------------


def _screen_context(request, session, direction):
    window = codes.window_now()
    token = codes.make_token(session, direction, window)
    url = request.build_absolute_uri(reverse("training:scan", args=[token]))
    return {
        "session": session,
        "direction": direction,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=7, dark="#000", light="#fff"),
        "scan_url": url,
        "text_code": codes.text_code(session, direction, window),
        "seconds_left": codes.WINDOW_SECONDS - int(timezone.now().timestamp()) % codes.WINDOW_SECONDS,
    }


@login_required
def venue_screen(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(may.provider_of(request.user, session))
    direction = "out" if request.GET.get("direction") == "out" else "in"
    context = _screen_context(request, session, direction)
    if request.htmx and request.htmx.target == "code":
        return render(request, "training/screen.html#code", context)
    signed, missing = attendance_board(user=request.user, session=session)
    return render(request, "training/screen.html", {**context, "signed": signed, "missing": missing})


def _device(request) -> str:
    return request.COOKIES.get(DEVICE_COOKIE) or ""


def _with_device(request, response):
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE, secrets.token_hex(12), max_age=3 * 365 * 86400, httponly=True, samesite="Lax"
        )
    return response


def scan(request: HttpRequest, token: str) -> HttpResponse:
    """What the phone opens from the QR code: confirm who you are, then sign in or out."""
    parsed = codes.parse_token(token)
    session = (
        TrainingSession.objects.select_related("project__plan").filter(pk=parsed.session_id).first() if parsed else None
    )
    if session is None:
        raise Http404("二维码无效。")
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    form = SignForm(request.POST or None)
    if person is not None:
        form.fields["name"].required = form.fields["id_number"].required = False
    done, error = None, ""
    try:
        codes.check_token(session, parsed)
    except codes.CodeError as e:
        if "过期" not in str(e):  # a forged code learns nothing, not even the session's topic
            raise Http404("二维码无效。") from None
        error = str(e)
    if request.method == "POST" and not error and form.is_valid():
        try:
            done = services.attendance_sign_with_code(
                session=session,
                direction=parsed.direction,
                token=token,
                user=request.user,
                name=form.cleaned_data.get("name", ""),
                id_number=form.cleaned_data.get("id_number", ""),
                device=_device(request),
                ip=client_ip.get(),
            )
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                form_errors_from(form, e)
            else:
                error = _messages_of(e)
    response = render(
        request,
        "training/scan.html",
        {
            "session": session,
            "direction": parsed.direction,
            "form": form,
            "person": person,
            "done": done,
            "error": error,
        },
    )
    return _with_device(request, response)


def code_sign(request: HttpRequest) -> HttpResponse:
    """The fallback for a camera that cannot read the screen: session number and the six digits."""
    wanted = request.GET.get("session", "")
    form = CodeForm(
        request.POST or None,
        initial={"direction": request.GET.get("direction", "in"), "session": wanted if wanted.isdigit() else None},
    )
    done, error, status = None, "", 200
    # The header names the organiser: the session's once its number is known, else the city's bureau.
    sessions = TrainingSession.objects.select_related("project__plan__city", "project__provider")
    session = sessions.filter(pk=wanted).first() if wanted.isdigit() and len(wanted) < 10 else None
    if request.method == "POST" and form.is_valid():
        session = sessions.filter(pk=form.cleaned_data["session"]).first()
        if session is None:
            error = "场次编号不存在。"
        else:
            try:
                done = services.attendance_sign_with_code(
                    session=session,
                    direction=form.cleaned_data["direction"],
                    text_code=form.cleaned_data["code"],
                    user=request.user,
                    name=form.cleaned_data["name"],
                    id_number=form.cleaned_data["id_number"],
                    device=_device(request),
                    ip=client_ip.get(),
                )
            except ValidationError as e:
                if hasattr(e, "error_dict"):
                    form_errors_from(form, e)
                else:
                    error = _messages_of(e)
                    status = 429 if isinstance(e, Throttled) else 200
    return _with_device(
        request,
        render(
            request,
            "training/code.html",
            {"form": form, "done": done, "error": error, "session": session, "city": platform_city()},
            status=status,
        ),
    )


@login_required
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(may.can_manage_session(request.user, session))
    form = MarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_mark(session=session, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "已补录，并记入变更历史。")
            return redirect(session)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": f"人工补录签到：{session}", "cancel": session.get_absolute_url()},
    )
