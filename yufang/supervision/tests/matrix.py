"""Record makers for the supervision rows of the scoping matrix (tests/scoping_matrix.py): per
side, a scheduled inspection of that side's session by that side's district bureau, a finding of
it sent to the provider for rectification, a photo, and a call-back drawn from the session."""

import datetime

from yufang.core.dates import today
from yufang.providers.tests.matrix import plan_of
from yufang.training.tests import matrix as training

from .. import services
from ..defaults import load
from ..models import Checklist, ChecklistItem, InspectionMode, SubjectKind
from .factories import jpeg, trained_project


def inspection(world, side):
    cache = world.__dict__.setdefault("_inspections", {})
    if side not in cache:
        load(Checklist, ChecklistItem)
        session = training.session(world, side)
        obj = services.inspection_create(
            data={
                "subject_kind": SubjectKind.SESSION,
                "session": session,
                "mode": InspectionMode.SCHEDULED,
                "planned_on": datetime.date(2023, 10, 10),
                "inspectors": f"检查员{side}",
            },
            actor=world.users[f"district_{side}"],
        )
        services.inspection_transition(inspection=obj, action="start", actor=world.users[f"district_{side}"])
        cache[side] = obj
    return cache[side]


def finding(world, side):
    cache = world.__dict__.setdefault("_findings", {})
    if side not in cache:
        obj = services.finding_create(
            inspection=inspection(world, side),
            data={"kind": "archives", "severity": "minor", "description": f"签到表缺页{side}"},
            actor=world.users[f"district_{side}"],
        )
        cache[side] = services.finding_transition(
            finding=obj,
            action="request",
            actor=world.users[f"district_{side}"],
            note="补齐",
            deadline=today() + datetime.timedelta(days=5),
        )
    return cache[side]


def photo(world, side):
    return services.photo_add(
        inspection=inspection(world, side), file=jpeg(salt=side.encode()), actor=world.users[f"district_{side}"]
    )


def callback(world, side):
    cache = world.__dict__.setdefault("_callbacks", {})
    if side not in cache:
        _, session, _ = trained_project(world, 2, side, plan=plan_of(world))
        cache[side] = services.callback_draw(
            project=session.project, session=session, size=1, seed=7, actor=world.users[f"district_{side}"]
        )
    return cache[side]
