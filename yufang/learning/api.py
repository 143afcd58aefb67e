"""The player's API (start a session, heartbeat, attention check, exam attempts) and progress
reads, under the same scoping as the pages. The heartbeat and the check are authenticated by
the session token that starting a session returns (a header, so no cookie and no CSRF)."""

import datetime
from decimal import Decimal

import pydantic
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import APIKeyHeader

from yufang.core.api import PageNumberPagination, scoped_object
from yufang.core.client_ip import client_ip_address
from yufang.core.scoping import get_scoped_or_404, scoped

from . import heartbeat, selectors, services
from .models import Certificate, Course, Enrolment, ExamAttempt, Lesson, Question
from .permissions import can_view_learners
from .selectors import enrolment_list, progress_of

router = Router(tags=["云享培训"])

TOKEN_HEADER = "X-Learning-Token"
BUSY = "学习会话正在其他设备上切换，请稍后重试。"


class LearningToken(APIKeyHeader):
    """The token of a learning session: `<session id>.<32 hex>`, checked by the heartbeat."""

    param_name = TOKEN_HEADER

    def authenticate(self, request, key):
        try:
            heartbeat.parse_token(key or "")
        except heartbeat.BeatRefused:
            return None
        return key


class SessionIn(Schema):
    lesson_id: int
    device_id: str = Field("", max_length=64, description="播放器保存在本机的设备标识")


class SessionOut(Schema):
    token: str
    lesson_id: int
    resume_ms: int
    duration_ms: int
    required_ms: int
    credited_ms: int
    beat_seconds: int
    check: str | None


class BeatIn(pydantic.BaseModel):
    """What the player reports; the server decides what it is worth. A plain pydantic model, not
    a ninja Schema: the hot path has no use for the Schema's ORM-reading validator."""

    seq: int = Field(0, ge=0, description="本会话内的心跳序号")
    position: float = Field(..., ge=0, le=86400, description="播放位置（秒）；文档与图文为已阅读秒数")
    rate: float = Field(1.0, gt=0, le=16, description="播放倍速")
    visible: bool = Field(..., description="页面是否在前台可见")
    playing: bool = Field(..., description="是否正在播放（阅读）")


class BeatOut(Schema):
    verdict: str
    verdict_label: str
    credited_ms: int
    lesson_credited_ms: int
    lesson_required_ms: int
    furthest_ms: int
    lesson_completed: bool
    check: str | None
    taken_over: bool
    seek_to_ms: int | None
    day_left_ms: int


class CheckIn(Schema):
    answer: str = Field(..., max_length=32)


class OkOut(Schema):
    ok: bool


class QuestionOut(Schema):
    id: int
    kind: str
    stem: str
    options: list[str]


class AttemptOut(Schema):
    id: int
    course_id: int
    number: int
    deadline: datetime.datetime
    questions: list[QuestionOut]
    submitted: bool
    score: int | None
    passed: bool


class AnswersIn(Schema):
    answers: dict[str, str | list[str]] = Field(..., description="题目编号 → 选项字母（多选题可为列表或 ACD）")


class CourseProgressOut(Schema):
    course_id: int
    title: str
    kind: str
    hours: Decimal
    lessons_done: int
    lessons_total: int
    has_exam: bool
    exam_passed: bool
    done: bool
    earned_hours: Decimal


class ProgressOut(Schema):
    enrolment_id: int
    year: int
    name: str
    enterprise: str
    rule: str
    required_done: int
    required_total: int
    elective_hours: Decimal
    elective_needed: Decimal
    met: bool
    completed_on: datetime.date | None
    certificate_code: str | None
    courses: list[CourseProgressOut]


