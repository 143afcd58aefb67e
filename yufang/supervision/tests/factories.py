"""Supervision records through the real services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from yufang.projects.tests.factories import make_project
from yufang.reference.models import Position
from yufang.supervision import services
from yufang.supervision.models import InspectionMode, Result, SubjectKind
from yufang.targets.tests.factories import make_people
from yufang.training.tests.factories import attend_and_close, make_session

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n%test\n"


def jpeg(name: str = "现场.jpg", salt: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG + salt, "image/jpeg")


def pdf(name: str = "整改.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def session_inspection(world, session, *, side: str = "a", who: str | None = None, mode=InspectionMode.UNANNOUNCED):
    return services.inspection_create(
        data={
            "subject_kind": SubjectKind.SESSION,
            "session": session,
            "mode": mode,
            "planned_on": datetime.date(2023, 10, 10),
            "inspectors": "李检查、王检查",
        },
        actor=world.users[who or f"district_{side}"],
    )


def project_inspection(world, project, *, side: str = "a", who: str | None = None, kind=SubjectKind.ARCHIVES):
    return services.inspection_create(
        data={
            "subject_kind": kind,
            "project": project,
            "region": world.orgs[f"district_{side}"].region,
            "mode": InspectionMode.SCHEDULED,
            "planned_on": datetime.date(2023, 10, 12),
            "inspectors": "李检查、王检查",
        },
        actor=world.users[who or f"district_{side}"],
    )


def inspector_of(world, inspection) -> str:
    for name in ("agency", "district_a", "district_b"):
        if world.users[name].organisation_id == inspection.organiser_id:
            return name
    raise AssertionError("no inspector")


def finish(world, inspection, *, who: str | None = None, result=Result.PASS):
    """Every item answered, a photo for each that needs one, then finished."""
    actor = world.users[who or inspector_of(world, inspection)]
    services.inspection_answer(
        inspection=inspection,
        answers={i.pk: (result, "") for i in inspection.checklist.items.all()},
        actor=actor,
    )
    for i, item in enumerate(inspection.checklist.items.filter(photo_required=True)):
        services.photo_add(inspection=inspection, file=jpeg(salt=bytes([i])), item=item, actor=actor)
    return services.inspection_transition(inspection=inspection, action="finish", actor=actor, note="总体规范")


def trained_project(world, n: int = 8, side: str = "a", plan=None):
    """A project with one closed session of n people (their offline completions)."""
    project = make_project(world, plan, side=side)
    position = Position.objects.order_by("pk").first()
    people = make_people(
        world.owner,
        world.orgs[f"enterprise_{side}"],
        n,
        industry="hazchem",
        positions=[position.code],
        seed=5,
        start=300 if side == "a" else 600,
    )
    session = make_session(world, project, side=side, day=datetime.date(2023, 10, 10))
    attend_and_close(world, session, people, side=side)
    return project, session, people
