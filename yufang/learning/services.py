"""Writes on the online platform. Each checks its actor, runs in one transaction and audits.
The heartbeat itself lives in heartbeat.py (the hot path); everything it implies that is rare
(a lesson done, the rule met) comes back here."""

import datetime
import random
import secrets
import time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind, Role, User, UserRole
from yufang.accounts.services import new_user_save
from yufang.core import audit
from yufang.core.jobs import job_start
from yufang.core.masking import mask_id_number
from yufang.core.models import AuditAction, Job
from yufang.core.services import model_create, model_update
from yufang.core.workflow import Transition, Workflow
from yufang.people import idnumbers
from yufang.people.models import Person
from yufang.people.services import person_upsert
from yufang.plans.models import Plan
from yufang.plans.services import plan_update
from yufang.projects.selectors import online_project_of
from yufang.targets.services import completion_record

from .models import (
    Certificate,
    Channel,
    Course,
    CurriculumEntry,
    Enrolment,
    Exam,
    ExamAttempt,
    LearningSession,
    Lesson,
    LessonProgress,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    SessionEnd,
    StudyInterval,
    StudyRule,
    Verdict,
)
from .permissions import (
    can_decide_registration,
    can_edit_course,
    can_edit_study_rule,
    can_manage_catalogue,
    can_set_curriculum,
)
from .selectors import curriculum_for, progress_of


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


# --- Catalogue and curriculum ---------------------------------------------------------------

COURSE_FIELDS = ["code", "title", "summary", "provider"]
LESSON_FIELDS = ["order", "title", "kind", "class_hours", "duration_seconds", "video", "document", "body"]


@transaction.atomic
def course_save(*, actor, data: dict[str, Any], industries=(), positions=(), course: Course | None = None) -> Course:
    _require(can_manage_catalogue(actor))
    data = {k: v for k, v in data.items() if k in COURSE_FIELDS}
    if actor.has_role(Role.PROVIDER_STAFF) and not actor.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        data["provider"] = actor.organisation
    if course is None:
        course = model_create(model=Course, data=data, actor=actor)
    else:
        _require(can_edit_course(actor, course))
        course, _ = model_update(instance=course, fields=list(data), data=data, actor=actor)
    course.industries.set(industries)
    course.positions.set(positions)
    return course


