import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from yufang.plans.tests.factories import make_plan
from yufang.targets.services import target_save

from .factories import make_curriculum, make_trainee_enrolment


@pytest.fixture
def setup(world):
    # The plan of the current year: a completion counts for the year it happens in.
    plan = make_plan(world, year=timezone.localdate().year)
    required, elective = make_curriculum(world, plan)
    enrolment = make_trainee_enrolment(world, plan)
    target = target_save(
        actor=world.owner,
        plan=plan,
        data={
            "name": "线上培训人数",
            "metric": "persons",
            "modes": ["online"],
            "threshold": Decimal(6000),
            "deadline": datetime.date(plan.year, 12, 31),
        },
    )
    return type(
        "Setup",
        (),
        {"plan": plan, "required": required, "elective": elective, "enrolment": enrolment, "target": target},
    )
