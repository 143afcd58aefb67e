"""Courses, curricula, enrolments and question banks for tests, through the real services."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from yufang.learning import services
from yufang.learning.models import Course, CourseKind, Question, QuestionKind
from yufang.people.services import person_upsert
from yufang.reference.models import Industry, Position
from yufang.targets.tests.factories import id_number

D = Decimal


def make_course(actor, code: str, lessons: list[tuple[str, str, int]], *, title: str = "") -> Course:
    """lessons: (kind, class hours, duration seconds)."""
    course = services.course_save(actor=actor, data={"code": code, "title": title or f"课程{code}"})
    for i, (kind, hours, seconds) in enumerate(lessons, start=1):
        data = {"title": f"第{i}讲", "kind": kind, "class_hours": D(hours), "duration_seconds": seconds, "order": i}
        if kind == "video":
            data["video"] = ContentFile(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, name=f"{code}-{i}.mp4")
        elif kind == "document":
            data["document"] = ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{code}-{i}.pdf")
        else:
            data["body"] = "安全生产责任制。\n\n三级安全教育。"
        services.lesson_add(actor=actor, course=course, data=data)
    return course


def make_questions(category: str, n: int) -> list[Question]:
    return [
        Question.objects.create(
            category=category, kind=QuestionKind.SINGLE, stem=f"{category}题{i}", options=["甲", "乙", "丙"], answer="A"
        )
        for i in range(n)
    ]


def make_trainee_enrolment(world, plan, side: str = "a", *, industry: str = "hazchem", position: str = "worker"):
    enterprise = world.orgs[f"enterprise_{side}"]
    person, _ = person_upsert(
        actor=world.owner,
        id_number=id_number(enterprise.region.code, datetime.date(1988, 3, 4), 700 if side == "a" else 701),
        name=f"学员{side}",
        enterprise=enterprise,
        region=enterprise.region,
        industry=Industry.objects.get(code=industry),
        position=Position.objects.get(code=position),
    )
    user = world.users[f"trainee_{side}"]
    person.user = user
    person.save(update_fields=["user"])
    enrolment, _ = services.enrolment_create(
        actor=world.owner,
        person=person,
        plan=plan,
        enterprise=enterprise,
        channel="roster",
        provider=world.orgs[f"provider_{side}"],
    )
    return enrolment


def make_curriculum(world, plan):
    """A required video course and an elective text course with an exam (2 hours)."""
    required = make_course(world.owner, "req", [("video", "1", 60)], title="危险化学品安全基础")
    elective = make_course(world.owner, "ele", [("text", "2", 30)], title="事故案例选讲")
    make_questions("通用", 5)
    services.exam_save(
        actor=world.owner,
        course=elective,
        data={"draw": {"通用": 4}, "time_limit_minutes": 10, "max_attempts": 2, "pass_mark": 75},
    )
    services.curriculum_set(actor=world.owner, plan=plan, course=required, kind=CourseKind.REQUIRED)
    services.curriculum_set(actor=world.owner, plan=plan, course=elective, kind=CourseKind.ELECTIVE)
    return required, elective