@transaction.atomic
def lesson_add(*, actor, course: Course, data: dict[str, Any]) -> Lesson:
    _require(can_edit_course(actor, course))
    data = {k: v for k, v in data.items() if k in LESSON_FIELDS}
    if not data.get("order"):
        data["order"] = (course.lessons.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return model_create(model=Lesson, data={"course": course, **data}, actor=actor)


@transaction.atomic
def curriculum_set(*, actor, plan: Plan, course: Course, kind: str, industry=None, position=None) -> CurriculumEntry:
    """Marks a course required or elective for an audience of the year (idempotent)."""
    _require(can_set_curriculum(actor))
    entry = CurriculumEntry.objects.filter(plan=plan, course=course, industry=industry, position=position).first()
    if entry is None:
        return model_create(
            model=CurriculumEntry,
            data={"plan": plan, "course": course, "kind": kind, "industry": industry, "position": position},
            actor=actor,
        )
    entry, _ = model_update(instance=entry, fields=["kind"], data={"kind": kind}, actor=actor)
    return entry


def study_rule_for(plan: Plan) -> StudyRule:
    rule = StudyRule.objects.filter(plan=plan).first()
    if rule is None:
        try:
            with transaction.atomic():
                rule = StudyRule.objects.create(plan=plan)
        except IntegrityError:
            rule = StudyRule.objects.get(plan=plan)
    return rule


# What the year's settings page changes. The heartbeat interval is left out: the player and the
# hot path are tuned to it.
STUDY_RULE_FIELDS = ["beat_cap_seconds", "check_min_seconds", "check_max_seconds", "daily_cap_hours"]
EVALUATE_JOB = "learning.enrolments_evaluate"
MINUTES_PER_DAY = 24 * 60


@transaction.atomic
def study_rule_update(*, actor, plan: Plan, data: dict[str, Any]) -> tuple[StudyRule, Job | None]:
    """Saves the year's study settings. The elective hours of the completion rule are the plan's
    and change through the plan's own service, under its rule (the programme owner, a draft
    plan). Lowering them may let learners who have already studied enough meet the rule: a
    background job then evaluates them, and is returned."""
    _require(can_edit_study_rule(actor))
    rule = StudyRule.objects.select_for_update().get(pk=study_rule_for(plan).pk)
    values = {k: data[k] for k in STUDY_RULE_FIELDS if k in data}
    new = {f: values.get(f, getattr(rule, f)) for f in STUDY_RULE_FIELDS}
    elective = data.get("online_elective_hours")
    errors: dict[str, str] = {}
    if new["check_max_seconds"] < new["check_min_seconds"]:
        errors["check_max_seconds"] = f"最长间隔不能短于最短间隔（{new['check_min_seconds']} 秒）。"
    if new["beat_cap_seconds"] < rule.beat_seconds:
        errors["beat_cap_seconds"] = f"不能小于心跳间隔（{rule.beat_seconds} 秒），否则正常学习的时长也会被少计。"
    day_minutes = Decimal(new["daily_cap_hours"]) * plan.class_hour_minutes
    if day_minutes > MINUTES_PER_DAY:
        errors["daily_cap_hours"] = (
            f"{new['daily_cap_hours']} 学时折合 {day_minutes.normalize():f} 分钟"
            f"（1 学时 = {plan.class_hour_minutes} 分钟），超过一天的 {MINUTES_PER_DAY} 分钟。"
        )
    if elective is not None and elective < 0:
        errors["online_elective_hours"] = "选修学时不能为负数。"
    if errors:
        raise ValidationError(errors)
    rule, _ = model_update(instance=rule, fields=list(values), data=values, actor=actor)
    job = None
    if elective is not None and elective != plan.online_elective_hours:
        # Raising the bar certifies no one new, and a certificate once issued stands.
        lowered = elective < plan.online_elective_hours
        plan = plan_update(actor=actor, plan=plan, data={"online_elective_hours": elective})
        if lowered and Enrolment.objects.filter(plan=plan, completed_on__isnull=True).exists():
            job = job_start(
                kind=EVALUATE_JOB,
                title=f"按新的达标规则核定{plan.year}年线上学员",
                actor=actor,
                params={"plan_id": plan.pk},
            )
    return rule, job


@transaction.atomic
def exam_save(*, actor, course: Course, data: dict[str, Any]) -> Exam:
    _require(can_edit_course(actor, course))
    draw = {str(k): int(v) for k, v in (data.get("draw") or {}).items() if int(v) > 0}
    if not draw:
        raise ValidationError({"draw": "请至少设置一个题目分类的抽题数量。"})
    for category, n in draw.items():
        have = Question.objects.filter(category=category, is_active=True).count()
        if have < n:
            raise ValidationError({"draw": f"题库中「{category}」类题目只有 {have} 道，不够抽取 {n} 道。"})
    fields = ["draw", "time_limit_minutes", "max_attempts", "pass_mark"]
    values = {k: data[k] for k in fields if k in data} | {"draw": draw}
    exam = Exam.objects.filter(course=course).first()
    if exam is None:
        return model_create(model=Exam, data={"course": course, **values}, actor=actor)
    exam, _ = model_update(instance=exam, fields=list(values), data=values, actor=actor)
    return exam


# --- Enrolment -----------------------------------------------------------------------------


def current_plan_for(enterprise: Organisation) -> Plan | None:
    return Plan.objects.filter(city_id=enterprise.city_id, status="issued").order_by("-year").first()


def _trainee_username() -> str:
    while True:
        name = f"xy{secrets.randbelow(10**8):08d}"
        if not User.objects.filter(username=name).exists():
            return name


def _trainee_account(*, actor, person: Person, enterprise: Organisation, password: str | None) -> tuple[User, str]:
    """One account per person: the person's existing account, else a new trainee account.
    Returns (user, the one-time password or "" for an existing account)."""
    if person.user_id:
        return person.user, ""
    user, issued = _new_trainee_user(
        actor=actor, enterprise=enterprise, display_name=person.name, phone=person.phone, password=password
    )
    _bind_account(actor=actor, person=person, user=user)
    return user, issued or ""


def _new_trainee_user(
    *, actor, enterprise: Organisation, display_name: str, phone: str, password: str | None
) -> tuple[User, str | None]:
    user = User(username=_trainee_username(), organisation=enterprise, display_name=display_name, phone=phone)
    issued = new_user_save(user, password)
    UserRole.objects.create(user=user, role=Role.TRAINEE)
    audit.record_create(actor=actor, instance=user, event="trainee_account")
    return user, issued


def _bind_account(*, actor, person: Person, user: User) -> None:
    """Links an account to a person who has none (one account per person), audited."""
    Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user)
    person.refresh_from_db(fields=["user"])
    if person.user_id != user.pk:
        raise ValidationError("该人员已有平台账号。")
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=person,
        event="account_bound",
        changes={"user": [None, user.pk]},
    )


