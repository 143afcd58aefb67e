"""The learner's pages: home, the lesson player and its media, the keep-alive, the exam, the
certificate, and the public certificate check."""

import mimetypes
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from yufang.core.export import attachment
from yufang.core.files import serve_upload
from yufang.core.scoping import get_scoped_or_404, scoped

from .. import services
from ..models import (
    Certificate,
    Course,
    Enrolment,
    Lesson,
    LessonKind,
    Question,
    Registration,
)
from ..pdf import certificate_pdf
from ..permissions import (
    can_manage_catalogue,
    is_learner,
)
from ..selectors import (
    certificate_revocation,
    curriculum_for,
    enrolment_of,
    exam_attempt_open,
    exam_attempt_to_submit,
    progress_of,
)

# --- The learner --------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not is_learner(request.user):
        return redirect("learning:learners")
    enrolment = enrolment_of(request.user)
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
    enrolment = enrolment_of(request.user)
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
    rule = services.study_rule_for(plan=enrolment.plan)
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
    if certificate_revocation(certificate) is not None:
        raise Http404("该证书已撤销。")
    url = request.build_absolute_uri(reverse("learning:verify_code", args=[certificate.code]))
    return attachment(certificate_pdf(certificate, url), f"培训合格证书_{certificate.code}.pdf", "application/pdf")


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: what the certificate states, nothing more."""
    code = (code or request.GET.get("code", "")).strip().upper()
    certificate = Certificate.objects.filter(code=code).first() if code else None
    revoked = certificate_revocation(certificate) if certificate else None
    return render(request, "learning/verify.html", {"code": code, "certificate": certificate, "revoked": revoked})
