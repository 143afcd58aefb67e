"""Catalogue and curriculum: courses, lessons, the plan's curriculum, the study rule and exams."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yufang.accounts.models import Role, User
from yufang.core.jobs import job_start
from yufang.core.models import Job
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.plans.models import Plan
from yufang.plans.services import plan_update

from ..models import Course, CurriculumEntry, Enrolment, Exam, Lesson, Question, StudyRule
from ..permissions import can_edit_course, can_edit_study_rule, can_manage_catalogue, can_set_curriculum

COURSE_FIELDS = ["code", "title", "summary", "provider"]


LESSON_FIELDS = ["order", "title", "kind", "class_hours", "duration_seconds", "video", "document", "body"]


@transaction.atomic
def course_save(
    *, actor: User, data: dict[str, Any], industries=(), positions=(), course: Course | None = None
) -> Course:
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
def lesson_add(*, actor: User, course: Course, data: dict[str, Any]) -> Lesson:
    _require(can_edit_course(actor, course))
    data = {k: v for k, v in data.items() if k in LESSON_FIELDS}
    if not data.get("order"):
        data["order"] = (course.lessons.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return model_create(model=Lesson, data={"course": course, **data}, actor=actor)


@transaction.atomic
def curriculum_set(
    *, actor: User, plan: Plan, course: Course, kind: str, industry=None, position=None
) -> CurriculumEntry:
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


def study_rule_for(*, plan: Plan) -> StudyRule:
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
def study_rule_update(*, actor: User, plan: Plan, data: dict[str, Any]) -> tuple[StudyRule, Job | None]:
    """Saves the year's study settings. The elective hours of the completion rule are the plan's
    and change through the plan's own service, under its rule (the programme owner, a draft
    plan). Lowering them may let learners who have already studied enough meet the rule: a
    background job then evaluates them, and is returned."""
    _require(can_edit_study_rule(actor))
    rule = StudyRule.objects.select_for_update().get(pk=study_rule_for(plan=plan).pk)
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
def exam_save(*, actor: User, course: Course, data: dict[str, Any]) -> Exam:
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
