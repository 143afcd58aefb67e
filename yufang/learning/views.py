import mimetypes
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from yufang.core.audit import history
from yufang.core.context import client_ip
from yufang.core.export import XLSX, attachment
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.jobs import job_start, succeeded_job_of
from yufang.core.listing import Column, list_response
from yufang.core.masking import mask_id_number
from yufang.core.models import Job
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.throttle import TOO_MANY, throttle_hit
from yufang.people import idnumbers
from yufang.plans.models import Plan
from yufang.plans.permissions import can_edit_plan

from . import services
from .forms import (
    CourseForm,
    CurriculumForm,
    ExamForm,
    LearnerFilterForm,
    LessonForm,
    RegisterForm,
    RegistrationFilterForm,
    StudyRuleForm,
    UploadForm,
)
from .models import (
    Certificate,
    Course,
    Enrolment,
    Lesson,
    LessonKind,
    Question,
    Registration,
    StudyInterval,
    StudyRule,
)
from .pdf import certificate_pdf
from .permissions import (
    can_edit_course,
    can_edit_study_rule,
    can_enrol,
    can_manage_catalogue,
    can_set_curriculum,
    can_view_learners,
    can_view_patterns,
    can_view_statistics,
    is_learner,
)
from .selectors import (
    curriculum_for,
    enrolment_list,
    enterprises_named,
    exam_attempt_open,
    exam_attempt_to_submit,
    platform_figures,
    progress_of,
    suspicious_patterns,
)

# --- The learner --------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not is_learner(request.user):
        return redirect("learning:learners")
    enrolment = services.enrolment_of(request.user)
    progress = progress_of(enrolment) if enrolment else None
    certificates = Certificate.objects.filter(enrolment__person__user=request.user)
    registration = None if enrolment else scoped(request.user, Registration).filter(user=request.user).first()
    return render(
        request,
        "learning/home.html",
        {"enrolment": enrolment, "progress": progress, "certificates": certificates, "registration": registration},
    )


def _lesson_for_learner(request, pk: int) -> tuple[Lesson, Enrolment]:
    lesson = get_object_or_404(Lesson.objects.select_related("course"), pk=pk)
    enrolment = services.enrolment_of(request.user)
    if enrolment is None:
        raise Http404("未找到该记录。")
    kinds = curriculum_for(
        plan=enrolment.plan, industry_id=enrolment.person.industry_id, position_id=enrolment.person.position_id
    )
    if lesson.course_id not in kinds:
        raise Http404("未找到该记录。")
    return lesson, enrolment


