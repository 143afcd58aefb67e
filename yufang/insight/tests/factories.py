"""Enterprises with three years of statistics and people trained in the middle year, through
the real services (the register, the statistics, the historic import)."""

import datetime
from decimal import Decimal

from yufang.demo.credit_codes import demo_credit_code
from yufang.enterprises import services
from yufang.reference.models import Industry
from yufang.targets.tests.factories import complete, make_batch, make_people

YEAR = 2023


class EnterpriseBuilder:
    """`build(n)` adds n construction enterprises of 100 insured, alternating between the two
    districts; every other one has 20 people trained in YEAR. Injury cases: 10 a year before;
    after, 5 for a trained enterprise and 10 for an untrained one (a planted -50‰)."""

    def __init__(self, world):
        self.world = world
        self.made = []
        self.industry = Industry.objects.get(code="construction")

    def __call__(self, n: int) -> None:
        agency = self.world.users["agency"]
        for _ in range(n):
            i = len(self.made)
            side = "ab"[i // 2 % 2]
            name = f"效果测试建筑{i}有限公司"
            profile = services.enterprise_save(
                actor=agency,
                org_data={
                    "name": name,
                    "credit_code": demo_credit_code(name),
                    "city": self.world.city,
                    "region": self.world.orgs[f"district_{side}"].region,
                },
                data={"industry": self.industry, "industry_code": "E47", "insured_headcount": 100},
            )
            org = profile.organisation
            trained = i % 2 == 0
            for year, cases in ((YEAR - 1, 10), (YEAR, 10), (YEAR + 1, 5 if trained else 10)):
                services.statistic_save(
                    actor=agency,
                    enterprise=org,
                    year=year,
                    data={
                        "accident_cases": cases,
                        "disease_cases": 0,
                        "insured_headcount": 100,
                        "premiums_paid": Decimal(100000),
                        "benefits_paid": Decimal(cases * 5000),
                    },
                )
            if trained:
                owner = self.world.users["owner"]
                people = make_people(
                    owner, org, 20, industry="construction", positions=["worker"], seed=i, start=i * 20
                )
                complete(
                    owner, people, mode="offline", day=datetime.date(YEAR, 6, 1), source=make_batch(owner, name, YEAR)
                )
            self.made.append(org)


def effect_page(client, params=None):
    """The effect page once the background work it starts has run: a request queues the refresh
    (tasks run at once in tests, after the request's commit), the next reads its result."""
    from django.test import TestCase
    from django.urls import reverse

    url = reverse("insight:effect")
    for _ in range(3):  # the whole refresh, then the choice asked for
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.get(url, params or {})
        if response.context["job"] is None:
            break
    return response


def refresh_effect(world) -> None:
    """Runs the background refresh of the stored prevention effect now."""
    from django.test import TestCase

    from yufang.insight.effect_store import effect_refresh_start

    with TestCase.captureOnCommitCallbacks(execute=True):
        effect_refresh_start(actor=world.users["owner"])
