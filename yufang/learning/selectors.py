"""Reads: a person's curriculum and their progress toward the year's rule; learner lists,
suspicious patterns and platform figures. All lists go through scoping."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.scoping import scoped
from yufang.people.models import Person
from yufang.plans.models import Plan
from yufang.targets.models import CompletionRevocation

from .models import (
    Certificate,
    Course,
    CourseKind,
    CurriculumEntry,
    Enrolment,
    ExamAttempt,
    LearningSession,
    Lesson,
    LessonProgress,
    Registration,
    StudyInterval,
)

ZERO = Decimal("0")


def curriculum_for(*, plan: Plan, industry_id: int | None, position_id: int | None) -> dict[int, str]:
    """course id -> required/elective for an audience; required wins over elective."""
    entries = CurriculumEntry.objects.filter(plan=plan).filter(
        Q(industry__isnull=True) | Q(industry_id=industry_id), Q(position__isnull=True) | Q(position_id=position_id)
    )
    return _required_wins(entries.values_list("course_id", "kind"))


def _required_wins(entries: Iterable[tuple[int, str]]) -> dict[int, str]:
    """course id -> kind from (course id, kind) pairs; a course listed both ways is required."""
    result: dict[int, str] = {}
    for course_id, kind in entries:
        if result.get(course_id) != CourseKind.REQUIRED:
            result[course_id] = kind
    return result


@dataclass
class LessonState:
    lesson: Lesson
    credited_ms: int = 0
    furthest_ms: int = 0
    done: bool = False

    @property
    def percent(self) -> int:
        return min(100, int(self.credited_ms * 100 / self.lesson.required_ms))


@dataclass
class CourseState:
    course: Course
    kind: str
    lessons: list[LessonState]
    hours: Decimal
    has_exam: bool
    exam_passed: bool
    best_score: int | None
    attempts_used: int
    attempts_allowed: int

    @property
    def lessons_done(self) -> bool:
        return all(ls.done for ls in self.lessons)

    @property
    def done(self) -> bool:
        return bool(self.lessons) and self.lessons_done and (not self.has_exam or self.exam_passed)

    @property
    def earned_hours(self) -> Decimal:
        """A course's hours count once its exam, if it has one, is passed; without an exam,
        lesson by lesson."""
        if self.has_exam:
            return self.hours if self.done else ZERO
        return sum((ls.lesson.class_hours for ls in self.lessons if ls.done), ZERO)

    @property
    def kind_label(self) -> str:
        return str(CourseKind(self.kind).label)


@dataclass
class Progress:
    enrolment: Enrolment
    courses: list[CourseState] = field(default_factory=list)
    elective_needed: Decimal = ZERO
    class_hour_minutes: int = 45

    @property
    def required(self) -> list[CourseState]:
        return [c for c in self.courses if c.kind == CourseKind.REQUIRED]

    @property
    def electives(self) -> list[CourseState]:
        return [c for c in self.courses if c.kind == CourseKind.ELECTIVE]

    @property
    def required_done(self) -> int:
        return sum(1 for c in self.required if c.done)

    @property
    def elective_hours(self) -> Decimal:
        return sum((c.earned_hours for c in self.electives), ZERO)

    @property
    def total_hours(self) -> Decimal:
        return sum((c.earned_hours for c in self.courses), ZERO)

    @property
    def met(self) -> bool:
        return (
            bool(self.courses)
            and self.required_done == len(self.required)
            and self.elective_hours >= self.elective_needed
        )

    @property
    def rule_text(self) -> str:
        return (
            f"完成本人课程表中全部 {len(self.required)} 门必修课程，并另修选修课程不少于 {self.elective_needed} 学时"
            f"（1 学时 = {self.class_hour_minutes} 分钟，学习时长由平台服务器核定；设有考试的课程须考试合格后计入学时）。"
        )

    @property
    def next_lesson(self) -> Lesson | None:
        """Where 继续学习 goes: the first unfinished lesson of a required course, then of an
        elective while the elective hours are short; None once nothing is left to study."""
        electives_short = self.elective_hours < self.elective_needed
        for course in self.required + (self.electives if electives_short else []):
            for state in course.lessons:
                if not state.done:
                    return state.lesson
        return None

    @property
    def percent(self) -> int:
        needed = len(self.required) + float(self.elective_needed)
        if not needed:
            return 100 if self.met else 0
        got = self.required_done + min(float(self.elective_hours), float(self.elective_needed))
        return min(100, int(got * 100 / needed))


def progress_of(enrolment: Enrolment) -> Progress:
    return progress_of_many([enrolment])[enrolment.pk]


def _curricula_of(plan_ids: set[int]) -> tuple[dict[int, list], dict[int, Course]]:
    """The plans' curriculum entries (industry, position, course, kind) by plan, and their
    courses with lessons and exam."""
    entries: dict[int, list] = defaultdict(list)
    for row in CurriculumEntry.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "industry_id", "position_id", "course_id", "kind"
    ):
        entries[row[0]].append(row[1:])
    course_ids = {row[2] for rows in entries.values() for row in rows}
    courses = {
        c.pk: c for c in Course.objects.filter(pk__in=course_ids).prefetch_related("lessons").select_related("exam")
    }
    return entries, courses


def _study_of(
    ids: list[int],
) -> tuple[dict[int, dict[int, LessonProgress]], dict[tuple[int, int], list[ExamAttempt]]]:
    """The enrolments' lesson progress rows (by enrolment, then lesson) and exam attempts (by
    enrolment and exam)."""
    progress_rows: dict[int, dict[int, LessonProgress]] = defaultdict(dict)
    attempts: dict[tuple[int, int], list[ExamAttempt]] = defaultdict(list)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for p in LessonProgress.objects.filter(enrolment_id__in=chunk):
            progress_rows[p.enrolment_id][p.lesson_id] = p
        for a in ExamAttempt.objects.filter(enrolment_id__in=chunk):
            attempts[(a.enrolment_id, a.exam_id)].append(a)
    return progress_rows, attempts


def _course_state(
    course: Course,
    *,
    kind: str,
    enrolment_id: int,
    rows: dict[int, LessonProgress],
    attempts: dict[tuple[int, int], list[ExamAttempt]],
) -> CourseState:
    """A course's state for one learner from their progress rows and their attempts at an exam."""
    lessons = []
    for lesson in course.lessons.all():
        row = rows.get(lesson.pk)
        lessons.append(
            LessonState(
                lesson=lesson,
                credited_ms=row.credited_ms if row else 0,
                furthest_ms=row.furthest_ms if row else 0,
                done=bool(row and row.completed_at),
            )
        )
    exam = getattr(course, "exam", None)
    tries = attempts.get((enrolment_id, exam.pk), []) if exam else []
    scores = [a.score for a in tries if a.score is not None]
    return CourseState(
        course=course,
        kind=kind,
        lessons=lessons,
        hours=sum((ls.lesson.class_hours for ls in lessons), ZERO),
        has_exam=exam is not None,
        exam_passed=any(a.passed for a in tries),
        best_score=max(scores) if scores else None,
        attempts_used=len(tries),
        attempts_allowed=exam.max_attempts if exam else 0,
    )