@transaction.atomic
def enrol(
    *, actor, person: Person, plan: Plan, enterprise: Organisation, channel: str, provider=None
) -> tuple[Enrolment, bool]:
    """Enrols a person in the year's online programme (once per year)."""
    existing = Enrolment.objects.filter(person=person, plan=plan).first()
    if existing is not None:
        return existing, False
    study_rule_for(plan)
    enrolment = Enrolment.objects.create(
        person=person, plan=plan, enterprise=enterprise, provider=provider, channel=channel
    )
    audit.record_create(actor=actor, instance=enrolment)
    return enrolment, True


def enrolment_target(plan: Plan, enterprise_id: int | None = None):
    """The year's online enrolment list as a roster target for the shared roster importer."""
    from yufang.training.roster import RosterTarget

    return RosterTarget(
        city_id=plan.city_id,
        day=timezone.localdate(),
        industry_id=None,  # the row's industry, else the enterprise's focus industry
        on_list=lambda ids: set(ids) & set(Enrolment.objects.filter(plan=plan).values_list("person_id", flat=True)),
        own_enterprise_id=enterprise_id,
        enterprise_required=True,
    )


@transaction.atomic
def self_register(
    *,
    name: str,
    id_number: str,
    phone: str,
    credit_code: str,
    industry,
    position,
    password: str,
) -> User:
    """A worker registers themselves with real name and ID number, naming their employer by its
    unified social credit code. They get an account at once, but it is bound to no archive and
    enrols in nothing until the employer (or the agency) confirms who registered
    (registration_transition). Nothing here reads or writes the people archive, so the answer is
    the same whether the ID number is on file, has an account, or neither."""
    enterprise = Organisation.objects.filter(
        kind=OrganisationKind.ENTERPRISE, credit_code=credit_code.strip().upper(), is_active=True
    ).first()
    if enterprise is None:
        raise ValidationError(
            {"credit_code": "未找到该统一社会信用代码对应的企业：请向本单位核实，或联系经办机构登记企业。"}
        )
    plan = current_plan_for(enterprise)
    if plan is None:
        raise ValidationError("本年度线上培训尚未开始报名。")
    try:
        info = idnumbers.check(id_number)
    except ValidationError as e:
        raise ValidationError({"id_number": e.messages}) from None
    name = "".join(name.split())
    user, _ = _new_trainee_user(actor=None, enterprise=enterprise, display_name=name, phone=phone, password=password)
    registration = Registration.objects.create(
        user=user,
        enterprise=enterprise,
        plan=plan,
        name=name,
        id_number=info.number,
        id_hash=idnumbers.id_hash(info.number),
        phone=phone,
        industry=industry,
        position=position,
    )
    audit.record_create(actor=user, instance=registration)
    return user


def registration_problem(registration: Registration) -> str:
    """What stops a confirmation, for the confirmer's eyes only (they may know the archive)."""
    person = Person.objects.filter(id_hash=registration.id_hash).select_related("user").first()
    if person is None:
        return ""
    if person.user_id:
        return f"该人员已有平台账号（{person.user.username}）：请驳回本申请，由其使用原账号（可为其重置密码）。"
    if person.name != registration.name:
        return f"姓名与人员档案不一致（档案为「{person.name}」）：请核实身份后驳回，姓名更正由经办机构办理。"
    return ""


def _registration_confirm(*, obj: Registration, actor, note: str = "", **params) -> None:
    problem = registration_problem(obj)
    if problem:
        raise ValidationError(problem)
    person = Person.objects.select_for_update().filter(id_hash=obj.id_hash).first()
    if person is None:
        person, _ = person_upsert(
            actor=actor,
            id_number=obj.id_number,
            name=obj.name,
            phone=obj.phone,
            enterprise=obj.enterprise,
            region=obj.enterprise.region,
            industry=obj.industry,
            position=obj.position,
        )
    # A known person's archive stays as it is: the confirmation links the account and enrols.
    _bind_account(actor=actor, person=person, user=obj.user)
    enrol(actor=actor, person=person, plan=obj.plan, enterprise=obj.enterprise, channel=Channel.SELF)


