"""Record makers for the training, people and enterprise rows of the scoping matrix
(tests/scoping_matrix.py): one session per side, held in that side's district by that side's
provider, with that side's enterprise's people on the roster."""

import datetime
import io
from decimal import Decimal

from yufang.enterprises import services as enterprise_services
from yufang.projects.tests.factories import make_project
from yufang.providers.tests.matrix import plan_of
from yufang.reference.models import Industry
from yufang.training import services
from yufang.training.models import Attendance, Flag, Method, RosterEntry
from yufang.training.roster import roster_check

from .factories import at, make_session, people_rows, xlsx

REGION_CODES = {"a": "370303", "b": "370302"}


def session(world, side):
    cache = world.__dict__.setdefault("_sessions", {})
    if side not in cache:
        project = make_project(world, plan_of(world), side=side)
        s = make_session(world, project, side=side, topic=f"场次{side}")
        rows = people_rows(
            2, start=500 if side == "a" else 600, region=REGION_CODES[side], enterprise=f"测试企业{side}"
        )
        rows.append(list(rows[0]))  # the same person twice: a flag
        checked = roster_check(io.BytesIO(xlsx(rows)), "花名册.xlsx", s)
        services.roster_apply(session=s, checked=checked, actor=world.users[f"provider_{side}"])
        person = RosterEntry.objects.filter(session=s).order_by("pk").first().person
        services.attendance_sign(
            session=s, person=person, direction="in", method=Method.QR, at=at(datetime.date(2023, 9, 12), 9)
        )
        cache[side] = s
    return cache[side]


def roster_entry(world, side):
    return RosterEntry.objects.filter(session=session(world, side)).order_by("pk").first()


def attendance(world, side):
    return Attendance.objects.filter(session=session(world, side)).first()


def flag(world, side):
    return Flag.objects.filter(session=session(world, side)).order_by("pk").first()


def enterprise(world, side):
    cache = world.__dict__.setdefault("_enterprises", {})
    if side not in cache:
        org = world.orgs[f"enterprise_{side}"]
        cache[side] = enterprise_services.enterprise_save(
            actor=world.users["agency"],
            organisation=org,
            org_data={},
            data={
                "industry": Industry.objects.get(code="construction"),
                "industry_code": "E47",
                "insured_headcount": 120,
                "contact_name": f"联系人{side}",
                "contact_phone": "13800000001",
            },
        )
    return cache[side]


def statistic(world, side):
    enterprise(world, side)
    return enterprise_services.statistic_save(
        actor=world.users["agency"],
        enterprise=world.orgs[f"enterprise_{side}"],
        year=2022,
        data={
            "accident_cases": 3,
            "disease_cases": 0,
            "insured_headcount": 120,
            "premiums_paid": Decimal("50000.00"),
            "benefits_paid": Decimal("80000.00"),
        },
    )


def key_mark(world, side):
    enterprise(world, side)
    return enterprise_services.key_mark(
        actor=world.users["agency"],
        enterprise=world.orgs[f"enterprise_{side}"],
        year=2023,
        reason=f"工伤发生率行业第一（{side}）",
    )


def shared_session(world):
    """A session of side a's provider with people of both enterprises on its roster, one of
    each signed in and one of each not: the lists inside its page are scoped row by row.
    Returns (session, names of enterprise a's people, names of enterprise b's people)."""
    cache = world.__dict__.setdefault("_shared", {})
    if not cache:
        project = session(world, "a").project
        s = make_session(world, project, side="a", topic="两企业合训", day=datetime.date(2023, 9, 14))
        rows_a = people_rows(2, start=700, region=REGION_CODES["a"], enterprise="测试企业a")
        rows_b = people_rows(2, start=710, region=REGION_CODES["b"], enterprise="测试企业b")
        checked = roster_check(io.BytesIO(xlsx(rows_a + rows_b)), "花名册.xlsx", s)
        services.roster_apply(session=s, checked=checked, actor=world.users["provider_a"])
        for side in ("a", "b"):
            entry = RosterEntry.objects.filter(session=s, person__enterprise=world.orgs[f"enterprise_{side}"]).first()
            services.attendance_sign(
                session=s,
                person=entry.person,
                direction="in",
                method=Method.QR,
                at=at(datetime.date(2023, 9, 14), 9),
            )
        cache["value"] = (s, [r[1] for r in rows_a], [r[1] for r in rows_b])
    return cache["value"]