def progress_of_many(enrolments: list[Enrolment]) -> dict[int, Progress]:
    """Each enrolment's progress (by enrolment id), in a fixed number of queries however many
    there are: the rule a bulk action applies is the one a learner's own page shows."""
    result: dict[int, Progress] = {}
    if not enrolments:
        return result
    entries, courses = _curricula_of({e.plan_id for e in enrolments})
    progress_rows, attempts = _study_of([e.pk for e in enrolments])
    for enrolment in enrolments:
        plan = enrolment.plan
        person = enrolment.person
        # The same audience match as curriculum_for: blank matches anyone, required wins.
        kinds = _required_wins(
            (course_id, kind)
            for industry_id, position_id, course_id, kind in entries[enrolment.plan_id]
            if industry_id in (None, person.industry_id) and position_id in (None, person.position_id)
        )
        rows = progress_rows.get(enrolment.pk, {})
        progress = Progress(
            enrolment=enrolment,
            elective_needed=plan.online_elective_hours,
            class_hour_minutes=plan.class_hour_minutes,
        )
        for course in sorted((courses[pk] for pk in kinds), key=lambda c: (kinds[c.pk] != CourseKind.REQUIRED, c.code)):
            progress.courses.append(
                _course_state(
                    course,
                    kind=kinds[course.pk],
                    enrolment_id=enrolment.pk,
                    rows=rows,
                    attempts=attempts,
                )
            )
        result[enrolment.pk] = progress
    return result


# --- Lists for staff -------------------------------------------------------------------------