def _progress_out(enrolment: Enrolment) -> ProgressOut:
    p = progress_of(enrolment)
    cert = getattr(enrolment, "certificate", None) if enrolment.completed_on else None
    return ProgressOut(
        enrolment_id=enrolment.pk,
        year=enrolment.plan.year,
        name=enrolment.person.name,
        enterprise=enrolment.enterprise.name,
        rule=p.rule_text,
        required_done=p.required_done,
        required_total=len(p.required),
        elective_hours=p.elective_hours,
        elective_needed=p.elective_needed,
        met=p.met,
        completed_on=enrolment.completed_on,
        certificate_code=cert.code if cert else None,
        courses=[
            CourseProgressOut(
                course_id=c.course.pk,
                title=c.course.title,
                kind=c.kind,
                hours=c.hours,
                lessons_done=sum(1 for ls in c.lessons if ls.done),
                lessons_total=len(c.lessons),
                has_exam=c.has_exam,
                exam_passed=c.exam_passed,
                done=c.done,
                earned_hours=c.earned_hours,
            )
            for c in p.courses
        ],
    )


@router.post("/learning/sessions", response=SessionOut, summary="开始学习会话（接管本人其他设备上的会话）")
def session_start(request, payload: SessionIn):
    lesson = Lesson.objects.filter(pk=payload.lesson_id).first()
    if lesson is None:
        raise Http404
    session, token = services.session_start(
        user=request.auth,
        lesson=lesson,
        device_id=payload.device_id,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        client_ip=client_ip_address(request),
    )
    progress = session.enrolment.lesson_progress.get(lesson=lesson)
    enrolment = Enrolment.objects.get(pk=session.enrolment_id)
    return SessionOut(
        token=token,
        lesson_id=lesson.pk,
        resume_ms=progress.furthest_ms,
        duration_ms=lesson.duration_seconds * 1000,
        required_ms=lesson.required_ms,
        credited_ms=progress.credited_ms,
        beat_seconds=services.study_rule_for(plan=enrolment.plan).beat_seconds,
        check=enrolment.check_pending or None,
    )


@router.post(
    "/learning/beat",
    response={200: BeatOut, 404: dict, 409: dict},
    auth=LearningToken(),
    summary="心跳：由服务器核定并计入学习时长",
    description=(
        "每 10–15 秒一次。计入时长 = min(距上次有效心跳的服务器时间, 播放位置前进量 ÷ 倍速, 每次上限, 当日剩余额度)；"
        "页面不可见、暂停、随机验证未作答、会话已被接管或课时已完成时不计入；拖动超过已学位置被拒绝（seek_to_ms 给出可回到的位置）。"
        "每次心跳都留下凭证及不计入的原因。"
    ),
)
def beat(request, payload: BeatIn):
    try:
        result = heartbeat.beat(token=request.auth, **payload.model_dump())
    except heartbeat.BeatRefused:
        raise Http404 from None
    except heartbeat.BeatBusy:
        raise HttpError(409, BUSY) from None
    return result.as_dict()


@router.post("/learning/check", response=OkOut, auth=LearningToken(), summary="回答随机验证（点击继续）")
def check(request, payload: CheckIn):
    try:
        services.study_check_answer(token=request.auth, answer=payload.answer)
    except heartbeat.BeatRefused:
        raise Http404 from None
    return OkOut(ok=True)


def _attempt_out(attempt: ExamAttempt) -> AttemptOut:
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    return AttemptOut(
        id=attempt.pk,
        course_id=attempt.exam.course_id,
        number=attempt.number,
        deadline=attempt.deadline,
        questions=[
            QuestionOut(id=q.pk, kind=q.kind, stem=q.stem, options=q.options)
            for q in (questions[i] for i in attempt.question_ids if i in questions)
        ],
        submitted=attempt.submitted_at is not None,
        score=attempt.score,
        passed=attempt.passed,
    )


@router.post("/learning/courses/{course_id}/attempts", response=AttemptOut, summary="开始（或继续）课程考试")
def attempt_start(request, course_id: int):
    course = get_scoped_or_404(request.auth, Course, pk=course_id)
    return _attempt_out(services.exam_start(user=request.auth, course=course))


