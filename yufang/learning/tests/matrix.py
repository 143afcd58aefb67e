"""Records of the online platform for the scoping matrix, one on each side of the world."""

import datetime
from decimal import Decimal


def enrolment(world, side):
    from tests.scoping_matrix import _completion
    from yufang.learning.services import enrolment_create
    from yufang.providers.tests.matrix import plan_of

    cache = world.__dict__.setdefault("_enrolments", {})
    if side not in cache:
        person = _completion(world, side).person
        cache[side], _ = enrolment_create(
            actor=world.owner,
            person=person,
            plan=plan_of(world),
            enterprise=world.orgs[f"enterprise_{side}"],
            channel="roster",
            provider=world.orgs[f"provider_{side}"],
        )
    return cache[side]


def certificate(world, side):
    from yufang.learning.models import Certificate

    e = enrolment(world, side)
    cert, _ = Certificate.objects.get_or_create(
        enrolment=e,
        defaults={
            "code": f"TESTCODE{side.upper()}",
            "issued_on": datetime.date(2023, 6, 1),
            "name": e.person.name,
            "id_masked": e.person.id_masked,
            "courses": [],
            "total_hours": Decimal("3"),
            "issuer": "测试经办机构",
            "year": 2023,
        },
    )
    return cert


def registration(world, side):
    """A worker's self-registration naming side a's (or b's) enterprise, waiting for it."""
    from yufang.learning.models import Registration
    from yufang.learning.services import person_self_register
    from yufang.providers.tests.matrix import plan_of
    from yufang.reference.models import Position
    from yufang.targets.tests.factories import id_number

    cache = world.__dict__.setdefault("_registrations", {})
    if side not in cache:
        plan_of(world)  # registration needs the year's issued plan
        user = person_self_register(
            name=f"自注册{side}",
            id_number=id_number("370303", datetime.date(1990, 7, 1), 880 if side == "a" else 881),
            phone="13900008888",
            credit_code=world.orgs[f"enterprise_{side}"].credit_code,
            industry=None,
            position=Position.objects.get(code="worker"),
            password="Study-hard-2023",
        )
        cache[side] = Registration.objects.get(user=user)
    return cache[side]