def enrolment_list(
    *, user, plan=None, enterprise=None, status: str = "", name: str = "", region=None, counts: bool = True
) -> QuerySet[Enrolment]:
    qs = scoped(user, Enrolment).select_related(
        "person", "person__position", "person__industry", "enterprise", "enterprise__region", "plan", "provider"
    )
    if plan is not None:
        qs = qs.filter(plan=plan)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if region is not None:
        qs = qs.filter(enterprise__region=region)
    if name:
        qs = qs.filter(person__name__contains=name)
    if status == "completed":
        qs = qs.filter(completed_on__isnull=False)
    elif status == "studying":
        qs = qs.filter(completed_on__isnull=True, credited_ms__gt=0)
    elif status == "not_started":
        qs = qs.filter(credited_ms=0)
    elif status == "started":
        qs = qs.filter(credited_ms__gt=0)
    elif status == "certified":
        qs = qs.filter(certificate__isnull=False)
    if not counts:
        return qs
    return qs.annotate(
        lessons_done=Count("lesson_progress", filter=Q(lesson_progress__completed_at__isnull=False))
    ).order_by("-created_at", "-pk")


def certificate_list(*, user) -> QuerySet[Certificate]:
    return scoped(user, Certificate).select_related("enrolment__person")


@dataclass(frozen=True)
class Pattern:
    kind: str
    title: str
    detail: str
    enrolments: list[Enrolment]


NIGHT_HOURS = (0, 1, 2, 3, 4, 5)


def suspicious_patterns(
    *, user, plan=None, night_hours_threshold: Decimal = Decimal("2"), device_accounts: int = 3
) -> list[Pattern]:
    """Leads for a provider or the agency to look into, not verdicts: many hours credited at
    night (00:00–06:00) by one person in one night, and one device used by several accounts."""
    visible = enrolment_list(user=user, plan=plan, counts=False)
    ids = list(visible.values_list("pk", flat=True))
    if not ids:
        return []
    patterns: list[Pattern] = []
    minutes = plan.class_hour_minutes if plan else 45
    threshold_ms = int(night_hours_threshold * minutes * 60_000)
    tz = datetime.timezone(datetime.timedelta(hours=8))
    night = (
        StudyInterval.objects.filter(enrolment_id__in=ids, credited_ms__gt=0)
        .annotate(hour=ExtractHour("at", tzinfo=tz))
        .filter(hour__in=NIGHT_HOURS)
        .values("enrolment_id")
        .annotate(total=Sum("credited_ms"), last=Max("at"))
        .filter(total__gte=threshold_ms)
    )
    night_rows = {r["enrolment_id"]: r for r in night}
    if night_rows:
        people = {e.pk: e for e in visible.filter(pk__in=night_rows)}
        patterns.append(
            Pattern(
                "night",
                "夜间集中计入学时",
                f"0 点至 6 点之间计入的学习时长达到 {night_hours_threshold} 学时以上的学员。",
                [people[i] for i in night_rows if i in people],
            )
        )
    shared = (
        LearningSession.objects.filter(enrolment_id__in=ids)
        .values("device")
        .annotate(accounts=Count("enrolment", distinct=True))
        .filter(accounts__gte=device_accounts)
    )
    shared = list(shared)
    if not shared:
        return patterns
    # Who used each shared device, and those enrolments, in two queries however many devices.
    users_of: dict[str, set[int]] = defaultdict(set)
    for device, enrolment_id in LearningSession.objects.filter(
        enrolment_id__in=ids, device__in=[row["device"] for row in shared]
    ).values_list("device", "enrolment_id"):
        users_of[device].add(enrolment_id)
    listed = list(visible.filter(pk__in=set().union(*users_of.values())))
    for row in shared:
        patterns.append(
            Pattern(
                "device",
                "同一设备登录多个账号",
                f"设备 {row['device'][:8]}… 上有 {row['accounts']} 个学员账号学习过。",
                [e for e in listed if e.pk in users_of[row["device"]]],
            )
        )
    return patterns


@dataclass(frozen=True)
class Figure:
    name: str
    enrolled: int
    completed: int
    hours: Decimal

    @property
    def rate(self) -> int:
        return int(self.completed * 100 / self.enrolled) if self.enrolled else 0


def platform_figures(*, user, plan) -> dict[str, list[Figure]]:
    """Enrolled, completed and credited class hours by industry, position and district."""
    qs = enrolment_list(user=user, plan=plan, counts=False)
    ms_per_hour = plan.class_hour_minutes * 60_000
    result: dict[str, list[Figure]] = {}
    for key, label in (
        ("person__industry__name", "industry"),
        ("person__position__name", "position"),
        ("enterprise__region__name", "region"),
    ):
        rows = (
            qs.order_by()
            .values(key)
            .annotate(
                enrolled=Count("pk", distinct=True),
                completed=Count("pk", filter=Q(completed_on__isnull=False), distinct=True),
                ms=Sum("credited_ms"),
            )
            .order_by("-enrolled")
        )
        result[label] = [
            Figure(
                r[key] or "未填写",
                r["enrolled"],
                r["completed"],
                (Decimal(r["ms"] or 0) / ms_per_hour).quantize(Decimal("0.1")),
            )
            for r in rows
        ]
    return result