@router.post("/learning/attempts/{attempt_id}/submit", response=AttemptOut, summary="交卷：服务器评分")
def attempt_submit(request, attempt_id: int, payload: AnswersIn):
    attempt = ExamAttempt.objects.select_related("exam").filter(pk=attempt_id, enrolment__person__user=request.auth)
    attempt = attempt.first()
    if attempt is None:
        raise Http404
    answers = {k: "".join(v) if isinstance(v, list) else v for k, v in payload.answers.items()}
    return _attempt_out(services.exam_submit(user=request.auth, attempt=attempt, answers=answers))


@router.get("/learning/progress", response=ProgressOut, summary="本人学习进度")
def my_progress(request):
    enrolment = selectors.enrolment_of(request.auth)
    if enrolment is None:
        raise Http404
    return _progress_out(enrolment)


class EnrolmentOut(Schema):
    id: int
    year: int = Field(..., alias="plan.year")
    name: str = Field(..., alias="person.name")
    enterprise: str = Field(..., alias="enterprise.name")
    credited_ms: int
    lessons_done: int
    completed_on: datetime.date | None


@router.get("/learning/enrolments", response=list[EnrolmentOut], summary="学员列表（按角色范围）")
@paginate(PageNumberPagination, page_size=50)
def enrolments(request):
    allowed, reason = can_view_learners(request.auth)
    if not allowed and not request.auth.has_role("trainee"):
        raise PermissionDenied(reason)
    return enrolment_list(user=request.auth)


@router.get("/learning/enrolments/{enrolment_id}", response=ProgressOut, summary="一名学员的进度")
def enrolment_detail(request, enrolment_id: int):
    enrolment = scoped_object(
        request, Enrolment.objects.select_related("person", "plan", "enterprise"), pk=enrolment_id
    )
    return _progress_out(enrolment)


# --- Certificates and their public check ------------------------------------------------------


class CourseLine(Schema):
    title: str
    kind: str
    hours: str


class CertificateOut(Schema):
    id: int
    enrolment_id: int
    code: str
    year: int
    issued_on: datetime.date
    name: str
    id_masked: str
    courses: list[CourseLine]
    total_hours: Decimal
    issuer: str
    verify_url: str = Field(description="公开核验页（证书二维码指向的地址）")

    @staticmethod
    def resolve_verify_url(obj) -> str:
        return reverse("learning:verify_code", args=[obj.code])

    @staticmethod
    def resolve_courses(obj) -> list[dict]:
        return [
            {"title": str(c.get("title", "")), "kind": str(c.get("kind", "")), "hours": str(c.get("hours", ""))}
            for c in obj.courses
        ]


class CertificateCheckOut(Schema):
    """What the public verification page states: whether the code is a certificate the platform
    issued and, if it is, exactly what the certificate says (ID number masked)."""

    code: str
    valid: bool
    name: str = ""
    id_masked: str = ""
    year: int | None = None
    issued_on: datetime.date | None = None
    total_hours: Decimal | None = None
    issuer: str = ""


@router.get("/learning/certificates", response=list[CertificateOut], summary="培训合格证书（按角色范围）")
@paginate(PageNumberPagination, page_size=50)
def certificates(request, year: int | None = None):
    qs = scoped(request.auth, Certificate).order_by("-issued_on", "-pk")
    if year is not None:
        qs = qs.filter(year=year) if 0 < year < 10000 else qs.none()
    return qs


@router.get("/learning/certificates/{int:pk}", response=CertificateOut, summary="培训合格证书")
def certificate(request, pk: int):
    return scoped_object(request, Certificate, pk=pk)


@router.get(
    "/learning/certificates/verify/{code}", response=CertificateCheckOut, auth=None, summary="公开核验证书（无需登录）"
)
def certificate_verify(request, code: str):
    code = code.strip().upper()
    found = Certificate.objects.filter(code=code).first() if 0 < len(code) <= 16 else None
    if found is None:
        return {"code": code[:16], "valid": False}
    return {
        "code": found.code,
        "valid": True,
        "name": found.name,
        "id_masked": found.id_masked,
        "year": found.year,
        "issued_on": found.issued_on,
        "total_hours": found.total_hours,
        "issuer": found.issuer,
    }