def _registration_reject(*, obj: Registration, actor, note: str = "", **params) -> None:
    User.objects.filter(pk=obj.user_id).update(is_active=False)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=obj.user,
        event="deactivate",
        changes={"is_active": [True, False]},
        extra={"reason": "registration_rejected"},
    )


REGISTRATION_WORKFLOW = Workflow(
    model=Registration,
    transitions=[
        Transition(
            RegistrationStatus.PENDING,
            "confirm",
            RegistrationStatus.CONFIRMED,
            "确认是本单位职工",
            can_decide_registration,
            effect=_registration_confirm,
        ),
        Transition(
            RegistrationStatus.PENDING,
            "reject",
            RegistrationStatus.REJECTED,
            "驳回",
            can_decide_registration,
            effect=_registration_reject,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def registration_transition(*, registration: Registration, action: str, actor, note: str = "") -> Registration:
    return REGISTRATION_WORKFLOW.perform(obj=registration, action=action, actor=actor, note=note)


def enrolment_of(user, plan: Plan | None = None) -> Enrolment | None:
    qs = Enrolment.objects.filter(person__user=user).select_related("plan", "person", "enterprise")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("-plan__year").first()


# --- The player session ---------------------------------------------------------------------


def device_key(device_id: str, user_agent: str) -> str:
    """What identifies a device across accounts: the id the player keeps in local storage,
    with the browser's signature (hashed; neither is personal data on its own)."""
    import hashlib

    return hashlib.sha256(f"{device_id}|{user_agent}".encode()).hexdigest()[:32]


@transaction.atomic
def session_start(
    *, user, lesson: Lesson, device_id: str = "", user_agent: str = "", client_ip: str | None = None, now=None
) -> tuple[LearningSession, str]:
    """Opens the player on a lesson of the user's curriculum. Any other open session of the
    same person is taken over and stops earning. Returns (session, token)."""
    enrolment = enrolment_of(user)
    if enrolment is None:
        raise PermissionDenied("您尚未报名本年度线上培训。")
    kinds = curriculum_for(
        plan=enrolment.plan, industry_id=enrolment.person.industry_id, position_id=enrolment.person.position_id
    )
    if lesson.course_id not in kinds:
        raise PermissionDenied("该课程不在您的课程表中。")
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    rule = study_rule_for(enrolment.plan)
    moment = now or timezone.now()
    LearningSession.objects.filter(enrolment=enrolment, ended_at__isnull=True).update(
        ended_at=moment, end_reason=SessionEnd.TAKEN_OVER
    )
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    nonce = secrets.token_hex(16)
    session = LearningSession.objects.create(
        enrolment=enrolment,
        lesson=lesson,
        user=user,
        nonce=nonce,
        device=device_key(device_id, user_agent),
        user_agent=user_agent[:300],
        client_ip=client_ip,
        started_at=moment,
    )
    enrolment.active_session = session
    enrolment.last_beat_ms = int(moment.timestamp() * 1000)
    enrolment.last_position_ms = progress.furthest_ms
    if enrolment.check_due_ms <= enrolment.credited_ms:
        enrolment.check_due_ms = enrolment.credited_ms + _check_gap_ms(rule)
    enrolment.save(update_fields=["active_session", "last_beat_ms", "last_position_ms", "check_due_ms", "updated_at"])
    return session, f"{session.pk}.{nonce}"


def _check_gap_ms(rule: StudyRule) -> int:
    return random.randint(rule.check_min_seconds, rule.check_max_seconds) * 1000  # noqa: S311 - not security


@transaction.atomic
def check_answer(*, token: str, answer: str, now: float | None = None) -> bool:
    """The learner tapped "continue" on an attention check. The time spent on the check is not
    credited: the session's clock restarts now."""
    from .heartbeat import BeatRefused, parse_token

    session_id, nonce = parse_token(token)
    session = LearningSession.objects.select_related("enrolment").filter(pk=session_id).first()
    if session is None or not secrets.compare_digest(session.nonce, nonce):
        raise BeatRefused
    enrolment = Enrolment.objects.select_for_update().get(pk=session.enrolment_id)
    if enrolment.active_session_id != session.pk or session.ended_at is not None:
        raise ValidationError("该学习会话已被其他设备或页面接管。")
    if not enrolment.check_pending or not secrets.compare_digest(enrolment.check_pending, answer or ""):
        raise ValidationError("验证已失效，请按页面提示重新作答。")
    now_s = time.time() if now is None else now
    rule = study_rule_for(enrolment.plan)
    enrolment.check_pending = ""
    enrolment.check_due_ms = enrolment.credited_ms + _check_gap_ms(rule)
    enrolment.last_beat_ms = int(now_s * 1000)
    enrolment.save(update_fields=["check_pending", "check_due_ms", "last_beat_ms", "updated_at"])
    StudyInterval.objects.create(
        session=session,
        enrolment=enrolment,
        lesson_id=session.lesson_id,
        at=datetime.datetime.fromtimestamp(now_s, tz=datetime.UTC),
        wall_ms=0,
        from_ms=enrolment.last_position_ms,
        to_ms=enrolment.last_position_ms,
        rate=1.0,
        credited_ms=0,
        verdict=Verdict.CHECK_ANSWERED,
    )
    return True


# --- The rule, the certificate and the completion fact -------------------------------------


def _certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(12))
        if not Certificate.objects.filter(code=code).exists():
            return code


@transaction.atomic
def enrolment_evaluate(*, enrolment_id: int, today: datetime.date | None = None) -> Certificate | None:
    """Checks the year's rule; the first time it is met, issues the certificate and writes the
    online completion fact (once: the certificate is its source). Returns the certificate."""
    enrolment = (
        Enrolment.objects.select_for_update().select_related("person", "plan", "enterprise").get(pk=enrolment_id)
    )
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    progress = progress_of(enrolment)
    if not progress.met:
        return None
    day = today or timezone.localdate()
    person = enrolment.person
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        code=_certificate_code(),
        issued_on=day,
        name=person.name,
        id_masked=mask_id_number(person.id_number),
        courses=[
            {"title": c.course.title, "kind": c.kind_label, "hours": str(c.earned_hours)}
            for c in progress.courses
            if c.earned_hours > 0
        ],
        total_hours=progress.total_hours,
        issuer=_issuer(enrolment.plan),
        year=enrolment.plan.year,
    )
    audit.record_create(actor=None, instance=certificate, event="rule_met")
    enrolment.completed_on = day
    enrolment.save(update_fields=["completed_on", "updated_at"])
    audit.record(
        actor=None,
        action=AuditAction.UPDATE,
        instance=enrolment,
        event="rule_met",
        changes={"completed_on": [None, day.isoformat()]},
        extra={"rule": progress.rule_text},
    )
    completion_record(
        person=person,
        mode="online",
        completed_on=day,
        source=certificate,
        provider=enrolment.provider,
        project=online_project_of(enrolment),
        hours=certificate.total_hours,
        actor=None,
    )
    return certificate


def enrolments_evaluate(*, plan: Plan, progress=None, today: datetime.date | None = None) -> int:
    """Evaluates every learner of the year who has not yet met the rule (after the rule has
    been relaxed). Each learner in a transaction of their own, so a long run holds no lock for
    long. Returns how many met it now."""
    pending = list(
        Enrolment.objects.filter(plan=plan, completed_on__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    if progress is not None:
        progress.total(len(pending), "正在逐人核定")
    met = 0
    for done, enrolment_id in enumerate(pending, start=1):
        if enrolment_evaluate(enrolment_id=enrolment_id, today=today) is not None:
            met += 1
        if progress is not None:
            progress.step(done, f"已核定 {done} 人，新达标 {met} 人")
    return met


def _issuer(plan: Plan) -> str:
    from yufang.accounts.models import OrganisationKind as Kind

    agency = Organisation.objects.filter(kind=Kind.AGENCY, city_id=plan.city_id).first()
    return agency.name if agency else f"{plan.city.name}工伤预防管理平台"


# --- Exams ---------------------------------------------------------------------------------

GRACE_SECONDS = 60


@transaction.atomic
def exam_start(*, user, course: Course, now=None) -> ExamAttempt:
    """Draws a paper at random by category. An attempt still open is returned as it is."""
    enrolment = enrolment_of(user)
    if enrolment is None:
        raise PermissionDenied("您尚未报名本年度线上培训。")
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    exam = Exam.objects.filter(course=course).first()
    if exam is None:
        raise ValidationError("该课程没有考试。")
    progress = progress_of(enrolment)
    state = next((c for c in progress.courses if c.course.pk == course.pk), None)
    if state is None:
        raise PermissionDenied("该课程不在您的课程表中。")
    if state.exam_passed:
        raise ValidationError("您已通过该课程考试。")
    if not state.lessons_done:
        raise ValidationError("请先学完该课程的全部课时，再参加考试。")
    moment = now or timezone.now()
    attempts = ExamAttempt.objects.filter(enrolment=enrolment, exam=exam)
    open_attempt = attempts.filter(submitted_at__isnull=True, deadline__gt=moment).first()
    if open_attempt is not None:
        return open_attempt
    used = attempts.count()
    if used >= exam.max_attempts:
        raise ValidationError(f"该考试最多可考 {exam.max_attempts} 次，您的考试机会已用完。")
    question_ids: list[int] = []
    for category, n in exam.draw.items():
        pool = list(Question.objects.filter(category=category, is_active=True).values_list("pk", flat=True))
        if len(pool) < n:
            raise ValidationError(f"题库中「{category}」类题目不足，请联系课程提供机构。")
        question_ids += random.sample(pool, n)  # noqa: S311 - drawing questions, not secrets
    attempt = ExamAttempt.objects.create(
        enrolment=enrolment,
        exam=exam,
        number=used + 1,
        started_at=moment,
        deadline=moment + datetime.timedelta(minutes=exam.time_limit_minutes),
        question_ids=question_ids,
    )
    audit.record_create(actor=user, instance=attempt)
    return attempt


def _normalise_answer(kind: str, value) -> str:
    if isinstance(value, list | tuple):
        value = "".join(str(v) for v in value)
    letters = "".join(sorted({c for c in str(value or "").upper() if c.isalpha()}))
    return letters[:1] if kind != QuestionKind.MULTIPLE else letters


@transaction.atomic
def exam_submit(*, user, attempt: ExamAttempt, answers: dict[str, Any], now=None) -> ExamAttempt:
    """Scores the paper on the server. Answers after the time limit (and a minute's grace for
    the network) are not accepted: the paper is scored as it stood unanswered."""
    attempt = ExamAttempt.objects.select_for_update().select_related("exam", "enrolment").get(pk=attempt.pk)
    if attempt.enrolment.person.user_id != user.pk:
        raise PermissionDenied("这不是您的试卷。")
    if attempt.submitted_at is not None:
        raise ValidationError("该试卷已交卷，不能重复提交。")
    moment = now or timezone.now()
    late = moment > attempt.deadline + datetime.timedelta(seconds=GRACE_SECONDS)
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    given = {} if late else {str(k): v for k, v in (answers or {}).items()}
    kept, correct = {}, 0
    for qid in attempt.question_ids:
        q = questions.get(qid)
        if q is None:
            continue
        answer = _normalise_answer(q.kind, given.get(str(qid), ""))
        kept[str(qid)] = answer
        correct += int(bool(answer) and answer == q.answer)
    total = len(attempt.question_ids) or 1
    attempt.answers = kept
    attempt.submitted_at = moment
    attempt.score = round(correct * 100 / total)
    attempt.passed = attempt.score >= attempt.exam.pass_mark
    attempt.save(update_fields=["answers", "submitted_at", "score", "passed"])
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=attempt,
        event="exam_submit",
        changes={"score": [None, attempt.score], "passed": [None, attempt.passed]},
        extra={"late": late},
    )
    if attempt.passed:
        enrolment_evaluate(enrolment_id=attempt.enrolment_id, today=timezone.localdate(moment))
    return attempt


@transaction.atomic
def questions_apply(*, actor, job) -> int:
    """Adds the good rows of a checked question file (one transaction)."""
    _require(can_manage_catalogue(actor))
    locked = type(job).objects.select_for_update().get(pk=job.pk)
    if locked.result.get("applied"):
        raise ValidationError("该文件已导入过。")
    locked.result = {**locked.result, "applied": True}
    locked.save(update_fields=["result"])
    created = Question.objects.bulk_create(
        [
            Question(
                category=r["category"],
                kind=r["kind"],
                stem=r["stem"],
                options=r["options"],
                answer=r["answer"],
                explanation=r.get("explanation", ""),
            )
            for r in locked.result["good"]
        ],
        ignore_conflicts=True,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=locked,
        event="questions_import",
        extra={"rows": len(created)},
    )
    return len(created)


def hours_of(ms: int, plan: Plan) -> Decimal:
    return (Decimal(ms) / (plan.class_hour_minutes * 60_000)).quantize(Decimal("0.01"))