def exam_attempt_open(*, user, course, now=None) -> ExamAttempt | None:
    """The user's attempt at the course's exam that is still running (within its time limit)."""
    return (
        ExamAttempt.objects.filter(
            enrolment__person__user=user,
            exam__course=course,
            submitted_at__isnull=True,
            deadline__gt=now or timezone.now(),
        )
        .select_related("exam")
        .first()
    )


def exam_attempt_to_submit(*, user, course, attempt_id: str) -> ExamAttempt | None:
    """The paper a submission names, if it is the user's, of this course and not yet handed in
    (a late one too: the service scores it as it stood)."""
    if not attempt_id.isascii() or not attempt_id.isdigit() or len(attempt_id) > 18:
        return None
    return ExamAttempt.objects.filter(
        pk=int(attempt_id), enrolment__person__user=user, exam__course=course, submitted_at__isnull=True
    ).first()


# --- Home page panels --------------------------------------------------------------------------


def trainee_home_panel(user) -> dict | None:
    """The trainee's home: how far they are and the lesson 继续学习 opens."""
    from yufang.accounts.models import Role

    if not user.has_role(Role.TRAINEE):
        return None
    enrolment = (
        Enrolment.objects.filter(person__user=user).select_related("plan", "enterprise").order_by("-plan__year").first()
    )
    if enrolment is None:
        return {"enrolment": None}
    progress = progress_of(enrolment)
    return {"enrolment": enrolment, "progress": progress, "next_lesson": progress.next_lesson}


def enterprise_home_panel(user) -> dict | None:
    """An enterprise contact's home: the year's online enrolment of its people and where to
    import a list."""
    from yufang.accounts.models import Role

    if not user.has_role(Role.ENTERPRISE_CONTACT):
        return None
    enrolments = scoped(user, Enrolment)
    year = enrolments.aggregate(year=Max("plan__year"))["year"]
    if year is None:
        return {"year": None}
    figures = enrolments.filter(plan__year=year).aggregate(
        enrolled=Count("pk"),
        completed=Count("pk", filter=Q(completed_on__isnull=False)),
        studying=Count("pk", filter=Q(completed_on__isnull=True, credited_ms__gt=0)),
    )
    figures["not_started"] = figures["enrolled"] - figures["completed"] - figures["studying"]
    figures["percent"] = int(figures["completed"] * 100 / figures["enrolled"]) if figures["enrolled"] else 0
    return {"year": year, **figures}


def enterprises_named(query: str, *, limit: int = 10) -> list[tuple[str, str]]:
    """Registered enterprises whose name contains `query`: (name, credit code) only, for the
    public registration page to fill in the code. At most `limit`; nothing else about them."""
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True, name__icontains=query)
        .exclude(credit_code="")
        .order_by("name", "pk")
        .values_list("name", "credit_code")[:limit]
    )


# --- Reads the services and pages share (formerly in services) ----------------------------


def current_plan_for(enterprise: Organisation) -> Plan | None:
    return Plan.objects.filter(city_id=enterprise.city_id, status="issued").order_by("-year").first()


def enrolment_target(plan: Plan, enterprise_id: int | None = None):
    """The year's online enrolment list as a roster target for the shared roster importer."""
    from yufang.people.roster import RosterTarget

    return RosterTarget(
        city_id=plan.city_id,
        day=timezone.localdate(),
        industry_id=None,  # the row's industry, else the enterprise's focus industry
        on_list=lambda ids: set(ids) & set(Enrolment.objects.filter(plan=plan).values_list("person_id", flat=True)),
        own_enterprise_id=enterprise_id,
        enterprise_required=True,
    )


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


def enrolment_of(user, plan: Plan | None = None) -> Enrolment | None:
    qs = Enrolment.objects.filter(person__user=user).select_related("plan", "person", "enterprise")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("-plan__year").first()


def hours_of(ms: int, plan: Plan) -> Decimal:
    return (Decimal(ms) / (plan.class_hour_minutes * 60_000)).quantize(Decimal("0.01"))


def certificate_revocation(certificate: Certificate):
    """The revocation of the completion this certificate proves (targets.completion_revoke),
    or None while it stands."""
    return (
        CompletionRevocation.objects.filter(
            completion__source_type=ContentType.objects.get_for_model(Certificate),
            completion__source_id=str(certificate.pk),
        )
        .only("revoked_at", "completion_id")
        .first()
    )
