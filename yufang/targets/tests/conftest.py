"""The targets tests' world: a plan with the 2023 kinds of target, a hazardous-chemicals programme
with its baseline, and people in three enterprises."""

import datetime
from decimal import Decimal

import pytest

from yufang.accounts.models import OrganisationKind
from yufang.accounts.tests.factories import make_org
from yufang.plans.tests.factories import make_plan
from yufang.reference.models import Industry, Position
from yufang.targets import services
from yufang.targets.models import EnterpriseSet, Metric, Mode
from yufang.targets.tests.factories import make_people

KEY = ["deputy", "safety_head", "team_leader"]


@pytest.fixture
def setup(world):
    plan = make_plan(world)
    owner = world.owner
    hazchem_a = world.orgs["enterprise_a"]
    hazchem_b = make_org(owner, "化工b", OrganisationKind.ENTERPRISE, region=world.orgs["district_b"].region)
    builder = world.orgs["enterprise_b"]
    programme = services.programme_create(
        actor=owner,
        data={
            "city": world.city,
            "name": "危化工程",
            "start_year": 2022,
            "end_year": 2024,
            "industry": Industry.objects.get(code="hazchem"),
        },
        positions=Position.objects.filter(code__in=KEY),
    )
    rows = [(e.pk, Position.objects.get(code=p).pk, 40) for e in (hazchem_a, hazchem_b) for p in KEY]
    services.baseline_apply(actor=owner, programme=programme, rows=rows)
    people = (
        make_people(owner, hazchem_a, 60, industry="hazchem", positions=KEY + ["worker"], seed=1)
        + make_people(owner, hazchem_b, 50, industry="hazchem", positions=KEY, seed=2, start=100)
        + make_people(owner, builder, 70, industry="construction", positions=KEY + ["worker"], seed=3, start=200)
    )
    targets = {
        "total": services.target_save(
            actor=owner,
            plan=plan,
            data={
                "name": "全年培训",
                "metric": Metric.PERSONS,
                "threshold": Decimal(150),
                "deadline": datetime.date(2023, 12, 31),
            },
        ),
        "offline": services.target_save(
            actor=owner,
            plan=plan,
            data={
                "name": "线下",
                "metric": Metric.PERSONS,
                "modes": [Mode.OFFLINE, Mode.PRACTICAL],
                "threshold": Decimal(80),
                "deadline": datetime.date(2023, 12, 31),
            },
        ),
        "online": services.target_save(
            actor=owner,
            plan=plan,
            data={
                "name": "线上",
                "metric": Metric.PERSONS,
                "modes": [Mode.ONLINE],
                "threshold": Decimal(60),
                "deadline": datetime.date(2023, 12, 31),
            },
        ),
        "key": services.target_save(
            actor=owner,
            plan=plan,
            data={
                "name": "危化重点岗位",
                "metric": Metric.PERSONS,
                "modes": [Mode.OFFLINE, Mode.PRACTICAL],
                "enterprise_set": EnterpriseSet.PROGRAMME,
                "programme": programme,
                "threshold": Decimal(50),
                "deadline": datetime.date(2023, 12, 31),
            },
            positions=Position.objects.filter(code__in=KEY),
        ),
        "share": services.target_save(
            actor=owner,
            plan=plan,
            data={
                "name": "三年任务 70%",
                "metric": Metric.PROGRAMME_SHARE,
                "modes": [Mode.OFFLINE, Mode.PRACTICAL],
                "enterprise_set": EnterpriseSet.PROGRAMME,
                "programme": programme,
                "threshold": Decimal(70),
                "deadline": datetime.date(2023, 12, 31),
            },
        ),
    }
    return plan, programme, people, targets
