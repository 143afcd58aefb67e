"""Sessions: the list and calendar, scheduling and editing, a session's page, its live board and
its transitions."""

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.workflow import done_message, status_of
from yufang.projects.models import Project

from .. import permissions as may
from .. import services
from ..forms import RosterUploadForm, SessionFilterForm, SessionForm
from ..models import TrainingSession
from ..selectors import (
    attendance_board,
    flag_list,
    roster_list,
    session_enterprises,
    session_list,
    sessions_in_month,
)

DEVICE_COOKIE = "yf_device"


def _messages_of(e: ValidationError) -> str:
    return "；".join(e.messages)


SESSION_COLUMNS = [
    Column("场次编号", lambda s: s.pk, 8),
    Column("开始时间", lambda s: timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M"), 18),
    Column("培训形式", lambda s: s.get_kind_display(), 10),
    Column("主题", lambda s: s.topic, 30),
    Column("区县", lambda s: s.region.name, 10),
    Column("地点", lambda s: s.venue, 24),
    Column("服务机构", lambda s: s.project.provider.name, 24),
    Column("计划人数", lambda s: s.capacity, 8),
    Column("花名册", lambda s: s.roster_count, 8),
    Column("签到", lambda s: s.signed_count, 8),
    Column("认定完成", lambda s: s.completed_count, 8),
    Column("待核查线索", lambda s: s.flag_count, 10),
    Column("状态", lambda s: s.get_status_display(), 10),
]


@login_required
def session_index(request: HttpRequest) -> HttpResponse:
    form = SessionFilterForm(request.GET)
    projects = []
    if request.user.has_role("provider_staff"):
        projects = [
            p for p in scoped(request.user, Project).filter(provider_id=request.user.organisation_id) if p.accepts_work
        ]
    return list_response(
        request,
        queryset=session_list(user=request.user, **form.values()),
        filter_form=form,
        template="training/session_list.html",
        export_columns=SESSION_COLUMNS,
        export_name="线下培训场次",
        context={"projects": projects},
    )


CALENDAR_YEARS = (2000, 2100)


@login_required
def session_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
    except ValueError:
        year = month = 0
    # The page links to the month before and after, so the first and last years have no calendar.
    if not (CALENDAR_YEARS[0] <= year <= CALENDAR_YEARS[1] and 1 <= month <= 12):
        return HttpResponseBadRequest(
            f"年份须在 {CALENDAR_YEARS[0]}–{CALENDAR_YEARS[1]} 之间，月份须在 1–12 之间。",
            content_type="text/plain; charset=utf-8",
        )
    by_day: dict[int, list] = {}
    for s in sessions_in_month(user=request.user, year=year, month=month):
        by_day.setdefault(timezone.localtime(s.starts_at).day, []).append(s)
    weeks = [[(d, by_day.get(d, [])) for d in week] for week in calendar.Calendar().monthdayscalendar(year, month)]
    prev_month = datetime.date(year, month, 1) - datetime.timedelta(days=1)
    next_month = datetime.date(year, month, 28) + datetime.timedelta(days=4)
    return render(
        request,
        "training/calendar.html",
        {
            "year": year,
            "month": month,
            "weeks": weeks,
            "prev": prev_month,
            "next": next_month,
        },
    )


@login_required
def session_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_scoped_or_404(request.user, Project.objects.select_related("plan"), pk=project_pk)
    _require(may.can_schedule(request.user, project))
    form = SessionForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprises = data.pop("enterprises")
        try:
            session = services.session_create(project=project, data=data, enterprises=enterprises, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "场次已安排。")
            return redirect(session)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": f"安排场次：{project}", "cancel": reverse("training:session_list")},
    )


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_scoped_or_404(request.user, TrainingSession.objects.select_related("project"), pk=pk)
    _require(may.can_manage_session(request.user, session))
    form = SessionForm(
        request.POST or None,
        instance=session,
        project=session.project,
        initial={"enterprises": session.enterprises.all()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprises = data.pop("enterprises")
        try:
            services.session_update(
                session=TrainingSession.objects.get(pk=pk), data=data, enterprises=enterprises, actor=request.user
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "场次已保存。")
            return redirect(session)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": f"修改场次：{session}",
            "cancel": session.get_absolute_url(),
            "history": history(session),
        },
    )


def _session(request, pk):
    return get_scoped_or_404(
        request.user,
        TrainingSession.objects.select_related("project", "project__provider", "project__plan", "region", "industry"),
        pk=pk,
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    signed, missing = attendance_board(user=request.user, session=session)
    manage = may.can_manage_session(request.user, session)[0]
    is_provider = may.provider_of(request.user, session)[0]
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "signed": signed,
            "missing": missing,
            "roster_count": roster_list(user=request.user, session=session).count(),
            "enterprises": session_enterprises(
                user=request.user, session=session, sees_all=is_provider or request.user.scope.kind != "organisation"
            ),
            "flags": flag_list(user=request.user, session=session),
            "transitions": services.SESSION_WORKFLOW.options(session, request.user),
            "transition_url": reverse("training:session_transition", args=[session.pk]),
            "can_manage": manage,
            "is_provider": is_provider,
            "upload_form": RosterUploadForm() if manage else None,
            "full_export": may.may_export_full_ids(request.user, session),
            "rule": session.project.plan.offline_attendance_percent,
            "history": history(session),
        },
    )


@login_required
def session_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The live list, polled by HTMX every few seconds."""
    session = _session(request, pk)
    signed, missing = attendance_board(user=request.user, session=session)
    return render(
        request, "training/session_detail.html#board", {"session": session, "signed": signed, "missing": missing}
    )


@login_required
@require_POST
def session_transition(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    action, previous = request.POST.get("action", ""), status_of(session)
    try:
        services.session_transition(
            session=session,
            action=action,
            actor=request.user,
            note=request.POST.get("note", ""),
        )
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        text = done_message(session, action, previous)
        if action == "close":
            text += f"认定完成 {session.completed_count} 人。"
        messages.success(request, text)
    return redirect(session)
