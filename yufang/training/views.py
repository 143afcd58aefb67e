"""Pages for offline training: the session list and calendar, a session with its roster, live
attendance board and flags; the roster import; the venue screen with its rotating code; the
trainee's phone pages for signing in and out; manual marking; flags review; exports."""

import calendar
import datetime
import secrets

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core import audit
from yufang.core.audit import history
from yufang.core.context import client_ip
from yufang.core.export import XLSX, attachment, xlsx_bytes
from yufang.core.forms import form_errors_from
from yufang.core.jobs import job_start, succeeded_job_of
from yufang.core.listing import Column, list_response
from yufang.core.models import AuditAction, Job
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.throttle import Throttled
from yufang.core.workflow import done_message, status_of
from yufang.people.roster import roster_error_workbook
from yufang.projects.models import Project

from . import codes, services
from . import permissions as may
from .exports import attendance_columns, project_archive, roster_columns, roster_rows
from .forms import CodeForm, FlagFilterForm, MarkForm, RosterUploadForm, SessionFilterForm, SessionForm, SignForm
from .models import Attendance, Flag, FlagStatus, TrainingSession
from .selectors import (
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


# --- Roster import -------------------------------------------------------------------------------


@login_required
@require_POST
def roster_upload(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    _require(may.can_manage_session(request.user, session))
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(session)
    upload = form.cleaned_data["file"]
    job = job_start(
        kind="training.roster_check",
        title=f"校验花名册：{session}",
        actor=request.user,
        params={"session_id": session.pk, "filename": upload.name[:200]},
        file=upload,
    )
    return redirect("core:job", pk=job.pk)


def _check_job(request, job_id) -> tuple[Job, TrainingSession]:
    job = succeeded_job_of(request.user, job_id, kind="training.roster_check")
    session = get_scoped_or_404(
        request.user, TrainingSession.objects.select_related("project"), pk=job.result["session_id"]
    )
    return job, session


@login_required
def roster_review(request: HttpRequest, job_id: int) -> HttpResponse:
    job, session = _check_job(request, job_id)
    return render(request, "training/roster_review.html", {"job": job, "session": session, "result": job.result})


@login_required
@require_POST
def roster_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job, session = _check_job(request, job_id)
    _require(may.can_manage_session(request.user, session))
    if job.result.get("applied"):
        messages.info(request, "该文件已导入过。")
        return redirect(session)
    apply_job = job_start(
        kind="training.roster_apply",
        title=f"导入花名册：{session}",
        actor=request.user,
        params={"check_job_id": job.pk},
    )
    return redirect("core:job", pk=apply_job.pk)


@login_required
def roster_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    """The rows with errors, as uploaded, with what is wrong: corrected and uploaded again."""
    job, session = _check_job(request, job_id)
    _require(may.provider_of(request.user, session))
    return attachment(roster_error_workbook(job), f"花名册错误行_{session.pk}.xlsx", XLSX)


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
            done = services.sign_with_code(
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
    form = CodeForm(request.POST or None, initial={"direction": request.GET.get("direction", "in")})
    done, error, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        session = (
            TrainingSession.objects.select_related("project__plan").filter(pk=form.cleaned_data["session"]).first()
        )
        if session is None:
            error = "场次编号不存在。"
        else:
            try:
                done = services.sign_with_code(
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
        render(request, "training/code.html", {"form": form, "done": done, "error": error}, status=status),
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


# --- Exports ----------------------------------------------------------------------------------------


def _full(request, session) -> bool:
    """Full ID numbers only when asked for, to a role that needs them; audited."""
    if request.GET.get("full") != "1":
        return False
    if not may.may_export_full_ids(request.user, session):
        raise PermissionDenied("您的角色只能导出脱敏后的身份证号。")
    return True


def _audit_export(request, instance, what: str, rows: int) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        instance=instance,
        event=what,
        extra={"rows": rows, "full_id_numbers": True},
    )


@login_required
def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    full = _full(request, session)
    rows = list(roster_list(user=request.user, session=session)) if not full else list(roster_rows(session))
    if full:
        _audit_export(request, session, "roster_export", len(rows))
    return attachment(xlsx_bytes("花名册", roster_columns(full), rows), f"花名册_{session.pk}.xlsx", XLSX)


@login_required
def attendance_export(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    full = _full(request, session)
    rows = list(scoped(request.user, Attendance).filter(session=session).select_related("person", "person__enterprise"))
    if full:
        _audit_export(request, session, "attendance_export", len(rows))
    return attachment(xlsx_bytes("签到记录", attendance_columns(full), rows), f"签到记录_{session.pk}.xlsx", XLSX)


@login_required
def project_training(request: HttpRequest, project_pk: int) -> HttpResponse:
    """A project's sessions and flags; with ?export=archive the training archive (培训档案)."""
    project = get_scoped_or_404(request.user, Project.objects.select_related("provider", "plan"), pk=project_pk)
    if request.GET.get("export") == "archive":
        if not (may.provider_of(request.user, project)[0] or request.user.is_official):
            raise PermissionDenied("培训档案由服务机构和主管部门导出。")
        full = request.GET.get("full") == "1" and may.may_export_full_ids(request.user, project)
        content = project_archive(project, full=full)
        if full:
            _audit_export(request, project, "training_archive", 0)
        return attachment(content, f"培训档案_{project.name}.xlsx", XLSX)
    return render(
        request,
        "training/project.html",
        {
            "project": project,
            "sessions": session_list(user=request.user, project=project),
            "flags": flag_list(user=request.user, project=project)[:200],
            "can_schedule": may.can_schedule(request.user, project)[0],
        },
    )


# --- Flags ------------------------------------------------------------------------------------------

FLAG_COLUMNS = [
    Column("发现时间", lambda f: timezone.localtime(f.created_at).strftime("%Y-%m-%d %H:%M"), 18),
    Column("类型", lambda f: f.get_kind_display(), 20),
    Column("说明", lambda f: f.summary, 50),
    Column("场次", lambda f: str(f.session), 30),
    Column("项目", lambda f: f.project.name, 30),
    Column("状态", lambda f: f.get_status_display(), 10),
    Column("核查意见", lambda f: f.review_note, 30),
]


@login_required
def flag_index(request: HttpRequest) -> HttpResponse:
    form = FlagFilterForm(request.GET)
    return list_response(
        request,
        queryset=flag_list(user=request.user, **form.values()),
        filter_form=form,
        template="training/flag_list.html",
        export_columns=FLAG_COLUMNS,
        export_name="异常线索",
        context={"can_decide": may.can_review_flags(request.user)[0]},
    )


@login_required
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_scoped_or_404(request.user, Flag.objects.select_related("session", "project", "person"), pk=pk)
    return render(
        request,
        "training/flag_detail.html",
        {
            "flag": flag,
            "transitions": services.FLAG_WORKFLOW.options(flag, request.user),
            "transition_url": reverse("training:flag_transition", args=[flag.pk]),
            "history": history(flag),
        },
    )


@login_required
@require_POST
def flag_transition(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_scoped_or_404(request.user, Flag, pk=pk)
    try:
        services.flag_transition(
            flag=flag, action=request.POST.get("action", ""), actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "核查意见已记录。")
    return redirect(flag)


@login_required
@require_POST
def flag_decide(request: HttpRequest) -> HttpResponse:
    """Several flags decided with one note. A flag outside the user's scope is a 404."""
    ids = sorted({int(v) for v in request.POST.getlist("flag") if v.isdigit()})
    flags = list(scoped(request.user, Flag).filter(pk__in=ids).order_by("pk"))
    if len(flags) != len(ids):
        raise Http404
    action = request.POST.get("action", "")
    try:
        count = services.flags_decide(flags=flags, action=action, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        label = services.FLAG_WORKFLOW.table[(FlagStatus.OPEN, action)].label
        messages.success(request, f"已将 {count} 条线索{label}，核查意见已逐条记录。")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(reverse("training:flag_list")) else "training:flag_list")