@login_required
def lesson_player(request: HttpRequest, pk: int) -> HttpResponse:
    lesson, enrolment = _lesson_for_learner(request, pk)
    rule = services.study_rule_for(enrolment.plan)
    return render(
        request,
        "learning/player.html",
        {
            "lesson": lesson,
            "course": lesson.course,
            "enrolment": enrolment,
            "rule": rule,
            "lessons": lesson.course.lessons.all(),
            "has_exam": hasattr(lesson.course, "exam"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def keepalive(request: HttpRequest) -> HttpResponse:
    """Keeps the login alive while the player is in use. Heartbeats go through the fast path
    with the player's own token and never touch the login session, so without this a learner
    watching a long lesson is logged out after SESSION_COOKIE_AGE. The player calls it only
    while someone is studying; a redirect to the login page tells it the login is gone."""
    request.session.modified = True  # saved with a new expiry even if SESSION_SAVE_EVERY_REQUEST is off
    return HttpResponse(status=204)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


@login_required
def lesson_media(request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson's video or PDF from the platform's own storage, with HTTP range requests
    (a phone's player asks for the part it needs)."""
    lesson = get_object_or_404(Lesson, pk=pk)
    if not can_manage_catalogue(request.user)[0]:
        lesson, _ = _lesson_for_learner(request, pk)
    field = lesson.video if lesson.kind == LessonKind.VIDEO else lesson.document
    if not field:
        raise Http404("未找到该记录。")
    if settings.YUFANG_MEDIA_ACCEL_REDIRECT:
        # nginx sends it from its internal location, range requests included.
        return serve_upload(field, filename=lesson.title, inline=True)
    size = field.size
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    start, end, status = 0, size - 1, 200
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match and (match.group(1) or match.group(2)):
        if match.group(1):
            start = int(match.group(1))
            end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
        else:
            start = max(0, size - int(match.group(2)))
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    handle = field.open("rb")
    handle.seek(start)

    def chunks(remaining=end - start + 1):
        try:
            while remaining > 0:
                data = handle.read(min(CHUNK, remaining))
                if not data:
                    break
                remaining -= len(data)
                yield data
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), status=status, content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Content-Length"] = str(end - start + 1)
    response["Cache-Control"] = "private, max-age=3600"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _exam_of(course: Course):
    exam = getattr(course, "exam", None)
    if exam is None:
        raise Http404("该课程没有考试。")
    return exam


@login_required
@require_http_methods(["GET", "POST"])
def exam(request: HttpRequest, course_id: int) -> HttpResponse:
    """GET shows the paper of an attempt in progress, or a start button: only that button's POST
    starts an attempt (and uses one up), so a reload, a prefetch or a link preview never does."""
    course = get_object_or_404(Course, pk=course_id)
    if request.method == "POST" and "start" in request.POST:
        try:
            services.exam_start(user=request.user, course=course)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return redirect("learning:home")
        return redirect("learning:exam", course_id=course.pk)
    if request.method == "POST":
        attempt = exam_attempt_to_submit(user=request.user, course=course, attempt_id=request.POST.get("attempt", ""))
        if attempt is None:
            messages.error(request, "未找到待交的试卷：该试卷可能已交卷。")
            return redirect("learning:home")
        answers = {str(qid): "".join(request.POST.getlist(f"q{qid}")) for qid in attempt.question_ids}
        attempt = services.exam_submit(user=request.user, attempt=attempt, answers=answers)
        if attempt.passed:
            messages.success(request, f"考试通过：{attempt.score} 分。")
        else:
            messages.warning(request, f"本次得分 {attempt.score} 分，未达到及格分 {attempt.exam.pass_mark} 分。")
        return redirect("learning:home")
    attempt = exam_attempt_open(user=request.user, course=course)
    if attempt is None:
        return render(request, "learning/exam_start.html", {"course": course, "exam": _exam_of(course)})
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    return render(
        request,
        "learning/exam.html",
        {
            "course": course,
            "attempt": attempt,
            "questions": [questions[i] for i in attempt.question_ids if i in questions],
            "seconds_left": max(0, int((attempt.deadline - timezone.now()).total_seconds())),
        },
    )


@login_required
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_scoped_or_404(request.user, Certificate, pk=pk)
    url = request.build_absolute_uri(reverse("learning:verify_code", args=[certificate.code]))
    return attachment(certificate_pdf(certificate, url), f"培训合格证书_{certificate.code}.pdf", "application/pdf")


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: what the certificate states, nothing more."""
    code = (code or request.GET.get("code", "")).strip().upper()
    certificate = Certificate.objects.filter(code=code).first() if code else None
    return render(request, "learning/verify.html", {"code": code, "certificate": certificate})


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
                user = services.self_register(**data)
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
            "problem": services.registration_problem(registration) if decides else "",
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


# --- Staff --------------------------------------------------------------------------------


def _hours(ms: int, plan: Plan) -> str:
    return str(services.hours_of(ms, plan))


LEARNER_COLUMNS = [
    Column("姓名", lambda e: e.person.name, 10),
    Column("身份证号", lambda e: mask_id_number(e.person.id_number), 22),
    Column("年度", lambda e: e.plan.year, 8),
    Column("企业", lambda e: e.enterprise.name, 28),
    Column("区县", lambda e: e.enterprise.region.name if e.enterprise.region else "", 10),
    Column("行业", lambda e: e.person.industry.name if e.person.industry else "", 12),
    Column("岗位", lambda e: e.person.position.name if e.person.position else "", 16),
    Column("报名方式", lambda e: e.get_channel_display(), 10),
    Column("已完成课时", lambda e: e.lessons_done, 10),
    Column("计入学习时长（学时）", lambda e: _hours(e.credited_ms, e.plan), 14),
    Column("达标日期", lambda e: e.completed_on, 12),
]


@login_required
def learners(request: HttpRequest) -> HttpResponse:
    if not is_learner(request.user):  # a trainee sees their own row (scoping)
        _require(can_view_learners(request.user))
    form = LearnerFilterForm(request.GET)
    return list_response(
        request,
        queryset=enrolment_list(user=request.user, **form.values()),
        filter_form=form,
        template="learning/learner_list.html",
        export_columns=LEARNER_COLUMNS,
        export_name="线上学员",
        context={
            "can_enrol": can_enrol(request.user)[0],
            "can_patterns": can_view_patterns(request.user)[0],
            "can_stats": can_view_statistics(request.user)[0],
        },
    )


def _seconds(ms: int) -> int:
    return round(ms / 1000)


EVIDENCE_COLUMNS = [
    Column("服务器时间", lambda i: timezone.localtime(i.at).strftime("%Y-%m-%d %H:%M:%S"), 20),
    Column("课时", lambda i: i.lesson.title, 30),
    Column("心跳序号", lambda i: i.seq, 10),
    Column("间隔（秒）", lambda i: _seconds(i.wall_ms), 10),
    Column("起始位置（秒）", lambda i: _seconds(i.from_ms), 12),
    Column("报告位置（秒）", lambda i: _seconds(i.to_ms), 12),
    Column("倍速", lambda i: i.rate, 8),
    Column("计入（秒）", lambda i: _seconds(i.credited_ms), 10),
    Column("判定", lambda i: i.get_verdict_display(), 14),
]


@login_required
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner's record: progress, sessions and every study interval (the evidence), paged and
    exportable in full."""
    enrolment = get_scoped_or_404(
        request.user, Enrolment.objects.select_related("person", "plan", "enterprise", "provider"), pk=pk
    )
    return list_response(
        request,
        queryset=StudyInterval.objects.filter(enrolment=enrolment).select_related("lesson").order_by("-at", "-pk"),
        template="learning/enrolment_detail.html",
        export_columns=EVIDENCE_COLUMNS,
        export_name=f"{enrolment.person.name}学习时长凭证",
        page_size=50,
        context={
            "enrolment": enrolment,
            "progress": progress_of(enrolment),
            "sessions": enrolment.sessions.select_related("lesson").order_by("-started_at")[:50],
            "credited_hours": _hours(enrolment.credited_ms, enrolment.plan),
        },
    )


@login_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    _require(can_enrol(request.user))
    plan = Plan.objects.filter(status="issued").order_by("-year").first()
    if plan is None:
        raise Http404("尚无已印发的实施方案。")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        organisation = request.user.organisation
        params = {"plan_id": plan.pk, "filename": form.cleaned_data["file"].name}
        if request.user.has_role("enterprise_contact"):
            params["enterprise_id"] = organisation.pk
        job = job_start(
            kind="learning.roster_check",
            title=f"校验线上培训报名名单（{plan.year}年）",
            actor=request.user,
            params=params,
            file=form.cleaned_data["file"],
        )
        return redirect("core:job", pk=job.pk)
    return render(request, "learning/upload.html", {"form": form, "kind": "roster", "plan": plan})


@login_required
def questions_upload(request: HttpRequest) -> HttpResponse:
    _require(can_manage_catalogue(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = job_start(
            kind="learning.questions_check",
            title="校验试题导入文件",
            actor=request.user,
            file=form.cleaned_data["file"],
        )
        return redirect("core:job", pk=job.pk)
    return render(request, "learning/upload.html", {"form": form, "kind": "questions"})


def _import_job(request, job_id) -> Job:
    return succeeded_job_of(request.user, job_id, kind__in=["learning.roster_check", "learning.questions_check"])


@login_required
def import_review(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    return render(request, "learning/import_review.html", {"job": job, "result": job.result})


@login_required
def import_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    """A checked enrolment list's rows with errors, as uploaded, with what is wrong."""
    from yufang.people.roster import roster_error_workbook

    job = _import_job(request, job_id)
    if job.kind != "learning.roster_check":
        raise Http404
    return attachment(roster_error_workbook(job), f"报名名单错误行_{job.pk}.xlsx", XLSX)


@login_required
@require_POST
def import_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    if job.result.get("applied"):
        messages.info(request, "该文件已导入过。")
        return redirect("learning:import_review", job_id=job.pk)
    try:
        if job.kind == "learning.questions_check":
            count = services.questions_apply(actor=request.user, job=job)
            messages.success(request, f"已导入 {count} 道试题。")
            return redirect("learning:courses")
        from .enrolment import enrolment_apply_start

        apply_job = enrolment_apply_start(actor=request.user, check_job=job)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("learning:import_review", job_id=job.pk)
    return redirect("core:job", pk=apply_job.pk)


def _latest_plan(request) -> Plan | None:
    wanted = request.GET.get("plan")
    qs = Plan.objects.filter(status__in=["issued", "closed"]).order_by("-year")
    return (qs.filter(pk=wanted).first() if wanted and wanted.isdigit() else None) or qs.first()


@login_required
def patterns(request: HttpRequest) -> HttpResponse:
    _require(can_view_patterns(request.user))
    plan = _latest_plan(request)
    found = suspicious_patterns(user=request.user, plan=plan) if plan else []
    return render(request, "learning/patterns.html", {"plan": plan, "patterns": found})


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    _require(can_view_statistics(request.user))
    plan = _latest_plan(request)
    figures = platform_figures(user=request.user, plan=plan) if plan else {}
    return render(
        request,
        "learning/statistics.html",
        {"plan": plan, "figures": figures, "plans": Plan.objects.filter(status__in=["issued", "closed"])},
    )


# --- The year's study settings ------------------------------------------------------------


@login_required
def study_rule_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan.objects.select_related("city"), pk=plan_id)
    _require(can_edit_study_rule(request.user))
    # A year nobody has set yet shows the defaults; the row is written on the first save.
    rule = StudyRule.objects.filter(plan=plan).first() or StudyRule(plan=plan)
    plan_editable, plan_reason = can_edit_plan(request.user, plan)
    form = StudyRuleForm(
        request.POST or None,
        initial={
            "online_elective_hours": plan.online_elective_hours,
            **{f: getattr(rule, f) for f in services.STUDY_RULE_FIELDS},
        },
        elective_editable=plan_editable,
        elective_reason=plan_reason,
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, job = services.study_rule_update(actor=request.user, plan=plan, data=form.cleaned_data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            if job is not None:
                messages.success(request, "学习设置已保存。选修学时下限已降低，正在后台核定已报名学员是否达标。")
                url = reverse("core:job", args=[job.pk])
            else:
                messages.success(request, "学习设置已保存。")
                url = reverse("learning:study_rule", args=[plan.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {
        "plan": plan,
        "rule": rule,
        "form": form,
        "plan_editable": plan_editable,
        "plan_reason": plan_reason,
        "history": history(rule) if rule.pk else [],
    }
    if request.htmx:
        return render(request, "learning/study_rule_form.html#settings-form", context)
    return render(request, "learning/study_rule_form.html", context)


# --- The catalogue ------------------------------------------------------------------------


@login_required
def courses(request: HttpRequest) -> HttpResponse:
    _require(can_manage_catalogue(request.user))
    qs = Course.objects.prefetch_related("lessons", "industries", "positions").select_related("provider")
    return render(
        request,
        "learning/course_list.html",
        {
            "courses": qs,
            "question_count": Question.objects.filter(is_active=True).count(),
            "settings_plans": scoped(request.user, Plan).order_by("-year")[:5]
            if can_edit_study_rule(request.user)[0]
            else [],
        },
    )


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    _require(can_manage_catalogue(request.user))
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        industries, positions = data.pop("industries"), data.pop("positions")
        try:
            course = services.course_save(actor=request.user, data=data, industries=industries, positions=positions)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            return redirect("learning:course", pk=course.pk)
    return render(request, "learning/course_form.html", {"form": form})


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_scoped_or_404(request.user, Course.objects.select_related("provider"), pk=pk)
    _require(can_manage_catalogue(request.user))
    editable = can_edit_course(request.user, course)[0]
    lesson_form = LessonForm(prefix="lesson")
    curriculum_form = CurriculumForm(prefix="cur")
    exam_obj = getattr(course, "exam", None)
    exam_form = ExamForm(
        prefix="exam",
        initial={
            "draw": "\n".join(f"{k}={v}" for k, v in exam_obj.draw.items()),
            "time_limit_minutes": exam_obj.time_limit_minutes,
            "max_attempts": exam_obj.max_attempts,
            "pass_mark": exam_obj.pass_mark,
        }
        if exam_obj
        else None,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "lesson":
                _require(can_edit_course(request.user, course))
                lesson_form = LessonForm(request.POST, request.FILES, prefix="lesson")
                if lesson_form.is_valid():
                    services.lesson_add(actor=request.user, course=course, data=lesson_form.cleaned_data)
                    messages.success(request, "课时已添加。")
                    return redirect("learning:course", pk=course.pk)
            elif action == "curriculum":
                _require(can_set_curriculum(request.user))
                curriculum_form = CurriculumForm(request.POST, prefix="cur")
                if curriculum_form.is_valid():
                    services.curriculum_set(actor=request.user, course=course, **curriculum_form.cleaned_data)
                    messages.success(request, "课程设置已保存。")
                    return redirect("learning:course", pk=course.pk)
            elif action == "exam":
                _require(can_edit_course(request.user, course))
                exam_form = ExamForm(request.POST, prefix="exam")
                if exam_form.is_valid():
                    services.exam_save(actor=request.user, course=course, data=exam_form.cleaned_data)
                    messages.success(request, "考试设置已保存。")
                    return redirect("learning:course", pk=course.pk)
        except ValidationError as e:
            form = {"lesson": lesson_form, "curriculum": curriculum_form, "exam": exam_form}[action]
            form_errors_from(form, e)
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "lessons": course.lessons.all(),
            "curriculum": course.curriculum.select_related("plan", "industry", "position"),
            "exam": exam_obj,
            "editable": editable,
            "can_curriculum": can_set_curriculum(request.user)[0],
            "lesson_form": lesson_form,
            "curriculum_form": curriculum_form,
            "exam_form": exam_form,
        },
    )
